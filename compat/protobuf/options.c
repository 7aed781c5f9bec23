/* protobuf/options.c -- custom options, interpreted as protoc does once every import is known:
 * "(ext)" names an extension of the matching google.protobuf.*Options message; its value (a
 * scalar, a sub-field path "(ext).a.b", or an aggregate "{ a: 1 b { c: "x" } }") is encoded in
 * the wire format and stored in the options message as that extension field, one occurrence per
 * option statement, in field-number order. Fields of an encoded aggregate come in field-number
 * order, as protoc serializes them.
 *
 * Aggregates nest no deeper than max_depth (the parser refused deeper ones; the encoder checks
 * again rather than trust it), and sub-field paths are no longer than it. Fields and enum values
 * are found by hash; each options message is sorted once at the end. */
#include "compat/protobuf/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct po_ctx {
    pp_parser *p;
    const pp_lookup *lookup;
    const pp_msg *scope;
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

static int wire_type(const pp_field *f)
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

/* A message or enum named by a field's (fully-qualified) type. */
static const void *type_of(po_ctx *c, const pp_field *f, int want)
{
    int kind = 0;
    const void *t = f->type_name ? c->lookup->symbol(c->lookup->ctx, f->type_name, NULL, &kind)
                                 : NULL;
    return kind == want ? t : NULL;
}

/* An integer option value in [min, max] (the magnitude as written, and its sign). */
static int integer(po_ctx *c, const pp_field *f, const pp_optval *v, int64_t min, uint64_t max,
                   const char *type, uint64_t *out)
{
    uint64_t u = 0;
    int digits_ok = 1;

    if (v->kind != PL_INT)
        return sr_proto__fail_at(c->p, c->line, c->col, "Value must be integer for %s option \"%s\".",
                                 type, f->name);
    if (v->negative && min == 0)
        return sr_proto__fail_at(c->p, c->line, c->col, "Value must be non-negative integer for "
                                 "%s option \"%s\".", type, f->name);
    {
        /* the token is an integer the lexer accepted: hex, octal or decimal */
        const char *t = v->text;
        unsigned base = 10;
        size_t i = 0;
        if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
            base = 16, i = 2;
        else if (t[0] == '0')
            base = 8;
        for (; t[i] && digits_ok; i++) {
            unsigned d = pl_digit((unsigned char)t[i]) ? (unsigned)(t[i] - '0')
                                                       : (unsigned)((t[i] | 0x20) - 'a' + 10);
            if (u > (UINT64_MAX - d) / base)
                digits_ok = 0;
            else
                u = u * base + d;
        }
    }
    if (!digits_ok || (v->negative ? u > (uint64_t)0 - (uint64_t)min : u > max))
        return sr_proto__fail_at(c->p, c->line, c->col, "Value out of range for %s option \"%s\".",
                                 type, f->name);
    *out = v->negative ? 0 - u : u;
    return 0;
}

