/* format.h -- what each schema format module provides to compat.c. Internal to compat/.
 *
 * A module implements these operations over its own parsed representation (`void *`), and
 * compat.c wraps them into the public sr_schema API so callers never switch on the format. A
 * module's checker reports what it finds in one direction (a reader reading a writer's data) as
 * sr_fmt_findings; compat.c runs the directions a level asks for and turns them into the public
 * sr_finding list or into Confluent's message list. */
#ifndef SR_COMPAT_FORMAT_H
#define SR_COMPAT_FORMAT_H

#include "compat/compat.h"

/* A position in a schema text: 1-based line and column, line 0 when there is none. */
typedef struct sr_fmt_pos {
    int line, column;
} sr_fmt_pos;

/* One incompatibility, as a module finds it reading in one direction. */
typedef struct sr_fmt_finding {
    const char *type;  /* difference type (static), as sr_finding.type */
    char *path;        /* the format's location of the element; owned */
    char *message;     /* Confluent's message with its two "%s" placeholders (reader word, writer
                        * word) left in; owned */
    char *key;         /* identity of the difference whichever way it is read: a difference found
                        * reading both ways has the same key in both; owned, or NULL to mean the
                        * type and path */
    sr_fmt_pos reader; /* where the element is in the reader's text (or its closest enclosing
                        * element); line 0 when not there */
    sr_fmt_pos writer; /* and in the writer's text */
} sr_fmt_finding;

typedef struct sr_fmt_findings {
    sr_fmt_finding *v; /* owned */
    size_t n, cap;
} sr_fmt_findings;

#define SR_FMT_FINDINGS_INIT {NULL, 0, 0}

/* Append `f`, taking ownership of its strings. */
void sr_fmt_findings_push(sr_fmt_findings *l, sr_fmt_finding f);
void sr_fmt_findings_dispose(sr_fmt_findings *l);

typedef struct sr_format_ops {
    const char *name; /* "AVRO", "PROTOBUF", "JSON" */

    /* Parse + validate; *out owned by the caller (free with ->free); *canonical_out is the
     * canonical (or normalized, per flags) text, owned by the caller (free()). `limits` is never
     * NULL. */
    int (*parse)(void **out, char **canonical_out, const char *text, const sr_dep *deps,
                 size_t ndeps, unsigned flags, const sr_parse_limits *limits, sr_err *err);
    void (*free)(void *model);

    /* Optional alternative renderings; NULL when the format has none. Same contract as
     * sr_schema_render. */
    int (*render)(char **out, const void *model, const char *format, sr_err *err);

    /* Can `reader` read data written with `writer`? Appends one finding per incompatibility, in
     * the order of Confluent's messages. 0, or -1 with err (42201 beyond SR_COMPAT_MAX_DEPTH). */
    int (*read_compat)(sr_fmt_findings *out, const void *reader, const void *writer,
                       sr_err *err);

    /* 1 when the registry's messages carry the element's position (", line:N, column:M}"). */
    int message_positions;

    /* Optional: the imports of a text, as sr_schema_imports. NULL: the format has none. */
    int (*imports)(sr_strlist *out, const char *text, sr_err *err);

    /* Optional: the top-level type names of a schema, as sr_schema_record_names. */
    void (*record_names)(sr_strlist *out, const void *model);
    /* Optional: the top-level field names, as sr_schema_field_names. */
    void (*field_names)(sr_strlist *out, const void *model);

    /* Optional: validate a JSON document, as sr_schema_validate_json. */
    int (*validate_json)(sr_violations *out, const void *model, const char *doc,
                         const char *message_name, int max_depth, sr_err *err);
} sr_format_ops;

/* Defined by each format module that is built in. */
extern const sr_format_ops sr_avro_ops;
extern const sr_format_ops sr_protobuf_ops;
extern const sr_format_ops sr_jsonschema_ops;

/* ---- shared by the checkers ---- */

/* A hash map from a pair of pointers to a size_t: memo tables and per-node caches, so that
 * checks stay near-linear on hostile input. Start from SR_PAIRMAP_INIT. */
typedef struct sr_pairmap {
    struct sr_pairmap_slot *slots; /* owned */
    size_t cap, n;
} sr_pairmap;

#define SR_PAIRMAP_INIT {NULL, 0, 0}

/* The value stored for (a, b), or NULL when there is none. Valid until the next put. */
size_t *sr_pairmap_get(const sr_pairmap *m, const void *a, const void *b);
/* The value slot for (a, b), created holding 0 when new. Valid until the next put. */
size_t *sr_pairmap_put(sr_pairmap *m, const void *a, const void *b);
void sr_pairmap_dispose(sr_pairmap *m);

/* A name and what it names (an index), for sorted lookups by name. */
typedef struct sr_name_ix {
    const char *name; /* borrowed */
    size_t index;
} sr_name_ix;

/* Sort by name, then index. */
void sr_name_ix_sort(sr_name_ix *v, size_t n);
/* The first entry called `name` in a sorted array (the others follow it), or NULL. */
const sr_name_ix *sr_name_ix_find(const sr_name_ix *v, size_t n, const char *name);

#endif
