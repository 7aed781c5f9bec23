/* compat.c -- the format-neutral half of compat/: the sr_schema wrapper over each format module,
 * schema type names, and Confluent's level logic (which candidates, which direction, how the
 * message list is laid out; compatibility-rules.md §1). */
#include "compat/compat.h"
#include "compat/format.h"
#include "common/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Format modules are linked in as they exist; a format whose module is absent from the link is
 * simply not offered (GET /schemas/types lists what is here). */
extern const sr_format_ops sr_avro_ops __attribute__((weak));
extern const sr_format_ops sr_protobuf_ops __attribute__((weak));
extern const sr_format_ops sr_jsonschema_ops __attribute__((weak));

struct sr_schema {
    sr_schema_type type;
    const sr_format_ops *ops;
    void *model;     /* owned by ops */
    char *canonical; /* owned */
};

static const char *const type_names[] = {"AVRO", "PROTOBUF", "JSON"};

static const sr_format_ops *ops_for(sr_schema_type t)
{
    switch (t) {
    case SR_TYPE_AVRO:
        return &sr_avro_ops;
    case SR_TYPE_PROTOBUF:
        return &sr_protobuf_ops;
    case SR_TYPE_JSON:
        return &sr_jsonschema_ops;
    }
    return NULL;
}

int sr_schema_type_parse(sr_schema_type *out, const char *name, sr_err *err)
{
    for (int t = 0; t < 3; t++) {
        if (strcmp(name, type_names[t]) == 0 && ops_for((sr_schema_type)t)) {
            *out = (sr_schema_type)t;
            return 0;
        }
    }
    return sr_err_set(err, 42201, "Invalid schema type %s", name);
}

const char *sr_schema_type_name(sr_schema_type t)
{
    return (unsigned)t < 3 ? type_names[t] : "UNKNOWN";
}

int sr_schema_type_available(sr_schema_type t)
{
    return ops_for(t) != NULL;
}

int sr_schema_parse(sr_schema **out, sr_schema_type t, const char *text, const sr_dep *deps,
                    size_t ndeps, unsigned flags, sr_err *err)
{
    return sr_schema_parse_limited(out, t, text, deps, ndeps, flags, NULL, err);
}

int sr_schema_parse_limited(sr_schema **out, sr_schema_type t, const char *text,
                            const sr_dep *deps, size_t ndeps, unsigned flags,
                            const sr_parse_limits *limits, sr_err *err)
{
    static const sr_parse_limits defaults = {SR_PARSE_MAX_DEPTH_DEFAULT};
    const sr_format_ops *ops = ops_for(t);
    void *model = NULL;
    char *canonical = NULL;
    sr_schema *s;

    if (!ops)
        return sr_err_set(err, 42201, "Invalid schema type %s", sr_schema_type_name(t));
    if (ops->parse(&model, &canonical, text, deps, ndeps, flags, limits ? limits : &defaults,
                   err) < 0)
        return -1;
    s = sr_xcalloc(1, sizeof(*s));
    s->type = t;
    s->ops = ops;
    s->model = model;
    s->canonical = canonical;
    *out = s;
    return 0;
}

void sr_schema_free(sr_schema *s)
{
    if (!s)
        return;
    s->ops->free(s->model);
    free(s->canonical);
    free(s);
}

sr_schema_type sr_schema_get_type(const sr_schema *s)
{
    return s->type;
}

const char *sr_schema_canonical(const sr_schema *s)
{
    return s->canonical;
}

int sr_schema_render(char **out, const sr_schema *s, const char *format, sr_err *err)
{
    if (!format || !*format || !s->ops->render)
        return 1;
    return s->ops->render(out, s->model, format, err);
}

void sr_schema_record_names(sr_strlist *out, const sr_schema *s)
{
    if (s->ops->record_names)
        s->ops->record_names(out, s->model);
}

void sr_schema_field_names(sr_strlist *out, const sr_schema *s)
{
    if (s->ops->field_names)
        s->ops->field_names(out, s->model);
}

int sr_schema_imports(sr_strlist *out, sr_schema_type t, const char *text, sr_err *err)
{
    const sr_format_ops *ops = ops_for(t);

    if (!ops)
        return sr_err_set(err, 42201, "Invalid schema type %s", sr_schema_type_name(t));
    return ops->imports ? ops->imports(out, text, err) : 0;
}

