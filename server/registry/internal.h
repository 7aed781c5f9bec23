/* internal.h -- what the files of server/registry/ share. Not an API.
 *
 * Layers inside the folder (a file uses only those above it in this list):
 *   names.c     subject and version rules, version-list helpers, paging
 *   idcache.c   the byte-bounded caches
 *   reading.c   a read transaction with the caches' generations; render.c: the JSON answers
 *   scope.c     mode, level and normalize of a subject, read once
 *   refs.c      reference resolution; stored.c: stored schemas parsed, through the cache
 *   candidates.c  which versions a level checks against, and the check
 *   prepared.c  a request schema parsed, canonicalized and fingerprinted
 *   write.c     the one write-transaction wrapper, and every removal of a version
 *   the use-cases: register.c, lookup.c, read.c, delete.c, settings.c */
#ifndef SR_REGISTRY_INTERNAL_H
#define SR_REGISTRY_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "server/registry/idcache.h"
#include "common/strlist.h"
#include "server/registry/registry.h"
#include "store/store.h"

struct sr_registry {
    sr_store *store;
    sr_registry_options opt;
    sr_parse_limits limits; /* from opt, for compat */
    sr_idcache *bodies;     /* char *: plain answers of GET /schemas/ids/{id} */
    sr_idcache *parsed;     /* sr_schema *: stored schemas, parsed with their references */
    struct sr_subject_index *index; /* search.c: every subject, for sluice's search */
    atomic_ullong changes;  /* moves on after every write commits (search.c rebuilds) */
    atomic_ullong removals; /* moves on after every write that removed or replaced a schema */
};

typedef enum sr_mode {
    SR_MODE_READWRITE,
    SR_MODE_READONLY,
    SR_MODE_READONLY_OVERRIDE,
    SR_MODE_IMPORT,
    SR_MODE_FORWARD,
} sr_mode;

/* ---- names.c ---- */

/* Index of version `v` in `vs` (ascending), or -1. */
int sr_registry__find(const sr_store_version *vs, size_t n, int v);
/* Index of the latest non-deleted version, or -1. */
int sr_registry__latest(const sr_store_version *vs, size_t n);
/* Index of the newest version holding `id`, visible under `deleted`; -1 when none. */
int sr_registry__holder(const sr_store_version *vs, size_t n, int id, int deleted);
/* The version `version` ("latest" or a number) names: its index in *vs (the caller frees), or
 * -1 with err (40401 no visible version, 40402 not that one). `deleted`: soft-deleted ones count. */
int sr_registry__locate(sr_store_version **vs, size_t *n, sr_tx *tx, const char *subject,
                        const char *version, int deleted, sr_err *err);
/* 1 when both are NULL or both hold the same text (optional metadata, rule sets, properties). */
int sr_registry__same_text(const char *a, const char *b);
/* Apply offset/limit to a JSON array in place. */
void sr_registry__page(json_t *array, sr_page page);
/* 1 when the page's filter lets `subject` be listed (always, without a filter). */
int sr_registry__listed(sr_page page, const char *subject);

/* Contexts (confluent-api.md §1.3): a subject ":.ctx:name" lives in context ".ctx", any other
 * in the default context ".". Ids are numbered per context. */
char *sr_registry__context_of(const char *subject); /* caller frees */
/* `subject` as seen from `context`: an unqualified name in a non-default context gets its prefix
 * (references resolve relative to the referrer's context). Caller frees. */
char *sr_registry__qualify(const char *context, const char *subject);
/* The scope of a context's own config and mode, ":.ctx:", or NULL for the default context (whose
 * scope is the top level). Caller frees. */
char *sr_registry__context_scope(const char *context);
/* 1 when `subject` is in the default context. */
int sr_registry__is_default_context(const char *subject);

/* ---- reading: a read transaction that remembers the caches' generations ---- */

typedef struct sr_reading {
    sr_tx *tx;
    uint64_t parsed_gen, bodies_gen; /* taken before the transaction began (idcache.h) */
} sr_reading;

int sr_registry__read_begin(sr_reading *rd, sr_registry *r, sr_err *err);
void sr_registry__read_end(sr_reading *rd);

/* Evaluate `body` (which uses `rd`) inside a read transaction, leaving its result in `rc`. */
#define SR_WITH_READ(r, err, body)                                                                 \
    do {                                                                                           \
        sr_reading rd;                                                                             \
        rc = sr_registry__read_begin(&rd, (r), err);                                               \
        if (rc == 0) {                                                                             \
            rc = (body);                                                                           \
            sr_registry__read_end(&rd);                                                            \
        }                                                                                          \
    } while (0)

