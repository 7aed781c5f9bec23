/* histogram.c -- see histogram.h. */
#include "common/histogram.h"

#include <time.h>

const long long sr_hist_bounds_us[SR_HIST_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000,
    10000000,
};

void sr_hist_observe(sr_hist *h, long long us)
{
    int i = 0;

    if (us < 0)
        us = 0;
    while (i < SR_HIST_BUCKETS && us > sr_hist_bounds_us[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_us, (unsigned long long)us, memory_order_relaxed);
}

long long sr_elapsed_us(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000000LL + (now.tv_nsec - start->tv_nsec) / 1000;
}

void sr_hist_read(const sr_hist *h, sr_hist_snapshot *out)
{
    for (int i = 0; i <= SR_HIST_BUCKETS; i++)
        out->bucket[i] = atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
    out->sum_us = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
}
