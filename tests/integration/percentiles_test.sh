#!/usr/bin/env bash
# Percentiles by nearest rank: two router lines at 25 ms and 30,000 ms give a
# p99 (and p90, p95) of the slower one, within the sketch's 1%, in analyze's
# JSON and in serve's /api/summary and /api/stats alike. (Rounding the rank
# down gave 24.78 ms: a p99 below a request that really happened.)
source "$(dirname "$0")/lib.sh"

now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
router() {  # SERVICE_MS
  printf '%s heroku[router]: at=info method=GET path="/a" host=x.herokuapp.com request_id=r fwd="1.2.3.4" dyno=web.1 connect=1ms service=%sms status=200 bytes=10 protocol=https\n' "$now" "$1"
}
{ router 25; router 30000; } > two.log
near() {  # WHAT EXPECTED ACTUAL: within 1%
  awk -v e="$2" -v a="$3" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(d <= e * 0.01) }' ||
    fail "$1: expected about $2, got $3"
}
"$BIN" analyze -q two.log -o two.json
for q in p90 p95 p99; do near "analyze $q" 30000 "$(jq ".http.response_time_ms.$q" two.json)"; done
near "analyze p50" 25 "$(jq '.http.response_time_ms.p50' two.json)"
pass "analyze: p90/p95/p99 of two requests are the slower one"

start_serve --db none
expect_eq "post" 202 "$(post /ingest text/plain two.log)"
both_in() { [[ $(get /api/summary) == 200 && $(jq '.http.requests // 0' resp) == 2 ]]; }
wait_for "serve to count both requests" 30 both_in
near "serve /api/summary p99" 30000 "$(jq '.http.response_time_ms.p99' resp)"
[[ $(get /api/stats) == 200 ]] || fail "/api/stats"
near "serve /api/stats 1m p99" 30000 "$(jq '.windows["1m"].response_ms.p99' resp)"
stop_serve TERM
pass "serve: /api/summary and /api/stats give the same p99"
