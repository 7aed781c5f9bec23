#!/usr/bin/python3
"""The web UI in Debian's headless Chromium against the real sluiced, with a store this test
fills: search, a subject, a version, the differences between two versions with a breaking change
marked, checking and registering a pasted schema, changing a level behind its confirmation,
subjects whose names hold '/', '%', spaces and non-ASCII, a schema by id, and a 404 page.

A screenshot of each page goes to $SLUICE_SCREENSHOTS (default: ui-screenshots/ beside the
sluiced binary, under the build folder) for a person to look at. Any JavaScript exception or
console error on any page fails the test."""
import json
import os
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "api"))

from chromium import Chromium  # noqa: E402
from sluiced import SLUICED, Sluiced, record  # noqa: E402

SHOTS = os.environ.get("SLUICE_SCREENSHOTS") or os.path.join(os.path.dirname(SLUICED), "ui-screenshots")

ORDERS = "orders-value"
CARTS = "carts-value"  # the same versions as ORDERS; the check test registers a fourth
PAYMENTS = "acme/payments/Payment.proto"
MONEY = "acme/common/money.proto"
ODD = "events 100% · räksmörgås"

PAYMENT_V1 = """syntax = "proto3";
package acme.payments;

import "acme/common/money.proto";

// A payment, as the payments service publishes it.
message Payment {
  string id = 1;
  acme.common.Money amount = 2;
  string method = 3;
}

message Refund {
  string payment_id = 1;
}
"""
PAYMENT_V2 = """syntax = "proto3";
package acme.payments;

import "acme/common/money.proto";

// A payment, as the payments service publishes it.
message Payment {
  string id = 1;
  acme.common.Money amount = 2;
  int32 method = 3;
}
"""
MONEY_V1 = """syntax = "proto3";
package acme.common;

message Money {
  string currency = 1;
  int64 units = 2;
  int32 nanos = 3;
}
"""


def order(*extra, total="double"):
    fields = [("id", "string"), ("customer", "string"), ("total", total)] + list(extra)
    return json.dumps({"type": "record", "name": "Order", "namespace": "acme.orders",
                       "fields": [dict(zip(("name", "type", "default"), f)) for f in fields]})


