#!/usr/bin/python3
"""The proto-repo-example walkthrough, for real: the example becomes a Git repository, is
registered into a real sluiced, then a safe branch passes and a breaking branch fails at the
right line, with the registry and offline alike; the merge is registered, imports first."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from sluiced import ROOT, Sluiced, q  # noqa: E402
from test_ci_offline import git  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")
EXAMPLE = os.path.join(ROOT, "proto-repo-example")
ORDER = "proto/acme/order/v1/order_events.proto"


class Example(unittest.TestCase):
    def setUp(self):
        self.srv = Sluiced().start()
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = os.path.join(self.tmp.name, "events")
        shutil.copytree(EXAMPLE, self.repo)
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "event schemas")

    def tearDown(self):
        self.srv.stop()
        self.srv.close()
        self.tmp.cleanup()

    def sluice(self, *args):
        env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:%d" % self.srv.port)
        r = subprocess.run([SLUICE] + list(args) + ["--repo", self.repo], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertNotIn("Sanitizer", r.stderr)
        return r

    def edit(self, branch, old, new):
        git(self.repo, "checkout", "-q", "main")
        git(self.repo, "checkout", "-q", "-b", branch)
        path = os.path.join(self.repo, ORDER)
        text = open(path).read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new))
        git(self.repo, "commit", "-q", "-am", branch)

    def test_the_walkthrough(self):
        r = self.sluice("ci", "register")
        self.assertEqual(r.returncode, 0, r.stderr)
        order = [l.split()[0] for l in r.stdout.splitlines()]
        self.assertEqual(len(order), 6)
        self.assertLess(order.index("proto/acme/common/v1/money.proto"), order.index(ORDER))
        self.assertLess(order.index("proto/acme/common/v1/envelope.proto"), order.index(ORDER))
        subjects = self.srv.get("/subjects").json
        self.assertIn("acme/order/v1/order_events.proto", subjects)
        refs = self.srv.get("/subjects/%s/versions/1" % q("acme/order/v1/order_events.proto")).json["references"]
        self.assertEqual(sorted(x["name"] for x in refs), ["acme/common/v1/address.proto",
                                                          "acme/common/v1/envelope.proto",
                                                          "acme/common/v1/money.proto"])

        self.edit("gift", "  string coupon_code = 7;", "  bool gift = 8;")
        for extra in ([], ["--offline"]):
            ok = self.sluice("ci", "check", "--against", "main", *extra)
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)

        self.edit("qty", "uint32 quantity = 2;", "string quantity = 2;")
        for extra in ([], ["--offline"]):
            bad = self.sluice("ci", "check", "--against", "main", "--format", "github", *extra)
            self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
            self.assertRegex(bad.stdout, re.escape("::error file=%s,line=21,col=5::" % ORDER))
            self.assertIn("FIELD_SCALAR_KIND_CHANGED", bad.stdout)

        git(self.repo, "checkout", "-q", "main")
        git(self.repo, "merge", "-q", "--ff-only", "gift")
        reg = self.sluice("ci", "register", "--since", "HEAD~1")
        self.assertEqual(reg.returncode, 0, reg.stderr)
        self.assertIn("%s -> acme/order/v1/order_events.proto version 2 id " % ORDER, reg.stdout)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q("acme/order/v1/order_events.proto")).json, [1, 2])

    def test_the_workflows_run_the_documented_commands(self):
        gh = open(os.path.join(EXAMPLE, ".github", "workflows", "schemas.yml")).read()
        gl = open(os.path.join(EXAMPLE, ".gitlab-ci.yml")).read()
        self.assertIn("sluice ci check --against origin/${{ github.base_ref }} --format github", gh)
        self.assertIn("sluice ci register --since HEAD~1", gh)
        self.assertIn("--format junit", gl)
        self.assertIn("sluice ci register --since HEAD~1", gl)


if __name__ == "__main__":
    unittest.main(verbosity=2)
