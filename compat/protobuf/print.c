/* protobuf/print.c -- .proto text from a FileDescriptorProto (see protobuf.h). Type names are
 * printed fully qualified (".pkg.Msg"), which reads back to the same descriptor. Strings are
 * printed as valid UTF-8 whatever bytes they hold (escapes for what is not UTF-8).
 *
 * The printer is linear in the descriptor: custom options find their extension, type, fields
 * and enum values by hash; a message finds its nested types by hash. It recurses no deeper than
 * the set's max_depth (messages, and aggregate option values), and prints nothing (NULL) for a
 * descriptor that nests deeper, which only a descriptor the parser did not build can do. A lone
 * descriptor (sr_proto_print: one sent as base64) may lack any field; missing names print
 * empty, indexes that point nowhere are ignored, and names that are not identifiers make it
 * refused, so that its text cannot say something else than the descriptor. */
#include "compat/protobuf/protobuf.h"
#include "compat/protobuf/internal.h"
#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__DescriptorProto pr_msg;
typedef Google__Protobuf__FieldDescriptorProto pr_field;
typedef Google__Protobuf__EnumDescriptorProto pr_enum;

/* A package, message or enum of the file set, for naming extensions and finding types. */
typedef struct pr_node {
    const struct pr_node *parent;
    const char *name; /* borrowed; len bytes */
    size_t len;
    const void *ptr;  /* the DescriptorProto or EnumDescriptorProto; NULL for a package */
    int kind;         /* 0 package, 1 message, 2 enum */
} pr_node;

/* An extension of the set: its field and the scope it is declared in. */
typedef struct pr_ext {
    const pr_field *field;
    const pr_node *scope;
} pr_ext;

typedef struct printer {
    sr_buf out;
    unsigned flags;
    int proto3;
    int editions;
    int max_depth;
    int strict;        /* a lone descriptor: names must be identifiers */
    int failed;        /* too deep, or a name that is not one: the result is NULL */
    pp_map types;      /* (parent node, name) -> node */
    pp_map exts;       /* (extendee name, number) -> pr_ext */
    pp_map numbered;   /* message -> itself, once its fields are in by_number */
    pp_map by_number;  /* (message, number) -> field */
    pp_map valued;     /* enum -> itself, once its values are in values */
    pp_map values;     /* (enum, number) -> the first value with that number */
    void **owned;      /* nodes and extension entries */
    size_t nowned;
} printer;

static void print_value(printer *p, sr_buf *b, const pr_field *f, const uint8_t *data, size_t len,
                        uint64_t scalar, int depth);

static const char *nm(const char *s)
{
    return s ? s : "";
}

static int is_ident(const char *s, int dotted)
{
    if (!s || !*s)
        return 0;
    if (dotted && *s == '.')
        s++;
    for (;;) {
        if (!pl_letter((unsigned char)*s))
            return 0;
        while (pl_letter((unsigned char)*s) || pl_digit((unsigned char)*s))
            s++;
        if (!*s)
            return 1;
        if (!dotted || *s != '.')
            return 0;
        s++;
    }
}

/* A name (or a dotted name) as it is; in a lone descriptor, one that is not an identifier
 * fails the print. */
static const char *name(printer *p, const char *s, int dotted)
{
    if (p->strict && !is_ident(s, dotted))
        p->failed = 1;
    return nm(s);
}

static void indent(printer *p, int depth)
{
    for (int i = 0; i < depth; i++)
        sr_buf_puts(&p->out, "  ");
}

void sr_proto__put_quoted(sr_buf *b, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    sr_buf_putc(b, '"');
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        size_t n = sr_utf8_seq_len(s + i, len - i);
        if (c == '"' || c == '\\') {
            sr_buf_printf(b, "\\%c", c);
            i++;
        } else if (c == '\n') {
            sr_buf_puts(b, "\\n");
            i++;
        } else if (n == 0 || c < 0x20 || c == 0x7f) { /* not UTF-8, or a control character */
            sr_buf_printf(b, "\\%03o", c);
            i++;
        } else {
            sr_buf_put(b, s + i, n);
            i += n;
        }
    }
    sr_buf_putc(b, '"');
}

static void quoted(sr_buf *b, const char *s, size_t len)
{
    sr_proto__put_quoted(b, s ? s : "", s ? len : 0);
}

/* A varint at data[*pos], advancing *pos (bounded by len). */
static uint64_t read_varint(const uint8_t *data, size_t len, size_t *pos)
{
    uint64_t v = 0;
    int shift = 0;

    while (*pos < len && shift < 64) {
        uint8_t byte = data[(*pos)++];
        v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            break;
    }
    return v;
}

/* ---- the index of the set ---- */

static void own(printer *p, void *ptr)
{
    PP_APPEND(p->owned, p->nowned, ptr);
}

static const pr_node *add_node(printer *p, const pr_node *parent, const char *s, size_t len,
                               const void *ptr, int kind)
{
    pr_node *n = sr_xmalloc(sizeof(*n)), *old;

    *n = (pr_node){parent, s, len, ptr, kind};
    old = pp_map_put(&p->types, pp_name_key(parent, s, len), n);
    if (old) { /* a package seen before (or a duplicate the parser refused) */
        free(n);
        return old;
    }
    own(p, n);
    return n;
}

