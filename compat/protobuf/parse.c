/* protobuf/parse.c -- the recursive-descent parser of .proto files (proto2, proto3 and editions),
 * building google.protobuf.FileDescriptorProto as protoc does: map entry messages, synthetic
 * oneofs for proto3 optional, json_name, extension and reserved ranges, services, defaults
 * checked and written as protoc writes them. Type names are recorded as written and resolved
 * later (resolve.c), once every imported file is known.
 *
 * Hostile input: nesting (messages, groups, aggregate option values) is bounded by the caller's
 * max_depth and refused beyond it, never recursed into; every lookup is a hash or a single pass.
 * Positions are recorded per element and per token that sets a member (name, number, default),
 * so that errors found later point where protoc points. */
#include "compat/protobuf/internal.h"
#include "common/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

void sr_proto__put_utf8_safe(sr_buf *b, const char *s, size_t len, int controls)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = sr_utf8_seq_len(s + i, len - i);
        if (n == 0 || (controls && n == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
            sr_buf_printf(b, "\\%03o", u[i]);
            i++;
        } else {
            sr_buf_put(b, s + i, n);
            i += n;
        }
    }
}

int sr_proto__err_set(sr_err *err, const char *msg, size_t len)
{
    sr_buf b = SR_BUF_INIT;

    sr_proto__put_utf8_safe(&b, msg, len, 1);
    sr_err_set(err, 42201, "%s", b.ptr ? b.ptr : ""); /* cut at a character if too long */
    sr_buf_dispose(&b);
    return -1;
}

int sr_proto__fail_at(pp_parser *p, int line, int col, const char *fmt, ...)
{
    sr_buf b = SR_BUF_INIT;
    char *what = NULL;
    va_list ap;

    if (p->failed)
        return -1;
    p->failed = 1;
    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    sr_buf_printf(&b, "Invalid schema of type PROTOBUF, details: %s:%d:%d: %s",
                  p->path && *p->path ? p->path : "schema.proto", line, col, what ? what : "");
    free(what);
    sr_proto__err_set(p->err, b.ptr, b.len);
    sr_buf_dispose(&b);
    return -1;
}

#define FAIL(p, ...) sr_proto__fail_at((p), (p)->lx.tok.line, (p)->lx.tok.col, __VA_ARGS__)

