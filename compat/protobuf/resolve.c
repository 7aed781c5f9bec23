/* protobuf/resolve.c -- a .proto file and its imports as a set of descriptors: imports loaded from
 * the caller's references or the built-in files, type names resolved to fully-qualified names by
 * protoc's scoping rules (innermost scope outwards), and protoc's checks that need the whole
 * file: duplicate symbols, field numbers against reserved and extension ranges, overlapping
 * ranges, enum aliases, defaults of enum fields, extension numbers.
 *
 * Symbols live in one hash table keyed by (parent symbol, simple name), as protoc's scopes nest:
 * a name is resolved component by component, so that the cost of a file is linear in its size
 * even when names are long and nest deep (no full name is built to be looked up). Every pass is
 * a single walk with hash lookups, or a sort. */
#include "compat/protobuf/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum sym_kind {
    SYM_PACKAGE = 0,
    SYM_MESSAGE = PP_SYM_MESSAGE,
    SYM_ENUM = PP_SYM_ENUM,
    SYM_EXTENSION = PP_SYM_EXTENSION,
    SYM_FIELD,
    SYM_ONEOF,
    SYM_VALUE,
    SYM_SERVICE,
    SYM_METHOD,
} sym_kind;

typedef struct symbol {
    const struct symbol *parent; /* the enclosing package, message or service; NULL at the root */
    const char *name;            /* borrowed from the descriptor: the simple name (len bytes) */
    size_t len;
    sym_kind kind;
    const void *ptr;             /* the element: DescriptorProto, EnumDescriptorProto, field... */
    const void *owner;           /* a value's enum */
    size_t file;                 /* index in the set of the file that defines it */
} symbol;

typedef struct loader {
    const sr_dep *deps;
    size_t ndeps;
    pp_map dep_index;   /* import path -> its sr_dep (the first binding of a name wins) */
    sr_proto_fileset *fs;
    pp_map loaded;      /* path -> 1 + index in fs of the files loaded */
    pp_map loading;     /* path -> the files being loaded, for cycles */
    const char **chain; /* owned array: the import chain being loaded */
    size_t nchain;
    pp_map syms;        /* (parent symbol, name) -> symbol */
    pp_map by_elem;     /* message or enum -> its symbol */
    pp_map values;      /* (enum, name) -> the enum's value */
    symbol **all;       /* owned, every symbol */
    size_t nall;
    int max_depth;
    sr_err *err;
} loader;

/* ---- symbols ---- */

static const symbol *lookup(const loader *l, const symbol *scope, const char *name, size_t len)
{
    return pp_map_get(&l->syms, pp_name_key(scope, name, len));
}

static const symbol *symbol_of(const loader *l, const void *elem)
{
    return elem ? pp_map_get(&l->by_elem, pp_num_key(elem, 0)) : NULL;
}

/* ".a.b.C" (with_dot) or "a.b.C". Caller frees. */
static char *full_name(const symbol *s, int with_dot)
{
    size_t len = 0;
    char *out, *o;

    for (const symbol *t = s; t; t = t->parent)
        len += t->len + 1;
    out = sr_xmalloc(len + 1);
    o = out + len;
    *o = '\0';
    for (const symbol *t = s; t; t = t->parent) {
        o -= t->len;
        memcpy(o, t->name, t->len);
        *--o = '.';
    }
    if (with_dot)
        return out;
    memmove(out, out + 1, len);
    return out;
}

/* The file that defines a symbol: one of the set, or the one being loaded. */
static const pp_file *file_of(const loader *l, const symbol *s, const pp_parser *p)
{
    return s->file < l->fs->nfiles ? l->fs->files[s->file] : p->fd;
}

static const char *file_name(const loader *l, size_t file, const pp_parser *p)
{
    return file < l->fs->nfiles ? l->fs->files[file]->name : p->fd->name;
}

/* Add a symbol of the file being loaded; a duplicate is refused where `where` was written, in
 * protoc's words. *out (may be NULL) is the symbol, or the package already there. */
static int add_sym(loader *l, pp_parser *p, const symbol *parent, const char *name, sym_kind kind,
                   const void *ptr, const void *owner, const void *where, const symbol **out)
{
    symbol *s = sr_xmalloc(sizeof(*s)), *old;
    int line, col, rc;
    char *full, *scope;

    *s = (symbol){parent, name, strlen(name), kind, ptr, owner, l->fs->nfiles};
    old = pp_map_put(&l->syms, pp_name_key(parent, name, s->len), s);
    if (!old) {
        PP_APPEND(l->all, l->nall, s);
        if (kind == SYM_MESSAGE || kind == SYM_ENUM || kind == SYM_SERVICE)
            pp_map_put(&l->by_elem, pp_num_key(ptr, 0), s);
        if (out)
            *out = s;
        return 0;
    }
    free(s);
    if (old->kind == SYM_PACKAGE && kind == SYM_PACKAGE) {
        if (out)
            *out = old;
        return 0;
    }
    sr_proto__position(p, where, &line, &col);
    full = full_name(old, 0);
    scope = parent ? full_name(parent, 0) : NULL;
    if (old->file != l->fs->nfiles && kind == SYM_PACKAGE)
        rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined (as something other than a "
                               "package) in file \"%s\".", full, file_name(l, old->file, p));
    else if (old->file != l->fs->nfiles)
        rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined in file \"%s\".", full,
                               file_name(l, old->file, p));
    else if (kind == SYM_VALUE && !(old->kind == SYM_VALUE && old->owner == owner))
        rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined%s%s%s. Note that enum "
                               "values use C++ scoping rules, meaning that enum values are siblings "
                               "of their type, not children of it.  Therefore, \"%s\" must be "
                               "unique within %s%s%s, not just within \"%s\".", name,
                               scope ? " in \"" : "", scope ? scope : "", scope ? "\"" : "", name,
                               scope ? "\"" : "", scope ? scope : "the global scope",
                               scope ? "\"" : "", ((const pp_enum *)owner)->name);
    else if (scope)
        rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined in \"%s\".", name, scope);
    else
        rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined.", name);
    free(full);
    free(scope);
    return rc;
}

