/* avro_compat.c -- Avro schema resolution: can a reader schema read data written with a writer
 * schema? The rules of Avro's SchemaCompatibility as Confluent reports them
 * (compatibility-rules.md §2): recursive, memoized per (reader, writer) pair with a pair in
 * progress counting as compatible, every incompatibility reported with its location. */
#include "compat/avro.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMO_IN_PROGRESS = -1 };

typedef struct memo_entry {
    const av_type *reader, *writer;
    int state;          /* MEMO_IN_PROGRESS, or 0 once done */
    sr_strlist result;  /* the messages it produced, reported again when the pair recurs */
} memo_entry;

typedef struct checker {
    sr_strlist *msgs;
    memo_entry *memo;
    size_t nmemo;
    const char *loc[512]; /* location tokens */
    char locbuf[512][24];
    int depth;
    int aborted;           /* a field matched several writer fields */
} checker;

static void push(checker *c, const char *tok)
{
    if (c->depth < 512)
        c->loc[c->depth] = tok;
    c->depth++;
}

static void push_index(checker *c, size_t i)
{
    if (c->depth < 512) {
        snprintf(c->locbuf[c->depth], sizeof(c->locbuf[0]), "%zu", i);
        c->loc[c->depth] = c->locbuf[c->depth];
    }
    c->depth++;
}

static void pop(checker *c)
{
    c->depth--;
}

/* "/fields/0/type", with ~ and / escaped as JSON pointers do; "/" at the root. */
static char *location(const checker *c)
{
    sr_buf b = SR_BUF_INIT;

    for (int i = 0; i < c->depth && i < 512; i++) {
        sr_buf_putc(&b, '/');
        for (const char *p = c->loc[i]; *p; p++) {
            if (*p == '~')
                sr_buf_puts(&b, "~0");
            else if (*p == '/')
                sr_buf_puts(&b, "~1");
            else
                sr_buf_putc(&b, *p);
        }
    }
    if (b.len == 0)
        sr_buf_putc(&b, '/');
    return sr_buf_detach(&b);
}

static const char *upper(av_kind k)
{
    static const char *const names[] = {"NULL", "BOOLEAN", "INT", "LONG", "FLOAT", "DOUBLE",
                                        "BYTES", "STRING", "RECORD", "ENUM", "ARRAY", "MAP",
                                        "UNION", "FIXED"};
    return names[k];
}

/* Append one incompatibility in Confluent's wording. `desc` has "%L" where the location goes and
 * "%I" where `info` goes, and keeps the two "%s" placeholders for the level logic. */
static void report(checker *c, const char *type, const char *desc, const char *info)
{
    char *loc = location(c);
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "{errorType:'%s', description:'", type);
    for (const char *p = desc; *p; p++) {
        if (p[0] == '%' && (p[1] == 'L' || p[1] == 'I')) {
            sr_buf_puts(&b, p[1] == 'L' ? loc : info);
            p++;
        } else {
            sr_buf_putc(&b, *p);
        }
    }
    sr_buf_printf(&b, "', additionalInfo:'%s'}", info);
    sr_strlist_take(c->msgs, sr_buf_detach(&b));
    free(loc);
}

static void type_mismatch(checker *c, const av_type *r, const av_type *w)
{
    char info[128];

    snprintf(info, sizeof(info), "reader type: %s not compatible with writer type: %s",
             upper(r->kind), upper(w->kind));
    report(c, "TYPE_MISMATCH",
           "The type (path '%L') of a field in the %s schema does not match with the %s schema",
           info);
}

static void missing_branch(checker *c, const av_type *w)
{
    char info[128];

    snprintf(info, sizeof(info), "reader union lacking writer type: %s", upper(w->kind));
    report(c, "MISSING_UNION_BRANCH",
           "The %s schema is missing a type inside a union field at path '%L' in the %s schema",
           info);
}

static size_t check(checker *c, const av_type *r, const av_type *w);

/* Forget the messages added since the list had `n`. */
static void drop_since(checker *c, size_t n)
{
    while (c->msgs->n > n)
        free(c->msgs->v[--c->msgs->n]);
}

