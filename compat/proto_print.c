/* proto_print.c -- .proto text from a FileDescriptorProto (see proto_print.h). Type names are
 * printed fully qualified (".pkg.Msg"), which reads back to the same descriptor. */
#include "compat/proto_print.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__DescriptorProto pr_msg;
typedef Google__Protobuf__FieldDescriptorProto pr_field;

/* A named element of the file set, for printing custom options by name. */
typedef struct pr_sym {
    char *name;        /* ".pkg.Name" (owned) */
    const void *ptr;   /* DescriptorProto, EnumDescriptorProto or an extension's field */
    int kind;          /* PP-style: 1 message, 2 enum, 3 extension */
} pr_sym;

typedef struct printer {
    sr_buf out;
    unsigned flags;
    int proto3;
    int editions;
    pr_sym *syms;      /* owned; empty when printing without a file set */
    size_t nsyms;
} printer;

static void print_value(const printer *p, sr_buf *b, const pr_field *f, const uint8_t *data,
                        size_t len, uint64_t scalar);

static void indent(printer *p, int depth)
{
    for (int i = 0; i < depth; i++)
        sr_buf_puts(&p->out, "  ");
}

static void quoted(sr_buf *b, const char *s, size_t len)
{
    sr_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sr_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            sr_buf_puts(b, "\\n");
        else if (c < 0x20 || c == 0x7f)
            sr_buf_printf(b, "\\%03o", c);
        else
            sr_buf_putc(b, (char)c);
    }
    sr_buf_putc(b, '"');
}

/* The standard options set in an *Options message, as "name = value" items. */
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

/* Custom options: extensions stored as unknown fields, printed "(.pkg.ext) = value". */
static void custom_items(const printer *p, sr_strlist *items, const ProtobufCMessage *m)
{
    char extendee[160];

    snprintf(extendee, sizeof(extendee), ".%s", m->descriptor->name);
    for (unsigned i = 0; i < m->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
        const pr_sym *ext = NULL;
        sr_buf b = SR_BUF_INIT;
        uint64_t scalar = 0;
        const uint8_t *data = u->data;
        size_t len = u->len;
        for (size_t k = 0; k < p->nsyms && !ext; k++) {
            const pr_field *f = p->syms[k].ptr;
            if (p->syms[k].kind == 3 && f->number == (int32_t)u->tag && f->extendee &&
                strcmp(f->extendee, extendee) == 0)
                ext = &p->syms[k];
        }
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
        sr_buf_printf(&b, "(%s) = ", ext->name);
        print_value(p, &b, ext->ptr, data, len, scalar);
        sr_strlist_take(items, sr_buf_detach(&b));
    }
}

/* Options kept uninterpreted (editions' features.*), printed as written. */
static void uninterpreted_items(sr_strlist *items, const ProtobufCMessage *m)
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
            sr_buf_printf(&b, "%s%s", k ? "." : "", u->name[k]->name_part);
        sr_buf_puts(&b, " = ");
        if (u->identifier_value)
            sr_buf_puts(&b, u->identifier_value);
        else if (u->has_string_value)
            quoted(&b, (const char *)u->string_value.data, u->string_value.len);
        else if (u->has_positive_int_value)
            sr_buf_printf(&b, "%llu", (unsigned long long)u->positive_int_value);
        else if (u->has_negative_int_value)
            sr_buf_printf(&b, "%lld", (long long)u->negative_int_value);
        else if (u->has_double_value)
            sr_buf_printf(&b, "%.17g", u->double_value);
        else
            sr_buf_printf(&b, "{ %s }", u->aggregate_value ? u->aggregate_value : "");
        sr_strlist_take(items, sr_buf_detach(&b));
    }
}

static void option_items(const printer *p, sr_strlist *items, const ProtobufCMessage *m)
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
        case PROTOBUF_C_TYPE_UINT32:
            sr_buf_printf(&b, "%s = %d", f->name, *(const int32_t *)member);
            break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_UINT64:
            sr_buf_printf(&b, "%s = %lld", f->name, (long long)*(const int64_t *)member);
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
    uninterpreted_items(items, m);
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
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static char *default_json_name(const char *name)
{
    char *out = sr_xmalloc(strlen(name) + 1), *o = out;
    int upper = 0;

    for (; *name; name++) {
        if (*name == '_')
            upper = 1;
        else {
            *o++ = upper && *name >= 'a' && *name <= 'z' ? (char)(*name - 32) : *name;
            upper = 0;
        }
    }
    *o = '\0';
    return out;
}