static int lex_ok(pp_parser *p)
{
    const pl_lexer *lx = &p->lx;

    if (lx->tok.kind != PL_ERROR)
        return 0;
    if (lx->err_arg >= 0)
        return sr_proto__fail_at(p, lx->err_line, lx->err_col,
                                 "Interpreting non ascii codepoint %d.", lx->err_arg);
    return sr_proto__fail_at(p, lx->err_line, lx->err_col, "%s", lx->err);
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

/* ---- positions ---- */

static void mark_at(pp_parser *p, const void *elem, int line, int col)
{
    pp_mark m = {elem, line, col};
    PP_APPEND(p->marks, p->nmarks, m);
    p->marks_sorted = 0;
}

/* Remember that `elem` starts at the current token. */
static void mark(pp_parser *p, const void *elem)
{
    mark_at(p, elem, p->lx.tok.line, p->lx.tok.col);
}

/* ---- tokens ---- */

static char *tok_dup(const pp_parser *p)
{
    return sr_xstrndup(p->lx.tok.start, p->lx.tok.len);
}

/* An identifier; its position is recorded under `where` (e.g. &elem->name) when not NULL. */
static int ident(pp_parser *p, char **out, const void *where)
{
    if (p->lx.tok.kind != PL_IDENT)
        return FAIL(p, "Expected identifier.");
    if (where)
        mark(p, where);
    *out = tok_dup(p);
    return next(p);
}

/* A dotted name: a.b.c, or (where a type may be named fully qualified) .a.b.c. */
static int dotted(pp_parser *p, char **out, int leading_dot)
{
    sr_buf b = SR_BUF_INIT;

    if (leading_dot && pl_is(&p->lx, '.')) {
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

/* protoc's Tokenizer::ParseInteger: 0x hex, 0-led octal or decimal, at most `max`. */
static int parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    size_t i = 0;

    if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, i = 2;
    else if (len > 0 && s[0] == '0')
        base = 8;
    if (i >= len)
        return -1;
    for (; i < len; i++) {
        unsigned c = (unsigned char)s[i], d;
        d = pl_digit((int)c) ? c - '0' : pl_hex_digit((int)c) ? (c | 0x20) - 'a' + 10 : 99;
        if (d >= base || v > (max - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* An integer token (after an optional '-' when `signed_max`): within [-max-1, max] when signed,
 * [0, max] when not; protoc's "Integer out of range." at the number otherwise. */
static int int_lit(pp_parser *p, int64_t *out, int64_t max, int allow_negative,
                   const char *expected)
{
    int neg = 0;
    uint64_t v;

    if (allow_negative && pl_is(&p->lx, '-')) {
        neg = 1;
        if (next(p) < 0)
            return -1;
    }
    if (p->lx.tok.kind != PL_INT)
        return FAIL(p, "%s", expected);
    if (parse_uint(p->lx.tok.start, p->lx.tok.len, (uint64_t)max + (uint64_t)neg, &v) < 0)
        return FAIL(p, "Integer out of range.");
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return next(p);
}

/* A field's number: protoc's parse ("Expected field number.", int32) and build checks. */
static int field_number(pp_parser *p, pp_field *f)
{
    int line = p->lx.tok.line, col = p->lx.tok.col;
    int64_t v;

    mark(p, &f->number);
    if (int_lit(p, &v, INT32_MAX, 0, "Expected field number.") < 0)
        return -1;
    if (v < 1)
        return sr_proto__fail_at(p, line, col, "Field numbers must be positive integers.");
    if (v > PP_FIELD_MAX && !f->extendee)
        return sr_proto__fail_at(p, line, col, "Field numbers cannot be greater than %d.",
                                 PP_FIELD_MAX);
    if (v >= 19000 && v <= 19999)
        return sr_proto__fail_at(p, line, col, "Field numbers 19000 through 19999 are reserved "
                                 "for the protocol buffer library implementation.");
    f->has_number = 1;
    f->number = (int32_t)v;
    return 0;
}

/* ---- options ---- */

typedef pp_optval optval;

static void optval_dispose(optval *v)
{
    free(v->text);
    memset(v, 0, sizeof(*v));
}

/* A {...} aggregate (message-literal) value, kept as text for later interpretation: the source
 * from brace to brace (protoc delimits it by braces alone), with bytes that are not UTF-8 (only
 * possible inside strings and comments) written as octal escapes, which mean the same there.
 * Nesting of '{' and '<' beyond max_depth is refused where it happens. */
static int aggregate(pp_parser *p, optval *v)
{
    const char *start = p->lx.tok.start;
    int braces = 0, nest = 0;
    size_t len = 0;
    sr_buf b = SR_BUF_INIT;

    do {
        if (pl_is(&p->lx, '{') || pl_is(&p->lx, '<')) {
            braces += pl_is(&p->lx, '{');
            if (++nest > p->max_depth)
                return FAIL(p, "Option value nests deeper than %d levels (the nesting limit).",
                            p->max_depth);
        } else if (pl_is(&p->lx, '}') || pl_is(&p->lx, '>')) {
            braces -= pl_is(&p->lx, '}');
            nest -= nest > 0;
        } else if (p->lx.tok.kind == PL_EOF) {
            return FAIL(p, "Unexpected end of file in aggregate value.");
        }
        len = (size_t)(p->lx.tok.start + p->lx.tok.len - start);
        if (next(p) < 0)
            return -1;
    } while (braces > 0);
    sr_proto__put_utf8_safe(&b, start, len, 0);
    v->kind = PL_SYMBOL;
    v->len = b.len;
    v->text = sr_buf_detach(&b);
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

static ProtobufCMessage *options_of(ProtobufCMessage **slot, const ProtobufCMessageDescriptor *desc)
{
    if (!*slot) {
        *slot = sr_xcalloc(1, desc->sizeof_message);
        protobuf_c_message_init(desc, *slot);
    }
    return *slot;
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
    m = options_of(slot, desc);
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
        int wide = f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_UINT64;
        int is_signed = f->type == PROTOBUF_C_TYPE_INT32 || f->type == PROTOBUF_C_TYPE_INT64;
        uint64_t max = wide ? (is_signed ? INT64_MAX : UINT64_MAX) : (is_signed ? INT32_MAX : UINT32_MAX);
        uint64_t n;
        if (v->kind != PL_INT)
            return sr_proto__fail_at(p, v->line, v->col, "Value must be integer for option \"%s\".",
                                     name);
        if ((v->negative && !is_signed) ||
            parse_uint(v->text, v->len, max + (uint64_t)(v->negative != 0), &n) < 0)
            return sr_proto__fail_at(p, v->line, v->col, "Value out of range for option \"%s\".",
                                     name);
        n = v->negative ? 0 - n : n;
        if (wide)
            *(uint64_t *)member = n;
        else
            *(uint32_t *)member = (uint32_t)n;
        return 0;
    }
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_FLOAT: {
        double d;
        if (v->kind != PL_INT && v->kind != PL_FLOAT)
            return sr_proto__fail_at(p, v->line, v->col, "Value must be number for option \"%s\".",
                                     name);
        d = strtod(v->text, NULL);
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

    if (!f)
        return FAIL(p, "Option \"%s\" unknown.", name);
    options_of(slot, desc);
    u = sr_xmalloc(sizeof(*u));
    google__protobuf__uninterpreted_option__init(u);
    for (const char *s = name; *s;) { /* the name parts between dots */
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        Google__Protobuf__UninterpretedOption__NamePart *np = sr_xmalloc(sizeof(*np));
        google__protobuf__uninterpreted_option__name_part__init(np);
        np->name_part = sr_xstrndup(s, len);
        np->is_extension = 0;
        PP_APPEND(u->name, u->n_name, np);
        s += len + (dot != NULL);
    }
    if (v->kind == PL_IDENT) {
        u->identifier_value = sr_xstrdup(v->text);
    } else if (v->kind == PL_STRING) {
        u->has_string_value = 1;
        u->string_value.len = v->len;
        u->string_value.data = (uint8_t *)sr_xstrndup(v->text, v->len);
    } else if (v->kind == PL_INT) {
        uint64_t num;
        if (parse_uint(v->text, v->len, UINT64_MAX, &num) < 0)
            return sr_proto__fail_at(p, v->line, v->col, "Integer out of range.");
        if (v->negative) {
            u->has_negative_int_value = 1;
            u->negative_int_value = (int64_t)(0 - num);
        } else {
            u->has_positive_int_value = 1;
            u->positive_int_value = num;
        }
    } else if (v->kind == PL_FLOAT) {
        u->has_double_value = 1;
        u->double_value = strtod(v->text, NULL) * (v->negative ? -1 : 1);
    } else { /* the text between the braces, without the white space around it */
        const char *s = v->text + 1, *e = v->text + (v->len >= 2 ? v->len - 1 : 1);
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            e--;
        u->aggregate_value = sr_xstrndup(s, (size_t)(e - s));
    }
    n = (size_t *)((char *)*slot + f->quantifier_offset);
    arr = (Google__Protobuf__UninterpretedOption ***)((char *)*slot + f->offset);
    PP_APPEND(*arr, *n, u);
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
    if (next(p) < 0 || dotted(p, &c.ext, 1) < 0 || expect(p, ')') < 0)
        goto fail;
    if (pl_is(&p->lx, '.') && (next(p) < 0 || dotted(p, &c.sub, 0) < 0))
        goto fail;
    if (expect(p, '=') < 0 || option_value(p, &c.value) < 0)
        goto fail;
    c.value.line = line; /* errors point at the option's name */
    c.value.col = col;
    c.scope = p->scope;
    PP_APPEND(p->custom, p->ncustom, c);
    return 0;
fail:
    free(c.ext);
    free(c.sub);
    free(c.value.text);
    return -1;
}

/* protoc's shortest text that reads back as the same double (SimpleDtoa) or float
 * (SimpleFtoa, of the value rounded to float first). */
static void put_real(sr_buf *b, double v, int is_float)
{
    int lo = is_float ? 6 : 15, hi = is_float ? 9 : 17;
    sr_buf t = SR_BUF_INIT;

    if (isnan(v)) {
        sr_buf_puts(b, "nan");
        return;
    }
    if (is_float)
        v = (float)v; /* IEEE rounding; beyond FLT_MAX it is infinite, as in protoc */
    if (isinf(v)) {
        sr_buf_puts(b, v > 0 ? "inf" : "-inf");
        return;
    }
    sr_buf_printf(&t, "%.*g", lo, v);
    if (is_float ? (float)strtod(t.ptr, NULL) != (float)v : strtod(t.ptr, NULL) != v) {
        sr_buf_clear(&t);
        sr_buf_printf(&t, "%.*g", hi, v);
    }
    sr_buf_put(b, t.ptr, t.len);
    sr_buf_dispose(&t);
}

/* protoc's ConsumeNumber: a float, an integer up to 2^64-1, inf or nan. */
static int number_lit(pp_parser *p, double *out)
{
    uint64_t u;

    if (p->lx.tok.kind == PL_FLOAT) {
        *out = strtod(p->lx.tok.start, NULL);
    } else if (p->lx.tok.kind == PL_INT) {
        if (parse_uint(p->lx.tok.start, p->lx.tok.len, UINT64_MAX, &u) < 0)
            return FAIL(p, "Integer out of range.");
        *out = (double)u;
    } else if (pl_is_word(&p->lx, "inf")) {
        *out = INFINITY;
    } else if (pl_is_word(&p->lx, "nan")) {
        *out = NAN;
    } else {
        return FAIL(p, "Expected number.");
    }
    return next(p);
}

/* [default = value]: protoc's ParseDefaultAssignment, storing what protoc's descriptor holds
 * (DefaultValueAsString): integers in decimal, reals in their shortest form, bytes C-escaped.
 * A field whose type is a name (an enum or a message, not known yet) keeps the token as written
 * for the resolver to check. */
static int default_value(pp_parser *p, pp_field *f)
{
    sr_buf b = SR_BUF_INIT;
    int neg = 0;

    mark(p, &f->default_value);
    if (!f->has_type) {
        f->default_value = tok_dup(p);
        return next(p);
    }
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64: {
        int narrow = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32 ||
                     f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32 ||
                     f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32;
        int64_t v;
        if (int_lit(p, &v, narrow ? INT32_MAX : INT64_MAX, 1,
                    "Expected integer for field default value.") < 0)
            return -1;
        sr_buf_printf(&b, "%" PRId64, v);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64: {
        int narrow = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32 ||
                     f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32;
        uint64_t v;
        if (pl_is(&p->lx, '-')) {
            if (next(p) < 0)
                return -1;
            return FAIL(p, "Unsigned field can't have negative default value.");
        }
        if (p->lx.tok.kind != PL_INT)
            return FAIL(p, "Expected integer for field default value.");
        if (parse_uint(p->lx.tok.start, p->lx.tok.len, narrow ? UINT32_MAX : UINT64_MAX, &v) < 0)
            return FAIL(p, "Integer out of range.");
        sr_buf_printf(&b, "%" PRIu64, v);
        if (next(p) < 0) {
            sr_buf_dispose(&b);
            return -1;
        }
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
        double v = 0;
        if (pl_is(&p->lx, '-')) {
            neg = 1;
            if (next(p) < 0)
                return -1;
        }
        if (number_lit(p, &v) < 0)
            return -1;
        put_real(&b, neg ? -v : v, f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        if (!pl_is_word(&p->lx, "true") && !pl_is_word(&p->lx, "false"))
            return FAIL(p, "Expected \"true\" or \"false\".");
        sr_buf_put(&b, p->lx.tok.start, p->lx.tok.len);
        if (next(p) < 0) {
            sr_buf_dispose(&b);
            return -1;
        }
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES: {
        char *s;
        size_t len;
        if (p->lx.tok.kind != PL_STRING)
            return FAIL(p, f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING
                               ? "Expected string for field default value."
                               : "Expected string.");
        if (string_lit(p, &s, &len) < 0)
            return -1;
        if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
            f->default_value = c_escape(s, len); /* protoc stores bytes escaped */
            free(s);
            return 0;
        }
        f->default_value = s; /* a protobuf-c string ends at its first NUL byte, if any */
        return 0;
    }
    default:
        return FAIL(p, "Messages can't have default values.");
    }
    f->default_value = sr_buf_detach(&b);
    return 0;
}

/* `name = value`, after the keyword `option` or inside [...]. Custom options "(a.b)" are
 * recorded for later. */
static int option_assignment(pp_parser *p, ProtobufCMessage **slot,
                             const ProtobufCMessageDescriptor *desc, pp_field *field)
{
    optval v;
    char *name = NULL;
    int line = p->lx.tok.line, col = p->lx.tok.col, rc = -1;

    if (pl_is(&p->lx, '('))
        return custom_option(p, slot, desc);
    if (dotted(p, &name, 0) < 0 || expect(p, '=') < 0)
        goto out;
    if (field && strcmp(name, "default") == 0) {
        if (field->default_value)
            rc = sr_proto__fail_at(p, line, col, "Already set option \"default\".");
        else if (p->proto3)
            rc = sr_proto__fail_at(p, line, col, "Explicit default values are not allowed in "
                                   "proto3.");
        else
            rc = default_value(p, field);
        goto out;
    }
    if (option_value(p, &v) < 0) {
        optval_dispose(&v);
        goto out;
    }
    if (strncmp(name, "features.", 9) == 0) {
        if (!p->editions)
            rc = sr_proto__fail_at(p, line, col, "Features are only valid under editions.");
        else
            rc = uninterpreted(p, slot, desc, name, &v);
    } else if (field && strcmp(name, "json_name") == 0) {
        if (v.kind != PL_STRING) {
            rc = sr_proto__fail_at(p, v.line, v.col, "Expected string for json_name.");
        } else if (field->extendee) {
            rc = sr_proto__fail_at(p, line, col, "option json_name is not allowed on extension "
                                   "fields.");
        } else {
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

/* [a = 1, b = 2] after a field, an enum value or extension ranges. */
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

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* protoc's default json_name: lowerCamelCase, underscores dropped. */
static char *json_name(const char *name)
{
    char *out = sr_xmalloc(strlen(name) + 1), *o = out;
    int upper = 0;

    for (const char *s = name; *s; s++) {
        if (*s == '_') {
            upper = 1;
        } else {
            *o++ = upper ? ascii_upper(*s) : *s;
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
        sr_buf_putc(&b, upper ? ascii_upper(*s) : *s);
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

/* Record a type name to resolve later, in the scope being parsed. */
static void defer(pp_parser *p, char **slot, pp_field *field, int message_only, int line, int col)
{
    pp_pending pend = {slot, field, p->scope, message_only, line, col};
    PP_APPEND(p->pending, p->npending, pend);
}

/* A field's type: a scalar keyword sets the type now; anything else is a name to resolve. */
static int field_type(pp_parser *p, pp_field *f)
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
    if (dotted(p, &f->type_name, 1) < 0)
        return -1;
    defer(p, &f->type_name, f, 0, line, col);
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

static int message_body(pp_parser *p, pp_msg *m);
static int message_def(pp_parser *p, pp_msg ***arr, size_t *n);

/* A message opening at (line, col) nests one level deeper: refused beyond the limit. */
static int enter(pp_parser *p, int line, int col)
{
    if (p->depth >= p->max_depth)
        return sr_proto__fail_at(p, line, col, "Messages nest deeper than %d levels (the nesting "
                                 "limit).", p->max_depth);
    p->depth++;
    return 0;
}

/* map<K, V> name = N [options]; -- a repeated field of a generated entry message. */
static int map_field(pp_parser *p, pp_msg *m)
{
    pp_field *f = new_field(), *key = new_field(), *value = new_field();
    pp_msg *entry = sr_xmalloc(sizeof(*entry));
    int line = p->lx.tok.line, col = p->lx.tok.col;

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
    if (field_type(p, key) < 0 || expect(p, ',') < 0 || field_type(p, value) < 0 ||
        expect(p, '>') < 0 || ident(p, &f->name, &f->name) < 0 || expect(p, '=') < 0)
        goto fail;
    if (!key->has_type || key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE ||
        key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT ||
        key->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
        FAIL(p, "Key in map fields cannot be float/double, bytes or message types.");
        goto fail;
    }
    if (field_number(p, f) < 0)
        goto fail;
    entry->name = map_entry_name(f->name);
    entry->options = sr_xmalloc(sizeof(*entry->options));
    google__protobuf__message_options__init(entry->options);
    entry->options->has_map_entry = 1;
    entry->options->map_entry = 1;
    mark_at(p, entry, line, col); /* the entry is where its field is */
    mark_at(p, &entry->name, line, col);
    PP_APPEND(m->nested_type, m->n_nested_type, entry);
    entry = NULL;
    set_label(f, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED);
    f->has_type = 1;
    f->type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
    f->type_name = map_entry_name(f->name);
    f->json_name = json_name(f->name);
    /* the entry is a nested type of this message: resolve its name from inside it */
    defer(p, &f->type_name, NULL, 0, p->lx.tok.line, p->lx.tok.col);
    if (bracket_options(p, (ProtobufCMessage **)&f->options,
                        &google__protobuf__field_options__descriptor, f) < 0)
        goto fail;
    return expect(p, ';');
fail:
    if (entry)
        protobuf_c_message_free_unpacked(&entry->base, NULL);
    return -1;
}

/* group Name = N [options] { body }: a nested message and a field of its type. */
static int group(pp_parser *p, pp_msg *m, pp_field *f, int line, int col)
{
    pp_msg *g = sr_xmalloc(sizeof(*g));
    int rc;

    google__protobuf__descriptor_proto__init(g);
    if (enter(p, line, col) < 0 || next(p) < 0 || ident(p, &g->name, NULL) < 0) {
        protobuf_c_message_free_unpacked(&g->base, NULL);
        return -1;
    }
    if (!(g->name[0] >= 'A' && g->name[0] <= 'Z')) {
        protobuf_c_message_free_unpacked(&g->base, NULL);
        return FAIL(p, "Group names must start with a capital letter.");
    }
    PP_APPEND(m->nested_type, m->n_nested_type, g);
    mark_at(p, g, line, col);
    mark_at(p, &g->name, line, col);
    mark_at(p, &f->name, line, col);
    f->name = sr_xstrdup(g->name);
    for (char *c = f->name; *c; c++)
        *c = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
    f->has_type = 1;
    f->type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP;
    f->type_name = sr_xstrdup(g->name);
    f->json_name = json_name(f->name);
    defer(p, &f->type_name, NULL, 0, line, col);
    if (expect(p, '=') < 0 || field_number(p, f) < 0 ||
        bracket_options(p, (ProtobufCMessage **)&f->options,
                        &google__protobuf__field_options__descriptor, f) < 0 ||
        expect(p, '{') < 0)
        return -1;
    rc = message_body(p, g);
    p->depth--;
    return rc;
}

/* [label] type name = N [options]; -- also inside oneofs (no label) and extend blocks (then
 * `extendee` is the name being extended). */
static int field(pp_parser *p, pp_field ***arr, size_t *n, int in_oneof, int32_t oneof_index,
                 pp_msg *m, const char *extendee)
{
    pp_field *f = new_field();
    int has_label = 0, line = p->lx.tok.line, col = p->lx.tok.col;

    PP_APPEND(*arr, *n, f);
    mark(p, f);
    if (extendee)
        f->extendee = sr_xstrdup(extendee);
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
    if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED && extendee)
        mark(p, &f->label); /* "The extension x cannot be required." points at the type */
    if (pl_is_word(&p->lx, "group") && m && p->editions)
        return FAIL(p, "Group syntax is not supported in editions. Use a message field with "
                    "features.message_encoding = DELIMITED instead.");
    if (pl_is_word(&p->lx, "group") && m)
        return group(p, m, f, line, col);
    if (field_type(p, f) < 0 || ident(p, &f->name, &f->name) < 0 || expect(p, '=') < 0 ||
        field_number(p, f) < 0)
        return -1;
    f->json_name = json_name(f->name);
    if (bracket_options(p, (ProtobufCMessage **)&f->options,
                        &google__protobuf__field_options__descriptor, f) < 0)
        return -1;
    return expect(p, ';');
}

static int oneof(pp_parser *p, pp_msg *m)
{
    Google__Protobuf__OneofDescriptorProto *o = sr_xmalloc(sizeof(*o));
    int32_t index = (int32_t)m->n_oneof_decl;

    google__protobuf__oneof_descriptor_proto__init(o);
    PP_APPEND(m->oneof_decl, m->n_oneof_decl, o);
    mark(p, o);
    if (next(p) < 0 || ident(p, &o->name, &o->name) < 0 || expect(p, '{') < 0)
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
        } else if (field(p, &m->field, &m->n_field, 1, index, m, NULL) < 0) {
            return -1;
        }
    }
    return next(p);
}

/* Ranges: "2, 15, 9 to 11, 20 to max". Messages' ranges are positive int32 with an exclusive
 * end in the descriptor (written end + 1, wrapping as protoc's does at 2^31-1); enums' are
 * signed int32 with an inclusive end. Each range's position is its first number's. */
static int ranges(pp_parser *p, int64_t max, int is_enum, const char *what,
                  void *(*add)(void *owner, int32_t start, int32_t end), void *owner)
{
    do {
        int line = p->lx.tok.line, col = p->lx.tok.col;
        int64_t start, end;
        const char *expected = is_enum ? "Expected enum number range." : "Expected field number range.";
        if (int_lit(p, &start, INT32_MAX, is_enum, expected) < 0)
            return -1;
        end = start;
        if (pl_is_word(&p->lx, "to")) {
            if (next(p) < 0)
                return -1;
            if (pl_is_word(&p->lx, "max")) {
                end = max;
                if (next(p) < 0)
                    return -1;
            } else if (int_lit(p, &end, INT32_MAX, is_enum, expected) < 0) {
                return -1;
            }
        }
        if (end < start)
            return sr_proto__fail_at(p, line, col, "%s range end number must be greater than "
                                     "start number.", what);
        mark_at(p, add(owner, (int32_t)start, (int32_t)(uint32_t)(is_enum ? end : end + 1)),
                line, col);
    } while (pl_is(&p->lx, ',') && next(p) == 0);
    return p->failed ? -1 : 0;
}

static void *add_msg_reserved(void *owner, int32_t start, int32_t end)
{
    pp_msg *m = owner;
    Google__Protobuf__DescriptorProto__ReservedRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__descriptor_proto__reserved_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(m->reserved_range, m->n_reserved_range, r);
    return r;
}

static void *add_ext_range(void *owner, int32_t start, int32_t end)
{
    pp_msg *m = owner;
    Google__Protobuf__DescriptorProto__ExtensionRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__descriptor_proto__extension_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(m->extension_range, m->n_extension_range, r);
    return r;
}

static void *add_enum_reserved(void *owner, int32_t start, int32_t end)
{
    pp_enum *e = owner;
    Google__Protobuf__EnumDescriptorProto__EnumReservedRange *r = sr_xmalloc(sizeof(*r));

    google__protobuf__enum_descriptor_proto__enum_reserved_range__init(r);
    r->has_start = r->has_end = 1;
    r->start = start;
    r->end = end;
    PP_APPEND(e->reserved_range, e->n_reserved_range, r);
    return r;
}

/* reserved <ranges> | <"names">; -- each name's position is recorded under its string. */
static int reserved(pp_parser *p, char ***names, size_t *nnames, int64_t max, int is_enum,
                    void *(*add)(void *, int32_t, int32_t), void *owner)
{
    if (next(p) < 0)
        return -1;
    if (p->lx.tok.kind == PL_STRING) {
        do {
            int line = p->lx.tok.line, col = p->lx.tok.col;
            char *s = NULL;
            if (string_lit(p, &s, NULL) < 0)
                return -1;
            PP_APPEND(*names, *nnames, s);
            mark_at(p, s, line, col);
        } while (pl_is(&p->lx, ',') && next(p) == 0);
    } else if (ranges(p, max, is_enum, "Reserved", add, owner) < 0) {
        return -1;
    }
    return expect(p, ';');
}

static char *memdup(const char *s, size_t len)
{
    char *out = sr_xmalloc(len + 1);
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* extensions <ranges> [options]; -- every range of the statement carries the options. */
static int extensions(pp_parser *p, pp_msg *m)
{
    size_t first = m->n_extension_range, c0, c1;

    if (next(p) < 0 || ranges(p, PP_FIELD_MAX, 0, "Extension", add_ext_range, m) < 0)
        return -1;
    c0 = p->ncustom;
    if (bracket_options(p, (ProtobufCMessage **)&m->extension_range[first]->options,
                        &google__protobuf__extension_range_options__descriptor, NULL) < 0)
        return -1;
    c1 = p->ncustom;
    for (size_t i = first + 1; i < m->n_extension_range; i++) {
        const ProtobufCMessage *opts = (const ProtobufCMessage *)m->extension_range[first]->options;
        if (opts) { /* the standard and uninterpreted ones: a copy */
            size_t len = protobuf_c_message_get_packed_size(opts);
            uint8_t *buf = sr_xmalloc(len + 1);
            protobuf_c_message_pack(opts, buf);
            m->extension_range[i]->options = (Google__Protobuf__ExtensionRangeOptions *)
                protobuf_c_message_unpack(&google__protobuf__extension_range_options__descriptor,
                                          NULL, len, buf);
            free(buf);
        }
        for (size_t k = c0; k < c1; k++) { /* the custom ones: interpreted for each range */
            pp_custom c = p->custom[k];
            c.slot = (ProtobufCMessage **)&m->extension_range[i]->options;
            c.ext = sr_xstrdup(c.ext);
            c.sub = c.sub ? sr_xstrdup(c.sub) : NULL;
            c.value.text = memdup(c.value.text, c.value.len);
            PP_APPEND(p->custom, p->ncustom, c);
        }
    }
    return expect(p, ';');
}

/* NAME = number [options]; -- *line, *col get the number's position. */
static int enum_value(pp_parser *p, pp_enum *e, int *line, int *col)
{
    pp_value *v = sr_xmalloc(sizeof(*v));
    int64_t num;

    google__protobuf__enum_value_descriptor_proto__init(v);
    PP_APPEND(e->value, e->n_value, v);
    mark(p, v);
    if (ident(p, &v->name, &v->name) < 0 || expect(p, '=') < 0)
        return -1;
    mark(p, &v->number);
    *line = p->lx.tok.line;
    *col = p->lx.tok.col;
    if (int_lit(p, &num, INT32_MAX, 1, "Expected integer.") < 0)
        return -1;
    v->has_number = 1;
    v->number = (int32_t)num;
    if (bracket_options(p, (ProtobufCMessage **)&v->options,
                        &google__protobuf__enum_value_options__descriptor, NULL) < 0)
        return -1;
    return expect(p, ';');
}

static int enum_def(pp_parser *p, pp_enum ***arr, size_t *n)
{
    pp_enum *e = sr_xmalloc(sizeof(*e));
    int zline = 1, zcol = 1, line, col; /* zline, zcol: the first value's number */

    google__protobuf__enum_descriptor_proto__init(e);
    PP_APPEND(*arr, *n, e);
    mark(p, e);
    if (next(p) < 0 || ident(p, &e->name, &e->name) < 0 || expect(p, '{') < 0)
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
            if (reserved(p, &e->reserved_name, &e->n_reserved_name, INT32_MAX, 1,
                         add_enum_reserved, e) < 0)
                return -1;
        } else if (enum_value(p, e, &line, &col) < 0) {
            return -1;
        } else if (e->n_value == 1) {
            zline = line;
            zcol = col;
        }
    }
    if (e->n_value == 0)
        return FAIL(p, "Enums must contain at least one value.");
    if ((p->proto3 || p->editions) && e->value[0]->number != 0)
        return sr_proto__fail_at(p, zline, zcol, "The first enum value must be zero in proto3.");
    return next(p);
}

static int extend_block(pp_parser *p, pp_field ***arr, size_t *n, pp_msg *owner);

/* proto3 optional fields get a synthetic oneof each, after the real ones, named as protoc names
 * them: "_" + the field's name (unless it starts with "_"), prefixed with "X" until no field,
 * oneof or earlier synthetic oneof has the name. */
static void synthetic_oneofs(pp_msg *m)
{
    pp_map taken;
    size_t i, nreal = m->n_oneof_decl;

    for (i = 0; i < m->n_field && !m->field[i]->proto3_optional; i++)
        ;
    if (i == m->n_field)
        return;
    pp_map_init(&taken);
    for (i = 0; i < m->n_field; i++)
        pp_map_put(&taken, pp_name_key(NULL, m->field[i]->name, strlen(m->field[i]->name)), m);
    for (i = 0; i < nreal; i++)
        pp_map_put(&taken, pp_name_key(NULL, m->oneof_decl[i]->name, strlen(m->oneof_decl[i]->name)), m);
    for (i = 0; i < m->n_field; i++) {
        pp_field *f = m->field[i];
        Google__Protobuf__OneofDescriptorProto *o;
        sr_buf name = SR_BUF_INIT;
        size_t x = 0;
        if (!f->proto3_optional)
            continue;
        if (f->name[0] != '_')
            sr_buf_putc(&name, '_');
        sr_buf_puts(&name, f->name);
        /* "X" * x + name: count the X's first, then build the name once */
        for (;;) {
            sr_buf try = SR_BUF_INIT;
            for (size_t k = 0; k < x; k++)
                sr_buf_putc(&try, 'X');
            sr_buf_put(&try, name.ptr, name.len);
            if (!pp_map_get(&taken, pp_name_key(NULL, try.ptr, try.len))) {
                sr_buf_dispose(&name);
                name = try;
                break;
            }
            sr_buf_dispose(&try);
            x++;
        }
        o = sr_xmalloc(sizeof(*o));
        google__protobuf__oneof_descriptor_proto__init(o);
        o->name = sr_buf_detach(&name);
        pp_map_put(&taken, pp_name_key(NULL, o->name, strlen(o->name)), m);
        f->has_oneof_index = 1;
        f->oneof_index = (int32_t)m->n_oneof_decl;
        PP_APPEND(m->oneof_decl, m->n_oneof_decl, o);
    }
    pp_map_dispose(&taken);
}

/* The body of message `m`, up to and including its '}'. */
static int message_body(pp_parser *p, pp_msg *m)
{
    const pp_msg *outer = p->scope;
    int rc = 0;

    p->scope = m;
    while (rc == 0 && !pl_is(&p->lx, '}')) {
        if (p->lx.tok.kind == PL_EOF)
            rc = FAIL(p, "Reached end of input in message definition (missing '}').");
        else if (pl_is(&p->lx, ';'))
            rc = next(p);
        else if (pl_is_word(&p->lx, "message"))
            rc = message_def(p, &m->nested_type, &m->n_nested_type);
        else if (pl_is_word(&p->lx, "enum"))
            rc = enum_def(p, &m->enum_type, &m->n_enum_type);
        else if (pl_is_word(&p->lx, "option"))
            rc = option_statement(p, (ProtobufCMessage **)&m->options,
                                  &google__protobuf__message_options__descriptor);
        else if (pl_is_word(&p->lx, "oneof"))
            rc = oneof(p, m);
        else if (pl_is_word(&p->lx, "map"))
            rc = map_field(p, m);
        else if (pl_is_word(&p->lx, "reserved"))
            rc = reserved(p, &m->reserved_name, &m->n_reserved_name, PP_FIELD_MAX, 0,
                          add_msg_reserved, m);
        else if (pl_is_word(&p->lx, "extensions"))
            rc = extensions(p, m);
        else if (pl_is_word(&p->lx, "extend"))
            rc = extend_block(p, &m->extension, &m->n_extension, m);
        else
            rc = field(p, &m->field, &m->n_field, 0, 0, m, NULL);
    }
    p->scope = outer;
    if (rc < 0)
        return -1;
    synthetic_oneofs(m);
    return next(p);
}

static int message_def(pp_parser *p, pp_msg ***arr, size_t *n)
{
    pp_msg *m = sr_xmalloc(sizeof(*m));
    int rc;

    google__protobuf__descriptor_proto__init(m);
    PP_APPEND(*arr, *n, m);
    mark(p, m);
    if (enter(p, p->lx.tok.line, p->lx.tok.col) < 0)
        return -1;
    if (next(p) < 0 || ident(p, &m->name, &m->name) < 0 || expect(p, '{') < 0)
        return -1;
    rc = message_body(p, m);
    p->depth--;
    return rc;
}

/* extend Type { fields } -- fields with an extendee, declared in the scope around the block. */
static int extend_block(pp_parser *p, pp_field ***arr, size_t *n, pp_msg *owner)
{
    char *extendee = NULL;
    int line, col;

    if (next(p) < 0)
        return -1;
    line = p->lx.tok.line;
    col = p->lx.tok.col;
    if (dotted(p, &extendee, 1) < 0 || expect(p, '{') < 0) {
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
        if (field(p, arr, n, 0, 0, owner, extendee) < 0) {
            free(extendee);
            return -1;
        }
        defer(p, &(*arr)[*n - 1]->extendee, NULL, 1, line, col);
    }
    free(extendee);
    return next(p);
}

/* rpc Name (stream? In) returns (stream? Out) ; or { options } */
static int method(pp_parser *p, Google__Protobuf__ServiceDescriptorProto *s)
{
    Google__Protobuf__MethodDescriptorProto *md = sr_xmalloc(sizeof(*md));
    char **types[2] = {&md->input_type, &md->output_type};

    google__protobuf__method_descriptor_proto__init(md);
    PP_APPEND(s->method, s->n_method, md);
    mark(p, md);
    if (next(p) < 0 || ident(p, &md->name, &md->name) < 0)
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
        if (dotted(p, types[i], 1) < 0 || expect(p, ')') < 0)
            return -1;
        defer(p, types[i], NULL, 1, line, col);
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

static int service(pp_parser *p)
{
    Google__Protobuf__ServiceDescriptorProto *s = sr_xmalloc(sizeof(*s));

    google__protobuf__service_descriptor_proto__init(s);
    PP_APPEND(p->fd->service, p->fd->n_service, s);
    mark(p, s);
    if (next(p) < 0 || ident(p, &s->name, &s->name) < 0 || expect(p, '{') < 0)
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
            if (method(p, s) < 0)
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
    int line, col, rc;

    if (next(p) < 0 || expect(p, '=') < 0)
        return -1;
    line = p->lx.tok.line;
    col = p->lx.tok.col;
    if (string_lit(p, &s, NULL) < 0)
        return -1;
    if (strcmp(s, "proto3") == 0) {
        p->proto3 = 1;
        p->fd->syntax = s; /* protoc records only proto3 */
        return expect(p, ';');
    }
    rc = strcmp(s, "proto2") == 0
             ? 0
             : sr_proto__fail_at(p, line, col, "Unrecognized syntax identifier \"%s\".  This "
                                 "parser only recognizes \"proto2\" and \"proto3\".", s);
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

/* import [public|weak] "path"; -- the statement's position is recorded under the path string
 * (for "not found" and cycles); imports listed twice are refused, as protoc does. */
static int import(pp_parser *p, pp_map *seen)
{
    pp_file *fd = p->fd;
    char *path = NULL;
    int kind = 0, line = p->lx.tok.line, col = p->lx.tok.col; /* kind: 1 public, 2 weak */

    if (next(p) < 0)
        return -1;
    if (pl_is_word(&p->lx, "public") || pl_is_word(&p->lx, "weak")) {
        kind = pl_is_word(&p->lx, "public") ? 1 : 2;
        if (next(p) < 0)
            return -1;
    }
    if (string_lit(p, &path, NULL) < 0)
        return -1;
    if (pp_map_put(seen, pp_name_key(NULL, path, strlen(path)), path)) {
        sr_proto__fail_at(p, line, col, "Import \"%s\" was listed twice.", path);
        free(path);
        return -1;
    }
    if (kind == 1)
        PP_APPEND(fd->public_dependency, fd->n_public_dependency, (int32_t)fd->n_dependency);
    if (kind == 2)
        PP_APPEND(fd->weak_dependency, fd->n_weak_dependency, (int32_t)fd->n_dependency);
    PP_APPEND(fd->dependency, fd->n_dependency, path);
    mark_at(p, path, line, col);
    return expect(p, ';');
}

static int file(pp_parser *p)
{
    pp_map imports;
    int rc = 0;

    pp_map_init(&imports);
    p->scope = NULL;
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
            if ((rc = next(p)) < 0 || (rc = dotted(p, &p->fd->package, 0)) < 0)
                break;
            rc = expect(p, ';');
        } else if (pl_is_word(&p->lx, "import")) {
            rc = import(p, &imports);
        } else if (pl_is_word(&p->lx, "option")) {
            rc = option_statement(p, (ProtobufCMessage **)&p->fd->options,
                                  &google__protobuf__file_options__descriptor);
        } else if (pl_is_word(&p->lx, "message")) {
            rc = message_def(p, &p->fd->message_type, &p->fd->n_message_type);
        } else if (pl_is_word(&p->lx, "enum")) {
            rc = enum_def(p, &p->fd->enum_type, &p->fd->n_enum_type);
        } else if (pl_is_word(&p->lx, "service")) {
            rc = service(p);
        } else if (pl_is_word(&p->lx, "extend")) {
            rc = extend_block(p, &p->fd->extension, &p->fd->n_extension, NULL);
        } else if (pl_is_word(&p->lx, "syntax")) {
            rc = FAIL(p, "The syntax statement must be the first statement in the file.");
        } else {
            rc = FAIL(p, "Expected top-level statement (e.g. \"message\").");
        }
    }
    pp_map_dispose(&imports);
    return rc < 0 || p->failed ? -1 : 0;
}

int sr_proto__parse_file(pp_parser *p, const char *path, const char *text, int max_depth,
                         sr_err *err)
{
    memset(p, 0, sizeof(*p));
    p->path = path;
    p->err = err;
    p->max_depth = max_depth;
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
        free(p->custom[i].value.text);
    }
    free(p->custom);
    p->custom = NULL;
    p->ncustom = 0;
    free(p->pending);
    p->pending = NULL;
    p->npending = 0;
    if (p->fd)
        protobuf_c_message_free_unpacked(&p->fd->base, NULL);
    p->fd = NULL;
}
