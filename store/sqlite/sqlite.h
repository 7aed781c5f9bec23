/* sqlite.h -- what the files of the SQLite backend share. Internal to store/sqlite/.
 *
 * One writer connection behind a mutex (SQLite allows one writer anyway; holding our own lock
 * means writers queue here instead of spinning on SQLITE_BUSY) and a pool of reader connections,
 * one per concurrently reading thread, so that readers never wait for the writer: in WAL mode a
 * reader's snapshot is fixed by its first read after BEGIN. Each connection caches its prepared
 * statements, since the same few queries run on every request.
 *
 * Group commit: writers take turns on the writer connection, and each turn is a SAVEPOINT inside
 * one SQLite transaction that a group of writers shares. The group is committed (one fsync) by
 * the writer whose turn ends with nobody queued behind it, or when it is full; every writer of
 * the group waits for that COMMIT before its own sr_store_commit returns. The writers that queue
 * while a COMMIT syncs form the next group. */
#ifndef SR_STORE_SQLITE_H
#define SR_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <sys/types.h>

#include "store/backend.h"

/* Every query, by index into the per-connection statement cache (queries.c). */
enum {
    Q_SCHEMA_GET,
    Q_SCHEMA_IDS,
    Q_CONTEXT_ENSURE,
    Q_CONTEXTS,
    Q_CONTEXT_DELETE,
    Q_SCHEMA_REFS,
    Q_SCHEMA_FIND,
    Q_SCHEMA_INSERT,
    Q_REF_INSERT,
    Q_MAX_ID,
    Q_MAX_ID_RAISE,
    Q_VERSIONS,
    Q_VERSION_GET,
    Q_VERSIONS_HOLDING,
    Q_SUBJECT_HEAD,
    Q_ALL_VERSIONS,
    Q_VERSIONS_PAGE,
    Q_VERSIONS_OF_ID,
    Q_VERSION_PUT,
    Q_VERSION_SOFT_DELETE,
    Q_VERSION_SCHEMA,
    Q_VERSION_DELETE,
    Q_SCHEMA_HELD,
    Q_REFS_DELETE,
    Q_SCHEMA_DELETE,
    Q_SUBJECTS,
    Q_SUBJECTS_PAGE,
    Q_REFERRERS,
    Q_SETTING_GET,
    Q_SETTING_PUT,
    Q_SETTING_DELETE,
    Q_SETTING_SCOPES,
    Q_COUNT_SUBJECTS,
    Q_COUNT_SCHEMAS,
    Q_COUNT
};

extern const char *const sr_sqlite__sql[Q_COUNT];

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[Q_COUNT]; /* prepared on first use, finalized at close */
    struct conn *next;            /* idle list link (readers only) */
} conn;

/* Writers whose turns share one SQLite transaction and its COMMIT. */
typedef struct group {
    int members;   /* turns released into the transaction (guarded by write_lock) */
    int refs;      /* the store's while open, and each writer waiting on it (group_lock) */
    int settled;   /* the transaction has ended (group_lock) */
    char *failure; /* why it did not commit, as SQLite said it; NULL when it did (owned) */
} group;

typedef struct sqlite_store {
    sr_store base;
    char *path;
    pthread_mutex_t write_lock; /* held for one writer's turn: write_begin to commit/rollback */
    conn *writer;
    atomic_int queued;          /* writers waiting for write_lock (joiners of the open group) */
    group *open;                /* the group whose transaction is open; guarded by write_lock */
    pthread_mutex_t group_lock; /* guards groups' refs, settled and failure */
    pthread_cond_t settled;     /* broadcast when a group settles */
    pthread_mutex_t pool_lock;  /* guards idle */
    conn *idle;                 /* reader connections not in use */
    dev_t dev;                  /* the file opened, for the readiness probe (ops.c) */
    ino_t ino;
} sqlite_store;

typedef struct sqlite_tx {
    sr_tx base;
    sqlite_store *st;
    conn *c;
    int write;
    group *g;                   /* a write's group */
} sqlite_tx;

/* The backend's transaction behind the contract's handle (backend.h). */
static inline sqlite_tx *sq_tx(sr_tx *tx)
{
    return (sqlite_tx *)tx;
}

/* ---- the contract (store.h), by file ---- */

/* schemas.c */
int sr_sqlite__schema_get(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                          sr_err *err);
int sr_sqlite__schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                           sr_err *err);
int sr_sqlite__schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                          sr_err *err);
int sr_sqlite__schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err);
int sr_sqlite__max_id(int *out, sr_tx *tx, const char *context, sr_err *err);
int sr_sqlite__contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err);
int sr_sqlite__context_delete(sr_tx *tx, const char *context, sr_err *err);
/* versions.c */
int sr_sqlite__versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                        sr_err *err);
int sr_sqlite__version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                           sr_err *err);
int sr_sqlite__subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                                sr_err *err);
int sr_sqlite__versions_holding(sr_store_version **out, size_t *n, sr_tx *tx,
                                const char *subject, int id, sr_err *err);
