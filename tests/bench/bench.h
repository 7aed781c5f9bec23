/* bench.h -- what the compiled benchmarks share: a monotonic clock in milliseconds, and run times
 * sorted so that the best is first and the median in the middle. Header only: every benchmark is
 * a program of one file. */
#ifndef SR_BENCH_H
#define SR_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_cmp_ms(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort `n` run times: t[0] is then the best, t[n / 2] the median, t[n - 1] the worst. */
static inline void sort_times(double *t, size_t n)
{
    qsort(t, n, sizeof(*t), bench_cmp_ms);
}

#endif
