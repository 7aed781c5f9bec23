#!/usr/bin/python3
"""What an operator relies on, through the real server: GET /metrics in the Prometheus text
format and moving with requests; the health probes, readiness following the store; stores that
would lose data or belong to someone else refused; SIGTERM under load loses no acknowledged
write and answers the requests in flight; the access log as JSON lines."""
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from sluiced import SLUICED, STORE, Sluiced, ServerTest, main, q, record

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """{(name, frozenset(labels)): value}, failing on any line that is not the text format."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        assert m, "not a Prometheus sample: %r" % line
        value = float(m.group(4))
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        base = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
        assert m.group(1) in types or base in types, "no TYPE for %s" % m.group(1)
        samples[(m.group(1), labels)] = value
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


class Metrics(ServerTest):
    def test_metrics_are_prometheus_text_and_move_with_requests(self):
        r = self.srv.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        before = parse_prometheus(r.text)
        s = self.subject()
        self.srv.register(s, record("M", ("a", "string")))
        self.srv.register(s, record("M", ("a", "int")))  # incompatible: 409
        self.srv.get("/schemas/ids/1")
        self.srv.get("/schemas/ids/1")
        self.srv.get("/no/such/route")
        after = parse_prometheus(self.srv.get("/metrics").text)
        reg = dict(method="POST", route="/subjects/{subject}/versions")
        self.assertEqual(value(after, "sluice_http_requests_total", status="200", **reg)
                         - value(before, "sluice_http_requests_total", status="200", **reg), 1)
        self.assertEqual(value(after, "sluice_http_requests_total", status="409", **reg), 1)
        self.assertEqual(value(after, "sluice_registrations_total")
                         - value(before, "sluice_registrations_total"), 1)
        self.assertEqual(value(after, "sluice_compatibility_failures_total")
                         - value(before, "sluice_compatibility_failures_total"), 1)
        self.assertGreaterEqual(value(after, "sluice_http_requests_total", method="", route="unmatched",
                                      status="404"), 1)
        self.assertGreater(value(after, "sluice_cache_hits_total", cache="schema_by_id"),
                           value(before, "sluice_cache_hits_total", cache="schema_by_id"))
        self.assertGreaterEqual(value(after, "sluice_subjects"), 1)
        self.assertGreaterEqual(value(after, "sluice_schemas"), 1)
        self.assertGreaterEqual(value(after, "sluice_open_connections"), 1)
        self.assertEqual(value(after, "sluice_build_info", version="0.1.0", commit="unknown"), 1)
        count = value(after, "sluice_http_request_duration_seconds_count", **reg)
        inf = value(after, "sluice_http_request_duration_seconds_bucket", le="+Inf", **reg)
        self.assertEqual((count, inf), (2, 2))
        self.assertGreater(value(after, "sluice_store_transaction_duration_seconds_count", kind="write"), 0)
        self.assertEqual(value(after, "sluice_store_errors_total"), 0)


ON_SQLITE_ONLY = unittest.skipIf(STORE == "postgres", "about the SQLite file (PostgreSQL readiness: "
                                 "tests/cluster/test_failures.py)")


class Health(unittest.TestCase):
    @ON_SQLITE_ONLY
    def test_ready_follows_the_store_and_live_does_not(self):
        srv = Sluiced().start()
        try:
            self.assertEqual(srv.get("/health/live").json, {"status": "UP"})
            self.assertEqual(srv.get("/health/ready").json, {"status": "UP"})
            os.rename(srv.db, srv.db + ".away")  # the file an operator's script removed
            r = srv.get("/health/ready")
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json["status"], "DOWN")
            self.assertIn("gone", r.json["reason"])
            self.assertEqual(srv.get("/health/live").status, 200)
            os.rename(srv.db + ".away", srv.db)
            self.assertEqual(srv.get("/health/ready").status, 200)
        finally:
            srv.stop()
            srv.close()


class Stores(unittest.TestCase):
    def refused(self, *args):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([os.path.abspath(SLUICED), "--listeners", "http://127.0.0.1:0"]
                               + list(args), capture_output=True, text=True, timeout=60, cwd=d)
            self.assertEqual(os.listdir(d), [], "a file was made for a refused store")
        self.assertNotEqual(r.returncode, 0)
        return r.stderr

    def test_an_empty_or_in_memory_database_is_refused(self):
        self.assertIn("empty", self.refused("--db", ""))
        self.assertIn(":memory:", self.refused("--db", ":memory:"))

    def test_another_applications_database_is_left_alone(self):
        with tempfile.TemporaryDirectory() as d:
            other = os.path.join(d, "app.db")
            db = sqlite3.connect(other)
            db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            db.execute("INSERT INTO customers(name) VALUES ('ada')")
            db.commit()
            db.close()
            with open(other, "rb") as f:
                before = f.read()
            r = subprocess.run([SLUICED, "--listeners", "http://127.0.0.1:0", "--db", other],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 1)
            self.assertIn("not a sluice store", r.stderr)
            with open(other, "rb") as f:
                self.assertEqual(f.read(), before, "the other application's file was changed")
            # and one with another application id
            db = sqlite3.connect(os.path.join(d, "id.db"))
            db.execute("PRAGMA application_id=1234")
            db.commit()
            db.close()
            r = subprocess.run([SLUICED, "--listeners", "http://127.0.0.1:0", "--db",
                                os.path.join(d, "id.db")], capture_output=True, text=True, timeout=60)
            self.assertIn("another application", r.stderr)

    @ON_SQLITE_ONLY
    def test_a_sluice_store_is_opened_again(self):
        srv = Sluiced().start()
        try:
            srv.register("kept", '"string"')
            srv.stop()
            db = sqlite3.connect(srv.db)
            self.assertEqual(db.execute("PRAGMA application_id").fetchone()[0], 0x534C4345)
            db.close()
            srv.start()
            self.assertEqual(srv.get("/subjects").json, ["kept"])
        finally:
            srv.stop()
            srv.close()


class Shutdown(unittest.TestCase):
    @staticmethod
    def finish(srv):
        """Whatever failed: the server is stopped if it still runs, and its directory removed."""
        try:
            if srv.proc:
                srv.stop()
        finally:
            srv.close()

    def test_sigterm_under_load_loses_no_acknowledged_write(self):
        srv = Sluiced().start()
        acked, lock, stop = [], threading.Lock(), threading.Event()
        deadline = time.time() + 60

        def worker(n):
            client = srv.client()
            for i in range(200):
                if stop.is_set() or time.time() > deadline:
                    return
                try:
                    r = client.register("term-%d" % (i % 3), record("R%d_%d" % (n, i), ("f", "string")))
                except OSError:
                    return
                if r.status == 200:
                    with lock:
                        acked.append((r.json["subject"], r.json["version"], r.json["id"]))
                elif r.status >= 500:
                    return

        try:
            srv.put("/config", {"compatibility": "NONE"})
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            while len(acked) < 40 and time.time() < deadline:
                time.sleep(0.01)
            enough = len(acked) >= 40  # asserted once the server is down
            srv.proc.send_signal(signal.SIGTERM)
            rc = srv.proc.wait(timeout=60)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            self.assertEqual(rc, 0, srv.read_log()[-2000:])
            self.assertTrue(enough, "only %d writes were acknowledged before SIGTERM" % len(acked))
            self.assertIn("SIGTERM, shutting down", srv.read_log())
            srv.proc = None
            srv.log.close()
            srv.start()
            for subject, version, sid in acked:
                got = srv.get("/subjects/%s/versions/%d" % (q(subject), version))
                self.assertEqual((got.status, got.json.get("id")), (200, sid), (subject, version))
        finally:
            stop.set()
            self.finish(srv)

    def test_while_draining_readiness_fails_and_new_connections_are_answered_then_closed(self):
        srv = Sluiced().start()
        try:
            body = json.dumps({"schema": json.dumps({"type": "string"})}).encode()
            held = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            try:
                # a request in flight: its headers are in, half of its body is not
                held.sendall(b"POST /subjects/held/versions HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                             % len(body) + body[:5])
                time.sleep(0.3)
                srv.proc.send_signal(signal.SIGTERM)
                deadline = time.time() + 20
                while "shutting down" not in srv.read_log() and time.time() < deadline:
                    time.sleep(0.02)
                ready = srv.client().get("/health/ready")
                self.assertEqual((ready.status, ready.json["status"]), (503, "DOWN"), ready)
                self.assertIn("shutting down", ready.json["reason"])
                self.assertEqual(ready.headers.get("Connection", "").lower(), "close")
                self.assertIsNone(srv.proc.poll(), "exited with a request in flight")
                held.sendall(body[5:])
                answer = held.recv(65536)
                self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
                self.assertEqual(srv.proc.wait(timeout=30), 0, srv.read_log()[-2000:])
            finally:
                held.close()
            srv.proc = None
            srv.log.close()
            srv.start()
            self.assertEqual(srv.get("/subjects/held/versions").json, [1])
        finally:
            self.finish(srv)

    def test_a_request_in_flight_is_answered_before_the_process_exits(self):
        srv = Sluiced().start()
        big = json.dumps({"type": "enum", "name": "Big", "symbols": ["S%d" % i for i in range(60000)]})
        result = []

        def slow():
            try:
                result.append(srv.client().register("in-flight", big))
            except (OSError, http.client.HTTPException) as e:  # judged below, in this thread
                result.append(e)

        try:
            t = threading.Thread(target=slow)
            t.start()
            time.sleep(0.2)  # the body is on its way or being parsed
            srv.proc.send_signal(signal.SIGTERM)
            t.join(timeout=60)
            self.assertEqual(srv.proc.wait(timeout=60), 0)
            srv.proc = None
            srv.log.close()
            # Refused at connect: it came after the server had stopped, and that is allowed. Any
            # other failure is a request in flight that was dropped.
            if result and isinstance(result[0], ConnectionRefusedError):
                result = []
            if result:  # sent before the listener closed: it was answered, and stored
                self.assertNotIsInstance(result[0], Exception, result[0])
                self.assertEqual(result[0].status, 200, result[0])
                srv.start()
                self.assertEqual(srv.get("/subjects/in-flight/versions").json, [1])
        finally:
            self.finish(srv)


class Notify(unittest.TestCase):
    def test_the_service_manager_is_told_ready_reloading_and_stopping(self):
        import socket
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "notify")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(path)
            sock.settimeout(30)
            os.environ["NOTIFY_SOCKET"] = path  # as systemd's Type=notify sets it
            try:
                srv = Sluiced().start()
            finally:
                del os.environ["NOTIFY_SOCKET"]
            try:
                self.assertEqual(sock.recv(256), b"READY=1")
                srv.signal(signal.SIGHUP)
                self.assertEqual(sock.recv(256), b"RELOADING=1")
                self.assertEqual(sock.recv(256), b"READY=1")
            finally:
                srv.stop()
                srv.close()
            self.assertEqual(sock.recv(256), b"STOPPING=1")
            sock.close()


class AccessLog(unittest.TestCase):
    def test_the_access_log_can_be_json_lines_in_a_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "access.log")
            srv = Sluiced(config={"sluice.access.log": path, "sluice.access.log.format": "json"}).start()
            try:
                srv.get("/subjects/x%2Fy/versions")
            finally:
                srv.stop()
                srv.close()
            with open(path) as f:
                entries = [json.loads(line) for line in f]
        e = [e for e in entries if e["path"] == "/subjects/x%2Fy/versions"][0]
        self.assertEqual((e["method"], e["route"], e["subject"], e["status"], e["addr"]),
                         ("GET", "/subjects/{subject}/versions", "x/y", 404, "127.0.0.1"))
        self.assertIsInstance(e["us"], int)

    def test_access_lines_reach_the_file_soon_while_the_server_runs(self):
        # Lines are written in batches (half a second apart at most), not held until the stop.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "access.log")
            srv = Sluiced(config={"sluice.access.log": path}).start()
            try:
                srv.get("/subjects/soon/versions")
                deadline, text = time.monotonic() + 5, ""
                while time.monotonic() < deadline and "/subjects/soon/versions" not in text:
                    time.sleep(0.05)
                    with open(path) as f:
                        text = f.read()
                self.assertIn("GET /subjects/soon/versions 404 ", text)
            finally:
                srv.stop()
                srv.close()


if __name__ == "__main__":
    main()
