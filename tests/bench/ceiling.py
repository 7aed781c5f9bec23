#!/usr/bin/python3
"""ceiling.py -- sluiced's figures beside the machine's ceilings, measured in the same run on the
same machine, with 1,000 and with 1,000,000 schemas stored (tests/bench/http_bench.sh runs it).

Ceilings:
  HTTP      tests/bench/http_ceiling: a minimal libmicrohttpd server, set up as sluiced's, answering
            every request with the bytes of sluiced's GET /schemas/ids/{id} answer
  writes    tests/bench/sqlite_ceiling: SQLite's rate of single-insert transactions, WAL,
            synchronous=FULL, in the same directory (the same disk) as the stores

Figures, each the median of REPS runs of SECONDS (wrk, 2 threads, keep-alive):
  GET /schemas/ids/{id}               64 connections, one id; req/s as a fraction of the ceiling,
                                      run alternately with it; p50 and p99 latency, at full load
                                      and paced (each connection waits 2 ms between requests)
  GET /schemas/ids/{random id}        64 connections, ids drawn from all those stored
  GET /subjects/{s}/versions/latest   64 connections
  POST /subjects/{s} (lookup)         64 connections
  POST /subjects/{s}/versions         16 connections, a new schema under a new subject each time,
                                      every answer durable (the server's own settings, and again
                                      with sluice.threads=16: one thread per connection)
and, per store: start-up time (spawn to the first answer), resident memory after start and after
the load, and GET /subjects and GET /schemas pages at the start and deep into the listing.

The stores are made by tests/bench/store_fill (through the store API, in big transactions):
subjects of four versions, 400-byte Avro records. Everything runs on 127.0.0.1; every load is
bounded in time. Environment: SLUICE_BENCH_REPS (5), SLUICE_BENCH_SECONDS (5),
SLUICE_BENCH_LARGE (1000000), TMPDIR (where the stores go; the disk measured).
A benchmark: it prints, it does not judge.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SLUICED = os.environ["SLUICED"]
BIN = os.environ.get("SLUICE_BENCH_BIN") or os.path.join(os.path.dirname(os.path.dirname(SLUICED)),
                                                         "tests", "bench")
REPS = int(os.environ.get("SLUICE_BENCH_REPS", "5"))
SECONDS = int(os.environ.get("SLUICE_BENCH_SECONDS", "5"))
SMALL = 1000
LARGE = int(os.environ.get("SLUICE_BENCH_LARGE", "1000000"))
V1 = "application/vnd.schemaregistry.v1+json"
SUBJECT = "fill-0000100"  # present in both stores, with four versions


def say(*args):
    print(*args, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        c.request(method, path, body=body, headers={"Content-Type": V1} if body else {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_answering(port, proc, limit=120):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if request(port, "GET", "/health/live")[0] == 200:
                return
        except OSError:
            time.sleep(0.005)
    raise SystemExit("the server did not answer within %d s" % limit)


class Server:
    """sluiced on a free port with the store `db` and the production defaults (access log on,
    written to a file as a service manager would keep it), or `props` added."""

    def __init__(self, db, workdir, props=None):
        self.port = free_port()
        self.log = open(os.path.join(workdir, "sluiced.log"), "ab")
        args = [SLUICED, "--listeners", "http://127.0.0.1:%d" % self.port, "--db", db]
        if props:
            path = os.path.join(workdir, "bench.properties")
            with open(path, "w") as f:
                f.writelines("%s=%s\n" % kv for kv in props.items())
            args += ["--config", path]
        start = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        wait_answering(self.port, self.proc)
        self.startup = time.monotonic() - start
        self.url = "http://127.0.0.1:%d" % self.port

    def rss_mib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        return kb / 1024

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def ms(text):
    """wrk's latency ("412.00us", "1.20ms", "2.01s") in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]


def wrk(url, conns, script=None, env=None):
    args = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % SECONDS, "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=SECONDS + 60,
                         env=dict(os.environ, **(env or {}))).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not rps:
        raise SystemExit("wrk said:\n" + out)
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad_reg = re.search(r"non-200 answers: (\d+)", out)
    return {"rps": float(rps.group(1)), "p50": ms(lat["50"]), "p99": ms(lat["99"]),
            "bad": int(bad.group(1)) if bad else int(bad_reg.group(1)) if bad_reg else 0}


