/* json/model.c -- schema documents as the model Confluent's diff compares
 * (compatibility-rules.md §4.1).
 *
 * Drafts 4, 6 and 7 follow the everit loader Confluent uses for them: a $ref hides its siblings;
 * otherwise enum, allOf/anyOf/oneOf, not, const, the "type" (which takes the keywords of its
 * type), then the keyword families left (array, object, number, string, if/then/else) each give a
 * node, and several nodes make a synthetic allOf. Drafts 2019-09 and 2020-12 follow Confluent's
 * translation from its json-sKema model: every keyword gives a partial node, partials of one
 * family merge, "items" beside "prefixItems" is the schema of additional items, and a boolean
 * "items" says whether additional items are allowed; $id is not compared.
 *
 * Each schema value builds one node, however many $refs reach it; $ref targets are built from a
 * work list, so recursion is bounded by the documents' own nesting. */
#include "compat/json/model.h"

#include <stdlib.h>
#include <string.h>

typedef struct builder {
    sr_jmodel *m;
    const sr_jrefs *refs;
    const char *base;     /* the main schema's base */
    sr_jdraft draft;
    int modern;           /* 2019-09 or 2020-12 */
    sr_pairmap built;     /* schema value -> 1 + node index */
    struct pending { jm *ref; const sr_jv *at; } *pending;
    size_t npending, cap_pending;
    int depth, max_depth;
    sr_err *err;
    int failed;
} builder;

static jm *new_node(builder *b, jm_kind kind, const sr_jv *src)
{
    jm *n = sr_xcalloc(1, sizeof(*n));

    n->kind = kind;
    n->src = src;
    n->ix = b->m->nnodes;
    if (b->m->nnodes == b->m->cap) {
        b->m->cap = b->m->cap ? 2 * b->m->cap : 64;
        b->m->nodes = sr_xrealloc(b->m->nodes, b->m->cap * sizeof(*b->m->nodes));
    }
    b->m->nodes[b->m->nnodes++] = n;
    return n;
}

static void free_node(jm *n)
{
    free(n->props);
    free(n->prop_ix);
    free(n->required.v);
    free(n->req_ix);
    free(n->patterns);
    for (size_t i = 0; i < n->ndeps; i++)
        free(n->deps[i].props.v);
    free(n->deps);
    free(n->items);
    free(n->values);
    free(n->subs);
    free(n);
}

void sr_jmodel_free(sr_jmodel *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nnodes; i++)
        free_node(m->nodes[i]);
    free(m->nodes);
    free(m);
}

const jm *sr_jm_deref(const jm *n)
{
    size_t hops = 0;

    while (n && n->kind == JM_REF) {
        n = n->target;
        if (++hops > 1000000)
            return NULL;
    }
    return n;
}

static jm *build(builder *b, const sr_jv *s);

static int is_schema_value(const sr_jv *v)
{
    return v && (v->kind == SR_JOBJECT || v->kind == SR_JTRUE || v->kind == SR_JFALSE);
}

static void push_sub(jm ***v, size_t *n, jm *x)
{
    *v = sr_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = x;
}

static void strset_add(jm_strset *s, const char *name)
{
    s->v = sr_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
    s->v[s->n++] = name;
}

static const sr_jv *num_kw(const sr_jv *o, const char *k)
{
    const sr_jv *v = sr_jobj_get(o, k);
    return v && v->kind == SR_JNUMBER ? v : NULL;
}

/* ---- keyword families ---- */

static void fill_string(jm *n, const sr_jv *o, const char *only)
{
    if (!only || !strcmp(only, "maxLength"))
        n->max_length = num_kw(o, "maxLength") ? num_kw(o, "maxLength") : n->max_length;
    if (!only || !strcmp(only, "minLength"))
        n->min_length = num_kw(o, "minLength") ? num_kw(o, "minLength") : n->min_length;
    if ((!only || !strcmp(only, "pattern")) && sr_jobj_get(o, "pattern") &&
        sr_jobj_get(o, "pattern")->kind == SR_JSTRING)
        n->pattern = sr_jobj_get(o, "pattern");
}

