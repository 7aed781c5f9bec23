/* store.c -- the store's front: opening the backend the options name, and handing every store.h
 * call to it (backend.h). Also what needs no database: freeing the structs store.h hands out,
 * and the figures of sr_store_stats (transaction times, errors), the same for every backend. */
#include "store/backend.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Count a backend failure (5000x) in the store's figures; passes rc through. */
static int counted(sr_store *st, int rc, const sr_err *err)
{
    if (rc < 0 && err && err->code >= 50001 && err->code <= 50003)
        atomic_fetch_add(&st->errors, 1);
    return rc;
}

/* A transaction just begun (rc 0): stamp it for the histograms. */
static int begun(sr_tx **out, sr_store *st, int write, int rc, const sr_err *err)
{
    if (rc == 0) {
        (*out)->st = st;
        (*out)->write = write;
        clock_gettime(CLOCK_MONOTONIC, &(*out)->start);
    }
    return counted(st, rc, err);
}

static void ended(sr_store *st, int write, const struct timespec *start)
{
    sr_hist_observe(write ? &st->write_time : &st->read_time, sr_elapsed_us(start));
}

int sr_store_open_with(sr_store **out, const sr_store_options *o, sr_err *err)
{
    *out = NULL;
    switch (o->backend) {
    case SR_STORE_SQLITE:
        return sr_sqlite_open(out, o, err);
    case SR_STORE_POSTGRES:
        return sr_pg_open(out, o, err);
    }
    return sr_err_set(err, 50001, "Error in the backend data store: unknown backend %d",
                      (int)o->backend);
}

int sr_store_open(sr_store **out, const char *path, sr_err *err)
{
    sr_store_options o = {.backend = SR_STORE_SQLITE, .location = path};

    return sr_store_open_with(out, &o, err);
}

void sr_store_close(sr_store *st)
{
    if (st)
        st->ops->close(st);
}

int sr_store_read_begin(sr_tx **out, sr_store *st, sr_err *err)
{
    return begun(out, st, 0, st->ops->read_begin(out, st, err), err);
}

int sr_store_write_begin(sr_tx **out, sr_store *st, sr_err *err)
{
    return begun(out, st, 1, st->ops->write_begin(out, st, NULL, err), err);
}

int sr_store_write_begin_claim(sr_tx **out, sr_store *st, const sr_store_claim *claim,
                               sr_err *err)
{
    return begun(out, st, 1, st->ops->write_begin(out, st, claim, err), err);
}

int sr_store_commit(sr_tx *tx, sr_err *err)
{
    sr_store *st = tx->st;
    struct timespec start = tx->start;
    int write = tx->write;
    int rc = tx->ops->commit(tx, err); /* frees tx */

    ended(st, write, &start);
    return counted(st, rc, err);
}

void sr_store_rollback(sr_tx *tx)
{
    sr_store *st;
    struct timespec start;
    int write;

    if (!tx)
        return;
    st = tx->st;
    start = tx->start;
    write = tx->write;
    tx->ops->rollback(tx); /* frees tx */
    ended(st, write, &start);
}

int sr_store_ping(sr_store *st, sr_err *err)
{
    return counted(st, st->ops->ping(st, err), err);
}

void sr_store_stats_get(sr_store *st, sr_store_stats *out)
{
    out->errors = atomic_load(&st->errors);
    sr_hist_read(&st->read_time, &out->read);
    sr_hist_read(&st->write_time, &out->write);
}

int sr_store_counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err)
{
    return counted(tx->st, tx->ops->counts(subjects_out, schemas_out, tx, err), err);
}

int sr_store_backup(sr_store *st, const char *dest, sr_err *err)
{
    return st->ops->backup(st, dest, err);
}

int sr_store_publish(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err)
{
    return counted(tx->st, tx->ops->publish(tx, gone, n, all, err), err);
}

int sr_store_watch(sr_store *st, sr_store_watch_fn fn, void *arg, sr_err *err)
{
    return st->ops->watch(st, fn, arg, err);
}

/* ---- schemas and contexts ---- */

int sr_store_schema_get(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                        sr_err *err)
{
    return counted(tx->st, tx->ops->schema_get(out, tx, context, id, err), err);
}

int sr_store_schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                         sr_err *err)
{
    return counted(tx->st, tx->ops->schema_find(id_out, tx, context, hash, err), err);
}

int sr_store_schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                        sr_err *err)
{
    return counted(tx->st, tx->ops->schema_ids(out, n, tx, hash, err), err);
}

int sr_store_schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err)
{
    return counted(tx->st, tx->ops->schema_insert(id_out, tx, s, err), err);
}

int sr_store_max_id(int *out, sr_tx *tx, const char *context, sr_err *err)
{
    return counted(tx->st, tx->ops->max_id(out, tx, context, err), err);
}

int sr_store_contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err)
{
    return counted(tx->st, tx->ops->contexts(out, n, tx, err), err);
}

