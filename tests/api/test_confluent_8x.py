#!/usr/bin/python3
"""Where Confluent 8.x behaves differently from older servers, sluice does as 8.x does: the
incompatibility code, IMPORT ids, deletes, every config field, filters, lookups by equivalence,
inherited metadata and the guid, ts and deleted fields (confluent-api.md §2-§5)."""
import json

from sluiced import ServerTest, main, q, record


def with_default(name, field):
    return record(name, ("a", "string"), (field, ["null", "string"], None))


class Confluent8(ServerTest):
    def test_an_incompatible_registration_is_409_with_error_code_409(self):
        s = self.subject()
        self.srv.register(s, record("Inc", ("a", "string")))
        r = self.srv.register(s, record("Inc", ("a", "int")))
        self.assertError(r, 409, 409)
        self.assertTrue(r.json["message"].startswith(
            'Schema being registered is incompatible with an earlier schema for subject "%s", details: [' % s))

    def test_import_keeps_an_explicit_id_for_a_schema_held_under_another(self):
        a, b = self.subject("a"), self.subject("b")
        for s in (a, b):
            self.assertEqual(self.srv.put("/mode/%s" % q(s), {"mode": "IMPORT"}).status, 200)
        self.assertEqual(self.srv.register(a, '"bytes"', id=50, version=1).json["id"], 50)
        r = self.srv.register(b, '"bytes"', id=60, version=1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["id"], 60)
        for sid, holder in ((50, a), (60, b)):
            self.assertEqual(self.srv.get("/schemas/ids/%d" % sid).json["schema"], '"bytes"')
            self.assertEqual(self.srv.get("/schemas/ids/%d/subjects" % sid).json, [holder])
        # the same id again is the same schema; another schema under a taken id is refused
        self.assertEqual(self.srv.register(b, '"bytes"', id=60, version=1).json["id"], 60)
        self.assertError(self.srv.register(b, '"float"', id=60, version=2), 422, 42205)
        # back in READWRITE, registering the text again finds the id the subject holds (60),
        # not the lowest id of that text (50): no second version
        self.assertEqual(self.srv.put("/mode/%s" % q(b), {"mode": "READWRITE"}).status, 200)
        again = self.srv.register(b, '"bytes"')
        self.assertEqual((again.status, again.json.get("id"), again.json.get("version")), (200, 60, 1), again)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(b)).json, [1])

    def test_a_subject_whose_referrers_are_all_soft_deleted_can_be_deleted_for_good(self):
        base, user = self.subject("base"), self.subject("user")
        self.srv.register(base, record("Base", ("x", "int")))
        ref = [{"name": "Base", "subject": base, "version": 1}]
        self.assertEqual(self.srv.register(user, record("User", ("b", "Base")), references=ref).status, 200)
        self.assertError(self.srv.delete("/subjects/%s" % q(base)), 422, 42206)  # a live referrer
        self.assertEqual(self.srv.delete("/subjects/%s" % q(user)).status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s" % q(base)).status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s?permanent=true" % q(base)).json, [1])
        again = self.srv.register(self.subject("late"), record("Late", ("b", "Base")), references=ref)
        self.assertError(again, 422, 42201)

    def test_config_holds_every_field_merges_on_put_and_returns_what_is_set(self):
        s = self.subject()
        meta = {"properties": {"owner": "team-a"}}
        r = self.srv.put("/config/%s" % q(s), {"compatibility": "full", "normalize": True,
                                                 "validateFields": True, "compatibilityGroup": "major",
                                                 "defaultMetadata": meta})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"compatibility": "FULL", "normalize": True, "validateFields": True,
                                  "compatibilityGroup": "major", "defaultMetadata": meta})
        self.srv.put("/config/%s" % q(s), {"normalize": None, "overrideMetadata": {"properties": {"x": "1"}}})
        got = self.srv.get("/config/%s" % q(s)).json
        self.assertEqual(got, {"compatibilityLevel": "FULL", "validateFields": True,
                               "compatibilityGroup": "major", "defaultMetadata": meta,
                               "overrideMetadata": {"properties": {"x": "1"}}})
        self.srv.put("/config", {"normalize": True})
        merged = self.srv.get("/config/%s?defaultToGlobal=true" % q(s)).json
        self.assertEqual(merged["compatibilityLevel"], "FULL")
        self.assertTrue(merged["normalize"])  # from the top level
        self.srv.put("/config", {"normalize": None})
        for bad in ({"validateFields": "yes"}, {"alias": 3}, {"defaultMetadata": {"properties": {"a": 1}}}):
            self.assertEqual(self.srv.put("/config/%s" % q(s), bad).status, 422, bad)
        self.assertError(self.srv.put("/config/%s" % q(s), {"defaultRuleSet": {"domainRules": [{}]}}), 422, 42210)

    def test_an_alias_acts_on_its_target(self):
        target, alias = self.subject("target"), self.subject("alias")
        first = self.srv.register(target, record("Aliased", ("a", "string")))
        self.srv.put("/config/%s" % q(alias), {"alias": target})
        v2 = record("Aliased", ("a", "string"), ("b", ["null", "int"], None))
        r = self.srv.register(alias, v2)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["subject"], target)
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(target)).json, [1, 2])
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(alias)).json, [1, 2])
        self.assertEqual(self.srv.get("/subjects/%s/versions/1" % q(alias)).json["id"], first.json["id"])
        found = self.srv.post("/subjects/%s" % q(alias), {"schema": v2})
        self.assertEqual(found.json["version"], 2)

    def test_validate_fields_shows_in_the_closing_line(self):
        s = self.subject()
        self.srv.register(s, record("Vf", ("a", "string")))
        self.srv.put("/config/%s" % q(s), {"validateFields": True})
        r = self.srv.post("/compatibility/subjects/%s/versions?verbose=true" % q(s),
                          {"schema": record("Vf", ("a", "int"))})
        self.assertEqual(r.json["messages"][-1], "{validateFields: 'true', compatibility: 'BACKWARD'}")

    def test_validate_fields_guards_reserved_fields(self):
        s = self.subject()
        self.srv.put("/config/%s" % q(s), {"validateFields": True, "compatibility": "NONE"})
        reserved = {"properties": {"confluent:reserved": "old_id, legacy"}}
        self.assertEqual(self.srv.register(s, record("Rf", ("x", "string")), metadata=reserved).status, 200)
        dropped = self.srv.register(s, record("Rf", ("x", "string"), ("y", "int", 0)),
                                    metadata={"properties": {"confluent:reserved": "old_id"}})
        self.assertError(dropped, 409, 409)
        self.assertIn("The new schema has reserved field legacy removed from its metadata", dropped.json["message"])
        clash = self.srv.register(s, record("Rf", ("x", "string"), ("legacy", "int", 0)), metadata=reserved)
        self.assertError(clash, 409, 409)
        self.assertIn("The new schema has field that conflicts with the reserved field legacy.", clash.json["message"])
        self.assertTrue(clash.json["message"].endswith("{validateFields: 'true', compatibility: 'NONE'}]"))
        ok = self.srv.register(s, record("Rf", ("x", "string"), ("z", "int", 0)), metadata=reserved)
        self.assertEqual(ok.status, 200, ok)

    def test_a_compatibility_group_checks_only_versions_of_the_same_group(self):
        s = self.subject()
        self.srv.put("/config/%s" % q(s), {"compatibilityGroup": "major"})
        one = {"properties": {"major": "1"}}
        self.assertEqual(self.srv.register(s, record("G", ("a", "string")), metadata=one).status, 200)
        breaking = record("G", ("a", "int"))
        self.assertError(self.srv.register(s, breaking, metadata=one), 409, 409)
        r = self.srv.register(s, breaking, metadata={"properties": {"major": "2"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], 2)

    def test_default_and_override_metadata_are_merged_into_new_versions(self):
        s = self.subject()
        self.srv.put("/config/%s" % q(s), {"defaultMetadata": {"properties": {"owner": "a", "tier": "1"}},
                                           "overrideMetadata": {"properties": {"tier": "2"}}})
        r = self.srv.register(s, record("Md", ("a", "string")), metadata={"properties": {"owner": "b"}})
        self.assertEqual(r.json["metadata"], {"properties": {"owner": "b", "tier": "2"}})

    def test_metadata_is_inherited_from_the_previous_version(self):
        s = self.subject()
        meta = {"properties": {"owner": "team-x"}, "tags": {"PII": ["a"]}}
        self.srv.register(s, record("Inh", ("a", "string")), metadata=meta)
        r = self.srv.register(s, with_default("Inh", "b"))
        self.assertEqual(r.json["metadata"], meta)
        self.assertEqual(self.srv.get("/subjects/%s/versions/2" % q(s)).json["metadata"], meta)

    def test_id_holders_can_be_filtered_by_subject(self):
        a, b = self.subject("a"), self.subject("b")
        sid = self.srv.register(a, record("Shared", ("a", "string"))).json["id"]
        self.srv.register(b, record("Shared", ("a", "string")))
        self.assertEqual(sorted(self.srv.get("/schemas/ids/%d/subjects" % sid).json), sorted([a, b]))
        self.assertEqual(self.srv.get("/schemas/ids/%d/subjects?subject=%s" % (sid, q(b))).json, [b])
        self.assertEqual(self.srv.get("/schemas/ids/%d/versions?subject=%s" % (sid, q(a))).json,
                         [{"subject": a, "version": 1}])

    def test_deleted_only_on_a_subject_with_nothing_deleted_is_empty(self):
        s = self.subject()
        self.srv.register(s, record("Nd", ("a", "string")))
        self.assertEqual(self.srv.get("/subjects/%s/versions?deletedOnly=true" % q(s)).json, [])
        self.assertError(self.srv.get("/subjects/%s/versions?deletedOnly=true" % q(self.subject("none"))),
                         404, 40401)

    def test_a_normalized_lookup_finds_a_schema_registered_as_written(self):
        s = self.subject()
        written = json.dumps({"fields": [{"type": "string", "name": "a"}], "name": "Norm", "type": "record"})
        self.srv.register(s, written)
        same = json.dumps({"type": "record", "name": "Norm", "fields": [{"name": "a", "type": {"type": "string"}}]})
        self.assertEqual(self.srv.post("/subjects/%s?normalize=true" % q(s), {"schema": same}).json["version"], 1)

    def test_a_lookup_with_the_references_inlined_finds_the_version(self):
        base, user = self.subject("base"), self.subject("user")
        self.srv.register(base, record("Item", ("x", "int"), namespace="inl"))
        self.srv.register(user, record("Cart", ("item", "inl.Item"), namespace="inl"),
                          references=[{"name": "inl.Item", "subject": base, "version": 1}])
        inlined = json.dumps({"type": "record", "name": "Cart", "namespace": "inl", "fields": [
            {"name": "item", "type": {"type": "record", "name": "Item", "fields": [{"name": "x", "type": "int"}]}}]})
        found = self.srv.post("/subjects/%s" % q(user), {"schema": inlined})
        self.assertEqual(found.status, 200, found)
        self.assertEqual(found.json["version"], 1)

    def test_bytes_and_fixed_defaults_may_hold_u0000(self):
        s = self.subject()
        schema = json.dumps({"type": "record", "name": "Nul", "fields": [
            {"name": "b", "type": "bytes", "default": "\u0000\u00ff"},
            {"name": "f", "type": {"type": "fixed", "name": "F2", "size": 2}, "default": "a\u0000"}]})
        r = self.srv.register(s, schema)
        self.assertEqual(r.status, 200, r)
        stored = json.loads(self.srv.get("/subjects/%s/versions/1" % q(s)).json["schema"])
        self.assertEqual(stored["fields"][0]["default"], "\u0000\u00ff")
        self.assertEqual(self.srv.register(s, schema).json["version"], 1)  # reads back the same
        bad = json.dumps({"type": "record", "name": "N\u0000x", "fields": []})
        self.assertError(self.srv.register(self.subject("bad"), bad), 422, 42201)

    def test_guid_ts_and_deleted_are_answered_and_guids_find_schemas(self):
        s = self.subject()
        r = self.srv.register(s, record("Guid", ("a", "string")))
        for body in (r.json, self.srv.get("/subjects/%s/versions/1" % q(s)).json):
            self.assertRegex(body["guid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
            self.assertGreater(body["ts"], 1600000000000)
            self.assertIs(body["deleted"], False)
        guid = r.json["guid"]
        by = self.srv.get("/schemas/guids/%s" % guid)
        self.assertEqual(by.json["schema"], r.json["schema"])
        self.assertEqual(self.srv.get("/schemas/guids/%s/ids" % guid).json, [{"context": ".", "id": r.json["id"]}])
        self.assertError(self.srv.get("/schemas/guids/00000000-0000-0000-0000-000000000000"), 404, 40403)
        self.srv.delete("/subjects/%s/versions/1" % q(s))
        self.assertIs(self.srv.get("/subjects/%s/versions/1?deleted=true" % q(s)).json["deleted"], True)


if __name__ == "__main__":
    main()
