#!/usr/bin/env bash
# gzip and zstd input (by content, whatever the name) gives the same summary as
# the plain file; so does stdin.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 60000 --seed 9 --malformed-ratio 0.001 -o plain.log
gzip -c plain.log > plain.log.gz
zstd -q -c plain.log > plain.log.zst
gzip -c plain.log > no-suffix        # detected by magic bytes, not the name
cat plain.log.gz plain.log.gz > twice.gz  # concatenated members

"$BIN" analyze -q plain.log -o plain.json
"$BIN" analyze -q plain.log.gz -o gz.json
"$BIN" analyze -q plain.log.zst -o zst.json
"$BIN" analyze -q no-suffix -o nosuffix.json
"$BIN" analyze -q - < plain.log -o stdin.json
"$BIN" analyze -q < plain.log.gz -o stdin-gz.json   # no file at all: stdin

for j in gz zst nosuffix stdin stdin-gz; do
  diff <(stable_json plain.json) <(stable_json $j.json) > /dev/null || fail "$j summary differs from plain"
done
expect_eq "plain line count" 60000 "$(jq .total_lines plain.json)"
expect_eq "stdin is named" '"<stdin>"' "$(jq '.inputs[0]' stdin.json)"

"$BIN" analyze -q twice.gz -o twice.json
expect_eq "concatenated gzip members" 120000 "$(jq .total_lines twice.json)"

# A truncated gzip file is an error, reported with the file name, exit 2.
head -c 20000 plain.log.gz > broken.gz
set +e
"$BIN" analyze -q broken.gz -o broken.json 2> stderr.txt
status=$?
set -e
expect_eq "exit status for corrupt input" 2 "$status"
grep -q "cannot read broken.gz: .*gzip" stderr.txt || fail "no clear message: $(cat stderr.txt)"
pass "compressed input and stdin match plain"
