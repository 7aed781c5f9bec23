#!/usr/bin/python3
"""`sluice ci register` and the registry-backed `sluice ci check` against the real sluiced, on a
real Git repository: the base registered imports first with references, a breaking branch
refused with its file and line, a safe change registered after the merge, READONLY reported."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from sluiced import ROOT, Sluiced, q  # noqa: E402
from gitrepo import git, write  # noqa: E402
from test_ci_offline import BASE  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")


class CiRegistry(unittest.TestCase):
    def setUp(self):
        self.srv = Sluiced().start()
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = self.tmp.name
        git(self.repo, "init", "-q", "-b", "main")
        self.write(BASE)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "base")

    def tearDown(self):
        self.srv.stop()
        self.srv.close()
        self.tmp.cleanup()

    def write(self, files):
        write(self.repo, files)

    def sluice(self, *args):
        env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:%d" % self.srv.port)
        r = subprocess.run([SLUICE] + list(args) + ["--repo", self.repo], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertNotIn("Sanitizer", r.stderr)
        return r

    def test_register_check_and_register_after_merge(self):
        r = self.sluice("ci", "register")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        # imports first
        self.assertLess([l.split()[0] for l in lines].index("common/money.proto"),
                        [l.split()[0] for l in lines].index("events/order.proto"))
        self.assertIn("events/order.proto -> events/order.proto version 1 id ", r.stdout)
        order = self.srv.get("/subjects/%s/versions/latest" % q("events/order.proto")).json
        self.assertEqual(order["references"], [{"name": "common/money.proto", "subject": "common/money.proto", "version": 1}])
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q("legacy/account.proto")).json, [1])
        # registering again changes nothing
        again = self.sluice("ci", "register")
        self.assertEqual(again.stdout, r.stdout)

        # a breaking branch, checked against the registry
        git(self.repo, "checkout", "-q", "-b", "breaking")
        self.write({"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "double note = 4;")})
        git(self.repo, "commit", "-q", "-am", "breaking")
        bad = self.sluice("ci", "check", "--against", "main", "--format", "github")
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("::error file=events/order.proto,line=11,col=3::", bad.stdout)
        self.assertIn("FIELD_SCALAR_KIND_CHANGED", bad.stdout)

        # a safe branch, merged, then registered
        git(self.repo, "checkout", "-q", "main")
        git(self.repo, "checkout", "-q", "-b", "safe")
        self.write({"events/order.proto": BASE["events/order.proto"].replace("  string note = 4;\n", "  string note = 4;\n  int32 items = 5;\n")})
        git(self.repo, "commit", "-q", "-am", "safe")
        ok = self.sluice("ci", "check", "--against", "main")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        git(self.repo, "checkout", "-q", "main")
        git(self.repo, "merge", "-q", "--ff-only", "safe")
        dry = self.sluice("ci", "register", "--since", "HEAD~1", "--dry-run")
        self.assertEqual(dry.stdout, "common/money.proto (would register as common/money.proto)\n"
                                     "events/order.proto (would register as events/order.proto)\n")
        reg = self.sluice("ci", "register", "--since", "HEAD~1")
        self.assertEqual(reg.returncode, 0, reg.stderr)
        self.assertIn("events/order.proto -> events/order.proto version 2 id ", reg.stdout)
        self.assertIn("common/money.proto -> common/money.proto version 1 id ", reg.stdout)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q("events/order.proto")).json, [1, 2])

    def test_the_config_file_maps_roots_subjects_levels_and_deletions(self):
        # the schemas move under proto/, with a vendored file to ignore and an explicit map
        self.write({"proto/" + p: t for p, t in BASE.items() if p.endswith(".proto")})
        self.write({"vendor/thirdparty.proto": 'syntax = "proto3";\nmessage Vendored {}\n',
                    "sluice.yaml": "roots: [proto]\nignore: [\"legacy/*\"]\nsubjects: map\n"
                                   "subject_map:\n  events/order.proto: orders-value\n"
                                   "compatibility: FULL\nallow_deletions: true\n"})
        for p in BASE:
            if p.endswith(".proto"):
                git(self.repo, "rm", "-q", p)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "proto root")
        r = self.sluice("ci", "register")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("proto/events/order.proto -> orders-value version 1 id ", r.stdout)
        self.assertIn("proto/common/money.proto -> common/money.proto version 1 id ", r.stdout)
        self.assertNotIn("vendor", r.stdout)   # outside the roots
        self.assertNotIn("legacy", r.stdout)   # ignored
        self.assertEqual(self.srv.get("/config/orders-value").json, {"compatibilityLevel": "FULL"})
        refs = self.srv.get("/subjects/orders-value/versions/1").json["references"]
        self.assertEqual(refs, [{"name": "common/money.proto", "subject": "common/money.proto", "version": 1}])
        # deleting a file is allowed by the config; a breaking change is reported at its repo path
        git(self.repo, "checkout", "-q", "-b", "change")
        git(self.repo, "rm", "-q", "proto/common/money.proto")
        order = BASE["events/order.proto"].replace('import "common/money.proto";\n', "").replace(
            "  acme.common.Money total = 2;\n", "").replace("string note = 4;", "int64 note = 4;")
        self.write({"proto/events/order.proto": order})
        git(self.repo, "commit", "-q", "-am", "change")
        bad = self.sluice("ci", "check", "--against", "main", "--format", "github")
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("::error file=proto/events/order.proto,line=", bad.stdout)
        self.assertNotIn("was deleted", bad.stdout)
        offline = self.sluice("ci", "check", "--against", "main", "--offline", "--format", "github")
        self.assertEqual(offline.returncode, 1)
        self.assertIn("file=proto/events/order.proto,", offline.stdout)
        self.assertNotIn("was deleted", offline.stdout)

    def test_deleting_a_file_breaks_only_when_its_subject_is_registered(self):
        self.assertEqual(self.sluice("ci", "register").returncode, 0)
        self.write({"drafts/idea.proto": 'syntax = "proto3";\nmessage Idea { string text = 1; }\n'})
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "an unregistered draft")
        git(self.repo, "checkout", "-q", "-b", "drop")
        git(self.repo, "rm", "-q", "drafts/idea.proto", "legacy/account.proto")
        git(self.repo, "commit", "-q", "-m", "drop two files")
        r = self.sluice("ci", "check", "--against", "main", "--format", "github")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("file=legacy/account.proto,", r.stdout)   # registered: breaking
        self.assertNotIn("drafts/idea.proto", r.stdout)         # never registered: fine

    def test_a_broken_config_file_is_a_usage_error(self):
        self.write({"sluice.yaml": "subjects: sideways\n"})
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "bad config")
        r = self.sluice("ci", "register")
        self.assertEqual(r.returncode, 2)
        self.assertIn("sluice.yaml: subjects is path, message or map", r.stderr)

    def test_a_readonly_registry_is_reported(self):
        self.srv.put("/mode", {"mode": "READONLY"})
        r = self.sluice("ci", "register")
        self.assertEqual(r.returncode, 2)
        self.assertIn("read-only", r.stderr)
        self.assertIn("does not take writes", r.stderr)

    def test_an_unreachable_registry_exits_3(self):
        env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:1")
        r = subprocess.run([SLUICE, "ci", "register", "--repo", self.repo], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertEqual(r.returncode, 3, r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
