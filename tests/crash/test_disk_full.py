#!/usr/bin/python3
"""A full disk: writes fail with a clear 5xx, reads go on, nothing acknowledged is lost, and the
server takes writes again once there is room, without a restart and after one.

The store lives on a small tmpfs of its own (mounted here, so this needs root; the test says it
skipped otherwise), partly taken by a filler file. Four clients register schemas of about 16 KB
until every write fails; the filler is removed and writes resume. Then the disk is filled again,
the server is killed with SIGKILL while its writes fail, room is made, and it restarts on the same
store with everything acknowledged in it and SQLite's integrity check passing. Bounded in count
(MAX_WRITES per phase) and time.
"""
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
from sluiced import Sluiced, q  # noqa: E402

TMPFS_MB = 12
FILLER_MB = 6
CLIENTS = 4
MAX_WRITES = 1500
FAILURES_TO_STOP = 40  # failed writes in a row that say the disk is full
KILL_AFTER_FAILURES = 10  # refused writes before the server is killed among them


def mount_tmpfs(path, mb):
    """Mount a tmpfs of `mb` MiB at path; False when this process may not mount."""
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % mb, "sluice-full", path],
                          capture_output=True).returncode == 0


def fill(path, mb):
    with open(path, "wb") as f:
        try:
            for _ in range(mb):
                f.write(b"\0" * (1 << 20))
        except OSError:
            pass  # as full as it gets


class DiskFull(unittest.TestCase):
    def setUp(self):
        self.base = tempfile.TemporaryDirectory(prefix="sluice-full-")
        self.mnt = os.path.join(self.base.name, "store")
        os.mkdir(self.mnt)
        if not mount_tmpfs(self.mnt, TMPFS_MB):
            self.base.cleanup()
            self.skipTest("cannot mount a tmpfs here (needs root): the full-disk test did not run")
        self.filler = os.path.join(self.mnt, "filler")

    def tearDown(self):
        subprocess.run(["umount", "-l", self.mnt], capture_output=True)
        self.base.cleanup()

    def start(self):
        srv = Sluiced(db_dir=self.base.name)
        srv.db = os.path.join(self.mnt, "registry.db")
        return srv.start()

    def register_until_full(self, srv, tag, stop_early=None):
        """CLIENTS threads register ~16 KB schemas until the disk is full. Returns the acked
        registrations and the failures."""
        acked, failures, lock = [], [], threading.Lock()
        full_in_a_row = [0]

        def client(k):
            me, rnd = srv.client(), random.Random(k)
            try:
                write(me, rnd, k)
            finally:
                if me.conn:
                    me.conn.close()

        def write(me, rnd, k):
            for i in range(MAX_WRITES // CLIENTS):
                if full_in_a_row[0] >= FAILURES_TO_STOP or (stop_early and stop_early.is_set()):
                    return
                schema = json.dumps({"type": "record", "name": "Big_%s_%d_%d" % (tag, k, i),
                                     "doc": "".join(rnd.choice("abcdefgh") for _ in range(16000)),
                                     "fields": [{"name": "f", "type": "string"}]})
                subject = "full-%s-%d" % (tag, i % 3)
                try:
                    r = me.register(subject, schema)
                except (OSError, http.client.HTTPException):
                    return  # killed
                with lock:
                    if r.status == 200:
                        acked.append((subject, r.json["version"], r.json["id"], r.json["schema"]))
                        full_in_a_row[0] = 0
                    else:
                        failures.append(r)
                        full_in_a_row[0] += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        return threads, acked, failures

    def check_failures_are_clear(self, failures):
        self.assertGreater(len(failures), 0, "the disk never filled up")
        for r in failures:
            self.assertGreaterEqual(r.status, 500, r)
            self.assertEqual(r.json["error_code"], 50001, r)
            self.assertIn("full", r.json["message"], r)

    def check_present(self, srv, acked):
        for subject, version, sid, schema in acked:
            got = srv.get("/subjects/%s/versions/%d" % (q(subject), version))
            self.assertEqual(got.status, 200, (subject, version, got))
            self.assertEqual((got.json["id"], got.json["schema"]), (sid, schema))

    def test_a_full_disk_fails_writes_clearly_and_loses_nothing_acknowledged(self):
        fill(self.filler, FILLER_MB)
        srv = self.start()
        try:
            self.assertEqual(srv.put("/config", {"compatibility": "NONE"}).status, 200)
            threads, acked, failures = self.register_until_full(srv, "a")
            for t in threads:
                t.join(timeout=300)
            self.assertGreater(len(acked), 0)
            self.check_failures_are_clear(failures)
            # reads go on while the disk is full
            self.check_present(srv, acked)
            self.assertEqual(srv.get("/subjects").status, 200)
            # room again: writes resume without a restart
            os.unlink(self.filler)
            r = srv.register("after-full", '"string"')
            self.assertEqual(r.status, 200, r)
            self.check_present(srv, acked)

            # full again, and killed while its writes fail
            fill(self.filler, TMPFS_MB)
            stop = threading.Event()
            threads, acked2, failures2 = self.register_until_full(srv, "b", stop)
            try:
                deadline = time.time() + 300
                while (len(failures2) < KILL_AFTER_FAILURES and time.time() < deadline
                       and any(t.is_alive() for t in threads)):
                    time.sleep(0.01)
                self.assertGreaterEqual(len(failures2), KILL_AFTER_FAILURES,
                                        "the disk did not fill up again")
                srv.kill9()
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=300)
            self.check_failures_are_clear(failures2)
            os.unlink(self.filler)
            srv.start()
            con = sqlite3.connect("file:%s?mode=ro" % srv.db, uri=True, timeout=30)
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            finally:
                con.close()
            self.check_present(srv, acked + acked2)
            r = srv.register("after-restart", '"string"')
            self.assertEqual(r.status, 200, r)
            print("full disk: %d acknowledged then %d refused; again %d then %d, killed, restarted"
                  % (len(acked), len(failures), len(acked2), len(failures2)), file=sys.stderr)
        finally:
            if srv.proc:
                srv.stop()
            srv.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
