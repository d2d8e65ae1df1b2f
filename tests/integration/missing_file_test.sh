#!/usr/bin/env bash
# A missing or unreadable input is reported in one line; the others are still
# analysed, and the run exits 2.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 1000 --seed 1 -o good.log
mkdir adir
set +e
"$BIN" analyze good.log missing.log adir -o out.json > stdout.txt 2> stderr.txt
status=$?
set -e
expect_eq "exit status" 2 "$status"
grep -qx "logstreamer: cannot open missing.log: No such file or directory" stderr.txt ||
  fail "no clear message for the missing file: $(cat stderr.txt)"
grep -qx "logstreamer: cannot open adir: Is a directory" stderr.txt ||
  fail "no clear message for the directory: $(cat stderr.txt)"
expect_eq "lines from the good file" 1000 "$(jq .total_lines out.json)"
grep -q "1,000 lines" stdout.txt || fail "console summary missing"

# An output path that cannot be written fails before any work, with the reason.
set +e
"$BIN" analyze good.log -o /nonexistent/dir/out.json 2> stderr.txt
status=$?
set -e
expect_eq "exit status for bad --output" 2 "$status"
grep -q "cannot write /nonexistent/dir/out.json: No such file or directory" stderr.txt || fail "$(cat stderr.txt)"

# All inputs missing: exit 2, no summary.
set +e
"$BIN" analyze nope1.log nope2.log > stdout.txt 2> stderr.txt
status=$?
set -e
expect_eq "exit status when nothing opens" 2 "$status"
expect_eq "error lines" 2 "$(grep -c 'cannot open' stderr.txt)"
pass "missing inputs are reported and the rest analysed"
