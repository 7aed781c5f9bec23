/* avro.h -- sluice's own Avro schema model, internal to compat/.
 *
 * avro-c's schema objects drop field defaults, aliases and docs, and compatibility and the
 * canonical form need all three, so the model is built here on jansson. Named types are defined
 * once (their node is shared by every use); a use elsewhere points at the definition.
 *
 * All input is hostile: every pass over a schema is near-linear in its size (names, fields and
 * symbols are looked up through jansson objects used as hash tables, never by scanning), and every
 * recursion over a schema or over a JSON value in it is bounded by the parse limit. */
#ifndef SR_COMPAT_AVRO_H
#define SR_COMPAT_AVRO_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strlist.h"
#include "compat/compat.h"

typedef enum av_kind {
    AV_NULL, AV_BOOLEAN, AV_INT, AV_LONG, AV_FLOAT, AV_DOUBLE, AV_BYTES, AV_STRING,
    AV_RECORD, AV_ENUM, AV_ARRAY, AV_MAP, AV_UNION, AV_FIXED,
} av_kind;

typedef struct av_type av_type;

typedef struct av_field {
    char *name;
    av_type *type;    /* borrowed: nodes are owned by the schema's node list */
    json_t *def;      /* default value, NULL when absent (a JSON null default is json_null) */
    json_t *aliases;  /* array of strings or NULL */
    char *doc;
    char *order;      /* "ascending" (NULL), "descending", "ignore" */
    json_t *props;    /* other attributes, in input order; never NULL */
} av_field;

struct av_type {
    av_kind kind;
    /* named types (record, enum, fixed) */
    char *name;       /* simple name */
    char *ns;         /* namespace or NULL */
    char *fullname;
    char *doc;
    json_t *aliases;  /* array of full names, or NULL */
    size_t named_id;  /* position in av_schema.named */
    int external;     /* defined by a referenced schema, not this one */
    int is_error;     /* a record declared as "error" */
    /* record */
    av_field *fields;
    size_t nfields;
    json_t *field_index; /* field name -> position in fields; NULL unless a record */
    /* enum */
    char **symbols;
    size_t nsymbols;
    json_t *symbol_index; /* symbol -> position in symbols; NULL unless an enum */
    char *enum_default;
    /* fixed */
    long long size;
    /* array items / map values */
    av_type *items;
    /* union */
    av_type **branches;
    size_t nbranches;
    /* other attributes (logicalType, precision, ...), input order; never NULL */
    json_t *props;
};

/* A parsed schema: the root type and every node allocated for it (and its references). */
typedef struct av_schema {
    av_type *root;
    av_type **nodes;  /* owned */
    size_t nnodes, cap_nodes;
    av_type **named;  /* the named types, in definition order (borrowed from nodes) */
    size_t nnamed, cap_named;
    json_t *named_index; /* full name -> position in named */
    int max_depth;    /* the nesting limit it was parsed with; its printers honour it too */
} av_schema;

/* Parse `text` with the referenced schemas `dep_texts` (in dependency order) into *out, owned by
 * the caller (free with sr_avro_free). `flags` as compat.h's SR_PARSE_*. Types, and JSON values
 * (defaults, attributes), nesting deeper than `max_depth` levels are refused. Returns 0, or -1
 * with 42201 "Invalid schema of type AVRO, details: ...". */
int sr_avro_parse(av_schema **out, const char *text, const char *const *dep_texts, size_t ndeps,
                  unsigned flags, int max_depth, sr_err *err);
void sr_avro_free(av_schema *s); /* NULL is a no-op */

/* Lookups in constant time: the named type called `fullname`, the field of `record` called `name`,
 * whether `enum_type` has `symbol`. Borrowed pointers, valid until sr_avro_free. */
av_type *sr_avro_find_named(const av_schema *s, const char *fullname);
const av_field *sr_avro_field(const av_type *record, const char *name);
int sr_avro_has_symbol(const av_type *enum_type, const char *symbol);

/* Printers (print.c). *out is owned by the caller (free()). Returns 0, or -1 with 42201 when
 * the text would nest deeper than the schema's limit (only the resolved form can: it inlines the
 * referenced types). */
enum { AV_PRINT_CANONICAL, AV_PRINT_NORMALIZED, AV_PRINT_RESOLVED };
int sr_avro_print(char **out, const av_schema *s, int style, sr_err *err);

/* ---- shared by the parser and the printers only ---- */

/* Where a walk is, as a JSON pointer ("/fields/3/type"), for messages. Keys are borrowed until
 * popped. */
typedef struct av_path_seg {
    const char *key; /* NULL: an array index */
    size_t index;
} av_path_seg;

typedef struct av_path {
    av_path_seg *seg;
    size_t n, cap;
} av_path;

void sr_avro__path_push(av_path *p, const char *key);
void sr_avro__path_push_index(av_path *p, size_t index);
void sr_avro__path_pop(av_path *p);
void sr_avro__path_dispose(av_path *p);
/* The pointer, escaped ("~0", "~1"), "/" for the root; when longer than `max` bytes its middle is
 * elided ("...") on UTF-8 character boundaries. Caller frees. */
char *sr_avro__path_format(const av_path *p, size_t max);

/* Schema resolution (compat.c): can `reader` read data written with `writer`? Appends its
 * findings (compat/format.h); 0, or -1 with err beyond SR_COMPAT_MAX_DEPTH levels. */
struct sr_fmt_findings;
int sr_avro_read_compat(struct sr_fmt_findings *out, const av_schema *reader,
                        const av_schema *writer, sr_err *err);
/* The root type's full name, when it is named (compat.c). */
void sr_avro_record_names(sr_strlist *out, const av_schema *s);

const char *sr_avro_kind_name(av_kind k); /* "record", "int", ... */

/* A JSON document read as Avro's JSON encoding of `s` (validate.c): 1 valid, 0 not (violations
 * appended), -1 with err (42201: not JSON, or deeper than `max_depth`). */
struct sr_violations;
int sr_avro_validate_json(struct sr_violations *out, const av_schema *s, const char *doc,
                          int max_depth, sr_err *err);

#endif
