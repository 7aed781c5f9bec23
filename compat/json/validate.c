/* json/validate.c -- one JSON Schema validator, for meta-schema checks and payloads alike.
 *
 * Compiling walks every schema value of every indexed document once and gives each a node:
 * types as a bit mask, regular expressions compiled, subschemas and $ref targets as pointers.
 * Validating walks the instance with the nodes, collecting every violation with the instance's
 * JSON pointer and the schema keyword's. The keywords are those of drafts 4, 6, 7, 2019-09 and
 * 2020-12 as each defines them ($ref beside other keywords, items/additionalItems or
 * prefixItems/items, dependencies or dependentRequired/dependentSchemas, $recursiveRef and
 * $dynamicRef resolved through the dynamic scope, unevaluatedProperties/unevaluatedItems from the
 * properties and items that the successful subschemas evaluated). "format" is an annotation, as
 * 2019-09 and 2020-12 define it by default. */
#include "compat/json/internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    T_NULL = 1, T_BOOLEAN = 2, T_OBJECT = 4, T_ARRAY = 8, T_NUMBER = 16, T_STRING = 32,
    T_INTEGER = 64,
};

typedef struct vnode vnode;

typedef struct vpattern {
    regex_t re;
    vnode *schema;
    const char *text;
} vpattern;

struct vnode {
    const sr_jv *src;
    const char *base;       /* the base URI it lives under (borrowed from the refs) */
    int is_bool, bool_val;
    int resource_root;      /* carries its own $id: entering it extends the dynamic scope */
    unsigned types;         /* 0: no "type" */
    vnode *ref;             /* $ref target */
    vnode *dyn_ref;         /* $dynamicRef / $recursiveRef static target */
    const char *dyn_anchor; /* $dynamicRef: the anchor's name when dynamic */
    int recursive_ref;
    vnode **all, **any, **one;
    size_t nall, nany, none;
    vnode *not_, *if_, *then_, *else_;
    /* object */
    const sr_jv *props;     /* "properties" object (its values index the nodes) */
    vpattern *patterns;
    size_t npatterns;
    int additional_false;
    vnode *additional;
    const sr_jv *required;
    const sr_jv *dep_required; /* dependentRequired, or dependencies' arrays */
    const sr_jv *dep_schemas;  /* dependentSchemas, or dependencies' schemas */
    vnode *property_names;
    const sr_jv *min_props, *max_props;
    vnode *uneval_props;
    /* array */
    vnode *items_all;       /* every item (or those after the tuple) */
    vnode **tuple;          /* items array (drafts 4-2019) or prefixItems */
    size_t ntuple;
    vnode *additional_items; /* drafts 4-2019: after an items array */
    int additional_items_false;
    vnode *contains;
    const sr_jv *min_contains, *max_contains;
    const sr_jv *min_items, *max_items;
    int unique;
    vnode *uneval_items;
    /* scalar */
    const sr_jv *enum_, *const_;
    const sr_jv *minimum, *maximum, *excl_min, *excl_max, *multiple_of;
    int excl_min_bool, excl_max_bool; /* draft 4 */
    const sr_jv *min_length, *max_length;
    regex_t pattern;
    int has_pattern;
};

struct sr_jsv {
    const sr_jrefs *refs;
    sr_jdraft draft;
    sr_pairmap nodes;       /* schema value -> 1 + index into v */
    vnode **v;
    size_t n, cap;
    vnode *root;
    int max_depth;
};

/* ---- compiling ---- */

typedef struct compiler {
    sr_jsv *v;
    int modern, draft;
    sr_err *err;
    int failed;
    int depth;
    const char *fallback_base; /* for values no $id walk reached (a $ref into an unknown keyword) */
    unsigned long long regex_budget; /* what the schema's patterns may still cost (regex.c) */
} compiler;

static vnode *node_of(const sr_jsv *v, const sr_jv *s)
{
    size_t *i = sr_pairmap_get(&v->nodes, s, NULL);
    return i ? v->v[*i - 1] : NULL;
}

static unsigned type_bit(const char *t)
{
    static const struct { const char *name; unsigned bit; } types[] = {
        {"null", T_NULL}, {"boolean", T_BOOLEAN}, {"object", T_OBJECT}, {"array", T_ARRAY},
        {"number", T_NUMBER}, {"string", T_STRING}, {"integer", T_INTEGER}};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcmp(t, types[i].name))
            return types[i].bit;
    return 0;
}

static int is_schema(const sr_jv *v)
{
    return v && (v->kind == SR_JOBJECT || v->kind == SR_JTRUE || v->kind == SR_JFALSE);
}

