"""Certificates for the TLS tests, made with the openssl command: a CA, server certificates for
127.0.0.1 signed by it, and client certificates."""
import os
import subprocess


def _run(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


class Certs:
    def __init__(self, directory):
        self.dir = directory
        self.ca = self.path("ca.pem")
        self.ca_key = self.path("ca.key")
        _run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", self.ca_key, "-out", self.ca, "-days", "2", "-subj", "/CN=sluice test CA")

    def path(self, name):
        return os.path.join(self.dir, name)

    def issue(self, name, subject, server=False):
        """A key and a certificate signed by the CA: (cert path, key path)."""
        key, csr, cert, ext = (self.path(name + s) for s in (".key", ".csr", ".pem", ".ext"))
        _run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", csr, "-subj", subject)
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" if server
                    else "extendedKeyUsage=clientAuth\n")
        _run("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key, "-CAcreateserial",
             "-out", cert, "-days", "2", "-extfile", ext)
        return cert, key
