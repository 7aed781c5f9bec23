#!/usr/bin/python3
"""Registering, reading and looking up schemas (confluent-api.md §3.1-§3.4, §5.1-§5.2, §5.4)."""
import json

from sluiced import ServerTest, main, q, record

A = record("A", ("f", "string"))
B = record("A", ("f", "string"), ("g", "int", 0))
C = record("A", ("f", "string"), ("g", "int", 0), ("h", "long", 1))


class RootAndMetadata(ServerTest):
    def test_root_answers_an_empty_object(self):
        self.assertEqual(self.srv.get("/").json, {})
        self.assertEqual(self.srv.post("/", {"any": 1}).json, {})

    def test_schema_types_lists_the_built_in_formats(self):
        r = self.srv.get("/schemas/types")
        self.assertEqual(r.status, 200)
        self.assertIn("AVRO", r.json)

    def test_metadata_endpoints_answer_in_confluent_shape(self):
        self.assertIn("scope", self.srv.get("/v1/metadata/id").json)
        self.assertIn("version", self.srv.get("/v1/metadata/version").json)

    def test_responses_use_the_schema_registry_media_type(self):
        r = self.srv.get("/")
        self.assertEqual(r.headers.get("Content-Type"), "application/vnd.schemaregistry.v1+json")


class Register(ServerTest):
    def test_registering_returns_id_version_type_and_canonical_schema(self):
        s = self.subject()
        r = self.srv.register(s, ' { "type" : "record", "name":"A", "fields":[{"name":"f","type":"string"}]} ')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["subject"], s)
        self.assertEqual(r.json["version"], 1)
        self.assertEqual(r.json["schemaType"], "AVRO")
        self.assertEqual(r.json["schema"], A)  # whitespace gone: the canonical form
        self.assertGreater(r.json["id"], 0)

    def test_registering_the_same_schema_twice_returns_the_same_id_and_no_new_version(self):
        s = self.subject()
        first = self.srv.register(s, A).json
        again = self.srv.register(s, A).json
        self.assertEqual(first["id"], again["id"])
        self.assertEqual(again["version"], 1)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(s)).json, [1])

    def test_the_same_schema_in_two_subjects_gets_one_id(self):
        s1, s2 = self.subject("a"), self.subject("b")
        self.assertEqual(self.srv.register(s1, A).json["id"], self.srv.register(s2, A).json["id"])

    def test_different_schemas_get_different_ids(self):
        s = self.subject()
        self.assertNotEqual(self.srv.register(s, A).json["id"], self.srv.register(s, B).json["id"])

    def test_registering_a_then_b_then_a_returns_the_first_version(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        r = self.srv.register(s, A)
        self.assertEqual(r.json["version"], 1)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(s)).json, [1, 2])

    def test_a_missing_schema_type_means_avro_and_reformatting_does_not_make_a_new_schema(self):
        s = self.subject()
        r1 = self.srv.post("/subjects/%s/versions" % q(s), {"schema": A})
        r2 = self.srv.post("/subjects/%s/versions" % q(s), {"schema": json.dumps(json.loads(A), indent=2), "schemaType": "AVRO"})
        self.assertEqual(r1.json["id"], r2.json["id"])

    def test_percent_encoded_subjects_are_decoded_per_segment(self):
        r = self.srv.register("dir/common.avsc", A)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["subject"], "dir/common.avsc")
        self.assertIn("dir/common.avsc", self.srv.get("/subjects").json)
        self.assertEqual(self.srv.get("/subjects/dir%2Fcommon.avsc/versions/1").json["subject"], "dir/common.avsc")

    def test_unknown_query_parameters_are_ignored(self):
        s = self.subject()
        self.assertEqual(self.srv.post("/subjects/%s/versions?foo=bar&x" % q(s), {"schema": A}).status, 200)
        self.assertEqual(self.srv.get("/subjects/%s/versions?whatever=1" % q(s)).json, [1])

    def test_normalize_makes_equivalent_schemas_share_an_id(self):
        s = self.subject()
        x = json.dumps({"type": "record", "name": "N", "namespace": "ns", "fields": [{"name": "f", "type": {"type": "int"}}]})
        y = json.dumps({"type": "record", "name": "ns.N", "fields": [{"name": "f", "type": "int"}]})
        r1 = self.srv.post("/subjects/%s/versions?normalize=true" % q(s), {"schema": x})
        r2 = self.srv.post("/subjects/%s/versions?normalize=true" % q(s), {"schema": y})
        self.assertEqual(r1.status, 200, r1)
        self.assertEqual(r1.json["id"], r2.json["id"])
        self.assertEqual(r1.json["schema"], '{"name":"ns.N","type":"record","fields":[{"name":"f","type":"int","order":"ascending"}]}')

    def test_an_explicit_version_must_be_the_next_one(self):
        s = self.subject()
        self.srv.register(s, A)
        self.assertError(self.srv.register(s, B, version=5), 422, 42201, "Version is not one more than previous version")
        self.assertEqual(self.srv.register(s, B, version=2).json["version"], 2)


