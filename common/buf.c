/* buf.c -- growable strings and aborting allocators. */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sr_xoom(void)
{
    fputs("sluice: out of memory\n", stderr);
    abort();
}

void *sr_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        sr_xoom();
    return p;
}

void *sr_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sr_xoom();
    return p;
}

void *sr_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        sr_xoom();
    return p;
}

char *sr_xstrdup(const char *s)
{
    return sr_xstrndup(s, strlen(s));
}

char *sr_xstrndup(const char *s, size_t n)
{
    char *p = sr_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Make room for `extra` more bytes plus the NUL. */
static void grow(sr_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap;

    if (need <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (b->cap == 0) {
        b->ptr = sr_xmalloc(cap);
        b->ptr[0] = '\0';
    } else {
        b->ptr = sr_xrealloc(b->ptr, cap);
    }
    b->cap = cap;
}

void sr_buf_put(sr_buf *b, const char *data, size_t len)
{
    grow(b, len);
    memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}

void sr_buf_puts(sr_buf *b, const char *s)
{
    sr_buf_put(b, s, strlen(s));
}

void sr_buf_putc(sr_buf *b, char c)
{
    sr_buf_put(b, &c, 1);
}

void sr_buf_printf(sr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sr_buf_clear(sr_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->ptr[0] = '\0';
}

void sr_buf_truncate(sr_buf *b, size_t len)
{
    b->len = len;
    if (b->cap)
        b->ptr[len] = '\0';
}

void sr_buf_put_pointer_token(sr_buf *b, const char *token, size_t len)
{
    sr_buf_putc(b, '/');
    for (size_t i = 0; i < len; i++) {
        if (token[i] == '~')
            sr_buf_puts(b, "~0");
        else if (token[i] == '/')
            sr_buf_puts(b, "~1");
        else
            sr_buf_putc(b, token[i]);
    }
}

char *sr_buf_detach(sr_buf *b)
{
    char *p = b->cap ? b->ptr : sr_xstrdup("");
    b->ptr = (char *)"";
    b->len = b->cap = 0;
    return p;
}

void sr_buf_dispose(sr_buf *b)
{
    if (b->cap)
        free(b->ptr);
    b->ptr = (char *)"";
    b->len = b->cap = 0;
}
