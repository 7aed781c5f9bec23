/* settings.c -- config and mode values per scope (opaque text to the store). */
#include "store/sqlite/sqlite.h"
#include "common/buf.h"

#include <stdlib.h>

static const char *kind_name(sr_setting_kind kind)
{
    return kind == SR_SETTING_MODE ? "mode" : "config";
}

/* (kind, is_global, scope) as ?1..?3; NULL scope is the global one. */
#define SCOPE_ARGS(kind, scope) kind_name(kind), (scope) == NULL, (scope) ? (scope) : ""

int sr_sqlite__setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                         sr_err *err)
{
    return sr_sqlite__one_text(value_out, tx,
                               sr_sqlite__query(tx, Q_SETTING_GET, err, "tit",
                                                SCOPE_ARGS(kind, scope)), err);
}

int sr_sqlite__setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                         sr_err *err)
{
    return sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_SETTING_PUT, err, "titt",
                                                SCOPE_ARGS(kind, scope), value), err);
}

int sr_sqlite__setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err)
{
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_SETTING_DELETE, err, "tit",
                                             SCOPE_ARGS(kind, scope)), err) < 0)
        return -1;
    return sqlite3_changes(sq_tx(tx)->c->db) == 0 ? 1 : 0;
}

static void fill_scope(void *row, sqlite3_stmt *s)
{
    *(char **)row = sr_sqlite__text(s, 0, 1);
}

static void free_scopes(void *rows, size_t n)
{
    sr_store_strings_free(rows, n);
}

int sr_sqlite__setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                            sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(char *), tx,
                                sr_sqlite__query(tx, Q_SETTING_SCOPES, err, "t", kind_name(kind)),
                                fill_scope, free_scopes, err);

    *out = rows;
    return rc;
}
