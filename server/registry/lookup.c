/* lookup.c -- the read-only use-cases that take a schema: lookup (POST /subjects/{s},
 * confluent-api.md §5.4) and the compatibility check (POST /compatibility/..., §3.5). */
#include "server/registry/internal.h"

#include <stdlib.h>

static unsigned normalize_flag(const sr_scope *scope, const sr_schema_req *req)
{
    return scope->normalize || req->normalize ? SR_PARSE_NORMALIZE : 0;
}

/* The producers' path when they do not register: the subject's history is not read, only the
 * versions that hold the schema's fingerprint. */
static int lookup_in(json_t **out, sr_registry *r, sr_tx *tx, const char *subject,
                     const sr_schema_req *req, int deleted, sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_store_subject_head head;
    sr_prepared p = {0};
    sr_store_schema *s = NULL;
    sr_scope scope;
    size_t n = 0;
    int id = 0, at = -1, rc = -1;

    if (!req->schema || !*req->schema)
        return sr_err_set(err, 40403, "Schema not found");
    /* An unparsable schema is reported before whether the subject exists. */
    if (sr_registry__scope(&scope, r, tx, subject, err) < 0 ||
        sr_registry__prepare(&p, r, tx, req->schema, req->type, req->refs, req->nrefs,
                             req->metadata, normalize_flag(&scope, req), 0, err) < 0 ||
        sr_store_subject_head_get(&head, tx, subject, err) < 0 ||
        sr_store_schema_find(&id, tx, p.hash, err) < 0 ||
        (id && sr_store_versions_holding(&vs, &n, tx, subject, id, err) < 0))
        goto out;
    if (!head.latest_version && !(deleted && head.max_version)) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    at = id ? sr_registry__holder(vs, n, id, deleted) : -1;
    if (at < 0) {
        sr_err_set(err, 40403, "Schema not found");
        goto out;
    }
    if (sr_registry__stored(&s, tx, id, err) < 0)
        goto out;
    *out = sr_registry__schema_json(subject, vs[at].version, s, NULL);
    rc = 0;
out:
    sr_store_schema_free(s);
    sr_registry__prepared_dispose(&p);
    sr_store_versions_free(vs, n);
    return rc;
}

int sr_registry_lookup(json_t **out, sr_registry *r, const char *subject, const sr_schema_req *req,
                       int deleted, sr_err *err)
{
    int rc;

    if (sr_registry__check_request(r, req, err) < 0)
        return -1;
    SR_WITH_READ(r, err, lookup_in(out, r, rd.tx, subject, req, deleted, err));
    return rc;
}

/* The version a check runs against: `only` (a number), -1 when there is nothing to compare with,
 * 0 for every version. */
static int check_target(int *only, const sr_store_version *vs, size_t n, const char *version,
                        sr_err *err)
{
    int v = 0, at;

    *only = 0;
    if (!version)
        return 0;
    if (sr_registry_parse_version(&v, version, err) < 0)
        return -1;
    if (v > 0) {
        at = sr_registry__find(vs, n, v);
        if (at < 0 || vs[at].deleted)
            return sr_err_set(err, 40402, "Version %d not found.", v);
        *only = v;
        return 0;
    }
    at = sr_registry__latest(vs, n);
    *only = at >= 0 ? vs[at].version : -1;
    return 0;
}

/* The answer {is_compatible, messages?}. */
static json_t *verdict(int ok, const sr_strlist *msgs, int verbose)
{
    json_t *o = json_pack("{s:b}", "is_compatible", ok), *a;

    if (verbose) {
        a = json_array();
        for (size_t i = 0; i < msgs->n; i++)
            json_array_append_new(a, sr_registry__string(msgs->v[i]));
        json_object_set_new(o, "messages", a);
    }
    return o;
}

static int check_in(json_t **out, sr_registry *r, const sr_reading *rd, const char *subject,
                    const char *version, const sr_schema_req *req, int verbose, sr_err *err)
{
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_store_version *vs = NULL;
    sr_prepared p = {0};
    sr_scope scope;
    size_t n = 0;
    int only, ok = -1;

    if (sr_store_versions(&vs, &n, rd->tx, subject, err) < 0 ||
        sr_registry__scope(&scope, r, rd->tx, subject, err) < 0 ||
        check_target(&only, vs, n, version, err) < 0)
        goto out;
    if (sr_registry__prepare(&p, r, rd->tx, req->schema ? req->schema : "", req->type, req->refs,
                             req->nrefs, req->metadata,
                             SR_PARSE_NEW | normalize_flag(&scope, req), 0, err) < 0) {
        if (verbose && err->code == 42201) { /* verbose turns an invalid schema into an answer */
            sr_strlist_add(&msgs, sr_err_message(err));
            sr_err_clear(err);
            ok = 0;
        }
        goto out;
    }
    ok = only == -1 ? 1 : sr_registry__check_versions(&msgs, r, rd, p.schema, vs, n, only,
                                                      scope.level, err);
out:
    if (ok >= 0)
        *out = verdict(ok, &msgs, verbose);
    sr_registry__prepared_dispose(&p);
    sr_strlist_dispose(&msgs);
    sr_store_versions_free(vs, n);
    return ok < 0 ? -1 : 0;
}

int sr_registry_check(json_t **out, sr_registry *r, const char *subject, const char *version,
                      const sr_schema_req *req, int verbose, sr_err *err)
{
    int rc;

    if (sr_registry__check_request(r, req, err) < 0)
        return -1;
    SR_WITH_READ(r, err, check_in(out, r, &rd, subject, version, req, verbose, err));
    return rc;
}
