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

static int exec(sqlite3 *db, const char *text, sr_err *err)
{
    if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
        return sr_sqlite__db_error(err, db);
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
        sr_sqlite__db_error(err, c->db);
        goto out;
    }
    sqlite3_extended_result_codes(c->db, 1);
    if (sqlite3_busy_timeout(c->db, 10000) != SQLITE_OK) {
        sr_sqlite__db_error(err, c->db);
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

/* 0 when no foreign key is broken, else -1 naming the first table that has one. */
static int foreign_keys_hold(sqlite3 *db, sr_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;

    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return sr_sqlite__db_error(err, db);
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
    if (sr_sqlite__int_pragma(&have, db, "PRAGMA user_version", err) < 0 ||
        sr_sqlite__claim(db, err) < 0)
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
    /* Checked only when a step ran: the check reads every row, seconds on a large store. */
    if ((have == want || foreign_keys_hold(db, err) == 0) && exec(db, "COMMIT", err) == 0)
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

static void group_end(sqlite_store *st);

static void sqlite_close(sr_store *base)
{
    sqlite_store *st = (sqlite_store *)base;

    if (!st)
        return;
    if (st->open) /* not reached when every transaction has ended, as the contract asks */
        group_end(st);
    while (st->idle) {
        conn *c = st->idle;
        st->idle = c->next;
        conn_close(c);
    }
    conn_close(st->writer);
    pthread_mutex_destroy(&st->write_lock);
    pthread_mutex_destroy(&st->pool_lock);
    pthread_mutex_destroy(&st->group_lock);
    pthread_cond_destroy(&st->settled);
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

/* ---- the writer: turns, groups, commits ----
 *
 * A writer's turn holds write_lock and runs inside SAVEPOINT w, nested in the transaction of the
 * open group (begun by the group's first writer with BEGIN IMMEDIATE, so that a conflict with
 * another process shows up at begin). A turn that succeeds is RELEASEd into the group; one that
 * fails is rolled back to its savepoint and leaves the others' work alone. When a turn ends and no
 * writer is queued for the lock (or the group is full) the group ends: COMMIT, whose fsync makes
 * every member durable at once. Members wait for that before they answer, so nothing is
 * acknowledged before it is on disk, and readers (other connections) see a group's work only once
 * it is committed. A group that fails to commit fails every member; none was acknowledged. */

/* Writes in one group at most, so that one COMMIT never waits on an unbounded queue. */
#define GROUP_MAX 64

static void group_unref(sqlite_store *st, group *g)
{
    int last;

    pthread_mutex_lock(&st->group_lock);
    last = --g->refs == 0;
    pthread_mutex_unlock(&st->group_lock);
    if (last) {
        free(g->failure);
        free(g);
    }
}

/* The group's transaction has ended: committed when `failure` is NULL (taken over). */
static void group_settle(sqlite_store *st, group *g, char *failure)
{
    pthread_mutex_lock(&st->group_lock);
    g->settled = 1;
    g->failure = failure;
    pthread_cond_broadcast(&st->settled);
    pthread_mutex_unlock(&st->group_lock);
    group_unref(st, g);
}

/* Wait until `g` has settled; 0 when it committed, else -1 with err saying why not. */
static int group_wait(sqlite_store *st, group *g, sr_err *err)
{
    int rc = 0;

    pthread_mutex_lock(&st->group_lock);
    while (!g->settled)
        pthread_cond_wait(&st->settled, &st->group_lock);
    if (g->failure)
        rc = sr_err_set(err, 50001, "Error in the backend data store: %s", g->failure);
    pthread_mutex_unlock(&st->group_lock);
    return rc;
}

/* SQLite's message for the writer connection, copied. */
static char *writer_error(const sqlite_store *st)
{
    return sr_xstrdup(sqlite3_errmsg(st->writer->db));
}

/* End the open group's transaction, and with it the group. write_lock held. */
static void group_end(sqlite_store *st)
{
    sqlite3 *db = st->writer->db;
    group *g = st->open;
    char *failure = NULL;

    if (g->members == 0) {
        if (!sqlite3_get_autocommit(db)) /* nothing to keep */
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    } else if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        /* With synchronous=FULL, COMMIT returns after the WAL is fsync'ed: a failure here
         * (a full disk, an I/O error) means nothing of the group is durable. */
        failure = writer_error(st);
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    st->open = NULL;
    group_settle(st, g, failure);
}

/* The end of a writer's turn: the group ends now when nobody waits to join it or it is full;
 * else the next writer's turn continues it. Releases write_lock. */
static void turn_end(sqlite_store *st)
{
    if (st->open && (atomic_load(&st->queued) == 0 || st->open->members >= GROUP_MAX))
        group_end(st);
    pthread_mutex_unlock(&st->write_lock);
}

/* SQLite rolled the whole transaction back itself (it does on a full disk, an I/O error, running
 * out of memory): every member of the open group has lost its work. write_lock held. */
static void group_lost(sqlite_store *st)
{
    group *g = st->open;

    st->open = NULL;
    group_settle(st, g, writer_error(st));
}

/* The claim (store.h) changes nothing here: one process, and one writer at a time in it. */
static int sqlite_write_begin(sr_tx **out, sr_store *base, const sr_store_claim *claim,
                              sr_err *err)
{
    sqlite_store *st = (sqlite_store *)base;
    sqlite3 *db = st->writer->db;
    sqlite_tx *tx;

    (void)claim;
    atomic_fetch_add(&st->queued, 1);
    pthread_mutex_lock(&st->write_lock);
    atomic_fetch_sub(&st->queued, 1);
    if (!st->open) {
        /* IMMEDIATE takes SQLite's write lock now, so a conflict (another process) shows up
         * here and not halfway through the caller's work. */
        if (exec(db, "BEGIN IMMEDIATE", err) < 0) {
            pthread_mutex_unlock(&st->write_lock);
            return -1;
        }
        st->open = sr_xcalloc(1, sizeof(group));
        st->open->refs = 1;
    }
    if (exec(db, "SAVEPOINT w", err) < 0) {
        if (sqlite3_get_autocommit(db))
            group_lost(st);
        turn_end(st);
        return -1;
    }
    *out = tx_new(st, st->writer, 1);
    tx = sq_tx(*out);
    tx->g = st->open;
    pthread_mutex_lock(&st->group_lock);
    tx->g->refs++;
    pthread_mutex_unlock(&st->group_lock);
    return 0;
}

static void tx_end(sqlite_tx *tx)
{
    if (tx->write)
        group_unref(tx->st, tx->g);
    else
        pool_put(tx->st, tx->c);
    free(tx);
}

/* Undo the turn's work, keeping the group's. 0, or -1 when SQLite had already ended the group's
 * transaction (and the group is lost). write_lock held. */
static int turn_undo(sqlite_store *st)
{
    sqlite3 *db = st->writer->db;

    if (sqlite3_get_autocommit(db)) {
        group_lost(st);
        return -1;
    }
    if (sqlite3_exec(db, "ROLLBACK TO w; RELEASE w", NULL, NULL, NULL) != SQLITE_OK) {
        if (sqlite3_get_autocommit(db))
            group_lost(st);
        return -1;
    }
    return 0;
}

static int sqlite_commit(sr_tx *base, sr_err *err)
{
    sqlite_tx *tx = sq_tx(base);
    sqlite_store *st = tx->st;
    int rc = 0;

    if (!tx->write) {
        if (exec(tx->c->db, "COMMIT", err) < 0) {
            rc = -1;
            if (!sqlite3_get_autocommit(tx->c->db))
                sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
        }
        tx_end(tx);
        return rc;
    }
    if (exec(st->writer->db, "RELEASE w", err) < 0) {
        turn_undo(st);
        rc = -1;
    } else {
        st->open->members++;
    }
    turn_end(st);
    /* Durable only once the group's COMMIT has synced; answer nothing before. */
    if (rc == 0)
        rc = group_wait(st, tx->g, err);
    tx_end(tx);
    return rc;
}

static void sqlite_rollback(sr_tx *base)
{
    sqlite_tx *tx = sq_tx(base);
    sqlite_store *st = tx->st;

    if (!tx->write) {
        if (!sqlite3_get_autocommit(tx->c->db))
            sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
        tx_end(tx);
        return;
    }
    turn_undo(st);
    turn_end(st);
    /* A writer that rolls back to try again (its plan was overtaken) must see what overtook it:
     * wait until the group holding that work has ended. */
    group_wait(st, tx->g, NULL);
    tx_end(tx);
}

/* The readiness probe: the file is still the one opened, and a read answers. Runs the backend's
 * own transaction, not store.h's, so that a probe adds nothing to the read-time histogram and a
 * failure is counted once (by sr_store_ping). */
static int sqlite_ping(sr_store *base, sr_err *err)
{
    sr_tx *tx = NULL;
    int max_id = 0, rc;

    if (sr_sqlite__same_file((sqlite_store *)base, err) < 0 ||
        sqlite_read_begin(&tx, base, err) < 0)
        return -1;
    rc = sr_sqlite__max_id(&max_id, tx, ".", err);
    sqlite_rollback(tx);
    return rc;
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
        sr_sqlite__db_error(err, c->db);
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
    .ping = sqlite_ping,
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
    .versions_after = sr_sqlite__versions_after,
    .versions_of_id = sr_sqlite__versions_of_id,
    .version_put = sr_sqlite__version_put,
    .version_soft_delete = sr_sqlite__version_soft_delete,
    .version_remove = sr_sqlite__version_remove,
    .subjects = sr_sqlite__subjects,
    .subjects_after = sr_sqlite__subjects_after,
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
    pthread_mutex_init(&st->group_lock, NULL);
    pthread_cond_init(&st->settled, NULL);
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
