/* proto_resolve.c -- a .proto file and its imports as a set of descriptors: imports loaded from
 * the caller's references or the built-in files, type names resolved to fully-qualified names by
 * protoc's scoping rules (innermost scope outwards), and the checks that need the whole file. */
#include "compat/proto_parse_int.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMPORT_DEPTH 64

typedef enum sym_kind {
    SYM_PACKAGE = 0,
    SYM_MESSAGE = PP_SYM_MESSAGE,
    SYM_ENUM = PP_SYM_ENUM,
    SYM_EXTENSION = PP_SYM_EXTENSION,
} sym_kind;

typedef struct symbol {
    char *name;       /* ".pkg.Msg" (owned) */
    sym_kind kind;
    const void *ptr;  /* the descriptor it names (message, enum, extension field) */
} symbol;

typedef struct loader {
    const sr_dep *deps;
    size_t ndeps;
    sr_proto_fileset *fs;
    symbol *syms;
    size_t nsyms;
    sr_err *err;
} loader;

static int cmp_sym(const void *a, const void *b)
{
    return strcmp(((const symbol *)a)->name, ((const symbol *)b)->name);
}

static const symbol *find(const loader *l, const char *name)
{
    symbol key = {(char *)name, SYM_PACKAGE, NULL};
    if (l->nsyms == 0)
        return NULL;
    return bsearch(&key, l->syms, l->nsyms, sizeof(*l->syms), cmp_sym);
}

static void add_sym_ptr(loader *l, const char *name, sym_kind kind, const void *ptr)
{
    symbol s = {sr_xstrdup(name), kind, ptr};
    PP_APPEND(l->syms, l->nsyms, s);
}

static void add_sym(loader *l, const char *name, sym_kind kind)
{
    add_sym_ptr(l, name, kind, NULL);
}

static void add_extension_syms(loader *l, pp_field *const *ext, size_t n, const char *scope)
{
    for (size_t i = 0; i < n; i++) {
        char *full = NULL;
        if (asprintf(&full, "%s.%s", scope, ext[i]->name) >= 0)
            add_sym_ptr(l, full, SYM_EXTENSION, ext[i]);
        free(full);
    }
}

static void add_message_syms(loader *l, const pp_msg *m, const char *scope)
{
    char *full = NULL;

    if (asprintf(&full, "%s.%s", scope, m->name) < 0)
        return;
    add_sym_ptr(l, full, SYM_MESSAGE, m);
    add_extension_syms(l, m->extension, m->n_extension, full);
    for (size_t i = 0; i < m->n_nested_type; i++)
        add_message_syms(l, m->nested_type[i], full);
    for (size_t i = 0; i < m->n_enum_type; i++) {
        char *e = NULL;
        if (asprintf(&e, "%s.%s", full, m->enum_type[i]->name) >= 0)
            add_sym_ptr(l, e, SYM_ENUM, m->enum_type[i]);
        free(e);
    }
    free(full);
}

/* Every package prefix, message and enum of a file. */
static void add_file_syms(loader *l, const pp_file *fd)
{
    sr_buf scope = SR_BUF_INIT;

    if (fd->package) {
        for (const char *s = fd->package;; s++) {
            if (*s == '.' || *s == '\0') {
                sr_buf_clear(&scope);
                sr_buf_putc(&scope, '.');
                sr_buf_put(&scope, fd->package, (size_t)(s - fd->package));
                add_sym(l, scope.ptr, SYM_PACKAGE);
            }
            if (!*s)
                break;
        }
    } else {
        sr_buf_puts(&scope, "");
    }
    for (size_t i = 0; i < fd->n_message_type; i++)
        add_message_syms(l, fd->message_type[i], scope.ptr);
    for (size_t i = 0; i < fd->n_enum_type; i++) {
        char *e = NULL;
        if (asprintf(&e, "%s.%s", scope.ptr, fd->enum_type[i]->name) >= 0)
            add_sym_ptr(l, e, SYM_ENUM, fd->enum_type[i]);
        free(e);
    }
    add_extension_syms(l, fd->extension, fd->n_extension, scope.ptr);
    sr_buf_dispose(&scope);
}