/* ---- render.c ---- */

json_t *sr_registry__refs_json(const sr_store_ref *refs, size_t n);
/* The Schema object of a subject version: subject, version, id, guid, schemaType, references,
 * metadata, ruleSet, schema (`text`, or the stored text when NULL), ts, deleted. */
json_t *sr_registry__version_json(const char *subject, const sr_store_version *v,
                                  const sr_store_schema *s, const char *text);
/* The answer of GET /schemas/ids/{id}: schemaType, references, metadata, ruleSet, schema, guid,
 * ts. */
json_t *sr_registry__id_json(const sr_store_schema *s, const char *text);
/* A fingerprint as 8.x's guid ("0123abcd-...", a UUID's layout), and back (0, or -1). */
json_t *sr_registry__guid(const uint8_t hash[16]);
int sr_registry__guid_parse(uint8_t hash[16], const char *text);
/* The wall clock in ms since the epoch: what versions and schemas are stamped with. */
long long sr_registry__now_ms(void);
/* A JSON string of text that may hold invalid UTF-8 (replaced by U+FFFD). Never NULL. */
json_t *sr_registry__string(const char *text);

/* ---- contracts.c: metadata and rule sets ---- */

/* What a new version carries besides its schema: compact JSON texts (keys sorted), or NULL. */
typedef struct sr_contract {
    char *metadata;
    char *ruleset;
} sr_contract;

int sr_registry__metadata_check(const json_t *m, sr_err *err); /* 42201 */
int sr_registry__ruleset_check(const json_t *rs, sr_err *err); /* 42210 */
/* `over` merged into a copy of `base` (tags and sensitive united, properties and rules of the
 * same name replaced); NULL when both are absent. */
json_t *sr_registry__metadata_merge(const json_t *base, const json_t *over);
json_t *sr_registry__ruleset_merge(const json_t *base, const json_t *over);
/* The metadata and rule set of a new version: the request's (or, absent, those of `prev`, the
 * latest version's schema, may be NULL), merged over the config's defaults and under its
 * overrides (confluent-api.md §5.1). */
/* The request's metadata (42201) and rule set (42210) checked. */
int sr_registry__contract_check(const sr_schema_req *req, sr_err *err);
int sr_registry__contract(sr_contract *out, const sr_schema_req *req, const sr_store_schema *prev,
                          const json_t *config, sr_err *err);
void sr_registry__contract_dispose(sr_contract *c);

/* ---- config.c: the config object of a scope ---- */

/* Check `body` (a PUT's ConfigUpdate) and merge it into `stored` (the Config shape). 42203,
 * 42201 or 42210 naming the problem. */
int sr_registry__config_update(json_t *stored, const json_t *body, sr_err *err);
/* The ConfigUpdate shape of a stored config (`compatibility` for the level). New reference. */
json_t *sr_registry__config_update_form(const json_t *stored);
/* `over`'s keys over a copy of `under` (either may be NULL). New reference. */
json_t *sr_registry__config_merge(const json_t *under, const json_t *over);

/* ---- scope.c: what governs a subject, read once per use-case ---- */

typedef struct sr_scope {
    sr_mode mode;
    sr_compat_level level;
    int normalize;
    json_t *config; /* the effective config: default <- global <- context <- subject; owned */
} sr_scope;

/* The effective mode and config of `subject` (NULL = global). Dispose with
 * sr_registry__scope_dispose. */
int sr_registry__scope(sr_scope *out, const sr_registry *r, sr_tx *tx, const char *subject,
                       sr_err *err);
void sr_registry__scope_dispose(sr_scope *s);
/* 1 when two scopes govern alike. */
int sr_registry__scope_equal(const sr_scope *a, const sr_scope *b);
/* The stored config object of exactly this scope: 0, or 1 when it has none (*out NULL). */
int sr_registry__config_at(json_t **out, sr_tx *tx, const char *scope, sr_err *err);
/* The mode stored at exactly this scope: 0, or 1 when none. */
int sr_registry__mode_at(sr_mode *out, sr_tx *tx, const char *scope, sr_err *err);
const char *sr_registry__mode_name(sr_mode m);
int sr_registry__mode_parse(sr_mode *out, const char *name);
/* When `*subject`'s own config names an alias, *subject becomes the alias's target (freed and
 * replaced): register, lookup and reads of versions act on the target (7.4+). */
