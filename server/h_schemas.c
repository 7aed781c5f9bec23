/* h_schemas.c -- root, metadata, schema types and schemas by id (confluent-api.md §3.1-§3.2). */
#include "server/http.h"
#include "server/version.h"

#include <stdlib.h>
#include <string.h>

void sr_h_root(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)app;
    (void)req;
    sr_reply_json(resp, 200, json_object());
}

void sr_h_metadata_id(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)app;
    (void)req;
    sr_reply_json(resp, 200, json_pack("{s:s, s:{s:[], s:{s:s, s:s}}}", "id", "", "scope",
                                       "path", "clusters", "kafka-cluster", "",
                                       "schema-registry-cluster", "sluice"));
}

void sr_h_metadata_version(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)app;
    (void)req;
    sr_reply_json(resp, 200, json_pack("{s:s, s:s}", "version", SLUICE_VERSION, "commitId",
                                       SLUICE_COMMIT));
}

void sr_h_metadata_deployment(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)app;
    (void)req;
    sr_reply_json(resp, 200, json_pack("{s:[]}", "attributes"));
}

void sr_h_contexts(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    int rc;

    if (sr_query_page(&page, req, resp) < 0)
        return;
    rc = sr_registry_contexts(&out, app->reg, page, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_context_delete(sr_app *app, const sr_req *req, sr_resp *resp)
{
    sr_err err = {0};

    if (sr_registry_context_delete(app->reg, req->params[0], &err) < 0) {
        sr_reply_err(resp, &err);
        return;
    }
    resp->status = 204; /* no body, as Confluent */
}

static void by_guid(sr_app *app, const sr_req *req, sr_resp *resp, int ids_only)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_schema_by_guid(&out, app->reg, req->params[0], sr_query(req, "format"),
                                        ids_only, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_schema_by_guid(sr_app *app, const sr_req *req, sr_resp *resp)
{
    by_guid(app, req, resp, 0);
}

void sr_h_guid_ids(sr_app *app, const sr_req *req, sr_resp *resp)
{
    by_guid(app, req, resp, 1);
}

void sr_h_schema_types(sr_app *app, const sr_req *req, sr_resp *resp)
{
    /* Confluent's order (a Java HashMap's); only the formats built in. */
    static const sr_schema_type order[] = {SR_TYPE_JSON, SR_TYPE_PROTOBUF, SR_TYPE_AVRO};
    json_t *a = json_array();
    (void)app;
    (void)req;

    for (size_t i = 0; i < 3; i++)
        if (sr_schema_type_available(order[i]))
            json_array_append_new(a, json_string(sr_schema_type_name(order[i])));
    sr_reply_json(resp, 200, a);
}

void sr_h_schemas(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    const char *prefix = sr_query(req, "subjectPrefix");
    int rc;

    if (sr_query_page(&page, req, resp) < 0)
        return;
    /* absent: the default context only (confluent-api.md §3.2) */
    rc = sr_registry_schemas(&out, app->reg, prefix ? prefix : "", sr_query_bool(req, "deleted"),
                             sr_query_bool(req, "latestOnly"), page, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_schema_by_id(sr_app *app, const sr_req *req, sr_resp *resp)
{
    int id = atoi(req->params[0]);
    const char *format = sr_query(req, "format");
    int fetch_max = sr_query_bool(req, "fetchMaxId");
    json_t *out = NULL;
    sr_err err = {0};
    char *body = NULL;
    int rc;

    const char *subject = sr_query(req, "subject");

    if ((!format || !*format) && !fetch_max && !subject) { /* the hot path, kept in memory */
        if (sr_registry_schema_by_id_body(&body, app->reg, id, &err) < 0) {
            sr_reply_err(resp, &err);
            return;
        }
        resp->status = 200;
        resp->body = body;
        return;
    }
    rc = sr_registry_schema_by_id(&out, app->reg, id, subject, format, fetch_max, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_schema_text_by_id(sr_app *app, const sr_req *req, sr_resp *resp)
{
    char *text = NULL;
    sr_err err = {0};

    if (sr_registry_schema_text(&text, app->reg, atoi(req->params[0]), sr_query(req, "subject"),
                                sr_query(req, "format"), &err) < 0) {
        sr_reply_err(resp, &err);
        return;
    }
    resp->status = 200;
    resp->body = text; /* the bare text, not JSON-quoted, as Confluent */
}

static void id_holders(sr_app *app, const sr_req *req, sr_resp *resp, int versions)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_page page;
    int rc, id = atoi(req->params[0]), deleted = sr_query_bool(req, "deleted");
    const char *subject = sr_query(req, "subject");

    if (sr_query_page(&page, req, resp) < 0)
        return;
    rc = versions ? sr_registry_id_versions(&out, app->reg, id, subject, deleted, page, &err)
                  : sr_registry_id_subjects(&out, app->reg, id, subject, deleted, page, &err);
    sr_reply_result(resp, rc, out, &err);
}

void sr_h_id_subjects(sr_app *app, const sr_req *req, sr_resp *resp)
{
    id_holders(app, req, resp, 0);
}

void sr_h_id_versions(sr_app *app, const sr_req *req, sr_resp *resp)
{
    id_holders(app, req, resp, 1);
}