static const sr_jv *num(const sr_jv *o, const char *k)
{
    const sr_jv *v = sr_jobj_get(o, k);
    return v && v->kind == SR_JNUMBER ? v : NULL;
}

static void compile_value(compiler *c, const sr_jv *s);

static void compile_sub(void *arg, const sr_jv *sub)
{
    compile_value(arg, sub);
}

static int bad(compiler *c, const sr_jv *at, const char *what, const char *detail)
{
    if (!c->failed)
        sr_err_set(c->err, 42201, "Invalid schema of type JSON, details: line %d, column %d: %s%s",
                   at->line, at->column, what, detail ? detail : "");
    c->failed = 1;
    return -1;
}

/* First pass: a node for every schema value, regexes compiled. */
static void compile_value(compiler *c, const sr_jv *s)
{
    sr_jsv *v = c->v;
    vnode *n;
    const sr_jv *x;

    if (c->failed || sr_pairmap_get(&v->nodes, s, NULL))
        return;
    if (++c->depth > v->max_depth) {
        bad(c, s, "the schema nests deeper than the nesting limit", NULL);
        c->depth--;
        return;
    }
    n = sr_xcalloc(1, sizeof(*n));
    n->src = s;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->v = sr_xrealloc(v->v, v->cap * sizeof(*v->v));
    }
    v->v[v->n++] = n;
    *sr_pairmap_put(&v->nodes, s, NULL) = v->n;
    n->base = sr_jrefs_base(v->refs, s, c->fallback_base ? c->fallback_base : "");
    if (s->kind != SR_JOBJECT) {
        n->is_bool = 1;
        n->bool_val = s->kind != SR_JFALSE;
        c->depth--;
        return;
    }
    x = sr_jobj_get(s, sr_jrefs_id_keyword(sr_jrefs_draft(v->refs)));
    n->resource_root = x && x->kind == SR_JSTRING && x->u.str[0] != '#';
    if ((x = sr_jobj_get(s, "pattern")) && x->kind == SR_JSTRING) {
        if (sr_jregex_compile(&n->pattern, x->u.str, &c->regex_budget) < 0) {
            bad(c, x, "the pattern is not a regular expression sluice can run: ", x->u.str);
        } else {
            n->has_pattern = 1;
        }
    }
    if ((x = sr_jobj_get(s, "patternProperties")) && x->kind == SR_JOBJECT) {
        n->patterns = sr_xcalloc(x->n + 1, sizeof(*n->patterns));
        for (size_t i = 0; i < x->n && !c->failed; i++) {
            if (sr_jregex_compile(&n->patterns[i].re, x->u.members[i].key, &c->regex_budget) < 0) {
                bad(c, x->u.members[i].value, "the patternProperties key is not a regular "
                    "expression sluice can run: ", x->u.members[i].key);
                break;
            }
            n->patterns[i].text = x->u.members[i].key;
            n->npatterns++;
        }
    }
    sr_jrefs_each_subschema(s, compile_sub, c);
    c->depth--;
}

static vnode **node_array(const sr_jsv *v, const sr_jv *arr, size_t *count)
{
    vnode **out;

    *count = 0;
    if (!arr || arr->kind != SR_JARRAY)
        return NULL;
    out = sr_xcalloc(arr->n + 1, sizeof(*out));
    for (size_t i = 0; i < arr->n; i++)
        if (is_schema(arr->u.items[i]))
            out[(*count)++] = node_of(v, arr->u.items[i]);
    return out;
}

static vnode *sub(const sr_jsv *v, const sr_jv *o, const char *k)
{
    const sr_jv *x = sr_jobj_get(o, k);
    return is_schema(x) ? node_of(v, x) : NULL;
}

/* The node of a $ref target: compiled now when the target sits where no subschema keyword leads
 * (a JSON pointer into an unknown keyword), under the referring schema's base. */
static vnode *target_node(compiler *c, const vnode *from, const sr_jv *t)
{
    vnode *n;

    if (!t)
        return NULL;
    if ((n = node_of(c->v, t)))
        return n;
    if (!is_schema(t))
        return NULL;
    c->fallback_base = from->base;
    compile_value(c, t);
    c->fallback_base = NULL;
    return node_of(c->v, t);
}

