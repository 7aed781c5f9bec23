#!/usr/bin/python3
"""`sluice ci check` on a real Git repository built here, offline and against a real sluiced
holding the registered base: a safe branch passes, and each breaking change under Confluent's
protobuf rules fails with its file and line -- with the same verdict both ways."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from gitrepo import git, write  # noqa: E402
from sluiced import ROOT, Sluiced  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")

BASE = {
    "common/money.proto": 'syntax = "proto3";\npackage acme.common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n',
    "events/order.proto": ('syntax = "proto3";\npackage acme.events;\n\nimport "common/money.proto";\n'
                           'import "google/protobuf/timestamp.proto";\n\n'
                           'message OrderPlaced {\n  string order_id = 1;\n  acme.common.Money total = 2;\n'
                           '  google.protobuf.Timestamp at = 3;\n  string note = 4;\n}\n\n'
                           'message OrderShipped {\n  string order_id = 1;\n}\n'),
    "legacy/account.proto": 'syntax = "proto2";\npackage acme.legacy;\n\nmessage Account {\n  optional string id = 1;\n}\n',
    "README.md": "event schemas\n",
}


class CiOffline(unittest.TestCase):
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
        r = subprocess.run([SLUICE, "ci", "register", "--repo", cls.repo], capture_output=True, text=True,
                           env=cls.env, timeout=60)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.close()
        cls.tmp.cleanup()

    @classmethod
    def write(cls, files):
        write(cls.repo, files)

    def branch(self, name, files=None, delete=()):
        git(self.repo, "checkout", "-q", "-B", name, "main")
        self.write(files or {})
        for path in delete:
            git(self.repo, "rm", "-q", path)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", name)

    def check(self, *extra, same_lines=True):
        """The offline result; the registry-backed check must reach the same verdict."""
        r = subprocess.run([SLUICE, "ci", "check", "--against", "main", "--offline", "--repo", self.repo,
                            "--format", "github"] + list(extra), capture_output=True, text=True, timeout=60)
        self.assertNotIn("Sanitizer", r.stderr)
        if "--level" not in extra:  # online, the level is the subject's own
            online = subprocess.run([SLUICE, "ci", "check", "--against", "main", "--repo", self.repo,
                                     "--format", "github"] + list(extra), capture_output=True, text=True,
                                    timeout=60, env=self.env)
            self.assertNotIn("Sanitizer", online.stderr)
            self.assertEqual(online.returncode, r.returncode, (online.stdout, online.stderr, r.stdout))
            for line in r.stdout.splitlines():  # the same files and lines
                if same_lines and line.startswith("::error"):
                    self.assertIn(line.split("::")[1], online.stdout)
        return r

    def test_a_safe_branch_passes(self):
        order = BASE["events/order.proto"].replace("  string note = 4;\n", "")  # a field removed
        order = order.replace("string order_id = 1;\n}\n\nmessage OrderShipped", "string id = 1;\n}\n\nmessage OrderShipped", 1)
        order = order.replace("google.protobuf.Timestamp at = 3;", "google.protobuf.Timestamp placed_at = 3;\n  int32 items = 5;")
        order += "\nmessage OrderCancelled {\n  string order_id = 1;\n}\n"
        self.branch("safe", {"events/order.proto": order})
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("1 file checked", r.stderr)

    def assertBreaking(self, r, file, line, kind):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("::error file=%s,line=%d," % (file, line), r.stdout)
        self.assertIn(kind, r.stdout)

    def test_a_field_type_change_breaks(self):
        self.branch("type-change", {"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "int64 note = 4;")})
        self.assertBreaking(self.check(), "events/order.proto", 11, "FIELD_SCALAR_KIND_CHANGED")

    def test_a_field_number_reused_with_another_type_breaks(self):
        order = BASE["events/order.proto"].replace("  string note = 4;\n", "  acme.common.Money note_amount = 4;\n")
        self.branch("number-reused", {"events/order.proto": order})
        self.assertBreaking(self.check(), "events/order.proto", 11, "FIELD_KIND_CHANGED")

    def test_a_proto2_required_field_added_breaks(self):
        acct = BASE["legacy/account.proto"].replace("}\n", "  required string owner = 2;\n}\n")
        self.branch("required", {"legacy/account.proto": acct})
        self.assertBreaking(self.check(), "legacy/account.proto", 6, "REQUIRED_FIELD_ADDED")

    def test_a_message_removed_breaks(self):
        order = BASE["events/order.proto"].split("\nmessage OrderShipped")[0] + "\n"
        self.branch("message-removed", {"events/order.proto": order})
        r = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("MESSAGE_REMOVED", r.stdout)

    def test_a_package_change_breaks(self):
        self.branch("package", {"common/money.proto": BASE["common/money.proto"].replace("acme.common", "acme.money")})
        r = self.check(same_lines=False)  # offline also follows events/order.proto into it
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("file=common/money.proto,line=2,", r.stdout)
        self.assertIn("PACKAGE_CHANGED", r.stdout)

    def test_a_deleted_file_breaks(self):
        self.branch("deleted", delete=["legacy/account.proto"])
        self.assertBreaking(self.check(), "legacy/account.proto", 1, "was deleted")

    def test_files_importing_a_changed_file_are_checked_too(self):
        money = BASE["common/money.proto"].replace("int64 units = 2;", "string units = 2;")
        self.branch("import-changed", {"common/money.proto": money})
        # online, events/order.proto refers to the registered common/money.proto, so only the
        # changed file itself is reported there; offline follows the new import into it
        r = self.check(same_lines=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("file=common/money.proto,line=6,", r.stdout)
        self.assertIn("file=events/order.proto,line=9,", r.stdout)  # the field using Money
        self.assertIn("FIELD_NAMED_TYPE_CHANGED", r.stdout)
        self.assertIn("2 files checked", r.stderr)

    def test_an_invalid_file_breaks_with_its_position(self):
        self.branch("invalid", {"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "Nope note = 4;")})
        self.assertBreaking(self.check(), "events/order.proto", 11, "is not defined")

    def test_levels_and_usage(self):
        order = BASE["events/order.proto"] + "\nmessage OrderReturned {\n  string order_id = 1;\n}\n"
        self.branch("forward", {"events/order.proto": order})
        self.assertEqual(self.check().returncode, 0)                       # BACKWARD: adding is fine
        self.assertEqual(self.check("--level", "FORWARD").returncode, 1)   # old readers lack the type
        self.assertEqual(self.check("--level", "nope").returncode, 2)
        env = {k: v for k, v in os.environ.items() if k != "SLUICE_REGISTRY_URL"}
        r = subprocess.run([SLUICE, "ci", "check", "--against", "main", "--repo", self.repo],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 2)  # no --offline and no registry named
        r = subprocess.run([SLUICE, "ci", "check", "--against", "no-such-branch", "--offline", "--repo", self.repo],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)

    def test_machine_formats_junit_json_markdown_and_the_github_summary(self):
        self.branch("formats", {"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "bool note = 4;")},
                    delete=["legacy/account.proto"])
        junit = self.check("--format", "junit")
        self.assertEqual(junit.returncode, 1)
        root = ET.fromstring(junit.stdout)  # well-formed XML, or this raises
        suite = root.find("testsuite")
        self.assertEqual((suite.get("tests"), suite.get("failures")), ("2", "2"))
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        self.assertEqual(set(cases), {"events/order.proto", "legacy/account.proto"})
        self.assertIn("FIELD_SCALAR_KIND_CHANGED", cases["events/order.proto"].find("failure").get("message"))
        doc = json.loads(self.check("--format", "json").stdout)
        self.assertFalse(doc["compatible"])
        self.assertEqual(doc["checked"], ["events/order.proto"])
        self.assertEqual(sorted((b["file"], b["line"]) for b in doc["breaking"]),
                         [("events/order.proto", 11), ("legacy/account.proto", 1)])
        md = self.check("--format", "markdown").stdout
        self.assertIn("### sluice: breaking schema changes", md)
        self.assertIn("| `events/order.proto` | 11:3 |", md)
        with tempfile.NamedTemporaryFile("r", suffix=".md") as summary:
            r = subprocess.run([SLUICE, "ci", "check", "--against", "main", "--offline", "--repo", self.repo,
                                "--format", "github"], capture_output=True, text=True,
                               env=dict(os.environ, GITHUB_STEP_SUMMARY=summary.name))
            self.assertEqual(r.returncode, 1)
            self.assertIn("| `legacy/account.proto` | 1:1 |", summary.read())
        self.assertEqual(self.check("--format", "yaml").returncode, 2)

    def test_human_format_names_file_line_and_column(self):
        self.branch("human", {"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "bool note = 4;")})
        r = subprocess.run([SLUICE, "ci", "check", "--against", "main", "--offline", "--repo", self.repo],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stdout.startswith("events/order.proto:11:3: {errorType:\"FIELD_SCALAR_KIND_CHANGED\""), r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
