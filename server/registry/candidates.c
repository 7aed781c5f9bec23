/* candidates.c -- a compatibility check as a use-case runs it: only the versions the level needs
 * (the latest one for BACKWARD, FORWARD and FULL; every non-deleted one for the transitive
 * levels), each parsed once and shared through the cache (compatibility-rules.md §1). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>

static int transitive(sr_compat_level l)
{
    return l == SR_COMPAT_BACKWARD_TRANSITIVE || l == SR_COMPAT_FORWARD_TRANSITIVE ||
           l == SR_COMPAT_FULL_TRANSITIVE;
}

/* Indexes into vs of the versions to check, ascending. */
static size_t pick(size_t *idx, const sr_store_version *vs, size_t n, int only_version,
                   sr_compat_level level)
{
    size_t k = 0;

    if (level == SR_COMPAT_NONE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!vs[i].deleted && (!only_version || vs[i].version == only_version))
            idx[k++] = i;
    if (!transitive(level) && k > 1) {
        idx[0] = idx[k - 1];
        k = 1;
    }
    return k;
}

int sr_registry__check_versions(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                                const sr_schema *schema, const sr_store_version *vs, size_t n,
                                int only_version, sr_compat_level level, sr_err *err)
{
    size_t *idx = sr_xcalloc(n + 1, sizeof(*idx));
    sr_idcache_ref **refs = sr_xcalloc(n + 1, sizeof(*refs));
    sr_candidate *cands = sr_xcalloc(n + 1, sizeof(*cands));
    size_t k = pick(idx, vs, n, only_version, level);
    int rc = -1;

    for (size_t i = 0; i < k; i++) {
        if (sr_registry__parsed(&refs[i], r, rd, vs[idx[i]].id, err) != 0)
            goto out;
        cands[i] = (sr_candidate){sr_registry__parsed_schema(refs[i]), vs[idx[i]].version};
    }
    rc = sr_compat_check(msgs, level, schema, cands, k, err);
out:
    for (size_t i = 0; i < k; i++)
        sr_registry__parsed_release(r, refs[i]);
    free(idx);
    free(refs);
    free(cands);
    return rc;
}

int sr_registry__check_subject(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                               const sr_schema *schema, const char *subject,
                               const sr_store_subject_head *head, sr_compat_level level,
                               sr_err *err)
{
    sr_store_version latest = {NULL, head->latest_version, head->latest_id, 0, 0}, *vs = NULL;
    size_t n = 0;
    int ok;

    if (!transitive(level)) /* the head names the one version needed */
        return sr_registry__check_versions(msgs, r, rd, schema, &latest,
                                           head->latest_version ? 1 : 0, 0, level, err);
    if (sr_store_versions(&vs, &n, rd->tx, subject, err) < 0)
        return -1;
    ok = sr_registry__check_versions(msgs, r, rd, schema, vs, n, 0, level, err);
    sr_store_versions_free(vs, n);
    return ok;
}

char *sr_registry__java_list(const sr_strlist *l)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_putc(&b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sr_buf_puts(&b, ", ");
        sr_buf_puts(&b, l->v[i]);
    }
    sr_buf_putc(&b, ']');
    return sr_buf_detach(&b);
}
