#!/usr/bin/env bash
# Scale-out over NATS JetStream, whole binaries: 3 NATS servers (R3 stream),
# PostgreSQL, 2 ingest nodes and 2 processors; a NATS server, a processor and
# an ingest node are killed during the load. Every acknowledged line is
# stored exactly once, and the cluster's /api/summary equals analyze of the
# same lines (helpers/bus_cluster.py says how).
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
source "$HERE/nats.sh"
start_postgres
start_nats_cluster 3
pids=$(IFS=,; echo "${NATS_PIDS[*]}")
python3 "$HERE/helpers/bus_cluster.py" "$BIN" "$WORK" "$PG_URL" "$NATS_DIR" "$NATS_URLS" "$pids" \
  "${BUS_CLUSTER_SECONDS:-30}" || fail "cluster run"
pass "cluster over JetStream: every acknowledged line stored once, /api/summary equals analyze"
