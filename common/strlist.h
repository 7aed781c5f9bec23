/* strlist.h -- an owned list of heap strings (messages, subject names). */
#ifndef SR_COMMON_STRLIST_H
#define SR_COMMON_STRLIST_H

#include <stddef.h>

typedef struct sr_strlist {
    char **v;     /* owned strings */
    size_t n;     /* how many */
    size_t cap;   /* allocated slots */
} sr_strlist;

#define SR_STRLIST_INIT { NULL, 0, 0 }

void sr_strlist_add(sr_strlist *l, const char *s);                 /* copies s */
void sr_strlist_addf(sr_strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sr_strlist_take(sr_strlist *l, char *s);                      /* takes ownership of s */
void sr_strlist_dispose(sr_strlist *l);

#endif
