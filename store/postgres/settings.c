/* settings.c -- config and mode values per scope (opaque text to the store). */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

static const char *kind_name(sr_setting_kind kind)
{
    return kind == SR_SETTING_MODE ? "mode" : "config";
}

/* (kind, is_global, scope) as $1..$3; NULL scope is the global one. */
#define SCOPE_ARGS(kind, scope) kind_name(kind), (scope) == NULL, (scope) ? (scope) : ""

void sr_pg__memo_clear(pg_tx *tx)
{
    for (int i = 0; i < tx->nmemo; i++) {
        free(tx->memo[i].scope);
        free(tx->memo[i].values[0]);
        free(tx->memo[i].values[1]);
    }
    tx->nmemo = 0;
}

/* The memo of a scope's settings, read now if this transaction has not read them yet. Safe within
 * a transaction: a read one sees one snapshot, and a write one runs while no other write can change
 * settings (only unclaimed writes do, and they run alone); its own changes clear the memo. */
static int memo_of(pg_scope_memo **out, pg_tx *tx, const char *scope, sr_err *err)
{
    PGresult *r = NULL;
    pg_scope_memo *m;
    int rc;

    for (int i = 0; i < tx->nmemo; i++) {
        m = &tx->memo[i];
        if (m->global == (scope == NULL) && strcmp(m->scope, scope ? scope : "") == 0) {
            *out = m;
            return 0;
        }
    }
    rc = sr_pg__run(&r, tx, PQ_SETTINGS_OF_SCOPE, err, "bt", scope == NULL, scope ? scope : "");
    if (rc != 0)
        return rc; /* 1: a scope the database cannot hold has no settings */
    if (tx->nmemo == PG_SCOPE_MEMOS)
        sr_pg__memo_clear(tx);
    m = &tx->memo[tx->nmemo++];
    *m = (pg_scope_memo){scope == NULL, sr_xstrdup(scope ? scope : ""), {NULL, NULL}};
    for (int i = 0; i < PQntuples(r); i++) {
        int kind = strcmp(PQgetvalue(r, i, 0), "mode") == 0 ? SR_SETTING_MODE : SR_SETTING_CONFIG;
        free(m->values[kind]);
        m->values[kind] = sr_pg__text(r, i, 1, 1);
    }
    PQclear(r);
    *out = m;
    return 0;
}

int sr_pg__setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                       sr_err *err)
{
    pg_scope_memo *m = NULL;
    int rc = memo_of(&m, pg_of(tx), scope, err);

    if (rc != 0)
        return rc;
    if (!m->values[kind])
        return 1;
    *value_out = sr_xstrdup(m->values[kind]);
    return 0;
}

int sr_pg__setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                       sr_err *err)
{
    sr_pg__memo_clear(pg_of(tx));
    return sr_pg__exec(pg_of(tx), PQ_SETTING_PUT, err, "tbtt", SCOPE_ARGS(kind, scope), value) < 0
               ? -1
               : 0;
}

int sr_pg__setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    int rows;

    sr_pg__memo_clear(pg_of(tx));
    rows = sr_pg__exec(pg_of(tx), PQ_SETTING_DELETE, err, "tbt", SCOPE_ARGS(kind, scope));
    return rows < 0 ? -1 : rows == 0 ? 1 : 0;
}

int sr_pg__setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind, sr_err *err)
{
    PGresult *r = NULL;
    char **v;
    int rows;

    if (sr_pg__run(&r, pg_of(tx), PQ_SETTING_SCOPES, err, "t", kind_name(kind)) < 0)
        return -1;
    rows = PQntuples(r);
    v = sr_xcalloc((size_t)rows + 1, sizeof(*v));
    for (int i = 0; i < rows; i++)
        v[i] = sr_pg__text(r, i, 0, 1);
    PQclear(r);
    *out = v;
    *n = (size_t)rows;
    return 0;
}
