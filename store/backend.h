/* backend.h -- what a store backend provides, and how store.c reaches it. Internal to store/.
 *
 * Each backend (store/sqlite/, store/postgres/) fills one sr_store_ops with its implementation of
 * every store.h function that touches the database, and embeds sr_store and sr_tx as the first
 * member of its own handle and transaction structs, so that store.c can dispatch through them and
 * the backend can convert back with a cast. Everything that does not touch a database (freeing the
 * structs store.h hands out, the figures of sr_store_stats) lives in store.c, once. */
#ifndef SR_STORE_BACKEND_H
#define SR_STORE_BACKEND_H

#include <stdatomic.h>
#include <time.h>

#include "store/store.h"

typedef struct sr_store_ops sr_store_ops;

/* The first member of every backend's store handle. The backend sets ops; the rest is store.c's. */
struct sr_store {
    const sr_store_ops *ops;
    atomic_ullong errors;           /* backend errors returned (sr_store_stats) */
    sr_hist read_time, write_time;  /* transactions, begin to end */
};

/* The first member of every backend's transaction. The backend sets ops; the rest is store.c's. */
struct sr_tx {
    const sr_store_ops *ops;
    sr_store *st;
    int write;
    struct timespec start;          /* when it began, for the histograms */
};

/* One entry per store.h function, with the same contract. */
struct sr_store_ops {
    const char *name; /* "sqlite", "postgres" */
    void (*close)(sr_store *st);
    int (*read_begin)(sr_tx **out, sr_store *st, sr_err *err);
    int (*write_begin)(sr_tx **out, sr_store *st, const sr_store_claim *claim, sr_err *err);
    int (*commit)(sr_tx *tx, sr_err *err);
    void (*rollback)(sr_tx *tx);
    int (*ping)(sr_store *st, sr_err *err);
    int (*backup)(sr_store *st, const char *dest, sr_err *err);
    int (*publish)(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err);
    int (*watch)(sr_store *st, sr_store_watch_fn fn, void *arg, sr_err *err);

    int (*schema_get)(sr_store_schema **out, sr_tx *tx, const char *context, int id, sr_err *err);
    int (*schema_find)(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                       sr_err *err);
    int (*schema_ids)(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                      sr_err *err);
    int (*schema_insert)(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err);
    int (*max_id)(int *out, sr_tx *tx, const char *context, sr_err *err);
    int (*contexts)(char ***out, size_t *n, sr_tx *tx, sr_err *err);
    int (*context_delete)(sr_tx *tx, const char *context, sr_err *err);

    int (*versions)(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                    sr_err *err);
    int (*version_get)(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                       sr_err *err);
    int (*subject_head_get)(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                            sr_err *err);
    int (*versions_holding)(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                            int id, sr_err *err);
    int (*all_versions)(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                        sr_err *err);
    /* Listing pages (store.c keeps the rows within the prefix): at most `max` rows whose
     * (subject, version) key comes after (after_subject, after_version), in key order; subjects
     * once each, with min(deleted) over the versions after the key. */
    int (*versions_after)(sr_store_version **out, size_t *n, sr_tx *tx,
                          const char *after_subject, int after_version, size_t max, sr_err *err);
    int (*subjects_after)(sr_store_subject **out, size_t *n, sr_tx *tx,
                          const char *after_subject, int after_version, size_t max, sr_err *err);
    int (*versions_of_id)(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                          int id, sr_err *err);
    int (*version_put)(sr_tx *tx, const char *subject, int version, const char *context, int id,
                       long long ts, sr_err *err);
    int (*version_soft_delete)(sr_tx *tx, const char *subject, int version, sr_err *err);
    int (*version_remove)(sr_tx *tx, const char *subject, int version, sr_err *err);
    int (*subjects)(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                    sr_err *err);
    int (*referrers)(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                     int version, const char *context, const char *local, sr_err *err);

    int (*setting_get)(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                       sr_err *err);
    int (*setting_put)(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                       sr_err *err);
    int (*setting_delete)(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err);
    int (*setting_scopes)(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                          sr_err *err);

    int (*counts)(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err);
};

/* The backends' constructors (store.c picks one by sr_store_options.backend). */
int sr_sqlite_open(sr_store **out, const sr_store_options *o, sr_err *err);
int sr_pg_open(sr_store **out, const sr_store_options *o, sr_err *err);

#endif
