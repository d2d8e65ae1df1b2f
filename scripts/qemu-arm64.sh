#!/usr/bin/env bash
# Runs an aarch64 binary under qemu-user with Debian's arm64 libraries (the
# cross toolchain's libc, multiarch libraries, and those unpacked under
# build/arm64-sysroot): the test runner of the arm64 preset.
here=$(cd "$(dirname "$0")/.." && pwd)
export LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu:$here/build/arm64-sysroot/usr/lib/aarch64-linux-gnu
exec qemu-aarch64 -L /usr/aarch64-linux-gnu "$@"
