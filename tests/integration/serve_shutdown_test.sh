# serve: a failing database pushes back on senders within seconds (503, or
# 429 once the queue is full) and surfaces in /readyz and /metrics without
# losing a line; then SIGTERM under load: exit 0, and every line of every
# acknowledged request is in SQLite.
source "$(dirname "$0")/lib.sh"

# body KEY: 100 logplex frames whose messages carry KEY ("req=KEY i=N").
body() {
  awk -v k="$1" 'BEGIN { for (i = 0; i < 100; i++) {
    m = "<190>1 2024-01-20T10:00:00+00:00 host app web.1 - req=" k " i=" i
    printf "%d %s\n", length(m) + 1, m } }'
}
# send KEY: posts body KEY; records KEY in acked when answered 2xx; prints the code.
send() {
  body "$1" > "body.$1"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/logplex-1' \
    --data-binary @"body.$1" "http://$ADDR/logdrains" || true)
  rm -f "body.$1"
  [[ $code == 2* ]] && echo "$1" >> "acked.${1%%-*}"
  printf '%s' "$code"
}

start_serve --policy reject --queue-lines 200 --db-batch-rows 50 --db-batch-timeout 10ms \
  --min-workers 1 --max-workers 1

# Lock the database from outside: every commit of serve now fails (busy).
lock_database serve.db

# Posts are acknowledged until the database's failure pushes back: 503 once
# a commit has failed (or 429 if the queue fills first), within 5 s of the lock.
locked_at=$SECONDS
pushed_back=""
r=0
while (( SECONDS - locked_at <= 5 )); do
  r=$((r + 1))
  code=$(send "a-$r")
  if [[ $code == 429 || $code == 503 ]]; then pushed_back=$code; break; fi
  expect_eq "post while the database is locked" 200 "$code"
done
[[ -n $pushed_back ]] || fail "still 200 five seconds after the database was locked"
curl -s -D headers -o /dev/null -H 'Content-Type: application/logplex-1' --data-binary @<(body probe) \
  "http://$ADDR/logdrains"
grep -qE '^HTTP/1.1 (429|503)' headers || fail "the database is still locked, yet: $(head -1 headers)"
grep -qi '^retry-after: [0-9]' headers || fail "pushback without Retry-After"
pass "database locked -> $pushed_back with Retry-After within $((SECONDS - locked_at)) s ($((r - 1)) posts acknowledged before)"

db_down() { [[ $(get /readyz) == 503 && $(jq -r .reason resp) == *"database sqlite unavailable ("* ]]; }
wait_for "/readyz to report the database" 60 db_down
expect_eq "db_up metric" 0 "$(metric 'logstreamer_db_up{output="sqlite"}')"
(( $(metric 'logstreamer_db_failures_total{output="sqlite"}') >= 1 )) || fail "db failures not counted"
pass "a failing database shows in /readyz (503) and /metrics"

unlock_database
db_up() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/readyz") == 200 ]]; }
wait_for "the database to recover" 60 db_up
pass "the database recovers and /readyz is 200 again"

# Load from four clients, then SIGTERM while they are still sending.
poster() {
  for r in $(seq 1 400); do
    code=$(send "$1-$r")
    [[ $code == 000 ]] && break  # the server has gone
  done
}
posters=()
for p in b c d e; do
  poster "$p" &
  posters+=($!)
done
load_seen() { (( $(metric logstreamer_processed_lines_total) + 0 >= 20000 )); }
wait_for "20,000 lines processed under load" 120 load_seen
stop_serve TERM
wait "${posters[@]}"  # they end when the server refuses connections
expect_eq "exit status after SIGTERM under load" 0 "$SERVE_RC"

cat acked.* | sort > acked
sqlite3 serve.db "select substr(message, 5, instr(message, ' ') - 5), count(*) from events group by 1" |
  sort > stored
acked_count=$(wc -l < acked)
(( acked_count >= 100 )) || fail "too few acknowledged requests to mean anything: $acked_count"
missing=$(awk -F'|' 'NR == FNR { n[$1] = $2; next } n[$1] != 100 { print $1 " has " (n[$1] + 0) }' stored acked)
[[ -z $missing ]] || fail "acknowledged requests not fully stored: $(head -5 <<<"$missing")"
grep -q "rows stored" serve.err || fail "no final line on stderr"
pass "SIGTERM under load: exit 0 and all $acked_count acknowledged requests (x100 lines) are in SQLite"