/* The value of a scalar field, without its tag. */
static int encode_scalar(po_ctx *c, sr_buf *out, const pp_field *f, const pp_optval *v)
{
    const char *t = v->text;
    uint64_t u;

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
        const pp_enum *e = type_of(c, f, PP_SYM_ENUM);
        const pp_value *ev;
        if (v->kind != PL_IDENT)
            return fail(c, "Value must be identifier for enum-valued option \"%s\".", f->name);
        ev = e ? c->lookup->value(c->lookup->ctx, e, t, v->len) : NULL;
        if (!ev)
            return fail(c, "Enum type has no value named \"%s\".", t);
        put_varint(out, (uint64_t)(int64_t)ev->number);
        return 0;
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
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
        if (integer(c, f, v, INT32_MIN, INT32_MAX, "sint32", &u) < 0)
            return -1;
        put_varint(out, (uint64_t)(uint32_t)(((uint32_t)u << 1) ^ (uint32_t)((int32_t)u >> 31)));
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
        if (integer(c, f, v, INT64_MIN, INT64_MAX, "sint64", &u) < 0)
            return -1;
        put_varint(out, (u << 1) ^ (uint64_t)((int64_t)u >> 63));
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32: {
        int is_signed = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32;
        if (integer(c, f, v, is_signed ? INT32_MIN : 0, is_signed ? INT32_MAX : UINT32_MAX,
                    is_signed ? "sfixed32" : "fixed32", &u) < 0)
            return -1;
        put_fixed(out, u, 4);
        return 0;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64: {
        int is_signed = f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64;
        if (integer(c, f, v, is_signed ? INT64_MIN : 0, is_signed ? INT64_MAX : UINT64_MAX,
                    is_signed ? "sfixed64" : "fixed64", &u) < 0)
            return -1;
        put_fixed(out, u, 8);
        return 0;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
        if (integer(c, f, v, 0, UINT32_MAX, "uint32", &u) < 0)
            return -1;
        put_varint(out, u);
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
        if (integer(c, f, v, 0, UINT64_MAX, "uint64", &u) < 0)
            return -1;
        put_varint(out, u);
        return 0;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
        if (integer(c, f, v, INT32_MIN, INT32_MAX, "int32", &u) < 0)
            return -1;
        put_varint(out, (uint64_t)(int64_t)(int32_t)(uint32_t)u); /* sign-extended, as protoc */
        return 0;
    default: /* int64 */
        if (integer(c, f, v, INT64_MIN, INT64_MAX, "int64", &u) < 0)
            return -1;
        put_varint(out, u);
        return 0;
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

static int encode_message_text(po_ctx *c, sr_buf *out, const pp_msg *m, pl_lexer *lx, char close,
                               int depth);

static const pp_msg *message_of(po_ctx *c, const pp_field *f)
{
    if (f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE)
        return NULL;
    return type_of(c, f, PP_SYM_MESSAGE);
}

/* A value of field `f` read from the aggregate text: a scalar, or a nested message one level
 * deeper than `depth`. */
static int text_value(po_ctx *c, sr_buf *out, const pp_field *f, pl_lexer *lx, int depth)
{
    pp_optval v;
    int rc;

    memset(&v, 0, sizeof(v));
    if (pl_is(lx, '{') || pl_is(lx, '<')) {
        const pp_msg *m = message_of(c, f);
        char close = pl_is(lx, '{') ? '}' : '>';
        sr_buf inner = SR_BUF_INIT;
        if (!m)
            return fail(c, "Field \"%s\" is not a message.", f->name);
        if (depth >= c->p->max_depth)
            return sr_proto__fail_at(c->p, c->line, c->col, "Option value nests deeper than %d "
                                     "levels (the nesting limit).", c->p->max_depth);
        pl_next(lx);
        rc = encode_message_text(c, &inner, m, lx, close, depth + 1);
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

/* "name: value name { ... } name: [v, v]" up to `close`, at nesting `depth`. */
static int encode_message_text(po_ctx *c, sr_buf *out, const pp_msg *m, pl_lexer *lx, char close,
                               int depth)
{
    occ *occs = NULL;
    size_t n = 0;
    int rc = -1;

    while (!pl_is(lx, close)) {
        const pp_field *f;
        occ o;
        int list;
        if (lx->tok.kind != PL_IDENT) {
            fail(c, "Expected a field name in an aggregate value.%s", "");
            goto out;
        }
        f = c->lookup->field(c->lookup->ctx, m, lx->tok.start, lx->tok.len);
        if (!f) {
            char *name = sr_xstrndup(lx->tok.start, lx->tok.len);
            fail(c, "Message type has no field named \"%s\".", name);
            free(name);
            goto out;
        }
        pl_next(lx);
        if (pl_is(lx, ':'))
            pl_next(lx);
        o = (occ){f->number, n, SR_BUF_INIT};
        list = pl_is(lx, '[');
        if (list)
            pl_next(lx);
        while (!(list && pl_is(lx, ']'))) {
            if (text_value(c, &o.bytes, f, lx, depth) < 0) {
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

/* An encoded extension field waiting to be added to its options message. */
typedef struct pending_field {
    ProtobufCMessage **slot;
    const ProtobufCMessageDescriptor *desc;
    ProtobufCMessageUnknownField u;
    size_t order;
} pending_field;

typedef struct interp {
    pending_field *v;
    size_t n;
    pp_map set; /* (options message slot, extension number, sub path) of non-repeated options */
} interp;

static void add_unknown(interp *in, const pp_custom *opt, int32_t number, int wire,
                        const sr_buf *payload)
{
    pending_field pf;
    sr_buf data = SR_BUF_INIT;

    if (wire == WIRE_LEN)
        put_varint(&data, payload->len);
    sr_buf_put(&data, payload->ptr, payload->len);
    pf.slot = opt->slot;
    pf.desc = opt->desc;
    pf.u.tag = (uint32_t)number;
    pf.u.wire_type = (ProtobufCWireType)wire;
    pf.u.len = data.len;
    pf.u.data = (uint8_t *)sr_buf_detach(&data);
    pf.order = in->n;
    PP_APPEND(in->v, in->n, pf);
}

/* By options message, then field number, then statement order: protoc's serialization. */
static int cmp_pending(const void *a, const void *b)
{
    const pending_field *x = a, *y = b;
    if (x->slot != y->slot)
        return (uintptr_t)x->slot < (uintptr_t)y->slot ? -1 : 1;
    if (x->u.tag != y->u.tag)
        return x->u.tag < y->u.tag ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Hand every encoded field to its options message, in order. */
static void attach(interp *in)
{
    if (in->n)
        qsort(in->v, in->n, sizeof(*in->v), cmp_pending);
    for (size_t i = 0; i < in->n;) {
        size_t k = i;
        ProtobufCMessage *m;
        while (k < in->n && in->v[k].slot == in->v[i].slot)
            k++;
        if (!*in->v[i].slot) {
            *in->v[i].slot = sr_xcalloc(1, in->v[i].desc->sizeof_message);
            protobuf_c_message_init(in->v[i].desc, *in->v[i].slot);
        }
        m = *in->v[i].slot;
        m->unknown_fields = sr_xrealloc(m->unknown_fields, (m->n_unknown_fields + (k - i)) *
                                                               sizeof(*m->unknown_fields));
        for (; i < k; i++)
            m->unknown_fields[m->n_unknown_fields++] = in->v[i].u;
    }
    free(in->v);
    in->v = NULL;
    in->n = 0;
}

/* An option set twice: refused unless repeated, as protoc does (for the same name and path).
 * A message-typed option may come twice as aggregates, which merge: the canonical text writes
 * "(ext).a = 1, (ext).b = 2" that way. */
static int set_once(po_ctx *c, interp *in, const pp_custom *opt, const pp_field *ext,
                    const pp_field *leaf)
{
    if (leaf->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED ||
        leaf->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE)
        return 0;
    {
        pp_key k = {opt->slot, opt->sub ? opt->sub : "", opt->sub ? strlen(opt->sub) : 0,
                    ext->number};
        if (!pp_map_put(&in->set, k, (void *)opt))
            return 0;
    }
    return sr_proto__fail_at(c->p, c->line, c->col, "Option \"(%s)%s%s\" was already set.",
                             opt->ext, opt->sub ? "." : "", opt->sub ? opt->sub : "");
}

/* (ext).a.b = v: the innermost field's value, wrapped outwards; at most max_depth levels. */
static int sub_path(po_ctx *c, interp *in, const pp_custom *opt, const pp_field *ext)
{
    const pp_field **path = NULL, *f = ext;
    size_t depth = 0;
    sr_buf payload = SR_BUF_INIT;
    int rc = -1;

    for (const char *s = opt->sub; s;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        const pp_msg *m = message_of(c, f);
        if (depth >= (size_t)c->p->max_depth) {
            sr_proto__fail_at(c->p, c->line, c->col, "Option path nests deeper than %d levels "
                              "(the nesting limit).", c->p->max_depth);
            goto out;
        }
        if (!m || !(f = c->lookup->field(c->lookup->ctx, m, s, len))) {
            char *name = sr_xstrndup(s, len);
            fail(c, "Option field \"%s\" is not a field of a message.", name);
            free(name);
            goto out;
        }
        PP_APPEND(path, depth, f);
        s = dot ? dot + 1 : NULL;
    }
    if (opt->value.kind == PL_SYMBOL) {
        fail(c, "Aggregate values after a sub-field path are not supported.%s", "");
        goto out;
    }
    if (set_once(c, in, opt, ext, f) < 0)
        goto out;
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
    add_unknown(in, opt, ext->number, WIRE_LEN, &payload);
    rc = 0;
out:
    sr_buf_dispose(&payload);
    free(path);
    return rc;
}

static int interpret(po_ctx *c, interp *in, pp_custom *opt)
{
    const pp_field *ext;
    const char *want = opt->desc->name; /* "google.protobuf.FieldOptions" */
    sr_buf payload = SR_BUF_INIT;
    int kind = 0, rc = -1, wire;

    ext = c->lookup->symbol(c->lookup->ctx, opt->ext, opt->scope, &kind);
    if (!ext || kind != PP_SYM_EXTENSION)
        return fail(c, "Option \"(%s)\" unknown. Ensure that your proto definition file imports "
                    "the proto which defines the option.", opt->ext);
    if (!ext->extendee || ext->extendee[0] != '.' || strcmp(ext->extendee + 1, want) != 0)
        return fail(c, "Option \"(%s)\" is not an option of this kind of element.", opt->ext);
    if (opt->sub)
        return sub_path(c, in, opt, ext);
    if (set_once(c, in, opt, ext, ext) < 0)
        return -1;
    wire = wire_type(ext);
    if (opt->value.kind == PL_SYMBOL) { /* { ... } for a message-typed option */
        const pp_msg *m = message_of(c, ext);
        pl_lexer lx;
        if (!m)
            return fail(c, "Option \"(%s)\" is not a message; it takes no aggregate value.",
                        opt->ext);
        pl_init(&lx, opt->value.text);
        pl_next(&lx); /* past "{" */
        rc = encode_message_text(c, &payload, m, &lx, '}', 1);
        pl_dispose(&lx);
        if (rc == 0)
            add_unknown(in, opt, ext->number, WIRE_LEN, &payload);
        goto out;
    }
    if (encode_scalar(c, &payload, ext, &opt->value) < 0)
        goto out;
    if (wire == WIRE_LEN) { /* strings carry their length already: drop it for add_unknown */
        size_t pos = 0;
        sr_buf body = SR_BUF_INIT;
        while (pos < payload.len && (payload.ptr[pos] & 0x80))
            pos++;
        sr_buf_put(&body, payload.ptr + pos + 1, payload.len - pos - 1);
        add_unknown(in, opt, ext->number, wire, &body);
        sr_buf_dispose(&body);
    } else {
        add_unknown(in, opt, ext->number, wire, &payload);
    }
    rc = 0;
out:
    sr_buf_dispose(&payload);
    return rc;
}

int sr_proto__interpret_options(pp_parser *p, const pp_lookup *lookup)
{
    interp in = {NULL, 0, {0}};
    int rc = 0;

    pp_map_init(&in.set);
    for (size_t i = 0; i < p->ncustom && rc == 0; i++) {
        po_ctx c = {p, lookup, p->custom[i].scope, p->custom[i].value.line, p->custom[i].value.col};
        rc = interpret(&c, &in, &p->custom[i]);
    }
    if (rc == 0) {
        attach(&in);
    } else {
        for (size_t i = 0; i < in.n; i++)
            free(in.v[i].u.data);
        free(in.v);
    }
    pp_map_dispose(&in.set);
    return rc;
}
