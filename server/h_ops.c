/* h_ops.c -- what operators ask: GET /metrics (Prometheus text), GET /health/live (the process
 * answers) and GET /health/ready (the store answers too, and no SIGTERM has come). */
#include "server/http.h"
#include "server/metrics.h"

#include <stdlib.h>

void sr_h_metrics(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)req;
    resp->status = 200;
    resp->body = sr_metrics_render(app->metrics, app->reg, app->conns);
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void sr_h_health_live(sr_app *app, const sr_req *req, sr_resp *resp)
{
    (void)app;
    (void)req;
    sr_reply_json(resp, 200, json_pack("{s:s}", "status", "UP"));
}

void sr_h_health_ready(sr_app *app, const sr_req *req, sr_resp *resp)
{
    sr_err err = {0};
    (void)req;

    if (atomic_load(&app->draining)) {
        sr_reply_json(resp, 503, json_pack("{s:s, s:s}", "status", "DOWN", "reason",
                                           "shutting down"));
        return;
    }
    if (sr_registry_ping(app->reg, &err) < 0) {
        sr_reply_json(resp, 503, json_pack("{s:s, s:s}", "status", "DOWN", "reason",
                                           sr_err_message(&err)));
        sr_err_dispose(&err);
        return;
    }
    sr_reply_json(resp, 200, json_pack("{s:s}", "status", "UP"));
}
