#!/usr/bin/env bash
# make bench (bus part): `serve --bus` end to end on this machine. Three
# nats-server (one cluster, stream R3, file storage), PostgreSQL (fsync on),
# one ingest node and 1 or 2 processors, all on loopback; wrk posts
# 100-frame logplex bodies, each with a frame id of its own.
#
#   DURATION=10 RUNS=3 bench/bus_bench.sh
#
# Reports, as medians of RUNS:
#  1. lines/s through ingest, JetStream and the processors into PostgreSQL
#     (lines published / time until every message is acknowledged, which a
#     processor does only after the commit), with 1 and with 2 processors;
#  2. the bare JetStream publish rate of the same bodies (a minimal
#     asynchronous publisher, bench/bus/js_publish_bench.cc) into a stream
#     made the same way: the limit for (1);
#  3. CPU seconds of the logstreamer processes per million lines (per-core
#     efficiency: on 2 cores shared by 3 NATS servers, PostgreSQL, wrk and
#     the nodes, scaling itself cannot be shown; docs/SCALING.md has the
#     model);
#  4. P50/P99 acknowledgement latency (the HTTP answer, sent after
#     JetStream's publish ack) at half the 1-processor peak.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(realpath build/release/src/logstreamer)
PUB=$(realpath build/release/bench/js_publish_bench)
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNS=${CONNS:-32}
RESULTS=bench/results
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/logstreamer-bus-bench.XXXXXX)
cleanup() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "bench: $*" >&2; exit 1; }
wait_for() {
  local what=$1 deadline=$2
  shift 2
  local end=$((SECONDS + deadline))
  until "$@"; do
    ((SECONDS < end)) || fail "timed out after ${deadline}s waiting for: $what"
    sleep 0.05
  done
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; print n }'; }

PG_FSYNC=on
source tests/integration/postgres.sh
source tests/integration/nats.sh
start_postgres
start_nats_cluster 3
trap 'stop_nats; stop_postgres; cleanup' EXIT

# cpu_seconds PID...: user+system CPU time so far.
cpu_seconds() {
  local p total=0 tck
  tck=$(getconf CLK_TCK)
  for p in "$@"; do
    total=$(awk -v t="$total" -v h="$tck" '{ print t + ($14 + $15) / h }' "/proc/$p/stat")
  done
  echo "$total"
}
sum_metric() {  # sum_metric METRIC NODE...
  local m=$1 total=0 n v
  shift
  for n in "$@"; do
    v=$(node_metric "$n" "$m")
    total=$(awk -v t="$total" -v v="$v" 'BEGIN { print t + v }')
  done
  echo "$total"
}
stop_nodes() {
  local n
  for n in "$@"; do kill -TERM "${NODE_PID[$n]}" 2>/dev/null || true; done
  for n in "$@"; do wait "${NODE_PID[$n]}" 2>/dev/null || true; done
}
common=(--bus "$NATS_URLS" --bus-replicas 3 --retention 0)

# run_cluster PROCESSORS [DELAY_MS] -> "lines_per_s cpu_s_per_mline p50_ms p99_ms req_per_s"
run_cluster() {
  local procs=$1 delay=${2:-0} i names=()
  psql_q "DROP TABLE IF EXISTS events, http_requests, metric_snapshots, delivered, summary_parts, schema_version CASCADE"
  for ((i = 0; i < procs; i++)); do
    start_node "proc$i" "${common[@]}" --role process --db "$PG_URL" --db-batch-rows 20000
    names+=("proc$i")
  done
  start_node ingest0 "${common[@]}" --role ingest --db none
  local pids=("${NODE_PID[ingest0]}")
  for i in "${names[@]}"; do pids+=("${NODE_PID[$i]}"); done
  local cpu0 t0 out
  cpu0=$(cpu_seconds "${pids[@]}")
  t0=$(date +%s.%N)
  out=$(FRAMES=100 FRAME_IDS=1 DELAY_MS=$delay wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency \
    -s bench/serve_logplex.lua "http://${NODE_ADDR[ingest0]}/logdrains" 2>&1)
  # wrk stops with requests still in flight: their publishes are counted
  # when JetStream acknowledges them, after wrk has returned. So the count
  # is read again until nothing is in flight and the processors have
  # acknowledged all of it (a count read once, as wrk returned, could stay
  # below the acknowledged one for ever).
  all_acked() {
    local published
    published=$(node_metric ingest0 logstreamer_bus_published_messages_total)
    [[ $(node_metric ingest0 logstreamer_bus_publish_inflight_bytes) == 0 ]] &&
      [[ $(sum_metric logstreamer_bus_acked_messages_total "${names[@]}") == "$published" ]]
  }
  wait_for "every published message acknowledged" 600 all_acked
  local t1 cpu1 lines
  t1=$(date +%s.%N)
  cpu1=$(cpu_seconds "${pids[@]}")
  lines=$(node_metric ingest0 logstreamer_bus_published_lines_total)
  stop_nodes ingest0 "${names[@]}"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  awk -v l="$lines" -v s="$t0" -v e="$t1" -v c0="$cpu0" -v c1="$cpu1" -v p50="$p50" -v p99="$p99" -v r="$rps" \
    'BEGIN { printf "%.0f %.2f %s %s %s\n", l / (e - s), (c1 - c0) / (l / 1e6), p50, p99, r }'
}

