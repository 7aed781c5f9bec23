/* ops.c -- what operators ask of the registry: its size, its store's health and timings, a
 * backup. */
#include "server/registry/internal.h"

int sr_registry_counts_get(sr_registry_counts *out, sr_registry *r, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, sr_store_counts(&out->subjects, &out->schemas, rd.tx, err));
    return rc;
}

void sr_registry_store_stats(sr_registry *r, sr_store_stats *out)
{
    sr_store_stats_get(r->store, out);
}

int sr_registry_ping(sr_registry *r, sr_err *err)
{
    return sr_store_ping(r->store, err);
}

int sr_registry_backup(sr_registry *r, const char *dest, sr_err *err)
{
    return sr_store_backup(r->store, dest, err);
}
