/* http.c -- the libmicrohttpd front: one thread pool, keep-alive, bodies gathered up to a limit,
 * routing through the table, one access-log line per request.
 *
 * libmicrohttpd calls the access handler several times per request. Answering in the FIRST call
 * makes it close the connection after the response (no keep-alive, about 5x slower under load),
 * so the first call only sets up state and every answer is queued from a later call. */
#include "server/http.h"
#include "server/server.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Per-request state, from the first call of the access handler to the completion callback. */
typedef struct exchange {
    struct timespec start;
    sr_buf body;
    int too_large;
    int status;          /* for the access log */
    char *method;        /* for the access log; owned */
    char *path;          /* for the access log; owned */
    sr_strlist scratch;  /* decoded query values handed to handlers */
} exchange;

struct sr_http {
    struct MHD_Daemon *daemon;
    sr_app *app;
    size_t max_body;
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
    return 0;
}

/* ---- the exchange ---- */

/* Hand the answer to libmicrohttpd. MHD_NO (the connection is closed) when it cannot be. */
static enum MHD_Result queue(struct MHD_Connection *c, exchange *ex, sr_resp *resp,
                             const char *accept)
{
    const char *body = resp->body ? resp->body : "";
    struct MHD_Response *r;
    enum MHD_Result ok;

    r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                        resp->body ? MHD_RESPMEM_MUST_FREE
                                                   : MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    resp->body = NULL; /* owned by the MHD response now */
    ex->status = resp->status;
    ok = MHD_add_response_header(r, "Content-Type", sr_negotiate(accept));
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

/* Route and run one request; resp gets the answer. */
static void dispatch(struct sr_http *h, struct MHD_Connection *c, exchange *ex, const char *url,
                     const char *method, sr_resp *resp)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    sr_req req = {0};
    const sr_route *route;
    int status = 0;
    char msg[128];

    req.method = method_of(method);
    req.path = url;
    req.body = ex->body.ptr;
    req.body_len = ex->body.len;
    req.conn = c;
    req.exchange = ex;
    if (ex->too_large) {
        snprintf(msg, sizeof(msg), "Request body is larger than the limit of %zu bytes",
                 h->max_body);
        sr_reply_error(resp, 413, 413, msg);
        return;
    }
    route = sr_route_match(&req, req.method, url, &status);
    if (!route)
        sr_reply_error(resp, status, status,
                       status == 405 ? "HTTP 405 Method Not Allowed" : "HTTP 404 Not Found");
    else if (req.bad_param)
        reply_bad_param(resp, route, &req);
    else if (check_query(c, resp) < 0)
        ; /* answered */
    else if ((req.method == SR_POST || req.method == SR_PUT) && !sr_content_type_ok(ct))
        sr_reply_error(resp, 415, 415, "HTTP 415 Unsupported Media Type");
    else
        route->handler(h->app, &req, resp);
    sr_req_free_params(&req);
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

    if (!ex) { /* first call: set up only (see the file comment) */
        ex = sr_xcalloc(1, sizeof(*ex));
        ex->body = (sr_buf)SR_BUF_INIT;
        clock_gettime(CLOCK_MONOTONIC, &ex->start);
        ex->method = sr_xstrdup(method);
        ex->path = sr_xstrdup(url);
        *con_cls = ex;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (ex->body.len + *upload_data_size > h->max_body) {
            ex->too_large = 1;
            sr_buf_dispose(&ex->body);
        } else if (!ex->too_large) {
            sr_buf_put(&ex->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    dispatch(h, c, ex, url, method, &resp);
    if (!resp.status)
        sr_reply_error(&resp, 500, 500, "Internal Server Error");
    ok = queue(c, ex, &resp, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"));
    free(resp.body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    exchange *ex = *con_cls;
    struct timespec now;
    long long us;
    (void)cls;
    (void)toe;
    (void)c;

    if (!ex)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (now.tv_sec - ex->start.tv_sec) * 1000000LL + (now.tv_nsec - ex->start.tv_nsec) / 1000;
    fprintf(stderr, "%s %s %d %lldus\n", ex->method, ex->path, ex->status, us);
    sr_buf_dispose(&ex->body);
    sr_strlist_dispose(&ex->scratch);
    free(ex->method);
    free(ex->path);
    free(ex);
    *con_cls = NULL;
}

/* Paths reach the router undecoded, so that an encoded '/' inside a subject ("dir%2Fa.proto")
 * does not split a segment; query values are decoded on lookup (sr_query). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

int sr_http_start(sr_http **out, sr_app *app, const struct sockaddr *addr, int ipv6,
                  unsigned threads, size_t max_body, sr_err *err)
{
    struct sr_http *h = sr_xcalloc(1, sizeof(*h));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

    if (ipv6)
        flags |= MHD_USE_IPv6;
    h->app = app;
    h->max_body = max_body;
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
                                 MHD_OPTION_THREAD_POOL_SIZE, threads,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                 MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
                                 MHD_OPTION_SOCK_ADDR, addr,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                                 MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                                 MHD_OPTION_END);
    if (!h->daemon) {
        free(h);
        return sr_err_set(err, 50001, "cannot listen on the configured address (in use?)");
    }
    *out = h;
    return 0;
}

void sr_http_stop(sr_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    free(h);
}
