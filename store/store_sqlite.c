/* store_sqlite.c -- store.h on SQLite: WAL journal, synchronous=FULL, foreign keys on.
 *
 * One writer connection behind a mutex (SQLite allows one writer anyway; holding our own lock
 * means writers queue here instead of spinning on SQLITE_BUSY) and a pool of reader connections,
 * one per concurrently reading thread, so that readers never wait for the writer: in WAL mode a
 * reader's snapshot is fixed by its first read after BEGIN. Each connection caches its prepared
 * statements, since the same few queries run on every request. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "store/migrations.h"
#include "store/store.h"

/* Every query, by index into the per-connection statement cache. */
enum {
    Q_SCHEMA_GET,
    Q_SCHEMA_REFS,
    Q_SCHEMA_FIND,
    Q_SCHEMA_INSERT,
    Q_REF_INSERT,
    Q_MAX_ID,
    Q_MAX_ID_RAISE,
    Q_VERSIONS,
    Q_ALL_VERSIONS,
    Q_VERSIONS_OF_ID,
    Q_VERSION_PUT,
    Q_VERSION_SOFT_DELETE,
    Q_VERSION_SCHEMA,
    Q_VERSION_DELETE,
    Q_SCHEMA_HOLDERS,
    Q_REFS_DELETE,
    Q_SCHEMA_DELETE,
    Q_SUBJECTS,
    Q_REFERRERS,
    Q_SETTING_GET,
    Q_SETTING_PUT,
    Q_SETTING_DELETE,
    Q_SETTING_SCOPES,
    Q_COUNT
};

#define VERSION_COLS "subject, version, schema_id, deleted, ts"
/* Prefix match that compares bytes, not patterns: LIKE would treat '_' and '%' specially and
 * ignore case. */
#define PREFIX_MATCH "substr(subject, 1, length(?1)) = ?1"