static void fill_number(builder *b, jm *n, const sr_jv *o, const char *only)
{
    const sr_jv *v;

    if (!only || !strcmp(only, "maximum"))
        n->maximum = num_kw(o, "maximum") ? num_kw(o, "maximum") : n->maximum;
    if (!only || !strcmp(only, "minimum"))
        n->minimum = num_kw(o, "minimum") ? num_kw(o, "minimum") : n->minimum;
    if (!only || !strcmp(only, "multipleOf"))
        n->multiple_of = num_kw(o, "multipleOf") ? num_kw(o, "multipleOf") : n->multiple_of;
    if (b->draft != SR_DRAFT_4) { /* draft 4's exclusive limits are booleans beside the limit */
        if ((!only || !strcmp(only, "exclusiveMaximum")) && (v = num_kw(o, "exclusiveMaximum")))
            n->excl_max = v;
        if ((!only || !strcmp(only, "exclusiveMinimum")) && (v = num_kw(o, "exclusiveMinimum")))
            n->excl_min = v;
    }
}

static void fill_object(builder *b, jm *n, const sr_jv *o, const char *only)
{
    const sr_jv *v;

    if ((!only || !strcmp(only, "properties")) && (v = sr_jobj_get(o, "properties")) &&
        v->kind == SR_JOBJECT) {
        for (size_t i = 0; i < v->n; i++) {
            const sr_jmember *mb = &v->u.members[i];
            if (!is_schema_value(mb->value))
                continue;
            if (!b->modern && strcmp(mb->key, sr_jrefs_id_keyword(b->draft)) == 0 &&
                mb->value->kind != SR_JOBJECT)
                continue; /* everit skips such a property */
            n->props = sr_xrealloc(n->props, (n->nprops + 1) * sizeof(*n->props));
            n->props[n->nprops++] = (jm_named){mb->key, build(b, mb->value)};
        }
    }
    if ((!only || !strcmp(only, "required")) && (v = sr_jobj_get(o, "required")) &&
        v->kind == SR_JARRAY)
        for (size_t i = 0; i < v->n; i++)
            if (v->u.items[i]->kind == SR_JSTRING)
                strset_add(&n->required, v->u.items[i]->u.str);
    if ((!only || !strcmp(only, "additionalProperties")) &&
        (v = sr_jobj_get(o, "additionalProperties"))) {
        if (v->kind == SR_JFALSE) {
            n->no_additional = 1;
            n->additional = NULL;
        } else if (v->kind == SR_JOBJECT) {
            n->additional = build(b, v);
            n->no_additional = 0;
        } else if (v->kind == SR_JTRUE) {
            n->no_additional = 0;
        }
    }
    if ((!only || !strcmp(only, "patternProperties")) && (v = sr_jobj_get(o, "patternProperties")) &&
        v->kind == SR_JOBJECT)
        for (size_t i = 0; i < v->n; i++) {
            if (!is_schema_value(v->u.members[i].value))
                continue;
            n->patterns = sr_xrealloc(n->patterns, (n->npatterns + 1) * sizeof(*n->patterns));
            n->patterns[n->npatterns++] =
                (jm_named){v->u.members[i].key, build(b, v->u.members[i].value)};
        }
    if (!b->modern && (!only || !strcmp(only, "dependencies")) &&
        (v = sr_jobj_get(o, "dependencies")) && v->kind == SR_JOBJECT)
        for (size_t i = 0; i < v->n; i++) {
            const sr_jv *d = v->u.members[i].value;
            jm_dep dep = {v->u.members[i].key, {NULL, 0}, NULL};
            if (d->kind == SR_JARRAY) {
                for (size_t k = 0; k < d->n; k++)
                    if (d->u.items[k]->kind == SR_JSTRING)
                        strset_add(&dep.props, d->u.items[k]->u.str);
            } else if (is_schema_value(d)) {
                dep.schema = build(b, d);
            } else {
                continue;
            }
            n->deps = sr_xrealloc(n->deps, (n->ndeps + 1) * sizeof(*n->deps));
            n->deps[n->ndeps++] = dep;
        }
    if (b->modern && (!only || !strcmp(only, "dependentRequired")) &&
        (v = sr_jobj_get(o, "dependentRequired")) && v->kind == SR_JOBJECT)
        for (size_t i = 0; i < v->n; i++) {
            const sr_jv *d = v->u.members[i].value;
            jm_dep dep = {v->u.members[i].key, {NULL, 0}, NULL};
            if (d->kind != SR_JARRAY)
                continue;
            for (size_t k = 0; k < d->n; k++)
                if (d->u.items[k]->kind == SR_JSTRING)
                    strset_add(&dep.props, d->u.items[k]->u.str);
            n->deps = sr_xrealloc(n->deps, (n->ndeps + 1) * sizeof(*n->deps));
            n->deps[n->ndeps++] = dep;
        }
    if (b->modern && (!only || !strcmp(only, "dependentSchemas")) &&
        (v = sr_jobj_get(o, "dependentSchemas")) && v->kind == SR_JOBJECT)
        for (size_t i = 0; i < v->n; i++) {
            if (!is_schema_value(v->u.members[i].value))
                continue;
            n->deps = sr_xrealloc(n->deps, (n->ndeps + 1) * sizeof(*n->deps));
            n->deps[n->ndeps++] =
                (jm_dep){v->u.members[i].key, {NULL, 0}, build(b, v->u.members[i].value)};
        }
    if (!only || !strcmp(only, "maxProperties"))
        n->max_props = num_kw(o, "maxProperties") ? num_kw(o, "maxProperties") : n->max_props;
    if (!only || !strcmp(only, "minProperties"))
        n->min_props = num_kw(o, "minProperties") ? num_kw(o, "minProperties") : n->min_props;
    if (b->modern && (!only || !strcmp(only, "unevaluatedProperties")) &&
        is_schema_value(v = sr_jobj_get(o, "unevaluatedProperties")))
        n->uneval_props = build(b, v);
}

