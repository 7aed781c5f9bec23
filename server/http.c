/* http.c -- the libmicrohttpd front: one thread pool (epoll), keep-alive, TLS when configured;
 * each request routed, authenticated and authorized from its headers (guard.c), its body gathered
 * within the limits (limits.c), its handler run, then counted (metrics.c) and logged (logs.c).
 *
 * libmicrohttpd calls the access handler several times per request. Answering in the FIRST call
 * makes it close the connection after the response (no keep-alive, about 5x slower under load),
 * so the first call only decides (route, credentials, limits) and every answer, refusals
 * included, is queued from a later call; a refused request's body is read and dropped. */
#include "server/http.h"
#include "server/auth.h"
#include "server/guard.h"
#include "server/logs.h"
#include "server/metrics.h"
#include "server/server.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/histogram.h"

/* Connections accepted beyond sluice.connections.max, to be told 503 rather than dropped. */
#define OVER_LIMIT_RESERVE 16

/* Per-connection state, from accept to close (libmicrohttpd's socket context). */
typedef struct connection {
    sr_conn *lim;      /* owned by the connection table */
    char *dn;          /* the verified client certificate's subject; owned; NULL = none */
    int dn_checked;    /* the certificate is checked once per connection */
} connection;

/* Per-request state, from the first call of the access handler to the completion callback. */
typedef struct exchange {
    struct timespec start;
    sr_buf body;
    size_t reserved;     /* bytes of the buffered-body budget held */
    int too_large;       /* the body is over sluice.request.max.bytes: 413 */
    sr_resp refusal;     /* decided from the headers (401, 403, 429, 503); status 0 = none */
    const char *challenge; /* WWW-Authenticate of a 401; static */
    int status;          /* for the logs */
    char *method;        /* for the logs; owned */
    char *path;          /* for the logs; owned */
    char *answer;        /* a copy of the answer, for the audit log; owned */
    sr_strlist scratch;  /* decoded query values handed to handlers */
    sr_req req;          /* routed in the first call; params owned */
    const sr_route *route; /* NULL: nothing matched (route_status says 404 or 405) */
    int route_status;
    sr_caller *caller;   /* NULL when authentication is off */
    sr_subject_filter filter; /* the caller's read filter for listings */
    connection *conn;
} exchange;

struct sr_http {
    struct MHD_Daemon *daemon;
    sr_app *app;
    size_t max_body;
    sr_conns *conns;
    sr_tls *tls;
    atomic_int active;     /* requests between their first call and completion */
    atomic_int closing;    /* draining: answers close their connections */
};

static sr_method method_of(const char *m)
{
    if (strcmp(m, "GET") == 0)
        return SR_GET;
    if (strcmp(m, "POST") == 0)
        return SR_POST;
    if (strcmp(m, "PUT") == 0)
        return SR_PUT;
    if (strcmp(m, "DELETE") == 0)
        return SR_DELETE;
    return SR_OTHER;
}

/* ---- helpers for handlers ---- */

const char *sr_query(const sr_req *req, const char *name)
{
    const char *raw = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    exchange *ex = req->exchange;
    char *v;

    if (!raw)
        return NULL;
    v = sr_percent_decode(raw, strlen(raw), 1, NULL);
    if (!v)
        return raw; /* a malformed escape: take the value as written */
    sr_strlist_take(&ex->scratch, v);
    return v;
}

const char *sr_header_get(const sr_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* Gathers every decoded value of one query parameter, in order. */
typedef struct all_values {
    const char *name;
    sr_strlist *out;
} all_values;

static enum MHD_Result collect_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    all_values *a = cls;
    char *v;
    (void)kind;

    if (!key || strcmp(key, a->name) != 0)
        return MHD_YES;
    v = sr_percent_decode(value ? value : "", strlen(value ? value : ""), 1, NULL);
    sr_strlist_add(a->out, v ? v : value);
    free(v);
    return MHD_YES;
}

void sr_query_all(const sr_req *req, const char *name, sr_strlist *out)
{
    all_values a = {name, out};

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_value, &a);
}

int sr_query_bool(const sr_req *req, const char *name)
{
    const char *v = sr_query(req, name);
    return v && strcasecmp(v, "true") == 0;
}