int sr_store_context_delete(sr_tx *tx, const char *context, sr_err *err)
{
    return counted(tx->st, tx->ops->context_delete(tx, context, err), err);
}

/* ---- subject versions ---- */

int sr_store_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                      sr_err *err)
{
    return counted(tx->st, tx->ops->versions(out, n, tx, subject, err), err);
}

int sr_store_version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                         sr_err *err)
{
    return counted(tx->st, tx->ops->version_get(out, tx, subject, version, err), err);
}

int sr_store_subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                              sr_err *err)
{
    return counted(tx->st, tx->ops->subject_head_get(out, tx, subject, err), err);
}

int sr_store_versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                              int id, sr_err *err)
{
    return counted(tx->st, tx->ops->versions_holding(out, n, tx, subject, id, err), err);
}

int sr_store_all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                          sr_err *err)
{
    return counted(tx->st, tx->ops->all_versions(out, n, tx, prefix, err), err);
}

/* Keep the rows of a page that lie in `prefix`'s range: keys are in byte order, so the first row
 * outside it ends the page, and the listing with it (fewer rows than asked for). Frees the rows
 * dropped; returns how many are kept. */
static size_t in_prefix(void *rows, size_t n, size_t size, size_t name_offset,
                        const char *prefix)
{
    size_t len = strlen(prefix), keep = 0;

    while (keep < n &&
           strncmp(*(char **)((char *)rows + keep * size + name_offset), prefix, len) == 0)
        keep++;
    for (size_t i = keep; i < n; i++)
        free(*(char **)((char *)rows + i * size + name_offset));
    return keep;
}

int sr_store_all_versions_page(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                               const char *after_subject, int after_version, size_t max,
                               sr_err *err)
{
    size_t got = 0;

    prefix = prefix ? prefix : "";
    if (!after_subject) /* every version of the prefix itself, and of the subjects after it */
        after_subject = prefix, after_version = INT_MIN;
    if (counted(tx->st, tx->ops->versions_after(out, &got, tx, after_subject, after_version, max,
                                                err), err) < 0)
        return -1;
    *n = in_prefix(*out, got, sizeof(sr_store_version), offsetof(sr_store_version, subject),
                   prefix);
    return 0;
}

int sr_store_versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                            int id, sr_err *err)
{
    return counted(tx->st, tx->ops->versions_of_id(out, n, tx, context, id, err), err);
}

int sr_store_version_put(sr_tx *tx, const char *subject, int version, const char *context, int id,
                         long long ts, sr_err *err)
{
    return counted(tx->st, tx->ops->version_put(tx, subject, version, context, id, ts, err), err);
}

int sr_store_version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    return counted(tx->st, tx->ops->version_soft_delete(tx, subject, version, err), err);
}

int sr_store_version_remove(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    return counted(tx->st, tx->ops->version_remove(tx, subject, version, err), err);
}

int sr_store_subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                      sr_err *err)
{
    return counted(tx->st, tx->ops->subjects(out, n, tx, prefix, err), err);
}

int sr_store_subjects_page(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                           const char *after, size_t max, sr_err *err)
{
    size_t got = 0;

    prefix = prefix ? prefix : "";
    /* From (prefix, any version) on the first page; past every version of `after` later. */
    if (counted(tx->st, tx->ops->subjects_after(out, &got, tx, after ? after : prefix,
                                                after ? INT_MAX : INT_MIN, max, err), err) < 0)
        return -1;
    *n = in_prefix(*out, got, sizeof(sr_store_subject), offsetof(sr_store_subject, name), prefix);
    return 0;
}

int sr_store_referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                       int version, const char *context, const char *local, sr_err *err)
{
    return counted(tx->st, tx->ops->referrers(out, n, tx, subject, version, context, local, err),
                   err);
}

/* ---- settings ---- */

int sr_store_setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                         sr_err *err)
{
    return counted(tx->st, tx->ops->setting_get(value_out, tx, kind, scope, err), err);
}

int sr_store_setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                         sr_err *err)
{
    return counted(tx->st, tx->ops->setting_put(tx, kind, scope, value, err), err);
}

int sr_store_setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    return counted(tx->st, tx->ops->setting_delete(tx, kind, scope, err), err);
}

int sr_store_setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                            sr_err *err)
{
    return counted(tx->st, tx->ops->setting_scopes(out, n, tx, kind, err), err);
}

/* ---- what the store hands out ---- */

void sr_store_schema_free(sr_store_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrefs; i++) {
        free(s->refs[i].name);
        free(s->refs[i].subject);
    }
    free(s->refs);
    free(s->context);
    free(s->type);
    free(s->text);
    free(s->metadata);
    free(s->ruleset);
    free(s);
}

void sr_store_ids_free(sr_store_id *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].context);
    free(v);
}

void sr_store_strings_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void sr_store_versions_free(sr_store_version *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].subject);
    free(v);
}

void sr_store_subjects_free(sr_store_subject *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i].name);
    free(s);
}
