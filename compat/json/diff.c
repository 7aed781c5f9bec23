/* json/diff.c -- Confluent's JSON Schema diff (compatibility-rules.md §4.2-§4.4) over the model.
 *
 * compare(original, update) walks both models together, appending "<TYPE> <path>" differences.
 * As Confluent does, each (original node, update node) pair is compared once: its differences are
 * kept relative to the pair and rebased onto every path that reaches it, and a pair met again
 * while it is being compared (a $ref cycle) counts as compatible; the passes repeat, feeding back
 * the pairs found incompatible, until that assumption no longer changes the answer. A budget of
 * pair comparisons bounds the cost of combined schemas (every element against every element). */
#include "compat/json/model.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- difference types ---- */

static const char *const compatible_strict[] = {
    "ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED", "SCHEMA_REMOVED",
    "TYPE_EXTENDED", "MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED",
    "MIN_LENGTH_REMOVED", "PATTERN_REMOVED", "MAXIMUM_INCREASED", "MAXIMUM_REMOVED",
    "MINIMUM_DECREASED", "MINIMUM_REMOVED", "EXCLUSIVE_MAXIMUM_INCREASED",
    "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MINIMUM_DECREASED", "EXCLUSIVE_MINIMUM_REMOVED",
    "MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED", "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "REQUIRED_ATTRIBUTE_REMOVED", "DEPENDENCY_ARRAY_NARROWED", "DEPENDENCY_ARRAY_REMOVED",
    "DEPENDENCY_SCHEMA_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED",
    "MIN_PROPERTIES_DECREASED", "MIN_PROPERTIES_REMOVED", "ADDITIONAL_PROPERTIES_ADDED",
    "ADDITIONAL_PROPERTIES_EXTENDED", "UNEVALUATED_PROPERTIES_ADDED",
    "UNEVALUATED_PROPERTIES_EXTENDED", "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "MAX_ITEMS_INCREASED",
    "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED", "MAX_CONTAINS_INCREASED",
    "MAX_CONTAINS_REMOVED", "MIN_CONTAINS_DECREASED", "MIN_CONTAINS_REMOVED",
    "UNIQUE_ITEMS_REMOVED", "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED",
    "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_EXTENDED",
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ENUM_ARRAY_EXTENDED",
    "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "SUM_TYPE_EXTENDED", "NOT_TYPE_NARROWED",
    NULL};

static const char *const compatible_lenient[] = {
    "ADDITIONAL_PROPERTIES_NARROWED", "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_NARROWED", "UNEVALUATED_PROPERTIES_REMOVED",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", NULL};

int sr_jdiff_is_compatible(const char *type, int lenient)
{
    for (int i = 0; compatible_strict[i]; i++)
        if (!strcmp(type, compatible_strict[i]))
            return 1;
    for (int i = 0; lenient && compatible_lenient[i]; i++)
        if (!strcmp(type, compatible_lenient[i]))
            return 1;
    return 0;
}

/* ---- messages (Confluent's Difference.toString) ---- */

static int in(const char *type, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(type, set[i]))
            return 1;
    return 0;
}

