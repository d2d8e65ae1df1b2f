# serve: the dashboard in a real browser (headless Chromium via playwright-core):
# loads with no console errors, charts render, numbers change after posts.
# The screenshot is kept as build/dashboard.png (or $DASHBOARD_SCREENSHOT).
source "$(dirname "$0")/lib.sh"

command -v "${CHROMIUM:-chromium}" >/dev/null || fail "chromium is not installed (scripts/install-deps.sh installs it)"
[[ -d $REPO/web/node_modules/playwright-core ]] || fail "web/node_modules missing (scripts/install-deps.sh runs npm ci)"

start_serve --db none
shot=${DASHBOARD_SCREENSHOT:-$(dirname "$BIN")/../../dashboard.png}
NODE_PATH="$REPO/web/node_modules" timeout 120 node "$REPO/tests/browser/dashboard_check.cjs" "http://$ADDR" "$shot" ||
  fail "browser check failed (serve log: $(tail -3 serve.err))"
[[ -s $shot ]] || fail "no screenshot at $shot"
stop_serve TERM
expect_eq "exit after SIGTERM" 0 "$SERVE_RC"

# A node of a bus cluster (one NATS server, PostgreSQL): the cluster card too.
source "$HERE/postgres.sh"
source "$HERE/nats.sh"
start_postgres
start_nats_cluster 1
start_serve --db "$PG_URL" --bus "$NATS_URLS" --node dash0
EXPECT_CLUSTER=dash0 NODE_PATH="$REPO/web/node_modules" timeout 120 node "$REPO/tests/browser/dashboard_check.cjs" \
  "http://$ADDR" "$WORK/cluster.png" || fail "browser check of a bus node failed (serve log: $(tail -3 serve.err))"
stop_serve TERM
expect_eq "bus node's exit after SIGTERM" 0 "$SERVE_RC"
pass "dashboard renders live data in Chromium, and a bus node's cluster card"
