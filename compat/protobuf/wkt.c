/* protobuf/wkt.c -- the built-in well-known .proto files (the google/protobuf directory of the
 * protobuf distribution, embedded at build time), available to imports as in Confluent. */
#include "compat/protobuf/internal.h"
#include "common/embedded.h"

extern const struct sr_embedded_text sr_proto__builtin_files[];

const char *sr_proto__builtin(const char *path)
{
    return sr_embedded_find(sr_proto__builtin_files, path);
}
