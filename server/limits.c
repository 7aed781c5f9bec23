/* limits.c -- see limits.h. One mutex guards the list of connections (taken when a connection
 * opens or closes, and by the reaper's scan); deadlines and the body budget are atomics, so a
 * request moving on takes no lock. */
#include "server/limits.h"
#include "common/buf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An over-limit connection is answered as soon as its headers arrive; one that sends nothing
 * is closed after this long, so that it does not keep the slot it was refused. */
#define OVER_LIMIT_DEADLINE_MS 1000
#define REAPER_PERIOD_MS 100

struct sr_conn {
    struct sr_conn *prev, *next; /* the list; guarded by cs->lock */
    int fd;
    char addr[INET6_ADDRSTRLEN];
    sr_conn_over over;
    atomic_llong deadline_ms; /* monotonic ms; 0 = none */
    int reaped;               /* shut down by the reaper; guarded by cs->lock */
};

struct sr_conns {
    sr_limits_opts o;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t reaper;
    int stopping;          /* guarded by lock */
    sr_conn *head;         /* guarded by lock */
    size_t open;           /* guarded by lock */
    atomic_size_t pending; /* body bytes reserved */
    atomic_ullong timed_out, refused[3];
};

void sr_limits_opts_defaults(sr_limits_opts *o)
{
    *o = (sr_limits_opts){
        .max_connections = 1000,
        .max_per_address = 128,
        .header_timeout_ms = 10000,
        .body_timeout_ms = 60000,
        .idle_timeout_ms = 30000,
        .pending_max_bytes = 128u << 20,
    };
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void set_deadline(sr_conn *c, unsigned ms)
{
    atomic_store(&c->deadline_ms, ms ? now_ms() + ms : 0);
}

/* Shut down every connection past its deadline. */
static void reap(sr_conns *cs)
{
    long long now = now_ms();

    for (sr_conn *c = cs->head; c; c = c->next) {
        long long d = atomic_load(&c->deadline_ms);
        if (d && now > d && !c->reaped) {
            c->reaped = 1;
            shutdown(c->fd, SHUT_RDWR); /* the fd stays open until sr_conns_closed returns */
            atomic_fetch_add(&cs->timed_out, 1);
        }
    }
}

static void *reaper(void *arg)
{
    sr_conns *cs = arg;

    pthread_mutex_lock(&cs->lock);
    while (!cs->stopping) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += REAPER_PERIOD_MS * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&cs->wake, &cs->lock, &t);
        reap(cs);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

int sr_conns_new(sr_conns **out, const sr_limits_opts *o)
{
    sr_conns *cs = sr_xcalloc(1, sizeof(*cs));
    pthread_condattr_t ca;

    cs->o = *o;
    pthread_mutex_init(&cs->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cs->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&cs->reaper, NULL, reaper, cs) != 0) {
        pthread_cond_destroy(&cs->wake);
        pthread_mutex_destroy(&cs->lock);
        free(cs);
        return -1;
    }
    *out = cs;
    return 0;
}

void sr_conns_free(sr_conns *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&cs->lock);
    cs->stopping = 1;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->reaper, NULL);
    pthread_cond_destroy(&cs->wake);
    pthread_mutex_destroy(&cs->lock);
    free(cs);
}

static void address_text(char *out, const struct sockaddr *sa)
{
    out[0] = '\0';
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, INET6_ADDRSTRLEN);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

sr_conn *sr_conns_opened(sr_conns *cs, int fd, const struct sockaddr *addr)
{
    sr_conn *c = sr_xcalloc(1, sizeof(*c));
    size_t same = 1;

    c->fd = fd;
    address_text(c->addr, addr);
    pthread_mutex_lock(&cs->lock);
    for (sr_conn *o = cs->head; o; o = o->next)
        same += strcmp(o->addr, c->addr) == 0 && o->over != SR_CONN_OVER_ADDRESS;
    cs->open++;
    if (cs->open > cs->o.max_connections)
        c->over = SR_CONN_OVER_TOTAL;
    else if (cs->o.max_per_address && same > cs->o.max_per_address)
        c->over = SR_CONN_OVER_ADDRESS;
    set_deadline(c, c->over ? OVER_LIMIT_DEADLINE_MS : cs->o.header_timeout_ms);
    c->next = cs->head;
    if (cs->head)
        cs->head->prev = c;
    cs->head = c;
    pthread_mutex_unlock(&cs->lock);
    return c;
}

void sr_conns_closed(sr_conns *cs, sr_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&cs->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        cs->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    cs->open--;
    pthread_mutex_unlock(&cs->lock);
    free(c);
}

sr_conn_over sr_conn_over_limit(const sr_conn *c)
{
    return c ? c->over : SR_CONN_WITHIN;
}

const char *sr_conn_address(const sr_conn *c)
{
    return c ? c->addr : "";
}

void sr_conn_headers_done(sr_conns *cs, sr_conn *c)
{
    if (c)
        set_deadline(c, c->over ? OVER_LIMIT_DEADLINE_MS : cs->o.body_timeout_ms);
}

void sr_conn_handling(sr_conn *c)
{
    if (c)
        set_deadline(c, 0);
}

void sr_conn_request_done(sr_conns *cs, sr_conn *c)
{
    if (c)
        set_deadline(c, c->over ? OVER_LIMIT_DEADLINE_MS : cs->o.idle_timeout_ms);
}

int sr_conns_reserve(sr_conns *cs, size_t n)
{
    size_t have = atomic_load(&cs->pending);

    do {
        if (n > cs->o.pending_max_bytes || have > cs->o.pending_max_bytes - n)
            return -1;
    } while (!atomic_compare_exchange_weak(&cs->pending, &have, have + n));
    return 0;
}

void sr_conns_release(sr_conns *cs, size_t n)
{
    atomic_fetch_sub(&cs->pending, n);
}

void sr_conns_stats_get(sr_conns *cs, sr_conns_stats *out)
{
    pthread_mutex_lock(&cs->lock);
    out->open = cs->open;
    pthread_mutex_unlock(&cs->lock);
    out->pending_bytes = atomic_load(&cs->pending);
    out->timed_out = atomic_load(&cs->timed_out);
    out->refused_total = atomic_load(&cs->refused[0]);
    out->refused_address = atomic_load(&cs->refused[1]);
    out->refused_pending = atomic_load(&cs->refused[2]);
}

void sr_conns_count_refusal(sr_conns *cs, int kind)
{
    if (kind >= 0 && kind < 3)
        atomic_fetch_add(&cs->refused[kind], 1);
}
