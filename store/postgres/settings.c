/* settings.c -- config and mode values per scope (opaque text to the store). */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <stdlib.h>

static const char *kind_name(sr_setting_kind kind)
{
    return kind == SR_SETTING_MODE ? "mode" : "config";
}

/* (kind, is_global, scope) as $1..$3; NULL scope is the global one. */
#define SCOPE_ARGS(kind, scope) kind_name(kind), (scope) == NULL, (scope) ? (scope) : ""

int sr_pg__setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                       sr_err *err)
{
    PGresult *r = NULL;
    int rc = sr_pg__run(&r, pg_of(tx), PQ_SETTING_GET, err, "tbt", SCOPE_ARGS(kind, scope));

    if (rc != 0)
        return rc;
    rc = PQntuples(r) ? 0 : 1;
    if (rc == 0)
        *value_out = sr_pg__text(r, 0, 0, 1);
    PQclear(r);
    return rc;
}

int sr_pg__setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                       sr_err *err)
{
    return sr_pg__exec(pg_of(tx), PQ_SETTING_PUT, err, "tbtt", SCOPE_ARGS(kind, scope), value) < 0
               ? -1
               : 0;
}

int sr_pg__setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    int rows = sr_pg__exec(pg_of(tx), PQ_SETTING_DELETE, err, "tbt", SCOPE_ARGS(kind, scope));

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
