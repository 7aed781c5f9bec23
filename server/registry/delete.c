/* delete.c -- soft and permanent deletes of versions and subjects (confluent-api.md §5.3). */
#include "server/registry/internal.h"

#include <stdlib.h>
#include <string.h>

static int referenced(sr_tx *tx, const char *subject, int version, int count_deleted,
                      int other_subjects_only, sr_err *err)
{
    sr_store_version *refs = NULL;
    size_t n = 0;
    int found = 0;

    if (sr_registry__referrers(&refs, &n, tx, subject, version, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (refs[i].deleted && !count_deleted)
            continue;
        if (other_subjects_only && strcmp(refs[i].subject, subject) == 0)
            continue; /* subject deletes ignore self-references */
        found = 1;
    }
    sr_store_versions_free(refs, n);
    if (found)
        return sr_err_set(err, 42206, "One or more references exist to the schema "
                          "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version);
    return 0;
}

/* After a permanent delete, a subject with no version left loses its config and mode. */
static int forget_subject_if_empty(sr_tx *tx, const char *subject, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;

    if (sr_store_versions(&vs, &n, tx, subject, err) < 0)
        return -1;
    sr_store_versions_free(vs, n);
    if (n)
        return 0;
    if (sr_store_setting_delete(tx, SR_SETTING_CONFIG, subject, err) < 0 ||
        sr_store_setting_delete(tx, SR_SETTING_MODE, subject, err) < 0)
        return -1;
    return 0;
}

typedef struct target {
    const char *subject;
    const char *version; /* NULL: the whole subject */
    int permanent;
} target;

/* The subject's versions, or 40401 when it has none. */
static int subject_versions(sr_store_version **vs, size_t *n, sr_tx *tx, const char *subject,
                            sr_err *err)
{
    if (sr_store_versions(vs, n, tx, subject, err) < 0)
        return -1;
    if (*n == 0)
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    return 0;
}

/* §5.3, one version: 0 when `v` may go. */
static int version_may_go(const sr_write *w, const target *t, const sr_store_version *v,
                          sr_err *err)
{
    if (!t->permanent && v->deleted)
        return sr_err_set(err, 40406, "Subject '%s' Version %d was soft deleted.Set "
                          "permanent=true to delete permanently", t->subject, v->version);
    if (sr_registry__require_writable(w->tx, w->r, t->subject, err) < 0 ||
        referenced(w->tx, t->subject, v->version, t->permanent, 0, err) < 0)
        return -1;
    if (t->permanent && !v->deleted)
        return sr_err_set(err, 40407, "Subject '%s' Version %d was not deleted first before "
                          "being permanently deleted", t->subject, v->version);
    return 0;
}

static int delete_version(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const target *t = arg;
    sr_store_version *vs = NULL;
    size_t n = 0;
    int v, at, rc = -1;

    if (sr_registry_parse_version(&v, t->version, err) < 0 ||
        subject_versions(&vs, &n, w->tx, t->subject, err) < 0)
        goto out;
    at = v == -1 ? sr_registry__latest(vs, n) : sr_registry__find(vs, n, v);
    if (at < 0) {
        sr_err_set(err, 40402, "Version %d not found.", v);
        goto out;
    }
    if (version_may_go(w, t, &vs[at], err) < 0)
        goto out;
    if (t->permanent ? sr_registry__remove_version(w, t->subject, vs[at].version, vs[at].id,
                                                   err) < 0 ||
                           forget_subject_if_empty(w->tx, t->subject, err) < 0
                     : sr_store_version_soft_delete(w->tx, t->subject, vs[at].version, err) < 0)
        goto out;
    *out = json_integer(vs[at].version);
    rc = 0;
out:
    sr_store_versions_free(vs, n);
    return rc;
}

/* §5.3, a whole subject: 0 when it may go. Only live referrers in other subjects hold it back,
 * soft-deleted ones included neither for a soft nor (as Confluent 8.1) for a permanent delete. */
static int subject_may_go(const sr_write *w, const target *t, const sr_store_version *vs,
                          size_t n, sr_err *err)
{
    size_t live = 0;

    for (size_t i = 0; i < n; i++)
        live += !vs[i].deleted;
    if (!t->permanent && live == 0)
        return sr_err_set(err, 40404, "Subject '%s' was soft deleted.Set permanent=true to "
                          "delete permanently", t->subject);
    if (sr_registry__require_writable(w->tx, w->r, t->subject, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((t->permanent || !vs[i].deleted) &&
            referenced(w->tx, t->subject, vs[i].version, 0, 1, err) < 0)
            return -1;
    if (t->permanent && live)
        return sr_err_set(err, 40405, "Subject '%s' was not deleted first before being "
                          "permanently deleted", t->subject);
    return 0;
}

/* Delete every version the request names; *out lists them. */
static int delete_all(json_t **out, sr_write *w, const target *t, const sr_store_version *vs,
                      size_t n, sr_err *err)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        if (t->permanent || !vs[i].deleted)
            json_array_append_new(a, json_integer(vs[i].version));
    for (size_t i = n; i-- > 0;) { /* permanent: newest first, as Confluent removes them */
        if (t->permanent ? sr_registry__remove_version(w, t->subject, vs[i].version, vs[i].id,
                                                       err) < 0
                         : !vs[i].deleted && sr_store_version_soft_delete(w->tx, t->subject,
                                                                          vs[i].version, err) < 0) {
            json_decref(a);
            return -1;
        }
    }
    *out = a;
    return 0;
}

static int delete_subject(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const target *t = arg;
    sr_store_version *vs = NULL;
    json_t *deleted = NULL;
    size_t n = 0;
    int rc = -1;

    if (subject_versions(&vs, &n, w->tx, t->subject, err) == 0 &&
        subject_may_go(w, t, vs, n, err) == 0 && delete_all(&deleted, w, t, vs, n, err) == 0)
        rc = t->permanent ? forget_subject_if_empty(w->tx, t->subject, err) : 0;
    if (rc == 0)
        *out = deleted;
    else
        json_decref(deleted);
    sr_store_versions_free(vs, n);
    return rc;
}

int sr_registry_delete_version(json_t **out, sr_registry *r, const char *subject,
                               const char *version, int permanent, sr_err *err)
{
    target t = {subject, version, permanent};
    return sr_registry__write(out, r, delete_version, &t, err);
}

int sr_registry_delete_subject(json_t **out, sr_registry *r, const char *subject, int permanent,
                               sr_err *err)
{
    target t = {subject, NULL, permanent};
    return sr_registry__write(out, r, delete_subject, &t, err);
}