/* Second pass: keywords and links. */
static void link_node(compiler *c, vnode *n)
{
    const sr_jsv *v = c->v;
    const sr_jv *s = n->src, *x;
    int d = c->draft;

    if (n->is_bool || c->failed)
        return;
    if ((x = sr_jobj_get(s, "$ref")) && x->kind == SR_JSTRING) {
        const sr_jv *t = sr_jrefs_resolve(v->refs, n->base, x->u.str, NULL);
        if (!(n->ref = target_node(c, n, t))) {
            bad(c, x, "$ref does not resolve: ", x->u.str);
            return;
        }
        if (!c->modern)
            return; /* drafts 4-7: a $ref hides its siblings */
    }
    if (c->modern && (x = sr_jobj_get(s, "$dynamicRef")) && x->kind == SR_JSTRING) {
        const char *anchor = NULL;
        const sr_jv *t = sr_jrefs_resolve(v->refs, n->base, x->u.str, &anchor);
        if (!(n->dyn_ref = target_node(c, n, t))) {
            bad(c, x, "$dynamicRef does not resolve: ", x->u.str);
            return;
        }
        n->dyn_anchor = anchor;
    }
    if (c->modern && (x = sr_jobj_get(s, "$recursiveRef")) && x->kind == SR_JSTRING) {
        const sr_jv *t = sr_jrefs_resolve(v->refs, n->base, x->u.str, NULL);
        if (!(n->dyn_ref = target_node(c, n, t))) {
            bad(c, x, "$recursiveRef does not resolve: ", x->u.str);
            return;
        }
        n->recursive_ref = 1;
    }
    if ((x = sr_jobj_get(s, "type"))) {
        if (x->kind == SR_JSTRING)
            n->types = type_bit(x->u.str);
        for (size_t i = 0; x->kind == SR_JARRAY && i < x->n; i++)
            if (x->u.items[i]->kind == SR_JSTRING)
                n->types |= type_bit(x->u.items[i]->u.str);
        if (!n->types)
            n->types = 0x80; /* an unknown type matches nothing */
    }
    n->all = node_array(v, sr_jobj_get(s, "allOf"), &n->nall);
    n->any = node_array(v, sr_jobj_get(s, "anyOf"), &n->nany);
    n->one = node_array(v, sr_jobj_get(s, "oneOf"), &n->none);
    n->not_ = sub(v, s, "not");
    if (d >= SR_DRAFT_7) {
        n->if_ = sub(v, s, "if");
        n->then_ = sub(v, s, "then");
        n->else_ = sub(v, s, "else");
    }
    /* object */
    if ((x = sr_jobj_get(s, "properties")) && x->kind == SR_JOBJECT)
        n->props = x;
    for (size_t i = 0; i < n->npatterns; i++)
        n->patterns[i].schema = node_of(v, sr_jobj_get(s, "patternProperties")->u.members[i].value);
    if ((x = sr_jobj_get(s, "additionalProperties"))) {
        n->additional_false = x->kind == SR_JFALSE;
        if (x->kind == SR_JOBJECT)
            n->additional = node_of(v, x);
    }
    if ((x = sr_jobj_get(s, "required")) && x->kind == SR_JARRAY)
        n->required = x;
    if (c->modern) {
        n->dep_required = sr_jobj_get(s, "dependentRequired");
        n->dep_schemas = sr_jobj_get(s, "dependentSchemas");
        n->uneval_props = sub(v, s, "unevaluatedProperties");
        n->uneval_items = sub(v, s, "unevaluatedItems");
    } else {
        n->dep_required = n->dep_schemas = sr_jobj_get(s, "dependencies");
    }
    if (d >= SR_DRAFT_6)
        n->property_names = sub(v, s, "propertyNames");
    n->min_props = num(s, "minProperties");
    n->max_props = num(s, "maxProperties");
    /* array */
    x = sr_jobj_get(s, "items");
    if (d == SR_DRAFT_2020_12) {
        n->tuple = node_array(v, sr_jobj_get(s, "prefixItems"), &n->ntuple);
        if (is_schema(x))
            n->items_all = node_of(v, x);
    } else if (x && x->kind == SR_JARRAY) {
        n->tuple = node_array(v, x, &n->ntuple);
        if ((x = sr_jobj_get(s, "additionalItems"))) {
            n->additional_items_false = x->kind == SR_JFALSE;
            if (x->kind == SR_JOBJECT)
                n->additional_items = node_of(v, x);
        }
    } else if (is_schema(x)) {
        n->items_all = node_of(v, x);
    }
    if (d >= SR_DRAFT_6) {
        n->contains = sub(v, s, "contains");
        if (c->modern) {
            n->min_contains = num(s, "minContains");
            n->max_contains = num(s, "maxContains");
        }
    }
    n->min_items = num(s, "minItems");
    n->max_items = num(s, "maxItems");
    n->unique = (x = sr_jobj_get(s, "uniqueItems")) && x->kind == SR_JTRUE;
    /* scalars */
    if ((x = sr_jobj_get(s, "enum")) && x->kind == SR_JARRAY)
        n->enum_ = x;
    if (d >= SR_DRAFT_6)
        n->const_ = sr_jobj_get(s, "const");
    n->minimum = num(s, "minimum");
    n->maximum = num(s, "maximum");
    if (d == SR_DRAFT_4) {
        n->excl_min_bool = (x = sr_jobj_get(s, "exclusiveMinimum")) && x->kind == SR_JTRUE;
        n->excl_max_bool = (x = sr_jobj_get(s, "exclusiveMaximum")) && x->kind == SR_JTRUE;
    } else {
        n->excl_min = num(s, "exclusiveMinimum");
        n->excl_max = num(s, "exclusiveMaximum");
    }
    n->multiple_of = num(s, "multipleOf");
    n->min_length = num(s, "minLength");
    n->max_length = num(s, "maxLength");
}