static void add_exts(printer *p, pr_field *const *ext, size_t n, const pr_node *scope)
{
    for (size_t i = 0; i < n; i++) {
        pr_ext *e;
        if (!ext[i]->extendee)
            continue;
        e = sr_xmalloc(sizeof(*e));
        *e = (pr_ext){ext[i], scope};
        if (pp_map_put(&p->exts, (pp_key){NULL, ext[i]->extendee, strlen(ext[i]->extendee),
                                          ext[i]->number}, e))
            free(e);
        else
            own(p, e);
    }
}

static void index_message(printer *p, const pr_msg *m, const pr_node *parent, int depth)
{
    const pr_node *n;

    if (depth > p->max_depth) {
        p->failed = 1;
        return;
    }
    n = add_node(p, parent, nm(m->name), strlen(nm(m->name)), m, 1);
    for (size_t i = 0; i < m->n_nested_type; i++)
        index_message(p, m->nested_type[i], n, depth + 1);
    for (size_t i = 0; i < m->n_enum_type; i++)
        add_node(p, n, nm(m->enum_type[i]->name), strlen(nm(m->enum_type[i]->name)),
                 m->enum_type[i], 2);
    add_exts(p, m->extension, m->n_extension, n);
}

static void index_set(printer *p, const sr_proto_fileset *fs)
{
    for (size_t f = 0; f < fs->nfiles; f++) {
        const Google__Protobuf__FileDescriptorProto *file = fs->files[f];
        const pr_node *pkg = NULL;
        for (const char *s = file->package; s && *s;) {
            const char *dot = strchr(s, '.');
            size_t len = dot ? (size_t)(dot - s) : strlen(s);
            pkg = add_node(p, pkg, s, len, NULL, 0);
            s += len + (dot != NULL);
        }
        for (size_t i = 0; i < file->n_message_type; i++)
            index_message(p, file->message_type[i], pkg, 1);
        for (size_t i = 0; i < file->n_enum_type; i++)
            add_node(p, pkg, nm(file->enum_type[i]->name), strlen(nm(file->enum_type[i]->name)),
                     file->enum_type[i], 2);
        add_exts(p, file->extension, file->n_extension, pkg);
    }
}

/* The message (kind 1) or enum (kind 2) of fully-qualified name ".a.b.C", or NULL. */
static const void *find_type(const printer *p, const char *full, int kind)
{
    const pr_node *n = NULL;
    const char *s = full;

    if (!s || *s != '.')
        return NULL;
    for (s++;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        n = pp_map_get(&p->types, pp_name_key(n, s, len));
        if (!n || !dot)
            break;
        s = dot + 1;
    }
    return n && n->kind == kind ? n->ptr : NULL;
}

static const pr_field *field_numbered(printer *p, const pr_msg *m, uint64_t number)
{
    if (!m)
        return NULL;
    if (!pp_map_get(&p->numbered, pp_num_key(m, 0))) {
        pp_map_put(&p->numbered, pp_num_key(m, 0), (void *)m);
        for (size_t i = 0; i < m->n_field; i++) /* the last of a number wins, as before */
            pp_map_put(&p->by_number, pp_num_key(m, m->field[i]->number), m->field[i]);
    }
    return number > INT32_MAX ? NULL : pp_map_get(&p->by_number, pp_num_key(m, (int64_t)number));
}

static const char *value_named(printer *p, const pr_enum *e, int32_t number)
{
    const Google__Protobuf__EnumValueDescriptorProto *v;

    if (!e)
        return NULL;
    if (!pp_map_get(&p->valued, pp_num_key(e, 0))) {
        pp_map_put(&p->valued, pp_num_key(e, 0), (void *)e);
        for (size_t i = 0; i < e->n_value; i++) /* the first of a number wins */
            pp_map_put(&p->values, pp_num_key(e, e->value[i]->number), e->value[i]);
    }
    v = pp_map_get(&p->values, pp_num_key(e, number));
    return v ? nm(v->name) : NULL;
}

/* ".pkg.Outer.ext" */
static void ext_name(sr_buf *b, const pr_ext *e)
{
    size_t n = 0;

    for (const pr_node *s = e->scope; s; s = s->parent)
        n += s->len + 1;
    {
        char *full = sr_xmalloc(n + 1), *o = full + n;
        *o = '\0';
        for (const pr_node *s = e->scope; s; s = s->parent) {
            o -= s->len;
            memcpy(o, s->name, s->len);
            *--o = '.';
        }
        sr_buf_put(b, full, n);
        free(full);
    }
    sr_buf_printf(b, ".%s", nm(e->field->name));
}

/* ---- options ---- */

