/* tmpstore.h -- a throw-away store for the contract tests, on the backend SLUICE_TEST_STORE names:
 * "sqlite" (the default), a file in a fresh temporary directory; "postgres", a fresh database on
 * the server whose connection string (without dbname) is SLUICE_TEST_PG, dropped at the end.
 * tests/run.sh runs the contract tests once per backend, starting PostgreSQL for the second. */
#ifndef SR_TEST_TMPSTORE_H
#define SR_TEST_TMPSTORE_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tmpdb.h"

typedef struct tmpstore {
    tmpdb db;               /* SQLite */
    char dbname[64];        /* PostgreSQL */
    char conninfo[512];
    sr_store_options opt;   /* what sr_store_open_with takes */
} tmpstore;

static inline int tmpstore_postgres(void)
{
    const char *b = getenv("SLUICE_TEST_STORE");
    return b && strcmp(b, "postgres") == 0;
}

/* Run one statement on the server's maintenance database: 0, or -1 (printed). */
static inline int tmpstore_admin(const char *sql);
/* The same for a query that returns rows (which are ignored). */
static inline int tmpstore_admin_query(const char *sql);

static inline int tmpstore_admin_run(const char *sql, int rows)
{
    char conninfo[512];
    PGconn *pg;
    PGresult *r;
    int ok;

    snprintf(conninfo, sizeof conninfo, "%s dbname=postgres", getenv("SLUICE_TEST_PG"));
    pg = PQconnectdb(conninfo);
    r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    ok = r && PQresultStatus(r) == (rows ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
    if (!ok)
        fprintf(stderr, "tmpstore: %s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    return ok ? 0 : -1;
}

static inline int tmpstore_admin(const char *sql)
{
    return tmpstore_admin_run(sql, 0);
}

static inline int tmpstore_admin_query(const char *sql)
{
    return tmpstore_admin_run(sql, 1);
}

/* 0 on success: t->opt describes an empty store that does not exist yet (SQLite) or is empty. */
static inline int tmpstore_make(tmpstore *t)
{
    static int n;
    char sql[128];

    memset(t, 0, sizeof *t);
    if (!tmpstore_postgres()) {
        if (tmpdb_make(&t->db) < 0)
            return -1;
        t->opt = (sr_store_options){.backend = SR_STORE_SQLITE, .location = t->db.path};
        return 0;
    }
    if (!getenv("SLUICE_TEST_PG")) {
        fprintf(stderr, "tmpstore: SLUICE_TEST_STORE=postgres needs SLUICE_TEST_PG\n");
        return -1;
    }
    snprintf(t->dbname, sizeof t->dbname, "sluice_store_%d_%d", (int)getpid(), ++n);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->dbname);
    if (tmpstore_admin(sql) < 0)
        return -1;
    snprintf(t->conninfo, sizeof t->conninfo, "%s dbname=%s", getenv("SLUICE_TEST_PG"),
             t->dbname);
    t->opt = (sr_store_options){.backend = SR_STORE_POSTGRES, .location = t->conninfo};
    return 0;
}

/* Remove what tmpstore_make made; every store on it must be closed. */
static inline void tmpstore_remove(tmpstore *t)
{
    char sql[128];

    if (!t->dbname[0]) {
        tmpdb_remove(&t->db);
        return;
    }
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->dbname);
    tmpstore_admin(sql);
}

#endif
