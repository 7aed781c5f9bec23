/* conn.c -- store.h on PostgreSQL: connecting (libpq's connection strings and PG* environment
 * variables, with timeouts), the bounded pool, migrations at open, transactions and the locks that
 * make writes from many processes safe, the readiness probe; the backend's table of operations.
 *
 * How writes serialize across processes. Every write transaction runs at READ COMMITTED (each
 * statement sees everything committed before it) and begins by taking transaction-scoped advisory
 * locks, released by its commit or rollback:
 *   - an unclaimed write (deletes, config, mode, contexts) takes the writers' lock exclusively: it
 *     runs alone, exactly as a write does in the SQLite store;
 *   - a claimed write (a registration, store.h) takes the writers' lock shared, its subject's lock
 *     exclusively, its schema's fingerprint lock exclusively and the locks of the subjects it
 *     reads shared, in one order (by key), so that two of them wait for each other only when they
 *     touch the same subject or the same schema, and never deadlock on these locks.
 * Once its locks are held, everything the write reads was committed by the writes it waited for,
 * so the registry's checks (still the subject it planned for? the same id for this schema?) mean
 * what they mean on one node. The database itself keeps ids unique (the context's counter row,
 * locked by the UPDATE that moves it on) and rows unique (primary keys): a collision comes back
 * as SR_STORE_CONFLICT, and the registry does the write again. */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pg_advisory_xact_lock key of the writers' lock: "sluice" and 2. */
#define WRITERS_LOCK 8317151707346042882LL

static const sr_store_ops pg_ops;

/* ---- connections ---- */

/* 1 when the connection string or the environment sets `key` (the user's choice wins). */
static int user_sets(const PQconninfoOption *given, const char *key, const char *env)
{
    if (env && getenv(env) && *getenv(env))
        return 1;
    for (const PQconninfoOption *o = given; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val && *o->val)
            return 1;
    return 0;
}

