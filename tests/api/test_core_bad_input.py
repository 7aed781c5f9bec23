#!/usr/bin/python3
"""Bad input of every kind gets a 4xx in Confluent's error shape, and never hurts the server or
the store (confluent-api.md §1)."""
import json
import socket

from sluiced import ServerTest, main, q, record

A = record("Bad", ("a", "string"))


class BadInput(ServerTest):
    server_args = ("--config", "/dev/null")

    def tearDown(self):
        # after every test the server still answers and earlier data is intact
        self.assertEqual(self.srv.get("/", fresh=True).json, {})

    def test_malformed_json_is_400_naming_the_problem(self):
        s = self.subject()
        for body in (b"{", b"garbage", b'{"schema": "x",}', b"\xff\xfe", b'{"schema":"\\ud800"}'):
            r = self.srv.post("/subjects/%s/versions" % q(s), raw=body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertEqual(r.json["error_code"], 400)
            self.assertIn("Invalid JSON", r.json["message"])

    def test_wrong_shapes_are_400(self):
        s = self.subject()
        for body in ([1, 2], "str", 5, {"schema": {}}, {"schema": []}, {"schema": A, "references": "x"},
                     {"schema": A, "references": [1]}, {"schema": A, "version": "two"}, {"schema": A, "schemaType": 3}):
            r = self.srv.post("/subjects/%s/versions" % q(s), body)
            self.assertEqual(r.status, 400, (body, r))

    def test_an_empty_or_null_body_is_422(self):
        s = self.subject()
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), raw=b""), 422, 422)
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), raw=b"null"), 422, 422)
        self.assertError(self.srv.put("/config", raw=b""), 422, 422)

    def test_missing_or_empty_schema_is_42201_empty_schema(self):
        s = self.subject()
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), {}), 422, 42201, "Empty schema")
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), {"schema": None}), 422, 42201, "Empty schema")
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), {"schema": ""}), 422, 42201, "Empty schema")

    def test_invalid_avro_is_42201_with_details(self):
        s = self.subject()
        cases = {
            '{"type":"record","name":"R"}': "fields",
            '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}': "not a defined name",
            '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}': "Duplicate field",
            '{"type":"enum","name":"E","symbols":["A","A"]}': "Duplicate enum symbol",
            '{"type":"enum","name":"E","symbols":["A"],"default":"B"}': "Enum Default",
            '{"type":"record","name":"1R","fields":[]}': "Illegal name",
            '{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]}': "Invalid default",
            '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}': "Invalid default",
            '["int","int"]': "Duplicate in union",
            '[["int"]]': "Nested union",
            '{"type":"fixed","name":"F"}': "size",
            '{"type":"array"}': "items",
            '{"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"R","fields":[]}}]}': "redefine",
            'not json': "Invalid JSON",
        }
        for schema, words in cases.items():
            r = self.srv.register(s, schema)
            self.assertError(r, 422, 42201)
            self.assertTrue(r.json["message"].startswith("Invalid schema of type AVRO, details: "), r.json)
            self.assertIn(words, r.json["message"], schema)

    def test_an_unknown_schema_type_is_42201(self):
        r = self.srv.post("/subjects/%s/versions" % q(self.subject()), {"schema": A, "schemaType": "XML"})
        self.assertError(r, 422, 42201, "Invalid schema type XML")

    def test_invalid_subject_names_are_42208(self):
        reasons = {"bad\x01name": "It contains the control character U+0001 (byte 4).",
                   "__GLOBAL": "The name is reserved.", "__EMPTY": "The name is reserved.",
                   "tab\there": "It contains the control character U+0009 (byte 4)."}
        for subject, reason in reasons.items():
            r = self.srv.register(subject, A)
            self.assertError(r, 422, 42208,
                             "The specified subject '%s' is not a valid. %s" % (subject, reason))
        self.assertError(self.srv.put("/config/%s" % q("x\x7fy"), {"compatibility": "NONE"}), 422, 42208)

    def test_huge_bodies_are_refused_with_413(self):
        big = b'{"schema":"' + b"x" * (17 << 20) + b'"}'
        r = self.srv.post("/subjects/%s/versions" % q(self.subject()), raw=big, fresh=True)
        self.assertError(r, 413, 413)

    def test_deeply_nested_json_is_refused(self):
        for body in (b"[" * 100000, b'{"schema":' + b"[" * 100000 + b"]" * 100000 + b"}"):
            r = self.srv.post("/subjects/%s/versions" % q(self.subject()), raw=body)
            self.assertEqual(r.status, 400, r)
        deep = "[" * 3000 + '"int"' + "]" * 3000
        self.assertError(self.srv.register(self.subject(), deep), 422, 42201)
        nested = {"type": "array", "items": "int"}
        for _ in range(400):
            nested = {"type": "array", "items": nested}
        self.assertError(self.srv.register(self.subject(), json.dumps(nested)), 422, 42201)

    def test_unknown_routes_are_404_and_wrong_methods_405(self):
        self.assertError(self.srv.get("/associations/subjects/x"), 404, 404, "HTTP 404 Not Found")
        self.assertError(self.srv.get("/nothing/here"), 404, 404, "HTTP 404 Not Found")
        self.assertError(self.srv.request("PATCH", "/subjects"), 405, 405, "HTTP 405 Method Not Allowed")
        self.assertError(self.srv.post("/schemas/types", {}), 405, 405)
        self.assertError(self.srv.delete("/schemas/ids/1"), 405, 405)
        self.assertError(self.srv.request("PUT", "/subjects/x/versions", body={}), 405, 405)

    def test_content_types(self):
        s = self.subject()
        for ct in ("application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
                   "application/json", "application/json; charset=utf-8", "application/octet-stream"):
            r = self.srv.post("/subjects/%s/versions" % q(s), {"schema": A}, headers={"Content-Type": ct})
            self.assertEqual(r.status, 200, (ct, r))
        self.assertError(self.srv.post("/subjects/%s/versions" % q(s), {"schema": A}, headers={"Content-Type": "text/plain"}),
                         415, 415, "HTTP 415 Unsupported Media Type")

    def test_any_accept_header_gets_json_never_406(self):
        for accept, expect in (("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", "application/vnd.schemaregistry.v1+json"),
                               ("application/json", "application/json"),
                               ("application/vnd.schemaregistry+json", "application/vnd.schemaregistry+json"),
                               ("text/plain", "application/vnd.schemaregistry.v1+json")):
            r = self.srv.get("/subjects", headers={"Accept": accept})
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers.get("Content-Type"), expect)

    def test_integer_query_parameters_that_are_not_ints_are_404(self):
        self.assertError(self.srv.get("/schemas?limit=x"), 404, 404)
        self.assertError(self.srv.get("/schemas?offset=-1"), 422, 422)

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        for _ in range(50):
            c.request("GET", "/subjects")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
        c.close()

    def test_a_garbage_request_line_does_not_hurt_the_server(self):
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as sock:
            sock.sendall(b"\x00\x01\x02 NOT HTTP\r\n\r\n")
            try:
                sock.recv(1000)
            except OSError:
                pass

    def test_percent_escapes_that_are_malformed_do_not_match_a_route(self):
        self.assertError(self.srv.get("/subjects/bad%zz/versions"), 404, 404)


if __name__ == "__main__":
    main()
