#!/usr/bin/python3
"""Data contracts: a version's metadata and rule set are stored with it, part of its identity,
answered wherever the schema is, inherited by the next version, merged with the config's
defaults and overrides, and refused with 42210 when malformed (Confluent's community registry
drops rule sets; sluice keeps them, so that clients' client-side rules work)."""
from sluiced import ServerTest, main, q, record

RULES = {"domainRules": [{"name": "positive", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
                          "expr": "message.amount > 0", "onFailure": "ERROR"}]}


class DataContracts(ServerTest):
    def test_a_rule_set_is_stored_answered_and_part_of_the_identity(self):
        s = self.subject()
        schema = record("Pay", ("amount", "int"))
        r = self.srv.register(s, schema, ruleSet=RULES, metadata={"properties": {"owner": "pay"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["ruleSet"], RULES)
        latest = self.srv.get("/subjects/%s/versions/latest" % q(s)).json
        self.assertEqual(latest["ruleSet"], RULES)
        self.assertEqual(latest["metadata"], {"properties": {"owner": "pay"}})
        by_id = self.srv.get("/schemas/ids/%d" % r.json["id"]).json
        self.assertEqual(by_id["ruleSet"], RULES)
        # the same schema with other rules is another version and another id
        other = {"domainRules": [dict(RULES["domainRules"][0], expr="message.amount >= 0")]}
        r2 = self.srv.register(s, schema, ruleSet=other)
        self.assertEqual(r2.json["version"], 2)
        self.assertNotEqual(r2.json["id"], r.json["id"])
        # and the same schema with the same rules is found again
        self.assertEqual(self.srv.register(s, schema, ruleSet=other).json["version"], 2)

    def test_malformed_rule_sets_are_42210(self):
        s = self.subject()
        schema = record("Bad", ("a", "string"))
        for bad in ({"domainRules": "x"}, {"domainRules": [{"name": "n"}]},
                    {"domainRules": [{"name": "n", "type": "CEL", "kind": "MAYBE"}]},
                    {"migrationRules": [{"name": "n", "type": "JSONATA", "mode": "WRITE"}]},
                    {"domainRules": [{"name": "n", "type": "CEL"}, {"name": "n", "type": "CEL"}]}):
            self.assertError(self.srv.register(s, schema, ruleSet=bad), 422, 42210)
        self.assertNotIn(s, self.srv.get("/subjects?deleted=true").json)

    def test_the_next_version_inherits_metadata_and_rules(self):
        s = self.subject()
        self.srv.register(s, record("Inh", ("a", "string")), ruleSet=RULES,
                          metadata={"properties": {"major": "1"}})
        r = self.srv.register(s, record("Inh", ("a", "string"), ("b", ["null", "int"], None)))
        self.assertEqual(r.json["ruleSet"], RULES)
        self.assertEqual(r.json["metadata"], {"properties": {"major": "1"}})

    def test_config_default_and_override_rule_sets_are_merged(self):
        s = self.subject()
        dflt = {"domainRules": [{"name": "d", "type": "CEL", "expr": "true"}]}
        over = {"domainRules": [{"name": "o", "type": "CEL", "expr": "true"}]}
        self.assertEqual(self.srv.put("/config/%s" % q(s), {"defaultRuleSet": dflt, "overrideRuleSet": over}).status, 200)
        r = self.srv.register(s, record("Merged", ("a", "string")), ruleSet=RULES)
        names = [rule["name"] for rule in r.json["ruleSet"]["domainRules"]]
        self.assertEqual(names, ["d", "positive", "o"])

    def test_a_metadata_only_change_registers_a_new_version_of_the_same_schema(self):
        s = self.subject()
        schema = record("MetaOnly", ("a", "string"))
        self.srv.register(s, schema)
        r = self.srv.post("/subjects/%s/versions" % q(s), {"metadata": {"properties": {"owner": "x"}}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["schema"], self.srv.get("/subjects/%s/versions/1" % q(s)).json["schema"])

    def test_the_latest_version_with_given_metadata_is_found(self):
        s = self.subject()
        self.srv.put("/config/%s" % q(s), {"compatibilityGroup": "major"})
        self.srv.register(s, record("ByMeta", ("a", "string")), metadata={"properties": {"major": "1"}})
        self.srv.register(s, record("ByMeta", ("a", "int")), metadata={"properties": {"major": "2"}})
        one = self.srv.get("/subjects/%s/metadata?key=major&value=1" % q(s))
        self.assertEqual(one.json["version"], 1)
        self.assertEqual(self.srv.get("/subjects/%s/metadata?key=major&value=2" % q(s)).json["version"], 2)
        self.assertError(self.srv.get("/subjects/%s/metadata?key=major&value=3" % q(s)), 404, 40403)
        self.assertError(self.srv.get("/subjects/%s/metadata?key=major" % q(s)), 422, 422)


if __name__ == "__main__":
    main()
