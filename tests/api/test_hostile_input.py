#!/usr/bin/python3
"""Hostile and unusual input, one request each, through the real server: every one gets a 4xx
with Confluent's error code and a message that names the problem, the server keeps serving, and
nothing is stored. Also the wrong answers that such input used to produce (a stale schema by id,
a 500 on a valid re-registration, empty error bodies)."""
import json
import os
import tempfile
import threading
import time

from sluiced import ServerTest, Sluiced, main, q, record


def proto(body):
    return 'syntax = "proto3";\npackage hostile;\n' + body


class Hostile(ServerTest):
    def tearDown(self):
        self.assertEqual(self.srv.get("/", fresh=True).json, {}, "the server stopped serving")

    def assertNothingStored(self, subject):
        self.assertNotIn(subject, self.srv.get("/subjects?deleted=true").json)

    # ---- crashes and stalls ----

    def test_a_string_option_that_is_not_utf8_never_breaks_a_read(self):
        s = self.subject()
        schema = proto('option java_package = "\\377";\nmessage M { int32 a = 1; }\n')
        r = self.srv.register(s, schema, schemaType="PROTOBUF")
        if r.status != 200:  # refused as protoc refuses it: fine, if said clearly
            self.assertError(r, 422, 42201)
            self.assertNothingStored(s)
            return
        self.assertIsInstance(r.json.get("schema"), str, r)
        sid = r.json["id"]
        paths = ("/schemas/ids/%d" % sid, "/schemas/ids/%d?format=serialized" % sid,
                 "/schemas/ids/%d?format=resolved" % sid, "/subjects/%s/versions/latest" % q(s),
                 "/schemas/ids/%d/schema" % sid)
        for path in paths * 2:  # the second round is served from memory
            got = self.srv.get(path)
            self.assertEqual(got.status, 200, (path, got))
            self.assertTrue(got.text, path)
        self.assertTrue(self.srv.get(paths[2]).json["schema"])
        # and again after a restart, from the store
        with tempfile.TemporaryDirectory(prefix="sluice-api-") as d:
            own = Sluiced(db_dir=d).start()
            try:
                sid = own.register("utf8", schema, schemaType="PROTOBUF").json["id"]
                own.stop()
                own.start()
                self.assertEqual(own.get("/schemas/ids/%d" % sid).status, 200)
            finally:
                own.stop()

    def test_an_option_value_nested_fifty_thousand_deep_is_refused(self):
        s = self.subject()
        depth = 50000
        value = "m { " * depth + "x: 1" + " }" * depth
        schema = proto('import "google/protobuf/descriptor.proto";\n'
                       'message Rec { Rec m = 1; int32 x = 2; }\n'
                       'extend google.protobuf.FileOptions { Rec myopt = 50001; }\n'
                       'option (myopt) = { %s };\nmessage M { int32 a = 1; }\n' % value)
        r = self.srv.register(s, schema, schemaType="PROTOBUF")
        self.assertError(r, 422, 42201)
        self.assertIn("deeper", r.json["message"])
        self.assertNothingStored(s)

    def test_huge_schemas_are_parsed_without_holding_up_other_writers(self):
        enum = json.dumps({"type": "enum", "name": "Big", "symbols": ["S%d" % i for i in range(100000)]})
        numbers = [n for n in range(1, 21001) if not 19000 <= n <= 19999]  # protobuf's own range
        fields = "".join("  int32 f%d = %d;\n" % (n, n) for n in numbers)
        big = [(self.subject("enum"), enum, {}),
               (self.subject("proto"), proto("message Wide {\n%s}\n" % fields), {"schemaType": "PROTOBUF"})]
        done, results = [], []

        def register_big():
            own = self.srv.client()
            for subject, schema, extra in big:
                results.append(own.register(subject, schema, **extra))
            done.append(time.monotonic())

        t = threading.Thread(target=register_big)
        started = time.monotonic()
        t.start()
        small_done = []
        for i in range(10):
            s = self.subject("small")
            self.assertEqual(self.srv.register(s, record("Small%d" % i, ("a", "int"))).status, 200)
            self.assertEqual(self.srv.put("/config/%s" % q(s), {"compatibility": "NONE"}).status, 200)
            small_done.append(time.monotonic())
        t.join(timeout=120)
        self.assertFalse(t.is_alive(), "a 100,000-symbol enum or a 20,000-field message took minutes")
        for r in results:
            self.assertEqual(r.status, 200, r)
        if done[0] - started > 1:  # long enough to tell: the small writes did not wait for it
            self.assertLess(small_done[0], done[0])
        # Registering a Wide version again is found by its fingerprint, not stored twice.
        self.assertEqual(self.srv.register(big[1][0], big[1][1], **big[1][2]).json["version"], 1)

    # ---- NUL and invalid UTF-8 ----

    def test_subjects_with_nul_or_invalid_utf8_are_refused_with_42208(self):
        for raw, why in (("a%00b", "NUL"), ("%00", "NUL"), ("%FF", "UTF-8"), ("a%C3", "UTF-8"),
                         ("%ED%A0%80", "UTF-8")):
            r = self.srv.post("/subjects/%s/versions" % raw, {"schema": '"string"'})
            self.assertError(r, 422, 42208)
            self.assertIn(why, r.json["message"])
            for path in ("/subjects/%s/versions" % raw, "/config/%s" % raw, "/mode/%s" % raw):
                got = self.srv.get(path)
                self.assertError(got, 422, 42208)
            self.assertError(self.srv.put("/config/%s" % raw, {"compatibility": "NONE"}), 422, 42208)
        subjects = self.srv.get("/subjects?deleted=true").json
        for name in ("a", "", "a\x00b"):
            self.assertNotIn(name, subjects)

    def test_a_nul_inside_a_schema_or_a_field_is_42201(self):
        s = self.subject()
        r = self.srv.post("/subjects/%s/versions" % q(s), {"schema": '"string"\u0000 and more'})
        self.assertError(r, 422, 42201)
        self.assertIn("NUL character at offset 8", r.json["message"])
        r = self.srv.post("/subjects/%s/versions" % q(s),
                          {"schema": '"string"', "references": [{"name": "a\u0000b", "subject": "x", "version": 1}]})
        self.assertError(r, 422, 42201)
        self.assertNothingStored(s)

    def test_query_values_with_nul_or_invalid_utf8_are_400(self):
        for query in ("subjectPrefix=%00", "subjectPrefix=%FF", "deleted=tr%00ue"):
            r = self.srv.get("/subjects?" + query)
            self.assertError(r, 400, 400)
            self.assertIn("query parameter", r.json["message"])

    # ---- metadata ----

    def test_metadata_properties_must_be_strings(self):
        s = self.subject()
        schema = record("Meta", ("a", "string"))
        for meta in ({"properties": {"owner": [1, {"x": None}]}}, {"properties": {"owner": 5}},
                     {"properties": "x"}, {"tags": {"a": "b"}}, {"sensitive": [1]}):
            r = self.srv.register(s, schema, metadata=meta)
            self.assertError(r, 422, 42201)
            self.assertIn("metadata", r.json["message"])
        self.assertNothingStored(s)
        ok = self.srv.register(s, schema, metadata={"properties": {"owner": "team-a"}})
        self.assertEqual(ok.status, 200, ok)
        other = self.srv.register(s, schema, metadata={"properties": {"owner": "team-b"}})
        self.assertNotEqual(other.json["id"], ok.json["id"])

    # ---- protobuf that protoc refuses ----

    def test_protobuf_that_protoc_refuses_is_42201(self):
        cases = {
            "reserved number": "message M { reserved 2; int32 a = 2; }",
            "reserved name": 'message M { reserved "a"; int32 a = 1; }',
            "int32 default": 'syntax = "proto2"; message M { optional int32 a = 1 [default = 2147483648]; }',
            "extension range": 'syntax = "proto2"; message M { extensions 1 to 99999999999; }',
            "uint64 default": 'syntax = "proto2"; message M { optional uint64 a = 1 [default = 18446744073709551616]; }',
        }
        for what, body in cases.items():
            s = self.subject()
            text = body if body.startswith("syntax") else proto(body)
            r = self.srv.register(s, text, schemaType="PROTOBUF")
            self.assertError(r, 422, 42201)
            self.assertNothingStored(s)

    # ---- wrong answers ----

    def test_a_schema_id_freed_by_import_then_reused_is_served_with_its_new_schema(self):
        s = self.subject()
        first = self.srv.register(s, record("Freed", ("a", "string")))
        sid = first.json["id"]
        self.assertIn("Freed", self.srv.get("/schemas/ids/%d" % sid).json["schema"])  # now in memory
        self.assertEqual(self.srv.delete("/subjects/%s" % q(s)).status, 200)
        self.assertEqual(self.srv.put("/mode/%s" % q(s), {"mode": "IMPORT"}).status, 200)  # removes it
        self.assertError(self.srv.get("/schemas/ids/%d" % sid), 404, 40403)
        again = self.srv.register(s, record("Reused", ("b", "long")), id=sid, version=1)
        self.assertEqual(again.status, 200, again)
        self.assertIn("Reused", self.srv.get("/schemas/ids/%d" % sid).json["schema"])
        self.srv.put("/mode/%s" % q(s), {"mode": "READWRITE"})

    def test_a_schema_whose_only_copy_is_soft_deleted_registers_again(self):
        s = self.subject()
        schema = record("OnlySoftDeleted", ("a", "string"))
        first = self.srv.register(s, schema)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1" % q(s)).status, 200)
        again = self.srv.register(s, schema)
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.json["id"], first.json["id"])
        self.assertEqual(again.json["version"], 2)
        self.assertEqual(self.srv.get("/subjects/%s/versions?deleted=true" % q(s)).json, [2])

    def test_long_compatibility_details_come_back_whole(self):
        s = self.subject()
        doc = "é" * 3000
        self.assertEqual(self.srv.register(s, record("Long", ("a", "string"), doc=doc)).status, 200)
        r = self.srv.register(s, record("Long", ("a", "int"), doc=doc))
        self.assertEqual(r.status, 409, r)
        message = r.json["message"]
        self.assertTrue(message.endswith("}]"), message[-80:])
        self.assertIn(doc, message)

    def test_errors_that_name_text_that_is_not_utf8_have_a_body(self):
        r = self.srv.get("/subjects/%FF%FE/versions")
        self.assertError(r, 422, 42208)


