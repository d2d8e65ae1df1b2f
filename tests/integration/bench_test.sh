#!/usr/bin/env bash
# bench: SIGINT halfway through a 5 s run stops it gracefully: exit 0, the
# JSON report on stdout, nothing dropped or abandoned (block policy), and
# produced == processed + dropped + abandoned. Bad values exit 2.
source "$(dirname "$0")/lib.sh"

"$BIN" bench --duration 5 --streams 20 --stream-interval-ms 5 --workers 4 --metrics-interval 0.2 --json \
  > report.json 2> stderr.txt &
pid=$!
wait_for "a [metrics] line with events processed" 60 grep -qE '^\[metrics\] produced=[0-9.]+/s processed=[1-9]' stderr.txt
kill -INT "$pid"
status=0
wait "$pid" || status=$?
expect_eq "exit status" 0 "$status"
jq -e . report.json > /dev/null || fail "no JSON report: $(cat report.json)"
expect_eq "invariant" true "$(jq .invariant_holds report.json)"
expect_eq "dropped (block)" 0 "$(jq .dropped report.json)"
expect_eq "abandoned" 0 "$(jq .abandoned report.json)"
(( $(jq .processed report.json) > 0 )) || fail "nothing processed"
expect_eq "processed = produced" "$(jq .produced report.json)" "$(jq .processed report.json)"
awk -v e="$(jq .elapsed_seconds report.json)" 'BEGIN { exit !(e < 4.9) }' || fail "ran the full 5 s: SIGINT ignored"
(( $(jq .latency_ms.p99 report.json | cut -d. -f1) < 1000 )) || fail "implausible latency"

# Environment variables (the Go tool's names) set the defaults.
STREAMS_COUNT=3 WORKERS_COUNT=2 "$BIN" bench --duration 0.3 --stream-interval-ms 1 --metrics-interval 0 --json > env.json
expect_eq "STREAMS_COUNT" 3 "$(jq .streams env.json)"
expect_eq "WORKERS_COUNT" 2 "$(jq .workers env.json)"

# Out-of-range values: one line, exit 2.
for args in "--workers 0" "--workers 10001" "--buffer 0" "--work-ms 50-20" "--policy sometimes" \
            "--autoscale --min-workers 5 --max-workers 2" "--adaptive-steps 2:100" "--adaptive-steps fast"; do
  set +e
  "$BIN" bench --duration 1 $args > /dev/null 2> err.txt
  status=$?
  set -e
  expect_eq "exit status for '$args'" 2 "$status"
  grep -q "^logstreamer: " err.txt || fail "no clear message for '$args': $(cat err.txt)"
done
pass "bench stops gracefully on SIGINT with the invariant holding"

# Durations take units like serve's (a bare number stays seconds).
"$BIN" bench --duration 2s --streams 5 --stream-interval-ms 2ms --metrics-interval 0 --json > d2s.json
awk -v e="$(jq .elapsed_seconds d2s.json)" 'BEGIN { exit !(e >= 1.9 && e < 4) }' || fail "--duration 2s ran $(jq .elapsed_seconds d2s.json) s"
"$BIN" bench --duration 500ms --streams 5 --stream-interval-ms 2 --batch-timeout 0.5ms --metrics-interval 0 --json > d500.json
awk -v e="$(jq .elapsed_seconds d500.json)" 'BEGIN { exit !(e >= 0.45 && e < 2) }' || fail "--duration 500ms ran $(jq .elapsed_seconds d500.json) s"
pass "bench durations take units"

# Autoscaling wins over the adaptive producers: with 5 ms of work per event
# one worker is saturated, and the pool must grow (it stayed at one worker,
# p99 441 ms, while producers paused at the scale-up threshold).
"$BIN" bench --autoscale --work-ms 5 --max-workers 8 --duration 10 --metrics-interval 0 --json > scale.json
(( $(jq .peak_workers scale.json) > 1 )) || fail "never scaled up: $(jq -c '{peak_workers, scale_ups, latency_ms}' scale.json)"
expect_eq "invariant under autoscaling" true "$(jq .invariant_holds scale.json)"
pass "bench --autoscale grows the pool past one worker"
