/* avro/print.c -- Avro schemas back to text: the canonical form that is stored and returned,
 * the normalized form (normalize=true, confluent-api.md §6), and the resolved form
 * (format=resolved: referenced types inlined).
 *
 * The canonical form follows Avro's own printer, which is what Confluent stores: compact JSON,
 * a named type written out at its first use and by name afterwards, a namespace written only
 * where it differs from the enclosing one. Output is built as a jansson tree (which keeps key
 * order) and dumped compactly.
 *
 * Each named type is written out once (a flag per named type says so), so the work is linear in
 * the schema however often a type is used; the walk counts its depth against the schema's limit,
 * which only the resolved form can exceed (it inlines types from references). */
#include "compat/avro/avro.h"

#include <stdlib.h>
#include <string.h>

typedef struct printer {
    int style;
    unsigned char *done; /* per named type (by named_id): already written out */
    int max_depth;
    av_path path;        /* where in the output, for the message */
    sr_err *err;
} printer;

static int is_done(const printer *pr, const av_type *t)
{
    return pr->done[t->named_id];
}

static void mark_done(printer *pr, const av_type *t)
{
    pr->done[t->named_id] = 1;
}

static json_t *too_deep(printer *pr)
{
    char *at = sr_avro__path_format(&pr->path, 400);

    sr_err_set(pr->err, 42201,
               "Invalid schema of type AVRO, details: schema nests deeper than %d levels at %s",
               pr->max_depth, at);
    free(at);
    return NULL;
}

static int is_named(const av_type *t)
{
    return t->kind == AV_RECORD || t->kind == AV_ENUM || t->kind == AV_FIXED;
}

/* A name as seen from namespace `space`: simple when it lives there (Avro's getQualified). */
static json_t *qualified(const char *fullname, const char *ns, const char *space)
{
    if (!ns || (space && strcmp(ns, space) == 0)) {
        const char *dot = strrchr(fullname, '.');
        return json_string(dot ? dot + 1 : fullname);
    }
    return json_string(fullname);
}

static void set_props(json_t *o, json_t *props, int sorted)
{
    const char *k;
    json_t *v;

    if (!sorted) {
        json_object_foreach(props, k, v)
            json_object_set(o, k, v);
        return;
    }
    /* Sorted by key: dump the props sorted, then load them back in that order. A value may hold
     * U+0000 (allowed in a schema's JSON): without JSON_ALLOW_NUL the load would fail and every
     * property would vanish from the normalized text. */
    {
        char *s = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
        json_t *copy = s ? json_loads(s, JSON_ALLOW_NUL, NULL) : NULL;
        json_object_foreach(copy, k, v)
            json_object_set(o, k, v);
        json_decref(copy);
        free(s);
    }
}

