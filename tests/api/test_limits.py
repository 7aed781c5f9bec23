#!/usr/bin/python3
"""The connection-side limits through the real server (docs/operations.md): connections in total
and per client address, deadlines for headers, bodies and idle connections, and the budget for
buffered request bodies. Each is hit and answered with its status while the server keeps
serving others; slow and idle clients cannot hold it.

Clients come from several loopback addresses (127.0.0.2, ...) so that per-address limits can be
told apart from the total. Every loop is bounded in count and time."""
import http.client
import json
import re
import socket
import threading
import time
import unittest

from sluiced import Sluiced, main

LIMITS = {
    "sluice.connections.max": 40,
    "sluice.connections.max.per.address": 10,
    "sluice.request.header.timeout.ms": 1500,
    "sluice.request.body.timeout.ms": 2000,
    "idle.timeout.ms": 3000,
    "sluice.request.max.bytes": 2 * 1024 * 1024,
    "sluice.request.pending.max.bytes": 4 * 1024 * 1024,
}


def connect(port, source="127.0.0.1"):
    return socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))


def closed_within(sock, seconds):
    """True when the server closes `sock` within `seconds` (whatever it sent before)."""
    sock.settimeout(0.2)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def open_connections(client):
    """The server's sluice_open_connections gauge, asked on `client`'s connection."""
    m = re.search(r"^sluice_open_connections (\S+)$", client.get("/metrics").text, re.M)
    return int(float(m.group(1)))


def raw_request(sock, text):
    """Send a request and read one answer: (status, headers, body)."""
    sock.sendall(text.encode() if isinstance(text, str) else text)
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    body = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


