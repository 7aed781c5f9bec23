/* conn.c -- store.h on SQLite: opening (WAL journal, synchronous=FULL, foreign keys on,
 * migrations), the connections and transactions (sqlite.h says how they are shared), the
 * readiness probe and online backups; the backend's table of operations (backend.h). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite.h"

static int db_error(sr_err *err, sqlite3 *db)
{
    return sr_err_set(err, 50001, "Error in the backend data store: %s",
                      db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(sqlite3 *db, const char *text, sr_err *err)
{
    if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(err, db);
    return 0;
}

static void conn_close(conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* Open one connection with the per-connection settings every connection needs. Reader
 * connections are query-only, so a write issued inside a read transaction fails loudly instead
 * of racing the writer. */
static int conn_open(conn **out, const char *path, int reader, sr_err *err)
{
    conn *c = sr_xcalloc(1, sizeof *c);
    int rc = -1;
    /* NOMUTEX: a connection is used by one thread at a time (the pool and the write lock see
     * to that), so SQLite's own per-connection mutex would be pure overhead. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        db_error(err, c->db);
        goto out;
    }
    sqlite3_extended_result_codes(c->db, 1);
    if (sqlite3_busy_timeout(c->db, 10000) != SQLITE_OK) {
        db_error(err, c->db);
        goto out;
    }
    if (exec(c->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err) < 0)
        goto out;
    if (reader && exec(c->db, "PRAGMA query_only=ON", err) < 0)
        goto out;
    *out = c;
    c = NULL;
    rc = 0;
out:
    conn_close(c);
    return rc;
}

static int user_version(int *out, sqlite3 *db, sr_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        db_error(err, db);
        goto out;
    }
    *out = sqlite3_column_int(s, 0);
    rc = 0;
out:
    sqlite3_finalize(s);
    return rc;
}

/* 0 when no foreign key is broken, else -1 naming the first table that has one. */
static int foreign_keys_hold(sqlite3 *db, sr_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;

    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return db_error(err, db);
    if (sqlite3_step(s) == SQLITE_ROW)
        rc = sr_err_set(err, 50001, "Error in the backend data store: a migration broke a "
                        "foreign key in table %s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc;
}

/* The steps from the database's version to `want`, in one transaction. */
static int migrate_steps(sqlite3 *db, int want, sr_err *err)
{
    int have;
    if (exec(db, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    /* Read under the write lock so that two processes opening a fresh file do not both migrate. */
    if (user_version(&have, db, err) < 0 || sr_sqlite__claim(db, err) < 0)
        goto fail;
    if (have > want) {
        sr_err_set(err, 50001,
                   "Error in the backend data store: database schema version %d is newer than "
                   "this program's %d", have, want);
        goto fail;
    }
    for (int v = have + 1; v <= want; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v);
        if (exec(db, sr_store__migration(v), err) < 0 || exec(db, bump, err) < 0)
            goto fail;
    }
    if (foreign_keys_hold(db, err) == 0 && exec(db, "COMMIT", err) == 0)
        return 0;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Run the missing migration steps, each atomically with its user_version bump. Foreign keys are
 * off while they run, as SQLite's procedure for rebuilding a table asks (the pragma has no effect
 * inside a transaction), and checked as a whole before the commit. */
static int migrate(sqlite3 *db, sr_err *err)
{
    int rc;

    if (exec(db, "PRAGMA foreign_keys=OFF", err) < 0)
        return -1;
    rc = migrate_steps(db, sr_store__migration_count(), err);
    if (exec(db, "PRAGMA foreign_keys=ON", rc < 0 ? NULL : err) < 0)
        rc = -1;
    return rc;
}

static void sqlite_close(sr_store *base)
{
    sqlite_store *st = (sqlite_store *)base;

    if (!st)
        return;
    while (st->idle) {
        conn *c = st->idle;
        st->idle = c->next;
        conn_close(c);
    }
    conn_close(st->writer);
    pthread_mutex_destroy(&st->write_lock);
    pthread_mutex_destroy(&st->pool_lock);
    free(st->path);
    free(st);
}

/* ---- transactions ---- */

static void pool_put(sqlite_store *st, conn *c)
{
    pthread_mutex_lock(&st->pool_lock);
    c->next = st->idle;
    st->idle = c;
    pthread_mutex_unlock(&st->pool_lock);
}

static const sr_store_ops sqlite_ops;

static sr_tx *tx_new(sqlite_store *st, conn *c, int write)
{
    sqlite_tx *tx = sr_xcalloc(1, sizeof *tx);

    tx->base.ops = &sqlite_ops;
    tx->st = st;
    tx->c = c;
    tx->write = write;
    return &tx->base;
}

/* A reader connection from the pool, or a new one. */
static int pool_take(conn **out, sqlite_store *st, sr_err *err)
{
    conn *c;

    pthread_mutex_lock(&st->pool_lock);
    c = st->idle;
    if (c)
        st->idle = c->next;
    pthread_mutex_unlock(&st->pool_lock);
    if (!c && conn_open(&c, st->path, 1, err) < 0)
        return -1;
    c->next = NULL;
    *out = c;
    return 0;
}

static int sqlite_read_begin(sr_tx **out, sr_store *base, sr_err *err)
{
    sqlite_store *st = (sqlite_store *)base;
    conn *c;

    if (pool_take(&c, st, err) < 0)
        return -1;
    /* Deferred: the snapshot is taken by the first read, and the writer is never blocked. */
    if (exec(c->db, "BEGIN", err) < 0) {
        pool_put(st, c);
        return -1;
    }
    *out = tx_new(st, c, 0);
    return 0;
}

/* Every write is exclusive here: the claim (store.h) changes nothing for one process. */
static int sqlite_write_begin(sr_tx **out, sr_store *base, const sr_store_claim *claim,
                              sr_err *err)
{
    sqlite_store *st = (sqlite_store *)base;

    (void)claim;
    pthread_mutex_lock(&st->write_lock);
    /* IMMEDIATE takes SQLite's write lock now, so a conflict (another process) shows up here
     * and not halfway through the caller's work. */
    if (exec(st->writer->db, "BEGIN IMMEDIATE", err) < 0) {
        pthread_mutex_unlock(&st->write_lock);
        return -1;
    }
    *out = tx_new(st, st->writer, 1);
    return 0;
}

static void tx_end(sqlite_tx *tx)
{
    if (tx->write)
        pthread_mutex_unlock(&tx->st->write_lock);
    else
        pool_put(tx->st, tx->c);
    free(tx);
}

static int sqlite_commit(sr_tx *base, sr_err *err)
{
    sqlite_tx *tx = sq_tx(base);
    int rc = 0;

    /* With synchronous=FULL, COMMIT returns after the WAL is fsync'ed: durable from here. */
    if (exec(tx->c->db, "COMMIT", err) < 0) {
        rc = -1;
        if (!sqlite3_get_autocommit(tx->c->db))
            sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    tx_end(tx);
    return rc;
}

static void sqlite_rollback(sr_tx *base)
{
    sqlite_tx *tx = sq_tx(base);

    if (!sqlite3_get_autocommit(tx->c->db))
        sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
    tx_end(tx);
}

/* VACUUM INTO writes a consistent copy from one read snapshot: in WAL mode the writer goes on
 * meanwhile, and the copy is a complete database (WAL folded in) that opens on its own. It runs
 * on a connection of its own (readers are query-only, and the writer must stay free). */
static int sqlite_backup(sr_store *base, const char *dest, sr_err *err)
{
    sqlite_store *st = (sqlite_store *)base;
    sqlite3_stmt *s = NULL;
    conn *c;
    int rc = -1;

    if (conn_open(&c, st->path, 0, err) < 0)
        return -1;
    if (sqlite3_prepare_v2(c->db, "VACUUM INTO ?1", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_text(s, 1, dest, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_DONE)
        db_error(err, c->db);
    else
        rc = 0;
    sqlite3_finalize(s);
    conn_close(c);
    return rc;
}

/* One process owns the file: nothing to announce to others, nothing to hear. */
static int sqlite_publish(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err)
{
    (void)tx, (void)gone, (void)n, (void)all, (void)err;
    return 0;
}

static int sqlite_watch(sr_store *st, sr_store_watch_fn fn, void *arg, sr_err *err)
{
    (void)st, (void)fn, (void)arg, (void)err;
    return 0;
}

static const sr_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .read_begin = sqlite_read_begin,
    .write_begin = sqlite_write_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .ping = sr_sqlite__ping,
    .backup = sqlite_backup,
    .publish = sqlite_publish,
    .watch = sqlite_watch,
    .schema_get = sr_sqlite__schema_get,
    .schema_find = sr_sqlite__schema_find,
    .schema_ids = sr_sqlite__schema_ids,
    .schema_insert = sr_sqlite__schema_insert,
    .max_id = sr_sqlite__max_id,
    .contexts = sr_sqlite__contexts,
    .context_delete = sr_sqlite__context_delete,
    .versions = sr_sqlite__versions,
    .version_get = sr_sqlite__version_get,
    .subject_head_get = sr_sqlite__subject_head_get,
    .versions_holding = sr_sqlite__versions_holding,
    .all_versions = sr_sqlite__all_versions,
    .versions_of_id = sr_sqlite__versions_of_id,
    .version_put = sr_sqlite__version_put,
    .version_soft_delete = sr_sqlite__version_soft_delete,
    .version_remove = sr_sqlite__version_remove,
    .subjects = sr_sqlite__subjects,
    .referrers = sr_sqlite__referrers,
    .setting_get = sr_sqlite__setting_get,
    .setting_put = sr_sqlite__setting_put,
    .setting_delete = sr_sqlite__setting_delete,
    .setting_scopes = sr_sqlite__setting_scopes,
    .counts = sr_sqlite__counts,
};

int sr_sqlite_open(sr_store **out, const sr_store_options *o, sr_err *err)
{
    const char *path = o->location ? o->location : "";
    sqlite_store *st;
    int rc = -1;

    if (sr_sqlite__check_path(path, err) < 0)
        return -1;
    st = sr_xcalloc(1, sizeof *st);
    st->base.ops = &sqlite_ops;
    st->path = sr_xstrdup(path);
    pthread_mutex_init(&st->write_lock, NULL);
    pthread_mutex_init(&st->pool_lock, NULL);
    /* Connections are opened NOMUTEX and handed between threads, which a library built
     * without thread support cannot do. */
    if (!sqlite3_threadsafe()) {
        sr_err_set(err, 50001, "Error in the backend data store: SQLite built without threads");
        goto out;
    }
    if (conn_open(&st->writer, path, 0, err) < 0 || sr_sqlite__recognise(st->writer->db, err) < 0)
        goto out;
    /* WAL is a property of the file: set once here, every later connection inherits it. */
    if (exec(st->writer->db, "PRAGMA journal_mode=WAL", err) < 0)
        goto out;
    if (migrate(st->writer->db, err) < 0 || sr_sqlite__note_file(st, err) < 0)
        goto out;
    *out = &st->base;
    st = NULL;
    rc = 0;
out:
    sqlite_close(st ? &st->base : NULL);
    return rc;
}
