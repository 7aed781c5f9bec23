/* search.c -- sluice's subject search (GET /sluice/v1/subjects): substring, prefix and regular
 * expression over every subject, filtered by schema type, level and deletion, a page at a time.
 *
 * The store lists subjects by prefix only, and a type or level filter needs each subject's latest
 * schema and settings, so the answers come from an index kept in memory: one entry per subject,
 * sorted by name, with what the filters and the listing show. A page scans from its cursor and
 * stops as soon as it is full, so the first page of a common query costs a few hundred names.
 *
 * Coherence: the index remembers the registry's change counter (internal.h), read before its read
 * transaction began; every write moves the counter on after it commits, so an index built from a
 * snapshot older than any answered write is never used again. Writes made through another node
 * sharing the store move the counter too, when the store tells this one of them (open.c), and
 * show in any case once the index is SEARCH_MAX_AGE_MS old. Schema
 * types are remembered by id across rebuilds (a schema does not change under its id), and
 * forgotten whenever a write removed or replaced a schema. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SEARCH_MAX_AGE_MS 10000
#define REGEX_MAX_BYTES 256
#define TYPE_UNKNOWN 255

typedef struct entry {
    const char *name;     /* in the snapshot's arena */
    int version;          /* the latest live version (the latest of all when none is live) */
    int id;
    int live;             /* live versions */
    long long ts;         /* when `version` was registered */
    unsigned char type;   /* sr_schema_type, or TYPE_UNKNOWN */
    unsigned char level;  /* the effective sr_compat_level */
    unsigned char all_deleted;
} entry;

/* One build of the index; shared by the searches that use it (refcounted). */
typedef struct snapshot {
    atomic_int refs;
    unsigned long long changes; /* the registry's counter when it was read */
    long long built_ms;
    entry *v;
    size_t n;
    char *arena;                /* the names, NUL-separated */
} snapshot;

/* Schema types by (context, id): an open-addressing table of keys (context index << 32 | id). */
typedef struct type_map {
    unsigned long long *keys; /* 0 = empty slot */
    unsigned char *types;
    size_t cap, n;
    sr_strlist contexts;      /* context names; a key's index + 1 */
    unsigned long long removals; /* the registry's removal counter when it was last cleared */
} type_map;

struct sr_subject_index {
    pthread_mutex_t lock; /* guards current and types; held while a build runs */
    snapshot *current;
    type_map types;
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct sr_subject_index *sr_registry__index_new(void)
{
    struct sr_subject_index *ix = sr_xcalloc(1, sizeof(*ix));
    pthread_mutex_init(&ix->lock, NULL);
    ix->types.contexts = (sr_strlist)SR_STRLIST_INIT;
    return ix;
}

static void snapshot_release(snapshot *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        free(s->v);
        free(s->arena);
        free(s);
    }
}

static void types_clear(type_map *m)
{
    free(m->keys);
    free(m->types);
    sr_strlist_dispose(&m->contexts);
    *m = (type_map){.contexts = SR_STRLIST_INIT, .removals = m->removals};
}

void sr_registry__index_free(struct sr_subject_index *ix)
{
    if (!ix)
        return;
    snapshot_release(ix->current);
    types_clear(&ix->types);
    pthread_mutex_destroy(&ix->lock);
    free(ix);
}

/* ---- the type map ---- */

static unsigned long long type_key(type_map *m, const char *context, int id)
{
    size_t i;

    for (i = 0; i < m->contexts.n; i++)
        if (strcmp(m->contexts.v[i], context) == 0)
            break;
    if (i == m->contexts.n)
        sr_strlist_add(&m->contexts, context);
    return ((unsigned long long)(i + 1) << 32) | (unsigned)id;
}