/* Custom options: extensions stored as unknown fields, printed "(.pkg.ext) = value". */
static void custom_items(printer *p, sr_strlist *items, const ProtobufCMessage *m)
{
    sr_buf extendee = SR_BUF_INIT;

    if (!m->n_unknown_fields || !p->exts.n)
        return;
    sr_buf_printf(&extendee, ".%s", m->descriptor->name);
    for (unsigned i = 0; i < m->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
        const pr_ext *ext = pp_map_get(&p->exts, (pp_key){NULL, extendee.ptr, extendee.len,
                                                          (int64_t)u->tag});
        sr_buf b = SR_BUF_INIT;
        uint64_t scalar = 0;
        const uint8_t *data = u->data;
        size_t len = u->len;
        if (!ext)
            continue; /* an option whose definition is not in the set cannot be named */
        if (u->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
            size_t pos = 0, n = (size_t)read_varint(data, len, &pos);
            data += pos;
            len = n <= len - pos ? n : len - pos;
        } else if (u->wire_type == PROTOBUF_C_WIRE_TYPE_VARINT) {
            size_t pos = 0;
            scalar = read_varint(data, len, &pos);
        } else {
            for (size_t pos = len; pos-- > 0;)
                scalar = (scalar << 8) | data[pos];
        }
        sr_buf_putc(&b, '(');
        ext_name(&b, ext);
        sr_buf_puts(&b, ") = ");
        print_value(p, &b, ext->field, data, len, scalar, 0);
        sr_strlist_take(items, sr_buf_detach(&b));
    }
    sr_buf_dispose(&extendee);
}

/* Options kept uninterpreted (editions' features.*), printed as written. */
static void uninterpreted_items(printer *p, sr_strlist *items, const ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "uninterpreted_option");
    Google__Protobuf__UninterpretedOption *const *arr;
    size_t n;

    if (!f)
        return;
    n = *(const size_t *)((const char *)m + f->quantifier_offset);
    arr = *(Google__Protobuf__UninterpretedOption *const *const *)((const char *)m + f->offset);
    for (size_t i = 0; i < n; i++) {
        const Google__Protobuf__UninterpretedOption *u = arr[i];
        sr_buf b = SR_BUF_INIT;
        for (size_t k = 0; k < u->n_name; k++)
            sr_buf_printf(&b, u->name[k]->is_extension ? "%s(%s)" : "%s%s", k ? "." : "",
                          name(p, u->name[k]->name_part, 1));
        sr_buf_puts(&b, " = ");
        if (u->identifier_value)
            sr_buf_puts(&b, name(p, u->identifier_value, 0));
        else if (u->has_string_value)
            quoted(&b, (const char *)u->string_value.data, u->string_value.len);
        else if (u->has_positive_int_value)
            sr_buf_printf(&b, "%llu", (unsigned long long)u->positive_int_value);
        else if (u->has_negative_int_value)
            sr_buf_printf(&b, "%lld", (long long)u->negative_int_value);
        else if (u->has_double_value)
            sr_buf_printf(&b, "%.17g", u->double_value);
        else {
            const char *a = nm(u->aggregate_value);
            sr_buf_puts(&b, "{ ");
            sr_proto__put_utf8_safe(&b, a, strlen(a), 0);
            sr_buf_puts(&b, " }");
        }
        sr_strlist_take(items, sr_buf_detach(&b));
    }
}

/* The options set in an *Options message, as "name = value" items. */
static void option_items(printer *p, sr_strlist *items, const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d;

    if (!m)
        return;
    d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *member = (const char *)m + f->offset;
        sr_buf b = SR_BUF_INIT;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        if (f->quantifier_offset && !*(const protobuf_c_boolean *)((const char *)m + f->quantifier_offset))
            continue;
        switch (f->type) {
        case PROTOBUF_C_TYPE_BOOL:
            sr_buf_printf(&b, "%s = %s", f->name, *(const protobuf_c_boolean *)member ? "true" : "false");
            break;
        case PROTOBUF_C_TYPE_STRING:
            if (!*(char *const *)member)
                continue;
            sr_buf_printf(&b, "%s = ", f->name);
            quoted(&b, *(char *const *)member, strlen(*(char *const *)member));
            break;
        case PROTOBUF_C_TYPE_ENUM: {
            const ProtobufCEnumValue *v =
                protobuf_c_enum_descriptor_get_value(f->descriptor, *(const int *)member);
            if (!v)
                continue;
            sr_buf_printf(&b, "%s = %s", f->name, v->name);
            break;
        }
        case PROTOBUF_C_TYPE_INT32:
            sr_buf_printf(&b, "%s = %d", f->name, *(const int32_t *)member);
            break;
        case PROTOBUF_C_TYPE_UINT32:
            sr_buf_printf(&b, "%s = %u", f->name, *(const uint32_t *)member);
            break;
        case PROTOBUF_C_TYPE_INT64:
            sr_buf_printf(&b, "%s = %lld", f->name, (long long)*(const int64_t *)member);
            break;
        case PROTOBUF_C_TYPE_UINT64:
            sr_buf_printf(&b, "%s = %llu", f->name, (unsigned long long)*(const uint64_t *)member);
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            sr_buf_printf(&b, "%s = %.17g", f->name, *(const double *)member);
            break;
        case PROTOBUF_C_TYPE_FLOAT:
            sr_buf_printf(&b, "%s = %.9g", f->name, (double)*(const float *)member);
            break;
        default:
            continue;
        }
        sr_strlist_take(items, sr_buf_detach(&b));
    }
    custom_items(p, items, m);
    uninterpreted_items(p, items, m);
}

