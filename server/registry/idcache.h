/* idcache.h -- values kept in memory by schema (context and id), bounded by bytes, shared by
 * reference.
 *
 * The registry keeps two of these: the rendered answers of GET /schemas/ids/{id} (the consumers'
 * hot path) and parsed stored schemas (so that a compatibility check against the latest version
 * does not parse it again). A schema is immutable while it exists under its id, so an entry is
 * right until its id is removed or given another schema, and the registry tells the cache when
 * that happens (sr_idcache_invalidate).
 *
 * Coherence with the store: a reader takes the cache's generation BEFORE it opens its read
 * transaction and hands it to sr_idcache_put, which keeps the value only if no invalidation
 * happened in between. So a value read before a removal can never be put after it: the removal's
 * invalidation moved the generation on.
 *
 * Values are shared: sr_idcache_get returns a reference that the caller releases; an entry that is
 * evicted or invalidated while referenced is freed by its last release. Eviction is least recently
 * used, when the bytes of all entries exceed the bound. Thread-safe. */
#ifndef SR_REGISTRY_IDCACHE_H
#define SR_REGISTRY_IDCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sr_idcache sr_idcache;
typedef struct sr_idcache_ref sr_idcache_ref; /* one entry, referenced */

/* `max_bytes` 0 disables the cache (gets miss, puts are dropped). `free_value` frees a value. */
sr_idcache *sr_idcache_new(size_t max_bytes, void (*free_value)(void *));
void sr_idcache_free(sr_idcache *c); /* every reference must have been released; NULL ok */

/* The current generation, to pass to sr_idcache_put. */
uint64_t sr_idcache_generation(sr_idcache *c);

/* A reference to the entry for schema `id` of `context`, or NULL. Release it with
 * sr_idcache_release. */
sr_idcache_ref *sr_idcache_get(sr_idcache *c, const char *context, int id);
void *sr_idcache_value(const sr_idcache_ref *ref);
void sr_idcache_release(sr_idcache *c, sr_idcache_ref *ref); /* NULL ok */

/* Keep `value` (which the cache now owns; `bytes` is what it costs) for schema `id` of `context`,
 * unless the generation moved on since `generation` was read or the value alone is larger than
 * the bound. Either way the caller gets a reference to use and release: to the entry for that
 * schema (when one was already there, the new value is freed and the old one, equally current,
 * is returned), or to the value alone, freed at its release. Never NULL. */
sr_idcache_ref *sr_idcache_put(sr_idcache *c, const char *context, int id, void *value,
                               size_t bytes, uint64_t generation);

/* Forget schema `id` of `context` (NULL context: everything) and move the generation on. */
void sr_idcache_invalidate(sr_idcache *c, const char *context, int id);

/* While suspended (on != 0), the cache holds nothing: gets miss and puts keep nothing. For when
 * the registry cannot learn about removals (another process's writes, unheard). */
void sr_idcache_suspend(sr_idcache *c, int on);

/* Counters, for tests and metrics. */
typedef struct sr_idcache_stats {
    size_t entries, bytes;
    uint64_t hits, misses, evictions;
} sr_idcache_stats;
void sr_idcache_stats_get(sr_idcache *c, sr_idcache_stats *out);

#endif
