/* server_request.c -- fuzz what sluiced reads of a request before the registry sees it: the
 * path routed and its parameters decoded (sr_route_match), every query name and value
 * percent-decoded and checked as text (as the front checks them), the Accept and Content-Type
 * headers, and the body as a RegisterRequest (sr_schema_body_parse) and as a JSON object.
 *
 * Input: a first line "METHOD TARGET" (TARGET = path?query), header lines "Name: value", an empty
 * line, then the body.
 *
 * The query values handlers ask for go through libmicrohttpd's own parser, which is not ours: this
 * target stands in for its lookup (the one below answers that no parameter is present) so that the
 * body parser runs without a live connection. */
#include <microhttpd.h>
#include <strings.h>

#include "server/http.h"
#include "server/schema_body.h"
#include "tests/fuzz/fuzz.h"

const char *MHD_lookup_connection_value(struct MHD_Connection *connection,
                                        enum MHD_ValueKind kind, const char *key)
{
    (void)connection, (void)kind, (void)key;
    return NULL;
}

static sr_method method_of(const char *m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "DELETE"};

    for (int i = 0; i < 4; i++)
        if (strcmp(m, names[i]) == 0)
            return (sr_method)i;
    return SR_OTHER;
}

/* Each name=value of the query, decoded as the front decodes it ('+' is a space). */
static void query(const char *q)
{
    while (*q) {
        size_t len = strcspn(q, "&");
        const char *eq = memchr(q, '=', len);
        const char *parts[2] = {q, eq ? eq + 1 : q + len};
        size_t lens[2] = {eq ? (size_t)(eq - q) : len, eq ? len - (size_t)(eq + 1 - q) : 0};
        for (int i = 0; i < 2; i++) {
            size_t out_len;
            char *d = sr_percent_decode(parts[i], lens[i], 1, &out_len);
            if (d) {
                sr_text_problem(d, out_len);
                free(d);
            }
        }
        q += len + (q[len] == '&');
    }
}

static void headers(char *lines)
{
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        char *colon = strchr(line, ':');
        const char *value;
        if (!colon)
            continue;
        *colon = '\0';
        for (value = colon + 1; *value == ' '; value++)
            ;
        if (strcasecmp(line, "Accept") == 0)
            sr_negotiate(value);
        else if (strcasecmp(line, "Content-Type") == 0)
            sr_content_type_ok(value);
    }
}

static void body(const char *text, size_t len)
{
    sr_req req = {.method = SR_POST, .path = "/", .body = text, .body_len = len};
    sr_resp resp = {0};
    sr_schema_body b;
    json_t *j = NULL;

    if (sr_schema_body_parse(&b, &req, &resp) == 0) {
        fuzz_check(resp.status == 0, "an accepted body is not answered");
        sr_schema_body_dispose(&b);
    } else {
        fuzz_check(resp.status >= 400 && resp.body, "a refused body is answered with an error");
    }
    free(resp.body);
    resp = (sr_resp){0};
    if (sr_body_object(&j, &req, &resp) == 0)
        json_decref(j);
    free(resp.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), *line_end, *sp, *q, *head_end;
    const char *payload = "";
    size_t payload_len = 0;
    sr_req req = {0};
    int status = 0;

    if ((head_end = strstr(text, "\n\n"))) {
        *head_end = '\0';
        payload = head_end + 2;
        payload_len = size - (size_t)(payload - text); /* NULs and all, as a body arrives */
    }
    if ((line_end = strchr(text, '\n')))
        *line_end = '\0';
    if ((sp = strchr(text, ' '))) {
        *sp = '\0';
        if ((q = strchr(sp + 1, '?')))
            *q++ = '\0';
        req.method = method_of(text);
        if (sr_route_match(&req, req.method, sp + 1, &status))
            fuzz_check(req.nparams <= SR_MAX_PARAMS, "parameters fit");
        else
            fuzz_check(status == 404 || status == 405, "an unrouted path is a 404 or a 405");
        sr_req_free_params(&req);
        if (q)
            query(q);
    }
    if (line_end)
        headers(line_end + 1);
    body(payload, payload_len);
    free(text);
    return 0;
}
