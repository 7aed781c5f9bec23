#!/usr/bin/python3
"""Every acknowledged registration survives kill -9.

Four threads register distinct schemas across a few subjects (bounded in count and time) while
the server is killed with SIGKILL mid-load. After a restart on the same store, every registration
that got a 200 is there with the same id and version, ids are unique, and every subject's versions
are contiguous from 1.
"""
import json
import threading
import time
import unittest

from sluiced import Sluiced, main, q

THREADS = 4
PER_THREAD = 150
TIME_LIMIT = 60.0


class Durability(unittest.TestCase):
    def test_acknowledged_registrations_survive_kill_9(self):
        srv = Sluiced().start()
        acked = []  # (subject, version, id, schema)
        lock = threading.Lock()
        stop = threading.Event()
        deadline = time.time() + TIME_LIMIT

        def worker(n):
            client = srv.client()  # a second connection to the same server
            for i in range(PER_THREAD):
                if stop.is_set() or time.time() > deadline:
                    return
                subject = "durable-%d" % (i % 3)
                schema = json.dumps({"type": "record", "name": "R%d_%d" % (n, i),
                                     "fields": [{"name": "f", "type": "string"}]})
                try:
                    r = client.post("/subjects/%s/versions?normalize=false" % q(subject),
                                    {"schema": schema, "schemaType": "AVRO"})
                except OSError:
                    return  # the server is gone: this request was never acknowledged
                if r.status == 200:
                    with lock:
                        acked.append((subject, r.json["version"], r.json["id"], r.json["schema"]))

        # Level NONE: every distinct record is a new version, whatever its name.
        srv.put("/config", {"compatibility": "NONE"})
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        while len(acked) < 100 and time.time() < deadline:
            time.sleep(0.01)
        srv.kill9()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertGreater(len(acked), 0)

        srv.start()  # same store
        try:
            ids = set()
            for subject, version, sid, schema in acked:
                got = srv.get("/subjects/%s/versions/%d" % (q(subject), version))
                self.assertEqual(got.status, 200, (subject, version, got))
                self.assertEqual(got.json["id"], sid)
                self.assertEqual(got.json["schema"], schema)
                ids.add(sid)
            self.assertEqual(len(ids), len(acked), "ids are unique")
            for subject in sorted({a[0] for a in acked}):
                versions = srv.get("/subjects/%s/versions" % q(subject)).json
                self.assertEqual(versions, list(range(1, len(versions) + 1)), subject)
                all_ids = [srv.get("/subjects/%s/versions/%d" % (q(subject), v)).json["id"] for v in versions]
                self.assertEqual(len(set(all_ids)), len(all_ids))
            # the store still takes writes after the crash
            r = srv.post("/subjects/after-crash/versions", {"schema": '"string"'})
            self.assertEqual(r.status, 200, r)
        finally:
            srv.stop()
            srv.close()


if __name__ == "__main__":
    main()
