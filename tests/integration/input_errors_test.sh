#!/usr/bin/env bash
# A failed input leaves its mark: exit 2, an "errors" entry (input, reason) in
# the summary JSON that merge carries on, and the console header says the
# summary is partial. A line longer than a buffer is counted in lines and
# bytes, and its sample shows its first 256 bytes, whichever reader read it.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 100000 --seed 5 -o good.log
gzip -k good.log
# Flip a byte of the gzip trailer's CRC: the data decompresses, the check fails.
python3 -c "
d = bytearray(open('good.log.gz', 'rb').read()); d[-6] ^= 0xff
open('corrupt.log.gz', 'wb').write(d)"
set +e
"$BIN" analyze corrupt.log.gz missing.log -o out.json > console.txt 2> err.txt
status=$?
set -e
expect_eq "exit status" 2 "$status"
expect_eq "errors" '[{"input":"missing.log","reason":"No such file or directory"},{"input":"corrupt.log.gz","reason":"corrupt gzip data: incorrect data check"}]' \
  "$(jq -c .errors out.json)"
grep -q "^logstreamer analyze (2 INPUTS FAILED: partial summary): " console.txt || fail "header: $(head -1 console.txt)"
grep -q "^  failed: corrupt.log.gz: corrupt gzip data: incorrect data check$" console.txt || fail "no failed line"
"$BIN" analyze -q good.log -o clean.json
expect_eq "no errors on a clean run" '[]' "$(jq -c .errors clean.json)"
"$BIN" merge -q clean.json out.json -o merged.json
expect_eq "merge keeps the errors" 2 "$(jq '.errors | length' merged.json)"
pass "a failed input is in the JSON's errors and the console header"

# 5 MB in one line between two short ones: 3 lines, every byte counted.
{
  echo "INFO 2024-01-20T10:00:00Z svc first"
  head -c 5000000 /dev/zero | tr '\0' 'x'
  echo
  echo "INFO 2024-01-20T10:00:01Z svc third"
} > long.log
size=$(stat -c %s long.log)
gzip -k long.log
check_long() {  # WHAT JSON
  expect_eq "$1: lines" 3 "$(jq .total_lines "$2")"
  expect_eq "$1: bytes" "$size" "$(jq .bytes "$2")"
  expect_eq "$1: reason" '"line too long"' "$(jq '.malformed_samples[0].reason' "$2")"
  expect_eq "$1: sample" "$(head -c 256 /dev/zero | tr '\0' 'x')" "$(jq -r '.malformed_samples[0].text' "$2")"
  expect_eq "$1: line number" 2 "$(jq '.malformed_samples[0].line' "$2")"
}
"$BIN" analyze -q long.log -o mapped.json
check_long "mapped file" mapped.json
"$BIN" analyze -q - -o piped.json < long.log
check_long "stdin" piped.json
"$BIN" analyze -q long.log.gz -o gz.json
check_long "gzip" gz.json
pass "an over-long line is counted in lines and bytes, with a 256-byte sample"
