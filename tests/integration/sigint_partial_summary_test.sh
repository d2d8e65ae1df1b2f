#!/usr/bin/env bash
# SIGINT during a long run: reading stops, queued work finishes, the partial
# summary is printed and written, exit 130. SIGTERM gives 143. (That a second
# signal exits at once is tested in tests/core/signal_watcher_test.cc.)
source "$(dirname "$0")/lib.sh"

mkfifo in.fifo
run_until_signal() {  # SIGNAL EXPECTED_STATUS
  local sig=$1 expected=$2
  rm -f out.json stdout.txt stderr.txt  # nothing left from an earlier run to match
  # A producer far larger than the test will let it finish (bounded all the same).
  "$BIN" generate -n 200000000 --seed 4 > in.fifo &
  local gen=$!
  "$BIN" analyze --progress --workers 2 -o out.json < in.fifo > stdout.txt 2> stderr.txt &
  local pid=$!
  # The event: a progress line that reports lines already processed.
  wait_for "progress with lines processed" 60 grep -qE '^progress: [1-9][0-9,]* lines' stderr.txt
  kill -"$sig" "$pid"
  local status=0
  wait "$pid" || status=$?
  kill "$gen" 2>/dev/null || true
  wait "$gen" 2>/dev/null || true
  expect_eq "exit status after SIG$sig" "$expected" "$status"
  expect_eq "interrupted flag" true "$(jq .interrupted out.json)"
  local total parsed malformed
  total=$(jq .total_lines out.json)
  parsed=$(jq .parsed out.json)
  malformed=$(jq .malformed out.json)
  ((total > 0)) || fail "partial summary counted no lines"
  expect_eq "parsed + malformed" "$total" "$((parsed + malformed))"
  grep -q "INTERRUPTED: partial summary" stdout.txt || fail "console summary not marked partial: $(head -c 300 stdout.txt)"
}

run_until_signal INT 130
run_until_signal TERM 143

pass "signals give a partial summary and the right exit status"