class Read(ServerTest):
    def test_schema_by_id_returns_the_schema(self):
        s = self.subject()
        sid = self.srv.register(s, A).json["id"]
        r = self.srv.get("/schemas/ids/%d" % sid)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["schema"], A)
        self.assertEqual(r.json["schemaType"], "AVRO")
        self.assertNotIn("maxId", r.json)
        self.assertGreaterEqual(self.srv.get("/schemas/ids/%d?fetchMaxId=true" % sid).json["maxId"], sid)

    def test_schema_text_by_id_is_raw_not_json_quoted(self):
        sid = self.srv.register(self.subject(), A).json["id"]
        self.assertEqual(self.srv.get("/schemas/ids/%d/schema" % sid).text, A)
        p = self.srv.register(self.subject(), '"string"').json["id"]
        self.assertEqual(self.srv.get("/schemas/ids/%d/schema" % p).text, '"string"')

    def test_unknown_ids_are_40403_and_non_numeric_ids_404(self):
        self.assertError(self.srv.get("/schemas/ids/999999"), 404, 40403, "Schema 999999 not found")
        self.assertError(self.srv.get("/schemas/ids/999999/schema"), 404, 40403)
        self.assertError(self.srv.get("/schemas/ids/999999/subjects"), 404, 40403, "Schema not found")
        self.assertError(self.srv.get("/schemas/ids/999999/versions"), 404, 40403, "Schema not found")
        self.assertError(self.srv.get("/schemas/ids/abc"), 404, 404)
        self.assertError(self.srv.get("/schemas/ids/99999999999"), 404, 404)

    def test_id_subjects_and_versions_list_every_holder(self):
        s1, s2 = self.subject("a"), self.subject("b")
        u = record("Holders", ("only_here", "string"))
        sid = self.srv.register(s1, u).json["id"]
        self.srv.register(s2, u)
        self.assertEqual(sorted(self.srv.get("/schemas/ids/%d/subjects" % sid).json), sorted([s1, s2]))
        vs = self.srv.get("/schemas/ids/%d/versions" % sid).json
        self.assertIn({"subject": s1, "version": 1}, vs)
        self.assertIn({"subject": s2, "version": 1}, vs)
        self.srv.delete("/subjects/%s" % q(s2))
        self.assertEqual(self.srv.get("/schemas/ids/%d/subjects" % sid).json, [s1])
        self.assertEqual(sorted(self.srv.get("/schemas/ids/%d/subjects?deleted=true" % sid).json), sorted([s1, s2]))

    def test_version_get_with_latest_minus_one_and_numbers(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        for v in ("latest", "-1", "2", "LATEST"):
            r = self.srv.get("/subjects/%s/versions/%s" % (q(s), v))
            self.assertEqual(r.status, 200, (v, r))
            self.assertEqual(r.json["version"], 2)
            self.assertEqual(r.json["schema"], B)
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/schema" % q(s)).text, A)

    def test_bad_versions_are_42202_and_missing_ones_40402(self):
        s = self.subject()
        self.srv.register(s, A)
        for v in ("0", "-2", "abc", "2147483648"):
            self.assertError(self.srv.get("/subjects/%s/versions/%s" % (q(s), v)), 422, 42202)
        self.assertError(self.srv.get("/subjects/%s/versions/7" % q(s)), 404, 40402, "Version 7 not found.")
        self.assertError(self.srv.get("/subjects/nosuch-subject/versions/1"), 404, 40401, "Subject 'nosuch-subject' not found.")
        self.assertError(self.srv.get("/subjects/nosuch-subject/versions"), 404, 40401)

    def test_schemas_list_filters_and_pages(self):
        p = self.subject("pfx") + "-"
        self.srv.register(p + "a", A)
        self.srv.register(p + "a", B)
        self.srv.register(p + "b", A)
        all_ = self.srv.get("/schemas?subjectPrefix=%s" % q(p)).json
        self.assertEqual([(x["subject"], x["version"]) for x in all_], [(p + "a", 1), (p + "a", 2), (p + "b", 1)])
        latest = self.srv.get("/schemas?subjectPrefix=%s&latestOnly=true" % q(p)).json
        self.assertEqual([(x["subject"], x["version"]) for x in latest], [(p + "a", 2), (p + "b", 1)])
        page = self.srv.get("/schemas?subjectPrefix=%s&offset=1&limit=1" % q(p)).json
        self.assertEqual([(x["subject"], x["version"]) for x in page], [(p + "a", 2)])

    def test_subjects_list_with_prefix_deleted_and_deleted_only(self):
        p = self.subject("list") + "-"
        self.srv.register(p + "live", A)
        self.srv.register(p + "gone", A)
        self.srv.delete("/subjects/%s" % q(p + "gone"))
        self.assertEqual(self.srv.get("/subjects?subjectPrefix=%s" % q(p)).json, [p + "live"])
        self.assertEqual(self.srv.get("/subjects?subjectPrefix=%s&deleted=true" % q(p)).json, [p + "gone", p + "live"])
        self.assertEqual(self.srv.get("/subjects?subjectPrefix=%s&deletedOnly=true" % q(p)).json, [p + "gone"])

    def test_versions_list_with_deleted_filters(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.srv.delete("/subjects/%s/versions/1" % q(s))
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(s)).json, [2])
        self.assertEqual(self.srv.get("/subjects/%s/versions?deleted=true" % q(s)).json, [1, 2])
        self.assertEqual(self.srv.get("/subjects/%s/versions?deletedOnly=true" % q(s)).json, [1])
        self.assertEqual(self.srv.get("/subjects/%s/versions?deletedAsNegative=true" % q(s)).json, [-1, 2])

    def test_format_resolved_inlines_referenced_types(self):
        dep = self.subject("dep")
        self.srv.register(dep, record("ns.Dep", ("x", "int")))
        s = self.subject()
        r = self.srv.register(s, record("Top", ("d", "ns.Dep")), references=[{"name": "ns.Dep", "subject": dep, "version": 1}])
        self.assertEqual(r.status, 200, r)
        plain = self.srv.get("/schemas/ids/%d" % r.json["id"]).json
        self.assertIn('"type":"ns.Dep"', plain["schema"])
        resolved = self.srv.get("/schemas/ids/%d?format=resolved" % r.json["id"]).json
        self.assertIn('"name":"Dep"', resolved["schema"])
        self.assertEqual(plain["references"], [{"name": "ns.Dep", "subject": dep, "version": 1}])


