/* pg.h -- what the files of the PostgreSQL backend share. Internal to store/postgres/.
 *
 * Any number of sluiced processes share one database. The database keeps them correct: ids come
 * from a per-context counter row that an UPDATE increments (one id per insert, never twice),
 * primary keys make (subject, version) and (context, id) unique, and every write transaction
 * first takes advisory locks that serialize it against the writes it could disturb (conn.c says
 * which). Failures are told apart by SQLSTATE, never by message text (run.c).
 *
 * Each process keeps a bounded pool of connections, each with its own prepared statements, and
 * one more connection that LISTENs for what other processes announce (listen.c). A connection
 * that breaks is dropped and replaced on the next use, so the process comes back by itself when
 * the database does. */
#ifndef SR_STORE_PG_H
#define SR_STORE_PG_H

#include <libpq-fe.h>
#include <pthread.h>

#include "store/backend.h"

/* Every query, by index (queries.c). */
enum {
    PQ_SCHEMA_GET,
    PQ_SCHEMA_IDS,
    PQ_CONTEXTS,
    PQ_CONTEXT_DELETE,
    PQ_SCHEMA_REFS,
    PQ_SCHEMA_FIND,
    PQ_SCHEMA_INSERT,
    PQ_REF_INSERT,
    PQ_MAX_ID,
    PQ_ID_NEXT,
    PQ_ID_RAISE,
    PQ_VERSIONS,
    PQ_VERSION_GET,
    PQ_VERSIONS_HOLDING,
    PQ_SUBJECT_HEAD,
    PQ_ALL_VERSIONS,
    PQ_VERSIONS_AFTER,
    PQ_VERSIONS_OF_ID,
    PQ_VERSION_PUT,
    PQ_VERSION_SOFT_DELETE,
    PQ_VERSION_DELETE,
    PQ_SCHEMA_HELD,
    PQ_REFS_DELETE,
    PQ_SCHEMA_DELETE,
    PQ_SUBJECTS,
    PQ_SUBJECTS_AFTER,
    PQ_REFERRERS,
    PQ_SETTINGS_OF_SCOPE,
    PQ_SETTING_PUT,
    PQ_SETTING_DELETE,
    PQ_SETTING_SCOPES,
    PQ_NOTIFY,
    PQ_COUNT_SUBJECTS,
    PQ_COUNT_SCHEMAS,
    PQ_COUNT
};

typedef struct pg_query {
    const char *sql;
    int adds; /* inserts a new row: a parameter the database cannot hold is an error, not "none" */
} pg_query;

extern const pg_query sr_pg__queries[PQ_COUNT];

/* The channel every process LISTENs on and writes NOTIFY to. */
#define SR_PG_CHANNEL "sluice_changes"

typedef struct pg_conn {
    PGconn *pg;
    unsigned char prepared[PQ_COUNT]; /* statement i prepared on this connection */
    struct pg_conn *next;             /* idle list link */
} pg_conn;

typedef struct pg_listener pg_listener; /* listen.c */

typedef struct pg_store {
    sr_store base;
    char *conninfo;          /* as configured ("" = the environment's) */
    int pool_max;            /* connections at most */
    int timeout_ms;          /* statements, locks, waiting for a connection */
    pthread_mutex_t lock;    /* guards idle and open */
    pthread_cond_t freed;    /* a connection went back to the pool */
    pg_conn *idle;           /* connections not in use */
    int open;                /* connections in existence, idle or not */
    pg_listener *listener;   /* NULL until sr_store_watch */
} pg_store;

/* A scope's config and mode, read once per transaction: resolving a subject's scope asks for
 * the same few rows several times (settings.c). */
typedef struct pg_scope_memo {
    int global;
    char *scope;      /* owned; "" for global */
    char *values[2];  /* by sr_setting_kind; owned, NULL when none */
} pg_scope_memo;

#define PG_SCOPE_MEMOS 4

typedef struct pg_tx {
    sr_tx base;
    pg_store *st;
    pg_conn *c;
    int write;
    pg_scope_memo memo[PG_SCOPE_MEMOS];
    int nmemo;
} pg_tx;

static inline pg_tx *pg_of(sr_tx *tx)
{
    return (pg_tx *)tx;
}

/* ---- conn.c ---- */

/* A new connection to the store's database, set up for sluice (connect timeout, TCP keepalives,
 * statement timeout, encoding), or NULL with err (50003). `no_timeout` leaves its statements
 * without a timeout (the listener, which waits, and migrations, which may take long). */
