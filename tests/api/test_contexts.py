#!/usr/bin/python3
"""Contexts as Confluent's open-source API has them (confluent-api.md §1.3, §3.8): qualified
subjects `:.ctx:subject`, ids numbered per context, GET and DELETE /contexts, config and mode per
context, references resolved in the referrer's context, listings by context."""
from sluiced import ServerTest, main, q, record


class Contexts(ServerTest):
    def ctx(self):
        return ".c%d" % ServerTest._n

    def test_ids_are_numbered_per_context(self):
        self.subject()
        ctx = self.ctx()
        plain = self.srv.register(self.subject("plain"), record("Plain", ("a", "string")))
        team = self.srv.register(":%s:orders" % ctx, record("Team", ("b", "long")))
        self.assertEqual(team.status, 200, team)
        self.assertEqual(team.json["id"], 1)  # the context's first id, whatever the default holds
        self.assertEqual(team.json["subject"], ":%s:orders" % ctx)
        got = self.srv.get("/schemas/ids/1?subject=%s" % q(":%s:" % ctx))
        self.assertIn("Team", got.json["schema"])
        if plain.json["id"] == 1:
            self.assertIn("Plain", self.srv.get("/schemas/ids/1").json["schema"])
        self.assertIn(ctx, self.srv.get("/contexts").json)
        self.assertEqual(self.srv.get("/contexts").json[0], ".")
        # the same schema in the default context is another id there
        again = self.srv.register(self.subject("dflt"), record("Team", ("b", "long")))
        self.assertNotEqual(self.srv.get("/schemas/ids/%d" % again.json["id"]).status, 404)

    def test_listings_by_context(self):
        self.subject()
        ctx = self.ctx()
        mine, theirs = self.subject("mine"), ":%s:theirs" % ctx
        self.srv.register(mine, record("Mine", ("a", "string")))
        self.srv.register(theirs, record("Theirs", ("a", "string")))
        everything = self.srv.get("/subjects").json
        self.assertIn(mine, everything)
        self.assertIn(theirs, everything)
        self.assertEqual(self.srv.get("/subjects?subjectPrefix=%s" % q(":*:")).json, everything)
        default_only = self.srv.get("/subjects?subjectPrefix=").json
        self.assertIn(mine, default_only)
        self.assertNotIn(theirs, default_only)
        self.assertEqual(self.srv.get("/subjects?subjectPrefix=%s" % q(":%s:" % ctx)).json, [theirs])
        schemas = self.srv.get("/schemas").json  # the default context only
        self.assertNotIn(theirs, [s["subject"] for s in schemas])
        in_ctx = self.srv.get("/schemas?subjectPrefix=%s" % q(":%s:" % ctx)).json
        self.assertEqual([s["subject"] for s in in_ctx], [theirs])

    def test_a_default_context_subject_may_be_named_with_its_qualifier(self):
        s = self.subject()
        self.srv.register(s, record("Dq", ("a", "string")))
        self.assertEqual(self.srv.get("/subjects/%s/versions" % q(":.:" + s)).json, [1])

    def test_config_and_mode_per_context(self):
        self.subject()
        ctx = self.ctx()
        subject = ":%s:evolving" % ctx
        self.srv.register(subject, record("Ev", ("a", "string")))
        self.assertError(self.srv.register(subject, record("Ev", ("a", "int"))), 409, 409)
        self.assertEqual(self.srv.put("/config/%s" % q(":%s:" % ctx), {"compatibility": "NONE"}).status, 200)
        self.assertEqual(self.srv.get("/config/%s?defaultToGlobal=true" % q(subject)).json["compatibilityLevel"], "NONE")
        self.assertEqual(self.srv.register(subject, record("Ev", ("a", "int"))).status, 200)
        self.assertEqual(self.srv.put("/mode/%s" % q(":%s:" % ctx), {"mode": "READONLY"}).status, 200)
        self.assertError(self.srv.register(subject, record("Ev", ("a", "long"))), 422, 42205)
        self.assertEqual(self.srv.get("/mode/%s?defaultToGlobal=true" % q(subject)).json["mode"], "READONLY")
        self.srv.put("/mode/%s" % q(":%s:" % ctx), {"mode": "READWRITE"})

    def test_references_resolve_in_the_referrers_context(self):
        self.subject()
        ctx = self.ctx()
        base = ":%s:base" % ctx
        self.srv.register(base, record("Base", ("x", "int"), namespace="ctxref"))
        # "base" unqualified: in this context, not the default one (which has no such subject)
        r = self.srv.register(":%s:user" % ctx, record("User", ("b", "ctxref.Base"), namespace="ctxref"),
                              references=[{"name": "ctxref.Base", "subject": "base", "version": 1}])
        self.assertEqual(r.status, 200, r)
        refby = self.srv.get("/subjects/%s/versions/1/referencedby" % q(base)).json
        self.assertEqual(refby, [r.json["id"]])

    def test_a_context_is_deleted_only_when_empty(self):
        self.subject()
        ctx = self.ctx()
        subject = ":%s:gone" % ctx
        self.srv.register(subject, record("Gone", ("a", "string")))
        self.assertError(self.srv.delete("/contexts/%s" % q(ctx)), 422, 42211)
        self.srv.delete("/subjects/%s" % q(subject))
        self.assertError(self.srv.delete("/contexts/%s" % q(ctx)), 422, 42211)  # soft-deleted counts
        self.srv.delete("/subjects/%s?permanent=true" % q(subject))
        r = self.srv.delete("/contexts/%s" % q(ctx))
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.text, "")
        self.assertNotIn(ctx, self.srv.get("/contexts").json)
        self.assertEqual(self.srv.delete("/contexts/.never-there").status, 204)


if __name__ == "__main__":
    main()
