/* tls.c -- see tls.h. Each load makes a generation (certificates, key, trust list); handshakes
 * take the newest; older ones are kept until close, since sessions that began under them may
 * still point at them. Reloads are rare (SIGHUP), so the kept generations stay few. */
#include "server/tls.h"
#include "common/buf.h"

#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 16

typedef struct gen {
    gnutls_pcert_st pcerts[MAX_CHAIN];
    unsigned npcerts;
    gnutls_privkey_t key;
    gnutls_x509_trust_list_t trust; /* NULL without client CAs */
    struct gen *older;
} gen;

struct sr_tls {
    sr_tls_opts o;           /* strings owned */
    char *trust_pem;         /* as first loaded, for libmicrohttpd */
    _Atomic(gen *) cur;
    pthread_mutex_t reload_lock;
};

static _Atomic(sr_tls *) the_tls; /* for the callback */

static int read_file(gnutls_datum_t *out, const char *path, sr_err *err)
{
    int rc = gnutls_load_file(path, out);

    if (rc < 0)
        return sr_err_set(err, 1, "%s: cannot read: %s", path, gnutls_strerror(rc));
    return 0;
}

static void gen_free(gen *g)
{
    for (unsigned i = 0; i < g->npcerts; i++)
        gnutls_pcert_deinit(&g->pcerts[i]);
    if (g->key)
        gnutls_privkey_deinit(g->key);
    if (g->trust)
        gnutls_x509_trust_list_deinit(g->trust, 1);
    free(g);
}

/* Check that the key is the certificate's by letting GnuTLS pair them. */
static int pair_ok(const gnutls_datum_t *cert, const gnutls_datum_t *key, sr_err *err)
{
    gnutls_certificate_credentials_t cred;
    int rc;

    if (gnutls_certificate_allocate_credentials(&cred) < 0)
        return sr_err_set(err, 1, "out of memory");
    rc = gnutls_certificate_set_x509_key_mem(cred, cert, key, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0)
        return sr_err_set(err, 1, "the TLS certificate and key do not make a pair: %s",
                          gnutls_strerror(rc));
    return 0;
}

