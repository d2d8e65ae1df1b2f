#!/usr/bin/env bash
# make bench (serve part): `logstreamer serve` under wrk, in the same run as
# a baseline of nginx answering 204 on the same machine.
#
#   DURATION=10 RUNS=3 bench/serve_bench.sh
#
# Reports, as medians of RUNS:
#  1. small bodies (1 logplex frame): requests/s of nginx and of serve, ratio;
#  2. 100-frame bodies without storage: requests/s and lines/s ingested;
#  3. 100-frame bodies with SQLite and with PostgreSQL (--policy block):
#     lines/s committed, with --ack queued and --ack commit, against each
#     database's own bulk load of 1M rows of the same shape into the same
#     indexed table (sqlite3 .import, psql \copy of the same CSV): the limit;
#  4. P50/P99 request latency at half the peak rate of (2), and with
#     --ack commit at half of each database's committed peak;
#  5. serve's peak RSS.
# PostgreSQL is a throwaway cluster (tests/integration/postgres.sh) with
# fsync on, as a production server runs.
# Both servers and wrk share the machine's 2 cores: figures are for
# comparison in one run, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(realpath build/release/src/logstreamer)
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
RESULTS=bench/results
mkdir -p "$RESULTS"
for tool in wrk nginx; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "bench: $tool missing (make deps)" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/logstreamer-serve-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# wrk_run URL FRAMES [DELAY_MS] -> "requests_per_s non2xx p50_ms p99_ms"
wrk_run() {
  local out
  out=$(FRAMES=$2 DELAY_MS=${3:-0} wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
    -s bench/serve_logplex.lua "$1" 2>&1)
  local rps non2xx p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; print n }'; }
  echo "$rps ${non2xx:-0} $(to_ms "$p50") $(to_ms "$p99")"
}

# --- nginx: 204 for everything, body read and discarded ----------------------
nginx_port=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 204; }
  }
}
NGINX
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
pids+=($!)

