/* rows.c -- preparing, binding and stepping statements, and collecting rows: the few shapes every
 * query of the backend takes, written once. Every SQLite return value is checked here. */
#include "store/sqlite/sqlite.h"
#include "common/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sr_sqlite__db_error(sr_err *err, sqlite3 *db)
{
    int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    const char *msg = db ? sqlite3_errmsg(db) : "out of memory";

    /* A row that must be unique exists already: the contract's conflict (store.h). */
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE)
        return sr_err_set(err, SR_STORE_CONFLICT, "Error in the backend data store: %s", msg);
    /* Another process held the database past the busy timeout. */
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return sr_err_set(err, 50002, "Operation timed out: %s", msg);
    return sr_err_set(err, 50001, "Error in the backend data store: %s", msg);
}

int sr_sqlite__error(sr_err *err, sr_tx *tx)
{
    return sr_sqlite__db_error(err, tx ? sq_tx(tx)->c->db : NULL);
}

int sr_sqlite__int_pragma(int *out, sqlite3 *db, const char *sql, sr_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
        sr_sqlite__db_error(err, db);
        goto out;
    }
    *out = sqlite3_column_int(s, 0);
    rc = 0;
out:
    sqlite3_finalize(s);
    return rc;
}

void sr_sqlite__done(sqlite3_stmt *s)
{
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
}

/* Bind the arguments of `types` (see sqlite.h) to s: SQLITE_OK or the first failure. */
static int bind(sqlite3_stmt *s, const char *types, va_list ap)
{
    int rc = SQLITE_OK;

    for (int i = 1; types[i - 1] && rc == SQLITE_OK; i++) {
        const char *t;
        switch (types[i - 1]) {
        case 't':
            t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
            break;
        case 'i':
            rc = sqlite3_bind_int(s, i, va_arg(ap, int));
            break;
        case 'l':
            rc = sqlite3_bind_int64(s, i, va_arg(ap, long long));
            break;
        case 'h':
            rc = sqlite3_bind_blob(s, i, va_arg(ap, const uint8_t *), 16, SQLITE_TRANSIENT);
            break;
        default:
            rc = SQLITE_MISUSE;
        }
    }
    return rc;
}

sqlite3_stmt *sr_sqlite__query(sr_tx *tx, int q, sr_err *err, const char *types, ...)
{
    sqlite3_stmt **slot = &sq_tx(tx)->c->stmts[q];
    va_list ap;
    int rc;

    if (!*slot && sqlite3_prepare_v3(sq_tx(tx)->c->db, sr_sqlite__sql[q], -1,
                                     SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        sr_sqlite__error(err, tx);
        return NULL;
    }
    va_start(ap, types);
    rc = bind(*slot, types, ap);
    va_end(ap);
    if (rc != SQLITE_OK) {
        sr_err_set(err, 50001, "Error in the backend data store: %s", sqlite3_errstr(rc));
        sr_sqlite__done(*slot);
        return NULL;
    }
    return *slot;
}

int sr_sqlite__exec(sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    int rc;

    if (!s)
        return -1;
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        sr_sqlite__error(err, tx);
    sr_sqlite__done(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int sr_sqlite__one_row(sr_tx *tx, sqlite3_stmt *s, void (*take)(sqlite3_stmt *, void *),
                      void *out, sr_err *err)
{
    int step, rc = -1;

    if (!s)
        return -1;
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        take(s, out);
        rc = 0;
    } else if (step == SQLITE_DONE) {
        rc = 1;
    } else {
        sr_sqlite__error(err, tx);
    }
    sr_sqlite__done(s);
    return rc;
}

static void take_int(sqlite3_stmt *s, void *out)
{
    *(int *)out = sqlite3_column_int(s, 0);
}

static void take_text(sqlite3_stmt *s, void *out)
{
    *(char **)out = sr_sqlite__text(s, 0, 1);
}

int sr_sqlite__one_int(int *out, sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    return sr_sqlite__one_row(tx, s, take_int, out, err);
}

int sr_sqlite__one_text(char **out, sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    return sr_sqlite__one_row(tx, s, take_text, out, err);
}

int sr_sqlite__collect(void **out, size_t *n, size_t size, sr_tx *tx, sqlite3_stmt *s,
                       void (*fill)(void *row, sqlite3_stmt *s), void (*free_rows)(void *, size_t),
                       sr_err *err)
{
    char *rows = NULL;
    size_t len = 0, cap = 0;
    int rc;

    if (!s)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            rows = sr_xrealloc(rows, cap * size);
        }
        memset(rows + len * size, 0, size);
        fill(rows + len++ * size, s);
    }
    if (rc != SQLITE_DONE) {
        sr_sqlite__error(err, tx);
        free_rows(rows, len);
        sr_sqlite__done(s);
        return -1;
    }
    sr_sqlite__done(s);
    *out = rows;
    *n = len;
    return 0;
}

char *sr_sqlite__text(sqlite3_stmt *s, int i, int never_null)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    if (!t)
        return never_null ? sr_xstrdup("") : NULL;
    return sr_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

void sr_sqlite__fill_version(void *row, sqlite3_stmt *s)
{
    sr_store_version *r = row;

    r->subject = sr_sqlite__text(s, 0, 1);
    r->version = sqlite3_column_int(s, 1);
    r->id = sqlite3_column_int(s, 2);
    r->deleted = sqlite3_column_int(s, 3) != 0;
    r->ts = sqlite3_column_int64(s, 4);
}

void sr_sqlite__free_versions(void *rows, size_t n)
{
    sr_store_versions_free(rows, n);
}
