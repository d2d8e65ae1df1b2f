#!/usr/bin/env python3
"""Logplex-like senders for whole-binary tests of a serve that stays up.

Usage: logplex_senders.py PORT WORKDIR MAX_SECONDS

Four clients post logplex batches (20 frames, a Logplex-Frame-Id each) with
today's timestamps, retrying a batch on any non-2xx answer, connection
error or 5 s timeout (as Logplex does) before moving on. Each acknowledged
frame id is appended to WORKDIR/acked as it happens. Stops when
WORKDIR/stop exists or after MAX_SECONDS (bounded), then writes
WORKDIR/senders.json: answers by status, and how many 429/503 answers
lacked Retry-After. Lines are "fid=FRAME i=INDEX" in the message.
"""
import http.client
import json
import os
import sys
import threading
import time

PORT, WORK, MAX_SECONDS = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
LINES, CLIENTS = 20, 4
lock = threading.Lock()
codes = {}
no_retry_after = 0
acked_file = open(os.path.join(WORK, "acked"), "a", buffering=1)
end = time.time() + MAX_SECONDS


def stopping():
    return time.time() > end or os.path.exists(os.path.join(WORK, "stop"))


def body(fid):
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    msgs = [f"<190>1 {now} host app web.1 - fid={fid} i={i}\n" for i in range(LINES)]
    return "".join(f"{len(m.encode())} {m}" for m in msgs).encode()


def client(c):
    global no_retry_after
    batch = 0
    while not stopping():
        fid = f"c{c}-{batch}"
        data = body(fid)
        while not stopping():
            status = "error"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("POST", "/logdrains", data, {
                    "Content-Type": "application/logplex-1", "Logplex-Frame-Id": fid,
                    "Logplex-Msg-Count": str(LINES)})
                resp = conn.getresponse()
                resp.read()
                conn.close()
                status = str(resp.status)
                if resp.status in (429, 503) and resp.getheader("Retry-After") is None:
                    with lock:
                        no_retry_after += 1
            except (OSError, http.client.HTTPException):
                pass
            with lock:
                codes[status] = codes.get(status, 0) + 1
                if status.startswith("2"):
                    acked_file.write(fid + "\n")
                    break
            time.sleep(0.05)
        batch += 1


threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(os.path.join(WORK, "senders.json"), "w") as f:
    json.dump({"codes": codes, "no_retry_after": no_retry_after}, f)