PGconn *sr_pg__connect(const pg_store *st, int no_timeout, sr_err *err);

/* ---- run.c: statements and their results ---- */

/* Error from a failed result (or from the connection when `res` is NULL), classified by SQLSTATE
 * (store.h's codes). Returns -1. */
int sr_pg__fail(sr_err *err, PGconn *pg, const PGresult *res);

/* Run `sql` (one or more statements, no parameters) on `pg` for its effect, outside any
 * transaction's bookkeeping (connection setup, LISTEN, migrations): 0, or -1 with err. */
int sr_pg__exec_sql(PGconn *pg, const char *sql, sr_err *err);
/* Run query `q` on the transaction's connection with parameters from `types` (one letter each:
 * 't' text (const char *, NULL = SQL NULL), 'i' int, 'l' long long, 'h' a 16-byte hash, 'b' int
 * as boolean). 0 with *out (PQclear it), 1 when a text parameter cannot be stored in the database
 * (not UTF-8): no row can match it, so nothing happened (*out NULL), -1 with err. */
int sr_pg__run(PGresult **out, pg_tx *tx, int q, sr_err *err, const char *types, ...);
/* Run a statement for its effect: rows affected (0 for "nothing": see sr_pg__run), or -1. */
int sr_pg__exec(pg_tx *tx, int q, sr_err *err, const char *types, ...);
/* One integer from row 0, column 0 of a query: 0 with *out, 1 when no row (or NULL), -1. */
int sr_pg__int(int *out, pg_tx *tx, int q, sr_err *err, const char *types, ...);

/* Column values. Owned copies; NULL for SQL NULL unless `never_null` ("" then). */
char *sr_pg__text(const PGresult *r, int row, int col, int never_null);
int sr_pg__get_int(const PGresult *r, int row, int col);
long long sr_pg__get_ll(const PGresult *r, int row, int col);
int sr_pg__get_bool(const PGresult *r, int row, int col);
/* A bytea column (hex output) into 16 bytes; zeros when it is not 16 bytes. */
void sr_pg__get_hash(uint8_t out[16], const PGresult *r, int row, int col);
/* Row i of VERSION_COLS (queries.c). */
void sr_pg__version_row(sr_store_version *v, const PGresult *r, int row);

/* ---- migrations.c ---- */

/* Bring the database to the latest version, once even when several processes start together
 * (under a session advisory lock). Refuses a database newer than this program. */
int sr_pg__migrate(PGconn *pg, sr_err *err);

/* ---- listen.c ---- */

int sr_pg__publish(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err);
int sr_pg__watch(sr_store *st, sr_store_watch_fn fn, void *arg, sr_err *err);
void sr_pg__unwatch(pg_store *st); /* stops the listener, if any; waits for its thread */

/* ---- the contract (store.h), by file ---- */

/* schemas.c */
int sr_pg__schema_get(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                      sr_err *err);
int sr_pg__schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                       sr_err *err);
int sr_pg__schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                      sr_err *err);
int sr_pg__schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err);
int sr_pg__max_id(int *out, sr_tx *tx, const char *context, sr_err *err);
int sr_pg__contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err);
int sr_pg__context_delete(sr_tx *tx, const char *context, sr_err *err);
int sr_pg__counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err);
/* versions.c */
int sr_pg__versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                    sr_err *err);
int sr_pg__version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                       sr_err *err);
int sr_pg__subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                            sr_err *err);
int sr_pg__versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                            int id, sr_err *err);
int sr_pg__all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                        sr_err *err);
int sr_pg__versions_after(sr_store_version **out, size_t *n, sr_tx *tx, const char *after_subject,
                          int after_version, size_t max, sr_err *err);
int sr_pg__versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                          int id, sr_err *err);
int sr_pg__version_put(sr_tx *tx, const char *subject, int version, const char *context, int id,
                       long long ts, sr_err *err);
int sr_pg__version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err);
int sr_pg__version_remove(sr_tx *tx, const char *subject, int version, sr_err *err);
int sr_pg__subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                    sr_err *err);
int sr_pg__subjects_after(sr_store_subject **out, size_t *n, sr_tx *tx, const char *after_subject,
                          int after_version, size_t max, sr_err *err);
int sr_pg__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                     int version, const char *context, const char *local, sr_err *err);
/* settings.c */
void sr_pg__memo_clear(pg_tx *tx);
int sr_pg__setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                       sr_err *err);
int sr_pg__setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                       sr_err *err);
int sr_pg__setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err);
int sr_pg__setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                          sr_err *err);

#endif
