#!/usr/bin/env bash
# What `make test-arm64` needs: Debian's aarch64 cross compiler, qemu-user,
# and the arm64 builds of the hot path's libraries. Idempotent: a second run
# costs a few dpkg queries and no network.
#
# Multiarch (`dpkg --add-architecture arm64`) installs most -dev packages
# beside the host's; libsimdjson-dev cannot be (its package is not
# Multi-Arch: same), so its arm64 .deb and runtime library are unpacked
# under build/arm64-sysroot instead (the header is the host package's).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

packages=(g++-aarch64-linux-gnu qemu-user libfmt-dev:arm64 libabsl-dev:arm64 libgtest-dev:arm64
          zlib1g-dev:arm64 libzstd-dev:arm64)
dpkg --print-foreign-architectures | grep -qx arm64 || { $sudo dpkg --add-architecture arm64; $sudo apt-get update -qq; }
source "$repo/scripts/apt-install-missing.sh"
apt_install_missing install-arm64-deps "${packages[@]}"

sysroot=$repo/build/arm64-sysroot
if [[ ! -f $sysroot/usr/lib/aarch64-linux-gnu/cmake/simdjson/simdjson-config.cmake ]]; then
  echo "install-arm64-deps: unpacking libsimdjson-dev:arm64 under build/arm64-sysroot" >&2
  debs=$(mktemp -d)
  chmod 777 "$debs"  # apt downloads as _apt
  (cd "$debs" && apt-get download -qq libsimdjson-dev:arm64 libsimdjson14:arm64)
  mkdir -p "$sysroot"
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  rm -rf "$debs"
fi
