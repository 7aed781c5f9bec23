/* schemas.c -- schemas by id and by fingerprint, with their references, and the id counter. */
#include "store/sqlite/sqlite.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

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

/* The schema row of `id` into a new struct: 0, 1 when none, -1. */
static int schema_row(sr_store_schema **out, sr_tx *tx, int id, sr_err *err)
{
    sqlite3_stmt *s = sr_sqlite__query(tx, Q_SCHEMA_GET, err, "i", id);
    sr_store_schema *sc;
    int step;

    if (!s)
        return -1;
    step = sqlite3_step(s);
    if (step != SQLITE_ROW) {
        if (step != SQLITE_DONE)
            sr_sqlite__error(err, tx);
        sr_sqlite__done(s);
        return step == SQLITE_DONE ? 1 : -1;
    }
    sc = sr_xcalloc(1, sizeof *sc);
    sc->id = id;
    sc->type = sr_sqlite__text(s, 0, 1);
    sc->text = sr_sqlite__text(s, 1, 1);
    if (sqlite3_column_bytes(s, 2) == 16)
        memcpy(sc->hash, sqlite3_column_blob(s, 2), 16);
    sc->metadata = sr_sqlite__text(s, 3, 0);
    sr_sqlite__done(s);
    *out = sc;
    return 0;
}

int sr_store_schema_get(sr_store_schema **out, sr_tx *tx, int id, sr_err *err)
{
    sr_store_schema *sc = NULL;
    void *refs = NULL;
    int rc = schema_row(&sc, tx, id, err);

    if (rc != 0)
        return rc;
    if (sr_sqlite__collect(&refs, &sc->nrefs, sizeof(sr_store_ref), tx,
                           sr_sqlite__query(tx, Q_SCHEMA_REFS, err, "i", id), fill_ref, free_refs,
                           err) < 0) {
        sr_store_schema_free(sc);
        return -1;
    }
    sc->refs = refs;
    *out = sc;
    return 0;
}

int sr_store_schema_find(int *id_out, sr_tx *tx, const uint8_t hash[16], sr_err *err)
{
    return sr_sqlite__one_int(id_out, tx, sr_sqlite__query(tx, Q_SCHEMA_FIND, err, "h", hash),
                              err);
}

int sr_store_max_id(int *out, sr_tx *tx, sr_err *err)
{
    int rc = sr_sqlite__one_int(out, tx, sr_sqlite__query(tx, Q_MAX_ID, err, ""), err);

    if (rc == 1)
        return sr_err_set(err, 50001, "Error in the backend data store: id counter is missing");
    return rc;
}

int sr_store_schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *sc, sr_err *err)
{
    int id = sc->id;

    if (id <= 0) {
        if (sr_store_max_id(&id, tx, err) < 0)
            return -1;
        id++;
    }
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_SCHEMA_INSERT, err, "ittht", id, sc->type,
                                             sc->text, sc->hash, sc->metadata), err) < 0)
        return -1;
    for (size_t i = 0; i < sc->nrefs; i++)
        if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_REF_INSERT, err, "iitti", id, (int)i,
                                                 sc->refs[i].name, sc->refs[i].subject,
                                                 sc->refs[i].version), err) < 0)
            return -1;
    if (sr_sqlite__exec(tx, sr_sqlite__query(tx, Q_MAX_ID_RAISE, err, "i", id), err) < 0)
        return -1;
    *id_out = id;
    return 0;
}
