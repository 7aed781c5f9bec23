/* reply.c -- how handlers answer: JSON bodies, Confluent's error shape, and the request body read
 * as a JSON object. An answer can always be encoded: text from clients or the store that is not
 * UTF-8 is repaired, and if encoding still fails a fixed 500 body goes out instead of nothing. */
#include "server/http.h"
#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fallback_body[] =
    "{\"error_code\":500,\"message\":\"Internal Server Error: the answer could not be encoded\"}";

void sr_reply_json(sr_resp *resp, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)
                      : NULL;

    json_decref(body);
    if (!text) {
        status = 500;
        text = sr_xstrdup(fallback_body);
    }
    free(resp->body);
    resp->status = status;
    resp->body = text;
}

void sr_reply_error(sr_resp *resp, int status, int code, const char *msg)
{
    json_t *m = json_string(msg), *o = json_object();

    if (!m) {
        char *fixed = sr_utf8_lossy(msg);
        m = json_string(fixed);
        free(fixed);
    }
    json_object_set_new(o, "error_code", json_integer(code));
    json_object_set_new(o, "message", m ? m : json_string(""));
    sr_reply_json(resp, status, o);
}

void sr_reply_err(sr_resp *resp, sr_err *err)
{
    int status = sr_err_http_status(err);

    sr_reply_error(resp, status >= 400 && status < 600 ? status : 500,
                   err->code ? err->code : 500, err->code ? sr_err_message(err)
                                                          : "Internal Server Error");
    sr_err_dispose(err);
}

void sr_reply_result(sr_resp *resp, int rc, json_t *out, sr_err *err)
{
    if (rc < 0) {
        json_decref(out);
        sr_reply_err(resp, err);
    } else {
        sr_reply_json(resp, 200, out);
        sr_err_dispose(err);
    }
}

int sr_body_object(json_t **out, const sr_req *req, sr_resp *resp)
{
    json_error_t jerr;
    json_t *j;
    char msg[400];

    if (req->body_len == 0) {
        sr_reply_error(resp, 422, 422, "Request body must not be null");
        return -1;
    }
    j = json_loadb(req->body, req->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        snprintf(msg, sizeof(msg), "Invalid JSON at line %d, column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        sr_reply_error(resp, 400, 400, msg);
        return -1;
    }
    if (json_is_null(j)) {
        json_decref(j);
        sr_reply_error(resp, 422, 422, "Request body must not be null");
        return -1;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        sr_reply_error(resp, 400, 400, "Invalid request body: expected a JSON object");
        return -1;
    }
    *out = j;
    return 0;
}
