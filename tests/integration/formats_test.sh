#!/usr/bin/env bash
# Auto-detection over mixed formats: exact counts on a hand-written file, and
# on generated data the auto-detected summary equals the sum of the
# forced-format runs over each format's own file.
source "$(dirname "$0")/lib.sh"
DATA=$REPO/samples

"$BIN" analyze -q "$DATA/mixed-formats.log" -o m.json
expect_eq "formats" '{"clf":2,"heroku":3,"json":3,"logfmt":1,"plain":1,"syslog3164":2,"syslog5424":2}' \
  "$(jq -cS .formats m.json)"
expect_eq "malformed" 1 "$(jq .malformed m.json)"
expect_eq "malformed sample" '"invalid JSON"' "$(jq '.malformed_samples[0].reason' m.json)"
expect_eq "malformed line" 5 "$(jq '.malformed_samples[0].line' m.json)"
expect_eq "levels" '{"DEBUG":0,"ERROR":7,"FATAL":0,"INFO":5,"NOTICE":0,"TRACE":0,"WARN":2}' "$(jq -cS .levels m.json)"
expect_eq "services" \
  '{"api":2,"auth-service":2,"billing":1,"cron":1,"ecs-svc":1,"http":1,"payment-service":1,"router":2,"web":2,"www.example.com":1}' \
  "$(jq -cS .services m.json)"
expect_eq "http requests" 5 "$(jq .http.requests m.json)"
expect_eq "http classes" '{"2xx":2,"3xx":0,"4xx":0,"5xx":3}' "$(jq -cS .http.status_classes m.json)"
expect_eq "heroku error codes" '{"H12":1}' "$(jq -c .http.error_codes m.json)"
expect_eq "dynos" '["web.1","web.2"]' "$(jq -c '.http.per_dyno | keys' m.json)"

# Generated data: each format alone (forced), then all shuffled together (auto).
formats=(plain json logfmt syslog5424 syslog3164 clf heroku)
for f in "${formats[@]}"; do
  "$BIN" generate --format "$f" -n 3000 --seed 21 -o "$f.log"
  "$BIN" analyze -q --format "$f" "$f.log" -o "$f.json"
  expect_eq "$f forced: malformed" 0 "$(jq .malformed "$f.json")"
  expect_eq "$f forced: formats.$f" 3000 "$(jq ".formats.\"$f\"" "$f.json")"
done
cat "${formats[@]/%/.log}" | shuf --random-source=<(yes) > all.log
"$BIN" analyze -q --workers 2 --chunk-size 65536 all.log -o all.json
expect_eq "auto: total" 21000 "$(jq .total_lines all.json)"
expect_eq "auto: malformed" 0 "$(jq .malformed all.json)"
sum_levels=$(jq -s -cS '[.[].levels] | reduce .[] as $l ({}; reduce ($l | keys[]) as $k (.; .[$k] += $l[$k]))' "${formats[@]/%/.json}")
expect_eq "auto levels = sum of forced" "$sum_levels" "$(jq -cS .levels all.json)"
sum_services=$(jq -s -cS '[.[].services] | reduce .[] as $s ({}; reduce ($s | keys[]) as $k (.; .[$k] += $s[$k]))' "${formats[@]/%/.json}")
expect_eq "auto services = sum of forced" "$sum_services" "$(jq -cS .services all.json)"
expect_eq "auto http requests = sum of forced" \
  "$(jq -s '[.[].http.requests // 0] | add' "${formats[@]/%/.json}")" "$(jq .http.requests all.json)"

# A forced format that does not match: every line malformed, counted.
"$BIN" analyze -q --format json plain.log -o wrong.json
expect_eq "forced mismatch: malformed" 3000 "$(jq .malformed wrong.json)"
pass "formats are detected and counted"
