/* strlist.c -- owned string lists. */
#include "common/strlist.h"
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sr_strlist_take(sr_strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = sr_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = s;
}

void sr_strlist_add(sr_strlist *l, const char *s)
{
    sr_strlist_take(l, sr_xstrdup(s));
}

void sr_strlist_addf(sr_strlist *l, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        sr_xoom(); /* the one out-of-memory policy (buf.h) */
    va_end(ap);
    sr_strlist_take(l, s);
}

void sr_strlist_dispose(sr_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