static void fill_array(builder *b, jm *n, const sr_jv *o, const char *only)
{
    const sr_jv *v;

    if (!only || !strcmp(only, "items")) {
        v = sr_jobj_get(o, "items");
        if (v && v->kind == SR_JARRAY && !b->modern) {
            for (size_t i = 0; i < v->n; i++)
                if (is_schema_value(v->u.items[i]))
                    push_sub(&n->items, &n->nitems, build(b, v->u.items[i]));
        } else if (v && b->modern && v->kind == SR_JFALSE) {
            n->no_additional_items = 1;
        } else if (v && b->modern && v->kind == SR_JOBJECT) {
            if (sr_jobj_get(o, "prefixItems"))
                n->additional_items = build(b, v);
            else
                n->all_items = build(b, v);
        } else if (v && !b->modern && is_schema_value(v)) {
            n->all_items = build(b, v);
        }
    }
    if (b->modern && (!only || !strcmp(only, "prefixItems")) &&
        (v = sr_jobj_get(o, "prefixItems")) && v->kind == SR_JARRAY)
        for (size_t i = 0; i < v->n; i++)
            if (is_schema_value(v->u.items[i]))
                push_sub(&n->items, &n->nitems, build(b, v->u.items[i]));
    if (!b->modern && (!only || !strcmp(only, "additionalItems")) &&
        (v = sr_jobj_get(o, "additionalItems"))) {
        if (v->kind == SR_JFALSE)
            n->no_additional_items = 1;
        else if (v->kind == SR_JOBJECT)
            n->additional_items = build(b, v);
    }
    if (!only || !strcmp(only, "maxItems"))
        n->max_items = num_kw(o, "maxItems") ? num_kw(o, "maxItems") : n->max_items;
    if (!only || !strcmp(only, "minItems"))
        n->min_items = num_kw(o, "minItems") ? num_kw(o, "minItems") : n->min_items;
    if ((!only || !strcmp(only, "uniqueItems")) && (v = sr_jobj_get(o, "uniqueItems")))
        n->unique_items = v->kind == SR_JTRUE;
    if (b->modern && (!only || !strcmp(only, "contains")) && sr_jobj_get(o, "contains")) {
        n->min_contains = num_kw(o, "minContains");
        n->default_min_contains = n->min_contains ? 0 : 1;
        n->max_contains = num_kw(o, "maxContains");
    }
    if (b->modern && (!only || !strcmp(only, "unevaluatedItems")) &&
        is_schema_value(v = sr_jobj_get(o, "unevaluatedItems")))
        n->uneval_items = build(b, v);
}

