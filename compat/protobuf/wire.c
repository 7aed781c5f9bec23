/* protobuf/wire.c -- how deep a serialized FileDescriptorProto nests, found before protobuf-c's
 * unpacker (which recurses once per nested message, without a bound) reads it: descriptors
 * arrive base64-encoded from unauthenticated clients. The walk follows protobuf-c's message
 * descriptors and stops at the limit, so it recurses no deeper than that itself. */
#include "compat/protobuf/internal.h"

/* A .proto's nesting of messages adds this many levels of descriptor messages at most: file,
 * options, uninterpreted option, name part. */
#define DESCRIPTOR_LEVELS 4

static int varint(const uint8_t *data, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;

    for (int shift = 0; shift < 64 && *pos < len; shift += 7) {
        uint8_t b = data[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* 1 when `data`, a message of type `d` at nesting `depth`, nests deeper than `max`; 0 otherwise
 * (malformed input included: the unpacker refuses it). */
static int too_deep(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len,
                    int depth, int max)
{
    size_t pos = 0;

    if (depth > max)
        return 1;
    while (pos < len) {
        uint64_t key, n;
        const ProtobufCFieldDescriptor *f;
        if (varint(data, len, &pos, &key) < 0)
            return 0;
        switch (key & 7) {
        case 0:
            if (varint(data, len, &pos, &n) < 0)
                return 0;
            break;
        case 1:
        case 5:
            if (len - pos < ((key & 7) == 1 ? 8u : 4u))
                return 0;
            pos += (key & 7) == 1 ? 8 : 4;
            break;
        case 2:
            if (varint(data, len, &pos, &n) < 0 || n > len - pos)
                return 0;
            f = key >> 3 <= UINT32_MAX
                    ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3))
                    : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                too_deep(f->descriptor, data + pos, (size_t)n, depth + 1, max))
                return 1;
            pos += (size_t)n;
            break;
        default:
            return 0;
        }
    }
    return 0;
}

int sr_proto_descriptor_too_deep(const uint8_t *data, size_t len, int max_depth)
{
    return too_deep(&google__protobuf__file_descriptor_proto__descriptor, data, len, 1,
                    max_depth + DESCRIPTOR_LEVELS);
}
