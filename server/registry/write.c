/* write.c -- every write of the registry goes through sr_registry__write: one transaction, and
 * the caches told about every schema id the write removed or changed. This is the one place that
 * keeps the caches coherent with the store (idcache.h says how). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>

void sr_registry__note_gone(sr_write *w, int id)
{
    w->gone = sr_xrealloc(w->gone, (w->ngone + 1) * sizeof(*w->gone));
    w->gone[w->ngone++] = id;
}

int sr_registry__remove_version(sr_write *w, const char *subject, int version, int id,
                                sr_err *err)
{
    int rc = sr_store_version_remove(w->tx, subject, version, err);

    if (rc == 0)
        sr_registry__note_gone(w, id); /* its schema may be gone with it */
    return rc;
}

/* Forget what the write noted. Run before the commit, so that nothing cached stays served once the
 * change is visible, and again after, so that a reader who read the old state meanwhile cannot
 * put it back (the generation moved on). */
static void forget(sr_registry *r, const sr_write *w)
{
    if (w->reparse_all)
        sr_idcache_invalidate(r->parsed, 0);
    for (size_t i = 0; i < w->ngone; i++) {
        sr_idcache_invalidate(r->bodies, w->gone[i]);
        if (!w->reparse_all)
            sr_idcache_invalidate(r->parsed, w->gone[i]);
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
        free(w.gone);
        return -1;
    }
    forget(r, &w);
    rc = sr_store_commit(w.tx, err);
    forget(r, &w);
    free(w.gone);
    if (rc < 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}