static int add_enum_syms(loader *l, pp_parser *p, const symbol *parent, const pp_enum *e)
{
    if (add_sym(l, p, parent, e->name, SYM_ENUM, e, NULL, &e->name, NULL) < 0)
        return -1;
    for (size_t i = 0; i < e->n_value; i++) { /* values are siblings of their enum (C++ scoping) */
        const pp_value *v = e->value[i];
        if (add_sym(l, p, parent, v->name, SYM_VALUE, v, e, &v->name, NULL) < 0)
            return -1;
        pp_map_put(&l->values, pp_name_key(e, v->name, strlen(v->name)), (void *)v);
    }
    return 0;
}

/* A message and what it declares, in protoc's order: oneofs, fields, nested messages, enums,
 * extensions. The parser bounded the nesting by max_depth. */
static int add_message_syms(loader *l, pp_parser *p, const symbol *parent, const pp_msg *m)
{
    const symbol *s = NULL;

    if (add_sym(l, p, parent, m->name, SYM_MESSAGE, m, NULL, &m->name, &s) < 0)
        return -1;
    for (size_t i = 0; i < m->n_oneof_decl; i++)
        if (add_sym(l, p, s, m->oneof_decl[i]->name, SYM_ONEOF, m->oneof_decl[i], m,
                    &m->oneof_decl[i]->name, NULL) < 0)
            return -1;
    for (size_t i = 0; i < m->n_field; i++)
        if (add_sym(l, p, s, m->field[i]->name, SYM_FIELD, m->field[i], m, &m->field[i]->name,
                    NULL) < 0)
            return -1;
    for (size_t i = 0; i < m->n_nested_type; i++)
        if (add_message_syms(l, p, s, m->nested_type[i]) < 0)
            return -1;
    for (size_t i = 0; i < m->n_enum_type; i++)
        if (add_enum_syms(l, p, s, m->enum_type[i]) < 0)
            return -1;
    for (size_t i = 0; i < m->n_extension; i++)
        if (add_sym(l, p, s, m->extension[i]->name, SYM_EXTENSION, m->extension[i], NULL,
                    &m->extension[i]->name, NULL) < 0)
            return -1;
    return 0;
}

/* The package's components, then messages, enums, services (and their methods), extensions.
 * *pkg_out is the package's symbol (NULL without a package). */
static int add_file_syms(loader *l, pp_parser *p, const symbol **pkg_out)
{
    const pp_file *fd = p->fd;
    const symbol *pkg = NULL;

    for (const char *s = fd->package; s && *s;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        symbol *c = sr_xmalloc(sizeof(*c)), *old;
        *c = (symbol){pkg, s, len, SYM_PACKAGE, NULL, NULL, l->fs->nfiles};
        old = pp_map_put(&l->syms, pp_name_key(pkg, s, len), c);
        if (old) {
            free(c);
            if (old->kind != SYM_PACKAGE) {
                int line, col, rc;
                char *full = full_name(old, 0);
                sr_proto__position(p, &fd->package, &line, &col);
                rc = sr_proto__fail_at(p, line, col, "\"%s\" is already defined (as something "
                                       "other than a package) in file \"%s\".", full,
                                       file_name(l, old->file, p));
                free(full);
                return rc;
            }
            c = old;
        } else {
            PP_APPEND(l->all, l->nall, c);
        }
        pkg = c;
        s += len + (dot != NULL);
    }
    *pkg_out = pkg;
    for (size_t i = 0; i < fd->n_message_type; i++)
        if (add_message_syms(l, p, pkg, fd->message_type[i]) < 0)
            return -1;
    for (size_t i = 0; i < fd->n_enum_type; i++)
        if (add_enum_syms(l, p, pkg, fd->enum_type[i]) < 0)
            return -1;
    for (size_t i = 0; i < fd->n_service; i++) {
        const Google__Protobuf__ServiceDescriptorProto *sv = fd->service[i];
        const symbol *s = NULL;
        if (add_sym(l, p, pkg, sv->name, SYM_SERVICE, sv, NULL, &sv->name, &s) < 0)
            return -1;
        for (size_t k = 0; k < sv->n_method; k++)
            if (add_sym(l, p, s, sv->method[k]->name, SYM_METHOD, sv->method[k], NULL,
                        &sv->method[k]->name, NULL) < 0)
                return -1;
    }
    for (size_t i = 0; i < fd->n_extension; i++)
        if (add_sym(l, p, pkg, fd->extension[i]->name, SYM_EXTENSION, fd->extension[i], NULL,
                    &fd->extension[i]->name, NULL) < 0)
            return -1;
    return 0;
}

/* ---- names ---- */

