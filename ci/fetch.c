/* fetch.c -- a subject's registered schemas and their references, fetched and parsed. */
#include "ci/fetch.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

struct sr_fetch {
    sr_client *c;       /* borrowed */
    json_t *versions;   /* "<subject>\n<version>" -> the registry's answer (keeps texts alive) */
    sr_schema **parsed; /* owned */
    size_t nparsed;
};

sr_fetch *sr_fetch_new(sr_client *c)
{
    sr_fetch *f = sr_xcalloc(1, sizeof(*f));

    f->c = c;
    f->versions = json_object();
    return f;
}

void sr_fetch_free(sr_fetch *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nparsed; i++)
        sr_schema_free(f->parsed[i]);
    free(f->parsed);
    json_decref(f->versions);
    free(f);
}

/* GET `path`; 0 with *out on a 200 answer (caller decrefs), *out NULL and 0 on a 404 when
 * `absent_ok`, else -1 with err. */
static int get(json_t **out, sr_fetch *f, const char *path, int absent_ok, sr_err *err)
{
    int status = 0;
    const char *msg;

    *out = NULL;
    if (sr_client_request(out, &status, f->c, "GET", path, NULL, err) < 0)
        return -1;
    if (status == 200)
        return 0;
    msg = json_string_value(json_object_get(*out, "message"));
    if (status != 404 || !absent_ok)
        sr_err_set(err, 2, "GET %s: %d %s", path, status, msg ? msg : "");
    json_decref(*out);
    *out = NULL;
    return status == 404 && absent_ok ? 0 : -1;
}

/* One version of a subject ("latest" or a number), fetched once. Borrowed from `f`. */
static json_t *version_of(sr_fetch *f, const char *subject, const char *version, sr_err *err)
{
    sr_buf key = SR_BUF_INIT, path = SR_BUF_INIT;
    char *s = sr_client_escape(subject);
    json_t *v;

    sr_buf_printf(&key, "%s\n%s", subject, version);
    v = json_object_get(f->versions, key.ptr);
    if (!v) {
        sr_buf_printf(&path, "/subjects/%s/versions/%s", s, version);
        if (get(&v, f, path.ptr, 0, err) == 0)
            json_object_set_new(f->versions, key.ptr, v);
        else
            v = NULL;
    }
    sr_buf_dispose(&key);
    sr_buf_dispose(&path);
    free(s);
    return v;
}

typedef struct dep_list {
    sr_dep *v;
    size_t n, cap;
    sr_strlist visiting; /* names being resolved: a cycle ends there */
} dep_list;

static int bound(const dep_list *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0)
            return 1;
    for (size_t i = 0; i < d->visiting.n; i++)
        if (strcmp(d->visiting.v[i], name) == 0)
            return 1;
    return 0;
}

static int type_of(sr_schema_type *out, const json_t *version, sr_err *err)
{
    const char *t = json_string_value(json_object_get(version, "schemaType"));

    if (sr_schema_type_parse(out, t ? t : "AVRO", err) < 0) {
        err->code = 2;
        return -1;
    }
    return 0;
}

/* Depth-first over `refs`: each reference's own references first, then it; a name already
 * bound keeps its first binding (compatibility-rules.md §5). */
static int resolve(dep_list *d, sr_fetch *f, const json_t *refs, int depth, sr_err *err)
{
    const json_t *r;
    size_t i;

    if (depth > SR_PARSE_MAX_DEPTH_DEFAULT)
        return sr_err_set(err, 2, "references nest deeper than %d levels",
                          SR_PARSE_MAX_DEPTH_DEFAULT);
    json_array_foreach(refs, i, r) {
        const char *name = json_string_value(json_object_get(r, "name"));
        const char *subject = json_string_value(json_object_get(r, "subject"));
        json_int_t version = json_integer_value(json_object_get(r, "version"));
        sr_buf vs = SR_BUF_INIT;
        json_t *v;
        int rc;

        if (!name || !subject)
            return sr_err_set(err, 2, "a reference without a name or subject");
        if (bound(d, name))
            continue;
        if (version > 0)
            sr_buf_printf(&vs, "%lld", (long long)version);
        else
            sr_buf_puts(&vs, "latest");
        v = version_of(f, subject, vs.ptr, err);
        sr_buf_dispose(&vs);
        if (!v)
            return -1;
        sr_strlist_add(&d->visiting, name);
        rc = resolve(d, f, json_object_get(v, "references"), depth + 1, err);
        free(d->visiting.v[--d->visiting.n]);
        if (rc < 0)
            return -1;
        if (d->n == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 8;
            d->v = sr_xrealloc(d->v, d->cap * sizeof(*d->v));
        }
        d->v[d->n] = (sr_dep){name, subject,
                              (int)json_integer_value(json_object_get(v, "version")),
                              SR_TYPE_AVRO,
                              json_string_value(json_object_get(v, "schema"))};
        if (!d->v[d->n].text)
            return sr_err_set(err, 2, "%s has no schema", subject);
        if (type_of(&d->v[d->n].type, v, err) < 0)
            return -1;
        d->n++;
    }
    return 0;
}

