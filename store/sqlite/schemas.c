/* schemas.c -- schemas by id and by fingerprint, with their references, and the id counter. */
#include "store/sqlite/sqlite.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

static void fill_ref(void *row, sqlite3_stmt *s)
{
    sr_store_ref *r = row;

    r->name = sr_sqlite__text(s, 0, 1);
    r->subject = sr_sqlite__text(s, 1, 1);
    r->version = sqlite3_column_int(s, 2);
}

static void free_refs(void *rows, size_t n)
{
    sr_store_ref *r = rows;

    for (size_t i = 0; i < n; i++) {
        free(r[i].name);
        free(r[i].subject);
    }
    free(r);
}

/* A Q_SCHEMA_GET row into a new struct at *(sr_store_schema **)out (context and id not set). */
static void take_schema(sqlite3_stmt *s, void *out)
{
    sr_store_schema *sc = sr_xcalloc(1, sizeof *sc);

    sc->type = sr_sqlite__text(s, 0, 1);
    sc->text = sr_sqlite__text(s, 1, 1);
    if (sqlite3_column_bytes(s, 2) == 16)
        memcpy(sc->hash, sqlite3_column_blob(s, 2), 16);
    sc->metadata = sr_sqlite__text(s, 3, 0);
    sc->ruleset = sr_sqlite__text(s, 4, 0);
    sc->ts = sqlite3_column_int64(s, 5);
    *(sr_store_schema **)out = sc;
}

/* The schema row of (context, id) into a new struct: 0, 1 when none, -1. */
static int schema_row(sr_store_schema **out, sr_tx *tx, const char *context, int id, sr_err *err)
{
    int rc = sr_sqlite__one_row(tx, sr_sqlite__query(tx, Q_SCHEMA_GET, err, "ti", context, id),
                                take_schema, out, err);

    if (rc == 0) {
        (*out)->context = sr_xstrdup(context);
        (*out)->id = id;
    }
    return rc;
}

int sr_sqlite__schema_get(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                        sr_err *err)
{
    sr_store_schema *sc = NULL;
    void *refs = NULL;
    int rc = schema_row(&sc, tx, context, id, err);

    if (rc != 0)
        return rc;
    if (sr_sqlite__collect(&refs, &sc->nrefs, sizeof(sr_store_ref), tx,
                           sr_sqlite__query(tx, Q_SCHEMA_REFS, err, "ti", context, id), fill_ref,
                           free_refs, err) < 0) {
        sr_store_schema_free(sc);
        return -1;
    }
    sc->refs = refs;
    *out = sc;
    return 0;
}

int sr_sqlite__schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                         sr_err *err)
{
    return sr_sqlite__one_int(id_out, tx,
                              sr_sqlite__query(tx, Q_SCHEMA_FIND, err, "th", context, hash), err);
}

static void fill_id(void *row, sqlite3_stmt *s)
{
    sr_store_id *r = row;

    r->context = sr_sqlite__text(s, 0, 1);
    r->id = sqlite3_column_int(s, 1);
}

static void free_ids(void *rows, size_t n)
{
    sr_store_ids_free(rows, n);
}

static int by_context_then_id(const void *a, const void *b)
{
    const sr_store_id *x = a, *y = b;
    int c = strcmp(x->context, y->context);

    return c ? c : (x->id > y->id) - (x->id < y->id);
}

int sr_sqlite__schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                        sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(sr_store_id), tx,
                                sr_sqlite__query(tx, Q_SCHEMA_IDS, err, "h", hash), fill_id,
                                free_ids, err);

    if (rc == 0 && *n > 1)
        qsort(rows, *n, sizeof(sr_store_id), by_context_then_id);
    *out = rows;
    return rc;
}

int sr_sqlite__max_id(int *out, sr_tx *tx, const char *context, sr_err *err)
{
    int rc = sr_sqlite__one_int(out, tx, sr_sqlite__query(tx, Q_MAX_ID, err, "t", context), err);

    if (rc == 1)
        *out = 0; /* a context that does not exist yet has handed out nothing */
    return rc < 0 ? -1 : 0;
}

static void fill_string(void *row, sqlite3_stmt *s)
{
    *(char **)row = sr_sqlite__text(s, 0, 1);
}

static void free_strings(void *rows, size_t n)
{
    sr_store_strings_free(rows, n);
}

int sr_sqlite__contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err)
{
    void *rows = NULL;
    int rc = sr_sqlite__collect(&rows, n, sizeof(char *), tx,
                                sr_sqlite__query(tx, Q_CONTEXTS, err, ""), fill_string,
                                free_strings, err);

    *out = rows;
    return rc;
}

int sr_sqlite__context_delete(sr_tx *tx, const char *context, sr_err *err)
{
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_CONTEXT_DELETE, err, "t", context), err) < 0)
        return -1;
    return sqlite3_changes(sq_tx(tx)->c->db) == 0 ? 1 : 0;
}

int sr_sqlite__schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *sc, sr_err *err)
{
    const char *ctx = sc->context ? sc->context : ".";
    int id = sc->id;

    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_CONTEXT_ENSURE, err, "t", ctx), err) < 0)
        return -1;
    if (id <= 0) {
        if (sr_sqlite__max_id(&id, tx, ctx, err) < 0)
            return -1;
        id++;
    }
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_SCHEMA_INSERT, err, "titthttl", ctx, id,
                                             sc->type, sc->text, sc->hash, sc->metadata,
                                             sc->ruleset, sc->ts), err) < 0)
        return -1;
    for (size_t i = 0; i < sc->nrefs; i++)
        if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_REF_INSERT, err, "tiitti", ctx, id, (int)i,
                                                 sc->refs[i].name, sc->refs[i].subject,
                                                 sc->refs[i].version), err) < 0)
            return -1;
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_MAX_ID_RAISE, err, "ti", ctx, id), err) < 0)
        return -1;
    *id_out = id;
    return 0;
}
