/* write.c -- every write of the registry goes through sr_registry__write: one transaction, and
 * the caches told about every schema id the write removed or changed. This is the one place that
 * keeps the caches coherent with the store (idcache.h says how). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>

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

int sr_registry__write(json_t **out, sr_registry *r, sr_write_fn fn, void *arg, sr_err *err)
{
    sr_write w = {r, NULL, NULL, 0, 0};
    json_t *res = NULL;
    int rc;

    if (sr_store_write_begin(&w.tx, r->store, err) < 0)
        return -1;
    rc = fn(&res, &w, arg, err);
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