char *sr_jdiff_message(const sr_jdiff *d)
{
    static const char *const added_removed[] = {
        "MAXIMUM_ADDED", "MINIMUM_ADDED", "EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MINIMUM_ADDED",
        "MULTIPLE_OF_ADDED", "MAX_LENGTH_ADDED", "MIN_LENGTH_ADDED", "PATTERN_ADDED",
        "REQUIRED_ATTRIBUTE_ADDED", "MAX_PROPERTIES_ADDED", "MIN_PROPERTIES_ADDED",
        "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_SCHEMA_ADDED", "MAX_ITEMS_ADDED", "MIN_ITEMS_ADDED",
        "MAX_CONTAINS_ADDED", "MIN_CONTAINS_ADDED", "UNIQUE_ITEMS_ADDED", "ADDITIONAL_ITEMS_REMOVED",
        "ADDITIONAL_PROPERTIES_REMOVED", "UNEVALUATED_PROPERTIES_REMOVED",
        "UNEVALUATED_ITEMS_REMOVED", NULL};
    static const char *const increased[] = {
        "MIN_LENGTH_INCREASED", "MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_INCREASED",
        "MIN_PROPERTIES_INCREASED", "MULTIPLE_OF_EXPANDED", "MIN_ITEMS_INCREASED",
        "MIN_CONTAINS_INCREASED", NULL};
    static const char *const decreased[] = {
        "MAX_LENGTH_DECREASED", "MAXIMUM_DECREASED", "MAX_ITEMS_DECREASED",
        "MAX_CONTAINS_DECREASED", "EXCLUSIVE_MAXIMUM_DECREASED", "MAX_PROPERTIES_DECREASED", NULL};
    static const char *const narrowed[] = {
        "ADDITIONAL_ITEMS_NARROWED", "ENUM_ARRAY_NARROWED", "SUM_TYPE_NARROWED",
        "ADDITIONAL_PROPERTIES_NARROWED", "UNEVALUATED_PROPERTIES_NARROWED",
        "UNEVALUATED_ITEMS_NARROWED", NULL};
    static const char *const value_changed[] = {"PATTERN_CHANGED", "MULTIPLE_OF_CHANGED",
                                                "DEPENDENCY_ARRAY_CHANGED", NULL};
    static const char *const type_changed[] = {
        "TYPE_CHANGED", "TYPE_NARROWED", "COMBINED_TYPE_CHANGED",
        "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "ENUM_ARRAY_CHANGED", NULL};
    static const char *const extended[] = {"DEPENDENCY_ARRAY_EXTENDED", "PRODUCT_TYPE_EXTENDED",
                                           "SUM_TYPE_EXTENDED", "NOT_TYPE_EXTENDED", NULL};
    static const char *const added_to_open[] = {
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", NULL};
    const char *t = d->type, *p = d->path;
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "{errorType:\"%s\", description:\"", t);
    if (in(t, added_removed))
        sr_buf_printf(&b, "The keyword at path '%s' in the %%s schema is not present in the %%s "
                      "schema", p);
    else if (in(t, increased))
        sr_buf_printf(&b, "The value at path '%s' in the %%s schema is more than its value in "
                      "the %%s schema", p);
    else if (in(t, decreased))
        sr_buf_printf(&b, "The value at path '%s' in the %%s schema is less than its value in "
                      "the %%s schema", p);
    else if (in(t, value_changed))
        sr_buf_printf(&b, "The value at path '%s' is different between the %%s and %%s schema", p);
    else if (in(t, narrowed))
        sr_buf_printf(&b, "An array or combined type at path '%s' has fewer elements in the %%s "
                      "schema than the %%s schema", p);
    else if (in(t, extended))
        sr_buf_printf(&b, "An array or combined type at path '%s' has more elements in the %%s "
                      "schema than the %%s schema", p);
    else if (in(t, type_changed))
        sr_buf_printf(&b, "A type at path '%s' is different between the %%s schema and the %%s "
                      "schema", p);
    else if (in(t, added_to_open))
        sr_buf_printf(&b, "The %%s schema has an open content model and has a property or item "
                      "at path '%s' which is missing in the %%s schema", p);
    else if (!strcmp(t, "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"))
        sr_buf_printf(&b, "The %%s schema has an unopen content model and has a required "
                      "property at path '%s' which is missing in the %%s schema", p);
    else if (!strcmp(t, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL") ||
             !strcmp(t, "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"))
        sr_buf_printf(&b, "The %%s has a closed content model and is missing a property or item "
                      "present at path '%s' in the %%s schema", p);
    else if (!strcmp(t, "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL") ||
             !strcmp(t, "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"))
        sr_buf_printf(&b, "A property or item is missing in the %%s schema but present at path "
                      "'%s' in the %%s schema and is not covered by its partially open content "
                      "model", p);
    else if (!strcmp(t, "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL") ||
             !strcmp(t, "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"))
        sr_buf_printf(&b, "The %%s schema has a property or item at path '%s' which is missing "
                      "in the %%s schema and is not covered by its partially open content model",
                      p);
    sr_buf_puts(&b, "'}");
    return sr_buf_detach(&b);
}

/* ---- the comparison context ---- */

typedef struct rel {       /* a difference relative to a pair */
    const char *type;
    char *path;            /* relative: "" = the pair itself, else "a/b" */
    const sr_jv *o, *u;
} rel;

typedef struct rlist {
    rel *v;
    size_t n, cap;
} rlist;

static void rlist_add(rlist *l, const char *type, const char *path, const sr_jv *o,
                      const sr_jv *u)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = sr_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = (rel){type, sr_xstrdup(path), o, u};
}

static void rlist_dispose(rlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

typedef struct pair_key {
    const jm *o, *u;
    size_t list;
} pair_key;

/* What every context of one pass shares. */
typedef struct pass {
    pair_key *keys;        /* every memoized pair, in order */
    size_t nkeys;
    sr_pairmap memo;       /* pair -> 1 + index into lists: its relative differences */
    sr_pairmap busy;       /* pair -> 1 while being compared */
    sr_pairmap *seed;      /* pairs known incompatible from the previous pass (values as memo) */
    rlist *seed_lists;
    rlist *lists;
    size_t nlists, cap_lists;
    int optimism;          /* a cycle was assumed compatible */
    size_t *budget;        /* pair comparisons left, over every pass */
    int depth, failed;
    sr_err *err;
    struct regexes *regexes; /* patternProperties compiled, over every pass */
} pass;

typedef struct ctx {
    pass *p;
    sr_buf path;           /* relative to the pair being compared: "" or "a/b" */
    rlist out;
    const sr_jv *o_at, *u_at; /* the closest enclosing schema values, for positions */
} ctx;

static void ctx_init(ctx *c, pass *p, const char *path, const sr_jv *o_at, const sr_jv *u_at)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->path = (sr_buf)SR_BUF_INIT;
    sr_buf_puts(&c->path, path);
    c->o_at = o_at;
    c->u_at = u_at;
}

static void ctx_dispose(ctx *c)
{
    sr_buf_dispose(&c->path);
    rlist_dispose(&c->out);
}

static size_t enter(ctx *c, const char *seg)
{
    size_t len = c->path.len;

    if (len)
        sr_buf_putc(&c->path, '/');
    sr_buf_puts(&c->path, seg);
    return len;
}

static void leave(ctx *c, size_t len)
{
    sr_buf_truncate(&c->path, len);
}

static void add(ctx *c, const char *type, const sr_jv *o, const sr_jv *u)
{
    rlist_add(&c->out, type, c->path.ptr, o ? o : c->o_at, u ? u : c->u_at);
}

/* A keyword's difference at "<path>/<kw>", placed at the keyword's values. */
static void add_kw(ctx *c, const char *kw, const char *type)
{
    size_t len = enter(c, kw);
    add(c, type, sr_jobj_get(c->o_at, kw), sr_jobj_get(c->u_at, kw));
    leave(c, len);
}

static void take(ctx *c, rlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        rlist_add(&c->out, l->v[i].type, l->v[i].path, l->v[i].o, l->v[i].u);
}

static int compatible(const rlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!sr_jdiff_is_compatible(l->v[i].type, 0))
            return 0;
    return 1;
}

static void compare(ctx *c, const jm *o, const jm *u);

/* Compare in a sub-context at the current path: its differences are not kept unless taken. */
static void sub_compare(ctx *sub, ctx *c, const jm *o, const jm *u)
{
    ctx_init(sub, c->p, c->path.ptr, c->o_at, c->u_at);
    compare(sub, o, u);
}

/* ---- kinds ---- */

static int is_empty(const jm *n)
{
    return n->kind == JM_EMPTY || n->kind == JM_TRUE;
}

static int has_name(const sr_name_ix *ix, size_t n, const char *name)
{
    return sr_name_ix_find(ix, n, name) != NULL;
}

static const jm *prop_of(const jm *n, const char *name)
{
    const sr_name_ix *f = sr_name_ix_find(n->prop_ix, n->nprops, name);
    /* the last definition wins when merged partials define a property twice */
    if (!f)
        return NULL;
    while (f + 1 < n->prop_ix + n->nprops && !strcmp(f[1].name, name))
        f++;
    return n->props[f->index].schema;
}

