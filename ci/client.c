/* client.c -- the registry client: libcurl, JSON bodies, bounded retries with backoff. */
#include "ci/client.h"
#include "common/buf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *env_dup(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? sr_xstrdup(v) : NULL;
}

int sr_client_init(sr_client *c, const char *url_flag, sr_err *err)
{
    const char *url = url_flag ? url_flag : getenv("SLUICE_REGISTRY_URL");
    size_t len;

    memset(c, 0, sizeof(*c));
    if (!url || !*url)
        return sr_err_set(err, 2, "no registry: give --registry URL or set SLUICE_REGISTRY_URL");
    c->url = sr_xstrdup(url);
    len = strlen(c->url);
    while (len > 0 && c->url[len - 1] == '/')
        c->url[--len] = '\0';
    c->user = env_dup("SLUICE_REGISTRY_USER");
    c->password = env_dup("SLUICE_REGISTRY_PASSWORD");
    c->token = env_dup("SLUICE_REGISTRY_TOKEN");
    if (c->token && strpbrk(c->token, "\r\n")) { /* it goes into a header line */
        sr_client_dispose(c);
        return sr_err_set(err, 2, "SLUICE_REGISTRY_TOKEN holds a line break");
    }
    c->timeout_ms = 30000;
    c->retries = 3;
    return 0;
}

void sr_client_dispose(sr_client *c)
{
    if (c->handle)
        curl_easy_cleanup(c->handle);
    free(c->url);
    free(c->user);
    free(c->password);
    free(c->token);
    memset(c, 0, sizeof(*c));
}

char *sr_client_escape(const char *segment)
{
    sr_buf b = SR_BUF_INIT;

    for (const unsigned char *p = (const unsigned char *)segment; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~')
            sr_buf_putc(&b, (char)*p);
        else
            sr_buf_printf(&b, "%%%02X", *p);
    }
    return sr_buf_detach(&b);
}

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
    sr_buf_put(userdata, data, size * n);
    return size * n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The options of one request. CURLE_OK, or the first option libcurl refused. */
static CURLcode set_options(CURL *h, const sr_client *c, const char *url, const char *method,
                           struct curl_slist *headers, sr_buf *resp, const char *payload)
{
    CURLcode cc = CURLE_OK;

#define OPT(o, v)                                                                                  \
    if (cc == CURLE_OK)                                                                            \
    cc = curl_easy_setopt(h, o, v)
    OPT(CURLOPT_URL, url);
    OPT(CURLOPT_CUSTOMREQUEST, method);
    OPT(CURLOPT_HTTPHEADER, headers);
    OPT(CURLOPT_TIMEOUT_MS, c->timeout_ms);
    OPT(CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 10000 ? c->timeout_ms : 10000L);
    OPT(CURLOPT_WRITEFUNCTION, collect);
    OPT(CURLOPT_WRITEDATA, resp);
    OPT(CURLOPT_NOSIGNAL, 1L);
    if (c->user) {
        OPT(CURLOPT_USERNAME, c->user);
        OPT(CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    if (payload)
        OPT(CURLOPT_POSTFIELDS, payload);
#undef OPT
    return cc;
}

/* The request's headers: JSON both ways, and the bearer token (any length). NULL when libcurl
 * cannot allocate them. */
static struct curl_slist *request_headers(const sr_client *c)
{
    static const char *const fixed[] = {"Content-Type: application/vnd.schemaregistry.v1+json",
                                        "Accept: application/vnd.schemaregistry.v1+json"};
    struct curl_slist *headers = NULL, *more;

    for (size_t i = 0; i < 2; i++) {
        if (!(more = curl_slist_append(headers, fixed[i]))) {
            curl_slist_free_all(headers);
            return NULL;
        }
        headers = more;
    }
    if (c->token) {
        sr_buf auth = SR_BUF_INIT;
        sr_buf_printf(&auth, "Authorization: Bearer %s", c->token);
        more = curl_slist_append(headers, auth.ptr);
        sr_buf_dispose(&auth);
        if (!more) {
            curl_slist_free_all(headers);
            return NULL;
        }
        headers = more;
    }
    return headers;
}

int sr_client_request(json_t **out, int *status_out, sr_client *c, const char *method,
                      const char *path, const json_t *body, sr_err *err)
{
    char *payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
    sr_buf url = SR_BUF_INIT;
    long backoff = 200;
    int rc = -1;

    sr_buf_printf(&url, "%s%s", c->url, path);
    if (body && !payload) {
        sr_err_set(err, 2, "cannot encode the request body");
        goto out;
    }
    for (int attempt = 0; attempt <= c->retries; attempt++) {
        CURL *h = c->handle ? c->handle : curl_easy_init();
        struct curl_slist *headers = h ? request_headers(c) : NULL;
        sr_buf resp = SR_BUF_INIT;
        CURLcode cc;
        long status = 0;

        c->handle = h; /* kept (its connection too) until sr_client_dispose */
        if (!h || !headers) {
            curl_slist_free_all(headers);
            sr_err_set(err, 2, "cannot set up a request to %s", c->url);
            goto out;
        }
        curl_easy_reset(h); /* no option of the previous request carries over */
        cc = set_options(h, c, url.ptr, method, headers, &resp, payload);
        if (cc != CURLE_OK) { /* not a network failure: retrying would not help */
            sr_err_set(err, 2, "cannot set up a request to %s: %s", c->url,
                       curl_easy_strerror(cc));
            curl_slist_free_all(headers);
            goto out;
        }
        cc = curl_easy_perform(h);
        if (cc == CURLE_OK)
            cc = curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        if (cc == CURLE_OK && (status < 500 || attempt == c->retries)) {
            json_t *j = json_loadb(resp.ptr, resp.len, JSON_DECODE_ANY, NULL);
            *out = j ? j : json_stringn(resp.ptr, resp.len);
            *status_out = (int)status;
            sr_buf_dispose(&resp);
            rc = 0;
            break;
        }
        if (cc != CURLE_OK)
            sr_err_set(err, 0, "cannot reach the registry at %s: %s", c->url,
                       curl_easy_strerror(cc));
        sr_buf_dispose(&resp);
        if (attempt < c->retries) {
            sleep_ms(backoff);
            backoff *= 2;
        }
    }
out:
    sr_buf_dispose(&url);
    free(payload);
    return rc;
}
