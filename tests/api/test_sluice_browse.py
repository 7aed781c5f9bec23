#!/usr/bin/python3
"""sluice's browsing API (/sluice/v1/, docs/api.md) and the web UI's files (/ui/, docs/ui.md),
through the real server: search, a subject at a glance, a version's forms, the differences
between two versions with Confluent's difference types for Avro, Protobuf and JSON Schema, the
check of a new schema with its findings on lines, and how the UI's files are served."""
import gzip
import json
import os
import tempfile
import unittest
import urllib.parse

from sluiced import Sluiced, ServerTest, basic_auth, main, passwd, q, record

S = "/sluice/v1/subjects"


def proto(body, package="acme"):
    return 'syntax = "proto3";\npackage %s;\n\n%s' % (package, body)


def search(srv, **params):
    r = srv.get(S + "?" + urllib.parse.urlencode(params))
    assert r.status == 200, r
    return r.json


class Search(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        for i in range(25):
            assert srv.register("search-orders-%02d-value" % i, record("O%d" % i, ("id", "string"))).status == 200
        assert srv.register("search-Payments-value", proto("message P { string id = 1; }"),
                            schemaType="PROTOBUF").status == 200
        assert srv.register("search-events", json.dumps({"type": "object"}), schemaType="JSON").status == 200
        assert srv.register("search-gone", '"int"').status == 200
        assert srv.delete("/subjects/search-gone").status == 200
        assert srv.put("/config/search-orders-03-value", {"compatibility": "FULL"}).status == 200

    def names(self, **params):
        return [s["subject"] for s in search(self.srv, **params)["subjects"]]

    def test_substring_ignores_the_case_of_letters(self):
        self.assertEqual(self.names(q="payments"), ["search-Payments-value"])
        self.assertEqual(self.names(q="PAYMENTS"), ["search-Payments-value"])

    def test_prefix_is_byte_for_byte_and_regex_is_posix_extended(self):
        self.assertEqual(self.names(q="search-P", match="prefix"), ["search-Payments-value"])
        self.assertEqual(self.names(q="search-p", match="prefix"), [])
        self.assertEqual(self.names(q="^search-orders-1[0-2]-value$", match="regex"),
                         ["search-orders-10-value", "search-orders-11-value", "search-orders-12-value"])

    def test_each_entry_says_type_latest_version_id_level_and_when(self):
        r = search(self.srv, q="search-orders-03-value")["subjects"]
        self.assertEqual(len(r), 1)
        e = r[0]
        self.assertEqual((e["schemaType"], e["version"], e["versions"], e["deleted"], e["compatibility"]),
                         ("AVRO", 1, 1, False, "FULL"))
        self.assertIsInstance(e["id"], int)
        self.assertGreater(e["ts"], 1600000000000)

    def test_filters_by_type_level_and_soft_deletion(self):
        self.assertEqual(self.names(q="search-", type="PROTOBUF"), ["search-Payments-value"])
        self.assertEqual(self.names(q="search-", type="JSON"), ["search-events"])
        self.assertEqual(self.names(q="search-", level="full"), ["search-orders-03-value"])
        self.assertNotIn("search-gone", self.names(q="search-g"))
        gone = search(self.srv, q="search-gone", deleted="true")["subjects"]
        self.assertEqual([(s["subject"], s["deleted"], s["versions"]) for s in gone], [("search-gone", True, 0)])

    def test_pages_follow_the_cursor_to_the_end(self):
        seen, after = [], None
        for _ in range(20):  # a cursor that never ends fails instead of looping
            params = {"q": "search-orders-", "limit": 10}
            if after:
                params["after"] = after
            r = search(self.srv, **params)
            seen += [s["subject"] for s in r["subjects"]]
            after = r["next"]
            if not after:
                break
        else:
            self.fail("the cursor did not reach the end in 20 pages")
        self.assertEqual(seen, ["search-orders-%02d-value" % i for i in range(25)])

    def test_a_new_subject_is_found_as_soon_as_it_is_registered(self):
        self.assertEqual(self.names(q="search-fresh"), [])
        self.assertEqual(self.srv.register("search-fresh", '"string"').status, 200)
        self.assertEqual(self.names(q="search-fresh"), ["search-fresh"])
        self.assertEqual(self.srv.put("/config/search-fresh", {"compatibility": "NONE"}).status, 200)
        self.assertEqual(self.names(q="search-fresh", level="NONE"), ["search-fresh"])

    def test_bad_parameters_are_refused_with_the_reason(self):
        for params, status, code in ((dict(q="(", match="regex"), 400, 400),
                                     (dict(q="(a)\\1", match="regex"), 400, 400),
                                     (dict(q="a" * 300, match="regex"), 400, 400),
                                     (dict(match="glob"), 400, 400),
                                     (dict(type="XML"), 422, 42201),
                                     (dict(level="SIDEWAYS"), 422, 42203)):
            with self.subTest(params=params):
                r = self.srv.get(S + "?" + urllib.parse.urlencode(params))
                self.assertError(r, status, code)


class Browse(ServerTest):
    def test_a_subject_lists_every_version_with_its_id_type_time_and_state(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, record("R", ("a", "int"))).status, 200)
        self.assertEqual(self.srv.register(s, record("R", ("a", "int"), ("b", "int", 0))).status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1" % q(s)).status, 200)
        r = self.srv.get(S + "/" + q(s))
        self.assertEqual(r.status, 200, r)
        self.assertEqual([(v["version"], v["schemaType"], v["deleted"]) for v in r.json["versions"]],
                         [(1, "AVRO", True), (2, "AVRO", False)])
        self.assertEqual(r.json["latest"], 2)
        self.assertTrue(all(v["ts"] > 1600000000000 for v in r.json["versions"]))
        self.assertEqual(r.json["compatibility"], {"level": "BACKWARD", "from": "default"})
        self.assertEqual(r.json["mode"], {"mode": "READWRITE", "from": "default"})
        self.assertEqual(r.json["rights"]["write"], True)

    def test_level_and_mode_say_where_they_are_set(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, '"int"').status, 200)
        self.assertEqual(self.srv.put("/config/" + q(s), {"compatibility": "FULL"}).status, 200)
        self.assertEqual(self.srv.put("/mode/" + q(s), {"mode": "READONLY"}).status, 200)
        r = self.srv.get(S + "/" + q(s)).json
        self.assertEqual(r["compatibility"], {"level": "FULL", "from": "subject"})
        self.assertEqual(r["mode"], {"mode": "READONLY", "from": "subject"})
        self.assertEqual(self.srv.put("/mode/" + q(s), {"mode": "READWRITE"}).status, 200)

    def test_references_and_referrers_are_listed_both_ways(self):
        common, user = self.subject("common"), self.subject("user")
        self.assertEqual(self.srv.register(common, proto("message Money { int64 units = 1; }"),
                                           schemaType="PROTOBUF").status, 200)
        r = self.srv.register(user, proto('import "money.proto";\nmessage Order { acme.Money total = 1; }'),
                              schemaType="PROTOBUF",
                              references=[{"name": "money.proto", "subject": common, "version": 1}])
        self.assertEqual(r.status, 200, r)
        o = self.srv.get(S + "/" + q(user)).json
        self.assertEqual(o["versions"][0]["references"], [{"name": "money.proto", "subject": common, "version": 1}])
        by = self.srv.get(S + "/" + q(common)).json["referencedBy"]
        self.assertEqual([(b["subject"], b["version"], b["id"], b["references"]) for b in by],
                         [(user, 1, r.json["id"], 1)])
        v = self.srv.get(S + "/%s/versions/1" % q(common)).json
        self.assertEqual([b["subject"] for b in v["referencedBy"]], [user])

    def test_a_version_has_its_indented_canonical_and_normalized_forms(self):
        s = self.subject()
        schema = json.dumps({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]})
        self.assertEqual(self.srv.register(s, schema).status, 200)
        v = self.srv.get(S + "/%s/versions/latest" % q(s)).json
        self.assertEqual(v["schema"], '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}')
        self.assertEqual(json.loads(v["pretty"]), json.loads(v["schema"]))
        self.assertEqual(v["pretty"].splitlines()[:3], ["{", '  "type": "record",', '  "name": "R",'])
        self.assertEqual(json.loads(v["normalized"])["fields"][0]["order"], "ascending")
        self.assertEqual((v["version"], v["schemaType"], v["deleted"]), (1, "AVRO", False))

    def test_soft_deleted_versions_can_still_be_read(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, '"int"').status, 200)
        self.assertEqual(self.srv.delete("/subjects/%s/versions/1" % q(s)).status, 200)
        v = self.srv.get(S + "/%s/versions/1" % q(s))
        self.assertEqual((v.status, v.json["deleted"]), (200, True))

    def test_unknown_subjects_and_versions_are_404(self):
        self.assertError(self.srv.get(S + "/nope"), 404, 40401)
        s = self.subject()
        self.assertEqual(self.srv.register(s, '"int"').status, 200)
        self.assertError(self.srv.get(S + "/%s/versions/7" % q(s)), 404, 40402)
        self.assertError(self.srv.get(S + "/%s/versions/x" % q(s)), 422, 42202)
        self.assertError(self.srv.get(S + "/%s/diff" % q(s)), 404, 40402)

    def test_subject_names_with_slash_percent_space_and_unicode_work(self):
        for s in ("acme/orders/Order.proto", "100% sure", "räksmörgås 🦐", "a%2Fb"):
            with self.subTest(subject=s):
                self.assertEqual(self.srv.register(s, '"string"').status, 200)
                self.assertEqual(self.srv.register(s, '"string"', metadata={"properties": {"x": "1"}}).status, 200)
                self.assertEqual(self.srv.get(S + "/" + q(s)).json["subject"], s)
                self.assertEqual(self.srv.get(S + "/%s/versions/1" % q(s)).json["subject"], s)
                self.assertEqual(self.srv.get(S + "/%s/diff" % q(s)).json["subject"], s)
                found = search(self.srv, q=s, match="prefix")["subjects"]
                self.assertEqual([x["subject"] for x in found], [s])