static const char *const sql[Q_COUNT] = {
    [Q_SCHEMA_GET] = "SELECT type, text, hash, metadata FROM schemas WHERE id = ?1",
    [Q_SCHEMA_REFS] = "SELECT name, subject, version FROM schema_refs WHERE schema_id = ?1 "
                      "ORDER BY ordinal",
    [Q_SCHEMA_FIND] = "SELECT id FROM schemas WHERE hash = ?1",
    [Q_SCHEMA_INSERT] = "INSERT INTO schemas(id, type, text, hash, metadata) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_REF_INSERT] = "INSERT INTO schema_refs(schema_id, ordinal, name, subject, version) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_MAX_ID] = "SELECT value FROM meta WHERE key = 'max_id'",
    [Q_MAX_ID_RAISE] = "UPDATE meta SET value = ?1 WHERE key = 'max_id' AND value < ?1",
    [Q_VERSIONS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE subject = ?1 "
                   "ORDER BY version",
    [Q_ALL_VERSIONS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE " PREFIX_MATCH
                       " ORDER BY subject, version",
    [Q_VERSIONS_OF_ID] = "SELECT " VERSION_COLS " FROM subject_versions WHERE schema_id = ?1 "
                         "ORDER BY subject, version",
    [Q_VERSION_PUT] = "INSERT INTO subject_versions(subject, version, schema_id, deleted, ts) "
                      "VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (subject, version) DO UPDATE "
                      "SET schema_id = excluded.schema_id, deleted = 0, ts = excluded.ts",
    [Q_VERSION_SOFT_DELETE] = "UPDATE subject_versions SET deleted = 1 "
                              "WHERE subject = ?1 AND version = ?2",
    [Q_VERSION_SCHEMA] = "SELECT schema_id FROM subject_versions WHERE subject = ?1 "
                         "AND version = ?2",
    [Q_VERSION_DELETE] = "DELETE FROM subject_versions WHERE subject = ?1 AND version = ?2",
    [Q_SCHEMA_HOLDERS] = "SELECT count(*) FROM subject_versions WHERE schema_id = ?1",
    [Q_REFS_DELETE] = "DELETE FROM schema_refs WHERE schema_id = ?1",
    [Q_SCHEMA_DELETE] = "DELETE FROM schemas WHERE id = ?1",
    [Q_SUBJECTS] = "SELECT subject, min(deleted) FROM subject_versions WHERE " PREFIX_MATCH
                   " GROUP BY subject ORDER BY subject",
    [Q_REFERRERS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE schema_id IN "
                    "(SELECT schema_id FROM schema_refs WHERE subject = ?1 AND version = ?2) "
                    "ORDER BY schema_id, subject, version",
    [Q_SETTING_GET] = "SELECT value FROM settings WHERE kind = ?1 AND is_global = ?2 "
                      "AND scope = ?3",
    [Q_SETTING_PUT] = "INSERT INTO settings(kind, is_global, scope, value) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (kind, is_global, scope) DO UPDATE SET value = excluded.value",
    [Q_SETTING_DELETE] = "DELETE FROM settings WHERE kind = ?1 AND is_global = ?2 AND scope = ?3",
    [Q_SETTING_SCOPES] = "SELECT scope FROM settings WHERE kind = ?1 AND is_global = 0 "
                         "ORDER BY scope",
};

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[Q_COUNT]; /* prepared on first use, finalized at close */
    struct conn *next;            /* idle list link (readers only) */
} conn;

struct sr_store {
    char *path;
    pthread_mutex_t write_lock; /* held from write_begin to commit/rollback */
    conn *writer;
    pthread_mutex_t pool_lock;  /* guards idle */
    conn *idle;                 /* reader connections not in use */
};

struct sr_tx {
    sr_store *st;
    conn *c;
    int write;
};

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

/* The cached statement `q` of the transaction's connection, prepared on first use. Callers
 * bind, step, then hand it to done() so that the next user finds it reset and unbound. */
static sqlite3_stmt *stmt(sr_tx *tx, int q, sr_err *err)
{
    conn *c = tx->c;
    if (!c->stmts[q]) {
        if (sqlite3_prepare_v3(c->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT, &c->stmts[q],
                               NULL) != SQLITE_OK) {
            db_error(err, c->db);
            return NULL;
        }
    }
    return c->stmts[q];
}

/* Release a statement after use: reset so that it holds no read cursor into the transaction. */
static void done(sqlite3_stmt *s)
{
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
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

/* Run the missing migration steps, each atomically with its user_version bump. */
static int migrate(sqlite3 *db, sr_err *err)
{
    int have, want = sr_store__migration_count();
    if (exec(db, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    /* Read under the write lock so that two processes opening a fresh file do not both migrate. */
    if (user_version(&have, db, err) < 0)
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
    if (exec(db, "COMMIT", err) == 0)
        return 0;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int sr_store_open(sr_store **out, const char *path, sr_err *err)
{
    sr_store *st = sr_xcalloc(1, sizeof *st);
    int rc = -1;
    st->path = sr_xstrdup(path);
    pthread_mutex_init(&st->write_lock, NULL);
    pthread_mutex_init(&st->pool_lock, NULL);
    /* Connections are opened NOMUTEX and handed between threads, which a library built
     * without thread support cannot do. */
    if (!sqlite3_threadsafe()) {
        sr_err_set(err, 50001, "Error in the backend data store: SQLite built without threads");
        goto out;
    }
    if (conn_open(&st->writer, path, 0, err) < 0)
        goto out;
    /* WAL is a property of the file: set once here, every later connection inherits it. */
    if (exec(st->writer->db, "PRAGMA journal_mode=WAL", err) < 0)
        goto out;
    if (migrate(st->writer->db, err) < 0)
        goto out;
    *out = st;
    st = NULL;
    rc = 0;
out:
    sr_store_close(st);
    return rc;
}

void sr_store_close(sr_store *st)
{
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

static void pool_put(sr_store *st, conn *c)
{
    pthread_mutex_lock(&st->pool_lock);
    c->next = st->idle;
    st->idle = c;
    pthread_mutex_unlock(&st->pool_lock);
}

int sr_store_read_begin(sr_tx **out, sr_store *st, sr_err *err)
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
    /* Deferred: the snapshot is taken by the first read, and the writer is never blocked. */
    if (exec(c->db, "BEGIN", err) < 0) {
        pool_put(st, c);
        return -1;
    }
    sr_tx *tx = sr_xcalloc(1, sizeof *tx);
    tx->st = st;
    tx->c = c;
    *out = tx;
    return 0;
}

int sr_store_write_begin(sr_tx **out, sr_store *st, sr_err *err)
{
    pthread_mutex_lock(&st->write_lock);
    /* IMMEDIATE takes SQLite's write lock now, so a conflict (another process) shows up here
     * and not halfway through the caller's work. */
    if (exec(st->writer->db, "BEGIN IMMEDIATE", err) < 0) {
        pthread_mutex_unlock(&st->write_lock);
        return -1;
    }
    sr_tx *tx = sr_xcalloc(1, sizeof *tx);
    tx->st = st;
    tx->c = st->writer;
    tx->write = 1;
    *out = tx;
    return 0;
}

static void tx_end(sr_tx *tx)
{
    if (tx->write)
        pthread_mutex_unlock(&tx->st->write_lock);
    else
        pool_put(tx->st, tx->c);
    free(tx);
}

int sr_store_commit(sr_tx *tx, sr_err *err)
{
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

void sr_store_rollback(sr_tx *tx)
{
    if (!tx)
        return;
    if (!sqlite3_get_autocommit(tx->c->db))
        sqlite3_exec(tx->c->db, "ROLLBACK", NULL, NULL, NULL);
    tx_end(tx);
}

/* ---- helpers ---- */

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return NULL;
    return sr_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

/* Step a statement that returns no rows (or whose rows are ignored). */
static int step_done(sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_error(err, tx->c->db);
    return 0;
}

/* Run a query whose columns are VERSION_COLS and collect its rows. */
static int collect_versions(sr_store_version **out, size_t *n, sr_tx *tx, sqlite3_stmt *s,
                            sr_err *err)
{
    sr_store_version *v = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            v = sr_xrealloc(v, cap * sizeof *v);
        }
        sr_store_version *r = &v[len++];
        r->subject = col_dup(s, 0);
        if (!r->subject)
            r->subject = sr_xstrdup("");
        r->version = sqlite3_column_int(s, 1);
        r->id = sqlite3_column_int(s, 2);
        r->deleted = sqlite3_column_int(s, 3) != 0;
        r->ts = sqlite3_column_int64(s, 4);
    }
    if (rc != SQLITE_DONE) {
        db_error(err, tx->c->db);
        sr_store_versions_free(v, len);
        return -1;
    }
    *out = v;
    *n = len;
    return 0;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- schemas ---- */

void sr_store_schema_free(sr_store_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrefs; i++) {
        free(s->refs[i].name);
        free(s->refs[i].subject);
    }
    free(s->refs);
    free(s->type);
    free(s->text);
    free(s->metadata);
    free(s);
}

static int load_refs(sr_store_schema *out, sr_tx *tx, int id, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SCHEMA_REFS, err);
    size_t cap = 0;
    int rc;
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (out->nrefs == cap) {
            cap = cap ? cap * 2 : 4;
            out->refs = sr_xrealloc(out->refs, cap * sizeof *out->refs);
        }
        sr_store_ref *r = &out->refs[out->nrefs++];
        r->name = col_dup(s, 0);
        r->subject = col_dup(s, 1);
        r->version = sqlite3_column_int(s, 2);
    }
    if (rc != SQLITE_DONE)
        db_error(err, tx->c->db);
    done(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int sr_store_schema_get(sr_store_schema **out, sr_tx *tx, int id, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SCHEMA_GET, err);
    sr_store_schema *sc = NULL;
    int rc = -1, step;
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, id);
    step = sqlite3_step(s);
    if (step == SQLITE_DONE) {
        rc = 1;
        goto out;
    }
    if (step != SQLITE_ROW) {
        db_error(err, tx->c->db);
        goto out;
    }
    sc = sr_xcalloc(1, sizeof *sc);
    sc->id = id;
    sc->type = col_dup(s, 0);
    sc->text = col_dup(s, 1);
    const void *h = sqlite3_column_blob(s, 2);
    int hlen = sqlite3_column_bytes(s, 2);
    if (h)
        memcpy(sc->hash, h, hlen < 16 ? (size_t)hlen : 16);
    sc->metadata = col_dup(s, 3);
    done(s);
    s = NULL;
    if (load_refs(sc, tx, id, err) < 0)
        goto out;
    *out = sc;
    sc = NULL;
    rc = 0;
out:
    done(s);
    sr_store_schema_free(sc);
    return rc;
}

int sr_store_schema_find(int *id_out, sr_tx *tx, const uint8_t hash[16], sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SCHEMA_FIND, err);
    int rc = -1, step;
    if (!s)
        return -1;
    sqlite3_bind_blob(s, 1, hash, 16, SQLITE_TRANSIENT);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *id_out = sqlite3_column_int(s, 0);
        rc = 0;
    } else if (step == SQLITE_DONE) {
        rc = 1;
    } else {
        db_error(err, tx->c->db);
    }
    done(s);
    return rc;
}

