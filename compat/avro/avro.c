/* avro/avro.c -- parsing and validating Avro schemas (the Avro 1.11 specification, as Confluent's
 * parser applies it; compatibility-rules.md §2.5) into the model of avro.h.
 *
 * Each pass is near-linear: named types, field names and enum symbols are found through jansson
 * objects (hash tables), never by scanning what came before. Each recursion -- over types, over a
 * default or an attribute value -- counts its depth and refuses to go past the parse limit; the
 * JSON text itself is loaded by jansson, which refuses documents nested deeper than
 * JSON_PARSER_MAX_DEPTH (2048). */
#include "compat/avro/avro.h"
#include "compat/compat.h"
#include "common/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
    "record", "enum", "array", "map", "union", "fixed",
};

const char *sr_avro_kind_name(av_kind k)
{
    return kind_names[k];
}

typedef struct parser {
    av_schema *s;
    unsigned flags;
    int external;  /* parsing a referenced schema */
    int max_depth; /* types and JSON values nest at most this many levels */
    av_path path;  /* where in the text being parsed, for messages */
    sr_err *err;
} parser;

/* ---- helpers shared with the printers ---- */

void sr_avro__path_push(av_path *p, const char *key)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->seg = sr_xrealloc(p->seg, p->cap * sizeof(*p->seg));
    }
    p->seg[p->n++] = (av_path_seg){key, 0};
}

void sr_avro__path_push_index(av_path *p, size_t index)
{
    sr_avro__path_push(p, NULL);
    p->seg[p->n - 1].index = index;
}

void sr_avro__path_pop(av_path *p)
{
    p->n--;
}

void sr_avro__path_dispose(av_path *p)
{
    free(p->seg);
    *p = (av_path){0};
}

char *sr_avro__path_format(const av_path *p, size_t max)
{
    sr_buf b = SR_BUF_INIT;
    size_t head, tail;
    char *out;

    for (size_t i = 0; i < p->n; i++) {
        if (p->seg[i].key)
            sr_buf_put_pointer_token(&b, p->seg[i].key, strlen(p->seg[i].key));
        else
            sr_buf_printf(&b, "/%zu", p->seg[i].index);
    }
    if (b.len == 0)
        sr_buf_putc(&b, '/');
    if (b.len <= max || max < 16)
        return sr_buf_detach(&b);
    /* Keep the start and the end (where the problem is), cut on character boundaries. */
    head = sr_utf8_floor(b.ptr, b.len, max / 3);
    tail = b.len - (max - max / 3 - 3);
    while (tail < b.len && ((unsigned char)b.ptr[tail] & 0xC0) == 0x80)
        tail++;
    out = sr_xmalloc(head + 3 + (b.len - tail) + 1);
    memcpy(out, b.ptr, head);
    memcpy(out + head, "...", 3);
    memcpy(out + head + 3, b.ptr + tail, b.len - tail + 1);
    sr_buf_dispose(&b);
    return out;
}

/* ---- errors ---- */

/* Make `s` valid UTF-8 in place: a character cut at the end is dropped, any other byte that does
 * not belong to a well-formed character becomes '?'. Messages quote input and are cut to fit. */
static void scrub_utf8(char *s)
{
    unsigned char *u = (unsigned char *)s;

    while (*u) {
        int need = *u < 0x80 ? 0 : *u >= 0xC2 && *u < 0xE0 ? 1 : *u >= 0xE0 && *u < 0xF0 ? 2
                                   : *u >= 0xF0 && *u < 0xF5 ? 3 : -1;
        int have = 0;
        while (need > 0 && have < need && (u[1 + have] & 0xC0) == 0x80)
            have++;
        if (need > 0 && have < need && u[1 + have] == '\0') {
            *u = '\0'; /* cut short by truncation */
            return;
        }
        if (need < 0 || have < need)
            *u++ = '?';
        else
            u += 1 + need;
    }
}

static int fail(parser *p, const char *fmt, const char *a, const char *b)
{
    char *detail = NULL;

    if (asprintf(&detail, fmt, a ? a : "", b ? b : "") < 0)
        sr_xoom();
    scrub_utf8(detail);
    sr_err_set(p->err, 42201, "Invalid schema of type AVRO, details: %s", detail);
    free(detail);
    return -1;
}

