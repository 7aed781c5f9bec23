/* compat_protobuf.c -- fuzz the .proto parser (proto2, proto3, editions; options, extensions,
 * well-known imports): parse, canonical text, alternative renderings (compat_parse.h). */
#include "tests/fuzz/compat_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(SR_TYPE_PROTOBUF, data, size);
}
