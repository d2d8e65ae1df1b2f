#!/usr/bin/env bash
# The console's activity rows come from a ladder of round sizes (1, 5, 15, 30
# minutes, 1 h, 6 h, 1 day, ...) over the range holding the bulk of the lines;
# a stray line from another year is counted on a "before"/"after" line of its
# own instead of stretching every row to months.
source "$(dirname "$0")/lib.sh"

# Ten hours of lines, one every 10 s (3,600), plus one line from 2000 and one from 2031.
awk 'BEGIN {
  print "INFO 2000-10-10T20:55:36Z old-service a stray line from long ago"
  for (i = 0; i < 3600; i++) {
    t = i * 10; h = 10 + int(t / 3600); m = int((t % 3600) / 60); s = t % 60
    printf "INFO 2024-01-20T%02d:%02d:%02dZ api request %d\n", h, m, s, i
  }
  print "INFO 2031-01-01T00:00:00Z future-service a line from a wrong clock"
}' > spread.log
"$BIN" analyze spread.log > console.txt
sed -n '/^Activity/,/^$/p' console.txt > activity.txt
expect_eq "row size" "Activity (30 minutes per row, UTC)" "$(head -1 activity.txt)"
grep -qE '^  before +1  lines earlier, from 2000-10-10T20:55$' activity.txt || fail "no 'before' line: $(cat activity.txt)"
grep -qE '^  after +1  lines later, until 2031-01-01T00:00$' activity.txt || fail "no 'after' line: $(cat activity.txt)"
grep -qE '^  2024-01-20T10:00 +180 ' activity.txt || fail "first row not at 10:00 with 180 lines: $(cat activity.txt)"
rows=$(grep -cE '^  2024-01-20T' activity.txt)
expect_eq "rows for ten hours" 20 "$rows"

# The bundled samples (what `make run` shows): a round row size, at most 60 rows.
"$BIN" analyze "$REPO"/samples/*.log "$REPO"/samples/*.gz > samples.txt
header=$(grep '^Activity' samples.txt)
[[ $header =~ ^Activity\ \((minute|5\ minutes|15\ minutes|30\ minutes|hour|6\ hours|day|7\ days|30\ days|365\ days)\ per\ row ]] ||
  fail "not a round row size: $header"
rows=$(sed -n '/^Activity/,/^$/p' samples.txt | grep -cE '^  [0-9]{4}-' || true)
(( rows >= 1 && rows <= 60 )) || fail "$rows activity rows for the samples"
pass "activity rows: round sizes over the bulk of the lines, outliers on their own lines"
