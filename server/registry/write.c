/* write.c -- every write of the registry goes through sr_registry__write: one transaction, and
 * the caches told about every schema id the write removed or changed. This is the one place that
 * keeps the caches coherent with the store (idcache.h says how): this process's caches directly,
 * and those of every other process sharing the store through an announcement that the store
 * delivers when, and only if, the write commits (store.h's publish and watch).
 *
 * A write that collides with another process's (SR_STORE_CONFLICT: a row it inserts appeared
 * meanwhile) is done again from the start in a new transaction, after a short random pause, a
 * bounded number of times. Every write step reads what it depends on inside its transaction, so
 * doing it again is always right: a registration finds that its plan is stale and plans again. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <time.h>

/* Attempts of one write when it keeps colliding, and the longest pause between two. */
#define MAX_ATTEMPTS 8
#define MAX_PAUSE_MS 200

void sr_registry__note_gone(sr_write *w, const char *context, int id)
{
    w->gone = sr_xrealloc(w->gone, (w->ngone + 1) * sizeof(*w->gone));
    w->gone[w->ngone++] = (sr_store_id){sr_xstrdup(context), id};
}

int sr_registry__remove_version(sr_write *w, const char *subject, int version, int id,
                                sr_err *err)
{
    int rc = sr_store_version_remove(w->tx, subject, version, err);
    char *context;

    if (rc == 0) { /* its schema may be gone with it */
        context = sr_registry__context_of(subject);
        sr_registry__note_gone(w, context, id);
        free(context);
    }
    return rc;
}

/* Forget what the write noted. Run before the commit, so that nothing cached stays served once the
 * change is visible, and again after, so that a reader who read the old state meanwhile cannot
 * put it back (the generation moved on). */
static void forget(sr_registry *r, const sr_write *w)
{
    if (w->reparse_all)
        sr_idcache_invalidate(r->parsed, NULL, 0);
    for (size_t i = 0; i < w->ngone; i++) {
        sr_idcache_invalidate(r->bodies, w->gone[i].context, w->gone[i].id);
        if (!w->reparse_all)
            sr_idcache_invalidate(r->parsed, w->gone[i].context, w->gone[i].id);
    }
}

/* A random pause that grows with the attempt: colliding writers spread out. */
static void pause_before(int attempt)
{
    long cap = 2L << attempt, ms = cap > MAX_PAUSE_MS ? MAX_PAUSE_MS : cap;
    struct timespec ts;

    ms = 1 + random() % ms;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* One attempt: 0, or -1 with err (SR_STORE_CONFLICT when it may be tried again). */
static int write_once(json_t **out, sr_registry *r, const sr_store_claim *claim, sr_write_fn fn,
                      void *arg, sr_err *err)
{
    sr_write w = {r, NULL, NULL, 0, 0};
    json_t *res = NULL;
    int rc;

    if ((claim ? sr_store_write_begin_claim(&w.tx, r->store, claim, err)
               : sr_store_write_begin(&w.tx, r->store, err)) < 0)
        return -1;
    rc = fn(&res, &w, arg, err);
    if (rc == 0)
        rc = sr_store_publish(w.tx, w.gone, w.ngone, w.reparse_all, err);
    if (rc < 0) {
        sr_store_rollback(w.tx);
        json_decref(res);
        sr_store_ids_free(w.gone, w.ngone);
        return -1;
    }
    forget(r, &w);
    rc = sr_store_commit(w.tx, err);
    forget(r, &w);
    if (w.ngone || w.reparse_all)
        atomic_fetch_add(&r->removals, 1);
    atomic_fetch_add(&r->changes, 1); /* after the commit: see search.c */
    sr_store_ids_free(w.gone, w.ngone);
    if (rc < 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

int sr_registry__write_claimed(json_t **out, sr_registry *r, const sr_store_claim *claim,
                               sr_write_fn fn, void *arg, sr_err *err)
{
    int rc = -1;

    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt)
            pause_before(attempt);
        rc = write_once(out, r, claim, fn, arg, err);
        if (rc == 0 || err->code != SR_STORE_CONFLICT)
            return rc;
    }
    return sr_err_set(err, 50002, "Operation timed out: the write kept colliding with others "
                      "(%d attempts)", MAX_ATTEMPTS);
}

int sr_registry__write(json_t **out, sr_registry *r, sr_write_fn fn, void *arg, sr_err *err)
{
    return sr_registry__write_claimed(out, r, NULL, fn, arg, err);
}