int sr_store_max_id(int *out, sr_tx *tx, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_MAX_ID, err);
    int rc = -1, step;
    if (!s)
        return -1;
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = 0;
    } else if (step == SQLITE_DONE) {
        sr_err_set(err, 50001, "Error in the backend data store: id counter is missing");
    } else {
        db_error(err, tx->c->db);
    }
    done(s);
    return rc;
}

int sr_store_schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *sc, sr_err *err)
{
    sqlite3_stmt *s = NULL;
    int id = sc->id, rc = -1;
    if (id <= 0) {
        if (sr_store_max_id(&id, tx, err) < 0)
            return -1;
        id++;
    }
    if (!(s = stmt(tx, Q_SCHEMA_INSERT, err)))
        goto out;
    sqlite3_bind_int(s, 1, id);
    bind_text(s, 2, sc->type);
    bind_text(s, 3, sc->text);
    sqlite3_bind_blob(s, 4, sc->hash, 16, SQLITE_TRANSIENT);
    bind_text(s, 5, sc->metadata);
    if (step_done(tx, s, err) < 0)
        goto out;
    done(s);
    for (size_t i = 0; i < sc->nrefs; i++) {
        if (!(s = stmt(tx, Q_REF_INSERT, err)))
            goto out;
        sqlite3_bind_int(s, 1, id);
        sqlite3_bind_int(s, 2, (int)i);
        bind_text(s, 3, sc->refs[i].name);
        bind_text(s, 4, sc->refs[i].subject);
        sqlite3_bind_int(s, 5, sc->refs[i].version);
        if (step_done(tx, s, err) < 0)
            goto out;
        done(s);
    }
    if (!(s = stmt(tx, Q_MAX_ID_RAISE, err)))
        goto out;
    sqlite3_bind_int(s, 1, id);
    if (step_done(tx, s, err) < 0)
        goto out;
    *id_out = id;
    rc = 0;
out:
    done(s);
    return rc;
}

