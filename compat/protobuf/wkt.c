/* protobuf/wkt.c -- the built-in well-known .proto files (the google/protobuf directory of the
 * protobuf distribution, embedded at build time), available to imports as in Confluent. */
#include "compat/protobuf/internal.h"

#include <string.h>

struct sr_proto_builtin_file {
    const char *path;
    const char *text;
};
extern const struct sr_proto_builtin_file sr_proto__builtin_files[];

const char *sr_proto__builtin(const char *path)
{
    for (const struct sr_proto_builtin_file *f = sr_proto__builtin_files; f->path; f++)
        if (strcmp(f->path, path) == 0)
            return f->text;
    return NULL;
}
