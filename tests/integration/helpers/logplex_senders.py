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
import json
import os
import sys
import threading
import time

import logplex_client  # beside this script

PORT, WORK, MAX_SECONDS = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
LINES, CLIENTS = 20, 4
lock = threading.Lock()
codes = {}
no_retry_after = 0
acked_file = open(os.path.join(WORK, "acked"), "a", buffering=1)
end = time.time() + MAX_SECONDS


def stopping():
    return time.time() > end or os.path.exists(os.path.join(WORK, "stop"))


def client(c):
    global no_retry_after
    batch = 0
    while not stopping():
        fid = f"c{c}-{batch}"
        data = logplex_client.batch(fid, LINES)
        while not stopping():
            status = "error"
            answer = logplex_client.post(PORT, fid, data, LINES)
            if answer is not None:
                status = str(answer[0])
                if answer[0] in (429, 503) and answer[1] is None:
                    with lock:
                        no_retry_after += 1
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
