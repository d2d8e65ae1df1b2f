#!/usr/bin/env bash
# --cpuprofile writes a profile google-pprof can read.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 300000 --seed 2 -o in.log
"$BIN" analyze -q in.log --cpuprofile cpu.prof -o out.json
[[ -s cpu.prof ]] || fail "no profile written"
if command -v google-pprof > /dev/null; then
  google-pprof --text "$BIN" cpu.prof > pprof.txt 2>/dev/null || fail "google-pprof cannot read the profile"
  grep -q "Total:" pprof.txt || fail "pprof output has no total"
fi
pass "cpu profile written"
