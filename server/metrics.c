/* metrics.c -- see metrics.h. Statuses are counted in a fixed set of slots (those sluice
 * answers, and "other"), so that a request updates two atomics and takes no lock. */
#include "server/metrics.h"
#include "common/buf.h"
#include "common/histogram.h"
#include "server/version.h"
#include "store/store.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const int statuses[] = {200, 204, 400, 401, 403, 404, 405, 406, 409, 413,
                               415, 422, 429, 431, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + other */
#define MAX_ROUTES 128

typedef struct route_stats {
    atomic_ullong by_status[NSTATUS];
    sr_hist latency;
} route_stats;

struct sr_metrics {
    route_stats routes[MAX_ROUTES + 1]; /* by index in sr_routes; the last: nothing matched */
    atomic_ullong events[SR_EV_COUNT];
};

sr_metrics *sr_metrics_new(void)
{
    return sr_xcalloc(1, sizeof(sr_metrics));
}

void sr_metrics_free(sr_metrics *m)
{
    free(m);
}

static size_t route_index(const sr_route *r)
{
    size_t i = r ? (size_t)(r - sr_routes) : MAX_ROUTES;
    return i < sr_nroutes && i < MAX_ROUTES ? i : MAX_ROUTES;
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            return i;
    return NSTATUS - 1;
}

void sr_metrics_request(sr_metrics *m, const sr_route *route, int status, long long us)
{
    route_stats *rs = &m->routes[route_index(route)];

    atomic_fetch_add_explicit(&rs->by_status[status_slot(status)], 1, memory_order_relaxed);
    sr_hist_observe(&rs->latency, us);
}

void sr_metrics_event(sr_metrics *m, sr_event e)
{
    atomic_fetch_add_explicit(&m->events[e], 1, memory_order_relaxed);
}

static void header(sr_buf *b, const char *name, const char *type, const char *help)
{
    sr_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void route_labels(sr_buf *b, size_t i)
{
    if (i == MAX_ROUTES)
        sr_buf_puts(b, "method=\"\",route=\"unmatched\"");
    else
        sr_buf_printf(b, "method=\"%s\",route=\"%s\"", sr_method_name(sr_routes[i].method),
                      sr_routes[i].pattern);
}

static void render_hist(sr_buf *b, const char *name, const char *labels,
                        const sr_hist_snapshot *h)
{
    unsigned long long cum = 0;

    for (int k = 0; k <= SR_HIST_BUCKETS; k++) {
        cum += h->bucket[k];
        if (k < SR_HIST_BUCKETS)
            sr_buf_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, *labels ? "," : "",
                          sr_hist_bounds_us[k] / 1e6, cum);
        else
            sr_buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels,
                          *labels ? "," : "", cum);
    }
    sr_buf_printf(b, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, labels, h->sum_us / 1e6,
                  name, labels, cum);
}

static void render_requests(sr_buf *b, sr_metrics *m)
{
    header(b, "sluice_http_requests_total", "counter",
           "HTTP requests answered, by route template, method and status.");
    for (size_t i = 0; i <= MAX_ROUTES; i++) {
        if (i >= sr_nroutes && i != MAX_ROUTES)
            continue;
        for (size_t k = 0; k < NSTATUS; k++) {
            unsigned long long n = atomic_load(&m->routes[i].by_status[k]);
            if (!n)
                continue;
            sr_buf_puts(b, "sluice_http_requests_total{");
            route_labels(b, i);
            if (k < NSTATUS - 1)
                sr_buf_printf(b, ",status=\"%d\"} %llu\n", statuses[k], n);
            else
                sr_buf_printf(b, ",status=\"other\"} %llu\n", n);
        }
    }
    header(b, "sluice_http_request_duration_seconds", "histogram",
           "Time from a request's headers to its answer, by route template.");
    for (size_t i = 0; i <= MAX_ROUTES; i++) {
        sr_buf labels = SR_BUF_INIT;
        sr_hist_snapshot h;
        unsigned long long count = 0;
        if (i >= sr_nroutes && i != MAX_ROUTES)
            continue;
        sr_hist_read(&m->routes[i].latency, &h);
        for (int k = 0; k <= SR_HIST_BUCKETS; k++)
            count += h.bucket[k];
        if (!count)
            continue;
        route_labels(&labels, i);
        render_hist(b, "sluice_http_request_duration_seconds", labels.ptr, &h);
        sr_buf_dispose(&labels);
    }
}

static void counter(sr_buf *b, const char *name, const char *help, unsigned long long v)
{
    header(b, name, "counter", help);
    sr_buf_printf(b, "%s %llu\n", name, v);
}

static void gauge(sr_buf *b, const char *name, const char *help, double v)
{
    header(b, name, "gauge", help);
    sr_buf_printf(b, "%s %.17g\n", name, v);
}

