#!/usr/bin/python3
"""Debian's python3-confluent-kafka JSON serializer and deserializer (validating with Debian's
python3-jsonschema) against the real sluiced: the serializer registers its schema with
schemaType JSON, an object round-trips, an invalid object is refused, and the registry holds the
schema the client sent."""
import json
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from sluiced import ServerTest  # noqa: E402

from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError  # noqa: E402

USER = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "User",
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    },
    "required": ["name"],
})


class PythonJson(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = SchemaRegistryClient({"url": cls.srv.url})

    def test_round_trip_with_validation(self):
        ser = JSONSerializer(USER, self.client)
        de = JSONDeserializer(USER)
        ctx = SerializationContext("users", MessageField.VALUE)
        user = {"name": "Ada", "age": 36, "tags": ["math"]}
        data = ser(user, ctx)
        self.assertEqual(data[0], 0)
        sid = struct.unpack(">I", data[1:5])[0]
        self.assertEqual(de(data, ctx), user)
        got = self.client.get_schema(sid)
        self.assertEqual(got.schema_type, "JSON")
        self.assertEqual(json.loads(got.schema_str), json.loads(USER))
        latest = self.client.get_latest_version("users-value")
        self.assertEqual(latest.schema_id, sid)

    def test_invalid_objects_are_refused(self):
        ser = JSONSerializer(USER, self.client)
        ctx = SerializationContext("users", MessageField.VALUE)
        with self.assertRaises(SerializationError):
            ser({"name": "", "age": -1}, ctx)
        with self.assertRaises(SerializationError):
            ser({"age": 3}, ctx)

    def test_the_registry_validates_the_same_object_the_same_way(self):
        ser = JSONSerializer(USER, self.client)
        ser({"name": "Bob"}, SerializationContext("people", MessageField.VALUE))
        ok = self.srv.post("/sluice/v1/subjects/people-value/versions/latest/validate",
                           {"name": "Bob", "tags": ["a", "b"]})
        self.assertTrue(ok.json["valid"], ok)
        bad = self.srv.post("/sluice/v1/subjects/people-value/versions/latest/validate",
                            {"name": "Bob", "tags": ["a", "a"]})
        self.assertEqual([v["pointer"] for v in bad.json["violations"]], ["/tags"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