/* ---- subject versions ---- */

void sr_store_versions_free(sr_store_version *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].subject);
    free(v);
}

int sr_store_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                      sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_VERSIONS, err);
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, subject);
    rc = collect_versions(out, n, tx, s, err);
    done(s);
    return rc;
}

int sr_store_all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                          sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_ALL_VERSIONS, err);
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, prefix ? prefix : "");
    rc = collect_versions(out, n, tx, s, err);
    done(s);
    return rc;
}

int sr_store_versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, int id, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_VERSIONS_OF_ID, err);
    int rc;
    if (!s)
        return -1;
    sqlite3_bind_int(s, 1, id);
    rc = collect_versions(out, n, tx, s, err);
    done(s);
    return rc;
}

int sr_store_version_put(sr_tx *tx, const char *subject, int version, int id, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_VERSION_PUT, err);
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, subject);
    sqlite3_bind_int(s, 2, version);
    sqlite3_bind_int(s, 3, id);
    sqlite3_bind_int64(s, 4, now_ms());
    rc = step_done(tx, s, err);
    done(s);
    return rc;
}

int sr_store_version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_VERSION_SOFT_DELETE, err);
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, subject);
    sqlite3_bind_int(s, 2, version);
    rc = step_done(tx, s, err);
    done(s);
    if (rc == 0 && sqlite3_changes(tx->c->db) == 0)
        rc = 1;
    return rc;
}

/* A statement returning one integer: 0 with *out, 1 when no row. */
static int one_int(int *out, sr_tx *tx, sqlite3_stmt *s, sr_err *err)
{
    int step = sqlite3_step(s), rc = -1;
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = 0;
    } else if (step == SQLITE_DONE) {
        rc = 1;
    } else {
        db_error(err, tx->c->db);
    }
    done(s);
    return rc;
}