static int is_aggregate(const symbol *s)
{
    return s->kind == SYM_PACKAGE || s->kind == SYM_MESSAGE || s->kind == SYM_ENUM ||
           s->kind == SYM_SERVICE;
}

static int is_type(const symbol *s)
{
    return s->kind == SYM_MESSAGE || s->kind == SYM_ENUM;
}

/* "a.b.c" under `from`, component by component. */
static const symbol *find_path(const loader *l, const symbol *from, const char *name)
{
    for (;;) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        from = lookup(l, from, name, len);
        if (!from || !dot)
            return from;
        name = dot + 1;
    }
}

/* protoc's LookupSymbol: a leading dot means fully qualified; otherwise the first component is
 * looked up from `scope` outwards (skipping what cannot hold the rest: a compound name needs a
 * package, message, enum or service, a type name a message or enum), the rest under it. */
static const symbol *resolve(const loader *l, const char *name, const symbol *scope, int types_only)
{
    const char *dot;
    size_t first;

    if (name[0] == '.')
        return find_path(l, NULL, name + 1);
    dot = strchr(name, '.');
    first = dot ? (size_t)(dot - name) : strlen(name);
    for (const symbol *s = scope;; s = s->parent) {
        const symbol *hit = lookup(l, s, name, first);
        if (hit) {
            if (dot) {
                if (is_aggregate(hit))
                    return find_path(l, hit, dot + 1);
            } else if (!types_only || is_type(hit)) {
                return hit;
            }
        }
        if (!s)
            return NULL;
    }
}

/* The scope a name written in message `m` (or at file level, NULL) is resolved from. */
static const symbol *scope_of(const loader *l, const pp_msg *m, const symbol *pkg)
{
    const symbol *s = symbol_of(l, m);
    return s ? s : pkg;
}

static int syntax_is(const pp_file *fd, const char *syntax)
{
    return fd->syntax && strcmp(fd->syntax, syntax) == 0;
}

/* Type names, extendees, method types: rewritten fully qualified, fields typed. */
static int resolve_pending(loader *l, pp_parser *p, const symbol *pkg)
{
    for (size_t i = 0; i < p->npending; i++) {
        pp_pending *pend = &p->pending[i];
        const symbol *s = resolve(l, *pend->slot, scope_of(l, pend->scope, pkg), 1);
        if (!s)
            return sr_proto__fail_at(p, pend->line, pend->col, "\"%s\" is not defined.",
                                     *pend->slot);
        if (pend->message_only && s->kind != SYM_MESSAGE)
            return sr_proto__fail_at(p, pend->line, pend->col, "\"%s\" is not a message type.",
                                     *pend->slot);
        if (p->proto3 && pend->field && !pend->field->extendee && s->kind == SYM_ENUM &&
            !syntax_is(file_of(l, s, p), "proto3") && !syntax_is(file_of(l, s, p), "editions")) {
            char *e = full_name(s, 0), *m = full_name(scope_of(l, pend->scope, pkg), 0);
            sr_proto__fail_at(p, pend->line, pend->col, "Enum type \"%s\" is not a proto3 enum, "
                              "but is used in \"%s\" which is a proto3 message type.", e, m);
            free(e);
            free(m);
            return -1;
        }
        free(*pend->slot);
        *pend->slot = full_name(s, 1);
        if (pend->field && !pend->field->has_type) {
            pend->field->has_type = 1;
            pend->field->type = s->kind == SYM_ENUM
                                    ? GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM
                                    : GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
        }
    }
    return 0;
}

/* ---- ranges ---- */

/* A set of number ranges [start, end) sorted by start, with the running maximum of the ends, to
 * answer "which range holds n" and "which range meets [a, b)" by binary search. */
typedef struct span {
    int64_t start, end;
    size_t index; /* declaration order */
} span;

typedef struct spans {
    span *v;      /* owned, by start */
    size_t *best; /* owned: best[i] = the one of v[0..i] with the largest end */
    size_t n;
} spans;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Empty ranges (an end that wrapped, as protoc's does past 2^31-1) hold nothing: left out. */
static void spans_build(spans *s, const int64_t (*r)[2], size_t n)
{
    s->v = sr_xmalloc((n + 1) * sizeof(*s->v));
    s->best = sr_xmalloc((n + 1) * sizeof(*s->best));
    s->n = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i][1] > r[i][0])
            s->v[s->n++] = (span){r[i][0], r[i][1], i};
    if (s->n)
        qsort(s->v, s->n, sizeof(*s->v), cmp_span);
    for (size_t i = 0; i < s->n; i++)
        s->best[i] = i == 0 || s->v[i].end > s->v[s->best[i - 1]].end ? i : s->best[i - 1];
}

static void spans_dispose(spans *s)
{
    free(s->v);
    free(s->best);
}

/* The declaration index of a range meeting [a, b), or -1. */
static long spans_meet(const spans *s, int64_t a, int64_t b)
{
    size_t lo = 0, hi = s->n; /* the ranges starting before b: v[0..lo) */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].start < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || s->v[s->best[lo - 1]].end <= a)
        return -1;
    return (long)s->v[s->best[lo - 1]].index;
}

/* Two ranges of the set that overlap, in declaration order (*first < *second): 0, or -1. */
static int spans_overlap(const spans *s, size_t *first, size_t *second)
{
    for (size_t i = 1; i < s->n; i++) {
        const span *prev = &s->v[s->best[i - 1]];
        if (s->v[i].start < prev->end) {
            *first = prev->index < s->v[i].index ? prev->index : s->v[i].index;
            *second = prev->index < s->v[i].index ? s->v[i].index : prev->index;
            return 0;
        }
    }
    return -1;
}

