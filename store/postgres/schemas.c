/* schemas.c -- schemas by id and by fingerprint, with their references, and the ids of each
 * context. */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* The schema row of (context, id) into a new struct: 0, 1 when none, -1. */
static int schema_row(sr_store_schema **out, pg_tx *tx, const char *context, int id, sr_err *err)
{
    PGresult *r = NULL;
    sr_store_schema *sc;
    int rc = sr_pg__run(&r, tx, PQ_SCHEMA_GET, err, "ti", context, id);

    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 1;
    }
    sc = sr_xcalloc(1, sizeof *sc);
    sc->context = sr_xstrdup(context);
    sc->id = id;
    sc->type = sr_pg__text(r, 0, 0, 1);
    sc->text = sr_pg__text(r, 0, 1, 1);
    sr_pg__get_hash(sc->hash, r, 0, 2);
    sc->metadata = sr_pg__text(r, 0, 3, 0);
    sc->ruleset = sr_pg__text(r, 0, 4, 0);
    sc->ts = sr_pg__get_ll(r, 0, 5);
    PQclear(r);
    *out = sc;
    return 0;
}

int sr_pg__schema_get(sr_store_schema **out, sr_tx *base, const char *context, int id,
                      sr_err *err)
{
    pg_tx *tx = pg_of(base);
    sr_store_schema *sc = NULL;
    PGresult *r = NULL;
    int rc = schema_row(&sc, tx, context, id, err), n;

    if (rc != 0)
        return rc;
    if (sr_pg__run(&r, tx, PQ_SCHEMA_REFS, err, "ti", context, id) < 0) {
        sr_store_schema_free(sc);
        return -1;
    }
    n = PQntuples(r);
    sc->refs = sr_xcalloc((size_t)n + 1, sizeof(*sc->refs));
    for (int i = 0; i < n; i++) {
        sc->refs[i].name = sr_pg__text(r, i, 0, 1);
        sc->refs[i].subject = sr_pg__text(r, i, 1, 1);
        sc->refs[i].version = sr_pg__get_int(r, i, 2);
    }
    sc->nrefs = (size_t)n;
    PQclear(r);
    *out = sc;
    return 0;
}

int sr_pg__schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                       sr_err *err)
{
    return sr_pg__int(id_out, pg_of(tx), PQ_SCHEMA_FIND, err, "th", context, hash);
}

int sr_pg__schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                      sr_err *err)
{
    PGresult *r = NULL;
    sr_store_id *ids;
    int rows;

    if (sr_pg__run(&r, pg_of(tx), PQ_SCHEMA_IDS, err, "h", hash) < 0)
        return -1;
    rows = PQntuples(r);
    ids = sr_xcalloc((size_t)rows + 1, sizeof(*ids));
    for (int i = 0; i < rows; i++)
        ids[i] = (sr_store_id){sr_pg__text(r, i, 0, 1), sr_pg__get_int(r, i, 1)};
    PQclear(r);
    *out = ids;
    *n = (size_t)rows;
    return 0;
}

int sr_pg__max_id(int *out, sr_tx *tx, const char *context, sr_err *err)
{
    int rc = sr_pg__int(out, pg_of(tx), PQ_MAX_ID, err, "t", context);

    if (rc == 1)
        *out = 0; /* a context that does not exist yet has handed out nothing */
    return rc < 0 ? -1 : 0;
}

int sr_pg__contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err)
{
    PGresult *r = NULL;
    char **v;
    int rows;

    if (sr_pg__run(&r, pg_of(tx), PQ_CONTEXTS, err, "") < 0)
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

int sr_pg__context_delete(sr_tx *tx, const char *context, sr_err *err)
{
    int rows = sr_pg__exec(pg_of(tx), PQ_CONTEXT_DELETE, err, "t", context);

    return rows < 0 ? -1 : rows == 0 ? 1 : 0;
}

/* The context's counter first, then the row: the counter row stays locked until the commit, so
 * a concurrent insert with an automatic id waits here and then takes a higher one. */
int sr_pg__schema_insert(int *id_out, sr_tx *base, const sr_store_schema *sc, sr_err *err)
{
    pg_tx *tx = pg_of(base);
    const char *ctx = sc->context ? sc->context : ".";
    int id = sc->id;

    if (id > 0 ? sr_pg__exec(tx, PQ_ID_RAISE, err, "tl", ctx, (long long)id) < 0
               : sr_pg__int(&id, tx, PQ_ID_NEXT, err, "t", ctx) != 0)
        return -1;
    if (sr_pg__exec(tx, PQ_SCHEMA_INSERT, err, "titthttl", ctx, id, sc->type, sc->text, sc->hash,
                    sc->metadata, sc->ruleset, sc->ts) < 0)
        return -1;
    for (size_t i = 0; i < sc->nrefs; i++)
        if (sr_pg__exec(tx, PQ_REF_INSERT, err, "tiitti", ctx, id, (int)i, sc->refs[i].name,
                        sc->refs[i].subject, sc->refs[i].version) < 0)
            return -1;
    *id_out = id;
    return 0;
}

int sr_pg__counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err)
{
    int subjects = 0, schemas = 0;

    if (sr_pg__int(&subjects, pg_of(tx), PQ_COUNT_SUBJECTS, err, "") < 0 ||
        sr_pg__int(&schemas, pg_of(tx), PQ_COUNT_SCHEMAS, err, "") < 0)
        return -1;
    *subjects_out = (size_t)subjects;
    *schemas_out = (size_t)schemas;
    return 0;
}