class Limits(ServerTest):
    """Each limit has a config key; input over it is refused by name, and the server goes on."""

    @classmethod
    def setUpClass(cls):
        cls.props = tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False)
        cls.props.write("sluice.schema.max.bytes=2000\nsluice.schema.max.depth=10\n"
                        "sluice.schema.max.references=2\nsluice.schema.max.reference.depth=2\n")
        cls.props.close()
        cls.server_args = ("--config", cls.props.name)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            os.unlink(cls.props.name)

    def test_a_schema_over_the_size_limit_is_42201(self):
        r = self.srv.register(self.subject(), record("Big", *[("f%d" % i, "string") for i in range(200)]))
        self.assertError(r, 422, 42201)
        self.assertIn("sluice.schema.max.bytes", r.json["message"])

    def test_nesting_over_the_depth_limit_is_42201(self):
        nested = "int"
        for _ in range(11):
            nested = {"type": "array", "items": nested}
        r = self.srv.register(self.subject(), json.dumps(nested))
        self.assertError(r, 422, 42201)
        shallow = {"type": "array", "items": {"type": "array", "items": "int"}}
        self.assertEqual(self.srv.register(self.subject(), json.dumps(shallow)).status, 200)

    def test_too_many_references_or_too_deep_a_chain_is_42201(self):
        base = self.subject("base")
        self.assertEqual(self.srv.register(base, record("Base", ("a", "int"))).status, 200)
        refs = [{"name": "Base", "subject": base, "version": 1}] * 3
        r = self.srv.register(self.subject(), '"string"', references=refs)
        self.assertError(r, 422, 42201)
        self.assertIn("sluice.schema.max.references", r.json["message"])
        # a chain: c -> b -> base is two levels; d -> c -> b -> base is three
        chain, prev, prev_name = [], base, "Base"
        for name in ("B", "C", "D"):
            s = self.subject(name)
            r = self.srv.register(s, record(name, ("x", prev_name)),
                                  references=[{"name": prev_name, "subject": prev, "version": 1}])
            chain.append(r)
            prev, prev_name = s, name
        self.assertEqual(chain[0].status, 200, chain[0])
        self.assertEqual(chain[1].status, 200, chain[1])
        self.assertError(chain[2], 422, 42201)
        self.assertIn("deeper", chain[2].json["message"])


if __name__ == "__main__":
    main()
