#!/usr/bin/python3
"""Debian's python3-confluent-kafka SchemaRegistryClient against the real sluiced: register, look
up, latest version, compatibility, config, deletes. (Its Avro serializer needs fastavro, which
Debian does not ship; the JavaScript client test covers serializer round-trips.)"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import tempfile  # noqa: E402

from sluiced import ServerTest, Sluiced, basic_auth, passwd  # noqa: E402

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry.error import SchemaRegistryError  # noqa: E402

V1 = '{"type":"record","name":"User","fields":[{"name":"name","type":"string"}]}'
V2 = '{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}'
BAD = '{"type":"record","name":"User","fields":[{"name":"name","type":"int"}]}'


class PythonClient(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = SchemaRegistryClient({"url": cls.srv.url})

    def test_register_lookup_and_latest(self):
        sid = self.client.register_schema("users-value", Schema(V1, "AVRO"))
        self.assertGreater(sid, 0)
        self.assertEqual(self.client.register_schema("users-value", Schema(V1, "AVRO")), sid)
        found = self.client.lookup_schema("users-value", Schema(V1, "AVRO"))
        self.assertEqual((found.schema_id, found.version, found.subject), (sid, 1, "users-value"))
        self.assertEqual(self.client.get_schema(sid).schema_str, V1)
        latest = self.client.get_latest_version("users-value")
        self.assertEqual((latest.schema_id, latest.version), (sid, 1))
        self.assertIn("users-value", self.client.get_subjects())
        self.assertEqual(self.client.get_versions("users-value"), [1])

    def test_compatibility_and_config(self):
        self.client.register_schema("compat-value", Schema(V1, "AVRO"))
        self.assertTrue(self.client.test_compatibility("compat-value", Schema(V2, "AVRO")))
        self.assertFalse(self.client.test_compatibility("compat-value", Schema(BAD, "AVRO")))
        self.client.set_compatibility("compat-value", "FULL")
        self.assertEqual(self.client.get_compatibility("compat-value"), "FULL")
        with self.assertRaises(SchemaRegistryError) as e:
            self.client.register_schema("compat-value", Schema(BAD, "AVRO"))
        self.assertEqual(e.exception.error_code, 409)

    def test_errors_carry_confluent_codes(self):
        with self.assertRaises(SchemaRegistryError) as e:
            self.client.get_latest_version("no-such-subject")
        self.assertEqual(e.exception.error_code, 40401)
        with self.assertRaises(SchemaRegistryError) as e:
            self.client.register_schema("broken", Schema('{"type":"nope"}', "AVRO"))
        self.assertEqual(e.exception.error_code, 42201)

    def test_deletes(self):
        self.client.register_schema("gone-value", Schema('"string"', "AVRO"))
        self.assertEqual(self.client.delete_version("gone-value", 1), 1)
        self.client.register_schema("gone2-value", Schema('"long"', "AVRO"))
        self.assertEqual(self.client.delete_subject("gone2-value"), [1])
        self.assertNotIn("gone2-value", self.client.get_subjects())
        # this client's permanent delete is a soft delete followed by a hard one
        self.client.register_schema("gone3-value", Schema('"double"', "AVRO"))
        self.assertEqual(self.client.delete_subject("gone3-value", permanent=True), [1])
        with self.assertRaises(SchemaRegistryError) as e:
            self.client.get_versions("gone3-value")
        self.assertEqual(e.exception.error_code, 40401)


class PythonClientWithBasicAuth(unittest.TestCase):
    """The client's basic.auth.user.info setting works unchanged against a registry that asks for
    credentials; wrong ones are a 401 with error code 40101."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="sluice-py-auth-")
        creds = os.path.join(cls.dir.name, "credentials")
        passwd(creds, "producer", "pw", "--role", "writer")
        cls.srv = Sluiced(config={"authentication.method": "BASIC", "sluice.auth.file": creds},
                          headers={"Authorization": basic_auth("producer", "pw")}).start()
        cls.url = "http://127.0.0.1:%d" % cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.close()
        cls.dir.cleanup()

    def test_user_info_credentials_register_and_read(self):
        client = SchemaRegistryClient({"url": self.url, "basic.auth.user.info": "producer:pw"})
        sid = client.register_schema("auth-value", Schema(V1, "AVRO"))
        self.assertEqual(client.get_schema(sid).schema_str, V1)
        self.assertIn("auth-value", client.get_subjects())

    def test_wrong_credentials_are_40101(self):
        client = SchemaRegistryClient({"url": self.url, "basic.auth.user.info": "producer:nope"})
        with self.assertRaises(SchemaRegistryError) as e:
            client.get_subjects()
        self.assertEqual(e.exception.error_code, 40101)
        anonymous = SchemaRegistryClient({"url": self.url})
        with self.assertRaises(SchemaRegistryError) as e:
            anonymous.get_subjects()
        self.assertEqual(e.exception.http_status_code, 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
