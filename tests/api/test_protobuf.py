#!/usr/bin/python3
"""Protobuf schemas through the API: register, lookup with reformatted text, references between
three files, well-known imports, format=serialized (read with Debian's python3-protobuf),
base64 descriptors as Confluent's serializers send them, compatibility at the seven levels, and
Confluent's own protobuf diff vectors end to end when the shared reference data is present."""
import base64
import json
import os

from google.protobuf import descriptor_pb2

from sluiced import ROOT, ServerTest, main, q

MONEY = 'syntax = "proto3";\npackage acme.common;\nmessage Money {\n  int64 units = 1;\n  string currency = 2;\n}\n'
ADDRESS = ('syntax = "proto3";\npackage acme.common;\nimport "common/money.proto";\n'
           'message Address { string city = 1; Money delivery_fee = 2; }\n')
ORDER = ('syntax = "proto3";\npackage acme.orders;\n'
         'import "common/address.proto";\nimport "common/money.proto";\nimport "google/protobuf/timestamp.proto";\n'
         'message Order {\n  string id = 1;\n  acme.common.Money total = 2;\n  acme.common.Address ship_to = 3;\n'
         '  google.protobuf.Timestamp at = 4;\n  repeated Line lines = 5;\n  message Line { string sku = 1; }\n}\n')
ORDER_REFORMATTED = ('// the same schema, written differently\nsyntax="proto3"; package acme.orders;\n'
                     'import "google/protobuf/timestamp.proto"; import "common/money.proto"; import "common/address.proto";\n'
                     'message Order { string id = 1; .acme.common.Money total = 2; /* x */ acme.common.Address ship_to = 3;\n'
                     'google.protobuf.Timestamp at = 4; repeated Order.Line lines = 5; message Line { string sku = 1; } }')


def pb(schema, refs=None, **extra):
    body = {"schemaType": "PROTOBUF", "schema": schema}
    if refs:
        body["references"] = refs
    body.update(extra)
    return body


