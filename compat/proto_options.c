/* proto_options.c -- custom options, interpreted as protoc does once every import is known:
 * "(ext)" names an extension of the matching google.protobuf.*Options message; its value (a
 * scalar, a sub-field path "(ext).a.b", or an aggregate "{ a: 1 b { c: "x" } }") is encoded in
 * the wire format and stored in the options message as that extension field, one occurrence per
 * option statement, in field-number order. Fields of an encoded aggregate come in field-number
 * order, as protoc serializes them. */
#include "compat/proto_parse_int.h"
#include "common/buf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__FieldDescriptorProto po_field;
typedef Google__Protobuf__DescriptorProto po_msg;

typedef struct po_ctx {
    pp_parser *p;
    pp_lookup_fn lookup;
    void *lookup_ctx;
    const char *scope;
    int line, col;
} po_ctx;

enum { WIRE_VARINT = 0, WIRE_64 = 1, WIRE_LEN = 2, WIRE_32 = 5 };

static int fail(po_ctx *c, const char *fmt, const char *a)
{
    return sr_proto__fail_at(c->p, c->line, c->col, fmt, a ? a : "");
}

static void put_varint(sr_buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        sr_buf_putc(b, (char)byte);
    } while (v);
}

static void put_fixed(sr_buf *b, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        sr_buf_putc(b, (char)(v >> (8 * i)));
}

static int wire_type(const po_field *f)
{
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return WIRE_64;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        return WIRE_32;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
        return WIRE_LEN;
    default:
        return WIRE_VARINT;
    }
}

/* The value of a scalar field, without its tag. */
static int encode_scalar(po_ctx *c, sr_buf *out, const po_field *f, const pp_optval *v)
{
    char *end;
    const char *t = v->text;

    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        if (v->kind != PL_STRING)
            return fail(c, "Value must be quoted string for string option \"%s\".", f->name);
        put_varint(out, v->len);
        sr_buf_put(out, v->text, v->len);
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        if (v->kind != PL_IDENT || (strcmp(t, "true") && strcmp(t, "false")))
            return fail(c, "Value must be \"true\" or \"false\" for boolean option \"%s\".",
                        f->name);
        put_varint(out, strcmp(t, "true") == 0);
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM: {
        const Google__Protobuf__EnumDescriptorProto *e;
        int kind = 0;
        if (v->kind != PL_IDENT)
            return fail(c, "Value must be identifier for enum-valued option \"%s\".", f->name);
        e = c->lookup(c->lookup_ctx, f->type_name, "", &kind);
        for (size_t i = 0; e && (kind & 0xff) == PP_SYM_ENUM && i < e->n_value; i++) {
            if (strcmp(e->value[i]->name, t) == 0) {
                put_varint(out, (uint64_t)(int64_t)e->value[i]->number);
                return 0;
            }
        }
        return fail(c, "Enum type has no value named \"%s\".", t);
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
        double d;
        if (v->kind == PL_IDENT && (strcmp(t, "inf") == 0 || strcmp(t, "nan") == 0))
            d = t[0] == 'i' ? INFINITY : NAN;
        else if (v->kind == PL_INT || v->kind == PL_FLOAT)
            d = strtod(t, NULL);
        else
            return fail(c, "Value must be number for float option \"%s\".", f->name);
        d = v->negative ? -d : d;
        if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT) {
            float fl = (float)d;
            uint32_t bits;
            memcpy(&bits, &fl, 4);
            put_fixed(out, bits, 4);
        } else {
            uint64_t bits;
            memcpy(&bits, &d, 8);
            put_fixed(out, bits, 8);
        }
        return 0;
    }
    default: {
        uint64_t u;
        int64_t s;
        if (v->kind != PL_INT)
            return fail(c, "Value must be integer for option \"%s\".", f->name);
        u = strtoull(t, &end, 0);
        s = v->negative ? -(int64_t)u : (int64_t)u;
        switch (f->type) {
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
            put_varint(out, ((uint64_t)s << 1) ^ (uint64_t)(s >> 63));
            break;
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
            put_fixed(out, (uint64_t)s, 4);
            break;
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
            put_fixed(out, (uint64_t)s, 8);
            break;
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
        case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
            if (v->negative)
                return fail(c, "Value must be non-negative integer for uint option \"%s\".",
                            f->name);
            put_varint(out, u);
            break;
        default:
            put_varint(out, (uint64_t)s);
        }
        return 0;
    }
    }
}

/* One encoded occurrence of a field inside a message being built. */
typedef struct occ {
    int32_t number;
    size_t order;  /* position in the text, for a stable sort */
    sr_buf bytes;  /* tag included */
} occ;

static int cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    if (x->number != y->number)
        return (x->number > y->number) - (x->number < y->number);
    return (x->order > y->order) - (x->order < y->order);
}

static int encode_message_text(po_ctx *c, sr_buf *out, const po_msg *m, pl_lexer *lx, char close);

static const po_field *field_named(const po_msg *m, const char *name)
{
    for (size_t i = 0; m && i < m->n_field; i++)
        if (strcmp(m->field[i]->name, name) == 0)
            return m->field[i];
    return NULL;
}

