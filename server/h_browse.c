/* h_browse.c -- sluice's own API for browsing, under /sluice/v1/ (docs/api.md): search, a
 * subject at a glance, a version's forms, the differences between two versions, and the check of
 * a new schema with its findings. What the web UI (docs/ui.md) reads; usable with curl. */
#include "server/auth.h"
#include "server/http.h"
#include "server/schema_body.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEARCH_DEFAULT_LIMIT 50
#define SEARCH_MAX_LIMIT 1000

/* The search's query parameters: 0, or -1 with the reply written. */
static int search_params(sr_search *q, const sr_req *req, sr_resp *resp)
{
    const char *match = sr_query(req, "match"), *type = sr_query(req, "type"),
               *level = sr_query(req, "level");
    sr_schema_type t;
    sr_compat_level l;
    sr_err err = {0};

    *q = (sr_search){sr_query(req, "q"), SR_MATCH_SUBSTRING, -1, -1,
                     sr_query_bool(req, "deleted"), sr_query(req, "after"), SEARCH_DEFAULT_LIMIT};
    if (sr_query_int(&q->limit, req, "limit", SEARCH_DEFAULT_LIMIT, resp) < 0)
        return -1;
    if (q->limit <= 0 || q->limit > SEARCH_MAX_LIMIT)
        q->limit = q->limit <= 0 ? SEARCH_DEFAULT_LIMIT : SEARCH_MAX_LIMIT;
    if (match && strcasecmp(match, "prefix") == 0) {
        q->match = SR_MATCH_PREFIX;
    } else if (match && strcasecmp(match, "regex") == 0) {
        q->match = SR_MATCH_REGEX;
    } else if (match && *match && strcasecmp(match, "substring") != 0) {
        sr_reply_error(resp, 400, 400, "match must be substring, prefix or regex");
        return -1;
    }
    if (type && *type) {
        if (sr_schema_type_parse(&t, type, &err) < 0) {
            sr_reply_err(resp, &err);
            return -1;
        }
        q->type = (int)t;
    }
    if (level && *level) {
        if (sr_compat_level_parse(&l, level, &err) < 0) {
            sr_reply_err(resp, &err);
            return -1;
        }
        q->level = (int)l;
    }
    return 0;
}

/* GET /sluice/v1/subjects?q=&match=&type=&level=&deleted=&after=&limit= */
void sr_h_search(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    sr_search q;
    sr_page page;
    int rc;

    if (search_params(&q, req, resp) < 0 || sr_query_page(&page, req, resp) < 0)
        return;
    rc = sr_registry_search(&out, app->reg, &q, page.filter, &err);
    sr_reply_result(resp, rc, out, &err);
}

/* What the caller may do on `subject`: {"user", "read", "write", "delete", "config"}; everything
 * when authentication is off (user null). */
static json_t *rights_json(const sr_req *req, const char *subject)
{
    const sr_caller *c = req->caller;

    return json_pack("{s:o,s:b,s:b,s:b,s:b}", "user",
                     c ? json_string(sr_caller_name(c)) : json_null(), "read",
                     !c || sr_caller_may(c, SR_RIGHT_READ, subject), "write",
                     !c || sr_caller_may(c, SR_RIGHT_WRITE, subject), "delete",
                     !c || sr_caller_may(c, SR_RIGHT_DELETE, subject), "config",
                     !c || sr_caller_may(c, SR_RIGHT_CONFIG, subject));
}

/* GET /sluice/v1/subjects/{subject} */
void sr_h_subject_overview(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_subject_overview(&out, app->reg, req->params[0], &err);

    if (rc == 0)
        json_object_set_new(out, "rights", rights_json(req, req->params[0]));
    sr_reply_result(resp, rc, out, &err);
}

/* GET /sluice/v1/subjects/{subject}/versions/{version} */
void sr_h_version_forms(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_version_forms(&out, app->reg, req->params[0], req->params[1], &err);

    sr_reply_result(resp, rc, out, &err);
}

/* GET /sluice/v1/subjects/{subject}/diff?from=&to= */
void sr_h_diff(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_diff(&out, app->reg, req->params[0], sr_query(req, "from"),
                              sr_query(req, "to"), &err);

    sr_reply_result(resp, rc, out, &err);
}

/* POST /sluice/v1/subjects/{subject}/check with a RegisterRequest body */
void sr_h_check_findings(sr_app *app, const sr_req *req, sr_resp *resp)
{
    sr_schema_body body;
    json_t *out = NULL;
    sr_err err = {0};
    int rc;

    if (sr_schema_body_parse(&body, req, resp) < 0)
        return;
    rc = sr_registry_check_findings(&out, app->reg, req->params[0], &body.req, &err);
    if (rc == 0)
        json_object_set_new(out, "rights", rights_json(req, req->params[0]));
    sr_reply_result(resp, rc, out, &err);
    sr_schema_body_dispose(&body);
}
