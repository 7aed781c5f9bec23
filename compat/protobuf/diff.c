/* protobuf/diff.c -- the protobuf schema diff as Confluent computes it (compatibility-rules.md §3):
 * types matched by name within their scope, fields and enum constants by number, oneofs by the
 * origin of their members, message-typed fields followed into other files.
 *
 * Every match goes through a sorted index (fields and values by number, types and oneofs by name),
 * verdicts on imported files and the pairs of messages already compared are kept in hash tables,
 * and each difference is placed in both main files as it is found, from the elements the walk is
 * at: the diff of two files is near-linear in their size. */
#include "compat/protobuf/protobuf.h"
#include "compat/format.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Google__Protobuf__FileDescriptorProto pd_file;
typedef Google__Protobuf__DescriptorProto pd_msg;
typedef Google__Protobuf__FieldDescriptorProto pd_field;
typedef Google__Protobuf__EnumDescriptorProto pd_enum;
typedef Google__Protobuf__EnumValueDescriptorProto pd_value;
typedef Google__Protobuf__SourceCodeInfo__Location pd_loc;

/* SourceCodeInfo numbering (descriptor.proto): a file's package, messages and enums; a message's
 * fields, nested messages and enums; an enum's values. */
enum {
    TAG_FILE_PACKAGE = 2, TAG_FILE_MESSAGE = 4, TAG_FILE_ENUM = 5,
    TAG_MSG_FIELD = 2, TAG_MSG_NESTED = 3, TAG_MSG_ENUM = 4,
    TAG_ENUM_VALUE = 2,
    TAG_SELF = -1,    /* pd_at: the element itself, not a child */
    TAG_PACKAGE = -2, /* pd_at: the file's package statement */
};

/* A message anywhere in a set, by its fully-qualified name. */
typedef struct pd_type {
    char *fullname;        /* ".pkg.Msg.Inner" (owned) */
    const pd_msg *msg;
    const pd_file *file;
    size_t file_index;
    int32_t *sp;           /* its SourceCodeInfo path in its file (owned) */
    size_t nsp;
} pd_type;

/* A location of the main file's SourceCodeInfo, and its place there. */
typedef struct pd_locref {
    const pd_loc *loc;
    size_t index;
} pd_locref;

typedef struct pd_side {
    const sr_proto_fileset *fs;
    pd_type *types;        /* sorted by fullname */
    size_t ntypes;
    pd_locref *locs;       /* the main file's locations, sorted by path; built on first use */
    size_t nlocs;
    int indexed;
} pd_side;

/* What one diff shares across its recursion. */
typedef struct pd_state {
    pd_side orig, upd;
    sr_pairmap seen;  /* (orig msg, upd msg) compared across files: the recursion guard */
    sr_pairmap same;  /* (orig file, upd file) -> same_file() verdict + 1 */
    int depth;        /* nesting of compare_message */
    int too_deep;     /* SR_COMPAT_MAX_DEPTH reached */
} pd_state;

typedef struct pd_ctx {
    sr_proto_diffs *out;
    pd_state *st;
} pd_ctx;

/* An element as a SourceCodeInfo path in its side's main file. */
typedef struct pd_elem {
    const int32_t *v;
    size_t n;
    int in_main; /* 0: it lives in an imported file, where positions are not looked for */
} pd_elem;

/* Where a difference is on each side: an element, or one of its children (tag, index). */
typedef struct pd_at {
    const char *path;
    const pd_elem *u;
    int utag;
    size_t uidx;
    const pd_elem *o;
    int otag;
    size_t oidx;
} pd_at;

/* ---- positions ---- */

