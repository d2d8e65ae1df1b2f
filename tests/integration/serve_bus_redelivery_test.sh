#!/usr/bin/env bash
# Two processors holding the same bus messages: PostgreSQL is stopped while
# they have messages to store, so their ack wait (1 s) runs out and JetStream
# hands the messages to the other processor (and back) again and again. When
# PostgreSQL returns, both commit: each message is claimed by one
# transaction, the other leaves it out (logstreamer_db_duplicates_skipped),
# so every line is stored once and /api/summary counts it once. Meanwhile
# the ingest node kept accepting (the bus holds the lines).
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
source "$HERE/nats.sh"
start_postgres
start_nats_cluster 1
common=(--db "$PG_URL" --bus "$NATS_URLS" --retention 0)
start_node proc0 "${common[@]}" --role process --bus-ack-wait 1s
start_node proc1 "${common[@]}" --role process --bus-ack-wait 1s
start_node ingest0 --db none --bus "$NATS_URLS" --role ingest
ADDR=${NODE_ADDR[ingest0]}

now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
post_batch() {  # post_batch N: 10 lines, frame id b-N; prints the status
  local n=$1 i body="$WORK/batch"
  : >"$body"
  for ((i = 0; i < 10; i++)); do
    if ((i % 5 == 4)); then
      frame "<158>1 $now host heroku router - at=info method=GET path=\"/x\" host=a.herokuapp.com request_id=r-b$n-$i fwd=\"10.0.0.1\" dyno=web.1 connect=1ms service=${i}ms status=$((i % 2 ? 200 : 503)) bytes=10 protocol=https" >>"$body"
    else
      frame "<$((187 + i % 4))>1 $now host app web.$((1 + i % 2)) - fid=b$n i=$i" >>"$body"
    fi
  done
  post /logdrains application/logplex-1 "$body" -H "Logplex-Frame-Id: b$n" --max-time 10
}
for n in $(seq 1 5); do expect_eq "batch $n before the outage" 200 "$(post_batch "$n")"; done
pause_postgres
for n in $(seq 6 40); do expect_eq "batch $n during the outage (the bus holds it)" 200 "$(post_batch "$n")"; done
redelivered() {
  local a b
  a=$(node_metric proc0 logstreamer_bus_redelivered_messages_total)
  b=$(node_metric proc1 logstreamer_bus_redelivered_messages_total)
  (( ${a%.*} + ${b%.*} >= 20 ))
}
wait_for "messages redelivered between the processors" 60 redelivered
resume_postgres
stored() { [[ $(psql_q "SELECT count(*) FROM events WHERE message LIKE 'fid=%'") == 320 && $(psql_q "SELECT count(*) FROM http_requests") == 80 ]]; }
wait_for "every line stored" 90 stored
expect_eq "events stored twice" 0 "$(psql_q "SELECT count(*) FROM (SELECT message FROM events WHERE message LIKE 'fid=%' GROUP BY message HAVING count(*) > 1) d")"
expect_eq "requests stored twice" 0 "$(psql_q "SELECT count(*) FROM (SELECT request_id FROM http_requests GROUP BY request_id HAVING count(*) > 1) d")"
skipped() {
  local a b
  a=$(node_metric proc0 logstreamer_db_duplicates_skipped_total{output=\"postgres\"})
  b=$(node_metric proc1 logstreamer_db_duplicates_skipped_total{output=\"postgres\"})
  SKIPPED=$(( ${a%.*} + ${b%.*} ))
}
skipped
(( SKIPPED > 0 )) || fail "no message was left out of a commit: the claims were not exercised"
summary_total() {
  curl -s "http://${NODE_ADDR[proc1]}/api/summary" | jq -e '.total_lines == 400 and .parsed == 400 and .http.requests == 80' >/dev/null
}
wait_for "/api/summary to count each line once" 20 summary_total
# The ingest node has no database: a processor answers for it, over the bus.
ingest_summary() {
  curl -s "http://${NODE_ADDR[ingest0]}/api/summary" | jq -e '.total_lines == 400 and .http.requests == 80' >/dev/null
}
wait_for "the ingest node's /api/summary (asked of a processor)" 20 ingest_summary
# ... and its live view holds what the processors processed (their window
# deltas, shared every second; redelivered copies count here, not in the summary).
ingest_windows() {
  curl -s "http://${NODE_ADDR[ingest0]}/api/stats" | jq -e '.windows["5m"].lines >= 400 and .windows["5m"].requests >= 80' >/dev/null
}
wait_for "the ingest node's live windows to show the processors' lines" 20 ingest_windows
pass "redelivered bus messages ($SKIPPED left out of commits): every line stored and counted once"
