#!/usr/bin/python3
"""The sluice CLI's client commands against the real sluiced: list, show, register, check,
config, mode, and the exit codes of its contract (0 done or compatible, 1 incompatible,
2 usage or request error, 3 registry unreachable)."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from sluiced import ROOT, Sluiced, free_port  # noqa: E402

SLUICE = os.environ.get("SLUICE") or os.path.join(ROOT, "build", "sluice")

MONEY = 'syntax = "proto3";\npackage shop;\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n'
ORDER = ('syntax = "proto3";\npackage shop;\nimport "common/money.proto";\n'
         'message Order {\n  string id = 1;\n  Money total = 2;\n}\n')
ORDER_BREAKING = ORDER.replace("string id = 1;", "int64 id = 1;")


class ClientCommands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Sluiced().start()
        cls.dir = tempfile.TemporaryDirectory()
        cls.files = {}
        for name, text in (("money.proto", MONEY), ("order.proto", ORDER), ("order_v2.proto", ORDER_BREAKING),
                           ("user.avsc", '{"type":"record","name":"User","fields":[{"name":"n","type":"string"}]}')):
            path = os.path.join(cls.dir.name, name)
            with open(path, "w") as f:
                f.write(text)
            cls.files[name] = path

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.close()
        cls.dir.cleanup()

    def sluice(self, *args, env_url=True):
        env = dict(os.environ)
        env.pop("SLUICE_REGISTRY_URL", None)
        if env_url:
            env["SLUICE_REGISTRY_URL"] = "http://127.0.0.1:%d" % self.srv.port
        r = subprocess.run([SLUICE] + list(args), capture_output=True, text=True, env=env, timeout=60)
        self.assertNotIn("Sanitizer", r.stderr)
        return r

    def test_register_list_show_and_check_a_protobuf_file_with_a_reference(self):
        r = self.sluice("register", "common/money.proto", self.files["money.proto"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^common/money.proto version 1 id \d+\n$")
        r = self.sluice("register", "orders-value", self.files["order.proto"], "--ref", "common/money.proto=common/money.proto:1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("common/money.proto", self.sluice("subjects").stdout.splitlines())
        self.assertEqual(self.sluice("versions", "orders-value").stdout, "1\n")
        shown = self.sluice("show", "orders-value")
        self.assertEqual(shown.returncode, 0)
        self.assertTrue(shown.stdout.startswith("# orders-value version 1 id "), shown.stdout)
        self.assertIn("message Order {", shown.stdout)
        sid = shown.stdout.split()[5]
        self.assertIn("message Order {", self.sluice("show", "--id", sid).stdout)
        ok = self.sluice("check", "orders-value", self.files["order.proto"], "--ref", "common/money.proto=common/money.proto:1")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("compatible", ok.stdout)
        bad = self.sluice("check", "orders-value", self.files["order_v2.proto"], "--ref", "common/money.proto=common/money.proto:1")
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("INCOMPATIBLE", bad.stdout)
        self.assertIn("FIELD_SCALAR_KIND_CHANGED", bad.stdout)
        reg = self.sluice("register", "orders-value", self.files["order_v2.proto"], "--ref", "common/money.proto=common/money.proto:1")
        self.assertEqual(reg.returncode, 1)
        self.assertIn("409", reg.stderr)

    def test_avro_files_are_recognized_by_their_extension(self):
        r = self.sluice("register", "users-value", self.files["user.avsc"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("AVRO", self.sluice("show", "users-value", "1").stdout)

    def test_config_and_mode(self):
        self.assertEqual(self.sluice("config").stdout, "BACKWARD\n")
        self.assertEqual(self.sluice("config", "cfg-subject", "full_transitive").stdout, "FULL_TRANSITIVE\n")
        self.assertEqual(self.sluice("config", "cfg-subject").stdout, "FULL_TRANSITIVE\n")
        self.assertEqual(self.sluice("mode").stdout, "READWRITE\n")
        self.assertEqual(self.sluice("mode", "mode-subject", "READONLY").stdout, "READONLY\n")
        r = self.sluice("register", "mode-subject", self.files["user.avsc"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("read-only", r.stderr)
        self.assertEqual(self.sluice("config", "cfg-subject", "sideways").returncode, 2)

    def test_usage_errors_exit_2(self):
        self.assertEqual(self.sluice("nonsense").returncode, 2)
        self.assertEqual(self.sluice("versions").returncode, 2)
        self.assertEqual(self.sluice("register", "x", "/nonexistent.proto").returncode, 2)
        self.assertEqual(self.sluice("register", "x", self.files["user.avsc"], "--ref", "bad").returncode, 2)
        self.assertEqual(self.sluice("subjects", env_url=False).returncode, 2)  # no registry named
        self.assertEqual(self.sluice("versions", "no-such-subject").returncode, 2)
        self.assertEqual(self.sluice("--help").returncode, 0)

    def test_an_unreachable_registry_exits_3(self):
        r = self.sluice("--registry", "http://127.0.0.1:%d" % free_port(), "subjects", env_url=False)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cannot reach the registry", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
