#!/usr/bin/env bash
# PostgreSQL keeps events in one partition per UTC day; --retention drops
# whole days (DROP TABLE, not row-by-row DELETE): lines of today, of 3 days
# ago and of 2024 are stored with a 7-day retention, then serve restarts
# with --retention 2d and its start-up sweep drops the 3-day-old partition
# and the 2024 row (kept in the default partition), and keeps today's.
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
start_postgres

today=$(date -u +%Y-%m-%dT%H:%M:%SZ)
old=$(date -u -d '3 days ago' +%Y-%m-%dT%H:%M:%SZ)
old_part="events_p$(date -u -d '3 days ago' +%Y%m%d)"
today_part="events_p$(date -u +%Y%m%d)"
for t in "$today:today line" "$old:three days old" "2024-01-20T10:00:00Z:from 2024"; do
  printf 'time=%s level=info msg="%s"\n' "${t%%Z:*}Z" "${t#*Z:}"
done >lines

start_serve --db "$PG_URL" --retention 7d
expect_eq "/ingest (committed)" 202 "$(post /ingest text/plain lines)"
stop_serve TERM
expect_eq "rows stored" 3 "$(psql_q 'SELECT count(*) FROM events')"
expect_eq "where the rows are" "events_other:from 2024,$old_part:three days old,$today_part:today line" \
  "$(psql_q "SELECT string_agg(tableoid::regclass || ':' || message, ',' ORDER BY tableoid::regclass::text) FROM events")"

start_serve --db "$PG_URL" --retention 2d
gone() { [[ $(psql_q "SELECT to_regclass('$old_part') IS NULL") == t ]]; }
wait_for "the 3-day-old partition to be dropped" 30 gone
only_today() { [[ $(psql_q "SELECT string_agg(message, ',') FROM events") == "today line" ]]; }
wait_for "the 2024 row to be deleted" 30 only_today
expect_eq "/api/events" 200 "$(get '/api/events')"
expect_eq "events served" '["today line"]' "$(jq -c '[.events[].message]' "$WORK/resp")"
stop_serve TERM
pass "retention dropped the whole partition of 3 days ago and the 2024 row; today's row stays"
