/* h_settings.c -- GET|PUT|DELETE /config[/{s}] and /mode[/{s}] (confluent-api.md §3.6-§3.7). */
#include "server/http.h"

#include <string.h>

/* The subject of a /config/{s} or /mode/{s} path; NULL for the global scope, which Confluent's
 * spellings ":.:" (the default context) and ":.__GLOBAL:" name too. ":.ctx:" is a context's own. */
static const char *scope_of(const sr_req *req)
{
    const char *s = req->nparams ? req->params[0] : NULL;

    if (s && (strcmp(s, ":.:") == 0 || strcmp(s, ":.__GLOBAL:") == 0))
        return NULL;
    return s;
}

void sr_h_config_get(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_config_get(&out, app->reg, scope_of(req),
                                    sr_query_bool(req, "defaultToGlobal"), &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_config_put(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *body = NULL, *out = NULL;
    sr_err err = {0};
    int rc;

    if (sr_body_object(&body, req, resp) < 0)
        return;
    rc = sr_registry_config_put(&out, app->reg, scope_of(req), body, &err);
    json_decref(body);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_config_delete(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_config_delete(&out, app->reg, scope_of(req), &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_mode_get(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_mode_get(&out, app->reg, scope_of(req),
                                  sr_query_bool(req, "defaultToGlobal"), &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_mode_put(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *body = NULL, *out = NULL;
    sr_err err = {0};
    int rc;

    if (sr_body_object(&body, req, resp) < 0)
        return;
    if (!json_object_get(body, "mode")) {
        json_decref(body);
        sr_reply_error(resp, 422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, "
                       "IMPORT and FORWARD.");
        return;
    }
    rc = sr_registry_mode_put(&out, app->reg, scope_of(req), body, sr_query_bool(req, "force"),
                              &err);
    json_decref(body);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_mode_delete(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_mode_delete(&out, app->reg, scope_of(req), &err);
    sr_reply_result(resp, rc, out, &err);
}