/* ---- payload validation ---- */

static void violation_add(sr_violations *l, const char *pointer, const char *schema_pointer,
                          const char *fmt, va_list ap)
{
    char *msg = NULL;

    if (l->n >= (l->max ? l->max : 1000))
        return;
    if (vasprintf(&msg, fmt, ap) < 0)
        sr_xoom();
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = sr_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = (sr_violation){sr_xstrdup(pointer),
                                  schema_pointer ? sr_xstrdup(schema_pointer) : NULL, msg};
}

void sr_violations_add(sr_violations *l, const char *pointer, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    violation_add(l, pointer, NULL, fmt, ap);
    va_end(ap);
}

void sr_violations_add_at(sr_violations *l, const char *pointer, const char *schema_pointer,
                          const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    violation_add(l, pointer, schema_pointer, fmt, ap);
    va_end(ap);
}

void sr_violations_dispose(sr_violations *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].pointer);
        free(l->v[i].schema_pointer);
        free(l->v[i].message);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

int sr_schema_validate_json(sr_violations *out, const sr_schema *s, const char *doc,
                            const char *message_name, int max_depth, sr_err *err)
{
    if (!s->ops->validate_json)
        return sr_err_set(err, 42201, "Schemas of type %s cannot validate documents",
                          s->ops->name);
    return s->ops->validate_json(out, s->model, doc, message_name, max_depth, err);
}

/* ---- findings of one direction ---- */

void sr_fmt_findings_push(sr_fmt_findings *l, sr_fmt_finding f)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = sr_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = f;
}

void sr_fmt_findings_dispose(sr_fmt_findings *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].message);
        free(l->v[i].key);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* `reader` reads data written with `writer`: the format's findings, or Confluent's one sentence
 * for schemas of different types. 0 or -1. */
static int read_direction(sr_fmt_findings *out, const sr_schema *reader, const sr_schema *writer,
                          sr_err *err)
{
    if (reader->type != writer->type) {
        sr_fmt_findings_push(out, (sr_fmt_finding){"SCHEMA_TYPE_MISMATCH", sr_xstrdup(""),
                                                   sr_xstrdup("Incompatible because of "
                                                              "different schema type"),
                                                   NULL, {0, 0}, {0, 0}});
        return 0;
    }
    return reader->ops->read_compat(out, reader->model, writer->model, err);
}

/* The message as the registry lists it, placeholders still in: a format whose messages carry
 * positions gets the reader-side one (else the writer-side one) inside the closing brace, so
 * that Confluent's text stays a prefix (docs/api.md). Caller frees. */
static char *registry_message(const sr_format_ops *ops, const sr_fmt_finding *f)
{
    const sr_fmt_pos *p = f->reader.line > 0 ? &f->reader : &f->writer;
    size_t len = strlen(f->message);
    sr_buf b = SR_BUF_INIT;

    if (!ops->message_positions || p->line <= 0 || len == 0 || f->message[len - 1] != '}')
        return sr_xstrdup(f->message);
    sr_buf_put(&b, f->message, len - 1);
    sr_buf_printf(&b, ", line:%d, column:%d}", p->line, p->column);
    return sr_buf_detach(&b);
}

int sr_schema_read_compat(sr_strlist *msgs, const sr_schema *reader, const sr_schema *writer,
                          sr_err *err)
{
    sr_fmt_findings found = SR_FMT_FINDINGS_INIT;
    int rc = read_direction(&found, reader, writer, err);

    for (size_t i = 0; rc == 0 && i < found.n; i++)
        sr_strlist_take(msgs, registry_message(reader->ops, &found.v[i]));
    sr_fmt_findings_dispose(&found);
    return rc;
}

/* ---- public findings ---- */

void sr_findings_dispose(sr_findings *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].message);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

int sr_finding_breaks(const sr_finding *f, sr_compat_level level)
{
    switch (level) {
    case SR_COMPAT_BACKWARD:
    case SR_COMPAT_BACKWARD_TRANSITIVE:
        return (f->breaks & SR_BREAKS_BACKWARD) != 0;
    case SR_COMPAT_FORWARD:
    case SR_COMPAT_FORWARD_TRANSITIVE:
        return (f->breaks & SR_BREAKS_FORWARD) != 0;
    case SR_COMPAT_FULL:
    case SR_COMPAT_FULL_TRANSITIVE:
        return f->breaks != 0;
    case SR_COMPAT_NONE:
        break;
    }
    return 0;
}