start_serve() {  # start_serve ARGS... -> sets SERVE_ADDR, SERVE_PID
  rm -f "$WORK/ready"
  "$BIN" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" --queue-lines 1000000 "$@" \
    > "$WORK/serve.out" 2> "$WORK/serve.err" &
  SERVE_PID=$!
  pids+=($SERVE_PID)
  for _ in $(seq 1 3000); do [[ -s $WORK/ready ]] && break; sleep 0.01; done
  SERVE_ADDR=$(cat "$WORK/ready")
}
stop_serve() {
  PEAK_RSS_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status")
  kill -TERM "$SERVE_PID"
  wait "$SERVE_PID" || true
}
metric() { curl -s "http://$SERVE_ADDR/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }

# PostgreSQL: a throwaway cluster on a free port, as the tests start one.
fail() { echo "bench: $*" >&2; exit 1; }
PG_FSYNC=on
source tests/integration/postgres.sh
start_postgres
trap 'stop_postgres; cleanup' EXIT
fresh_db() {  # fresh_db sqlite|postgres -> DB (an empty database of that kind)
  if [[ $1 == sqlite ]]; then
    rm -f "$WORK"/bench.db*
    DB=$WORK/bench.db
  else
    psql_q "DROP TABLE IF EXISTS events, http_requests, metric_snapshots, delivered, summary_parts, schema_version CASCADE"
    DB=$PG_URL
  fi
}

for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.01; done

echo "serve bench: wrk -c$CONNS -t$THREADS, ${DURATION}s x $RUNS runs, $(nproc) cores"
: > "$WORK/small_nginx"; : > "$WORK/small_serve"; : > "$WORK/big_rps"; : > "$WORK/big_lines"
: > "$WORK/db_lines"; : > "$WORK/rss"; : > "$WORK/rejected"
for run in $(seq 1 "$RUNS"); do
  # 1. small bodies
  read -r rps _ _ _ < <(wrk_run "http://127.0.0.1:$nginx_port/logdrains" 1)
  echo "$rps" >> "$WORK/small_nginx"
  start_serve --db none
  read -r rps non2xx _ _ < <(wrk_run "http://$SERVE_ADDR/logdrains" 1)
  echo "$rps" >> "$WORK/small_serve"
  # 2. 100-frame bodies, no storage
  before=$(metric logstreamer_processed_lines_total)
  start=$(date +%s.%N)
  read -r rps non2xx _ _ < <(wrk_run "http://$SERVE_ADDR/logdrains" 100)
  # Lines ingested: processed by the workers during the run (after the queue drained).
  for _ in $(seq 1 500); do
    q=$(metric logstreamer_queue_lines); [[ ${q:-1} == 0 ]] && break; sleep 0.01
  done
  after=$(metric logstreamer_processed_lines_total)
  end=$(date +%s.%N)
  echo "$rps" >> "$WORK/big_rps"
  awk -v a="$after" -v b="$before" -v s="$start" -v e="$end" 'BEGIN { print (a - b) / (e - s) }' >> "$WORK/big_lines"
  echo "  run $run: rejected (429) during the 100-frame run: $non2xx"
  echo "$non2xx" >> "$WORK/rejected"
  stop_serve
  echo "$PEAK_RSS_KB" >> "$WORK/rss"
  # 3. with a database: lines committed per second. --policy block: wrk does
  # not back off on 429 as Logplex does, and the CPU spent receiving bodies
  # only to refuse them would be taken from the database writer.
  # --ack queued (a 2xx once queued) and --ack commit (a 2xx once committed).
  for db in sqlite postgres; do
    for ack in queued commit; do
      fresh_db "$db"
      start_serve --db "$DB" --db-batch-rows 20000 --policy block --ack "$ack"
      start=$(date +%s.%N)
      read -r rps non2xx p50 p99 < <(wrk_run "http://$SERVE_ADDR/logdrains" 100)
      stop_serve  # commits what was accepted; exits 0 only if every row was stored
      end=$(date +%s.%N)
      # Lines, not rows: a successful router line is one http_requests row, an
      # app line one event, a failed request both. serve's last line counts them.
      lines=$(sed -n 's/.*stopped; \([0-9]*\) lines processed.*/\1/p' "$WORK/serve.err")
      grep -q "NOT stored" "$WORK/serve.err" && { echo "bench: rows were lost" >&2; exit 1; }
      awk -v n="$lines" -v s="$start" -v e="$end" 'BEGIN { print n / (e - s) }' >> "$WORK/db_lines_${db}_$ack"
      echo "$p50 $p99" >> "$WORK/db_latency_${db}_$ack"
    done
  done
done

# The databases' own bulk load of rows like serve's (events: time, level,
# service, host, dyno, format, message), as the limit for lines committed:
# into the same indexed table (SQLite: serve's indexes; PostgreSQL: serve's
# own schema, created by a serve started on an empty database), times of today.
bulk_rows=1000000
now_us=$(($(date +%s) * 1000000))
awk -v n=$bulk_rows -v t0="$now_us" 'BEGIN { for (i = 0; i < n; i++)
  printf "%d,%d,INFO,app,host,web.%d,syslog5424,GET /api/users/%d 200 in %d ms,\n", t0 + i, t0 + i, i % 4, i, i % 97 }' \
  > "$WORK/bulk.csv"
rm -f "$WORK/bulk.db"
sqlite3 "$WORK/bulk.db" "CREATE TABLE events (time_us INTEGER NOT NULL, received_us INTEGER NOT NULL, level TEXT NOT NULL, service TEXT, host TEXT, dyno TEXT, format TEXT NOT NULL, message TEXT NOT NULL, fields TEXT); CREATE INDEX events_time ON events(time_us); CREATE INDEX events_level_time ON events(level, time_us); CREATE INDEX events_service_time ON events(service, time_us); PRAGMA journal_mode=WAL;" > /dev/null
bulk_start=$(date +%s.%N)
sqlite3 "$WORK/bulk.db" -cmd ".mode csv" ".import $WORK/bulk.csv events"
bulk_end=$(date +%s.%N)
bulk_rate=$(awk -v n=$bulk_rows -v s="$bulk_start" -v e="$bulk_end" 'BEGIN { print n / (e - s) }')
fresh_db postgres
start_serve --db "$PG_URL"  # creates the schema and today's partition
curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary "$(date -u +%FT%TZ) INFO first" "http://$SERVE_ADDR/ingest"
stop_serve
psql_q "TRUNCATE events"
chmod a+r "$WORK/bulk.csv"; chmod a+x "$WORK"
pg_bulk_start=$(date +%s.%N)
psql_q "\\copy events(time_us, received_us, level, service, host, dyno, format, message, fields) FROM '$WORK/bulk.csv' CSV"
pg_bulk_end=$(date +%s.%N)
pg_bulk_rate=$(awk -v n=$bulk_rows -v s="$pg_bulk_start" -v e="$pg_bulk_end" 'BEGIN { print n / (e - s) }')

