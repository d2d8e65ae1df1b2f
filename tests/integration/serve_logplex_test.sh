# serve: Heroku logplex drains. Multi-frame bodies, a frame without its
# newline, Logplex's L10 notice, a Msg-Count mismatch, gzip, chunked bodies,
# retries deduplicated by frame id, the wrong content type, and router lines
# feeding the HTTP analytics.
source "$(dirname "$0")/lib.sh"

start_serve

# Three frames: two app lines and a router line.
{ frame "$(app_line web.1 'State changed from starting to up')"
  frame "$(app_line web.2 'ERROR payment failed')"
  frame "$(router_line 503 2500 web.2 /checkout)"; } > three
code=$(post /logdrains application/logplex-1 three -H 'Logplex-Msg-Count: 3' -H 'Logplex-Frame-Id: f-1' \
  -H 'Logplex-Drain-Token: d.123')
expect_eq "multi-frame status" 200 "$code"
expect_eq "multi-frame accepted" 3 "$(jq .accepted resp)"
pass "a multi-frame body is accepted frame by frame"

# The same frame id again: acknowledged, not processed twice.
code=$(post /logdrains application/logplex-1 three -H 'Logplex-Msg-Count: 3' -H 'Logplex-Frame-Id: f-1')
expect_eq "retry status" 200 "$code"
expect_eq "retry marked duplicate" true "$(jq .duplicate resp)"
pass "a retried frame id is acknowledged without reprocessing"

# The L10 notice has no trailing newline; LEN counts exactly its bytes.
l10='<172>1 2024-01-20T10:00:01+00:00 heroku logplex - - Error L10 (output buffer overflow): 7 messages dropped since 2024-01-20T09:59:00+00:00.'
{ frame "$(app_line web.1 'before the notice')"; printf '%d %s' "${#l10}" "$l10"; } > l10
code=$(post /logdrains application/logplex-1 l10 -H 'Logplex-Msg-Count: 2' -H 'Logplex-Drop-Count: 7')
expect_eq "L10 status" 200 "$code"
expect_eq "L10 frames" 2 "$(jq .accepted resp)"
pass "a frame without a trailing newline (L10) is read by its count"

# Msg-Count says 5, the body has 1: counted, logged, still accepted.
frame "$(app_line web.1 'count mismatch')" > one
code=$(post /logdrains application/logplex-1 one -H 'Logplex-Msg-Count: 5' -H 'Logplex-Lost-Count: 3')
expect_eq "mismatch status" 200 "$code"
expect_eq "mismatch accepted" 1 "$(jq .accepted resp)"

# Broken framing after a good frame: 2xx for the good one, the rest sampled.
{ frame "$(app_line web.1 'good before garbage')"; printf 'garbage without a length'; } > broken
code=$(post /logdrains application/logplex-1 broken)
expect_eq "broken framing status (Heroku drops batches on 4xx)" 200 "$code"
expect_eq "broken framing accepted" 1 "$(jq .accepted resp)"
expect_eq "broken framing malformed" 1 "$(jq .malformed resp)"
pass "broken framing keeps the good frames and answers 2xx"

# gzip-encoded body.
{ for i in $(seq 1 50); do frame "$(router_line 200 $((i * 10)) web.$((i % 3 + 1)))"; done; } > fifty
gzip -c fifty > fifty.gz
code=$(post /logdrains application/logplex-1 fifty.gz -H 'Content-Encoding: gzip' -H 'Logplex-Msg-Count: 50')
expect_eq "gzip status" 200 "$code"
expect_eq "gzip accepted" 50 "$(jq .accepted resp)"
pass "a gzip body is inflated"

# Chunked transfer encoding (no Content-Length).
code=$(post /logdrains application/logplex-1 fifty -H 'Transfer-Encoding: chunked' -H 'Logplex-Msg-Count: 50')
expect_eq "chunked status" 200 "$code"
expect_eq "chunked accepted" 50 "$(jq .accepted resp)"
pass "a chunked body is read whole"

# The wrong content type is the one client error Heroku should see.
code=$(post /logdrains text/plain one)
expect_eq "wrong content type" 415 "$code"
expect_eq "415 has a JSON error" true "$(jq 'has("error")' resp)"
code=$(get /logdrains)
expect_eq "GET on a POST endpoint" 405 "$code"
pass "wrong content type 415, wrong method 405, JSON bodies"

# Everything accepted is processed: 3 + 2 + 1 + 1 + 50 + 50 = 107 lines.
wait_for "107 lines processed" 60 bash -c "[[ \$(curl -s http://$ADDR/api/stats | jq .pipeline.processed_lines) == 107 ]]"
stats=$(curl -s "http://$ADDR/api/stats")
expect_eq "router requests in the 1m window" 101 "$(jq '.windows["1m"].requests' <<<"$stats")"
expect_eq "5xx in the window" 1 "$(jq '.windows["1m"].status_classes["5xx"]' <<<"$stats")"
expect_eq "dynos seen" '["web.1","web.2","web.3"]' "$(jq -c '[.windows["1m"].dynos[].dyno]' <<<"$stats")"
expect_eq "slow requests (> 1 s)" 1 "$(jq '.windows["1m"].slow_requests' <<<"$stats")"
expect_eq "recent error" "ERROR payment failed" "$(jq -r '.recent_errors[0].message' <<<"$stats")"
pass "router lines feed the HTTP analytics and dynos"

summary=$(curl -s "http://$ADDR/api/summary")
expect_eq "summary ERROR count" 1 "$(jq .levels.ERROR <<<"$summary")"
expect_eq "summary framing error sampled" "bad logplex framing" "$(jq -r '.malformed_samples[0].reason' <<<"$summary")"
expect_eq "summary http requests" 101 "$(jq .http.requests <<<"$summary")"
pass "/api/summary is the analyze summary, live"

expect_eq "msg-count mismatch metric" 1 "$(metric logstreamer_logplex_msg_count_mismatches_total)"
expect_eq "duplicate metric" 1 "$(metric logstreamer_logplex_duplicate_requests_total)"
expect_eq "logplex drop-count metric" 7 "$(metric 'logstreamer_dropped_lines_total{reason="logplex_drop_count"}')"
expect_eq "logplex lost-count metric" 3 "$(metric 'logstreamer_dropped_lines_total{reason="logplex_lost_count"}')"
pass "mismatches, duplicates, Logplex-Drop-Count and Logplex-Lost-Count reach /metrics"

stop_serve TERM
expect_eq "exit status after SIGTERM" 0 "$SERVE_RC"
# Successful router lines live in http_requests only; the 503 is an event too.
expect_eq "events stored" 7 "$(sqlite3 serve.db 'select count(*) from events')"
expect_eq "failed request stored as an event" 1 "$(sqlite3 serve.db "select count(*) from events where service = 'router'")"
(( $(sqlite3 serve.db 'select count(*) from metric_snapshots') >= 1 )) || fail "no final metric snapshot"
expect_eq "requests stored" 101 "$(sqlite3 serve.db 'select count(*) from http_requests')"
expect_eq "router row fields" "web.2|503|2500.0|1.0|10.0.0.1" \
  "$(sqlite3 serve.db "select dyno, status, service_ms, connect_ms, client_ip from http_requests where status = 503")"
grep -q "logstreamer serve: 108 lines" serve.out || fail "final summary missing: $(head -3 serve.out)"
pass "SIGTERM: exit 0, every line in SQLite, final snapshot written, final summary printed"
