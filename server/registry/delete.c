/* registry_delete.c -- soft and permanent deletes of versions and subjects (confluent-api.md §5.3). */
#include "server/registry/internal.h"

#include <stdlib.h>
#include <string.h>

static int referenced(sr_tx *tx, const char *subject, int version, int count_deleted,
                      int other_subjects_only, sr_err *err)
{
    sr_store_version *refs = NULL;
    size_t n = 0;
    int found = 0;

    if (sr_store_referrers(&refs, &n, tx, subject, version, err) < 0)
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

/* 42205 unless the subject's mode allows changing it. */
static int require_writable(sr_tx *tx, const sr_registry *r, const char *subject, sr_err *err)
{
    sr_scope scope;

    if (sr_registry__scope(&scope, r, tx, subject, err) < 0)
        return -1;
    return sr_registry__writable(scope.mode, subject, err);
}

typedef struct target {
    const char *subject;
    const char *version; /* NULL: the whole subject */
    int permanent;
} target;

static int delete_version(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const target *t = arg;
    const char *subject = t->subject;
    int permanent = t->permanent;
    sr_tx *tx = w->tx;
    sr_store_version *vs = NULL;
    size_t n = 0;
    int v, at, rc = -1;

    if (sr_registry_parse_version(&v, t->version, err) < 0 ||
        sr_store_versions(&vs, &n, tx, subject, err) < 0)
        return -1;
    if (n == 0) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    at = v == -1 ? sr_registry__latest(vs, n) : sr_registry__find(vs, n, v);
    if (at < 0) {
        sr_err_set(err, 40402, "Version %d not found.", v);
        goto out;
    }
    v = vs[at].version;
    if (!permanent && vs[at].deleted) {
        sr_err_set(err, 40406, "Subject '%s' Version %d was soft deleted.Set permanent=true to "
                   "delete permanently", subject, v);
        goto out;
    }
    if (require_writable(tx, w->r, subject, err) < 0 ||
        referenced(tx, subject, v, permanent, 0, err) < 0)
        goto out;
    if (permanent && !vs[at].deleted) {
        sr_err_set(err, 40407, "Subject '%s' Version %d was not deleted first before being "
                   "permanently deleted", subject, v);
        goto out;
    }
    if (permanent ? sr_registry__remove_version(w, subject, v, vs[at].id, err) < 0 ||
                        forget_subject_if_empty(tx, subject, err) < 0
                  : sr_store_version_soft_delete(tx, subject, v, err) < 0)
        goto out;
    *out = json_integer(v);
    rc = 0;
out:
    sr_store_versions_free(vs, n);
    return rc;
}

static int delete_subject(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const target *t = arg;
    const char *subject = t->subject;
    int permanent = t->permanent;
    sr_tx *tx = w->tx;
    sr_store_version *vs = NULL;
    size_t n = 0, live = 0;
    json_t *a = NULL;
    int rc = -1;

    if (sr_store_versions(&vs, &n, tx, subject, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        live += !vs[i].deleted;
    if (n == 0) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    if (!permanent && live == 0) {
        sr_err_set(err, 40404, "Subject '%s' was soft deleted.Set permanent=true to delete "
                   "permanently", subject);
        goto out;
    }
    if (require_writable(tx, w->r, subject, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if ((permanent || !vs[i].deleted) &&
            referenced(tx, subject, vs[i].version, permanent, 1, err) < 0)
            goto out;
    }
    if (permanent && live) {
        sr_err_set(err, 40405, "Subject '%s' was not deleted first before being permanently "
                   "deleted", subject);
        goto out;
    }
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!permanent && vs[i].deleted)
            continue;
        json_array_append_new(a, json_integer(vs[i].version));
    }
    for (size_t i = n; i-- > 0;) { /* permanent: newest first, as Confluent removes them */
        if (permanent ? sr_registry__remove_version(w, subject, vs[i].version, vs[i].id, err) < 0
                      : !vs[i].deleted &&
                            sr_store_version_soft_delete(tx, subject, vs[i].version, err) < 0)
            goto out;
    }
    if (permanent && forget_subject_if_empty(tx, subject, err) < 0)
        goto out;
    *out = a;
    a = NULL;
    rc = 0;
out:
    json_decref(a);
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
