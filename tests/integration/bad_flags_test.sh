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

# The reason says what was wrong, not CLI11's generic words.
check_message() {  # EXPECTED_LINE ARGS...
  local expected=$1
  shift
  set +e
  "$BIN" "$@" > /dev/null 2> stderr.txt
  local status=$?
  set -e
  expect_eq "exit status for '$*'" 2 "$status"
  expect_eq "message for '$*'" "$expected" "$(head -1 stderr.txt)"
}
check_message "logstreamer: unknown subcommand 'frobnicate' (expected analyze, generate, merge, bench or serve)" frobnicate
check_message "logstreamer: unknown subcommand 'frob' (expected analyze, generate, merge, bench or serve)" --log-level info frob
check_message "logstreamer: a subcommand is required: analyze, generate, merge, bench or serve"
check_message "logstreamer: --workers: expected a whole number from 1 to 1024, got 'abc'" analyze --workers abc x.log
check_message "logstreamer: --workers: expected a whole number from 1 to 1024, got '2.5'" analyze --workers 2.5 x.log
check_message "logstreamer: --duration: expected a duration like 500ms, 30s or 5m, got '5 weeks'" bench --duration "5 weeks"
check_message "logstreamer: --batch-timeout: at most 1m, got '2m'" bench --batch-timeout 2m

# serve --bus: a role without a bus, a processor without PostgreSQL, a bus
# that does not answer: one line each, exit 2.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
check_message "logstreamer serve: key 'role': needs --bus (the cluster's NATS servers)" \
  serve --listen 127.0.0.1:0 --role process
check_message "logstreamer serve: keys 'bus' and 'db': a processor (--role process or all) stores into PostgreSQL shared by every node: --db postgres://user:pass@host:port/db" \
  serve --listen 127.0.0.1:0 --bus "nats://127.0.0.1:$port" --db "$WORK/x.db"
check_message "logstreamer serve: bus: cannot connect to the bus at nats://127.0.0.1:$port: No server available for connection" \
  serve --listen 127.0.0.1:0 --bus "nats://127.0.0.1:$port" --role ingest --db none

"$BIN" --help | grep -q analyze || fail "--help does not list analyze"
"$BIN" analyze --help | grep -q -- "--max-line-bytes" || fail "analyze --help incomplete"
"$BIN" --version | grep -q "logstreamer" || fail "--version"
pass "bad flags give exit 2 and the usage line"
