/* client.h -- talking to a schema registry over HTTP (libcurl): the registry URL, credentials,
 * timeouts, retries with backoff on connection errors and 5xx answers, and one kept-alive
 * connection for all the requests of a client. A client is used by one thread at a time. */
#ifndef SR_CI_CLIENT_H
#define SR_CI_CLIENT_H

#include <jansson.h>

#include "common/err.h"

typedef struct sr_client {
    char *url;        /* base URL without a trailing slash; owned */
    char *user;       /* basic auth, or NULL; owned */
    char *password;   /* owned */
    char *token;      /* bearer token, or NULL; owned */
    long timeout_ms;  /* per request */
    int retries;      /* extra attempts on connection errors and 5xx */
    void *handle;     /* libcurl's, kept between requests so that the connection is reused */
} sr_client;

/* From flags (may be NULL) and the environment: SLUICE_REGISTRY_URL, SLUICE_REGISTRY_USER,
 * SLUICE_REGISTRY_PASSWORD, SLUICE_REGISTRY_TOKEN. 0, or -1 with err (code 2) when no URL is known
 * or the token holds a line break. */
int sr_client_init(sr_client *c, const char *url_flag, sr_err *err);
void sr_client_dispose(sr_client *c);

/* One request. `path` is appended to the URL (already percent-encoded); `body` (may be NULL) is
 * sent as JSON. On an HTTP answer: 0 with *status_out and *out (the parsed JSON body, or a JSON
 * string holding a non-JSON body; caller decrefs). -1 with err: code 0 when the registry could not
 * be reached after the retries (the CLI's exit code 3), code 2 when libcurl refused to set the
 * request up (exit code 2). */
int sr_client_request(json_t **out, int *status_out, sr_client *c, const char *method,
                      const char *path, const json_t *body, sr_err *err);

/* Percent-encode one path segment (a subject "a/b.proto" -> "a%2Fb.proto"). Caller frees. */
char *sr_client_escape(const char *segment);

#endif
