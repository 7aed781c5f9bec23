/* store.h -- durable registry state behind a backend-neutral API.
 *
 * Holds schemas (by context and id), subject versions, references, and per-scope config and mode.
 * Two backends implement it (docs/store.md): SQLite, embedded in one process (store/sqlite/), and
 * PostgreSQL, shared by any number of sluiced processes (store/postgres/). Nothing here exposes
 * either library's types; the registry works the same on both.
 *
 * The store knows no registry rules (ID reuse, version numbering, soft/hard delete preconditions,
 * modes): those live in server/registry/, which reads and writes through a transaction:
 *
 *     sr_tx *tx = NULL;
 *     if (sr_store_write_begin(&tx, st, err) < 0) goto out;
 *     ... sr_store_* calls on tx ...
 *     rc = sr_store_commit(tx, err);   // durable once this returns 0; tx is gone either way
 *
 * Thread safety: the sr_store handle is shared by all threads. A transaction belongs to the thread
 * that began it. Any number of read transactions run in parallel (each sees one snapshot); write
 * transactions are serialized (one writer at a time, others wait), across every process sharing
 * the store, except claimed writes (sr_store_write_begin_claim), which only wait for writes whose
 * claims overlap theirs.
 *
 * Return convention: 0 success; 1 "not found" where a function says so; -1 with err set:
 *   50001  a backend failure ("Error in the backend data store: ...");
 *   50002  a statement, a lock or a free connection took longer than the store's timeout;
 *   50003  the database cannot be reached (the store reconnects by itself when it can again);
 *   SR_STORE_CONFLICT  the write collided with another one (a row it inserts already exists,
 *          or the database gave up one of two transactions waiting on each other): nothing of
 *          the transaction stays, and doing it all again in a new transaction may succeed.
 * Strings handed out are owned by the caller (free()) unless stated otherwise. */
#ifndef SR_STORE_H
#define SR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/histogram.h"

typedef struct sr_store sr_store;
typedef struct sr_tx sr_tx;

/* Not a Confluent code: a write that collided with another (see above). Never sent to clients. */
#define SR_STORE_CONFLICT 9

typedef enum sr_store_backend { SR_STORE_SQLITE, SR_STORE_POSTGRES } sr_store_backend;

/* Where the store lives and how to reach it. Borrowed for the call. */
typedef struct sr_store_options {
    sr_store_backend backend;
    const char *location;     /* SQLite: the database file. PostgreSQL: a libpq connection string
                               * or URI; NULL or "" leaves everything to the PG* environment
                               * variables and libpq's defaults */
    int pool_size;            /* PostgreSQL: connections at most (0 = 16) */
    int statement_timeout_ms; /* PostgreSQL: longest wait for a statement, a lock or a free
                               * connection (0 = 10000) */
} sr_store_options;

/* Open (creating and migrating if needed) the store `o` describes. The caller owns *out and
 * releases it with sr_store_close(), which waits for nothing: end every transaction first. */
int sr_store_open_with(sr_store **out, const sr_store_options *o, sr_err *err);
/* sr_store_open_with for the SQLite file at `path`. */
int sr_store_open(sr_store **out, const char *path, sr_err *err);
void sr_store_close(sr_store *st); /* NULL is a no-op */

/* Begin a read transaction (a consistent snapshot) or the write transaction (exclusive).
 * *out is valid until sr_store_commit or sr_store_rollback ends it. */
int sr_store_read_begin(sr_tx **out, sr_store *st, sr_err *err);
int sr_store_write_begin(sr_tx **out, sr_store *st, sr_err *err);

/* What a claimed write touches. It writes the versions of `subject` (and nothing of another
 * subject), reads `reads` (other subjects, whose versions must not change meanwhile), may insert a
 * schema with fingerprint `hash` in `context` (or under an explicit id, which may then collide:
 * SR_STORE_CONFLICT), and relies on the settings, which only unclaimed writes change. Borrowed for
 * the call. */
typedef struct sr_store_claim {
    const char *subject;
    const char *context;
    const uint8_t *hash;       /* 16 bytes, or NULL when it inserts no schema */
    const char *const *reads;
    size_t nreads;
} sr_store_claim;

/* A write transaction that waits only for writes overlapping `claim` (and for unclaimed ones),
 * so that registrations of different subjects and schemas go on side by side on several nodes.
 * A backend may serialize it like any write (SQLite does). */
int sr_store_write_begin_claim(sr_tx **out, sr_store *st, const sr_store_claim *claim,
                               sr_err *err);
/* End a transaction. For a write, 0 means durably stored (survives kill -9). The tx is freed
 * whatever the outcome. */
int sr_store_commit(sr_tx *tx, sr_err *err);
void sr_store_rollback(sr_tx *tx); /* NULL is a no-op */

/* 0 when the store answers a read now and is still the database it opened (SQLite: its file has
 * not been removed or replaced under it), else -1 with err (50001, 50002, 50003) saying why not.
 * Cheap: for GET /health/ready. */
int sr_store_ping(sr_store *st, sr_err *err);