static int required(const jm *n, const char *name)
{
    return has_name(n->req_ix, n->required.n, name);
}

/* ---- numbers and limits ---- */

static void limit(ctx *c, const char *kw, const sr_jv *o, const sr_jv *u, const char *added,
                  const char *removed, const char *up, const char *down)
{
    int cmp;

    if (!o && !u)
        return;
    if (!o) {
        add_kw(c, kw, added);
        return;
    }
    if (!u) {
        add_kw(c, kw, removed);
        return;
    }
    cmp = sr_jnum_cmp(o, u);
    if (cmp < 0)
        add_kw(c, kw, up);
    else if (cmp > 0)
        add_kw(c, kw, down);
}

/* Is the decimal `a` an integer multiple of the decimal `b` (b != 0)? */
static int multiple(const sr_jv *a, const sr_jv *b)
{
    double x = sr_jnum(a), y = sr_jnum(b), q;

    if (y == 0)
        return 0;
    q = x / y;
    return isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
}

static void compare_string(ctx *c, const jm *o, const jm *u)
{
    limit(c, "maxLength", o->max_length, u->max_length, "MAX_LENGTH_ADDED", "MAX_LENGTH_REMOVED",
          "MAX_LENGTH_INCREASED", "MAX_LENGTH_DECREASED");
    limit(c, "minLength", o->min_length, u->min_length, "MIN_LENGTH_ADDED", "MIN_LENGTH_REMOVED",
          "MIN_LENGTH_INCREASED", "MIN_LENGTH_DECREASED");
    if (!o->pattern && u->pattern)
        add_kw(c, "pattern", "PATTERN_ADDED");
    else if (o->pattern && !u->pattern)
        add_kw(c, "pattern", "PATTERN_REMOVED");
    else if (o->pattern && u->pattern && strcmp(o->pattern->u.str, u->pattern->u.str))
        add_kw(c, "pattern", "PATTERN_CHANGED");
}

static void compare_number(ctx *c, const jm *o, const jm *u)
{
    limit(c, "maximum", o->maximum, u->maximum, "MAXIMUM_ADDED", "MAXIMUM_REMOVED",
          "MAXIMUM_INCREASED", "MAXIMUM_DECREASED");
    limit(c, "minimum", o->minimum, u->minimum, "MINIMUM_ADDED", "MINIMUM_REMOVED",
          "MINIMUM_INCREASED", "MINIMUM_DECREASED");
    limit(c, "exclusiveMaximum", o->excl_max, u->excl_max, "EXCLUSIVE_MAXIMUM_ADDED",
          "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MAXIMUM_INCREASED",
          "EXCLUSIVE_MAXIMUM_DECREASED");
    limit(c, "exclusiveMinimum", o->excl_min, u->excl_min, "EXCLUSIVE_MINIMUM_ADDED",
          "EXCLUSIVE_MINIMUM_REMOVED", "EXCLUSIVE_MINIMUM_INCREASED",
          "EXCLUSIVE_MINIMUM_DECREASED");
    if (o->multiple_of || u->multiple_of) {
        if (!o->multiple_of)
            add_kw(c, "multipleOf", "MULTIPLE_OF_ADDED");
        else if (!u->multiple_of)
            add_kw(c, "multipleOf", "MULTIPLE_OF_REMOVED");
        else if (sr_jnum_cmp(o->multiple_of, u->multiple_of) == 0)
            ;
        else if (multiple(u->multiple_of, o->multiple_of))
            add_kw(c, "multipleOf", "MULTIPLE_OF_EXPANDED");
        else if (multiple(o->multiple_of, u->multiple_of))
            add_kw(c, "multipleOf", "MULTIPLE_OF_REDUCED");
        else
            add_kw(c, "multipleOf", "MULTIPLE_OF_CHANGED");
    }
    if (o->requires_integer != u->requires_integer)
        add(c, o->requires_integer ? "TYPE_EXTENDED" : "TYPE_NARROWED", NULL, NULL);
}

/* Does every value of `a` appear in `b`? (Sets of JSON values, by hash.) */
static int contains_all(const sr_jv *const *b, size_t nb, const sr_jv *const *a, size_t na)
{
    size_t cap = 16;
    const sr_jv **slots;
    int ok = 1;

    while (cap < 2 * nb + 2)
        cap *= 2;
    slots = sr_xcalloc(cap, sizeof(*slots));
    for (size_t i = 0; i < nb; i++) {
        size_t h = (size_t)sr_jv_hash(b[i]) & (cap - 1);
        while (slots[h] && !sr_jv_equal(slots[h], b[i]))
            h = (h + 1) & (cap - 1);
        slots[h] = b[i];
    }
    for (size_t i = 0; ok && i < na; i++) {
        size_t h = (size_t)sr_jv_hash(a[i]) & (cap - 1);
        while (slots[h] && !sr_jv_equal(slots[h], a[i]))
            h = (h + 1) & (cap - 1);
        ok = slots[h] != NULL;
    }
    free(slots);
    return ok;
}

static void compare_enum(ctx *c, const jm *o, const jm *u)
{
    int u_has_o = contains_all(u->values, u->nvalues, o->values, o->nvalues);
    int o_has_u = contains_all(o->values, o->nvalues, u->values, u->nvalues);

    if (u_has_o && o_has_u)
        return;
    add_kw(c, "enum", u_has_o ? "ENUM_ARRAY_EXTENDED" : o_has_u ? "ENUM_ARRAY_NARROWED"
                                                                : "ENUM_ARRAY_CHANGED");
}

static void compare_not(ctx *c, const jm *o, const jm *u)
{
    size_t len = enter(c, "not");
    ctx sub;

    ctx_init(&sub, c->p, c->path.ptr, c->u_at, c->o_at); /* reversed */
    compare(&sub, u->not_schema, o->not_schema);
    add(c, compatible(&sub.out) ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED",
        sr_jobj_get(c->o_at, "not"), sr_jobj_get(c->u_at, "not"));
    ctx_dispose(&sub);
    leave(c, len);
}

/* ---- objects ---- */

static int obj_open(const jm *n)
{
    return !n->no_additional && !n->additional && n->npatterns == 0 &&
           (!n->uneval_props || is_empty(sr_jm_deref(n->uneval_props) ? sr_jm_deref(n->uneval_props)
                                                                       : n->uneval_props));
}