/* A message's reserved and extension ranges as [start, end) in 64 bits. */
static int64_t (*msg_ranges(const pp_msg *m, int ext))[2]
{
    size_t n = ext ? m->n_extension_range : m->n_reserved_range;
    int64_t (*r)[2] = sr_xmalloc((n + 1) * sizeof(*r));

    for (size_t i = 0; i < n; i++) {
        r[i][0] = ext ? m->extension_range[i]->start : m->reserved_range[i]->start;
        r[i][1] = ext ? m->extension_range[i]->end : m->reserved_range[i]->end;
    }
    return r;
}

/* ---- checks ---- */

typedef struct checker {
    loader *l;
    pp_parser *p;
    const symbol *pkg;
    pp_map ext_numbers; /* (extendee, number) -> the file's extension using it */
    pp_map ext_ranges;  /* extendee -> its spans of extension ranges (owned) */
    spans **owned;      /* owned: the spans built for ext_ranges */
    size_t nowned;
} checker;

static int fail_at_elem(pp_parser *p, const void *elem, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fail at where `elem` was written. */
static int fail_at_elem(pp_parser *p, const void *elem, const char *fmt, ...)
{
    char *msg = NULL;
    int line, col, rc;
    va_list ap;

    sr_proto__position(p, elem, &line, &col);
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    rc = sr_proto__fail_at(p, line, col, "%s", msg ? msg : "");
    free(msg);
    return rc;
}

/* A field name lower-cased without underscores: how protoc compares JSON names in proto3. */
static char *json_key(const char *name)
{
    char *out = sr_xmalloc(strlen(name) + 1), *o = out;

    for (; *name; name++)
        if (*name != '_')
            *o++ = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;
    *o = '\0';
    return out;
}

/* protoc's check of reserved names: each once; none used by an element (`names`, `count`). */
static int check_reserved_names(pp_parser *p, char *const *reserved, size_t nreserved,
                                const char *const *names, const void *const *where, size_t count,
                                const char *what)
{
    pp_map set;
    int rc = 0;

    pp_map_init(&set);
    for (size_t i = 0; i < nreserved && rc == 0; i++)
        if (pp_map_put(&set, pp_name_key(NULL, reserved[i], strlen(reserved[i])), reserved[i]))
            rc = fail_at_elem(p, reserved[i], "%s \"%s\" is reserved multiple times.", what,
                              reserved[i]);
    for (size_t i = 0; i < count && rc == 0 && set.n; i++)
        if (pp_map_get(&set, pp_name_key(NULL, names[i], strlen(names[i]))))
            rc = fail_at_elem(p, where[i], "%s \"%s\" is reserved.", what, names[i]);
    pp_map_dispose(&set);
    return rc;
}

/* Defaults that need the field's type: enum values by name; none on messages or repeated. */
static int check_default(checker *c, const pp_field *f)
{
    const pp_enum *e;
    const symbol *es;
    const char *d = f->default_value;

    if (!d)
        return 0;
    if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
        return fail_at_elem(c->p, &f->default_value, "Repeated fields can't have default values.");
    if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE ||
        f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP)
        return fail_at_elem(c->p, &f->default_value, "Messages can't have default values.");
    if (f->type != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM)
        return 0;
    if (!pl_letter((unsigned char)d[0]))
        return fail_at_elem(c->p, &f->default_value,
                            "Default value for an enum field must be an identifier.");
    for (const char *s = d; *s; s++)
        if (!pl_letter((unsigned char)*s) && !pl_digit((unsigned char)*s))
            return fail_at_elem(c->p, &f->default_value,
                                "Default value for an enum field must be an identifier.");
    es = find_path(c->l, NULL, f->type_name + 1);
    e = es ? es->ptr : NULL;
    if (e && !pp_map_get(&c->l->values, pp_name_key(e, d, strlen(d)))) {
        char *name = full_name(es, 0);
        int rc = fail_at_elem(c->p, &f->default_value, "Enum type \"%s\" has no value named \"%s\".",
                              name, d);
        free(name);
        return rc;
    }
    return 0;
}

