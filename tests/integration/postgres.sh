# PostgreSQL for whole-binary tests: a throwaway cluster of Debian's
# PostgreSQL, in a temporary directory, on a free loopback port. Sourced
# after lib.sh:
#   start_postgres        sets PG_URL (postgres://...), PG_PORT, PG_DATA
#   psql_q SQL            runs SQL, prints unaligned tuples
#   stop_postgres / restart_postgres
# The cluster is stopped when the test exits. initdb refuses to run as root:
# as root, the cluster runs as the `postgres` user Debian's package creates.
# (Not named *_test.sh: ctest runs only those.)

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $PG_BIN/initdb ]] || fail "PostgreSQL is not installed (scripts/install-deps.sh installs it)"

as_pg_owner() {
  # From /: the postgres user may not enter the test's directory.
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_postgres() {
  PG_DATA=$(mktemp -d /tmp/logstreamer-pg.XXXXXX)
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DATA"
  as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_DATA/initdb.log" 2>&1 || fail "initdb: $(tail -3 "$PG_DATA/initdb.log")"
  PG_PORT=$(free_port)
  pg_ctl_start
  as_pg_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres logstreamer ||
    fail "createdb failed"
  PG_URL="postgres://postgres:secret@127.0.0.1:$PG_PORT/logstreamer"
  trap 'stop_postgres; cleanup' EXIT
}

pg_ctl_start() {
  # Sockets in the data directory (/var/run/postgresql may not exist);
  # fsync off by default: the tests crash logstreamer, never the machine
  # (benchmarks set PG_FSYNC=on, as a production server runs).
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=${PG_FSYNC:-off} -c max_connections=50" \
    start >/dev/null || fail "PostgreSQL did not start: $(tail -5 "$PG_DATA/server.log")"
}

stop_postgres() {
  [[ -n ${PG_DATA:-} && -d $PG_DATA ]] || return 0
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DATA"
  PG_DATA=
}

# pause_postgres / resume_postgres: the server away, then back on the same port.
pause_postgres() {
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -m immediate -w stop >/dev/null ||
    fail "could not stop PostgreSQL"
}
resume_postgres() { pg_ctl_start; }

psql_q() {
  PGOPTIONS='-c client_min_messages=warning' as_pg_owner psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d logstreamer -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}