int sr_query_int(int *out, const sr_req *req, const char *name, int def, sr_resp *resp)
{
    const char *v = sr_query(req, name);
    char *end;
    long long n;

    *out = def;
    if (!v)
        return 0;
    n = strtoll(v, &end, 10);
    if (!*v || *end || n < -2147483648LL || n > 2147483647LL) {
        sr_reply_error(resp, 404, 404, "HTTP 404 Not Found"); /* JAX-RS: unparsable int param */
        return -1;
    }
    *out = (int)n;
    return 0;
}

int sr_query_page(sr_page *out, const sr_req *req, sr_resp *resp)
{
    if (sr_query_int(&out->offset, req, "offset", 0, resp) < 0 ||
        sr_query_int(&out->limit, req, "limit", -1, resp) < 0)
        return -1;
    if (out->offset < 0) {
        sr_reply_error(resp, 422, 422, "offset must not be negative");
        return -1;
    }
    out->filter = req->caller ? &((exchange *)req->exchange)->filter : NULL;
    return 0;
}

/* ---- the exchange ---- */

/* Hand the answer to libmicrohttpd. MHD_NO (the connection is closed) when it cannot be. */
static enum MHD_Result queue(struct sr_http *h, struct MHD_Connection *c, exchange *ex,
                             sr_resp *resp, const char *accept)
{
    const char *body = resp->body ? resp->body : "";
    struct MHD_Response *r;
    enum MHD_Result ok;
    int close_it = atomic_load(&h->closing) || sr_conn_over_limit(ex->conn ? ex->conn->lim : NULL);

    if (sr_guard_audit_action(ex->route))
        ex->answer = sr_xstrdup(body);
    if (resp->bytes)
        r = MHD_create_response_from_buffer(resp->nbytes, (void *)resp->bytes,
                                            MHD_RESPMEM_PERSISTENT);
    else
        r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                            resp->body ? MHD_RESPMEM_MUST_FREE
                                                       : MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    if (resp->bytes)
        free(resp->body);
    resp->body = NULL; /* owned by the MHD response now */
    ex->status = resp->status;
    ok = MHD_add_response_header(r, "Content-Type",
                                 resp->content_type ? resp->content_type : sr_negotiate(accept));
    if (ok == MHD_YES && resp->status == 401 && ex->challenge)
        ok = MHD_add_response_header(r, "WWW-Authenticate", ex->challenge);
    if (ok == MHD_YES && (resp->status == 503 || resp->status == 429))
        ok = MHD_add_response_header(r, "Retry-After", "1");
    for (int i = 0; ok == MHD_YES && i < SR_RESP_MAX_HEADERS && resp->headers[i].name; i++)
        ok = MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    if (ok == MHD_YES && close_it)
        ok = MHD_add_response_header(r, "Connection", "close");
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Every query parameter's name and value must decode to text (no NUL, valid UTF-8): a value that
 * C would silently cut at a NUL must not reach a handler. */
typedef struct query_check {
    const char *name;    /* of the first bad parameter */
    const char *problem; /* static */
} query_check;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    query_check *q = cls;
    const char *parts[2] = {key, value};
    (void)kind;

    for (int i = 0; i < 2; i++) {
        size_t len;
        char *d = parts[i] ? sr_percent_decode(parts[i], strlen(parts[i]), 1, &len) : NULL;
        const char *problem = d ? sr_text_problem(d, len) : NULL;
        free(d);
        if (problem) {
            q->name = key;
            q->problem = problem;
            return MHD_NO;
        }
    }
    return MHD_YES;
}

/* 0, or -1 with the 400 written. */
static int check_query(struct MHD_Connection *c, sr_resp *resp)
{
    query_check q = {NULL, NULL};
    char *msg;

    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_arg, &q);
    if (!q.problem)
        return 0;
    if (asprintf(&msg, "Invalid query parameter '%s': %s", q.name, q.problem) < 0)
        sr_xoom();
    sr_reply_error(resp, 400, 400, msg);
    free(msg);
    return -1;
}