int sr_fetch_parse(sr_schema **out, sr_fetch *f, sr_schema_type t, const char *text,
                   const json_t *refs, unsigned flags, sr_err *err)
{
    dep_list d = {NULL, 0, 0, SR_STRLIST_INIT};
    sr_schema *s = NULL;
    int rc = -1;

    if (resolve(&d, f, refs, 0, err) == 0 &&
        sr_schema_parse(&s, t, text, d.v, d.n, flags, err) == 0) {
        f->parsed = sr_xrealloc(f->parsed, (f->nparsed + 1) * sizeof(*f->parsed));
        f->parsed[f->nparsed++] = s;
        *out = s;
        rc = 0;
    }
    free(d.v);
    sr_strlist_dispose(&d.visiting);
    return rc;
}

int sr_fetch_level(sr_compat_level *out, sr_fetch *f, const char *subject, sr_err *err)
{
    char *s = sr_client_escape(subject);
    sr_buf path = SR_BUF_INIT;
    json_t *ans = NULL;
    const char *level;
    int rc = -1;

    sr_buf_printf(&path, "/config/%s?defaultToGlobal=true", s);
    if (get(&ans, f, path.ptr, 0, err) == 0) {
        level = json_string_value(json_object_get(ans, "compatibilityLevel"));
        if (!level)
            level = json_string_value(json_object_get(ans, "compatibility"));
        rc = sr_compat_level_parse(out, level, err);
        if (rc < 0)
            err->code = 2;
    }
    json_decref(ans);
    sr_buf_dispose(&path);
    free(s);
    return rc;
}

int sr_fetch_candidates(sr_candidate **out, size_t *n_out, sr_fetch *f, const char *subject,
                        sr_compat_level level, sr_err *err)
{
    int transitive = sr_compat_level_transitive(level);
    char *s = sr_client_escape(subject);
    sr_buf path = SR_BUF_INIT;
    json_t *versions = NULL, *v;
    sr_candidate *cands = NULL;
    size_t n = 0, i, first;
    int rc = -1;

    *out = NULL;
    *n_out = 0;
    sr_buf_printf(&path, "/subjects/%s/versions", s);
    if (get(&versions, f, path.ptr, 1, err) < 0)
        goto out;
    cands = sr_xcalloc(json_array_size(versions) + 1, sizeof(*cands));
    first = transitive || json_array_size(versions) == 0 ? 0 : json_array_size(versions) - 1;
    for (i = first; i < json_array_size(versions); i++) {
        json_t *ans;
        sr_buf vs = SR_BUF_INIT;
        sr_schema_type t;
        sr_schema *parsed = NULL;
        v = json_array_get(versions, i);
        sr_buf_printf(&vs, "%lld", (long long)json_integer_value(v));
        ans = version_of(f, subject, vs.ptr, err);
        sr_buf_dispose(&vs);
        if (!ans || type_of(&t, ans, err) < 0)
            goto out;
        if (!json_string_value(json_object_get(ans, "schema"))) {
            sr_err_set(err, 2, "%s version %lld has no schema", subject,
                       (long long)json_integer_value(v));
            goto out;
        }
        if (sr_fetch_parse(&parsed, f, t, json_string_value(json_object_get(ans, "schema")),
                           json_object_get(ans, "references"), 0, err) < 0)
            goto out;
        cands[n++] = (sr_candidate){parsed, (int)json_integer_value(v)};
    }
    *out = cands;
    *n_out = n;
    cands = NULL;
    rc = 0;
out:
    free(cands);
    json_decref(versions);
    sr_buf_dispose(&path);
    free(s);
    return rc;
}
