/* idcache.c -- an id-keyed, byte-bounded, reference-counted LRU under one mutex.
 *
 * One mutex rather than a read-write lock: a hit moves the entry to the front of the LRU list and
 * takes a reference, both writes. The critical sections are a hash probe and a few pointer moves. */
#include "server/registry/idcache.h"
#include "common/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sr_idcache_ref {
    char *context;          /* owned */
    int id;
    void *value;
    size_t bytes;
    unsigned refs;          /* references held by callers */
    int in_table;           /* reachable by id; else freed at the last release */
    sr_idcache_ref *chain;  /* next in the hash bucket */
    sr_idcache_ref *newer, *older; /* LRU list, newest at c->newest */
};

struct sr_idcache {
    pthread_mutex_t lock; /* guards everything below */
    void (*free_value)(void *);
    size_t max_bytes, bytes, entries;
    sr_idcache_ref **buckets;
    size_t nbuckets;      /* power of two */
    sr_idcache_ref *newest, *oldest;
    uint64_t generation;
    uint64_t hits, misses, evictions;
    int suspended;        /* sr_idcache_suspend */
};

sr_idcache *sr_idcache_new(size_t max_bytes, void (*free_value)(void *))
{
    sr_idcache *c = sr_xcalloc(1, sizeof(*c));

    pthread_mutex_init(&c->lock, NULL);
    c->free_value = free_value;
    c->max_bytes = max_bytes;
    c->nbuckets = 64;
    c->buckets = sr_xcalloc(c->nbuckets, sizeof(*c->buckets));
    return c;
}

static void destroy(sr_idcache *c, sr_idcache_ref *e)
{
    c->free_value(e->value);
    free(e->context);
    free(e);
}

static size_t bucket_of(const sr_idcache *c, const char *context, int id)
{
    uint64_t h = (uint32_t)id;

    for (const unsigned char *p = (const unsigned char *)context; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull; /* FNV-1a over the context, seeded with the id */
    return (size_t)((h * 0x9e3779b97f4a7c15ull) >> 32) & (c->nbuckets - 1);
}

static void lru_unlink(sr_idcache *c, sr_idcache_ref *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(sr_idcache *c, sr_idcache_ref *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Take `e` out of the table; freed now when unreferenced, else by its last release. */
static void detach(sr_idcache *c, sr_idcache_ref *e)
{
    sr_idcache_ref **p = &c->buckets[bucket_of(c, e->context, e->id)];

    while (*p != e)
        p = &(*p)->chain;
    *p = e->chain;
    lru_unlink(c, e);
    e->in_table = 0;
    c->bytes -= e->bytes;
    c->entries--;
    if (e->refs == 0)
        destroy(c, e);
}

static sr_idcache_ref *find(const sr_idcache *c, const char *context, int id)
{
    sr_idcache_ref *e = c->buckets[bucket_of(c, context, id)];

    while (e && (e->id != id || strcmp(e->context, context) != 0))
        e = e->chain;
    return e;
}

static void grow(sr_idcache *c)
{
    size_t old_n = c->nbuckets;
    sr_idcache_ref **old = c->buckets;

    c->nbuckets *= 2;
    c->buckets = sr_xcalloc(c->nbuckets, sizeof(*c->buckets));
    for (size_t i = 0; i < old_n; i++) {
        for (sr_idcache_ref *e = old[i], *next; e; e = next) {
            size_t b = bucket_of(c, e->context, e->id);
            next = e->chain;
            e->chain = c->buckets[b];
            c->buckets[b] = e;
        }
    }
    free(old);
}

void sr_idcache_free(sr_idcache *c)
{
    if (!c)
        return;
    while (c->oldest)
        detach(c, c->oldest);
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

uint64_t sr_idcache_generation(sr_idcache *c)
{
    uint64_t g;

    pthread_mutex_lock(&c->lock);
    g = c->generation;
    pthread_mutex_unlock(&c->lock);
    return g;
}

sr_idcache_ref *sr_idcache_get(sr_idcache *c, const char *context, int id)
{
    sr_idcache_ref *e;

    pthread_mutex_lock(&c->lock);
    e = c->suspended ? NULL : find(c, context, id);
    if (e) {
        e->refs++;
        lru_unlink(c, e);
        lru_push(c, e);
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return e;
}

void *sr_idcache_value(const sr_idcache_ref *ref)
{
    return ref->value;
}

void sr_idcache_release(sr_idcache *c, sr_idcache_ref *ref)
{
    int gone;

    if (!ref)
        return;
    pthread_mutex_lock(&c->lock);
    gone = --ref->refs == 0 && !ref->in_table;
    pthread_mutex_unlock(&c->lock);
    if (gone)
        destroy(c, ref);
}

sr_idcache_ref *sr_idcache_put(sr_idcache *c, const char *context, int id, void *value,
                               size_t bytes, uint64_t generation)
{
    sr_idcache_ref *e = sr_xcalloc(1, sizeof(*e)), *there;

    e->context = sr_xstrdup(context);
    e->id = id;
    e->value = value;
    e->bytes = bytes;
    e->refs = 1;
    pthread_mutex_lock(&c->lock);
    if (generation == c->generation && !c->suspended && (there = find(c, context, id))) {
        there->refs++;
        pthread_mutex_unlock(&c->lock);
        destroy(c, e);
        return there;
    }
    if (generation == c->generation && bytes <= c->max_bytes && !c->suspended) {
        size_t b;
        if (c->entries >= c->nbuckets)
            grow(c);
        b = bucket_of(c, context, id);
        e->chain = c->buckets[b];
        c->buckets[b] = e;
        e->in_table = 1;
        lru_push(c, e);
        c->bytes += bytes;
        c->entries++;
        while (c->bytes > c->max_bytes && c->oldest != e) {
            detach(c, c->oldest);
            c->evictions++;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return e;
}

void sr_idcache_invalidate(sr_idcache *c, const char *context, int id)
{
    sr_idcache_ref *e;

    pthread_mutex_lock(&c->lock);
    c->generation++;
    if (!context) {
        while (c->oldest)
            detach(c, c->oldest);
    } else if ((e = find(c, context, id))) {
        detach(c, e);
    }
    pthread_mutex_unlock(&c->lock);
}

void sr_idcache_suspend(sr_idcache *c, int on)
{
    pthread_mutex_lock(&c->lock);
    c->suspended = on;
    pthread_mutex_unlock(&c->lock);
}

void sr_idcache_stats_get(sr_idcache *c, sr_idcache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    *out = (sr_idcache_stats){c->entries, c->bytes, c->hits, c->misses, c->evictions};
    pthread_mutex_unlock(&c->lock);
}