class Protobuf(ServerTest):
    def register_files(self):
        p = self.subject("f") + "/"
        money, address, order = p + "common/money.proto", p + "common/address.proto", p + "orders/order.proto"
        r1 = self.srv.post("/subjects/%s/versions" % q(money), pb(MONEY))
        r2 = self.srv.post("/subjects/%s/versions" % q(address), pb(ADDRESS, [{"name": "common/money.proto", "subject": money, "version": 1}]))
        refs = [{"name": "common/address.proto", "subject": address, "version": 1},
                {"name": "common/money.proto", "subject": money, "version": 1}]
        r3 = self.srv.post("/subjects/%s/versions" % q(order), pb(ORDER, refs))
        for r in (r1, r2, r3):
            self.assertEqual(r.status, 200, r)
        return money, address, order, refs, r3.json

    def test_schema_types_include_protobuf(self):
        self.assertIn("PROTOBUF", self.srv.get("/schemas/types").json)

    def test_three_files_with_references_and_a_well_known_import(self):
        money, address, order, refs, reply = self.register_files()
        self.assertEqual(reply["schemaType"], "PROTOBUF")
        got = self.srv.get("/subjects/%s/versions/1" % q(order)).json
        self.assertEqual(got["references"], refs)
        self.assertIn("message Order {", got["schema"])
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(money)).json,
                         sorted([self.srv.get("/subjects/%s/versions/1" % q(address)).json["id"], reply["id"]]))
        # the raw text endpoint returns .proto text
        self.assertTrue(self.srv.get("/schemas/ids/%d/schema" % reply["id"]).text.startswith('syntax = "proto3";'))

    def test_lookup_and_re_registration_with_reformatted_text_find_the_same_schema(self):
        money, address, order, refs, reply = self.register_files()
        r = self.srv.post("/subjects/%s" % q(order), pb(ORDER_REFORMATTED, refs))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["id"], r.json["version"]), (reply["id"], 1))
        again = self.srv.post("/subjects/%s/versions" % q(order), pb(ORDER_REFORMATTED, refs))
        self.assertEqual((again.json["id"], again.json["version"]), (reply["id"], 1))

    def test_format_serialized_is_a_base64_file_descriptor(self):
        money, address, order, refs, reply = self.register_files()
        r = self.srv.get("/schemas/ids/%d?format=serialized" % reply["id"])
        fd = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(r.json["schema"]))
        self.assertEqual(fd.package, "acme.orders")
        self.assertEqual([m.name for m in fd.message_type], ["Order"])
        self.assertEqual(fd.message_type[0].field[1].type_name, ".acme.common.Money")
        self.assertIn("google/protobuf/timestamp.proto", fd.dependency)
        self.assertEqual(r.json["references"], refs)

    def test_a_base64_descriptor_registers_as_the_same_schema_as_its_text(self):
        s = self.subject()
        fd = descriptor_pb2.FileDescriptorProto(name="money.proto", package="acme.common", syntax="proto3")
        m = fd.message_type.add(name="Money")
        m.field.add(name="units", number=1, type=3, label=1, json_name="units")
        m.field.add(name="currency", number=2, type=9, label=1, json_name="currency")
        r = self.srv.post("/subjects/%s/versions" % q(s), pb(base64.b64encode(fd.SerializeToString()).decode()))
        self.assertEqual(r.status, 200, r)
        self.assertIn("message Money {", r.json["schema"])
        self.assertEqual(self.srv.post("/subjects/%s" % q(s), pb(MONEY)).json["id"], r.json["id"])

    def test_custom_options_survive_a_base64_descriptor(self):
        s, again = self.subject(), self.subject("again")
        text = ('syntax = "proto3";\npackage opts;\nimport "confluent/meta.proto";\n'
                'message Tagged {\n  string id = 1 [(confluent.field_meta).doc = "the id"];\n}\n')
        r = self.srv.post("/subjects/%s/versions" % q(s), pb(text))
        self.assertEqual(r.status, 200, r)
        serialized = self.srv.get("/schemas/ids/%d?format=serialized" % r.json["id"]).json["schema"]
        back = self.srv.post("/subjects/%s/versions" % q(again), pb(serialized))
        self.assertEqual(back.status, 200, back)
        self.assertIn('(.confluent.field_meta) = { doc: "the id" }', back.json["schema"])
        self.assertEqual(back.json["schema"], r.json["schema"])
        self.assertEqual(back.json["id"], r.json["id"])  # the same schema, options and all

    def test_invalid_proto_is_42201_with_line_and_column(self):
        r = self.srv.post("/subjects/%s/versions" % q(self.subject()), pb('syntax = "proto3";\nmessage M {\n  Nope x = 1;\n}\n'))
        self.assertError(r, 422, 42201)
        self.assertIn(":3:3: \"Nope\" is not defined.", r.json["message"])
        r = self.srv.post("/subjects/%s/versions" % q(self.subject()), pb('syntax = "proto3";\nimport "missing.proto";\n'))
        self.assertError(r, 422, 42201)

    def test_compatibility_follows_confluents_protobuf_rules(self):
        s = self.subject()
        v1 = 'syntax = "proto3";\nmessage M { string a = 1; int32 b = 2; }'
        self.srv.post("/subjects/%s/versions" % q(s), pb(v1))
        cases = [
            ('syntax = "proto3";\nmessage M { string a = 1; }', True),                  # field removed
            ('syntax = "proto3";\nmessage M { string renamed = 1; int32 b = 2; }', True),  # renamed
            ('syntax = "proto3";\nmessage M { string a = 1; int64 b = 2; }', True),       # same scalar group
            ('syntax = "proto3";\nmessage M { string a = 1; string b = 2; }', False),     # kind changed
            ('syntax = "proto3";\npackage p;\nmessage M { string a = 1; int32 b = 2; }', False),  # package
            ('syntax = "proto3";\nmessage N { string a = 1; int32 b = 2; }', False),      # message removed
        ]
        for schema, ok in cases:
            r = self.srv.post("/compatibility/subjects/%s/versions/latest?verbose=true" % q(s), pb(schema))
            self.assertEqual(r.json["is_compatible"], ok, (schema, r.json))
        bad = self.srv.post("/subjects/%s/versions" % q(s), pb(cases[3][0]))
        self.assertError(bad, 409, 409)
        # Confluent's text, then where it is in the new schema's source (line 2, column 27)
        self.assertIn('{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path \'#/M/2\' in the new schema does not match its kind in the old schema", line:2, column:27}', bad.json["message"])

    def test_levels_apply_to_protobuf(self):
        old = 'syntax = "proto3";\nmessage M { string a = 1; }'
        added = 'syntax = "proto3";\nmessage M { string a = 1; }\nmessage Extra { int32 x = 1; }'
        for level, ok in (("BACKWARD", True), ("FORWARD", False), ("FULL", False), ("NONE", True),
                          ("BACKWARD_TRANSITIVE", True), ("FORWARD_TRANSITIVE", False), ("FULL_TRANSITIVE", False)):
            s = self.subject(level)
            self.srv.put("/config/%s" % q(s), {"compatibility": level})
            self.srv.post("/subjects/%s/versions" % q(s), pb(old))
            r = self.srv.post("/compatibility/subjects/%s/versions?verbose=true" % q(s), pb(added))
            self.assertEqual(r.json["is_compatible"], ok, (level, r.json))
            if not ok:
                self.assertIn('MESSAGE_REMOVED', r.json["messages"][0])

    def test_edition_2023_files_register_and_are_checked(self):
        s = self.subject()
        v1 = 'edition = "2023";\npackage ed;\nmessage M {\n  int32 a = 1;\n  string b = 2 [features.field_presence = IMPLICIT];\n}\n'
        r = self.srv.post("/subjects/%s/versions" % q(s), pb(v1))
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["schema"].startswith('edition = "2023";'))
        ok = self.srv.post("/compatibility/subjects/%s/versions/latest" % q(s),
                           pb(v1.replace("}\n", "  int64 c = 3;\n}\n")))
        self.assertTrue(ok.json["is_compatible"], ok)
        bad = self.srv.post("/compatibility/subjects/%s/versions/latest" % q(s), pb(v1.replace("int32 a", "string a")))
        self.assertFalse(bad.json["is_compatible"], bad)

    def test_normalize_sorts_fields_so_that_field_order_does_not_matter(self):
        s = self.subject()
        a = 'syntax = "proto3";\nmessage M { string b = 2; string a = 1; }'
        b = 'syntax = "proto3";\nmessage M { string a = 1; string b = 2; }'
        r1 = self.srv.post("/subjects/%s/versions?normalize=true" % q(s), pb(a))
        r2 = self.srv.post("/subjects/%s/versions?normalize=true" % q(s), pb(b))
        self.assertEqual(r1.status, 200, r1)
        self.assertEqual((r1.json["id"], r1.json["version"]), (r2.json["id"], r2.json["version"]))
        self.assertLess(r1.json["schema"].index("string a = 1"), r1.json["schema"].index("string b = 2"))
        t = self.subject("plain")  # without normalize, declaration order is kept: two schemas
        self.assertNotEqual(self.srv.post("/subjects/%s/versions" % q(t), pb(a)).json["id"],
                            self.srv.post("/subjects/%s/versions" % q(t), pb(b)).json["id"])

    def test_custom_options_are_kept(self):
        s = self.subject()
        text = ('syntax = "proto3";\nimport "confluent/meta.proto";\n'
                'message M {\n  option (confluent.message_meta) = { doc: "a message" tags: "PII" };\n'
                '  string id = 1 [(confluent.field_meta).doc = "the id"];\n}\n')
        r = self.srv.post("/subjects/%s/versions" % q(s), pb(text))
        self.assertEqual(r.status, 200, r)
        self.assertIn('(.confluent.message_meta) = { doc: "a message" tags: "PII" }', r.json["schema"])
        fd = descriptor_pb2.FileDescriptorProto.FromString(
            base64.b64decode(self.srv.get("/schemas/ids/%d?format=serialized" % r.json["id"]).json["schema"]))
        self.assertTrue(fd.message_type[0].options.SerializeToString())  # the extension bytes are there
        self.assertEqual(self.srv.post("/subjects/%s" % q(s), pb(text)).json["id"], r.json["id"])

    def test_a_schema_type_change_is_incompatible(self):
        s = self.subject()
        self.srv.post("/subjects/%s/versions" % q(s), {"schema": '"string"'})
        r = self.srv.post("/compatibility/subjects/%s/versions/latest?verbose=true" % q(s), pb(MONEY))
        self.assertFalse(r.json["is_compatible"])
        self.assertEqual(r.json["messages"][0], "Incompatible because of different schema type")

    def test_confluents_diff_vectors_end_to_end(self):
        path = os.path.join(ROOT, "..", "shared", "refdata", "protobuf-diff-examples.json")
        if not os.path.exists(path):
            self.skipTest("shared reference data is absent")
        cases = json.load(open(path))
        checked = 0
        for i, c in enumerate(cases):
            s = self.subject("v%d" % i)
            refs = {"original": [], "update": []}
            for side in ("original", "update"):
                for d in c.get(side + "_dependencies", []):
                    dep_subject = "%s-%s-%s" % (s, side, d["name"])
                    r = self.srv.post("/subjects/%s/versions" % q(dep_subject), pb(d["dependency"]))
                    self.assertEqual(r.status, 200, r)
                    refs[side].append({"name": d["name"], "subject": dep_subject, "version": r.json["version"]})
            r = self.srv.post("/subjects/%s/versions" % q(s), pb(c["original_schema"], refs["original"]))
            self.assertEqual(r.status, 200, (i, r))
            r = self.srv.post("/compatibility/subjects/%s/versions/latest?verbose=true" % q(s),
                              pb(c["update_schema"], refs["update"]))
            self.assertEqual(r.json["is_compatible"], c["compatible"], (i, c["description"], r.json))
            checked += 1
        self.assertEqual(checked, len(cases))


if __name__ == "__main__":
    main()