/* protoc's lookup: the first component of `name` is searched from the innermost scope outwards;
 * the rest must then be found under what it named. Returns the symbol or NULL. */
static const symbol *resolve(const loader *l, const char *name, const char *scope)
{
    char *try_scope, *cand = NULL;
    const char *dot = strchr(name, '.');
    size_t first_len = dot ? (size_t)(dot - name) : strlen(name);
    const symbol *s = NULL;

    if (name[0] == '.')
        return find(l, name);
    try_scope = sr_xstrdup(scope);
    for (;;) {
        free(cand);
        cand = NULL;
        if (asprintf(&cand, "%s.%.*s", try_scope, (int)first_len, name) < 0)
            break;
        if (find(l, cand)) {
            free(cand);
            cand = NULL;
            if (asprintf(&cand, "%s.%s", try_scope, name) >= 0)
                s = find(l, cand);
            break;
        }
        if (!*try_scope)
            break;
        *strrchr(try_scope, '.') = '\0';
    }
    free(cand);
    free(try_scope);
    return s;
}

/* For custom options: a message, enum or extension by name, seen from `scope`. */
static const void *lookup_for_options(void *ctx, const char *name, const char *scope, int *kind)
{
    const symbol *s = resolve(ctx, name, scope);

    *kind = s ? (int)s->kind : 0;
    return s ? s->ptr : NULL;
}

static int resolve_pending(loader *l, pp_parser *p)
{
    for (size_t i = 0; i < p->npending; i++) {
        pp_pending *pend = &p->pending[i];
        const symbol *s = resolve(l, *pend->slot, pend->scope);
        if (!s || s->kind == SYM_PACKAGE || s->kind == SYM_EXTENSION)
            return sr_proto__fail_at(p, pend->line, pend->col, "\"%s\" is not defined.",
                                     *pend->slot);
        free(*pend->slot);
        *pend->slot = sr_xstrdup(s->name);
        if (pend->field && !pend->field->has_type) {
            pend->field->has_type = 1;
            pend->field->type = s->kind == SYM_ENUM
                                    ? GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM
                                    : GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE;
        }
    }
    return 0;
}

/* protoc's shortest text that reads back as the same double (or float). */
static void shortest_real(char *out, size_t n, double v, int is_float)
{
    int lo = is_float ? 6 : 15, hi = is_float ? 9 : 17;

    if (v != v) {
        snprintf(out, n, "nan");
        return;
    }
    if (v == 1.0 / 0.0 || v == -1.0 / 0.0) {
        snprintf(out, n, v > 0 ? "inf" : "-inf");
        return;
    }
    snprintf(out, n, "%.*g", lo, v);
    if (is_float ? (float)strtod(out, NULL) != (float)v : strtod(out, NULL) != v)
        snprintf(out, n, "%.*g", hi, v);
}

/* Rewrite a field's default as protoc stores it: integers in decimal, reals in their shortest
 * form, bytes C-escaped; strings, bools and enum names as written. */
