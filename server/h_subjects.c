/* h_subjects.c -- subjects, versions, register, lookup, deletes, referencedby, compatibility
 * (confluent-api.md §3.3-§3.5). Each handler parses, calls the registry once, renders. */
#include "server/http.h"
#include "server/schema_body.h"

#include <stdlib.h>
#include <string.h>

void sr_h_subjects(sr_app *app, const sr_req *req, sr_resp *resp)
{
    const char *prefix = sr_query(req, "subjectPrefix");
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    int rc;

    if (sr_query_page(&page, req, resp) < 0)
        return;
    /* absent or ":*:": every context; "" the default one (confluent-api.md §3.3) */
    if (prefix && strcmp(prefix, ":*:") == 0)
        prefix = NULL;
    rc = sr_registry_subjects(&out, app->reg, prefix, sr_query_bool(req, "deleted"),
                              sr_query_bool(req, "deletedOnly"), page, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_versions(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    int rc;

    if (sr_query_page(&page, req, resp) < 0)
        return;
    rc = sr_registry_versions(&out, app->reg, req->params[0], sr_query_bool(req, "deleted"),
                              sr_query_bool(req, "deletedOnly"),
                              sr_query_bool(req, "deletedAsNegative"), page, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_version_get(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_version_get(&out, app->reg, req->params[0], req->params[1],
                                     sr_query_bool(req, "deleted"), sr_query(req, "format"), &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_version_text(sr_app *app, const sr_req *req, sr_resp *resp)
{
    char *text = NULL;
    sr_err err = {0};

    if (sr_registry_version_text(&text, app->reg, req->params[0], req->params[1],
                                 sr_query_bool(req, "deleted"), sr_query(req, "format"),
                                 &err) < 0) {
        sr_reply_err(resp, &err);
        return;
    }
    resp->status = 200;
    resp->body = text;
}

void sr_h_referenced_by(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    int rc;

    if (sr_query_page(&page, req, resp) < 0)
        return;
    rc = sr_registry_referenced_by(&out, app->reg, req->params[0], req->params[1],
                                   sr_query_bool(req, "deleted"), page, &err);
    sr_reply_result(resp, rc, out, &err);
}

/* The handlers that take a RegisterRequest body: parse it, run one registry call, reply. */
typedef enum body_op { OP_REGISTER, OP_LOOKUP, OP_CHECK } body_op;

static void with_schema_body(sr_app *app, const sr_req *req, sr_resp *resp, body_op op,
                             const char *version)
{
    sr_schema_body body;
    json_t *out = NULL;
    sr_err err = {0};
    const char *subject = req->params[0];
    int rc;

    if (sr_schema_body_parse(&body, req, resp) < 0)
        return;
    if (op == OP_REGISTER)
        rc = sr_registry_register(&out, app->reg, subject, &body.req, sr_query_bool(req, "force"),
                                  &err);
    else if (op == OP_LOOKUP)
        rc = sr_registry_lookup(&out, app->reg, subject, &body.req, sr_query_bool(req, "deleted"),
                                &err);
    else
        rc = sr_registry_check(&out, app->reg, subject, version, &body.req,
                               sr_query_bool(req, "verbose"), &err);
    sr_reply_result(resp, rc, out, &err);
    sr_schema_body_dispose(&body);
}

void sr_h_register(sr_app *app, const sr_req *req, sr_resp *resp)
{
    with_schema_body(app, req, resp, OP_REGISTER, NULL);
}

void sr_h_lookup(sr_app *app, const sr_req *req, sr_resp *resp)
{
    with_schema_body(app, req, resp, OP_LOOKUP, NULL);
}

void sr_h_compat_all(sr_app *app, const sr_req *req, sr_resp *resp)
{
    with_schema_body(app, req, resp, OP_CHECK, NULL);
}

void sr_h_compat_version(sr_app *app, const sr_req *req, sr_resp *resp)
{
    with_schema_body(app, req, resp, OP_CHECK, req->params[1]);
}

void sr_h_delete_subject(sr_app *app, const sr_req *req, sr_resp *resp)
{
    int permanent = sr_query_bool(req, "permanent");
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_delete_subject(&out, app->reg, req->params[0], permanent, &err);

    sr_reply_result(resp, rc, out, &err);
}

void sr_h_delete_version(sr_app *app, const sr_req *req, sr_resp *resp)
{
    int permanent = sr_query_bool(req, "permanent");
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_delete_version(&out, app->reg, req->params[0], req->params[1], permanent,
                                        &err);

    sr_reply_result(resp, rc, out, &err);
}