def medians(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {
        "spread": (min(r["rps"] for r in runs), max(r["rps"] for r in runs)),
        "bad": sum(r["bad"] for r in runs)}


def timed_get(port, path):
    times = []
    for _ in range(3):
        start = time.monotonic()
        status, body = request(port, "GET", path)
        times.append(time.monotonic() - start)
        if status != 200:
            raise SystemExit("GET %s: %d %s" % (path, status, body[:200]))
    return statistics.median(times) * 1e3, len(json.loads(body))


def fill(db, n):
    out = subprocess.run([os.path.join(BIN, "store_fill"), db, str(n)], capture_output=True,
                         text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit("store_fill: " + out.stderr)
    say("  " + out.stdout.strip())


def sqlite_rate(workdir):
    out = subprocess.run([os.path.join(BIN, "sqlite_ceiling"), workdir, str(SECONDS)],
                         capture_output=True, text=True, timeout=SECONDS + 60)
    if out.returncode != 0:
        raise SystemExit("sqlite_ceiling: " + out.stderr)
    return float(out.stdout.split()[0])


def lua(workdir, name, text):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def measure_store(label, n, db, workdir, ceiling_port, results):
    say("-- %s schemas stored" % label)
    starts = []
    for _ in range(3):  # start-up, spawn to the first answer, median of three
        srv = Server(db, workdir)
        starts.append(srv.startup)
        srv.stop()
    srv = Server(db, workdir)
    fig = results.setdefault(label, {})
    fig["startup_ms"] = statistics.median(starts) * 1e3
    fig["rss_start"] = srv.rss_mib()
    status, body = request(srv.port, "GET", "/subjects/%s/versions/latest" % SUBJECT)
    latest = json.loads(body)
    sid = latest["id"]
    status, by_id_body = request(srv.port, "GET", "/schemas/ids/%d" % sid)
    if ceiling_port is None:
        with open(os.path.join(workdir, "body"), "wb") as f:
            f.write(by_id_body)
    lookup = lua(workdir, "lookup.lua", 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "%s"\n'
                 'wrk.body = [[%s]]\n' % (V1, json.dumps({"schema": latest["schema"]})))

    ceiling = None
    if ceiling_port is None:  # the HTTP ceiling, serving the very bytes sluiced answers
        ceiling_port = free_port()
        ceiling = subprocess.Popen([os.path.join(BIN, "http_ceiling"), str(ceiling_port),
                                    os.path.join(workdir, "body")])
        time.sleep(0.3)
        fig["ceiling_runs"] = []
    by_id, paced, ceiling_paced = [], [], []
    pace = os.path.join(HERE, "wrk", "paced.lua")
    for _ in range(REPS):
        if ceiling:
            fig["ceiling_runs"].append(wrk("http://127.0.0.1:%d/schemas/ids/%d" %
                                           (ceiling_port, sid), 64))
            ceiling_paced.append(wrk("http://127.0.0.1:%d/schemas/ids/%d" % (ceiling_port, sid),
                                     64, pace))
        by_id.append(wrk("%s/schemas/ids/%d" % (srv.url, sid), 64))
        paced.append(wrk("%s/schemas/ids/%d" % (srv.url, sid), 64, pace))
    if ceiling:
        ceiling.send_signal(signal.SIGTERM)
        ceiling.wait(timeout=30)
        fig["ceiling"] = medians(fig.pop("ceiling_runs"))
        fig["ceiling_paced"] = medians(ceiling_paced)
    fig["by_id"], fig["by_id_paced"] = medians(by_id), medians(paced)
    say("  GET /schemas/ids/{id}: %.0f req/s" % fig["by_id"]["rps"])
    fig["random_id"] = medians([wrk("%s/schemas/ids/1" % srv.url, 64,
                                     os.path.join(HERE, "wrk", "random_id.lua"),
                                     {"IDS": str(n)}) for _ in range(REPS)])
    say("  GET /schemas/ids/{random}: %.0f req/s" % fig["random_id"]["rps"])
    fig["latest"] = medians([wrk("%s/subjects/%s/versions/latest" % (srv.url, SUBJECT), 64)
                             for _ in range(REPS)])
    say("  GET latest: %.0f req/s" % fig["latest"]["rps"])
    fig["lookup"] = medians([wrk("%s/subjects/%s" % (srv.url, SUBJECT), 64, lookup)
                             for _ in range(REPS)])
    say("  lookup: %.0f req/s" % fig["lookup"]["rps"])
    n_subjects = (n + 3) // 4
    fig["pages"] = [
        ("GET /subjects?limit=1000",) + timed_get(srv.port, "/subjects?limit=1000"),
        ("GET /subjects?offset=%d&limit=1000" % (n_subjects // 2),)
        + timed_get(srv.port, "/subjects?offset=%d&limit=1000" % (n_subjects // 2)),
        ("GET /subjects (all)",) + timed_get(srv.port, "/subjects"),
        ("GET /schemas (first page: 1000)",) + timed_get(srv.port, "/schemas"),
        ("GET /schemas?offset=%d&limit=100" % (n // 2),)
        + timed_get(srv.port, "/schemas?offset=%d&limit=100" % (n // 2)),
        ("GET /schemas?latestOnly=true",) + timed_get(srv.port, "/schemas?latestOnly=true"),
    ]
    # Registrations alternate with the SQLite ceiling, so that both see the disk as it is then.
    regs, ceil = [], []
    for i in range(REPS):
        ceil.append(sqlite_rate(workdir))
        regs.append(wrk(srv.url, 16, os.path.join(HERE, "wrk", "register.lua"),
                        {"RUN": "%s%d" % (label[0], i)}))
    fig["register"], fig["sqlite"] = medians(regs), statistics.median(ceil)
    fig["sqlite_spread"] = (min(ceil), max(ceil))
    say("  registrations: %.0f/s (SQLite ceiling meanwhile %.0f/s)" % (fig["register"]["rps"],
                                                                      fig["sqlite"]))
    fig["rss_after"] = srv.rss_mib()
    srv.stop()
    srv = Server(db, workdir, {"sluice.threads": 16})
    fig["register16"] = medians([wrk(srv.url, 16, os.path.join(HERE, "wrk", "register.lua"),
                                     {"RUN": "%s16x%d" % (label[0], i)}) for i in range(REPS)])
    say("  registrations, sluice.threads=16: %.0f/s" % fig["register16"]["rps"])
    srv.stop()
    return ceiling_port


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu = m.group(1) if m else cpu
    disk = subprocess.run(["df", "-h", "--output=source,fstype,size", tempfile.gettempdir()],
                          capture_output=True, text=True).stdout.splitlines()[-1].split()
    return "%d cores (%s), %s, store on %s (%s)" % (os.cpu_count(), cpu, os.uname().release,
                                                    disk[0], disk[1])


def row(name, small, large, unit, target=""):
    ratio = small / large if large else float("nan")
    say("  %-44s %12s %12s %7.2f  %s" % (name, "%.0f %s" % (small, unit), "%.0f %s" % (large, unit),
                                         ratio, target))


def main():
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit("%s is not installed (scripts/deps.sh bench)" % tool)
    work = tempfile.mkdtemp(prefix="sluice-bench-")
    try:
        say("machine: " + machine())
        say("load average before: %s" % open("/proc/loadavg").read().split()[:3])
        idle_db = os.path.join(work, "idle.db")
        srv = Server(idle_db, work)
        time.sleep(0.5)
        idle_rss = srv.rss_mib()
        srv.stop()
        small_db, large_db = os.path.join(work, "small.db"), os.path.join(work, "large.db")
        say("-- filling the stores (store API)")
        fill(small_db, SMALL)
        start = time.monotonic()
        fill(large_db, LARGE)
        fill_s = time.monotonic() - start
        results = {}
        port = measure_store("1,000", SMALL, small_db, work, None, results)
        measure_store("%s" % format(LARGE, ","), LARGE, large_db, work, port, results)
        s, l = results["1,000"], results[format(LARGE, ",")]
        c = s["ceiling"]

        say("")
        say("== ceilings (same machine, same run; medians of %d runs of %d s)" % (REPS, SECONDS))
        say("  HTTP layer (minimal libmicrohttpd, same answer bytes), 64 connections: "
            "%.0f req/s, p50 %.2f ms, p99 %.2f ms" % (c["rps"], c["p50"], c["p99"]))
        say("  SQLite single-insert durable transactions (WAL, synchronous=FULL): %.0f/s beside "
            "the 1,000 runs (%.0f..%.0f), %.0f/s beside the %s runs (%.0f..%.0f)"
            % (s["sqlite"], *s["sqlite_spread"], l["sqlite"], format(LARGE, ","),
               *l["sqlite_spread"]))
        say("")
        say("== sluiced  %-36s %12s %12s %7s" % ("", "1,000", format(LARGE, ","), "ratio"))
        for key, name, conns in (("by_id", "GET /schemas/ids/{id}", 64),
                                 ("by_id_paced", "GET /schemas/ids/{id} paced", 64),
                                 ("random_id", "GET /schemas/ids/{random id}", 64),
                                 ("latest", "GET /subjects/{s}/versions/latest", 64),
                                 ("lookup", "POST /subjects/{s} (lookup)", 64),
                                 ("register", "POST .../versions (new schema, durable)", 16),
                                 ("register16", "the same, sluice.threads=16", 16)):
            row("%s, %d conns" % (name, conns), s[key]["rps"], l[key]["rps"], "/s",
                "(1k/large; target <= 1.2)" if key in ("by_id", "latest", "lookup", "register")
                else "")
        say("")
        say("  GET /schemas/ids/{id} / HTTP ceiling: %.2f (target >= 0.8)"
            % (s["by_id"]["rps"] / c["rps"]))
        cp = s["ceiling_paced"]
        for label, f in (("1,000", s), (format(LARGE, ","), l)):
            say("  GET /schemas/ids/{id} latency at %s (target p99 < 2 ms): at full load p50 %.2f ms,"
                " p99 %.2f ms (the ceiling's %.2f, %.2f); paced (%.0f req/s) p50 %.2f ms, p99 %.2f ms"
                " (the ceiling's %.2f, %.2f)"
                % (label, f["by_id"]["p50"], f["by_id"]["p99"], c["p50"], c["p99"],
                   f["by_id_paced"]["rps"], f["by_id_paced"]["p50"], f["by_id_paced"]["p99"],
                   cp["p50"], cp["p99"]))
        for label, f in (("1,000", s), (format(LARGE, ","), l)):
            say("  registrations at %s / SQLite ceiling: %.2f (target >= 1.0), %.2f with "
                "sluice.threads=16; runs %.0f..%.0f/s"
                % (label, f["register"]["rps"] / f["sqlite"], f["register16"]["rps"] / f["sqlite"],
                   *f["register"]["spread"]))
        bad = sum(f[k]["bad"] for f in (s, l) for k in ("by_id", "by_id_paced", "random_id",
                                                          "latest", "lookup", "register",
                                                          "register16"))
        say("  answers that were not 200: %d" % bad)
        say("")
        say("== memory, start-up, listings")
        say("  resident memory: idle (empty store) %.1f MiB; 1,000 stored: %.1f MiB after start, "
            "%.1f MiB after the load; %s stored: %.1f MiB after start, %.1f MiB after the load"
            % (idle_rss, s["rss_start"], s["rss_after"], format(LARGE, ","), l["rss_start"],
               l["rss_after"]))
        say("  start-up (spawn to first answer): %.0f ms at 1,000, %.0f ms at %s"
            % (s["startup_ms"], l["startup_ms"], format(LARGE, ",")))
        say("  filling %s schemas through the store API: %.0f s" % (format(LARGE, ","), fill_s))
        for (name, small_ms, small_n), (_, large_ms, large_n) in zip(s["pages"], l["pages"]):
            say("  %-44s 1,000: %7.1f ms (%d items)   %s: %7.1f ms (%d items)"
                % (re.sub(r"offset=\d+", "offset=half", name), small_ms, small_n,
                   format(LARGE, ","), large_ms, large_n))
        say("load average after: %s" % open("/proc/loadavg").read().split()[:3])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
