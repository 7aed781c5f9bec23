/* compat_json.c -- fuzz the JSON Schema parser (drafts 4 to 2020-12, $ref, $defs, meta-schema
 * checks): parse, canonical text, alternative renderings (compat_parse.h). */
#include "tests/fuzz/compat_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(SR_TYPE_JSON, data, size);
}
