/* avro/avro.compat.c -- Avro schema resolution: can a reader schema read data written with a writer
 * schema? The rules of Avro's SchemaCompatibility as Confluent reports them
 * (compatibility-rules.md §2): recursive, memoized per (reader, writer) pair with a pair in
 * progress counting as compatible, every incompatibility reported with its location.
 *
 * All input is hostile, so every step is near-linear: the memo is a hash table, writer fields
 * are found through a sorted index of their names, enum symbols through a sorted copy, and a
 * reader union is searched only among the branches that could read the writer's type (its kind,
 * a promotion of it, or a named type of the same name or alias). Recursion stops with an error
 * beyond SR_COMPAT_MAX_DEPTH levels. */
#include "compat/avro/avro.h"
#include "compat/format.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sorted array of names (compat/format.h). */
typedef struct name_index {
    sr_name_ix *v;
    size_t n;
} name_index;

/* A reader union's branches by what they can read. */
typedef struct union_index {
    long by_kind[AV_FIXED + 1]; /* the branch of each unnamed kind, or -1 */
    name_index by_name;         /* named branches by simple name */
    name_index by_alias;        /* named branches by each of their aliases (full names) */
} union_index;

typedef struct memo_entry {
    int done;        /* 0 while in progress */
    size_t *result;  /* the findings it produced (arena indices), reported again when it recurs */
    size_t nresult;
} memo_entry;

typedef struct loc_token {
    const char *word; /* a fixed token, or NULL for `number` */
    size_t number;
} loc_token;

typedef struct checker {
    sr_fmt_finding *arena; /* every finding made, owned; the answer refers to them by index */
    size_t narena, carena;
    size_t *res;           /* the answer so far: arena indices (trials are dropped from it) */
    size_t nres, cres;
    sr_pairmap memo;       /* (reader, writer) -> memo index + 1 */
    memo_entry *memos;
    size_t nmemos, cmemos;
    sr_pairmap caches;     /* (node, CACHE_*) -> index into `indexes` + 1 */
    struct cached *indexes; /* owned */
    size_t nindexes;
    loc_token *loc;        /* the location, token by token */
    size_t nloc, cloc;
    int level;             /* recursion depth of check() */
    int too_deep;          /* SR_COMPAT_MAX_DEPTH reached: the check fails */
    int aborted;           /* a reader field matched several writer fields */
    size_t abort_finding;  /* its arena index */
} checker;

enum { CACHE_FIELDS = 1, CACHE_SYMBOLS, CACHE_UNION };

/* An index built for one node: a name_index (CACHE_FIELDS, CACHE_SYMBOLS) or a union_index. */
struct cached {
    int kind;
    void *index; /* owned */
};

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return v;
    while (*cap < need)
        *cap = *cap ? 2 * *cap : 16;
    return sr_xrealloc(v, *cap * size);
}

/* ---- location ---- */

static void push(checker *c, const char *word, size_t number)
{
    c->loc = grow(c->loc, &c->cloc, c->nloc + 1, sizeof(*c->loc));
    c->loc[c->nloc++] = (loc_token){word, number};
}

static void pop(checker *c)
{
    c->nloc--;
}

/* "/fields/0/type", with ~ and / escaped as JSON pointers do; "/" at the root. */
static char *location(const checker *c)
{
    sr_buf b = SR_BUF_INIT;

    for (size_t i = 0; i < c->nloc; i++) {
        sr_buf_putc(&b, '/');
        if (!c->loc[i].word) {
            sr_buf_printf(&b, "%zu", c->loc[i].number);
            continue;
        }
        for (const char *p = c->loc[i].word; *p; p++) {
            if (*p == '~')
                sr_buf_puts(&b, "~0");
            else if (*p == '/')
                sr_buf_puts(&b, "~1");
            else
                sr_buf_putc(&b, *p);
        }
    }
    if (b.len == 0)
        sr_buf_putc(&b, '/');
    return sr_buf_detach(&b);
}