/* Draft 4-7 keep minContains/maxContains as unprocessed numbers, which the diff still reads. */
static void raw_contains(jm *n, const sr_jv *o)
{
    n->min_contains = num_kw(o, "minContains");
    n->max_contains = num_kw(o, "maxContains");
}

/* ---- everit: drafts 4, 6, 7 ---- */

static const char *const string_kws[] = {"minLength", "maxLength", "pattern", "format", NULL};
static const char *const number_kws[] = {"minimum", "maximum", "exclusiveMinimum",
                                         "exclusiveMaximum", "multipleOf", NULL};
static const char *const array_kws[] = {"items", "additionalItems", "minItems", "maxItems",
                                        "uniqueItems", "contains", NULL};
static const char *const object_kws[] = {"properties", "required", "minProperties",
                                         "maxProperties", "dependencies", "patternProperties",
                                         "additionalProperties", "propertyNames", NULL};

static int has_any(const sr_jv *o, const char *const *kws, const char *skip)
{
    for (int i = 0; kws[i]; i++)
        if ((!skip || strcmp(kws[i], skip)) && sr_jobj_get(o, kws[i]))
            return 1;
    return 0;
}

static jm *typed(builder *b, const sr_jv *o, const char *type)
{
    jm *n;

    if (!strcmp(type, "string")) {
        n = new_node(b, JM_STRING, o);
        if (!b->modern)
            fill_string(n, o, NULL);
    } else if (!strcmp(type, "integer") || !strcmp(type, "number")) {
        n = new_node(b, JM_NUMBER, o);
        n->requires_integer = type[0] == 'i';
        if (!b->modern)
            fill_number(b, n, o, NULL);
    } else if (!strcmp(type, "array")) {
        n = new_node(b, JM_ARRAY, o);
        if (!b->modern) {
            fill_array(b, n, o, NULL);
            raw_contains(n, o);
        }
    } else if (!strcmp(type, "object")) {
        n = new_node(b, JM_OBJECT, o);
        if (!b->modern)
            fill_object(b, n, o, NULL);
    } else if (!strcmp(type, "boolean")) {
        n = new_node(b, JM_BOOLEAN, o);
    } else if (!strcmp(type, "null")) {
        n = new_node(b, JM_NULL, o);
    } else {
        n = new_node(b, JM_EMPTY, o); /* meta-schema validation refuses unknown types */
    }
    return n;
}

static jm *combined(builder *b, const sr_jv *o, const sr_jv *arr, jm_criterion c);

static jm *type_node(builder *b, const sr_jv *o, const sr_jv *type)
{
    jm *n;

    if (type->kind == SR_JSTRING)
        return typed(b, o, type->u.str);
    n = new_node(b, JM_COMBINED, o);
    n->criterion = JM_ANY;
    n->generated = 1;
    for (size_t i = 0; type->kind == SR_JARRAY && i < type->n; i++)
        if (type->u.items[i]->kind == SR_JSTRING)
            push_sub(&n->subs, &n->nsubs, typed(b, o, type->u.items[i]->u.str));
    return n;
}

static void common(builder *b, jm *n, const sr_jv *o)
{
    const sr_jv *v;

    if (!b->modern && (v = sr_jobj_get(o, sr_jrefs_id_keyword(b->draft))) &&
        v->kind == SR_JSTRING)
        n->id = v;
    if ((v = sr_jobj_get(o, "title")) && v->kind == SR_JSTRING)
        n->title = v;
    if ((v = sr_jobj_get(o, "description")) && v->kind == SR_JSTRING)
        n->description = v;
    n->def = sr_jobj_get(o, "default");
    if ((v = sr_jobj_get(o, "connect.type")) && v->kind == SR_JSTRING)
        n->connect_type = v->u.str;
}

static jm *ref_node(builder *b, const sr_jv *o, const sr_jv *ref)
{
    jm *n = new_node(b, JM_REF, o);

    n->ref = ref->u.str;
    if (b->npending == b->cap_pending) {
        b->cap_pending = b->cap_pending ? 2 * b->cap_pending : 16;
        b->pending = sr_xrealloc(b->pending, b->cap_pending * sizeof(*b->pending));
    }
    b->pending[b->npending++] = (struct pending){n, o};
    return n;
}

