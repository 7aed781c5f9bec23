/* proto_parse.c -- the recursive-descent parser of .proto files (proto2 and proto3), building
 * google.protobuf.FileDescriptorProto as protoc does: map entry messages, synthetic oneofs for
 * proto3 optional, json_name, extension and reserved ranges, services. Type names are recorded
 * as written and resolved later (proto_resolve.c), once every imported file is known. */
#include "compat/proto_parse_int.h"
#include "common/buf.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 100
#define FIELD_MAX 536870911

int sr_proto__fail_at(pp_parser *p, int line, int col, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    if (p->failed)
        return -1;
    p->failed = 1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sr_err_set(p->err, 42201, "Invalid schema of type PROTOBUF, details: %s:%d:%d: %s",
                      p->path && *p->path ? p->path : "schema.proto", line, col, msg);
}

#define FAIL(p, ...) sr_proto__fail_at((p), (p)->lx.tok.line, (p)->lx.tok.col, __VA_ARGS__)

static int lex_ok(pp_parser *p)
{
    if (p->lx.tok.kind == PL_ERROR)
        return FAIL(p, "%s", p->lx.err);
    return 0;
}

static int next(pp_parser *p)
{
    pl_next(&p->lx);
    return lex_ok(p);
}

static int expect(pp_parser *p, char sym)
{
    if (!pl_is(&p->lx, sym))
        return FAIL(p, "Expected \"%c\".", sym);
    return next(p);
}

static int expect_word(pp_parser *p, const char *w)
{
    if (!pl_is_word(&p->lx, w))
        return FAIL(p, "Expected \"%s\".", w);
    return next(p);
}

/* Remember where `elem` starts: the current token. */
static void mark(pp_parser *p, const void *elem)
{
    pp_mark m = {elem, p->lx.tok.line, p->lx.tok.col};
    PP_APPEND(p->marks, p->nmarks, m);
    p->marks_sorted = 0;
}

static char *tok_dup(const pp_parser *p)
{
    return sr_xstrndup(p->lx.tok.start, p->lx.tok.len);
}

static int ident(pp_parser *p, char **out)
{
    if (p->lx.tok.kind != PL_IDENT)
        return FAIL(p, "Expected identifier.");
    *out = tok_dup(p);
    return next(p);
}

/* A dotted name: a.b.c, or .a.b.c for a fully-qualified type. */
static int dotted(pp_parser *p, char **out)
{
    sr_buf b = SR_BUF_INIT;

    if (pl_is(&p->lx, '.')) {
        sr_buf_putc(&b, '.');
        if (next(p) < 0)
            goto fail;
    }
    for (;;) {
        if (p->lx.tok.kind != PL_IDENT) {
            FAIL(p, "Expected identifier.");
            goto fail;
        }
        sr_buf_put(&b, p->lx.tok.start, p->lx.tok.len);
        if (next(p) < 0)
            goto fail;
        if (!pl_is(&p->lx, '.'))
            break;
        sr_buf_putc(&b, '.');
        if (next(p) < 0)
            goto fail;
    }
    *out = sr_buf_detach(&b);
    return 0;
fail:
    sr_buf_dispose(&b);
    return -1;
}

/* One or more adjacent string literals, joined. */
static int string_lit(pp_parser *p, char **out, size_t *len_out)
{
    sr_buf b = SR_BUF_INIT;

    if (p->lx.tok.kind != PL_STRING)
        return FAIL(p, "Expected string.");
    while (p->lx.tok.kind == PL_STRING) {
        sr_buf_put(&b, p->lx.tok.text, p->lx.tok.text_len);
        if (next(p) < 0) {
            sr_buf_dispose(&b);
            return -1;
        }
    }
    if (len_out)
        *len_out = b.len;
    *out = sr_buf_detach(&b);
    return 0;
}

/* An integer literal, optionally negative (decimal, 0x hex, 0 octal). */
static int int_lit(pp_parser *p, int64_t *out, int allow_negative)
{
    int neg = 0;
    char *text, *end;
    uint64_t v;

    if (allow_negative && pl_is(&p->lx, '-')) {
        neg = 1;
        if (next(p) < 0)
            return -1;
    }
    if (p->lx.tok.kind != PL_INT)
        return FAIL(p, "Expected integer.");
    text = tok_dup(p);
    errno = 0;
    v = strtoull(text, &end, 0);
    if (errno || *end || v > (uint64_t)INT64_MAX + (uint64_t)neg) {
        free(text);
        return FAIL(p, "Integer out of range.");
    }
    free(text);
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return next(p);
}

static int field_number(pp_parser *p, int32_t *out)
{
    int line = p->lx.tok.line, col = p->lx.tok.col;
    int64_t v;

    if (int_lit(p, &v, 1) < 0)
        return -1;
    if (v < 1 || v > FIELD_MAX)
        return sr_proto__fail_at(p, line, col, "Field numbers must be positive integers.");
    *out = (int32_t)v;
    return 0;
}

/* ---- options ---- */

typedef pp_optval optval;

static void optval_dispose(optval *v)
{
    free(v->text);
    memset(v, 0, sizeof(*v));
}

/* Skip a {...} aggregate (message-literal) value, keeping its text. */
static int aggregate(pp_parser *p, optval *v)
{
    const char *start = p->lx.tok.start;
    int depth = 0;

    do {
        if (pl_is(&p->lx, '{') || pl_is(&p->lx, '<'))
            depth++;
        else if (pl_is(&p->lx, '}') || pl_is(&p->lx, '>'))
            depth--;
        else if (p->lx.tok.kind == PL_EOF)
            return FAIL(p, "Unexpected end of file in aggregate value.");
        v->len = (size_t)(p->lx.tok.start + p->lx.tok.len - start);
        if (next(p) < 0)
            return -1;
    } while (depth > 0);
    v->kind = PL_SYMBOL;
    v->text = sr_xstrndup(start, v->len);
    return 0;
}