static int normalize_default(pp_parser *p, pp_field *f)
{
    char buf[64], *end;
    const char *t = f->default_value;

    if (!t)
        return 0;
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64: {
        long long v = strtoll(t, &end, 0);
        if (*end)
            return sr_proto__fail_at(p, 1, 1, "Expected integer for field %s.", f->name);
        snprintf(buf, sizeof(buf), "%lld", v);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64: {
        unsigned long long v = strtoull(t, &end, 0);
        if (*end || t[0] == '-')
            return sr_proto__fail_at(p, 1, 1, "Unsigned field can't have negative default value.");
        snprintf(buf, sizeof(buf), "%llu", v);
        break;
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE: {
        double v = strcmp(t, "inf") == 0 ? 1.0 / 0.0 : strcmp(t, "-inf") == 0 ? -1.0 / 0.0
                   : strcmp(t, "nan") == 0 || strcmp(t, "-nan") == 0 ? 0.0 / 0.0
                   : strtod(t, NULL);
        shortest_real(buf, sizeof(buf), v,
                      f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT);
        break;
    }
    default:
        return 0;
    }
    free(f->default_value);
    f->default_value = sr_xstrdup(buf);
    return 0;
}

static int normalize_defaults(pp_parser *p, pp_msg *m)
{
    for (size_t i = 0; i < m->n_field; i++)
        if (normalize_default(p, m->field[i]) < 0)
            return -1;
    for (size_t i = 0; i < m->n_extension; i++)
        if (normalize_default(p, m->extension[i]) < 0)
            return -1;
    for (size_t i = 0; i < m->n_nested_type; i++)
        if (normalize_defaults(p, m->nested_type[i]) < 0)
            return -1;
    return 0;
}

/* A field name lower-cased without underscores: how protoc compares JSON names in proto3. */
static void json_key(char *out, size_t n, const char *name)
{
    size_t o = 0;

    for (; *name && o + 1 < n; name++)
        if (*name != '_')
            out[o++] = (char)tolower((unsigned char)*name);
    out[o] = '\0';
}

/* Duplicate names and numbers inside each message (protoc's checks that need no other file). */
static int check_message(pp_parser *p, const pp_msg *m, const char *scope)
{
    for (size_t i = 0; i < m->n_field; i++) {
        for (size_t k = 0; k < i; k++) {
            char a[256], b[256];
            json_key(a, sizeof(a), m->field[i]->name);
            json_key(b, sizeof(b), m->field[k]->name);
            int line, col;
            sr_proto__position(p, m->field[i], &line, &col);
            if ((p->proto3 || p->editions) && strcmp(a, b) == 0 &&
                strcmp(m->field[i]->name, m->field[k]->name))
                return sr_proto__fail_at(p, line, col, "The JSON camel-case name of field \"%s\" "
                                         "conflicts with field \"%s\". This is not allowed in "
                                         "proto3.", m->field[i]->name, m->field[k]->name);
            if (strcmp(m->field[i]->name, m->field[k]->name) == 0)
                return sr_proto__fail_at(p, line, col, "\"%s\" is already defined in \"%s\".",
                                         m->field[i]->name, scope + (*scope == '.'));
            if (m->field[i]->number == m->field[k]->number)
                return sr_proto__fail_at(p, line, col, "Field number %d has already been used in "
                                         "\"%s\" by field \"%s\".", m->field[i]->number,
                                         scope + (*scope == '.'), m->field[k]->name);
        }
        if (m->field[i]->number >= 19000 && m->field[i]->number <= 19999) {
            int line, col;
            sr_proto__position(p, m->field[i], &line, &col);
            return sr_proto__fail_at(p, line, col, "Field numbers 19000 through 19999 are reserved for "
                                     "the protocol buffer library implementation.");
        }
    }
    for (size_t i = 0; i < m->n_nested_type; i++) {
        char *inner = NULL;
        int rc;
        if (asprintf(&inner, "%s.%s", scope, m->nested_type[i]->name) < 0)
            return -1;
        rc = check_message(p, m->nested_type[i], inner);
        free(inner);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int load(loader *l, const char *path, const char *text, int builtin, int depth);

/* Load every import of `fd` before it. */
static int load_imports(loader *l, pp_parser *p, int depth)
{
    for (size_t i = 0; i < p->fd->n_dependency; i++) {
        const char *dep = p->fd->dependency[i], *text = NULL;
        int builtin = 0, have = 0;
        for (size_t k = 0; k < l->fs->nfiles && !have; k++)
            have = strcmp(l->fs->files[k]->name, dep) == 0;
        if (have)
            continue;
        for (size_t k = 0; k < l->ndeps && !text; k++)
            if (strcmp(l->deps[k].name, dep) == 0)
                text = l->deps[k].text;
        if (!text && (text = sr_proto__builtin(dep)))
            builtin = 1;
        if (!text)
            return sr_proto__fail_at(p, 1, 1, "Import \"%s\" was not found or had errors.", dep);
        if (depth >= MAX_IMPORT_DEPTH)
            return sr_proto__fail_at(p, 1, 1, "Imports nest deeper than %d files (a cycle?).",
                                     MAX_IMPORT_DEPTH);
        if (load(l, dep, text, builtin, depth + 1) < 0) {
            p->failed = 1;
            return -1;
        }
    }
    return 0;
}

static int load(loader *l, const char *path, const char *text, int builtin, int depth)
{
    pp_parser p;
    sr_proto_fileset *fs = l->fs;
    int rc = -1;

    if (sr_proto__parse_file(&p, path, text, l->err) < 0 || load_imports(l, &p, depth) < 0)
        goto out;
    add_file_syms(l, p.fd);
    if (l->nsyms)
        qsort(l->syms, l->nsyms, sizeof(*l->syms), cmp_sym);
    for (size_t i = 1; i < l->nsyms; i++) {
        if (strcmp(l->syms[i].name, l->syms[i - 1].name) == 0 &&
            (l->syms[i].kind != SYM_PACKAGE || l->syms[i - 1].kind != SYM_PACKAGE)) {
            sr_proto__fail_at(&p, 1, 1, "\"%s\" is already defined.", l->syms[i].name + 1);
            goto out;
        }
    }
    if (resolve_pending(l, &p) < 0 || sr_proto__interpret_options(&p, lookup_for_options, l) < 0)
        goto out;
    for (size_t i = 0; i < p.fd->n_message_type; i++) {
        char *scope = NULL;
        if (asprintf(&scope, "%s%s.%s", p.fd->package ? "." : "",
                     p.fd->package ? p.fd->package : "", p.fd->message_type[i]->name) < 0)
            goto out;
        rc = check_message(&p, p.fd->message_type[i], scope);
        free(scope);
        if (rc == 0)
            rc = normalize_defaults(&p, p.fd->message_type[i]);
        if (rc < 0)
            goto out;
        rc = -1;
    }
    for (size_t i = 0; i < p.fd->n_extension; i++)
        if (normalize_default(&p, p.fd->extension[i]) < 0)
            goto out;
    sr_proto__source_info(&p);
    fs->files = sr_xrealloc(fs->files, (fs->nfiles + 1) * sizeof(*fs->files));
    fs->builtin = sr_xrealloc(fs->builtin, (fs->nfiles + 1) * sizeof(*fs->builtin));
    fs->files[fs->nfiles] = p.fd;
    fs->builtin[fs->nfiles] = builtin;
    fs->nfiles++;
    p.fd = NULL;
    rc = 0;
out:
    sr_proto__parser_dispose(&p);
    return rc;
}

int sr_proto_parse(sr_proto_fileset **out, const char *path, const char *text, const sr_dep *deps,
                   size_t ndeps, sr_err *err)
{
    loader l = {deps, ndeps, sr_xcalloc(1, sizeof(sr_proto_fileset)), NULL, 0, err};
    int rc = load(&l, path, text, 0, 0);

    for (size_t i = 0; i < l.nsyms; i++)
        free(l.syms[i].name);
    free(l.syms);
    if (rc < 0) {
        sr_proto_fileset_free(l.fs);
        return -1;
    }
    *out = l.fs;
    return 0;
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

int sr_proto_location(int *line_out, int *col_out, const Google__Protobuf__FileDescriptorProto *fd,
                      const int *path, size_t npath)
{
    const Google__Protobuf__SourceCodeInfo *info = fd->source_code_info;

    for (size_t i = 0; info && i < info->n_location; i++) {
        const Google__Protobuf__SourceCodeInfo__Location *loc = info->location[i];
        if (loc->n_path != npath || loc->n_span < 2)
            continue;
        if (npath && memcmp(loc->path, path, npath * sizeof(int)) != 0)
            continue;
        *line_out = loc->span[0] + 1;
        *col_out = loc->span[1] + 1;
        return 0;
    }
    return -1;
}
