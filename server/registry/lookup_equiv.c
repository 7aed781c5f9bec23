/* lookup_equiv.c -- the second pass of a lookup (confluent-api.md §5.4): a schema whose
 * fingerprint matches no version of the subject may still be one of them, by equivalence. Only
 * misses come here, and each version is parsed at most once. */
#include "server/registry/internal.h"

#include <stdlib.h>
#include <string.h>

/* Metadata as an object without the `confluent:version` property (which Confluent sets itself). */
static json_t *without_version(const char *metadata)
{
    json_t *m = metadata ? json_loads(metadata, 0, NULL) : json_object();

    if (!m)
        m = json_object();
    json_object_del(json_object_get(m, "properties"), "confluent:version");
    if (json_object_size(json_object_get(m, "properties")) == 0)
        json_object_del(m, "properties");
    return m;
}

static int same_refs(const sr_store_schema *s, const sr_prepared *p)
{
    if (s->nrefs != p->nrefs)
        return 0;
    for (size_t i = 0; i < s->nrefs; i++)
        if (strcmp(s->refs[i].name, p->refs[i].name) != 0 ||
            strcmp(s->refs[i].subject, p->refs[i].subject) != 0 ||
            s->refs[i].version != p->refs[i].version)
            return 0;
    return 1;
}

/* The same schema and references, metadata equal but for `confluent:version`. */
static int same_but_version(const sr_store_schema *s, const sr_prepared *p,
                            const sr_schema_req *req)
{
    json_t *a, *b;
    int same;

    if (strcmp(s->text, p->text) != 0 || !same_refs(s, p) || !sr_registry__same_text(s->ruleset, req->ruleset))
        return 0;
    a = without_version(s->metadata);
    b = without_version(req->metadata);
    same = json_equal(a, b);
    json_decref(a);
    json_decref(b);
    return same;
}

/* The stored schema parsed with `flags` and printed as `format` (NULL: its canonical text)
 * equals the request's canonical text. */
static int same_when(const sr_registry *r, sr_tx *tx, const sr_store_schema *s, unsigned flags,
                     const char *format, const sr_prepared *p, sr_err *err)
{
    sr_schema *parsed = NULL;
    char *text = NULL;
    int same = 0;

    if (sr_registry__parse_stored(&parsed, NULL, r, tx, s, flags, err) < 0) {
        sr_err_clear(err); /* a version that no longer parses is simply not equivalent */
        return 0;
    }
    if (!format)
        same = strcmp(sr_schema_canonical(parsed), p->text) == 0;
    else if (sr_schema_render(&text, parsed, format, err) == 0)
        same = strcmp(text, p->text) == 0;
    sr_err_clear(err);
    free(text);
    sr_schema_free(parsed);
    return same;
}

static int equivalent(const sr_registry *r, sr_tx *tx, const sr_store_schema *s,
                      const sr_prepared *p, const sr_schema_req *req, sr_err *err)
{
    if (strcmp(s->type, sr_schema_type_name(req->type)) != 0)
        return 0;
    if (same_but_version(s, p, req))
        return 1;
    if (!sr_registry__same_text(s->metadata, req->metadata) || !sr_registry__same_text(s->ruleset, req->ruleset))
        return 0;
    if (req->nrefs == 0 && s->nrefs > 0 && same_when(r, tx, s, 0, "resolved", p, err))
        return 1; /* sent with its references inlined */
    return req->normalize && same_refs(s, p) && same_when(r, tx, s, SR_PARSE_NORMALIZE, NULL, p,
                                                          err);
}

int sr_registry__find_equivalent(sr_store_version *found, const sr_registry *r, sr_tx *tx,
                                 const char *subject, int deleted, const sr_prepared *p,
                                 const sr_schema_req *req, sr_err *err)
{
    char *context = sr_registry__context_of(subject);
    sr_store_version *vs = NULL;
    size_t n = 0;
    int rc = 1;

    if (sr_store_versions(&vs, &n, tx, subject, err) < 0)
        rc = -1;
    for (size_t i = n; rc == 1 && i-- > 0;) { /* newest first */
        sr_store_schema *s = NULL;
        if (vs[i].deleted && !deleted)
            continue;
        if (sr_store_schema_get(&s, tx, context, vs[i].id, err) < 0)
            rc = -1;
        else if (s && equivalent(r, tx, s, p, req, err)) {
            *found = vs[i];
            vs[i].subject = NULL; /* handed over */
            rc = 0;
        }
        sr_store_schema_free(s);
    }
    sr_store_versions_free(vs, n);
    free(context);
    return rc;
}
