#!/usr/bin/python3
"""sluiced --backup copies a SQLite store while a server goes on writing to it.

Writers keep registering through the running server while a second process takes the backup.
The backup opens as a store of its own: every subject's versions are contiguous and every id they
hold is there, and it holds at least every registration acknowledged before the backup began.
A PostgreSQL store is refused with a message that names the database's own tools.
"""
import os
import subprocess
import tempfile
import threading
import time
import unittest

from sluiced import SLUICED, STORE, Sluiced, main, q, record

WRITERS = 3
PER_WRITER = 300
TIME_LIMIT = 60.0


class Backup(unittest.TestCase):
    def test_a_backup_taken_under_writes_is_a_consistent_store(self):
        srv = Sluiced().start()
        out = tempfile.TemporaryDirectory(prefix="sluice-backup-")
        try:
            self.assertEqual(srv.put("/config", {"compatibility": "NONE"}).status, 200)
            acked, lock, stop = [], threading.Lock(), threading.Event()
            deadline = time.time() + TIME_LIMIT

            def writer(n):
                client = srv.client()
                for i in range(PER_WRITER):
                    if stop.is_set() or time.time() > deadline:
                        break
                    r = client.register("backup-%d" % (i % 4), record("W%d_%d" % (n, i), ("f", "string")))
                    if r.status == 200:
                        with lock:
                            acked.append((time.time(), r.json["subject"] if "subject" in r.json else None,
                                          r.json["id"]))
                client.conn and client.conn.close()

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
            for t in threads:
                t.start()
            while len(acked) < 50 and time.time() < deadline:
                time.sleep(0.01)
            copy = os.path.join(out.name, "copy.db")
            started = time.time()
            args = [SLUICED, "--backup", copy] + srv.store_args()
            r = subprocess.run(args, capture_output=True, text=True, timeout=120)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            if STORE == "postgres":
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("pg_dump", r.stderr)
                return
            self.assertEqual(r.returncode, 0, r.stderr)
            before = {sid for at, _, sid in acked if at < started}

            restored = Sluiced(db_dir=out.name)
            restored.db = copy
            restored.store_url = None
            restored.start()
            try:
                for s in range(4):
                    subject = "backup-%d" % s
                    versions = restored.get("/subjects/%s/versions" % q(subject)).json
                    self.assertEqual(versions, list(range(1, len(versions) + 1)), subject)
                    for v in versions:
                        got = restored.get("/subjects/%s/versions/%d" % (q(subject), v))
                        self.assertEqual(got.status, 200, got)
                        self.assertEqual(restored.get("/schemas/ids/%d" % got.json["id"]).status, 200)
                for sid in before:
                    self.assertEqual(restored.get("/schemas/ids/%d" % sid).status, 200, sid)
            finally:
                restored.stop()
                restored.close()
        finally:
            srv.stop()
            srv.close()
            out.cleanup()


if __name__ == "__main__":
    main()
