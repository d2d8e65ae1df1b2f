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
  jq mawk gzip zstd time python3
  # fincore (page cache residency, for the cold-read test)
  util-linux-extra
  # serve: HTTP (Beast), TLS, config, storage
  libboost-dev libssl-dev libtomlplusplus-dev libsqlite3-dev sqlite3
  # PostgreSQL: the client library serve links, and the server its tests start
  libpq-dev postgresql
  # NATS JetStream (serve --bus): the C client, and the server its tests start
  libnats-dev nats-server
  # serve's tests and benchmarks: HTTP client, promtool, load generator, a
  # baseline server, the dashboard's browser test and its npm packages
  curl prometheus wrk nginx-light chromium openssl
)
# Node.js may come from elsewhere (NodeSource bundles npm): Debian's only if absent.
command -v npm >/dev/null || packages+=(nodejs npm)

source "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing install-deps "${packages[@]}"

# The dashboard's npm packages (uPlot, embedded at build time; playwright-core
# for the browser test), exactly as package-lock.json pins them.
web=$(cd "$(dirname "$0")/../web" && pwd)
if [[ ! -f $web/node_modules/.package-lock.json || $web/package-lock.json -nt $web/node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci in web/" >&2
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
