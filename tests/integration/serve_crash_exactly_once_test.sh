#!/usr/bin/env bash
# --ack commit survives crashes: Logplex-like senders (retrying every
# non-2xx and every timeout) post batches with frame ids while serve is
# killed with SIGKILL at least 10 times and restarted on the same SQLite
# database; then the same with SIGTERM. Every line ever answered 2xx is
# stored, and none is stored twice (frame id x line index).
source "$(dirname "$0")/lib.sh"

python3 "$HERE/helpers/crash_clients.py" "$BIN" "$WORK" KILL 18 --ack commit ||
  fail "SIGKILL run (serve's log: $(tail -5 "$WORK/crash.err"))"
# Each restart says what it found in the database (after SQLite's recovery).
found=$(grep -c "logstreamer serve: database .*crash.db: schema 2, events up to id" "$WORK/crash.err" || true)
(( found >= 10 )) || fail "restarts did not report what they found ($found): $(grep database "$WORK/crash.err" | tail -2)"
rm -f "$WORK"/crash.db* "$WORK/crash.err"
python3 "$HERE/helpers/crash_clients.py" "$BIN" "$WORK" TERM 15 --ack commit ||
  fail "SIGTERM run (serve's log: $(tail -5 "$WORK/crash.err"))"
pass "acknowledged after commit: nothing lost, nothing stored twice, across SIGKILL and SIGTERM"
