#!/usr/bin/python3
"""JSON Schemas through the API: register and look up (canonical text with key order and numbers
kept), normalize=true, meta-schema errors with their JSON pointer, references across subjects in a
three-level chain with referencedby and delete protection, compatibility at all seven levels with
Confluent's messages, payload validation under /sluice/v1/, and Confluent's JSON Schema diff
vectors end to end when the shared reference data is present."""
import json
import os

from sluiced import ROOT, ServerTest, main, q


def js(schema, refs=None, **extra):
    body = {"schemaType": "JSON", "schema": schema if isinstance(schema, str) else json.dumps(schema)}
    if refs:
        body["references"] = refs
    body.update(extra)
    return body


ORDER = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
         "properties": {"id": {"type": "string"}, "total": {"type": "number", "maximum": 1e6}},
         "required": ["id"]}


class JsonSchema(ServerTest):
    def reg(self, subject, schema, refs=None, **extra):
        return self.srv.post("/subjects/%s/versions" % q(subject), js(schema, refs, **extra))

    def test_schema_types_list_json(self):
        self.assertEqual(self.srv.get("/schemas/types").json, ["JSON", "PROTOBUF", "AVRO"])

    def test_register_and_lookup_keep_key_order_and_numbers(self):
        s = self.subject()
        text = '{ "type": "object", "properties": { "z": {"type": "number", "multipleOf": 0.10}, "a": {} } }'
        r = self.reg(s, text)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["schemaType"], "JSON")
        self.assertEqual(r.json["schema"],
                         '{"type":"object","properties":{"z":{"type":"number","multipleOf":0.10},"a":{}}}')
        # the same schema written differently is the same id, and lookup finds it
        again = self.reg(s, text.replace(" ", ""))
        self.assertEqual(again.json["id"], r.json["id"])
        found = self.srv.post("/subjects/%s" % q(s), js(text))
        self.assertEqual(found.status, 200, found)
        self.assertEqual(found.json["version"], 1)
        got = self.srv.get("/schemas/ids/%d" % r.json["id"]).json
        self.assertEqual(got["schemaType"], "JSON")

    def test_normalize_sorts_keys(self):
        s = self.subject()
        r = self.reg(s, '{"type":"object","properties":{"b":{},"a":{}}}')
        n = self.srv.post("/subjects/%s/versions?normalize=true" % q(s),
                          js('{"properties":{"a":{},"b":{}},"type":"object"}'))
        self.assertEqual(n.status, 200, n)
        self.assertNotEqual(n.json["id"], r.json["id"])
        self.assertEqual(n.json["schema"], '{"properties":{"a":{},"b":{}},"type":"object"}')
        # normalized, both spellings are one schema
        m = self.srv.post("/subjects/%s?normalize=true" % q(s), js('{"type":"object","properties":{"b":{},"a":{}}}'))
        self.assertEqual(m.json["id"], n.json["id"])

    def test_invalid_schemas_name_the_json_pointer(self):
        r = self.reg(self.subject(), {"type": "object", "properties": {"a": {"type": "strng"}}})
        self.assertError(r, 422, 42201)
        self.assertIn("#/properties/a/type", r.json["message"])
        r = self.reg(self.subject(), '{"type": "object",\n "properties": {"a": {"$ref": "#/definitions/none"}}}')
        self.assertError(r, 422, 42201)
        self.assertIn("line 2", r.json["message"])
        r = self.reg(self.subject(), '{"type": ')
        self.assertError(r, 422, 42201)
        r = self.reg(self.subject(), {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                      "type": "array", "prefixItems": {"type": "string"}})
        self.assertError(r, 422, 42201)
        self.assertIn("#/prefixItems", r.json["message"])

    def test_references_across_subjects_three_levels(self):
        p = self.subject("refs") + "/"
        money, address, order = p + "money.json", p + "address.json", p + "order.json"
        r1 = self.reg(money, {"type": "object", "properties": {"units": {"type": "integer"},
                                                               "currency": {"type": "string"}}})
        r2 = self.reg(address, {"type": "object", "properties": {"city": {"type": "string"},
                                                                 "fee": {"$ref": "money.json"}}},
                      [{"name": "money.json", "subject": money, "version": 1}])
        refs = [{"name": "address.json", "subject": address, "version": 1}]
        r3 = self.reg(order, {"type": "object", "properties": {"ship": {"$ref": "address.json"},
                                                               "id": {"type": "string"}}}, refs)
        for r in (r1, r2, r3):
            self.assertEqual(r.status, 200, r)
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(money)).json, [r2.json["id"]])
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(address)).json, [r3.json["id"]])
        # a $ref to a document that is not among the references is refused
        bad = self.reg(p + "x.json", {"properties": {"a": {"$ref": "nowhere.json"}}})
        self.assertError(bad, 422, 42201)
        # a change deep in the chain is checked through the references
        new_money = self.reg(money, {"type": "object", "properties": {"units": {"type": "string"},
                                                                      "currency": {"type": "string"}}},
                             compatibility=None)
        self.assertEqual(new_money.status, 409, new_money)
        # validation follows the references
        v = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(address),
                          {"city": "Lyon", "fee": {"units": "1"}})
        self.assertEqual(v.status, 200, v)
        self.assertFalse(v.json["valid"])
        self.assertEqual(v.json["violations"][0]["pointer"], "/fee/units")
        # delete protection: the referenced versions cannot go while referenced
        self.assertError(self.srv.delete("/subjects/%s/versions/1" % q(money)), 422, 42206)
        self.assertError(self.srv.delete("/subjects/%s" % q(address)), 422, 42206)
        self.assertEqual(self.srv.delete("/subjects/%s" % q(order)).status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1?permanent=true" % q(order)).status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s" % q(address)).status, 200)

    def level_check(self, level, v1, v2):
        s = self.subject(level)
        self.assertEqual(self.srv.put("/config/%s" % q(s), {"compatibility": level}).status, 200)
        self.assertEqual(self.reg(s, v1).status, 200)
        return self.srv.post("/compatibility/subjects/%s/versions?verbose=true" % q(s), js(v2)).json

    def test_all_seven_levels(self):
        open_v1 = {"type": "object", "properties": {"a": {"type": "string"}}}
        closed_v2 = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                     "additionalProperties": False}
        want = {"NONE": True, "BACKWARD": False, "BACKWARD_TRANSITIVE": False, "FORWARD": True,
                "FORWARD_TRANSITIVE": True, "FULL": False, "FULL_TRANSITIVE": False}
        for level, ok in want.items():
            ans = self.level_check(level, open_v1, closed_v2)
            self.assertEqual(ans["is_compatible"], ok, (level, ans))
            if not ok:
                self.assertIn("{errorType:\"ADDITIONAL_PROPERTIES_REMOVED\", description:\"The keyword at "
                              "path '#/additionalProperties' in the new schema is not present in the old schema'}",
                              ans["messages"])
                self.assertEqual(ans["messages"][-1],
                                 "{validateFields: 'false', compatibility: '%s'}" % level)

    def test_incompatible_registration_is_409_with_confluent_words(self):
        s = self.subject()
        self.reg(s, {"type": "object", "properties": {"n": {"type": "number"}}})
        r = self.reg(s, {"type": "object", "properties": {"n": {"type": "integer"}}})
        self.assertEqual(r.status, 409, r)
        self.assertIn("TYPE_NARROWED", r.json["message"])
        self.assertIn("#/properties/n", r.json["message"])

    def test_validate_endpoint_by_subject_and_by_id(self):
        s = self.subject()
        r = self.reg(s, ORDER)
        ok = self.srv.post("/sluice/v1/subjects/%s/versions/latest/validate" % q(s), {"id": "o-1", "total": 3})
        self.assertEqual(ok.status, 200, ok)
        self.assertTrue(ok.json["valid"])
        self.assertEqual(ok.json["violations"], [])
        bad = self.srv.post("/sluice/v1/schemas/ids/%d/validate" % r.json["id"], {"total": 2e6})
        self.assertFalse(bad.json["valid"])
        self.assertEqual(sorted(v["pointer"] for v in bad.json["violations"]), ["", "/total"])
        self.assertError(self.srv.post("/sluice/v1/subjects/%s/versions/latest/validate" % q(s),
                                       raw=b"{not json"), 422, 42201)
        self.assertError(self.srv.post("/sluice/v1/subjects/nope/versions/1/validate", {}), 404, 40401)
        self.assertError(self.srv.post("/sluice/v1/schemas/ids/99999/validate", {}), 404, 40403)

    def test_validate_avro_and_protobuf_documents(self):
        a = self.subject("avro")
        self.srv.post("/subjects/%s/versions" % q(a), {"schema": json.dumps(
            {"type": "record", "name": "E", "fields": [{"name": "n", "type": "long"},
                                                       {"name": "u", "type": ["null", "string"], "default": None}]})})
        ok = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(a), {"n": 1, "u": {"string": "x"}})
        self.assertTrue(ok.json["valid"], ok)
        bad = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(a), {"u": "x"})
        self.assertEqual(sorted(v["pointer"] for v in bad.json["violations"]), ["", "/u"])
        p = self.subject("proto")
        self.srv.post("/subjects/%s/versions" % q(p), {"schemaType": "PROTOBUF", "schema":
                      'syntax = "proto3";\nmessage Order {\n  int64 total_cents = 1;\n  repeated string tags = 2;\n}\n'})
        ok = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(p), {"totalCents": "12", "tags": ["a"]})
        self.assertTrue(ok.json["valid"], ok)
        bad = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(p), {"total_cents": 1.5, "tags": "a"})
        self.assertEqual(sorted(v["pointer"] for v in bad.json["violations"]), ["/tags", "/total_cents"])
        # the edges of int64, as strings (a double would round 2^63 - 1 up to 2^63)
        for text, valid in (("9223372036854775807", True), ("9223372036854775808", False),
                            ("-9223372036854775808", True), ("-9223372036854775809", False)):
            r = self.srv.post("/sluice/v1/subjects/%s/versions/1/validate" % q(p), {"totalCents": text})
            self.assertEqual(r.json["valid"], valid, (text, r))

    def test_confluent_diff_vectors_end_to_end(self):
        """Register each vector's original under BACKWARD and check its update: the verdict must be
        the vector's `compatible` (a vector whose schemas the meta-schema refuses is skipped)."""
        refdata = os.path.join(ROOT, "..", "shared", "refdata")
        names = ["jsonschema-diff-examples.json", "jsonschema-diff-combined-examples.json",
                 "jsonschema-diff-examples-2020-12.json", "jsonschema-diff-combined-examples-2020-12.json"]
        checked = 0
        for name in names:
            path = os.path.join(refdata, name)
            if not os.path.exists(path):
                self.skipTest("shared reference data is absent")
            with open(path) as f:
                cases = json.load(f)
            for i, case in enumerate(cases):
                s = self.subject("v%d" % i)
                r = self.reg(s, case["original_schema"])
                if r.status != 200:
                    continue
                ans = self.srv.post("/compatibility/subjects/%s/versions/latest?verbose=true" % q(s),
                                    js(case["update_schema"]))
                if ans.status != 200:
                    continue
                self.assertEqual(ans.json["is_compatible"], case["compatible"], (name, i, ans.json))
                checked += 1
        self.assertGreater(checked, 200)


if __name__ == "__main__":
    main()