/* A path parameter that is not text: 42208 for a subject, 42202 for a version. */
static void reply_bad_param(sr_resp *resp, const sr_route *route, const sr_req *req)
{
    const char *name = strstr(route->pattern, "{version}") && req->bad_param == 2 ? "version"
                                                                                   : "subject";
    char *msg;

    if (asprintf(&msg, "The specified %s is not valid: %s", name, req->bad_reason) < 0)
        sr_xoom();
    sr_reply_error(resp, 422, strcmp(name, "version") == 0 ? 42202 : 42208, msg);
    free(msg);
}

/* Run the routed request's handler; resp gets the answer. */
static void dispatch(struct sr_http *h, struct MHD_Connection *c, exchange *ex, sr_resp *resp)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    sr_req *req = &ex->req;
    char msg[128];

    req->body = ex->body.ptr;
    req->body_len = ex->body.len;
    if (ex->too_large) {
        snprintf(msg, sizeof(msg), "Request body is larger than the limit of %zu bytes",
                 h->max_body);
        sr_reply_error(resp, 413, 413, msg);
    } else if (!ex->route) {
        sr_reply_error(resp, ex->route_status, ex->route_status,
                       ex->route_status == 405 ? "HTTP 405 Method Not Allowed"
                                               : "HTTP 404 Not Found");
    } else if (req->bad_param) {
        reply_bad_param(resp, ex->route, req);
    } else if (check_query(c, resp) < 0) {
        ; /* answered */
    } else if ((req->method == SR_POST || req->method == SR_PUT) && !sr_content_type_ok(ct)) {
        sr_reply_error(resp, 415, 415, "HTTP 415 Unsupported Media Type");
    } else {
        ex->route->handler(h->app, req, resp);
    }
}

/* The subject DN of the connection's verified client certificate, checked once. */
static const char *client_dn(struct sr_http *h, struct MHD_Connection *c, connection *cn)
{
    const union MHD_ConnectionInfo *ci;

    if (!h->tls || !cn || sr_tls_client_auth(h->tls) == SR_CLIENT_AUTH_NONE)
        return NULL;
    if (!cn->dn_checked) {
        cn->dn_checked = 1;
        ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
        cn->dn = ci ? sr_tls_client_dn(h->tls, ci->tls_session) : NULL;
    }
    return cn->dn;
}

/* 503: the bodies already buffered leave no room for this one. */
static void refuse_buffering(struct sr_http *h, exchange *ex)
{
    sr_conns_count_refusal(h->conns, 2);
    sr_reply_error(&ex->refusal, 503, 503,
                   "The server is buffering as many request bodies as it may "
                   "(sluice.request.pending.max.bytes); try again");
}

/* Take the budget for a body of known length, or refuse: 413 over the per-request limit, 503
 * when the bodies already buffered leave no room. */
static void admit_body(struct sr_http *h, struct MHD_Connection *c, exchange *ex)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    unsigned long long n;
    char *end;

    if (!cl)
        return;
    n = strtoull(cl, &end, 10);
    if (*end || n == 0)
        return;
    if (n > h->max_body) {
        ex->too_large = 1;
    } else if (sr_conns_reserve(h->conns, (size_t)n) < 0) {
        refuse_buffering(h, ex);
    } else {
        ex->reserved = (size_t)n;
        ex->body.ptr = sr_xmalloc((size_t)n + 1);
        ex->body.ptr[0] = '\0';
        ex->body.cap = (size_t)n + 1;
    }
}

/* The first call: route, limits, credentials, the body's budget. Nothing is answered yet. */
static void begin(struct sr_http *h, struct MHD_Connection *c, exchange *ex, const char *url,
                  const char *method)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    connection *cn = ci ? ci->socket_context : NULL;
    sr_conn_over over;
    const char *dn;

    ex->conn = cn;
    ex->req.method = method_of(method);
    ex->req.path = ex->path;
    ex->req.body = "";
    ex->req.conn = c;
    ex->req.exchange = ex;
    if (cn)
        sr_conn_headers_done(h->conns, cn->lim);
    ex->route = sr_route_match(&ex->req, ex->req.method, url, &ex->route_status);
    over = sr_conn_over_limit(cn ? cn->lim : NULL);
    if (over == SR_CONN_OVER_TOTAL) {
        sr_conns_count_refusal(h->conns, 0);
        sr_reply_error(&ex->refusal, 503, 503, "Too many connections (sluice.connections.max)");
        return;
    }
    if (over == SR_CONN_OVER_ADDRESS) {
        sr_conns_count_refusal(h->conns, 1);
        sr_reply_error(&ex->refusal, 429, 429, "Too many connections from this address "
                                               "(sluice.connections.max.per.address)");
        return;
    }
    dn = client_dn(h, c, cn);
    if (sr_guard_request(&ex->caller, &ex->challenge, h->app, ex->route, &ex->req,
                         MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"), dn,
                         sr_tls_client_auth(h->tls) == SR_CLIENT_AUTH_REQUIRED,
                         &ex->refusal) < 0)
        return;
    ex->req.caller = ex->caller;
    ex->filter = (sr_subject_filter){sr_guard_may_read, ex->caller};
    admit_body(h, c, ex);
}

