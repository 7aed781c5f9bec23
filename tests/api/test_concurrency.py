#!/usr/bin/python3
"""Many clients at once on one subject: 50 registering the same schema get one id and one
version; 50 registering different schemas get versions 1 to 50, no gap, no duplicate; readers
watching meanwhile never see a half-written subject (a version listed that does not answer, a
list with a gap, a list that shrinks), and what a writer was told is readable the moment it was
told. Each client has its own connection; they start together behind a barrier. Bounded: 50
writes per case, readers stop when the writers are done."""
import json
import threading

from sluiced import ServerTest, main, q

CLIENTS = 50


def record(name):
    return json.dumps({"type": "record", "name": name, "fields": [{"name": "f", "type": "string"}]})


class Concurrency(ServerTest):
    def run_clients(self, work):
        barrier = threading.Barrier(CLIENTS)
        results = [None] * CLIENTS

        def client(i):
            me = self.srv.client()
            barrier.wait(timeout=60)
            try:
                results[i] = work(me, i)
            finally:
                if me.conn:
                    me.conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads))
        return results

    def test_fifty_clients_registering_the_same_schema_get_one_id_and_one_version(self):
        s = self.subject()
        schema = record("Same")
        results = self.run_clients(lambda me, i: me.register(s, schema))
        for r in results:
            self.assertEqual(r.status, 200, r)
        self.assertEqual({(r.json["id"], r.json["version"]) for r in results},
                         {(results[0].json["id"], 1)})
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(s)).json, [1])

    def test_fifty_clients_registering_different_schemas_get_contiguous_versions(self):
        s = self.subject()
        self.assertEqual(self.srv.put("/config/%s" % q(s), {"compatibility": "NONE"}).status, 200)
        stop = threading.Event()
        seen_problems = []

        def reader():
            me, last = self.srv.client(), []
            while not stop.is_set():
                r = me.get("/subjects/%s/versions" % q(s))
                if r.status == 404:
                    continue  # no version yet
                versions = r.json
                if versions != list(range(1, len(versions) + 1)) or len(versions) < len(last):
                    seen_problems.append(("list", last, versions))
                for v in versions[-3:]:
                    got = me.get("/subjects/%s/versions/%d" % (q(s), v))
                    if got.status != 200 or me.get("/schemas/ids/%d" % got.json["id"]).status != 200:
                        seen_problems.append(("version", v, got))
                last = versions
            if me.conn:
                me.conn.close()

        def register(me, i):
            r = me.register(s, record("Different%d" % i))
            # told: readable at once, from another connection
            if r.status == 200:
                other = self.srv.client()
                r.seen = other.get("/schemas/ids/%d" % r.json["id"]).status
                other.conn.close()
            return r

        readers = [threading.Thread(target=reader) for _ in range(3)]
        for t in readers:
            t.start()
        try:
            results = self.run_clients(register)
        finally:
            stop.set()
            for t in readers:
                t.join(timeout=60)
        for r in results:
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.seen, 200)
        self.assertEqual(sorted(r.json["version"] for r in results), list(range(1, CLIENTS + 1)))
        self.assertEqual(len({r.json["id"] for r in results}), CLIENTS)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(s)).json,
                         list(range(1, CLIENTS + 1)))
        for r in results:  # each version holds the schema its client was told
            got = self.srv.get("/subjects/%s/versions/%d" % (q(s), r.json["version"]))
            self.assertEqual((got.json["id"], got.json["schema"]), (r.json["id"], r.json["schema"]))
        self.assertEqual(seen_problems, [])


if __name__ == "__main__":
    main()
