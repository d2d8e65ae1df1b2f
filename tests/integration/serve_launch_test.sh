#!/usr/bin/env bash
# `logstreamer serve` executes logstreamer-serve (cli/serve_command.h): the
# server's libraries stay out of logstreamer itself, the server runs in the
# same process, and a missing logstreamer-serve is one clear error.
source "$(dirname "$0")/lib.sh"

# 1. logstreamer does not load the server's libraries (they cost every
#    analyze ~10 ms of start-up): none among its direct dependencies.
needed=$(readelf -d "$BIN" | awk '/NEEDED/ { gsub(/[][]/, "", $NF); print $NF }')
[[ -n $needed ]] || fail "readelf lists no dependencies of $BIN"
for lib in libpq libnats libsqlite3 libssl libcrypto; do
  if grep -q "^$lib\." <<< "$needed"; then fail "logstreamer links $lib (only logstreamer-serve should)"; fi
done
readelf -d "$(dirname "$BIN")/logstreamer-serve" | grep -q "libpq\." || fail "logstreamer-serve does not link libpq"

# 2. The server runs in the process that was started (supervisors, kill -9
#    by PID): its executable is logstreamer-serve once it listens.
start_serve
exe=$(readlink "/proc/$SERVE_PID/exe")
expect_eq "serve's executable" "$(dirname "$BIN")/logstreamer-serve" "$exe"
curl -sf "http://$ADDR/healthz" > /dev/null || fail "serve does not answer /healthz"
stop_serve TERM
expect_eq "serve's exit status after SIGTERM" 0 "$SERVE_RC"

# 3. Without logstreamer-serve beside it: serve fails with one clear line and
#    status 2; the other subcommands work.
mkdir lonely
cp "$BIN" lonely/logstreamer
rc=0
lonely/logstreamer serve --listen 127.0.0.1:0 > out 2> err || rc=$?
expect_eq "exit status without logstreamer-serve" 2 "$rc"
grep -q "logstreamer serve: cannot run $WORK/lonely/logstreamer-serve" err || fail "unclear error: $(cat err)"
expect_eq "lines of the error" 1 "$(wc -l < err)"
printf '2024-01-20 10:00:00.000 INFO web hello\n' > one.log
lonely/logstreamer analyze -q one.log -o one.json || fail "analyze needs logstreamer-serve"
expect_eq "lines analyzed" 1 "$(jq .total_lines one.json)"
pass "serve runs logstreamer-serve in the same process; logstreamer stays without its libraries"