static const pr_msg *nested_named(const pr_msg *m, const char *type_name)
{
    const char *dot = type_name ? strrchr(type_name, '.') : NULL;

    for (size_t i = 0; dot && i < m->n_nested_type; i++)
        if (strcmp(m->nested_type[i]->name, dot + 1) == 0)
            return m->nested_type[i];
    return NULL;
}

static int is_map_entry(const pr_msg *m)
{
    return m && m->options && m->options->has_map_entry && m->options->map_entry;
}

static void message_body(printer *p, const pr_msg *m, int depth);

static void field_options(printer *p, const pr_field *f)
{
    sr_strlist items = SR_STRLIST_INIT;
    char *json = default_json_name(f->name);

    if (f->default_value) {
        sr_buf b = SR_BUF_INIT;
        sr_buf_puts(&b, "default = ");
        if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING)
            quoted(&b, f->default_value, strlen(f->default_value));
        else if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES)
            sr_buf_printf(&b, "\"%s\"", f->default_value); /* stored C-escaped already */
        else
            sr_buf_puts(&b, f->default_value);
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

static void field(printer *p, const pr_msg *m, const pr_field *f, int depth, int in_oneof)
{
    const pr_msg *entry = m ? nested_named(m, f->type_name) : NULL;

    indent(p, depth);
    if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP && entry) {
        label(p, f, in_oneof);
        sr_buf_printf(&p->out, "group %s = %d", entry->name, f->number);
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
                      v->type_name ? v->type_name : scalar_name(v->type), f->name, f->number);
    } else {
        label(p, f, in_oneof);
        sr_buf_printf(&p->out, "%s %s = %d", f->type_name ? f->type_name : scalar_name(f->type),
                      f->name, f->number);
    }
    field_options(p, f);
    sr_buf_puts(&p->out, ";\n");
}

static int real_oneof(const pr_field *f)
{
    return f->has_oneof_index && !f->proto3_optional;
}

/* Fields [from, to) in order, oneof members grouped in their block. */
static void fields(printer *p, const pr_msg *m, pr_field *const *fs, size_t from, size_t to,
                   int depth)
{
    for (size_t i = from; i < to; i++) {
        const pr_field *f = fs[i];
        if (!real_oneof(f)) {
            field(p, m, f, depth, 0);
            continue;
        }
        {
            int32_t oi = f->oneof_index;
            const Google__Protobuf__OneofDescriptorProto *o = m->oneof_decl[oi];
            indent(p, depth);
            sr_buf_printf(&p->out, "oneof %s {\n", o->name);
            option_statements(p, (const ProtobufCMessage *)o->options, depth + 1);
            while (i < to && real_oneof(fs[i]) && fs[i]->oneof_index == oi)
                field(p, m, fs[i++], depth + 1, 1);
            i--;
            indent(p, depth);
            sr_buf_puts(&p->out, "}\n");
        }
    }
}

static void range_list(printer *p, const char *keyword, int32_t (*get)(const void *, int),
                       void *const *ranges, size_t n, int inclusive, int32_t max, int depth,
                       const ProtobufCMessage *const *opts)
{
    for (size_t i = 0; i < n; i++) {
        int32_t start = get(ranges[i], 0), end = get(ranges[i], 1) - (inclusive ? 0 : 1);
        sr_strlist items = SR_STRLIST_INIT;
        indent(p, depth);
        if (start == end)
            sr_buf_printf(&p->out, "%s %d", keyword, start);
        else if (end == max)
            sr_buf_printf(&p->out, "%s %d to max", keyword, start);
        else
            sr_buf_printf(&p->out, "%s %d to %d", keyword, start, end);
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
        quoted(&p->out, names[i], strlen(names[i]));
        sr_buf_puts(&p->out, ";\n");
    }
}

