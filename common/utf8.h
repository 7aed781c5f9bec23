/* utf8.h -- UTF-8 checks for text that crosses a trust boundary: names and schemas arrive from
 * clients, and every string handed to jansson must be valid UTF-8 or jansson refuses it. */
#ifndef SR_COMMON_UTF8_H
#define SR_COMMON_UTF8_H

#include <stddef.h>

/* The offset of the first byte of `s[0..len)` that does not start a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or `len` when every byte
 * is part of one. NUL counts as valid (it is U+0000). */
size_t sr_utf8_invalid_at(const char *s, size_t len);

/* The length (1 to 4) of the well-formed UTF-8 sequence that starts s[0..len), or 0 when the
 * bytes there are not one. len >= 1. */
size_t sr_utf8_seq_len(const char *s, size_t len);

/* 1 when the NUL-terminated `s` is valid UTF-8. */
int sr_utf8_valid(const char *s);

/* A copy of `s` in which each byte that is not part of a well-formed sequence becomes U+FFFD
 * (as WHATWG decoders do). Caller frees. Never NULL. */
char *sr_utf8_lossy(const char *s);

/* The largest n <= max such that s[0..n) does not end inside a multi-byte character; s is valid
 * UTF-8 of length `len`. */
size_t sr_utf8_floor(const char *s, size_t len, size_t max);

#endif