class Differences(ServerTest):
    """The differences between two versions: compat/'s findings, each with Confluent's type,
    which directions it breaks, and where it is in the texts shown."""

    def versions(self, schemas, schema_type="AVRO"):
        s = self.subject()
        self.assertEqual(self.srv.put("/config/" + q(s), {"compatibility": "NONE"}).status, 200)
        for text in schemas:
            r = self.srv.register(s, text, schemaType=schema_type)
            self.assertEqual(r.status, 200, r)
        return s

    def diff(self, s, **params):
        r = self.srv.get(S + "/%s/diff?%s" % (q(s), urllib.parse.urlencode(params)))
        self.assertEqual(r.status, 200, r)
        return r.json

    @staticmethod
    def types(d):
        return [(f["type"], f["breaks"]["BACKWARD"], f["breaks"]["FORWARD"], f["breaks"]["FULL"])
                for f in d["differences"]]

    @staticmethod
    def line(d, f):
        text = d["from" if f["side"] == "old" else "to"]["text"]
        return text.splitlines()[f["line"] - 1]

    def test_avro_type_mismatch_and_missing_defaults_each_way(self):
        s = self.versions([record("R", ("a", "int"), ("b", "string")),
                           record("R", ("a", "string"), ("c", "string"))])
        d = self.diff(s)
        self.assertEqual((d["from"]["version"], d["to"]["version"]), (1, 2))
        self.assertEqual(self.types(d), [("TYPE_MISMATCH", True, True, True),
                                         ("READER_FIELD_MISSING_DEFAULT_VALUE", True, False, True),
                                         ("READER_FIELD_MISSING_DEFAULT_VALUE", False, True, True)])
        self.assertEqual(d["breaks"], {"BACKWARD": True, "FORWARD": True, "FULL": True})
        mismatch, added, removed = d["differences"]
        self.assertEqual((mismatch["path"], mismatch["side"]), ("/fields/0/type", "new"))
        self.assertEqual(self.line(d, mismatch).strip(), '"type": "string"')
        self.assertEqual((added["side"], removed["side"]), ("new", "old"))  # each in its reader
        self.assertIn('"c"', self.line(d, added) + d["to"]["text"].splitlines()[added["line"]])
        self.assertIn('"b"', self.line(d, removed) + d["from"]["text"].splitlines()[removed["line"]])

    def test_avro_compatible_changes_have_no_difference(self):
        s = self.versions([record("R", ("a", "int")), record("R", ("a", "int"), ("b", "int", 0))])
        d = self.diff(s)
        self.assertEqual(d["differences"], [])
        self.assertEqual(d["breaks"], {"BACKWARD": False, "FORWARD": False, "FULL": False})

    def test_avro_enum_symbols_and_names(self):
        e1 = json.dumps({"type": "enum", "name": "E", "symbols": ["A", "B"]})
        e2 = json.dumps({"type": "enum", "name": "E", "symbols": ["A"]})
        e3 = json.dumps({"type": "enum", "name": "F", "symbols": ["A"]})
        s = self.versions([e1, e2, e3])
        self.assertEqual(self.types(self.diff(s, **{"from": 1, "to": 2})),
                         [("MISSING_ENUM_SYMBOLS", True, False, True)])
        self.assertEqual(self.types(self.diff(s, **{"from": 2, "to": 3})),
                         [("NAME_MISMATCH", True, True, True)])

    def test_protobuf_removed_message_and_changed_kind_with_their_lines(self):
        s = self.versions([proto("message M {\n  int32 a = 1;\n  string b = 2;\n}\n\nmessage N {\n  int32 z = 1;\n}\n"),
                           proto("message M {\n  string a = 1;\n  string b = 2;\n}\n")], "PROTOBUF")
        d = self.diff(s)
        by_type = {f["type"]: f for f in d["differences"]}
        self.assertEqual(set(by_type), {"MESSAGE_REMOVED", "FIELD_SCALAR_KIND_CHANGED"})
        removed, kind = by_type["MESSAGE_REMOVED"], by_type["FIELD_SCALAR_KIND_CHANGED"]
        self.assertEqual((removed["breaks"]["BACKWARD"], removed["breaks"]["FORWARD"]), (True, False))
        self.assertEqual((removed["side"], removed["path"]), ("old", "#/N"))
        self.assertEqual(self.line(d, removed).strip(), "message N {")
        self.assertEqual((kind["side"], kind["breaks"]["FORWARD"]), ("new", True))
        self.assertEqual(self.line(d, kind).strip(), "string a = 1;")
        self.assertEqual(d["to"]["text"], self.srv.get("/subjects/%s/versions/2/schema" % q(s)).text)

    def test_protobuf_a_scalar_field_that_becomes_a_message(self):
        s = self.versions([proto("message M {\n  int32 a = 1;\n}\n"),
                           proto("message A {}\nmessage M {\n  A a = 1;\n}\n")], "PROTOBUF")
        d = self.diff(s)
        # and, read the other way, the older schema lacks the new message A: FORWARD only
        self.assertEqual(self.types(d), [("FIELD_KIND_CHANGED", True, True, True),
                                         ("MESSAGE_REMOVED", False, True, True)])
        self.assertTrue(self.line(d, d["differences"][0]).strip().endswith("A a = 1;"))

    def test_json_schema_type_changed_and_closed_content_models(self):
        j1 = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
              "additionalProperties": False}
        j2 = {"type": "object", "properties": {"a": {"type": "string"}, "c": {"type": "string"}},
              "required": ["c"], "additionalProperties": False}
        s = self.versions([json.dumps(j1), json.dumps(j2)], "JSON")
        d = self.diff(s)
        self.assertEqual(self.types(d), [
            ("TYPE_CHANGED", True, True, True),
            ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", True, False, True),
            ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", True, False, True),
            ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", False, True, True)])
        changed, removed_b = d["differences"][0], d["differences"][1]
        self.assertEqual(self.line(d, changed).strip(), '"a": {')
        self.assertEqual((removed_b["side"], self.line(d, removed_b).strip()), ("old", '"b": {'))

    def test_any_two_versions_and_defaults(self):
        s = self.versions([record("R", ("a", "int")), record("R", ("a", "long")), record("R", ("a", "string"))])
        self.assertEqual((self.diff(s)["from"]["version"], self.diff(s)["to"]["version"]), (2, 3))
        d = self.diff(s, **{"from": 3, "to": 1})
        self.assertEqual((d["from"]["version"], d["to"]["version"]), (3, 1))
        self.assertEqual(self.diff(s, to=2)["from"]["version"], 1)
        self.assertEqual(d["compatibility"], {"level": "NONE", "from": "subject"})

    def test_schemas_of_different_types(self):
        s = self.subject()
        self.assertEqual(self.srv.put("/config/" + q(s), {"compatibility": "NONE"}).status, 200)
        self.assertEqual(self.srv.register(s, '"int"').status, 200)
        self.assertEqual(self.srv.register(s, json.dumps({"type": "string"}), schemaType="JSON").status, 200)
        self.assertEqual(self.types(self.diff(s)), [("SCHEMA_TYPE_MISMATCH", True, True, True)])


class Check(ServerTest):
    def check(self, s, schema, schema_type="AVRO"):
        r = self.srv.post(S + "/%s/check" % q(s), {"schema": schema, "schemaType": schema_type})
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_an_incompatible_schema_gets_confluents_messages_and_findings_on_its_lines(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, record("R", ("a", "int"))).status, 200)
        sent = '{\n  "type": "record",\n  "name": "R",\n  "fields": [\n    {"name": "a", "type": "string"}\n  ]\n}'
        r = self.check(s, sent)
        self.assertFalse(r["is_compatible"])
        self.assertEqual((r["compatibility"], r["mode"]), ("BACKWARD", "READWRITE"))
        confluent = self.srv.post("/compatibility/subjects/%s/versions?verbose=true" % q(s), {"schema": sent}).json
        self.assertEqual(r["messages"], confluent["messages"])
        self.assertEqual([(f["type"], f["side"], f["line"], f["version"]) for f in r["findings"]],
                         [("TYPE_MISMATCH", "new", 5, 1)])

    def test_protobuf_findings_point_into_the_text_sent(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, proto("message M {\n  int32 a = 1;\n}\n"), schemaType="PROTOBUF").status, 200)
        r = self.check(s, proto("message M {\n  string a = 1;\n}\n"), "PROTOBUF")
        self.assertEqual([(f["type"], f["side"], f["line"]) for f in r["findings"]],
                         [("FIELD_SCALAR_KIND_CHANGED", "new", 5)])

    def test_compatible_schemas_new_subjects_and_invalid_schemas(self):
        s = self.subject()
        self.assertEqual(self.srv.register(s, record("R", ("a", "int"))).status, 200)
        r = self.check(s, record("R", ("a", "int"), ("b", "int", 1)))
        self.assertEqual((r["is_compatible"], r["findings"]), (True, []))
        r = self.check(self.subject("new"), '"string"')
        self.assertEqual((r["is_compatible"], r["findings"]), (True, []))
        r = self.check(s, '{"type": "record"')
        self.assertFalse(r["is_compatible"])
        self.assertIn("Invalid schema", r["messages"][0])


