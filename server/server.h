/* server.h -- starting and stopping the HTTP front, and the by-id response cache. */
#ifndef SR_SERVER_SERVER_H
#define SR_SERVER_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "server/http.h"

typedef struct sr_http sr_http;

/* Listen on `addr` with a pool of `threads` threads; bodies over `max_body` bytes get 413.
 * `app` is borrowed until sr_http_stop. */
int sr_http_start(sr_http **out, sr_app *app, const struct sockaddr *addr, int ipv6,
                  unsigned threads, size_t max_body, sr_err *err);
/* Stop accepting, finish requests in flight, free. NULL is a no-op. */
void sr_http_stop(sr_http *h);

/* Responses of GET /schemas/ids/{id}: a schema is immutable once registered, so its rendered
 * body can be served from memory. Entries go only when a schema may have been removed
 * (a permanent delete), which empties the cache. Thread-safe. */
typedef struct sr_cache sr_cache;

sr_cache *sr_cache_new(size_t max_entries);
void sr_cache_free(sr_cache *c);
/* A copy of the cached body for `id` (caller frees), or NULL. */
char *sr_cache_get(sr_cache *c, int id);
void sr_cache_put(sr_cache *c, int id, const char *body);
void sr_cache_clear(sr_cache *c);

#endif
