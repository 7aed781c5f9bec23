/* open.c -- the registry's lifetime: options, the store, the caches. */
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

int sr_registry_open(sr_registry **out, const char *db_path, const sr_registry_options *opt,
                     sr_err *err)
{
    sr_registry *r = sr_xcalloc(1, sizeof(*r));

    if (opt)
        r->opt = *opt;
    else
        sr_registry_options_defaults(&r->opt);
    if (sr_store_open(&r->store, db_path, err) < 0) {
        free(r);
        return -1;
    }
    r->limits.max_depth = r->opt.schema_max_depth;
    r->bodies = sr_idcache_new(r->opt.cache_bytes, free);
    r->parsed = sr_idcache_new(r->opt.parsed_cache_bytes, free_parsed);
    r->index = sr_registry__index_new();
    *out = r;
    return 0;
}

void sr_registry_close(sr_registry *r)
{
    if (!r)
        return;
    sr_idcache_free(r->bodies);
    sr_idcache_free(r->parsed);
    sr_registry__index_free(r->index);
    sr_store_close(r->store);
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
