/* h_ui.c -- the web UI (docs/ui.md): /ui/assets/NAME serves an embedded file; every other path
 * under /ui/ serves the page (index.html), whose script draws what the path names. A path that
 * names no page still gets the page, with status 404, so that people see a page that says so.
 *
 * Files carry a strong ETag and `Cache-Control: no-cache`: a browser asks again each time and
 * gets 304 while the binary is the same, so an upgraded sluiced never serves a stale script.
 * They go out gzipped to clients that accept it. */
#include "server/http.h"
#include "server/ui_assets.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Scripts and styles only from sluiced itself: no inline script, no other origin. */
#define UI_CSP                                                                                     \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

static const sr_ui_asset *asset(const char *name)
{
    for (const sr_ui_asset *a = sr_ui_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

/* Does the client accept gzip? Its entry in Accept-Encoding, unless it says q=0. */
static int accepts_gzip(const char *accept)
{
    for (const char *p = accept; p && *p; p += *p ? 1 : 0) {
        size_t n, name;
        const char *q;
        p += strspn(p, " \t");
        n = strcspn(p, ",");
        name = strcspn(p, ";, \t");
        if (name == 4 && strncasecmp(p, "gzip", 4) == 0) {
            q = strstr(p, "q=");
            return !q || q > p + n || strtod(q + 2, NULL) > 0;
        }
        p += n;
    }
    return 0;
}

static void add_header(sr_resp *resp, const char *name, const char *value)
{
    for (int i = 0; i < SR_RESP_MAX_HEADERS; i++) {
        if (!resp->headers[i].name) {
            resp->headers[i] = (sr_header){name, value};
            return;
        }
    }
}

static void serve(const sr_req *req, sr_resp *resp, const sr_ui_asset *a, int status)
{
    const char *inm = sr_header_get(req, "If-None-Match");

    add_header(resp, "ETag", a->etag);
    add_header(resp, "Cache-Control", "no-cache");
    add_header(resp, "Vary", "Accept-Encoding");
    add_header(resp, "X-Content-Type-Options", "nosniff");
    if (strstr(a->type, "text/html")) {
        add_header(resp, "Content-Security-Policy", UI_CSP);
        add_header(resp, "Referrer-Policy", "same-origin");
    }
    resp->content_type = a->type;
    if (status == 200 && inm && strstr(inm, a->etag)) {
        resp->status = 304;
        return;
    }
    resp->status = status;
    if (accepts_gzip(sr_header_get(req, "Accept-Encoding"))) {
        add_header(resp, "Content-Encoding", "gzip");
        resp->bytes = a->gz;
        resp->nbytes = a->gzlen;
    } else {
        resp->bytes = a->data;
        resp->nbytes = a->len;
    }
}

/* Is `seg` (length n) a non-empty run of digits? */
static int digits(const char *seg, size_t n)
{
    if (n == 0 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (seg[i] < '0' || seg[i] > '9')
            return 0;
    return 1;
}

/* Does the path after /ui/ name one of the UI's pages? "" (subjects), subjects/S,
 * subjects/S/versions/V, subjects/S/diff, subjects/S/check, schemas/ID. Subjects come
 * percent-encoded, so a '/' inside a name never splits a segment. */
static int is_page(const char *page)
{
    const char *seg[6];
    size_t len[6], n = 0;

    if (!*page)
        return 1;
    for (const char *p = page; n < 6; n++) {
        const char *slash = strchr(p, '/');
        seg[n] = p;
        len[n] = slash ? (size_t)(slash - p) : strlen(p);
        if (len[n] == 0)
            return 0;
        if (!slash) {
            n++;
            break;
        }
        p = slash + 1;
    }
#define IS(i, word) (len[i] == strlen(word) && strncmp(seg[i], word, len[i]) == 0)
    if (n == 2 && IS(0, "schemas"))
        return digits(seg[1], len[1]);
    if (n < 2 || !IS(0, "subjects"))
        return 0;
    if (n == 2)
        return 1;
    if (n == 3)
        return IS(2, "diff") || IS(2, "check");
    return n == 4 && IS(2, "versions");
#undef IS
}

/* GET /ui/{page*} and GET /ui (the subjects, as /ui/) */
void sr_h_ui(sr_app *app, const sr_req *req, sr_resp *resp)
{
    const char *page = req->nparams ? req->params[0] : "";
    const sr_ui_asset *a;

    if (app->ui_off) {
        sr_reply_error(resp, 404, 404, "HTTP 404 Not Found");
        return;
    }
    if (strncmp(page, "assets/", 7) == 0) {
        a = asset(page + 7);
        if (!a || strcmp(a->name, "index.html") == 0)
            sr_reply_error(resp, 404, 404, "HTTP 404 Not Found");
        else
            serve(req, resp, a, 200);
        return;
    }
    serve(req, resp, asset("index.html"), is_page(page) ? 200 : 404);
}