static void render_registry(sr_buf *b, sr_registry *reg)
{
    sr_registry_cache_stats cs;
    sr_registry_counts counts;
    sr_store_stats ss;
    sr_err err = {0};

    if (sr_registry_counts_get(&counts, reg, &err) == 0) {
        gauge(b, "sluice_subjects", "Subjects with at least one live version.",
              (double)counts.subjects);
        gauge(b, "sluice_schemas", "Distinct schemas stored (each with its id).",
              (double)counts.schemas);
    }
    sr_err_dispose(&err);
    sr_registry_cache_stats_get(reg, &cs);
    header(b, "sluice_cache_hits_total", "counter", "Cache hits, by cache.");
    sr_buf_printf(b, "sluice_cache_hits_total{cache=\"schema_by_id\"} %llu\n", cs.body_hits);
    sr_buf_printf(b, "sluice_cache_hits_total{cache=\"parsed\"} %llu\n", cs.parsed_hits);
    header(b, "sluice_cache_misses_total", "counter", "Cache misses, by cache.");
    sr_buf_printf(b, "sluice_cache_misses_total{cache=\"schema_by_id\"} %llu\n", cs.body_misses);
    sr_buf_printf(b, "sluice_cache_misses_total{cache=\"parsed\"} %llu\n", cs.parsed_misses);
    header(b, "sluice_cache_bytes", "gauge", "Memory held by each cache.");
    sr_buf_printf(b, "sluice_cache_bytes{cache=\"schema_by_id\"} %zu\n", cs.body_bytes);
    sr_buf_printf(b, "sluice_cache_bytes{cache=\"parsed\"} %zu\n", cs.parsed_bytes);

    sr_registry_store_stats(reg, &ss);
    counter(b, "sluice_store_errors_total", "Errors of the backend store (50001, 50002, 50003 answers).",
            ss.errors);
    header(b, "sluice_store_transaction_duration_seconds", "histogram",
           "Store transactions from begin to commit or rollback, by kind.");
    render_hist(b, "sluice_store_transaction_duration_seconds", "kind=\"read\"", &ss.read);
    render_hist(b, "sluice_store_transaction_duration_seconds", "kind=\"write\"", &ss.write);
}

char *sr_metrics_render(sr_metrics *m, sr_registry *reg, sr_conns *conns)
{
    sr_buf b = SR_BUF_INIT;

    header(&b, "sluice_build_info", "gauge", "The running build.");
    sr_buf_printf(&b, "sluice_build_info{version=\"%s\",commit=\"%s\"} 1\n", SLUICE_VERSION,
                  SLUICE_COMMIT);
    render_requests(&b, m);
    counter(&b, "sluice_registrations_total", "Registrations answered 200.",
            atomic_load(&m->events[SR_EV_REGISTERED]));
    counter(&b, "sluice_compatibility_failures_total",
            "Registrations refused as incompatible, and checks that answered false.",
            atomic_load(&m->events[SR_EV_INCOMPATIBLE]));
    counter(&b, "sluice_auth_failures_total", "Requests answered 401.",
            atomic_load(&m->events[SR_EV_AUTH_FAILED]));
    counter(&b, "sluice_forbidden_total", "Requests answered 403.",
            atomic_load(&m->events[SR_EV_FORBIDDEN]));
    counter(&b, "sluice_reloads_total", "SIGHUP reloads of the credentials, TLS and log files.",
            atomic_load(&m->events[SR_EV_RELOADS]));
    counter(&b, "sluice_reload_failures_total", "SIGHUP reloads refused (the old files stay).",
            atomic_load(&m->events[SR_EV_RELOAD_FAILURES]));
    if (conns) {
        sr_conns_stats cs;
        sr_conns_stats_get(conns, &cs);
        gauge(&b, "sluice_open_connections", "Client connections open now.", (double)cs.open);
        gauge(&b, "sluice_pending_body_bytes", "Request-body bytes buffered now.",
              (double)cs.pending_bytes);
        counter(&b, "sluice_connection_timeouts_total",
                "Connections closed for missing a header, body or idle deadline.", cs.timed_out);
        header(&b, "sluice_limit_refusals_total", "counter",
               "Requests refused by a connection-side limit, by limit.");
        sr_buf_printf(&b, "sluice_limit_refusals_total{limit=\"connections\"} %llu\n",
                      cs.refused_total);
        sr_buf_printf(&b, "sluice_limit_refusals_total{limit=\"connections_per_address\"} %llu\n",
                      cs.refused_address);
        sr_buf_printf(&b, "sluice_limit_refusals_total{limit=\"pending_bytes\"} %llu\n",
                      cs.refused_pending);
    }
    if (reg)
        render_registry(&b, reg);
    return sr_buf_detach(&b);
}