static int cmp_path(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    if (na != nb)
        return na < nb ? -1 : 1;
    for (size_t i = 0; i < na; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static int cmp_loc(const void *a, const void *b)
{
    const pd_locref *x = a, *y = b;
    int d = cmp_path(x->loc->path, x->loc->n_path, y->loc->path, y->loc->n_path);

    return d ? d : (x->index > y->index) - (x->index < y->index);
}

static void index_locations(pd_side *s)
{
    const Google__Protobuf__SourceCodeInfo *info = sr_proto_fileset_main(s->fs)->source_code_info;

    s->indexed = 1;
    if (!info)
        return;
    s->locs = sr_xcalloc(info->n_location + 1, sizeof(*s->locs));
    for (size_t i = 0; i < info->n_location; i++)
        if (info->location[i]->n_span >= 2)
            s->locs[s->nlocs++] = (pd_locref){info->location[i], i};
    if (s->nlocs > 1) /* equal paths keep their order: the first recorded one is the answer */
        qsort(s->locs, s->nlocs, sizeof(*s->locs), cmp_loc);
}

/* The position recorded for exactly this path, as sr_proto_location finds it. */
static int find_location(sr_proto_pos *out, pd_side *s, const int32_t *path, size_t n)
{
    size_t lo = 0, hi;
    const pd_loc *l;

    if (!s->indexed)
        index_locations(s);
    hi = s->nlocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_path(s->locs[mid].loc->path, s->locs[mid].loc->n_path, path, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= s->nlocs)
        return -1;
    l = s->locs[lo].loc;
    if (cmp_path(l->path, l->n_path, path, n) != 0)
        return -1;
    out->line = l->span[0] + 1;
    out->column = l->span[1] + 1;
    return 0;
}

/* The position of an element (tag TAG_SELF) or its child, else of the closest enclosing element
 * that has one; none for elements of imported files. */
static sr_proto_pos position(pd_side *s, const pd_elem *e, int tag, size_t idx)
{
    sr_proto_pos pos = {0, 0};
    int32_t *path;
    size_t n;

    if (!e || !e->in_main)
        return pos;
    path = sr_xmalloc((e->n + 2) * sizeof(*path));
    if (tag == TAG_PACKAGE) {
        path[0] = TAG_FILE_PACKAGE;
        n = 1;
    } else {
        if (e->n)
            memcpy(path, e->v, e->n * sizeof(*path));
        n = e->n;
        if (tag != TAG_SELF) {
            path[n++] = tag;
            path[n++] = (int32_t)idx;
        }
    }
    while (n > 0 && find_location(&pos, s, path, n) < 0)
        n -= n >= 2 ? 2 : 1;
    free(path);
    return pos;
}

/* A child element's path: the parent's and (tag, index). Caller frees ->v. */
static pd_elem child(const pd_elem *parent, int tag, size_t idx)
{
    int32_t *v = sr_xmalloc((parent->n + 2) * sizeof(*v));

    if (parent->n)
        memcpy(v, parent->v, parent->n * sizeof(*v));
    v[parent->n] = tag;
    v[parent->n + 1] = (int32_t)idx;
    return (pd_elem){v, parent->n + 2, parent->in_main};
}

/* ---- the list of differences ---- */

static void push_diff(sr_proto_diffs *out, const char *type, char *path, sr_proto_where where)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 16;
        out->v = sr_xrealloc(out->v, out->cap * sizeof(*out->v));
        out->where = sr_xrealloc(out->where, out->cap * sizeof(*out->where));
    }
    out->v[out->n] = (sr_proto_diff){type, path};
    out->where[out->n] = where;
    out->n++;
}

static void emit(pd_ctx *c, const char *type, const pd_at *at)
{
    sr_proto_where w;

    w.update = position(&c->st->upd, at->u, at->utag, at->uidx);
    w.original = position(&c->st->orig, at->o, at->otag, at->oidx);
    push_diff(c->out, type, sr_xstrdup(at->path), w);
}

/* "base/tail" ("#/" + "Order" = "#/Order"). Caller frees. */
static char *join(const char *base, const char *tail)
{
    sr_buf b = SR_BUF_INIT;
    size_t n = strlen(base);

    sr_buf_printf(&b, "%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", tail);
    return sr_buf_detach(&b);
}

static char *join_number(const char *base, const char *oneof, int32_t number)
{
    sr_buf b = SR_BUF_INIT;
    char *path;

    if (oneof)
        sr_buf_printf(&b, "%s/", oneof);
    sr_buf_printf(&b, "%d", number);
    path = join(base, b.ptr);
    sr_buf_dispose(&b);
    return path;
}

/* Emit at `path` joined with `tail`. */
static void emit_at(pd_ctx *c, const char *type, char *path, const pd_elem *u, int utag,
                    size_t uidx, const pd_elem *o, int otag, size_t oidx)
{
    pd_at at = {path, u, utag, uidx, o, otag, oidx};
    emit(c, type, &at);
    free(path);
}

void sr_proto_diffs_dispose(sr_proto_diffs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    free(d->where);
    memset(d, 0, sizeof(*d));
}

/* ---- type index ---- */

static int cmp_type(const void *a, const void *b)
{
    return strcmp(((const pd_type *)a)->fullname, ((const pd_type *)b)->fullname);
}

