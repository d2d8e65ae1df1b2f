"""What the Logplex-like senders of the whole-binary tests share: a batch
of frames with a frame id, one POST of it as Logplex sends it, a free port."""
import http.client
import socket
import time


def free_port():
    """A loopback port free right now (the kernel's pick)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def batch(fid, lines):
    """`lines` logplex frames with today's time (rows older than --retention,
    by their own time, are deleted at every start), each "fid=FID i=INDEX"."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    msgs = [f"<190>1 {now} host app web.1 - fid={fid} i={i}\n" for i in range(lines)]
    return "".join(f"{len(m.encode())} {m}" for m in msgs).encode()


def post(port, fid, data, lines):
    """POSTs a batch to /logdrains with a 5 s timeout, as Logplex does.
    Returns (status, Retry-After header, body), or None on a connection
    error or timeout."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/logdrains", data, {
            "Content-Type": "application/logplex-1", "Logplex-Frame-Id": fid,
            "Logplex-Msg-Count": str(lines)})
        resp = conn.getresponse()
        text = resp.read()
        conn.close()
        return resp.status, resp.getheader("Retry-After"), text
    except (OSError, http.client.HTTPException):
        return None
