#!/usr/bin/env python3
"""A logstreamer cluster on NATS JetStream under failures (issue: scale out).

Usage: bus_cluster.py BIN WORK PG_URL NATS_DIR NATS_URLS NATS_PIDS SECONDS

NATS_DIR holds the running servers' configs (nI.conf, from nats.sh) and
NATS_PIDS their PIDs, comma-separated. Starts 2 ingest nodes and 2
processors (serve --bus ... --role ingest|process, PostgreSQL at PG_URL).
Four clients post logplex batches (20 lines, a Logplex-Frame-Id each)
round-robin to the ingest nodes, and retry every non-2xx answer, connection
error or timeout on the other node, as a load balancer would. During the
run: SIGKILL NATS server 1 (restarted 5 s later), SIGKILL processor 0
(restarted 4 s later), SIGKILL ingest node 1 (for good). Then the load
stops, every batch still in flight is retried until it is answered 2xx, and
once the stream is drained:
  - PostgreSQL holds every acknowledged line exactly once (events by
    fid/i in the message, router lines by request id);
  - /api/summary (of a processor and of the surviving ingest node) equals
    `logstreamer analyze` of the same lines: totals, levels, services,
    HTTP status classes.
Exits 1 with a message on the first broken promise. Bounded: SECONDS of
load, 60 s to finish the batches in flight, 120 s to drain.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import logplex_client  # beside this script

BIN, WORK, PG_URL, NATS_DIR, NATS_URLS, NATS_PIDS, SECONDS = sys.argv[1:8]
SECONDS = float(SECONDS)
NATS_PIDS = [int(p) for p in NATS_PIDS.split(",")]
LINES = 20
CLIENTS = 4


class Node:
    def __init__(self, name, role, extra=()):
        self.name, self.role, self.extra = name, role, list(extra)
        self.port = logplex_client.free_port()
        self.proc = None
        NODES.append(self)

    def start(self):
        ready = os.path.join(WORK, f"{self.name}.ready")
        if os.path.exists(ready):
            os.remove(ready)
        err = open(os.path.join(WORK, f"{self.name}.err"), "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{self.port}", "--ready-file", ready, "--db", PG_URL,
             "--bus", NATS_URLS, "--bus-replicas", "3", "--role", self.role, "--node", self.name,
             "--retention", "0"] + self.extra,
            stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.time() + 60
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if self.proc.poll() is not None:
                fail(f"{self.name} exited at start ({self.proc.returncode}): {tail(self.name)}")
            if time.time() > deadline:
                fail(f"{self.name} did not listen within 60 s")
            time.sleep(0.01)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def get(self, path):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, body


def tail(name):
    try:
        with open(os.path.join(WORK, f"{name}.err"), "rb") as f:
            return f.read()[-600:].decode(errors="replace")
    except OSError:
        return ""


started_nats = []
NODES = []  # every node started, for fail()


def fail(msg):
    """Stops everything at once: the client threads would keep the process alive."""
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.stderr.flush()
    for node in NODES:
        if node.proc is not None and node.proc.poll() is None:
            node.proc.kill()
    for p in started_nats:
        p.kill()
    os._exit(1)


def line(fid, i, now):
    """Line i of batch fid: app lines of several levels and services, and
    Heroku router lines of several status classes (some failed ones are
    events too)."""
    if i % 5 == 4:
        status = [200, 200, 302, 404, 503][(i // 5 + len(fid)) % 5]
        return (f"<158>1 {now} host heroku router - at=info method=GET path=\"/p{i % 3}\" host=a.herokuapp.com "
                f"request_id=r-{fid}-{i} fwd=\"10.0.0.1\" dyno=web.{1 + i % 2} connect=1ms service={5 + i}ms "
                f"status={status} bytes=100 protocol=https")
    pri = [190, 187, 188, 191][i % 4]  # INFO, ERROR, WARN, DEBUG
    dyno = ["web.1", "worker.1", "web.2"][i % 3]
    return f"<{pri}>1 {now} host app {dyno} - fid={fid} i={i} job took {i * 7} ms"


def batch_lines(fid):
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    return [line(fid, i, now) for i in range(LINES)]


acked = {}  # fid -> lines, answered 2xx
lock = threading.Lock()
stats = {"posts": 0, "retries": 0, "duplicates": 0}
stop_new = threading.Event()
give_up = threading.Event()


def client(c, ingest):
    n = 0
    while not stop_new.is_set():
        fid = f"c{c}-{n}"
        lines = batch_lines(fid)
        body = "".join(f"{len((m + chr(10)).encode())} {m}\n" for m in lines).encode()
        attempt = c + n
        while not give_up.is_set():
            node = ingest[attempt % len(ingest)]
            attempt += 1
            stats["posts"] += 1
            answer = logplex_client.post(node.port, fid, body, LINES)
            if answer is not None and 200 <= answer[0] < 300:
                with lock:
                    acked[fid] = lines
                if b"duplicate" in answer[2]:
                    stats["duplicates"] += 1
                break
            stats["retries"] += 1
            time.sleep(0.05)
        n += 1


def stored_counts():
    out = subprocess.run(
        ["psql", PG_URL, "-X", "-At", "-F", "\t", "-c",
         "SELECT 'e', message FROM events WHERE message LIKE 'fid=%' "
         "UNION ALL SELECT 'r', request_id FROM http_requests"],
        check=True, capture_output=True, text=True).stdout
    counts = {}
    for row in out.splitlines():
        kind, text = row.split("\t", 1)
        if kind == "e":
            parts = dict(p.split("=", 1) for p in text.split() if "=" in p)
            key = (parts.get("fid"), int(parts.get("i", -1)))
        else:
            _, rest = text.split("-", 1)
            fid, i = rest.rsplit("-", 1)
            key = (fid, int(i))
        counts[key] = counts.get(key, 0) + 1
    return counts


def expected_keys():
    keys = set()
    for fid, lines in acked.items():
        for i, text in enumerate(lines):
            # A router line is stored as a request row (and a failed one as an event too: not
            # counted here, its message has no fid).
            keys.add((fid, i))
    return keys


def main():
    procs = [Node("proc0", "process", ["--bus-ack-wait", "4s"]), Node("proc1", "process", ["--bus-ack-wait", "4s"])]
    ingest = [Node("ingest0", "ingest"), Node("ingest1", "ingest")]
    for node in procs + ingest:
        node.start()
    threads = [threading.Thread(target=client, args=(c, ingest), daemon=True) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    begin = time.time()
    events = [
        (0.15, "SIGKILL NATS server 1", lambda: os.kill(NATS_PIDS[1], signal.SIGKILL)),
        (0.30, "restart NATS server 1", lambda: started_nats.append(subprocess.Popen(
            ["nats-server", "-c", os.path.join(NATS_DIR, "n1.conf")],
            stdout=open(os.path.join(NATS_DIR, "n1.log"), "ab"), stderr=subprocess.STDOUT))),
        (0.40, "SIGKILL processor 0", procs[0].kill),
        (0.55, "restart processor 0", procs[0].start),
        (0.70, "SIGKILL ingest node 1", ingest[1].kill),
    ]
    for at, what, action in events:
        while time.time() < begin + at * SECONDS:
            time.sleep(0.05)
        print(f"{time.time() - begin:5.1f} s: {what} ({len(acked)} batches acknowledged so far)")
        action()
    while time.time() < begin + SECONDS:
        time.sleep(0.05)
    stop_new.set()
    for t in threads:
        t.join(timeout=60)
    give_up.set()
    if any(t.is_alive() for t in threads):
        fail("batches still not acknowledged 60 s after the load stopped")
    print(f"load: {len(acked)} batches acknowledged ({stats['posts']} posts, {stats['retries']} retried, "
          f"{stats['duplicates']} answered as duplicates)")
    if len(acked) < 50:
        fail(f"only {len(acked)} batches acknowledged: too few to mean anything")

    want = expected_keys()
    deadline = time.time() + 120
    while True:
        counts = stored_counts()
        if want <= set(counts):
            break
        if time.time() > deadline:
            missing = sorted(want - set(counts))
            fail(f"{len(missing)} acknowledged lines not stored after 120 s, e.g. {missing[:3]}")
        time.sleep(0.5)
    twice = [k for k, n in counts.items() if n > 1]
    if twice:
        fail(f"{len(twice)} lines stored twice, e.g. {twice[:3]}")
    extra = set(counts) - want
    if extra:
        fail(f"{len(extra)} lines stored that no 2xx acknowledged, e.g. {sorted(extra)[:3]}")
    print(f"PostgreSQL: all {len(want)} acknowledged lines stored exactly once")

    with open(os.path.join(WORK, "cluster_lines.log"), "w") as f:
        for lines in acked.values():
            for text in lines:
                f.write(text + "\n")
    subprocess.run([BIN, "analyze", os.path.join(WORK, "cluster_lines.log"), "--output",
                    os.path.join(WORK, "analyze.json")], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(os.path.join(WORK, "analyze.json")) as f:
        expected = json.load(f)

    def essentials(s):
        return {"total_lines": s["total_lines"], "parsed": s["parsed"], "malformed": s["malformed"],
                "levels": s["levels"], "services": s["services"],
                "status_classes": (s.get("http") or {}).get("status_classes"),
                "requests": (s.get("http") or {}).get("requests")}

    for node in (procs[1], ingest[0]):
        deadline = time.time() + 30
        while True:
            status, body = node.get("/api/summary")
            got = essentials(json.loads(body)) if status == 200 else None
            if got == essentials(expected):
                break
            if time.time() > deadline:
                fail(f"/api/summary of {node.name} differs from analyze:\n  got  {got}\n  want {essentials(expected)}")
            time.sleep(0.2)
    print(f"/api/summary of {procs[1].name} and {ingest[0].name} equals analyze of the acknowledged lines "
          f"({expected['total_lines']} lines)")

    # Lines received over HTTP are counted where they arrived: on the ingest
    # node that published them, not again on the processor that took them.
    status, body = ingest[0].get("/api/stats")
    taken = json.loads(body)["pipeline"]["accepted_lines"] if status == 200 else None
    if not taken:
        fail(f"{ingest[0].name}: /api/stats accepted_lines is {taken} after the load")
    status, body = procs[1].get("/api/stats")
    if json.loads(body)["pipeline"]["accepted_lines"] != 0:
        fail(f"{procs[1].name} counts lines from the bus as received over HTTP: {body[:300]}")
    bus = json.loads(body)["bus"]
    print(f"cluster: {bus['cluster']['nodes']} nodes heard; {procs[1].name}: {bus['consumer']}")
    for node in procs + ingest[:1]:
        node.proc.send_signal(signal.SIGTERM)
    for node in procs + ingest[:1]:
        if node.proc.wait(timeout=60) != 0:
            fail(f"{node.name} exited {node.proc.returncode} after SIGTERM: {tail(node.name)}")
    print("PASS: a cluster of 2 ingest nodes and 2 processors over 3 NATS servers lost nothing and stored "
          "nothing twice through a NATS server, a processor and an ingest node killed")


try:
    main()
finally:
    for p in started_nats:
        p.terminate()
        p.wait(timeout=30)