/* Copy the whole store, consistent as of one moment, into the new file `dest`, while other
 * threads and processes go on reading and writing (SQLite; PostgreSQL answers 50001: back it up
 * with the database's own tools). */
int sr_store_backup(sr_store *st, const char *dest, sr_err *err);

/* ---- schemas (immutable once written, identified by context and id) ----
 * A context is a namespace of ids ("." the default one, ".name" others): the same id can hold
 * different schemas in two contexts. A context exists once something was stored in it. */

typedef struct sr_store_ref {
    char *name;    /* owned */
    char *subject; /* owned */
    int version;
} sr_store_ref;

typedef struct sr_store_schema {
    char *context;      /* "." or ".name"; owned */
    int id;
    char *type;         /* "AVRO", "PROTOBUF", "JSON"; owned */
    char *text;         /* canonical text; owned */
    uint8_t hash[16];   /* identity fingerprint (compat's sr_fingerprint) */
    sr_store_ref *refs; /* owned array, in registration order */
    size_t nrefs;
    char *metadata;     /* JSON text or NULL; owned */
    char *ruleset;      /* JSON text or NULL; owned */
    long long ts;       /* when it was stored, ms since the epoch */
} sr_store_schema;

void sr_store_schema_free(sr_store_schema *s); /* frees the struct and its fields; NULL ok */

/* 0 with *out (caller frees with sr_store_schema_free), or 1 when the context has no such id. */
int sr_store_schema_get(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                        sr_err *err);
/* The lowest id in `context` whose schema has this fingerprint: 0 with *id_out, or 1 when none.
 * Several ids can share a fingerprint when IMPORT gave a schema an id of its own. */
int sr_store_schema_find(int *id_out, sr_tx *tx, const char *context, const uint8_t hash[16],
                         sr_err *err);

/* A schema's place: its context and id. */
typedef struct sr_store_id {
    char *context; /* owned */
    int id;
} sr_store_id;

void sr_store_ids_free(sr_store_id *v, size_t n); /* NULL ok */
/* Every (context, id) whose schema has this fingerprint, by context then id. */
int sr_store_schema_ids(sr_store_id **out, size_t *n, sr_tx *tx, const uint8_t hash[16],
                        sr_err *err);
/* Insert a schema into `s->context` (created if new). `s->id` > 0 stores it under that id
 * (IMPORT); 0 takes the next id of the context, one more than the highest it ever handed out
 * (ids are never reused, even after the schema is removed). *id_out receives the id; `s->ts`
 * is recorded as when it was stored. */
int sr_store_schema_insert(int *id_out, sr_tx *tx, const sr_store_schema *s, sr_err *err);
/* Highest id the context ever handed out (0 when none, or no such context). */
int sr_store_max_id(int *out, sr_tx *tx, const char *context, sr_err *err);

/* ---- contexts ---- */

/* Every context that exists, sorted (byte order; "." first). */
int sr_store_contexts(char ***out, size_t *n, sr_tx *tx, sr_err *err);
void sr_store_strings_free(char **v, size_t n); /* NULL ok */
/* Forget a context (its id counter): 1 when there was none. The caller checks it is empty. */
int sr_store_context_delete(sr_tx *tx, const char *context, sr_err *err);

/* ---- subject versions ---- */

typedef struct sr_store_version {
    char *subject;  /* owned */
    int version;
    int id;         /* schema id */
    int deleted;    /* soft-deleted */
    long long ts;   /* registration time, ms since the epoch */
} sr_store_version;

void sr_store_versions_free(sr_store_version *v, size_t n); /* NULL ok */

/* Every version of `subject` (soft-deleted included), ascending by version. n may be 0. */
int sr_store_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                      sr_err *err);
/* One version: 0 with *out (its subject owned by the caller), or 1 when it does not exist. */
int sr_store_version_get(sr_store_version *out, sr_tx *tx, const char *subject, int version,
                         sr_err *err);
/* What a registration needs to know of a subject, without reading every version. */
typedef struct sr_store_subject_head {
    long long changes;  /* moves on with every change to the subject's versions; 0 when none */
    int max_version;    /* highest version, soft-deleted ones counted; 0 when none */
    int latest_version; /* highest non-deleted version; 0 when none */
    int latest_id;      /* its schema id */
} sr_store_subject_head;

int sr_store_subject_head_get(sr_store_subject_head *out, sr_tx *tx, const char *subject,
                              sr_err *err);
/* The versions of `subject` that hold schema `id` (soft-deleted included), ascending. */
int sr_store_versions_holding(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                              int id, sr_err *err);
/* Every version of every subject whose name starts with `prefix` ("" = all), soft-deleted
 * included, sorted by subject (byte order) then version. */
int sr_store_all_versions(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                          sr_err *err);
/* One page of what sr_store_all_versions lists, for listings that stop early: at most `max`
 * versions, in the same order, starting after `after_subject`'s version `after_version` (NULL
 * after_subject: from the start of the prefix). Fewer than `max` rows means the listing is done.
 * Costs what the page holds, however many versions the store has. */
