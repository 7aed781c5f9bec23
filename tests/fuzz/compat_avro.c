/* compat_avro.c -- fuzz the Avro schema parser (JSON text: records, unions, named types, defaults,
 * logical types): parse, canonical text, alternative renderings (compat_parse.h). */
#include "tests/fuzz/compat_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(SR_TYPE_AVRO, data, size);
}
