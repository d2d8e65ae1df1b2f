#!/usr/bin/env bash
# One set of line rules (parse/line_loop.h) for every engine: the same file
# gives the same counts through `analyze`, through `serve` (POST /ingest as
# text/plain, read back from /api/summary) and through `bench --replay`.
# The file mixes every format with CRLF line endings, blank and
# whitespace-only lines, a 2 MB line and malformed lines.
source "$(dirname "$0")/lib.sh"

"$BIN" generate --format mixed -n 3000 --seed 11 -o mixed.log
{
  head -n 1000 mixed.log
  printf '\n   \n\t\n'                             # blank and whitespace-only lines
  head -n 2000 mixed.log | tail -n 1000 | sed 's/$/\r/'  # CRLF endings
  printf 'INFO 2024-01-20T10:00:00Z svc a line before the long one\n'
  head -c 2000000 /dev/zero | tr '\0' 'y'; printf '\n'     # over every line limit
  printf '{"level":"info","msg":"truncated\n'          # malformed: invalid JSON
  printf 'just some words with no format at all\n'     # malformed: unrecognised
  printf 'level=loud msg=x\n'                          # malformed: unknown level
  printf 'zz\x01\x02=\xff\xfe\n'                       # junk
  printf '\r\n'                                        # a CRLF blank line
  tail -n 1000 mixed.log
  printf 'WARN 2024-01-20T10:00:09Z svc the last line has no newline'
} > input.log

"$BIN" analyze -q input.log -o analyze.json
counts() {  # the fields every engine must agree on
  jq -S '{total_lines, parsed, malformed, levels, services, formats, malformed_by_reason}' "$1"
}
(( $(jq .malformed analyze.json) >= 5 )) || fail "the test file should hold malformed lines"
expect_eq "blank lines are not counted" 3007 "$(jq .total_lines analyze.json)"

# serve: the whole file as one text/plain body.
start_serve --db none
expect_eq "post" 202 "$(post /ingest text/plain input.log)"
total=$(jq .total_lines analyze.json)
all_in() { [[ $(get /api/summary) == 200 && $(jq .total_lines resp) == "$total" ]]; }
wait_for "serve to process $total lines" 60 all_in
cp resp serve.json
stop_serve TERM
diff <(counts analyze.json) <(counts serve.json) > serve.diff || fail "serve counts differ from analyze: $(head -30 serve.diff)"
pass "serve's /api/summary counts equal analyze's"

# bench --replay: the same lines as load, once and three times.
"$BIN" bench --replay input.log --streams 4 --workers 2 --metrics-interval 0 --json > bench.json
expect_eq "bench invariant" true "$(jq .invariant_holds bench.json)"
expect_eq "bench lines" "$total" "$(jq .lines bench.json)"
expect_eq "bench malformed" "$(jq .malformed analyze.json)" "$(jq .malformed bench.json)"
expect_eq "bench levels" "$(jq -S -c .levels analyze.json)" "$(jq -S -c .levels bench.json)"
"$BIN" bench --replay input.log --loops 3 --streams 4 --workers 2 --metrics-interval 0 --json > bench3.json
expect_eq "bench --loops 3 lines" "$((total * 3))" "$(jq .lines bench3.json)"
gzip -k input.log
"$BIN" bench --replay input.log.gz --streams 2 --workers 1 --metrics-interval 0 --json > benchgz.json
expect_eq "bench --replay of the .gz" "$total" "$(jq .lines benchgz.json)"
pass "bench --replay counts equal analyze's (plain, gzip, --loops 3)"

set +e
"$BIN" bench --replay missing.log 2> err.txt
status=$?
set -e
expect_eq "missing replay file" 2 "$status"
grep -q "^logstreamer: --replay: File does not exist: missing.log" err.txt || fail "message: $(cat err.txt)"
pass "a missing replay file is a usage error"
