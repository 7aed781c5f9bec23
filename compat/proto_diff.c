/* proto_diff.c -- the protobuf schema diff as Confluent computes it (compatibility-rules.md §3):
 * types matched by name within their scope, fields and enum constants by number, oneofs by the
 * origin of their members, message-typed fields followed into other files. */
#include "compat/proto_diff.h"
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__FileDescriptorProto pd_file;
typedef Google__Protobuf__DescriptorProto pd_msg;
typedef Google__Protobuf__FieldDescriptorProto pd_field;
typedef Google__Protobuf__EnumDescriptorProto pd_enum;

/* A message anywhere in a set, by its fully-qualified name. */
typedef struct pd_type {
    char *fullname;        /* ".pkg.Msg.Inner" (owned) */
    const pd_msg *msg;
    const pd_file *file;
    size_t file_index;
} pd_type;

typedef struct pd_side {
    const sr_proto_fileset *fs;
    pd_type *types;
    size_t ntypes;
} pd_side;

typedef struct pd_ctx {
    sr_proto_diffs *out;
    pd_side orig, upd;
    const void **seen; /* (orig msg, upd msg) pairs already compared: the recursion guard */
    size_t nseen;
} pd_ctx;

static void add(sr_proto_diffs *out, const char *type, const char *path)
{
    out->v = sr_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
    out->v[out->n].type = type;
    out->v[out->n].path = sr_xstrdup(path);
    out->n++;
}

static void addf(sr_proto_diffs *out, const char *type, const char *base, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void addf(sr_proto_diffs *out, const char *type, const char *base, const char *fmt, ...)
{
    sr_buf b = SR_BUF_INIT;
    char tail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tail, sizeof(tail), fmt, ap);
    va_end(ap);
    sr_buf_printf(&b, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", tail);
    add(out, type, b.ptr);
    sr_buf_dispose(&b);
}

void sr_proto_diffs_dispose(sr_proto_diffs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    d->v = NULL;
    d->n = 0;
}

/* ---- type index ---- */

static int cmp_type(const void *a, const void *b)
{
    return strcmp(((const pd_type *)a)->fullname, ((const pd_type *)b)->fullname);
}


static void index_msg(pd_side *s, const pd_msg *m, const char *scope, const pd_file *f, size_t fi)
{
    pd_type t;

    t.fullname = NULL;
    if (asprintf(&t.fullname, "%s.%s", scope, m->name) < 0)
        return;
    t.msg = m;
    t.file = f;
    t.file_index = fi;
    s->types = sr_xrealloc(s->types, (s->ntypes + 1) * sizeof(*s->types));
    s->types[s->ntypes++] = t;
    for (size_t i = 0; i < m->n_nested_type; i++)
        index_msg(s, m->nested_type[i], t.fullname, f, fi);
}

static void index_side(pd_side *s, const sr_proto_fileset *fs)
{
    s->fs = fs;
    for (size_t fi = 0; fi < fs->nfiles; fi++) {
        const pd_file *f = fs->files[fi];
        char *scope = NULL;
        if (asprintf(&scope, "%s%s", f->package ? "." : "", f->package ? f->package : "") < 0)
            continue;
        for (size_t i = 0; i < f->n_message_type; i++)
            index_msg(s, f->message_type[i], scope, f, fi);
        free(scope);
    }
    if (s->ntypes) /* names are unique across a set (the parser refuses duplicates) */
        qsort(s->types, s->ntypes, sizeof(*s->types), cmp_type);
}

static void free_side(pd_side *s)
{
    for (size_t i = 0; i < s->ntypes; i++)
        free(s->types[i].fullname);
    free(s->types);
}

static const pd_type *lookup(const pd_side *s, const char *fullname)
{
    pd_type key = {(char *)fullname, NULL, NULL, 0};

    if (!s->ntypes || !fullname)
        return NULL;
    return bsearch(&key, s->types, s->ntypes, sizeof(*s->types), cmp_type);
}

/* ---- fields ---- */

typedef enum pd_kind { KIND_SCALAR, KIND_MESSAGE, KIND_MAP } pd_kind;

static int is_map_entry(const pd_msg *m)
{
    return m->options && m->options->has_map_entry && m->options->map_entry;
}

static pd_kind kind_of(const pd_side *s, const pd_field *f)
{
    const pd_type *t;

    if (f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE &&
        f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP)
        return KIND_SCALAR; /* enums count as scalars */
    t = f->type_name ? lookup(s, f->type_name) : NULL;
    return t && is_map_entry(t->msg) ? KIND_MAP : KIND_MESSAGE;
}

/* Scalar groups inside which a change is silent (§3.2). */
static int scalar_group(const pd_field *f)
{
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM:
        return 1; /* GENERAL_NUMBER */
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
        return 2; /* SIGNED_NUMBER */
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        return 3; /* STRING_OR_BYTES */
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        return 4;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return 5;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
        return 6;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
        return 7;
    default:
        return 0;
    }
}