static void option_statements(printer *p, const ProtobufCMessage *m, int depth)
{
    sr_strlist items = SR_STRLIST_INIT;

    option_items(p, &items, m);
    for (size_t i = 0; i < items.n; i++) {
        indent(p, depth);
        sr_buf_printf(&p->out, "option %s;\n", items.v[i]);
    }
    sr_strlist_dispose(&items);
}

static void bracket(printer *p, sr_strlist *items)
{
    if (!items->n)
        return;
    sr_buf_puts(&p->out, " [");
    for (size_t i = 0; i < items->n; i++)
        sr_buf_printf(&p->out, "%s%s", i ? ", " : "", items->v[i]);
    sr_buf_putc(&p->out, ']');
}

static const char *scalar_name(Google__Protobuf__FieldDescriptorProto__Type t)
{
    static const char *const names[] = {NULL, "double", "float", "int64", "uint64", "int32",
                                        "fixed64", "fixed32", "bool", "string", "group",
                                        "message", "bytes", "uint32", "enum", "sfixed32",
                                        "sfixed64", "sint32", "sint64"};
    return (unsigned)t < sizeof(names) / sizeof(names[0]) && names[t] ? names[t] : "?";
}

static char *default_json_name(const char *s)
{
    char *out = sr_xmalloc(strlen(s) + 1), *o = out;
    int upper = 0;

    for (; *s; s++) {
        if (*s == '_')
            upper = 1;
        else {
            *o++ = upper && *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
            upper = 0;
        }
    }
    *o = '\0';
    return out;
}

/* ---- messages ---- */

/* A message's nested types by name (the first of a name), and the message itself. */
typedef struct scope {
    const pr_msg *m;
    pp_map nested; /* (NULL, name) -> nested DescriptorProto */
} scope;

static void scope_init(scope *s, const pr_msg *m)
{
    s->m = m;
    pp_map_init(&s->nested);
    for (size_t i = 0; m && i < m->n_nested_type; i++) {
        const char *n = nm(m->nested_type[i]->name);
        pp_map_put(&s->nested, pp_name_key(NULL, n, strlen(n)), m->nested_type[i]);
    }
}

/* The nested type named as the last component of `type_name`. */
static const pr_msg *nested_named(const scope *s, const char *type_name)
{
    const char *dot = type_name ? strrchr(type_name, '.') : NULL;

    if (!s || !dot)
        return NULL;
    return pp_map_get(&s->nested, pp_name_key(NULL, dot + 1, strlen(dot + 1)));
}

static int is_map_entry(const pr_msg *m)
{
    return m && m->options && m->options->has_map_entry && m->options->map_entry;
}

static void message_body(printer *p, const pr_msg *m, int depth);

static void field_options(printer *p, const pr_field *f)
{
    sr_strlist items = SR_STRLIST_INIT;
    char *json = default_json_name(nm(f->name));

    if (f->default_value) {
        sr_buf b = SR_BUF_INIT;
        sr_buf_puts(&b, "default = ");
        if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING) {
            quoted(&b, f->default_value, strlen(f->default_value));
        } else if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES) {
            sr_buf_putc(&b, '"'); /* stored C-escaped already */
            sr_proto__put_utf8_safe(&b, f->default_value, strlen(f->default_value), 1);
            sr_buf_putc(&b, '"');
        } else {
            sr_proto__put_utf8_safe(&b, f->default_value, strlen(f->default_value), 1);
        }
        sr_strlist_take(&items, sr_buf_detach(&b));
    }
    if (f->json_name && strcmp(f->json_name, json) != 0) {
        sr_buf b = SR_BUF_INIT;
        sr_buf_puts(&b, "json_name = ");
        quoted(&b, f->json_name, strlen(f->json_name));
        sr_strlist_take(&items, sr_buf_detach(&b));
    }
    option_items(p, &items, (const ProtobufCMessage *)f->options);
    bracket(p, &items);
    sr_strlist_dispose(&items);
    free(json);
}

static void label(printer *p, const pr_field *f, int in_oneof)
{
    if (in_oneof)
        return;
    if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
        sr_buf_puts(&p->out, "repeated ");
    else if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED)
        sr_buf_puts(&p->out, "required ");
    else if ((!p->proto3 && !p->editions) || f->proto3_optional)
        sr_buf_puts(&p->out, "optional ");
}

