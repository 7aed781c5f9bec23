#!/usr/bin/python3
"""References between Avro schemas, referencedby, and deletes of referenced versions
(confluent-api.md §5.3, §7; compatibility-rules.md §5)."""
import json

from sluiced import ServerTest, main, q, record

ADDRESS = record("Address", ("street", "string"), namespace="com.acme")
ADDRESS2 = record("Address", ("street", "string"), ("zip", "string", ""), namespace="com.acme")
PERSON = json.dumps({"type": "record", "name": "Person", "namespace": "com.acme",
                     "fields": [{"name": "home", "type": "Address"}]}, separators=(",", ":"))


class References(ServerTest):
    def setup_chain(self):
        dep = self.subject("address")
        top = self.subject("person")
        self.assertEqual(self.srv.register(dep, ADDRESS).status, 200)
        r = self.srv.register(top, PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": 1}])
        self.assertEqual(r.status, 200, r)
        return dep, top, r.json["id"]

    def test_a_schema_can_use_a_type_from_another_subject(self):
        dep, top, pid = self.setup_chain()
        got = self.srv.get("/subjects/%s/versions/1" % q(top)).json
        self.assertEqual(got["references"], [{"name": "com.acme.Address", "subject": dep, "version": 1}])
        self.assertEqual(got["schema"], PERSON)

    def test_without_the_reference_the_type_is_unknown(self):
        self.assertError(self.srv.register(self.subject(), PERSON), 422, 42201)

    def test_a_missing_reference_is_42201(self):
        r = self.srv.register(self.subject(), PERSON, references=[{"name": "com.acme.Address", "subject": "nope", "version": 1}])
        self.assertError(r, 422, 42201, 'No schema reference found for subject "nope" and version 1')
        r = self.srv.register(self.subject(), PERSON, references=[{"name": "com.acme.Address", "subject": "nope"}])
        self.assertError(r, 422, 42201)

    def test_version_minus_one_is_stored_as_the_latest_number(self):
        dep = self.subject("address")
        self.srv.register(dep, ADDRESS)
        self.srv.register(dep, ADDRESS2)
        top = self.subject("person")
        r = self.srv.register(top, PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": -1}])
        self.assertEqual(r.json["references"][0]["version"], 2)

    def test_a_soft_deleted_reference_target_cannot_be_used_by_a_new_schema(self):
        dep = self.subject("address")
        self.srv.register(dep, ADDRESS)
        self.srv.delete("/subjects/%s/versions/1" % q(dep))
        r = self.srv.register(self.subject(), PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": 1}])
        self.assertError(r, 422, 42201)

    def test_referencedby_lists_referrer_ids(self):
        dep, top, pid = self.setup_chain()
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(dep)).json, [pid])
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(top)).json, [])
        self.srv.delete("/subjects/%s" % q(top))
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby" % q(dep)).json, [])
        self.assertEqual(self.srv.get("/subjects/%s/versions/1/referencedby?deleted=true" % q(dep)).json, [pid])

    def test_a_referenced_version_cannot_be_deleted(self):
        dep, top, pid = self.setup_chain()
        msg = "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=1}." % dep
        self.assertError(self.srv.delete("/subjects/%s/versions/1" % q(dep)), 422, 42206, msg)
        self.assertError(self.srv.delete("/subjects/%s" % q(dep)), 422, 42206, msg)
        self.srv.delete("/subjects/%s" % q(top))  # soft-deleted referrer: soft delete allowed
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1" % q(dep)).status, 200)
        self.assertError(self.srv.delete("/subjects/%s/versions/1?permanent=true" % q(dep)), 422, 42206)
        self.srv.delete("/subjects/%s?permanent=true" % q(top))
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1?permanent=true" % q(dep)).status, 200)

    def test_compatibility_follows_references(self):
        dep = self.subject("address")
        self.srv.register(dep, ADDRESS)
        top = self.subject("person")
        self.srv.put("/config/%s" % q(dep), {"compatibility": "NONE"})
        self.srv.register(dep, record("Address", ("street", "int"), namespace="com.acme"))
        self.srv.register(top, PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": 1}])
        r = self.srv.post("/compatibility/subjects/%s/versions?verbose=true" % q(top),
                          {"schema": PERSON, "references": [{"name": "com.acme.Address", "subject": dep, "version": 2}]})
        self.assertFalse(r.json["is_compatible"], r.json)
        self.assertIn("/fields/0/type/fields/0/type", r.json["messages"][0])

    def test_the_same_schema_with_other_references_is_another_schema(self):
        dep = self.subject("address")
        self.srv.register(dep, ADDRESS)
        self.srv.register(dep, ADDRESS2)
        a = self.srv.register(self.subject(), PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": 1}])
        b = self.srv.register(self.subject(), PERSON, references=[{"name": "com.acme.Address", "subject": dep, "version": 2}])
        self.assertNotEqual(a.json["id"], b.json["id"])


if __name__ == "__main__":
    main()
