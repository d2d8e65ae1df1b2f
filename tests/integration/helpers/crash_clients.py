#!/usr/bin/env python3
"""Logplex-like senders against a serve that is killed and restarted.

Usage: crash_clients.py BIN WORKDIR SIGNAL SECONDS [serve args...]

The database is WORKDIR/crash.db (SQLite) unless the serve args give
--db postgres://...; PostgreSQL is then read back with psql.

Four clients post logplex batches (20 frames each, a Logplex-Frame-Id per
batch), each retrying a batch on any non-2xx answer, connection error or
5 s timeout, as Logplex does, before moving to the next. Meanwhile the server
is stopped with SIGNAL (KILL or TERM) every 0.8-2.0 s, and restarted on the
same database and port. After SECONDS the server is stopped gracefully and
the database is checked: every line of every batch answered 2xx is stored,
and no (frame id, line index) is stored twice. Prints a summary; exits 1 on
the first broken promise. Bounded: SECONDS of load, 30 s per restart.
"""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import logplex_client  # beside this script

BIN, WORK, SIG, SECONDS = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
EXTRA = sys.argv[5:]
LINES = 20
CLIENTS = 4


PORT = logplex_client.free_port()
DB = os.path.join(WORK, "crash.db")
READY = os.path.join(WORK, "crash.ready")


def start():
    if os.path.exists(READY):
        os.remove(READY)
    err = open(os.path.join(WORK, "crash.err"), "ab")
    p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--ready-file", READY,
                          "--db", DB] + EXTRA, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 30
    while not (os.path.exists(READY) and os.path.getsize(READY) > 0):
        if p.poll() is not None:
            sys.exit(f"FAIL: serve exited at start (status {p.returncode}); see crash.err")
        if time.time() > deadline:
            sys.exit("FAIL: serve did not listen within 30 s")
        time.sleep(0.01)
    return p


acked = set()  # frame ids answered 2xx
acked_lock = threading.Lock()
stats = {"posts": 0, "ok": 0, "retries": 0, "duplicates": 0}
stop = threading.Event()


def client(c):
    batch = 0
    while not stop.is_set():
        fid = f"c{c}-{batch}"
        data = logplex_client.batch(fid, LINES)
        while not stop.is_set():
            stats["posts"] += 1
            answer = logplex_client.post(PORT, fid, data, LINES)
            if answer is not None and 200 <= answer[0] < 300:
                with acked_lock:
                    acked.add(fid)
                stats["ok"] += 1
                if b"duplicate" in answer[2]:
                    stats["duplicates"] += 1
                break
            stats["retries"] += 1
            time.sleep(0.05)
        batch += 1


server = start()
threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
for t in threads:
    t.start()
kills = 0
end = time.time() + SECONDS
rng = random.Random(7)
while time.time() < end:
    time.sleep(rng.uniform(0.8, 2.0))
    server.send_signal(signal.SIGKILL if SIG == "KILL" else signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        sys.exit("FAIL: serve did not stop within 30 s of SIGTERM")
    if SIG == "TERM" and server.returncode != 0:
        sys.exit(f"FAIL: serve exited {server.returncode} after SIGTERM")
    kills += 1
    server = start()
stop.set()
for t in threads:
    t.join(timeout=30)
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)

PG_URL = next((EXTRA[i + 1] for i, a in enumerate(EXTRA[:-1])
               if a == "--db" and EXTRA[i + 1].startswith("postgres")), None)
if PG_URL:
    out = subprocess.run(["psql", PG_URL, "-X", "-At", "-c", "SELECT message FROM events"],
                         check=True, capture_output=True, text=True).stdout
    messages = [(m,) for m in out.splitlines()]
else:
    messages = sqlite3.connect(DB).execute("SELECT message FROM events")
stored = {}
for (message,) in messages:
    parts = dict(p.split("=", 1) for p in message.split() if "=" in p)
    key = (parts.get("fid"), parts.get("i"))
    stored[key] = stored.get(key, 0) + 1
twice = [k for k, n in stored.items() if n > 1]
missing = [(f, i) for f in acked for i in range(LINES) if (f, str(i)) not in stored]
print(f"{SIG}: {kills} stops in {SECONDS:.0f} s; {len(acked)} batches acknowledged "
      f"({stats['posts']} posts, {stats['retries']} retried, {stats['duplicates']} answered as duplicates); "
      f"{len(stored)} distinct lines stored")
if kills < 10:
    sys.exit(f"FAIL: only {kills} stops")
if len(acked) < 20:
    sys.exit(f"FAIL: only {len(acked)} batches acknowledged: too few to mean anything")
if twice:
    sys.exit(f"FAIL: {len(twice)} lines stored twice, e.g. {twice[:3]}")
if missing:
    sys.exit(f"FAIL: {len(missing)} acknowledged lines not stored, e.g. {missing[:3]}")
print(f"PASS: {SIG}: every acknowledged line stored, none twice")