small_nginx=$(median < "$WORK/small_nginx")
small_serve=$(median < "$WORK/small_serve")
big_rps=$(median < "$WORK/big_rps")
big_lines=$(median < "$WORK/big_lines")
for db in sqlite postgres; do
  for ack in queued commit; do
    declare "${db}_${ack}=$(median < "$WORK/db_lines_${db}_$ack")"
    declare "${db}_${ack}_p50=$(cut -d' ' -f1 "$WORK/db_latency_${db}_$ack" | median)"
    declare "${db}_${ack}_p99=$(cut -d' ' -f2 "$WORK/db_latency_${db}_$ack" | median)"
  done
done
rss=$(median < "$WORK/rss")

# 4. latency at half the peak: the peak is the lines/s ingested in (2) (its
# requests/s count the 429s too); each connection waits so that CONNS
# connections offer about half of it, in 100-frame requests.
start_serve --db none
half_rps_offered=$(awk -v l="$big_lines" 'BEGIN { print l / 100 / 2 }')
delay=$(awk -v c="$CONNS" -v r="$half_rps_offered" 'BEGIN { printf "%d", c * 1000 / r }')
read -r half_rps _ p50 p99 < <(wrk_run "http://$SERVE_ADDR/logdrains" 100 "$delay")
stop_serve
# ... and with --ack commit, at half of each database's committed peak.
for db in sqlite postgres; do
  fresh_db "$db"
  start_serve --db "$DB" --db-batch-rows 20000 --policy block --ack commit
  peak_var=${db}_commit
  offered=$(awk -v l="${!peak_var}" 'BEGIN { print l / 100 / 2 }')
  delay=$(awk -v c="$CONNS" -v r="$offered" 'BEGIN { printf "%d", c * 1000 / r }')
  read -r rps _ hp50 hp99 < <(wrk_run "http://$SERVE_ADDR/logdrains" 100 "$delay")
  stop_serve
  declare "${db}_half=$offered $rps $hp50 $hp99"
done

{
  echo "serve bench ($(date -u +%FT%TZ), $(nproc) cores, wrk -c$CONNS, ${DURATION}s x $RUNS, medians)"
  echo "  $("$BIN" --version); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model\s' /proc/cpuinfo | sed 's/.*: //')"
  printf '  small bodies (1 frame):  nginx 204 %10.0f req/s   serve %10.0f req/s   ratio %.2f\n' \
    "$small_nginx" "$small_serve" "$(awk -v a="$small_serve" -v b="$small_nginx" 'BEGIN { print a / b }')"
  printf '  100-frame bodies, no db: %10.0f req/s   %12.0f lines/s ingested (requests include 429s: %s)\n' \
    "$big_rps" "$big_lines" "$(paste -sd, "$WORK/rejected")"
  for db in sqlite postgres; do
    q=${db}_queued c=${db}_commit c50=${db}_commit_p50 c99=${db}_commit_p99 h=${db}_half
    if [[ $db == sqlite ]]; then limit=$bulk_rate limit_name="sqlite3 .import"; else limit=$pg_bulk_rate limit_name="psql \\copy"; fi
    read -r h_offered h_rps h50 h99 <<<"${!h}"
    printf '  100-frame bodies, %-8s --ack queued: %9.0f lines/s committed\n' "$db," "${!q}"
    printf '  100-frame bodies, %-8s --ack commit: %9.0f lines/s committed, %.0f%% of %s (%.0f rows/s); at peak P50 %.1f ms P99 %.1f ms; at half (%.0f req/s offered, %.0f served) P50 %.1f ms P99 %.1f ms\n' \
      "$db," "${!c}" "$(awk -v a="${!c}" -v b="$limit" 'BEGIN { print 100 * a / b }')" "$limit_name" "$limit" \
      "${!c50}" "${!c99}" "$h_offered" "$h_rps" "$h50" "$h99"
  done
  printf '  latency at half peak (%.0f req/s offered, %.0f served): P50 %.2f ms  P99 %.2f ms\n' \
    "$half_rps_offered" "$half_rps" "$p50" "$p99"
  printf '  serve peak RSS: %.1f MiB\n' "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
} | tee "$RESULTS/serve-$(date -u +%Y%m%dT%H%M%SZ).txt"