static void free_node(vnode *n)
{
    if (n->has_pattern)
        regfree(&n->pattern);
    for (size_t i = 0; i < n->npatterns; i++)
        regfree(&n->patterns[i].re);
    free(n->patterns);
    free(n->all);
    free(n->any);
    free(n->one);
    free(n->tuple);
    free(n);
}

void sr_jsv_free(sr_jsv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        free_node(v->v[i]);
    free(v->v);
    sr_pairmap_dispose(&v->nodes);
    free(v);
}

int sr_jsv_compile(sr_jsv **out, const sr_jv *root, sr_jdraft draft, const char *base,
                   const sr_jrefs *refs, int max_depth, sr_err *err)
{
    sr_jsv *v = sr_xcalloc(1, sizeof(*v));
    compiler c = {v, draft >= SR_DRAFT_2019_09, (int)draft, err, 0, 0, NULL, SR_JREGEX_BUDGET};

    (void)base;
    v->refs = refs;
    v->draft = draft;
    v->max_depth = max_depth;
    compile_value(&c, root);
    for (size_t i = 0; i < sr_jrefs_nresources(refs) && !c.failed; i++)
        compile_value(&c, sr_jrefs_resource_at(refs, i));
    for (size_t i = 0; i < v->n && !c.failed; i++)
        link_node(&c, v->v[i]);
    if (c.failed) {
        sr_jsv_free(v);
        return -1;
    }
    v->root = node_of(v, root);
    *out = v;
    return 0;
}

/* ---- validating ---- */

typedef struct vctx {
    const sr_jsv *v;
    sr_violations *out;    /* NULL: only the verdict is wanted */
    sr_buf ptr;             /* the instance pointer */
    const char *scope[64];  /* dynamic scope: the bases of the resources entered */
    size_t nscope;
    int depth, too_deep;
} vctx;

/* Which members (objects) or items (arrays) the successful subschemas evaluated. */
typedef struct evaluated {
    unsigned char *bits;    /* one per member or item */
    size_t n;
} evaluated;

static void ev_init(evaluated *e, size_t n)
{
    e->n = n;
    e->bits = n ? sr_xcalloc(n, 1) : NULL;
}

static void ev_merge(evaluated *into, const evaluated *from)
{
    for (size_t i = 0; into && into->bits && i < into->n && i < from->n; i++)
        into->bits[i] |= from->bits[i];
}

static void ev_free(evaluated *e)
{
    free(e->bits);
}

static void ev_mark(evaluated *e, size_t i)
{
    if (e && e->bits && i < e->n)
        e->bits[i] = 1;
}

static int valid(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev);

