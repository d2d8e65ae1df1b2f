#!/usr/bin/env bash
# PostgreSQL goes away for ~10 s while Logplex-like senders post: senders
# get 503/429 with Retry-After, /readyz says why and logstreamer_db_up is 0,
# serve reconnects by itself when the server is back, and every line
# acknowledged before, during or after is stored exactly once.
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
start_postgres
start_serve --db "$PG_URL"
PORT=${ADDR##*:}

python3 "$HERE/helpers/logplex_senders.py" "$PORT" "$WORK" 120 &
SENDERS=$!
acked() { [[ -f $WORK/acked ]] && wc -l <"$WORK/acked" || echo 0; }
some_acked() { (( $(acked) >= 50 )); }
wait_for "the first acknowledgements" 60 some_acked

pause_postgres
down_at=$SECONDS
db_down() {
  [[ $(get /readyz) == 503 ]] && jq -r .reason "$WORK/resp" | grep -q "database postgres unavailable (postgres: "
}
wait_for "/readyz to report the database down" 30 db_down
jq -r .reason "$WORK/resp"
expect_eq "logstreamer_db_up during the outage" 0 "$(metric 'logstreamer_db_up{output="postgres"}')"
before=$(acked)
# The outage itself lasts ~10 s (the scenario, not a wait for an event).
sleep $((10 - (SECONDS - down_at) > 0 ? 10 - (SECONDS - down_at) : 0))
resume_postgres
back_at=$SECONDS
db_up() { [[ $(get /readyz) == 200 ]]; }
wait_for "serve to recover by itself" 60 db_up
echo "recovered $((SECONDS - back_at)) s after PostgreSQL came back"
expect_eq "logstreamer_db_up after recovery" 1 "$(metric 'logstreamer_db_up{output="postgres"}')"
more_acked() { (( $(acked) >= before + 200 )); }
wait_for "acknowledgements after recovery" 60 more_acked
touch "$WORK/stop"
wait "$SENDERS"
stop_serve TERM
expect_eq "serve's exit status" 0 "$SERVE_RC"

cat "$WORK/senders.json"
refused=$(jq '(.codes["503"] // 0) + (.codes["429"] // 0)' "$WORK/senders.json")
(( refused > 0 )) || fail "no sender heard 503/429 while the database was away"
expect_eq "429/503 answers without Retry-After" 0 "$(jq .no_retry_after "$WORK/senders.json")"

# Every acknowledged line stored once.
psql_q "SELECT message FROM events" >"$WORK/stored"
sort -u "$WORK/acked" >"$WORK/acked_ids"
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^fid=/) f = substr($i, 5); else if ($i ~ /^i=/) n = substr($i, 3); print f, n }' \
  "$WORK/stored" | sort >"$WORK/stored_keys"
twice=$(uniq -d "$WORK/stored_keys" | wc -l)
expect_eq "lines stored twice" 0 "$twice"
missing=$(awk 'NR == FNR { have[$1 " " $2] = 1; next } { for (i = 0; i < 20; i++) if (!(($1 " " i) in have)) n++ } END { print n + 0 }' \
  "$WORK/stored_keys" "$WORK/acked_ids")
expect_eq "acknowledged lines missing" 0 "$missing"
pass "$(wc -l <"$WORK/acked_ids") batches acknowledged across a 10 s PostgreSQL outage: $refused refused with Retry-After, none lost, none twice"
