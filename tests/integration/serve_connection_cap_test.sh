#!/usr/bin/env bash
# Idle connections cannot lock clients out: at the connection cap (or a
# client address's cap) a new connection closes the oldest idle one, so
# /healthz answers within a second under 1,100 idle sockets.
source "$(dirname "$0")/lib.sh"

# hold_idle N READY_FILE: opens N TCP connections to $ADDR that never send a
# byte, writes READY_FILE once all are connected, and keeps them until killed
# (or for at most 120 s). Prints nothing.
hold_idle() {
  python3 - "$1" "$2" "${ADDR%:*}" "${ADDR##*:}" <<'PY' &
import socket, sys, time
n, ready, host, port = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
socks = []
for _ in range(n):
    s = socket.socket()
    s.connect((host, port))
    socks.append(s)
open(ready, "w").write("ok")
time.sleep(120)
PY
  HOLD_PID=$!
  wait_for "$1 idle connections" 60 test -s "$2"
}
healthz_code() { curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$ADDR/healthz" || true; }

# Defaults: --max-connections 1024, --max-connections-per-client 256.
start_serve --db none
hold_idle 1100 held1
started=$(date +%s%N)
expect_eq "/healthz under 1,100 idle connections" 200 "$(healthz_code)"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
(( elapsed_ms < 1000 )) || fail "/healthz took ${elapsed_ms} ms"
expect_eq "/readyz too" 200 "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$ADDR/readyz")"
(( $(metric logstreamer_http_connections_evicted_total) >= 844 )) || fail "evictions not counted"
(( $(metric logstreamer_http_connections) <= 257 )) || fail "one address holds $(metric logstreamer_http_connections) connections"
kill "$HOLD_PID"
stop_serve TERM
expect_eq "exit" 0 "$SERVE_RC"
pass "1,100 idle connections from one address: /healthz 200 in ${elapsed_ms} ms"

# The global cap alone (no per-client cap): the oldest idle one makes room.
start_serve --db none --max-connections 64 --max-connections-per-client 0
hold_idle 100 held2
expect_eq "/healthz at the global cap" 200 "$(healthz_code)"
(( $(metric logstreamer_http_connections) <= 65 )) || fail "over the cap: $(metric logstreamer_http_connections)"
(( $(metric logstreamer_http_connections_evicted_total) >= 36 )) || fail "evictions not counted"
expect_eq "nothing refused while idle ones could go" 0 "$(metric logstreamer_http_connections_refused_total)"
kill "$HOLD_PID"
stop_serve TERM
pass "at --max-connections the oldest idle connection makes room"