class UI(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Sluiced().start()
        cls.fill(cls.srv)
        cls.base = cls.srv.url
        cls.browser = Chromium()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.close()
        finally:
            try:
                cls.srv.stop()
            finally:
                cls.srv.close()

    @staticmethod
    def fill(srv):
        def ok(r):
            assert r.status == 200, r
            return r.json
        for subject in (ORDERS, CARTS):
            ok(srv.register(subject, order()))
            ok(srv.register(subject, order(("currency", "string", "EUR"))))
            ok(srv.put("/config/" + urllib.parse.quote(subject, safe=""), {"compatibility": "NONE"}))
            ok(srv.register(subject, order(("currency", "string", "EUR"), ("status", "int"), total="string")))
            ok(srv.put("/config/" + urllib.parse.quote(subject, safe=""), {"compatibility": "BACKWARD"}))
        ok(srv.register(MONEY, MONEY_V1, schemaType="PROTOBUF"))
        refs = [{"name": "acme/common/money.proto", "subject": MONEY, "version": 1}]
        ok(srv.register(PAYMENTS, PAYMENT_V1, schemaType="PROTOBUF", references=refs))
        ok(srv.put("/config/" + urllib.parse.quote(PAYMENTS, safe=""), {"compatibility": "NONE"}))
        ok(srv.register(PAYMENTS, PAYMENT_V2, schemaType="PROTOBUF", references=refs))
        ok(srv.register(ODD, json.dumps({"$schema": "http://json-schema.org/draft-07/schema#",
                                         "type": "object", "properties": {"name": {"type": "string"}}}),
                        schemaType="JSON"))
        for i in range(60):
            ok(srv.register("inventory-%02d-value" % i, record("Item%d" % i, ("sku", "string"))))
        ok(srv.register("retired-value", '"string"'))
        ok(srv.delete("/subjects/retired-value"))

    def setUp(self):
        self.page = self.browser
        self.page.viewport(1280, 900)
        self.page.errors.clear()

    def tearDown(self):
        self.page.pump()
        self.assertEqual(self.page.errors, [], "the page reported errors")

    def open(self, path):
        self.page.goto(self.base + path)

    def shot(self, name):
        self.page.screenshot(os.path.join(SHOTS, name + ".png"))

    def rows(self, selector):
        return self.page.eval("[...document.querySelectorAll(%s)].map(r => r.innerText)" % json.dumps(selector))

    # ---- the pages ----

    def test_search_as_you_type_filters_and_pages(self):
        p = self.page
        self.open("/ui/")
        p.wait("document.querySelectorAll('#results tbody tr').length === 50", what="the first page")
        self.assertFalse(p.eval("document.getElementById('more').hidden"))
        p.type("#q", "pay")
        p.wait("document.querySelectorAll('#results tbody tr').length === 1", what="one match")
        self.assertIn(PAYMENTS, p.text("#results tbody"))
        self.assertIn("q=pay", p.eval("location.search"))
        p.eval("document.getElementById('match').value = 'regex';"
               "document.getElementById('match').dispatchEvent(new Event('change'))")
        p.type("#q", "^inventory-1[0-4]")
        p.wait("document.querySelectorAll('#results tbody tr').length === 5", what="five regex matches")
        p.type("#q", "")
        p.eval("{ const t = document.getElementById('type'); t.value = 'PROTOBUF'; t.dispatchEvent(new Event('change')); }")
        p.wait("document.querySelectorAll('#results tbody tr').length === 2", what="the Protobuf subjects")
        self.assertEqual([r.split("\t")[0] for r in self.rows("#results tbody tr")], [MONEY, PAYMENTS])
        p.eval("{ const t = document.getElementById('type'); t.value = ''; t.dispatchEvent(new Event('change')); }")
        p.eval("{ const m = document.getElementById('match'); m.value = 'substring'; m.dispatchEvent(new Event('change')); }")
        p.type("#q", "retired")
        p.wait("document.getElementById('search-status').innerText.includes('No subject')")
        p.click("#deleted")
        p.wait("document.querySelectorAll('#results tbody tr.deleted').length === 1", what="the soft-deleted subject")
        # the URL holds the search: a bookmark opens the same list
        self.open("/ui/?q=inventory-5&match=prefix")
        p.wait("document.querySelectorAll('#results tbody tr').length === 10")
        self.assertEqual(p.eval("document.getElementById('q').value"), "inventory-5")
        self.open("/ui/?q=o")
        p.wait("document.querySelectorAll('#results tbody tr').length > 3")
        self.shot("subjects")

    def test_open_a_subject_from_the_search(self):
        p = self.page
        self.open("/ui/?q=orders")
        p.wait("document.querySelector('#results tbody a')")
        p.click("#results tbody th a")
        p.settle()
        p.wait("document.querySelector('main h1').innerText === %s" % json.dumps(ORDERS))
        self.assertEqual(p.eval("location.pathname"), "/ui/subjects/orders-value")
        self.assertEqual(p.count("#versions tbody tr"), 3)
        self.assertIn("BACKWARD", p.text("#level"))
        self.assertIn("set on this subject", p.text("#level"))
        self.assertIn("READWRITE", p.text("#mode"))
        self.assertEqual(p.count("#versions tbody time[datetime]"), 3)  # when each was registered
        self.shot("subject")

    def test_references_and_referrers_are_links(self):
        p = self.page
        self.open("/ui/subjects/" + urllib.parse.quote(MONEY, safe=""))
        p.wait("document.querySelector('#referenced-by a')")
        self.assertIn(PAYMENTS, p.text("#referenced-by"))
        p.click("#referenced-by a")
        p.settle()
        p.wait("location.pathname.endsWith('/versions/1')")
        self.assertEqual(urllib.parse.unquote(p.eval("location.pathname")),
                         "/ui/subjects/%s/versions/1" % PAYMENTS)

    def test_open_a_version_with_line_numbers_and_its_forms(self):
        p = self.page
        self.open("/ui/subjects/orders-value/versions/2")
        p.wait("document.querySelectorAll('#panel-schema .line').length > 10")
        self.assertEqual(p.eval("document.querySelector('#panel-schema .line .ln').dataset.n"), "1")
        self.assertGreater(p.count("#panel-schema .hljs-attr"), 3)  # highlighted
        self.shot("version")
        p.click("#tab-canonical")
        self.assertIn('{"type":"record"', p.text("#panel-canonical"))
        p.click("#tab-normalized")
        self.assertIn('"order":"ascending"', p.text("#panel-normalized").replace(" ", ""))
        self.assertEqual(p.eval("document.querySelector('a[download]').getAttribute('download')"),
                         "orders-value-v2.avsc")

    def test_diff_two_versions_marks_the_breaking_change(self):
        p = self.page
        self.open("/ui/subjects/orders-value/diff?from=2&to=3")
        p.wait("document.querySelector('#differences')")
        table = p.text("#differences")
        self.assertIn("TYPE_MISMATCH", table)
        self.assertIn("READER_FIELD_MISSING_DEFAULT_VALUE", table)
        self.assertIn("would be refused", p.text("#verdict"))
        self.assertGreater(p.count("#differences .badge.bad"), 0)
        marked = p.eval("[...document.querySelectorAll('.sbs .src.marked')].map(e => e.id + ' ' + e.innerText)")
        self.assertTrue(any(m.startswith("new-L") and '"type": "string"' in m for m in marked), marked)
        self.assertGreater(p.count(".sbs .src.added"), 0)
        self.shot("diff")
        # the two versions can be picked; the URL follows
        p.eval("document.getElementById('from').value = '1'")
        p.click("#main form button[type=submit]")
        p.settle()
        p.wait("location.search === '?from=1&to=3'")
        p.wait("document.querySelector('#differences')")

    def test_diff_of_a_protobuf_subject_with_slashes_in_its_name(self):
        p = self.page
        self.open("/ui/subjects/%s/diff" % urllib.parse.quote(PAYMENTS, safe=""))
        p.wait("document.querySelector('#differences')")
        table = p.text("#differences")
        self.assertIn("FIELD_SCALAR_KIND_CHANGED", table)
        self.assertIn("MESSAGE_REMOVED", table)
        self.assertEqual(p.eval("document.querySelector('h1').innerText"), "Changes in " + PAYMENTS)
        marked = p.eval("[...document.querySelectorAll('.sbs .src.marked')].map(e => e.id + ' ' + e.innerText)")
        self.assertTrue(any(m.startswith("old-L") and "message Refund" in m for m in marked), marked)
        self.assertTrue(any(m.startswith("new-L") and "int32 method = 3;" in m for m in marked), marked)
        self.shot("diff-protobuf")

    def test_check_a_pasted_schema_then_register_it(self):
        p = self.page
        self.open("/ui/subjects/carts-value/check")
        p.wait("document.getElementById('schema-text').value.includes('Order')")
        self.assertEqual(p.eval("document.getElementById('schema-type').value"), "AVRO")
        latest = (("currency", "string", "EUR"), ("status", "int"))
        breaking = json.dumps(json.loads(order(*latest, ("priority", "int"), total="string")), indent=2)
        p.fill("#schema-text", breaking)
        p.click("#check")
        p.wait("document.querySelector('#verdict')")
        self.assertIn("Not compatible", p.text("#verdict"))
        self.assertIn("READER_FIELD_MISSING_DEFAULT_VALUE", p.text("#findings"))
        self.assertTrue(p.eval("document.getElementById('register').disabled"))
        marked = p.eval("[...document.querySelectorAll('#check-result .line.marked')].map(e => e.id)")
        self.assertIn("sent-L%d" % (breaking.splitlines().index('      "name": "priority",') ), marked)
        self.shot("check")
        fine = json.dumps(json.loads(order(*latest, ("note", "string", ""), total="string")), indent=2)
        p.fill("#schema-text", fine)
        p.click("#check")
        p.wait("document.querySelector('#verdict') && document.querySelector('#verdict').innerText.startsWith('Compatible')")
        p.wait("!document.getElementById('register').disabled")
        p.click("#register")
        p.wait("document.getElementById('confirm').open")
        p.click("#confirm-ok")
        p.wait("location.pathname === '/ui/subjects/carts-value/versions/4'", what="the new version's page")
        p.settle()
        self.assertIn('"note"', p.text("#panel-schema"))
        self.assertEqual(self.srv.get("/subjects/carts-value/versions/latest").json["version"], 4)

    def test_a_new_subject_can_be_written_from_the_search_page(self):
        p = self.page
        self.open("/ui/")
        p.type("#new-subject", "fresh/new subject")
        p.click("#new-subject + button")
        p.settle()
        p.wait("location.pathname === '/ui/subjects/fresh%2Fnew%20subject/check'")
        self.assertIn("has no version", p.text("#schema-help"))

    def test_change_the_level_behind_a_confirmation(self):
        p = self.page
        subject = "inventory-07-value"
        self.open("/ui/subjects/" + subject)
        p.wait("document.getElementById('level-form')")
        p.eval("document.getElementById('new-level').value = 'FULL_TRANSITIVE'")
        p.click("#level-form button[type=submit]")
        p.wait("document.getElementById('confirm').open")
        self.shot("confirm-level")
        p.click("#confirm button[value=cancel]")  # cancelled: nothing changes
        p.pump(0.2)
        self.assertEqual(self.srv.get("/config/%s?defaultToGlobal=true" % subject).json["compatibilityLevel"], "BACKWARD")
        p.click("#level-form button[type=submit]")
        p.wait("document.getElementById('confirm').open")
        p.click("#confirm-ok")
        p.wait("document.getElementById('level') && document.getElementById('level').innerText.startsWith('FULL_TRANSITIVE')")
        self.assertIn("set on this subject", p.text("#level"))
        self.assertEqual(self.srv.get("/config/" + subject).json["compatibilityLevel"], "FULL_TRANSITIVE")

    def test_soft_delete_a_version_behind_a_confirmation(self):
        p = self.page
        self.open("/ui/subjects/inventory-09-value/versions/1")
        p.click("#delete-version")
        p.wait("document.getElementById('confirm').open")
        p.click("#confirm-ok")
        p.wait("location.pathname === '/ui/subjects/inventory-09-value'")
        p.wait("document.querySelector('#versions tbody tr.deleted')")
        self.assertTrue(self.srv.get("/subjects/inventory-09-value/versions/1?deleted=true").json["deleted"])

    def test_names_with_percent_spaces_and_non_ascii(self):
        p = self.page
        self.open("/ui/?q=" + urllib.parse.quote("räksmörgås"))
        p.wait("document.querySelector('#results tbody th a')")
        p.click("#results tbody th a")
        p.settle()
        p.wait("document.querySelector('main h1').innerText === %s" % json.dumps(ODD))
        self.assertEqual(urllib.parse.unquote(p.eval("location.pathname")), "/ui/subjects/" + ODD)
        p.click("#versions tbody th a")
        p.settle()
        p.wait("document.querySelectorAll('#panel-schema .line').length > 3")
        self.assertIn('"$schema"', p.text("#panel-schema"))
        self.shot("subject-odd-name")

    def test_schema_by_id_lists_every_holder(self):
        p = self.page
        sid = self.srv.get("/subjects/%s/versions/1" % urllib.parse.quote(MONEY, safe="")).json["id"]
        self.open("/ui/")
        p.type("#jump-id", str(sid))
        p.click("#jump button")
        p.settle()
        p.wait("location.pathname === '/ui/schemas/%d'" % sid)
        p.wait("document.querySelector('#holders a')")
        self.assertIn(MONEY + " v1", p.text("#holders"))
        self.assertIn("message Money", p.text(".code"))
        self.shot("schema")

    def test_unknown_pages_and_subjects_say_not_found(self):
        p = self.page
        self.assertEqual(self.srv.get("/ui/no/such/page").status, 404)
        self.open("/ui/no/such/page")
        self.assertEqual(p.text("main h1"), "Page not found")
        self.shot("not-found")
        self.open("/ui/subjects/ghost")
        self.assertEqual(p.text("main h1"), "Not found")
        self.assertIn("ghost", p.text(".error"))
        p.errors.clear()  # the 404 answer itself is logged by the browser

    def test_dark_theme_and_a_narrow_window(self):
        p = self.page
        p.viewport(390, 844, dark=True)
        self.open("/ui/subjects/orders-value/diff?from=2&to=3")
        p.wait("document.querySelector('#differences')")
        self.assertEqual(p.eval("document.documentElement.dataset.theme"), "dark")
        width = p.eval("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390 + 2, "the page scrolls sideways")
        self.shot("diff-dark-narrow")
        p.viewport(1280, 900)

    def test_keyboard_reaches_the_search_and_tabs(self):
        p = self.page
        self.open("/ui/subjects/orders-value/versions/1")
        p.eval("document.getElementById('tab-schema').focus()")
        p.call("Input.dispatchKeyEvent", type="keyDown", key="ArrowRight", code="ArrowRight",
               windowsVirtualKeyCode=39)
        p.call("Input.dispatchKeyEvent", type="keyUp", key="ArrowRight", code="ArrowRight",
               windowsVirtualKeyCode=39)
        p.wait("document.activeElement.id === 'tab-canonical'")
        self.assertEqual(p.eval("document.getElementById('tab-canonical').getAttribute('aria-selected')"), "true")
        unlabeled = p.eval("[...document.querySelectorAll('input, select, textarea')]"
                           ".filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).length")
        self.assertEqual(unlabeled, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
