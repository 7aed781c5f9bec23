/* proto_diff.h -- Confluent's protobuf schema diff (compatibility-rules.md §3) over descriptor
 * sets: every difference between an original and an update, compatible ones included, each as
 * "<TYPE> <path>" ("FIELD_ADDED #/Order/3"). Internal to compat/ and used by its tests. */
#ifndef SR_COMPAT_PROTO_DIFF_H
#define SR_COMPAT_PROTO_DIFF_H

#include "common/strlist.h"
#include "compat/proto_parse.h"

typedef struct sr_proto_diff {
    const char *type; /* "FIELD_ADDED", ... (static) */
    char *path;       /* "#/Order/3" (owned) */
} sr_proto_diff;

typedef struct sr_proto_diffs {
    sr_proto_diff *v;
    size_t n;
} sr_proto_diffs;

/* Compare the main files of two sets (types of their imports are looked at where fields use
 * them). Appends to *out; free with sr_proto_diffs_dispose. */
void sr_proto_diff_compare(sr_proto_diffs *out, const sr_proto_fileset *original,
                           const sr_proto_fileset *update);
void sr_proto_diffs_dispose(sr_proto_diffs *d);

/* 1 when Confluent counts this difference type as compatible (the same set both ways). */
int sr_proto_diff_is_compatible(const char *type);

/* Confluent's message for an incompatible difference, with the two "%s" placeholders (reader
 * word, writer word) left in: {errorType:"<TYPE>", description:"..."}. Caller frees. */
char *sr_proto_diff_message(const sr_proto_diff *d);

/* Where a difference's path ("#/Order/Line/3", "#/Order/pay/5", "#/Status/1", "#/") points
 * in the main file of `fs`: the line and column of the deepest element it names (a field, enum
 * value, message or enum). 0, or -1 when the path names nothing in that file. */
int sr_proto_diff_locate(int *line, int *col, const sr_proto_fileset *fs, const char *path);

#endif