static size_t slot_of(const type_map *m, unsigned long long key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (m->cap - 1);

    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void types_put(type_map *m, unsigned long long key, unsigned char type)
{
    if ((m->n + 1) * 2 > m->cap) { /* keep it at most half full */
        type_map old = *m;
        m->cap = old.cap ? old.cap * 2 : 1024;
        m->keys = sr_xcalloc(m->cap, sizeof(*m->keys));
        m->types = sr_xcalloc(m->cap, 1);
        for (size_t i = 0; i < old.cap; i++) {
            if (old.keys[i]) {
                size_t s = slot_of(m, old.keys[i]);
                m->keys[s] = old.keys[i];
                m->types[s] = old.types[i];
            }
        }
        free(old.keys);
        free(old.types);
    }
    size_t s = slot_of(m, key);
    if (!m->keys[s])
        m->n++;
    m->keys[s] = key;
    m->types[s] = type;
}

/* The type of schema (context, id): from the map, else read from the store and remembered. */
static int type_of(unsigned char *out, type_map *m, sr_tx *tx, const char *context, int id,
                   sr_err *err)
{
    unsigned long long key = type_key(m, context, id);
    sr_store_schema *s = NULL;
    sr_schema_type t;
    size_t slot;

    if (m->cap && m->keys[slot = slot_of(m, key)] == key) {
        *out = m->types[slot];
        return 0;
    }
    if (sr_store_schema_get(&s, tx, context, id, err) < 0)
        return -1;
    *out = s && sr_schema_type_parse(&t, s->type, NULL) == 0 ? (unsigned char)t : TYPE_UNKNOWN;
    sr_store_schema_free(s);
    types_put(m, key, *out);
    return 0;
}

/* ---- levels: subject -> context -> global -> default (scope.c's order) ---- */

typedef struct levels {
    char **scopes; /* subjects and ":.ctx:" scopes with a level of their own, sorted */
    unsigned char *level;
    size_t n;
    unsigned char global; /* the global level, or the server's default */
} levels;

static int levels_read(levels *out, const sr_registry *r, sr_tx *tx, sr_err *err)
{
    json_t *c = NULL;
    size_t n = 0;
    sr_compat_level l;

    *out = (levels){NULL, NULL, 0, (unsigned char)r->opt.default_level};
    if (sr_registry__config_at(&c, tx, NULL, err) < 0)
        return -1;
    if (sr_compat_level_parse(&l, json_string_value(json_object_get(c, "compatibilityLevel")),
                              NULL) == 0)
        out->global = (unsigned char)l;
    json_decref(c);
    if (sr_store_setting_scopes(&out->scopes, &n, tx, SR_SETTING_CONFIG, err) < 0)
        return -1;
    out->n = n;
    out->level = sr_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        c = NULL;
        if (sr_registry__config_at(&c, tx, out->scopes[i], err) < 0)
            return -1;
        out->level[i] = sr_compat_level_parse(&l, json_string_value(json_object_get(
                                                      c, "compatibilityLevel")),
                                              NULL) == 0
                            ? (unsigned char)l
                            : 255; /* a config without a level (normalize only) */
        json_decref(c);
    }
    return 0;
}

static void levels_dispose(levels *l)
{
    sr_store_strings_free(l->scopes, l->n);
    free(l->level);
}

static int find_scope(const levels *l, const char *scope)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->scopes[mid], scope);
        if (c == 0)
            return l->level[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 255;
}

static unsigned char level_of(const levels *l, const char *subject)
{
    int own = l->n ? find_scope(l, subject) : 255;
    char *context, *scope;

    if (own != 255)
        return (unsigned char)own;
    if (l->n && !sr_registry__is_default_context(subject)) {
        context = sr_registry__context_of(subject);
        scope = sr_registry__context_scope(context);
        own = scope ? find_scope(l, scope) : 255;
        free(scope);
        free(context);
        if (own != 255)
            return (unsigned char)own;
    }
    return l->global;
}

/* ---- building ---- */