static const char *upper(av_kind k)
{
    static const char *const names[] = {"NULL", "BOOLEAN", "INT", "LONG", "FLOAT", "DOUBLE",
                                        "BYTES", "STRING", "RECORD", "ENUM", "ARRAY", "MAP",
                                        "UNION", "FIXED"};
    return names[k];
}

/* ---- the answer ---- */

static void answer(checker *c, size_t finding)
{
    c->res = grow(c->res, &c->cres, c->nres + 1, sizeof(*c->res));
    c->res[c->nres++] = finding;
}

static size_t keep(checker *c, sr_fmt_finding f)
{
    c->arena = grow(c->arena, &c->carena, c->narena + 1, sizeof(*c->arena));
    c->arena[c->narena] = f;
    return c->narena++;
}

/* Record one incompatibility of the pair (r, w) in Confluent's wording. `desc` has "%L" where the
 * location goes and "%I" where `info` goes, and keeps the two "%s" placeholders for the level
 * logic. The key names the pair of nodes, in either order, so that the same difference read the
 * other way has the same key; `one_way` adds the info for differences that are not the same fact
 * read the other way (symbols missing from one side, a field missing from one side). */
static void report(checker *c, const av_type *r, const av_type *w, const char *type,
                   const char *desc, const char *info, int one_way)
{
    const void *lo = (const void *)r < (const void *)w ? (const void *)r : (const void *)w;
    const void *hi = lo == (const void *)r ? (const void *)w : (const void *)r;
    char *loc = location(c);
    sr_buf b = SR_BUF_INIT, key = SR_BUF_INIT;

    sr_buf_printf(&b, "{errorType:'%s', description:'", type);
    for (const char *p = desc; *p; p++) {
        if (p[0] == '%' && (p[1] == 'L' || p[1] == 'I')) {
            sr_buf_puts(&b, p[1] == 'L' ? loc : info);
            p++;
        } else {
            sr_buf_putc(&b, *p);
        }
    }
    sr_buf_printf(&b, "', additionalInfo:'%s'}", info);
    sr_buf_printf(&key, "%s|%p|%p|%s", type, lo, hi, one_way ? info : "");
    answer(c, keep(c, (sr_fmt_finding){type, loc, sr_buf_detach(&b), sr_buf_detach(&key),
                                       {0, 0}, {0, 0}}));
}

static void type_mismatch(checker *c, const av_type *r, const av_type *w)
{
    sr_buf info = SR_BUF_INIT;

    sr_buf_printf(&info, "reader type: %s not compatible with writer type: %s", upper(r->kind),
                  upper(w->kind));
    report(c, r, w, "TYPE_MISMATCH",
           "The type (path '%L') of a field in the %s schema does not match with the %s schema",
           info.ptr, 0);
    sr_buf_dispose(&info);
}

static void missing_branch(checker *c, const av_type *r, const av_type *w)
{
    sr_buf info = SR_BUF_INIT;

    sr_buf_printf(&info, "reader union lacking writer type: %s", upper(w->kind));
    report(c, r, w, "MISSING_UNION_BRANCH",
           "The %s schema is missing a type inside a union field at path '%L' in the %s schema",
           info.ptr, 1);
    sr_buf_dispose(&info);
}

static size_t check(checker *c, const av_type *r, const av_type *w);

/* Forget the answer given since it had `n` findings (a trial's). */
static void drop_since(checker *c, size_t n)
{
    c->nres = n;
}

/* ---- indexes, built once per node ---- */

static void name_index_sort(name_index *ix)
{
    sr_name_ix_sort(ix->v, ix->n);
}

static const sr_name_ix *name_index_find(const name_index *ix, const char *name)
{
    return sr_name_ix_find(ix->v, ix->n, name);
}

static void *cached(checker *c, const av_type *node, int kind)
{
    size_t *slot = sr_pairmap_get(&c->caches, node, (const void *)(size_t)kind);
    return slot ? c->indexes[*slot - 1].index : NULL;
}

