#!/usr/bin/env bash
# The AVX-512 kernels (message shapes, masks, line and field scans) and the
# SSE2 baseline (LOGSTREAMER_SIMD=sse2) give the same summary, on plain lines
# of every layout and on every other format, messages short and long.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 200000 --seed 21 --malformed-ratio 0.001 -o plain.log
"$BIN" generate -n 100000 --seed 22 --format mixed -o mixed.log
# Messages across the 63/64 and 127/128-byte edges of the shape kernels.
for pad in 50 60 63 64 65 100 127 128 200; do
  printf 'INFO 2024-01-20T10:00:00Z svc %s id=%d took %dms\n' "$(head -c "$pad" /dev/zero | tr '\0' x)" "$pad" "$pad"
  printf 'WARN 2024-01-20T10:00:01Z svc %s req-%dab %d%%\n' "$(head -c "$pad" /dev/zero | tr '\0' y)" "$pad" "$pad"
done > edges.log

for f in plain mixed edges; do
  "$BIN" analyze -q "$f.log" -o "$f-best.json"
  LOGSTREAMER_SIMD=sse2 "$BIN" analyze -q "$f.log" -o "$f-sse2.json"
  diff <(stable_json "$f-best.json") <(stable_json "$f-sse2.json") > diff.txt || fail "$f: summaries differ: $(head -20 diff.txt)"
done
expect_eq "edge lines parsed" 18 "$(jq .parsed edges-best.json)"
pass "AVX-512 and SSE2 paths agree"
