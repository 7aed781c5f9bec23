/* compat.c -- the format-neutral half of compat/: the sr_schema wrapper over each format module,
 * schema type names, and Confluent's level logic (which candidates, which direction, how the
 * message list is laid out; compatibility-rules.md §1). */
#include "compat/compat.h"
#include "compat/format.h"
#include "common/buf.h"

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

int sr_schema_read_compat(sr_strlist *msgs, const sr_schema *reader, const sr_schema *writer,
                          sr_err *err)
{
    if (reader->type != writer->type) {
        sr_strlist_add(msgs, "Incompatible because of different schema type");
        return 0;
    }
    return reader->ops->read_compat(msgs, reader->model, writer->model, err);
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

/* Run one direction: `reader` reads data written by `writer`. Appends filled messages to `out`.
 * Returns 1 compatible, 0 not, -1 error. */
static int one_direction(sr_strlist *out, const sr_schema *reader, const sr_schema *writer,
                         const char *reader_word, const char *writer_word, sr_err *err)
{
    sr_strlist raw = SR_STRLIST_INIT;
    int rc;

    if (sr_schema_read_compat(&raw, reader, writer, err) < 0) {
        sr_strlist_dispose(&raw);
        return -1;
    }
    rc = raw.n == 0;
    for (size_t i = 0; i < raw.n; i++)
        sr_strlist_take(out, sr_compat_fill_words(raw.v[i], reader_word, writer_word));
    sr_strlist_dispose(&raw);
    return rc;
}

#define OLD_SCHEMA_MAX 10240

static void add_old_lines(sr_strlist *out, const sr_candidate *c, int mismatched_type)
{
    const char *text = sr_schema_canonical(c->schema);

    if (mismatched_type)
        return; /* "no schema details appended" for a type mismatch */
    sr_strlist_addf(out, "{oldSchemaVersion: %d}", c->version);
    if (strlen(text) > OLD_SCHEMA_MAX)
        sr_strlist_addf(out, "{oldSchema: <truncated> '%.*s...'}", OLD_SCHEMA_MAX, text);
    else
        sr_strlist_addf(out, "{oldSchema: '%s'}", text);
}

/* Check one candidate at the (non-transitive form of the) level. Returns 1/0/-1. */
static int check_candidate(sr_strlist *out, sr_compat_level level, const sr_schema *schema,
                           const sr_candidate *c, sr_err *err)
{
    int mismatched = sr_schema_get_type(schema) != sr_schema_get_type(c->schema);
    int fwd = 1, back = 1;

    if (level == SR_COMPAT_FORWARD || level == SR_COMPAT_FORWARD_TRANSITIVE ||
        level == SR_COMPAT_FULL || level == SR_COMPAT_FULL_TRANSITIVE) {
        fwd = one_direction(out, c->schema, schema, "old", "new", err);
        if (fwd < 0)
            return -1;
        /* The forward half of FULL prints no version/schema lines; plain FORWARD does. */
        if (!fwd && (level == SR_COMPAT_FORWARD || level == SR_COMPAT_FORWARD_TRANSITIVE))
            add_old_lines(out, c, mismatched);
        if (!fwd && mismatched)
            return 0;
    }
    if (level == SR_COMPAT_BACKWARD || level == SR_COMPAT_BACKWARD_TRANSITIVE ||
        level == SR_COMPAT_FULL || level == SR_COMPAT_FULL_TRANSITIVE) {
        back = one_direction(out, schema, c->schema, "new", "old", err);
        if (back < 0)
            return -1;
        if (!back)
            add_old_lines(out, c, mismatched);
    }
    return fwd && back;
}

int sr_compat_check(sr_strlist *msgs, sr_compat_level level, const sr_schema *schema,
                    const sr_candidate *cands, size_t ncands, sr_err *err)
{
    int transitive = level == SR_COMPAT_BACKWARD_TRANSITIVE ||
                     level == SR_COMPAT_FORWARD_TRANSITIVE || level == SR_COMPAT_FULL_TRANSITIVE;
    size_t stop = transitive ? 0 : (ncands ? ncands - 1 : 0);

    if (level == SR_COMPAT_NONE || ncands == 0)
        return 1;
    for (size_t i = ncands; i-- > stop;) {
        int rc = check_candidate(msgs, level, schema, &cands[i], err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            sr_strlist_addf(msgs, "{validateFields: 'false', compatibility: '%s'}",
                            sr_compat_level_name(level));
            return 0;
        }
    }
    return 1;
}