class Lookup(ServerTest):
    def test_lookup_returns_the_matching_version(self):
        s = self.subject()
        sid = self.srv.register(s, A).json["id"]
        self.srv.register(s, B)
        r = self.srv.post("/subjects/%s" % q(s), {"schema": json.dumps(json.loads(A), indent=1)})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["subject"], r.json["version"], r.json["id"]), (s, 1, sid))
        self.assertEqual(r.json["schema"], A)

    def test_lookup_of_an_unknown_subject_is_40401_and_unknown_schema_40403(self):
        s = self.subject()
        self.assertError(self.srv.post("/subjects/%s" % q(s), {"schema": A}), 404, 40401)
        self.srv.register(s, A)
        self.assertError(self.srv.post("/subjects/%s" % q(s), {"schema": C}), 404, 40403, "Schema not found")
        other = self.subject("other")
        self.srv.register(other, C)  # registered elsewhere does not count
        self.assertError(self.srv.post("/subjects/%s" % q(s), {"schema": C}), 404, 40403)

    def test_lookup_reports_an_invalid_schema_before_the_subject(self):
        self.assertError(self.srv.post("/subjects/nosuch-lookup", {"schema": "{\"type\":\"nope\"}"}), 422, 42201)

    def test_soft_deleted_versions_match_only_with_deleted_true(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.srv.delete("/subjects/%s/versions/1" % q(s))
        self.assertError(self.srv.post("/subjects/%s" % q(s), {"schema": A}), 404, 40403)
        self.assertEqual(self.srv.post("/subjects/%s?deleted=true" % q(s), {"schema": A}).json["version"], 1)

    def test_lookup_with_normalize(self):
        s = self.subject()
        x = json.dumps({"type": "record", "name": "N", "namespace": "ns", "fields": [{"name": "f", "type": "int"}]})
        y = json.dumps({"type": "record", "name": "ns.N", "fields": [{"name": "f", "type": {"type": "int"}}]})
        self.srv.post("/subjects/%s/versions?normalize=true" % q(s), {"schema": x})
        self.assertEqual(self.srv.post("/subjects/%s?normalize=true" % q(s), {"schema": y}).status, 200)


class Delete(ServerTest):
    def test_soft_then_permanent_delete_of_a_version(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.assertError(self.srv.delete("/subjects/%s/versions/1?permanent=true" % q(s)), 404, 40407,
                         "Subject '%s' Version 1 was not deleted first before being permanently deleted" % s)
        r = self.srv.delete("/subjects/%s/versions/1" % q(s))
        self.assertEqual((r.status, r.json), (200, 1))
        self.assertError(self.srv.delete("/subjects/%s/versions/1" % q(s)), 404, 40406,
                         "Subject '%s' Version 1 was soft deleted.Set permanent=true to delete permanently" % s)
        self.assertError(self.srv.get("/subjects/%s/versions/1" % q(s)), 404, 40402)
        self.assertEqual(self.srv.get("/subjects/%s/versions/1?deleted=true" % q(s)).json["version"], 1)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1?permanent=true" % q(s)).json, 1)
        self.assertError(self.srv.get("/subjects/%s/versions/1?deleted=true" % q(s)), 404, 40402)

    def test_delete_latest_resolves_to_the_number(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/latest" % q(s)).json, 2)

    def test_soft_then_permanent_delete_of_a_subject(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.assertError(self.srv.delete("/subjects/%s?permanent=true" % q(s)), 404, 40405,
                         "Subject '%s' was not deleted first before being permanently deleted" % s)
        self.assertEqual(self.srv.delete("/subjects/%s" % q(s)).json, [1, 2])
        self.assertError(self.srv.delete("/subjects/%s" % q(s)), 404, 40404,
                         "Subject '%s' was soft deleted.Set permanent=true to delete permanently" % s)
        self.assertError(self.srv.get("/subjects/%s/versions" % q(s)), 404, 40401)
        self.assertEqual(self.srv.delete("/subjects/%s?permanent=true" % q(s)).json, [1, 2])
        self.assertError(self.srv.delete("/subjects/%s" % q(s)), 404, 40401)
        self.assertNotIn(s, self.srv.get("/subjects?deleted=true").json)

    def test_versions_continue_after_soft_delete_and_restart_after_hard_delete(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.register(s, B)
        self.srv.delete("/subjects/%s" % q(s))
        self.assertEqual(self.srv.register(s, C).json["version"], 3)  # soft-deleted numbers are not reused
        t = self.subject("t")
        self.srv.register(t, A)
        self.srv.register(t, B)
        self.srv.delete("/subjects/%s/versions/2" % q(t))
        self.srv.delete("/subjects/%s/versions/2?permanent=true" % q(t))
        self.assertEqual(self.srv.register(t, C).json["version"], 2)  # a hard-deleted top is

    def test_soft_deleted_ids_are_still_served_and_hard_deleted_ids_are_never_reused(self):
        s = self.subject()
        schema = record("Unique" + s.replace("-", "_"), ("f", "string"))
        sid = self.srv.register(s, schema).json["id"]
        self.srv.delete("/subjects/%s" % q(s))
        self.assertEqual(self.srv.get("/schemas/ids/%d" % sid).status, 200)
        self.srv.delete("/subjects/%s?permanent=true" % q(s))
        self.assertError(self.srv.get("/schemas/ids/%d" % sid), 404, 40403)
        again = self.srv.register(s, schema).json
        self.assertNotEqual(again["id"], sid)
        self.assertEqual(again["version"], 1)

    def test_re_registering_a_soft_deleted_schema_gets_a_new_version_and_the_old_id(self):
        s = self.subject()
        sid = self.srv.register(s, A).json["id"]
        self.srv.register(s, B)
        self.srv.delete("/subjects/%s/versions/1" % q(s))
        r = self.srv.register(s, A).json
        self.assertEqual((r["id"], r["version"]), (sid, 3))

    def test_deleting_unknown_things(self):
        self.assertError(self.srv.delete("/subjects/never-there"), 404, 40401)
        self.assertError(self.srv.delete("/subjects/never-there/versions/1"), 404, 40401)
        s = self.subject()
        self.srv.register(s, A)
        self.assertError(self.srv.delete("/subjects/%s/versions/9" % q(s)), 404, 40402)
        self.assertError(self.srv.delete("/subjects/%s/versions/zero" % q(s)), 422, 42202)


if __name__ == "__main__":
    main()
