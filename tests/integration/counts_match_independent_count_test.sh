#!/usr/bin/env bash
# analyze's per-level and per-service counts equal an independent awk count,
# on two files (level aliases in every case, both line orders, three
# timestamp styles) read concurrently.
source "$(dirname "$0")/lib.sh"

"$BIN" generate -n 150000 --seed 5 --level-aliases -o a.log
"$BIN" generate -n 120000 --seed 6 --level-aliases -o b.log
"$BIN" analyze -q --workers 2 --chunk-size 65536 a.log b.log -o out.json

# The independent count: awk finds the level and service by position and
# normalises the level spelling itself.
awk '
  BEGIN { split("TRACE TRC DEBUG DBG INFO INF NOTICE WARN WARNING ERROR ERR FATAL CRIT CRITICAL PANIC EMERG ALERT", a, " ")
          split("TRACE TRACE DEBUG DEBUG INFO INFO NOTICE WARN WARN ERROR ERROR FATAL FATAL FATAL FATAL FATAL FATAL", b, " ")
          for (i in a) norm[a[i]] = b[i] }
  NF == 0 { next }
  { if ($1 ~ /^[0-9]/) { if ($2 ~ /^[0-9][0-9]:/) { l = $3; s = $4 } else { l = $2; s = $3 } } else { l = $1; s = $3 }
    L[norm[toupper(l)]]++; S[s]++; n++ }
  END { for (k in L) print "level", k, L[k]; for (k in S) print "service", k, S[k]; print "total", n }
' a.log b.log | sort > expected.txt

{
  jq -r '.levels | to_entries[] | select(.value > 0) | "level \(.key) \(.value)"' out.json
  jq -r '.services | to_entries[] | "service \(.key) \(.value)"' out.json
  jq -r '"total \(.total_lines)"' out.json
} | sort > actual.txt

diff expected.txt actual.txt || fail "counts differ from the independent awk count"
expect_eq "malformed" 0 "$(jq .malformed out.json)"
expect_eq "parsed" 270000 "$(jq .parsed out.json)"
expect_eq "formats.plain" 270000 "$(jq .formats.plain out.json)"
# per_minute adds up to the parsed lines, by level too.
expect_eq "per_minute total" 270000 "$(jq '[.per_minute[].count] | add' out.json)"
expect_eq "per_minute ERROR" "$(jq .levels.ERROR out.json)" "$(jq '[.per_minute[].levels.ERROR // 0] | add' out.json)"
pass "counts match an independent count"