int sr_registry__alias(char **subject, const sr_registry *r, sr_tx *tx, sr_err *err);
/* 42205 unless `subject` (NULL = global) may be changed (deletes, config): not read-only. */
int sr_registry__require_writable(sr_tx *tx, const sr_registry *r, const char *subject,
                                  sr_err *err);

/* ---- refs.c ---- */

/* The resolved dependencies of one schema, in dependency order, with the stored schemas that
 * own their strings. */
typedef struct sr_deps {
    sr_dep *v;
    size_t n;
    sr_store_schema **held;
    size_t nheld;
} sr_deps;

void sr_registry__deps_dispose(sr_deps *d);
/* Resolve `refs` (version -1 = latest non-deleted) depth-first into `d`. `targets` (may be NULL)
 * receives each top-level reference's concrete version and schema id. Soft-deleted targets are
 * refused (42201) unless allow_deleted. Bounded by the registry's reference limits. */
typedef struct sr_ref_target {
    int version;
    int id;
} sr_ref_target;
int sr_registry__resolve(sr_deps *d, sr_ref_target *targets, const sr_registry *r, sr_tx *tx,
                         const char *context, const sr_ref *refs, size_t nrefs, int allow_deleted,
                         sr_err *err);
/* The versions whose schemas reference (subject, version), however their references name it. */
int sr_registry__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                           int version, sr_err *err);
/* 1 when every reference (subject relative to `context`, concrete version) still names a live
 * version holding the same schema as when it was resolved into `targets`, 0 when not, -1. */
int sr_registry__targets_hold(sr_tx *tx, const char *context, const sr_store_ref *refs, size_t n,
                              const sr_ref_target *targets, sr_err *err);

/* ---- stored.c: stored schemas, parsed once and shared ---- */

/* The parsed schema `id` (existing versions: no new-schema validation), from the cache or parsed
 * now and cached. Release with sr_registry__parsed_release. -1 with err (40403 when there is no
 * such schema). */
int sr_registry__parsed(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd,
                        const char *context, int id, sr_err *err);
/* The same for a schema row the caller has read already (parsed from it on a miss). */
int sr_registry__parsed_row(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd,
                            const sr_store_schema *s, sr_err *err);
const sr_schema *sr_registry__parsed_schema(const sr_idcache_ref *ref);
/* A stored schema parsed now with its references and `flags` (not cached); *cost (may be NULL)
 * is what it weighs in memory. */
int sr_registry__parse_stored(sr_schema **out, size_t *cost, const sr_registry *r, sr_tx *tx,
                              const sr_store_schema *s, unsigned flags, sr_err *err);
void sr_registry__parsed_release(sr_registry *r, sr_idcache_ref *ref);
/* A stored schema or 40403 "Schema <id> not found". */
int sr_registry__stored(sr_store_schema **out, sr_tx *tx, const char *context, int id,
                        sr_err *err);

/* Render stored schema `s` in `format` (read_ids.c); the stored text when the format does not
 * apply. *out owned. */
int sr_registry__render(char **out, sr_registry *r, const sr_reading *rd, const sr_store_schema *s,
                        const char *format, sr_err *err);

/* ---- candidates.c: the compatibility check of a use-case ---- */

/* Check `schema` at `level` against the non-deleted versions `vs` of a subject in `context` that
 * the level needs (only `only_version` when not 0), parsed through the cache. Fills `msgs` with
 * Confluent's list on failure. Returns 1 compatible, 0 not, -1 error. */
int sr_registry__check_versions(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                                const sr_schema *schema, const char *context,
                                const sr_store_version *vs, size_t n, int only_version,
                                sr_compat_level level, sr_err *err);
/* The check a registration runs against `subject`, whose head, scope and latest version's schema
 * row (`latest`, NULL when none) the caller read: at the scope's level, among the versions of the
 * scope's compatibilityGroup (matched against `metadata`, the new version's), with validateFields
 * in the closing line. For a non-transitive level without a group only the latest version is
 * looked at, and the history is not read. */
int sr_registry__check_subject(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                               const sr_schema *schema, const char *metadata, const char *subject,
                               const sr_store_subject_head *head, const sr_store_schema *latest,
                               const sr_scope *scope, sr_err *err);
/* The closing line says validateFields 'true' when the scope's config sets it. */
void sr_registry__mark_validate_fields(sr_strlist *msgs, const sr_scope *scope);
/* Messages joined as Java prints a list: [a, b, c]. Caller frees. */
char *sr_registry__java_list(const sr_strlist *l);

/* ---- prepared.c: a request's schema made ready for storing ---- */

