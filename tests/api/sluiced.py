"""Start the real sluiced on a free 127.0.0.1 port with a temporary store, and talk HTTP to it.

Used by every tests/api/test_*.py file. The binary comes from $SLUICED (tests/run.sh sets it to the
sanitized build). stop() fails the test run when the server exits non-zero or printed a sanitizer
report, so a leak or an undefined behaviour in the server fails the suite that caused it.

The store is SQLite unless SLUICE_TEST_STORE=postgres: then each server gets a database of its own
on the PostgreSQL server SLUICE_TEST_PG names (tests/run.sh starts one), or on one started for the
test process. Sluiced(store_url=...) puts a server on a given PostgreSQL database (several nodes).
"""
import base64
import hashlib
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.parse

ROOT = os.environ.get("SLUICE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SLUICED = os.environ.get("SLUICED") or os.path.join(ROOT, "build", "sluiced")
V1 = "application/vnd.schemaregistry.v1+json"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer")
STORE = os.environ.get("SLUICE_TEST_STORE", "sqlite")
_postgres = None


def postgres():
    """The PostgreSQL server of this test process: SLUICE_TEST_PG's, or one started now (and
    stopped at exit)."""
    global _postgres
    if _postgres is None:
        from postgres import Postgres
        _postgres = Postgres.attach(os.environ["SLUICE_TEST_PG"]) if os.environ.get("SLUICE_TEST_PG") \
            else Postgres().start()
    return _postgres


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def q(subject):
    """Percent-encode a subject as one path segment (a '/' becomes %2F), as clients do."""
    return urllib.parse.quote(subject, safe="")


class Response:
    def __init__(self, status, body, headers):
        self.status = status
        self.text = body.decode("utf-8", "replace")
        self.headers = headers
        try:
            self.json = json.loads(self.text) if self.text else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.text[:300])