static void index_msg(pd_side *s, const pd_msg *m, const char *scope, const pd_file *f, size_t fi,
                      const int32_t *parent, size_t nparent, int tag, size_t index)
{
    sr_buf name = SR_BUF_INIT;
    pd_type t;

    sr_buf_printf(&name, "%s.%s", scope, m->name);
    t.fullname = sr_buf_detach(&name);
    t.msg = m;
    t.file = f;
    t.file_index = fi;
    t.nsp = nparent + 2;
    t.sp = sr_xmalloc(t.nsp * sizeof(*t.sp));
    if (nparent)
        memcpy(t.sp, parent, nparent * sizeof(*t.sp));
    t.sp[nparent] = tag;
    t.sp[nparent + 1] = (int32_t)index;
    s->types = sr_xrealloc(s->types, (s->ntypes + 1) * sizeof(*s->types));
    s->types[s->ntypes++] = t;
    for (size_t i = 0; i < m->n_nested_type; i++) /* nesting is bounded by the parser */
        index_msg(s, m->nested_type[i], t.fullname, f, fi, t.sp, t.nsp, TAG_MSG_NESTED, i);
}

static void index_side(pd_side *s, const sr_proto_fileset *fs)
{
    s->fs = fs;
    for (size_t fi = 0; fi < fs->nfiles; fi++) {
        const pd_file *f = fs->files[fi];
        sr_buf scope = SR_BUF_INIT;
        if (f->package)
            sr_buf_printf(&scope, ".%s", f->package);
        for (size_t i = 0; i < f->n_message_type; i++)
            index_msg(s, f->message_type[i], scope.ptr, f, fi, NULL, 0, TAG_FILE_MESSAGE, i);
        sr_buf_dispose(&scope);
    }
    if (s->ntypes) /* names are unique across a set (the parser refuses duplicates) */
        qsort(s->types, s->ntypes, sizeof(*s->types), cmp_type);
}

static void free_side(pd_side *s)
{
    for (size_t i = 0; i < s->ntypes; i++) {
        free(s->types[i].fullname);
        free(s->types[i].sp);
    }
    free(s->types);
    free(s->locs);
}