/* Numbers against ranges, ranges against each other (protoc's order). */
static int check_numbers(checker *c, const pp_msg *m)
{
    int64_t (*res)[2] = msg_ranges(m, 0), (*ext)[2] = msg_ranges(m, 1);
    spans rs, es;
    size_t a, b;
    long k;
    int rc = -1;

    spans_build(&rs, res, m->n_reserved_range);
    spans_build(&es, ext, m->n_extension_range);
    for (size_t i = 0; i < m->n_reserved_range; i++)
        if (res[i][0] <= 0) {
            fail_at_elem(c->p, m->reserved_range[i], "Reserved numbers must be positive integers.");
            goto out;
        }
    for (size_t i = 0; i < m->n_extension_range; i++) {
        const void *r = m->extension_range[i];
        if (c->p->proto3) {
            fail_at_elem(c->p, r, "Extension ranges are not allowed in proto3.");
            goto out;
        }
        if (ext[i][0] <= 0 || ext[i][1] > (int64_t)PP_FIELD_MAX + 1) {
            fail_at_elem(c->p, r, ext[i][0] <= 0 ? "Extension numbers must be positive integers."
                                                 : "Extension numbers cannot be greater than "
                                                   "536870911.");
            goto out;
        }
    }
    for (size_t i = 0; i < m->n_field; i++) {
        const pp_field *f = m->field[i];
        if ((k = spans_meet(&es, f->number, (int64_t)f->number + 1)) >= 0) {
            fail_at_elem(c->p, m->extension_range[k], "Extension range %d to %d includes field "
                         "\"%s\" (%d).", (int)ext[k][0], (int)(ext[k][1] - 1), f->name, f->number);
            goto out;
        }
        if (spans_meet(&rs, f->number, (int64_t)f->number + 1) >= 0) {
            fail_at_elem(c->p, &f->number, "Field \"%s\" uses reserved number %d.", f->name,
                         f->number);
            goto out;
        }
    }
    for (size_t i = 0; i < m->n_extension_range; i++) {
        if ((k = spans_meet(&rs, ext[i][0], ext[i][1])) >= 0) {
            fail_at_elem(c->p, m->extension_range[i], "Extension range %d to %d overlaps with "
                         "reserved range %d to %d.", (int)ext[i][0], (int)(ext[i][1] - 1),
                         (int)res[k][0], (int)(res[k][1] - 1));
            goto out;
        }
    }
    if (spans_overlap(&es, &a, &b) == 0) {
        fail_at_elem(c->p, m->extension_range[a], "Extension range %d to %d overlaps with "
                     "already-defined range %d to %d.", (int)ext[b][0], (int)(ext[b][1] - 1),
                     (int)ext[a][0], (int)(ext[a][1] - 1));
        goto out;
    }
    if (spans_overlap(&rs, &a, &b) == 0) {
        fail_at_elem(c->p, m->reserved_range[a], "Reserved range %d to %d overlaps with "
                     "already-defined range %d to %d.", (int)res[b][0], (int)(res[b][1] - 1),
                     (int)res[a][0], (int)(res[a][1] - 1));
        goto out;
    }
    rc = 0;
out:
    spans_dispose(&rs);
    spans_dispose(&es);
    free(res);
    free(ext);
    return rc;
}

/* Field numbers used once; proto3 JSON names distinct (protoc 3.21: proto3 only, by the name
 * lower-cased without underscores). */
