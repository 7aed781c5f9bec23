/* utf8.c -- validating, repairing and cutting UTF-8. */
#include "common/utf8.h"
#include "common/buf.h"

#include <string.h>

size_t sr_utf8_seq_len(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* bounds of the second byte */

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

size_t sr_utf8_invalid_at(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = sr_utf8_seq_len(s + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

int sr_utf8_valid(const char *s)
{
    size_t len = strlen(s);
    return sr_utf8_invalid_at(s, len) == len;
}

char *sr_utf8_lossy(const char *s)
{
    size_t len = strlen(s), i = 0;
    sr_buf b = SR_BUF_INIT;

    while (i < len) {
        size_t n = sr_utf8_seq_len(s + i, len - i);
        if (n) {
            sr_buf_put(&b, s + i, n);
            i += n;
        } else {
            sr_buf_puts(&b, "\xef\xbf\xbd");
            i++;
        }
    }
    return sr_buf_detach(&b);
}

size_t sr_utf8_floor(const char *s, size_t len, size_t max)
{
    size_t n = max < len ? max : len;

    /* Step back over continuation bytes to the start of the character that n cuts. */
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}
