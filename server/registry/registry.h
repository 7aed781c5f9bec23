/* registry.h -- the registry's use-cases: register, lookup, check, read, delete, config, mode.
 *
 * This is the one place that owns Confluent's rules (confluent-api.md §4-§5): one global id per
 * distinct schema, version numbering across soft and hard deletes, modes, references, and which
 * versions a compatibility check runs against; and the caches of answers and parsed schemas,
 * which it keeps coherent with the store. Handlers translate HTTP to these calls and render the
 * json_t they return; nothing here knows about HTTP.
 *
 * Every function returns 0 with *out owned by the caller (json_decref / free), or -1 with `err`
 * holding Confluent's error code and message (dispose it: messages can be long). Writes run in
 * one store transaction that commits before the function returns, so an answered write is
 * durable. No schema is parsed while the store's write lock is held. Thread-safe. */
#ifndef SR_SERVER_REGISTRY_H
#define SR_SERVER_REGISTRY_H

#include <jansson.h>

#include "compat/compat.h"
#include "common/err.h"
#include "store/store.h"

typedef struct sr_registry sr_registry;

/* What the operator sets (docs/configuration.md); zero fields take the defaults. */
typedef struct sr_registry_options {
    sr_compat_level default_level;   /* schema.compatibility.level */
    size_t schema_max_bytes;         /* sluice.schema.max.bytes: a longer schema text is 42201 */
    int schema_max_depth;            /* sluice.schema.max.depth: nesting inside one schema */
    int references_max;              /* sluice.schema.max.references: per schema */
    int reference_depth_max;         /* sluice.schema.max.reference.depth: chains of references */
    size_t cache_bytes;              /* sluice.cache.bytes: answers of GET /schemas/ids/{id} */
    size_t parsed_cache_bytes;       /* sluice.cache.parsed.bytes: parsed stored schemas */
    sr_store_options store;          /* sluice.store and sluice.store.postgres.*: where the
                                      * store is; a SQLite store's file is sr_registry_open's
                                      * db_path (location borrowed until then) */
} sr_registry_options;

void sr_registry_options_defaults(sr_registry_options *o);

/* Open the store (SQLite at `db_path`, or what opt->store names) and, when other processes share
 * it, start hearing what they change, so that the caches forget it too. */
int sr_registry_open(sr_registry **out, const char *db_path, const sr_registry_options *opt,
                     sr_err *err);
void sr_registry_close(sr_registry *r); /* NULL is a no-op */

/* A schema as a client sends it (register, lookup, compatibility). Borrowed for the call. */
typedef struct sr_schema_req {
    const char *schema;  /* text; NULL or "" = empty */
    sr_schema_type type; /* AVRO when the client sent no schemaType */
    const sr_ref *refs;  /* version -1 = latest */
    size_t nrefs;
    int id;              /* explicit id (IMPORT), 0 = none */
    int version;         /* explicit version, 0 or -1 = none */
    const char *metadata; /* JSON object text or NULL */
    const char *ruleset;  /* JSON object text or NULL */
    int normalize;       /* ?normalize=true */
    long long ts;        /* IMPORT only: when the version was registered (ms since the epoch),
                          * so that a moved registry keeps its times; 0 = now */
} sr_schema_req;

/* POST /subjects/{s}/versions. *out = {id, version, schemaType, schema, references?}. */
int sr_registry_register(json_t **out, sr_registry *r, const char *subject,
                         const sr_schema_req *req, int force, sr_err *err);
/* POST /subjects/{s}. *out = the Schema object of the matching version. */
int sr_registry_lookup(json_t **out, sr_registry *r, const char *subject, const sr_schema_req *req,
                       int deleted, sr_err *err);
/* POST /compatibility/subjects/{s}/versions[/{v}]; `version` NULL = every version.
 * *out = {is_compatible, messages?}. */
int sr_registry_check(json_t **out, sr_registry *r, const char *subject, const char *version,
                      const sr_schema_req *req, int verbose, sr_err *err);

/* Which subjects a listing may show (the caller's read right, docs/security.md). */
typedef struct sr_subject_filter {
    int (*may_read)(const void *ctx, const char *subject); /* 1 = show it */
    const void *ctx;
} sr_subject_filter;

/* Reads. `deleted`/`deleted_only` are the query flags of the same names. */
typedef struct sr_page {
    int offset; /* >= 0 */
    int limit;  /* <= 0 = no limit */
    /* Listings of subjects (subjects, schemas, the holders of an id) leave out the subjects it
     * refuses, before offset and limit apply; NULL = show every subject. Borrowed for the call. */
    const sr_subject_filter *filter;
} sr_page;

/* Ids are read in the context of `subject` when it is given (":.ctx:name", or ":.ctx:" for the
 * context alone), else in the default context. */

