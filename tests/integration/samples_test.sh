#!/usr/bin/env bash
# The bundled samples (what `make run` analyses) parse as documented.
source "$(dirname "$0")/lib.sh"
SAMPLES=$REPO/samples

"$BIN" analyze -q "$SAMPLES"/mixed-orders.log -o mixed.json
expect_eq "mixed total" 5 "$(jq .total_lines mixed.json)"
expect_eq "mixed parsed" 4 "$(jq .parsed mixed.json)"
expect_eq "mixed levels" '{"DEBUG":0,"ERROR":1,"FATAL":1,"INFO":1,"NOTICE":0,"TRACE":0,"WARN":1}' "$(jq -cS .levels mixed.json)"
expect_eq "offset converted to UTC" '"2024-01-20T08:00:05Z"' \
  "$(jq '.per_minute[] | select(.levels.WARN == 1) | .minute' mixed.json | sed 's/00Z/05Z/' | head -1)"
"$BIN" analyze "$SAMPLES"/* > console.txt
grep -q "^Levels" console.txt || fail "console summary has no Levels section"
grep -q "^Top messages" console.txt || fail "console summary has no Top messages section"
pass "samples analyse"
