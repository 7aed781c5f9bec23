/* format.h -- what each schema format module provides to compat.c. Internal to compat/.
 *
 * A module implements these operations over its own parsed representation (`void *`), and
 * compat.c wraps them into the public sr_schema API so callers never switch on the format. */
#ifndef SR_COMPAT_FORMAT_H
#define SR_COMPAT_FORMAT_H

#include "compat/compat.h"

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

    /* Same contract as sr_schema_read_compat. */
    int (*read_compat)(sr_strlist *msgs, const void *reader, const void *writer, sr_err *err);
} sr_format_ops;

/* Defined by each format module that is built in. */
extern const sr_format_ops sr_avro_ops;
extern const sr_format_ops sr_protobuf_ops;
extern const sr_format_ops sr_jsonschema_ops;

#endif
