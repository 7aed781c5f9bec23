/* h_sluice.c -- sluice's own API under /sluice/v1/ (docs/api.md): payload validation. */
#include "server/http.h"

#include <stdlib.h>

/* POST /sluice/v1/subjects/{subject}/versions/{version}/validate and
 * POST /sluice/v1/schemas/ids/{id}/validate: the body is the JSON document itself. */
void sr_h_validate_version(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_validate(&out, app->reg, req->params[0], req->params[1], 0, req->body,
                                  sr_query(req, "message"), &err);

    sr_reply_result(resp, rc, out, &err);
}

void sr_h_validate_id(sr_app *app, const sr_req *req, sr_resp *resp)
{
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_validate(&out, app->reg, NULL, NULL, atoi(req->params[0]), req->body,
                                  sr_query(req, "message"), &err);

    sr_reply_result(resp, rc, out, &err);
}