static int gen_load(gen **out, const sr_tls_opts *o, sr_err *err)
{
    gnutls_datum_t cert = {NULL, 0}, key = {NULL, 0}, ca = {NULL, 0};
    gen *g = sr_xcalloc(1, sizeof(*g));
    int rc = -1, r;

    if (read_file(&cert, o->cert_file, err) < 0 || read_file(&key, o->key_file, err) < 0 ||
        pair_ok(&cert, &key, err) < 0)
        goto out;
    g->npcerts = MAX_CHAIN;
    if ((r = gnutls_pcert_list_import_x509_raw(g->pcerts, &g->npcerts, &cert,
                                                GNUTLS_X509_FMT_PEM, 0)) < 0) {
        g->npcerts = 0;
        sr_err_set(err, 1, "%s: %s", o->cert_file, gnutls_strerror(r));
        goto out;
    }
    if ((r = gnutls_privkey_init(&g->key)) < 0 ||
        (r = gnutls_privkey_import_x509_raw(g->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
        sr_err_set(err, 1, "%s: %s", o->key_file, gnutls_strerror(r));
        goto out;
    }
    if (o->client_ca_file) {
        if (read_file(&ca, o->client_ca_file, err) < 0)
            goto out;
        if (gnutls_x509_trust_list_init(&g->trust, 0) < 0 ||
            (r = gnutls_x509_trust_list_add_trust_mem(g->trust, &ca, NULL, GNUTLS_X509_FMT_PEM,
                                                      0, 0)) <= 0) {
            sr_err_set(err, 1, "%s: no CA certificate read", o->client_ca_file);
            goto out;
        }
    }
    *out = g;
    g = NULL;
    rc = 0;
out:
    if (g)
        gen_free(g);
    gnutls_free(cert.data);
    if (key.data) {
        explicit_bzero(key.data, key.size);
        gnutls_free(key.data);
    }
    gnutls_free(ca.data);
    return rc;
}

static int retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
                    const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
                    unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    sr_tls *t = atomic_load(&the_tls);
    gen *g = t ? atomic_load(&t->cur) : NULL;
    (void)s, (void)req_ca_dn, (void)nreqs, (void)algos, (void)nalgos;

    if (!g)
        return -1;
    *pcert = g->pcerts;
    *pcert_length = g->npcerts;
    *privkey = g->key;
    return 0;
}

void *sr_tls_cert_callback(void)
{
    return (void *)(gnutls_certificate_retrieve_function2 *)retrieve;
}

static char *dup_or_null(const char *s)
{
    return s ? sr_xstrdup(s) : NULL;
}

int sr_tls_open(sr_tls **out, const sr_tls_opts *o, sr_err *err)
{
    sr_tls *t;
    gen *g;

    if (!o->cert_file || !o->key_file)
        return sr_err_set(err, 1, "https listeners need sluice.tls.cert.file and "
                                  "sluice.tls.key.file");
    if (o->client_auth != SR_CLIENT_AUTH_NONE && !o->client_ca_file)
        return sr_err_set(err, 1, "ssl.client.authentication needs sluice.tls.client.ca.file");
    if (gen_load(&g, o, err) < 0)
        return -1;
    t = sr_xcalloc(1, sizeof(*t));
    t->o.cert_file = sr_xstrdup(o->cert_file);
    t->o.key_file = sr_xstrdup(o->key_file);
    t->o.client_ca_file = o->client_auth ? dup_or_null(o->client_ca_file) : NULL;
    t->o.client_auth = o->client_auth;
    if (t->o.client_ca_file) {
        gnutls_datum_t ca = {NULL, 0};
        if (read_file(&ca, t->o.client_ca_file, err) == 0) {
            t->trust_pem = sr_xstrndup((const char *)ca.data, ca.size);
            gnutls_free(ca.data);
        }
    }
    pthread_mutex_init(&t->reload_lock, NULL);
    atomic_init(&t->cur, g);
    atomic_store(&the_tls, t);
    *out = t;
    return 0;
}

int sr_tls_reload(sr_tls *t, sr_err *err)
{
    gen *g;

    pthread_mutex_lock(&t->reload_lock);
    if (gen_load(&g, &t->o, err) < 0) {
        pthread_mutex_unlock(&t->reload_lock);
        return -1;
    }
    g->older = atomic_load(&t->cur);
    atomic_store(&t->cur, g);
    pthread_mutex_unlock(&t->reload_lock);
    return 0;
}

void sr_tls_close(sr_tls *t)
{
    gen *g;

    if (!t)
        return;
    atomic_store(&the_tls, NULL);
    g = atomic_load(&t->cur);
    while (g) {
        gen *older = g->older;
        gen_free(g);
        g = older;
    }
    pthread_mutex_destroy(&t->reload_lock);
    free((char *)t->o.cert_file);
    free((char *)t->o.key_file);
    free((char *)t->o.client_ca_file);
    free(t->trust_pem);
    free(t);
}

const char *sr_tls_trust_pem(const sr_tls *t)
{
    return t->trust_pem;
}

sr_client_auth sr_tls_client_auth(const sr_tls *t)
{
    return t ? t->o.client_auth : SR_CLIENT_AUTH_NONE;
}

char *sr_tls_client_dn(sr_tls *t, void *session)
{
    gen *g = atomic_load(&t->cur);
    const gnutls_datum_t *raw;
    gnutls_x509_crt_t crts[MAX_CHAIN];
    unsigned n = 0, status = 1;
    gnutls_datum_t dn = {NULL, 0};
    char *out = NULL;

    if (!g->trust || !session)
        return NULL;
    raw = gnutls_certificate_get_peers(session, &n);
    if (!raw || n == 0)
        return NULL;
    if (n > MAX_CHAIN)
        n = MAX_CHAIN;
    for (unsigned i = 0; i < n; i++) {
        if (gnutls_x509_crt_init(&crts[i]) < 0 ||
            gnutls_x509_crt_import(crts[i], &raw[i], GNUTLS_X509_FMT_DER) < 0) {
            for (unsigned k = 0; k <= i; k++)
                gnutls_x509_crt_deinit(crts[k]);
            return NULL;
        }
    }
    if (gnutls_x509_trust_list_verify_crt(g->trust, crts, n, 0, &status, NULL) == 0 &&
        status == 0 && gnutls_x509_crt_get_dn3(crts[0], &dn, 0) == 0) {
        out = sr_xstrndup((const char *)dn.data, dn.size);
        gnutls_free(dn.data);
    }
    for (unsigned i = 0; i < n; i++)
        gnutls_x509_crt_deinit(crts[i]);
    return out;
}
