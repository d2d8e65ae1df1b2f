# serve: HTTPS with --tls-cert/--tls-key, the connection cap (503), alerts
# raised and resolved from the traffic in the logs, and config errors that
# stop start-up with the key's name.
source "$(dirname "$0")/lib.sh"

# Bad configuration: a clear one-line error naming the key, exit 2.
printf 'queue_lines = 10\nqueue_linez = 5\n' > bad.toml
rc=0; "$BIN" serve --config bad.toml --db none 2> err.txt || rc=$?
expect_eq "unknown config key exit" 2 "$rc"
grep -q "unknown key 'queue_linez'" err.txt || fail "unknown key not named: $(cat err.txt)"
rc=0; LOGSTREAMER_POLICY=sometimes "$BIN" serve --db none 2> err.txt || rc=$?
expect_eq "bad env value exit" 2 "$rc"
grep -q "LOGSTREAMER_POLICY" err.txt || fail "env var not named: $(cat err.txt)"
# A PostgreSQL nobody answers at: one line naming the URL (never its
# password), exit 2, and no SQLite file named after the URL.
rc=0; "$BIN" serve --listen 127.0.0.1:0 --db postgres://u:s3cret@127.0.0.1:9/logs 2> err.txt || rc=$?
expect_eq "unreachable postgres exit" 2 "$rc"
grep -q "cannot connect to postgres://u:\*\*\*@127.0.0.1:9/logs" err.txt || fail "postgres URL: $(cat err.txt)"
grep -q s3cret err.txt && fail "the password is in the error: $(cat err.txt)"
expect_eq "error lines" 1 "$(wc -l < err.txt)"
[[ ! -e postgres: ]] || fail "a file named after the URL was created"
rc=0; "$BIN" serve --listen 127.0.0.1:99999 --db none 2> err.txt || rc=$?
expect_eq "bad listen exit" 2 "$rc"
pass "bad config (file, env, flag) stops start-up naming the key"

# TLS with a throwaway self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 \
  > /dev/null 2>&1 || fail "openssl could not make a certificate"
start_serve --db none --tls-cert cert.pem --tls-key key.pem
frame "$(app_line web.1 'over tls')" > one
code=$(curl -s -o resp -w '%{http_code}' --cacert cert.pem -H 'Content-Type: application/logplex-1' \
  --data-binary @one "https://$ADDR/logdrains")
expect_eq "logplex over https" 200 "$code"
expect_eq "plain http to the TLS port is refused" 000 "$(curl -s -o /dev/null -w '%{http_code}' -m 10 "http://$ADDR/healthz" || true)"
stop_serve TERM
expect_eq "TLS serve exit" 0 "$SERVE_RC"
pass "HTTPS with --tls-cert/--tls-key"

# Connection cap: two busy connections (headers sent, body awaited) fill it;
# with nothing idle to close, the third is told 503. (Idle ones would be
# closed to make room: serve_connection_cap_test.sh.)
start_serve --db none --max-connections 2 --alert-min-requests 10
exec 5<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}"
exec 6<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}"
printf 'POST /ingest HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n' >&5
printf 'POST /ingest HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n' >&6
two_open() { (( $(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/healthz") == 503 )); }
wait_for "the connection cap to be reached" 30 two_open
exec 5<&- 6<&-
cap_freed() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/healthz") == 200 ]]; }
wait_for "the cap to free up" 30 cap_freed
(( $(metric logstreamer_http_connections_refused_total) >= 1 )) || fail "refused connections not counted"
pass "over --max-connections with every connection busy: 503, then service resumes"

# Alerts: 20 requests, 30% of them 5xx -> critical; then healthy traffic resolves it.
{ for i in $(seq 1 14); do frame "$(router_line 200 20)"; done
  for i in $(seq 1 6); do frame "$(router_line 500 20)"; done; } > bad
expect_eq "post errors" 200 "$(post /logdrains application/logplex-1 bad)"
critical() { curl -s "http://$ADDR/api/stats" | jq -e '.alerts.active[] | select(.name == "error_rate" and .severity == "critical")' >/dev/null; }
wait_for "an error-rate alert" 30 critical
grep -q "alert raised: error_rate critical" serve.err || fail "alert not logged: $(cat serve.err)"
{ for i in $(seq 1 200); do frame "$(router_line 200 20)"; done; } > good
expect_eq "post healthy traffic" 200 "$(post /logdrains application/logplex-1 good)"
resolved() { curl -s "http://$ADDR/api/stats" | jq -e '(.alerts.active | length) == 0 and (.alerts.resolved[0].name == "error_rate")' >/dev/null; }
wait_for "the alert to resolve" 30 resolved
pass "error-rate alert raised (critical), logged, and resolved"
stop_serve INT
expect_eq "exit" 0 "$SERVE_RC"
