/* json/refs.c -- where every $ref of a set of schema documents leads.
 *
 * The documents (the main schema, the schemas its references name, and, when asked, the
 * meta-schemas) are walked once through the keywords that hold subschemas. Each schema object
 * gets its base URI (from the enclosing $id), and every resource ($id), anchor ($anchor,
 * $dynamicAnchor, or a draft-6/7 "$id": "#name") is indexed by absolute URI. A $ref is then
 * resolved against its base: the document part finds a resource, the fragment is a JSON pointer
 * or an anchor. References name documents as Confluent names them (compatibility-rules.md §5):
 * by the reference name itself, by it resolved against the main schema's base, and as "./name". */
#include "compat/json/internal.h"
#include "common/hex.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct sr_jrefs {
    json_t *uris;       /* absolute URI (no fragment) -> index into res */
    json_t *anchors;    /* "uri#name" -> index into nodes */
    sr_pairmap bases;   /* schema value -> 1 + index into base strings */
    char **base_strs;   /* owned */
    size_t nbase, cap_base;
    const sr_jv **nodes; /* anchored schema values */
    size_t nnodes, cap_nodes;
    struct res { const sr_jv *root; } *res;
    size_t nres, cap_res;
    json_t *dynamic;    /* "uri#name" of $dynamicAnchor -> 1 (which anchors are dynamic) */
    json_t *recursive;  /* uri of a resource whose root has "$recursiveAnchor": true */
    sr_jdraft draft;
    int max_depth;
};

static size_t add_base(sr_jrefs *r, const char *base)
{
    if (r->nbase && strcmp(r->base_strs[r->nbase - 1], base) == 0)
        return r->nbase - 1;
    if (r->nbase == r->cap_base) {
        r->cap_base = r->cap_base ? 2 * r->cap_base : 16;
        r->base_strs = sr_xrealloc(r->base_strs, r->cap_base * sizeof(*r->base_strs));
    }
    r->base_strs[r->nbase] = sr_xstrdup(base);
    return r->nbase++;
}

static void add_resource(sr_jrefs *r, const char *uri, const sr_jv *root)
{
    char *u = sr_uri_strip_fragment(uri, NULL);

    if (!json_object_get(r->uris, u)) {
        if (r->nres == r->cap_res) {
            r->cap_res = r->cap_res ? 2 * r->cap_res : 8;
            r->res = sr_xrealloc(r->res, r->cap_res * sizeof(*r->res));
        }
        r->res[r->nres].root = root;
        json_object_set_new(r->uris, u, json_integer((json_int_t)r->nres++));
    }
    free(u);
}

static void add_anchor(sr_jrefs *r, const char *base, const char *name, const sr_jv *node,
                       int dynamic)
{
    char *u = sr_uri_strip_fragment(base, NULL);
    sr_buf key = SR_BUF_INIT;

    sr_buf_printf(&key, "%s#%s", u, name);
    if (!json_object_get(r->anchors, key.ptr)) {
        if (r->nnodes == r->cap_nodes) {
            r->cap_nodes = r->cap_nodes ? 2 * r->cap_nodes : 8;
            r->nodes = sr_xrealloc(r->nodes, r->cap_nodes * sizeof(*r->nodes));
        }
        r->nodes[r->nnodes] = node;
        json_object_set_new(r->anchors, key.ptr, json_integer((json_int_t)r->nnodes++));
    }
    if (dynamic)
        json_object_set_new(r->dynamic, key.ptr, json_true());
    sr_buf_dispose(&key);
    free(u);
}

const char *sr_jrefs_id_keyword(sr_jdraft d)
{
    return d == SR_DRAFT_4 ? "id" : "$id";
}

/* Keywords whose value is a schema, an array of schemas, or an object of schemas. */
static const char *const one_schema[] = {
    "additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems", "not",
    "if", "then", "else", "contains", "propertyNames", "contentSchema", "items", NULL};
static const char *const schema_arrays[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items",
                                            NULL};
static const char *const schema_maps[] = {"properties", "patternProperties", "$defs",
                                          "definitions", "dependentSchemas", "dependencies",
                                          NULL};

void sr_jrefs_each_subschema(const sr_jv *s, void (*fn)(void *arg, const sr_jv *sub), void *arg)
{
    if (!s || s->kind != SR_JOBJECT)
        return;
    for (int i = 0; one_schema[i]; i++) {
        const sr_jv *v = sr_jobj_get(s, one_schema[i]);
        if (v && (v->kind == SR_JOBJECT || v->kind == SR_JTRUE || v->kind == SR_JFALSE))
            fn(arg, v);
    }
    for (int i = 0; schema_arrays[i]; i++) {
        const sr_jv *v = sr_jobj_get(s, schema_arrays[i]);
        if (v && v->kind == SR_JARRAY)
            for (size_t k = 0; k < v->n; k++)
                fn(arg, v->u.items[k]);
    }
    for (int i = 0; schema_maps[i]; i++) {
        const sr_jv *v = sr_jobj_get(s, schema_maps[i]);
        if (v && v->kind == SR_JOBJECT)
            for (size_t k = 0; k < v->n; k++)
                if (v->u.members[k].value->kind == SR_JOBJECT ||
                    v->u.members[k].value->kind == SR_JTRUE ||
                    v->u.members[k].value->kind == SR_JFALSE)
                    fn(arg, v->u.members[k].value);
    }
}

