#!/usr/bin/python3
"""Config and mode at global and subject level, and modes enforced on every write
(confluent-api.md §3.6, §3.7, §4)."""
from sluiced import ServerTest, main, q, record

A = record("M", ("a", "string"))
B = record("M", ("a", "string"), ("b", "int", 0))
LEVEL_ERR = ("Invalid compatibility level. Valid values are none, backward, forward, full, "
             "backward_transitive, forward_transitive, and full_transitive")


class Config(ServerTest):
    def test_global_config_defaults_to_backward_and_can_be_changed_and_reset(self):
        self.assertEqual(self.srv.get("/config").json, {"compatibilityLevel": "BACKWARD"})
        self.assertEqual(self.srv.put("/config", {"compatibility": "full"}).json, {"compatibility": "FULL"})
        self.assertEqual(self.srv.get("/config").json, {"compatibilityLevel": "FULL"})
        self.assertEqual(self.srv.delete("/config").json, {"compatibilityLevel": "FULL"})
        self.assertEqual(self.srv.get("/config").json, {"compatibilityLevel": "BACKWARD"})

    def test_every_level_is_accepted_case_insensitively(self):
        s = self.subject()
        for level in ("none", "Backward", "BACKWARD_TRANSITIVE", "forward", "forward_transitive", "full", "FULL_TRANSITIVE"):
            r = self.srv.put("/config/%s" % q(s), {"compatibility": level})
            self.assertEqual(r.json, {"compatibility": level.upper()}, r)
            self.assertEqual(self.srv.get("/config/%s" % q(s)).json, {"compatibilityLevel": level.upper()})

    def test_an_invalid_level_is_42203(self):
        self.assertError(self.srv.put("/config", {"compatibility": "SIDEWAYS"}), 422, 42203, LEVEL_ERR)
        self.assertError(self.srv.put("/config/x", {"compatibility": 7}), 422, 42203, LEVEL_ERR)

    def test_subject_config_is_40408_until_set_unless_default_to_global(self):
        s = self.subject()
        self.assertError(self.srv.get("/config/%s" % q(s)), 404, 40408,
                         "Subject '%s' does not have subject-level compatibility configured" % s)
        self.assertEqual(self.srv.get("/config/%s?defaultToGlobal=true" % q(s)).json["compatibilityLevel"], "BACKWARD")
        self.srv.put("/config/%s" % q(s), {"compatibility": "NONE"})
        self.assertEqual(self.srv.get("/config/%s" % q(s)).json, {"compatibilityLevel": "NONE"})
        self.assertEqual(self.srv.delete("/config/%s" % q(s)).json, {"compatibilityLevel": "NONE"})
        self.assertError(self.srv.delete("/config/%s" % q(s)), 404, 40401)

    def test_the_subject_level_overrides_the_global_one(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.put("/config/%s" % q(s), {"compatibility": "NONE"})
        self.assertEqual(self.srv.register(s, record("M", ("a", "int"))).status, 200)

    def test_subject_config_survives_soft_delete_and_goes_with_permanent_delete(self):
        s = self.subject()
        self.srv.register(s, A)
        self.srv.put("/config/%s" % q(s), {"compatibility": "FULL"})
        self.srv.delete("/subjects/%s" % q(s))
        self.assertEqual(self.srv.get("/config/%s" % q(s)).status, 200)
        self.srv.delete("/subjects/%s?permanent=true" % q(s))
        self.assertError(self.srv.get("/config/%s" % q(s)), 404, 40408)

    def test_normalize_in_config_applies_to_registration(self):
        s = self.subject()
        self.assertEqual(self.srv.put("/config/%s" % q(s), {"normalize": True}).json, {"normalize": True})
        r = self.srv.register(s, '{"type":"record","name":"N","namespace":"x","fields":[{"name":"f","type":"int"}]}')
        self.assertEqual(r.json["schema"], '{"name":"x.N","type":"record","fields":[{"name":"f","type":"int","order":"ascending"}]}')

    def test_default_context_prefix_names_the_top_level(self):
        self.srv.put("/config/:.:", {"compatibility": "FORWARD"})
        self.assertEqual(self.srv.get("/config").json, {"compatibilityLevel": "FORWARD"})
        self.srv.delete("/config")


class Mode(ServerTest):
    def tearDown(self):
        self.srv.delete("/mode")

    def test_mode_defaults_to_readwrite_and_subject_mode_is_40409_until_set(self):
        self.assertEqual(self.srv.get("/mode").json, {"mode": "READWRITE"})
        s = self.subject()
        self.assertError(self.srv.get("/mode/%s" % q(s)), 404, 40409,
                         "Subject '%s' does not have subject-level mode configured" % s)
        self.assertEqual(self.srv.get("/mode/%s?defaultToGlobal=true" % q(s)).json, {"mode": "READWRITE"})
        self.assertError(self.srv.delete("/mode/%s" % q(s)), 404, 40401)

    def test_put_mode_echoes_the_request_and_rejects_unknown_modes(self):
        s = self.subject()
        self.assertEqual(self.srv.put("/mode/%s" % q(s), {"mode": "readonly"}).json, {"mode": "readonly"})
        self.assertEqual(self.srv.get("/mode/%s" % q(s)).json, {"mode": "READONLY"})
        self.assertError(self.srv.put("/mode/%s" % q(s), {"mode": "SLEEPY"}), 422, 42204)
        self.assertError(self.srv.put("/mode/%s" % q(s), {}), 422, 42204)
        self.assertError(self.srv.put("/mode/%s" % q(s), {"mode": "FORWARD"}), 422, 42204,
                         "Forward mode only supported on global level")
        self.assertEqual(self.srv.delete("/mode/%s" % q(s)).json, {"mode": "READONLY"})

    def test_readonly_blocks_every_write_but_an_identical_registration(self):
        s = self.subject()
        sid = self.srv.register(s, A).json["id"]
        for mode in ("READONLY", "READONLY_OVERRIDE"):
            self.srv.put("/mode/%s" % q(s), {"mode": mode})
            self.assertEqual(self.srv.register(s, A).json["id"], sid)  # already there: allowed
            self.assertError(self.srv.register(s, B), 422, 42205, "Subject %s in context  is in read-only mode" % s)
            self.assertError(self.srv.delete("/subjects/%s/versions/1" % q(s)), 422, 42205)
            self.assertError(self.srv.delete("/subjects/%s" % q(s)), 422, 42205)
            self.assertError(self.srv.put("/config/%s" % q(s), {"compatibility": "NONE"}), 422, 42205)
            self.assertEqual(self.srv.get("/subjects/%s/versions/1" % q(s)).status, 200)  # reads work
            self.assertEqual(self.srv.post("/compatibility/subjects/%s/versions" % q(s), {"schema": B}).status, 200)
        self.srv.put("/mode/%s" % q(s), {"mode": "READWRITE"})
        self.assertEqual(self.srv.register(s, B).status, 200)

    def test_global_readonly_applies_to_every_subject(self):
        s = self.subject()
        self.srv.put("/mode", {"mode": "READONLY"})
        self.assertError(self.srv.register(s, A), 422, 42205)
        self.srv.put("/mode", {"mode": "READWRITE"})
        self.assertEqual(self.srv.register(s, A).status, 200)

    def test_import_mode_takes_explicit_ids_and_versions(self):
        s = self.subject()
        self.assertEqual(self.srv.put("/mode/%s" % q(s), {"mode": "IMPORT"}).status, 200)
        self.assertError(self.srv.register(s, A), 422, 42205, "Subject %s in context  is not in read-write mode" % s)
        u = record("Imported", ("z", "string"))
        r = self.srv.register(s, u, id=50000, version=3)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["id"], r.json["version"]), (50000, 3))
        self.assertEqual(self.srv.get("/schemas/ids/50000").json["schema"], u)
        # no compatibility check while importing
        r = self.srv.register(s, record("Imported", ("z", "int")), id=50001, version=4)
        self.assertEqual(r.status, 200, r)
        # an id that holds another schema cannot be overwritten
        self.assertError(self.srv.register(s, record("Other", ("q", "int")), id=50000, version=5), 422, 42205)
        self.srv.put("/mode/%s" % q(s), {"mode": "READWRITE"})
        # new ids continue past the imported ones
        t = self.subject("after")
        self.assertGreater(self.srv.register(t, record("After", ("n", "int"))).json["id"], 50001)
        self.assertError(self.srv.register(t, record("After2", ("n", "int")), id=60000), 422, 42205,
                         "Subject %s in context  is not in import mode" % t)

    def test_entering_import_mode_needs_an_empty_scope_unless_forced(self):
        s = self.subject()
        self.srv.register(s, A)
        self.assertError(self.srv.put("/mode/%s" % q(s), {"mode": "IMPORT"}), 422, 42205,
                         "Cannot import since found existing subjects")
        self.assertEqual(self.srv.put("/mode/%s?force=true" % q(s), {"mode": "IMPORT"}).status, 200)
        self.srv.delete("/mode/%s" % q(s))
        t = self.subject("soft")
        self.srv.register(t, A)
        self.srv.delete("/subjects/%s" % q(t))
        self.assertEqual(self.srv.put("/mode/%s" % q(t), {"mode": "IMPORT"}).status, 200)
        self.assertError(self.srv.get("/subjects/%s/versions?deleted=true" % q(t)), 404, 40401)  # soft-deleted ones went


if __name__ == "__main__":
    main()