def basic_auth(user, password):
    """The Authorization header of HTTP Basic."""
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def passwd(path, user, password, *attrs):
    """Set a user's password in a credentials file with `sluiced passwd` (attrs: --role R ...)."""
    r = subprocess.run([SLUICED, "passwd", path, user] + list(attrs), input=password + "\n",
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("sluiced passwd failed: " + r.stderr)


def apikey(path, name, *attrs):
    """A new API key from `sluiced apikey`; returns the token."""
    r = subprocess.run([SLUICED, "apikey", path, name] + list(attrs), capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("sluiced apikey failed: " + r.stderr)
    return r.stdout.strip()


class Sluiced:
    """config: properties given to sluiced through a --config file; headers: sent with every
    request (credentials); ca_file: the server speaks TLS, verified against this CA; store_url:
    a PostgreSQL database to store in (several nodes may share one)."""

    def __init__(self, db_dir=None, extra_args=(), config=None, headers=None, ca_file=None,
                 client_cert=None, store_url=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="sluice-api-")
        if db_dir is None:
            db_dir = self.tmp.name
        self.dir = db_dir
        self.db = os.path.join(db_dir, "registry.db")
        self.store_url = store_url
        if store_url is None and STORE == "postgres":
            # one database per store directory, so that a restart on the same directory finds it
            self.store_url = postgres().database("sluice_" + hashlib.sha1(db_dir.encode()).hexdigest()[:16])
        self.extra_args = list(extra_args)
        self.config = dict(config or {})
        self.headers = dict(headers or {})
        self.ca_file = ca_file
        self.client_cert = client_cert
        self.proc = None
        self.conn = None
        self.logs = []

    @property
    def scheme(self):
        return "https" if self.ca_file else "http"

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def ssl_context(self, cert=None):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        ctx.check_hostname = False
        cert = cert or self.client_cert
        if cert:
            ctx.load_cert_chain(*cert)
        return ctx

    def store_args(self):
        """The flags that name the store: --db, or a properties file naming the database."""
        if not self.store_url:
            return ["--db", self.db]
        props = os.path.join(self.tmp.name, "store.properties")
        with open(props, "w") as f:
            f.write("sluice.store=postgres\nsluice.store.postgres.url=%s\n" % self.store_url)
        return ["--config", props]

    def start(self):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        args = [SLUICED]
        if self.config:
            path = os.path.join(self.dir, "sluice.properties")
            with open(path, "w") as f:
                for k, v in self.config.items():
                    f.write("%s=%s\n" % (k, v))
            args += ["--config", path]
        args += ["--listeners", "%s://127.0.0.1:%d" % (self.scheme, self.port)] + self.store_args()
        self.proc = subprocess.Popen(args + self.extra_args, stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("sluiced exited during start-up:\n" + self.read_log())
            try:
                r = self.get("/health/live")
                if r.status == 200:
                    return self
            except OSError:
                if self.conn:
                    self.conn.close()
                self.conn = None
            time.sleep(0.05)
        raise AssertionError("sluiced did not answer GET /health/live within 60 s")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def read_log(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        """SIGTERM, wait, and fail on a non-zero exit or any sanitizer report."""
        if self.conn:
            self.conn.close()
            self.conn = None
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("sluiced did not stop within 60 s of SIGTERM")
        log = self.read_log()
        self.log.close()
        self.proc = None
        if any(mark in log for mark in SANITIZER_MARKS):
            raise AssertionError("sanitizer report from sluiced:\n" + log[-6000:])
        if rc != 0:
            raise AssertionError("sluiced exited with %d:\n%s" % (rc, log[-4000:]))

    def kill9(self):
        if self.conn:
            self.conn.close()
            self.conn = None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()
        self.proc = None

    def close(self):
        if self.tmp:
            self.tmp.cleanup()

    # ---- HTTP ----
    def request(self, method, path, body=None, headers=None, raw=None, fresh=False):
        """One request on the kept-alive connection. `body` is sent as JSON, `raw` as bytes."""
        hdrs = {"Content-Type": V1} if (body is not None or raw is not None) else {}
        hdrs.update(self.headers)
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        for attempt in range(2):
            if self.conn is None or fresh:
                if self.conn:
                    self.conn.close()
                self.conn = self.connect()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return Response(resp.status, payload, dict(resp.getheaders()))
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def connect(self, timeout=60):
        """A new connection to the server (HTTPS when it speaks TLS)."""
        if self.ca_file:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=self.ssl_context())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def client(self, headers=None):
        """Another client of the same server, with a connection of its own (for threads), and
        its own credentials when `headers` is given."""
        other = Sluiced.__new__(Sluiced)
        other.port, other.conn, other.proc, other.tmp = self.port, None, None, None
        other.ca_file = getattr(self, "ca_file", None)
        other.client_cert = getattr(self, "client_cert", None)
        other.headers = dict(self.headers if headers is None else headers)
        return other

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def register(self, subject, schema, **extra):
        body = {"schema": schema if isinstance(schema, str) else json.dumps(schema)}
        body.update(extra)
        return self.post("/subjects/%s/versions" % q(subject), body)


def record(name, *fields, **attrs):
    """An Avro record schema as a JSON string; fields are (name, type) or (name, type, default)."""
    fs = []
    for f in fields:
        d = {"name": f[0], "type": f[1]}
        if len(f) > 2:
            d["default"] = f[2]
        fs.append(d)
    s = {"type": "record", "name": name, "fields": fs}
    s.update(attrs)
    return json.dumps(s, separators=(",", ":"))


class ServerTest(unittest.TestCase):
    """One server per test class; tests use their own subjects so they do not interfere."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = Sluiced(extra_args=cls.server_args).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.srv.stop()
        finally:
            cls.srv.close()

    _n = 0

    def subject(self, hint="s"):
        ServerTest._n += 1
        return "%s-%s-%d" % (self._testMethodName[:40], hint, ServerTest._n)

    def assertError(self, resp, status, code, message=None):
        self.assertEqual(resp.status, status, resp)
        self.assertIsInstance(resp.json, dict, resp)
        self.assertEqual(resp.json.get("error_code"), code, resp)
        self.assertIsInstance(resp.json.get("message"), str, resp)
        if message is not None:
            self.assertEqual(resp.json["message"], message)


def main():
    unittest.main(verbosity=2)