/* Append the public form of a finding of one direction. BACKWARD: the reader is the newer schema;
 * FORWARD: the older one. The position is taken in the newer text when the element is there. */
static void add_public(sr_findings *out, const sr_fmt_finding *f, unsigned breaks, int version)
{
    int reader_is_new = (breaks & SR_BREAKS_BACKWARD) != 0;
    const sr_fmt_pos *newer = reader_is_new ? &f->reader : &f->writer;
    const sr_fmt_pos *older = reader_is_new ? &f->writer : &f->reader;
    sr_finding *p;

    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 8;
        out->v = sr_xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    p = &out->v[out->n++];
    memset(p, 0, sizeof(*p));
    p->type = f->type;
    p->path = sr_xstrdup(f->path);
    p->breaks = breaks;
    p->version = version;
    p->message = sr_compat_fill_words(f->message, reader_is_new ? "new" : "old",
                                      reader_is_new ? "old" : "new");
    if (newer->line > 0) {
        p->line = newer->line;
        p->column = newer->column;
    } else if (older->line > 0) {
        p->line = older->line;
        p->column = older->column;
        p->in_old = 1;
    }
}

/* A finding's identity, whichever way it was read: its key, or its type and path. */
typedef struct keyed {
    char *key;      /* owned */
    int forward;    /* 0: found reading BACKWARD, 1: FORWARD */
    size_t index;   /* in its direction's list */
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    if (x->forward != y->forward)
        return x->forward - y->forward;
    return (x->index > y->index) - (x->index < y->index);
}

static char *key_of(const sr_fmt_finding *f)
{
    sr_buf b = SR_BUF_INIT;

    if (f->key)
        return sr_xstrdup(f->key);
    sr_buf_printf(&b, "%s\x1f%s", f->type, f->path);
    return sr_buf_detach(&b);
}

int sr_compat_diff(sr_findings *out, const sr_schema *older, const sr_schema *newer, sr_err *err)
{
    sr_fmt_findings dir[2] = {SR_FMT_FINDINGS_INIT, SR_FMT_FINDINGS_INIT};
    unsigned *bits[2] = {NULL, NULL}; /* per finding: the bits it is reported with, 0 = not */
    keyed *all = NULL;
    size_t n = 0;
    int rc = -1;

    if (read_direction(&dir[0], newer, older, err) < 0 ||
        read_direction(&dir[1], older, newer, err) < 0)
        goto out;
    all = sr_xcalloc(dir[0].n + dir[1].n + 1, sizeof(*all));
    for (int d = 0; d < 2; d++) {
        bits[d] = sr_xcalloc(dir[d].n + 1, sizeof(*bits[d]));
        for (size_t i = 0; i < dir[d].n; i++)
            all[n++] = (keyed){key_of(&dir[d].v[i]), d, i};
    }
    qsort(all, n, sizeof(*all), cmp_keyed);
    /* One finding per key: the first BACKWARD one when there is one, else the first FORWARD. */
    for (size_t i = 0, k; i < n; i = k) {
        unsigned found = 0;
        for (k = i; k < n && strcmp(all[k].key, all[i].key) == 0; k++)
            found |= all[k].forward ? SR_BREAKS_FORWARD : SR_BREAKS_BACKWARD;
        bits[all[i].forward][all[i].index] = found;
    }
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < dir[d].n; i++)
            if (bits[d][i])
                add_public(out, &dir[d].v[i], bits[d][i], 0);
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(all[i].key);
    free(all);
    for (int d = 0; d < 2; d++) {
        free(bits[d]);
        sr_fmt_findings_dispose(&dir[d]);
    }
    return rc;
}

/* ---- levels ---- */

static const char *const level_names[] = {
    "NONE",    "BACKWARD",           "BACKWARD_TRANSITIVE", "FORWARD",
    "FORWARD_TRANSITIVE", "FULL",    "FULL_TRANSITIVE",
};

int sr_compat_level_parse(sr_compat_level *out, const char *name, sr_err *err)
{
    for (int i = 0; i < 7; i++) {
        if (name && strcasecmp(name, level_names[i]) == 0) {
            *out = (sr_compat_level)i;
            return 0;
        }
    }
    return sr_err_set(err, 42203,
                      "Invalid compatibility level. Valid values are none, backward, forward, "
                      "full, backward_transitive, forward_transitive, and full_transitive");
}