typedef struct walk {
    sr_jrefs *r;
    const char *base;
    int depth;
    int too_deep;
} walk;

static void index_schema(walk *w, const sr_jv *s);

static void index_sub(void *arg, const sr_jv *sub)
{
    index_schema(arg, sub);
}

static void index_schema(walk *w, const sr_jv *s)
{
    sr_jrefs *r = w->r;
    const sr_jv *id, *anchor;
    const char *saved = w->base;
    char *own = NULL;

    if (s->kind != SR_JOBJECT) {
        *sr_pairmap_put(&r->bases, s, NULL) = 1 + add_base(r, w->base);
        return;
    }
    if (sr_pairmap_get(&r->bases, s, NULL))
        return; /* reached twice (a document registered under two names) */
    if (++w->depth > r->max_depth) {
        w->too_deep = 1;
        w->depth--;
        return;
    }
    id = sr_jobj_get(s, sr_jrefs_id_keyword(r->draft));
    if (id && id->kind == SR_JSTRING && !sr_jobj_get(s, "$ref")) {
        if (id->u.str[0] == '#') { /* draft 6/7 plain-name fragment: an anchor */
            if (id->u.str[1] && id->u.str[1] != '/')
                add_anchor(r, w->base, id->u.str + 1, s, 0);
        } else {
            const char *frag;
            own = sr_uri_resolve(w->base, id->u.str);
            if ((frag = strchr(own, '#')))
                frag++;
            add_resource(r, own, s);
            if (frag && *frag && *frag != '/')
                add_anchor(r, own, frag, s, 0);
            w->base = own;
        }
    }
    if ((anchor = sr_jobj_get(s, "$anchor")) && anchor->kind == SR_JSTRING)
        add_anchor(r, w->base, anchor->u.str, s, 0);
    if ((anchor = sr_jobj_get(s, "$dynamicAnchor")) && anchor->kind == SR_JSTRING)
        add_anchor(r, w->base, anchor->u.str, s, 1);
    if ((anchor = sr_jobj_get(s, "$recursiveAnchor")) && anchor->kind == SR_JTRUE) {
        char *u = sr_uri_strip_fragment(w->base, NULL);
        json_object_set_new(r->recursive, u, json_true());
        free(u);
    }
    *sr_pairmap_put(&r->bases, s, NULL) = 1 + add_base(r, w->base);
    sr_jrefs_each_subschema(s, index_sub, w);
    w->base = saved;
    free(own);
    w->depth--;
}

static void index_document(sr_jrefs *r, const char *uri, const sr_jv *root, int *too_deep)
{
    walk w = {r, uri, 0, 0};

    add_resource(r, uri, root);
    index_schema(&w, root);
    *too_deep |= w.too_deep;
}

sr_jrefs *sr_jrefs_new(sr_jdraft draft, int max_depth)
{
    sr_jrefs *r = sr_xcalloc(1, sizeof(*r));

    r->uris = json_object();
    r->anchors = json_object();
    r->dynamic = json_object();
    r->recursive = json_object();
    r->draft = draft;
    r->max_depth = max_depth;
    return r;
}

int sr_jrefs_add(sr_jrefs *r, const char *uri, const sr_jv *root, sr_err *err)
{
    int too_deep = 0;

    index_document(r, uri, root, &too_deep);
    if (too_deep)
        return sr_err_set(err, 42201, "the schema document %s nests deeper than %d levels (the "
                          "nesting limit)", uri, r->max_depth);
    return 0;
}

int sr_jrefs_add_dependency(sr_jrefs *r, const char *main_base, const char *name,
                            const sr_jv *root, sr_err *err)
{
    char *resolved = sr_uri_resolve(main_base, name);
    int rc = sr_jrefs_add(r, name, root, err);

    if (rc == 0) {
        add_resource(r, resolved, root);
        if (name[0] != '.' && !strchr(name, ':')) {
            sr_buf dot = SR_BUF_INIT;
            sr_buf_printf(&dot, "./%s", name);
            add_resource(r, dot.ptr, root);
            sr_buf_dispose(&dot);
        }
    }
    free(resolved);
    return rc;
}

void sr_jrefs_free(sr_jrefs *r)
{
    if (!r)
        return;
    json_decref(r->uris);
    json_decref(r->anchors);
    json_decref(r->dynamic);
    json_decref(r->recursive);
    for (size_t i = 0; i < r->nbase; i++)
        free(r->base_strs[i]);
    free(r->base_strs);
    free(r->nodes);
    free(r->res);
    sr_pairmap_dispose(&r->bases);
    free(r);
}