PGconn *sr_pg__connect(const pg_store *st, int no_timeout, sr_err *err)
{
    static const struct {
        const char *key, *value, *env;
    } defaults[] = {
        {"connect_timeout", "5", "PGCONNECT_TIMEOUT"},
        {"application_name", "sluiced", "PGAPPNAME"},
        /* A connection whose peer vanished without a word is noticed within about 30 s. */
        {"keepalives_idle", "15", NULL},
        {"keepalives_interval", "5", NULL},
        {"keepalives_count", "3", NULL},
    };
    const char *keys[16], *values[16];
    PQconninfoOption *given = *st->conninfo ? PQconninfoParse(st->conninfo, NULL) : NULL;
    char setup[256];
    PGconn *pg;
    int n = 0;

    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (user_sets(given, defaults[i].key, defaults[i].env))
            continue;
        keys[n] = defaults[i].key;
        values[n++] = defaults[i].value;
    }
    PQconninfoFree(given);
    keys[n] = "dbname"; /* expanded: the whole connection string or URI */
    values[n++] = st->conninfo;
    keys[n] = "client_encoding";
    values[n++] = "UTF8";
    keys[n] = NULL;
    values[n] = NULL;
    pg = PQconnectdbParams(keys, values, 1);
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        sr_pg__fail(err, pg, NULL);
        PQfinish(pg);
        return NULL;
    }
    /* Statements (and lock waits) end after the timeout. */
    snprintf(setup, sizeof setup, "SET statement_timeout = %d; SET bytea_output = 'hex'",
             no_timeout ? 0 : st->timeout_ms);
    if (sr_pg__exec_sql(pg, setup, err) < 0) {
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static void conn_free(pg_conn *c)
{
    if (c) {
        PQfinish(c->pg);
        free(c);
    }
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* An idle connection, or a new one while the pool has room; waits at most the timeout for one to
 * come back. *fresh says whether it was just opened. */
static int pool_take(pg_conn **out, int *fresh, pg_store *st, sr_err *err)
{
    struct timespec deadline;
    pg_conn *c;
    PGconn *pg;

    deadline_in(&deadline, st->timeout_ms);
    pthread_mutex_lock(&st->lock);
    while (!st->idle && st->open >= st->pool_max) {
        if (pthread_cond_timedwait(&st->freed, &st->lock, &deadline) == ETIMEDOUT &&
            !st->idle && st->open >= st->pool_max) { /* one freed at the deadline still counts */
            pthread_mutex_unlock(&st->lock);
            return sr_err_set(err, 50002, "Operation timed out: all %d connections to the "
                              "database stayed busy for %d ms", st->pool_max, st->timeout_ms);
        }
    }
    if ((c = st->idle)) {
        st->idle = c->next;
        pthread_mutex_unlock(&st->lock);
        *fresh = 0;
        *out = c;
        return 0;
    }
    st->open++;
    pthread_mutex_unlock(&st->lock);
    if (!(pg = sr_pg__connect(st, 0, err))) {
        pthread_mutex_lock(&st->lock);
        st->open--;
        pthread_cond_signal(&st->freed);
        pthread_mutex_unlock(&st->lock);
        return -1;
    }
    c = sr_xcalloc(1, sizeof *c);
    c->pg = pg;
    *fresh = 1;
    *out = c;
    return 0;
}

/* Back to the pool, or closed when it broke or was left inside a transaction. */
static void pool_give(pg_store *st, pg_conn *c)
{
    int keep = PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE;

    pthread_mutex_lock(&st->lock);
    if (keep) {
        c->next = st->idle;
        st->idle = c;
    } else {
        st->open--;
    }
    pthread_cond_signal(&st->freed);
    pthread_mutex_unlock(&st->lock);
    if (!keep)
        conn_free(c);
}

/* ---- transactions ---- */

/* Run `begin` (BEGIN and any locks) on a pooled connection. A connection that broke while idle
 * (the database restarted) is replaced and the begin tried again: nothing was done on it yet. */
static int begin(sr_tx **out, pg_store *st, const char *sql, int write, sr_err *err)
{
    for (int tries = 0; tries <= st->pool_max; tries++) {
        pg_conn *c = NULL;
        PGresult *r;
        int fresh = 0, broken;

        if (pool_take(&c, &fresh, st, err) < 0)
            return -1;
        r = PQexec(c->pg, sql);
        if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
            pg_tx *tx = sr_xcalloc(1, sizeof *tx);
            PQclear(r);
            tx->base.ops = &pg_ops;
            tx->st = st;
            tx->c = c;
            tx->write = write;
            *out = &tx->base;
            return 0;
        }
        sr_pg__fail(err, c->pg, r);
        PQclear(r);
        broken = PQstatus(c->pg) != CONNECTION_OK;
        if (!broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            PQclear(PQexec(c->pg, "ROLLBACK"));
        pool_give(st, c);
        if (!broken || fresh)
            return -1;
    }
    return -1;
}

static int pg_read_begin(sr_tx **out, sr_store *base, sr_err *err)
{
    return begin(out, (pg_store *)base, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0,
                 err);
}

/* An advisory lock to take: key and whether exclusively. */
typedef struct lock_key {
    long long key;
    int exclusive;
} lock_key;

static long long fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return (long long)h;
}

/* A subject's key, or a fingerprint's in a context (tagged apart). Two names sharing a key only
 * makes their writes wait for each other. */
static long long subject_key(const char *subject)
{
    return fnv(fnv(0xcbf29ce484222325ull, "s", 1), subject, strlen(subject) + 1);
}

static long long fingerprint_key(const char *context, const uint8_t hash[16])
{
    uint64_t h = (uint64_t)fnv(0xcbf29ce484222325ull, "f", 1);

    h = (uint64_t)fnv(h, context, strlen(context) + 1);
    return fnv(h, hash, 16);
}

static int by_key(const void *a, const void *b)
{
    const lock_key *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* How a write begins: READ COMMITTED, and a session that then stays idle inside the transaction
 * (its process stopped while writing) ended by the server, which releases its locks. Reads may
 * take long (a registration plans and parses in one); writes never wait on anything but the
 * database. */
static void write_begin_sql(sr_buf *sql, const pg_store *st)
{
    sr_buf_printf(sql, "BEGIN ISOLATION LEVEL READ COMMITTED; "
                  "SET LOCAL idle_in_transaction_session_timeout = %d",
                  st->timeout_ms * 3 > 30000 ? st->timeout_ms * 3 : 30000);
}

/* BEGIN and the locks of a claimed write, in key order, a key wanted both ways taken
 * exclusively. */
static char *claim_sql(const pg_store *st, const sr_store_claim *cl)
{
    size_t n = 0, cap = cl->nreads + 2;
    lock_key *keys = sr_xcalloc(cap, sizeof *keys);
    sr_buf sql = SR_BUF_INIT;

    keys[n++] = (lock_key){subject_key(cl->subject), 1};
    if (cl->hash)
        keys[n++] = (lock_key){fingerprint_key(cl->context ? cl->context : ".", cl->hash), 1};
    for (size_t i = 0; i < cl->nreads; i++)
        keys[n++] = (lock_key){subject_key(cl->reads[i]), 0};
    qsort(keys, n, sizeof *keys, by_key);
    write_begin_sql(&sql, st);
    sr_buf_printf(&sql, "; SELECT pg_advisory_xact_lock_shared(%lld)", WRITERS_LOCK);
    for (size_t i = 0; i < n; i++) {
        int exclusive = keys[i].exclusive;
        while (i + 1 < n && keys[i + 1].key == keys[i].key)
            exclusive |= keys[++i].exclusive;
        sr_buf_printf(&sql, "; SELECT pg_advisory_xact_lock%s(%lld)", exclusive ? "" : "_shared",
                      keys[i].key);
    }
    free(keys);
    return sr_buf_detach(&sql);
}

static int pg_write_begin(sr_tx **out, sr_store *base, const sr_store_claim *claim, sr_err *err)
{
    pg_store *st = (pg_store *)base;
    sr_buf whole = SR_BUF_INIT;
    char *sql;
    int rc;

    if (claim) {
        sql = claim_sql(st, claim);
    } else {
        write_begin_sql(&whole, st);
        sr_buf_printf(&whole, "; SELECT pg_advisory_xact_lock(%lld)", WRITERS_LOCK);
        sql = sr_buf_detach(&whole);
    }
    rc = begin(out, st, sql, 1, err);
    free(sql);
    return rc;
}

static void tx_end(pg_tx *tx)
{
    sr_pg__memo_clear(tx);
    pool_give(tx->st, tx->c);
    free(tx);
}

static int pg_commit(sr_tx *base, sr_err *err)
{
    pg_tx *tx = pg_of(base);
    PGresult *r = PQexec(tx->c->pg, "COMMIT");
    int rc = 0;

    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = sr_pg__fail(err, tx->c->pg, r);
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) /* an aborted transaction "commits" so */
        rc = sr_err_set(err, 50001, "Error in the backend data store: the transaction was "
                        "rolled back");
    PQclear(r);
    tx_end(tx);
    return rc;
}

static void pg_rollback(sr_tx *base)
{
    pg_tx *tx = pg_of(base);

    if (PQstatus(tx->c->pg) == CONNECTION_OK)
        PQclear(PQexec(tx->c->pg, "ROLLBACK"));
    tx_end(tx);
}

static int pg_ping(sr_store *st, sr_err *err)
{
    sr_tx *tx = NULL;

    if (pg_read_begin(&tx, st, err) < 0)
        return -1;
    pg_rollback(tx);
    return 0;
}

static int pg_backup(sr_store *st, const char *dest, sr_err *err)
{
    (void)st, (void)dest;
    return sr_err_set(err, 50001, "Error in the backend data store: a PostgreSQL store is backed "
                      "up with the database's own tools (pg_dump, base backups)");
}

/* ---- the store ---- */

static void pg_close(sr_store *base)
{
    pg_store *st = (pg_store *)base;

    if (!st)
        return;
    sr_pg__unwatch(st);
    while (st->idle) {
        pg_conn *c = st->idle;
        st->idle = c->next;
        conn_free(c);
    }
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->freed);
    free(st->conninfo);
    free(st);
}