static void *cache(checker *c, const av_type *node, int kind, void *index)
{
    c->indexes = sr_xrealloc(c->indexes, (c->nindexes + 1) * sizeof(*c->indexes));
    c->indexes[c->nindexes++] = (struct cached){kind, index};
    *sr_pairmap_put(&c->caches, node, (const void *)(size_t)kind) = c->nindexes;
    return index;
}

/* A writer record's fields by name. */
static const name_index *fields_of(checker *c, const av_type *w)
{
    name_index *ix = cached(c, w, CACHE_FIELDS);

    if (ix)
        return ix;
    ix = sr_xcalloc(1, sizeof(*ix));
    ix->v = sr_xcalloc(w->nfields + 1, sizeof(*ix->v));
    for (size_t k = 0; k < w->nfields; k++)
        ix->v[ix->n++] = (sr_name_ix){w->fields[k].name, k};
    name_index_sort(ix);
    return cache(c, w, CACHE_FIELDS, ix);
}

/* A reader enum's symbols, sorted. */
static const name_index *symbols_of(checker *c, const av_type *r)
{
    name_index *ix = cached(c, r, CACHE_SYMBOLS);

    if (ix)
        return ix;
    ix = sr_xcalloc(1, sizeof(*ix));
    ix->v = sr_xcalloc(r->nsymbols + 1, sizeof(*ix->v));
    for (size_t k = 0; k < r->nsymbols; k++)
        ix->v[ix->n++] = (sr_name_ix){r->symbols[k], k};
    name_index_sort(ix);
    return cache(c, r, CACHE_SYMBOLS, ix);
}

static int is_named(av_kind k)
{
    return k == AV_RECORD || k == AV_ENUM || k == AV_FIXED;
}

static void free_cached(struct cached *e)
{
    if (e->kind == CACHE_UNION) {
        union_index *u = e->index;
        free(u->by_name.v);
        free(u->by_alias.v);
    } else {
        free(((name_index *)e->index)->v);
    }
    free(e->index);
}

/* A reader union's branches by kind, name and alias. */
static const union_index *branches_of(checker *c, const av_type *r)
{
    union_index *u = cached(c, r, CACHE_UNION);
    size_t naliases = 0, i;
    json_t *a;

    if (u)
        return u;
    u = sr_xcalloc(1, sizeof(*u));
    for (int k = 0; k <= AV_FIXED; k++)
        u->by_kind[k] = -1;
    for (size_t b = 0; b < r->nbranches; b++)
        naliases += json_array_size(r->branches[b]->aliases);
    u->by_name.v = sr_xcalloc(r->nbranches + 1, sizeof(*u->by_name.v));
    u->by_alias.v = sr_xcalloc(naliases + 1, sizeof(*u->by_alias.v));
    for (size_t b = 0; b < r->nbranches; b++) {
        const av_type *t = r->branches[b];
        if (!is_named(t->kind)) {
            if (u->by_kind[t->kind] < 0)
                u->by_kind[t->kind] = (long)b;
            continue;
        }
        u->by_name.v[u->by_name.n++] = (sr_name_ix){t->name, b};
        json_array_foreach(t->aliases, i, a)
            u->by_alias.v[u->by_alias.n++] = (sr_name_ix){json_string_value(a), b};
    }
    name_index_sort(&u->by_name);
    name_index_sort(&u->by_alias);
    return cache(c, r, CACHE_UNION, u);
}

/* ---- the rules ---- */

/* Names match by simple name, or a reader alias equal to the writer's full name. */
static void check_names(checker *c, const av_type *r, const av_type *w)
{
    size_t i;
    json_t *a;
    sr_buf info = SR_BUF_INIT;

    if (strcmp(r->name, w->name) == 0)
        return;
    json_array_foreach(r->aliases, i, a) if (strcmp(json_string_value(a), w->fullname) == 0) return;
    push(c, "name", 0);
    sr_buf_printf(&info, "expected: %s", w->fullname);
    report(c, r, w, "NAME_MISMATCH", "The name of the schema has changed (path '%L')", info.ptr, 0);
    sr_buf_dispose(&info);
    pop(c);
}

