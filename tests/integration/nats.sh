# NATS JetStream for whole-binary tests: a cluster of Debian's nats-server on
# loopback, each server with its own store directory and free ports, stopped
# by PID when the test exits. Sourced after lib.sh (and postgres.sh, whose
# free_port it uses):
#   start_nats_cluster N     N servers (1 or 3) in one cluster; sets NATS_URLS
#                            (nats://...,nats://...) and NATS_PIDS[i]
#   kill_nats I / restart_nats I   SIGKILL server I (0-based) / start it again
#                            on its ports and store
# The servers log to $NATS_DIR/nI.log. (Not named *_test.sh.)
command -v nats-server >/dev/null || fail "nats-server is not installed (scripts/install-deps.sh installs it)"

NATS_PIDS=()
NATS_PORTS=()
NATS_MONITOR=()

start_nats_cluster() {
  local n=$1 i routes=""
  NATS_DIR=$(mktemp -d /tmp/logstreamer-nats.XXXXXX)
  local cluster_ports=()
  for ((i = 0; i < n; i++)); do
    NATS_PORTS[i]=$(free_port)
    NATS_MONITOR[i]=$(free_port)
    cluster_ports[i]=$(free_port)
  done
  for ((i = 0; i < n; i++)); do routes+="nats://127.0.0.1:${cluster_ports[i]},"; done
  for ((i = 0; i < n; i++)); do
    {
      echo "server_name: n$i"
      echo "listen: 127.0.0.1:${NATS_PORTS[i]}"
      echo "http: 127.0.0.1:${NATS_MONITOR[i]}"
      echo "jetstream { store_dir: \"$NATS_DIR/store$i\", max_memory_store: 64MB, max_file_store: 2GB }"
      if ((n > 1)); then
        echo "cluster { name: logstreamer, listen: 127.0.0.1:${cluster_ports[i]}, routes: [${routes%,}] }"
      fi
    } >"$NATS_DIR/n$i.conf"
  done
  for ((i = 0; i < n; i++)); do restart_nats "$i"; done
  NATS_URLS=""
  for ((i = 0; i < n; i++)); do NATS_URLS+="nats://127.0.0.1:${NATS_PORTS[i]},"; done
  NATS_URLS=${NATS_URLS%,}
  trap 'stop_nats; stop_postgres 2>/dev/null || true; cleanup' EXIT
  for ((i = 0; i < n; i++)); do wait_for "nats server $i to be healthy" 60 nats_healthy "$i"; done
}

# JetStream answers once the server is up and (in a cluster) its meta group has a leader.
nats_healthy() {
  curl -sf "http://127.0.0.1:${NATS_MONITOR[$1]}/healthz" 2>/dev/null | grep -q '"ok"'
}

restart_nats() {
  nats-server -c "$NATS_DIR/n$1.conf" >>"$NATS_DIR/n$1.log" 2>&1 &
  NATS_PIDS[$1]=$!
}

kill_nats() {
  kill -KILL "${NATS_PIDS[$1]}" 2>/dev/null || true
  wait "${NATS_PIDS[$1]}" 2>/dev/null || true
}

stop_nats() {
  local i
  for i in "${!NATS_PIDS[@]}"; do kill -TERM "${NATS_PIDS[i]}" 2>/dev/null || true; done
  for i in "${!NATS_PIDS[@]}"; do wait "${NATS_PIDS[i]}" 2>/dev/null || true; done
  [[ -n ${NATS_DIR:-} ]] && rm -rf "$NATS_DIR"
  NATS_DIR=
}

# start_node NAME ARGS...: a serve node (as start_serve, without its --db);
# sets NODE_ADDR[NAME] and NODE_PID[NAME]. Its log is $WORK/NAME.err.
declare -A NODE_ADDR NODE_PID
start_node() {
  local name=$1
  shift
  rm -f "$WORK/$name.ready"
  "$BIN" serve --listen 127.0.0.1:0 --ready-file "$WORK/$name.ready" --node "$name" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  NODE_PID[$name]=$!
  wait_for "$name to listen" 60 node_ready "$name"
  NODE_ADDR[$name]=$(cat "$WORK/$name.ready")
}
node_ready() {
  [[ -s $WORK/$1.ready ]] && return 0
  kill -0 "${NODE_PID[$1]}" 2>/dev/null || fail "$1 exited early: $(cat "$WORK/$1.err")"
  return 1
}
# node_metric NAME METRIC: one sample of a node's /metrics (0 when absent).
node_metric() {
  local v
  v=$(curl -s "http://${NODE_ADDR[$1]}/metrics" | awk -v k="$2" '$1 == k { print $2 }')
  echo "${v:-0}"
}