static int option_value(pp_parser *p, optval *v)
{
    memset(v, 0, sizeof(*v));
    v->line = p->lx.tok.line;
    v->col = p->lx.tok.col;
    if (pl_is(&p->lx, '{'))
        return aggregate(p, v);
    if (pl_is(&p->lx, '-') || pl_is(&p->lx, '+')) {
        v->negative = pl_is(&p->lx, '-');
        if (next(p) < 0)
            return -1;
    }
    switch (p->lx.tok.kind) {
    case PL_STRING:
        v->kind = PL_STRING;
        return string_lit(p, &v->text, &v->len);
    case PL_IDENT:
    case PL_INT:
    case PL_FLOAT:
        v->kind = p->lx.tok.kind;
        v->text = tok_dup(p);
        v->len = p->lx.tok.len;
        return next(p);
    default:
        return FAIL(p, "Expected option value.");
    }
}

/* Set a standard option by name through protobuf-c's reflection over the *Options message. */
static int set_option(pp_parser *p, ProtobufCMessage **slot, const ProtobufCMessageDescriptor *desc,
                      const char *name, const optval *v)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, name);
    ProtobufCMessage *m;
    void *member;

    if (!f || f->label == PROTOBUF_C_LABEL_REPEATED)
        return sr_proto__fail_at(p, v->line, v->col, "Option \"%s\" unknown.", name);
    if (!*slot) {
        *slot = sr_xcalloc(1, desc->sizeof_message);
        protobuf_c_message_init(desc, *slot);
    }
    m = *slot;
    member = (char *)m + f->offset;
    if (f->quantifier_offset)
        *(protobuf_c_boolean *)((char *)m + f->quantifier_offset) = 1;
    switch (f->type) {
    case PROTOBUF_C_TYPE_BOOL:
        if (v->kind != PL_IDENT || (strcmp(v->text, "true") && strcmp(v->text, "false")))
            return sr_proto__fail_at(p, v->line, v->col, "Value must be \"true\" or \"false\" for "
                                     "boolean option \"%s\".", name);
        *(protobuf_c_boolean *)member = strcmp(v->text, "true") == 0;
        return 0;
    case PROTOBUF_C_TYPE_STRING:
        if (v->kind != PL_STRING)
            return sr_proto__fail_at(p, v->line, v->col, "Value must be quoted string for string "
                                     "option \"%s\".", name);
        free(*(char **)member);
        *(char **)member = sr_xstrndup(v->text, v->len);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *ev = v->kind == PL_IDENT
            ? protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, v->text) : NULL;
        if (!ev)
            return sr_proto__fail_at(p, v->line, v->col, "Value must be identifier for enum-valued "
                                     "option \"%s\".", name);
        *(int *)member = ev->value;
        return 0;
    }
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_UINT64: {
        char *end;
        long long n;
        if (v->kind != PL_INT)
            return sr_proto__fail_at(p, v->line, v->col, "Value must be integer for option \"%s\".",
                                     name);
        n = strtoll(v->text, &end, 0);
        n = v->negative ? -n : n;
        if (f->type == PROTOBUF_C_TYPE_INT32 || f->type == PROTOBUF_C_TYPE_UINT32)
            *(int32_t *)member = (int32_t)n;
        else
            *(int64_t *)member = n;
        return 0;
    }
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_FLOAT: {
        double d = strtod(v->text, NULL);
        d = v->negative ? -d : d;
        if (f->type == PROTOBUF_C_TYPE_DOUBLE)
            *(double *)member = d;
        else
            *(float *)member = (float)d;
        return 0;
    }
    default:
        return sr_proto__fail_at(p, v->line, v->col, "Option \"%s\" of this type is not supported.",
                                 name);
    }
}

/* protoc's CEscape: the text form of a bytes default. */
static char *c_escape(const char *data, size_t len)
{
    sr_buf b = SR_BUF_INIT;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        switch (c) {
        case '\n': sr_buf_puts(&b, "\\n"); break;
        case '\r': sr_buf_puts(&b, "\\r"); break;
        case '\t': sr_buf_puts(&b, "\\t"); break;
        case '"': sr_buf_puts(&b, "\\\""); break;
        case '\'': sr_buf_puts(&b, "\\'"); break;
        case '\\': sr_buf_puts(&b, "\\\\"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                sr_buf_printf(&b, "\\%03o", c);
            else
                sr_buf_putc(&b, (char)c);
        }
    }
    return sr_buf_detach(&b);
}

/* An option this descriptor.proto has no field for (editions' `features.*`), kept as protoc
 * keeps options it does not interpret: an UninterpretedOption with the name parts and value. */
static int uninterpreted(pp_parser *p, ProtobufCMessage **slot,
                         const ProtobufCMessageDescriptor *desc, const char *name,
                         const optval *v)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(desc, "uninterpreted_option");
    Google__Protobuf__UninterpretedOption *u;
    Google__Protobuf__UninterpretedOption ***arr;
    size_t *n;
    char *copy, *save = NULL;

    if (!f)
        return FAIL(p, "Option \"%s\" unknown.", name);
    if (!*slot) {
        *slot = sr_xcalloc(1, desc->sizeof_message);
        protobuf_c_message_init(desc, *slot);
    }
    u = sr_xmalloc(sizeof(*u));
    google__protobuf__uninterpreted_option__init(u);
    copy = sr_xstrdup(name);
    for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        Google__Protobuf__UninterpretedOption__NamePart *np = sr_xmalloc(sizeof(*np));
        google__protobuf__uninterpreted_option__name_part__init(np);
        np->name_part = sr_xstrdup(part);
        np->is_extension = 0;
        PP_APPEND(u->name, u->n_name, np);
    }
    free(copy);
    if (v->kind == PL_IDENT) {
        u->identifier_value = sr_xstrdup(v->text);
    } else if (v->kind == PL_STRING) {
        u->has_string_value = 1;
        u->string_value.len = v->len;
        u->string_value.data = (uint8_t *)sr_xstrndup(v->text, v->len);
    } else if (v->kind == PL_INT) {
        unsigned long long num = strtoull(v->text, NULL, 0);
        if (v->negative) {
            u->has_negative_int_value = 1;
            u->negative_int_value = -(int64_t)num;
        } else {
            u->has_positive_int_value = 1;
            u->positive_int_value = num;
        }
    } else if (v->kind == PL_FLOAT) {
        u->has_double_value = 1;
        u->double_value = strtod(v->text, NULL) * (v->negative ? -1 : 1);
    } else {
        u->aggregate_value = sr_xstrndup(v->text + 1, v->len >= 2 ? v->len - 2 : 0);
    }
    n = (size_t *)((char *)*slot + f->quantifier_offset);
    arr = (Google__Protobuf__UninterpretedOption ***)((char *)*slot + f->offset);
    *arr = sr_xrealloc(*arr, (*n + 1) * sizeof(**arr));
    (*arr)[(*n)++] = u;
    return 0;
}

