/* protobuf/source.c -- positions of a parsed file's elements: recorded by element while parsing
 * (parse.c), looked up for error messages, and written out as SourceCodeInfo (paths as
 * protoc numbers them: message_type = 4, field = 2, nested_type = 3, ...), so that checkers and
 * the CLI can point at the line of a message, field, enum, value, service or method.
 *
 * Locations are written in path order (a depth-first walk that visits children by ascending
 * field number and index), so that sr_proto_location finds one by binary search. */
#include "compat/protobuf/internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_mark(const void *a, const void *b)
{
    const pp_mark *x = a, *y = b;
    return (x->elem > y->elem) - (x->elem < y->elem);
}

int sr_proto__position(pp_parser *p, const void *elem, int *line, int *col)
{
    pp_mark key = {elem, 0, 0}, *m;

    *line = *col = 1;
    if (!p->nmarks)
        return -1;
    if (!p->marks_sorted) { /* once, after parsing: lookups come after the marks */
        qsort(p->marks, p->nmarks, sizeof(*p->marks), cmp_mark);
        p->marks_sorted = 1;
    }
    m = bsearch(&key, p->marks, p->nmarks, sizeof(*p->marks), cmp_mark);
    if (!m)
        return -1;
    *line = m->line;
    *col = m->col;
    return 0;
}

/* A SourceCodeInfo path being built: (field number, index) pairs. */
typedef struct loc_path {
    int32_t *v; /* owned */
    size_t n, cap;
} loc_path;

static void push(loc_path *pa, int tag, size_t index)
{
    if (pa->n + 2 > pa->cap) {
        pa->cap = pa->cap ? 2 * pa->cap : 16;
        pa->v = sr_xrealloc(pa->v, pa->cap * sizeof(*pa->v));
    }
    pa->v[pa->n++] = tag;
    pa->v[pa->n++] = (int32_t)index;
}

static void add_location(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, const loc_path *pa,
                         const void *elem)
{
    Google__Protobuf__SourceCodeInfo__Location *loc;
    int line, col;

    if (sr_proto__position(p, elem, &line, &col) < 0)
        return;
    loc = sr_xmalloc(sizeof(*loc));
    google__protobuf__source_code_info__location__init(loc);
    loc->n_path = pa->n;
    loc->path = sr_xmalloc((pa->n + 1) * sizeof(int32_t));
    if (pa->n)
        memcpy(loc->path, pa->v, pa->n * sizeof(int32_t));
    loc->n_span = 3; /* start line, start column, end column (0-based, as protoc) */
    loc->span = sr_xmalloc(3 * sizeof(int32_t));
    loc->span[0] = line - 1;
    loc->span[1] = col - 1;
    loc->span[2] = col - 1;
    PP_APPEND(info->location, info->n_location, loc);
}

static void enum_locations(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, loc_path *pa,
                           const pp_enum *e)
{
    add_location(p, info, pa, e);
    for (size_t i = 0; i < e->n_value; i++) {
        push(pa, 2, i);
        add_location(p, info, pa, e->value[i]);
        pa->n -= 2;
    }
}

/* Recursion as deep as the parser let messages nest (max_depth). */
static void message_locations(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, loc_path *pa,
                              const pp_msg *m)
{
    add_location(p, info, pa, m);
    for (size_t i = 0; i < m->n_field; i++) {
        push(pa, 2, i);
        add_location(p, info, pa, m->field[i]);
        pa->n -= 2;
    }
    for (size_t i = 0; i < m->n_nested_type; i++) {
        push(pa, 3, i);
        message_locations(p, info, pa, m->nested_type[i]);
        pa->n -= 2;
    }
    for (size_t i = 0; i < m->n_enum_type; i++) {
        push(pa, 4, i);
        enum_locations(p, info, pa, m->enum_type[i]);
        pa->n -= 2;
    }
    for (size_t i = 0; i < m->n_extension; i++) {
        push(pa, 6, i);
        add_location(p, info, pa, m->extension[i]);
        pa->n -= 2;
    }
    for (size_t i = 0; i < m->n_oneof_decl; i++) {
        push(pa, 8, i);
        add_location(p, info, pa, m->oneof_decl[i]);
        pa->n -= 2;
    }
}

void sr_proto__source_info(pp_parser *p)
{
    Google__Protobuf__SourceCodeInfo *info = sr_xmalloc(sizeof(*info));
    loc_path pa = {NULL, 0, 0};
    pp_file *fd = p->fd;

    google__protobuf__source_code_info__init(info);
    push(&pa, 2, 0); /* package: the path is {2} */
    pa.n = 1;
    add_location(p, info, &pa, &fd->package);
    pa.n = 0;
    for (size_t i = 0; i < fd->n_message_type; i++) {
        push(&pa, 4, i);
        message_locations(p, info, &pa, fd->message_type[i]);
        pa.n = 0;
    }
    for (size_t i = 0; i < fd->n_enum_type; i++) {
        push(&pa, 5, i);
        enum_locations(p, info, &pa, fd->enum_type[i]);
        pa.n = 0;
    }
    for (size_t i = 0; i < fd->n_service; i++) {
        const Google__Protobuf__ServiceDescriptorProto *s = fd->service[i];
        push(&pa, 6, i);
        add_location(p, info, &pa, s);
        for (size_t k = 0; k < s->n_method; k++) {
            push(&pa, 2, k);
            add_location(p, info, &pa, s->method[k]);
            pa.n -= 2;
        }
        pa.n = 0;
    }
    for (size_t i = 0; i < fd->n_extension; i++) {
        push(&pa, 7, i);
        add_location(p, info, &pa, fd->extension[i]);
        pa.n = 0;
    }
    free(pa.v);
    fd->source_code_info = info;
}

/* Lexicographic order of paths, a path before its extensions. */
static int cmp_path(const int32_t *a, size_t na, const int *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return (na > nb) - (na < nb);
}

int sr_proto_location(int *line_out, int *col_out, const Google__Protobuf__FileDescriptorProto *fd,
                      const int *path, size_t npath)
{
    const Google__Protobuf__SourceCodeInfo *info = fd->source_code_info;
    size_t lo = 0, hi = info ? info->n_location : 0;

    while (lo < hi) { /* the locations are in path order (see sr_proto__source_info) */
        size_t mid = lo + (hi - lo) / 2;
        const Google__Protobuf__SourceCodeInfo__Location *loc = info->location[mid];
        int c = cmp_path(loc->path, loc->n_path, path, npath);
        if (c == 0) {
            if (loc->n_span < 2)
                return -1;
            *line_out = loc->span[0] + 1;
            *col_out = loc->span[1] + 1;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
