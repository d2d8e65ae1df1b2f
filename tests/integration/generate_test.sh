#!/usr/bin/env bash
# generate: reproducible by seed, every format parses back without a
# malformed line, --rate paces the output, bad values exit 2.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 500 --seed 7 --format mixed -o a.log
"$BIN" generate -n 500 --seed 7 --format mixed -o b.log
cmp -s a.log b.log || fail "same seed, different output"
"$BIN" generate -n 500 --seed 8 --format mixed -o c.log
! cmp -s a.log c.log || fail "different seeds, same output"
expect_eq "lines" 500 "$(wc -l < a.log)"
"$BIN" analyze -q a.log -o a.json
expect_eq "malformed in generated lines" 0 "$(jq .malformed a.json)"

# --rate: 300 lines at 1000/s cannot finish in less than ~0.29 s (the
# generator sleeps until each burst is due); no upper bound is asserted.
start=$(date +%s%N)
"$BIN" generate -n 300 --rate 1000 > paced.log
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "paced lines" 300 "$(wc -l < paced.log)"
(( elapsed_ms >= 280 )) || fail "--rate 1000 wrote 300 lines in ${elapsed_ms} ms"

set +e
"$BIN" generate -n 0 2> err.txt
status=$?
set -e
expect_eq "endless without a rate" 2 "$status"
grep -q "needs a --rate" err.txt || fail "$(cat err.txt)"
pass "generate is reproducible, parseable and paced"
