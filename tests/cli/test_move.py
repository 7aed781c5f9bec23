#!/usr/bin/python3
"""Moving registries with the sluice CLI: export, import and migrate against real sluiced servers.

The source is filled with what a long-lived registry accumulates: soft-deleted versions and a
wholly soft-deleted subject, a chain of references registered out of id order, gaps in the ids
(hard deletes), a second context, metadata and a rule set, subject and global configs, a subject
in READONLY mode. Export then import into an empty registry gives back the same export; migrate
copies it with --verify, again without writing anything, resumes after a partial copy, follows a
live source until it turns READONLY, stops at a target that holds something else, and moves a
SQLite-backed registry onto PostgreSQL.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from sluiced import ROOT, Sluiced  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")


def avro(name, **fields):
    return json.dumps({"type": "record", "name": name,
                       "fields": [{"name": k, "type": v} for k, v in fields.items()]},
                      separators=(",", ":"))


def fill(srv):
    """A registry with a history (see the module's docstring)."""
    ok = lambda r: (r.status == 200) or (_ for _ in ()).throw(AssertionError(repr(r)))  # noqa: E731
    ok(srv.put("/config", {"compatibility": "NONE"}))
    for i in range(3):  # ids 1..3, of which 2 goes for good below: a gap
        ok(srv.register("scratch-%d" % i, avro("Scratch%d" % i, f="string")))
    ok(srv.delete("/subjects/scratch-1"))
    ok(srv.delete("/subjects/scratch-1?permanent=true"))
    # a reference chain whose last link is registered first under its own subject's later id
    ok(srv.register("address", avro("Address", street="string")))
    ok(srv.register("customer", avro("Customer", address="Address"),
                    references=[{"name": "Address", "subject": "address", "version": 1}]))
    ok(srv.register("order", avro("Order", customer="Customer"),
                    references=[{"name": "Customer", "subject": "customer", "version": 1}]))
    ok(srv.register("address", avro("Address", street="string", city="string")))
    # soft deletes: one version, and a whole subject
    ok(srv.register("events", avro("E1", a="string")))
    ok(srv.register("events", avro("E2", b="string")))
    ok(srv.register("events", avro("E3", c="string")))
    ok(srv.delete("/subjects/events/versions/2"))
    ok(srv.register("retired", avro("Retired", r="string")))
    ok(srv.delete("/subjects/retired"))
    # one schema under two subjects (one id), metadata and a rule set
    ok(srv.register("shared-a", avro("Shared", s="string")))
    ok(srv.register("shared-b", avro("Shared", s="string")))
    ok(srv.register("contract", avro("Contract", x="string"),
                    metadata={"properties": {"owner": "team-a"}},
                    ruleSet={"domainRules": [{"name": "r", "kind": "CONDITION", "type": "CEL",
                                              "mode": "WRITE", "expr": "true"}]}))
    # another context, with ids of its own
    ok(srv.register(":.team:inventory", avro("Item", sku="string")))
    ok(srv.register(":.team:inventory", avro("Item2", sku="string")))
    # settings: a subject config, a context config, a read-only subject
    ok(srv.put("/config/order", {"compatibility": "FULL"}))
    ok(srv.put("/config/:.team:", {"compatibility": "FORWARD"}))
    ok(srv.put("/mode/customer", {"mode": "READONLY"}))


class Move(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="sluice-move-")
        cls.src = Sluiced().start()
        fill(cls.src)
        cls.servers = [cls.src]

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            try:
                s.stop()
            finally:
                s.close()
        cls.dir.cleanup()

    def fresh(self, **kw):
        srv = Sluiced(**kw).start()
        self.servers.append(srv)
        return srv

    def sluice(self, *args, timeout=120):
        r = subprocess.run([SLUICE] + list(args), capture_output=True, text=True, timeout=timeout)
        self.assertNotIn("Sanitizer", r.stderr)
        return r

    @staticmethod
    def url(srv):
        return "http://127.0.0.1:%d" % srv.port

    def export(self, srv, name):
        path = os.path.join(self.dir.name, name)
        r = self.sluice("--registry", self.url(srv), "export", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path) as f:
            lines = f.read().splitlines()
        return path, lines

    def test_export_then_import_gives_back_the_same_export(self):
        path, lines = self.export(self.src, "source.jsonl")
        kinds = [json.loads(line)["kind"] for line in lines]
        self.assertEqual(kinds[0], "header")
        self.assertEqual(kinds[-1], "end")
        versions = [json.loads(line) for line in lines if json.loads(line)["kind"] == "version"]
        self.assertIn(True, [v["deleted"] for v in versions])
        self.assertTrue(all("ts" in v for v in versions))
        # references come before what references them, whatever the ids
        seen = set()
        for v in versions:
            for ref in v["references"]:
                self.assertIn((ref["subject"], ref["version"]), seen, v)
            seen.add((v["subject"], v["version"]))

        dst = self.fresh()
        r = self.sluice("--registry", self.url(dst), "import", path, "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        _, again = self.export(dst, "again.jsonl")
        self.assertEqual(lines[1:], again[1:])  # all but the header (time and source)
        # the copy answers like the source
        for p in ("/schemas/ids/4", "/subjects/events/versions?deleted=true", "/subjects/retired/versions",
                  "/config/order", "/mode/customer", "/schemas/ids/1?subject=:.team:",
                  "/subjects/contract/versions/1"):
            self.assertEqual(dst.get(p).text, self.src.get(p).text, p)
        self.assertEqual(dst.get("/schemas/ids/2").status, 404)  # the gap stays a gap
        # new ids continue above the imported ones
        got = dst.register("after", avro("After", z="string")).json["id"]
        self.assertGreater(got, max(v["id"] for v in versions if not v["subject"].startswith(":.")))

    def test_a_cut_file_is_refused(self):
        path, lines = self.export(self.src, "cut.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines[:-3]) + "\n")
        dst = self.fresh()
        r = self.sluice("--registry", self.url(dst), "import", path)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("cut short", r.stderr)
        self.assertEqual(dst.get("/subjects").json, [])

    def test_migrate_copies_verifies_and_a_second_run_writes_nothing(self):
        dst = self.fresh()
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(dst), "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("verify: 0 differences", r.stderr)
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(dst), "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 versions written", r.stderr)
        # a difference made on the target is found
        self.assertEqual(dst.delete("/subjects/shared-b/versions/1").status, 200)
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(dst), "--verify")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("shared-b version 1: soft-deleted, not live", r.stdout)

    def test_an_import_stopped_halfway_is_finished_by_running_it_again(self):
        path, lines = self.export(self.src, "whole.jsonl")
        entries = [json.loads(line) for line in lines]
        versions = [e for e in entries if e["kind"] == "version"]
        half = versions[:len(versions) // 2]
        partial = os.path.join(self.dir.name, "half.jsonl")
        with open(partial, "w") as f:
            for e in [entries[0]] + half + [{"kind": "end", "versions": len(half), "configs": 0, "modes": 0}]:
                f.write(json.dumps(e) + "\n")
        dst = self.fresh()
        self.assertEqual(self.sluice("--registry", self.url(dst), "import", partial).returncode, 0)
        r = self.sluice("--registry", self.url(dst), "import", path, "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("%d already there" % len(half), r.stderr)

    def test_migrate_stops_at_a_target_that_holds_something_else(self):
        dst = self.fresh()
        self.assertEqual(dst.register("address", avro("Other", o="string")).status, 200)
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(dst))
        self.assertEqual(r.returncode, 2, r.stderr)
        # its id 1 is taken by another schema: the registry refuses, the copy stops there
        self.assertIn("Overwrite new schema with id 1", r.stderr)
        self.assertIn("Other", dst.get("/subjects/address/versions/1").json["schema"])
        # and a version held differently under the same id is named
        other = self.fresh()
        self.assertEqual(other.put("/mode", {"mode": "IMPORT"}).status, 200)
        self.assertEqual(other.register("address", avro("Other", o="string"), id=900, version=1).status, 200)
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(other))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("address version 1: the target holds id 900", r.stderr)

    def test_migrate_follows_a_live_source_until_it_turns_read_only(self):
        src = self.fresh()
        dst = self.fresh()
        self.assertEqual(src.register("live", avro("L1", a="string")).status, 200)
        p = subprocess.Popen([SLUICE, "migrate", "--from", self.url(src), "--to", self.url(dst),
                              "--follow", "1", "--verify"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 60
            while dst.get("/subjects/live/versions").status != 200 and time.time() < deadline:
                time.sleep(0.1)
            self.assertEqual(src.put("/config", {"compatibility": "NONE"}).status, 200)
            self.assertEqual(src.register("live", avro("L2", b="string")).status, 200)
            self.assertEqual(src.delete("/subjects/live/versions/1").status, 200)
            while dst.get("/subjects/live/versions/2").status != 200 and time.time() < deadline:
                time.sleep(0.1)
            self.assertEqual(dst.get("/subjects/live/versions").json, [2])
            self.assertEqual(src.put("/mode", {"mode": "READONLY"}).status, 200)  # the cut-over
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, out + err)
        self.assertIn("verify: 0 differences", err)
        self.assertEqual(dst.get("/mode").json["mode"], "READONLY")

    def test_a_sqlite_registry_moves_onto_postgresql(self):
        from sluiced import postgres
        dst = self.fresh(store_url=postgres().create_database())
        r = self.sluice("migrate", "--from", self.url(self.src), "--to", self.url(dst), "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        _, a = self.export(self.src, "sqlite.jsonl")
        _, b = self.export(dst, "postgres.jsonl")
        self.assertEqual(a[1:], b[1:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