static void violation(vctx *c, const vnode *n, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The pointer of the failing keyword within its schema document: line and column. */
static void violation(vctx *c, const vnode *n, const char *kw, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    char where[96];
    const sr_jv *at = kw ? sr_jobj_get(n->src, kw) : NULL;

    if (!c->out)
        return;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        sr_xoom();
    va_end(ap);
    at = at ? at : n->src;
    snprintf(where, sizeof(where), "%s (line %d, column %d)", kw ? kw : "schema", at->line,
             at->column);
    sr_violations_add_at(c->out, c->ptr.ptr, where, "%s", msg);
    free(msg);
}

static unsigned inst_type(const sr_jv *i)
{
    switch (i->kind) {
    case SR_JNULL: return T_NULL;
    case SR_JTRUE:
    case SR_JFALSE: return T_BOOLEAN;
    case SR_JOBJECT: return T_OBJECT;
    case SR_JARRAY: return T_ARRAY;
    case SR_JSTRING: return T_STRING;
    default: return sr_jnum_is_integer(i) ? (T_NUMBER | T_INTEGER) : T_NUMBER;
    }
}

static const char *kind_name(const sr_jv *i)
{
    switch (i->kind) {
    case SR_JNULL: return "null";
    case SR_JTRUE:
    case SR_JFALSE: return "boolean";
    case SR_JOBJECT: return "object";
    case SR_JARRAY: return "array";
    case SR_JSTRING: return "string";
    default: return sr_jnum_is_integer(i) ? "integer" : "number";
    }
}

static size_t utf8_len(const char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/* Validate a child instance under the pointer extended by one token. */
static int valid_at_key(vctx *c, const vnode *n, const sr_jv *inst, const char *key, size_t klen)
{
    size_t len = c->ptr.len;
    int ok;

    sr_buf_put_pointer_token(&c->ptr, key, klen);
    ok = valid(c, n, inst, NULL);
    sr_buf_truncate(&c->ptr, len);
    return ok;
}

static int valid_at_index(vctx *c, const vnode *n, const sr_jv *inst, size_t i)
{
    char tok[32];
    int k = snprintf(tok, sizeof(tok), "%zu", i);
    return valid_at_key(c, n, inst, tok, (size_t)k);
}

/* Run `n` on `inst` with violations hidden; 1 when valid. */
static int quietly(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    sr_violations *saved = c->out;
    int ok;

    c->out = NULL;
    ok = valid(c, n, inst, ev);
    c->out = saved;
    return ok;
}

static int number_ok(vctx *c, const vnode *n, const sr_jv *inst)
{
    int ok = 1;

    if (n->minimum) {
        int cmp = sr_jnum_cmp(inst, n->minimum);
        if (cmp < 0 || (n->excl_min_bool && cmp == 0)) {
            violation(c, n, "minimum", "%s is less than the minimum %s", inst->u.num,
                      n->minimum->u.num);
            ok = 0;
        }
    }
    if (n->maximum) {
        int cmp = sr_jnum_cmp(inst, n->maximum);
        if (cmp > 0 || (n->excl_max_bool && cmp == 0)) {
            violation(c, n, "maximum", "%s is more than the maximum %s", inst->u.num,
                      n->maximum->u.num);
            ok = 0;
        }
    }
    if (n->excl_min && sr_jnum_cmp(inst, n->excl_min) <= 0) {
        violation(c, n, "exclusiveMinimum", "%s is not more than %s", inst->u.num,
                  n->excl_min->u.num);
        ok = 0;
    }
    if (n->excl_max && sr_jnum_cmp(inst, n->excl_max) >= 0) {
        violation(c, n, "exclusiveMaximum", "%s is not less than %s", inst->u.num,
                  n->excl_max->u.num);
        ok = 0;
    }
    if (n->multiple_of) {
        double q = sr_jnum(inst) / sr_jnum(n->multiple_of);
        if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q))) {
            violation(c, n, "multipleOf", "%s is not a multiple of %s", inst->u.num,
                      n->multiple_of->u.num);
            ok = 0;
        }
    }
    return ok;
}

static int string_ok(vctx *c, const vnode *n, const sr_jv *inst)
{
    int ok = 1;
    size_t len = (n->min_length || n->max_length) ? utf8_len(inst->u.str, inst->n) : 0;

    if (n->min_length && (double)len < sr_jnum(n->min_length)) {
        violation(c, n, "minLength", "the string is shorter than %s characters",
                  n->min_length->u.num);
        ok = 0;
    }
    if (n->max_length && (double)len > sr_jnum(n->max_length)) {
        violation(c, n, "maxLength", "the string is longer than %s characters",
                  n->max_length->u.num);
        ok = 0;
    }
    if (n->has_pattern && !sr_jregex_search(&n->pattern, inst->u.str, inst->n)) {
        violation(c, n, "pattern", "the string does not match the pattern %s",
                  sr_jobj_get(n->src, "pattern")->u.str);
        ok = 0;
    }
    return ok;
}

