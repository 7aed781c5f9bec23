/* versions.c -- subject versions, subjects, referrers: soft and permanent removal. */
#include "store/sqlite/sqlite.h"
#include "common/buf.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Rows of VERSION_COLS from a bound statement. */
static int versions_of(sr_store_version **out, size_t *n, sr_tx *tx, sqlite3_stmt *s,
                       sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(sr_store_version), tx, s,
                                sr_sqlite__fill_version, sr_sqlite__free_versions, err);

    *out = rows;
    return rc;
}

int sr_sqlite__versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                      sr_err *err)
{
    return versions_of(out, n, tx, sr_sqlite__query(tx, Q_VERSIONS, err, "t", subject), err);
}

static void take_version(sqlite3_stmt *s, void *out)
{
    sr_sqlite__fill_version(out, s);
}

int sr_sqlite__version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                         sr_err *err)
{
    return sr_sqlite__one_row(tx, sr_sqlite__query(tx, Q_VERSION_GET, err, "ti", subject, version),
                              take_version, out, err);
}

int sr_sqlite__versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                              int id, sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_VERSIONS_HOLDING, err, "ti", subject, id), err);
}

static void take_head(sqlite3_stmt *s, void *out)
{
    sr_store_subject_head *h = out;

    h->changes = sqlite3_column_int64(s, 0);
    h->max_version = sqlite3_column_int(s, 1);
    h->latest_version = sqlite3_column_int(s, 2); /* 0 for NULL: no live version */
    h->latest_id = sqlite3_column_int(s, 3);
}

int sr_sqlite__subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                              sr_err *err)
{
    *out = (sr_store_subject_head){0, 0, 0, 0};
    return sr_sqlite__one_row(tx, sr_sqlite__query(tx, Q_SUBJECT_HEAD, err, "t", subject),
                              take_head, out, err) < 0 ? -1 : 0; /* always one row */
}

int sr_sqlite__all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                          sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_ALL_VERSIONS, err, "t", prefix ? prefix : ""), err);
}

int sr_sqlite__versions_after(sr_store_version **out, size_t *n, sr_tx *tx,
                              const char *after_subject, int after_version, size_t max,
                              sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_VERSIONS_PAGE, err, "til", after_subject,
                                        after_version, (long long)max), err);
}

int sr_sqlite__versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                            int id, sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_VERSIONS_OF_ID, err, "ti", context, id), err);
}

int sr_sqlite__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                       int version, const char *context, const char *local, sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_REFERRERS, err, "titt", subject, version, context,
                                        local), err);
}

int sr_sqlite__version_put(sr_tx *tx, const char *subject, int version, const char *context, int id,
                         long long ts, sr_err *err)
{
    return sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_VERSION_PUT, err, "titil", subject, version,
                                                context, id, ts), err);
}

int sr_sqlite__version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_VERSION_SOFT_DELETE, err, "ti", subject,
                                             version), err) < 0)
        return -1;
    return sqlite3_changes(sq_tx(tx)->c->db) == 0 ? 1 : 0;
}

/* A Q_VERSION_SCHEMA row into the sr_store_id at `out` (its context owned). */
static void take_id(sqlite3_stmt *s, void *out)
{
    sr_store_id *held = out;

    held->context = sr_sqlite__text(s, 0, 1);
    held->id = sqlite3_column_int(s, 1);
}

int sr_sqlite__version_remove(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    sr_store_id held = {NULL, 0}; /* the schema the version holds */
    int still_held, rc;

    rc = sr_sqlite__one_row(tx, sr_sqlite__query(tx, Q_VERSION_SCHEMA, err, "ti", subject,
                                                 version), take_id, &held, err);
    if (rc != 0)
        return rc;
    rc = -1;
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_VERSION_DELETE, err, "ti", subject, version),
                        err) < 0 ||
        sr_sqlite__one_int(&still_held, tx,
                           sr_sqlite__query(tx, Q_SCHEMA_HELD, err, "ti", held.context, held.id),
                           err) != 0)
        goto out;
    rc = 0;
    /* Last holder gone: drop the schema. The id stays spent: the context's max_id keeps it. */
    if (!still_held &&
        (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_REFS_DELETE, err, "ti", held.context,
                                              held.id), err) < 0 ||
         sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_SCHEMA_DELETE, err, "ti", held.context,
                                              held.id), err) < 0))
        rc = -1;
out:
    free(held.context);
    return rc;
}

static void fill_subject(void *row, sqlite3_stmt *s)
{
    sr_store_subject *r = row;

    r->name = sr_sqlite__text(s, 0, 1);
    r->all_deleted = sqlite3_column_int(s, 1) != 0;
}

static void free_subjects(void *rows, size_t n)
{
    sr_store_subjects_free(rows, n);
}

int sr_sqlite__subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                      sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(sr_store_subject), tx,
                                sr_sqlite__query(tx, Q_SUBJECTS, err, "t", prefix ? prefix : ""),
                                fill_subject, free_subjects, err);

    *out = rows;
    return rc;
}

int sr_sqlite__subjects_after(sr_store_subject **out, size_t *n, sr_tx *tx,
                              const char *after_subject, int after_version, size_t max,
                              sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(sr_store_subject), tx,
                                sr_sqlite__query(tx, Q_SUBJECTS_PAGE, err, "til", after_subject,
                                                 after_version, (long long)max),
                                fill_subject, free_subjects, err);

    *out = rows;
    return rc;
}