/* `what` ("schema", "default value of field x", ...) goes deeper than the limit, here. */
static int fail_deep(parser *p, const char *what)
{
    char *at = sr_avro__path_format(&p->path, 400);

    sr_err_set(p->err, 42201,
               "Invalid schema of type AVRO, details: %s nests deeper than %d levels at %s%s", what,
               p->max_depth, at, p->external ? " (in a referenced schema)" : "");
    free(at);
    return -1;
}

static av_type *new_node(parser *p, av_kind kind)
{
    av_type *t = sr_xcalloc(1, sizeof(*t));
    av_schema *s = p->s;

    t->kind = kind;
    t->props = json_object();
    if (s->nnodes == s->cap_nodes) {
        s->cap_nodes = s->cap_nodes ? 2 * s->cap_nodes : 16;
        s->nodes = sr_xrealloc(s->nodes, s->cap_nodes * sizeof(*s->nodes));
    }
    s->nodes[s->nnodes++] = t;
    return t;
}

static int primitive_kind(const char *name)
{
    for (int k = AV_NULL; k <= AV_STRING; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* One part of a name: [A-Za-z_][A-Za-z0-9_]* */
static int valid_part(const char *s, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static int valid_fullname(const char *s)
{
    const char *dot;

    while ((dot = strchr(s, '.'))) {
        if (!valid_part(s, (size_t)(dot - s)))
            return 0;
        s = dot + 1;
    }
    return valid_part(s, strlen(s));
}

av_type *sr_avro_find_named(const av_schema *s, const char *fullname)
{
    json_t *pos = json_object_get(s->named_index, fullname);

    return pos ? s->named[json_integer_value(pos)] : NULL;
}

const av_field *sr_avro_field(const av_type *record, const char *name)
{
    json_t *pos = json_object_get(record->field_index, name);

    return pos ? &record->fields[json_integer_value(pos)] : NULL;
}

int sr_avro_has_symbol(const av_type *enum_type, const char *symbol)
{
    return json_object_get(enum_type->symbol_index, symbol) != NULL;
}

/* Resolve a name used as a type: qualified by the enclosing namespace first, then as written. */
static av_type *lookup_name(const av_schema *s, const char *name, const char *ns)
{
    av_type *t = NULL;

    if (!strchr(name, '.') && ns && *ns) {
        char *full = NULL;
        if (asprintf(&full, "%s.%s", ns, name) < 0)
            return NULL;
        t = sr_avro_find_named(s, full);
        free(full);
    }
    return t ? t : sr_avro_find_named(s, name);
}

static int parse_type(parser *p, av_type **out, json_t *j, const char *ns, int depth);

/* Refuse a JSON value nested deeper than the limit (the value itself is level `depth`), before
 * anything else walks it. `what` names it in the message; the path says where. */
static int check_value_depth(parser *p, json_t *v, int depth, const char *what)
{
    const char *k;
    size_t i;
    json_t *e;
    int rc = 0;

    if (depth > p->max_depth)
        return fail_deep(p, what);
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            sr_avro__path_push_index(&p->path, i);
            rc = check_value_depth(p, e, depth + 1, what);
            sr_avro__path_pop(&p->path);
            if (rc < 0)
                return -1;
        }
    } else if (json_is_object(v)) {
        json_object_foreach(v, k, e) {
            sr_avro__path_push(&p->path, k);
            rc = check_value_depth(p, e, depth + 1, what);
            sr_avro__path_pop(&p->path);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

/* Copy every attribute of `j` not in `known` (NULL-terminated) into `props`. */
static int take_props(parser *p, json_t *props, json_t *j, const char *const *known)
{
    const char *k;
    json_t *v;

    json_object_foreach(j, k, v) {
        int skip = 0, rc;
        for (const char *const *n = known; *n; n++)
            skip |= strcmp(k, *n) == 0;
        if (skip)
            continue;
        sr_avro__path_push(&p->path, k);
        rc = check_value_depth(p, v, 1, "attribute value");
        sr_avro__path_pop(&p->path);
        if (rc < 0)
            return -1;
        json_object_set(props, k, v);
    }
    return 0;
}

static char *opt_string(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    return json_is_string(v) ? sr_xstrdup(json_string_value(v)) : NULL;
}

/* Names of a named type definition: name, namespace (inherited), full name; aliases qualified. */
static int define_name(parser *p, av_type *t, json_t *j, const char *ns)
{
    json_t *name = json_object_get(j, "name"), *nsj = json_object_get(j, "namespace");
    json_t *aliases = json_object_get(j, "aliases");
    const char *n, *dot;
    size_t i;
    json_t *a;

    if (!json_is_string(name))
        return fail(p, "No name in schema: %s", kind_names[t->kind], NULL);
    n = json_string_value(name);
    if (nsj && !json_is_null(nsj) && !json_is_string(nsj))
        return fail(p, "namespace of \"%s\" must be a string", n, NULL);
    dot = strrchr(n, '.');
    if (dot) {
        t->ns = sr_xstrndup(n, (size_t)(dot - n));
        t->name = sr_xstrdup(dot + 1);
    } else {
        const char *space = json_is_string(nsj) ? json_string_value(nsj) : ns;
        t->ns = space && *space ? sr_xstrdup(space) : NULL;
        t->name = sr_xstrdup(n);
    }
    if (t->ns && asprintf(&t->fullname, "%s.%s", t->ns, t->name) < 0)
        return fail(p, "out of memory", NULL, NULL);
    if (!t->ns)
        t->fullname = sr_xstrdup(t->name);
    if (!valid_fullname(t->fullname))
        return fail(p, "Illegal name: %s", t->fullname, NULL);
    if (primitive_kind(t->fullname) >= 0)
        return fail(p, "Can't redefine: %s", t->fullname, NULL);
    if (sr_avro_find_named(p->s, t->fullname))
        return fail(p, "Can't redefine: %s", t->fullname, NULL);
    if (aliases && !json_is_null(aliases)) {
        if (!json_is_array(aliases))
            return fail(p, "aliases of \"%s\" must be an array of names", t->fullname, NULL);
        t->aliases = json_array();
        json_array_foreach(aliases, i, a) {
            const char *an = json_string_value(a);
            char *full = NULL;
            if (!an || !valid_fullname(an))
                return fail(p, "Illegal alias of \"%s\"", t->fullname, NULL);
            if (!strchr(an, '.') && t->ns) {
                if (asprintf(&full, "%s.%s", t->ns, an) < 0)
                    return fail(p, "out of memory", NULL, NULL);
                json_array_append_new(t->aliases, json_string(full));
                free(full);
            } else {
                json_array_append_new(t->aliases, json_string(an));
            }
        }
    }
    t->doc = opt_string(j, "doc");
    t->external = p->external;
    if (p->s->nnamed == p->s->cap_named) {
        p->s->cap_named = p->s->cap_named ? 2 * p->s->cap_named : 16;
        p->s->named = sr_xrealloc(p->s->named, p->s->cap_named * sizeof(*p->s->named));
    }
    t->named_id = p->s->nnamed;
    p->s->named[p->s->nnamed++] = t;
    json_object_set_new(p->s->named_index, t->fullname, json_integer((json_int_t)t->named_id));
    return 0;
}

/* Does JSON value `v` fit type `t`? (Avro's default validation.) `depth` is the level of `v` in
 * the default: a union passes its value to its first branch, which cannot be a union, so the
 * recursion is at most twice as deep as the value, which was checked against the limit. */
static int default_fits(const parser *p, const av_type *t, json_t *v, int depth)
{
    size_t i;
    json_t *e;
    const char *k;

    if (depth > p->max_depth)
        return 0;
    switch (t->kind) {
    case AV_NULL:
        return json_is_null(v);
    case AV_BOOLEAN:
        return json_is_boolean(v);
    case AV_INT:
        return json_is_integer(v) && json_integer_value(v) >= -2147483648LL &&
               json_integer_value(v) <= 2147483647LL;
    case AV_LONG:
        return json_is_integer(v);
    case AV_FLOAT:
    case AV_DOUBLE:
        return json_is_number(v) ||
               (json_is_string(v) && (strcmp(json_string_value(v), "NaN") == 0 ||
                                      strcmp(json_string_value(v), "Infinity") == 0 ||
                                      strcmp(json_string_value(v), "-Infinity") == 0));
    case AV_BYTES:
    case AV_STRING:
    case AV_FIXED:
        return json_is_string(v);
    case AV_ENUM:
        return json_is_string(v) && sr_avro_has_symbol(t, json_string_value(v));
    case AV_ARRAY:
        if (!json_is_array(v))
            return 0;
        json_array_foreach(v, i, e) if (!default_fits(p, t->items, e, depth + 1)) return 0;
        return 1;
    case AV_MAP:
        if (!json_is_object(v))
            return 0;
        json_object_foreach(v, k, e) if (!default_fits(p, t->items, e, depth + 1)) return 0;
        return 1;
    case AV_UNION: /* a union's default belongs to its first branch */
        return t->nbranches > 0 && default_fits(p, t->branches[0], v, depth);
    case AV_RECORD:
        if (!json_is_object(v))
            return 0;
        for (i = 0; i < t->nfields; i++) {
            json_t *fv = json_object_get(v, t->fields[i].name);
            if (fv ? !default_fits(p, t->fields[i].type, fv, depth + 1) : !t->fields[i].def)
                return 0;
        }
        return 1;
    }
    return 0;
}

/* A field's default: no deeper than the limit, and (new schemas) of the field's type. */
static int parse_default(parser *p, av_field *fd, json_t *def)
{
    char what[400];
    char *dv;
    int rc;

    fd->def = json_incref(def);
    sr_avro__path_push(&p->path, "default");
    snprintf(what, sizeof(what), "default value of field %.200s", fd->name);
    rc = check_value_depth(p, def, 1, what);
    sr_avro__path_pop(&p->path);
    if (rc < 0 || !(p->flags & SR_PARSE_NEW) || default_fits(p, fd->type, def, 1))
        return rc;
    dv = json_dumps(def, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(what, sizeof(what), "Invalid default for field %.150s: %.*s not a %s", fd->name,
             dv ? (int)sr_utf8_floor(dv, strlen(dv), 200) : 1, dv ? dv : "?",
             kind_names[fd->type->kind]);
    free(dv);
    return fail(p, "%s", what, NULL);
}

static int parse_field(parser *p, av_type *t, av_field *fd, json_t *f, int depth)
{
    static const char *const known[] = {"name", "type", "doc", "default", "order", "aliases", NULL};
    json_t *order, *aliases, *def;
    const char *name;
    int rc;

    if (!json_is_object(f) || !json_is_string(json_object_get(f, "name")))
        return fail(p, "Record \"%s\" has a field without a name", t->fullname, NULL);
    name = json_string_value(json_object_get(f, "name"));
    if (!valid_part(name, strlen(name)))
        return fail(p, "Illegal field name \"%s\" in record \"%s\"", name, t->fullname);
    if (json_object_get(t->field_index, name))
        return fail(p, "Duplicate field %s in record %s", name, t->fullname);
    json_object_set_new(t->field_index, name, json_integer((json_int_t)t->nfields));
    fd->name = sr_xstrdup(name);
    fd->props = json_object();
    t->nfields++;
    if (!json_object_get(f, "type"))
        return fail(p, "No type for field \"%s\" in record \"%s\"", name, t->fullname);
    sr_avro__path_push(&p->path, "type");
    rc = parse_type(p, &fd->type, json_object_get(f, "type"), t->ns, depth + 1);
    sr_avro__path_pop(&p->path);
    if (rc < 0)
        return -1;
    fd->doc = opt_string(f, "doc");
    if ((order = json_object_get(f, "order"))) {
        const char *o = json_string_value(order);
        if (!o || (strcmp(o, "ascending") && strcmp(o, "descending") && strcmp(o, "ignore")))
            return fail(p, "Illegal order for field \"%s\" in record \"%s\"", name, t->fullname);
        if (strcmp(o, "ascending") != 0)
            fd->order = sr_xstrdup(o);
    }
    if ((aliases = json_object_get(f, "aliases")) && !json_is_null(aliases)) {
        size_t ai;
        json_t *a;
        if (!json_is_array(aliases))
            return fail(p, "aliases of field \"%s\" must be an array", name, NULL);
        json_array_foreach(aliases, ai, a) if (!json_is_string(a)) return fail(
            p, "aliases of field \"%s\" must be strings", name, NULL);
        fd->aliases = json_incref(aliases);
    }
    if ((def = json_object_get(f, "default")) && parse_default(p, fd, def) < 0)
        return -1;
    return take_props(p, fd->props, f, known);
}

static int parse_fields(parser *p, av_type *t, json_t *fields, int depth)
{
    size_t i;
    json_t *f;
    int rc = 0;

    if (!json_is_array(fields))
        return fail(p, "Record \"%s\" has no fields array", t->fullname, NULL);
    t->fields = sr_xcalloc(json_array_size(fields) + 1, sizeof(*t->fields));
    t->field_index = json_object();
    sr_avro__path_push(&p->path, "fields");
    json_array_foreach(fields, i, f) {
        sr_avro__path_push_index(&p->path, i);
        rc = parse_field(p, t, &t->fields[i], f, depth);
        sr_avro__path_pop(&p->path);
        if (rc < 0)
            break;
    }
    sr_avro__path_pop(&p->path);
    return rc;
}

static int parse_enum(parser *p, av_type *t, json_t *j)
{
    json_t *symbols = json_object_get(j, "symbols"), *def = json_object_get(j, "default"), *sym;
    size_t i;

    if (!json_is_array(symbols))
        return fail(p, "Enum \"%s\" has no symbols array", t->fullname, NULL);
    t->symbols = sr_xcalloc(json_array_size(symbols) + 1, sizeof(char *));
    t->symbol_index = json_object();
    json_array_foreach(symbols, i, sym) {
        const char *s = json_string_value(sym);
        if (!s || !valid_part(s, strlen(s)))
            return fail(p, "Illegal enum symbol in \"%s\"", t->fullname, NULL);
        if (sr_avro_has_symbol(t, s))
            return fail(p, "Duplicate enum symbol: %s (in %s)", s, t->fullname);
        json_object_set_new(t->symbol_index, s, json_integer((json_int_t)i));
        t->symbols[i] = sr_xstrdup(s);
        t->nsymbols = i + 1;
    }
    if (def && !json_is_null(def)) {
        const char *d = json_string_value(def);
        if (!d || !sr_avro_has_symbol(t, d))
            return fail(p, "The Enum Default: %s is not in the enum symbol set (%s)",
                        d ? d : "(not a string)", t->fullname);
        t->enum_default = sr_xstrdup(d);
    }
    return 0;
}

/* The type of an array's items or a map's values, one level down. */
static int parse_items(parser *p, av_type *t, json_t *j, const char *ns, int depth)
{
    const char *key = t->kind == AV_ARRAY ? "items" : "values";
    json_t *inner = json_object_get(j, key);
    int rc;

    if (!inner)
        return fail(p, t->kind == AV_ARRAY ? "Array has no items type" : "Map has no values type",
                    NULL, NULL);
    sr_avro__path_push(&p->path, key);
    rc = parse_type(p, &t->items, inner, ns, depth + 1);
    sr_avro__path_pop(&p->path);
    return rc;
}

static int parse_object(parser *p, av_type **out, json_t *j, const char *ns, int depth)
{
    static const char *const rec_known[] = {"type", "name", "namespace", "doc", "fields",
                                            "aliases", NULL};
    static const char *const enum_known[] = {"type", "name", "namespace", "doc", "symbols",
                                             "default", "aliases", NULL};
    static const char *const fixed_known[] = {"type", "name", "namespace", "doc", "size",
                                              "aliases", NULL};
    static const char *const array_known[] = {"type", "items", NULL};
    static const char *const map_known[] = {"type", "values", NULL};
    static const char *const prim_known[] = {"type", NULL};
    json_t *type = json_object_get(j, "type");
    const char *tn;
    av_type *t;
    int k, rc;

    if (!type)
        return fail(p, "No type: %s", "a schema object needs a \"type\"", NULL);
    if (!json_is_string(type)) { /* {"type": {...}} or {"type": [...]}: the inner schema */
        sr_avro__path_push(&p->path, "type");
        rc = parse_type(p, out, type, ns, depth + 1);
        sr_avro__path_pop(&p->path);
        return rc;
    }
    tn = json_string_value(type);
    if ((k = primitive_kind(tn)) >= 0) {
        t = new_node(p, (av_kind)k);
        rc = take_props(p, t->props, j, prim_known);
    } else if (strcmp(tn, "record") == 0 || strcmp(tn, "error") == 0) {
        t = new_node(p, AV_RECORD);
        t->is_error = tn[0] == 'e';
        if (define_name(p, t, j, ns) < 0 ||
            parse_fields(p, t, json_object_get(j, "fields"), depth) < 0)
            return -1;
        rc = take_props(p, t->props, j, rec_known);
    } else if (strcmp(tn, "enum") == 0) {
        t = new_node(p, AV_ENUM);
        if (define_name(p, t, j, ns) < 0 || parse_enum(p, t, j) < 0)
            return -1;
        rc = take_props(p, t->props, j, enum_known);
    } else if (strcmp(tn, "fixed") == 0) {
        json_t *size = json_object_get(j, "size");
        t = new_node(p, AV_FIXED);
        if (define_name(p, t, j, ns) < 0)
            return -1;
        if (!json_is_integer(size) || json_integer_value(size) < 0 ||
            json_integer_value(size) > 2147483647LL)
            return fail(p, "Invalid size for fixed \"%s\"", t->fullname, NULL);
        t->size = json_integer_value(size);
        rc = take_props(p, t->props, j, fixed_known);
    } else if (strcmp(tn, "array") == 0 || strcmp(tn, "map") == 0) {
        int is_array = tn[0] == 'a';
        t = new_node(p, is_array ? AV_ARRAY : AV_MAP);
        if (parse_items(p, t, j, ns, depth) < 0)
            return -1;
        rc = take_props(p, t->props, j, is_array ? array_known : map_known);
    } else {
        av_type *named = lookup_name(p->s, tn, ns);
        if (!named)
            return fail(p, "\"%s\" is not a defined name", tn, NULL);
        *out = named;
        return 0;
    }
    if (rc < 0)
        return -1;
    *out = t;
    return 0;
}

/* Avro forbids two branches of the same unnamed kind, or with the same full name, in a union.
 * Unnamed kinds are remembered in a bit set, full names in a jansson object (made at the first
 * named branch): a union of n branches costs O(n). */
static int parse_union(parser *p, av_type **out, json_t *j, const char *ns, int depth)
{
    av_type *t = new_node(p, AV_UNION);
    unsigned kinds = 0;
    json_t *names = NULL, *b;
    size_t i;
    int rc = 0;

    t->branches = sr_xcalloc(json_array_size(j) + 1, sizeof(*t->branches));
    json_array_foreach(j, i, b) {
        av_type *bt = NULL;
        int dup;
        sr_avro__path_push_index(&p->path, i);
        rc = parse_type(p, &bt, b, ns, depth + 1);
        sr_avro__path_pop(&p->path);
        if (rc < 0)
            break;
        if (bt->kind == AV_UNION) {
            rc = fail(p, "Nested union: %s", "a union may not directly contain a union", NULL);
            break;
        }
        if (bt->fullname) {
            names = names ? names : json_object();
            dup = json_object_get(names, bt->fullname) != NULL;
            json_object_set(names, bt->fullname, json_true());
        } else {
            dup = (kinds >> bt->kind) & 1u;
            kinds |= 1u << bt->kind;
        }
        if (dup) {
            rc = fail(p, "Duplicate in union: %s",
                      bt->fullname ? bt->fullname : kind_names[bt->kind], NULL);
            break;
        }
        t->branches[i] = bt;
        t->nbranches = i + 1;
    }
    json_decref(names);
    if (rc < 0)
        return -1;
    *out = t;
    return 0;
}

/* One type at nesting level `depth` (the root is level 1). */
static int parse_type(parser *p, av_type **out, json_t *j, const char *ns, int depth)
{
    if (depth > p->max_depth)
        return fail_deep(p, "schema");
    if (json_is_string(j)) {
        const char *n = json_string_value(j);
        int k = primitive_kind(n);
        if (k >= 0) {
            *out = new_node(p, (av_kind)k);
            return 0;
        }
        if (!(*out = lookup_name(p->s, n, ns)))
            return fail(p, "\"%s\" is not a defined name", n, NULL);
        return 0;
    }
    if (json_is_object(j))
        return parse_object(p, out, j, ns, depth);
    if (json_is_array(j))
        return parse_union(p, out, j, ns, depth);
    return fail(p, "Not a schema: %s", "expected a name, an object or an array", NULL);
}

/* 1 when a string of `j` outside a "default" member holds a NUL. Defaults of bytes and fixed are
 * strings of code points 0-255, U+0000 included, so the text is read with NULs allowed; anywhere
 * else (names, symbols, docs) a NUL would be cut off by C strings, so it is refused. Bounded:
 * jansson refuses nesting deeper than JSON_PARSER_MAX_DEPTH. */
static int nul_outside_defaults(const json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_string(j))
        return strlen(json_string_value(j)) != json_string_length(j);
    if (json_is_array(j))
        json_array_foreach(j, i, v) if (nul_outside_defaults(v)) return 1;
    if (json_is_object(j))
        json_object_foreach((json_t *)j, k, v) if (strcmp(k, "default") != 0 &&
                                                   nul_outside_defaults(v)) return 1;
    return 0;
}

static int parse_text(parser *p, av_type **out, const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    char where[300];
    int rc;

    if (!j && json_error_code(&jerr) == json_error_stack_overflow) {
        snprintf(where, sizeof(where), "%d levels at line %d column %d", JSON_PARSER_MAX_DEPTH,
                 jerr.line, jerr.column);
        return fail(p, "JSON nests deeper than %s%s", where,
                    p->external ? " (in a referenced schema)" : "");
    }
    if (!j) {
        snprintf(where, sizeof(where), "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return fail(p, "Invalid JSON at %s", where, NULL);
    }
    if (nul_outside_defaults(j)) {
        json_decref(j);
        return fail(p, "%s", "a NUL character (\\u0000) may stand only in a default value", NULL);
    }
    p->path.n = 0;
    rc = parse_type(p, out, j, NULL, 1);
    json_decref(j);
    return rc;
}

int sr_avro_parse(av_schema **out, const char *text, const char *const *dep_texts, size_t ndeps,
                  unsigned flags, int max_depth, sr_err *err)
{
    parser p = {.s = sr_xcalloc(1, sizeof(av_schema)),
                .flags = flags,
                .external = 1,
                .max_depth = max_depth,
                .err = err};
    av_type *ignored;

    p.s->named_index = json_object();
    p.s->max_depth = max_depth;
    /* Referenced schemas go into the same name table first, in dependency order. */
    for (size_t i = 0; i < ndeps; i++) {
        if (parse_text(&p, &ignored, dep_texts[i]) < 0)
            goto fail;
    }
    p.external = 0;
    if (!text || !*text) {
        fail(&p, "Empty schema%s", "", NULL);
        goto fail;
    }
    if (parse_text(&p, &p.s->root, text) < 0)
        goto fail;
    sr_avro__path_dispose(&p.path);
    *out = p.s;
    return 0;
fail:
    sr_avro__path_dispose(&p.path);
    sr_avro_free(p.s);
    return -1;
}

void sr_avro_free(av_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nnodes; i++) {
        av_type *t = s->nodes[i];
        for (size_t f = 0; f < t->nfields; f++) {
            free(t->fields[f].name);
            json_decref(t->fields[f].def);
            json_decref(t->fields[f].aliases);
            free(t->fields[f].doc);
            free(t->fields[f].order);
            json_decref(t->fields[f].props);
        }
        free(t->fields);
        json_decref(t->field_index);
        json_decref(t->symbol_index);
        for (size_t k = 0; k < t->nsymbols; k++)
            free(t->symbols[k]);
        free(t->symbols);
        free(t->enum_default);
        free(t->branches);
        free(t->name);
        free(t->ns);
        free(t->fullname);
        free(t->doc);
        json_decref(t->aliases);
        json_decref(t->props);
        free(t);
    }
    free(s->nodes);
    free(s->named);
    json_decref(s->named_index);
    free(s);
}
