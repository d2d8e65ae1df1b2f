#!/usr/bin/env bash
# Bad flags and values exit 2 with a one-line reason and the usage line; --help exits 0.
source "$(dirname "$0")/lib.sh"

check_usage_error() {  # ARGS...
  set +e
  "$BIN" "$@" > stdout.txt 2> stderr.txt
  local status=$?
  set -e
  expect_eq "exit status for '$*'" 2 "$status"
  grep -q "^logstreamer: " stderr.txt || fail "no error line for '$*': $(cat stderr.txt)"
  grep -q "^Usage: logstreamer" stderr.txt || fail "no usage line for '$*': $(cat stderr.txt)"
}

check_usage_error analyze --bogus x.log
check_usage_error analyze --workers 0 x.log
check_usage_error analyze --workers lots x.log
check_usage_error analyze --format xml x.log
check_usage_error analyze --buffer 0 x.log
check_usage_error --log-level loud analyze x.log
check_usage_error frobnicate
check_usage_error

"$BIN" --help | grep -q analyze || fail "--help does not list analyze"
"$BIN" analyze --help | grep -q -- "--max-line-bytes" || fail "analyze --help incomplete"
"$BIN" --version | grep -q "logstreamer" || fail "--version"
pass "bad flags give exit 2 and the usage line"