const char *sr_jrefs_base(const sr_jrefs *r, const sr_jv *schema, const char *fallback)
{
    size_t *i = sr_pairmap_get(&r->bases, schema, NULL);
    return i ? r->base_strs[*i - 1] : fallback;
}

/* A URI fragment percent-decoded (once), giving the JSON pointer it carries (RFC 6901 §6). */
static char *pct_decode(const char *s)
{
    sr_buf b = SR_BUF_INIT;

    for (; *s; s++) {
        int hi = *s == '%' ? sr_hex_value((unsigned char)s[1]) : -1;
        int lo = hi >= 0 ? sr_hex_value((unsigned char)s[2]) : -1;
        if (lo >= 0) {
            sr_buf_putc(&b, (char)(hi * 16 + lo));
            s += 2;
        } else {
            sr_buf_putc(&b, *s);
        }
    }
    return sr_buf_detach(&b);
}

static const sr_jv *find_resource(const sr_jrefs *r, const char *doc)
{
    json_t *i = json_object_get(r->uris, doc);
    return i ? r->res[json_integer_value(i)].root : NULL;
}

const sr_jv *sr_jrefs_resolve(const sr_jrefs *r, const char *base, const char *ref,
                              const char **dynamic_anchor)
{
    char *abs = sr_uri_resolve(base, ref), *doc, *frag_dec = NULL;
    const char *frag = NULL;
    const sr_jv *root, *target = NULL;

    if (dynamic_anchor)
        *dynamic_anchor = NULL;
    doc = sr_uri_strip_fragment(abs, &frag);
    root = find_resource(r, doc);
    if (!root) { /* the reference's name as written (Confluent registers it so) */
        char *raw = sr_uri_strip_fragment(ref, NULL);
        root = *raw ? find_resource(r, raw) : NULL;
        if (root) {
            free(doc);
            doc = raw;
        } else {
            free(raw);
        }
    }
    if (root) {
        if (!frag || !*frag) {
            target = root;
        } else if (*frag == '/') {
            frag_dec = pct_decode(frag);
            target = sr_jv_at(root, frag_dec);
            if (!target && strncmp(frag_dec, "/$defs/", 7) == 0) {
                /* Confluent bridges a document's top-level "definitions" into "$defs" */
                sr_buf alt = SR_BUF_INIT;
                sr_buf_printf(&alt, "/definitions/%s", frag_dec + 7);
                target = sr_jv_at(root, alt.ptr);
                sr_buf_dispose(&alt);
            }
        } else {
            sr_buf key = SR_BUF_INIT;
            json_t *i;
            sr_buf_printf(&key, "%s#%s", doc, frag);
            i = json_object_get(r->anchors, key.ptr);
            target = i ? r->nodes[json_integer_value(i)] : NULL;
            if (target && dynamic_anchor && json_object_get(r->dynamic, key.ptr))
                *dynamic_anchor = frag;
            sr_buf_dispose(&key);
        }
    }
    free(frag_dec);
    free(doc);
    if (dynamic_anchor && *dynamic_anchor) { /* point into `ref`, which outlives the call */
        const char *h = strchr(ref, '#');
        *dynamic_anchor = h ? h + 1 : NULL;
    }
    free(abs);
    return target;
}

const sr_jv *sr_jrefs_dynamic(const sr_jrefs *r, const char *resource_base, const char *name)
{
    char *u = sr_uri_strip_fragment(resource_base, NULL);
    sr_buf key = SR_BUF_INIT;
    const sr_jv *target = NULL;

    sr_buf_printf(&key, "%s#%s", u, name);
    if (json_object_get(r->dynamic, key.ptr)) {
        json_t *i = json_object_get(r->anchors, key.ptr);
        target = i ? r->nodes[json_integer_value(i)] : NULL;
    }
    sr_buf_dispose(&key);
    free(u);
    return target;
}

int sr_jrefs_recursive_anchor(const sr_jrefs *r, const char *resource_base)
{
    char *u = sr_uri_strip_fragment(resource_base, NULL);
    int yes = json_object_get(r->recursive, u) != NULL;

    free(u);
    return yes;
}

const sr_jv *sr_jrefs_resource(const sr_jrefs *r, const char *uri)
{
    char *u = sr_uri_strip_fragment(uri, NULL);
    const sr_jv *root = find_resource(r, u);

    free(u);
    return root;
}

size_t sr_jrefs_nresources(const sr_jrefs *r)
{
    return r->nres;
}

const sr_jv *sr_jrefs_resource_at(const sr_jrefs *r, size_t i)
{
    return r->res[i].root;
}

sr_jdraft sr_jrefs_draft(const sr_jrefs *r)
{
    return r->draft;
}
