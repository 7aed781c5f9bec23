/* protobuf.h -- the Protobuf module of compat/ (one header for the rest of compat/ and its tests):
 * the .proto parser, text -> google.protobuf.FileDescriptorProto (protobuf-c); the printer of
 * canonical text; and Confluent's diff.
 *
 * No C library parses .proto text, so sluice has its own parser for proto2, proto3 and
 * `edition = "2023"`. It produces descriptors as `protoc` would (fully-qualified type names with a
 * leading dot, map entry messages, synthetic oneofs for proto3 optional, json_name, ...), plus
 * SourceCodeInfo locations so that later stages (the checker, the CLI) can point at line and
 * column. Imports are resolved through the caller's dependency list and the built-in well-known
 * files (the google/protobuf, google/type and confluent directories). */
#ifndef SR_COMPAT_PROTOBUF_H
#define SR_COMPAT_PROTOBUF_H

#include <stddef.h>

#include "compat/compat.h"
#include "google/protobuf/descriptor.pb-c.h"

/* A parsed file and every file it imports, transitively. */
typedef struct sr_proto_fileset {
    Google__Protobuf__FileDescriptorProto **files; /* dependency order: imports first, main last */
    size_t nfiles;
    /* Which files are built in (well-known) rather than from `deps`: builtin[i] for files[i]. */
    int *builtin;
    int max_depth; /* the nesting limit the set was parsed under (its printer keeps to it) */
} sr_proto_fileset;

/* Parse `text` as the file `path` (its import path, e.g. "events/order.proto"; may be "" for an
 * anonymous schema). Each `import` is looked up first in `deps` (by sr_dep.name == import path;
 * their texts are parsed recursively with the rest of `deps`), then among the built-in files.
 * Every file in the set carries SourceCodeInfo (line/column spans, as protoc's). On success the
 * caller owns *out (free with sr_proto_fileset_free). Errors: 42201 whose message contains
 * "<path>:<line>:<column>: <what>" for the first problem found, like protoc. */
int sr_proto_parse(sr_proto_fileset **out, const char *path, const char *text, const sr_dep *deps,
                   size_t ndeps, sr_err *err);
/* The same under explicit limits (NULL = the defaults): messages, groups and aggregate option
 * values nesting deeper than limits->max_depth, option paths longer than it and import chains
 * deeper than it are refused with 42201 naming the limit and the line:column, never recursed
 * into. Every pass is near-linear in the size of the input. */
int sr_proto_parse_limited(sr_proto_fileset **out, const char *path, const char *text,
                           const sr_dep *deps, size_t ndeps, const sr_parse_limits *limits,
                           sr_err *err);
void sr_proto_fileset_free(sr_proto_fileset *fs); /* NULL is a no-op */

/* The main (last) file of a set. Borrowed, valid until the set is freed. */
static inline const Google__Protobuf__FileDescriptorProto *
sr_proto_fileset_main(const sr_proto_fileset *fs)
{
    return fs->files[fs->nfiles - 1];
}

/* For `data` (len bytes), a serialized FileDescriptorProto (decoded from the base64 a client
 * sent): 1 when its messages nest deeper than a .proto file nesting `max_depth` levels can make
 * them, else 0 (0 too for bytes that are malformed: the unpacker refuses them). Checked before
 * protobuf-c unpacks such a descriptor, which recurses without a bound. */
int sr_proto_descriptor_too_deep(const uint8_t *data, size_t len, int max_depth);

/* Look up the 1-based line and column of the element at descriptor `path` (SourceCodeInfo path,
 * e.g. {4, 0, 2, 1} = message 0, field 1) in `fd`. 0 when found, -1 when the file has no location
 * for it. A binary search: the files of a set built by sr_proto_parse list their locations in
 * path order. */
int sr_proto_location(int *line_out, int *col_out, const Google__Protobuf__FileDescriptorProto *fd,
                      const int *path, size_t npath);


/* ---- the printer (print.c) ---- */
/* a FileDescriptorProto back to .proto text: sluice's canonical form of a
 * protobuf schema. Internal to compat/protobuf/.
 *
 * The text parses back to the same descriptor (the same bytes, but for imports, which are
 * sorted), so that message indexes on the wire, which depend on declaration order, survive:
 * nested types keep their order, map entry and group types appear where their fields stand.
 * Comments, formatting and import order are not kept. */


enum {
    SR_PROTO_PRINT_NORMALIZE = 1u << 0,      /* confluent-api.md §6: fields by number, ... */
    SR_PROTO_PRINT_NO_EXTENSIONS = 1u << 1,  /* format=ignore_extensions */
};

/* The main file of `fs`, custom options included (their definitions are looked up in the set).
 * Valid UTF-8 whatever bytes the strings hold. Caller frees; never NULL for a set built by
 * sr_proto_parse (which bounds nesting by the same fs->max_depth the printer keeps to). */
char *sr_proto_print_set(const sr_proto_fileset *fs, unsigned flags);
/* A lone descriptor (one a client sent, say): custom options cannot be named without their
 * definitions and are left out. Its fields may be missing; the text is meant to be parsed again.
 * Caller frees; NULL when the descriptor nests deeper than `max_depth` or names an element with
 * something that is not an identifier. sr_proto_print uses SR_PARSE_MAX_DEPTH_DEFAULT. */
char *sr_proto_print_limited(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags,
                             int max_depth);
char *sr_proto_print(const Google__Protobuf__FileDescriptorProto *fd, unsigned flags);
/* A lone descriptor whose custom options are named from the definitions in `context` (its
 * imports, and itself: it may define the options it uses). Otherwise as sr_proto_print_limited. */
char *sr_proto_print_in(const Google__Protobuf__FileDescriptorProto *fd,
                        const sr_proto_fileset *context, unsigned flags, int max_depth);


/* ---- payload validation (validate.c) ---- */

/* A JSON document read with the Protobuf JSON mapping as the message `message_name` (fully
 * qualified, with or without the leading dot; NULL: the main file's first message). 1 valid, 0 not
 * (violations appended), -1 with err (40403 no such message, 42201 not JSON or too deep). */
struct sr_violations;
int sr_proto_validate_json(struct sr_violations *out, const sr_proto_fileset *fs, const char *doc,
                           const char *message_name, int max_depth, sr_err *err);

/* ---- the diff (diff.c) ---- */
/* Confluent's protobuf schema diff (compatibility-rules.md §3) over descriptor
 * sets: every difference between an original and an update, compatible ones included, each as
 * "<TYPE> <path>" ("FIELD_ADDED #/Order/3") with where its element is in each main file.
 * Internal to compat/protobuf/ (protobuf.c turns it into findings) and used by its tests. */

#include "common/strlist.h"

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