# The same kind of body for the bare publisher (bench/serve_logplex.lua's lines).
python3 - "$WORK/body" <<'PY'
import sys, time
stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
out = []
for i in range(1, 101):
    status = 503 if i % 50 == 0 else 200
    if i % 3 == 0:
        msg = f"<190>1 {stamp}.{i:06d}+00:00 host app web.{i % 4 + 1} - INFO order {i} shipped in {i * 7}ms"
    else:
        msg = (f'<158>1 {stamp}.{i:06d}+00:00 host heroku router - at=info method=GET path="/api/items/{i % 20}" '
               f'host=app.herokuapp.com request_id={i * 2654435761 % 4294967296:08x} fwd="10.0.{i % 250}.{i % 200}" '
               f'dyno=web.{i % 4 + 1} connect=1ms service={10 + i % 300}ms status={status} bytes={1000 + i} protocol=https')
    out.append(f"{len(msg) + 1} {msg}\n")
open(sys.argv[1], "w").write("".join(out))
PY

echo "bus bench: 3 nats-server (R3), PostgreSQL fsync on, wrk -c$CONNS, ${DURATION}s x $RUNS runs, $(nproc) cores"
for run in $(seq 1 "$RUNS"); do
  for procs in 1 2; do
    read -r lps cpu _ _ _ < <(run_cluster "$procs")
    echo "  run $run, $procs processor(s): $lps lines/s, $cpu CPU s per million lines"
    echo "$lps" >> "$WORK/lines_$procs"
    echo "$cpu" >> "$WORK/cpu_$procs"
  done
  read -r _ _ _ msgs _ < <("$PUB" "$NATS_URLS" "$WORK/body" "$DURATION" 3)
  echo "  run $run, bare publisher: $msgs messages/s"
  awk -v m="$msgs" 'BEGIN { print m * 100 }' >> "$WORK/bare"
done
lines1=$(median < "$WORK/lines_1")
lines2=$(median < "$WORK/lines_2")
cpu1=$(median < "$WORK/cpu_1")
cpu2=$(median < "$WORK/cpu_2")
bare=$(median < "$WORK/bare")
# Acknowledgement latency at half the 1-processor peak.
offered=$(awk -v l="$lines1" 'BEGIN { print l / 100 / 2 }')
delay=$(awk -v c="$CONNS" -v r="$offered" 'BEGIN { printf "%d", c * 1000 / r }')
read -r _ _ hp50 hp99 hrps < <(run_cluster 1 "$delay")

{
  echo "bus bench ($(date -u +%FT%TZ), $(nproc) cores, 3 nats-server R3 + PostgreSQL fsync on, wrk -c$CONNS, ${DURATION}s x $RUNS, medians)"
  echo "  $("$BIN" --version | head -1); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model\s' /proc/cpuinfo | sed 's/.*: //'); $(nats-server --version)"
  printf '  ingest -> JetStream -> 1 processor -> PostgreSQL: %9.0f lines/s  (%.2f CPU s of logstreamer per million lines)\n' "$lines1" "$cpu1"
  printf '  ingest -> JetStream -> 2 processors -> PostgreSQL: %8.0f lines/s  (%.2f CPU s of logstreamer per million lines)\n' "$lines2" "$cpu2"
  printf '  bare JetStream publisher, same bodies:             %9.0f lines/s  (1 processor: %.0f%% of it, 2: %.0f%%)\n' \
    "$bare" "$(awk -v a="$lines1" -v b="$bare" 'BEGIN { print 100 * a / b }')" "$(awk -v a="$lines2" -v b="$bare" 'BEGIN { print 100 * a / b }')"
  printf '  acknowledgement latency at half the 1-processor peak (%.0f req/s offered, %.0f served): P50 %.1f ms  P99 %.1f ms\n' \
    "$offered" "$hrps" "$hp50" "$hp99"
} | tee "$RESULTS/bus-$(date -u +%Y%m%dT%H%M%SZ).txt"