/* GET /schemas/ids/{id} in its plain form (default context, no format, no fetchMaxId): the
 * answer's JSON text, from memory when it was asked before. Caller frees. */
int sr_registry_schema_by_id_body(char **out, sr_registry *r, int id, sr_err *err);
/* GET /schemas/ids/{id}; with a subject that holds it, the answer names its version too. */
int sr_registry_schema_by_id(json_t **out, sr_registry *r, int id, const char *subject,
                             const char *format, int fetch_max_id, sr_err *err);
/* GET /schemas/guids/{guid} (`ids_only`: .../ids, every context and id with that guid). */
int sr_registry_schema_by_guid(json_t **out, sr_registry *r, const char *guid, const char *format,
                               int ids_only, sr_err *err);
/* The raw text of schema `id` (rendered per `format`); caller frees. */
int sr_registry_schema_text(char **out, sr_registry *r, int id, const char *subject,
                            const char *format, sr_err *err);
/* Subjects (or subject versions) holding `id`; only `subject`'s when it names a subject. */
int sr_registry_id_subjects(json_t **out, sr_registry *r, int id, const char *subject,
                            int deleted, sr_page page, sr_err *err);
int sr_registry_id_versions(json_t **out, sr_registry *r, int id, const char *subject,
                            int deleted, sr_page page, sr_err *err);
/* Listings by `prefix`: NULL is every context; an unqualified prefix ("" included) the default
 * context; ":.ctx:" and ":.ctx:abc" that context. */
int sr_registry_schemas(json_t **out, sr_registry *r, const char *prefix, int deleted,
                        int latest_only, sr_page page, sr_err *err);
int sr_registry_subjects(json_t **out, sr_registry *r, const char *prefix, int deleted,
                         int deleted_only, sr_page page, sr_err *err);
/* GET /contexts: "." first, then every context that holds something, sorted. */
int sr_registry_contexts(json_t **out, sr_registry *r, sr_page page, sr_err *err);
/* DELETE /contexts/{ctx}: 42211 unless it is empty (soft-deleted versions count). */
int sr_registry_context_delete(sr_registry *r, const char *context, sr_err *err);
int sr_registry_versions(json_t **out, sr_registry *r, const char *subject, int deleted,
                         int deleted_only, int as_negative, sr_page page, sr_err *err);
int sr_registry_version_get(json_t **out, sr_registry *r, const char *subject,
                            const char *version, int deleted, const char *format, sr_err *err);
/* The raw text of a subject version (GET .../versions/{v}/schema); caller frees. */
int sr_registry_version_text(char **out, sr_registry *r, const char *subject,
                             const char *version, int deleted, const char *format, sr_err *err);
/* Metadata properties asked for: keys[i] = values[i], all of them. Borrowed. */
typedef struct sr_properties {
    const char *const *keys;
    const char *const *values;
    size_t n;
} sr_properties;

/* GET /subjects/{s}/metadata: the latest version whose metadata has every property asked for. */
int sr_registry_by_metadata(json_t **out, sr_registry *r, const char *subject,
                            const sr_properties *want, int deleted, const char *format,
                            sr_err *err);
int sr_registry_referenced_by(json_t **out, sr_registry *r, const char *subject,
                              const char *version, int deleted, sr_page page, sr_err *err);

/* POST /sluice/v1/subjects/{s}/versions/{v}/validate (subject and version) or
 * /sluice/v1/schemas/ids/{id}/validate (subject NULL, `id`): the JSON text `doc` checked against
 * that schema (compat.h's sr_schema_validate_json; `message` names the Protobuf message, NULL for
 * the first). *out = {valid, id, schemaType, violations: [{pointer, message}], subject?,
 * version?}. 40401/40402/40403 for a schema that is not there, 42201 for a document that is not
 * JSON. */
int sr_registry_validate(json_t **out, sr_registry *r, const char *subject, const char *version,
                         int id, const char *doc, const char *message, sr_err *err);

/* ---- browsing: sluice's own API under /sluice/v1/ (docs/api.md), what the web UI shows ---- */

typedef enum sr_search_match {
    SR_MATCH_SUBSTRING, /* the name contains the query, ASCII letters in any case */
    SR_MATCH_PREFIX,    /* the name starts with the query, byte for byte */
    SR_MATCH_REGEX,     /* POSIX extended regular expression, anywhere in the name */
} sr_search_match;

/* A search among subjects. Strings are borrowed for the call. */
typedef struct sr_search {
    const char *query;     /* NULL or "" = every subject */
    sr_search_match match;
    int type;              /* -1 = any; else the sr_schema_type of the subject's latest version */
    int level;             /* -1 = any; else the subject's effective sr_compat_level */
    int deleted;           /* include subjects whose every version is soft-deleted */
    const char *after;     /* start after this name (a previous answer's "next"); NULL = first */
    int limit;             /* 1..1000 subjects per page */
} sr_search;

