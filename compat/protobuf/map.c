/* protobuf/map.c -- the .proto parser's hash table (see map.h): open addressing with linear
 * probing, grown at 1/2 load; keys hashed with SipHash-1-3 over (scope, number, name). */
#include "compat/protobuf/map.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

struct pp_map_slot {
    pp_key key;
    uint64_t hash;
    void *val; /* NULL: empty slot */
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

/* SipHash-1-3 of the message scope (8 bytes) . num (8 bytes) . name (len bytes). */
static uint64_t hash_key(const pp_map *m, const pp_key *k)
{
    uint64_t v0 = m->k0 ^ 0x736f6d6570736575ULL, v1 = m->k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = m->k0 ^ 0x6c7967656e657261ULL, v3 = m->k1 ^ 0x7465646279746573ULL;
    uint64_t words[2] = {(uint64_t)(uintptr_t)k->scope, (uint64_t)k->num}, w;
    const unsigned char *s = (const unsigned char *)k->name;
    size_t len = k->name ? k->len : 0, i;

    for (i = 0; i < 2; i++) {
        v3 ^= words[i];
        SIPROUND;
        v0 ^= words[i];
    }
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        v3 ^= w;
        SIPROUND;
        v0 ^= w;
    }
    w = (uint64_t)(len + 16) << 56;
    for (size_t r = 0; i + r < len; r++)
        w |= (uint64_t)s[i + r] << (8 * r);
    v3 ^= w;
    SIPROUND;
    v0 ^= w;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void pp_map_init(pp_map *m)
{
    int on_stack;

    memset(m, 0, sizeof(*m));
    /* No globals and no I/O in compat/: the key comes from where the map, the stack and the
     * code live, which ASLR randomizes per process. */
    m->k0 = mix((uint64_t)(uintptr_t)m ^ mix((uint64_t)(uintptr_t)&on_stack));
    m->k1 = mix(m->k0 ^ (uint64_t)(uintptr_t)&pp_map_init);
}

void pp_map_dispose(pp_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

static int same_key(const pp_map_slot *s, const pp_key *k, uint64_t h)
{
    if (s->hash != h || s->key.scope != k->scope || s->key.num != k->num)
        return 0;
    if (!s->key.name || !k->name)
        return !s->key.name && !k->name;
    return s->key.len == k->len && memcmp(s->key.name, k->name, k->len) == 0;
}

void *pp_map_get(const pp_map *m, pp_key k)
{
    uint64_t h;

    if (!m->n)
        return NULL;
    h = hash_key(m, &k);
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const pp_map_slot *s = &m->slots[i];
        if (!s->val)
            return NULL;
        if (same_key(s, &k, h))
            return s->val;
    }
}

static void grow(pp_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    pp_map_slot *slots = sr_xcalloc(cap, sizeof(*slots));

    for (size_t i = 0; i < m->cap; i++) {
        size_t j;
        if (!m->slots[i].val)
            continue;
        for (j = (size_t)m->slots[i].hash & (cap - 1); slots[j].val; j = (j + 1) & (cap - 1))
            ;
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void *pp_map_put(pp_map *m, pp_key k, void *val)
{
    uint64_t h;
    size_t i;

    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    h = hash_key(m, &k);
    for (i = (size_t)h & (m->cap - 1); m->slots[i].val; i = (i + 1) & (m->cap - 1))
        if (same_key(&m->slots[i], &k, h))
            return m->slots[i].val;
    m->slots[i].key = k;
    m->slots[i].hash = h;
    m->slots[i].val = val;
    m->n++;
    return NULL;
}