static const sr_store_ops pg_ops = {
    .name = "postgres",
    .close = pg_close,
    .read_begin = pg_read_begin,
    .write_begin = pg_write_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .ping = pg_ping,
    .backup = pg_backup,
    .publish = sr_pg__publish,
    .watch = sr_pg__watch,
    .schema_get = sr_pg__schema_get,
    .schema_find = sr_pg__schema_find,
    .schema_ids = sr_pg__schema_ids,
    .schema_insert = sr_pg__schema_insert,
    .max_id = sr_pg__max_id,
    .contexts = sr_pg__contexts,
    .context_delete = sr_pg__context_delete,
    .versions = sr_pg__versions,
    .version_get = sr_pg__version_get,
    .subject_head_get = sr_pg__subject_head_get,
    .versions_holding = sr_pg__versions_holding,
    .all_versions = sr_pg__all_versions,
    .versions_after = sr_pg__versions_after,
    .versions_of_id = sr_pg__versions_of_id,
    .version_put = sr_pg__version_put,
    .version_soft_delete = sr_pg__version_soft_delete,
    .version_remove = sr_pg__version_remove,
    .subjects = sr_pg__subjects,
    .subjects_after = sr_pg__subjects_after,
    .referrers = sr_pg__referrers,
    .setting_get = sr_pg__setting_get,
    .setting_put = sr_pg__setting_put,
    .setting_delete = sr_pg__setting_delete,
    .setting_scopes = sr_pg__setting_scopes,
    .counts = sr_pg__counts,
};

/* Migrations on a connection of their own, without a statement timeout: a step may take long
 * on a big database, and waiting for another node's migration is waiting for its lock. */
static int migrate(pg_store *st, sr_err *err)
{
    PGconn *pg = sr_pg__connect(st, 1, err);
    int rc;

    if (!pg)
        return -1;
    rc = sr_pg__migrate(pg, err);
    PQfinish(pg);
    return rc;
}

int sr_pg_open(sr_store **out, const sr_store_options *o, sr_err *err)
{
    pg_store *st = sr_xcalloc(1, sizeof *st);
    pthread_condattr_t ca;
    char *why = NULL;
    PQconninfoOption *parsed;

    st->base.ops = &pg_ops;
    st->conninfo = sr_xstrdup(o->location ? o->location : "");
    st->pool_max = o->pool_size > 0 ? o->pool_size : 16;
    st->timeout_ms = o->statement_timeout_ms > 0 ? o->statement_timeout_ms : 10000;
    pthread_mutex_init(&st->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->freed, &ca);
    pthread_condattr_destroy(&ca);
    if (*st->conninfo) { /* a bad string is the operator's mistake, not an outage */
        parsed = PQconninfoParse(st->conninfo, &why);
        if (!parsed) {
            sr_err_set(err, 50001, "Error in the backend data store: invalid connection "
                       "string: %s", why ? why : "out of memory");
            PQfreemem(why);
            pg_close(&st->base);
            return -1;
        }
        PQconninfoFree(parsed);
    }
    if (migrate(st, err) < 0) {
        pg_close(&st->base);
        return -1;
    }
    *out = &st->base;
    return 0;
}