/* The entry of one subject from its versions vs[0..n) (ascending). */
static int entry_of(entry *e, type_map *types, sr_tx *tx, const sr_store_version *vs, size_t n,
                    sr_err *err)
{
    int at = sr_registry__latest(vs, n);
    char *context;
    int rc;

    e->all_deleted = at < 0;
    if (at < 0)
        at = (int)n - 1;
    e->version = vs[at].version;
    e->id = vs[at].id;
    e->ts = vs[at].ts;
    e->live = 0;
    for (size_t i = 0; i < n; i++)
        e->live += !vs[i].deleted;
    context = sr_registry__context_of(vs[at].subject);
    rc = type_of(&e->type, types, tx, context, vs[at].id, err);
    free(context);
    return rc;
}

static int build(snapshot **out, sr_registry *r, type_map *types, sr_err *err)
{
    unsigned long long changes = atomic_load(&r->changes);
    unsigned long long removals = atomic_load(&r->removals);
    sr_store_version *vs = NULL;
    levels lv = {0};
    sr_buf names = SR_BUF_INIT;
    snapshot *s = NULL;
    sr_reading rd;
    size_t n = 0, i, j;
    int rc = -1;

    if (removals != types->removals) { /* some id lost its schema: types may be stale */
        types_clear(types);
        types->removals = removals;
    }
    /* the counters first, the transaction second (see the file comment) */
    if (sr_registry__read_begin(&rd, r, err) < 0)
        return -1;
    if (sr_store_all_versions(&vs, &n, rd.tx, "", err) < 0 || levels_read(&lv, r, rd.tx, err) < 0)
        goto out;
    s = sr_xcalloc(1, sizeof(*s));
    s->changes = changes;
    s->v = sr_xcalloc(n ? n : 1, sizeof(*s->v));
    for (i = 0; i < n; i = j) {
        entry *e = &s->v[s->n++];
        for (j = i + 1; j < n && strcmp(vs[j].subject, vs[i].subject) == 0; j++)
            ;
        if (entry_of(e, types, rd.tx, vs + i, j - i, err) < 0)
            goto out;
        e->level = level_of(&lv, vs[i].subject);
        e->name = (const char *)(uintptr_t)names.len; /* an offset until the arena is final */
        sr_buf_put(&names, vs[i].subject, strlen(vs[i].subject) + 1);
    }
    s->arena = sr_buf_detach(&names);
    for (i = 0; i < s->n; i++)
        s->v[i].name = s->arena + (uintptr_t)s->v[i].name;
    s->built_ms = now_ms();
    atomic_init(&s->refs, 1);
    *out = s;
    s = NULL;
    rc = 0;
out:
    sr_registry__read_end(&rd);
    if (s) {
        free(s->v);
        free(s);
    }
    sr_buf_dispose(&names);
    levels_dispose(&lv);
    sr_store_versions_free(vs, n);
    return rc;
}

/* A reference to an index no older than the last write (release with snapshot_release). */
static int current(snapshot **out, sr_registry *r, sr_err *err)
{
    struct sr_subject_index *ix = r->index;
    snapshot *s = NULL;
    int rc = 0;

    pthread_mutex_lock(&ix->lock);
    s = ix->current;
    if (!s || s->changes != atomic_load(&r->changes) ||
        now_ms() - s->built_ms > SEARCH_MAX_AGE_MS) {
        rc = build(&s, r, &ix->types, err);
        if (rc == 0) {
            snapshot_release(ix->current);
            ix->current = s;
        }
    }
    if (rc == 0)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&ix->lock);
    *out = s;
    return rc;
}

/* ---- searching ---- */

/* The first entry whose name is greater than `name` (or >= when `inclusive`). */
static size_t bound(const snapshot *s, const char *name, int inclusive)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->v[mid].name, name);
        if (c < 0 || (c == 0 && !inclusive))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Is this regular expression one we run? glibc's matcher backtracks on back-references. */
