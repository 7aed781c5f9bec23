#!/usr/bin/python3
"""Compatibility checks at all seven levels, over HTTP (confluent-api.md §3.5,
compatibility-rules.md §1-§2)."""
from sluiced import ServerTest, main, q, record

V1 = record("R", ("a", "string"))
ADD_NO_DEFAULT = record("R", ("a", "string"), ("b", "int"))
ADD_DEFAULT = record("R", ("a", "string"), ("b", "int", 0))
INT_TO_STRING = record("R", ("a", "int"))


class Levels(ServerTest):
    def with_level(self, level, *versions):
        s = self.subject()
        self.assertEqual(self.srv.put("/config/%s" % q(s), {"compatibility": level}).status, 200)
        for v in versions:
            r = self.srv.register(s, v)
            self.assertEqual(r.status, 200, r)
        return s

    def check(self, s, schema, version="latest", verbose=True):
        path = "/compatibility/subjects/%s/versions" % q(s)
        if version is not None:
            path += "/" + version
        return self.srv.post(path + ("?verbose=true" if verbose else ""), {"schema": schema})

    def test_backward_rejects_a_new_field_without_default_and_accepts_one_with(self):
        s = self.with_level("BACKWARD", V1)
        r = self.check(s, ADD_NO_DEFAULT)
        self.assertFalse(r.json["is_compatible"])
        self.assertEqual(r.json["messages"], [
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}",
            "{oldSchemaVersion: 1}",
            "{oldSchema: '%s'}" % V1,
            "{validateFields: 'false', compatibility: 'BACKWARD'}"])
        self.assertEqual(self.check(s, ADD_DEFAULT).json, {"is_compatible": True, "messages": []})

    def test_without_verbose_only_the_verdict_is_returned(self):
        s = self.with_level("BACKWARD", V1)
        self.assertEqual(self.check(s, ADD_NO_DEFAULT, verbose=False).json, {"is_compatible": False})

    def test_forward_uses_the_old_schema_as_reader(self):
        s = self.with_level("FORWARD", ADD_DEFAULT)
        self.assertTrue(self.check(s, V1).json["is_compatible"])
        s2 = self.with_level("FORWARD", V1)
        self.assertTrue(self.check(s2, ADD_NO_DEFAULT).json["is_compatible"])
        s3 = self.with_level("FORWARD", ADD_NO_DEFAULT)
        r = self.check(s3, V1)
        self.assertFalse(r.json["is_compatible"])
        self.assertIn("in the old schema has no default value and is missing in the new schema", r.json["messages"][0])
        self.assertEqual(r.json["messages"][-1], "{validateFields: 'false', compatibility: 'FORWARD'}")

    def test_full_needs_both_directions(self):
        s = self.with_level("FULL", V1)
        self.assertTrue(self.check(s, ADD_DEFAULT).json["is_compatible"])
        r = self.check(s, ADD_NO_DEFAULT)
        self.assertFalse(r.json["is_compatible"])
        self.assertEqual(r.json["messages"][-1], "{validateFields: 'false', compatibility: 'FULL'}")

    def test_full_lists_forward_messages_first_and_version_lines_only_with_backward(self):
        s = self.with_level("FULL", V1)
        r = self.check(s, INT_TO_STRING)
        m = r.json["messages"]
        self.assertIn("reader type: STRING not compatible with writer type: INT", m[0])  # old reads new
        self.assertIn("reader type: INT not compatible with writer type: STRING", m[1])  # new reads old
        self.assertEqual(m[2:4], ["{oldSchemaVersion: 1}", "{oldSchema: '%s'}" % V1])

    def test_none_accepts_anything(self):
        s = self.with_level("NONE", V1)
        self.assertTrue(self.check(s, INT_TO_STRING).json["is_compatible"])
        self.assertEqual(self.srv.register(s, INT_TO_STRING).status, 200)

    def test_non_transitive_levels_compare_with_the_latest_only(self):
        one = record("R", ("a", "string"))
        two = record("R", ("a", "string"), ("b", "int", 1))
        three = record("R", ("a", "string"), ("b", "int", 1), ("c", "int", 2))
        s = self.with_level("BACKWARD", one, two, three)
        cand = record("R", ("b", "int", 1), ("c", "int", 2), ("d", "int"))  # no default: fails vs latest
        self.assertFalse(self.check(s, cand, version=None).json["is_compatible"])
        # removing "a" is fine for BACKWARD
        self.assertTrue(self.check(s, record("R", ("b", "int", 1), ("c", "int", 2)), version=None).json["is_compatible"])

    def test_transitive_levels_check_against_three_versions_newest_first(self):
        v1 = record("R", ("a", "string"))
        v2 = record("R", ("a", "string"), ("b", "int", 1))
        v3 = record("R", ("b", "int", 1))
        # v4 reads v3 and v2 but not v1 (v1 lacks b? no: b has a default) -- make v4 need "a"
        v4 = record("R", ("b", "int", 1), ("a", "long"))
        s = self.with_level("BACKWARD_TRANSITIVE", v1, v2, v3)
        r = self.check(s, v4, version=None)
        self.assertFalse(r.json["is_compatible"])
        # the newest failing candidate is v2 (v3 has no "a": field "a" has no default)
        self.assertIn("{oldSchemaVersion: 3}", r.json["messages"])
        self.assertEqual(r.json["messages"][-1], "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}")
        plain = self.with_level("BACKWARD", v1, v2, v3)
        v5 = record("R", ("b", "int", 1), ("a", "long", 0))
        self.assertTrue(self.check(plain, v5, version=None).json["is_compatible"])
        r = self.check(self.with_level("BACKWARD_TRANSITIVE", v1, v2, v3), v5, version=None)
        self.assertFalse(r.json["is_compatible"])  # long cannot read v1/v2's string "a"
        self.assertIn("{oldSchemaVersion: 2}", r.json["messages"])

    def test_forward_and_full_transitive(self):
        v1 = record("R", ("a", "string"), ("b", "int", 1))
        v2 = record("R", ("a", "string"))
        v3 = record("R", ("a", "string"), ("c", "int", 5))
        s = self.with_level("FORWARD_TRANSITIVE", v1, v2, v3)
        bad = record("R", ("a", "string"), ("b", "string", "x"))  # v1 reads b as int
        self.assertFalse(self.check(s, bad, version=None).json["is_compatible"])
        self.assertTrue(self.check(self.with_level("FORWARD", v1, v2, v3), bad, version=None).json["is_compatible"])
        f = self.with_level("FULL_TRANSITIVE", v1, v2, v3)
        self.assertFalse(self.check(f, bad, version=None).json["is_compatible"])
        self.assertTrue(self.check(f, record("R", ("a", "string"), ("c", "int", 5), ("b", "int", 1)), version=None).json["is_compatible"])

    def test_registering_an_incompatible_schema_is_409_with_details(self):
        s = self.with_level("BACKWARD", V1)
        r = self.srv.register(s, INT_TO_STRING)
        self.assertError(r, 409, 409)
        self.assertTrue(r.json["message"].startswith(
            'Schema being registered is incompatible with an earlier schema for subject "%s", details: [{errorType:\'TYPE_MISMATCH\'' % s), r.json)
        self.assertTrue(r.json["message"].endswith("{validateFields: 'false', compatibility: 'BACKWARD'}]"))

    def test_a_specific_version_is_checked_alone(self):
        one = record("R", ("a", "string"))
        two = record("R", ("a", "int"))
        s = self.with_level("NONE", one, two)
        self.srv.put("/config/%s" % q(s), {"compatibility": "BACKWARD_TRANSITIVE"})
        self.assertTrue(self.check(s, one, version="1").json["is_compatible"])
        self.assertFalse(self.check(s, one, version="2").json["is_compatible"])

    def test_unknown_subjects_and_versions(self):
        self.assertEqual(self.check("never-registered", V1).json, {"is_compatible": True, "messages": []})
        self.assertEqual(self.check("never-registered", V1, version=None).json["is_compatible"], True)
        self.assertError(self.check("never-registered", V1, version="3"), 404, 40402)
        s = self.with_level("BACKWARD", V1)
        self.assertError(self.check(s, V1, version="9"), 404, 40402)
        self.assertError(self.check(s, V1, version="x"), 422, 42202)
        self.srv.delete("/subjects/%s/versions/1" % q(s))
        self.assertError(self.check(s, V1, version="1"), 404, 40402)
        self.assertTrue(self.check(s, INT_TO_STRING).json["is_compatible"])  # nothing left to compare

    def test_an_invalid_schema_is_42201_or_a_verbose_verdict(self):
        s = self.with_level("BACKWARD", V1)
        bad = '{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]}'
        self.assertError(self.check(s, bad, verbose=False), 422, 42201)
        r = self.check(s, bad)
        self.assertEqual(r.status, 200)
        self.assertFalse(r.json["is_compatible"])
        self.assertIn("Invalid schema of type AVRO", r.json["messages"][0])

    def test_type_promotions_enums_unions_and_names(self):
        cases = [
            (record("R", ("a", "int")), record("R", ("a", "long")), True),
            (record("R", ("a", "long")), record("R", ("a", "int")), False),
            (record("R", ("a", "string")), record("R", ("a", "bytes")), True),
            (record("R", ("a", "string")), record("R", ("a", ["null", "string"])), True),
            (record("R", ("a", ["null", "string"])), record("R", ("a", "string")), False),
            (record("R", ("e", {"type": "enum", "name": "E", "symbols": ["X", "Y"]})),
             record("R", ("e", {"type": "enum", "name": "E", "symbols": ["X"]})), False),
            (record("R", ("e", {"type": "enum", "name": "E", "symbols": ["X", "Y"]})),
             record("R", ("e", {"type": "enum", "name": "E", "symbols": ["X"], "default": "X"})), True),
            (record("R", ("a", "int")), record("S", ("a", "int")), False),
            (record("R", ("a", "int")), record("R", ("a", "int"), namespace="other"), True),
            (record("R", ("a", "int")), record("S", ("a", "int"), aliases=["R"]), True),
        ]
        for old, new, ok in cases:
            s = self.with_level("BACKWARD", old)
            r = self.check(s, new)
            self.assertEqual(r.json["is_compatible"], ok, (old, new, r.json))


if __name__ == "__main__":
    main()