/* "(ext.name).sub.path = value": recorded now, interpreted once every import is known. */
static int custom_option(pp_parser *p, ProtobufCMessage **slot,
                         const ProtobufCMessageDescriptor *desc)
{
    int line = p->lx.tok.line, col = p->lx.tok.col;
    pp_custom c;

    memset(&c, 0, sizeof(c));
    c.slot = slot;
    c.desc = desc;
    if (next(p) < 0 || dotted(p, &c.ext) < 0 || expect(p, ')') < 0)
        goto fail;
    if (pl_is(&p->lx, '.') && (next(p) < 0 || dotted(p, &c.sub) < 0))
        goto fail;
    if (expect(p, '=') < 0 || option_value(p, &c.value) < 0)
        goto fail;
    c.value.line = line; /* errors point at the option's name */
    c.value.col = col;
    c.scope = sr_xstrdup(p->scope ? p->scope : "");
    PP_APPEND(p->custom, p->ncustom, c);
    return 0;
fail:
    free(c.ext);
    free(c.sub);
    free(c.value.text);
    return -1;
}

/* `name = value`, after the keyword `option` or inside [...]. Custom options "(a.b)" are not
 * interpreted yet and are refused with a message that says so. */
static int option_assignment(pp_parser *p, ProtobufCMessage **slot,
                             const ProtobufCMessageDescriptor *desc, pp_field *field)
{
    optval v;
    char *name = NULL;
    int line = p->lx.tok.line, col = p->lx.tok.col, rc = -1;

    if (pl_is(&p->lx, '('))
        return custom_option(p, slot, desc);
    if (dotted(p, &name) < 0 || expect(p, '=') < 0 || option_value(p, &v) < 0)
        goto out;
    if (strncmp(name, "features.", 9) == 0) {
        if (!p->editions)
            rc = sr_proto__fail_at(p, line, col, "Features are only valid under editions.");
        else
            rc = uninterpreted(p, slot, desc, name, &v);
    } else if (field && strcmp(name, "default") == 0) {
        if (field->default_value)
            rc = sr_proto__fail_at(p, line, col, "Already set option \"default\".");
        else if (p->proto3)
            rc = sr_proto__fail_at(p, line, col, "Explicit default values are not allowed in "
                                   "proto3.");
        else if (field->has_type &&
                 field->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
            field->default_value = c_escape(v.text, v.len); /* protoc stores bytes escaped */
            rc = 0;
        } else {
            /* normalized against the field's type in proto_resolve.c; keep the literal */
            sr_buf b = SR_BUF_INIT;
            if (v.negative)
                sr_buf_putc(&b, '-');
            sr_buf_put(&b, v.text, v.len);
            field->default_value = sr_buf_detach(&b);
            rc = 0;
        }
    } else if (field && strcmp(name, "json_name") == 0) {
        if (v.kind != PL_STRING)
            rc = sr_proto__fail_at(p, v.line, v.col, "Expected string for json_name.");
        else {
            free(field->json_name);
            field->json_name = sr_xstrndup(v.text, v.len);
            rc = 0;
        }
    } else {
        rc = set_option(p, slot, desc, name, &v);
    }
    optval_dispose(&v);
out:
    free(name);
    return rc;
}

static int option_statement(pp_parser *p, ProtobufCMessage **slot,
                            const ProtobufCMessageDescriptor *desc)
{
    if (expect_word(p, "option") < 0 || option_assignment(p, slot, desc, NULL) < 0)
        return -1;
    return expect(p, ';');
}

/* [a = 1, b = 2] after a field or enum value. */
static int bracket_options(pp_parser *p, ProtobufCMessage **slot,
                           const ProtobufCMessageDescriptor *desc, pp_field *field)
{
    if (!pl_is(&p->lx, '['))
        return 0;
    do {
        if (next(p) < 0 || option_assignment(p, slot, desc, field) < 0)
            return -1;
    } while (pl_is(&p->lx, ','));
    return expect(p, ']');
}

/* ---- names ---- */

/* protoc's default json_name: lowerCamelCase, underscores dropped. */
static char *json_name(const char *name)
{
    char *out = sr_xmalloc(strlen(name) + 1), *o = out;
    int upper = 0;

    for (const char *s = name; *s; s++) {
        if (*s == '_') {
            upper = 1;
        } else {
            *o++ = upper ? (char)toupper((unsigned char)*s) : *s;
            upper = 0;
        }
    }
    *o = '\0';
    return out;
}

/* protoc's map entry name: "my_map" -> "MyMapEntry". */
static char *map_entry_name(const char *field)
{
    sr_buf b = SR_BUF_INIT;
    int upper = 1;

    for (const char *s = field; *s; s++) {
        if (*s == '_') {
            upper = 1;
            continue;
        }
        sr_buf_putc(&b, upper ? (char)toupper((unsigned char)*s) : *s);
        upper = 0;
    }
    sr_buf_puts(&b, "Entry");
    return sr_buf_detach(&b);
}

