#!/usr/bin/python3
"""Nothing acknowledged is lost when sluiced is killed with SIGKILL at random points.

ROUNDS times: the server runs under concurrent registrations (new versions of a few subjects),
deletes (a version registered, soft-deleted, then permanently deleted, over and over) and config
changes, and is killed with SIGKILL after a random fraction of a second. After each restart on the
same store: SQLite's integrity and foreign key checks pass; every acknowledged registration is
there with its id and schema; an id names one schema and a schema one id; each subject's versions
run from 1 without a gap; every acknowledged delete and config change holds (the one in flight
when the server died may or may not have happened). Bounded: ROUNDS rounds (24, or
SLUICE_KILL9_ROUNDS) of at most LOAD_MAX seconds of load each.
"""
import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))
from sluiced import SANITIZER_MARKS, Sluiced, q  # noqa: E402

ROUNDS = int(os.environ.get("SLUICE_KILL9_ROUNDS", "24"))
LOAD_MIN, LOAD_MAX = 0.15, 0.9
REGISTRARS, DELETERS, CONFIGURERS = 3, 2, 1
LEVELS = ["BACKWARD", "FORWARD", "FULL", "NONE", "FULL_TRANSITIVE"]


class Worker(threading.Thread):
    """Runs `step` until the server goes away; `acked` holds what the server confirmed and
    `maybe` the operation in flight when it died."""

    def __init__(self, srv, step, seed):
        super().__init__(daemon=True)
        self.client, self.step = srv.client(), step
        self.rnd = random.Random(seed)
        self.acked, self.maybe, self.errors = [], None, []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                if not self.step(self):
                    return
            except (OSError, http.client.HTTPException):
                return  # the server is gone: whatever was in flight stays "maybe"