static const po_msg *message_of(po_ctx *c, const po_field *f)
{
    int kind = 0;
    const po_msg *m;

    if (f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE)
        return NULL;
    m = c->lookup(c->lookup_ctx, f->type_name, "", &kind);
    return (kind & 0xff) == PP_SYM_MESSAGE ? m : NULL;
}

/* A value of field `f` read from the aggregate text: a scalar, or a nested message. */
static int text_value(po_ctx *c, sr_buf *out, const po_field *f, pl_lexer *lx)
{
    pp_optval v;
    int rc;

    memset(&v, 0, sizeof(v));
    if (pl_is(lx, '{') || pl_is(lx, '<')) {
        const po_msg *m = message_of(c, f);
        char close = pl_is(lx, '{') ? '}' : '>';
        sr_buf inner = SR_BUF_INIT;
        if (!m)
            return fail(c, "Field \"%s\" is not a message.", f->name);
        pl_next(lx);
        rc = encode_message_text(c, &inner, m, lx, close);
        if (rc == 0) {
            put_varint(out, (((uint64_t)f->number) << 3) | WIRE_LEN);
            put_varint(out, inner.len);
            sr_buf_put(out, inner.ptr, inner.len);
        }
        sr_buf_dispose(&inner);
        return rc;
    }
    if (pl_is(lx, '-')) {
        v.negative = 1;
        pl_next(lx);
    }
    if (lx->tok.kind == PL_STRING) {
        sr_buf s = SR_BUF_INIT;
        while (lx->tok.kind == PL_STRING) {
            sr_buf_put(&s, lx->tok.text, lx->tok.text_len);
            pl_next(lx);
        }
        v.kind = PL_STRING;
        v.len = s.len;
        v.text = sr_buf_detach(&s);
    } else if (lx->tok.kind == PL_IDENT || lx->tok.kind == PL_INT || lx->tok.kind == PL_FLOAT) {
        v.kind = lx->tok.kind;
        v.text = sr_xstrndup(lx->tok.start, lx->tok.len);
        v.len = lx->tok.len;
        pl_next(lx);
    } else {
        return fail(c, "Expected a value for field \"%s\" in an aggregate.", f->name);
    }
    put_varint(out, (((uint64_t)f->number) << 3) | (uint64_t)wire_type(f));
    rc = encode_scalar(c, out, f, &v);
    free(v.text);
    return rc;
}

/* "name: value name { ... } name: [v, v]" up to `close`. */
static int encode_message_text(po_ctx *c, sr_buf *out, const po_msg *m, pl_lexer *lx, char close)
{
    occ *occs = NULL;
    size_t n = 0;
    int rc = -1;

    while (!pl_is(lx, close)) {
        const po_field *f;
        char *name;
        if (lx->tok.kind != PL_IDENT) {
            fail(c, "Expected a field name in an aggregate value.%s", "");
            goto out;
        }
        name = sr_xstrndup(lx->tok.start, lx->tok.len);
        f = field_named(m, name);
        if (!f) {
            fail(c, "Message type has no field named \"%s\".", name);
            free(name);
            goto out;
        }
        free(name);
        pl_next(lx);
        if (pl_is(lx, ':'))
            pl_next(lx);
        do {
            occ o = {f->number, n, SR_BUF_INIT};
            int list = pl_is(lx, '[');
            if (list)
                pl_next(lx);
            while (!(list && pl_is(lx, ']'))) {
                if (text_value(c, &o.bytes, f, lx) < 0) {
                    sr_buf_dispose(&o.bytes);
                    goto out;
                }
                if (!list || !pl_is(lx, ','))
                    break;
                pl_next(lx);
            }
            if (list) {
                if (!pl_is(lx, ']')) {
                    sr_buf_dispose(&o.bytes);
                    fail(c, "Expected \"]\" in an aggregate value.%s", "");
                    goto out;
                }
                pl_next(lx);
            }
            PP_APPEND(occs, n, o);
        } while (0);
        if (pl_is(lx, ',') || pl_is(lx, ';'))
            pl_next(lx);
        if (lx->tok.kind == PL_EOF || lx->tok.kind == PL_ERROR) {
            fail(c, "Unexpected end of an aggregate value.%s", "");
            goto out;
        }
    }
    pl_next(lx);
    if (n)
        qsort(occs, n, sizeof(*occs), cmp_occ);
    for (size_t i = 0; i < n; i++)
        sr_buf_put(out, occs[i].bytes.ptr, occs[i].bytes.len);
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        sr_buf_dispose(&occs[i].bytes);
    free(occs);
    return rc;
}