static const struct {
    const char *name;
    Google__Protobuf__FieldDescriptorProto__Type type;
} scalars[] = {
    {"double", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE},
    {"float", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT},
    {"int64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64},
    {"uint64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64},
    {"int32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32},
    {"fixed64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64},
    {"fixed32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32},
    {"bool", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL},
    {"string", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING},
    {"bytes", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES},
    {"uint32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32},
    {"sfixed32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32},
    {"sfixed64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64},
    {"sint32", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32},
    {"sint64", GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64},
};

/* Record a type name to resolve later, in `scope`. */
static void defer(pp_parser *p, char **slot, pp_field *field, const char *scope, int line, int col)
{
    pp_pending pend = {slot, field, sr_xstrdup(scope), line, col};
    PP_APPEND(p->pending, p->npending, pend);
}

/* A field's type: a scalar keyword sets the type now; anything else is a name to resolve. */
static int field_type(pp_parser *p, pp_field *f, const char *scope)
{
    int line = p->lx.tok.line, col = p->lx.tok.col;

    if (p->lx.tok.kind == PL_IDENT) {
        for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
            if (pl_is_word(&p->lx, scalars[i].name)) {
                f->has_type = 1;
                f->type = scalars[i].type;
                return next(p);
            }
        }
    }
    if (dotted(p, &f->type_name) < 0)
        return -1;
    defer(p, &f->type_name, f, scope, line, col);
    return 0;
}

static pp_field *new_field(void)
{
    pp_field *f = sr_xmalloc(sizeof(*f));
    google__protobuf__field_descriptor_proto__init(f);
    return f;
}

static void set_label(pp_field *f, Google__Protobuf__FieldDescriptorProto__Label l)
{
    f->has_label = 1;
    f->label = l;
}

static int message_body(pp_parser *p, pp_msg *m, const char *scope, int depth);

/* map<K, V> name = N [options]; -- a repeated field of a generated entry message. */
static int map_field(pp_parser *p, pp_msg *m, const char *scope)
{
    pp_field *f = new_field(), *key = new_field(), *value = new_field();
    pp_msg *entry = sr_xmalloc(sizeof(*entry));

    google__protobuf__descriptor_proto__init(entry);
    PP_APPEND(entry->field, entry->n_field, key);
    PP_APPEND(entry->field, entry->n_field, value);
    PP_APPEND(m->field, m->n_field, f);
    mark(p, f);
    if (next(p) < 0 || expect(p, '<') < 0)
        goto fail;
    key->name = sr_xstrdup("key");
    value->name = sr_xstrdup("value");
    key->json_name = sr_xstrdup("key");
    value->json_name = sr_xstrdup("value");
    key->has_number = value->has_number = 1;
    key->number = 1;
    value->number = 2;
    set_label(key, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL);
    set_label(value, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL);
    if (field_type(p, key, scope) < 0 || expect(p, ',') < 0 || field_type(p, value, scope) < 0 ||
        expect(p, '>') < 0 || ident(p, &f->name) < 0 || expect(p, '=') < 0)
        goto fail;
    if (!key->has_type || key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE ||
        key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT ||
        key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
        FAIL(p, "Key in map fields cannot be float/double, bytes or message types.");
        goto fail;
    }
    f->has_number = 1;
    if (field_number(p, &f->number) < 0)
        goto fail;
    entry->name = map_entry_name(f->name);
    entry->options = sr_xmalloc(sizeof(*entry->options));
    google__protobuf__message_options__init(entry->options);
    entry->options->has_map_entry = 1;
    entry->options->map_entry = 1;
    PP_APPEND(m->nested_type, m->n_nested_type, entry);
    entry = NULL;
    set_label(f, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED);
    f->has_type = 1;
    f->type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
    f->type_name = map_entry_name(f->name);
    f->json_name = json_name(f->name);
    /* the entry is a nested type of this message: resolve its name from inside it */
    defer(p, &f->type_name, NULL, scope, p->lx.tok.line, p->lx.tok.col);
    if (bracket_options(p, (ProtobufCMessage **)&f->options,
                        &google__protobuf__field_options__descriptor, f) < 0)
        goto fail;
    return expect(p, ';');
fail:
    if (entry)
        protobuf_c_message_free_unpacked(&entry->base, NULL);
    return -1;
}

/* [label] type name = N [options]; -- also inside oneofs (no label) and extend blocks. */
static int field(pp_parser *p, pp_field ***arr, size_t *n, const char *scope, int in_oneof,
                 int32_t oneof_index, pp_msg *m, int depth)
{
    pp_field *f = new_field();
    int has_label = 0, line = p->lx.tok.line, col = p->lx.tok.col;

    PP_APPEND(*arr, *n, f);
    mark(p, f);
    if (!in_oneof) {
        if (pl_is_word(&p->lx, "optional") || pl_is_word(&p->lx, "required") ||
            pl_is_word(&p->lx, "repeated")) {
            has_label = 1;
            if (pl_is_word(&p->lx, "required") && p->proto3)
                return FAIL(p, "Required fields are not allowed in proto3.");
            if (p->editions && !pl_is_word(&p->lx, "repeated"))
                return FAIL(p, "Label \"%.*s\" is not supported in editions. Use "
                            "features.field_presence instead.", (int)p->lx.tok.len,
                            p->lx.tok.start);
            set_label(f, pl_is_word(&p->lx, "optional")
                             ? GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL
                         : pl_is_word(&p->lx, "required")
                             ? GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED
                             : GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED);
            if (p->proto3 && pl_is_word(&p->lx, "optional")) {
                f->has_proto3_optional = 1;
                f->proto3_optional = 1;
            }
            if (next(p) < 0)
                return -1;
        } else if (!p->proto3 && !p->editions && !pl_is_word(&p->lx, "map")) {
            return sr_proto__fail_at(p, line, col, "Expected \"required\", \"optional\", or "
                                     "\"repeated\".");
        }
    }
    if (!has_label)
        set_label(f, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL);
    if (in_oneof) {
        f->has_oneof_index = 1;
        f->oneof_index = oneof_index;
    }
    if (pl_is_word(&p->lx, "group") && m && p->editions)
        return FAIL(p, "Group syntax is not supported in editions. Use a message field with "
                    "features.message_encoding = DELIMITED instead.");
    if (pl_is_word(&p->lx, "group") && m) { /* proto2 group: a nested message and a field */
        pp_msg *g = sr_xmalloc(sizeof(*g));
        char *gscope = NULL;
        int rc;
        google__protobuf__descriptor_proto__init(g);
        if (next(p) < 0 || ident(p, &g->name) < 0) {
            protobuf_c_message_free_unpacked(&g->base, NULL);
            return -1;
        }
        if (!isupper((unsigned char)g->name[0])) {
            protobuf_c_message_free_unpacked(&g->base, NULL);
            return FAIL(p, "Group names must start with a capital letter.");
        }
        PP_APPEND(m->nested_type, m->n_nested_type, g);
        f->name = sr_xstrdup(g->name);
        for (char *c = f->name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        f->has_type = 1;
        f->type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP;
        f->type_name = sr_xstrdup(g->name);
        f->json_name = json_name(f->name);
        defer(p, &f->type_name, NULL, scope, line, col);
        f->has_number = 1;
        if (expect(p, '=') < 0 || field_number(p, &f->number) < 0 ||
            bracket_options(p, (ProtobufCMessage **)&f->options,
                            &google__protobuf__field_options__descriptor, f) < 0 ||
            expect(p, '{') < 0)
            return -1;
        if (asprintf(&gscope, "%s.%s", scope, g->name) < 0)
            return -1;
        rc = message_body(p, g, gscope, depth + 1);
        free(gscope);
        return rc;
    }
    if (field_type(p, f, scope) < 0 || ident(p, &f->name) < 0 || expect(p, '=') < 0)
        return -1;
    f->has_number = 1;
    if (field_number(p, &f->number) < 0)
        return -1;
    f->json_name = json_name(f->name);
    if (bracket_options(p, (ProtobufCMessage **)&f->options,
                        &google__protobuf__field_options__descriptor, f) < 0)
        return -1;
    return expect(p, ';');
}

static int oneof(pp_parser *p, pp_msg *m, const char *scope, int depth)
{
    Google__Protobuf__OneofDescriptorProto *o = sr_xmalloc(sizeof(*o));
    int32_t index = (int32_t)m->n_oneof_decl;

    google__protobuf__oneof_descriptor_proto__init(o);
    PP_APPEND(m->oneof_decl, m->n_oneof_decl, o);
    mark(p, o);
    if (next(p) < 0 || ident(p, &o->name) < 0 || expect(p, '{') < 0)
        return -1;
    while (!pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF)
            return FAIL(p, "Reached end of input in oneof definition (missing '}').");
        if (pl_is_word(&p->lx, "option")) {
            if (option_statement(p, (ProtobufCMessage **)&o->options,
                                 &google__protobuf__oneof_options__descriptor) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "optional") || pl_is_word(&p->lx, "required") ||
                   pl_is_word(&p->lx, "repeated")) {
            return FAIL(p, "Fields in oneofs must not have labels (required / optional / "
                        "repeated).");
        } else if (pl_is(&p->lx, ';')) {
            if (next(p) < 0)
                return -1;
        } else if (field(p, &m->field, &m->n_field, scope, 1, index, m, depth) < 0) {
            return -1;
        }
    }
    return next(p);
}

/* Ranges: "2, 15, 9 to 11, 20 to max". `inclusive_end` for enums, exclusive for messages. */
static int ranges(pp_parser *p, int64_t max, int inclusive_end,
                  void (*add)(void *owner, int32_t start, int32_t end), void *owner)
{
    do {
        int64_t start, end;
        if (int_lit(p, &start, 1) < 0)
            return -1;
        end = start;
        if (pl_is_word(&p->lx, "to")) {
            if (next(p) < 0)
                return -1;
            if (pl_is_word(&p->lx, "max")) {
                end = max;
                if (next(p) < 0)
                    return -1;
            } else if (int_lit(p, &end, 1) < 0) {
                return -1;
            }
        }
        if (end < start)
            return FAIL(p, "Reserved range end number must be greater than start number.");
        add(owner, (int32_t)start, (int32_t)(inclusive_end ? end : end + 1));
    } while (pl_is(&p->lx, ',') && next(p) == 0);
    return 0;
}

static void add_msg_reserved(void *owner, int32_t start, int32_t end)
{
    pp_msg *m = owner;
    Google__Protobuf__DescriptorProto__ReservedRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__descriptor_proto__reserved_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(m->reserved_range, m->n_reserved_range, r);
}

static void add_ext_range(void *owner, int32_t start, int32_t end)
{
    pp_msg *m = owner;
    Google__Protobuf__DescriptorProto__ExtensionRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__descriptor_proto__extension_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(m->extension_range, m->n_extension_range, r);
}

static void add_enum_reserved(void *owner, int32_t start, int32_t end)
{
    pp_enum *e = owner;
    Google__Protobuf__EnumDescriptorProto__EnumReservedRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__enum_descriptor_proto__enum_reserved_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(e->reserved_range, e->n_reserved_range, r);
}

/* reserved <ranges> | <"names">; */
static int reserved(pp_parser *p, char ***names, size_t *nnames, int64_t max, int inclusive,
                    void (*add)(void *, int32_t, int32_t), void *owner)
{
    if (next(p) < 0)
        return -1;
    if (p->lx.tok.kind == PL_STRING) {
        do {
            char *s = NULL;
            if (string_lit(p, &s, NULL) < 0)
                return -1;
            PP_APPEND(*names, *nnames, s);
        } while (pl_is(&p->lx, ',') && next(p) == 0);
    } else if (ranges(p, max, inclusive, add, owner) < 0) {
        return -1;
    }
    return expect(p, ';');
}

static int enum_def(pp_parser *p, pp_enum ***arr, size_t *n)
{
    pp_enum *e = sr_xmalloc(sizeof(*e));
    int line;

    google__protobuf__enum_descriptor_proto__init(e);
    PP_APPEND(*arr, *n, e);
    mark(p, e);
    if (next(p) < 0 || ident(p, &e->name) < 0 || expect(p, '{') < 0)
        return -1;
    while (!pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF)
            return FAIL(p, "Reached end of input in enum definition (missing '}').");
        if (pl_is(&p->lx, ';')) {
            if (next(p) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "option")) {
            if (option_statement(p, (ProtobufCMessage **)&e->options,
                                 &google__protobuf__enum_options__descriptor) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "reserved")) {
            if (reserved(p, &e->reserved_name, &e->n_reserved_name, 2147483647, 1,
                         add_enum_reserved, e) < 0)
                return -1;
        } else {
            Google__Protobuf__EnumValueDescriptorProto *v = sr_xmalloc(sizeof(*v));
            int64_t num;
            google__protobuf__enum_value_descriptor_proto__init(v);
            PP_APPEND(e->value, e->n_value, v);
            mark(p, v);
            line = p->lx.tok.line;
            if (ident(p, &v->name) < 0 || expect(p, '=') < 0 || int_lit(p, &num, 1) < 0)
                return -1;
            if (num < INT32_MIN || num > INT32_MAX)
                return sr_proto__fail_at(p, line, 1, "Integer out of range.");
            v->has_number = 1;
            v->number = (int32_t)num;
            if (bracket_options(p, (ProtobufCMessage **)&v->options,
                                &google__protobuf__enum_value_options__descriptor, NULL) < 0 ||
                expect(p, ';') < 0)
                return -1;
        }
    }
    if (e->n_value == 0)
        return FAIL(p, "Enums must contain at least one value.");
    if ((p->proto3 || p->editions) && e->value[0]->number != 0)
        return sr_proto__fail_at(p, p->lx.tok.line, p->lx.tok.col,
                                 "The first enum value must be zero in proto3.");
    return next(p);
}

static int message_def(pp_parser *p, pp_msg ***arr, size_t *n, const char *scope, int depth);
static int extend_block(pp_parser *p, pp_field ***arr, size_t *n, const char *scope, int depth);

/* proto3 optional fields get a synthetic oneof each, after the real ones (as protoc does). */
static void synthetic_oneofs(pp_msg *m)
{
    for (size_t i = 0; i < m->n_field; i++) {
        pp_field *f = m->field[i];
        Google__Protobuf__OneofDescriptorProto *o;
        sr_buf name = SR_BUF_INIT;
        if (!f->proto3_optional)
            continue;
        sr_buf_printf(&name, "_%s", f->name);
        for (;;) { /* prefix with X until no other field or oneof has the name */
            int clash = 0;
            for (size_t k = 0; k < m->n_field && !clash; k++)
                clash = strcmp(m->field[k]->name, name.ptr) == 0;
            for (size_t k = 0; k < m->n_oneof_decl && !clash; k++)
                clash = strcmp(m->oneof_decl[k]->name, name.ptr) == 0;
            if (!clash)
                break;
            {
                char *old = sr_buf_detach(&name);
                sr_buf_printf(&name, "X%s", old);
                free(old);
            }
        }
        o = sr_xmalloc(sizeof(*o));
        google__protobuf__oneof_descriptor_proto__init(o);
        o->name = sr_buf_detach(&name);
        f->has_oneof_index = 1;
        f->oneof_index = (int32_t)m->n_oneof_decl;
        PP_APPEND(m->oneof_decl, m->n_oneof_decl, o);
    }
}

static int message_body_in(pp_parser *p, pp_msg *m, const char *scope, int depth);

/* The body of a message, with `scope` as the scope of names written in it. */
static int message_body(pp_parser *p, pp_msg *m, const char *scope, int depth)
{
    const char *outer = p->scope;
    int rc;

    p->scope = scope;
    rc = message_body_in(p, m, scope, depth);
    p->scope = outer;
    return rc;
}

static int message_body_in(pp_parser *p, pp_msg *m, const char *scope, int depth)
{
    if (depth > MAX_NESTING)
        return FAIL(p, "Messages nest deeper than %d levels.", MAX_NESTING);
    while (!pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF)
            return FAIL(p, "Reached end of input in message definition (missing '}').");
        if (pl_is(&p->lx, ';')) {
            if (next(p) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "message")) {
            if (message_def(p, &m->nested_type, &m->n_nested_type, scope, depth + 1) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "enum")) {
            if (enum_def(p, &m->enum_type, &m->n_enum_type) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "option")) {
            if (option_statement(p, (ProtobufCMessage **)&m->options,
                                 &google__protobuf__message_options__descriptor) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "oneof")) {
            if (oneof(p, m, scope, depth) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "map")) {
            if (map_field(p, m, scope) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "reserved")) {
            if (reserved(p, &m->reserved_name, &m->n_reserved_name, FIELD_MAX, 0,
                         add_msg_reserved, m) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "extensions")) {
            size_t first = m->n_extension_range;
            Google__Protobuf__ExtensionRangeOptions *opts = NULL;
            if (next(p) < 0 || ranges(p, FIELD_MAX, 0, add_ext_range, m) < 0 ||
                bracket_options(p, (ProtobufCMessage **)&opts,
                                &google__protobuf__extension_range_options__descriptor, NULL) < 0)
                return -1;
            for (size_t i = first; opts && i < m->n_extension_range; i++) {
                /* every range of the statement carries the options: copy them */
                size_t len = protobuf_c_message_get_packed_size(&opts->base);
                uint8_t *buf = sr_xmalloc(len + 1);
                protobuf_c_message_pack(&opts->base, buf);
                m->extension_range[i]->options = (Google__Protobuf__ExtensionRangeOptions *)
                    protobuf_c_message_unpack(&google__protobuf__extension_range_options__descriptor,
                                              NULL, len, buf);
                free(buf);
            }
            if (opts)
                protobuf_c_message_free_unpacked(&opts->base, NULL);
            if (expect(p, ';') < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "extend")) {
            if (extend_block(p, &m->extension, &m->n_extension, scope, depth) < 0)
                return -1;
        } else if (field(p, &m->field, &m->n_field, scope, 0, 0, m, depth) < 0) {
            return -1;
        }
    }
    synthetic_oneofs(m);
    return next(p);
}

static int message_def(pp_parser *p, pp_msg ***arr, size_t *n, const char *scope, int depth)
{
    pp_msg *m = sr_xmalloc(sizeof(*m));
    char *inner = NULL;
    int rc;

    google__protobuf__descriptor_proto__init(m);
    PP_APPEND(*arr, *n, m);
    mark(p, m);
    if (next(p) < 0 || ident(p, &m->name) < 0 || expect(p, '{') < 0)
        return -1;
    if (asprintf(&inner, "%s.%s", scope, m->name) < 0)
        return -1;
    rc = message_body(p, m, inner, depth);
    free(inner);
    return rc;
}

/* extend Type { fields } -- fields with an extendee. */
static int extend_block(pp_parser *p, pp_field ***arr, size_t *n, const char *scope, int depth)
{
    char *extendee = NULL;
    int line, col;

    if (next(p) < 0)
        return -1;
    line = p->lx.tok.line;
    col = p->lx.tok.col;
    if (dotted(p, &extendee) < 0 || expect(p, '{') < 0) {
        free(extendee);
        return -1;
    }
    while (!pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF) {
            free(extendee);
            return FAIL(p, "Reached end of input in extend definition (missing '}').");
        }
        if (pl_is(&p->lx, ';')) {
            if (next(p) < 0)
                break;
            continue;
        }
        if (field(p, arr, n, scope, 0, 0, NULL, depth) < 0) {
            free(extendee);
            return -1;
        }
        (*arr)[*n - 1]->extendee = sr_xstrdup(extendee);
        defer(p, &(*arr)[*n - 1]->extendee, NULL, scope, line, col);
    }
    free(extendee);
    return next(p);
}

/* rpc Name (stream? In) returns (stream? Out) ; or { options } */
static int method(pp_parser *p, Google__Protobuf__ServiceDescriptorProto *s, const char *scope)
{
    Google__Protobuf__MethodDescriptorProto *md = sr_xmalloc(sizeof(*md));
    char **types[2] = {&md->input_type, &md->output_type};

    google__protobuf__method_descriptor_proto__init(md);
    PP_APPEND(s->method, s->n_method, md);
    mark(p, md);
    if (next(p) < 0 || ident(p, &md->name) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        int line, col;
        if (i == 1 && expect_word(p, "returns") < 0)
            return -1;
        if (expect(p, '(') < 0)
            return -1;
        if (pl_is_word(&p->lx, "stream")) {
            if (i == 0) {
                md->has_client_streaming = 1;
                md->client_streaming = 1;
            } else {
                md->has_server_streaming = 1;
                md->server_streaming = 1;
            }
            if (next(p) < 0)
                return -1;
        }
        line = p->lx.tok.line;
        col = p->lx.tok.col;
        if (dotted(p, types[i]) < 0 || expect(p, ')') < 0)
            return -1;
        defer(p, types[i], NULL, scope, line, col);
    }
    if (pl_is(&p->lx, '{')) {
        if (!md->options) { /* protoc records a body, even an empty one, as options */
            md->options = sr_xmalloc(sizeof(*md->options));
            google__protobuf__method_options__init(md->options);
        }
        if (next(p) < 0)
            return -1;
        while (!pl_is(&p->lx, '}')) {
            if (p->lx.tok.kind == PL_EOF)
                return FAIL(p, "Reached end of input in method options (missing '}').");
            if (pl_is(&p->lx, ';')) {
                if (next(p) < 0)
                    return -1;
            } else if (option_statement(p, (ProtobufCMessage **)&md->options,
                                        &google__protobuf__method_options__descriptor) < 0) {
                return -1;
            }
        }
        if (next(p) < 0)
            return -1;
        if (pl_is(&p->lx, ';'))
            return next(p);
        return 0;
    }
    return expect(p, ';');
}

static int service(pp_parser *p, const char *scope)
{
    Google__Protobuf__ServiceDescriptorProto *s = sr_xmalloc(sizeof(*s));

    google__protobuf__service_descriptor_proto__init(s);
    PP_APPEND(p->fd->service, p->fd->n_service, s);
    mark(p, s);
    if (next(p) < 0 || ident(p, &s->name) < 0 || expect(p, '{') < 0)
        return -1;
    while (!pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF)
            return FAIL(p, "Reached end of input in service definition (missing '}').");
        if (pl_is(&p->lx, ';')) {
            if (next(p) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "option")) {
            if (option_statement(p, (ProtobufCMessage **)&s->options,
                                 &google__protobuf__service_options__descriptor) < 0)
                return -1;
        } else if (pl_is_word(&p->lx, "rpc")) {
            if (method(p, s, scope) < 0)
                return -1;
        } else {
            return FAIL(p, "Expected \"rpc\".");
        }
    }
    return next(p);
}

static int syntax(pp_parser *p)
{
    char *s = NULL;
    int rc;

    if (next(p) < 0 || expect(p, '=') < 0 || string_lit(p, &s, NULL) < 0)
        return -1;
    if (strcmp(s, "proto3") == 0) {
        p->proto3 = 1;
        p->fd->syntax = s; /* protoc records only proto3 */
        return expect(p, ';');
    }
    rc = strcmp(s, "proto2") == 0 ? 0
                                  : FAIL(p, "Unrecognized syntax identifier \"%s\".  This parser "
                                         "only recognizes \"proto2\" and \"proto3\".", s);
    free(s);
    return rc < 0 ? -1 : expect(p, ';');
}

/* edition = "2023"; -- recorded as syntax "editions" (this descriptor.proto has no edition
 * field); fields then have explicit presence unless features say otherwise. */
static int edition(pp_parser *p)
{
    char *s = NULL;
    int line = p->lx.tok.line, col = p->lx.tok.col;

    if (next(p) < 0 || expect(p, '=') < 0 || string_lit(p, &s, NULL) < 0)
        return -1;
    if (strcmp(s, "2023") != 0) {
        sr_proto__fail_at(p, line, col, "Edition \"%s\" is not supported; sluice knows edition "
                          "\"2023\".", s);
        free(s);
        return -1;
    }
    free(s);
    p->editions = 1;
    p->fd->syntax = sr_xstrdup("editions");
    return expect(p, ';');
}

static int import(pp_parser *p)
{
    pp_file *fd = p->fd;
    char *path = NULL;
    int kind = 0; /* 1 public, 2 weak */

    if (next(p) < 0)
        return -1;
    if (pl_is_word(&p->lx, "public") || pl_is_word(&p->lx, "weak")) {
        kind = pl_is_word(&p->lx, "public") ? 1 : 2;
        if (next(p) < 0)
            return -1;
    }
    if (string_lit(p, &path, NULL) < 0)
        return -1;
    for (size_t i = 0; i < fd->n_dependency; i++) {
        if (strcmp(fd->dependency[i], path) == 0) {
            free(path);
            return FAIL(p, "Import \"%s\" was listed twice.", fd->dependency[i]);
        }
    }
    if (kind == 1)
        PP_APPEND(fd->public_dependency, fd->n_public_dependency, (int32_t)fd->n_dependency);
    if (kind == 2)
        PP_APPEND(fd->weak_dependency, fd->n_weak_dependency, (int32_t)fd->n_dependency);
    PP_APPEND(fd->dependency, fd->n_dependency, path);
    return expect(p, ';');
}

static int file(pp_parser *p)
{
    char *scope = sr_xstrdup("");
    int rc = 0;

    p->scope = scope;
    if (pl_is_word(&p->lx, "syntax"))
        rc = syntax(p);
    else if (pl_is_word(&p->lx, "edition"))
        rc = edition(p);
    while (rc == 0 && p->lx.tok.kind != PL_EOF) {
        if (pl_is(&p->lx, ';')) {
            rc = next(p);
        } else if (pl_is_word(&p->lx, "package")) {
            if (p->fd->package) {
                rc = FAIL(p, "Multiple package definitions.");
                break;
            }
            mark(p, &p->fd->package);
            if ((rc = next(p)) < 0 || (rc = dotted(p, &p->fd->package)) < 0 ||
                (rc = expect(p, ';')) < 0)
                break;
            free(scope);
            scope = sr_xmalloc(strlen(p->fd->package) + 2);
            sprintf(scope, ".%s", p->fd->package);
            p->scope = scope;
        } else if (pl_is_word(&p->lx, "import")) {
            rc = import(p);
        } else if (pl_is_word(&p->lx, "option")) {
            rc = option_statement(p, (ProtobufCMessage **)&p->fd->options,
                                  &google__protobuf__file_options__descriptor);
        } else if (pl_is_word(&p->lx, "message")) {
            rc = message_def(p, &p->fd->message_type, &p->fd->n_message_type, scope, 0);
        } else if (pl_is_word(&p->lx, "enum")) {
            rc = enum_def(p, &p->fd->enum_type, &p->fd->n_enum_type);
        } else if (pl_is_word(&p->lx, "service")) {
            rc = service(p, scope);
        } else if (pl_is_word(&p->lx, "extend")) {
            rc = extend_block(p, &p->fd->extension, &p->fd->n_extension, scope, 0);
        } else if (pl_is_word(&p->lx, "syntax")) {
            rc = FAIL(p, "The syntax statement must be the first statement in the file.");
        } else {
            rc = FAIL(p, "Expected top-level statement (e.g. \"message\").");
        }
    }
    p->scope = NULL;
    free(scope);
    return rc < 0 || p->failed ? -1 : 0;
}

int sr_proto__parse_file(pp_parser *p, const char *path, const char *text, sr_err *err)
{
    memset(p, 0, sizeof(*p));
    p->path = path;
    p->err = err;
    p->fd = sr_xmalloc(sizeof(*p->fd));
    google__protobuf__file_descriptor_proto__init(p->fd);
    p->fd->name = sr_xstrdup(path && *path ? path : "schema.proto");
    pl_init(&p->lx, text);
    if (lex_ok(p) < 0)
        return -1;
    return file(p);
}

void sr_proto__parser_dispose(pp_parser *p)
{
    pl_dispose(&p->lx);
    free(p->marks);
    p->marks = NULL;
    p->nmarks = 0;
    for (size_t i = 0; i < p->ncustom; i++) {
        free(p->custom[i].ext);
        free(p->custom[i].sub);
        free(p->custom[i].scope);
        free(p->custom[i].value.text);
    }
    free(p->custom);
    p->custom = NULL;
    p->ncustom = 0;
    for (size_t i = 0; i < p->npending; i++)
        free(p->pending[i].scope);
    free(p->pending);
    p->pending = NULL;
    p->npending = 0;
    if (p->fd)
        protobuf_c_message_free_unpacked(&p->fd->base, NULL);
    p->fd = NULL;
}