/* The patternProperties of both schemas, each compiled once per diff however many properties
 * are added or removed (compiling per property made a diff quadratic), under the budget that
 * parsing both schemas allowed. */
typedef struct regexes {
    sr_pairmap at;       /* pattern text -> 1 + index */
    regex_t *re;         /* owned, compiled where ok */
    int *ok;
    size_t n, cap;
    unsigned long long budget;
} regexes;

static void regexes_dispose(regexes *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->ok[i])
            regfree(&r->re[i]);
    free(r->re);
    free(r->ok);
    sr_pairmap_dispose(&r->at);
}

/* A pattern "search" (not anchored) of a property name, as validation runs it (regex.c: ECMA
 * 262's class escapes on POSIX extended expressions; see docs/json-schema.md). */
static int pattern_finds(regexes *r, const char *pattern, const char *name)
{
    size_t *at = sr_pairmap_get(&r->at, pattern, NULL);

    if (!at) {
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 8;
            r->re = sr_xrealloc(r->re, r->cap * sizeof(*r->re));
            r->ok = sr_xrealloc(r->ok, r->cap * sizeof(*r->ok));
        }
        r->ok[r->n] = sr_jregex_compile(&r->re[r->n], pattern, &r->budget) == 0;
        at = sr_pairmap_put(&r->at, pattern, NULL);
        *at = ++r->n;
    }
    return r->ok[*at - 1] && sr_jregex_search(&r->re[*at - 1], name, strlen(name));
}

static const jm *partial_schema(ctx *c, const jm *n, const char *name)
{
    for (size_t i = 0; i < n->npatterns; i++)
        if (pattern_finds(c->p->regexes, n->patterns[i].name, name))
            return n->patterns[i].schema;
    if (n->additional)
        return n->additional;
    if (!n->no_additional && n->uneval_props) {
        const jm *u = sr_jm_deref(n->uneval_props);
        if (u && u->kind != JM_FALSE && !is_empty(u))
            return n->uneval_props;
    }
    return NULL;
}

static int has_default(const jm *n)
{
    return n->def != NULL;
}

static void property_removed(ctx *c, const jm *u, const char *name, const jm *os)
{
    if (obj_open(u)) {
        add(c, "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", os->src, NULL);
        return;
    }
    const jm *partial = partial_schema(c, u, name);
    if (partial) {
        ctx sub;
        sub_compare(&sub, c, os, partial);
        take(c, &sub.out);
        add(c, compatible(&sub.out) ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                    : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
            os->src, NULL);
        ctx_dispose(&sub);
    } else {
        add(c, os->kind == JM_FALSE ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                                    : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            os->src, NULL);
    }
}

static void property_added(ctx *c, const jm *o, const jm *u, const char *name, const jm *us)
{
    int req = required(u, name);
    const jm *d = sr_jm_deref(us);

    if (obj_open(o)) {
        if (d && is_empty(d))
            add(c, "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", NULL, us->src);
        else if (req)
            add(c, has_default(us) ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                                   : "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
                NULL, us->src);
        else
            add(c, "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", NULL, us->src);
        return;
    }
    const jm *partial = partial_schema(c, o, name);
    if (partial) {
        ctx sub;
        sub_compare(&sub, c, partial, us);
        take(c, &sub.out);
        add(c, compatible(&sub.out) ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                    : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
            NULL, us->src);
        ctx_dispose(&sub);
    }
    if (req)
        add(c, has_default(us) ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                               : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
            NULL, us->src);
    else
        add(c, "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", NULL, us->src);
}

static void compare_required(ctx *c, const jm *o, const jm *u)
{
    size_t len = enter(c, "required");

    for (size_t i = 0; i < o->nprops; i++) {
        const char *name = o->props[i].name;
        const jm *us = prop_of(u, name);
        size_t l2;
        int ro, ru;
        if (!us || prop_of(o, name) != o->props[i].schema)
            continue; /* absent, or a duplicate name seen already */
        ro = required(o, name);
        ru = required(u, name);
        if (ro == ru)
            continue;
        l2 = enter(c, name);
        if (ro)
            add(c, "REQUIRED_ATTRIBUTE_REMOVED", sr_jobj_get(c->o_at, "required"), NULL);
        else
            add(c, has_default(us) ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                                   : "REQUIRED_ATTRIBUTE_ADDED",
                NULL, sr_jobj_get(c->u_at, "required"));
        leave(c, l2);
    }
    leave(c, len);
}

static void compare_properties(ctx *c, const jm *o, const jm *u)
{
    size_t len = enter(c, "properties");

    for (size_t i = 0; i < o->nprops; i++) {
        const char *name = o->props[i].name;
        const jm *os = o->props[i].schema, *us = prop_of(u, name);
        size_t l2;
        if (prop_of(o, name) != os)
            continue;
        l2 = enter(c, name);
        if (!us) {
            property_removed(c, u, name, os);
        } else {
            const sr_jv *so = c->o_at, *su = c->u_at;
            c->o_at = os->src;
            c->u_at = us->src;
            compare(c, os, us);
            c->o_at = so;
            c->u_at = su;
        }
        leave(c, l2);
    }
    for (size_t i = 0; i < u->nprops; i++) {
        const char *name = u->props[i].name;
        size_t l2;
        if (prop_of(o, name) || prop_of(u, name) != u->props[i].schema)
            continue;
        l2 = enter(c, name);
        property_added(c, o, u, name, u->props[i].schema);
        leave(c, l2);
    }
    leave(c, len);
}

static const jm_dep *dep_of(const jm *n, const char *name, int schema)
{
    for (size_t i = 0; i < n->ndeps; i++)
        if (!strcmp(n->deps[i].name, name) && (n->deps[i].schema != NULL) == schema)
            return &n->deps[i];
    return NULL;
}

static int strset_has(const jm_strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return 1;
    return 0;
}

static int strset_within(const jm_strset *a, const jm_strset *b)
{
    for (size_t i = 0; i < a->n; i++)
        if (!strset_has(b, a->v[i]))
            return 0;
    return 1;
}

