/* store_sqlite.c -- the SQLite backend of store.h.
 *
 * One file in WAL mode with synchronous=FULL: a commit that returned is on disk and survives a
 * crash or kill -9. Readers each take a connection from a pool and see one snapshot for the length
 * of their transaction; the single writer connection is guarded by a mutex, so write transactions
 * run one at a time and never wait on SQLITE_BUSY from each other. */
#include "store/store.h"
#include "store/store_sqlite.h"
#include "common/buf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define POOL_MAX 64

struct sr_store {
    char *path;
    sqlite3 *writer;            /* guarded by write_lock */
    pthread_mutex_t write_lock; /* held from write_begin to commit/rollback */
    pthread_mutex_t pool_lock;  /* guards pool[] and npool */
    sqlite3 *pool[POOL_MAX];    /* idle read connections */
    int npool;
};

struct sr_tx {
    sr_store *st;
    sqlite3 *db;
    int is_write;
};

static int db_err(sr_err *err, sqlite3 *db)
{
    return sr_err_set(err, 50001, "Error in the backend data store: %s",
                      db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(sqlite3 *db, const char *sql, sr_err *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_err(err, db);
    return 0;
}

static int connect(sqlite3 **out, const char *path, sr_err *err)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        db_err(err, db);
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 10000);
    if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
             err) < 0) {
        sqlite3_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

static int migrate(sqlite3 *db, sr_err *err)
{
    sqlite3_stmt *st = NULL;
    int have = 0;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return db_err(err, db);
    if (sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    for (int i = have; i < sr_store__nmigrations; i++) {
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", i + 1);
        if (exec(db, "BEGIN IMMEDIATE", err) < 0)
            return -1;
        if (exec(db, sr_store__migrations[i], err) < 0 || exec(db, pragma, err) < 0) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (exec(db, "COMMIT", err) < 0)
            return -1;
    }
    return 0;
}

int sr_store_open(sr_store **out, const char *path, sr_err *err)
{
    sr_store *st = sr_xcalloc(1, sizeof(*st));

    st->path = sr_xstrdup(path);
    pthread_mutex_init(&st->write_lock, NULL);
    pthread_mutex_init(&st->pool_lock, NULL);
    if (connect(&st->writer, path, err) < 0 || migrate(st->writer, err) < 0) {
        sr_store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void sr_store_close(sr_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->npool; i++)
        sqlite3_close(st->pool[i]);
    sqlite3_close(st->writer);
    pthread_mutex_destroy(&st->write_lock);
    pthread_mutex_destroy(&st->pool_lock);
    free(st->path);
    free(st);
}

int sr_store_read_begin(sr_tx **out, sr_store *st, sr_err *err)
{
    sqlite3 *db = NULL;
    sr_tx *tx;

    pthread_mutex_lock(&st->pool_lock);
    if (st->npool > 0)
        db = st->pool[--st->npool];
    pthread_mutex_unlock(&st->pool_lock);
    if (!db && connect(&db, st->path, err) < 0)
        return -1;
    if (exec(db, "BEGIN", err) < 0) {
        sqlite3_close(db);
        return -1;
    }
    tx = sr_xcalloc(1, sizeof(*tx));
    tx->st = st;
    tx->db = db;
    *out = tx;
    return 0;
}

int sr_store_write_begin(sr_tx **out, sr_store *st, sr_err *err)
{
    sr_tx *tx;

    pthread_mutex_lock(&st->write_lock);
    if (exec(st->writer, "BEGIN IMMEDIATE", err) < 0) {
        pthread_mutex_unlock(&st->write_lock);
        return -1;
    }
    tx = sr_xcalloc(1, sizeof(*tx));
    tx->st = st;
    tx->db = st->writer;
    tx->is_write = 1;
    *out = tx;
    return 0;
}

/* Give the connection back (reads) or release the writer. */
static void tx_end(sr_tx *tx)
{
    sr_store *st = tx->st;

    if (tx->is_write) {
        pthread_mutex_unlock(&st->write_lock);
    } else {
        pthread_mutex_lock(&st->pool_lock);
        if (st->npool < POOL_MAX) {
            st->pool[st->npool++] = tx->db;
            tx->db = NULL;
        }
        pthread_mutex_unlock(&st->pool_lock);
        sqlite3_close(tx->db); /* pool full: NULL when pooled */
    }
    free(tx);
}

int sr_store_commit(sr_tx *tx, sr_err *err)
{
    int rc = exec(tx->db, "COMMIT", err);

    if (rc < 0)
        sqlite3_exec(tx->db, "ROLLBACK", NULL, NULL, NULL);
    tx_end(tx);
    return rc;
}

void sr_store_rollback(sr_tx *tx)
{
    if (!tx)
        return;
    sqlite3_exec(tx->db, "ROLLBACK", NULL, NULL, NULL);
    tx_end(tx);
}

/* ---- statement helpers ---- */

/* Prepare `sql` and bind the arguments described by `fmt`: 's' text, 'i' int, 'b' 16-byte blob.
 * A NULL text binds SQL NULL. */
static sqlite3_stmt *prep(sr_tx *tx, sr_err *err, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;

    if (sqlite3_prepare_v2(tx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_err(err, tx->db);
        return NULL;
    }
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 's') {
            const char *s = va_arg(ap, const char *);
            if (s)
                sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
        } else if (fmt[i] == 'i') {
            sqlite3_bind_int(st, i + 1, va_arg(ap, int));
        } else if (fmt[i] == 'b') {
            sqlite3_bind_blob(st, i + 1, va_arg(ap, const void *), 16, SQLITE_TRANSIENT);
        }
    }
    va_end(ap);
    return st;
}

/* Run a statement that returns no rows. */
static int run(sr_tx *tx, sqlite3_stmt *st, sr_err *err)
{
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_err(err, tx->db);
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? sr_xstrdup((const char *)s) : NULL;
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

int sr_store_schema_get(sr_store_schema **out, sr_tx *tx, int id, sr_err *err)
{
    sqlite3_stmt *st = prep(tx, err, "SELECT type, text, hash, metadata FROM schemas WHERE id=?",
                            "i", id);
    sr_store_schema *s;
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? 1 : db_err(err, tx->db);
    }
    s = sr_xcalloc(1, sizeof(*s));
    s->id = id;
    s->type = col_text(st, 0);
    s->text = col_text(st, 1);
    if (sqlite3_column_bytes(st, 2) == 16)
        memcpy(s->hash, sqlite3_column_blob(st, 2), 16);
    s->metadata = col_text(st, 3);
    sqlite3_finalize(st);

    st = prep(tx, err, "SELECT name, subject, version FROM schema_refs WHERE schema_id=? "
              "ORDER BY ordinal", "i", id);
    if (!st) {
        sr_store_schema_free(s);
        return -1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        s->refs = sr_xrealloc(s->refs, (s->nrefs + 1) * sizeof(*s->refs));
        s->refs[s->nrefs].name = col_text(st, 0);
        s->refs[s->nrefs].subject = col_text(st, 1);
        s->refs[s->nrefs].version = sqlite3_column_int(st, 2);
        s->nrefs++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        sr_store_schema_free(s);
        return db_err(err, tx->db);
    }
    *out = s;
    return 0;
}

/* Run a query whose first column of its first row is an int. 1 when there is no row. */
static int query_int(int *out, sr_tx *tx, sqlite3_stmt *st, sr_err *err)
{
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : db_err(err, tx->db);
}

int sr_store_schema_find(int *id_out, sr_tx *tx, const uint8_t hash[16], sr_err *err)
{
    return query_int(id_out, tx, prep(tx, err, "SELECT id FROM schemas WHERE hash=?", "b", hash),
                     err);
}

int sr_store_max_id(int *out, sr_tx *tx, sr_err *err)
{
    return query_int(out, tx, prep(tx, err, "SELECT value FROM meta WHERE key='max_id'", ""),
                     err) < 0 ? -1 : 0;
}

int sr_store_schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err)
{
    int id = s->id, max = 0;

    if (sr_store_max_id(&max, tx, err) < 0)
        return -1;
    if (id <= 0)
        id = max + 1;
    if (run(tx, prep(tx, err, "INSERT INTO schemas(id, type, text, hash, metadata) "
                     "VALUES (?,?,?,?,?)", "issbs", id, s->type, s->text, s->hash, s->metadata),
            err) < 0)
        return -1;
    for (size_t i = 0; i < s->nrefs; i++) {
        if (run(tx, prep(tx, err, "INSERT INTO schema_refs(schema_id, ordinal, name, subject, "
                         "version) VALUES (?,?,?,?,?)", "iissi", id, (int)i, s->refs[i].name,
                         s->refs[i].subject, s->refs[i].version), err) < 0)
            return -1;
    }
    if (id > max && run(tx, prep(tx, err, "UPDATE meta SET value=? WHERE key='max_id'", "i", id),
                        err) < 0)
        return -1;
    *id_out = id;
    return 0;
}

/* ---- versions ---- */

void sr_store_versions_free(sr_store_version *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].subject);
    free(v);
}

