/* run.c -- running the backend's statements: parameters, prepared statements (once per
 * connection), results, and failures told apart by SQLSTATE (PG_DIAG_SQLSTATE), never by their
 * text. */
#include "store/postgres/pg.h"
#include "common/buf.h"
#include "common/hex.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 8

/* The first line of a libpq message, as an owned string. */
static char *first_line(const char *msg)
{
    size_t n;

    if (!msg || !*msg)
        return sr_xstrdup("unknown error");
    n = strcspn(msg, "\n");
    while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
        n--;
    return sr_xstrndup(msg, n);
}

static int state_is(const char *state, const char *what)
{
    return state && strcmp(state, what) == 0;
}

int sr_pg__fail(sr_err *err, PGconn *pg, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *msg = first_line(primary ? primary : PQerrorMessage(pg));
    int code = 50001;

    if (PQstatus(pg) == CONNECTION_BAD || (state && strncmp(state, "08", 2) == 0) ||
        state_is(state, "57P01") || state_is(state, "57P02") || state_is(state, "57P03"))
        code = 50003; /* connection lost, or the server is shutting down or starting */
    else if (state_is(state, "23505") || state_is(state, "40001") || state_is(state, "40P01"))
        code = SR_STORE_CONFLICT; /* unique violation, serialization failure, deadlock */
    else if (state_is(state, "57014") || state_is(state, "55P03"))
        code = 50002; /* statement timeout, lock not available */
    if (code == 50003)
        sr_err_set(err, code, "Error in the backend data store: the database cannot be "
                   "reached: %s", msg);
    else if (code == 50002)
        sr_err_set(err, code, "Operation timed out: %s", msg);
    else
        sr_err_set(err, code, "Error in the backend data store: %s%s%s%s", msg,
                   state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
    free(msg);
    return -1;
}

int sr_pg__exec_sql(PGconn *pg, const char *sql, sr_err *err)
{
    PGresult *r = PQexec(pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

    if (!ok)
        sr_pg__fail(err, pg, r);
    PQclear(r);
    return ok ? 0 : -1;
}

/* Statement q on this connection, prepared now if it is the first use. 0, or -1. */
static int prepare(pg_conn *c, int q, int nparams, sr_err *err)
{
    char name[16];
    PGresult *r;
    int rc = 0;

    if (c->prepared[q])
        return 0;
    snprintf(name, sizeof name, "sq%d", q);
    r = PQprepare(c->pg, name, sr_pg__queries[q].sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = sr_pg__fail(err, c->pg, r);
    else
        c->prepared[q] = 1;
    PQclear(r);
    return rc;
}

static int vrun(PGresult **out, pg_tx *tx, int q, sr_err *err, const char *types, va_list ap)
{
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS] = {0}, formats[MAX_PARAMS] = {0}, n = (int)strlen(types);
    char nums[MAX_PARAMS][24], name[16];
    int unstorable = 0;
    PGresult *r;

    *out = NULL;
    if (n > MAX_PARAMS)
        return sr_err_set(err, 50001, "Error in the backend data store: too many parameters");
    for (int i = 0; i < n; i++) {
        switch (types[i]) {
        case 't':
            values[i] = va_arg(ap, const char *);
            unstorable |= values[i] && !sr_utf8_valid(values[i]);
            break;
        case 'i':
            snprintf(nums[i], sizeof nums[i], "%d", va_arg(ap, int));
            values[i] = nums[i];
            break;
        case 'l':
            snprintf(nums[i], sizeof nums[i], "%lld", va_arg(ap, long long));
            values[i] = nums[i];
            break;
        case 'b':
            values[i] = va_arg(ap, int) ? "t" : "f";
            break;
        case 'h':
            values[i] = (const char *)va_arg(ap, const uint8_t *);
            lengths[i] = 16;
            formats[i] = 1; /* bytea, binary */
            break;
        default:
            return sr_err_set(err, 50001, "Error in the backend data store: bad parameter type");
        }
    }
    /* A database in UTF-8 cannot hold such text: no stored row can equal it. */
    if (unstorable && sr_pg__queries[q].adds)
        return sr_err_set(err, 50001, "Error in the backend data store: text that is not UTF-8 "
                          "cannot be stored");
    if (unstorable)
        return 1;
    if (prepare(tx->c, q, n, err) < 0)
        return -1;
    snprintf(name, sizeof name, "sq%d", q);
    r = PQexecPrepared(tx->c->pg, name, n, values, lengths, formats, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
        sr_pg__fail(err, tx->c->pg, r);
        PQclear(r);
        return -1;
    }
    *out = r;
    return 0;
}

int sr_pg__run(PGresult **out, pg_tx *tx, int q, sr_err *err, const char *types, ...)
{
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = vrun(out, tx, q, err, types, ap);
    va_end(ap);
    return rc;
}

int sr_pg__exec(pg_tx *tx, int q, sr_err *err, const char *types, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = vrun(&r, tx, q, err, types, ap);
    va_end(ap);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    rc = atoi(PQcmdTuples(r));
    PQclear(r);
    return rc;
}

int sr_pg__int(int *out, pg_tx *tx, int q, sr_err *err, const char *types, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = vrun(&r, tx, q, err, types, ap);
    va_end(ap);
    if (rc != 0)
        return rc;
    rc = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? 0 : 1;
    if (rc == 0)
        *out = sr_pg__get_int(r, 0, 0);
    PQclear(r);
    return rc;
}

char *sr_pg__text(const PGresult *r, int row, int col, int never_null)
{
    if (PQgetisnull(r, row, col))
        return never_null ? sr_xstrdup("") : NULL;
    return sr_xstrndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

int sr_pg__get_int(const PGresult *r, int row, int col)
{
    return (int)strtol(PQgetvalue(r, row, col), NULL, 10);
}

long long sr_pg__get_ll(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int sr_pg__get_bool(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

void sr_pg__get_hash(uint8_t out[16], const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col); /* "\x" and 32 hex digits (bytea_output = hex) */

    memset(out, 0, 16);
    if (PQgetlength(r, row, col) != 34 || v[0] != '\\' || v[1] != 'x')
        return;
    for (int i = 0; i < 16; i++) {
        int hi = sr_hex_value((unsigned char)v[2 + 2 * i]);
        int lo = sr_hex_value((unsigned char)v[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            memset(out, 0, 16);
            return;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

void sr_pg__version_row(sr_store_version *v, const PGresult *r, int row)
{
    v->subject = sr_pg__text(r, row, 0, 1);
    v->version = sr_pg__get_int(r, row, 1);
    v->id = sr_pg__get_int(r, row, 2);
    v->deleted = sr_pg__get_bool(r, row, 3);
    v->ts = sr_pg__get_ll(r, row, 4);
}