static const pd_type *lookup(const pd_side *s, const char *fullname)
{
    pd_type key = {(char *)fullname, NULL, NULL, 0, NULL, 0};

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

typedef struct pd_view pd_view;

static void compare_message(pd_ctx *c, const char *path, const pd_msg *o, const pd_file *of,
                            const pd_elem *oe, const pd_msg *u, const pd_file *uf,
                            const pd_elem *ue);

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

/* same_file(), worked out once per pair of files. */
static int same_file_cached(pd_state *st, const pd_file *a, const pd_file *b)
{
    size_t *v = sr_pairmap_get(&st->same, a, b);

    if (!v) {
        int same = same_file(a, b);
        v = sr_pairmap_put(&st->same, a, b);
        *v = (size_t)same + 1;
    }
    return *v == 2;
}

/* Two message-typed fields: names without packages; bodies too when they live in other files. */
static void compare_named_types(pd_ctx *c, const pd_at *at, const pd_field *o, const pd_field *u)
{
    pd_state *st = c->st;
    const pd_type *ot = lookup(&st->orig, o->type_name), *ut = lookup(&st->upd, u->type_name);
    size_t omain = st->orig.fs->nfiles - 1, umain = st->upd.fs->nfiles - 1;
    sr_proto_diffs sub = {0};
    pd_ctx subctx = {&sub, st};
    pd_elem oe, ue;
    sr_buf subpath = SR_BUF_INIT;
    int incompatible = 0;

    if (!ot || !ut) { /* unresolvable: plain text comparison */
        if (strcmp(o->type_name, u->type_name) != 0)
            emit(c, "FIELD_NAMED_TYPE_CHANGED", at);
        return;
    }
    if (strcmp(local_name(ot), local_name(ut)) != 0) {
        emit(c, "FIELD_NAMED_TYPE_CHANGED", at);
        return;
    }
    if (ot->file_index == omain && ut->file_index == umain)
        return; /* both in the schema itself: the type walk compares them */
    if (ot->file_index != omain && ut->file_index != umain && same_file_cached(st, ot->file, ut->file))
        return; /* the same reference on both sides */
    if (sr_pairmap_get(&st->seen, ot->msg, ut->msg))
        return; /* already being compared */
    *sr_pairmap_put(&st->seen, ot->msg, ut->msg) = 1;
    sr_buf_printf(&subpath, "#/%s", local_name(ut));
    for (char *ch = subpath.ptr; *ch; ch++) /* nesting reads as a path: outer/GoogleHome */
        if (*ch == '.')
            *ch = '/';
    oe = (pd_elem){ot->sp, ot->nsp, ot->file_index == omain};
    ue = (pd_elem){ut->sp, ut->nsp, ut->file_index == umain};
    compare_message(&subctx, subpath.ptr, ot->msg, ot->file, &oe, ut->msg, ut->file, &ue);
    sr_buf_dispose(&subpath);
    for (size_t i = 0; i < sub.n; i++)
        incompatible |= !sr_proto_diff_is_compatible(sub.v[i].type);
    if (incompatible) {
        for (size_t i = 0; i < sub.n; i++) { /* moved into the answer */
            push_diff(c->out, sub.v[i].type, sub.v[i].path, sub.where[i]);
            sub.v[i].path = NULL;
        }
        emit(c, "FIELD_NAMED_TYPE_CHANGED", at);
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

static void compare_field_types(pd_ctx *c, const pd_at *at, const pd_field *o, const pd_file *of,
                                const pd_field *u, const pd_file *uf, int labels)
{
    pd_kind ok = kind_of(&c->st->orig, o), uk = kind_of(&c->st->upd, u);

    if (ok != uk) {
        emit(c, "FIELD_KIND_CHANGED", at);
        return;
    }
    if (ok == KIND_SCALAR) {
        int ol = written_label(of, o), ul = written_label(uf, u);
        if (scalar_group(o) != scalar_group(u))
            emit(c, "FIELD_SCALAR_KIND_CHANGED", at);
        if (labels && ol && ul && ol != ul)
            emit(c, scalar_group(u) == 3 ? "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
                                         : "FIELD_NUMERIC_LABEL_CHANGED", at);
    } else if (ok == KIND_MESSAGE) {
        compare_named_types(c, at, o, u);
    } else { /* maps: keys, then values, like fields without labels */
        for (int n = 1; n <= 2; n++) {
            const pd_field *oe = entry_field(&c->st->orig, o, n);
            const pd_field *ue = entry_field(&c->st->upd, u, n);
            if (oe && ue)
                compare_field_types(c, at, oe, of, ue, uf, 0);
        }
    }
}

/* ---- messages ---- */

/* A number and the element it belongs to, sorted by number then index. */
typedef struct num_ix {
    int32_t number;
    size_t index;
} num_ix;

static int cmp_num_ix(const void *a, const void *b)
{
    const num_ix *x = a, *y = b;

    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The index of the first element numbered `number`, or -1. */
static long find_number(const num_ix *v, size_t n, int32_t number)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].number == number ? (long)v[lo].index : -1;
}

/* A message's fields and oneofs, indexed for the comparison. */
struct pd_view {
    const pd_msg *m;
    num_ix *by_number;    /* fields */
    unsigned char *real;  /* real[k]: oneof k is a real one (not a proto3 optional's) */
    sr_name_ix *oneofs;   /* the real oneofs by name */
    size_t noneofs;
    size_t *start;        /* the fields of oneof k are members[start[k] .. start[k + 1]) */
    size_t *members;      /* field indices, in field order */
};

static void view_init(pd_view *v, const pd_msg *m)
{
    size_t nk = m->n_oneof_decl, *fill;
    unsigned char *seen = sr_xcalloc(nk + 1, 1);

    memset(v, 0, sizeof(*v));
    v->m = m;
    v->by_number = sr_xcalloc(m->n_field + 1, sizeof(*v->by_number));
    for (size_t i = 0; i < m->n_field; i++)
        v->by_number[i] = (num_ix){m->field[i]->number, i};
    if (m->n_field > 1)
        qsort(v->by_number, m->n_field, sizeof(*v->by_number), cmp_num_ix);
    v->real = sr_xcalloc(nk + 1, 1);
    for (size_t k = 0; k < nk; k++)
        v->real[k] = 1; /* an empty oneof is a real one */
    v->start = sr_xcalloc(nk + 2, sizeof(*v->start));
    for (size_t i = 0; i < m->n_field; i++) {
        const pd_field *f = m->field[i];
        if (!f->has_oneof_index || f->oneof_index < 0 || (size_t)f->oneof_index >= nk)
            continue;
        if (!seen[f->oneof_index]) { /* its first field says what the oneof is */
            seen[f->oneof_index] = 1;
            v->real[f->oneof_index] = !f->proto3_optional;
        }
        if (oneof_of(f) >= 0)
            v->start[f->oneof_index + 1]++;
    }
    for (size_t k = 0; k < nk; k++)
        v->start[k + 1] += v->start[k];
    v->members = sr_xcalloc(v->start[nk] + 1, sizeof(*v->members));
    fill = sr_xcalloc(nk + 1, sizeof(*fill));
    for (size_t i = 0; i < m->n_field; i++) {
        int k = oneof_of(m->field[i]);
        if (k >= 0 && (size_t)k < nk)
            v->members[v->start[k] + fill[k]++] = i;
    }
    v->oneofs = sr_xcalloc(nk + 1, sizeof(*v->oneofs));
    for (size_t k = 0; k < nk; k++)
        if (v->real[k])
            v->oneofs[v->noneofs++] = (sr_name_ix){m->oneof_decl[k]->name, k};
    sr_name_ix_sort(v->oneofs, v->noneofs);
    free(fill);
    free(seen);
}

static void view_dispose(pd_view *v)
{
    free(v->by_number);
    free(v->real);
    free(v->oneofs);
    free(v->start);
    free(v->members);
}

/* The index of the field numbered `number`, or -1. */
static long field_index(const pd_view *v, int32_t number)
{
    return find_number(v->by_number, v->m->n_field, number);
}

static const char *oneof_name(const pd_msg *m, int index)
{
    return index >= 0 && (size_t)index < m->n_oneof_decl ? m->oneof_decl[index]->name : "";
}

static int has_oneof(const pd_view *v, const char *name)
{
    return sr_name_ix_find(v->oneofs, v->noneofs, name) != NULL;
}

/* Oneofs (compatibility-rules.md §3.3 b, c); their differences are placed at the message. */
static void compare_oneofs(pd_ctx *c, const char *path, const pd_view *ov, const pd_elem *oe,
                           const pd_view *uv, const pd_elem *ue)
{
    const pd_msg *o = ov->m, *u = uv->m;

    /* (b) update oneofs gathering members from several original places: each top-level field
     * is a place of its own, each original oneof one place */
    for (size_t k = 0; k < u->n_oneof_decl; k++) {
        int from_top = 0, named = 0, first = -1;
        if (!uv->real[k])
            continue;
        for (size_t x = uv->start[k]; x < uv->start[k + 1]; x++) {
            long was = field_index(ov, u->field[uv->members[x]]->number);
            int origin;
            if (was < 0)
                continue;
            origin = oneof_of(o->field[was]);
            if (origin < 0)
                from_top++;
            else if (named == 0)
                first = origin, named = 1;
            else if (origin != first)
                named = 2;
        }
        if (from_top + named > 1)
            emit_at(c, from_top >= 2 ? "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                                     : "FIELD_MOVED_TO_EXISTING_ONEOF",
                    join(path, u->oneof_decl[k]->name), ue, TAG_SELF, 0, oe, TAG_SELF, 0);
    }
    /* (c) oneofs added and removed, by name */
    for (size_t k = 0; k < u->n_oneof_decl; k++)
        if (uv->real[k] && !has_oneof(ov, u->oneof_decl[k]->name))
            emit_at(c, "ONEOF_ADDED", join(path, u->oneof_decl[k]->name), ue, TAG_SELF, 0, oe,
                    TAG_SELF, 0);
    for (size_t k = 0; k < o->n_oneof_decl; k++)
        if (ov->real[k] && !has_oneof(uv, o->oneof_decl[k]->name))
            emit_at(c, "ONEOF_REMOVED", join(path, o->oneof_decl[k]->name), ue, TAG_SELF, 0, oe,
                    TAG_SELF, 0);
}

static void compare_fields(pd_ctx *c, const char *path, const pd_view *ov, const pd_file *of,
                           const pd_elem *oe, const pd_view *uv, const pd_file *uf,
                           const pd_elem *ue)
{
    const pd_msg *o = ov->m, *u = uv->m;
    unsigned char *survives = sr_xcalloc(o->n_oneof_decl + 1, 1); /* a member is kept */

    for (size_t i = 0; i < o->n_field; i++) {
        int k = oneof_of(o->field[i]);
        if (k >= 0 && (size_t)k < o->n_oneof_decl && field_index(uv, o->field[i]->number) >= 0)
            survives[k] = 1;
    }
    for (size_t i = 0; i < o->n_field; i++) { /* removed */
        const pd_field *f = o->field[i];
        int oi = oneof_of(f);
        if (field_index(uv, f->number) >= 0)
            continue;
        if (oi >= 0) {
            if ((size_t)oi < o->n_oneof_decl && survives[oi])
                emit_at(c, "ONEOF_FIELD_REMOVED", join_number(path, oneof_name(o, oi), f->number),
                        ue, TAG_SELF, 0, oe, TAG_MSG_FIELD, i);
        } else {
            emit_at(c, is_required(f) ? "REQUIRED_FIELD_REMOVED" : "FIELD_REMOVED",
                    join_number(path, NULL, f->number), ue, TAG_SELF, 0, oe, TAG_MSG_FIELD, i);
        }
    }
    for (size_t i = 0; i < u->n_field; i++) { /* added, and kept */
        const pd_field *f = u->field[i];
        long wi = field_index(ov, f->number);
        int ui = oneof_of(f);
        pd_at at;
        if (wi < 0) {
            if (ui >= 0)
                emit_at(c, "ONEOF_FIELD_ADDED", join_number(path, oneof_name(u, ui), f->number),
                        ue, TAG_MSG_FIELD, i, oe, TAG_SELF, 0);
            else
                emit_at(c, is_required(f) ? "REQUIRED_FIELD_ADDED" : "FIELD_ADDED",
                        join_number(path, NULL, f->number), ue, TAG_MSG_FIELD, i, oe, TAG_SELF, 0);
            continue;
        }
        /* inside a oneof, the path names it */
        at = (pd_at){join_number(path, ui >= 0 ? oneof_name(u, ui) : NULL, f->number), ue,
                     TAG_MSG_FIELD, i, oe, TAG_MSG_FIELD, (size_t)wi};
        if (oneof_of(o->field[wi]) >= 0 && ui < 0)
            emit(c, "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", &at);
        if (strcmp(o->field[wi]->name, f->name) != 0)
            emit(c, "FIELD_NAME_CHANGED", &at);
        compare_field_types(c, &at, o->field[wi], of, f, uf, 1);
        free((char *)at.path);
    }
    free(survives);
}

static void compare_types(pd_ctx *c, const char *path, pd_msg *const *om, size_t nom,
                          pd_enum *const *oe, size_t noe, pd_msg *const *um, size_t num,
                          pd_enum *const *ue, size_t nue, const pd_file *of, const pd_file *uf,
                          const pd_elem *oel, const pd_elem *uel, int file_level);

static void compare_message(pd_ctx *c, const char *path, const pd_msg *o, const pd_file *of,
                            const pd_elem *oe, const pd_msg *u, const pd_file *uf,
                            const pd_elem *ue)
{
    pd_state *st = c->st;
    pd_view ov, uv;

    if (st->too_deep)
        return;
    if (st->depth >= SR_COMPAT_MAX_DEPTH) {
        st->too_deep = 1;
        return;
    }
    st->depth++;
    view_init(&ov, o);
    view_init(&uv, u);
    compare_oneofs(c, path, &ov, oe, &uv, ue);
    compare_fields(c, path, &ov, of, oe, &uv, uf, ue);
    compare_types(c, path, o->nested_type, o->n_nested_type, o->enum_type, o->n_enum_type,
                  u->nested_type, u->n_nested_type, u->enum_type, u->n_enum_type, of, uf, oe, ue,
                  0);
    view_dispose(&ov);
    view_dispose(&uv);
    st->depth--;
}

static num_ix *values_by_number(const pd_enum *e)
{
    num_ix *v = sr_xcalloc(e->n_value + 1, sizeof(*v));

    for (size_t i = 0; i < e->n_value; i++)
        v[i] = (num_ix){e->value[i]->number, i};
    if (e->n_value > 1)
        qsort(v, e->n_value, sizeof(*v), cmp_num_ix);
    return v;
}

static void compare_enum(pd_ctx *c, const char *path, const pd_enum *o, const pd_elem *oe,
                         const pd_enum *u, const pd_elem *ue)
{
    num_ix *ov = values_by_number(o), *uv = values_by_number(u);

    for (size_t i = 0; i < o->n_value; i++)
        if (find_number(uv, u->n_value, o->value[i]->number) < 0)
            emit_at(c, "ENUM_CONST_REMOVED", join_number(path, NULL, o->value[i]->number), ue,
                    TAG_SELF, 0, oe, TAG_ENUM_VALUE, i);
    for (size_t k = 0; k < u->n_value; k++) {
        long was = find_number(ov, o->n_value, u->value[k]->number);
        if (was < 0)
            emit_at(c, "ENUM_CONST_ADDED", join_number(path, NULL, u->value[k]->number), ue,
                    TAG_ENUM_VALUE, k, oe, TAG_SELF, 0);
        else if (strcmp(o->value[was]->name, u->value[k]->name) != 0)
            emit_at(c, "ENUM_CONST_CHANGED", join_number(path, NULL, u->value[k]->number), ue,
                    TAG_ENUM_VALUE, k, oe, TAG_ENUM_VALUE, (size_t)was);
    }
    free(ov);
    free(uv);
}

/* Messages of a scope by name, and each one's index among the scope's messages that are not map
 * entries (rank[i], or -1 for a map entry). */
typedef struct msg_index {
    sr_name_ix *by_name;
    long *rank;
} msg_index;

static void msg_index_init(msg_index *ix, pd_msg *const *m, size_t n)
{
    long r = 0;

    ix->by_name = sr_xcalloc(n + 1, sizeof(*ix->by_name));
    ix->rank = sr_xcalloc(n + 1, sizeof(*ix->rank));
    for (size_t i = 0; i < n; i++) {
        ix->by_name[i] = (sr_name_ix){m[i]->name, i};
        ix->rank[i] = is_map_entry(m[i]) ? -1 : r++;
    }
    sr_name_ix_sort(ix->by_name, n);
}

/* The index among non-map-entry messages of the first one called `name`, or -1. */
static long msg_rank(const msg_index *ix, size_t n, const char *name)
{
    const sr_name_ix *e = sr_name_ix_find(ix->by_name, n, name);

    for (; e && e < ix->by_name + n && strcmp(e->name, name) == 0; e++)
        if (ix->rank[e->index] >= 0)
            return ix->rank[e->index];
    return -1;
}

static void compare_types(pd_ctx *c, const char *path, pd_msg *const *om, size_t nom,
                          pd_enum *const *oe, size_t noe, pd_msg *const *um, size_t num,
                          pd_enum *const *ue, size_t nue, const pd_file *of, const pd_file *uf,
                          const pd_elem *oel, const pd_elem *uel, int file_level)
{
    int mtag = file_level ? TAG_FILE_MESSAGE : TAG_MSG_NESTED;
    int etag = file_level ? TAG_FILE_ENUM : TAG_MSG_ENUM;
    msg_index oix, uix;
    sr_name_ix *oenums = sr_xcalloc(noe + 1, sizeof(*oenums));
    sr_name_ix *uenums = sr_xcalloc(nue + 1, sizeof(*uenums));

    msg_index_init(&oix, om, nom);
    msg_index_init(&uix, um, num);
    for (size_t i = 0; i < nom; i++)
        if (!is_map_entry(om[i]) && msg_rank(&uix, num, om[i]->name) < 0)
            emit_at(c, "MESSAGE_REMOVED", join(path, om[i]->name), uel, TAG_SELF, 0, oel, mtag, i);
    for (size_t k = 0; k < num && !c->st->too_deep; k++) {
        long oi, ui;
        const sr_name_ix *e;
        char *sub;
        if (is_map_entry(um[k]))
            continue;
        oi = msg_rank(&oix, nom, um[k]->name);
        if (oi < 0) {
            emit_at(c, "MESSAGE_ADDED", join(path, um[k]->name), uel, mtag, k, oel, TAG_SELF, 0);
            continue;
        }
        ui = msg_rank(&uix, num, um[k]->name);
        e = sr_name_ix_find(oix.by_name, nom, um[k]->name);
        if (oi != ui)
            emit_at(c, "MESSAGE_MOVED", join(path, um[k]->name), uel, mtag, k, oel, mtag,
                    e->index);
        sub = join(path, um[k]->name);
        for (; e < oix.by_name + nom && strcmp(e->name, um[k]->name) == 0; e++) {
            pd_elem oc = child(oel, mtag, e->index), uc = child(uel, mtag, k);
            compare_message(c, sub, om[e->index], of, &oc, um[k], uf, &uc);
            free((int32_t *)oc.v);
            free((int32_t *)uc.v);
        }
        free(sub);
    }
    for (size_t i = 0; i < noe; i++)
        oenums[i] = (sr_name_ix){oe[i]->name, i};
    for (size_t k = 0; k < nue; k++)
        uenums[k] = (sr_name_ix){ue[k]->name, k};
    sr_name_ix_sort(oenums, noe);
    sr_name_ix_sort(uenums, nue);
    for (size_t i = 0; i < noe; i++)
        if (!sr_name_ix_find(uenums, nue, oe[i]->name))
            emit_at(c, "ENUM_REMOVED", join(path, oe[i]->name), uel, TAG_SELF, 0, oel, etag, i);
    for (size_t k = 0; k < nue; k++) {
        const sr_name_ix *was = sr_name_ix_find(oenums, noe, ue[k]->name);
        if (!was) {
            emit_at(c, "ENUM_ADDED", join(path, ue[k]->name), uel, etag, k, oel, TAG_SELF, 0);
        } else {
            char *sub = join(path, ue[k]->name);
            pd_elem oc = child(oel, etag, was->index), uc = child(uel, etag, k);
            compare_enum(c, sub, oe[was->index], &oc, ue[k], &uc);
            free((int32_t *)oc.v);
            free((int32_t *)uc.v);
            free(sub);
        }
    }
    free(oenums);
    free(uenums);
    free(oix.by_name);
    free(oix.rank);
    free(uix.by_name);
    free(uix.rank);
}

int sr_proto_diff_compare(sr_proto_diffs *out, const sr_proto_fileset *original,
                          const sr_proto_fileset *update)
{
    const pd_file *o = sr_proto_fileset_main(original), *u = sr_proto_fileset_main(update);
    pd_state st;
    pd_ctx c = {out, &st};
    pd_elem root = {NULL, 0, 1};

    memset(&st, 0, sizeof(st));
    index_side(&st.orig, original);
    index_side(&st.upd, update);
    if (strcmp(o->package ? o->package : "", u->package ? u->package : "") != 0) {
        pd_at at = {"#/", &root, TAG_PACKAGE, 0, &root, TAG_PACKAGE, 0};
        emit(&c, "PACKAGE_CHANGED", &at);
    }
    compare_types(&c, "#/", o->message_type, o->n_message_type, o->enum_type, o->n_enum_type,
                  u->message_type, u->n_message_type, u->enum_type, u->n_enum_type, o, u, &root,
                  &root, 1);
    sr_pairmap_dispose(&st.seen);
    sr_pairmap_dispose(&st.same);
    free_side(&st.orig);
    free_side(&st.upd);
    return st.too_deep ? -1 : 0;
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
    size_t nmsgs = f->n_message_type, np = 0, cap = 0;
    pd_enum *const *enums = f->enum_type;
    size_t nenums = f->n_enum_type;
    const pd_msg *cur = NULL;
    const pd_enum *cur_enum = NULL;
    int *sp = NULL, found = -1;
    char *copy, *tok, *save = NULL;

    if (strncmp(path, "#/", 2) != 0)
        return -1;
    copy = sr_xstrdup(path + 2);
    for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        char *end;
        long number = strtol(tok, &end, 10);
        int matched = 0;
        if (np + 2 > cap) {
            cap = cap ? 2 * cap : 16;
            sp = sr_xrealloc(sp, cap * sizeof(*sp));
        }
        if (*end == '\0' && cur_enum) { /* an enum value */
            for (size_t i = 0; i < cur_enum->n_value && !matched; i++)
                if (cur_enum->value[i]->number == number) {
                    sp[np++] = TAG_ENUM_VALUE;
                    sp[np++] = (int)i;
                    found = 0;
                    matched = 1;
                }
        } else if (*end == '\0' && cur) { /* a field */
            for (size_t i = 0; i < cur->n_field && !matched; i++)
                if (cur->field[i]->number == number) {
                    sp[np++] = TAG_MSG_FIELD;
                    sp[np++] = (int)i;
                    found = 0;
                    matched = 1;
                }
        } else {
            for (size_t i = 0; i < nmsgs && !matched; i++) {
                if (strcmp(msgs[i]->name, tok) != 0)
                    continue;
                sp[np++] = cur ? TAG_MSG_NESTED : TAG_FILE_MESSAGE;
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
                sp[np++] = cur ? TAG_MSG_ENUM : TAG_FILE_ENUM;
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
        sp = sr_xrealloc(sp, sizeof(*sp));
        sp[0] = TAG_FILE_PACKAGE;
        np = 1;
        found = 0;
    }
    while (found == 0 && np > 0 && sr_proto_location(line, col, f, sp, np) < 0)
        np -= np >= 2 ? 2 : 1; /* the closest enclosing element with a position */
    free(sp);
    return found == 0 && np > 0 ? 0 : -1;
}
