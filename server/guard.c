/* guard.c -- see guard.h. Errors are Confluent's: 401 / 40101 with WWW-Authenticate, 403 /
 * 40301 "User ... is denied operation Write on Subject: x". */
#include "server/guard.h"
#include "server/auth.h"
#include "server/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHALLENGE "Basic realm=\"sluice\", charset=\"UTF-8\""

const char *sr_guard_subject(const sr_route *route, const sr_req *req)
{
    const char *s;

    if (!route || !strstr(route->pattern, "{subject}") || req->nparams == 0)
        return NULL;
    s = req->params[0];
    if (route->target == SR_ON_SCOPE && strncmp(s, ":.:", 3) == 0)
        s = s[3] ? s + 3 : NULL; /* Confluent's default context names the top level */
    return s;
}

int sr_guard_may_read(const void *caller, const char *subject)
{
    return sr_caller_may(caller, SR_RIGHT_READ, subject);
}

static int right_of(sr_perm p)
{
    switch (p) {
    case SR_PERM_READ:
        return SR_RIGHT_READ;
    case SR_PERM_WRITE:
        return SR_RIGHT_WRITE;
    case SR_PERM_DELETE:
        return SR_RIGHT_DELETE;
    case SR_PERM_CONFIG:
        return SR_RIGHT_CONFIG;
    default:
        return 0;
    }
}

static const char *right_name(sr_perm p)
{
    switch (p) {
    case SR_PERM_READ:
        return "Read";
    case SR_PERM_WRITE:
        return "Write";
    case SR_PERM_DELETE:
        return "Delete";
    case SR_PERM_CONFIG:
        return "AlterConfigs";
    default:
        return "Access";
    }
}

/* Schema `id`: may the caller read one of the subjects holding it? Unknown ids pass, so that the
 * handler answers 40403 as without authentication. */
static int may_read_id(sr_app *app, const sr_caller *c, const sr_req *req)
{
    sr_subject_filter f = {sr_guard_may_read, c};
    sr_page page = {.offset = 0, .limit = 1, .filter = &f};
    json_t *out = NULL;
    sr_err err = {0};
    int ok;

    if (sr_caller_may(c, SR_RIGHT_READ, NULL))
        return 1;
    if (sr_registry_id_subjects(&out, app->reg, atoi(req->params[0]), sr_query(req, "subject"), 1,
                                page, &err) < 0) {
        sr_err_dispose(&err);
        return 1;
    }
    ok = json_array_size(out) > 0;
    json_decref(out);
    return ok;
}

static int authorized(sr_app *app, const sr_caller *c, const sr_route *route, const sr_req *req)
{
    switch (route->perm) {
    case SR_PERM_UNSET:
        return 0;
    case SR_PERM_PUBLIC:
    case SR_PERM_USER:
        return 1;
    default:
        break;
    }
    switch (route->target) {
    case SR_ON_LIST:
        return 1; /* answered with only what the caller may read */
    case SR_ON_ID:
        return may_read_id(app, c, req);
    case SR_ON_ALL:
        return sr_caller_may(c, right_of(route->perm), NULL);
    case SR_ON_SUBJECT:
    case SR_ON_SCOPE:
        return sr_caller_may(c, right_of(route->perm), sr_guard_subject(route, req));
    }
    return 0;
}

static void deny(sr_resp *resp, const sr_caller *c, const sr_route *route, const sr_req *req)
{
    const char *subject = sr_guard_subject(route, req);
    char *msg;
    int n;

    if (route->perm == SR_PERM_UNSET)
        n = asprintf(&msg, "User %s is denied access: the route declares no permission",
                     sr_caller_name(c));
    else if (route->target == SR_ON_ID)
        n = asprintf(&msg, "User %s is denied operation Read on Schema: %s", sr_caller_name(c),
                     req->params[0]);
    else if (subject)
        n = asprintf(&msg, "User %s is denied operation %s on Subject: %s", sr_caller_name(c),
                     right_name(route->perm), subject);
    else
        n = asprintf(&msg, "User %s is denied operation %s on every subject", sr_caller_name(c),
                     right_name(route->perm));
    if (n < 0)
        sr_xoom();
    sr_reply_error(resp, 403, 40301, msg);
    free(msg);
}

int sr_guard_request(sr_caller **caller_out, const char **www_authenticate, sr_app *app,
                     const sr_route *route, const sr_req *req, const char *authorization,
                     const char *cert_dn, int cert_required, sr_resp *resp)
{
    sr_caller *c = NULL;
    int rc;

    *caller_out = NULL;
    if (route && route->perm == SR_PERM_PUBLIC)
        return 0;
    if (cert_required && !cert_dn) {
        sr_reply_error(resp, 401, 40101, "Unauthorized: a valid client certificate is required");
        return -1;
    }
    if (!app->auth)
        return 0;
    rc = sr_auth_login(&c, app->auth, authorization, cert_dn);
    if (rc != 0) {
        *www_authenticate = CHALLENGE;
        sr_metrics_event(app->metrics, SR_EV_AUTH_FAILED);
        sr_reply_error(resp, 401, 40101,
                       rc > 0 ? "Unauthorized: no credentials (HTTP Basic, a Bearer API key, or a "
                                "client certificate)"
                              : "Unauthorized: wrong credentials");
        return -1;
    }
    if (route && !authorized(app, c, route, req)) {
        sr_metrics_event(app->metrics, SR_EV_FORBIDDEN);
        deny(resp, c, route, req);
        sr_caller_release(c);
        return -1;
    }
    *caller_out = c;
    return 0;
}

const char *sr_guard_audit_action(const sr_route *route)
{
    int is_mode;

    if (!route)
        return NULL;
    is_mode = strncmp(route->pattern, "/mode", 5) == 0;
    switch (route->perm) {
    case SR_PERM_WRITE:
        return "register";
    case SR_PERM_DELETE:
        return strstr(route->pattern, "{version}") ? "delete-version" : "delete-subject";
    case SR_PERM_CONFIG:
        if (route->method == SR_DELETE)
            return is_mode ? "mode-delete" : "config-delete";
        return is_mode ? "mode" : "config";
    default:
        return NULL;
    }
}
