/* hex.h -- the value of a hexadecimal digit (percent escapes, \u escapes, credentials). */
#ifndef SR_COMMON_HEX_H
#define SR_COMMON_HEX_H

/* 0-15, or -1 when `c` is not a hexadecimal digit. */
static inline int sr_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