static void field(printer *p, const scope *s, const pr_field *f, int depth, int in_oneof)
{
    const pr_msg *entry = nested_named(s, f->type_name);

    indent(p, depth);
    if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP && entry) {
        label(p, f, in_oneof);
        sr_buf_printf(&p->out, "group %s = %d", name(p, entry->name, 0), f->number);
        field_options(p, f);
        sr_buf_puts(&p->out, " {\n");
        message_body(p, entry, depth + 1);
        indent(p, depth);
        sr_buf_puts(&p->out, "}\n");
        return;
    }
    if (is_map_entry(entry) && entry->n_field == 2 &&
        f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED) {
        const pr_field *k = entry->field[0], *v = entry->field[1];
        sr_buf_printf(&p->out, "map<%s, %s> %s = %d", scalar_name(k->type),
                      v->type_name ? name(p, v->type_name, 1) : scalar_name(v->type),
                      name(p, f->name, 0), f->number);
    } else {
        label(p, f, in_oneof);
        sr_buf_printf(&p->out, "%s %s = %d",
                      f->type_name ? name(p, f->type_name, 1) : scalar_name(f->type),
                      name(p, f->name, 0), f->number);
    }
    field_options(p, f);
    sr_buf_puts(&p->out, ";\n");
}

static int real_oneof(const pr_msg *m, const pr_field *f)
{
    return f->has_oneof_index && !f->proto3_optional && f->oneof_index >= 0 &&
           (size_t)f->oneof_index < m->n_oneof_decl;
}

/* Fields [from, to) in order, each oneof as one block where its first member is, holding all its
 * members: a oneof split in two blocks would not parse again. Its members are contiguous when
 * the file declared them, but not once fields are sorted by number (normalized: a plain field's
 * number can fall between two members', and Confluent orders oneofs by their first number) nor
 * in a descriptor sent as base64, which may list fields in any order. */
static void fields(printer *p, const scope *s, pr_field *const *fs, size_t from, size_t to,
                   int depth)
{
    const pr_msg *m = s->m;
    char *done = sr_xcalloc(m->n_oneof_decl + 1, 1); /* oneofs printed */

    for (size_t i = from; i < to; i++) {
        const pr_field *f = fs[i];
        int32_t oi;
        if (!real_oneof(m, f)) {
            field(p, s, f, depth, 0);
            continue;
        }
        oi = f->oneof_index;
        if (done[oi])
            continue;
        done[oi] = 1;
        indent(p, depth);
        sr_buf_printf(&p->out, "oneof %s {\n", name(p, m->oneof_decl[oi]->name, 0));
        option_statements(p, (const ProtobufCMessage *)m->oneof_decl[oi]->options, depth + 1);
        for (size_t j = i; j < to; j++)
            if (real_oneof(m, fs[j]) && fs[j]->oneof_index == oi)
                field(p, s, fs[j], depth + 1, 1);
        indent(p, depth);
        sr_buf_puts(&p->out, "}\n");
    }
    free(done);
}

static void range_list(printer *p, const char *keyword, int32_t (*get)(const void *, int),
                       void *const *ranges, size_t n, int inclusive, int64_t max, int depth,
                       const ProtobufCMessage *const *opts)
{
    for (size_t i = 0; i < n; i++) {
        /* 64-bit: an end that wrapped past 2^31-1 (as protoc's does) prints as it reads back */
        int64_t start = get(ranges[i], 0), end = (int64_t)get(ranges[i], 1) - (inclusive ? 0 : 1);
        sr_strlist items = SR_STRLIST_INIT;
        if (!inclusive && end < start)
            end = start; /* "reserved 2147483647": the end wrapped */
        indent(p, depth);
        if (start == end)
            sr_buf_printf(&p->out, "%s %lld", keyword, (long long)start);
        else if (end == max)
            sr_buf_printf(&p->out, "%s %lld to max", keyword, (long long)start);
        else
            sr_buf_printf(&p->out, "%s %lld to %lld", keyword, (long long)start, (long long)end);
        if (opts)
            option_items(p, &items, opts[i]);
        bracket(p, &items);
        sr_strlist_dispose(&items);
        sr_buf_puts(&p->out, ";\n");
    }
}

static int32_t msg_range(const void *r, int end)
{
    const Google__Protobuf__DescriptorProto__ReservedRange *rr = r;
    return end ? rr->end : rr->start;
}

static int32_t ext_range(const void *r, int end)
{
    const Google__Protobuf__DescriptorProto__ExtensionRange *er = r;
    return end ? er->end : er->start;
}

static int32_t enum_range(const void *r, int end)
{
    const Google__Protobuf__EnumDescriptorProto__EnumReservedRange *er = r;
    return end ? er->end : er->start;
}

static void reserved_names(printer *p, char *const *names, size_t n, int depth)
{
    for (size_t i = 0; i < n; i++) {
        indent(p, depth);
        sr_buf_puts(&p->out, "reserved ");
        quoted(&p->out, names[i], strlen(nm(names[i])));
        sr_buf_puts(&p->out, ";\n");
    }
}

