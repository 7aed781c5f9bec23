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

int sr_sqlite__version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                         sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;

    if (versions_of(&vs, &n, tx, sr_sqlite__query(tx, Q_VERSION_GET, err, "ti", subject, version),
                    err) < 0)
        return -1;
    if (n != 1) {
        sr_store_versions_free(vs, n);
        return 1;
    }
    *out = vs[0]; /* the row's subject is handed out with it */
    free(vs);
    return 0;
}

int sr_sqlite__versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                              int id, sr_err *err)
{
    return versions_of(out, n, tx,
                       sr_sqlite__query(tx, Q_VERSIONS_HOLDING, err, "ti", subject, id), err);
}

/* A one-integer query that answers a NULL or no row as 0. */
static int int_or_zero(int *out, sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    int rc = sr_sqlite__one_int(out, tx, s, err);

    if (rc == 1)
        *out = 0;
    return rc < 0 ? -1 : 0;
}

int sr_sqlite__subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                              sr_err *err)
{
    sr_store_version *latest = NULL;
    size_t n = 0;
    int changes;

    if (int_or_zero(&changes, tx, sr_sqlite__query(tx, Q_SUBJECT_CHANGES, err, "t", subject),
                    err) < 0 ||
        int_or_zero(&out->max_version, tx,
                    sr_sqlite__query(tx, Q_SUBJECT_MAX_VERSION, err, "t", subject), err) < 0 ||
        versions_of(&latest, &n, tx, sr_sqlite__query(tx, Q_SUBJECT_LATEST, err, "t", subject),
                    err) < 0)
        return -1;
    out->changes = changes;
    out->latest_version = n ? latest[0].version : 0;
    out->latest_id = n ? latest[0].id : 0;
    sr_store_versions_free(latest, n);
    return 0;
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
    int holders, rc;

    rc = sr_sqlite__one_row(tx, sr_sqlite__query(tx, Q_VERSION_SCHEMA, err, "ti", subject,
                                                 version), take_id, &held, err);
    if (rc != 0)
        return rc;
    rc = -1;
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_VERSION_DELETE, err, "ti", subject, version),
                        err) < 0 ||
        sr_sqlite__one_int(&holders, tx, sr_sqlite__query(tx, Q_SCHEMA_HOLDERS, err, "ti",
                                                          held.context, held.id), err) != 0)
        goto out;
    rc = 0;
    /* Last holder gone: drop the schema. The id stays spent: the context's max_id keeps it. */
    if (holders == 0 &&
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
