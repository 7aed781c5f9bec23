/* proto_print.h -- a FileDescriptorProto back to .proto text: sluice's canonical form of a
 * protobuf schema. Internal to compat/.
 *
 * The text parses back to the same descriptor (the same bytes, but for imports, which are
 * sorted), so that message indexes on the wire, which depend on declaration order, survive:
 * nested types keep their order, map entry and group types appear where their fields stand.
 * Comments, formatting and import order are not kept. */
#ifndef SR_COMPAT_PROTO_PRINT_H
#define SR_COMPAT_PROTO_PRINT_H

#include "compat/proto_parse.h"

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

#endif