class Kill9(unittest.TestCase):
    def test_acknowledged_writes_survive_sigkill_at_random_points(self):
        srv = Sluiced()
        counters = {"reg": {}, "del": {}}
        registrations = []  # (subject, version, id, schema), every round
        deletes = {}        # (subject, version) -> (acked state, state in flight or None)
        configs = {}        # subject -> (acked level or None, level in flight or None)
        rnd = random.Random(1414)
        try:
            srv.start()
            self.assertEqual(srv.put("/config", {"compatibility": "NONE"}).status, 200)
            for rnd_no in range(ROUNDS):
                workers = self.load(srv, rnd_no, counters)
                time.sleep(rnd.uniform(LOAD_MIN, LOAD_MAX))
                self.assertFalse(any(m in srv.read_log() for m in SANITIZER_MARKS), srv.read_log())
                srv.kill9()
                for w in workers:
                    w.stop.set()
                for w in workers:
                    w.join(timeout=60)
                self.assertFalse(any(w.is_alive() for w in workers))
                for w in workers:
                    self.assertEqual(w.errors, [], "answers other than 200 before the kill")
                round_regs = self.collect(workers, deletes, configs)
                registrations += round_regs
                srv.start()
                self.check_store(srv.db)
                self.check_registrations(srv, round_regs)
                self.check_deletes(srv, deletes)
                self.check_configs(srv, configs)
            self.check_registrations(srv, registrations)
            self.check_contiguous(srv, counters)
            print("%d rounds: %d registrations, %d deleted versions, %d config subjects checked"
                  % (ROUNDS, len(registrations), len(deletes), len(configs)), file=sys.stderr)
            self.assertGreater(len(registrations), ROUNDS)
            r = srv.register("after-the-crashes", '"string"')
            self.assertEqual(r.status, 200, r)
        finally:
            if srv.proc:
                srv.stop()
            srv.close()

    # ---- load ----
    def load(self, srv, round_no, counters):
        workers = []
        for k in range(REGISTRARS):
            workers.append(Worker(srv, self.registrar("reg-%d" % k, counters["reg"]), round_no * 100 + k))
        for k in range(DELETERS):
            workers.append(Worker(srv, self.deleter("del-%d" % k, counters["del"]), round_no * 100 + 10 + k))
        for k in range(CONFIGURERS):
            workers.append(Worker(srv, self.configurer("cfg-%d" % k), round_no * 100 + 20 + k))
        for w in workers:
            w.start()
        return workers

    @staticmethod
    def schema(subject, n):
        return json.dumps({"type": "record", "name": "R_%s_%d" % (subject.replace("-", "_"), n),
                           "fields": [{"name": "f", "type": "string"}]}, separators=(",", ":"))

    def registrar(self, subject, counters):
        def step(w):
            n = counters[subject] = counters.get(subject, 0) + 1
            schema = self.schema(subject, n)
            w.maybe = ("reg", subject, schema)
            r = w.client.register(subject, schema)
            if r.status != 200:
                w.errors.append(r)
                return False
            w.acked.append(("reg", subject, r.json["version"], r.json["id"], schema))
            w.maybe = None
            return True
        return step

    def deleter(self, subject, counters):
        def step(w):
            n = counters[subject] = counters.get(subject, 0) + 1
            schema = self.schema(subject, n)
            w.maybe = ("reg", subject, schema)
            r = w.client.register(subject, schema)
            if r.status != 200:
                w.errors.append(r)
                return False
            v = r.json["version"]
            w.acked.append(("state", subject, v, "live"))
            for state, path in (("soft", "/subjects/%s/versions/%d" % (q(subject), v)),
                                ("gone", "/subjects/%s/versions/%d?permanent=true" % (q(subject), v))):
                w.maybe = ("state", subject, v, state)
                r = w.client.delete(path)
                if r.status != 200:
                    w.errors.append(r)
                    return False
                w.acked.append(("state", subject, v, state))
                w.maybe = None
            return True
        return step

    def configurer(self, subject):
        def step(w):
            level = w.rnd.choice(LEVELS)
            w.maybe = ("cfg", subject, level)
            r = w.client.put("/config/%s" % q(subject), {"compatibility": level})
            if r.status != 200:
                w.errors.append(r)
                return False
            w.acked.append(("cfg", subject, level))
            w.maybe = None
            return True
        return step

    def collect(self, workers, deletes, configs):
        regs = []
        for w in workers:
            for a in w.acked:
                if a[0] == "reg":
                    regs.append(a[1:])
                elif a[0] == "state":
                    deletes[(a[1], a[2])] = (a[3], None)
                else:
                    configs[a[1]] = (a[2], None)
            m = w.maybe
            if m and m[0] == "reg" and m[1].startswith("del-"):
                # a registration in flight takes the next number: that of a version permanently
                # deleted at the top of the subject, if there is one
                gone = [key for key, (acked, _) in deletes.items()
                        if key[0] == m[1] and acked == "gone"]
                if gone:
                    deletes[max(gone)] = ("gone", "live")
            elif m and m[0] == "state":
                acked = deletes.get((m[1], m[2]), (None, None))[0]
                deletes[(m[1], m[2])] = (acked, m[3])
            elif m and m[0] == "cfg":
                configs[m[1]] = (configs.get(m[1], (None, None))[0], m[2])
        return regs

    # ---- checks ----
    def check_store(self, db):
        """SQLite's own checks, through a read-only connection beside the running server."""
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
        finally:
            con.close()

    def check_registrations(self, srv, regs):
        ids = {}
        for subject, version, sid, schema in regs:
            if subject.startswith("del-"):
                continue  # deleted on purpose: check_deletes follows them
            got = srv.get("/subjects/%s/versions/%d" % (q(subject), version))
            self.assertEqual(got.status, 200, (subject, version, got))
            self.assertEqual((got.json["id"], got.json["schema"]), (sid, schema))
            self.assertEqual(ids.setdefault(sid, schema), schema, "one id, one schema")
        self.assertEqual(len(set(ids.values())), len(ids), "one schema, one id")

    def check_deletes(self, srv, deletes):
        for (subject, version), (acked, in_flight) in deletes.items():
            live = srv.get("/subjects/%s/versions/%d" % (q(subject), version)).status == 200
            kept = srv.get("/subjects/%s/versions/%d?deleted=true" % (q(subject), version)).status == 200
            seen = "live" if live else "soft" if kept else "gone"
            allowed = {acked, in_flight} - {None}
            self.assertIn(seen, allowed, (subject, version, acked, in_flight))
            deletes[(subject, version)] = (seen, None)  # what the store holds from now on

    def check_configs(self, srv, configs):
        for subject, (acked, in_flight) in configs.items():
            r = srv.get("/config/%s" % q(subject))
            seen = r.json.get("compatibilityLevel") if r.status == 200 else None
            # None (no config) is allowed only when that is what was acknowledged
            allowed = {acked, in_flight} - ({None} if acked is not None else set())
            self.assertIn(seen, allowed, (subject, r))
            configs[subject] = (seen, None)

    def check_contiguous(self, srv, counters):
        for subject in counters["reg"]:
            versions = srv.get("/subjects/%s/versions" % q(subject)).json
            self.assertEqual(versions, list(range(1, len(versions) + 1)), subject)


if __name__ == "__main__":
    unittest.main(verbosity=2)
