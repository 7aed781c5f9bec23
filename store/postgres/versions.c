/* versions.c -- subject versions, subjects, referrers: soft and permanent removal. */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <stdlib.h>

/* The rows of a VERSION_COLS query that sr_pg__run answered with `rc` (1: the parameters match
 * nothing). 0 with *out and *n, or -1. Clears r. */
static int take_versions(sr_store_version **out, size_t *n, PGresult *r, int rc)
{
    int rows = rc == 0 ? PQntuples(r) : 0;
    sr_store_version *v;

    if (rc < 0)
        return -1;
    v = sr_xcalloc((size_t)rows + 1, sizeof(*v));
    for (int k = 0; k < rows; k++)
        sr_pg__version_row(&v[k], r, k);
    PQclear(r);
    *out = v;
    *n = (size_t)rows;
    return 0;
}

int sr_pg__versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                    sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_VERSIONS, err, "t", subject);

    return take_versions(out, n, r, rc);
}

int sr_pg__version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                       sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_VERSION_GET, err, "ti", subject, version);

    if (rc != 0)
        return rc; /* 1: a subject the database cannot hold has no versions */
    rc = PQntuples(r) == 1 ? 0 : 1;
    if (rc == 0)
        sr_pg__version_row(out, r, 0);
    PQclear(r);
    return rc;
}

int sr_pg__versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                            int id, sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_VERSIONS_HOLDING, err, "ti", subject, id);

    return take_versions(out, n, r, rc);
}

int sr_pg__subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                            sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_SUBJECT_HEAD, err, "t", subject);

    *out = (sr_store_subject_head){0, 0, 0, 0};
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    out->changes = sr_pg__get_ll(r, 0, 0);
    out->max_version = sr_pg__get_int(r, 0, 1);
    if (!PQgetisnull(r, 0, 2)) {
        out->latest_version = sr_pg__get_int(r, 0, 2);
        out->latest_id = sr_pg__get_int(r, 0, 3);
    }
    PQclear(r);
    return 0;
}

int sr_pg__all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                        sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_ALL_VERSIONS, err, "t", prefix ? prefix : "");

    return take_versions(out, n, r, rc);
}

int sr_pg__versions_after(sr_store_version **out, size_t *n, sr_tx *tx, const char *after_subject,
                          int after_version, size_t max, sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_VERSIONS_AFTER, err, "til", after_subject,
                        after_version, (long long)max);

    return take_versions(out, n, r, rc);
}

int sr_pg__versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                          int id, sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_VERSIONS_OF_ID, err, "ti", context, id);

    return take_versions(out, n, r, rc);
}

int sr_pg__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                     int version, const char *context, const char *local, sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_REFERRERS, err, "titt", subject, version, context,
                        local);

    return take_versions(out, n, r, rc);
}

int sr_pg__version_put(sr_tx *tx, const char *subject, int version, const char *context, int id,
                       long long ts, sr_err *err)
{
    return sr_pg__exec(pg_of(tx), PQ_VERSION_PUT, err, "titil", subject, version, context, id,
                       ts) < 0
               ? -1
               : 0;
}

int sr_pg__version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    int rows = sr_pg__exec(pg_of(tx), PQ_VERSION_SOFT_DELETE, err, "ti", subject, version);

    return rows < 0 ? -1 : rows == 0 ? 1 : 0;
}

int sr_pg__version_remove(sr_tx *base, const char *subject, int version, sr_err *err)
{
    pg_tx *tx = pg_of(base);
    PGresult *r = NULL;
    char *ctx;
    int id, held = 0, rc = sr_pg__run(&r, tx, PQ_VERSION_DELETE, err, "ti", subject, version);

    if (rc != 0 || PQntuples(r) == 0) {
        PQclear(r);
        return rc < 0 ? -1 : 1;
    }
    ctx = sr_pg__text(r, 0, 0, 1);
    id = sr_pg__get_int(r, 0, 1);
    PQclear(r);
    rc = sr_pg__int(&held, tx, PQ_SCHEMA_HELD, err, "ti", ctx, id) < 0 ? -1 : 0;
    /* Last holder gone: drop the schema. The id stays spent: the context's max_id keeps it. */
    if (rc == 0 && held == 0 &&
        (sr_pg__exec(tx, PQ_REFS_DELETE, err, "ti", ctx, id) < 0 ||
         sr_pg__exec(tx, PQ_SCHEMA_DELETE, err, "ti", ctx, id) < 0))
        rc = -1;
    free(ctx);
    return rc;
}

/* Rows of (subject, bool_and(deleted)), whatever selected them. */
static int take_subjects(sr_store_subject **out, size_t *n, PGresult *r, int rc)
{
    sr_store_subject *v;
    int rows;

    if (rc < 0)
        return -1;
    rows = r ? PQntuples(r) : 0;
    v = sr_xcalloc((size_t)rows + 1, sizeof(*v));
    for (int i = 0; i < rows; i++)
        v[i] = (sr_store_subject){sr_pg__text(r, i, 0, 1), sr_pg__get_bool(r, i, 1)};
    PQclear(r);
    *out = v;
    *n = (size_t)rows;
    return 0;
}

int sr_pg__subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                    sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_SUBJECTS, err, "t", prefix ? prefix : "");

    return take_subjects(out, n, r, rc);
}

int sr_pg__subjects_after(sr_store_subject **out, size_t *n, sr_tx *tx, const char *after_subject,
                          int after_version, size_t max, sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_SUBJECTS_AFTER, err, "til", after_subject,
                        after_version, (long long)max);

    return take_subjects(out, n, r, rc);
}