/* Collect rows of (subject, version, schema_id, deleted, ts). */
static int collect_versions(sr_store_version **out, size_t *n, sr_tx *tx, sqlite3_stmt *st,
                            sr_err *err)
{
    sr_store_version *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 8;
            v = sr_xrealloc(v, cap * sizeof(*v));
        }
        v[cnt].subject = col_text(st, 0);
        v[cnt].version = sqlite3_column_int(st, 1);
        v[cnt].id = sqlite3_column_int(st, 2);
        v[cnt].deleted = sqlite3_column_int(st, 3);
        v[cnt].ts = sqlite3_column_int64(st, 4);
        cnt++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        sr_store_versions_free(v, cnt);
        return db_err(err, tx->db);
    }
    *out = v;
    *n = cnt;
    return 0;
}

#define VERSION_COLS "SELECT subject, version, schema_id, deleted, ts FROM subject_versions "

int sr_store_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                      sr_err *err)
{
    return collect_versions(out, n, tx, prep(tx, err, VERSION_COLS "WHERE subject=? "
                                             "ORDER BY version", "s", subject), err);
}

int sr_store_all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                          sr_err *err)
{
    /* substr() rather than LIKE: subjects may contain % and _. */
    return collect_versions(out, n, tx, prep(tx, err, VERSION_COLS
                                             "WHERE substr(subject, 1, length(?1)) = ?1 "
                                             "ORDER BY subject, version", "s", prefix), err);
}

