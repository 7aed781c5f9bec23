#!/usr/bin/python3
"""`sluice ci check` never passes what it could not check: a blob libgit2 cannot read and a file
whose merge-base version no longer parses are errors (exit 2), and a registry verdict that no
difference computed here explains is reported in the registry's own words, without a position.
Real Git repositories and real binaries; the registry in the last case is a small fake that
answers as a registry with rules sluice does not have would."""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, HERE)
from sluiced import ROOT  # noqa: E402
from gitrepo import Repo, git  # noqa: E402
from test_ci_offline import BASE  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")


def run(*args, env=None):
    r = subprocess.run([SLUICE] + list(args), capture_output=True, text=True, timeout=60,
                       env=env or os.environ)
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    return r


class UnreadableBlob(unittest.TestCase):
    def test_a_blob_libgit2_cannot_read_is_an_error_not_a_pass(self):
        repo = Repo()
        repo.write(BASE)
        repo.commit("base")
        git(repo.path, "checkout", "-q", "-b", "change")
        repo.write({"events/order.proto": BASE["events/order.proto"].replace(
            "string note = 4;", "string note = 4;\n  int32 items = 5;")})
        repo.commit("compatible change")
        # the unchanged common/money.proto loses its object: it cannot be read at either side
        blob = repo.rev("HEAD:common/money.proto")
        os.remove(os.path.join(repo.path, ".git", "objects", blob[:2], blob[2:]))
        r = run("ci", "check", "--against", "main", "--offline", "--repo", repo.path)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("cannot read common/money.proto", r.stderr)
        # the registry-backed check fails the same way, before asking anything
        env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:1")
        r = run("ci", "check", "--against", "main", "--repo", repo.path, env=env)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("cannot read common/money.proto", r.stderr)
        r = run("ci", "register", "--repo", repo.path, env=env)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        repo.tmp.cleanup()


class BaseNoLongerParses(unittest.TestCase):
    def test_a_merge_base_file_that_does_not_parse_is_an_error_and_the_others_are_checked(self):
        repo = Repo()
        broken = 'syntax = "proto3";\npackage acme.legacy;\nimport "gone/away.proto";\n\nmessage Old {\n  string id = 1;\n}\n'
        repo.write(dict(BASE, **{"legacy/old.proto": broken}))
        repo.commit("base, with a file whose import is missing")
        git(repo.path, "checkout", "-q", "-b", "fix")
        repo.write({"legacy/old.proto": broken.replace('import "gone/away.proto";\n', ""),
                    "events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "bytes note = 4;\n  int64 size = 5;")})
        repo.commit("fix the import, and a compatible change elsewhere")
        r = run("ci", "check", "--against", "main", "--offline", "--repo", repo.path, "--format", "json")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("legacy/old.proto at the merge base does not parse", r.stderr)
        self.assertIn("gone/away.proto", r.stderr)
        self.assertIn("1 file not checked", r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(sorted(doc["checked"]), ["events/order.proto", "legacy/old.proto"])
        self.assertEqual(doc["breaking"], [])
        # a breaking change elsewhere is still reported; the error still decides the exit code
        repo.write({"events/order.proto": BASE["events/order.proto"].replace("string note = 4;", "sint64 note = 4;")})
        repo.commit("a breaking change too")
        r = run("ci", "check", "--against", "main", "--offline", "--repo", repo.path, "--format", "github")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("::error file=events/order.proto,line=11,col=3::", r.stdout)
        repo.tmp.cleanup()


class FakeRegistry(http.server.BaseHTTPRequestHandler):
    """Refuses every schema with a message of its own, and holds each subject's version 1 as
    the text the test gave it; records the Authorization headers it sees."""
    texts = {}
    auth = []

    def log_message(self, *args):
        pass

    def answer(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def subject(self):
        from urllib.parse import unquote
        return unquote(self.path.split("/")[2])

    def do_POST(self):
        FakeRegistry.auth.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer({"is_compatible": False, "messages": [
            "{errorType:\"HOUSE_RULE\", description:\"field names must be longer than two letters\"}",
            "{oldSchemaVersion: 1}", "{oldSchema: 'x'}",
            "{validateFields: 'false', compatibility: 'BACKWARD'}"]})

    def do_GET(self):
        FakeRegistry.auth.append(self.headers.get("Authorization"))
        parts = self.path.split("?")[0].split("/")
        if parts[1] == "config":
            self.answer({"compatibilityLevel": "BACKWARD"})
        elif parts[1] == "subjects" and len(parts) == 4:
            self.answer([1] if self.subject() in FakeRegistry.texts else [])
        elif parts[1] == "subjects" and self.subject() in FakeRegistry.texts:
            self.answer({"subject": self.subject(), "version": 1, "id": 1,
                         "schemaType": "PROTOBUF", "schema": FakeRegistry.texts[self.subject()]})
        else:
            self.answer({"error_code": 40401, "message": "Subject not found."}, 404)


class RegistryWords(unittest.TestCase):
    def test_a_verdict_nothing_here_explains_is_reported_in_the_registrys_words(self):
        repo = Repo()
        money = BASE["common/money.proto"]
        repo.write({"common/money.proto": money})
        repo.commit("base")
        git(repo.path, "checkout", "-q", "-b", "change")
        repo.write({"common/money.proto": money.replace("int64 units = 2;", "int64 units = 2;\n  string cc = 3;")})
        repo.commit("a field that breaks a house rule")
        FakeRegistry.texts = {"common/money.proto": money}
        FakeRegistry.auth = []
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        token = "t" * 5000  # far longer than any header buffer
        env = dict(os.environ, SLUICE_REGISTRY_URL="http://127.0.0.1:%d" % srv.server_address[1],
                   SLUICE_REGISTRY_TOKEN=token)
        try:
            r = run("ci", "check", "--against", "main", "--repo", repo.path, "--format", "github", env=env)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            # the registry's message, without a position; its context lines left out
            self.assertEqual(r.stdout, "::error file=common/money.proto::{errorType:\"HOUSE_RULE\", "
                                       "description:\"field names must be longer than two letters\"}\n")
            self.assertTrue(FakeRegistry.auth)
            self.assertEqual(set(FakeRegistry.auth), {"Bearer " + token})
            r = run("ci", "check", "--against", "main", "--repo", repo.path, "--format", "json", env=env)
            doc = json.loads(r.stdout)
            self.assertEqual(doc["breaking"][0]["line"], None)
            # a token that would split the header is refused
            env["SLUICE_REGISTRY_TOKEN"] = "abc\r\nX-Evil: 1"
            r = run("ci", "check", "--against", "main", "--repo", repo.path, env=env)
            self.assertEqual(r.returncode, 2)
            self.assertIn("line break", r.stderr)
        finally:
            srv.shutdown()
            srv.server_close()
            repo.tmp.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
