#!/usr/bin/python3
"""Authentication and authorization through the real server (docs/security.md).

The route test is generated from `sluiced --routes`, the route table itself: every route, with
no credentials, is 401 with WWW-Authenticate (only the health probes are public); with a user
who has no right on it, 403; with the right user, it is served. A route added to the table is
tested here without anyone writing a line."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from sluiced import SLUICED, Sluiced, ServerTest, apikey, basic_auth, main, passwd, q, record

PASSWORD = "correct horse"
SUBJECT = "orders-value"       # registered at start, readable by the orders group
SCRATCH = "orders-scratch"     # deleted by the route walk
OTHER = "payments-value"       # not the orders group's


def routes():
    out = subprocess.run([SLUICED, "--routes"], capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def body_for(route):
    """A request body that the route accepts (an empty object for routes this file does not know:
    they are still checked for 401 and 403)."""
    p = route["pattern"]
    if route["method"] not in ("POST", "PUT"):
        return None
    if p.startswith("/config"):
        return {"compatibility": "BACKWARD"}
    if p.startswith("/mode"):
        return {"mode": "READWRITE"}
    if "/subjects/" in p:
        return {"schema": '"string"'}
    return {}


class Auth(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="sluice-auth-")
        cls.creds = os.path.join(cls.dir.name, "credentials")
        passwd(cls.creds, "admin", PASSWORD, "--role", "admin")
        passwd(cls.creds, "reader", PASSWORD, "--role", "reader")
        passwd(cls.creds, "nobody", PASSWORD)
        passwd(cls.creds, "orders", PASSWORD, "--groups", "orders")
        cls.token = apikey(cls.creds, "ci", "--role", "writer")
        with open(cls.creds, "a") as f:
            f.write("allow group:orders read,write,delete,config orders-*\n")
        cls.audit = os.path.join(cls.dir.name, "audit.log")
        cls.srv = Sluiced(config={"authentication.method": "BASIC", "sluice.auth.file": cls.creds,
                                  "sluice.audit.log": cls.audit},
                          headers={"Authorization": basic_auth("admin", PASSWORD)}).start()
        r = cls.srv.register(SUBJECT, record("Order", ("id", "string")))
        assert r.status == 200, r
        cls.id = r.json["id"]
        assert cls.srv.register(OTHER, record("Order", ("id", "string"))).status == 200
        # what the route walk reads and writes: a level and a mode of its own, and "string"
        assert cls.srv.put("/config/" + SUBJECT, {"compatibility": "NONE"}).status == 200
        assert cls.srv.put("/mode/" + SUBJECT, {"mode": "READWRITE"}).status == 200
        assert cls.srv.register(SUBJECT, '"string"').status == 200

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.dir.cleanup()

    def as_user(self, user, password=PASSWORD):
        return self.srv.client({"Authorization": basic_auth(user, password)})

    def path_of(self, route, subject):
        p = route["pattern"]
        p = (p.replace("{subject}", q(subject)).replace("{version}", "1")
             .replace("{id}", str(self.id)))
        return re.sub(r"\{[A-Za-z_]+\*?\}", "x", p)  # parameters this file does not know

    @staticmethod
    def known(route):
        """Does this file know how to make the route succeed (its parameters and its body)?"""
        params = set(re.findall(r"\{([A-Za-z_]+\*?)\}", route["pattern"]))
        return params <= {"subject", "version", "id"} and body_for(route) != {}

    def test_every_route_needs_credentials_then_the_right_then_is_served(self):
        table = routes()
        self.assertGreater(len(table), 30)
        public = [r["pattern"] for r in table if r["perm"] == "public"]
        self.assertEqual(sorted(public), ["/health/live", "/health/ready"])
        self.assertEqual([r for r in table if r["perm"] == "unset"], [])
        anonymous = self.srv.client({"Authorization": None})
        nobody = self.as_user("nobody")
        admin = self.as_user("admin")
        # the destructive routes last, on a subject of their own
        for n, route in enumerate(sorted(table, key=lambda r: r["method"] == "DELETE")):
            subject = SUBJECT
            if route["method"] == "DELETE":  # a subject of its own, with a level and a mode
                subject = "%s-%d" % (SCRATCH, n)
                self.assertEqual(admin.register(subject, '"string"').status, 200)
                self.assertEqual(admin.put("/config/" + subject, {"compatibility": "NONE"}).status, 200)
                self.assertEqual(admin.put("/mode/" + subject, {"mode": "READWRITE"}).status, 200)
            path, body = self.path_of(route, subject), body_for(route)
            name = "%s %s" % (route["method"], route["pattern"])
            with self.subTest(route=name):
                r = anonymous.request(route["method"], path, body=body)
                if route["perm"] == "public":
                    self.assertEqual(r.status, 200, (name, r))
                else:
                    self.assertError(r, 401, 40101)
                    self.assertIn("Basic", r.headers.get("WWW-Authenticate", ""), name)
                r = nobody.request(route["method"], path, body=body)
                if route["perm"] in ("public", "any-user") or route["target"] == "list":
                    self.assertNotIn(r.status, (401, 403), (name, r))
                else:
                    self.assertError(r, 403, 40301)
                r = admin.request(route["method"], path, body=body)
                self.assertNotIn(r.status, (401, 403), (name, r))
                if self.known(route) or route["pattern"] == "/":
                    self.assertLess(r.status, 300, (name, r))

    def test_wrong_passwords_unknown_users_and_schemes_are_401(self):
        for headers in ({"Authorization": basic_auth("admin", "nope")},
                        {"Authorization": basic_auth("ghost", PASSWORD)},
                        {"Authorization": "Digest x"}, {"Authorization": "Bearer nope"}):
            r = self.srv.client(headers).get("/subjects")
            self.assertError(r, 401, 40101)
            self.assertEqual(r.headers.get("WWW-Authenticate"), 'Basic realm="sluice", charset="UTF-8"')

    def test_rules_grant_rights_per_subject(self):
        orders = self.as_user("orders")
        self.assertEqual(orders.register("orders-new", '"int"').status, 200)
        self.assertError(orders.register("payments-new", '"int"'), 403, 40301,
                         "User orders is denied operation Write on Subject: payments-new")
        self.assertEqual(orders.put("/config/orders-new", {"compatibility": "NONE"}).status, 200)
        self.assertError(orders.put("/config", {"compatibility": "NONE"}), 403, 40301)
        self.assertError(orders.get("/subjects/%s/versions" % OTHER), 403, 40301)
        reader = self.as_user("reader")
        self.assertEqual(reader.get("/subjects/%s/versions" % OTHER).status, 200)
        self.assertError(reader.register(SUBJECT, '"int"'), 403, 40301)
        self.assertError(reader.delete("/subjects/%s" % SUBJECT), 403, 40301)

    def test_listings_show_only_the_subjects_the_caller_may_read(self):
        orders = self.as_user("orders")
        subjects = orders.get("/subjects").json
        self.assertIn(SUBJECT, subjects)
        self.assertNotIn(OTHER, subjects)
        self.assertTrue(all(s.startswith("orders-") for s in subjects), subjects)
        listed = {s["subject"] for s in orders.get("/schemas").json}
        self.assertIn(SUBJECT, listed)
        self.assertNotIn(OTHER, listed)
        # the same schema under both: the id is readable, its holders are filtered
        self.assertEqual(orders.get("/schemas/ids/%d/subjects" % self.id).json, [SUBJECT])
        self.assertEqual([v["subject"] for v in orders.get("/schemas/ids/%d/versions" % self.id).json],
                         [SUBJECT])
        self.assertIn(OTHER, self.srv.get("/schemas/ids/%d/subjects" % self.id).json)
        # a schema only under another team's subject is not readable by id
        other_only = self.srv.register(OTHER, record("Order", ("id", "string"), ("n", "int", 0))).json["id"]
        self.assertError(orders.get("/schemas/ids/%d" % other_only), 403, 40301)
        self.assertEqual(self.as_user("reader").get("/schemas/ids/%d" % other_only).status, 200)
        self.assertEqual(self.as_user("nobody").get("/subjects").json, [])

    def test_api_keys_are_bearer_tokens_with_a_role(self):
        ci = self.srv.client({"Authorization": "Bearer " + self.token})
        self.assertEqual(ci.register("ci-made", '"long"').status, 200)
        self.assertError(ci.delete("/subjects/ci-made"), 403, 40301)
        self.assertError(self.srv.client({"Authorization": "Bearer " + self.token[:-1] + "x"})
                         .get("/subjects"), 401, 40101)

    def test_the_sluice_cli_sends_its_token(self):
        env = dict(os.environ, SLUICE_REGISTRY_URL=self.srv.url, SLUICE_REGISTRY_TOKEN=self.token)
        sluice = os.environ.get("SLUICE") or os.path.join(os.path.dirname(SLUICED), "sluice")
        r = subprocess.run([sluice, "subjects"], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(SUBJECT, r.stdout)
        env["SLUICE_REGISTRY_TOKEN"] = "wrong"
        r = subprocess.run([sluice, "subjects"], env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)

    def test_the_audit_log_says_who_changed_what_from_where_and_the_outcome(self):
        orders = self.as_user("orders")
        orders.register("orders-audited", '"string"')
        orders.register("payments-audited", '"string"')
        orders.put("/config/orders-audited", {"compatibility": "FULL"})
        deadline = time.time() + 10
        lines = []
        while time.time() < deadline:
            with open(self.audit) as f:
                lines = [json.loads(line) for line in f if line.strip()]
            if any(e.get("action") == "config" and e.get("subject") == "orders-audited" for e in lines):
                break
            time.sleep(0.05)
        reg = [e for e in lines if e.get("subject") == "orders-audited" and e["action"] == "register"][0]
        self.assertEqual((reg["user"], reg["addr"], reg["outcome"], reg["status"]),
                         ("orders", "127.0.0.1", "ok", 200))
        self.assertIn("id", reg["result"])
        self.assertRegex(reg["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        denied = [e for e in lines if e.get("subject") == "payments-audited"][0]
        self.assertEqual((denied["outcome"], denied["status"], denied["error_code"]), ("denied", 403, 40301))
        conf = [e for e in lines if e.get("action") == "config" and e.get("subject") == "orders-audited"][0]
        self.assertEqual(conf["request"], {"compatibility": "FULL"})

    def test_sighup_reloads_the_credentials_without_dropping_connections(self):
        passwd(self.creds, "rotating", "first", "--role", "reader")
        self.srv.signal(signal.SIGHUP)
        conn = self.srv.connect()
        try:
            def get(password):
                conn.request("GET", "/subjects", headers={"Authorization": basic_auth("rotating", password)})
                r = conn.getresponse()
                r.read()
                return r.status
            deadline = time.time() + 10
            while get("first") != 200 and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(get("first"), 200)
            sock = conn.sock
            passwd(self.creds, "rotating", "second")
            self.srv.signal(signal.SIGHUP)
            deadline = time.time() + 10
            while get("first") != 401 and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(get("first"), 401)
            self.assertEqual(get("second"), 200)
            self.assertIs(conn.sock, sock, "the connection was dropped by the reload")
            # a broken file is refused and the loaded one stays in force
            with open(self.creds, "a") as f:
                f.write("this is not an entry\n")
            self.srv.signal(signal.SIGHUP)
            time.sleep(0.3)
            self.assertEqual(get("second"), 200)
        finally:
            conn.close()
            with open(self.creds) as f:
                kept = [l for l in f if not l.startswith("this is not")]
            with open(self.creds, "w") as f:
                f.writelines(kept)
            self.srv.signal(signal.SIGHUP)


class AuthOff(ServerTest):
    def test_without_the_key_nothing_asks_for_credentials(self):
        self.assertEqual(self.srv.register("open", '"string"').status, 200)
        for path in ("/subjects", "/metrics", "/health/ready", "/config", "/schemas/ids/1"):
            self.assertEqual(self.srv.get(path).status, 200, path)
        self.assertEqual(self.srv.delete("/subjects/open").status, 200)


if __name__ == "__main__":
    main()
