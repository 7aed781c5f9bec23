/* buf.h -- a growable, always NUL-terminated byte string (length-carrying, not a moving pointer).
 *
 *     sr_buf b = SR_BUF_INIT;
 *     sr_buf_puts(&b, "x"); sr_buf_printf(&b, "%d", 1);
 *     use(b.ptr, b.len);
 *     sr_buf_dispose(&b);
 *
 * Allocation failure aborts: the registry cannot do anything useful without memory, and checking
 * every append would bury the logic. */
#ifndef SR_COMMON_BUF_H
#define SR_COMMON_BUF_H

#include <stddef.h>

typedef struct sr_buf {
    char *ptr;    /* NUL-terminated contents; "" (static) until the first append */
    size_t len;   /* bytes used, not counting the NUL */
    size_t cap;   /* bytes allocated; 0 while ptr is the static "" */
} sr_buf;

#define SR_BUF_INIT { (char *)"", 0, 0 }

void sr_buf_put(sr_buf *b, const char *data, size_t len);
void sr_buf_puts(sr_buf *b, const char *s);
void sr_buf_putc(sr_buf *b, char c);
void sr_buf_printf(sr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sr_buf_clear(sr_buf *b);            /* length 0, keeps the allocation */
void sr_buf_truncate(sr_buf *b, size_t len); /* back to an earlier length, e.g. a path's parent */
/* Append "/" and `token` escaped as one JSON-pointer token (RFC 6901: "~" as "~0", "/" as "~1"). */
void sr_buf_put_pointer_token(sr_buf *b, const char *token, size_t len);
/* Hand the contents to the caller (free with free()); `b` is reset to empty. Never NULL. */
char *sr_buf_detach(sr_buf *b);
void sr_buf_dispose(sr_buf *b);

/* Allocation helpers that abort on failure (same reasoning as above); sr_xoom is that abort, for
 * allocations made elsewhere (vasprintf). */
void sr_xoom(void) __attribute__((noreturn));
void *sr_xmalloc(size_t n);
void *sr_xcalloc(size_t n, size_t size);
void *sr_xrealloc(void *p, size_t n);
char *sr_xstrdup(const char *s);
char *sr_xstrndup(const char *s, size_t n);

#endif