/* The writer field a reader field reads: same name, else one named by a reader alias. Several
 * matches abort the whole check (Avro throws; Confluent reports the exception's text alone). */
static const av_field *writer_field(checker *c, const av_type *r, const av_type *w,
                                    const av_field *rf)
{
    const name_index *ix = fields_of(c, w);
    const av_field *found = NULL;
    const sr_name_ix *e;
    size_t i;
    json_t *a;

    if ((e = name_index_find(ix, rf->name)))
        return &w->fields[e->index];
    json_array_foreach(rf->aliases, i, a) {
        const char *alias = json_string_value(a);
        for (e = name_index_find(ix, alias); e && e < ix->v + ix->n && !strcmp(e->name, alias);
             e++) {
            if (found && found != &w->fields[e->index]) {
                sr_buf msg = SR_BUF_INIT, key = SR_BUF_INIT;
                sr_buf_printf(&msg, "Unexpected exception during compatibility check: "
                                    "Reader field %s matches multiple fields in writer", rf->name);
                sr_buf_printf(&key, "AMBIGUOUS_FIELD_ALIAS|%p|%p|%s", (const void *)r,
                              (const void *)w, rf->name);
                c->aborted = 1;
                c->abort_finding = keep(c, (sr_fmt_finding){"AMBIGUOUS_FIELD_ALIAS", location(c),
                                                            sr_buf_detach(&msg),
                                                            sr_buf_detach(&key), {0, 0},
                                                            {0, 0}});
                return NULL;
            }
            found = &w->fields[e->index];
        }
    }
    return found;
}

static void check_record(checker *c, const av_type *r, const av_type *w)
{
    push(c, "fields", 0);
    for (size_t i = 0; i < r->nfields && !c->aborted && !c->too_deep; i++) {
        const av_field *rf = &r->fields[i];
        const av_field *wf;
        push(c, NULL, i);
        wf = writer_field(c, r, w, rf);
        if (c->aborted) {
            pop(c);
            break;
        }
        if (wf) {
            push(c, "type", 0);
            check(c, rf->type, wf->type);
            pop(c);
        } else if (!rf->def) {
            /* Avro's oddity: an enum with a default is compared against the writer record. */
            if (rf->type->kind == AV_ENUM && rf->type->enum_default) {
                push(c, "type", 0);
                check(c, rf->type, w);
                pop(c);
            } else {
                report(c, r, w, "READER_FIELD_MISSING_DEFAULT_VALUE",
                       "The field '%I' at path '%L' in the %s schema has no default value "
                       "and is missing in the %s schema", rf->name, 1);
            }
        }
        pop(c);
    }
    pop(c);
}

static int strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_enum(checker *c, const av_type *r, const av_type *w)
{
    const char **missing;
    size_t nmissing = 0;
    sr_buf info = SR_BUF_INIT;

    if (r->enum_default)
        return; /* a reader default takes any symbol */
    missing = sr_xcalloc(w->nsymbols + 1, sizeof(*missing));
    for (size_t i = 0; i < w->nsymbols; i++)
        if (!name_index_find(symbols_of(c, r), w->symbols[i]))
            missing[nmissing++] = w->symbols[i];
    if (nmissing) {
        qsort(missing, nmissing, sizeof(*missing), strcmp_p);
        sr_buf_putc(&info, '[');
        for (size_t i = 0; i < nmissing; i++)
            sr_buf_printf(&info, "%s%s", i ? ", " : "", missing[i]);
        sr_buf_putc(&info, ']');
        push(c, "symbols", 0);
        report(c, r, w, "MISSING_ENUM_SYMBOLS",
               "The %s schema is missing enum symbols '%I' at path '%L' in the %s schema",
               info.ptr, 1);
        pop(c);
    }
    sr_buf_dispose(&info);
    free(missing);
}

/* Reader union against a non-union writer: some branch must accept it. */
static void check_reader_union(checker *c, const av_type *r, const av_type *w);