int sr_store_versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, int id, sr_err *err)
{
    return collect_versions(out, n, tx, prep(tx, err, VERSION_COLS "WHERE schema_id=? "
                                             "ORDER BY subject, version", "i", id), err);
}

static long long now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int sr_store_version_put(sr_tx *tx, const char *subject, int version, int id, sr_err *err)
{
    sqlite3_stmt *st = prep(tx, err, "INSERT OR REPLACE INTO subject_versions(subject, version, "
                            "schema_id, deleted, ts) VALUES (?,?,?,0,?)", "sii", subject,
                            version, id);
    if (st)
        sqlite3_bind_int64(st, 4, now_ms());
    return run(tx, st, err);
}

int sr_store_version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    if (run(tx, prep(tx, err, "UPDATE subject_versions SET deleted=1 WHERE subject=? AND "
                     "version=?", "si", subject, version), err) < 0)
        return -1;
    return sqlite3_changes(tx->db) ? 0 : 1;
}

int sr_store_version_remove(sr_tx *tx, const char *subject, int version, sr_err *err)
{
    int id = 0, rc;

    rc = query_int(&id, tx, prep(tx, err, "SELECT schema_id FROM subject_versions WHERE "
                                 "subject=? AND version=?", "si", subject, version), err);
    if (rc != 0)
        return rc;
    if (run(tx, prep(tx, err, "DELETE FROM subject_versions WHERE subject=? AND version=?", "si",
                     subject, version), err) < 0)
        return -1;
    /* The schema goes with its last holder; meta.max_id keeps its id from being handed out. */
    return run(tx, prep(tx, err, "DELETE FROM schemas WHERE id=?1 AND NOT EXISTS "
                        "(SELECT 1 FROM subject_versions WHERE schema_id=?1)", "i", id), err);
}

void sr_store_subjects_free(sr_store_subject *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].name);
    free(s);
}

int sr_store_subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                      sr_err *err)
{
    sqlite3_stmt *st = prep(tx, err, "SELECT subject, min(deleted) FROM subject_versions "
                            "WHERE substr(subject, 1, length(?1)) = ?1 GROUP BY subject "
                            "ORDER BY subject", "s", prefix ? prefix : "");
    sr_store_subject *v = NULL;
    size_t cnt = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = sr_xrealloc(v, (cnt + 1) * sizeof(*v));
        v[cnt].name = col_text(st, 0);
        v[cnt].all_deleted = sqlite3_column_int(st, 1);
        cnt++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        sr_store_subjects_free(v, cnt);
        return db_err(err, tx->db);
    }
    *out = v;
    *n = cnt;
    return 0;
}

int sr_store_referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                       int version, sr_err *err)
{
    return collect_versions(out, n, tx,
                            prep(tx, err, "SELECT v.subject, v.version, v.schema_id, v.deleted, "
                                 "v.ts FROM schema_refs r JOIN subject_versions v ON "
                                 "v.schema_id = r.schema_id WHERE r.subject=? AND r.version=? "
                                 "ORDER BY v.schema_id, v.subject, v.version", "si", subject,
                                 version), err);
}

/* ---- settings ---- */

int sr_store_setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                         sr_err *err)
{
    sqlite3_stmt *st = prep(tx, err, "SELECT value FROM settings WHERE kind=? AND is_global=? "
                            "AND scope=?", "iis", (int)kind, scope == NULL, scope ? scope : "");
    int rc;

    if (!st)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value_out = col_text(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : db_err(err, tx->db);
}

int sr_store_setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                         sr_err *err)
{
    return run(tx, prep(tx, err, "INSERT OR REPLACE INTO settings(kind, is_global, scope, value) "
                        "VALUES (?,?,?,?)", "iiss", (int)kind, scope == NULL,
                        scope ? scope : "", value), err);
}

int sr_store_setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    if (run(tx, prep(tx, err, "DELETE FROM settings WHERE kind=? AND is_global=? AND scope=?",
                     "iis", (int)kind, scope == NULL, scope ? scope : ""), err) < 0)
        return -1;
    return sqlite3_changes(tx->db) ? 0 : 1;
}

int sr_store_setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind, sr_err *err)
{
    sqlite3_stmt *st = prep(tx, err, "SELECT scope FROM settings WHERE kind=? AND is_global=0 "
                            "ORDER BY scope", "i", (int)kind);
    char **v = NULL;
    size_t cnt = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = sr_xrealloc(v, (cnt + 1) * sizeof(*v));
        v[cnt++] = col_text(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < cnt; i++)
            free(v[i]);
        free(v);
        return db_err(err, tx->db);
    }
    *out = v;
    *n = cnt;
    return 0;
}
