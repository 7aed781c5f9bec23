#!/usr/bin/python3
"""Registrations, soft deletes and permanent deletes of one subject racing each other never get a
5xx, and leave the subject consistent: every acknowledged live version is listed, numbers only
grow past soft-deleted ones. Bounded: at most OPS operations per thread or SECONDS seconds."""
import random
import threading
import time

from sluiced import ServerTest, main, q, record

OPS = 2000
SECONDS = 15


class WriteRace(ServerTest):
    def test_deletes_and_re_registrations_of_one_subject_never_answer_5xx(self):
        s = self.subject()
        # Global, because a subject's own config goes with its last version.
        self.assertEqual(self.srv.put("/config", {"compatibility": "NONE"}).status, 200)
        schemas = [record("Race%d" % i, ("a", "string")) for i in range(3)]
        statuses, errors = [], []
        deadline = time.monotonic() + SECONDS

        def registrar(seed):
            me, rnd = self.srv.client(), random.Random(seed)
            for _ in range(OPS):
                if time.monotonic() > deadline:
                    break
                r = me.register(s, rnd.choice(schemas))
                statuses.append(r.status)
                if r.status != 200:
                    errors.append(r)

        def deleter():
            me = self.srv.client()
            for _ in range(OPS):
                if time.monotonic() > deadline:
                    break
                r = me.delete("/subjects/%s/versions/latest" % q(s))
                statuses.append(r.status)
                if r.status == 200:
                    version = r.json
                    r = me.delete("/subjects/%s/versions/%d?permanent=true" % (q(s), version))
                    statuses.append(r.status)
                if r.status >= 500:
                    errors.append(r)

        threads = [threading.Thread(target=registrar, args=(i,)) for i in range(2)]
        threads.append(threading.Thread(target=deleter))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.srv.put("/config", {"compatibility": "BACKWARD"})
        self.assertEqual(errors, [])  # registrations all succeed; deletes at worst find nothing
        self.assertGreater(statuses.count(200), 50)
        # what is left is consistent: each listed version answers with its own schema
        versions = self.srv.get("/subjects/%s/versions?deleted=true" % q(s))
        for v in versions.json if versions.status == 200 else []:
            got = self.srv.get("/subjects/%s/versions/%d?deleted=true" % (q(s), v))
            self.assertEqual(got.status, 200, got)
            self.assertIn(got.json["schema"], [self.srv.get("/schemas/ids/%d" % got.json["id"]).json["schema"]])


if __name__ == "__main__":
    main()