static int check_fields(checker *c, const pp_msg *m, const char *mname)
{
    pp_map numbers, json;
    char **keys = NULL;
    size_t nkeys = 0;
    int rc = 0;

    pp_map_init(&numbers);
    pp_map_init(&json);
    for (size_t i = 0; i < m->n_field && rc == 0; i++) {
        const pp_field *f = m->field[i], *old;
        old = pp_map_put(&numbers, pp_num_key(NULL, f->number), (void *)f);
        if (old)
            rc = fail_at_elem(c->p, &f->number, "Field number %d has already been used in \"%s\" "
                              "by field \"%s\".", f->number, mname, old->name);
        else
            rc = check_default(c, f);
    }
    for (size_t i = 0; i < m->n_field && rc == 0 && (c->p->proto3 || c->p->editions); i++) {
        const pp_field *f = m->field[i], *old;
        char *key = json_key(f->name);
        PP_APPEND(keys, nkeys, key);
        old = pp_map_put(&json, pp_name_key(NULL, key, strlen(key)), (void *)f);
        if (old)
            rc = fail_at_elem(c->p, &f->name, "The JSON camel-case name of field \"%s\" conflicts "
                              "with field \"%s\". This is not allowed in proto3.", f->name,
                              old->name);
    }
    for (size_t i = 0; i < nkeys; i++)
        free(keys[i]);
    free(keys);
    pp_map_dispose(&numbers);
    pp_map_dispose(&json);
    return rc;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* protoc's PrefixRemover and EnumValueToPascalCase: the name a code generator may give a value
 * once the enum's name is stripped from its front. Caller frees. */
static char *stripped_value_name(const char *prefix, const char *name)
{
    sr_buf pre = SR_BUF_INIT, out = SR_BUF_INIT;
    const char *s = name;
    size_t i, j, n = strlen(name);
    int matched = 1, upper = 1;

    for (const char *c = prefix; *c; c++)
        if (*c != '_')
            sr_buf_putc(&pre, ascii_lower(*c));
    for (i = 0, j = 0; i < n && j < pre.len; i++) {
        if (name[i] == '_')
            continue;
        if (ascii_lower(name[i]) != pre.ptr[j++]) {
            matched = 0;
            break;
        }
    }
    if (matched && j == pre.len) {
        while (i < n && name[i] == '_')
            i++;
        if (i < n) /* a value's name cannot become empty */
            s = name + i;
    }
    for (; *s; s++) {
        if (*s == '_') {
            upper = 1;
            continue;
        }
        sr_buf_putc(&out, upper ? (*s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s)
                                : ascii_lower(*s));
        upper = 0;
    }
    sr_buf_dispose(&pre);
    return sr_buf_detach(&out);
}

/* The full name of an enum value: its enum's scope and its name ("p.M.VALUE"). */
static char *value_full_name(const loader *l, const pp_enum *e, const pp_value *v)
{
    const symbol *es = symbol_of(l, e);
    char *scope = es && es->parent ? full_name(es->parent, 0) : NULL, *out = NULL;

    if (asprintf(&out, "%s%s%s", scope ? scope : "", scope ? "." : "", v->name) < 0)
        out = NULL;
    free(scope);
    return out;
}

static int check_enum(checker *c, const pp_enum *e)
{
    const char **names = sr_xmalloc((e->n_value + 1) * sizeof(*names));
    const void **where = sr_xmalloc((e->n_value + 1) * sizeof(*where));
    int64_t (*r)[2] = sr_xmalloc((e->n_reserved_range + 1) * sizeof(*r));
    int alias = e->options && e->options->has_allow_alias && e->options->allow_alias, dups = 0;
    pp_map numbers, stripped;
    char **keys = NULL;
    size_t nkeys = 0, a, b;
    spans rs;
    int rc = 0;

    pp_map_init(&numbers);
    pp_map_init(&stripped);
    for (size_t i = 0; i < e->n_value; i++) {
        names[i] = e->value[i]->name;
        where[i] = &e->value[i]->name;
    }
    for (size_t i = 0; i < e->n_reserved_range; i++) { /* inclusive ends */
        r[i][0] = e->reserved_range[i]->start;
        r[i][1] = (int64_t)e->reserved_range[i]->end + 1;
    }
    spans_build(&rs, (const int64_t(*)[2])r, e->n_reserved_range);
    rc = check_reserved_names(c->p, e->reserved_name, e->n_reserved_name, names, where,
                              e->n_value, "Enum value");
    for (size_t i = 0; i < e->n_value && rc == 0; i++) {
        const pp_value *v = e->value[i], *old;
        if (spans_meet(&rs, v->number, (int64_t)v->number + 1) >= 0) {
            rc = fail_at_elem(c->p, &v->number, "Enum value \"%s\" uses reserved number %d.",
                              v->name, v->number);
            break;
        }
        old = pp_map_put(&numbers, pp_num_key(NULL, v->number), (void *)v);
        dups |= old != NULL;
        if (old && !alias) {
            char *vn = value_full_name(c->l, e, v), *on = value_full_name(c->l, e, old);
            rc = fail_at_elem(c->p, &v->number, "\"%s\" uses the same enum value as \"%s\". If "
                              "this is intended, set 'option allow_alias = true;' to the enum "
                              "definition.", vn, on);
            free(vn);
            free(on);
        }
    }
    if (rc == 0 && alias && !dups) {
        const symbol *es = symbol_of(c->l, e);
        char *en = es ? full_name(es, 0) : sr_xstrdup(e->name);
        rc = fail_at_elem(c->p, &e->name, "\"%s\" declares support for enum aliases but no enum "
                          "values share field numbers. Please remove the unnecessary 'option "
                          "allow_alias = true;' declaration.", en);
        free(en);
    }
    for (size_t i = 0; i < e->n_value && rc == 0 && c->p->proto3; i++) {
        const pp_value *v = e->value[i], *old;
        char *key = stripped_value_name(e->name, v->name);
        PP_APPEND(keys, nkeys, key);
        old = pp_map_put(&stripped, pp_name_key(NULL, key, strlen(key)), (void *)v);
        if (old && strcmp(old->name, v->name) != 0 && old->number != v->number)
            rc = fail_at_elem(c->p, &v->name, "Enum name %s has the same name as %s if you "
                              "ignore case and strip out the enum name prefix (if any). This is "
                              "error-prone and can lead to undefined behavior. Please avoid doing "
                              "this. If you are using allow_alias, please assign the same numeric "
                              "value to both enums.", v->name, old->name);
    }
    if (rc == 0 && spans_overlap(&rs, &a, &b) == 0)
        rc = fail_at_elem(c->p, e->reserved_range[a], "Reserved range %d to %d overlaps with "
                          "already-defined range %d to %d.", (int)r[b][0], (int)(r[b][1] - 1),
                          (int)r[a][0], (int)(r[a][1] - 1));
    for (size_t i = 0; i < nkeys; i++)
        free(keys[i]);
    free(keys);
    spans_dispose(&rs);
    pp_map_dispose(&numbers);
    pp_map_dispose(&stripped);
    free(r);
    free(names);
    free(where);
    return rc;
}

/* The extension ranges of `extendee`, built once per extendee. */
static const spans *ext_spans_of(checker *c, const pp_msg *extendee)
{
    spans *s = pp_map_get(&c->ext_ranges, pp_num_key(extendee, 0));
    int64_t (*r)[2];

    if (s)
        return s;
    s = sr_xmalloc(sizeof(*s));
    r = msg_ranges(extendee, 1);
    spans_build(s, (const int64_t(*)[2])r, extendee->n_extension_range);
    free(r);
    pp_map_put(&c->ext_ranges, pp_num_key(extendee, 0), s);
    PP_APPEND(c->owned, c->nowned, s);
    return s;
}

static int is_options_message(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, ".google.protobuf.", 17) == 0 && n > 24 &&
           strcmp(name + n - 7, "Options") == 0;
}

