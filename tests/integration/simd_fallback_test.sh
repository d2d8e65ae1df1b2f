#!/usr/bin/env bash
# Every SIMD tier gives the same summary: the kernels of each tier this CPU
# runs (LOGSTREAMER_SIMD=scalar|sse2|avx2|avx512; or exactly the tiers in
# LOGSTREAMER_TEST_TIERS, failing if the CPU lacks one) on plain lines of
# every layout, on every other format, on messages across the kernels' 63/64
# and 127/128-byte edges, and on the fuzz corpus, against the scalar tier.
source "$(dirname "$0")/lib.sh"

tiers=()
if [[ -n ${LOGSTREAMER_TEST_TIERS:-} ]]; then
  IFS=, read -r -a tiers <<<"$LOGSTREAMER_TEST_TIERS"
  for t in "${tiers[@]}"; do
    LOGSTREAMER_SIMD=$t "$BIN" generate -n 1 -o /dev/null 2>err.txt ||
      fail "LOGSTREAMER_TEST_TIERS asks for $t: $(cat err.txt)"
  done
else
  tiers=(auto)  # the tier chosen when none is forced
  for t in sse2 avx2 avx512; do
    LOGSTREAMER_SIMD=$t "$BIN" generate -n 1 -o /dev/null 2>/dev/null && tiers+=("$t")
  done
fi
# An unknown or missing tier is refused with one line, exit 2.
rc=0; LOGSTREAMER_SIMD=avx3 "$BIN" analyze -q /dev/null 2>err.txt || rc=$?
expect_eq "unknown tier exit" 2 "$rc"
grep -q "LOGSTREAMER_SIMD=avx3: not a tier" err.txt || fail "unknown tier: $(cat err.txt)"

"$BIN" generate -n 200000 --seed 21 --malformed-ratio 0.001 -o plain.log
"$BIN" generate -n 100000 --seed 22 --format mixed -o mixed.log
# Messages across the 63/64 and 127/128-byte edges of the shape kernels.
for pad in 50 60 63 64 65 100 127 128 200; do
  printf 'INFO 2024-01-20T10:00:00Z svc %s id=%d took %dms\n' "$(head -c "$pad" /dev/zero | tr '\0' x)" "$pad" "$pad"
  printf 'WARN 2024-01-20T10:00:01Z svc %s req-%dab %d%%\n' "$(head -c "$pad" /dev/zero | tr '\0' y)" "$pad" "$pad"
done > edges.log
# The fuzz corpus: every parser's odd inputs, each file as lines of its own.
find "$REPO/tests/fuzz/corpus" -type f | sort | while IFS= read -r f; do cat "$f"; echo; done > corpus.log

# Each tier also with its shape kernel forced on (counting uses shapes only
# where they pay, the AVX-512 kernel today), so every kernel counts end to end.
runs=()
for t in "${tiers[@]}"; do runs+=("$t" "$t+shapes"); done
runs+=(scalar+shapes)
for f in plain mixed edges corpus; do
  LOGSTREAMER_SIMD=scalar LOGSTREAMER_SHAPES=off "$BIN" analyze -q "$f.log" -o "$f-scalar.json"
  for r in "${runs[@]}"; do
    t=${r%+shapes}
    shapes=auto
    [[ $r == *+shapes ]] && shapes=on
    LOGSTREAMER_SIMD=${t/auto/} LOGSTREAMER_SHAPES=$shapes "$BIN" analyze -q "$f.log" -o "$f-$r.json"
    diff <(stable_json "$f-scalar.json") <(stable_json "$f-$r.json") > diff.txt ||
      fail "$f: $r and scalar summaries differ: $(head -20 diff.txt)"
  done
done
expect_eq "edge lines parsed" 18 "$(jq .parsed edges-scalar.json)"
(( $(jq .total_lines corpus-scalar.json) > 50 )) || fail "the corpus file has too few lines"
pass "${runs[*]} give the scalar tier's summaries (plain, mixed, edges, fuzz corpus)"
