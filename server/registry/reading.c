/* reading.c -- read transactions that know which cache generation they read under. */
#include "server/registry/internal.h"

int sr_registry__read_begin(sr_reading *rd, sr_registry *r, sr_err *err)
{
    /* Generations first, transaction second: see idcache.h. */
    rd->parsed_gen = sr_idcache_generation(r->parsed);
    rd->bodies_gen = sr_idcache_generation(r->bodies);
    rd->tx = NULL;
    return sr_store_read_begin(&rd->tx, r->store, err);
}

void sr_registry__read_end(sr_reading *rd)
{
    sr_store_rollback(rd->tx);
    rd->tx = NULL;
}
