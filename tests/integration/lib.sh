# Shared helpers for whole-binary tests. Each test is run by ctest as
#   bash tests/integration/NAME_test.sh path/to/logstreamer
# and exits non-zero with a message on the first failed check.
set -euo pipefail

BIN=${1:?usage: $0 path/to/logstreamer}
BIN=$(realpath "$BIN")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # tests/integration, before we cd away
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/logstreamer-it.XXXXXX)
cleanup() {
  local pids
  pids=$(jobs -p) || true
  [[ -n $pids ]] && kill $pids 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

expect_eq() {  # expect_eq WHAT EXPECTED ACTUAL
  [[ "$2" == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

# wait_for DESCRIPTION DEADLINE_SECONDS COMMAND...: polls (10 ms) until the
# command succeeds. Waits on an event, never a fixed sleep.
wait_for() {
  local what=$1 deadline=$2
  shift 2
  local end=$((SECONDS + deadline))
  until "$@"; do
    ((SECONDS < end)) || fail "timed out after ${deadline}s waiting for: $what"
    sleep 0.01
  done
}

# The summary JSON without the fields that legitimately differ between runs.
stable_json() {
  jq -S 'del(.elapsed_seconds, .lines_per_second, .inputs, .bytes) | .malformed_samples |= map(del(.file))' "$1"
}

# --- serve -------------------------------------------------------------------
export LC_ALL=C  # ${#s} counts bytes: logplex frame lengths are in bytes

# start_serve ARGS...: starts `serve` on a free loopback port (the kernel picks
# it; the server writes the bound address to a file once listening) and waits
# for that file. Sets ADDR and SERVE_PID. The database is in $WORK unless
# ARGS say otherwise.
start_serve() {
  rm -f "$WORK/ready"
  "$BIN" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" --db "$WORK/serve.db" "$@" \
    >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVE_PID=$!
  wait_for "serve to listen" 60 serve_ready
  ADDR=$(cat "$WORK/ready")
}
serve_ready() {
  [[ -s $WORK/ready ]] && return 0
  kill -0 "$SERVE_PID" 2>/dev/null || fail "serve exited early: $(cat "$WORK/serve.err")"
  return 1
}
# stop_serve [SIGNAL]: signals serve and waits for it; sets SERVE_RC.
stop_serve() {
  kill -"${1:-TERM}" "$SERVE_PID"
  SERVE_RC=0
  wait "$SERVE_PID" || SERVE_RC=$?
}

# frame MESSAGE: one logplex frame, "LEN MSG\n", LEN counting the newline.
frame() {
  local msg="$1"$'\n'
  printf '%d %s' "${#msg}" "$msg"
}
app_line() {  # app_line DYNO MESSAGE
  printf '<190>1 2024-01-20T10:00:00.000000+00:00 host app %s - %s' "$1" "$2"
}
router_line() {  # router_line STATUS SERVICE_MS [DYNO] [PATH]
  printf '<158>1 2024-01-20T10:00:00.000000+00:00 host heroku router - at=info method=GET path="%s" host=a.herokuapp.com request_id=r-%s fwd="10.0.0.1" dyno=%s connect=1ms service=%sms status=%s bytes=100 protocol=https' \
    "${4:-/api/users}" "$RANDOM" "${3:-web.1}" "$2" "$1"
}

# post PATH CONTENT_TYPE BODY_FILE [CURL ARGS...]: prints the status code;
# the response body is in $WORK/resp.
post() {
  local path=$1 type=$2 file=$3
  shift 3
  curl -s -o "$WORK/resp" -w '%{http_code}' -H "Content-Type: $type" --data-binary @"$file" "$@" "http://$ADDR$path"
}
get() {  # get PATH [CURL ARGS...]: prints the status code; body in $WORK/resp
  local path=$1
  shift
  curl -s -o "$WORK/resp" -w '%{http_code}' "$@" "http://$ADDR$path"
}
# metric NAME_WITH_LABELS: the value of one sample of /metrics. Set
# METRICS_AUTH to an Authorization header value when /metrics needs a key.
metric() {
  curl -s ${METRICS_AUTH:+-H "Authorization: $METRICS_AUTH"} "http://$ADDR/metrics" |
    awk -v k="$1" '$1 == k { print $2 }'
}

# lock_database FILE: an exclusive lock on a SQLite file, held from outside
# by a sqlite3 process inside a transaction, until unlock_database. Every
# commit of serve then fails (busy).
lock_database() {
  mkfifo "$WORK/lockfifo"
  sqlite3 "$1" < "$WORK/lockfifo" > "$WORK/lock.out" 2>&1 &
  LOCK_PID=$!
  exec 4> "$WORK/lockfifo"
  echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&4
  wait_for "the database lock" 30 grep -q locked "$WORK/lock.out"
}
unlock_database() {  # sqlite3 sees EOF, rolls back and exits: the lock is gone
  exec 4>&-
  wait "$LOCK_PID"
  rm -f "$WORK/lockfifo"
}
