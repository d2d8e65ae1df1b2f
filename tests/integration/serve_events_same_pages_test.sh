#!/usr/bin/env bash
# /api/events reads the same pages from SQLite and from PostgreSQL: the same
# lines (every format, a tab, a backslash, bytes that are not UTF-8) are
# posted one request at a time to a serve on each database, then the same
# queries (filters, text search, time range, cursor paging) must return the
# same JSON, but for the arrival times.
source "$(dirname "$0")/lib.sh"
source "$HERE/postgres.sh"
start_postgres

cp "$REPO/samples/mixed-formats.log" lines
printf '2024-01-20T10:00:03Z ERROR tab\there and a back\\slash\n' >>lines
printf '2024-01-20T10:00:04Z WARN latin-1 caf\xe9 and \xff\xfe bytes\n' >>lines

queries=(
  "limit=100" "level=ERROR" "level=WARN&limit=2" "service=api" "service=billing"
  "q=time" "q=caf" "since=2024-01-20T10:00:01Z&until=2024-01-20T10:00:03Z"
)

run_on() {  # run_on NAME DB: posts every line, then saves each query's pages
  start_serve --db "$2" --retention 0
  while IFS= read -r line; do
    printf '%s\n' "$line" >one
    code=$(post /ingest text/plain one)
    [[ $code == 2* ]] || fail "$1: /ingest answered $code: $(cat "$WORK/resp")"
  done <lines
  local n=0
  for q in "${queries[@]}"; do
    local cursor="" page=0
    while :; do
      expect_eq "$1: GET /api/events?$q" 200 "$(get "/api/events?$q${cursor:+&cursor=$cursor}")"
      jq -S 'del(.events[].received_us)' "$WORK/resp" >"$WORK/$1.$n.$page"
      cursor=$(jq -r '.next_cursor // empty' "$WORK/resp")
      [[ -n $cursor ]] || break
      page=$((page + 1))
      ((page < 50)) || fail "$1: $q: more than 50 pages"
    done
    n=$((n + 1))
  done
  stop_serve TERM
}

run_on sqlite "$WORK/events.db"
run_on postgres "$PG_URL"

pages=0
for f in "$WORK"/sqlite.*; do
  other=${f/sqlite./postgres.}
  [[ -f $other ]] || fail "PostgreSQL has no page ${f##*/sqlite.} (SQLite has)"
  diff -u "$f" "$other" >&2 || fail "page ${f##*/sqlite.} differs (above: - SQLite, + PostgreSQL)"
  pages=$((pages + 1))
done
expect_eq "pages on PostgreSQL" "$pages" "$(ls "$WORK"/postgres.* | wc -l)"
total=$(jq '.events | length' "$WORK/sqlite.0.0")
((total >= 15)) || fail "only $total events stored"
(($(ls "$WORK"/sqlite.2.* | wc -l) >= 2)) || fail "the paged query did not page"
jq -e '[.events[].message] | any(test("caf\ufffd"))' "$WORK/postgres.6.0" >/dev/null ||
  fail "bytes that are not UTF-8 did not come back as U+FFFD"
pass "$pages pages of /api/events identical on SQLite and PostgreSQL ($total events)"
