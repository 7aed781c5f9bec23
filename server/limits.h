/* limits.h -- the connection side of the limits: how many connections in total and per client
 * address, how long a connection may take to send a request's headers and its body or sit idle,
 * and how many request-body bytes may be buffered at once across all connections.
 *
 * libmicrohttpd serves connections from a few threads (epoll), so a slow client holds no thread;
 * what it holds is a connection slot and the body it has sent so far. The front tells this module
 * when a connection opens and closes and where each request is; a reaper thread closes the
 * connections that miss their deadline (shutdown(2) on the socket, which libmicrohttpd then sees
 * as the client going away). Thread-safe. */
#ifndef SR_SERVER_LIMITS_H
#define SR_SERVER_LIMITS_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct sr_limits_opts {
    unsigned max_connections;   /* sluice.connections.max: more are answered 503 and closed */
    unsigned max_per_address;   /* sluice.connections.max.per.address: more are 429; 0 = none */
    unsigned header_timeout_ms; /* sluice.request.header.timeout.ms: a new connection's headers */
    unsigned body_timeout_ms;   /* sluice.request.body.timeout.ms: headers to the body's end */
    unsigned idle_timeout_ms;   /* idle.timeout.ms: between requests, and any silence */
    size_t pending_max_bytes;   /* sluice.request.pending.max.bytes: bodies buffered at once */
} sr_limits_opts;

void sr_limits_opts_defaults(sr_limits_opts *o);

typedef struct sr_conns sr_conns; /* every open connection */
typedef struct sr_conn sr_conn;   /* one of them */

/* Why a connection may not be served. */
typedef enum sr_conn_over {
    SR_CONN_WITHIN,       /* within the limits */
    SR_CONN_OVER_TOTAL,   /* more than max_connections are open: 503 */
    SR_CONN_OVER_ADDRESS, /* more than max_per_address from its address: 429 */
} sr_conn_over;

/* Start the reaper. The caller owns *out (sr_conns_free). 0, or -1 when no thread can start. */
int sr_conns_new(sr_conns **out, const sr_limits_opts *o);
/* Stop the reaper and free. Every connection must have been closed. NULL is a no-op. */
void sr_conns_free(sr_conns *cs);

/* A connection was accepted on socket `fd` from `addr`: it must send its headers within the
 * header timeout. The result (owned by cs) is valid until sr_conns_closed. */
sr_conn *sr_conns_opened(sr_conns *cs, int fd, const struct sockaddr *addr);
/* The connection is closed (before libmicrohttpd closes its socket). */
void sr_conns_closed(sr_conns *cs, sr_conn *c);

sr_conn_over sr_conn_over_limit(const sr_conn *c);
const char *sr_conn_address(const sr_conn *c); /* "127.0.0.1", "::1"; borrowed */

/* Where a request is: its headers are in (the body must follow within the body timeout); its
 * handler runs (no deadline); it is answered (the next request's headers within the idle
 * timeout). */
void sr_conn_headers_done(sr_conns *cs, sr_conn *c);
void sr_conn_handling(sr_conn *c);
void sr_conn_request_done(sr_conns *cs, sr_conn *c);

/* Take `n` bytes of the shared budget for buffered bodies: 0, or -1 when it would go over. */
int sr_conns_reserve(sr_conns *cs, size_t n);
void sr_conns_release(sr_conns *cs, size_t n);

/* For GET /metrics. */
typedef struct sr_conns_stats {
    size_t open;                        /* connections open now */
    size_t pending_bytes;               /* body bytes buffered now */
    unsigned long long timed_out;       /* connections closed for missing a deadline */
    unsigned long long refused_total;   /* requests answered 503 for too many connections */
    unsigned long long refused_address; /* requests answered 429 for too many from one address */
    unsigned long long refused_pending; /* requests answered 503 for the buffered-body budget */
} sr_conns_stats;
void sr_conns_stats_get(sr_conns *cs, sr_conns_stats *out);
/* Count a refusal of each kind (the front answers it). */
void sr_conns_count_refusal(sr_conns *cs, int kind); /* 0 total, 1 address, 2 pending */

#endif
