/* cache.c -- rendered GET /schemas/ids/{id} bodies by id, under a read-write lock.
 *
 * Open addressing keyed by id; readers take the lock shared, so the consumers' hot path never
 * serializes. A full table stops taking entries (the store still answers). */
#include "server/server.h"
#include "common/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    int id;     /* 0 = empty */
    char *body; /* owned */
} slot;

struct sr_cache {
    pthread_rwlock_t lock; /* guards everything below */
    slot *slots;
    size_t cap;            /* power of two, twice max entries */
    size_t used;
    size_t max;
};

sr_cache *sr_cache_new(size_t max_entries)
{
    sr_cache *c = sr_xcalloc(1, sizeof(*c));

    c->cap = 16;
    while (c->cap < max_entries * 2)
        c->cap *= 2;
    c->max = max_entries;
    c->slots = sr_xcalloc(c->cap, sizeof(*c->slots));
    pthread_rwlock_init(&c->lock, NULL);
    return c;
}

void sr_cache_clear(sr_cache *c)
{
    pthread_rwlock_wrlock(&c->lock);
    for (size_t i = 0; i < c->cap; i++) {
        free(c->slots[i].body);
        c->slots[i] = (slot){0, NULL};
    }
    c->used = 0;
    pthread_rwlock_unlock(&c->lock);
}

void sr_cache_free(sr_cache *c)
{
    if (!c)
        return;
    sr_cache_clear(c);
    free(c->slots);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static size_t home(const sr_cache *c, int id)
{
    return ((unsigned)id * 2654435761u) & (c->cap - 1);
}

char *sr_cache_get(sr_cache *c, int id)
{
    char *body = NULL;

    pthread_rwlock_rdlock(&c->lock);
    for (size_t i = home(c, id); c->slots[i].id; i = (i + 1) & (c->cap - 1)) {
        if (c->slots[i].id == id) {
            body = sr_xstrdup(c->slots[i].body);
            break;
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return body;
}

void sr_cache_put(sr_cache *c, int id, const char *body)
{
    size_t i;

    pthread_rwlock_wrlock(&c->lock);
    for (i = home(c, id); c->slots[i].id && c->slots[i].id != id; i = (i + 1) & (c->cap - 1))
        ;
    if (!c->slots[i].id && c->used < c->max) {
        c->slots[i].id = id;
        c->slots[i].body = sr_xstrdup(body);
        c->used++;
    }
    pthread_rwlock_unlock(&c->lock);
}