int sr_sqlite__all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                            sr_err *err);
int sr_sqlite__versions_after(sr_store_version **out, size_t *n, sr_tx *tx,
                              const char *after_subject, int after_version, size_t max,
                              sr_err *err);
int sr_sqlite__versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                              int id, sr_err *err);
int sr_sqlite__version_put(sr_tx *tx, const char *subject, int version, const char *context,
                           int id, long long ts, sr_err *err);
int sr_sqlite__version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err);
int sr_sqlite__version_remove(sr_tx *tx, const char *subject, int version, sr_err *err);
int sr_sqlite__subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                        sr_err *err);
int sr_sqlite__subjects_after(sr_store_subject **out, size_t *n, sr_tx *tx,
                              const char *after_subject, int after_version, size_t max,
                              sr_err *err);
int sr_sqlite__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                         int version, const char *context, const char *local, sr_err *err);
/* settings.c */
int sr_sqlite__setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                           sr_err *err);
int sr_sqlite__setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                           sr_err *err);
int sr_sqlite__setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err);
int sr_sqlite__setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                              sr_err *err);

/* ---- ops.c ---- */

/* Refuse a path that would not keep data: "" (SQLite's temporary database) and ":memory:".
 * 0, or -1 with err. */
int sr_sqlite__check_path(const char *path, sr_err *err);
/* Remember which file the store opened (for the readiness probe). 0, or -1 with err. */
int sr_sqlite__note_file(sqlite_store *st, sr_err *err);
/* For the readiness probe (conn.c): 0 when the path still names the file opened, else -1 with
 * err (it was removed or replaced). */
int sr_sqlite__same_file(const sqlite_store *st, sr_err *err);
/* Refuse a database that is not sluice's (another application's tables, or an application id
 * that is not ours), changing nothing in it: run before anything is written. 0, or -1 with err. */
int sr_sqlite__recognise(sqlite3 *db, sr_err *err);
/* Mark the database as sluice's (its application id), inside the migration's transaction. */
int sr_sqlite__claim(sqlite3 *db, sr_err *err);
int sr_sqlite__counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err);

/* ---- rows.c: running statements ---- */


/* The error of SQLite's last call on `db` (NULL: out of memory), as the contract names it:
 * SR_STORE_CONFLICT for a unique or primary key violation, 50002 when the database stayed busy
 * past the busy timeout, else 50001; with SQLite's message. Returns -1. */
int sr_sqlite__db_error(sr_err *err, sqlite3 *db);
/* The same for the transaction's connection. */
int sr_sqlite__error(sr_err *err, sr_tx *tx);

/* One integer from the first row of `sql`, run on `db` outside the statement cache (a pragma,
 * a check at open): 0 with *out, or -1 with err. */
int sr_sqlite__int_pragma(int *out, sqlite3 *db, const char *sql, sr_err *err);

/* The cached statement `q`, with `types` bound from the arguments: one letter per parameter,
 * 't' text (const char *, NULL binds NULL), 'i' int, 'l' long long, 'h' a 16-byte hash
 * (const uint8_t *). NULL with err set when preparing or binding fails. Hand it to
 * sr_sqlite__done after use. */
sqlite3_stmt *sr_sqlite__query(sr_tx *tx, int q, sr_err *err, const char *types, ...);
/* Reset a statement after use, so that it holds no read cursor and no bindings. NULL ok. */
void sr_sqlite__done(sqlite3_stmt *s);

/* Run a statement that returns no rows: 0, or -1. Releases it. */
int sr_sqlite__exec(sr_tx *tx, sqlite3_stmt *s, sr_err *err);
/* Step a statement that returns at most one row and hand the row to `take(s, out)`: 0 (a row),
 * 1 (none), -1 with err. Releases it. */
int sr_sqlite__one_row(sr_tx *tx, sqlite3_stmt *s, void (*take)(sqlite3_stmt *, void *),
                       void *out, sr_err *err);
/* A statement returning at most one integer: 0 with *out, 1 when no row, -1. Releases it. */
int sr_sqlite__one_int(int *out, sr_tx *tx, sqlite3_stmt *s, sr_err *err);
/* The same for one text column (owned by the caller; "" for NULL). */
int sr_sqlite__one_text(char **out, sr_tx *tx, sqlite3_stmt *s, sr_err *err);

/* Collect every row of `s` into a growing array of `size`-byte elements, each filled by
 * `fill(element, s)`; *out (free with the element type's free) and *n. 0, or -1 with nothing
 * returned (free_row frees the rows filled so far). Releases the statement. */
int sr_sqlite__collect(void **out, size_t *n, size_t size, sr_tx *tx, sqlite3_stmt *s,
                       void (*fill)(void *row, sqlite3_stmt *s), void (*free_rows)(void *, size_t),
                       sr_err *err);

/* Column i as an owned string ("" for NULL when `never_null`, else NULL). */
char *sr_sqlite__text(sqlite3_stmt *s, int i, int never_null);

/* The version row of VERSION_COLS columns (queries.c). */
void sr_sqlite__fill_version(void *row, sqlite3_stmt *s);
void sr_sqlite__free_versions(void *rows, size_t n);

#endif