static int regex_compile(regex_t *re, const char *pattern, sr_err *err)
{
    char msg[128];
    int rc;

    if (strlen(pattern) > REGEX_MAX_BYTES)
        return sr_err_set(err, 400, "The regular expression is longer than %d bytes",
                          REGEX_MAX_BYTES);
    for (const char *p = pattern; *p; p++) {
        if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
            return sr_err_set(err, 400, "Back-references are not allowed in the regular "
                                        "expression");
        if (*p == '\\' && p[1])
            p++;
    }
    rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        regerror(rc, re, msg, sizeof(msg));
        regfree(re);
        return sr_err_set(err, 400, "Invalid regular expression: %s", msg);
    }
    return 0;
}

static int name_matches(const entry *e, const sr_search *q, const regex_t *re)
{
    if (!q->query || !*q->query)
        return 1;
    switch (q->match) {
    case SR_MATCH_PREFIX:
        return strncmp(e->name, q->query, strlen(q->query)) == 0;
    case SR_MATCH_REGEX:
        return regexec(re, e->name, 0, NULL, 0) == 0;
    default:
        return strcasestr(e->name, q->query) != NULL;
    }
}

static json_t *entry_json(const entry *e)
{
    json_t *o = json_object();

    json_object_set_new(o, "subject", sr_registry__string(e->name));
    json_object_set_new(o, "schemaType",
                        e->type == TYPE_UNKNOWN ? json_null()
                                                : json_string(sr_schema_type_name(e->type)));
    json_object_set_new(o, "version", json_integer(e->version));
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "versions", json_integer(e->live));
    json_object_set_new(o, "deleted", json_boolean(e->all_deleted));
    json_object_set_new(o, "compatibility", json_string(sr_compat_level_name(e->level)));
    json_object_set_new(o, "ts", json_integer(e->ts));
    return o;
}

static void scan(json_t *list, json_t **next, const snapshot *s, const sr_search *q,
                 const regex_t *re, const sr_subject_filter *filter)
{
    size_t i = q->after ? bound(s, q->after, 0) : 0, last = 0;
    int prefix = q->match == SR_MATCH_PREFIX && q->query && *q->query;
    size_t qlen = prefix ? strlen(q->query) : 0;
    int found = 0;

    if (prefix && bound(s, q->query, 1) > i) /* sorted: the prefix's names are together */
        i = bound(s, q->query, 1);
    for (; i < s->n; i++) {
        const entry *e = &s->v[i];
        if (prefix && strncmp(e->name, q->query, qlen) != 0)
            break;
        if ((e->all_deleted && !q->deleted) || (q->type >= 0 && e->type != q->type) ||
            (q->level >= 0 && e->level != q->level) || !name_matches(e, q, re) ||
            (filter && !filter->may_read(filter->ctx, e->name)))
            continue;
        if (found == q->limit) { /* one more than the page: the next page starts after last */
            *next = sr_registry__string(s->v[last].name);
            break;
        }
        json_array_append_new(list, entry_json(e));
        last = i;
        found++;
    }
}

int sr_registry_search(json_t **out, sr_registry *r, const sr_search *q,
                       const sr_subject_filter *filter, sr_err *err)
{
    json_t *list, *next = NULL, *o;
    snapshot *s = NULL;
    regex_t re;
    int have_re = q->match == SR_MATCH_REGEX && q->query && *q->query;

    if (have_re && regex_compile(&re, q->query, err) < 0)
        return -1;
    if (current(&s, r, err) < 0) {
        if (have_re)
            regfree(&re);
        return -1;
    }
    list = json_array();
    if (s->n)
        scan(list, &next, s, q, have_re ? &re : NULL, filter);
    snapshot_release(s);
    if (have_re)
        regfree(&re);
    o = json_object();
    json_object_set_new(o, "subjects", list);
    json_object_set_new(o, "next", next ? next : json_null());
    *out = o;
    return 0;
}