static void compare_dependencies(ctx *c, const jm *o, const jm *u)
{
    size_t len = enter(c, "dependencies");

    for (int schema = 0; schema < 2; schema++) {
        for (int side = 0; side < 2; side++) {
            const jm *n = side ? u : o;
            for (size_t i = 0; i < n->ndeps; i++) {
                const jm_dep *d = &n->deps[i], *od, *ud;
                size_t l2;
                if ((d->schema != NULL) != schema || dep_of(n, d->name, schema) != d)
                    continue;
                od = dep_of(o, d->name, schema);
                ud = dep_of(u, d->name, schema);
                if (side && od)
                    continue; /* compared with the original's */
                l2 = enter(c, d->name);
                if (!ud) {
                    add(c, schema ? "DEPENDENCY_SCHEMA_REMOVED" : "DEPENDENCY_ARRAY_REMOVED", NULL,
                        NULL);
                } else if (!od) {
                    add(c, schema ? "DEPENDENCY_SCHEMA_ADDED" : "DEPENDENCY_ARRAY_ADDED", NULL,
                        NULL);
                } else if (schema) {
                    compare(c, od->schema, ud->schema);
                } else {
                    int u_has = strset_within(&od->props, &ud->props);
                    int o_has = strset_within(&ud->props, &od->props);
                    if (!(u_has && o_has))
                        add(c, u_has ? "DEPENDENCY_ARRAY_EXTENDED"
                                     : o_has ? "DEPENDENCY_ARRAY_NARROWED"
                                             : "DEPENDENCY_ARRAY_CHANGED",
                            NULL, NULL);
                }
                leave(c, l2);
            }
        }
    }
    leave(c, len);
}

static void compare_additional(ctx *c, const jm *o, const jm *u)
{
    size_t len = enter(c, "additionalProperties");
    const sr_jv *ov = sr_jobj_get(c->o_at, "additionalProperties");
    const sr_jv *uv = sr_jobj_get(c->u_at, "additionalProperties");

    if (o->no_additional != u->no_additional)
        add(c, u->no_additional ? "ADDITIONAL_PROPERTIES_REMOVED" : "ADDITIONAL_PROPERTIES_ADDED",
            ov, uv);
    else if (!o->additional && u->additional)
        add(c, "ADDITIONAL_PROPERTIES_NARROWED", ov, uv);
    else if (o->additional && !u->additional)
        add(c, "ADDITIONAL_PROPERTIES_EXTENDED", ov, uv);
    else if (o->additional)
        compare(c, o->additional, u->additional);
    leave(c, len);
}

/* unevaluatedProperties / unevaluatedItems, which Confluent compares alike. */
static void compare_uneval(ctx *c, const char *kw, const jm *o, const jm *u, const char *added,
                           const char *removed, const char *narrowed, const char *extended)
{
    const jm *od = o ? sr_jm_deref(o) : NULL, *ud = u ? sr_jm_deref(u) : NULL;
    size_t len;

    if (!o && !u)
        return;
    len = enter(c, kw);
    if (!o)
        add(c, ud && ud->kind == JM_FALSE ? removed : narrowed, NULL, NULL);
    else if (!u)
        add(c, od && od->kind == JM_FALSE ? added : extended, NULL, NULL);
    else if (od && od->kind == JM_FALSE && !(ud && ud->kind == JM_FALSE))
        add(c, added, NULL, NULL);
    else if (!(od && od->kind == JM_FALSE) && ud && ud->kind == JM_FALSE)
        add(c, removed, NULL, NULL);
    else if (od && is_empty(od) && !(ud && is_empty(ud)))
        add(c, narrowed, NULL, NULL);
    else if (!(od && is_empty(od)) && ud && is_empty(ud))
        add(c, extended, NULL, NULL);
    else
        compare(c, o, u);
    leave(c, len);
}

static void compare_object(ctx *c, const jm *o, const jm *u)
{
    compare_required(c, o, u);
    compare_properties(c, o, u);
    compare_dependencies(c, o, u);
    compare_additional(c, o, u);
    compare_uneval(c, "unevaluatedProperties", o->uneval_props, u->uneval_props,
                   "UNEVALUATED_PROPERTIES_ADDED", "UNEVALUATED_PROPERTIES_REMOVED",
                   "UNEVALUATED_PROPERTIES_NARROWED", "UNEVALUATED_PROPERTIES_EXTENDED");
    limit(c, "maxProperties", o->max_props, u->max_props, "MAX_PROPERTIES_ADDED",
          "MAX_PROPERTIES_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_DECREASED");
    limit(c, "minProperties", o->min_props, u->min_props, "MIN_PROPERTIES_ADDED",
          "MIN_PROPERTIES_REMOVED", "MIN_PROPERTIES_INCREASED", "MIN_PROPERTIES_DECREASED");
}

/* ---- arrays ---- */

static int arr_open(const jm *n)
{
    const jm *u = n->uneval_items ? sr_jm_deref(n->uneval_items) : NULL;
    return !n->no_additional_items && !n->additional_items && (!n->uneval_items || (u && is_empty(u)));
}

static const jm *arr_partial(const jm *n)
{
    if (n->additional_items)
        return n->additional_items;
    if (!n->no_additional_items && n->uneval_items) {
        const jm *u = sr_jm_deref(n->uneval_items);
        if (u && u->kind != JM_FALSE && !is_empty(u))
            return n->uneval_items;
    }
    return NULL;
}

static void compare_items(ctx *c, const jm *o, const jm *u)
{
    size_t common = o->nitems < u->nitems ? o->nitems : u->nitems;
    char seg[48];

    for (size_t i = 0; i < o->nitems || i < u->nitems; i++) {
        size_t len;
        snprintf(seg, sizeof(seg), "items/%zu", i);
        len = enter(c, seg);
        if (i < common) {
            compare(c, o->items[i], u->items[i]);
        } else if (i < o->nitems) {
            const jm *os = o->items[i], *partial = arr_partial(u);
            if (arr_open(u)) {
                add(c, "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", os->src, NULL);
            } else if (partial) {
                ctx sub;
                sub_compare(&sub, c, os, partial);
                take(c, &sub.out);
                add(c, compatible(&sub.out) ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                            : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                    os->src, NULL);
                ctx_dispose(&sub);
            } else {
                add(c, os->kind == JM_FALSE ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                                            : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                    os->src, NULL);
            }
        } else {
            const jm *us = u->items[i], *partial = arr_partial(o), *d = sr_jm_deref(us);
            if (arr_open(o)) {
                add(c, d && is_empty(d) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                                        : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
                    NULL, us->src);
            } else if (partial) {
                ctx sub;
                sub_compare(&sub, c, partial, us);
                take(c, &sub.out);
                add(c, compatible(&sub.out) ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                            : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                    NULL, us->src);
                ctx_dispose(&sub);
            } else {
                add(c, "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", NULL, us->src);
            }
        }
        leave(c, len);
    }
}