/* An extension: of a message, within its declared ranges, its number used once in this file. */
static int check_extension(checker *c, const pp_field *f, const symbol *scope)
{
    const symbol *ts = find_path(c->l, NULL, f->extendee + 1);
    const pp_msg *target = ts ? ts->ptr : NULL;
    const pp_field *old;
    char *tn, *name = NULL;
    int rc = 0;

    if (!target)
        return 0;
    tn = full_name(ts, 0);
    if (f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED) {
        char *sn = scope ? full_name(scope, 0) : NULL;
        rc = fail_at_elem(c->p, &f->label, "The extension %s%s%s cannot be required.",
                          sn ? sn : "", sn ? "." : "", f->name);
        free(sn);
    } else if (c->p->proto3 && !is_options_message(f->extendee)) {
        rc = fail_at_elem(c->p, &f->extendee, "Extensions in proto3 are only allowed for defining "
                          "options.");
    } else if (spans_meet(ext_spans_of(c, target), f->number, (int64_t)f->number + 1) < 0) {
        rc = fail_at_elem(c->p, &f->number, "\"%s\" does not declare %d as an extension number.",
                          tn, f->number);
    } else if ((old = pp_map_put(&c->ext_numbers, pp_num_key(target, f->number), (void *)f))) {
        char *sn = scope ? full_name(scope, 0) : NULL;
        if (asprintf(&name, "%s%s%s", sn ? sn : "", sn ? "." : "", old->name) < 0)
            name = NULL;
        rc = fail_at_elem(c->p, &f->number, "Extension number %d has already been used in \"%s\" "
                          "by extension \"%s\".", f->number, tn, name ? name : old->name);
        free(sn);
    }
    free(name);
    free(tn);
    return rc;
}

static int check_message(checker *c, const pp_msg *m)
{
    const symbol *s = symbol_of(c->l, m);
    char *mname = s ? full_name(s, 0) : sr_xstrdup(m->name);
    const void **where = sr_xmalloc((m->n_field + 1) * sizeof(*where));
    const char **names = sr_xmalloc((m->n_field + 1) * sizeof(*names));
    int rc;

    for (size_t i = 0; i < m->n_field; i++) {
        names[i] = m->field[i]->name;
        where[i] = &m->field[i]->name;
    }
    rc = check_numbers(c, m);
    if (rc == 0)
        rc = check_reserved_names(c->p, m->reserved_name, m->n_reserved_name, names, where,
                                  m->n_field, "Field name");
    if (rc == 0)
        rc = check_fields(c, m, mname);
    free(names);
    free(where);
    free(mname);
    for (size_t i = 0; i < m->n_enum_type && rc == 0; i++)
        rc = check_enum(c, m->enum_type[i]);
    for (size_t i = 0; i < m->n_extension && rc == 0; i++)
        rc = check_extension(c, m->extension[i], s);
    for (size_t i = 0; i < m->n_extension && rc == 0; i++)
        rc = check_default(c, m->extension[i]);
    for (size_t i = 0; i < m->n_nested_type && rc == 0; i++) /* as deep as the parser allowed */
        rc = check_message(c, m->nested_type[i]);
    return rc;
}

static int check_file(loader *l, pp_parser *p, const symbol *pkg)
{
    checker c = {l, p, pkg, {0}, {0}, NULL, 0};
    int rc = 0;

    pp_map_init(&c.ext_numbers);
    pp_map_init(&c.ext_ranges);
    for (size_t i = 0; i < p->fd->n_message_type && rc == 0; i++)
        rc = check_message(&c, p->fd->message_type[i]);
    for (size_t i = 0; i < p->fd->n_enum_type && rc == 0; i++)
        rc = check_enum(&c, p->fd->enum_type[i]);
    for (size_t i = 0; i < p->fd->n_extension && rc == 0; i++)
        rc = check_extension(&c, p->fd->extension[i], pkg);
    for (size_t i = 0; i < p->fd->n_extension && rc == 0; i++)
        rc = check_default(&c, p->fd->extension[i]);
    for (size_t i = 0; i < c.nowned; i++) {
        spans_dispose(c.owned[i]);
        free(c.owned[i]);
    }
    free(c.owned);
    pp_map_dispose(&c.ext_numbers);
    pp_map_dispose(&c.ext_ranges);
    return rc;
}


/* ---- custom options ---- */

typedef struct opt_ctx {
    const loader *l;
    const symbol *pkg; /* the file's package: the scope of options written at file level */
} opt_ctx;

static const void *lookup_symbol(void *ctx, const char *name, const pp_msg *scope, int *kind)
{
    const opt_ctx *o = ctx;
    const symbol *s = resolve(o->l, name, scope_of(o->l, scope, o->pkg), 0);

    *kind = s ? (int)s->kind : 0;
    return s ? s->ptr : NULL;
}

static const pp_field *lookup_field(void *ctx, const pp_msg *m, const char *name, size_t len)
{
    const opt_ctx *o = ctx;
    const symbol *s = lookup(o->l, symbol_of(o->l, m), name, len);

    return s && s->kind == SYM_FIELD && s->owner == m ? s->ptr : NULL;
}

static const pp_value *lookup_value(void *ctx, const pp_enum *e, const char *name, size_t len)
{
    const opt_ctx *o = ctx;
    return pp_map_get(&o->l->values, pp_name_key(e, name, len));
}

/* ---- files ---- */

static int load(loader *l, const char *path, const char *text, int builtin, int depth);

/* "a.proto -> b.proto -> a.proto": the chain from `path`'s first appearance back to it. */
static char *cycle(const loader *l, const char *path)
{
    sr_buf b = SR_BUF_INIT;
    size_t i = 0;

    while (i < l->nchain && strcmp(l->chain[i], path) != 0)
        i++;
    for (; i < l->nchain; i++)
        sr_buf_printf(&b, "%s -> ", l->chain[i]);
    sr_buf_puts(&b, path);
    return sr_buf_detach(&b);
}

