/* http.h -- what handlers see of an HTTP exchange, and the pieces of the front that are pure
 * (routing, percent-decoding, content negotiation) so they can be unit-tested. */
#ifndef SR_SERVER_HTTP_H
#define SR_SERVER_HTTP_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "server/registry/registry.h"

typedef enum sr_method { SR_GET, SR_POST, SR_PUT, SR_DELETE, SR_OTHER } sr_method;

#define SR_MAX_PARAMS 4

/* One request, as handlers see it. Strings are borrowed for the request's life. */
typedef struct sr_req {
    sr_method method;
    const char *path;                 /* raw path, not decoded */
    char *params[SR_MAX_PARAMS];      /* decoded {subject}, {version}, {id}... in pattern order */
    int nparams;
    int bad_param;                    /* 1 + index of a param that is not valid text, else 0 */
    const char *bad_reason;           /* why (static) */
    const char *body;                 /* NUL-terminated; "" when none */
    size_t body_len;
    void *conn;                       /* the libmicrohttpd connection, for query lookups */
    void *exchange;                   /* the front's per-request state */
    const struct sr_caller *caller;   /* who asks; NULL when authentication is off */
} sr_req;

/* A response header a handler adds; both strings static. */
typedef struct sr_header {
    const char *name, *value;
} sr_header;

#define SR_RESP_MAX_HEADERS 8

/* What a handler answers. */
typedef struct sr_resp {
    int status;
    char *body;               /* owned (free()); JSON, or the bare text of GET .../schema */
    const char *content_type; /* static; NULL = the negotiated JSON type */
    const void *bytes;        /* static bytes sent instead of body (embedded files); NULL = none */
    size_t nbytes;
    sr_header headers[SR_RESP_MAX_HEADERS]; /* extra headers; name NULL ends them */
} sr_resp;

struct sr_auth;
struct sr_caller;
struct sr_metrics;
struct sr_logs;
struct sr_conns;

typedef struct sr_app {
    sr_registry *reg;
    struct sr_auth *auth;       /* NULL when authentication is off (the default) */
    struct sr_metrics *metrics; /* never NULL while serving */
    struct sr_logs *logs;       /* access and audit logs; NULL = neither */
    struct sr_conns *conns;     /* the open connections (set by sr_http_start) */
    int ui_off;                 /* sluice.ui.enabled=false: /ui answers 404 like no route */
    atomic_int draining;        /* SIGTERM seen: /health/ready answers 503 */
} sr_app;

typedef void (*sr_handler)(sr_app *app, const sr_req *req, sr_resp *resp);

/* What a route needs of its caller when authentication is on (docs/security.md). The front checks
 * it before the body is read; handlers never do. SR_PERM_UNSET (a route that forgot to say) is
 * refused to everyone, and the route test fails on it. */
typedef enum sr_perm {
    SR_PERM_UNSET,  /* not declared: nobody may call it */
    SR_PERM_PUBLIC,      /* no credentials needed (the health probes) */
    SR_PERM_USER,    /* any authenticated caller */
    SR_PERM_READ,        /* the rights a caller holds on the route's target (sr_target) */
    SR_PERM_WRITE,
    SR_PERM_DELETE,
    SR_PERM_CONFIG,
} sr_perm;

/* Which subject a route acts on, for authorization, the audit log and metrics. */
typedef enum sr_target {
    SR_ON_ALL,     /* every subject: the right must cover all of them (role, or a "*" rule) */
    SR_ON_SUBJECT, /* the {subject} path parameter */
    SR_ON_SCOPE,   /* the {subject} parameter when there is one, else every subject (config, mode) */
    SR_ON_ID,      /* any one subject holding schema {id}; listings of holders are filtered */
    SR_ON_LIST,    /* a listing: any caller, answered with only the subjects it may read */
} sr_target;

typedef struct sr_route {
    sr_method method;
    const char *pattern; /* "/subjects/{subject}/versions"; {id} params must be integers; a last
                          * segment {name*} takes the rest of the path as it came (undecoded) */
    sr_handler handler;
    sr_perm perm;        /* what the caller needs */
    sr_target target;    /* on which subjects */
    int removes;         /* 1 when the route can remove schemas or versions for good */
} sr_route;

extern const sr_route sr_routes[];
extern const size_t sr_nroutes;

/* Match `path` against the route table. Returns the route, or NULL with *status_out = 404 (no
 * pattern matches) or 405 (a pattern matches but not the method). Params are decoded into
 * req->params (caller frees with sr_req_free_params). */
const sr_route *sr_route_match(sr_req *req, sr_method method, const char *path, int *status_out);
void sr_req_free_params(sr_req *req);

/* Decode %XX escapes (and '+' as space when `plus_is_space`) of `s[0..len)`. Caller frees.
 * NULL when an escape is malformed. *out_len (may be NULL) gets the decoded length, which is
 * less than strlen's when the text holds an encoded NUL. */
char *sr_percent_decode(const char *s, size_t len, int plus_is_space, size_t *out_len);
/* Why decoded text cannot name anything (a NUL inside, or not UTF-8), or NULL when it can. */
const char *sr_text_problem(const char *s, size_t len);

/* The response media type for an Accept header (never fails: clients get JSON whatever they
 * ask, rather than a 406). */
const char *sr_negotiate(const char *accept);
/* 1 when a request body of this Content-Type is accepted (NULL = absent = accepted). */
int sr_content_type_ok(const char *content_type);

/* ---- helpers for handlers ---- */