/* Same kinds on both sides. */
static void check_same_kind(checker *c, const av_type *r, const av_type *w)
{
    sr_buf info = SR_BUF_INIT;

    switch (r->kind) {
    case AV_ARRAY:
    case AV_MAP:
        push(c, r->kind == AV_ARRAY ? "items" : "values", 0);
        check(c, r->items, w->items);
        pop(c);
        break;
    case AV_FIXED:
        check_names(c, r, w);
        if (r->size != w->size) {
            push(c, "size", 0);
            sr_buf_printf(&info, "expected: %lld, found: %lld", w->size, r->size);
            report(c, r, w, "FIXED_SIZE_MISMATCH", "The size of FIXED type field at path '%L' "
                   "in the %s schema does not match with the %s schema", info.ptr, 0);
            pop(c);
        }
        break;
    case AV_ENUM:
        check_names(c, r, w);
        check_enum(c, r, w);
        break;
    case AV_RECORD:
        check_names(c, r, w);
        check_record(c, r, w);
        break;
    case AV_UNION: /* every writer branch must be readable by the reader union */
        for (size_t i = 0; i < w->nbranches && !c->aborted && !c->too_deep; i++) {
            size_t before = c->nres;
            push(c, NULL, i);
            if (check(c, r, w->branches[i])) {
                drop_since(c, before); /* only the missing branch is reported, not its cause */
                missing_branch(c, r, w->branches[i]);
            }
            pop(c);
        }
        break;
    default:
        break; /* same primitive */
    }
    sr_buf_dispose(&info);
}