typedef struct sr_prepared {
    sr_schema *schema;      /* owned */
    sr_deps deps;           /* owned */
    sr_store_ref *refs;     /* owned array; strings borrowed from the request */
    sr_ref_target *targets; /* owned: what each reference resolved to */
    size_t nrefs;
    uint8_t hash[16];
    const char *text;       /* what is stored: the canonical text, or the text as sent (IMPORT) */
} sr_prepared;

/* What a schema to prepare is: its text, type, references (resolved relative to `context`),
 * and the metadata and rule set hashed into its identity. */
typedef struct sr_schema_src {
    const char *context;
    const char *text;
    sr_schema_type type;
    const sr_ref *refs;
    size_t nrefs;
    const char *metadata; /* JSON text or NULL */
    const char *ruleset;  /* JSON text or NULL */
} sr_schema_src;

/* A request's schema, in `context`. */
static inline sr_schema_src sr_registry__src(const sr_schema_req *q, const char *context)
{
    return (sr_schema_src){context, q->schema, q->type, q->refs, q->nrefs, q->metadata,
                           q->ruleset};
}

/* Parse `src` with `flags` (SR_PARSE_*) and fingerprint it. `verbatim` keeps the text as sent
 * (IMPORT). */
int sr_registry__prepare(sr_prepared *p, const sr_registry *r, sr_tx *tx, const sr_schema_src *src,
                         unsigned flags, int verbatim, sr_err *err);
void sr_registry__prepared_dispose(sr_prepared *p);
/* Request limits checked before any work: schema size, number of references. */
int sr_registry__check_request(const sr_registry *r, const sr_schema_req *req, sr_err *err);

/* ---- lookup_equiv.c ---- */

/* The newest version of `subject` (visible under `deleted`) whose schema is equivalent to the
 * request's `p` though its fingerprint differs (confluent-api.md §5.4): the same once its
 * references are inlined, or once normalized, or but for the `confluent:version` metadata
 * property. 0 with *found (its subject owned), 1 when none, -1. */
int sr_registry__find_equivalent(sr_store_version *found, const sr_registry *r, sr_tx *tx,
                                 const char *subject, int deleted, const sr_prepared *p,
                                 const sr_schema_req *req, sr_err *err);

/* ---- search.c: the subject index of sluice's search ---- */

struct sr_subject_index *sr_registry__index_new(void);
void sr_registry__index_free(struct sr_subject_index *ix); /* NULL ok */

/* ---- jsontext.c: JSON texts as people read them ---- */

/* `text` (valid JSON) with one member or element per line, indented by two spaces; every token
 * kept exactly as written. Caller frees. */
char *sr_registry__json_pretty(const char *text);
/* Where the value at JSON pointer `pointer` ("/fields/0/type"; "" the whole document) begins in
 * `text`: 1 with its 1-based line and column, 0 when `text` has no such value or is not JSON. */
int sr_registry__json_locate(int *line, int *column, const char *text, const char *pointer);

/* ---- write.c: every write goes through one wrapper ---- */

typedef struct sr_write {
    sr_registry *r;
    sr_tx *tx;
    sr_store_id *gone; /* schemas removed or given other content in this transaction */
    size_t ngone;
    int reparse_all;  /* a version changed its schema (IMPORT): parsed referrers may be stale */
} sr_write;

/* The error code a write step returns when what its plan read has changed since: the use-case
 * plans again. Never leaves the registry. */
#define SR_ERR_STALE 1

typedef int (*sr_write_fn)(json_t **out, sr_write *w, void *arg, sr_err *err);

/* Run `fn` in a write transaction; commit when it returns 0 (then *out = its result), roll back
 * otherwise. The caches forget every id `fn` noted, both before the commit and after it (so that
 * no reader can put back what it read before), and so do those of every process sharing the
 * store. `fn` may run more than once (a collision with another process's write): it must read
 * what it depends on in its transaction. */
int sr_registry__write(json_t **out, sr_registry *r, sr_write_fn fn, void *arg, sr_err *err);
/* The same for a write that touches only what `claim` says (store.h): on a store shared by
 * several processes, it runs beside writes of other subjects and schemas. */
int sr_registry__write_claimed(json_t **out, sr_registry *r, const sr_store_claim *claim,
                               sr_write_fn fn, void *arg, sr_err *err);
/* Note that schema (context, id) is gone or changed (caches forget it when the write ends). */
void sr_registry__note_gone(sr_write *w, const char *context, int id);
/* Remove a version for good (its schema too when no other version holds it); the only way any
 * use-case removes a version. 1 when it does not exist. */
int sr_registry__remove_version(sr_write *w, const char *subject, int version, int id,
                                sr_err *err);

#endif
