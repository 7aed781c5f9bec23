#!/usr/bin/python3
"""Three sluiced nodes on one PostgreSQL database ride out failures.

A node killed with SIGKILL in the middle of a load leaves the others serving, and loses no write
it acknowledged. When the database restarts under load, requests fail fast with a 5xx error
(never hang) and every node reports itself not ready (GET /health/ready 503, still live); every
node serves again by itself once the database is back, its caches rebuilt (notifications sent
while it could not hear are never replayed).
"""
import time
import unittest

from cluster import Cluster, Load, avro, eventually, q

CLIENTS_PER_NODE = 3
PER_CLIENT = 200
TIME_LIMIT = 90.0


def register_distinct(prefix):
    def work(client, k, i):
        subject = "%s-%d" % (prefix, i % 3)
        schema = avro("%s_%d_%d" % (prefix.replace("-", "_"), id(client), i), "f")
        r = client.register(subject, schema)
        if r.status != 200:  # an error of the load: the survivors must have none
            raise AssertionError("registration refused: %r" % r)
        return subject, schema, r.json["id"], r.json["version"]
    return work


class Failures(unittest.TestCase):
    def check_acknowledged(self, nodes, acked):
        ids = set()
        for subject, schema, sid, version in acked:
            for n in nodes:
                got = n.get("/subjects/%s/versions/%d" % (q(subject), version))
                self.assertEqual(got.status, 200, (subject, version, got))
                self.assertEqual(got.json["id"], sid)
                self.assertEqual(got.json["schema"], schema)
            ids.add(sid)
        self.assertEqual(len(ids), len(acked), "one id per acknowledged schema")
        for subject in sorted({a[0] for a in acked}):
            versions = nodes[0].get("/subjects/%s/versions" % q(subject)).json
            self.assertEqual(versions, list(range(1, len(versions) + 1)), subject)

    def test_a_node_killed_mid_load_loses_nothing_and_the_others_keep_serving(self):
        with Cluster(3) as c:
            a, b, cc = c.nodes
            self.assertEqual(a.put("/config", {"compatibility": "NONE"}).status, 200)
            loads = [Load(n, CLIENTS_PER_NODE, PER_CLIENT, register_distinct("k%d" % i), TIME_LIMIT).start()
                     for i, n in enumerate(c.nodes)]
            self.assertTrue(eventually(lambda: len(loads[1].acked) >= 30, 60))
            b.kill9()
            before = len(loads[0].acked) + len(loads[2].acked)
            # the survivors keep taking writes
            self.assertTrue(eventually(lambda: len(loads[0].acked) + len(loads[2].acked) >= before + 30, 60))
            for load in loads:
                load.join()
            self.assertEqual(loads[0].errors + loads[2].errors, [])
            acked = [x for load in loads for x in load.acked]
            self.check_acknowledged([a, cc], acked)
            # the killed node comes back on the same database
            b.start()
            self.check_acknowledged([b], acked[:50])
            self.assertEqual(b.register("after-kill", avro("After", "x")).status, 200)

    def test_a_database_restart_under_load_fails_fast_and_every_node_recovers(self):
        with Cluster(3) as c:
            a = c.nodes[0]
            self.assertEqual(a.put("/config", {"compatibility": "NONE"}).status, 200)
            sid = a.register("warm", avro("Warm", "w")).json["id"]
            for n in c.nodes:
                self.assertEqual(n.get("/schemas/ids/%d" % sid).status, 200)

            failures = []

            def work(client, k, i):
                t0 = time.time()
                r = client.register("r-%d" % (i % 3), avro("R_%d_%d" % (id(client), i), "f"))
                took = time.time() - t0
                if r.status != 200:
                    failures.append((r.status, r.json and r.json.get("error_code"), took))
                    time.sleep(0.05)
                    return None
                return "r-%d" % (i % 3), r.json["schema"], r.json["id"], r.json["version"]

            loads = [Load(n, 2, 10000, work, TIME_LIMIT).start() for n in c.nodes]
            self.assertTrue(eventually(lambda: sum(len(x.acked) for x in loads) >= 30, 60))
            c.pg.halt()
            self.assertTrue(eventually(lambda: len(failures) >= 3, 30), "requests did not fail")
            for n in c.nodes:  # a request while the database is down: an error, quickly
                t0 = time.time()
                r = n.get("/subjects")
                self.assertGreaterEqual(r.status, 500, r)
                self.assertIn(r.json["error_code"], (50001, 50002, 50003), r)
                self.assertLess(time.time() - t0, 10.0)
                # the node is alive, but not ready
                self.assertEqual(n.get("/health/live").status, 200)
                r = n.get("/health/ready")
                self.assertEqual(r.status, 503, r)
                self.assertEqual(r.json["status"], "DOWN")
            acked_before = sum(len(x.acked) for x in loads)
            c.pg.resume()
            self.assertTrue(eventually(lambda: sum(len(x.acked) for x in loads) >= acked_before + 30, 60),
                            "writes did not resume")
            for load in loads:
                load.join()
            for status, code, took in failures:
                self.assertEqual(status // 100, 5)
                self.assertIn(code, (50001, 50002, 50003))
                self.assertLess(took, 15.0)
            # every node serves again, caches rebuilt: an id removed meanwhile is gone everywhere
            for n in c.nodes:
                self.assertTrue(eventually(lambda: n.get("/health/ready").status == 200, 30))
                self.assertEqual(n.get("/subjects").status, 200)
            self.assertEqual(a.delete("/subjects/warm").status, 200)
            self.assertEqual(a.delete("/subjects/warm?permanent=true").status, 200)
            for n in c.nodes:
                self.assertTrue(eventually(lambda: n.get("/schemas/ids/%d" % sid).status == 404, 10))
            acked = [x for load in loads for x in load.acked]
            self.check_acknowledged(c.nodes, acked)


if __name__ == "__main__":
    unittest.main(verbosity=2)
