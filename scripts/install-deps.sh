#!/usr/bin/env bash
# Installs the Debian packages logstreamer needs to build, test and benchmark.
# Idempotent and non-interactive: installs only what is missing, so a second
# run costs one dpkg query and no network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libcli11-dev libfmt-dev libspdlog-dev libsimdjson-dev libabsl-dev
  zlib1g-dev libzstd-dev libgoogle-perftools-dev google-perftools
  libgtest-dev libgmock-dev libbenchmark-dev
  jq mawk gzip zstd time
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
