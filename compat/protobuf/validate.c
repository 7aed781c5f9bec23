/* protobuf/validate.c -- a JSON document checked against a message as the Protobuf JSON mapping
 * reads it (protobuf.dev, "ProtoJSON"): fields by their JSON name or their proto name, null for
 * any field, 64-bit integers as numbers or decimal strings, enums by name or number, bytes as
 * base64, repeated fields as arrays, maps as objects, and the well-known types in their special
 * forms (Timestamp and Duration as strings, wrappers as their value, Struct/Value/ListValue as any
 * JSON, Any as an object with "@type"). Every violation is named by its JSON pointer. */
#include "compat/format.h"
#include "compat/protobuf/protobuf.h"
#include "common/buf.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__DescriptorProto msg_t;
typedef Google__Protobuf__FieldDescriptorProto field_t;
typedef Google__Protobuf__EnumDescriptorProto enum_t;

typedef struct vctx {
    sr_violations *out;
    sr_buf ptr;
    json_t *messages; /* ".pkg.Name" -> index into msgs */
    json_t *enums;    /* ".pkg.Name" -> index into ens */
    const msg_t **msgs;
    size_t nmsgs, msgs_cap;
    const enum_t **ens;
    size_t nens, ens_cap;
    int depth, max_depth, too_deep;
    int schema_too_deep; /* messages declared nested deeper than max_depth: not indexed */
} vctx;

static void push(vctx *c, const char *tok)
{
    sr_buf_put_pointer_token(&c->ptr, tok, strlen(tok));
}

static void pop(vctx *c, size_t len)
{
    sr_buf_truncate(&c->ptr, len);
}

static void index_enum(vctx *c, const char *scope, const enum_t *e)
{
    sr_buf name = SR_BUF_INIT;

    sr_buf_printf(&name, "%s.%s", scope, e->name);
    if (c->nens == c->ens_cap) {
        c->ens_cap = c->ens_cap ? 2 * c->ens_cap : 16;
        c->ens = sr_xrealloc(c->ens, c->ens_cap * sizeof(*c->ens));
    }
    c->ens[c->nens] = e;
    json_object_set_new(c->enums, name.ptr, json_integer((json_int_t)c->nens++));
    sr_buf_dispose(&name);
}

/* Index `m` and the messages and enums declared in it, `depth` levels below the file. The parser
 * bounds declarations by the same limit (a map entry one level below it); a schema accepted
 * under a higher limit is refused here rather than read with messages missing. */
static void index_message(vctx *c, const char *scope, const msg_t *m, int depth)
{
    sr_buf name = SR_BUF_INIT;

    if (depth > c->max_depth) {
        c->schema_too_deep = 1;
        return;
    }
    sr_buf_printf(&name, "%s.%s", scope, m->name);
    if (c->nmsgs == c->msgs_cap) {
        c->msgs_cap = c->msgs_cap ? 2 * c->msgs_cap : 16;
        c->msgs = sr_xrealloc(c->msgs, c->msgs_cap * sizeof(*c->msgs));
    }
    c->msgs[c->nmsgs] = m;
    json_object_set_new(c->messages, name.ptr, json_integer((json_int_t)c->nmsgs++));
    for (size_t i = 0; i < m->n_nested_type && !c->schema_too_deep; i++)
        index_message(c, name.ptr, m->nested_type[i], depth + 1);
    for (size_t i = 0; i < m->n_enum_type; i++)
        index_enum(c, name.ptr, m->enum_type[i]);
    sr_buf_dispose(&name);
}

static const msg_t *message(const vctx *c, const char *name)
{
    json_t *i = json_object_get(c->messages, name);
    return i ? c->msgs[json_integer_value(i)] : NULL;
}

static const enum_t *enum_of(const vctx *c, const char *name)
{
    json_t *i = json_object_get(c->enums, name);
    return i ? c->ens[json_integer_value(i)] : NULL;
}

static int is_integer_text(const char *s, int allow_sign)
{
    if (allow_sign && *s == '-')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* An integer field's value: a JSON integer (or an integral number) or a decimal string, within
 * [lo, hi] (as doubles: exact enough to refuse what does not fit). */
/* In long double, whose mantissa holds every int64 and uint64 exactly (a double's rounds
 * 2^63 - 1 up to 2^63, and would let 2^63 pass as an int64). */
static int integer_ok(vctx *c, const json_t *v, long double lo, long double hi, const char *what)
{
    long double x;

    if (json_is_integer(v)) {
        x = (long double)json_integer_value(v);
    } else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v))) {
        x = json_real_value(v);
    } else if (json_is_string(v) && is_integer_text(json_string_value(v), lo < 0)) {
        x = strtold(json_string_value(v), NULL);
    } else {
        sr_violations_add(c->out, c->ptr.ptr, "expected an integer (%s)", what);
        return 0;
    }
    if (x < lo || x > hi) {
        sr_violations_add(c->out, c->ptr.ptr, "the value is out of the range of %s", what);
        return 0;
    }
    return 1;
}

