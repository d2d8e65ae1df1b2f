#!/usr/bin/env bash
# With --ack queued (a 2xx means queued), a database that fails
# must push back on senders within seconds: 503 with Retry-After once a
# commit has failed, not 200s until some 64k rows pile up in memory. With the
# default queue sizes, so the queue's own 429 cannot be what answers.
source "$(dirname "$0")/lib.sh"

body() {  # KEY: 100 logplex frames
  awk -v k="$1" 'BEGIN { for (i = 0; i < 100; i++) {
    m = "<190>1 2024-01-20T10:00:00+00:00 host app web.1 - req=" k " i=" i
    printf "%d %s\n", length(m) + 1, m } }'
}
send() {  # KEY: prints the status code; appends KEY to acked on a 2xx
  body "$1" > b
  local code
  code=$(curl -s -D headers -o /dev/null -w '%{http_code}' -H 'Content-Type: application/logplex-1' \
    --data-binary @b "http://$ADDR/logdrains" || true)
  [[ $code == 2* ]] && echo "$1" >> acked
  printf '%s' "$code"
}

start_serve --ack queued
expect_eq "a post before the lock" 200 "$(send before)"
lock_database serve.db

locked_at=$SECONDS
code=""
r=0
while (( SECONDS - locked_at <= 5 )); do
  r=$((r + 1))
  code=$(send "locked-$r")
  [[ $code == 200 ]] || break
done
expect_eq "answer within 5 s of the lock" 503 "$code"
grep -qi '^retry-after: [0-9]' headers || fail "503 without Retry-After"
expect_eq "ingest too" 503 "$(printf 'INFO 2024-01-20T10:00:00Z svc x\n' > one; post /ingest text/plain one)"
expect_eq "db_up" 0 "$(metric 'logstreamer_db_up{output="sqlite"}')"
pass "a locked database: 503 with Retry-After after $((SECONDS - locked_at)) s and $((r - 1)) acknowledged posts"

unlock_database
recovered() { [[ $(send "after-$RANDOM") == 200 ]]; }
wait_for "posts to be accepted again" 60 recovered
stop_serve TERM
expect_eq "exit" 0 "$SERVE_RC"
# Nothing acknowledged was lost: every acknowledged request has its 100 rows.
stored=$(sqlite3 serve.db "select count(*) from events")
expect_eq "rows of acknowledged posts" $(( $(wc -l < acked) * 100 )) "$stored"
pass "after the lock: accepted again, and every acknowledged line stored"
