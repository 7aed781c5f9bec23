/* open.c -- the registry's lifetime: options, the store, the caches and what keeps them coherent
 * with other processes sharing the store. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>

void sr_registry_options_defaults(sr_registry_options *o)
{
    *o = (sr_registry_options){
        .default_level = SR_COMPAT_BACKWARD,
        .schema_max_bytes = 8u << 20,
        .schema_max_depth = SR_PARSE_MAX_DEPTH_DEFAULT,
        .references_max = 1000,
        .reference_depth_max = 64,
        .cache_bytes = 256u << 20,
        .parsed_cache_bytes = 256u << 20,
    };
}

static void free_parsed(void *s)
{
    sr_schema_free(s);
}

/* What other processes sharing the store changed (store.h's watch): the caches forget it, and
 * the search index is rebuilt (search.c: the counters). While the store cannot hear them, the
 * caches are set aside, and only trusted again, empty, once it hears again (it may have missed
 * anything meanwhile). Runs on the store's thread. */
static void on_change(void *arg, sr_store_event ev, const char *context, int id)
{
    sr_registry *r = arg;

    if (ev == SR_STORE_CHANGED) {
        atomic_fetch_add(&r->changes, 1);
        return;
    }
    if (ev == SR_STORE_DEAF) {
        sr_idcache_suspend(r->bodies, 1);
        sr_idcache_suspend(r->parsed, 1);
    }
    sr_idcache_invalidate(r->bodies, context, id);
    sr_idcache_invalidate(r->parsed, context, id);
    if (ev == SR_STORE_HEARING) {
        sr_idcache_suspend(r->bodies, 0);
        sr_idcache_suspend(r->parsed, 0);
    }
    atomic_fetch_add(&r->removals, 1);
    atomic_fetch_add(&r->changes, 1);
}

int sr_registry_open(sr_registry **out, const char *db_path, const sr_registry_options *opt,
                     sr_err *err)
{
    sr_registry *r = sr_xcalloc(1, sizeof(*r));

    if (opt)
        r->opt = *opt;
    else
        sr_registry_options_defaults(&r->opt);
    if (r->opt.store.backend == SR_STORE_SQLITE)
        r->opt.store.location = db_path;
    if (sr_store_open_with(&r->store, &r->opt.store, err) < 0) {
        free(r);
        return -1;
    }
    r->opt.store.location = NULL; /* borrowed for the open only */
    r->limits.max_depth = r->opt.schema_max_depth;
    r->bodies = sr_idcache_new(r->opt.cache_bytes, free);
    r->parsed = sr_idcache_new(r->opt.parsed_cache_bytes, free_parsed);
    r->index = sr_registry__index_new();
    if (sr_store_watch(r->store, on_change, r, err) < 0) {
        sr_registry_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

void sr_registry_close(sr_registry *r)
{
    if (!r)
        return;
    sr_store_close(r->store); /* first: no change is heard after it, into freed caches */
    sr_idcache_free(r->bodies);
    sr_idcache_free(r->parsed);
    sr_registry__index_free(r->index);
    free(r);
}

void sr_registry_cache_stats_get(sr_registry *r, sr_registry_cache_stats *out)
{
    sr_idcache_stats b, p;

    sr_idcache_stats_get(r->bodies, &b);
    sr_idcache_stats_get(r->parsed, &p);
    *out = (sr_registry_cache_stats){b.entries, b.bytes, p.entries, p.bytes,
                                     b.hits, b.misses, p.hits, p.misses};
}
