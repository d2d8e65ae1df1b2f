# serve: auth (basic, bearer, wrong, missing, drain-token allow-list, API
# keys with a rate limit), /ingest (NDJSON and plain), limits (413, 431, slow
# clients), /api/events queries, /readyz, and /metrics under promtool.
source "$(dirname "$0")/lib.sh"

start_serve --auth drain:s3cret --token tok-1 --drain-token d.good --api-key k1 --api-rate-limit 2 \
  --max-body 64KiB --max-header 8KiB --read-timeout 1s --idle-timeout 2s --db-batch-timeout 20ms

METRICS_AUTH="Bearer k1"
frame "$(app_line web.1 'INFO hello from auth')" > one
drain() { post /logdrains application/logplex-1 one -H 'Logplex-Drain-Token: d.good' "$@"; }
expect_eq "no credentials" 401 "$(drain)"
expect_eq "401 JSON body" "credentials required" "$(jq -r .error resp)"
expect_eq "wrong password" 401 "$(drain -u drain:wrong)"
expect_eq "basic auth" 200 "$(drain -u drain:s3cret)"
expect_eq "bearer token" 200 "$(drain -H 'Authorization: Bearer tok-1')"
expect_eq "wrong bearer" 401 "$(drain -H 'Authorization: Bearer tok-2')"
expect_eq "unlisted drain token" 403 \
  "$(post /logdrains application/logplex-1 one -u drain:s3cret -H 'Logplex-Drain-Token: d.other')"
pass "writers: basic, bearer, wrong, missing, drain allow-list"

expect_eq "api without key" 401 "$(get /api/stats)"
expect_eq "api wrong key" 401 "$(get /api/stats -H 'X-API-Key: nope')"
expect_eq "metrics wrong key" 401 "$(get /metrics)"
expect_eq "healthz is open" 200 "$(get /healthz)"
# Rate limit 2/s with a burst of 4: ten quick reads must meet a 429 with Retry-After.
limited=0
for i in $(seq 1 10); do
  code=$(curl -s -o /dev/null -D headers -w '%{http_code}' -H 'Authorization: Bearer k1' "http://$ADDR/api/stats")
  if [[ $code == 429 ]]; then
    grep -qi '^retry-after: [0-9]' headers || fail "429 without Retry-After"
    limited=1
    break
  fi
  expect_eq "read with key" 200 "$code"
done
expect_eq "rate limit reached" 1 "$limited"
pass "readers: API key required, per-key rate limit answers 429 with Retry-After"

# /ingest: NDJSON with one bad line, then plain text in any format.
printf '%s\n' '{"time":"2024-01-20T10:00:00Z","level":"error","service":"billing","msg":"card declined"}' \
  '{"level":"info","service":"billing","msg":"retrying"}' 'this is not json' \
  '{"level":"warn","service":"search","msg":"slow query","duration_ms":1200}' > lines.ndjson
code=$(post /ingest application/x-ndjson lines.ndjson -H 'Authorization: Bearer tok-1')
expect_eq "ndjson status" 202 "$code"
expect_eq "ndjson accepted/malformed" '{"accepted":3,"malformed":1}' "$(jq -c . resp)"
printf '%s\n' '2024-01-20T10:00:01Z ERROR api timeout talking to db' 'level=info service=api msg="all good"' > lines.txt
code=$(post /ingest text/plain lines.txt -u drain:s3cret)
expect_eq "plain status" 202 "$code"
expect_eq "plain accepted" 2 "$(jq .accepted resp)"
expect_eq "ingest wrong type" 415 "$(post /ingest application/x-www-form-urlencoded lines.txt -u drain:s3cret)"
pass "/ingest takes NDJSON and plain lines, counts bad JSON as malformed"

# Limits.
head -c 100000 /dev/zero | tr '\0' 'a' > big
expect_eq "body over --max-body" 413 "$(post /ingest text/plain big -u drain:s3cret)"
head -c 5000000 /dev/zero | gzip -c > bomb.gz
expect_eq "gzip inflating past --max-body" 413 \
  "$(post /ingest text/plain bomb.gz -u drain:s3cret -H 'Content-Encoding: gzip')"