class Files(ServerTest):
    """The UI's files: embedded, cached by ETag, gzipped on request, under a strict CSP."""

    def test_pages_are_the_ui_and_unknown_pages_are_404_html(self):
        for path in ("/ui/", "/ui/subjects/a%2Fb", "/ui/subjects/x/versions/3", "/ui/subjects/x/diff",
                     "/ui/subjects/x/check", "/ui/schemas/12"):
            with self.subTest(path=path):
                r = self.srv.get(path)
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
                self.assertIn("/ui/assets/app.js", r.text)
                self.assertIn("script-src 'self'", r.headers["Content-Security-Policy"])
        for path in ("/ui/nope", "/ui/subjects", "/ui/schemas/abc", "/ui/subjects/x/versions/1/more"):
            with self.subTest(path=path):
                r = self.srv.get(path)
                self.assertEqual(r.status, 404, r)
                self.assertIn("/ui/assets/app.js", r.text)
        self.assertIn("/ui/assets/app.js", self.srv.get("/ui").text)
        self.assertError(self.srv.get("/ui/assets/nope.js"), 404, 404)
        self.assertEqual(self.srv.get("/").json, {})

    def test_files_have_types_etags_and_answer_304_when_unchanged(self):
        for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css"),
                           ("highlight.js", "text/javascript"), ("diff.js", "text/javascript"),
                           ("favicon.svg", "image/svg+xml")):
            with self.subTest(name=name):
                r = self.srv.get("/ui/assets/" + name)
                self.assertEqual(r.status, 200)
                self.assertTrue(r.headers["Content-Type"].startswith(kind), r.headers)
                self.assertEqual(r.headers["Cache-Control"], "no-cache")
                etag = r.headers["ETag"]
                again = self.srv.get("/ui/assets/" + name, headers={"If-None-Match": etag})
                self.assertEqual((again.status, again.text), (304, ""))
        self.assertIn("hljs", self.srv.get("/ui/assets/highlight.js").text)
        self.assertIn("diffLines", self.srv.get("/ui/assets/diff.js").text)

    def test_gzip_when_the_client_accepts_it(self):
        plain = self.srv.get("/ui/assets/app.js")
        self.assertNotIn("Content-Encoding", plain.headers)
        conn = self.srv.connect()
        conn.request("GET", "/ui/assets/app.js", headers={"Accept-Encoding": "gzip, deflate"})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        self.assertEqual(r.getheader("Vary"), "Accept-Encoding")
        self.assertEqual(gzip.decompress(body).decode(), plain.text)
        refused = self.srv.get("/ui/assets/app.js", headers={"Accept-Encoding": "gzip;q=0"})
        self.assertNotIn("Content-Encoding", refused.headers)


