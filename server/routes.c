/* routes.c -- the API, one line per endpoint (confluent-api.md §3), and the router. */
#include "server/http.h"
#include "common/hex.h"
#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Columns: the method and pattern; the handler; what the caller needs (sr_perm) and on which
 * subjects (sr_target); 1 when the route can remove schemas or versions for good. A route
 * declares all six: -Wmissing-field-initializers makes a forgotten column a build error. */
const sr_route sr_routes[] = {
    /* method   pattern                                                handler                  perm         target         removes */
    {SR_GET,    "/",                                                   sr_h_root,               SR_PERM_USER, SR_ON_ALL,     0},
    {SR_POST,   "/",                                                   sr_h_root,               SR_PERM_USER, SR_ON_ALL,     0},
    {SR_GET,    "/health/live",                                        sr_h_health_live,        SR_PERM_PUBLIC,   SR_ON_ALL,     0},
    {SR_GET,    "/health/ready",                                       sr_h_health_ready,       SR_PERM_PUBLIC,   SR_ON_ALL,     0},
    {SR_GET,    "/metrics",                                            sr_h_metrics,            SR_PERM_READ,     SR_ON_ALL,     0},
    {SR_GET,    "/v1/metadata/id",                                     sr_h_metadata_id,        SR_PERM_USER, SR_ON_ALL,     0},
    {SR_GET,    "/v1/metadata/version",                                sr_h_metadata_version,   SR_PERM_USER, SR_ON_ALL,     0},
    {SR_GET,    "/v1/metadata/deployment",                             sr_h_metadata_deployment, SR_PERM_USER, SR_ON_ALL,    0},
    {SR_GET,    "/contexts",                                           sr_h_contexts,           SR_PERM_USER, SR_ON_ALL,     0},
    {SR_DELETE, "/contexts/{context}",                                 sr_h_context_delete,     SR_PERM_CONFIG,   SR_ON_ALL,     0},
    {SR_GET,    "/schemas",                                            sr_h_schemas,            SR_PERM_READ,     SR_ON_LIST,    0},
    {SR_GET,    "/schemas/types",                                      sr_h_schema_types,       SR_PERM_USER, SR_ON_ALL,     0},
    {SR_GET,    "/schemas/ids/{id}",                                   sr_h_schema_by_id,       SR_PERM_READ,     SR_ON_ID,      0},
    {SR_GET,    "/schemas/ids/{id}/schema",                            sr_h_schema_text_by_id,  SR_PERM_READ,     SR_ON_ID,      0},
    {SR_GET,    "/schemas/ids/{id}/subjects",                          sr_h_id_subjects,        SR_PERM_READ,     SR_ON_ID,      0},
    {SR_GET,    "/schemas/ids/{id}/versions",                          sr_h_id_versions,        SR_PERM_READ,     SR_ON_ID,      0},
    {SR_GET,    "/schemas/guids/{guid}",                               sr_h_schema_by_guid,     SR_PERM_READ,     SR_ON_ALL,     0},
    {SR_GET,    "/schemas/guids/{guid}/ids",                           sr_h_guid_ids,           SR_PERM_READ,     SR_ON_ALL,     0},
    {SR_GET,    "/subjects",                                           sr_h_subjects,           SR_PERM_READ,     SR_ON_LIST,    0},
    {SR_POST,   "/subjects/{subject}",                                 sr_h_lookup,             SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_DELETE, "/subjects/{subject}",                                 sr_h_delete_subject,     SR_PERM_DELETE,   SR_ON_SUBJECT, 1},
    {SR_GET,    "/subjects/{subject}/metadata",                        sr_h_by_metadata,        SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_GET,    "/subjects/{subject}/versions",                        sr_h_versions,           SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_POST,   "/subjects/{subject}/versions",                        sr_h_register,           SR_PERM_WRITE,    SR_ON_SUBJECT, 1},
    {SR_GET,    "/subjects/{subject}/versions/{version}",              sr_h_version_get,        SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_DELETE, "/subjects/{subject}/versions/{version}",              sr_h_delete_version,     SR_PERM_DELETE,   SR_ON_SUBJECT, 1},
    {SR_GET,    "/subjects/{subject}/versions/{version}/schema",       sr_h_version_text,       SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_GET,    "/subjects/{subject}/versions/{version}/referencedby", sr_h_referenced_by,      SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_POST,   "/compatibility/subjects/{subject}/versions",          sr_h_compat_all,         SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_POST,   "/compatibility/subjects/{subject}/versions/{version}", sr_h_compat_version,    SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_GET,    "/config",                                             sr_h_config_get,         SR_PERM_USER, SR_ON_ALL,     0},
    {SR_PUT,    "/config",                                             sr_h_config_put,         SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    {SR_DELETE, "/config",                                             sr_h_config_delete,      SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    {SR_GET,    "/config/{subject}",                                   sr_h_config_get,         SR_PERM_READ,     SR_ON_SCOPE,   0},
    {SR_PUT,    "/config/{subject}",                                   sr_h_config_put,         SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    {SR_DELETE, "/config/{subject}",                                   sr_h_config_delete,      SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    {SR_GET,    "/mode",                                               sr_h_mode_get,           SR_PERM_USER, SR_ON_ALL,     0},
    {SR_PUT,    "/mode",                                               sr_h_mode_put,           SR_PERM_CONFIG,   SR_ON_SCOPE,   1},
    {SR_DELETE, "/mode",                                               sr_h_mode_delete,        SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    {SR_GET,    "/mode/{subject}",                                     sr_h_mode_get,           SR_PERM_READ,     SR_ON_SCOPE,   0},
    {SR_PUT,    "/mode/{subject}",                                     sr_h_mode_put,           SR_PERM_CONFIG,   SR_ON_SCOPE,   1},
    {SR_DELETE, "/mode/{subject}",                                     sr_h_mode_delete,        SR_PERM_CONFIG,   SR_ON_SCOPE,   0},
    /* sluice's own API (docs/api.md) */
    {SR_POST,   "/sluice/v1/subjects/{subject}/versions/{version}/validate", sr_h_validate_version, SR_PERM_READ, SR_ON_SUBJECT, 0},
    {SR_POST,   "/sluice/v1/schemas/ids/{id}/validate",                sr_h_validate_id,        SR_PERM_READ,     SR_ON_ID,      0},
    {SR_GET,    "/sluice/v1/subjects",                                 sr_h_search,             SR_PERM_READ,     SR_ON_LIST,    0},
    {SR_GET,    "/sluice/v1/subjects/{subject}",                       sr_h_subject_overview,   SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_GET,    "/sluice/v1/subjects/{subject}/versions/{version}",    sr_h_version_forms,      SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_GET,    "/sluice/v1/subjects/{subject}/diff",                  sr_h_diff,               SR_PERM_READ,     SR_ON_SUBJECT, 0},
    {SR_POST,   "/sluice/v1/subjects/{subject}/check",                 sr_h_check_findings,     SR_PERM_READ,     SR_ON_SUBJECT, 0},
    /* the web UI (docs/ui.md): its pages and embedded files ("/ui/" before "/ui") */
    {SR_GET,    "/ui/{page*}",                                         sr_h_ui,                 SR_PERM_USER,     SR_ON_ALL,     0},
    {SR_GET,    "/ui",                                                 sr_h_ui,                 SR_PERM_USER,     SR_ON_ALL,     0},
};

const size_t sr_nroutes = sizeof(sr_routes) / sizeof(sr_routes[0]);

const char *sr_method_name(sr_method m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "DELETE", "OTHER"};
    return names[m];
}

const char *sr_perm_name(sr_perm p)
{
    static const char *const names[] = {"unset", "public", "any-user", "read",
                                        "write", "delete", "config"};
    return names[p];
}

const char *sr_target_name(sr_target t)
{
    static const char *const names[] = {"all", "subject", "scope", "id", "list"};
    return names[t];
}

char *sr_percent_decode(const char *s, size_t len, int plus_is_space, size_t *out_len)
{
    char *out = sr_xmalloc(len + 1), *o = out;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? sr_hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? sr_hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            *o++ = ' ';
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    if (out_len)
        *out_len = (size_t)(o - out);
    return out;
}

const char *sr_text_problem(const char *s, size_t len)
{
    if (memchr(s, '\0', len))
        return "it contains a NUL character (%00)";
    if (sr_utf8_invalid_at(s, len) < len)
        return "it is not valid UTF-8";
    return NULL;
}

void sr_req_free_params(sr_req *req)
{
    for (int i = 0; i < req->nparams; i++)
        free(req->params[i]);
    req->nparams = 0;
}

/* Is `seg` a decimal int that fits Java's int (Confluent's id path params)? */
static int is_int(const char *seg)
{
    char *end;
    long long v;

    if (!*seg)
        return 0;
    v = strtoll(seg, &end, 10);
    return *end == '\0' && v >= -2147483648LL && v <= 2147483647LL;
}

/* Match one pattern; on success the decoded params are in req. */
static int match(sr_req *req, const char *pattern, const char *path)
{
    const char *p = pattern, *s = path;

    sr_req_free_params(req);
    req->bad_param = 0;
    req->bad_reason = NULL;
    while (*p && *s) {
        const char *pe, *se;
        if (*p != '/' || *s != '/')
            break;
        p++;
        s++;
        pe = strchr(p, '/');
        se = strchr(s, '/');
        pe = pe ? pe : p + strlen(p);
        se = se ? se : s + strlen(s);
        if (*p == '{' && !*pe && pe[-2] == '*') { /* {name*}: the rest of the path, as it came */
            if (req->nparams == SR_MAX_PARAMS)
                goto fail;
            req->params[req->nparams++] = sr_xstrdup(s);
            return 1;
        }
        if (*p == '{') {
            const char *problem;
            size_t len;
            char *v;
            if (se == s || req->nparams == SR_MAX_PARAMS)
                goto fail;
            v = sr_percent_decode(s, (size_t)(se - s), 0, &len);
            if (!v)
                goto fail;
            req->params[req->nparams++] = v;
            if (strncmp(p, "{id}", 4) == 0 && !is_int(v))
                goto fail;
            if ((problem = sr_text_problem(v, len)) && !req->bad_param) {
                req->bad_param = req->nparams;
                req->bad_reason = problem;
            }
            /* ":.:name" names a subject of the default context: it is "name" */
            if (strncmp(p, "{subject}", 9) == 0 && strncmp(v, ":.:", 3) == 0 && v[3])
                memmove(v, v + 3, strlen(v + 3) + 1);
        } else if ((size_t)(pe - p) != (size_t)(se - s) || strncmp(p, s, (size_t)(pe - p)) != 0) {
            goto fail;
        }
        p = pe;
        s = se;
    }
    if (*p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0' && p != pattern + 1)))
        return 1;
fail:
    sr_req_free_params(req);
    return 0;
}

const sr_route *sr_route_match(sr_req *req, sr_method method, const char *path, int *status_out)
{
    int path_matched = 0;

    for (size_t i = 0; i < sr_nroutes; i++) {
        if (!match(req, sr_routes[i].pattern, path))
            continue;
        if (sr_routes[i].method == method)
            return &sr_routes[i];
        path_matched = 1;
        sr_req_free_params(req);
    }
    *status_out = path_matched ? 405 : 404;
    return NULL;
}

const char *sr_negotiate(const char *accept)
{
    if (!accept || strstr(accept, "application/vnd.schemaregistry.v1+json") ||
        strstr(accept, "*"))
        return "application/vnd.schemaregistry.v1+json";
    if (strstr(accept, "application/vnd.schemaregistry+json"))
        return "application/vnd.schemaregistry+json";
    if (strstr(accept, "application/json"))
        return "application/json";
    return "application/vnd.schemaregistry.v1+json";
}

int sr_content_type_ok(const char *ct)
{
    static const char *const ok[] = {"application/vnd.schemaregistry.v1+json",
                                     "application/vnd.schemaregistry+json", "application/json",
                                     "application/octet-stream"};
    size_t len;

    if (!ct || !*ct)
        return 1;
    len = strcspn(ct, "; \t");
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strlen(ok[i]) == len && strncasecmp(ct, ok[i], len) == 0)
            return 1;
    return 0;
}