/* Names match by simple name, or a reader alias equal to the writer's full name. */
static void check_names(checker *c, const av_type *r, const av_type *w)
{
    size_t i;
    json_t *a;
    char info[600];

    if (strcmp(r->name, w->name) == 0)
        return;
    json_array_foreach(r->aliases, i, a) if (strcmp(json_string_value(a), w->fullname) == 0) return;
    push(c, "name");
    snprintf(info, sizeof(info), "expected: %s", w->fullname);
    report(c, "NAME_MISMATCH", "The name of the schema has changed (path '%L')", info);
    pop(c);
}

static const av_field *writer_field(checker *c, const av_type *w, const av_field *rf)
{
    const av_field *found = NULL;
    size_t i;
    json_t *a;

    for (size_t k = 0; k < w->nfields; k++)
        if (strcmp(w->fields[k].name, rf->name) == 0)
            return &w->fields[k];
    json_array_foreach(rf->aliases, i, a) {
        for (size_t k = 0; k < w->nfields; k++) {
            if (strcmp(w->fields[k].name, json_string_value(a)) != 0)
                continue;
            if (found && found != &w->fields[k]) {
                c->aborted = 1;
                sr_strlist_addf(c->msgs, "Unexpected exception during compatibility check: "
                                "Reader field %s matches multiple fields in writer", rf->name);
                return NULL;
            }
            found = &w->fields[k];
        }
    }
    return found;
}

static void check_record(checker *c, const av_type *r, const av_type *w)
{
    push(c, "fields");
    for (size_t i = 0; i < r->nfields && !c->aborted; i++) {
        const av_field *rf = &r->fields[i];
        const av_field *wf = writer_field(c, w, rf);
        push_index(c, i);
        if (c->aborted) {
            pop(c);
            break;
        }
        if (wf) {
            push(c, "type");
            check(c, rf->type, wf->type);
            pop(c);
        } else if (!rf->def) {
            /* Avro's oddity: an enum with a default is compared against the writer record. */
            if (rf->type->kind == AV_ENUM && rf->type->enum_default) {
                push(c, "type");
                check(c, rf->type, w);
                pop(c);
            } else {
                report(c, "READER_FIELD_MISSING_DEFAULT_VALUE",
                       "The field '%I' at path '%L' in the %s schema has no default value "
                       "and is missing in the %s schema", rf->name);
            }
        }
        pop(c);
    }
    pop(c);
}

static int strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_enum(checker *c, const av_type *r, const av_type *w)
{
    sr_strlist missing = SR_STRLIST_INIT;
    sr_buf info = SR_BUF_INIT;

    for (size_t i = 0; i < w->nsymbols; i++) {
        int found = 0;
        for (size_t k = 0; k < r->nsymbols && !found; k++)
            found = strcmp(w->symbols[i], r->symbols[k]) == 0;
        if (!found)
            sr_strlist_add(&missing, w->symbols[i]);
    }
    if (missing.n && !r->enum_default) {
        qsort(missing.v, missing.n, sizeof(char *), strcmp_p);
        sr_buf_putc(&info, '[');
        for (size_t i = 0; i < missing.n; i++)
            sr_buf_printf(&info, "%s%s", i ? ", " : "", missing.v[i]);
        sr_buf_putc(&info, ']');
        push(c, "symbols");
        report(c, "MISSING_ENUM_SYMBOLS",
               "The %s schema is missing enum symbols '%I' at path '%L' in the %s schema",
               info.ptr);
        pop(c);
    }
    sr_buf_dispose(&info);
    sr_strlist_dispose(&missing);
}

