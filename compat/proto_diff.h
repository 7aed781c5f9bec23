/* proto_diff.h -- Confluent's protobuf schema diff (compatibility-rules.md §3) over descriptor
 * sets: every difference between an original and an update, compatible ones included, each as
 * "<TYPE> <path>" ("FIELD_ADDED #/Order/3") with where its element is in each main file.
 * Internal to compat/ (protobuf.c turns it into findings) and used by its tests. */
#ifndef SR_COMPAT_PROTO_DIFF_H
#define SR_COMPAT_PROTO_DIFF_H

#include "common/strlist.h"
#include "compat/proto_parse.h"

typedef struct sr_proto_diff {
    const char *type; /* "FIELD_ADDED", ... (static) */
    char *path;       /* "#/Order/3" (owned) */
} sr_proto_diff;

/* A 1-based line and column in a main file's text; line 0 when there is none. */
typedef struct sr_proto_pos {
    int line, column;
} sr_proto_pos;

/* Where a difference is: the element its path names in each main file, or (on the side that
 * lacks it, e.g. the update for a removed field) the closest enclosing element that has a
 * position -- the message for a field, the enum for a value, nothing for a top-level type. A
 * oneof's differences are placed at its message. Elements of imported files have no position. */
typedef struct sr_proto_where {
    sr_proto_pos update, original;
} sr_proto_where;

typedef struct sr_proto_diffs {
    sr_proto_diff *v;
    size_t n;
    sr_proto_where *where; /* where[i] for v[i] */
    size_t cap;
} sr_proto_diffs;

/* Compare the main files of two sets (types of their imports are looked at where fields use
 * them). Appends to *out; free with sr_proto_diffs_dispose. Near-linear in the size of the two
 * files. 0, or -1 when types nest (through fields of imported message types) deeper than
 * SR_COMPAT_MAX_DEPTH: then *out holds what was found before. */
int sr_proto_diff_compare(sr_proto_diffs *out, const sr_proto_fileset *original,
                          const sr_proto_fileset *update);
void sr_proto_diffs_dispose(sr_proto_diffs *d);

/* 1 when Confluent counts this difference type as compatible (the same set both ways). */
int sr_proto_diff_is_compatible(const char *type);

/* Confluent's message for an incompatible difference, with the two "%s" placeholders (reader
 * word, writer word) left in: {errorType:"<TYPE>", description:"..."}. Caller frees. */
char *sr_proto_diff_message(const sr_proto_diff *d);

/* Where a difference's path ("#/Order/Line/3", "#/Order/pay/5", "#/Status/1", "#/") points in
 * the main file of `fs`: the line and column of the deepest element it names (a field, enum
 * value, message or enum), else of the closest enclosing element with a position. 0, or -1 when
 * the path names nothing in that file. (The diff places its own differences as it finds them;
 * this is for a path met elsewhere.) */
int sr_proto_diff_locate(int *line, int *col, const sr_proto_fileset *fs, const char *path);

#endif
