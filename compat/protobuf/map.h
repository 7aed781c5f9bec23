/* map.h -- the hash table behind the .proto parser's lookups (internal to compat/protobuf/):
 * symbols by (scope, name), fields and enum values by (owner, name) or (owner, number), names
 * already taken in a message. Every lookup the parser, resolver and printer make on user input
 * goes through it, so that a file with n elements costs O(n), not O(n^2).
 *
 * A key is a scope pointer (the element a name lives in; NULL for none), an optional name
 * (bytes, not NUL-terminated) and a number. Keys and values are borrowed: the caller keeps them
 * alive as long as the map. Names are hashed with SipHash-1-3 under a per-map key drawn from
 * addresses that ASLR randomizes, so that names crafted to collide cannot be precomputed. */
#ifndef SR_COMPAT_PROTOBUF_MAP_H
#define SR_COMPAT_PROTOBUF_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct pp_key {
    const void *scope; /* the owner the name is looked up in; NULL for the root */
    const char *name;  /* borrowed; NULL when only the number matters */
    size_t len;        /* bytes of name */
    int64_t num;       /* 0 when only the name matters */
} pp_key;

typedef struct pp_map_slot pp_map_slot;

typedef struct pp_map {
    pp_map_slot *slots; /* owned; open addressing, linear probing */
    size_t cap;         /* a power of two, or 0 before the first insertion */
    size_t n;
    uint64_t k0, k1;    /* the hash key */
} pp_map;

void pp_map_init(pp_map *m);
void pp_map_dispose(pp_map *m);
/* The value stored under `k`, or NULL. */
void *pp_map_get(const pp_map *m, pp_key k);
/* Store `val` (not NULL) under `k` unless the key is there already: returns NULL when stored,
 * else the value already there (which is kept). */
void *pp_map_put(pp_map *m, pp_key k, void *val);

/* Keys for the common cases. */
static inline pp_key pp_name_key(const void *scope, const char *name, size_t len)
{
    pp_key k = {scope, name, len, 0};
    return k;
}

static inline pp_key pp_num_key(const void *scope, int64_t num)
{
    pp_key k = {scope, NULL, 0, num};
    return k;
}

#endif