const char *sr_compat_level_name(sr_compat_level level)
{
    return (unsigned)level < 7 ? level_names[level] : "NONE";
}

/* compatibility-rules.md §1.3: the words go in literally. */
char *sr_compat_fill_words(const char *msg, const char *reader_word, const char *writer_word)
{
    sr_buf b = SR_BUF_INIT;
    int nth = 0;

    for (const char *p = msg; *p; p++) {
        if (p[0] == '%' && p[1] == 's' && nth < 2) {
            sr_buf_puts(&b, nth++ == 0 ? reader_word : writer_word);
            p++;
        } else {
            sr_buf_putc(&b, *p);
        }
    }
    return sr_buf_detach(&b);
}

#define OLD_SCHEMA_MAX 10240

/* How many bytes of `text` (longer than `max`) to keep so that no UTF-8 character is cut: back
 * from `max` past continuation bytes to the start of the character that straddles it. Confluent
 * cuts at 10240 UTF-16 units; cutting bytes on a character boundary keeps the list valid UTF-8. */
static size_t utf8_cut(const char *text, size_t max)
{
    size_t n = max;

    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static void add_old_lines(sr_strlist *out, const sr_candidate *c, int mismatched_type)
{
    const char *text = sr_schema_canonical(c->schema);
    size_t len = strlen(text);

    if (mismatched_type)
        return; /* "no schema details appended" for a type mismatch */
    sr_strlist_addf(out, "{oldSchemaVersion: %d}", c->version);
    if (len > OLD_SCHEMA_MAX)
        sr_strlist_addf(out, "{oldSchema: <truncated> '%.*s...'}",
                        (int)utf8_cut(text, OLD_SCHEMA_MAX), text);
    else
        sr_strlist_addf(out, "{oldSchema: '%s'}", text);
}

static int has_forward(sr_compat_level l)
{
    return l == SR_COMPAT_FORWARD || l == SR_COMPAT_FORWARD_TRANSITIVE || l == SR_COMPAT_FULL ||
           l == SR_COMPAT_FULL_TRANSITIVE;
}

static int has_backward(sr_compat_level l)
{
    return l == SR_COMPAT_BACKWARD || l == SR_COMPAT_BACKWARD_TRANSITIVE || l == SR_COMPAT_FULL ||
           l == SR_COMPAT_FULL_TRANSITIVE;
}

int sr_compat_level_transitive(sr_compat_level l)
{
    return l == SR_COMPAT_BACKWARD_TRANSITIVE || l == SR_COMPAT_FORWARD_TRANSITIVE ||
           l == SR_COMPAT_FULL_TRANSITIVE;
}

/* What a level check found: the findings of each half against the one failing candidate. */
typedef struct level_result {
    sr_fmt_findings fwd;      /* old reads new */
    sr_fmt_findings back;     /* new reads old */
    const sr_candidate *cand; /* the failing candidate; NULL when compatible */
    int mismatched;           /* it is of another schema type */
} level_result;

static void level_result_dispose(level_result *r)
{
    sr_fmt_findings_dispose(&r->fwd);
    sr_fmt_findings_dispose(&r->back);
}

/* Confluent's level logic (compatibility-rules.md §1.1): non-transitive levels check the last
 * candidate, transitive ones every candidate newest first, stopping at the first failure; FORWARD
 * runs old-reads-new, BACKWARD new-reads-old, FULL both (the forward half first; a different schema
 * type ends the check there). Returns 1 compatible, 0 not (with *res filled), -1 error. */
static int run_level(level_result *res, sr_compat_level level, const sr_schema *schema,
                     const sr_candidate *cands, size_t ncands, sr_err *err)
{
    size_t stop = sr_compat_level_transitive(level) ? 0 : (ncands ? ncands - 1 : 0);

    memset(res, 0, sizeof(*res));
    if (level == SR_COMPAT_NONE || ncands == 0)
        return 1;
    for (size_t i = ncands; i-- > stop;) {
        const sr_candidate *c = &cands[i];
        res->mismatched = sr_schema_get_type(schema) != sr_schema_get_type(c->schema);
        if (has_forward(level) && read_direction(&res->fwd, c->schema, schema, err) < 0)
            return -1;
        if (!(res->fwd.n && res->mismatched) && has_backward(level) &&
            read_direction(&res->back, schema, c->schema, err) < 0)
            return -1;
        if (res->fwd.n || res->back.n) {
            res->cand = c;
            return 0;
        }
    }
    return 1;
}

int sr_compat_check_findings(sr_findings *out, sr_compat_level level, const sr_schema *schema,
                             const sr_candidate *cands, size_t ncands, sr_err *err)
{
    level_result res;
    int rc = run_level(&res, level, schema, cands, ncands, err);

    for (size_t i = 0; rc == 0 && i < res.fwd.n; i++)
        add_public(out, &res.fwd.v[i], SR_BREAKS_FORWARD, res.cand->version);
    for (size_t i = 0; rc == 0 && i < res.back.n; i++)
        add_public(out, &res.back.v[i], SR_BREAKS_BACKWARD, res.cand->version);
    level_result_dispose(&res);
    return rc;
}

/* One half's findings as the registry lists them, words filled. */
static void add_messages(sr_strlist *out, const sr_fmt_findings *found, const sr_schema *reader,
                         const char *reader_word, const char *writer_word)
{
    for (size_t i = 0; i < found->n; i++) {
        char *m = registry_message(reader->ops, &found->v[i]);
        sr_strlist_take(out, sr_compat_fill_words(m, reader_word, writer_word));
        free(m);
    }
}

int sr_compat_check(sr_strlist *msgs, sr_compat_level level, const sr_schema *schema,
                    const sr_candidate *cands, size_t ncands, sr_err *err)
{
    level_result res;
    int rc = run_level(&res, level, schema, cands, ncands, err);

    if (rc == 0) { /* §1.3: the forward half of FULL prints no version/schema lines */
        add_messages(msgs, &res.fwd, res.cand->schema, "old", "new");
        if (res.fwd.n && !has_backward(level))
            add_old_lines(msgs, res.cand, res.mismatched);
        add_messages(msgs, &res.back, schema, "new", "old");
        if (res.back.n)
            add_old_lines(msgs, res.cand, res.mismatched);
        sr_strlist_addf(msgs, "{validateFields: 'false', compatibility: '%s'}",
                        sr_compat_level_name(level));
    }
    level_result_dispose(&res);
    return rc;
}

/* ---- pair map ---- */

struct sr_pairmap_slot {
    const void *a, *b;
    size_t value;
    int used;
};

static size_t pair_hash(const void *a, const void *b)
{
    uint64_t x = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull;

    x ^= ((uint64_t)(uintptr_t)b + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return (size_t)x;
}

static struct sr_pairmap_slot *find_slot(struct sr_pairmap_slot *slots, size_t cap,
                                         const void *a, const void *b)
{
    size_t i = pair_hash(a, b) & (cap - 1);

    while (slots[i].used && (slots[i].a != a || slots[i].b != b))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

size_t *sr_pairmap_get(const sr_pairmap *m, const void *a, const void *b)
{
    struct sr_pairmap_slot *s;

    if (!m->cap)
        return NULL;
    s = find_slot(m->slots, m->cap, a, b);
    return s->used ? &s->value : NULL;
}

size_t *sr_pairmap_put(sr_pairmap *m, const void *a, const void *b)
{
    struct sr_pairmap_slot *s;

    if (2 * (m->n + 1) > m->cap) { /* at most half full */
        size_t cap = m->cap ? 2 * m->cap : 64;
        struct sr_pairmap_slot *slots = sr_xcalloc(cap, sizeof(*slots));
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].used)
                *find_slot(slots, cap, m->slots[i].a, m->slots[i].b) = m->slots[i];
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    s = find_slot(m->slots, m->cap, a, b);
    if (!s->used) {
        *s = (struct sr_pairmap_slot){a, b, 0, 1};
        m->n++;
    }
    return &s->value;
}

void sr_pairmap_dispose(sr_pairmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

/* ---- sorted names ---- */

static int cmp_name_ix(const void *a, const void *b)
{
    const sr_name_ix *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : (x->index > y->index) - (x->index < y->index);
}

void sr_name_ix_sort(sr_name_ix *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_name_ix);
}

const sr_name_ix *sr_name_ix_find(const sr_name_ix *v, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(v[lo].name, name) == 0 ? &v[lo] : NULL;
}