/* Load every import of the file before it: from the references, else the built-in files. */
static int load_imports(loader *l, pp_parser *p, int depth)
{
    for (size_t i = 0; i < p->fd->n_dependency; i++) {
        const char *dep = p->fd->dependency[i], *text = NULL;
        const sr_dep *ref;
        size_t len = strlen(dep);
        int builtin = 0, line, col;

        if (pp_map_get(&l->loaded, pp_name_key(NULL, dep, len)))
            continue;
        sr_proto__position(p, dep, &line, &col);
        if (pp_map_get(&l->loading, pp_name_key(NULL, dep, len))) {
            char *chain = cycle(l, dep);
            sr_proto__fail_at(p, line, col, "File recursively imports itself: %s", chain);
            free(chain);
            return -1;
        }
        if ((ref = pp_map_get(&l->dep_index, pp_name_key(NULL, dep, len))))
            text = ref->text;
        else if ((text = sr_proto__builtin(dep)))
            builtin = 1;
        if (!text)
            return sr_proto__fail_at(p, line, col, "Import \"%s\" was not found or had errors.", dep);
        if (depth + 1 > l->max_depth)
            return sr_proto__fail_at(p, line, col, "Imports nest deeper than %d files (the nesting "
                                     "limit).", l->max_depth);
        if (load(l, dep, text, builtin, depth + 1) < 0) {
            p->failed = 1; /* the imported file's error is the one reported */
            return -1;
        }
    }
    return 0;
}

/* Parse, load the imports, add the symbols, resolve names, interpret options, check, and add
 * the file to the set. Recursion as deep as imports nest (at most max_depth). */
static int load(loader *l, const char *path, const char *text, int builtin, int depth)
{
    pp_parser p;
    sr_proto_fileset *fs = l->fs;
    const symbol *pkg = NULL;
    int rc = -1;

    PP_APPEND(l->chain, l->nchain, path);
    pp_map_put(&l->loading, pp_name_key(NULL, path, strlen(path)), (void *)path);
    if (sr_proto__parse_file(&p, path, text, l->max_depth, l->err) < 0 ||
        load_imports(l, &p, depth) < 0 || add_file_syms(l, &p, &pkg) < 0 ||
        resolve_pending(l, &p, pkg) < 0)
        goto out;
    {
        opt_ctx o = {l, pkg};
        pp_lookup lk = {lookup_symbol, lookup_field, lookup_value, &o};
        if (sr_proto__interpret_options(&p, &lk) < 0)
            goto out;
    }
    if (check_file(l, &p, pkg) < 0)
        goto out;
    sr_proto__source_info(&p);
    fs->builtin = pp_grow(fs->builtin, fs->nfiles, sizeof(*fs->builtin));
    fs->builtin[fs->nfiles] = builtin;
    PP_APPEND(fs->files, fs->nfiles, p.fd);
    pp_map_put(&l->loaded, pp_name_key(NULL, p.fd->name, strlen(p.fd->name)),
               (void *)(uintptr_t)fs->nfiles);
    p.fd = NULL;
    rc = 0;
out:
    l->nchain--;
    sr_proto__parser_dispose(&p);
    return rc;
}

int sr_proto_parse_limited(sr_proto_fileset **out, const char *path, const char *text,
                           const sr_dep *deps, size_t ndeps, const sr_parse_limits *limits,
                           sr_err *err)
{
    loader l;
    int rc;

    memset(&l, 0, sizeof(l));
    l.deps = deps;
    l.ndeps = ndeps;
    l.fs = sr_xcalloc(1, sizeof(sr_proto_fileset));
    l.max_depth = limits && limits->max_depth > 0 ? limits->max_depth : SR_PARSE_MAX_DEPTH_DEFAULT;
    l.fs->max_depth = l.max_depth;
    l.err = err;
    pp_map_init(&l.dep_index);
    pp_map_init(&l.loaded);
    pp_map_init(&l.loading);
    pp_map_init(&l.syms);
    pp_map_init(&l.by_elem);
    pp_map_init(&l.values);
    for (size_t i = 0; i < ndeps; i++) /* the first binding of a name wins */
        pp_map_put(&l.dep_index, pp_name_key(NULL, deps[i].name, strlen(deps[i].name)),
                   (void *)&deps[i]);
    rc = load(&l, path && *path ? path : "schema.proto", text, 0, 0);
    for (size_t i = 0; i < l.nall; i++)
        free(l.all[i]);
    free(l.all);
    free(l.chain);
    pp_map_dispose(&l.dep_index);
    pp_map_dispose(&l.loaded);
    pp_map_dispose(&l.loading);
    pp_map_dispose(&l.syms);
    pp_map_dispose(&l.by_elem);
    pp_map_dispose(&l.values);
    if (rc < 0) {
        sr_proto_fileset_free(l.fs);
        return -1;
    }
    *out = l.fs;
    return 0;
}

int sr_proto_parse(sr_proto_fileset **out, const char *path, const char *text, const sr_dep *deps,
                   size_t ndeps, sr_err *err)
{
    return sr_proto_parse_limited(out, path, text, deps, ndeps, NULL, err);
}

void sr_proto_fileset_free(sr_proto_fileset *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->nfiles; i++)
        protobuf_c_message_free_unpacked(&fs->files[i]->base, NULL);
    free(fs->files);
    free(fs->builtin);
    free(fs);
}