static int object_ok(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    int ok = 1;

    if (n->required)
        for (size_t i = 0; i < n->required->n; i++) {
            const sr_jv *name = n->required->u.items[i];
            if (name->kind == SR_JSTRING && !sr_jobj_getn(inst, name->u.str, name->n)) {
                violation(c, n, "required", "the required property '%s' is missing",
                          name->u.str);
                ok = 0;
            }
        }
    if (n->min_props && (double)inst->n < sr_jnum(n->min_props)) {
        violation(c, n, "minProperties", "the object has fewer than %s properties",
                  n->min_props->u.num);
        ok = 0;
    }
    if (n->max_props && (double)inst->n > sr_jnum(n->max_props)) {
        violation(c, n, "maxProperties", "the object has more than %s properties",
                  n->max_props->u.num);
        ok = 0;
    }
    for (size_t i = 0; i < inst->n; i++) {
        const sr_jmember *m = &inst->u.members[i];
        const sr_jv *ps = n->props ? sr_jobj_getn(n->props, m->key, m->key_len) : NULL;
        int matched = 0;
        if (ps && is_schema(ps)) {
            matched = 1;
            ok &= valid_at_key(c, node_of(c->v, ps), m->value, m->key, m->key_len);
        }
        for (size_t k = 0; k < n->npatterns; k++)
            if (sr_jregex_search(&n->patterns[k].re, m->key, m->key_len)) {
                matched = 1;
                ok &= valid_at_key(c, n->patterns[k].schema, m->value, m->key, m->key_len);
            }
        if (!matched) {
            if (n->additional_false) {
                violation(c, n, "additionalProperties", "the property '%s' is not allowed",
                          m->key);
                ok = 0;
                matched = 1;
            } else if (n->additional) {
                ok &= valid_at_key(c, n->additional, m->value, m->key, m->key_len);
                matched = 1;
            } else if (sr_jobj_get(n->src, "additionalProperties")) {
                matched = 1; /* additionalProperties: true evaluates it */
            }
        }
        if (matched)
            ev_mark(ev, i);
        if (n->property_names) {
            sr_jv name = {SR_JSTRING, m->value->line, m->value->column, m->key_len,
                          {.str = m->key}, NULL, 0, 0};
            if (!quietly(c, n->property_names, &name, NULL)) {
                violation(c, n, "propertyNames", "the property name '%s' is not allowed",
                          m->key);
                ok = 0;
            }
        }
    }
    if (n->dep_required && n->dep_required->kind == SR_JOBJECT)
        for (size_t i = 0; i < n->dep_required->n; i++) {
            const sr_jmember *d = &n->dep_required->u.members[i];
            if (d->value->kind != SR_JARRAY || !sr_jobj_getn(inst, d->key, d->key_len))
                continue;
            for (size_t k = 0; k < d->value->n; k++) {
                const sr_jv *need = d->value->u.items[k];
                if (need->kind == SR_JSTRING && !sr_jobj_getn(inst, need->u.str, need->n)) {
                    violation(c, n, c->v->draft >= SR_DRAFT_2019_09 ? "dependentRequired"
                                                                     : "dependencies",
                              "the property '%s' needs the property '%s'", d->key, need->u.str);
                    ok = 0;
                }
            }
        }
    if (n->dep_schemas && n->dep_schemas->kind == SR_JOBJECT)
        for (size_t i = 0; i < n->dep_schemas->n; i++) {
            const sr_jmember *d = &n->dep_schemas->u.members[i];
            evaluated sub;
            if (!is_schema(d->value) || !sr_jobj_getn(inst, d->key, d->key_len))
                continue;
            ev_init(&sub, inst->n);
            if (valid(c, node_of(c->v, d->value), inst, &sub))
                ev_merge(ev, &sub);
            else
                ok = 0;
            ev_free(&sub);
        }
    return ok;
}

static int array_ok(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    int ok = 1;
    size_t i;

    if (n->min_items && (double)inst->n < sr_jnum(n->min_items)) {
        violation(c, n, "minItems", "the array has fewer than %s items", n->min_items->u.num);
        ok = 0;
    }
    if (n->max_items && (double)inst->n > sr_jnum(n->max_items)) {
        violation(c, n, "maxItems", "the array has more than %s items", n->max_items->u.num);
        ok = 0;
    }
    for (i = 0; i < inst->n && i < n->ntuple; i++) {
        ok &= valid_at_index(c, n->tuple[i], inst->u.items[i], i);
        ev_mark(ev, i);
    }
    for (; i < inst->n; i++) {
        if (n->items_all) {
            ok &= valid_at_index(c, n->items_all, inst->u.items[i], i);
        } else if (n->additional_items) {
            ok &= valid_at_index(c, n->additional_items, inst->u.items[i], i);
        } else if (n->additional_items_false) {
            violation(c, n, "additionalItems", "the array has more than %zu items", n->ntuple);
            ok = 0;
            break;
        } else {
            continue;
        }
        ev_mark(ev, i);
    }
    if (n->contains) {
        size_t found = 0;
        double min = n->min_contains ? sr_jnum(n->min_contains) : 1;
        for (i = 0; i < inst->n; i++)
            if (quietly(c, n->contains, inst->u.items[i], NULL)) {
                found++;
                ev_mark(ev, i);
            }
        if ((double)found < min) {
            violation(c, n, "contains", "the array does not contain %s matching item%s",
                      min == 1 ? "a" : "enough", min == 1 ? "" : "s");
            ok = 0;
        }
        if (n->max_contains && (double)found > sr_jnum(n->max_contains)) {
            violation(c, n, "maxContains", "the array contains more than %s matching items",
                      n->max_contains->u.num);
            ok = 0;
        }
    }
    if (n->unique && inst->n > 1) {
        size_t cap = 16;
        const sr_jv **slots;
        while (cap < 2 * inst->n)
            cap *= 2;
        slots = sr_xcalloc(cap, sizeof(*slots));
        for (i = 0; i < inst->n; i++) {
            size_t h = (size_t)sr_jv_hash(inst->u.items[i]) & (cap - 1);
            while (slots[h] && !sr_jv_equal(slots[h], inst->u.items[i]))
                h = (h + 1) & (cap - 1);
            if (slots[h]) {
                violation(c, n, "uniqueItems", "the item at %zu repeats an earlier item", i);
                ok = 0;
                break;
            }
            slots[h] = inst->u.items[i];
        }
        free(slots);
    }
    return ok;
}

