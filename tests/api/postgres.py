#!/usr/bin/python3
"""A throw-away PostgreSQL server for tests, from Debian's postgresql package.

initdb into a fresh temporary directory, start on a free 127.0.0.1 port with its unix socket in
that directory, and stop it (and remove the directory) at the end, whatever happened. PostgreSQL
refuses to run as root, so when the tests run as root the server runs as the `postgres` user the
package creates (or, failing that, a system user made for the purpose).

    with Postgres() as pg:
        url = pg.create_database()          # a new empty database: its libpq connection string
        ...
        pg.restart()                        # stop (fast) and start again on the same port

As a command, it runs another command with a server up and SLUICE_TEST_PG set to the connection
string of its maintenance database without dbname (tests append " dbname=..."):

    tests/api/postgres.py run CMD [ARG...]

or starts one for a whole test run and stops it later (tests/run.sh, with a trap on EXIT):

    eval "$(tests/api/postgres.py start)"     # sets SLUICE_TEST_PG and SLUICE_TEST_PG_DIR
    tests/api/postgres.py stop "$SLUICE_TEST_PG_DIR"

Tests run the server without fsync (they never crash it); `start --durable` keeps PostgreSQL's
defaults, for benchmarks.
"""
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

RUN_AS_CANDIDATES = ("postgres", "sluice-test")


def pg_bin():
    """Debian keeps the server binaries out of PATH, one directory per major version."""
    env = os.environ.get("SLUICE_PG_BIN")
    if env:
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    return os.path.dirname(found[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_user():
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in RUN_AS_CANDIDATES:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    RUN_AS_CANDIDATES[-1]], check=True)
    return RUN_AS_CANDIDATES[-1]


class Postgres:
    def __init__(self, fast=True):
        self.fast = fast  # no fsync: tests never crash the server itself
        self.bin = pg_bin()
        self.user = server_user()
        self.dir = None
        self.port = None
        self.running = False
        self._n = 0

    # ---- running the server's programs as its user ----
    def _cmd(self, prog, *args):
        cmd = [os.path.join(self.bin, prog)] + list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        return cmd

    def _run(self, prog, *args, check=True):
        r = subprocess.run(self._cmd(prog, *args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, cwd="/")
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s\n%s" % (prog, r.returncode, r.stdout, self.log_tail()))
        return r

    def log_tail(self, n=4000):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    # ---- lifetime ----
    def start(self, detach=False):
        self.dir = tempfile.mkdtemp(prefix="sluice-pg-")
        if not detach:
            atexit.register(self.stop)
        if self.user:
            shutil.chown(self.dir, self.user)
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "sluice", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        for attempt in range(5):
            self.port = free_port()
            if self._start_server(check=attempt == 4):
                return self
        raise RuntimeError("PostgreSQL did not start")

    @property
    def data(self):
        return os.path.join(self.dir, "data")

    def _start_server(self, check=True):
        opts = ["-p", str(self.port), "-k", self.dir, "-c", "listen_addresses=127.0.0.1",
                "-c", "max_connections=300"]
        if self.fast:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        r = self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
                      "-o", " ".join(opts), "-w", "-t", "60", "start", check=check)
        self.running = r.returncode == 0
        return self.running

    def stop(self, mode="fast"):
        if self.dir is None or getattr(self, "attached", False):
            return
        if self.running:
            r = self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)
            if r.returncode != 0:
                r = self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
            if r.returncode != 0 and self._run("pg_ctl", "-D", self.data, "status", check=False).returncode == 0:
                raise RuntimeError("PostgreSQL in %s does not stop:\n%s" % (self.dir, r.stdout))
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def halt(self, mode="fast"):
        """Stop the server but keep its files (restart() brings it back on the same port)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def resume(self):
        if not self._start_server(check=True):
            raise RuntimeError("PostgreSQL did not start again")

    def restart(self, mode="fast"):
        self.halt(mode)
        self.resume()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- databases ----
    def conninfo(self, dbname=None):
        s = "host=%s port=%d user=sluice" % (self.dir, self.port)
        return s + (" dbname=%s" % dbname if dbname else "")

    def tcp_conninfo(self, dbname):
        return "host=127.0.0.1 port=%d user=sluice dbname=%s" % (self.port, dbname)

    def psql(self, sql, dbname="postgres"):
        r = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                            "-h", self.dir, "-p", str(self.port), "-U", "sluice", "-d", dbname,
                            "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql: %s" % r.stderr)
        return r.stdout

    def create_database(self, name=None):
        self._n += 1
        name = name or "sluice_%d_%d" % (os.getpid(), self._n)
        self.psql('CREATE DATABASE "%s"' % name)
        return self.conninfo(name)

    def database(self, name):
        """The connection string of database `name`, created if it does not exist yet."""
        if not self.psql("SELECT 1 FROM pg_database WHERE datname = '%s'" % name).strip():
            self.psql('CREATE DATABASE "%s"' % name)
        return self.conninfo(name)

    @classmethod
    def attach(cls, conninfo):
        """A server someone else started and stops (tests/api/postgres.py run)."""
        pg = cls.__new__(cls)
        fields = dict(kv.split("=", 1) for kv in conninfo.split())
        pg.bin, pg.user, pg._n = pg_bin(), None, 0
        pg.dir, pg.port, pg.running = fields["host"], int(fields["port"]), False
        pg.attached = True
        return pg


def main(argv):
    if len(argv) in (2, 3) and argv[1] == "start":
        pg = Postgres(fast=argv[2:] != ["--durable"])
        try:
            pg.start(detach=True)
        except Exception:
            pg.stop()
            raise
        print("export SLUICE_TEST_PG='%s' SLUICE_TEST_PG_DIR='%s'" % (pg.conninfo(), pg.dir))
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        pg = Postgres.attach("host=%s port=0" % argv[2])
        pg.user, pg.attached, pg.running = server_user(), False, True
        pg.stop()
        return 0
    if len(argv) < 3 or argv[1] != "run":
        sys.stderr.write(__doc__)
        return 2
    with Postgres() as pg:
        env = dict(os.environ, SLUICE_TEST_PG=pg.conninfo())
        p = subprocess.Popen(argv[2:], env=env)
        try:
            return p.wait()
        except KeyboardInterrupt:
            p.send_signal(signal.SIGINT)
            return p.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