static const sr_jv *contains_limit(const jm *n, const sr_jv *explicit_v, int is_min,
                                   const sr_jv *one)
{
    if (explicit_v)
        return explicit_v;
    return is_min && n->default_min_contains ? one : NULL;
}

static void compare_array(ctx *c, const jm *o, const jm *u)
{
    static const sr_jv one = {SR_JNUMBER, 0, 0, 1, {.num = "1"}, NULL, 0, 0};
    size_t len = enter(c, "items");

    compare(c, o->all_items, u->all_items);
    leave(c, len);
    compare_items(c, o, u);
    len = enter(c, "additionalItems");
    if (o->no_additional_items != u->no_additional_items)
        add(c, o->no_additional_items ? "ADDITIONAL_ITEMS_ADDED" : "ADDITIONAL_ITEMS_REMOVED",
            NULL, NULL);
    else if (!o->additional_items && u->additional_items)
        add(c, "ADDITIONAL_ITEMS_NARROWED", NULL, NULL);
    else if (o->additional_items && !u->additional_items)
        add(c, "ADDITIONAL_ITEMS_EXTENDED", NULL, NULL);
    else if (o->additional_items)
        compare(c, o->additional_items, u->additional_items);
    leave(c, len);
    compare_uneval(c, "unevaluatedItems", o->uneval_items, u->uneval_items,
                   "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_REMOVED",
                   "UNEVALUATED_ITEMS_NARROWED", "UNEVALUATED_ITEMS_EXTENDED");
    limit(c, "maxItems", o->max_items, u->max_items, "MAX_ITEMS_ADDED", "MAX_ITEMS_REMOVED",
          "MAX_ITEMS_INCREASED", "MAX_ITEMS_DECREASED");
    limit(c, "minItems", o->min_items, u->min_items, "MIN_ITEMS_ADDED", "MIN_ITEMS_REMOVED",
          "MIN_ITEMS_INCREASED", "MIN_ITEMS_DECREASED");
    if (o->unique_items != u->unique_items)
        add_kw(c, "uniqueItems", o->unique_items ? "UNIQUE_ITEMS_REMOVED" : "UNIQUE_ITEMS_ADDED");
    limit(c, "maxContains", o->max_contains, u->max_contains, "MAX_CONTAINS_ADDED",
          "MAX_CONTAINS_REMOVED", "MAX_CONTAINS_INCREASED", "MAX_CONTAINS_DECREASED");
    limit(c, "minContains", contains_limit(o, o->min_contains, 1, &one),
          contains_limit(u, u->min_contains, 1, &one), "MIN_CONTAINS_ADDED",
          "MIN_CONTAINS_REMOVED", "MIN_CONTAINS_INCREASED", "MIN_CONTAINS_DECREASED");
}

/* ---- combined ---- */

static const char *criterion_name(jm_criterion c)
{
    return c == JM_ALL ? "allOf" : c == JM_ANY ? "anyOf" : "oneOf";
}

static int same_schema(const jm *a, const jm *b)
{
    return a == b || (a->kind == b->kind && a->requires_integer == b->requires_integer &&
                      a->src && b->src && sr_jv_equal(a->src, b->src) &&
                      !(a->kind == JM_COMBINED && a->generated != b->generated));
}

/* The elements without duplicates (Confluent collapses them into a set). */
static size_t distinct(const jm **out, const jm *n)
{
    size_t k = 0;

    for (size_t i = 0; i < n->nsubs; i++) {
        int dup = 0;
        for (size_t j = 0; j < k && !dup && n->nsubs <= 64; j++)
            dup = same_schema(out[j], n->subs[i]);
        if (!dup)
            out[k++] = n->subs[i];
    }
    return k;
}

/* Maximum bipartite matching over the compatible pairs (augmenting paths, Kuhn's algorithm
 * with an explicit stack). match_o[i] = j or -1. */
static size_t max_matching(long *match_o, size_t no, size_t nu, const unsigned char *edge)
{
    long *match_u = sr_xmalloc((nu + 1) * sizeof(*match_u));
    size_t *seen = sr_xcalloc(nu + 1, sizeof(*seen));
    size_t *stack_o = sr_xmalloc((no + 1) * sizeof(*stack_o));
    size_t *stack_j = sr_xmalloc((no + 1) * sizeof(*stack_j));
    size_t size = 0;

    for (size_t i = 0; i < no; i++)
        match_o[i] = -1;
    for (size_t j = 0; j < nu; j++)
        match_u[j] = -1;
    for (size_t start = 0; start < no; start++) {
        size_t top = 0;
        stack_o[0] = start;
        stack_j[0] = 0;
        while (1) {
            size_t i = stack_o[top], j = stack_j[top];
            for (; j < nu; j++)
                if (edge[i * nu + j] && seen[j] != start + 1)
                    break;
            if (j == nu) { /* dead end */
                if (top == 0)
                    break;
                top--;
                stack_j[top]++;
                continue;
            }
            seen[j] = start + 1;
            stack_j[top] = j;
            if (match_u[j] < 0) { /* augment along the stack */
                for (size_t k = 0; k <= top; k++) {
                    size_t ii = stack_o[k], jj = stack_j[k];
                    match_o[ii] = (long)jj;
                    match_u[jj] = (long)ii;
                }
                size++;
                break;
            }
            top++;
            stack_o[top] = (size_t)match_u[j];
            stack_j[top] = 0;
        }
    }
    free(match_u);
    free(seen);
    free(stack_o);
    free(stack_j);
    return size;
}

