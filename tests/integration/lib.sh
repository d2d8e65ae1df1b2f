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