/* In-place applicators: their successful evaluations count for the instance. */
static int applicators_ok(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    int ok = 1;
    size_t ne = inst->kind == SR_JOBJECT || inst->kind == SR_JARRAY ? inst->n : 0;

    for (size_t i = 0; i < n->nall; i++) {
        evaluated sub;
        ev_init(&sub, ne);
        if (valid(c, n->all[i], inst, &sub))
            ev_merge(ev, &sub);
        else
            ok = 0;
        ev_free(&sub);
    }
    if (n->nany) {
        int any = 0;
        for (size_t i = 0; i < n->nany; i++) {
            evaluated sub;
            ev_init(&sub, ne);
            if (quietly(c, n->any[i], inst, &sub)) {
                any = 1;
                ev_merge(ev, &sub);
            }
            ev_free(&sub);
        }
        if (!any) {
            violation(c, n, "anyOf", "the value matches none of the anyOf schemas");
            ok = 0;
        }
    }
    if (n->none) {
        size_t matches = 0;
        for (size_t i = 0; i < n->none; i++) {
            evaluated sub;
            ev_init(&sub, ne);
            if (quietly(c, n->one[i], inst, &sub)) {
                matches++;
                ev_merge(ev, &sub);
            }
            ev_free(&sub);
        }
        if (matches != 1) {
            violation(c, n, "oneOf", matches ? "the value matches more than one of the oneOf "
                                               "schemas"
                                             : "the value matches none of the oneOf schemas");
            ok = 0;
        }
    }
    if (n->not_ && quietly(c, n->not_, inst, NULL)) {
        violation(c, n, "not", "the value matches the schema it must not match");
        ok = 0;
    }
    if (n->if_) {
        evaluated sub;
        ev_init(&sub, ne);
        if (quietly(c, n->if_, inst, &sub)) {
            ev_merge(ev, &sub);
            if (n->then_)
                ok &= valid(c, n->then_, inst, ev);
        } else if (n->else_) {
            ok &= valid(c, n->else_, inst, ev);
        }
        ev_free(&sub);
    }
    return ok;
}

static int unevaluated_ok(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    int ok = 1;

    if (inst->kind == SR_JOBJECT && n->uneval_props)
        for (size_t i = 0; i < inst->n; i++)
            if (!ev->bits[i]) {
                const sr_jmember *m = &inst->u.members[i];
                if (n->uneval_props->is_bool && !n->uneval_props->bool_val) {
                    violation(c, n, "unevaluatedProperties", "the property '%s' is not allowed",
                              m->key);
                    ok = 0;
                } else if (!valid_at_key(c, n->uneval_props, m->value, m->key, m->key_len)) {
                    ok = 0;
                }
                ev->bits[i] = 1;
            }
    if (inst->kind == SR_JARRAY && n->uneval_items)
        for (size_t i = 0; i < inst->n; i++)
            if (!ev->bits[i]) {
                if (n->uneval_items->is_bool && !n->uneval_items->bool_val) {
                    violation(c, n, "unevaluatedItems", "the item at %zu is not allowed", i);
                    ok = 0;
                } else if (!valid_at_index(c, n->uneval_items, inst->u.items[i], i)) {
                    ok = 0;
                }
                ev->bits[i] = 1;
            }
    return ok;
}

/* $dynamicRef / $recursiveRef: the outermost resource in the dynamic scope that defines the same
 * dynamic anchor (or has "$recursiveAnchor": true) wins over the static target. */