/* A piece of the body: kept, or dropped when the request is refused or too large. */
static void take_body(struct sr_http *h, exchange *ex, const char *data, size_t n)
{
    if (ex->refusal.status || ex->too_large)
        return;
    if (ex->body.len + n > h->max_body) {
        ex->too_large = 1;
    } else if (ex->body.len + n > ex->reserved) { /* no Content-Length: reserve as it comes */
        size_t more = ex->body.len + n - ex->reserved;
        if (sr_conns_reserve(h->conns, more) < 0) {
            refuse_buffering(h, ex);
        } else {
            ex->reserved += more;
            sr_buf_put(&ex->body, data, n);
            return;
        }
    } else {
        sr_buf_put(&ex->body, data, n);
        return;
    }
    sr_buf_dispose(&ex->body); /* refused or too large: what came so far goes too */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct sr_http *h = cls;
    exchange *ex = *con_cls;
    sr_resp resp = {0};
    enum MHD_Result ok;
    (void)version;

    if (!ex) { /* first call: decide only (see the file comment) */
        ex = sr_xcalloc(1, sizeof(*ex));
        ex->body = (sr_buf)SR_BUF_INIT;
        clock_gettime(CLOCK_MONOTONIC, &ex->start);
        ex->method = sr_xstrdup(method);
        ex->path = sr_xstrdup(url);
        *con_cls = ex;
        atomic_fetch_add(&h->active, 1);
        begin(h, c, ex, url, method);
        return MHD_YES;
    }
    if (*upload_data_size) {
        take_body(h, ex, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ex->conn)
        sr_conn_handling(ex->conn->lim);
    if (ex->refusal.status) {
        resp = ex->refusal;
        ex->refusal.body = NULL;
    } else {
        dispatch(h, c, ex, &resp);
    }
    if (!resp.status)
        sr_reply_error(&resp, 500, 500, "Internal Server Error");
    ok = queue(h, c, ex, &resp, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"));
    free(resp.body);
    return ok;
}

/* Metrics, the access log, the audit log of a change. */
static void account(struct sr_http *h, exchange *ex, struct MHD_Connection *c, long long us)
{
    sr_app *app = h->app;
    const char *action = sr_guard_audit_action(ex->route);
    sr_log_entry e = {
        .method = ex->method,
        .path = ex->path,
        .route = ex->route ? ex->route->pattern : NULL,
        .user = ex->caller ? sr_caller_name(ex->caller) : NULL,
        .addr = ex->conn ? sr_conn_address(ex->conn->lim) : NULL,
        .subject = sr_guard_subject(ex->route, &ex->req),
        .status = ex->status,
        .us = us,
        .request_body = ex->body.len ? ex->body.ptr : NULL,
        .response_body = ex->answer,
    };
    (void)c;

    sr_metrics_request(app->metrics, ex->route, ex->status, us);
    if (ex->route && ex->route->handler == sr_h_register && ex->status == 200)
        sr_metrics_event(app->metrics, SR_EV_REGISTERED);
    if (ex->route && ((ex->route->handler == sr_h_register && ex->status == 409) ||
                      ((ex->route->handler == sr_h_compat_all ||
                        ex->route->handler == sr_h_compat_version) &&
                       ex->answer && strstr(ex->answer, "\"is_compatible\":false"))))
        sr_metrics_event(app->metrics, SR_EV_INCOMPATIBLE);
    sr_logs_access(app->logs, &e);
    if (action && ex->status)
        sr_logs_audit(app->logs, action, &e);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct sr_http *h = cls;
    exchange *ex = *con_cls;
    (void)toe;

    if (!ex)
        return;
    account(h, ex, c, sr_elapsed_us(&ex->start));
    if (ex->conn)
        sr_conn_request_done(h->conns, ex->conn->lim);
    sr_conns_release(h->conns, ex->reserved);
    sr_caller_release(ex->caller);
    sr_req_free_params(&ex->req);
    sr_buf_dispose(&ex->body);
    sr_strlist_dispose(&ex->scratch);
    free(ex->refusal.body);
    free(ex->answer);
    free(ex->method);
    free(ex->path);
    free(ex);
    *con_cls = NULL;
    atomic_fetch_sub(&h->active, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct sr_http *h = cls;
    connection *cn = *socket_context;
    const union MHD_ConnectionInfo *fd, *addr;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        cn = sr_xcalloc(1, sizeof(*cn));
        cn->lim = sr_conns_opened(h->conns, fd ? fd->connect_fd : -1,
                                  addr ? addr->client_addr : NULL);
        *socket_context = cn;
    } else if (cn) {
        sr_conns_closed(h->conns, cn->lim);
        free(cn->dn);
        free(cn);
        *socket_context = NULL;
    }
}

/* Paths reach the router undecoded, so that an encoded '/' inside a subject ("dir%2Fa.proto")
 * does not split a segment; query values are decoded on lookup (sr_query). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

int sr_http_start(sr_http **out, sr_app *app, const sr_http_opts *o, sr_err *err)
{
    struct sr_http *h = sr_xcalloc(1, sizeof(*h));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_USE_ITC;
    struct MHD_OptionItem ops[16];
    int n = 0;

    h->app = app;
    h->max_body = o->max_body;
    h->tls = o->tls;
    if (sr_conns_new(&h->conns, &o->limits) < 0) {
        free(h);
        return sr_err_set(err, 50001, "cannot start the connection reaper thread");
    }
    app->conns = h->conns;
    if (o->ipv6)
        flags |= MHD_USE_IPv6;
#define OPT(k, v, p) ops[n++] = (struct MHD_OptionItem){k, (intptr_t)(v), p}
    OPT(MHD_OPTION_THREAD_POOL_SIZE, o->threads, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
    OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, h);
    OPT(MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL);
    OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)o->addr);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, (o->limits.idle_timeout_ms + 999) / 1000, NULL);
    OPT(MHD_OPTION_CONNECTION_LIMIT, o->limits.max_connections + OVER_LIMIT_RESERVE, NULL);
    if (o->limits.max_per_address)
        OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->limits.max_per_address + 1, NULL);
    OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL);
    if (o->tls) {
        flags |= MHD_USE_TLS;
        OPT(MHD_OPTION_HTTPS_CERT_CALLBACK, 0, sr_tls_cert_callback());
        OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)SR_TLS_PRIORITIES);
        if (sr_tls_trust_pem(o->tls))
            OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)sr_tls_trust_pem(o->tls));
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, ops,
                                 MHD_OPTION_END);
    if (!h->daemon) {
        sr_conns_free(h->conns);
        free(h);
        return sr_err_set(err, 50001, "cannot listen on the configured address (in use?)");
    }
    *out = h;
    return 0;
}

void sr_http_drain(sr_http *h, unsigned grace_ms)
{
    struct timespec step = {0, 20 * 1000000L};

    if (!h)
        return;
    /* Not MHD_quiesce_daemon: with epoll worker threads, libmicrohttpd 0.9.75 can lose a race
     * between the quiescing thread and a worker over removing the listening socket from the
     * worker's epoll set, and then aborts the process. The socket stays open instead; whoever
     * connects meanwhile is answered and disconnected, and readiness already says 503. */
    atomic_store(&h->app->draining, 1);
    atomic_store(&h->closing, 1);
    for (unsigned waited = 0; atomic_load(&h->active) > 0 && waited < grace_ms; waited += 20)
        nanosleep(&step, NULL);
}

void sr_http_stop(sr_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    sr_conns_free(h->conns);
    free(h);
}

sr_conns *sr_http_conns(sr_http *h)
{
    return h ? h->conns : NULL;
}
