/* proto_source.c -- positions of a parsed file's elements: recorded by element while parsing
 * (proto_parse.c), looked up for error messages, and written out as SourceCodeInfo (paths as
 * protoc numbers them: message_type = 4, field = 2, nested_type = 3, ...), so that checkers and
 * the CLI can point at the line of a message, field, enum, value, service or method. */
#include "compat/proto_parse_int.h"
#include "common/buf.h"

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
    if (!p->marks_sorted) {
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

typedef struct path {
    int v[64];
    size_t n;
} path;

static void add_location(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, const path *pa,
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
    memcpy(loc->path, pa->v, pa->n * sizeof(int32_t));
    loc->n_span = 3; /* start line, start column, end column (0-based, as protoc) */
    loc->span = sr_xmalloc(3 * sizeof(int32_t));
    loc->span[0] = line - 1;
    loc->span[1] = col - 1;
    loc->span[2] = col - 1;
    PP_APPEND(info->location, info->n_location, loc);
}

static void push(path *pa, int tag, size_t index)
{
    pa->v[pa->n++] = tag;
    pa->v[pa->n++] = (int)index;
}

static void enum_locations(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, path *pa,
                           const pp_enum *e)
{
    add_location(p, info, pa, e);
    for (size_t i = 0; i < e->n_value && pa->n + 2 < 64; i++) {
        push(pa, 2, i);
        add_location(p, info, pa, e->value[i]);
        pa->n -= 2;
    }
}

static void message_locations(pp_parser *p, Google__Protobuf__SourceCodeInfo *info, path *pa,
                              const pp_msg *m)
{
    add_location(p, info, pa, m);
    if (pa->n + 2 >= 64)
        return;
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
    path pa = {{0}, 0};
    pp_file *fd = p->fd;

    google__protobuf__source_code_info__init(info);
    pa.v[0] = 2; /* package */
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
    fd->source_code_info = info;
}