static void enum_def(printer *p, const pr_enum *e, int depth)
{
    indent(p, depth);
    sr_buf_printf(&p->out, "enum %s {\n", name(p, e->name, 0));
    option_statements(p, (const ProtobufCMessage *)e->options, depth + 1);
    for (size_t i = 0; i < e->n_value; i++) {
        sr_strlist items = SR_STRLIST_INIT;
        indent(p, depth + 1);
        sr_buf_printf(&p->out, "%s = %d", name(p, e->value[i]->name, 0), e->value[i]->number);
        option_items(p, &items, (const ProtobufCMessage *)e->value[i]->options);
        bracket(p, &items);
        sr_strlist_dispose(&items);
        sr_buf_puts(&p->out, ";\n");
    }
    range_list(p, "reserved", enum_range, (void *const *)e->reserved_range, e->n_reserved_range, 1,
               INT32_MAX, depth + 1, NULL);
    reserved_names(p, e->reserved_name, e->n_reserved_name, depth + 1);
    indent(p, depth);
    sr_buf_puts(&p->out, "}\n");
}

static void extends(printer *p, pr_field *const *ext, size_t n, const scope *owner, int depth)
{
    for (size_t i = 0; i < n;) {
        const char *extendee = nm(ext[i]->extendee);
        indent(p, depth);
        sr_buf_printf(&p->out, "extend %s {\n", name(p, extendee, 1));
        for (; i < n && strcmp(nm(ext[i]->extendee), extendee) == 0; i++)
            field(p, owner, ext[i], depth + 1, 0);
        indent(p, depth);
        sr_buf_puts(&p->out, "}\n");
    }
}

static int cmp_field_number(const void *a, const void *b)
{
    const pr_field *x = *(pr_field *const *)a, *y = *(pr_field *const *)b;
    return (x->number > y->number) - (x->number < y->number);
}

/* Fields that may write a nested type where they stand (a map entry or a group), by the last
 * component of their type name: ascending indexes, with a cursor. */
typedef struct candidates {
    size_t *v; /* owned */
    size_t n, cur;
} candidates;

typedef struct writers {
    pp_map lists;       /* (NULL, name, 0): every field of that type; (.., 1): the groups */
    candidates **owned;
    size_t nowned;
} writers;

static void writers_add(writers *w, const char *type, size_t len, int groups, size_t k)
{
    pp_key key = {NULL, type, len, groups};
    candidates *c = pp_map_get(&w->lists, key);

    if (!c) {
        c = sr_xcalloc(1, sizeof(*c));
        pp_map_put(&w->lists, key, c);
        PP_APPEND(w->owned, w->nowned, c);
    }
    PP_APPEND(c->v, c->n, k);
}

static void writers_init(writers *w, pr_field *const *fs, size_t n)
{
    memset(w, 0, sizeof(*w));
    pp_map_init(&w->lists);
    for (size_t k = 0; k < n; k++) {
        const char *dot = fs[k]->type_name ? strrchr(fs[k]->type_name, '.') : NULL;
        if (!dot)
            continue;
        writers_add(w, dot + 1, strlen(dot + 1), 0, k);
        if (fs[k]->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP)
            writers_add(w, dot + 1, strlen(dot + 1), 1, k);
    }
}

static void writers_dispose(writers *w)
{
    for (size_t i = 0; i < w->nowned; i++) {
        free(w->owned[i]->v);
        free(w->owned[i]);
    }
    free(w->owned);
    pp_map_dispose(&w->lists);
}

/* The first field at or after `from` that writes nested type `n` (any field of its type for a
 * map entry, a group field for a group), or `none`. `from` never decreases between calls. */
static size_t writer_of(writers *w, const pr_msg *n, size_t from, size_t none)
{
    const char *t = nm(n->name);
    candidates *c = pp_map_get(&w->lists, (pp_key){NULL, t, strlen(t), !is_map_entry(n)});

    if (!c)
        return none;
    while (c->cur < c->n && c->v[c->cur] < from)
        c->cur++;
    return c->cur < c->n ? c->v[c->cur] : none;
}

static void message_body(printer *p, const pr_msg *m, int depth)
{
    pr_field **fs = sr_xcalloc(m->n_field + 1, sizeof(*fs));
    size_t next = 0;
    writers w;
    scope s;

    if (depth > p->max_depth) { /* deeper than the parser lets messages nest */
        p->failed = 1;
        free(fs);
        return;
    }
    scope_init(&s, m);
    if (m->n_field)
        memcpy(fs, m->field, m->n_field * sizeof(*fs));
    if (m->n_field && (p->flags & SR_PROTO_PRINT_NORMALIZE))
        qsort(fs, m->n_field, sizeof(*fs), cmp_field_number);
    option_statements(p, (const ProtobufCMessage *)m->options, depth);
    /* Nested types keep their order: map entries and groups are emitted by their fields. */
    writers_init(&w, fs, m->n_field);
    for (size_t i = 0; i < m->n_nested_type; i++) {
        const pr_msg *n = m->nested_type[i];
        size_t owner = writer_of(&w, n, next, m->n_field);
        if (owner < m->n_field) {
            fields(p, &s, fs, next, owner + 1, depth);
            next = owner + 1;
            continue;
        }
        if (is_map_entry(n))
            continue;
        indent(p, depth);
        sr_buf_printf(&p->out, "message %s {\n", name(p, n->name, 0));
        message_body(p, n, depth + 1);
        indent(p, depth);
        sr_buf_puts(&p->out, "}\n");
    }
    writers_dispose(&w);
    fields(p, &s, fs, next, m->n_field, depth);
    for (size_t i = 0; i < m->n_enum_type; i++)
        enum_def(p, m->enum_type[i], depth);
    range_list(p, "reserved", msg_range, (void *const *)m->reserved_range, m->n_reserved_range, 0,
               PP_FIELD_MAX, depth, NULL);
    reserved_names(p, m->reserved_name, m->n_reserved_name, depth);
    {
        const ProtobufCMessage **opts = sr_xcalloc(m->n_extension_range + 1, sizeof(*opts));
        for (size_t i = 0; i < m->n_extension_range; i++)
            opts[i] = (const ProtobufCMessage *)m->extension_range[i]->options;
        range_list(p, "extensions", ext_range, (void *const *)m->extension_range,
                   m->n_extension_range, 0, PP_FIELD_MAX, depth, opts);
        free(opts);
    }
    if (!(p->flags & SR_PROTO_PRINT_NO_EXTENSIONS))
        extends(p, m->extension, m->n_extension, &s, depth);
    pp_map_dispose(&s.nested);
    free(fs);
}

