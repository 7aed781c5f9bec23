/* server.h -- starting and stopping the HTTP front. */
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

#endif