static const vnode *dynamic_target(vctx *c, const vnode *n)
{
    if (n->recursive_ref) {
        if (!sr_jrefs_recursive_anchor(c->v->refs, n->dyn_ref->base))
            return n->dyn_ref;
        for (size_t i = 0; i < c->nscope; i++)
            if (sr_jrefs_recursive_anchor(c->v->refs, c->scope[i])) {
                const sr_jv *root = sr_jrefs_resource(c->v->refs, c->scope[i]);
                const vnode *t = root ? node_of(c->v, root) : NULL;
                if (t)
                    return t;
            }
        return n->dyn_ref;
    }
    if (!n->dyn_anchor)
        return n->dyn_ref;
    for (size_t i = 0; i < c->nscope; i++) {
        const sr_jv *t = sr_jrefs_dynamic(c->v->refs, c->scope[i], n->dyn_anchor);
        if (t && node_of(c->v, t))
            return node_of(c->v, t);
    }
    return n->dyn_ref;
}

static int valid(vctx *c, const vnode *n, const sr_jv *inst, evaluated *ev)
{
    int ok = 1, pushed = 0;
    evaluated own = {NULL, 0};
    unsigned t;

    if (n->is_bool) {
        if (!n->bool_val)
            violation(c, n, NULL, "no value is allowed here");
        return n->bool_val;
    }
    if (++c->depth > 4 * c->v->max_depth + 64) {
        c->too_deep = 1;
        c->depth--;
        return 0;
    }
    if (n->resource_root || c->nscope == 0) {
        if (c->nscope < sizeof(c->scope) / sizeof(c->scope[0]) &&
            (c->nscope == 0 || strcmp(c->scope[c->nscope - 1], n->base) != 0)) {
            c->scope[c->nscope++] = n->base;
            pushed = 1;
        }
    }
    if ((inst->kind == SR_JOBJECT || inst->kind == SR_JARRAY) && !ev) {
        ev_init(&own, inst->n);
        ev = &own;
    } else if (inst->kind != SR_JOBJECT && inst->kind != SR_JARRAY) {
        ev = NULL;
    }
    if (n->ref) {
        evaluated sub;
        ev_init(&sub, ev ? ev->n : 0);
        if (valid(c, n->ref, inst, ev ? &sub : NULL))
            ev_merge(ev, &sub);
        else
            ok = 0;
        ev_free(&sub);
        if (c->v->draft < SR_DRAFT_2019_09)
            goto out;
    }
    if (n->dyn_ref) {
        evaluated sub;
        ev_init(&sub, ev ? ev->n : 0);
        if (valid(c, dynamic_target(c, n), inst, ev ? &sub : NULL))
            ev_merge(ev, &sub);
        else
            ok = 0;
        ev_free(&sub);
    }
    t = inst_type(inst);
    if (n->types && !(n->types & t)) {
        const sr_jv *tv = sr_jobj_get(n->src, "type");
        sr_buf want = SR_BUF_INIT;
        sr_jv_print(&want, tv, 0);
        violation(c, n, "type", "expected %s, found %s", want.ptr, kind_name(inst));
        sr_buf_dispose(&want);
        ok = 0;
    }
    if (n->enum_) {
        int found = 0;
        for (size_t i = 0; i < n->enum_->n && !found; i++)
            found = sr_jv_equal(n->enum_->u.items[i], inst);
        if (!found) {
            violation(c, n, "enum", "the value is not one of the enum's values");
            ok = 0;
        }
    }
    if (n->const_ && !sr_jv_equal(n->const_, inst)) {
        violation(c, n, "const", "the value is not the const value");
        ok = 0;
    }
    if (inst->kind == SR_JNUMBER)
        ok &= number_ok(c, n, inst);
    else if (inst->kind == SR_JSTRING)
        ok &= string_ok(c, n, inst);
    else if (inst->kind == SR_JOBJECT)
        ok &= object_ok(c, n, inst, ev);
    else if (inst->kind == SR_JARRAY)
        ok &= array_ok(c, n, inst, ev);
    ok &= applicators_ok(c, n, inst, ev);
    if (ev && (n->uneval_props || n->uneval_items))
        ok &= unevaluated_ok(c, n, inst, ev);
out:
    ev_free(&own);
    if (pushed)
        c->nscope--;
    c->depth--;
    return ok;
}

int sr_jsv_validate(sr_violations *out, const sr_jsv *v, const sr_jv *instance, sr_err *err)
{
    vctx c;
    int ok;

    memset(&c, 0, sizeof(c));
    c.v = v;
    c.out = out;
    c.ptr = (sr_buf)SR_BUF_INIT;
    ok = valid(&c, v->root, instance, NULL);
    sr_buf_dispose(&c.ptr);
    if (c.too_deep)
        return sr_err_set(err, 42201, "the value nests deeper than the schema's limit, or the "
                          "schema refers to itself without reaching the value");
    return ok;
}