static int base64_ok(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if (!isalnum((unsigned char)*s) && !strchr("+/=-_", *s))
            return 0;
    return 1;
}

static int check_message(vctx *c, const msg_t *m, const char *full, const json_t *v);

/* The well-known types with a special JSON form; 1/0 when `full` is one, -1 when it is not. */
static int check_wkt(vctx *c, const char *full, const json_t *v)
{
    static const char *const wrappers[] = {
        ".google.protobuf.DoubleValue", ".google.protobuf.FloatValue",
        ".google.protobuf.Int64Value", ".google.protobuf.UInt64Value",
        ".google.protobuf.Int32Value", ".google.protobuf.UInt32Value",
        ".google.protobuf.BoolValue", ".google.protobuf.StringValue",
        ".google.protobuf.BytesValue", NULL};

    if (!strcmp(full, ".google.protobuf.Timestamp") || !strcmp(full, ".google.protobuf.Duration") ||
        !strcmp(full, ".google.protobuf.FieldMask")) {
        if (json_is_string(v))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "%s is written as a string", full + 1);
        return 0;
    }
    if (!strcmp(full, ".google.protobuf.Value"))
        return 1;
    if (!strcmp(full, ".google.protobuf.Struct") || !strcmp(full, ".google.protobuf.Any") ||
        !strcmp(full, ".google.protobuf.Empty")) {
        if (!json_is_object(v)) {
            sr_violations_add(c->out, c->ptr.ptr, "%s is written as an object", full + 1);
            return 0;
        }
        if (!strcmp(full, ".google.protobuf.Any") && json_object_size(v) &&
            !json_is_string(json_object_get(v, "@type"))) {
            sr_violations_add(c->out, c->ptr.ptr, "an Any needs its \"@type\"");
            return 0;
        }
        return 1;
    }
    if (!strcmp(full, ".google.protobuf.ListValue")) {
        if (json_is_array(v))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "a ListValue is written as an array");
        return 0;
    }
    for (int i = 0; wrappers[i]; i++)
        if (!strcmp(full, wrappers[i])) {
            if (json_is_object(v) || json_is_array(v)) {
                sr_violations_add(c->out, c->ptr.ptr, "%s is written as its value", full + 1);
                return 0;
            }
            return 1;
        }
    return -1;
}

static int check_single(vctx *c, const field_t *f, const json_t *v)
{
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        return integer_ok(c, v, -2147483648.0L, 2147483647.0L, "int32");
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
        return integer_ok(c, v, 0, 4294967295.0L, "uint32");
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return integer_ok(c, v, -9223372036854775808.0L, 9223372036854775807.0L, "int64");
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
        return integer_ok(c, v, 0, 18446744073709551615.0L, "uint64");
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
        if (json_is_number(v) ||
            (json_is_string(v) && (!strcmp(json_string_value(v), "NaN") ||
                                   !strcmp(json_string_value(v), "Infinity") ||
                                   !strcmp(json_string_value(v), "-Infinity") ||
                                   strtod(json_string_value(v), NULL) != 0 ||
                                   !strcmp(json_string_value(v), "0"))))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "expected a number");
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        if (json_is_boolean(v))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "expected true or false");
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
        if (json_is_string(v))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "expected a string");
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        if (json_is_string(v) && base64_ok(json_string_value(v)))
            return 1;
        sr_violations_add(c->out, c->ptr.ptr, "expected base64 bytes");
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM: {
        const enum_t *e = f->type_name ? enum_of(c, f->type_name) : NULL;
        if (json_is_integer(v))
            return 1; /* unknown numbers are kept as they are */
        if (json_is_string(v) && e)
            for (size_t i = 0; i < e->n_value; i++)
                if (!strcmp(e->value[i]->name, json_string_value(v)))
                    return 1;
        sr_violations_add(c->out, c->ptr.ptr, "expected a value of enum %s",
                          f->type_name ? f->type_name + 1 : "?");
        return 0;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP: {
        const msg_t *m = f->type_name ? message(c, f->type_name) : NULL;
        int wkt = f->type_name ? check_wkt(c, f->type_name, v) : -1;
        if (wkt >= 0)
            return wkt;
        if (!m) {
            sr_violations_add(c->out, c->ptr.ptr, "the type %s is unknown",
                              f->type_name ? f->type_name : "?");
            return 0;
        }
        return check_message(c, m, f->type_name, v);
    }
    default:
        return 1;
    }
}

static const msg_t *map_entry(const vctx *c, const field_t *f)
{
    const msg_t *m;

    if (f->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED ||
        f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE || !f->type_name)
        return NULL;
    m = message(c, f->type_name);
    return m && m->options && m->options->map_entry && m->n_field == 2 ? m : NULL;
}

