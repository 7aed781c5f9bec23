/* metrics.h -- the counters behind GET /metrics (Prometheus text format 0.0.4).
 *
 * Requests are counted by route template (the pattern of the route table, so that subjects never
 * become labels), method and status, with a latency histogram per route; the registry's own
 * figures (subjects, schemas, caches, the store) are read when the page is asked for. Updating a
 * counter takes no lock. */
#ifndef SR_SERVER_METRICS_H
#define SR_SERVER_METRICS_H

#include <stddef.h>

#include "server/http.h"
#include "server/limits.h"

typedef struct sr_metrics sr_metrics;

/* Events counted apart from requests. */
typedef enum sr_event {
    SR_EV_REGISTERED,       /* a registration answered 200 */
    SR_EV_INCOMPATIBLE,     /* a registration refused (409) or a check answered false */
    SR_EV_AUTH_FAILED,      /* 401: missing or wrong credentials */
    SR_EV_FORBIDDEN,        /* 403 */
    SR_EV_RELOADS,          /* SIGHUP reloads that succeeded */
    SR_EV_RELOAD_FAILURES,  /* and those that did not (the previous files stay in force) */
    SR_EV_COUNT
} sr_event;

sr_metrics *sr_metrics_new(void);
void sr_metrics_free(sr_metrics *m); /* NULL is a no-op */

/* One request: `route` is an entry of sr_routes, or NULL when nothing matched. */
void sr_metrics_request(sr_metrics *m, const sr_route *route, int status, long long us);
void sr_metrics_event(sr_metrics *m, sr_event e);

/* The whole page. `reg` and `conns` may be NULL. Caller frees. */
char *sr_metrics_render(sr_metrics *m, sr_registry *reg, sr_conns *conns);

#endif
