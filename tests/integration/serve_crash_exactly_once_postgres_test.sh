#!/usr/bin/env bash
# The crash test of serve_crash_exactly_once_test.sh on PostgreSQL: senders
# retrying as Logplex does, serve killed with SIGKILL at least 10 times and
# restarted on the same database, then the same with SIGTERM. Every line
# ever answered 2xx is stored, and none twice (frame id x line index), even
# when a kill lands between COMMIT and its answer.
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
start_postgres

python3 "$HERE/helpers/crash_clients.py" "$BIN" "$WORK" KILL 18 --db "$PG_URL" ||
  fail "SIGKILL run (serve's log: $(tail -5 "$WORK/crash.err"))"
# Each restart says what it found (and never prints the password).
found=$(grep -c "logstreamer serve: database postgres://postgres:\*\*\*@.*: schema 2, events up to id" \
  "$WORK/crash.err" || true)
(( found >= 10 )) || fail "restarts did not report what they found ($found): $(grep database "$WORK/crash.err" | tail -2)"
grep -q secret "$WORK/crash.err" && fail "the password is in serve's log"
psql_q "TRUNCATE events, http_requests, delivered"
rm -f "$WORK/crash.err"
python3 "$HERE/helpers/crash_clients.py" "$BIN" "$WORK" TERM 15 --db "$PG_URL" ||
  fail "SIGTERM run (serve's log: $(tail -5 "$WORK/crash.err"))"
pass "PostgreSQL, acknowledged after commit: nothing lost, nothing stored twice, across SIGKILL and SIGTERM"