static jm *build_everit(builder *b, const sr_jv *o)
{
    jm **parts = NULL, *n;
    size_t np = 0;
    const sr_jv *v, *type;

    if ((v = sr_jobj_get(o, "$ref")) && v->kind == SR_JSTRING) {
        n = ref_node(b, o, v);
        common(b, n, o);
        return n;
    }
    if ((v = sr_jobj_get(o, "enum")) && v->kind == SR_JARRAY) {
        n = new_node(b, JM_ENUM, o);
        n->values = sr_xcalloc(v->n + 1, sizeof(*n->values));
        for (size_t i = 0; i < v->n; i++)
            n->values[n->nvalues++] = v->u.items[i];
        push_sub(&parts, &np, n);
    }
    if ((v = sr_jobj_get(o, "allOf")) && v->kind == SR_JARRAY)
        push_sub(&parts, &np, combined(b, o, v, JM_ALL));
    if ((v = sr_jobj_get(o, "anyOf")) && v->kind == SR_JARRAY)
        push_sub(&parts, &np, combined(b, o, v, JM_ANY));
    if ((v = sr_jobj_get(o, "oneOf")) && v->kind == SR_JARRAY)
        push_sub(&parts, &np, combined(b, o, v, JM_ONE));
    if (is_schema_value(v = sr_jobj_get(o, "not"))) {
        n = new_node(b, JM_NOT, o);
        n->not_schema = build(b, v);
        push_sub(&parts, &np, n);
    }
    if (b->draft != SR_DRAFT_4 && (v = sr_jobj_get(o, "const"))) {
        n = new_node(b, JM_CONST, o);
        n->constant = v;
        push_sub(&parts, &np, n);
    }
    type = sr_jobj_get(o, "type");
    if (type && (type->kind == SR_JSTRING || type->kind == SR_JARRAY))
        push_sub(&parts, &np, type_node(b, o, type));
    /* the families the type did not take */
    {
        int took_str = 0, took_num = 0, took_arr = 0, took_obj = 0;
        for (size_t i = 0; type && i < (type->kind == SR_JARRAY ? type->n : 1); i++) {
            const sr_jv *t = type->kind == SR_JARRAY ? type->u.items[i] : type;
            if (t->kind != SR_JSTRING)
                continue;
            took_str |= !strcmp(t->u.str, "string");
            took_num |= !strcmp(t->u.str, "integer") || !strcmp(t->u.str, "number");
            took_arr |= !strcmp(t->u.str, "array");
            took_obj |= !strcmp(t->u.str, "object");
        }
        if (!took_arr && has_any(o, array_kws, b->draft == SR_DRAFT_4 ? "contains" : NULL)) {
            n = new_node(b, JM_ARRAY, o);
            fill_array(b, n, o, NULL);
            raw_contains(n, o);
            push_sub(&parts, &np, n);
        }
        if (!took_obj &&
            has_any(o, object_kws, b->draft == SR_DRAFT_4 ? "propertyNames" : NULL)) {
            n = new_node(b, JM_OBJECT, o);
            fill_object(b, n, o, NULL);
            push_sub(&parts, &np, n);
        }
        if (!took_num && has_any(o, number_kws, NULL)) {
            n = new_node(b, JM_NUMBER, o);
            fill_number(b, n, o, NULL);
            push_sub(&parts, &np, n);
        }
        if (!took_str && has_any(o, string_kws, NULL)) {
            n = new_node(b, JM_STRING, o);
            fill_string(n, o, NULL);
            push_sub(&parts, &np, n);
        }
        if (b->draft == SR_DRAFT_7 &&
            (sr_jobj_get(o, "if") || sr_jobj_get(o, "then") || sr_jobj_get(o, "else")))
            push_sub(&parts, &np, new_node(b, JM_CONDITIONAL, o));
    }
    if (np == 0) {
        n = new_node(b, JM_EMPTY, o);
    } else if (np == 1) {
        n = parts[0];
    } else {
        n = new_node(b, JM_COMBINED, o);
        n->criterion = JM_ALL;
        n->generated = 1;
        n->subs = parts;
        n->nsubs = np;
        parts = NULL;
    }
    free(parts);
    common(b, n, o);
    return n;
}

/* ---- json-sKema translated: 2019-09, 2020-12 ---- */

