#!/usr/bin/python3
"""proto-repo-example's GitHub and GitLab jobs, as they are written: their install step puts
`sluice` on the PATH of a clean root, and their commands then run there, with nothing of the
build tree on the PATH and an empty environment but the job's own, against a real sluiced that
asks for the job's API key.

The install step clones SLUICE_SOURCE at SLUICE_VERSION and runs `make install-cli
PREFIX=/usr/local` in it; here the same make target runs on this checkout (no second build),
staged into the clean root with DESTDIR."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from sluiced import ROOT, Sluiced, apikey, q  # noqa: E402
from gitrepo import git  # noqa: E402

EXAMPLE = os.path.join(ROOT, "proto-repo-example")
ORDER = "proto/acme/order/v1/order_events.proto"
INSTALL = re.compile(r"^make -C /tmp/sluice install-cli PREFIX=/usr/local$")


def read(path):
    with open(path) as f:
        return f.read()


class Jobs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sluice-jobs-")
        t = cls.tmp.name
        cls.root = os.path.join(t, "root")
        creds = os.path.join(t, "credentials")
        cls.token = apikey(creds, "ci", "--role", "writer")
        cls.srv = Sluiced(config={"authentication.method": "BASIC", "sluice.auth.file": creds}).start()
        # the install step's make target, into the clean root (the optimized build, which
        # `make test` compiles too; a make of its own, not the one running the tests)
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        r = subprocess.run(["make", "-C", ROOT, "install-cli", "PREFIX=/usr/local",
                            "DESTDIR=" + cls.root], capture_output=True, text=True, timeout=600,
                           env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        # origin: the example on main, registered as it is
        cls.origin = os.path.join(t, "origin.git")
        seed = os.path.join(t, "seed")
        shutil.copytree(EXAMPLE, seed)
        git(seed, "init", "-q", "-b", "main")
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "event schemas")
        subprocess.run(["git", "clone", "-q", "--bare", seed, cls.origin], check=True)
        r = cls.run_in(seed, "sluice ci register")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.close()
        cls.tmp.cleanup()

    @classmethod
    def run_in(cls, cwd, script, env=None):
        """Run a job's script in the clean root: its PATH, an empty environment, the job's env."""
        home = os.path.join(cls.tmp.name, "home")
        os.makedirs(home, exist_ok=True)
        e = {"PATH": os.path.join(cls.root, "usr/local/bin") + ":/usr/bin:/bin", "HOME": home,
             "LANG": "C.UTF-8", "SLUICE_REGISTRY_URL": cls.srv.url,
             "SLUICE_REGISTRY_TOKEN": cls.token, "GIT_AUTHOR_NAME": "t",
             "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
             "GIT_COMMITTER_EMAIL": "t@example.com"}
        e.update(env or {})
        return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=e,
                              capture_output=True, text=True, timeout=120)

    def branch(self, name, old, new):
        """A clone of origin with a branch changing the order events (as a pull request)."""
        work = os.path.join(self.tmp.name, "work-" + name)
        subprocess.run(["git", "clone", "-q", self.origin, work], check=True)
        git(work, "checkout", "-q", "-b", name)
        path = os.path.join(work, ORDER)
        text = read(path)
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new))
        git(work, "commit", "-q", "-am", name)
        return work

    def github_steps(self, job, context):
        """The job's run steps, the install steps checked and left out, expressions filled in."""
        wf = yaml.safe_load(read(os.path.join(EXAMPLE, ".github/workflows/schemas.yml")))
        steps = wf["jobs"][job]["steps"]
        self.assertEqual(wf["jobs"][job]["container"], "debian:12")
        install = [s for s in steps if s.get("name") == "Install the sluice CLI"]
        self.assertEqual(len(install), 1, "the job installs the sluice CLI")
        lines = install[0]["run"].strip().splitlines()
        self.assertIn('"$SLUICE_SOURCE" /tmp/sluice', lines[1])
        self.assertRegex(lines[2], INSTALL)
        runs = []
        for s in steps:
            if "run" not in s or s["name"].startswith("Install"):
                continue
            cmd = s["run"]
            for key, val in context.items():
                cmd = cmd.replace("${{ %s }}" % key, val)
            self.assertNotIn("${{", cmd)
            runs.append(cmd)
        return runs

    def gitlab(self, job):
        ci = yaml.safe_load(read(os.path.join(EXAMPLE, ".gitlab-ci.yml")))
        before = ci["default"]["before_script"]
        self.assertEqual(ci["default"]["image"], "debian:12")
        self.assertRegex(before[2], INSTALL)
        return "\n".join(ci[job]["script"])

    def test_github_check_passes_a_safe_change_and_fails_a_breaking_one(self):
        safe = self.branch("gh-safe", "  string coupon_code = 7;", "  bool gift = 8;")
        for cmd in self.github_steps("check", {"github.base_ref": "main"}):
            r = self.run_in(safe, "command -v sluice; " + cmd)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(r.stdout.startswith(os.path.join(self.root, "usr/local/bin/sluice")))
        bad = self.branch("gh-bad", "uint32 quantity = 2;", "string quantity = 2;")
        for cmd in self.github_steps("check", {"github.base_ref": "main"}):
            r = self.run_in(bad, cmd)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("::error file=%s" % ORDER, r.stdout)

    def test_github_register_registers_the_merge(self):
        work = self.branch("gh-merge", "  string coupon_code = 7;", "  bool gift = 8;")
        for cmd in self.github_steps("register", {}):
            r = self.run_in(work, cmd)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        versions = self.srv.get("/subjects/%s/versions" % q("acme/order/v1/order_events.proto"),
                                headers={"Authorization": "Bearer " + self.token}).json
        self.assertGreaterEqual(len(versions), 2)

    def test_gitlab_check_writes_junit_and_register_runs(self):
        work = self.branch("gl-safe", "  string coupon_code = 7;", "  bool gift = 8;")
        env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
        r = self.run_in(work, self.gitlab("schemas:check"), env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("<testsuite", read(os.path.join(work, "schemas.xml")))
        r = self.run_in(work, self.gitlab("schemas:register"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_without_the_api_key_the_registry_refuses_the_job(self):
        work = self.branch("gh-anon", "  string coupon_code = 7;", "  bool gift = 8;")
        cmd = self.github_steps("check", {"github.base_ref": "main"})[0]
        r = self.run_in(work, cmd, {"SLUICE_REGISTRY_TOKEN": ""})
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