/* Add one encoded extension field (tag included in `bytes`) to the options message. */
static void add_unknown(ProtobufCMessage **slot, const ProtobufCMessageDescriptor *desc,
                        int32_t number, int wire, const sr_buf *payload)
{
    ProtobufCMessage *m;
    ProtobufCMessageUnknownField u;
    sr_buf data = SR_BUF_INIT;
    size_t i;

    if (!*slot) {
        *slot = sr_xcalloc(1, desc->sizeof_message);
        protobuf_c_message_init(desc, *slot);
    }
    m = *slot;
    if (wire == WIRE_LEN)
        put_varint(&data, payload->len);
    sr_buf_put(&data, payload->ptr, payload->len);
    u.tag = (uint32_t)number;
    u.wire_type = (ProtobufCWireType)wire;
    u.len = data.len;
    u.data = (uint8_t *)sr_buf_detach(&data);
    m->unknown_fields = sr_xrealloc(m->unknown_fields,
                                    (m->n_unknown_fields + 1) * sizeof(*m->unknown_fields));
    /* keep them in field-number order, as protoc serializes extensions */
    for (i = m->n_unknown_fields; i > 0 && m->unknown_fields[i - 1].tag > u.tag; i--)
        m->unknown_fields[i] = m->unknown_fields[i - 1];
    m->unknown_fields[i] = u;
    m->n_unknown_fields++;
}

static int interpret(po_ctx *c, pp_custom *opt)
{
    char want[160];
    const po_field *ext, *f;
    sr_buf payload = SR_BUF_INIT;
    int kind = 0, rc = -1, wire;

    ext = c->lookup(c->lookup_ctx, opt->ext, opt->scope, &kind);
    if (!ext || (kind & 0xff) != PP_SYM_EXTENSION)
        return fail(c, "Option \"(%s)\" unknown. Ensure that your proto definition file imports "
                    "the proto which defines the option.", opt->ext);
    snprintf(want, sizeof(want), ".%s", opt->desc->name);
    if (!ext->extendee || strcmp(ext->extendee, want) != 0)
        return fail(c, "Option \"(%s)\" is not an option of this kind of element.", opt->ext);
    f = ext;
    if (opt->sub) { /* (ext).a.b = v: the innermost field's value, wrapped outwards */
        const po_field *path[32];
        size_t depth = 0;
        char *copy = sr_xstrdup(opt->sub), *save = NULL;
        for (char *tok = strtok_r(copy, ".", &save); tok && depth < 32;
             tok = strtok_r(NULL, ".", &save)) {
            const po_msg *m = message_of(c, f);
            if (!m || !(f = field_named(m, tok))) {
                free(copy);
                return fail(c, "Option field \"%s\" is not a field of a message.", tok);
            }
            path[depth++] = f;
        }
        free(copy);
        if (opt->value.kind == PL_SYMBOL)
            goto aggregate_sub;
        put_varint(&payload, (((uint64_t)f->number) << 3) | (uint64_t)wire_type(f));
        if (encode_scalar(c, &payload, f, &opt->value) < 0)
            goto out;
        for (size_t i = depth - 1; i > 0; i--) {
            sr_buf wrap = SR_BUF_INIT;
            put_varint(&wrap, (((uint64_t)path[i - 1]->number) << 3) | WIRE_LEN);
            put_varint(&wrap, payload.len);
            sr_buf_put(&wrap, payload.ptr, payload.len);
            sr_buf_dispose(&payload);
            payload = wrap;
        }
        add_unknown(opt->slot, opt->desc, ext->number, WIRE_LEN, &payload);
        rc = 0;
        goto out;
    aggregate_sub:
        rc = fail(c, "Aggregate values after a sub-field path are not supported.%s", "");
        goto out;
    }
    wire = wire_type(ext);
    if (opt->value.kind == PL_SYMBOL) { /* { ... } for a message-typed option */
        const po_msg *m = message_of(c, ext);
        pl_lexer lx;
        if (!m)
            return fail(c, "Option \"(%s)\" is not a message; it takes no aggregate value.",
                        opt->ext);
        pl_init(&lx, opt->value.text);
        pl_next(&lx); /* past "{" */
        rc = encode_message_text(c, &payload, m, &lx, '}');
        pl_dispose(&lx);
        if (rc == 0)
            add_unknown(opt->slot, opt->desc, ext->number, WIRE_LEN, &payload);
        goto out;
    }
    if (encode_scalar(c, &payload, ext, &opt->value) < 0)
        goto out;
    if (wire == WIRE_LEN) { /* strings carry their length already: drop it for add_unknown */
        size_t pos = 0;
        while (pos < payload.len && (payload.ptr[pos] & 0x80))
            pos++;
        {
            sr_buf body = SR_BUF_INIT;
            sr_buf_put(&body, payload.ptr + pos + 1, payload.len - pos - 1);
            add_unknown(opt->slot, opt->desc, ext->number, wire, &body);
            sr_buf_dispose(&body);
        }
    } else {
        add_unknown(opt->slot, opt->desc, ext->number, wire, &payload);
    }
    rc = 0;
out:
    sr_buf_dispose(&payload);
    return rc;
}

int sr_proto__interpret_options(pp_parser *p, pp_lookup_fn lookup, void *ctx)
{
    for (size_t i = 0; i < p->ncustom; i++) {
        po_ctx c = {p, lookup, ctx, p->custom[i].scope, p->custom[i].value.line,
                    p->custom[i].value.col};
        if (interpret(&c, &p->custom[i]) < 0)
            return -1;
    }
    return 0;
}
