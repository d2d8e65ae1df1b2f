#!/usr/bin/env bash
# Malformed lines are counted and sampled with file, line number and reason;
# blank lines are skipped; an overlong line is malformed and not buffered.
source "$(dirname "$0")/lib.sh"

{
  echo "INFO 2024-01-20T10:00:00Z auth User 1 logged in"      # 1
  echo ""                                                      # 2 blank
  echo "VERBOSE 2024-01-20T10:00:00Z auth what"                # 3 unknown level
  echo "   "                                                   # 4 blank
  echo "INFO yesterday auth something"                         # 5 bad timestamp
  echo "2024-01-20T10:00:01Z ERROR"                            # 6 missing service
  head -c 3000000 /dev/zero | tr '\0' 'x'; echo                # 7 too long (3 MB)
  echo "WARN 2024-01-20T10:00:02Z pay retry"                   # 8
} > bad.log

"$BIN" analyze -q --max-line-bytes 1048576 --chunk-size 1048576 bad.log -o out.json
expect_eq "total (non-blank)" 6 "$(jq .total_lines out.json)"
expect_eq "parsed" 2 "$(jq .parsed out.json)"
expect_eq "malformed" 4 "$(jq .malformed out.json)"
expect_eq "samples" \
  '[["bad.log",3,"unknown level"],["bad.log",5,"bad timestamp"],["bad.log",6,"missing service"],["bad.log",7,"line too long"]]' \
  "$(jq -c '[.malformed_samples[] | [.file, .line, .reason]]' out.json)"
expect_eq "by reason" '{"bad timestamp":1,"line too long":1,"missing service":1,"unknown level":1}' \
  "$(jq -cS .malformed_by_reason out.json)"

# Only the first 10 samples are kept, in input order, while every one is counted.
"$BIN" generate -n 20000 --seed 3 --malformed-ratio 0.05 -o many.log
"$BIN" analyze -q --workers 2 --chunk-size 65536 many.log -o many.json
expect_eq "sample count" 10 "$(jq '.malformed_samples | length' many.json)"
first_bad=$(awk '{ print > "/dev/null" } /^(this line|INFO not-a|2024-13|VERBOSE)/ { print NR; exit }' many.log)
expect_eq "first sample is the first bad line" "$first_bad" "$(jq '.malformed_samples[0].line' many.json)"
expect_eq "malformed count" "$(grep -cE '^(this line|INFO not-a|2024-13|VERBOSE)' many.log)" "$(jq .malformed many.json)"

# Invalid UTF-8 and control bytes never break the JSON output.
printf 'INFO 2024-01-20T10:00:00Z svc\xff caf\xc3\xa9 \x01\x1b[31m bad\n\xfe\xfe\n' > binary.log
"$BIN" analyze -q binary.log -o binary.json
jq -e . binary.json > /dev/null || fail "invalid JSON for invalid UTF-8 input"
expect_eq "binary malformed" 1 "$(jq .malformed binary.json)"
pass "malformed lines are counted and sampled"