static int check_field(vctx *c, const field_t *f, const json_t *v)
{
    const msg_t *entry = map_entry(c, f);
    int ok = 1;

    if (json_is_null(v))
        return 1; /* null is the field's default */
    if (entry) {
        const char *key;
        json_t *val;
        if (!json_is_object(v)) {
            sr_violations_add(c->out, c->ptr.ptr, "a map field is written as an object");
            return 0;
        }
        json_object_foreach((json_t *)v, key, val) {
            size_t len = c->ptr.len;
            push(c, key);
            ok &= check_single(c, entry->field[1]->number == 2 ? entry->field[1] : entry->field[0],
                               val);
            pop(c, len);
        }
        return ok;
    }
    if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
        if (!json_is_array(v)) {
            sr_violations_add(c->out, c->ptr.ptr, "a repeated field is written as an array");
            return 0;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            char tok[32];
            size_t len = c->ptr.len;
            snprintf(tok, sizeof(tok), "%zu", i);
            push(c, tok);
            ok &= check_single(c, f, json_array_get(v, i));
            pop(c, len);
        }
        return ok;
    }
    return check_single(c, f, v);
}

static int check_message(vctx *c, const msg_t *m, const char *full, const json_t *v)
{
    const char *key;
    json_t *val;
    int ok = 1;

    if (++c->depth > c->max_depth) {
        c->too_deep = 1;
        c->depth--;
        return 0;
    }
    if (!json_is_object(v)) {
        sr_violations_add(c->out, c->ptr.ptr, "expected an object for message %s", full + 1);
        c->depth--;
        return 0;
    }
    json_object_foreach((json_t *)v, key, val) {
        const field_t *f = NULL;
        size_t len = c->ptr.len;
        for (size_t i = 0; i < m->n_field && !f; i++)
            if ((m->field[i]->json_name && !strcmp(m->field[i]->json_name, key)) ||
                !strcmp(m->field[i]->name, key))
                f = m->field[i];
        push(c, key);
        if (!f) {
            sr_violations_add(c->out, c->ptr.ptr, "message %s has no field '%s'", full + 1, key);
            ok = 0;
        } else {
            ok &= check_field(c, f, val);
        }
        pop(c, len);
    }
    c->depth--;
    return ok;
}

int sr_proto_validate_json(sr_violations *out, const sr_proto_fileset *fs, const char *doc,
                           const char *message_name, int max_depth, sr_err *err)
{
    const Google__Protobuf__FileDescriptorProto *main = sr_proto_fileset_main(fs);
    vctx c = {out, SR_BUF_INIT, json_object(), json_object(), NULL, 0, 0, NULL, 0, 0,
              0, max_depth, 0, 0};
    sr_buf want = SR_BUF_INIT;
    json_error_t jerr;
    json_t *v = NULL;
    const msg_t *m;
    int rc = -1;

    for (size_t i = 0; i < fs->nfiles; i++) {
        const Google__Protobuf__FileDescriptorProto *f = fs->files[i];
        sr_buf scope = SR_BUF_INIT;
        if (f->package)
            sr_buf_printf(&scope, ".%s", f->package);
        for (size_t k = 0; k < f->n_message_type; k++)
            index_message(&c, scope.ptr, f->message_type[k], 0);
        for (size_t k = 0; k < f->n_enum_type; k++)
            index_enum(&c, scope.ptr, f->enum_type[k]);
        sr_buf_dispose(&scope);
    }
    if (c.schema_too_deep) {
        sr_err_set(err, 42201, "The schema nests messages deeper than %d levels", max_depth);
        goto out;
    }
    if (message_name && *message_name)
        sr_buf_printf(&want, "%s%s", message_name[0] == '.' ? "" : ".", message_name);
    else if (main->n_message_type)
        sr_buf_printf(&want, "%s%s.%s", main->package ? "." : "", main->package ? main->package : "",
                      main->message_type[0]->name);
    m = want.len ? message(&c, want.ptr) : NULL;
    if (!m) {
        sr_err_set(err, 40403, "The schema has no message %s", want.len ? want.ptr + 1 : "at all");
        goto out;
    }
    if (!(v = json_loads(doc, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr))) {
        sr_err_set(err, 42201, "The document is not JSON: line %d, column %d: %s", jerr.line,
                   jerr.column, jerr.text);
        goto out;
    }
    rc = check_message(&c, m, want.ptr, v);
    if (c.too_deep)
        rc = sr_err_set(err, 42201, "The document nests deeper than %d levels", max_depth);
out:
    json_decref(v);
    json_decref(c.messages);
    json_decref(c.enums);
    free(c.msgs);
    free(c.ens);
    sr_buf_dispose(&want);
    sr_buf_dispose(&c.ptr);
    return rc;
}