static void service(printer *p, const Google__Protobuf__ServiceDescriptorProto *s)
{
    sr_buf_printf(&p->out, "service %s {\n", name(p, s->name, 0));
    option_statements(p, (const ProtobufCMessage *)s->options, 1);
    for (size_t i = 0; i < s->n_method; i++) {
        const Google__Protobuf__MethodDescriptorProto *m = s->method[i];
        sr_buf_printf(&p->out, "  rpc %s (", name(p, m->name, 0));
        sr_buf_printf(&p->out, "%s%s) returns (", m->client_streaming ? "stream " : "",
                      name(p, m->input_type, 1));
        sr_buf_printf(&p->out, "%s%s)", m->server_streaming ? "stream " : "",
                      name(p, m->output_type, 1));
        if (m->options) {
            sr_buf_puts(&p->out, " {\n");
            option_statements(p, (const ProtobufCMessage *)m->options, 2);
            sr_buf_puts(&p->out, "  }\n");
        } else {
            sr_buf_puts(&p->out, ";\n");
        }
    }
    sr_buf_puts(&p->out, "}\n");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void imports(printer *p, const Google__Protobuf__FileDescriptorProto *fd)
{
    char **deps = sr_xcalloc(fd->n_dependency + 1, sizeof(*deps));
    const char **kind = sr_xcalloc(fd->n_dependency + 1, sizeof(*kind));

    for (size_t k = 0; k < fd->n_public_dependency; k++)
        if (fd->public_dependency[k] >= 0 && (size_t)fd->public_dependency[k] < fd->n_dependency)
            kind[fd->public_dependency[k]] = "public ";
    for (size_t k = 0; k < fd->n_weak_dependency; k++)
        if (fd->weak_dependency[k] >= 0 && (size_t)fd->weak_dependency[k] < fd->n_dependency)
            kind[fd->weak_dependency[k]] = "weak ";
    for (size_t i = 0; i < fd->n_dependency; i++) {
        sr_buf b = SR_BUF_INIT;
        sr_buf_printf(&b, "import %s", kind[i] ? kind[i] : "");
        quoted(&b, fd->dependency[i], strlen(nm(fd->dependency[i])));
        sr_buf_puts(&b, ";\n");
        deps[i] = sr_buf_detach(&b);
    }
    /* Import order means nothing, so the canonical text sorts imports: reordering them must
     * not make another schema. */
    if (fd->n_dependency)
        qsort(deps, fd->n_dependency, sizeof(*deps), cmp_str);
    for (size_t i = 0; i < fd->n_dependency; i++)
        if (i == 0 || strcmp(deps[i], deps[i - 1]))
            sr_buf_puts(&p->out, deps[i]);
    for (size_t i = 0; i < fd->n_dependency; i++)
        free(deps[i]);
    free(deps);
    free(kind);
}

/* Decode one message's fields from the wire and print them as an aggregate "{ a: 1 b { } }",
 * at nesting `depth` of the option value. */
static void print_message(printer *p, sr_buf *b, const pr_msg *m, const uint8_t *data, size_t len,
                          int depth)
{
    size_t pos = 0;

    if (depth > p->max_depth) {
        p->failed = 1;
        return;
    }
    sr_buf_puts(b, "{ ");
    while (pos < len) {
        uint64_t key = read_varint(data, len, &pos), v = 0;
        int wire = (int)(key & 7);
        const pr_field *f = field_numbered(p, m, key >> 3);
        const uint8_t *val = NULL;
        size_t vlen = 0;
        if (wire == 0) {
            v = read_varint(data, len, &pos);
        } else if (wire == 1 || wire == 5) {
            int n = wire == 1 ? 8 : 4;
            for (int i = n; i-- > 0;)
                v = (v << 8) | (pos + (size_t)i < len ? data[pos + (size_t)i] : 0);
            pos += (size_t)n;
        } else if (wire == 2) {
            vlen = (size_t)read_varint(data, len, &pos);
            if (vlen > len - pos)
                break;
            val = data + pos;
            pos += vlen;
        } else {
            break; /* groups are not written in options */
        }
        if (!f || pos > len)
            continue;
        sr_buf_printf(b, "%s: ", nm(f->name));
        print_value(p, b, f, val, vlen, v, depth);
        sr_buf_putc(b, ' ');
    }
    sr_buf_putc(b, '}');
}

/* One value of field `f`: bytes for strings and messages, `v` for the rest. */
static void print_value(printer *p, sr_buf *b, const pr_field *f, const uint8_t *data, size_t len,
                        uint64_t v, int depth)
{
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        quoted(b, (const char *)data, len);
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
        print_message(p, b, find_type(p, f->type_name, 1), data, len, depth + 1);
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        sr_buf_puts(b, v ? "true" : "false");
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM: {
        const char *n = value_named(p, find_type(p, f->type_name, 2), (int32_t)v);
        if (n)
            sr_buf_puts(b, n);
        else
            sr_buf_printf(b, "%d", (int32_t)v);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
        double d;
        memcpy(&d, &v, 8);
        sr_buf_printf(b, "%.17g", d);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT: {
        uint32_t bits = (uint32_t)v;
        float fl;
        memcpy(&fl, &bits, 4);
        sr_buf_printf(b, "%.9g", (double)fl);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
        sr_buf_printf(b, "%lld", (long long)((v >> 1) ^ (~(v & 1) + 1)));
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
        sr_buf_printf(b, "%llu", (unsigned long long)v);
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        sr_buf_printf(b, "%d", (int32_t)v);
        break;
    default:
        sr_buf_printf(b, "%lld", (long long)v);
    }
}

static char *print_file(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags,
                        const sr_proto_fileset *fs, int max_depth, int strict)
{
    printer p;
    char *text;

    memset(&p, 0, sizeof(p));
    p.out = (sr_buf)SR_BUF_INIT;
    p.flags = flags;
    p.proto3 = fd->syntax && strcmp(fd->syntax, "proto3") == 0;
    p.editions = fd->syntax && strcmp(fd->syntax, "editions") == 0;
    p.max_depth = max_depth > 0 ? max_depth : SR_PARSE_MAX_DEPTH_DEFAULT;
    p.strict = strict;
    pp_map_init(&p.types);
    pp_map_init(&p.exts);
    pp_map_init(&p.numbered);
    pp_map_init(&p.by_number);
    pp_map_init(&p.valued);
    pp_map_init(&p.values);
    if (fs)
        index_set(&p, fs);

    if (p.editions)
        sr_buf_puts(&p.out, "edition = \"2023\";\n");
    else if (p.proto3)
        sr_buf_puts(&p.out, "syntax = \"proto3\";\n");
    else if (!(flags & SR_PROTO_PRINT_NORMALIZE))
        sr_buf_puts(&p.out, "syntax = \"proto2\";\n");
    if (fd->package && *fd->package)
        sr_buf_printf(&p.out, "package %s;\n", name(&p, fd->package, 1));
    imports(&p, fd);
    option_statements(&p, (const ProtobufCMessage *)fd->options, 0);
    for (size_t i = 0; i < fd->n_message_type && !p.failed; i++) {
        sr_buf_printf(&p.out, "message %s {\n", name(&p, fd->message_type[i]->name, 0));
        message_body(&p, fd->message_type[i], 1);
        sr_buf_puts(&p.out, "}\n");
    }
    for (size_t i = 0; i < fd->n_enum_type; i++)
        enum_def(&p, fd->enum_type[i], 0);
    for (size_t i = 0; i < fd->n_service; i++)
        service(&p, fd->service[i]);
    if (!(flags & SR_PROTO_PRINT_NO_EXTENSIONS))
        extends(&p, fd->extension, fd->n_extension, NULL, 0);

    for (size_t i = 0; i < p.nowned; i++)
        free(p.owned[i]);
    free(p.owned);
    pp_map_dispose(&p.types);
    pp_map_dispose(&p.exts);
    pp_map_dispose(&p.numbered);
    pp_map_dispose(&p.by_number);
    pp_map_dispose(&p.valued);
    pp_map_dispose(&p.values);
    text = sr_buf_detach(&p.out);
    if (p.failed) {
        free(text);
        return NULL;
    }
    return text;
}

char *sr_proto_print(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags)
{
    return sr_proto_print_limited(fd, flags, SR_PARSE_MAX_DEPTH_DEFAULT);
}

char *sr_proto_print_limited(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags,
                             int max_depth)
{
    return print_file(fd, flags, NULL, max_depth, 1);
}

char *sr_proto_print_in(const Google__Protobuf__FileDescriptorProto *fd,
                        const sr_proto_fileset *context, unsigned flags, int max_depth)
{
    return print_file(fd, flags, context, max_depth, 1);
}

char *sr_proto_print_set(const sr_proto_fileset *fs, unsigned flags)
{
    return print_file(sr_proto_fileset_main(fs), flags, fs, fs->max_depth, 0);
}
