/* histogram.h -- a latency histogram that threads update without a lock, in the buckets that
 * GET /metrics reports (Prometheus "le" bounds, in seconds). */
#ifndef SR_COMMON_HISTOGRAM_H
#define SR_COMMON_HISTOGRAM_H

#include <stdatomic.h>

#define SR_HIST_BUCKETS 14

/* Upper bounds of the buckets in microseconds; a last, unbounded one (+Inf) follows. */
extern const long long sr_hist_bounds_us[SR_HIST_BUCKETS];

typedef struct sr_hist {
    atomic_ullong bucket[SR_HIST_BUCKETS + 1]; /* not cumulative: one count per bucket */
    atomic_ullong sum_us;                     /* total observed time */
} sr_hist;

/* A copy of a histogram's counts at one moment, for rendering. */
typedef struct sr_hist_snapshot {
    unsigned long long bucket[SR_HIST_BUCKETS + 1];
    unsigned long long sum_us;
} sr_hist_snapshot;

void sr_hist_read(const sr_hist *h, sr_hist_snapshot *out);

/* Count one observation of `us` microseconds (negative counts as 0). */
void sr_hist_observe(sr_hist *h, long long us);

/* Microseconds since `start` (CLOCK_MONOTONIC). */
struct timespec;
long long sr_elapsed_us(const struct timespec *start);

#endif