/* A decoded query parameter, or NULL. Borrowed until the request ends. */
const char *sr_query(const sr_req *req, const char *name);
/* A request header, or NULL. Borrowed until the request ends. */
const char *sr_header_get(const sr_req *req, const char *name);
int sr_query_bool(const sr_req *req, const char *name); /* "true" in any case; else 0 */
/* Every value of a repeated query parameter (`?key=a&key=b`), decoded, appended in order. */
void sr_query_all(const sr_req *req, const char *name, sr_strlist *out);
/* An integer query parameter; `def` when absent. -1 (and 404, as Confluent) when not an int. */
int sr_query_int(int *out, const sr_req *req, const char *name, int def, sr_resp *resp);

/* offset (>= 0, else 422) and limit query parameters, and the caller's read filter for
 * listings (NULL when every subject may be shown). 0, or -1 with the reply written. */
int sr_query_page(sr_page *out, const sr_req *req, sr_resp *resp);

/* The common tail of a handler: 200 with `out` (stolen) when rc is 0, else the error (which is
 * disposed). */
void sr_reply_result(sr_resp *resp, int rc, json_t *out, sr_err *err);
/* Steals body. When it cannot be encoded (NULL, or text that is not UTF-8), a 500 with a fixed
 * body goes out instead: a reply is never empty. */
void sr_reply_json(sr_resp *resp, int status, json_t *body);
void sr_reply_err(sr_resp *resp, sr_err *err); /* disposes err */
void sr_reply_error(sr_resp *resp, int status, int code, const char *msg);
/* The body as a JSON object: 0, or -1 with the error reply written (400 syntax or shape,
 * 422 when absent). */
int sr_body_object(json_t **out, const sr_req *req, sr_resp *resp);

/* Handlers (h_*.c). */
void sr_h_root(sr_app *, const sr_req *, sr_resp *);
void sr_h_metadata_id(sr_app *, const sr_req *, sr_resp *);
void sr_h_metadata_version(sr_app *, const sr_req *, sr_resp *);
void sr_h_metadata_deployment(sr_app *, const sr_req *, sr_resp *);
void sr_h_contexts(sr_app *, const sr_req *, sr_resp *);
void sr_h_context_delete(sr_app *, const sr_req *, sr_resp *);
void sr_h_schema_by_guid(sr_app *, const sr_req *, sr_resp *);
void sr_h_guid_ids(sr_app *, const sr_req *, sr_resp *);
void sr_h_schema_types(sr_app *, const sr_req *, sr_resp *);
void sr_h_schemas(sr_app *, const sr_req *, sr_resp *);
void sr_h_schema_by_id(sr_app *, const sr_req *, sr_resp *);
void sr_h_schema_text_by_id(sr_app *, const sr_req *, sr_resp *);
void sr_h_id_subjects(sr_app *, const sr_req *, sr_resp *);
void sr_h_id_versions(sr_app *, const sr_req *, sr_resp *);
void sr_h_subjects(sr_app *, const sr_req *, sr_resp *);
void sr_h_lookup(sr_app *, const sr_req *, sr_resp *);
void sr_h_delete_subject(sr_app *, const sr_req *, sr_resp *);
void sr_h_versions(sr_app *, const sr_req *, sr_resp *);
void sr_h_register(sr_app *, const sr_req *, sr_resp *);
void sr_h_version_get(sr_app *, const sr_req *, sr_resp *);
void sr_h_version_text(sr_app *, const sr_req *, sr_resp *);
void sr_h_delete_version(sr_app *, const sr_req *, sr_resp *);
void sr_h_referenced_by(sr_app *, const sr_req *, sr_resp *);
void sr_h_by_metadata(sr_app *, const sr_req *, sr_resp *);
void sr_h_compat_all(sr_app *, const sr_req *, sr_resp *);
void sr_h_compat_version(sr_app *, const sr_req *, sr_resp *);
void sr_h_config_get(sr_app *, const sr_req *, sr_resp *);
void sr_h_config_put(sr_app *, const sr_req *, sr_resp *);
void sr_h_config_delete(sr_app *, const sr_req *, sr_resp *);
void sr_h_mode_get(sr_app *, const sr_req *, sr_resp *);
void sr_h_mode_put(sr_app *, const sr_req *, sr_resp *);
void sr_h_mode_delete(sr_app *, const sr_req *, sr_resp *);
void sr_h_validate_version(sr_app *, const sr_req *, sr_resp *); /* h_sluice.c */
void sr_h_validate_id(sr_app *, const sr_req *, sr_resp *);
void sr_h_search(sr_app *, const sr_req *, sr_resp *);           /* h_browse.c */
void sr_h_subject_overview(sr_app *, const sr_req *, sr_resp *);
void sr_h_version_forms(sr_app *, const sr_req *, sr_resp *);
void sr_h_diff(sr_app *, const sr_req *, sr_resp *);
void sr_h_check_findings(sr_app *, const sr_req *, sr_resp *);
void sr_h_ui(sr_app *, const sr_req *, sr_resp *);               /* h_ui.c */
void sr_h_metrics(sr_app *, const sr_req *, sr_resp *);
void sr_h_health_live(sr_app *, const sr_req *, sr_resp *);
void sr_h_health_ready(sr_app *, const sr_req *, sr_resp *);

/* The names the route table and `sluiced --routes` use. */
const char *sr_method_name(sr_method m);
const char *sr_perm_name(sr_perm p);
const char *sr_target_name(sr_target t);

#endif