class Limits(unittest.TestCase):
    def setUp(self):
        self.srv = Sluiced(config=LIMITS).start()
        self.socks = []

    def tearDown(self):
        for s in self.socks:
            s.close()
        self.srv.stop()
        self.srv.close()

    def open(self, n, source):
        for _ in range(n):
            self.socks.append(connect(self.srv.port, source))
        return self.socks[-n:]

    def counted(self, probe, n, started):
        """Wait (at most 1 s from `started`) until the server counts `n` open connections: its
        worker threads accept in parallel, so the last to connect is not always the last
        counted, and the one that is one too many must come after all the others."""
        while time.monotonic() - started < 1.0 and not re.search(
                r"^sluice_open_connections %d$" % n, probe.get("/metrics").text, re.M):
            time.sleep(0.01)

    def test_too_many_connections_from_one_address_is_429_and_others_are_served(self):
        started = time.monotonic()
        probe = self.srv.client()  # from 127.0.0.1, another address
        self.open(10, "127.0.0.2")
        self.counted(probe, 11, started)
        extra = connect(self.srv.port, "127.0.0.2")
        self.socks.append(extra)
        status, headers, body = raw_request(extra, "GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(status, 429)
        self.assertEqual(json.loads(body)["error_code"], 429)
        self.assertIn("per.address", json.loads(body)["message"])
        self.assertEqual(headers.get("connection"), "close")
        self.assertEqual(self.srv.get("/subjects", fresh=True).status, 200)

    def test_too_many_connections_in_all_is_503_until_the_idle_ones_are_closed(self):
        # 39 idle connections and one kept-alive client fill the house. The client waits until
        # the server has counted all 40, and only then is the 41st opened. All of it
        # must happen before the first idle connection meets its header deadline (1.5 s); on a
        # machine too busy for that, try again.
        for attempt in range(3):
            idle, started = [], time.monotonic()
            probe = self.srv.client()
            self.assertEqual(probe.get("/health/live").status, 200)
            for k in range(5):
                idle += self.open(8 if k < 4 else 7, "127.0.0.%d" % (3 + k))
            self.counted(probe, 40, started)
            r = self.srv.client().get("/subjects")
            if time.monotonic() - started < 1.0:
                break
            self.assertTrue(all(closed_within(s, 6) for s in idle))
            probe.conn.close()
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json["error_code"], 503)
        self.assertEqual(r.headers.get("Retry-After"), "1")
        # the idle connections miss their header deadline and go; then there is room again
        self.assertTrue(all(closed_within(s, 6) for s in idle), "idle connections were kept")
        self.assertEqual(self.srv.get("/subjects", fresh=True).status, 200)
        m = self.srv.get("/metrics").text
        self.assertRegex(m, r'sluice_limit_refusals_total\{limit="connections"\} [1-9]')

    def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(self):
        s = self.open(1, "127.0.0.2")[0]
        started = time.time()
        self.assertTrue(closed_within(s, 10))
        self.assertLess(time.time() - started, 6)
        self.assertGreater(time.time() - started, 1)

    def test_headers_sent_one_byte_at_a_time_are_cut_at_the_header_deadline(self):
        s = self.open(1, "127.0.0.2")[0]
        request = b"GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        started, cut = time.time(), False
        for byte in request:  # faster than the idle timeout, slower than the header deadline
            try:
                s.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            if time.time() - started > 8:
                break
            time.sleep(0.1)
        self.assertTrue(cut or closed_within(s, 3), "a slow client held its connection")
        self.assertLess(time.time() - started, 8)

    def test_a_kept_alive_connection_is_closed_after_the_idle_timeout(self):
        s = self.open(1, "127.0.0.2")[0]
        status, _, _ = raw_request(s, "GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(status, 200)
        started = time.time()
        self.assertTrue(closed_within(s, 10))
        self.assertGreater(time.time() - started, 2)

    def test_a_body_that_stops_coming_is_cut_at_the_body_deadline(self):
        s = self.open(1, "127.0.0.2")[0]
        s.sendall(b"POST /subjects/x/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{\"schema\":")
        started = time.time()
        self.assertTrue(closed_within(s, 10))
        self.assertLess(time.time() - started, 6)
        self.assertEqual(self.srv.get("/subjects", fresh=True).json, [])

    def test_buffered_bodies_are_bounded_in_all_and_the_rest_is_503(self):
        size = 1536 * 1024
        head = ("POST /subjects/big/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % size).encode()
        pending = self.open(2, "127.0.0.2")
        for s in pending:  # two bodies begun, not finished: 3 MiB of the 4 MiB budget
            s.sendall(head + b" " * 1024)
        time.sleep(0.3)
        third = self.open(1, "127.0.0.3")[0]
        status, headers, body = raw_request(third, head + b" " * size)
        self.assertEqual(status, 503)
        self.assertIn("pending.max.bytes", json.loads(body)["message"])
        # small requests still fit, and are served
        self.assertEqual(self.srv.register("small", '"string"').status, 200)
        # the begun bodies finish; their budget comes back
        for s in pending:
            status, _, _ = raw_request(s, b" " * (size - 1024))
            self.assertEqual(status, 400)  # read whole, then refused for what it is (no JSON)
        fourth = self.open(1, "127.0.0.3")[0]
        status, _, _ = raw_request(fourth, head + b" " * size)
        self.assertEqual(status, 400)
        m = self.srv.get("/metrics").text
        self.assertIn('sluice_limit_refusals_total{limit="pending_bytes"} 1', m)

    def test_a_body_over_the_request_limit_is_413(self):
        r = self.srv.post("/subjects/x/versions", raw=b" " * (2 * 1024 * 1024 + 1))
        self.assertEqual((r.status, r.json["error_code"]), (413, 413))
        self.assertEqual(self.srv.get("/subjects").status, 200)


class SlowClients(unittest.TestCase):
    def test_two_hundred_clients_at_one_byte_a_second_do_not_stop_a_normal_client(self):
        srv = Sluiced(config={"sluice.request.header.timeout.ms": 4000}).start()
        slow, served, stop, t = [], [], threading.Event(), None
        try:
            client = srv.client()
            before = open_connections(client)  # this client's and the one start() left open
            for i in range(200):  # 50 from each of four addresses (under the per-address limit)
                slow.append(connect(srv.port, "127.0.0.%d" % (2 + i % 4)))

            def dribble():
                text = b"GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
                for k in range(len(text)):
                    if stop.wait(1.0):
                        return
                    for s in slow:
                        try:
                            s.sendall(text[k:k + 1])
                        except OSError:
                            pass

            t = threading.Thread(target=dribble)
            t.start()
            # the server holds all 200 open (counted by its worker threads, not at once)
            held, deadline = None, time.time() + 2  # well before their 4 s header deadline
            while time.time() < deadline:
                held = open_connections(client) - before
                if held == 200:
                    break
                time.sleep(0.02)
            self.assertEqual(held, 200, "slow clients the server holds open")
            started = time.time()
            while time.time() - started < 6:  # bounded: at most 6 s of requests
                r = client.get("/subjects")
                self.assertEqual(r.status, 200)
                served.append(r)
                time.sleep(0.05)
            self.assertGreater(len(served), 10)
            # and the slow ones have been cut at the header deadline
            self.assertTrue(all(closed_within(s, 6) for s in slow), "slow clients were kept")
        finally:
            stop.set()
            if t:
                t.join(timeout=30)
            for s in slow:
                s.close()
            srv.stop()
            srv.close()


if __name__ == "__main__":
    main()