/* GET /sluice/v1/subjects: the subjects matching `q`, in name order, that `filter` (may be
 * NULL) lets the caller read. *out = {"subjects": [{subject, schemaType, version, id, versions,
 * deleted, compatibility, ts}], "next": name or null}. Answered from an index of every subject
 * kept in memory, rebuilt after this registry's writes (and at most 10 s old otherwise), so a
 * page costs the names it skips, not the store. 400 for a regular expression that does not
 * compile or could be slow (back-references, over 256 bytes). */
int sr_registry_search(json_t **out, sr_registry *r, const sr_search *q,
                       const sr_subject_filter *filter, sr_err *err);

/* GET /sluice/v1/subjects/{s}: every version (soft-deleted ones too) with id, schemaType, ts,
 * deleted and references; the versions of other subjects that reference it; the effective
 * compatibility level and mode and where each is set ("subject", "context", "global",
 * "default"). 40401 when the subject has no version at all. */
int sr_registry_subject_overview(json_t **out, sr_registry *r, const char *subject, sr_err *err);
/* GET /sluice/v1/subjects/{s}/versions/{v} (soft-deleted versions too): the Schema object with
 * `pretty` (JSON texts indented; Protobuf as stored), `normalized`, and `referencedBy`. */
int sr_registry_version_forms(json_t **out, sr_registry *r, const char *subject,
                              const char *version, sr_err *err);
/* GET /sluice/v1/subjects/{s}/diff?from=&to=: compat's findings between two versions (`to`
 * NULL = the latest, `from` NULL = the live version before `to`), each with its difference type,
 * path, message, which levels it breaks, and its line and column in the `text` of the side it
 * is on (JSON texts indented as `pretty`). */
int sr_registry_diff(json_t **out, sr_registry *r, const char *subject, const char *from,
                     const char *to, sr_err *err);
/* POST /sluice/v1/subjects/{s}/check: what POST /compatibility/subjects/{s}/versions?verbose=true
 * answers, plus the subject's level and mode and the findings, each with its line and column in
 * the text sent (or in the version it was found against). */
int sr_registry_check_findings(json_t **out, sr_registry *r, const char *subject,
                               const sr_schema_req *req, sr_err *err);

/* Deletes. *out = [versions] for a subject, the version number for one version. */
int sr_registry_delete_subject(json_t **out, sr_registry *r, const char *subject, int permanent,
                               sr_err *err);
int sr_registry_delete_version(json_t **out, sr_registry *r, const char *subject,
                               const char *version, int permanent, sr_err *err);

/* Config and mode; `subject` NULL = the global scope. */
int sr_registry_config_get(json_t **out, sr_registry *r, const char *subject,
                           int default_to_global, sr_err *err);
int sr_registry_config_put(json_t **out, sr_registry *r, const char *subject, json_t *body,
                           sr_err *err);
int sr_registry_config_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err);
int sr_registry_mode_get(json_t **out, sr_registry *r, const char *subject, int default_to_global,
                         sr_err *err);
int sr_registry_mode_put(json_t **out, sr_registry *r, const char *subject, json_t *body,
                         int force, sr_err *err);
int sr_registry_mode_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err);

/* Subject name rules for writes (confluent-api.md §1.3): 0, or -1 with 42208 saying why. */
int sr_registry_check_subject(const char *subject, sr_err *err);
/* "latest"/"-1" -> -1, else 1..2^31-1; -1 with 42202 otherwise. */
int sr_registry_parse_version(int *out, const char *text, sr_err *err);

/* What the caches hold, for tests and operators. */
typedef struct sr_registry_cache_stats {
    size_t body_entries, body_bytes, parsed_entries, parsed_bytes;
    unsigned long long body_hits, body_misses, parsed_hits, parsed_misses;
} sr_registry_cache_stats;
void sr_registry_cache_stats_get(sr_registry *r, sr_registry_cache_stats *out);

/* For operators (GET /metrics, GET /health/ready). */
typedef struct sr_registry_counts {
    size_t subjects; /* with at least one live version */
    size_t schemas;  /* distinct schemas stored */
} sr_registry_counts;
int sr_registry_counts_get(sr_registry_counts *out, sr_registry *r, sr_err *err);
/* The store's error count and transaction times (store.h's sr_store_stats). */
struct sr_store_stats;
void sr_registry_store_stats(sr_registry *r, struct sr_store_stats *out);
/* 0 when the store answers now (readiness), -1 with err saying why not (50001, 50002, 50003). */
int sr_registry_ping(sr_registry *r, sr_err *err);
/* Copy the store into the new file `dest` while serving (sr_store_backup). */
int sr_registry_backup(sr_registry *r, const char *dest, sr_err *err);

#endif
