/* compat_descriptor.c -- fuzz Protobuf schemas sent as base64 FileDescriptorProtos (what
 * Confluent's serializers and format=serialized exchange): the input is the descriptor's bytes,
 * base64-encoded here so that the fuzzer mutates the protobuf encoding itself. Whatever decodes
 * is printed as .proto text (its canonical form), which must parse again to the same text. */
#include "tests/fuzz/compat_parse.h"

static char *base64(const uint8_t *data, size_t size)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((size + 2) / 3) + 1), *p = out;

    if (!out)
        abort();
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < size)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < size)
            v |= data[i + 2];
        *p++ = digits[v >> 18 & 63];
        *p++ = digits[v >> 12 & 63];
        *p++ = i + 1 < size ? digits[v >> 6 & 63] : '=';
        *p++ = i + 2 < size ? digits[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = base64(data, size);

    fuzz_parse_once(SR_TYPE_PROTOBUF, text, SR_PARSE_NEW);
    fuzz_parse_once(SR_TYPE_PROTOBUF, text, 0);
    free(text);
    return 0;
}