int sr_store_all_versions_page(sr_store_version **out, size_t *n, sr_tx *tx, const char *prefix,
                               const char *after_subject, int after_version, size_t max,
                               sr_err *err);
/* Every subject version holding schema (context, id), soft-deleted included, sorted by subject,
 * version. */
int sr_store_versions_of_id(sr_store_version **out, size_t *n, sr_tx *tx, const char *context,
                            int id, sr_err *err);

/* Create or overwrite (IMPORT may overwrite) version `version` of `subject` to hold schema
 * (context, id), not deleted, stamped `ts` (ms since the epoch). A subject's versions all live in
 * one context. */
int sr_store_version_put(sr_tx *tx, const char *subject, int version, const char *context, int id,
                         long long ts, sr_err *err);
/* Mark a version soft-deleted. 1 when it does not exist. */
int sr_store_version_soft_delete(sr_tx *tx, const char *subject, int version, sr_err *err);
/* Remove a version for good. When no version holds its schema any more, the schema (and its
 * references) are removed too; its id is not handed out again. 1 when it does not exist. */
int sr_store_version_remove(sr_tx *tx, const char *subject, int version, sr_err *err);

/* Subject names with at least one version, sorted (byte order), with whether all their versions
 * are soft-deleted. */
typedef struct sr_store_subject {
    char *name;      /* owned */
    int all_deleted; /* every version soft-deleted */
} sr_store_subject;

void sr_store_subjects_free(sr_store_subject *s, size_t n);
int sr_store_subjects(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                      sr_err *err);
/* One page of what sr_store_subjects lists: at most `max` subjects after `after` (NULL: from the
 * start of the prefix). Fewer than `max` means the listing is done. */
int sr_store_subjects_page(sr_store_subject **out, size_t *n, sr_tx *tx, const char *prefix,
                           const char *after, size_t max, sr_err *err);

/* ---- references ---- */

/* Versions whose schema references (subject, version): the referrers, sorted by id then subject,
 * version; each carries the referrer's subject, version, schema id and deleted flag. A reference
 * stored as written may name the subject in full, or as `local` from inside `context` (the
 * subject's own context: references resolve relative to the referrer's). */
int sr_store_referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                       int version, const char *context, const char *local, sr_err *err);

/* ---- settings: config and mode, per scope ----
 * A scope is a subject name, or NULL for the global (top-level) scope. Values are opaque text to
 * the store: config is a JSON object text, mode a mode name. */

typedef enum sr_setting_kind { SR_SETTING_CONFIG, SR_SETTING_MODE } sr_setting_kind;

/* 0 with *value_out (caller frees), or 1 when the scope has no value of its own. */
int sr_store_setting_get(char **value_out, sr_tx *tx, sr_setting_kind kind, const char *scope,
                         sr_err *err);
int sr_store_setting_put(sr_tx *tx, sr_setting_kind kind, const char *scope, const char *value,
                         sr_err *err);
/* 1 when there was nothing to delete. */
int sr_store_setting_delete(sr_tx *tx, sr_setting_kind kind, const char *scope, sr_err *err);
/* Subject scopes that have a value of `kind`, sorted (used when entering IMPORT mode and for
 * listing). */
int sr_store_setting_scopes(char ***out, size_t *n, sr_tx *tx, sr_setting_kind kind,
                            sr_err *err);

/* ---- several processes on one store ----
 * Processes that share a store (PostgreSQL) keep caches of what ids hold; when one of them removes
 * a schema or gives an id other content, the others must forget it. */

/* Announce, with the write `tx`, that it changes the store, and which schemas it removes or gives
 * other content (`gone`, may be empty; `all`: anything may be). Delivered to every watching
 * process if and when the transaction commits. A no-op for a backend that one process owns. */
int sr_store_publish(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err);

typedef enum sr_store_event {
    SR_STORE_CHANGED, /* a write committed that removed no schema */
    SR_STORE_GONE,    /* (context, id) is gone or changed; context NULL: anything may be */
    SR_STORE_DEAF,    /* announcements can no longer be heard: trust nothing cached */
    SR_STORE_HEARING, /* heard again; anything may have changed while deaf */
} sr_store_event;

/* Called on the store's own thread; `context` is borrowed for the call. Must not block. */
typedef void (*sr_store_watch_fn)(void *arg, sr_store_event ev, const char *context, int id);

/* Call `fn` with what other processes announce, from now until sr_store_close. Starts hearing
 * before it returns (or fails with err). A no-op for a backend that one process owns. */
int sr_store_watch(sr_store *st, sr_store_watch_fn fn, void *arg, sr_err *err);

/* ---- operations: figures ---- */

/* Subjects with at least one live version, and schemas stored. */
int sr_store_counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err);

/* What the store has done since it opened, for GET /metrics. Kept by store.c for every backend. */
typedef struct sr_store_stats {
    unsigned long long errors;   /* backend errors returned (50001, 50002, 50003) */
    sr_hist_snapshot read;       /* read transactions, begin to end */
    sr_hist_snapshot write;      /* write transactions, begin to commit (durable) */
} sr_store_stats;
void sr_store_stats_get(sr_store *st, sr_store_stats *out);

#endif