expect_eq "headers over --max-header" 431 \
  "$(get /healthz -H "X-Big: $(head -c 10000 /dev/zero | tr '\0' 'b')")"
pass "413 for big bodies (also inflated), 431 for big headers"

# A slow client: headers, then a body that never comes. Cut off after the
# read timeout with a 408; the connection is closed (cat sees EOF).
exec 3<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}"
printf 'POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly a little' >&3
reply=$(timeout 30 cat <&3) || fail "slow client was not cut off within 30 s"
exec 3<&-
[[ $reply == "HTTP/1.1 408"* ]] || fail "slow client: expected a 408, got '${reply:0:60}'"
# Headers that never finish: closed after the idle timeout.
exec 3<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&3
timeout 30 cat <&3 >/dev/null || fail "half-sent headers were not cut off within 30 s"
exec 3<&-
expect_eq "metrics" 200 "$(get /metrics -H 'Authorization: Bearer k1')"
(( $(awk '$1 == "logstreamer_http_timeouts_total" { print $2 }' resp) >= 2 )) || fail "timeouts not counted"
pass "slow clients are cut off (408 for a slow body, close for slow headers)"

# Stored events: filters, text search, time range, paging, bad parameters.
rows_stored() { (( $(metric 'logstreamer_db_rows_written_total{output="sqlite"}') + 0 >= 7 )); }
wait_for "7 events stored" 60 rows_stored
# Each query waits out the rate limit (2/s) instead of being refused.
events() {
  local body
  for _ in $(seq 1 100); do
    body=$(curl -s -H 'Authorization: Bearer k1' "http://$ADDR/api/events?$1")
    [[ $(jq -r '.error // empty' <<<"$body") == "rate limit exceeded" ]] || break
    sleep 0.1
  done
  printf '%s' "$body"
}
expect_eq "level filter" '["card declined","timeout talking to db"]' \
  "$(events 'level=error' | jq -c '[.events[].message] | sort')"
expect_eq "service filter" 2 "$(events 'service=billing&limit=100' | jq '[.events[] | select(.service=="billing")] | length')"
expect_eq "text search" '["slow query"]' "$(events 'q=slow%20q' | jq -c '[.events[].message]')"
expect_eq "time range" '["timeout talking to db"]' \
  "$(events 'since=2024-01-20T10:00:01Z&until=2024-01-20T10:00:02Z' | jq -c '[.events[].message]')"
page1=$(events 'limit=2')
cursor=$(jq .next_cursor <<<"$page1")
[[ $cursor =~ ^[0-9]+$ ]] || fail "no next_cursor on a full page: $page1"
page2=$(events "limit=2&cursor=$cursor")
expect_eq "pages do not overlap" 0 \
  "$(jq -n --argjson a "$page1" --argjson b "$page2" '[$a.events[].id] - ([$a.events[].id] - [$b.events[].id]) | length')"
expect_eq "json fields kept" 1200 "$(events 'q=slow' | jq '.events[0].fields.duration_ms')"
api_get() {  # as get, with the key, waiting out the rate limit like a polite client
  local code
  for _ in $(seq 1 100); do
    code=$(get "$1" -H 'Authorization: Bearer k1')
    [[ $code == 429 ]] || break
    sleep 0.1
  done
  printf '%s' "$code"
}
expect_eq "bad limit" 400 "$(api_get '/api/events?limit=abc')"
expect_eq "bad since" 400 "$(api_get '/api/events?since=yesterday')"
expect_eq "bad level" 400 "$(api_get '/api/events?level=loud')"
pass "/api/events: level, service, text, time range, cursor paging, 400s"

expect_eq "readyz" 200 "$(get /readyz)"
expect_eq "metrics" 200 "$(api_get /metrics)"
cp resp metrics.txt
promtool check metrics < metrics.txt > promtool.out 2>&1 || fail "promtool: $(cat promtool.out)"
grep -q '^logstreamer_router_response_time_seconds_bucket{le="+Inf"}' metrics.txt || fail "no histogram"
grep -q '^process_resident_memory_bytes ' metrics.txt || fail "no process metrics"
pass "/metrics passes promtool check metrics"

stop_serve INT
expect_eq "exit after SIGINT" 0 "$SERVE_RC"