/* Same kinds on both sides. */
static void check_same_kind(checker *c, const av_type *r, const av_type *w)
{
    char info[64];

    switch (r->kind) {
    case AV_ARRAY:
    case AV_MAP:
        push(c, r->kind == AV_ARRAY ? "items" : "values");
        check(c, r->items, w->items);
        pop(c);
        break;
    case AV_FIXED:
        check_names(c, r, w);
        if (r->size != w->size) {
            push(c, "size");
            snprintf(info, sizeof(info), "expected: %lld, found: %lld", w->size, r->size);
            report(c, "FIXED_SIZE_MISMATCH", "The size of FIXED type field at path '%L' in the "
                   "%s schema does not match with the %s schema", info);
            pop(c);
        }
        break;
    case AV_ENUM:
        check_names(c, r, w);
        check_enum(c, r, w);
        break;
    case AV_RECORD:
        check_names(c, r, w);
        check_record(c, r, w);
        break;
    case AV_UNION: /* every writer branch must be readable by the reader union */
        for (size_t i = 0; i < w->nbranches; i++) {
            size_t before = c->msgs->n;
            push_index(c, i);
            if (check(c, r, w->branches[i])) {
                drop_since(c, before); /* only the missing branch is reported, not its cause */
                missing_branch(c, w->branches[i]);
            }
            pop(c);
        }
        break;
    default:
        break; /* same primitive */
    }
}

/* Reader union against a non-union writer: some branch must accept it. */
static void check_reader_union(checker *c, const av_type *r, const av_type *w)
{
    for (size_t i = 0; i < r->nbranches; i++) {
        size_t before = c->msgs->n, n = check(c, r->branches[i], w);
        drop_since(c, before); /* a trial: its messages are not part of the answer */
        if (n == 0)
            return;
    }
    missing_branch(c, w);
}

static int promotable(av_kind r, av_kind w)
{
    switch (r) {
    case AV_LONG:
        return w == AV_INT;
    case AV_FLOAT:
        return w == AV_INT || w == AV_LONG;
    case AV_DOUBLE:
        return w == AV_INT || w == AV_LONG || w == AV_FLOAT;
    case AV_BYTES:
        return w == AV_STRING;
    case AV_STRING:
        return w == AV_BYTES;
    default:
        return 0;
    }
}

/* Check one pair; returns how many messages it added (0 = compatible). */
static size_t check(checker *c, const av_type *r, const av_type *w)
{
    size_t before = c->msgs->n, slot;

    for (size_t i = 0; i < c->nmemo; i++) {
        memo_entry *m = &c->memo[i];
        if (m->reader != r || m->writer != w)
            continue;
        if (m->state == MEMO_IN_PROGRESS)
            return 0; /* recursion in progress counts as compatible */
        for (size_t k = 0; k < m->result.n; k++) /* the memoized result, reported again */
            sr_strlist_add(c->msgs, m->result.v[k]);
        return m->result.n;
    }
    if (c->depth > 400 || c->aborted)
        return 0;
    slot = c->nmemo++;
    c->memo = sr_xrealloc(c->memo, c->nmemo * sizeof(*c->memo));
    c->memo[slot] = (memo_entry){r, w, MEMO_IN_PROGRESS, SR_STRLIST_INIT};

    if (r->kind == w->kind) {
        check_same_kind(c, r, w);
    } else if (w->kind == AV_UNION) { /* the reader must read every writer branch */
        for (size_t i = 0; i < w->nbranches; i++) {
            push_index(c, i);
            check(c, r, w->branches[i]);
            pop(c);
        }
    } else if (r->kind == AV_UNION) {
        check_reader_union(c, r, w);
    } else if (!promotable(r->kind, w->kind)) {
        type_mismatch(c, r, w);
    }
    c->memo[slot].state = 0;
    for (size_t k = before; k < c->msgs->n; k++)
        sr_strlist_add(&c->memo[slot].result, c->msgs->v[k]);
    return c->msgs->n - before;
}

int sr_avro_read_compat(sr_strlist *msgs, const av_schema *reader, const av_schema *writer,
                        sr_err *err)
{
    checker *c = sr_xcalloc(1, sizeof(*c));
    (void)err;

    c->msgs = msgs;
    check(c, reader->root, writer->root);
    for (size_t i = 0; i < c->nmemo; i++)
        sr_strlist_dispose(&c->memo[i].result);
    free(c->memo);
    free(c);
    return 0;
}
