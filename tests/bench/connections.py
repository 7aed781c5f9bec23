#!/usr/bin/python3
"""What slow, idle and large clients cost sluiced (docs/operations.md, "Limits"): numbers, not a
pass or fail. Run by connections_bench.sh with the optimized build.

  1. 1,100 idle connections (no bytes sent), from one address and from eleven: what a new client
     gets, and how soon;
  2. 200 clients sending their headers at one byte a second: a normal client's latency;
  3. 30 clients each sending a 15 MiB body and stopping short of its end: the process's memory.
Every loop is bounded in count and time; all traffic stays on 127.0.0.0/8."""
import os
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from sluiced import Sluiced  # noqa: E402

MIB = 1024 * 1024


def rss(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) // 1024
    return out


def connect(port, source):
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    except OSError:
        return None


def timed_get(srv, path="/subjects"):
    started = time.time()
    try:
        r = srv.client().get(path, fresh=True)
        return r.status, time.time() - started
    except OSError as e:
        return type(e).__name__, time.time() - started


def served_after(srv, limit_s):
    """Seconds until a fresh client gets a 200, and the first answer it got."""
    started, first = time.time(), None
    while time.time() - started < limit_s:
        status, _ = timed_get(srv)
        first = first or status
        if status == 200:
            return time.time() - started, first
        time.sleep(0.1)
    return None, first


def idle(sources, per_source):
    srv = Sluiced().start()
    socks = []
    try:
        for src in sources:
            for _ in range(per_source):
                s = connect(srv.port, src)
                if s:
                    socks.append(s)
        time.sleep(0.5)
        waited, first = served_after(srv, 15)
        m = srv.get("/metrics").text
        open_now = [l for l in m.splitlines() if l.startswith("sluice_open_connections ")]
        print("  %d idle from %d address(es): %d connected; a new client first got %s, "
              "was served after %.2f s; %s" % (len(sources) * per_source, len(sources), len(socks),
                                                first, waited or -1, open_now[0] if open_now else ""))
    finally:
        for s in socks:
            s.close()
        srv.stop()
        srv.close()


def slow_clients():
    srv = Sluiced().start()
    slow, stop, lat, t = [], threading.Event(), [], None
    try:
        for i in range(200):
            s = connect(srv.port, "127.0.0.%d" % (2 + i % 4))
            if s:
                slow.append(s)

        def dribble():
            text = b"GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
            for k in range(len(text)):
                if stop.wait(1.0):
                    return
                for s in slow:
                    try:
                        s.sendall(text[k:k + 1])
                    except OSError:
                        pass

        t = threading.Thread(target=dribble)
        t.start()
        client = srv.client()
        started = time.time()
        while time.time() - started < 8:
            t0 = time.time()
            r = client.get("/subjects")
            lat.append((time.time() - t0) * 1000)
            assert r.status == 200
            time.sleep(0.01)
        lat.sort()
        print("  200 slow clients (1 byte/s): a normal client made %d requests in 8 s; latency "
              "median %.2f ms, p99 %.2f ms, max %.2f ms" % (len(lat), statistics.median(lat),
                                                          lat[int(len(lat) * 0.99)], lat[-1]))
    finally:
        stop.set()
        if t:
            t.join(timeout=30)
        for s in slow:
            s.close()
        srv.stop()
        srv.close()


def pending_bodies():
    srv = Sluiced().start()
    socks, refused = [], 0
    size = 15 * MIB
    try:
        base = rss(srv.proc.pid)
        head = ("POST /subjects/big/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % size).encode()
        chunk = b" " * MIB
        for i in range(30):
            s = connect(srv.port, "127.0.0.%d" % (2 + i % 4))
            s.sendall(head)
            for _ in range(14):  # 14 of the 15 MiB, then it stops
                s.sendall(chunk)
            socks.append(s)
        time.sleep(1)
        peak = rss(srv.proc.pid)
        m = srv.get("/metrics").text
        refused = [l for l in m.splitlines() if 'limit="pending_bytes"' in l and not l.startswith("#")]
        print("  30 pending 15 MiB bodies: RSS %d MiB before, %d MiB after (peak %d MiB); %s"
              % (base["VmRSS"], peak["VmRSS"], peak["VmHWM"], refused[0] if refused else ""))
    finally:
        for s in socks:
            s.close()
        srv.stop()
        srv.close()


def main():
    print("idle connections (default limits: 1000 in all, 128 per address, 10 s for headers)")
    idle(["127.0.0.2"], 1100)
    idle(["127.0.0.%d" % (2 + k) for k in range(11)], 100)
    print("slow clients")
    slow_clients()
    print("memory (default budget for buffered bodies: 128 MiB)")
    pending_bodies()


if __name__ == "__main__":
    main()