static int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *sorted_copy(json_t *arr)
{
    json_t *out = json_array();
    size_t n = json_array_size(arr);
    const char **v = sr_xcalloc(n + 1, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = json_string_value(json_array_get(arr, i));
    qsort(v, n, sizeof(*v), strcmp_ptr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_string(v[i]));
    free(v);
    return out;
}

static json_t *to_json(printer *pr, const av_type *t, const char *space, int depth);

/* to_json one level down, under the path key `key` (or index `index` when key is NULL). */
static json_t *child_json(printer *pr, const av_type *t, const char *space, int depth,
                          const char *key, size_t index)
{
    json_t *j;

    if (key)
        sr_avro__path_push(&pr->path, key);
    else
        sr_avro__path_push_index(&pr->path, index);
    j = to_json(pr, t, space, depth + 1);
    sr_avro__path_pop(&pr->path);
    return j;
}

static json_t *aliases_json(const printer *pr, const av_type *t)
{
    json_t *out;
    size_t i;
    json_t *a;

    if (pr->style == AV_PRINT_NORMALIZED)
        return sorted_copy(t->aliases);
    out = json_array();
    json_array_foreach(t->aliases, i, a) {
        const char *full = json_string_value(a), *dot = strrchr(full, '.');
        char *ns = dot ? sr_xstrndup(full, (size_t)(dot - full)) : NULL;
        json_array_append_new(out, qualified(full, ns, t->ns));
        free(ns);
    }
    return out;
}

static json_t *fields_json(printer *pr, const av_type *t, int depth)
{
    int norm = pr->style == AV_PRINT_NORMALIZED;
    json_t *arr = json_array();

    sr_avro__path_push(&pr->path, "fields");
    for (size_t i = 0; i < t->nfields; i++) {
        const av_field *f = &t->fields[i];
        json_t *o = json_object(), *type;
        sr_avro__path_push_index(&pr->path, i);
        type = child_json(pr, f->type, t->ns, depth, "type", 0);
        sr_avro__path_pop(&pr->path);
        if (!type) {
            json_decref(o);
            json_decref(arr);
            arr = NULL;
            break;
        }
        json_object_set_new(o, "name", json_string(f->name));
        json_object_set_new(o, "type", type);
        if (norm) {
            json_object_set_new(o, "order", json_string(f->order ? f->order : "ascending"));
            if (f->doc)
                json_object_set_new(o, "doc", json_string(f->doc));
            if (json_array_size(f->aliases))
                json_object_set_new(o, "aliases", sorted_copy(f->aliases));
            if (f->def)
                json_object_set(o, "default", f->def);
        } else {
            if (f->doc)
                json_object_set_new(o, "doc", json_string(f->doc));
            if (f->def)
                json_object_set(o, "default", f->def);
            if (f->order)
                json_object_set_new(o, "order", json_string(f->order));
            if (json_array_size(f->aliases))
                json_object_set(o, "aliases", f->aliases);
        }
        set_props(o, f->props, norm);
        json_array_append_new(arr, o);
    }
    sr_avro__path_pop(&pr->path);
    return arr;
}

/* Named types: {"type","name","namespace",...} canonically; {"name":<full>,"type",...}
 * normalized. */
static json_t *named_json(printer *pr, const av_type *t, const char *space, int depth)
{
    static const char *const kinds[] = {[AV_RECORD] = "record", [AV_ENUM] = "enum",
                                        [AV_FIXED] = "fixed"};
    int norm = pr->style == AV_PRINT_NORMALIZED;
    json_t *o = json_object(), *syms, *fields;
    const char *kind = t->is_error ? "error" : kinds[t->kind];

    if (norm) {
        json_object_set_new(o, "name", json_string(t->fullname));
        /* A type in no namespace inside one that has a namespace: without "namespace":"" its
         * simple name would be read back in the enclosing namespace, another type. */
        if (!t->ns && space)
            json_object_set_new(o, "namespace", json_string(""));
        json_object_set_new(o, "type", json_string(kind));
    } else {
        json_object_set_new(o, "type", json_string(kind));
        json_object_set_new(o, "name", json_string(t->name));
        if (t->ns && (!space || strcmp(t->ns, space) != 0))
            json_object_set_new(o, "namespace", json_string(t->ns));
        else if (!t->ns && space)
            json_object_set_new(o, "namespace", json_string(""));
        if (t->doc)
            json_object_set_new(o, "doc", json_string(t->doc));
    }
    switch (t->kind) {
    case AV_RECORD:
        if (!(fields = fields_json(pr, t, depth))) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "fields", fields);
        break;
    case AV_ENUM:
        syms = json_array();
        for (size_t i = 0; i < t->nsymbols; i++)
            json_array_append_new(syms, json_string(t->symbols[i]));
        json_object_set_new(o, "symbols", syms);
        if (!norm && t->enum_default)
            json_object_set_new(o, "default", json_string(t->enum_default));
        break;
    default:
        json_object_set_new(o, "size", json_integer(t->size));
        break;
    }
    if (norm) {
        if (t->doc)
            json_object_set_new(o, "doc", json_string(t->doc));
        if (json_array_size(t->aliases))
            json_object_set_new(o, "aliases", aliases_json(pr, t));
        if (t->enum_default)
            json_object_set_new(o, "default", json_string(t->enum_default));
        set_props(o, t->props, 1);
    } else {
        set_props(o, t->props, 0);
        if (json_array_size(t->aliases))
            json_object_set_new(o, "aliases", aliases_json(pr, t));
    }
    return o;
}

static json_t *to_json(printer *pr, const av_type *t, const char *space, int depth)
{
    int norm = pr->style == AV_PRINT_NORMALIZED;
    json_t *o, *inner;

    if (depth > pr->max_depth)
        return too_deep(pr);
    if (is_named(t)) {
        /* Written out once; later uses, and types of referenced schemas, go by name. */
        if (is_done(pr, t) || (t->external && pr->style != AV_PRINT_RESOLVED))
            return norm ? json_string(t->fullname) : qualified(t->fullname, t->ns, space);
        mark_done(pr, t);
        return named_json(pr, t, space, depth);
    }
    switch (t->kind) {
    case AV_UNION:
        o = json_array();
        for (size_t i = 0; i < t->nbranches; i++) {
            if (!(inner = child_json(pr, t->branches[i], space, depth, NULL, i))) {
                json_decref(o);
                return NULL;
            }
            json_array_append_new(o, inner);
        }
        return o;
    case AV_ARRAY:
    case AV_MAP:
        inner = child_json(pr, t->items, space, depth, t->kind == AV_ARRAY ? "items" : "values", 0);
        if (!inner)
            return NULL;
        o = json_object();
        json_object_set_new(o, "type", json_string(sr_avro_kind_name(t->kind)));
        json_object_set_new(o, t->kind == AV_ARRAY ? "items" : "values", inner);
        set_props(o, t->props, norm);
        return o;
    default:
        if (json_object_size(t->props) == 0)
            return json_string(sr_avro_kind_name(t->kind));
        o = json_object();
        json_object_set_new(o, "type", json_string(sr_avro_kind_name(t->kind)));
        if (norm) { /* logicalType first, then its attributes, then the rest sorted */
            json_t *lt = json_object_get(t->props, "logicalType");
            if (lt)
                json_object_set(o, "logicalType", lt);
        }
        set_props(o, t->props, norm);
        return o;
    }
}

int sr_avro_print(char **out, const av_schema *s, int style, sr_err *err)
{
    printer pr = {.style = style,
                  .done = sr_xcalloc(s->nnamed + 1, 1),
                  .max_depth = s->max_depth,
                  .err = err};
    json_t *j = to_json(&pr, s->root, NULL, 1);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) : NULL;

    json_decref(j);
    free(pr.done);
    sr_avro__path_dispose(&pr.path);
    if (!j)
        return -1;
    if (!text)
        return sr_err_set(err, 50001, "Out of memory printing an Avro schema");
    *out = text;
    return 0;
}