/* The label as written, or 0 when the field has none (proto3 implicit presence). */
/* Is a `features.field_presence = IMPLICIT` option among these uninterpreted options? */
static int implicit_presence(Google__Protobuf__UninterpretedOption *const *u, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (u[i]->n_name == 2 && strcmp(u[i]->name[1]->name_part, "field_presence") == 0 &&
            u[i]->identifier_value && strcmp(u[i]->identifier_value, "IMPLICIT") == 0)
            return 1;
    return 0;
}

static int written_label(const pd_file *f, const pd_field *fd)
{
    int proto3 = f->syntax && strcmp(f->syntax, "proto3") == 0;

    if (f->syntax && strcmp(f->syntax, "editions") == 0) { /* presence explicit by default */
        if (fd->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
            return 3;
        if ((fd->options && implicit_presence(fd->options->uninterpreted_option,
                                              fd->options->n_uninterpreted_option)) ||
            (f->options && implicit_presence(f->options->uninterpreted_option,
                                             f->options->n_uninterpreted_option)))
            return 0;
        return 1;
    }
    if (fd->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
        return 3;
    if (fd->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED)
        return 2;
    if (!proto3 || fd->proto3_optional)
        return 1;
    return 0;
}

static int is_required(const pd_field *f)
{
    return f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED;
}

/* The real (not synthetic) oneof a field belongs to, or -1. */
static int oneof_of(const pd_field *f)
{
    return f->has_oneof_index && !f->proto3_optional ? f->oneof_index : -1;
}

/* A message type's name without its file's package: "Outer.Inner". */
static const char *local_name(const pd_type *t)
{
    const char *pkg = t->file->package;
    size_t n = pkg ? strlen(pkg) + 2 : 1; /* ".pkg." */

    return t->fullname + (strlen(t->fullname) > n ? n : 1);
}

static void compare_message(pd_ctx *c, const char *path, const pd_msg *o, const pd_file *of,
                            const pd_msg *u, const pd_file *uf);

/* The same imported file on both sides: same name and the same descriptor bytes. */
static int same_file(const pd_file *a, const pd_file *b)
{
    size_t la, lb;
    uint8_t *ba, *bb;
    int same;

    if (strcmp(a->name, b->name) != 0)
        return 0;
    la = protobuf_c_message_get_packed_size(&a->base);
    lb = protobuf_c_message_get_packed_size(&b->base);
    if (la != lb)
        return 0;
    ba = sr_xmalloc(la + 1);
    bb = sr_xmalloc(lb + 1);
    protobuf_c_message_pack(&a->base, ba);
    protobuf_c_message_pack(&b->base, bb);
    same = memcmp(ba, bb, la) == 0;
    free(ba);
    free(bb);
    return same;
}

/* Two message-typed fields: names without packages; bodies too when they live in other files. */
static void compare_named_types(pd_ctx *c, const char *path, const pd_field *o, const pd_field *u)
{
    const pd_type *ot = lookup(&c->orig, o->type_name), *ut = lookup(&c->upd, u->type_name);
    size_t omain = c->orig.fs->nfiles - 1, umain = c->upd.fs->nfiles - 1;
    sr_proto_diffs sub = {0};
    pd_ctx subctx;
    int incompatible = 0;

    if (!ot || !ut) { /* unresolvable: plain text comparison */
        if (strcmp(o->type_name, u->type_name) != 0)
            add(c->out, "FIELD_NAMED_TYPE_CHANGED", path);
        return;
    }
    if (strcmp(local_name(ot), local_name(ut)) != 0) {
        add(c->out, "FIELD_NAMED_TYPE_CHANGED", path);
        return;
    }
    if (ot->file_index == omain && ut->file_index == umain)
        return; /* both in the schema itself: the type walk compares them */
    if (ot->file_index != omain && ut->file_index != umain && same_file(ot->file, ut->file))
        return; /* the same reference on both sides */
    for (size_t i = 0; i < c->nseen; i += 2)
        if (c->seen[i] == ot->msg && c->seen[i + 1] == ut->msg)
            return; /* already being compared */
    c->seen = sr_xrealloc(c->seen, (c->nseen + 2) * sizeof(*c->seen));
    c->seen[c->nseen++] = ot->msg;
    c->seen[c->nseen++] = ut->msg;
    subctx = *c;
    subctx.out = &sub;
    {
        char *subpath = NULL;
        if (asprintf(&subpath, "#/%s", local_name(ut)) >= 0) {
            for (char *ch = subpath; *ch; ch++) /* nesting reads as a path: outer/GoogleHome */
                if (*ch == '.')
                    *ch = '/';
            compare_message(&subctx, subpath, ot->msg, ot->file, ut->msg, ut->file);
        }
        free(subpath);
    }
    c->seen = subctx.seen;
    c->nseen = subctx.nseen;
    for (size_t i = 0; i < sub.n; i++)
        incompatible |= !sr_proto_diff_is_compatible(sub.v[i].type);
    if (incompatible) {
        for (size_t i = 0; i < sub.n; i++)
            add(c->out, sub.v[i].type, sub.v[i].path);
        add(c->out, "FIELD_NAMED_TYPE_CHANGED", path);
    }
    sr_proto_diffs_dispose(&sub);
}

static const pd_field *entry_field(const pd_side *s, const pd_field *map, int number)
{
    const pd_type *t = lookup(s, map->type_name);

    for (size_t i = 0; t && i < t->msg->n_field; i++)
        if (t->msg->field[i]->number == number)
            return t->msg->field[i];
    return NULL;
}

static void compare_field_types(pd_ctx *c, const char *path, const pd_field *o, const pd_file *of,
                                const pd_field *u, const pd_file *uf, int labels)
{
    pd_kind ok = kind_of(&c->orig, o), uk = kind_of(&c->upd, u);

    if (ok != uk) {
        add(c->out, "FIELD_KIND_CHANGED", path);
        return;
    }
    if (ok == KIND_SCALAR) {
        int ol = written_label(of, o), ul = written_label(uf, u);
        if (scalar_group(o) != scalar_group(u))
            add(c->out, "FIELD_SCALAR_KIND_CHANGED", path);
        if (labels && ol && ul && ol != ul)
            add(c->out, scalar_group(u) == 3 ? "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
                                             : "FIELD_NUMERIC_LABEL_CHANGED", path);
    } else if (ok == KIND_MESSAGE) {
        compare_named_types(c, path, o, u);
    } else { /* maps: keys, then values, like fields without labels */
        for (int n = 1; n <= 2; n++) {
            const pd_field *oe = entry_field(&c->orig, o, n), *ue = entry_field(&c->upd, u, n);
            if (oe && ue)
                compare_field_types(c, path, oe, of, ue, uf, 0);
        }
    }
}

/* ---- messages ---- */

static const pd_field *by_number(const pd_msg *m, int32_t number)
{
    for (size_t i = 0; i < m->n_field; i++)
        if (m->field[i]->number == number)
            return m->field[i];
    return NULL;
}

static const char *oneof_name(const pd_msg *m, int index)
{
    return index >= 0 && (size_t)index < m->n_oneof_decl ? m->oneof_decl[index]->name : "";
}

/* Does any member of original oneof `index` survive (by number) in the update? */
static int oneof_survives(const pd_msg *o, int index, const pd_msg *u)
{
    for (size_t i = 0; i < o->n_field; i++)
        if (oneof_of(o->field[i]) == index && by_number(u, o->field[i]->number))
            return 1;
    return 0;
}

static int real_oneof(const pd_msg *m, size_t k)
{
    for (size_t i = 0; i < m->n_field; i++)
        if (m->field[i]->has_oneof_index && m->field[i]->oneof_index == (int32_t)k)
            return !m->field[i]->proto3_optional;
    return 1; /* an empty oneof is a real one */
}

static int has_oneof(const pd_msg *m, const char *name)
{
    for (size_t k = 0; k < m->n_oneof_decl; k++)
        if (real_oneof(m, k) && strcmp(m->oneof_decl[k]->name, name) == 0)
            return 1;
    return 0;
}

static void compare_oneofs(pd_ctx *c, const char *path, const pd_msg *o, const pd_msg *u)
{
    /* (b) update oneofs gathering members from several original places */
    for (size_t k = 0; k < u->n_oneof_decl; k++) {
        const char *origins[64];
        int norigins = 0, from_top = 0;
        if (!real_oneof(u, k))
            continue;
        for (size_t i = 0; i < u->n_field; i++) {
            const pd_field *uf = u->field[i], *of;
            const char *origin;
            int known = 0;
            if (oneof_of(uf) != (int)k || !(of = by_number(o, uf->number)))
                continue;
            if (oneof_of(of) >= 0) {
                origin = oneof_name(o, oneof_of(of));
            } else {
                origin = NULL;
                from_top++;
            }
            for (int x = 0; origin && x < norigins; x++)
                known |= origins[x] && strcmp(origins[x], origin) == 0;
            if (!known && norigins < 64)
                origins[norigins++] = origin; /* NULL: a top-level field, each its own origin */
        }
        if (norigins > 1)
            addf(c->out, from_top >= 2 ? "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                                       : "FIELD_MOVED_TO_EXISTING_ONEOF",
                 path, "%s", u->oneof_decl[k]->name);
    }
    /* (c) oneofs added and removed, by name */
    for (size_t k = 0; k < u->n_oneof_decl; k++)
        if (real_oneof(u, k) && !has_oneof(o, u->oneof_decl[k]->name))
            addf(c->out, "ONEOF_ADDED", path, "%s", u->oneof_decl[k]->name);
    for (size_t k = 0; k < o->n_oneof_decl; k++)
        if (real_oneof(o, k) && !has_oneof(u, o->oneof_decl[k]->name))
            addf(c->out, "ONEOF_REMOVED", path, "%s", o->oneof_decl[k]->name);
}

static void compare_fields(pd_ctx *c, const char *path, const pd_msg *o, const pd_file *of,
                           const pd_msg *u, const pd_file *uf)
{
    for (size_t i = 0; i < o->n_field; i++) { /* removed */
        const pd_field *f = o->field[i];
        int oi = oneof_of(f);
        if (by_number(u, f->number))
            continue;
        if (oi >= 0) {
            if (oneof_survives(o, oi, u))
                addf(c->out, "ONEOF_FIELD_REMOVED", path, "%s/%d", oneof_name(o, oi), f->number);
        } else {
            addf(c->out, is_required(f) ? "REQUIRED_FIELD_REMOVED" : "FIELD_REMOVED", path, "%d",
                 f->number);
        }
    }
    for (size_t i = 0; i < u->n_field; i++) { /* added, and kept */
        const pd_field *f = u->field[i], *was = by_number(o, f->number);
        int ui = oneof_of(f);
        char fpath[1024];
        if (!was) {
            if (ui >= 0)
                addf(c->out, "ONEOF_FIELD_ADDED", path, "%s/%d", oneof_name(u, ui), f->number);
            else
                addf(c->out, is_required(f) ? "REQUIRED_FIELD_ADDED" : "FIELD_ADDED", path, "%d",
                     f->number);
            continue;
        }
        if (ui >= 0) /* inside a oneof, the path names it */
            snprintf(fpath, sizeof(fpath), "%s/%s/%d", path, oneof_name(u, ui), f->number);
        else
            snprintf(fpath, sizeof(fpath), "%s/%d", path, f->number);
        if (oneof_of(was) >= 0 && ui < 0)
            add(c->out, "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", fpath);
        if (strcmp(was->name, f->name) != 0)
            add(c->out, "FIELD_NAME_CHANGED", fpath);
        compare_field_types(c, fpath, was, of, f, uf, 1);
    }
}

static void compare_types(pd_ctx *c, const char *path, pd_msg *const *om, size_t nom,
                          pd_enum *const *oe, size_t noe, pd_msg *const *um, size_t num,
                          pd_enum *const *ue, size_t nue, const pd_file *of, const pd_file *uf);

static void compare_message(pd_ctx *c, const char *path, const pd_msg *o, const pd_file *of,
                            const pd_msg *u, const pd_file *uf)
{
    compare_oneofs(c, path, o, u);
    compare_fields(c, path, o, of, u, uf);
    compare_types(c, path, o->nested_type, o->n_nested_type, o->enum_type, o->n_enum_type,
                  u->nested_type, u->n_nested_type, u->enum_type, u->n_enum_type, of, uf);
}

static void compare_enum(pd_ctx *c, const char *path, const pd_enum *o, const pd_enum *u)
{
    for (size_t i = 0; i < o->n_value; i++) {
        int found = 0;
        for (size_t k = 0; k < u->n_value && !found; k++)
            found = u->value[k]->number == o->value[i]->number;
        if (!found)
            addf(c->out, "ENUM_CONST_REMOVED", path, "%d", o->value[i]->number);
    }
    for (size_t k = 0; k < u->n_value; k++) {
        const Google__Protobuf__EnumValueDescriptorProto *was = NULL;
        for (size_t i = 0; i < o->n_value && !was; i++)
            if (o->value[i]->number == u->value[k]->number)
                was = o->value[i];
        if (!was)
            addf(c->out, "ENUM_CONST_ADDED", path, "%d", u->value[k]->number);
        else if (strcmp(was->name, u->value[k]->name) != 0)
            addf(c->out, "ENUM_CONST_CHANGED", path, "%d", u->value[k]->number);
    }
}

/* Index of the message called `name` among the non-map-entry messages, or -1. */
static int msg_index(pd_msg *const *m, size_t n, const char *name)
{
    int idx = 0;

    for (size_t i = 0; i < n; i++) {
        if (is_map_entry(m[i]))
            continue;
        if (strcmp(m[i]->name, name) == 0)
            return idx;
        idx++;
    }
    return -1;
}

static void compare_types(pd_ctx *c, const char *path, pd_msg *const *om, size_t nom,
                          pd_enum *const *oe, size_t noe, pd_msg *const *um, size_t num,
                          pd_enum *const *ue, size_t nue, const pd_file *of, const pd_file *uf)
{
    for (size_t i = 0; i < nom; i++)
        if (!is_map_entry(om[i]) && msg_index(um, num, om[i]->name) < 0)
            addf(c->out, "MESSAGE_REMOVED", path, "%s", om[i]->name);
    for (size_t k = 0; k < num; k++) {
        int oi, ui;
        char *sub = NULL;
        if (is_map_entry(um[k]))
            continue;
        oi = msg_index(om, nom, um[k]->name);
        if (oi < 0) {
            addf(c->out, "MESSAGE_ADDED", path, "%s", um[k]->name);
            continue;
        }
        ui = msg_index(um, num, um[k]->name);
        if (oi != ui)
            addf(c->out, "MESSAGE_MOVED", path, "%s", um[k]->name);
        if (asprintf(&sub, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                     um[k]->name) < 0)
            continue;
        for (size_t i = 0; i < nom; i++)
            if (strcmp(om[i]->name, um[k]->name) == 0)
                compare_message(c, sub, om[i], of, um[k], uf);
        free(sub);
    }
    for (size_t i = 0; i < noe; i++) {
        int found = 0;
        for (size_t k = 0; k < nue && !found; k++)
            found = strcmp(oe[i]->name, ue[k]->name) == 0;
        if (!found)
            addf(c->out, "ENUM_REMOVED", path, "%s", oe[i]->name);
    }
    for (size_t k = 0; k < nue; k++) {
        const pd_enum *was = NULL;
        for (size_t i = 0; i < noe && !was; i++)
            if (strcmp(oe[i]->name, ue[k]->name) == 0)
                was = oe[i];
        if (!was) {
            addf(c->out, "ENUM_ADDED", path, "%s", ue[k]->name);
        } else {
            char *sub = NULL;
            if (asprintf(&sub, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                         ue[k]->name) >= 0)
                compare_enum(c, sub, was, ue[k]);
            free(sub);
        }
    }
}

void sr_proto_diff_compare(sr_proto_diffs *out, const sr_proto_fileset *original,
                           const sr_proto_fileset *update)
{
    const pd_file *o = sr_proto_fileset_main(original), *u = sr_proto_fileset_main(update);
    pd_ctx c;

    memset(&c, 0, sizeof(c));
    c.out = out;
    index_side(&c.orig, original);
    index_side(&c.upd, update);
    if (strcmp(o->package ? o->package : "", u->package ? u->package : "") != 0)
        add(out, "PACKAGE_CHANGED", "#/");
    compare_types(&c, "#/", o->message_type, o->n_message_type, o->enum_type, o->n_enum_type,
                  u->message_type, u->n_message_type, u->enum_type, u->n_enum_type, o, u);
    free(c.seen);
    free_side(&c.orig);
    free_side(&c.upd);
}

static const char *const compatible_types[] = {
    "MESSAGE_ADDED", "MESSAGE_MOVED", "ENUM_ADDED", "ENUM_REMOVED", "ENUM_CONST_ADDED",
    "ENUM_CONST_CHANGED", "ENUM_CONST_REMOVED", "FIELD_ADDED", "FIELD_REMOVED",
    "FIELD_NAME_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED", "ONEOF_ADDED", "ONEOF_REMOVED",
    "ONEOF_FIELD_ADDED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
};

int sr_proto_diff_is_compatible(const char *type)
{
    for (size_t i = 0; i < sizeof(compatible_types) / sizeof(compatible_types[0]); i++)
        if (strcmp(type, compatible_types[i]) == 0)
            return 1;
    return 0;
}

static const struct {
    const char *type, *desc; /* desc: "%P" is the path */
} descriptions[] = {
    {"PACKAGE_CHANGED", "The package at '%P' in the %s schema does not match the package in the %s schema"},
    {"MESSAGE_REMOVED", "The %s schema is missing a MESSAGE type at path '%P' in the %s schema"},
    {"REQUIRED_FIELD_ADDED", "A required field  at path '%P' in the %s schema is missing in the %s schema"},
    {"REQUIRED_FIELD_REMOVED", "The %s schema is missing a required field at path: '%P' in the %s schema"},
    {"FIELD_KIND_CHANGED", "The type of a field at path '%P' in the %s schema does not match the %s schema"},
    {"FIELD_SCALAR_KIND_CHANGED", "The kind of a SCALAR field at path '%P' in the %s schema does not match its kind in the %s schema"},
    {"FIELD_NAMED_TYPE_CHANGED", "The type of a MESSAGE field at path '%P' in the %s schema does not match its type in the %s schema"},
    {"FIELD_NUMERIC_LABEL_CHANGED", "The label for a NUMERIC field at path '%P' in the %s schema does not match its label in the %s schema"},
    {"ONEOF_FIELD_REMOVED", "The %s schema is missing a oneof field at path '%P' in the %s schema"},
    {"MULTIPLE_FIELDS_MOVED_TO_ONEOF", "Multiple fields in the oneof at path '%P' in the %s schema are outside a oneof in the %s schema"},
    {"FIELD_MOVED_TO_EXISTING_ONEOF", "A field in the oneof at path '%P' in the %s schema is outside an existing oneof in the %s schema"},
};

char *sr_proto_diff_message(const sr_proto_diff *d)
{
    const char *desc = "";
    sr_buf b = SR_BUF_INIT;

    for (size_t i = 0; i < sizeof(descriptions) / sizeof(descriptions[0]); i++)
        if (strcmp(descriptions[i].type, d->type) == 0)
            desc = descriptions[i].desc;
    sr_buf_printf(&b, "{errorType:\"%s\", description:\"", d->type);
    for (const char *p = desc; *p; p++) {
        if (p[0] == '%' && p[1] == 'P') {
            sr_buf_puts(&b, d->path);
            p++;
        } else {
            sr_buf_putc(&b, *p);
        }
    }
    sr_buf_puts(&b, "\"}");
    return sr_buf_detach(&b);
}

/* ---- locating a path ---- */

int sr_proto_diff_locate(int *line, int *col, const sr_proto_fileset *fs, const char *path)
{
    const pd_file *f = sr_proto_fileset_main(fs);
    pd_msg *const *msgs = f->message_type;
    size_t nmsgs = f->n_message_type, np = 0;
    pd_enum *const *enums = f->enum_type;
    size_t nenums = f->n_enum_type;
    const pd_msg *cur = NULL;
    const pd_enum *cur_enum = NULL;
    int sp[64], found = -1;
    char *copy, *tok, *save = NULL;

    if (strncmp(path, "#/", 2) != 0)
        return -1;
    copy = sr_xstrdup(path + 2);
    for (tok = strtok_r(copy, "/", &save); tok && np + 2 < 64; tok = strtok_r(NULL, "/", &save)) {
        char *end;
        long number = strtol(tok, &end, 10);
        int matched = 0;
        if (*end == '\0' && cur_enum) { /* an enum value */
            for (size_t i = 0; i < cur_enum->n_value; i++)
                if (cur_enum->value[i]->number == number) {
                    sp[np++] = 2;
                    sp[np++] = (int)i;
                    found = 0;
                    matched = 1;
                }
        } else if (*end == '\0' && cur) { /* a field */
            for (size_t i = 0; i < cur->n_field; i++)
                if (cur->field[i]->number == number) {
                    sp[np++] = 2;
                    sp[np++] = (int)i;
                    found = 0;
                    matched = 1;
                }
        } else {
            for (size_t i = 0; i < nmsgs && !matched; i++) {
                if (strcmp(msgs[i]->name, tok) != 0)
                    continue;
                sp[np++] = cur ? 3 : 4;
                sp[np++] = (int)i;
                cur = msgs[i];
                msgs = cur->nested_type;
                nmsgs = cur->n_nested_type;
                enums = cur->enum_type;
                nenums = cur->n_enum_type;
                found = 0;
                matched = 1;
            }
            for (size_t i = 0; i < nenums && !matched; i++) {
                if (strcmp(enums[i]->name, tok) != 0)
                    continue;
                sp[np++] = cur ? 4 : 5;
                sp[np++] = (int)i;
                cur_enum = enums[i];
                found = 0;
                matched = 1;
            }
            for (size_t i = 0; cur && i < cur->n_oneof_decl && !matched; i++)
                matched = strcmp(cur->oneof_decl[i]->name, tok) == 0; /* a oneof: keep going */
        }
        if (!matched)
            break;
    }
    free(copy);
    if (found < 0 && strcmp(path, "#/") == 0) { /* the file: its package statement */
        sp[0] = 2;
        np = 1;
        found = 0;
    }
    if (found < 0)
        return -1;
    while (np > 0 && sr_proto_location(line, col, f, sp, np) < 0)
        np -= np >= 2 ? 2 : 1; /* the closest enclosing element with a position */
    return np > 0 ? 0 : -1;
}