static void enum_def(printer *p, const Google__Protobuf__EnumDescriptorProto *e, int depth)
{
    indent(p, depth);
    sr_buf_printf(&p->out, "enum %s {\n", e->name);
    option_statements(p, (const ProtobufCMessage *)e->options, depth + 1);
    for (size_t i = 0; i < e->n_value; i++) {
        sr_strlist items = SR_STRLIST_INIT;
        indent(p, depth + 1);
        sr_buf_printf(&p->out, "%s = %d", e->value[i]->name, e->value[i]->number);
        option_items(p, &items, (const ProtobufCMessage *)e->value[i]->options);
        bracket(p, &items);
        sr_strlist_dispose(&items);
        sr_buf_puts(&p->out, ";\n");
    }
    range_list(p, "reserved", enum_range, (void *const *)e->reserved_range, e->n_reserved_range, 1,
               2147483647, depth + 1, NULL);
    reserved_names(p, e->reserved_name, e->n_reserved_name, depth + 1);
    indent(p, depth);
    sr_buf_puts(&p->out, "}\n");
}

static void extends(printer *p, pr_field *const *ext, size_t n, const pr_msg *owner, int depth)
{
    for (size_t i = 0; i < n;) {
        const char *extendee = ext[i]->extendee;
        indent(p, depth);
        sr_buf_printf(&p->out, "extend %s {\n", extendee);
        for (; i < n && strcmp(ext[i]->extendee, extendee) == 0; i++)
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

static void message_body(printer *p, const pr_msg *m, int depth)
{
    pr_field **fs = sr_xcalloc(m->n_field + 1, sizeof(*fs));
    size_t next = 0;

    if (m->n_field)
        memcpy(fs, m->field, m->n_field * sizeof(*fs));
    if (m->n_field && (p->flags & SR_PROTO_PRINT_NORMALIZE))
        qsort(fs, m->n_field, sizeof(*fs), cmp_field_number);
    option_statements(p, (const ProtobufCMessage *)m->options, depth);
    /* Nested types keep their order: map entries and groups are emitted by their fields. */
    for (size_t i = 0; i < m->n_nested_type; i++) {
        const pr_msg *n = m->nested_type[i];
        size_t owner = m->n_field;
        for (size_t k = next; k < m->n_field; k++) {
            const char *tn = fs[k]->type_name, *dot = tn ? strrchr(tn, '.') : NULL;
            if (dot && strcmp(dot + 1, n->name) == 0 &&
                (is_map_entry(n) ||
                 fs[k]->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP)) {
                owner = k;
                break;
            }
        }
        if (owner < m->n_field) {
            fields(p, m, fs, next, owner + 1, depth);
            next = owner + 1;
            continue;
        }
        if (is_map_entry(n))
            continue;
        indent(p, depth);
        sr_buf_printf(&p->out, "message %s {\n", n->name);
        message_body(p, n, depth + 1);
        indent(p, depth);
        sr_buf_puts(&p->out, "}\n");
    }
    fields(p, m, fs, next, m->n_field, depth);
    for (size_t i = 0; i < m->n_enum_type; i++)
        enum_def(p, m->enum_type[i], depth);
    range_list(p, "reserved", msg_range, (void *const *)m->reserved_range, m->n_reserved_range, 0,
               536870911, depth, NULL);
    reserved_names(p, m->reserved_name, m->n_reserved_name, depth);
    {
        const ProtobufCMessage **opts = sr_xcalloc(m->n_extension_range + 1, sizeof(*opts));
        for (size_t i = 0; i < m->n_extension_range; i++)
            opts[i] = (const ProtobufCMessage *)m->extension_range[i]->options;
        range_list(p, "extensions", ext_range, (void *const *)m->extension_range,
                   m->n_extension_range, 0, 536870911, depth, opts);
        free(opts);
    }
    if (!(p->flags & SR_PROTO_PRINT_NO_EXTENSIONS))
        extends(p, m->extension, m->n_extension, m, depth);
    free(fs);
}

static void service(printer *p, const Google__Protobuf__ServiceDescriptorProto *s)
{
    sr_buf_printf(&p->out, "service %s {\n", s->name);
    option_statements(p, (const ProtobufCMessage *)s->options, 1);
    for (size_t i = 0; i < s->n_method; i++) {
        const Google__Protobuf__MethodDescriptorProto *m = s->method[i];
        sr_buf_printf(&p->out, "  rpc %s (%s%s) returns (%s%s)", m->name,
                      m->client_streaming ? "stream " : "", m->input_type,
                      m->server_streaming ? "stream " : "", m->output_type);
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
    size_t n = 0;

    for (size_t i = 0; i < fd->n_dependency; i++) {
        const char *kind = "";
        for (size_t k = 0; k < fd->n_public_dependency; k++)
            if (fd->public_dependency[k] == (int32_t)i)
                kind = "public ";
        for (size_t k = 0; k < fd->n_weak_dependency; k++)
            if (fd->weak_dependency[k] == (int32_t)i)
                kind = "weak ";
        if (asprintf(&deps[n], "import %s\"%s\";\n", kind, fd->dependency[i]) >= 0)
            n++;
    }
    /* Import order means nothing, so the canonical text sorts imports: reordering them must
     * not make another schema. */
    qsort(deps, n, sizeof(*deps), cmp_str);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(deps[i], deps[i - 1]))
            sr_buf_puts(&p->out, deps[i]);
    for (size_t i = 0; i < n; i++)
        free(deps[i]);
    free(deps);
}

static const pr_sym *find_sym(const printer *p, const char *name, int kind)
{
    for (size_t i = 0; name && i < p->nsyms; i++)
        if (p->syms[i].kind == kind && strcmp(p->syms[i].name, name) == 0)
            return &p->syms[i];
    return NULL;
}

static void quoted_bytes(sr_buf *b, const uint8_t *data, size_t len)
{
    quoted(b, (const char *)data, len);
}

/* Decode one message's fields from the wire and print them as an aggregate "{ a: 1 b { } }". */
static void print_message(const printer *p, sr_buf *b, const pr_msg *m, const uint8_t *data,
                          size_t len, int depth)
{
    size_t pos = 0;

    sr_buf_puts(b, "{ ");
    while (pos < len && depth < 32) {
        uint64_t key = read_varint(data, len, &pos), v = 0;
        int wire = (int)(key & 7);
        const pr_field *f = NULL;
        const uint8_t *val = NULL;
        size_t vlen = 0;
        for (size_t i = 0; m && i < m->n_field; i++)
            if ((uint64_t)m->field[i]->number == key >> 3)
                f = m->field[i];
        if (wire == 0) {
            v = read_varint(data, len, &pos);
        } else if (wire == 1 || wire == 5) {
            int n = wire == 1 ? 8 : 4;
            for (int i = n; i-- > 0;)
                v = (v << 8) | (pos + (size_t)i < len ? data[pos + (size_t)i] : 0);
            pos += (size_t)n;
        } else if (wire == 2) {
            vlen = (size_t)read_varint(data, len, &pos);
            val = data + pos;
            pos += vlen;
        } else {
            break; /* groups are not written in options */
        }
        if (!f || pos > len)
            continue;
        sr_buf_printf(b, "%s: ", f->name);
        print_value(p, b, f, val, vlen, v);
        sr_buf_putc(b, ' ');
    }
    sr_buf_putc(b, '}');
}

static void print_value(const printer *p, sr_buf *b, const pr_field *f, const uint8_t *data,
                        size_t len, uint64_t v)
{
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        quoted_bytes(b, data, len);
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE: {
        const pr_sym *m = find_sym(p, f->type_name, 1);
        print_message(p, b, m ? m->ptr : NULL, data, len, 0);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        sr_buf_puts(b, v ? "true" : "false");
        break;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM: {
        const pr_sym *e = find_sym(p, f->type_name, 2);
        const Google__Protobuf__EnumDescriptorProto *ed = e ? e->ptr : NULL;
        const char *name = NULL;
        for (size_t i = 0; ed && i < ed->n_value && !name; i++)
            if (ed->value[i]->number == (int32_t)v)
                name = ed->value[i]->name;
        if (name)
            sr_buf_puts(b, name);
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

static void index_syms(printer *p, const Google__Protobuf__DescriptorProto *m, const char *scope);

static void add_sym(printer *p, const char *scope, const char *name, const void *ptr, int kind)
{
    pr_sym s;

    s.name = NULL;
    if (asprintf(&s.name, "%s.%s", scope, name) < 0)
        return;
    s.ptr = ptr;
    s.kind = kind;
    p->syms = sr_xrealloc(p->syms, (p->nsyms + 1) * sizeof(*p->syms));
    p->syms[p->nsyms++] = s;
}

static void index_syms(printer *p, const Google__Protobuf__DescriptorProto *m, const char *scope)
{
    char *full = NULL;

    add_sym(p, scope, m->name, m, 1);
    if (asprintf(&full, "%s.%s", scope, m->name) < 0)
        return;
    for (size_t i = 0; i < m->n_nested_type; i++)
        index_syms(p, m->nested_type[i], full);
    for (size_t i = 0; i < m->n_enum_type; i++)
        add_sym(p, full, m->enum_type[i]->name, m->enum_type[i], 2);
    for (size_t i = 0; i < m->n_extension; i++)
        add_sym(p, full, m->extension[i]->name, m->extension[i], 3);
    free(full);
}

static char *print_file(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags,
                        const sr_proto_fileset *fs);

char *sr_proto_print(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags)
{
    return print_file(fd, flags, NULL);
}

char *sr_proto_print_set(const sr_proto_fileset *fs, unsigned flags)
{
    return print_file(sr_proto_fileset_main(fs), flags, fs);
}

static char *print_file(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags,
                        const sr_proto_fileset *fs)
{
    printer p = {SR_BUF_INIT, flags, fd->syntax && strcmp(fd->syntax, "proto3") == 0,
                 fd->syntax && strcmp(fd->syntax, "editions") == 0, NULL, 0};
    char *text;

    for (size_t f = 0; fs && f < fs->nfiles; f++) {
        const Google__Protobuf__FileDescriptorProto *file = fs->files[f];
        char *scope = NULL;
        if (asprintf(&scope, "%s%s", file->package ? "." : "", file->package ? file->package : "") < 0)
            continue;
        for (size_t i = 0; i < file->n_message_type; i++)
            index_syms(&p, file->message_type[i], scope);
        for (size_t i = 0; i < file->n_enum_type; i++)
            add_sym(&p, scope, file->enum_type[i]->name, file->enum_type[i], 2);
        for (size_t i = 0; i < file->n_extension; i++)
            add_sym(&p, scope, file->extension[i]->name, file->extension[i], 3);
        free(scope);
    }

    if (p.editions)
        sr_buf_puts(&p.out, "edition = \"2023\";\n");
    else if (p.proto3)
        sr_buf_puts(&p.out, "syntax = \"proto3\";\n");
    else if (!(flags & SR_PROTO_PRINT_NORMALIZE))
        sr_buf_puts(&p.out, "syntax = \"proto2\";\n");
    if (fd->package)
        sr_buf_printf(&p.out, "package %s;\n", fd->package);
    imports(&p, fd);
    option_statements(&p, (const ProtobufCMessage *)fd->options, 0);
    for (size_t i = 0; i < fd->n_message_type; i++) {
        sr_buf_printf(&p.out, "message %s {\n", fd->message_type[i]->name);
        message_body(&p, fd->message_type[i], 1);
        sr_buf_puts(&p.out, "}\n");
    }
    for (size_t i = 0; i < fd->n_enum_type; i++)
        enum_def(&p, fd->enum_type[i], 0);
    for (size_t i = 0; i < fd->n_service; i++)
        service(&p, fd->service[i]);
    if (!(flags & SR_PROTO_PRINT_NO_EXTENSIONS))
        extends(&p, fd->extension, fd->n_extension, NULL, 0);
    for (size_t i = 0; i < p.nsyms; i++)
        free(p.syms[i].name);
    free(p.syms);
    text = sr_buf_detach(&p.out);
    return text;
}
