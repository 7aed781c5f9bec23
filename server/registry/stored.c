/* stored.c -- stored schemas, and the same parsed (with their references) through the registry's
 * cache, so that a compatibility check against the latest version or a `format=` rendering does
 * not parse it again each time. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

int sr_registry__stored(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                        sr_err *err)
{
    int rc = sr_store_schema_get(out, tx, context, id, err);
    return rc == 1 ? sr_err_set(err, 40403, "Schema %d not found", id) : rc;
}

/* What a parsed schema costs in memory, for the cache's bound: its text several times over (the
 * model, the canonical text and the dependencies' models). */
static size_t parsed_cost(const sr_store_schema *s, const sr_deps *d)
{
    size_t n = strlen(s->text);

    for (size_t i = 0; i < d->n; i++)
        n += strlen(d->v[i].text);
    return 256 + 4 * n;
}

/* Stored schemas were accepted under the limits of their day; a lower limit set since must not
 * make them unreadable, so they get at least this much room. */
#define STORED_MIN_DEPTH 1000

int sr_registry__parse_stored(sr_schema **out, size_t *cost, const sr_registry *r, sr_tx *tx,
                              const sr_store_schema *s, unsigned flags, sr_err *err)
{
    sr_parse_limits limits = r->limits;
    sr_ref *refs = sr_xcalloc(s->nrefs + 1, sizeof(*refs));
    sr_deps d = {0};
    sr_schema_type t;
    int rc = -1;

    if (limits.max_depth < STORED_MIN_DEPTH)
        limits.max_depth = STORED_MIN_DEPTH;
    for (size_t i = 0; i < s->nrefs; i++)
        refs[i] = (sr_ref){s->refs[i].name, s->refs[i].subject, s->refs[i].version};
    if (sr_schema_type_parse(&t, s->type, err) < 0 ||
        sr_registry__resolve(&d, NULL, r, tx, s->context, refs, s->nrefs, 1, err) < 0 ||
        sr_schema_parse_limited(out, t, s->text, d.v, d.n, flags, &limits, err) < 0)
        goto out;
    if (cost)
        *cost = parsed_cost(s, &d);
    rc = 0;
out:
    sr_registry__deps_dispose(&d);
    free(refs);
    return rc;
}

/* Parse the stored schema `s` and put it in the cache. */
static int parse_into_cache(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd,
                            const sr_store_schema *s, sr_err *err)
{
    sr_schema *parsed = NULL;
    size_t cost = 0;

    if (sr_registry__parse_stored(&parsed, &cost, r, rd->tx, s, 0, err) < 0)
        return -1;
    *out = sr_idcache_put(r->parsed, s->context, s->id, parsed, cost, rd->parsed_gen);
    return 0;
}

int sr_registry__parsed(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd,
                        const char *context, int id, sr_err *err)
{
    sr_store_schema *s = NULL;
    int rc;

    if ((*out = sr_idcache_get(r->parsed, context, id)))
        return 0;
    if (sr_registry__stored(&s, rd->tx, context, id, err) < 0)
        return -1;
    rc = parse_into_cache(out, r, rd, s, err);
    sr_store_schema_free(s);
    return rc;
}

int sr_registry__parsed_row(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd,
                            const sr_store_schema *s, sr_err *err)
{
    if ((*out = sr_idcache_get(r->parsed, s->context, s->id)))
        return 0;
    return parse_into_cache(out, r, rd, s, err);
}

const sr_schema *sr_registry__parsed_schema(const sr_idcache_ref *ref)
{
    return sr_idcache_value(ref);
}

void sr_registry__parsed_release(sr_registry *r, sr_idcache_ref *ref)
{
    sr_idcache_release(r->parsed, ref);
}
