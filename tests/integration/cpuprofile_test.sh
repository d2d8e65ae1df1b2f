#!/usr/bin/env bash
# --cpuprofile writes a profile google-pprof can read.
source "$(dirname "$0")/lib.sh"

# The run must last long enough to be sampled: at the default 100 Hz a
# release build takes too few samples of 300k lines (CI once got none), so
# sample at 1 kHz and give it 2M lines (about 100 ms of CPU in release).
"$BIN" generate -n 500000 --seed 2 -o part.log
cat part.log part.log part.log part.log > in.log
CPUPROFILE_FREQUENCY=1000 "$BIN" analyze -q in.log --cpuprofile cpu.prof -o out.json
[[ -s cpu.prof ]] || fail "no profile written"
# google-pprof comes with scripts/install-deps.sh (google-perftools).
command -v google-pprof > /dev/null || fail "google-pprof not installed (scripts/install-deps.sh installs it)"
google-pprof --text "$BIN" cpu.prof > pprof.txt 2>/dev/null || fail "google-pprof cannot read the profile"
grep -Eq "^Total: [1-9][0-9]* samples" pprof.txt || fail "pprof output has no samples: $(head -1 pprof.txt)"
pass "cpu profile written"
