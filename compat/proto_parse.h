/* proto_parse.h -- the .proto parser: text -> google.protobuf.FileDescriptorProto (protobuf-c).
 *
 * No C library parses .proto text, so sluice has its own parser for proto2, proto3 and
 * `edition = "2023"`. It produces descriptors as `protoc` would (fully-qualified type names with a
 * leading dot, map entry messages, synthetic oneofs for proto3 optional, json_name, ...), plus
 * SourceCodeInfo locations so that later stages (the checker, the CLI) can point at line and
 * column. Imports are resolved through the caller's dependency list and the built-in well-known
 * files (the google/protobuf, google/type and confluent directories). */
#ifndef SR_COMPAT_PROTO_PARSE_H
#define SR_COMPAT_PROTO_PARSE_H

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

/* For `text` that is a base64 FileDescriptorProto (nothing but base64 characters, at least 4):
 * 1 when its messages nest deeper than a .proto file nesting `max_depth` levels can make them,
 * else 0 (0 too for text that is not base64, or does not decode). Checked before protobuf-c
 * unpacks such a descriptor, which recurses without a bound. */
int sr_proto_base64_too_deep(const char *text, int max_depth);

/* Look up the 1-based line and column of the element at descriptor `path` (SourceCodeInfo path,
 * e.g. {4, 0, 2, 1} = message 0, field 1) in `fd`. 0 when found, -1 when the file has no location
 * for it. A binary search: the files of a set built by sr_proto_parse list their locations in
 * path order. */
int sr_proto_location(int *line_out, int *col_out, const Google__Protobuf__FileDescriptorProto *fd,
                      const int *path, size_t npath);

#endif