static int mergeable(jm_kind k)
{
    return k == JM_ARRAY || k == JM_NUMBER || k == JM_OBJECT || k == JM_STRING;
}

#define TAKE(f) if (from->f) into->f = from->f

/* Merge a partial node into one of the same kind. */
static void merge(jm *into, jm *from)
{
    TAKE(max_length); TAKE(min_length); TAKE(pattern);
    TAKE(maximum); TAKE(minimum); TAKE(excl_max); TAKE(excl_min); TAKE(multiple_of);
    into->requires_integer |= from->requires_integer;
    for (size_t i = 0; i < from->nprops; i++) {
        into->props = sr_xrealloc(into->props, (into->nprops + 1) * sizeof(*into->props));
        into->props[into->nprops++] = from->props[i];
    }
    for (size_t i = 0; i < from->required.n; i++)
        strset_add(&into->required, from->required.v[i]);
    if (from->no_additional) {
        into->no_additional = 1;
        into->additional = NULL;
    }
    TAKE(additional);
    for (size_t i = 0; i < from->npatterns; i++) {
        into->patterns = sr_xrealloc(into->patterns, (into->npatterns + 1) * sizeof(*into->patterns));
        into->patterns[into->npatterns++] = from->patterns[i];
    }
    for (size_t i = 0; i < from->ndeps; i++) {
        jm_dep d = from->deps[i];
        d.props.v = d.props.n ? sr_xmalloc(d.props.n * sizeof(*d.props.v)) : NULL;
        if (d.props.n)
            memcpy(d.props.v, from->deps[i].props.v, d.props.n * sizeof(*d.props.v));
        into->deps = sr_xrealloc(into->deps, (into->ndeps + 1) * sizeof(*into->deps));
        into->deps[into->ndeps++] = d;
    }
    TAKE(max_props); TAKE(min_props); TAKE(uneval_props);
    TAKE(all_items);
    for (size_t i = 0; i < from->nitems; i++)
        push_sub(&into->items, &into->nitems, from->items[i]);
    into->no_additional_items |= from->no_additional_items;
    TAKE(additional_items); TAKE(max_items); TAKE(min_items);
    into->unique_items |= from->unique_items;
    TAKE(max_contains); TAKE(min_contains); TAKE(default_min_contains); TAKE(uneval_items);
}

#undef TAKE

static int same_class(const jm *a, const jm *b)
{
    return a->kind == b->kind;
}

/* Append x to a list of nodes, merged into an element of its kind when one can take it. */
static void accumulate(jm ***v, size_t *n, jm *x)
{
    for (size_t i = 0; mergeable(x->kind) && i < *n; i++)
        if (same_class((*v)[i], x)) {
            merge((*v)[i], x);
            return;
        }
    push_sub(v, n, x);
}

static int gen_all(const jm *n)
{
    return n->kind == JM_COMBINED && n->generated && n->criterion == JM_ALL;
}

static int gen_any_with(const jm *n, const jm *x)
{
    if (!(n->kind == JM_COMBINED && n->generated && n->criterion == JM_ANY))
        return 0;
    for (size_t i = 0; i < n->nsubs; i++)
        if (same_class(n->subs[i], x))
            return 1;
    return 0;
}

static void flatten_into(jm ***v, size_t *n, jm *x)
{
    if (gen_all(x))
        for (size_t i = 0; i < x->nsubs; i++)
            push_sub(v, n, x->subs[i]);
    else
        push_sub(v, n, x);
}

static jm *join(builder *b, const sr_jv *o, jm *acc, jm *cur)
{
    jm **all = NULL, **acc_list = NULL;
    size_t nall = 0, nacc = 0;
    jm *n;

    if (!acc)
        return cur;
    if (same_class(acc, cur) && mergeable(acc->kind)) {
        merge(acc, cur);
        return acc;
    }
    if (gen_any_with(acc, cur)) {
        accumulate(&acc->subs, &acc->nsubs, cur);
        return acc;
    }
    if (gen_any_with(cur, acc)) {
        accumulate(&cur->subs, &cur->nsubs, acc);
        return cur;
    }
    flatten_into(&all, &nall, acc);
    flatten_into(&all, &nall, cur);
    for (size_t i = 0; i < nall; i++)
        accumulate(&acc_list, &nacc, all[i]);
    free(all);
    n = new_node(b, JM_COMBINED, o);
    n->criterion = JM_ALL;
    n->generated = 1;
    n->subs = acc_list;
    n->nsubs = nacc;
    return n;
}

