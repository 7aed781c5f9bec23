"""Several real sluiced nodes on one PostgreSQL database, for the tests of tests/cluster/.

    with Cluster(nodes=3) as c:
        c.nodes[0].register(...)          # each node is a tests/api Sluiced
        c.pg.restart()                    # the database goes away and comes back

Each Cluster starts its own PostgreSQL server (tests/api/postgres.py) so that tests may stop and
restart it, and stops every node and the server at the end, whatever happened.
"""
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "api"))

from postgres import Postgres  # noqa: E402
from sluiced import Sluiced, q  # noqa: E402

# Short enough that a request never hangs on a database that went away.
NODE_PROPS = "sluice.store.postgres.statement.timeout.ms=5000\nsluice.store.postgres.pool.size=8\n"


class Cluster:
    def __init__(self, nodes=3):
        self.n = nodes
        self.pg = None
        self.nodes = []
        self.url = None

    def __enter__(self):
        try:
            self.pg = Postgres().start()
            self.url = self.pg.create_database("registry")
            for _ in range(self.n):
                self.nodes.append(self.node())
            for n in self.nodes:
                n.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def node(self):
        """A node on the cluster's database (not started)."""
        n = Sluiced(store_url=self.url)
        props = os.path.join(n.tmp.name, "node.properties")
        with open(props, "w") as f:
            f.write(NODE_PROPS)
        n.extra_args = ["--config", props]
        return n

    def __exit__(self, *exc):
        problems = []
        for n in self.nodes:
            try:
                if n.proc is not None:
                    n.stop()
            except AssertionError as e:
                problems.append(str(e))
            finally:
                n.close()
        self.nodes = []
        if self.pg:
            self.pg.stop()
            self.pg = None
        if problems and not (exc and exc[0]):
            raise AssertionError("\n".join(problems))


def avro(name, *fields):
    return json.dumps({"type": "record", "name": name,
                       "fields": [{"name": f, "type": "string"} for f in fields]},
                      separators=(",", ":"))


def eventually(check, timeout=10.0, step=0.05):
    """Call check() until it returns something true (returned) or `timeout` passes (None)."""
    deadline = time.time() + timeout
    while True:
        got = check()
        if got or time.time() > deadline:
            return got
        time.sleep(step)


class Load:
    """Client threads, each with its own connection to one node, running `work(client, i)` for
    i in range(count) until stopped, bounded in count and time. Acknowledged results are kept."""

    def __init__(self, node, threads, count, work, time_limit=60.0):
        self.node, self.work, self.count = node, work, count
        self.acked, self.errors = [], []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.deadline = time.time() + time_limit
        self.threads = [threading.Thread(target=self.run, args=(k,)) for k in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def run(self, k):
        client = self.node.client()
        for i in range(self.count):
            if self.stop.is_set() or time.time() > self.deadline:
                client.conn and client.conn.close()
                return
            try:
                got = self.work(client, k, i)
            except (OSError, AssertionError) as e:  # the node went away, or a refusal
                with self.lock:
                    self.errors.append(repr(e))
                client.conn and client.conn.close()
                return
            if got is not None:
                with self.lock:
                    self.acked.append(got)

    def join(self, stop=True):
        """Wait for the threads: stopped now, or (stop=False) when they have done their count."""
        if stop:
            self.stop.set()
        for t in self.threads:
            t.join(timeout=max(1.0, self.deadline - time.time() + 30))
        return self
