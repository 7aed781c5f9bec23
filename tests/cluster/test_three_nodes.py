#!/usr/bin/python3
"""Three sluiced nodes on one PostgreSQL database behave as one registry.

Many clients register through all three nodes at once: a schema gets one id wherever it is
registered, every subject's versions are contiguous, no id is given to two schemas. A write made
through one node is seen through the others within a bounded time, deletes and IMPORT overwrites
included (their caches forget what the write removed), and a mode set through one node holds on
all. Nodes that start together migrate the database once.
"""
import threading
import time
import unittest

from cluster import Cluster, Load, avro, eventually, q

CLIENTS_PER_NODE = 4
PER_CLIENT = 40
TIME_LIMIT = 90.0
SEEN_WITHIN = 10.0  # seconds for a change made through one node to show on the others
SEARCH_WITHIN = 5.0  # the search index: told by the store, well before it would age out (10 s)


class ThreeNodes(unittest.TestCase):
    def test_concurrent_registrations_through_three_nodes_agree_on_ids_and_versions(self):
        with Cluster(3) as c:
            a = c.nodes[0]
            self.assertEqual(a.put("/config", {"compatibility": "NONE"}).status, 200)
            shared = avro("Shared", "x")

            def work(client, k, i):
                # Every client: the same schema into one subject and into a subject of its own
                # (one id everywhere), and schemas of its own into three common subjects.
                kind = i % 3
                if kind == 0:
                    subject, schema = "same", shared
                elif kind == 1:
                    subject, schema = "own-%d-%d" % (id(client), i % 5), shared
                else:
                    subject, schema = "common-%d" % (i % 4), avro("R%d_%d" % (id(client), i), "f")
                r = client.register(subject, schema)
                if r.status != 200:
                    raise AssertionError("registration refused: %r" % r)
                return subject, schema, r.json["id"], r.json["version"]

            loads = [Load(n, CLIENTS_PER_NODE, PER_CLIENT, work, TIME_LIMIT).start() for n in c.nodes]
            for load in loads:
                load.join(stop=False)
                self.assertEqual(load.errors, [])
            acked = [x for load in loads for x in load.acked]
            self.assertGreater(len(acked), 100)

            by_schema, by_id = {}, {}
            for subject, schema, sid, version in acked:
                by_schema.setdefault(schema, set()).add(sid)
                by_id.setdefault(sid, set()).add(schema)
            for schema, ids in by_schema.items():
                self.assertEqual(len(ids), 1, "one id per schema: %s got %s" % (schema, ids))
            for sid, schemas in by_id.items():
                self.assertEqual(len(schemas), 1, "one schema per id: %d" % sid)
            self.assertEqual({v for s, sc, i, v in acked if s == "same"}, {1})

            subjects = sorted({x[0] for x in acked})
            for node in c.nodes:
                listed = node.get("/subjects").json
                for subject in subjects:
                    self.assertIn(subject, listed)
                    versions = node.get("/subjects/%s/versions" % q(subject)).json
                    self.assertEqual(versions, list(range(1, len(versions) + 1)), subject)
            for subject, schema, sid, version in acked[:60]:
                for node in c.nodes:
                    got = node.get("/subjects/%s/versions/%d" % (q(subject), version))
                    self.assertEqual(got.status, 200, got)
                    self.assertEqual(got.json["id"], sid)
            # every version of the common subjects holds a schema of its own
            for subject in [s for s in subjects if s.startswith("common-")]:
                versions = a.get("/subjects/%s/versions" % q(subject)).json
                ids = [a.get("/subjects/%s/versions/%d" % (q(subject), v)).json["id"] for v in versions]
                self.assertEqual(len(set(ids)), len(ids), subject)

    def test_changes_made_through_one_node_are_seen_through_the_others(self):
        with Cluster(3) as c:
            a, b, cc = c.nodes
            r = a.register("orders", avro("Order", "id"))
            self.assertEqual(r.status, 200, r)
            sid = r.json["id"]
            # seen by the others at once (nothing of it was cached there)
            for n in (b, cc):
                self.assertEqual(n.get("/subjects/orders/versions/1").json["id"], sid)
            # warm the id caches of every node
            for n in c.nodes:
                for _ in range(2):
                    self.assertEqual(n.get("/schemas/ids/%d" % sid).status, 200)

            # sluice's search (an index each node keeps) finds it on every node at once
            def found(n, q, deleted=False):
                r = n.get("/sluice/v1/subjects?q=%s&match=prefix%s" % (q, "&deleted=true" if deleted else ""))
                return [x["subject"] for x in r.json["subjects"] if not x["deleted"] or deleted]
            for n in c.nodes:
                self.assertEqual(found(n, "orders"), ["orders"])  # each node's index is built...
            r = b.register("orders-2", avro("Order2", "id"))  # ... and told of a new subject
            for n in c.nodes:
                self.assertTrue(eventually(lambda: found(n, "orders") == ["orders", "orders-2"], SEARCH_WITHIN),
                                found(n, "orders"))
            # a soft delete: listed nowhere, the id still served everywhere (Confluent's rule)
            self.assertEqual(b.delete("/subjects/orders").status, 200)
            for n in c.nodes:
                self.assertTrue(eventually(lambda: found(n, "orders") == ["orders-2"], SEARCH_WITHIN),
                                found(n, "orders"))
            for n in c.nodes:
                self.assertEqual(n.get("/subjects/orders/versions").status, 404)
                self.assertEqual(n.get("/schemas/ids/%d" % sid).status, 200)
            # a permanent delete: every node forgets the id, though each had it cached
            self.assertEqual(cc.delete("/subjects/orders?permanent=true").status, 200)
            for n in c.nodes:
                self.assertTrue(eventually(lambda: n.get("/schemas/ids/%d" % sid).status == 404,
                                           SEEN_WITHIN), "node on port %d still serves %d" % (n.port, sid))

            # an IMPORT registration gives a cached id other content: every node serves the new one
            r = a.register("kept", avro("Kept", "k"))
            kept = r.json["id"]
            for n in c.nodes:
                n.get("/schemas/ids/%d" % kept)
            self.assertEqual(a.put("/mode?force=true", {"mode": "IMPORT"}).status, 200)
            self.assertEqual(b.delete("/subjects/kept").status, 200)
            self.assertEqual(b.delete("/subjects/kept?permanent=true").status, 200)
            r = b.register("imported", avro("Imported", "i"), id=kept, version=1)
            self.assertEqual(r.status, 200, r)
            for n in c.nodes:
                self.assertTrue(eventually(
                    lambda: "Imported" in n.get("/schemas/ids/%d" % kept).text, SEEN_WITHIN))

            # modes and configs hold on every node at once
            self.assertEqual(cc.put("/mode", {"mode": "READONLY"}).status, 200)
            for n in c.nodes:
                r = n.register("after-readonly", avro("Late", "l"))
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.json["error_code"], 42205)
            self.assertEqual(a.put("/mode", {"mode": "READWRITE"}).status, 200)
            self.assertEqual(b.put("/config/levels", {"compatibility": "FULL"}).status, 200)
            for n in c.nodes:
                self.assertEqual(n.get("/config/levels").json["compatibilityLevel"], "FULL")

    def test_nodes_that_start_together_migrate_the_database_once(self):
        with Cluster(0) as c:
            nodes = [c.node() for _ in range(3)]
            c.nodes = nodes
            threads = [threading.Thread(target=n.start) for n in nodes]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            for n in nodes:
                self.assertEqual(n.get("/").status, 200)
            rows = c.pg.psql("SELECT version, count(*) FROM sluice_migrations GROUP BY version "
                             "ORDER BY version", dbname="registry").split()
            self.assertTrue(rows)
            for row in rows:
                self.assertEqual(row.split("|")[1], "1", rows)
            r = nodes[2].register("first", avro("First", "f"))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["id"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
