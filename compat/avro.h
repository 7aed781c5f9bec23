/* avro.h -- sluice's own Avro schema model, internal to compat/.
 *
 * avro-c's schema objects drop field defaults, aliases and docs, and compatibility and the
 * canonical form need all three, so the model is built here on jansson. Named types are defined
 * once (their node is shared by every use); a use elsewhere points at the definition. */
#ifndef SR_COMPAT_AVRO_H
#define SR_COMPAT_AVRO_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strlist.h"

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
    int external;     /* defined by a referenced schema, not this one */
    int is_error;     /* a record declared as "error" */
    /* record */
    av_field *fields;
    size_t nfields;
    /* enum */
    char **symbols;
    size_t nsymbols;
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
    size_t nnodes;
    av_type **named;  /* the named types, in definition order (borrowed from nodes) */
    size_t nnamed;
} av_schema;

/* Parse flags, as compat.h's SR_PARSE_* . */
int sr_avro_parse(av_schema **out, const char *text, const char *const *dep_texts, size_t ndeps,
                  unsigned flags, sr_err *err);
void sr_avro_free(av_schema *s);

/* Printers (avro_print.c). */
enum { AV_PRINT_CANONICAL, AV_PRINT_NORMALIZED, AV_PRINT_RESOLVED };
char *sr_avro_print(const av_schema *s, int style);

/* Schema resolution (avro_compat.c): can `reader` read data written with `writer`? Appends its
 * findings (compat/format.h); 0, or -1 with err beyond SR_COMPAT_MAX_DEPTH levels. */
struct sr_fmt_findings;
int sr_avro_read_compat(struct sr_fmt_findings *out, const av_schema *reader,
                        const av_schema *writer, sr_err *err);
/* The root type's full name, when it is named (avro_compat.c). */
void sr_avro_record_names(sr_strlist *out, const av_schema *s);

const char *sr_avro_kind_name(av_kind k); /* "record", "int", ... */

#endif