int sr_store_version_remove(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    sqlite3_stmt *s;
    int id, holders, rc;
    if (!(s = stmt(tx, Q_VERSION_SCHEMA, err)))
        return -1;
    bind_text(s, 1, subject);
    sqlite3_bind_int(s, 2, version);
    if ((rc = one_int(&id, tx, s, err)) != 0)
        return rc;

    if (!(s = stmt(tx, Q_VERSION_DELETE, err)))
        return -1;
    bind_text(s, 1, subject);
    sqlite3_bind_int(s, 2, version);
    rc = step_done(tx, s, err);
    done(s);
    if (rc < 0)
        return -1;

    if (!(s = stmt(tx, Q_SCHEMA_HOLDERS, err)))
        return -1;
    sqlite3_bind_int(s, 1, id);
    if (one_int(&holders, tx, s, err) != 0)
        return -1;
    if (holders > 0)
        return 0;
    /* Last holder gone: drop the schema. The id stays spent because meta.max_id keeps it. */
    if (!(s = stmt(tx, Q_REFS_DELETE, err)))
        return -1;
    sqlite3_bind_int(s, 1, id);
    rc = step_done(tx, s, err);
    done(s);
    if (rc < 0 || !(s = stmt(tx, Q_SCHEMA_DELETE, err)))
        return -1;
    sqlite3_bind_int(s, 1, id);
    rc = step_done(tx, s, err);
    done(s);
    return rc;
}

void sr_store_subjects_free(sr_store_subject *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i].name);
    free(s);
}

int sr_store_subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                      sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SUBJECTS, err);
    sr_store_subject *v = NULL;
    size_t len = 0, cap = 0;
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, prefix ? prefix : "");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            v = sr_xrealloc(v, cap * sizeof *v);
        }
        v[len].name = col_dup(s, 0);
        if (!v[len].name)
            v[len].name = sr_xstrdup("");
        v[len].all_deleted = sqlite3_column_int(s, 1) != 0;
        len++;
    }
    if (rc != SQLITE_DONE) {
        db_error(err, tx->c->db);
        done(s);
        sr_store_subjects_free(v, len);
        return -1;
    }
    done(s);
    *out = v;
    *n = len;
    return 0;
}

/* ---- references ---- */

int sr_store_referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                       int version, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_REFERRERS, err);
    int rc;
    if (!s)
        return -1;
    bind_text(s, 1, subject);
    sqlite3_bind_int(s, 2, version);
    rc = collect_versions(out, n, tx, s, err);
    done(s);
    return rc;
}

/* ---- settings ---- */

static const char *kind_name(sr_setting_kind kind)
{
    return kind == SR_SETTING_MODE ? "mode" : "config";
}

/* Bind (kind, is_global, scope) as ?1..?3; NULL scope is the global one. */
static void bind_scope(sqlite3_stmt *s, sr_setting_kind kind, const char *scope)
{
    sqlite3_bind_text(s, 1, kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, scope == NULL);
    sqlite3_bind_text(s, 3, scope ? scope : "", -1, SQLITE_TRANSIENT);
}

int sr_store_setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                         sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SETTING_GET, err);
    int rc = -1, step;
    if (!s)
        return -1;
    bind_scope(s, kind, scope);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *value_out = col_dup(s, 0);
        if (!*value_out)
            *value_out = sr_xstrdup("");
        rc = 0;
    } else if (step == SQLITE_DONE) {
        rc = 1;
    } else {
        db_error(err, tx->c->db);
    }
    done(s);
    return rc;
}

int sr_store_setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                         sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SETTING_PUT, err);
    int rc;
    if (!s)
        return -1;
    bind_scope(s, kind, scope);
    bind_text(s, 4, value);
    rc = step_done(tx, s, err);
    done(s);
    return rc;
}

int sr_store_setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SETTING_DELETE, err);
    int rc;
    if (!s)
        return -1;
    bind_scope(s, kind, scope);
    rc = step_done(tx, s, err);
    done(s);
    if (rc == 0 && sqlite3_changes(tx->c->db) == 0)
        rc = 1;
    return rc;
}

int sr_store_setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                            sr_err *err)
{
    sqlite3_stmt *s = stmt(tx, Q_SETTING_SCOPES, err);
    char **v = NULL;
    size_t len = 0, cap = 0;
    int rc;
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, kind_name(kind), -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            v = sr_xrealloc(v, cap * sizeof *v);
        }
        v[len] = col_dup(s, 0);
        if (!v[len])
            v[len] = sr_xstrdup("");
        len++;
    }
    done(s);
    if (rc != SQLITE_DONE) {
        db_error(err, tx->c->db);
        for (size_t i = 0; i < len; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    *out = v;
    *n = len;
    return 0;
}
