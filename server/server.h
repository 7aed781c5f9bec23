/* server.h -- starting, draining and stopping the HTTP front. */
#ifndef SR_SERVER_SERVER_H
#define SR_SERVER_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "server/http.h"
#include "server/limits.h"
#include "server/tls.h"

typedef struct sr_http sr_http;

typedef struct sr_http_opts {
    const struct sockaddr *addr; /* where to listen */
    int ipv6;
    unsigned threads;            /* sluice.threads */
    size_t max_body;             /* sluice.request.max.bytes: larger bodies get 413 */
    sr_limits_opts limits;       /* connections, timeouts, the buffered-body budget */
    sr_tls *tls;                 /* NULL: plain HTTP; else borrowed until sr_http_stop */
} sr_http_opts;

/* Listen and serve. `app` is borrowed until sr_http_stop. 0, or -1 with err. */
int sr_http_start(sr_http **out, sr_app *app, const sr_http_opts *o, sr_err *err);
/* Stop accepting connections and wait up to `grace_ms` for the requests in flight to be
 * answered (answers say Connection: close from now on). */
void sr_http_drain(sr_http *h, unsigned grace_ms);
/* Close every connection and free. NULL is a no-op. */
void sr_http_stop(sr_http *h);
/* The connection table, for GET /metrics. Borrowed. */
sr_conns *sr_http_conns(sr_http *h);

#endif
