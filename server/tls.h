/* tls.h -- HTTPS with libmicrohttpd's GnuTLS support: the certificate and key (reloaded on
 * SIGHUP without dropping connections: new handshakes get the new pair), TLS 1.2 and 1.3 only,
 * and optional client certificates, whose subject names the caller (docs/security.md). */
#ifndef SR_SERVER_TLS_H
#define SR_SERVER_TLS_H

#include "common/err.h"

typedef enum sr_client_auth {
    SR_CLIENT_AUTH_NONE,      /* no client certificates asked for */
    SR_CLIENT_AUTH_REQUESTED, /* asked for; a valid one names the caller */
    SR_CLIENT_AUTH_REQUIRED,  /* every request (but the health probes) needs a valid one */
} sr_client_auth;

typedef struct sr_tls_opts {
    const char *cert_file;      /* PEM: the server's certificate, then its chain */
    const char *key_file;       /* PEM: its private key (unencrypted) */
    const char *client_ca_file; /* PEM: CAs that client certificates must chain to; or NULL */
    sr_client_auth client_auth;
} sr_tls_opts;

/* The TLS 1.2+ priority string handed to GnuTLS. */
#define SR_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

typedef struct sr_tls sr_tls;

/* Load the files. One sr_tls per process (GnuTLS's certificate callback has no user pointer).
 * The caller owns *out (sr_tls_close, after the daemon stopped). 0, or -1 with err. */
int sr_tls_open(sr_tls **out, const sr_tls_opts *o, sr_err *err);
/* Read the files again; on error the loaded ones stay in force. */
int sr_tls_reload(sr_tls *t, sr_err *err);
void sr_tls_close(sr_tls *t);

/* For MHD_OPTION_HTTPS_CERT_CALLBACK (a gnutls_certificate_retrieve_function2). */
void *sr_tls_cert_callback(void);
/* The client CAs as PEM text for MHD_OPTION_HTTPS_MEM_TRUST (libmicrohttpd then asks clients for
 * a certificate), or NULL when none are configured. Borrowed. */
const char *sr_tls_trust_pem(const sr_tls *t);
sr_client_auth sr_tls_client_auth(const sr_tls *t);

/* The subject DN (RFC 4514: "CN=ci,O=Acme") of the client certificate of a GnuTLS session when
 * it chains to a configured CA and is valid now; NULL when there is none or it is not valid.
 * Caller frees. */
char *sr_tls_client_dn(sr_tls *t, void *gnutls_session);

#endif
