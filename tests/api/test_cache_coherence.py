#!/usr/bin/python3
"""GET /schemas/ids/{id} is served from memory, and must never answer with a schema that the
store no longer holds under that id: readers race permanent deletes and IMPORT registrations
that give the freed id another schema, and every read that falls wholly between two writes must
see the state the first of them left. Bounded: at most ROUNDS rounds or SECONDS seconds."""
import threading
import time

from sluiced import ServerTest, main, q, record

ROUNDS = 150
SECONDS = 20
READERS = 4
SID = 777


class CacheCoherence(ServerTest):
    def test_reads_by_id_never_see_a_removed_or_replaced_schema(self):
        s = self.subject()
        # Global, because a subject's own mode goes with its last version.
        self.assertEqual(self.srv.put("/mode", {"mode": "IMPORT"}).status, 200)
        writes = []  # (sent, acked, expected answer after it: schema text or None)
        reads = []   # (started, ended, answer)
        problems = []  # answers that were neither a schema nor 40403
        stop = threading.Event()

        def reader():
            me = self.srv.client()
            while not stop.is_set():
                t0 = time.monotonic()
                r = me.get("/schemas/ids/%d" % SID)
                t1 = time.monotonic()
                if r.status == 200:
                    reads.append((t0, t1, r.json["schema"]))
                elif (r.json or {}).get("error_code") == 40403:
                    reads.append((t0, t1, None))
                else:  # checked by the test's own thread: a failure here would end this one only
                    problems.append(r)
            if me.conn:
                me.conn.close()

        def write(expect, method, path, body=None):
            t0 = time.monotonic()
            r = self.srv.request(method, path, body=body)
            t1 = time.monotonic()
            self.assertEqual(r.status, 200, r)
            writes.append((t0, t1, expect))
            return r

        threads = [threading.Thread(target=reader) for _ in range(READERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + SECONDS
        try:
            for k in range(ROUNDS):
                if time.monotonic() > deadline:
                    break
                schema = record("Round%d" % k, ("f%d" % k, "string"))
                r = write(None, "POST", "/subjects/%s/versions" % q(s),
                          {"schema": schema, "id": SID, "version": 1})
                writes[-1] = writes[-1][:2] + (r.json["schema"],)
                time.sleep(0.005)  # let the readers fill the cache
                write(r.json["schema"], "DELETE", "/subjects/%s/versions/1" % q(s))
                write(None, "DELETE", "/subjects/%s/versions/1?permanent=true" % q(s))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        self.srv.put("/mode", {"mode": "READWRITE"})
        self.assertEqual(problems, [])
        self.check(writes, reads)

    def check(self, writes, reads):
        """Every read wholly after write i's answer and before write i+1 was sent sees state i."""
        self.assertGreater(len(writes), 30)
        checked = 0
        for i, (_, acked, expect) in enumerate(writes):
            next_sent = writes[i + 1][0] if i + 1 < len(writes) else float("inf")
            for started, ended, answer in reads:
                if started > acked and ended < next_sent:
                    checked += 1
                    self.assertEqual(answer, expect, "read at %.4f after write %d" % (started, i))
        self.assertGreater(checked, 100, "too few reads fell between writes to tell anything")


if __name__ == "__main__":
    main()