/* The partial node one keyword of a modern schema gives, or NULL when it gives none. */
static jm *partial(builder *b, const sr_jv *o, const char *k, const sr_jv *v)
{
    jm *n = NULL;

    if (!strcmp(k, "type") && (v->kind == SR_JSTRING || v->kind == SR_JARRAY))
        return type_node(b, o, v);
    if (!strcmp(k, "enum") && v->kind == SR_JARRAY) {
        n = new_node(b, JM_ENUM, o);
        n->values = sr_xcalloc(v->n + 1, sizeof(*n->values));
        for (size_t i = 0; i < v->n; i++)
            n->values[n->nvalues++] = v->u.items[i];
        return n;
    }
    if (!strcmp(k, "const")) {
        n = new_node(b, JM_CONST, o);
        n->constant = v;
        return n;
    }
    if (!strcmp(k, "allOf") && v->kind == SR_JARRAY)
        return combined(b, o, v, JM_ALL);
    if (!strcmp(k, "anyOf") && v->kind == SR_JARRAY)
        return combined(b, o, v, JM_ANY);
    if (!strcmp(k, "oneOf") && v->kind == SR_JARRAY)
        return combined(b, o, v, JM_ONE);
    if (!strcmp(k, "not") && is_schema_value(v)) {
        n = new_node(b, JM_NOT, o);
        n->not_schema = build(b, v);
        return n;
    }
    if ((!strcmp(k, "$ref") || !strcmp(k, "$dynamicRef") || !strcmp(k, "$recursiveRef")) &&
        v->kind == SR_JSTRING)
        return ref_node(b, o, v);
    if (!strcmp(k, "if") || !strcmp(k, "then") || !strcmp(k, "else"))
        return new_node(b, JM_CONDITIONAL, o);
    for (int i = 0; string_kws[i]; i++)
        if (!strcmp(k, string_kws[i]) && strcmp(k, "format")) {
            n = new_node(b, JM_STRING, o);
            fill_string(n, o, k);
            return n;
        }
    for (int i = 0; number_kws[i]; i++)
        if (!strcmp(k, number_kws[i])) {
            n = new_node(b, JM_NUMBER, o);
            fill_number(b, n, o, k);
            return n;
        }
    if (!strcmp(k, "properties") && v->kind == SR_JOBJECT && v->n == 0)
        return NULL; /* no property: no partial */
    if (!strcmp(k, "properties") || !strcmp(k, "required") || !strcmp(k, "minProperties") ||
        !strcmp(k, "maxProperties") || !strcmp(k, "patternProperties") ||
        !strcmp(k, "additionalProperties") || !strcmp(k, "propertyNames") ||
        !strcmp(k, "dependentRequired") || !strcmp(k, "dependentSchemas") ||
        !strcmp(k, "unevaluatedProperties")) {
        if (!strcmp(k, "patternProperties") && v->kind == SR_JOBJECT && v->n == 0)
            return NULL;
        n = new_node(b, JM_OBJECT, o);
        fill_object(b, n, o, k);
        return n;
    }
    if (!strcmp(k, "items") || !strcmp(k, "prefixItems") || !strcmp(k, "contains") ||
        !strcmp(k, "minItems") || !strcmp(k, "maxItems") || !strcmp(k, "uniqueItems") ||
        !strcmp(k, "unevaluatedItems")) {
        n = new_node(b, JM_ARRAY, o);
        fill_array(b, n, o, k);
        return n;
    }
    return NULL;
}

static jm *build_modern(builder *b, const sr_jv *o)
{
    jm *acc = NULL;

    for (size_t i = 0; i < o->n; i++) {
        jm *p = partial(b, o, o->u.members[i].key, o->u.members[i].value);
        if (p)
            acc = join(b, o, acc, p);
    }
    if (!acc) {
        acc = new_node(b, JM_EMPTY, o);
    } else if (gen_all(acc) && acc->nsubs == 1) {
        acc = acc->subs[0];
    } else if (gen_all(acc) && acc->nsubs == 0) {
        acc = new_node(b, JM_EMPTY, o);
    }
    common(b, acc, o);
    return acc;
}