static void compare_combined(ctx *c, const jm *o, const jm *u)
{
    int singleton_o = o->nsubs == 1, singleton_u = u->nsubs == 1;
    const jm **os, **us;
    size_t no, nu, matched;
    unsigned char *edge;
    rlist *diffs;
    long *match;

    if (o->criterion != u->criterion) {
        if (u->criterion == JM_ANY || (singleton_o && singleton_u) ||
            (singleton_o && u->criterion == JM_ONE) || (singleton_u && o->criterion == JM_ALL)) {
            add(c, "COMBINED_TYPE_EXTENDED", NULL, NULL);
        } else {
            add(c, "COMBINED_TYPE_CHANGED", NULL, NULL);
            return;
        }
    }
    os = sr_xcalloc(o->nsubs + 1, sizeof(*os));
    us = sr_xcalloc(u->nsubs + 1, sizeof(*us));
    no = distinct(os, o);
    nu = distinct(us, u);
    if (no < nu)
        add(c, u->criterion == JM_ALL ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED", NULL, NULL);
    else if (no > nu)
        add(c, o->criterion == JM_ALL ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED", NULL, NULL);
    edge = sr_xcalloc(no * nu + 1, 1);
    diffs = sr_xcalloc(no * nu + 1, sizeof(*diffs));
    for (size_t i = 0; i < no && !c->p->failed; i++) {
        char seg[48];
        size_t len;
        snprintf(seg, sizeof(seg), "%s/%zu", criterion_name(o->criterion), i);
        len = enter(c, seg);
        for (size_t j = 0; j < nu && !c->p->failed; j++) {
            ctx sub;
            sub_compare(&sub, c, os[i], us[j]);
            if (compatible(&sub.out)) {
                edge[i * nu + j] = 1;
                diffs[i * nu + j] = sub.out;
                sub.out = (rlist){0};
            }
            ctx_dispose(&sub);
        }
        leave(c, len);
    }
    match = sr_xmalloc((no + 1) * sizeof(*match));
    matched = max_matching(match, no, nu, edge);
    for (size_t i = 0; i < no; i++)
        if (match[i] >= 0)
            take(c, &diffs[i * nu + (size_t)match[i]]);
    if (matched < (no < nu ? no : nu))
        add(c, "COMBINED_TYPE_SUBSCHEMAS_CHANGED", NULL, NULL);
    for (size_t k = 0; k < no * nu; k++)
        rlist_dispose(&diffs[k]);
    free(diffs);
    free(edge);
    free(match);
    free(os);
    free(us);
}

/* ---- the hub ---- */

static int connect_bytes(const jm *n)
{
    return n->connect_type && !strcmp(n->connect_type, "bytes");
}

static int same_kind(const jm *a, const jm *b)
{
    return a->kind == b->kind;
}

static void compare_types(ctx *c, const jm *o, const jm *u)
{
    if (o->kind != JM_COMBINED && u->kind == JM_COMBINED) {
        if (u->nsubs == 1) {
            ctx sub;
            sub_compare(&sub, c, o, u->subs[0]);
            if (compatible(&sub.out)) {
                take(c, &sub.out);
                ctx_dispose(&sub);
                return;
            }
            ctx_dispose(&sub);
        } else if (u->criterion == JM_ANY || u->criterion == JM_ONE) {
            for (size_t i = 0; i < u->nsubs; i++) {
                ctx sub;
                sub_compare(&sub, c, o, u->subs[i]);
                if (compatible(&sub.out)) {
                    take(c, &sub.out);
                    add(c, "SUM_TYPE_EXTENDED", NULL, NULL);
                    ctx_dispose(&sub);
                    return;
                }
                ctx_dispose(&sub);
            }
        }
    } else if (o->kind == JM_COMBINED && u->kind != JM_COMBINED) {
        if (o->nsubs == 1) {
            ctx sub;
            sub_compare(&sub, c, o->subs[0], u);
            if (compatible(&sub.out)) {
                take(c, &sub.out);
                ctx_dispose(&sub);
                return;
            }
            ctx_dispose(&sub);
        } else if (o->criterion == JM_ALL) {
            for (size_t i = 0; i < o->nsubs; i++) {
                ctx sub;
                sub_compare(&sub, c, o->subs[i], u);
                if (compatible(&sub.out)) {
                    take(c, &sub.out);
                    add(c, "PRODUCT_TYPE_NARROWED", NULL, NULL);
                    ctx_dispose(&sub);
                    return;
                }
                ctx_dispose(&sub);
            }
        }
    }
    if (!same_kind(o, u)) {
        if (o->kind == JM_FALSE || is_empty(u) || (connect_bytes(o) && connect_bytes(u)))
            return;
        add(c, "TYPE_CHANGED", NULL, NULL);
        return;
    }
    if (!sr_jv_equal(o->id, u->id))
        add(c, "ID_CHANGED", NULL, NULL);
    if (!sr_jv_equal(o->title, u->title))
        add(c, "TITLE_CHANGED", NULL, NULL);
    if (!sr_jv_equal(o->description, u->description))
        add(c, "DESCRIPTION_CHANGED", NULL, NULL);
    if (!sr_jv_equal(o->def, u->def))
        add(c, "DEFAULT_CHANGED", NULL, NULL);
    switch (o->kind) {
    case JM_STRING: compare_string(c, o, u); break;
    case JM_NUMBER: compare_number(c, o, u); break;
    case JM_CONST:
        if (!sr_jv_equal(o->constant, u->constant))
            add_kw(c, "const", "ENUM_ARRAY_CHANGED");
        break;
    case JM_ENUM: compare_enum(c, o, u); break;
    case JM_COMBINED: compare_combined(c, o, u); break;
    case JM_NOT: compare_not(c, o, u); break;
    case JM_OBJECT: compare_object(c, o, u); break;
    case JM_ARRAY: compare_array(c, o, u); break;
    default: break;
    }
}

static void rebase_into(ctx *c, const rlist *l)
{
    sr_buf p = SR_BUF_INIT;

    for (size_t i = 0; i < l->n; i++) {
        sr_buf_clear(&p);
        sr_buf_puts(&p, c->path.ptr);
        if (c->path.len && l->v[i].path[0])
            sr_buf_putc(&p, '/');
        sr_buf_puts(&p, l->v[i].path);
        rlist_add(&c->out, l->v[i].type, p.ptr, l->v[i].o, l->v[i].u);
    }
    sr_buf_dispose(&p);
}

static void compare(ctx *c, const jm *o, const jm *u)
{
    pass *p = c->p;
    size_t *at;

    if (p->failed)
        return;
    if (!o && !u)
        return;
    if (!o) {
        add(c, "SCHEMA_ADDED", NULL, u->src);
        return;
    }
    if (!u) {
        add(c, "SCHEMA_REMOVED", o->src, NULL);
        return;
    }
    o = sr_jm_deref(o);
    u = sr_jm_deref(u);
    if (!o || !u)
        return; /* a $ref cycle that never reaches a schema: nothing to compare */
    if ((at = sr_pairmap_get(&p->memo, o, u))) {
        rebase_into(c, &p->lists[*at - 1]);
        return;
    }
    if ((at = sr_pairmap_get(&p->busy, o, u)) && *at) {
        size_t *seeded = p->seed ? sr_pairmap_get(p->seed, o, u) : NULL;
        if (seeded)
            rebase_into(c, &p->seed_lists[*seeded - 1]);
        else
            p->optimism = 1;
        return;
    }
    if (*p->budget == 0 || p->depth >= SR_COMPAT_MAX_DEPTH) {
        if (!p->failed)
            sr_err_set(p->err, 42201, *p->budget == 0
                       ? "The schemas need more than the budget of comparisons (combined "
                         "schemas compare every pair of their elements); their compatibility "
                         "cannot be checked"
                       : "The schemas nest deeper than %d levels; their compatibility cannot be "
                         "checked", SR_COMPAT_MAX_DEPTH);
        p->failed = 1;
        return;
    }
    (*p->budget)--;
    p->depth++;
    *sr_pairmap_put(&p->busy, o, u) = 1;
    {
        ctx pair;
        size_t ix;
        ctx_init(&pair, p, "", o->src, u->src);
        compare_types(&pair, o, u);
        *sr_pairmap_put(&p->busy, o, u) = 0;
        if (p->nlists == p->cap_lists) {
            p->cap_lists = p->cap_lists ? 2 * p->cap_lists : 64;
            p->lists = sr_xrealloc(p->lists, p->cap_lists * sizeof(*p->lists));
        }
        ix = p->nlists++;
        p->keys = sr_xrealloc(p->keys, p->cap_lists * sizeof(*p->keys));
        p->keys[p->nkeys++] = (pair_key){o, u, ix};
        p->lists[ix] = pair.out;
        pair.out = (rlist){0};
        *sr_pairmap_put(&p->memo, o, u) = ix + 1;
        ctx_dispose(&pair);
        rebase_into(c, &p->lists[ix]);
    }
    p->depth--;
}

/* ---- passes to a fixpoint ---- */

static void pass_dispose(pass *p)
{
    for (size_t i = 0; i < p->nlists; i++)
        rlist_dispose(&p->lists[i]);
    free(p->lists);
    free(p->keys);
    sr_pairmap_dispose(&p->memo);
    sr_pairmap_dispose(&p->busy);
}

#define BUDGET 4000000
#define MAX_PASSES 32

int sr_jdiff_models(sr_jdiffs *out, const sr_jmodel *om, const sr_jmodel *um, sr_err *err)
{
    size_t budget = BUDGET;
    regexes compiled = {SR_PAIRMAP_INIT, NULL, NULL, 0, 0, 2 * SR_JREGEX_BUDGET};
    pass prev = {0};
    sr_pairmap seed = SR_PAIRMAP_INIT;
    int have_prev = 0, rc = -1;
    ctx top;

    for (int round = 0;; round++) {
        pass p;
        memset(&p, 0, sizeof(p));
        p.budget = &budget;
        p.regexes = &compiled;
        p.err = err;
        if (have_prev) {
            p.seed = &seed;
            p.seed_lists = prev.lists;
        }
        ctx_init(&top, &p, "", om->root->src, um->root->src);
        compare(&top, om->root, um->root);
        if (p.failed) {
            ctx_dispose(&top);
            pass_dispose(&p);
            goto out;
        }
        /* the next seed: every memoized pair whose differences are incompatible */
        {
            sr_pairmap next = SR_PAIRMAP_INIT;
            size_t nnext = 0, nseed = seed.n;
            int same = 1;
            for (size_t i = 0; i < p.nkeys && p.optimism; i++) {
                const pair_key *k = &p.keys[i];
                if (compatible(&p.lists[k->list]))
                    continue;
                *sr_pairmap_put(&next, k->o, k->u) = k->list + 1;
                nnext++;
                if (!sr_pairmap_get(&seed, k->o, k->u))
                    same = 0;
            }
            if (!p.optimism || (same && nnext == nseed) || round + 1 >= MAX_PASSES) {
                sr_pairmap_dispose(&next);
                for (size_t i = 0; i < top.out.n; i++) {
                    rel *r = &top.out.v[i];
                    sr_buf path = SR_BUF_INIT;
                    sr_buf_puts(&path, "#/");
                    sr_buf_puts(&path, r->path);
                    if (out->n == out->cap) {
                        out->cap = out->cap ? 2 * out->cap : 16;
                        out->v = sr_xrealloc(out->v, out->cap * sizeof(*out->v));
                    }
                    out->v[out->n++] = (sr_jdiff){r->type, sr_buf_detach(&path), r->o, r->u};
                }
                ctx_dispose(&top);
                pass_dispose(&p);
                rc = 0;
                goto out;
            }
            sr_pairmap_dispose(&seed);
            seed = next;
            if (have_prev)
                pass_dispose(&prev);
            prev = p;
            have_prev = 1;
            ctx_dispose(&top);
        }
    }
out:
    if (have_prev)
        pass_dispose(&prev);
    sr_pairmap_dispose(&seed);
    regexes_dispose(&compiled);
    return rc;
}

void sr_jdiffs_dispose(sr_jdiffs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    memset(d, 0, sizeof(*d));
}
