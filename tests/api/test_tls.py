#!/usr/bin/python3
"""HTTPS through the real server, with certificates the test makes: curl and Python clients,
TLS 1.2 and 1.3 only, the certificate and key reloaded on SIGHUP without dropping connections,
and client certificates naming the caller (docs/security.md)."""
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from certs import Certs
from sluiced import Sluiced, basic_auth, main, passwd


def peer_subject(port, ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with ctx.wrap_socket(raw) as s:
            return dict(x[0] for x in s.getpeercert()["subject"])["commonName"]


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sluice-tls-")
        cls.certs = Certs(cls.tmp.name)
        cls.cert, cls.key = cls.certs.issue("server", "/CN=127.0.0.1", server=True)
        cls.client_cert = cls.certs.issue("deployer", "/O=Acme/CN=deployer")
        cls.stranger = cls.certs.issue("stranger", "/O=Acme/CN=stranger")
        cls.creds = os.path.join(cls.tmp.name, "credentials")
        passwd(cls.creds, "admin", "pw", "--role", "admin")
        with open(cls.creds, "a") as f:
            f.write('cert "CN=deployer,O=Acme" role=writer\n')

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def server(self, **config):
        conf = {"sluice.tls.cert.file": self.cert, "sluice.tls.key.file": self.key}
        conf.update(config)
        srv = Sluiced(config=conf, ca_file=self.certs.ca)
        self.addCleanup(srv.close)
        self.addCleanup(srv.stop)
        return srv.start()

    def test_curl_and_python_speak_https_with_tls_12_and_13_only(self):
        srv = self.server()
        self.assertEqual(srv.register("tls-value", '"string"').status, 200)
        r = subprocess.run(["curl", "-sS", "--cacert", self.certs.ca, srv.url + "/subjects"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, '["tls-value"]')
        for version, ok in ((ssl.TLSVersion.TLSv1_3, True), (ssl.TLSVersion.TLSv1_2, True),
                            (ssl.TLSVersion.TLSv1_1, False)):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.load_verify_locations(self.certs.ca)
            ctx.check_hostname = False
            ctx.minimum_version = ctx.maximum_version = version
            if not ok:
                ctx.set_ciphers("ALL:@SECLEVEL=0")  # so that only the server can refuse
            with self.subTest(version=version.name):
                try:
                    with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as raw:
                        with ctx.wrap_socket(raw) as s:
                            s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            answer = s.recv(4096)
                    self.assertTrue(ok, "the server accepted %s" % version.name)
                    self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer)
                except (ssl.SSLError, ConnectionResetError) as e:
                    self.assertFalse(ok, "%s refused: %s" % (version.name, e))
        # plain HTTP on the TLS port gets nothing it could mistake for an answer
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                self.assertNotIn(b"200", s.recv(4096))
            except ConnectionResetError:
                pass

    def test_sighup_loads_a_new_certificate_and_keeps_connections(self):
        cert, key = os.path.join(self.tmp.name, "live.pem"), os.path.join(self.tmp.name, "live.key")
        shutil.copy(self.cert, cert)
        shutil.copy(self.key, key)
        srv = self.server(**{"sluice.tls.cert.file": cert, "sluice.tls.key.file": key})
        self.assertEqual(peer_subject(srv.port, self.certs.ca), "127.0.0.1")
        self.assertEqual(srv.get("/subjects").status, 200)  # a kept-alive connection
        kept = srv.conn.sock
        new_cert, new_key = self.certs.issue("renewed", "/CN=renewed", server=True)
        shutil.copy(new_cert, cert)
        shutil.copy(new_key, key)
        srv.signal(signal.SIGHUP)
        deadline = time.time() + 10
        while peer_subject(srv.port, self.certs.ca) != "renewed" and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(peer_subject(srv.port, self.certs.ca), "renewed")
        self.assertEqual(srv.get("/subjects").status, 200)
        self.assertIs(srv.conn.sock, kept, "the reload dropped a connection")
        # a key that is not the certificate's is refused; the loaded pair stays
        shutil.copy(self.key, key)
        srv.signal(signal.SIGHUP)
        time.sleep(0.3)
        self.assertEqual(peer_subject(srv.port, self.certs.ca), "renewed")

    def test_a_client_certificate_names_the_caller(self):
        srv = self.server(**{"authentication.method": "BASIC", "sluice.auth.file": self.creds,
                             "sluice.tls.client.ca.file": self.certs.ca,
                             "ssl.client.authentication": "REQUESTED"})
        deployer = srv.client({})
        deployer.client_cert = self.client_cert
        self.assertEqual(deployer.register("mtls-value", '"string"').status, 200)
        self.assertEqual(deployer.delete("/subjects/mtls-value").status, 403)  # a writer
        anonymous = srv.client({})
        self.assertEqual(anonymous.get("/subjects").status, 401)
        stranger = srv.client({})
        stranger.client_cert = self.stranger
        self.assertEqual(stranger.get("/subjects").status, 401)
        admin = srv.client({"Authorization": basic_auth("admin", "pw")})
        self.assertEqual(admin.get("/subjects").json, ["mtls-value"])

    def test_required_client_certificates_leave_only_the_health_probes_open(self):
        srv = self.server(**{"sluice.tls.client.ca.file": self.certs.ca,
                             "ssl.client.authentication": "REQUIRED"})
        anonymous = srv.client({})
        r = anonymous.get("/subjects")
        self.assertEqual((r.status, r.json["error_code"]), (401, 40101))
        self.assertEqual(anonymous.get("/health/ready").status, 200)
        holder = srv.client({})
        holder.client_cert = self.client_cert
        self.assertEqual(holder.get("/subjects").status, 200)


if __name__ == "__main__":
    main()