static jm *combined(builder *b, const sr_jv *o, const sr_jv *arr, jm_criterion c)
{
    jm *n = new_node(b, JM_COMBINED, o);

    n->criterion = c;
    for (size_t i = 0; i < arr->n; i++) {
        jm *sub;
        if (!is_schema_value(arr->u.items[i]))
            continue;
        sub = build(b, arr->u.items[i]);
        if (b->modern) /* Confluent's translation splices a synthetic allOf element in */
            flatten_into(&n->subs, &n->nsubs, sub);
        else
            push_sub(&n->subs, &n->nsubs, sub);
    }
    return n;
}

static jm *build(builder *b, const sr_jv *s)
{
    size_t *done = sr_pairmap_get(&b->built, s, NULL);
    jm *n;

    if (done)
        return b->m->nodes[*done - 1];
    if (++b->depth > b->max_depth) {
        if (!b->failed)
            sr_err_set(b->err, 42201, "Invalid schema of type JSON, details: line %d, column %d: "
                       "the schema nests deeper than %d levels (the nesting limit)",
                       s->line, s->column, b->max_depth);
        b->failed = 1;
        b->depth--;
        return new_node(b, JM_EMPTY, s);
    }
    if (s->kind == SR_JTRUE)
        n = new_node(b, JM_TRUE, s);
    else if (s->kind == SR_JFALSE)
        n = new_node(b, JM_FALSE, s);
    else if (s->kind != SR_JOBJECT)
        n = new_node(b, JM_EMPTY, s);
    else
        n = b->modern ? build_modern(b, s) : build_everit(b, s);
    b->depth--;
    *sr_pairmap_put(&b->built, s, NULL) = n->ix + 1; /* found again for the same value */
    return n;
}

/* Sorted indexes of a node's property and required names, for the diff's lookups. */
static void index_names(jm *n)
{
    if (n->nprops) {
        n->prop_ix = sr_xmalloc(n->nprops * sizeof(*n->prop_ix));
        for (size_t i = 0; i < n->nprops; i++)
            n->prop_ix[i] = (sr_name_ix){n->props[i].name, i};
        sr_name_ix_sort(n->prop_ix, n->nprops);
    }
    if (n->required.n) {
        n->req_ix = sr_xmalloc(n->required.n * sizeof(*n->req_ix));
        for (size_t i = 0; i < n->required.n; i++)
            n->req_ix[i] = (sr_name_ix){n->required.v[i], i};
        sr_name_ix_sort(n->req_ix, n->required.n);
    }
}

int sr_jmodel_build(sr_jmodel **out, const sr_jv *root, sr_jdraft draft, const char *base,
                    const sr_jrefs *refs, int max_depth, sr_err *err)
{
    builder b;
    sr_jmodel *m = sr_xcalloc(1, sizeof(*m));

    memset(&b, 0, sizeof(b));
    b.m = m;
    b.refs = refs;
    b.base = base;
    b.draft = draft;
    b.modern = draft == SR_DRAFT_2019_09 || draft == SR_DRAFT_2020_12;
    b.max_depth = max_depth;
    b.err = err;
    m->draft = draft;
    m->root = build(&b, root);
    for (size_t i = 0; i < b.npending && !b.failed; i++) {
        struct pending p = b.pending[i];
        const char *at_base = sr_jrefs_base(refs, p.at, base);
        const sr_jv *target = sr_jrefs_resolve(refs, at_base, p.ref->ref, NULL);
        b.depth = 0;
        if (!target) {
            sr_err_set(err, 42201, "Invalid schema of type JSON, details: line %d, column %d: "
                       "$ref '%s' does not resolve", p.at->line, p.at->column, p.ref->ref);
            b.failed = 1;
            break;
        }
        p.ref->target = build(&b, target);
    }
    free(b.pending);
    sr_pairmap_dispose(&b.built);
    for (size_t i = 0; i < m->nnodes && !b.failed; i++)
        index_names(m->nodes[i]);
    if (b.failed) {
        sr_jmodel_free(m);
        return -1;
    }
    *out = m;
    return 0;
}
