#!/usr/bin/python3
"""`sluice ci check` and `ci register` on a Git repository of JSON Schemas ($refs between files
become references, subjects follow sluice.yaml), offline and against a real sluiced: a safe change
passes, breaking ones fail at the file, line and column of the JSON value; and `sluice validate`
checks a document through the registry."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from gitrepo import git, write  # noqa: E402
from sluiced import ROOT, Sluiced  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")

ADDRESS = '{\n  "type": "object",\n  "properties": {\n    "city": {"type": "string"}\n  }\n}\n'
ORDER = ('{\n  "title": "Order",\n  "type": "object",\n  "properties": {\n'
         '    "id": {"type": "string"},\n    "qty": {"type": "integer"},\n'
         '    "ship": {"$ref": "../common/address.json"}\n  },\n  "additionalProperties": false\n}\n')
BASE = {"schemas/common/address.json": ADDRESS, "schemas/events/order.json": ORDER,
        "sluice.yaml": "roots: [schemas]\nsubjects: map\nsubject_map:\n"
                       "  events/order.json: orders-value\n  common/address.json: address\n"}


class CiJson(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.repo = cls.tmp.name
        git(cls.repo, "init", "-q", "-b", "main")
        cls.write(BASE)
        git(cls.repo, "add", "-A")
        git(cls.repo, "commit", "-q", "-m", "base")
        cls.srv = Sluiced().start()
        cls.env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:%d" % cls.srv.port)
        r = subprocess.run([SLUICE, "ci", "register", "--repo", cls.repo], capture_output=True,
                           text=True, env=cls.env, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        cls.registered = r.stdout

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.close()
        cls.tmp.cleanup()

    @classmethod
    def write(cls, files):
        write(cls.repo, files)

    def branch(self, name, files):
        git(self.repo, "checkout", "-q", "-B", name, "main")
        self.write(files)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", name)

    def check(self, *extra):
        return subprocess.run([SLUICE, "ci", "check", "--against", "main", "--repo", self.repo] +
                              list(extra), capture_output=True, text=True, env=self.env, timeout=60)

    def test_register_puts_references_first_and_uses_the_subject_map(self):
        self.assertLess(self.registered.index("address"), self.registered.index("orders-value"))
        got = self.srv.get("/subjects/orders-value/versions/1").json
        self.assertEqual(got["schemaType"], "JSON")
        self.assertEqual(got["references"], [{"name": "../common/address.json", "subject": "address", "version": 1}])

    def test_a_safe_change_passes_both_ways(self):
        self.branch("safe", {"schemas/events/order.json": ORDER.replace(
            '"qty": {"type": "integer"}', '"qty": {"type": "integer"},\n    "note": {"type": "string"}')})
        for extra in ((), ("--offline",)):
            r = self.check(*extra)
            self.assertEqual(r.returncode, 0, (extra, r.stdout, r.stderr))

    def test_breaking_changes_fail_at_file_line_and_column(self):
        self.branch("breaking", {"schemas/events/order.json": ORDER.replace(
            '"qty": {"type": "integer"}', '"qty": {"type": "string"}')})
        for extra in ((), ("--offline",)):
            r = self.check("--format", "github", *extra)
            self.assertEqual(r.returncode, 1, (extra, r.stdout, r.stderr))
            self.assertIn("::error file=schemas/events/order.json,line=6,col=12::", r.stdout)
            self.assertIn("TYPE_CHANGED", r.stdout)
            self.assertIn("#/properties/qty", r.stdout)

    def test_a_change_in_a_referenced_file_breaks_its_referrers(self):
        self.branch("deep", {"schemas/common/address.json": ADDRESS.replace('"string"', '"integer"')})
        r = self.check("--offline")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("schemas/common/address.json:4:13:", r.stdout)
        self.assertIn("#/properties/ship/properties/city", r.stdout)

    def test_an_invalid_schema_is_reported_at_its_position(self):
        self.branch("invalid", {"schemas/events/order.json": ORDER.replace('"integer"', '"integr"')})
        r = self.check("--offline")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("schemas/events/order.json:6:", r.stdout)
        self.assertIn("#/properties/qty/type", r.stdout)

    def test_validate_a_document(self):
        doc = os.path.join(self.tmp.name, "doc.json")
        with open(doc, "w") as f:
            json.dump({"id": "o-1", "qty": "two", "ship": {"city": 7}}, f)
        r = subprocess.run([SLUICE, "validate", "orders-value", doc], capture_output=True,
                           text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(doc + ":#/qty: ", r.stdout)
        self.assertIn(doc + ":#/ship/city: ", r.stdout)
        with open(doc, "w") as f:
            json.dump({"id": "o-1", "qty": 2}, f)
        r = subprocess.run([SLUICE, "validate", "orders-value", doc], capture_output=True,
                           text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
