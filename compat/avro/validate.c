/* avro/validate.c -- a JSON document checked against an Avro schema as Avro's JSON encoding reads
 * it (the specification's "JSON Encoding"): records as objects with every field that has no
 * default, enums as symbol strings, bytes and fixed as strings of code points up to U+00FF, maps
 * as objects, a union's value as null or {"<branch name>": value}, int and long within their
 * ranges. Every violation is named by its JSON pointer. */
#include "compat/avro/avro.h"
#include "compat/format.h"

#include <math.h>
#include <string.h>

typedef struct vctx {
    sr_violations *out;
    sr_buf ptr;
    int depth, max_depth, too_deep;
} vctx;

static void push(vctx *c, const char *tok)
{
    sr_buf_put_pointer_token(&c->ptr, tok, strlen(tok));
}

static void pop(vctx *c, size_t len)
{
    sr_buf_truncate(&c->ptr, len);
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Code points of a UTF-8 string, -1 when one is above U+00FF (bytes and fixed carry bytes). */
static long byte_string_length(const char *s, size_t n)
{
    long k = 0;

    for (size_t i = 0; i < n; k++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
        } else if ((c & 0xE0) == 0xC0 && c <= 0xC3) {
            i += 2;
        } else {
            return -1;
        }
    }
    return k;
}

/* The name a union branch goes by in the JSON encoding. */
static const char *branch_name(const av_type *t)
{
    return t->fullname ? t->fullname : sr_avro_kind_name(t->kind);
}

static int check(vctx *c, const av_type *t, const json_t *v);

static int check_record(vctx *c, const av_type *t, const json_t *v)
{
    const char *key;
    json_t *val;
    int ok = 1;

    if (!json_is_object(v)) {
        sr_violations_add(c->out, c->ptr.ptr, "expected an object for record %s, found %s",
                          t->fullname, json_kind(v));
        return 0;
    }
    for (size_t i = 0; i < t->nfields; i++) {
        const av_field *f = &t->fields[i];
        json_t *fv = json_object_get(v, f->name);
        size_t len = c->ptr.len;
        if (!fv) {
            if (!f->def) {
                sr_violations_add(c->out, c->ptr.ptr, "the field '%s' is missing and has no "
                                  "default", f->name);
                ok = 0;
            }
            continue;
        }
        push(c, f->name);
        ok &= check(c, f->type, fv);
        pop(c, len);
    }
    json_object_foreach((json_t *)v, key, val) {
        if (!sr_avro_field(t, key)) {
            size_t len = c->ptr.len;
            push(c, key);
            sr_violations_add(c->out, c->ptr.ptr, "record %s has no field '%s'", t->fullname,
                              key);
            pop(c, len);
            ok = 0;
        }
    }
    return ok;
}

static int check_union(vctx *c, const av_type *t, const json_t *v)
{
    const char *key;
    json_t *val;

    if (json_is_null(v)) {
        for (size_t i = 0; i < t->nbranches; i++)
            if (t->branches[i]->kind == AV_NULL)
                return 1;
        sr_violations_add(c->out, c->ptr.ptr, "null is not a branch of the union");
        return 0;
    }
    if (!json_is_object(v) || json_object_size(v) != 1) {
        sr_violations_add(c->out, c->ptr.ptr, "a union's value is null or an object with one "
                          "member named by its branch, found %s", json_kind(v));
        return 0;
    }
    json_object_foreach((json_t *)v, key, val) {
        for (size_t i = 0; i < t->nbranches; i++) {
            const av_type *b = t->branches[i];
            if (strcmp(branch_name(b), key) == 0 || (b->name && strcmp(b->name, key) == 0)) {
                size_t len = c->ptr.len;
                int ok;
                push(c, key);
                ok = check(c, b, val);
                pop(c, len);
                return ok;
            }
        }
        sr_violations_add(c->out, c->ptr.ptr, "'%s' is not a branch of the union", key);
    }
    return 0;
}

