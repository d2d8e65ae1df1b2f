#!/usr/bin/env bash
# merge: the summaries of two halves merge into the summary of the whole,
# exactly (counts, per-minute buckets, templates, HTTP percentiles: the
# sketches merge bucket by bucket). Bad inputs give one clear line and exit 2.
source "$(dirname "$0")/lib.sh"

"$BIN" generate --format mixed -n 30000 --seed 13 --malformed-ratio 0.01 -o whole.log
head -n 12345 whole.log > first.log
tail -n +12346 whole.log > second.log
"$BIN" analyze -q whole.log -o whole.json
"$BIN" analyze -q first.log -o first.json
"$BIN" analyze -q second.log -o second.json
"$BIN" merge -q first.json second.json -o merged.json

# Samples keep file and line of their own run, so they are compared apart.
strip() { jq -S 'del(.elapsed_seconds, .lines_per_second, .inputs, .bytes, .malformed_samples)' "$1"; }
diff <(strip whole.json) <(strip merged.json) > diff.txt || fail "merged summary differs from the whole: $(head -20 diff.txt)"
(( $(jq .http.requests merged.json) > 0 )) || fail "the test data should carry HTTP requests"
expect_eq "inputs" '["first.log","second.log"]' "$(jq -c .inputs merged.json)"
expect_eq "first sample comes from the first file" '"first.log"' "$(jq '.malformed_samples[0].file' merged.json)"

# Merging is associative: (a+b)+a = a+(b+a)
"$BIN" merge -q merged.json first.json -o left.json
"$BIN" merge -q second.json first.json -o ba.json
"$BIN" merge -q first.json ba.json -o right.json
diff <(strip left.json) <(strip right.json) > /dev/null || fail "merge is not associative"
expect_eq "counts add up" $(( $(jq .total_lines whole.json) + $(jq .total_lines first.json) )) "$(jq .total_lines left.json)"

# Errors: not JSON, not a summary, missing.
echo "not json" > bad.json
echo '{"hello": 1}' > other.json
for f in bad.json other.json missing.json; do
  set +e
  "$BIN" merge -q first.json "$f" -o out.json 2> err.txt
  status=$?
  set -e
  expect_eq "exit status for $f" 2 "$status"
  grep -q "^logstreamer: cannot read $f: " err.txt || fail "no clear message for $f: $(cat err.txt)"
done
# The reason names what is wrong: the system's words for a missing file, "not
# a summary" for a log file given by mistake.
printf 'INFO 2024-01-20T10:00:00Z svc hello\n' > app.log
check_reason() {  # FILE EXPECTED_LINE
  set +e
  "$BIN" merge -q "$1" 2> err.txt
  set -e
  expect_eq "message for $1" "$2" "$(cat err.txt)"
}
check_reason /nonexistent.json "logstreamer: cannot read /nonexistent.json: No such file or directory"
check_reason app.log "logstreamer: cannot read app.log: not a summary written by 'logstreamer analyze --output' (not valid JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc.)"
check_reason "$WORK" "logstreamer: cannot read $WORK: is a directory"
# merge's console report is headed as a merge, not as analyze.
"$BIN" merge first.json second.json > console.txt
grep -q "^logstreamer merge of 2 summaries: 30,000 lines" console.txt || fail "merge header: $(head -1 console.txt)"
pass "merge of halves equals the whole"