static int promotable(av_kind r, av_kind w)
{
    switch (r) {
    case AV_LONG:
        return w == AV_INT;
    case AV_FLOAT:
        return w == AV_INT || w == AV_LONG;
    case AV_DOUBLE:
        return w == AV_INT || w == AV_LONG || w == AV_FLOAT;
    case AV_BYTES:
        return w == AV_STRING;
    case AV_STRING:
        return w == AV_BYTES;
    default:
        return 0;
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The reader branches that might read `w`, in branch order: any other branch would fail on its
 * kind or name alone (Avro tries every branch in order; the first that reads `w` wins). */
static size_t union_candidates(size_t **out, checker *c, const av_type *r, const av_type *w)
{
    const union_index *u = branches_of(c, r);
    size_t n = 0, cap = 0, *v = NULL;
    const sr_name_ix *e;

    for (int k = 0; k <= AV_FIXED; k++) {
        if (u->by_kind[k] < 0 || (k != (int)w->kind && !promotable((av_kind)k, w->kind)))
            continue;
        v = grow(v, &cap, n + 1, sizeof(*v));
        v[n++] = (size_t)u->by_kind[k];
    }
    if (is_named(w->kind)) {
        for (e = name_index_find(&u->by_name, w->name);
             e && e < u->by_name.v + u->by_name.n && !strcmp(e->name, w->name); e++) {
            v = grow(v, &cap, n + 1, sizeof(*v));
            v[n++] = e->index;
        }
        for (e = name_index_find(&u->by_alias, w->fullname);
             e && e < u->by_alias.v + u->by_alias.n && !strcmp(e->name, w->fullname); e++) {
            v = grow(v, &cap, n + 1, sizeof(*v));
            v[n++] = e->index;
        }
    }
    if (n > 1) { /* in branch order, each once */
        size_t kept = 1;
        qsort(v, n, sizeof(*v), cmp_size);
        for (size_t i = 1; i < n; i++)
            if (v[i] != v[kept - 1])
                v[kept++] = v[i];
        n = kept;
    }
    *out = v;
    return n;
}

static void check_reader_union(checker *c, const av_type *r, const av_type *w)
{
    size_t *cands = NULL, n = union_candidates(&cands, c, r, w);

    for (size_t i = 0; i < n; i++) {
        const av_type *b = r->branches[cands[i]];
        size_t before = c->nres, found = check(c, b, w);
        drop_since(c, before); /* a trial: its findings are not part of the answer */
        if (found == 0) {
            free(cands);
            return;
        }
    }
    free(cands);
    missing_branch(c, r, w);
}

/* Check one pair; returns how many findings it added to the answer (0 = compatible). */
static size_t check(checker *c, const av_type *r, const av_type *w)
{
    size_t before = c->nres, *slot, m;
    memo_entry *e;

    if (c->aborted || c->too_deep)
        return 0;
    if ((slot = sr_pairmap_get(&c->memo, r, w))) {
        e = &c->memos[*slot - 1];
        if (!e->done)
            return 0; /* recursion in progress counts as compatible */
        for (size_t k = 0; k < e->nresult; k++) /* the memoized result, reported again */
            answer(c, e->result[k]);
        return e->nresult;
    }
    if (c->level >= SR_COMPAT_MAX_DEPTH) {
        c->too_deep = 1;
        return 0;
    }
    c->memos = grow(c->memos, &c->cmemos, c->nmemos + 1, sizeof(*c->memos));
    m = c->nmemos++;
    c->memos[m] = (memo_entry){0, NULL, 0};
    *sr_pairmap_put(&c->memo, r, w) = m + 1;
    c->level++;

    if (r->kind == w->kind) {
        check_same_kind(c, r, w);
    } else if (w->kind == AV_UNION) { /* the reader must read every writer branch */
        for (size_t i = 0; i < w->nbranches && !c->aborted && !c->too_deep; i++) {
            push(c, NULL, i);
            check(c, r, w->branches[i]);
            pop(c);
        }
    } else if (r->kind == AV_UNION) {
        check_reader_union(c, r, w);
    } else if (!promotable(r->kind, w->kind)) {
        type_mismatch(c, r, w);
    }
    c->level--;
    e = &c->memos[m];
    e->done = 1;
    e->nresult = c->nres - before;
    if (e->nresult) {
        e->result = sr_xmalloc(e->nresult * sizeof(*e->result));
        memcpy(e->result, c->res + before, e->nresult * sizeof(*e->result));
    }
    return e->nresult;
}

static void copy_finding(sr_fmt_findings *out, const sr_fmt_finding *f)
{
    sr_fmt_findings_push(out, (sr_fmt_finding){f->type, sr_xstrdup(f->path),
                                               sr_xstrdup(f->message),
                                               f->key ? sr_xstrdup(f->key) : NULL, f->reader,
                                               f->writer});
}

int sr_avro_read_compat(sr_fmt_findings *out, const av_schema *reader, const av_schema *writer,
                        sr_err *err)
{
    checker *c = sr_xcalloc(1, sizeof(*c));
    int rc = 0;

    check(c, reader->root, writer->root);
    if (c->too_deep) {
        rc = sr_err_set(err, 42201, "The schemas nest deeper than %d levels; their "
                        "compatibility cannot be checked", SR_COMPAT_MAX_DEPTH);
    } else if (c->aborted) { /* the exception's text alone */
        copy_finding(out, &c->arena[c->abort_finding]);
    } else {
        for (size_t i = 0; i < c->nres; i++)
            copy_finding(out, &c->arena[c->res[i]]);
    }
    for (size_t i = 0; i < c->narena; i++) {
        free(c->arena[i].path);
        free(c->arena[i].message);
        free(c->arena[i].key);
    }
    for (size_t i = 0; i < c->nmemos; i++)
        free(c->memos[i].result);
    for (size_t i = 0; i < c->nindexes; i++)
        free_cached(&c->indexes[i]);
    free(c->indexes);
    free(c->arena);
    free(c->res);
    free(c->memos);
    free(c->loc);
    sr_pairmap_dispose(&c->memo);
    sr_pairmap_dispose(&c->caches);
    free(c);
    return rc;
}

void sr_avro_record_names(sr_strlist *out, const av_schema *s)
{
    if (s->root && is_named(s->root->kind))
        sr_strlist_add(out, s->root->fullname);
}