class Off(unittest.TestCase):
    def test_sluice_ui_enabled_false_turns_the_ui_off_but_not_the_api(self):
        srv = Sluiced(config={"sluice.ui.enabled": "false"}).start()
        try:
            self.assertEqual(srv.get("/ui/").status, 404)
            self.assertEqual(srv.get("/ui").status, 404)
            self.assertEqual(srv.get("/ui/assets/app.js").status, 404)
            self.assertEqual(srv.get(S).status, 200)
        finally:
            srv.stop()
            srv.close()


class Authorization(unittest.TestCase):
    """Listings show only what the caller may read; the rights come with a subject."""

    def test_search_shows_only_readable_subjects_and_rights_follow_the_rules(self):
        d = tempfile.TemporaryDirectory(prefix="sluice-browse-auth-")
        creds = os.path.join(d.name, "credentials")
        passwd(creds, "admin", "pw", "--role", "admin")
        passwd(creds, "bob", "pw", "--groups", "orders")
        with open(creds, "a") as f:
            f.write("allow group:orders read orders-*\n")
        srv = Sluiced(config={"authentication.method": "BASIC", "sluice.auth.file": creds},
                      headers={"Authorization": basic_auth("admin", "pw")}).start()
        try:
            for s in ("orders-a", "orders-b", "payments-a"):
                self.assertEqual(srv.register(s, '"int"').status, 200)
            bob = srv.client({"Authorization": basic_auth("bob", "pw")})
            self.assertEqual([s["subject"] for s in search(bob, q="-a")["subjects"]], ["orders-a"])
            self.assertEqual(len(search(srv, q="-a")["subjects"]), 2)
            rights = bob.get(S + "/orders-a").json["rights"]
            self.assertEqual(rights, {"user": "bob", "read": True, "write": False, "delete": False,
                                      "config": False})
            self.assertEqual(bob.get(S + "/payments-a").status, 403)
            self.assertEqual(srv.client({"Authorization": None}).get("/ui/").status, 401)
            self.assertEqual(bob.get("/ui/").status, 200)
        finally:
            srv.stop()
            srv.close()
            d.cleanup()


if __name__ == "__main__":
    main()