/* `v` against `t`: appends a violation and returns 0 where it does not fit. */
static int check_type(vctx *c, const av_type *t, const json_t *v)
{
    int ok = 1;

    switch (t->kind) {
    case AV_NULL:
        ok = json_is_null(v);
        break;
    case AV_BOOLEAN:
        ok = json_is_boolean(v);
        break;
    case AV_INT:
    case AV_LONG:
        ok = json_is_integer(v) ||
             (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) &&
              fabs(json_real_value(v)) < 9.2e18);
        if (ok && t->kind == AV_INT) {
            double x = json_number_value(v);
            if (x < -2147483648.0 || x > 2147483647.0) {
                sr_violations_add(c->out, c->ptr.ptr, "%.0f is out of the range of an int", x);
                return 0;
            }
        }
        break;
    case AV_FLOAT:
    case AV_DOUBLE:
        ok = json_is_number(v);
        break;
    case AV_STRING:
        ok = json_is_string(v);
        break;
    case AV_BYTES:
    case AV_FIXED:
        ok = json_is_string(v);
        if (ok) {
            long n = byte_string_length(json_string_value(v), json_string_length(v));
            if (n < 0) {
                sr_violations_add(c->out, c->ptr.ptr, "%s are written as characters up to "
                                  "U+00FF, one per byte", t->kind == AV_BYTES ? "bytes" : "fixed");
                return 0;
            }
            if (t->kind == AV_FIXED && n != t->size) {
                sr_violations_add(c->out, c->ptr.ptr, "fixed %s holds %lld bytes, found %ld",
                                  t->fullname, t->size, n);
                return 0;
            }
        }
        break;
    case AV_ENUM:
        if (!json_is_string(v) || !sr_avro_has_symbol(t, json_string_value(v))) {
            sr_violations_add(c->out, c->ptr.ptr, "expected a symbol of enum %s", t->fullname);
            return 0;
        }
        break;
    case AV_ARRAY:
        if (!json_is_array(v)) {
            ok = 0;
            break;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            char tok[32];
            size_t len = c->ptr.len;
            snprintf(tok, sizeof(tok), "%zu", i);
            push(c, tok);
            ok &= check(c, t->items, json_array_get(v, i));
            pop(c, len);
        }
        return ok;
    case AV_MAP: {
        const char *key;
        json_t *val;
        if (!json_is_object(v)) {
            ok = 0;
            break;
        }
        json_object_foreach((json_t *)v, key, val) {
            size_t len = c->ptr.len;
            push(c, key);
            ok &= check(c, t->items, val);
            pop(c, len);
        }
        return ok;
    }
    case AV_RECORD:
        return check_record(c, t, v);
    case AV_UNION:
        return check_union(c, t, v);
    }
    if (!ok)
        sr_violations_add(c->out, c->ptr.ptr, "expected %s, found %s",
                          t->fullname ? t->fullname : sr_avro_kind_name(t->kind), json_kind(v));
    return ok;
}

/* check_type() one nesting level deeper: beyond max_depth it is not run and too_deep is set. */
static int check(vctx *c, const av_type *t, const json_t *v)
{
    int ok = 0;

    if (++c->depth > c->max_depth)
        c->too_deep = 1;
    else
        ok = check_type(c, t, v);
    c->depth--;
    return ok;
}

int sr_avro_validate_json(sr_violations *out, const av_schema *s, const char *doc, int max_depth,
                          sr_err *err)
{
    json_error_t jerr;
    json_t *v = json_loads(doc, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    vctx c = {out, SR_BUF_INIT, 0, max_depth, 0};
    int ok;

    if (!v)
        return sr_err_set(err, 42201, "The document is not JSON: line %d, column %d: %s",
                          jerr.line, jerr.column, jerr.text);
    ok = check(&c, s->root, v);
    json_decref(v);
    sr_buf_dispose(&c.ptr);
    if (c.too_deep)
        return sr_err_set(err, 42201, "The document nests deeper than %d levels", max_depth);
    return ok;
}
