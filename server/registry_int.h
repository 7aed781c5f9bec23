/* registry_int.h -- internals shared by server/registry*.c. Not an API. */
#ifndef SR_SERVER_REGISTRY_INT_H
#define SR_SERVER_REGISTRY_INT_H

#include "server/registry.h"
#include "store/store.h"

struct sr_registry {
    sr_store *store;
    sr_compat_level default_level; /* schema.compatibility.level */
};

typedef enum sr_mode {
    SR_MODE_READWRITE,
    SR_MODE_READONLY,
    SR_MODE_READONLY_OVERRIDE,
    SR_MODE_IMPORT,
    SR_MODE_FORWARD,
} sr_mode;

/* The resolved dependencies of one schema, in dependency order, with the stored schemas that
 * own their strings. */
typedef struct sr_deps {
    sr_dep *v;
    size_t n;
    sr_store_schema **held;
    size_t nheld;
} sr_deps;

void sr_registry__deps_dispose(sr_deps *d);
/* Resolve `refs` (version -1 = latest non-deleted) depth-first into `d`. `concrete` (may be
 * NULL) receives each top-level reference's concrete version. Soft-deleted targets are refused
 * (42201) unless allow_deleted. */
int sr_registry__resolve(sr_deps *d, int *concrete, sr_tx *tx, const sr_ref *refs, size_t nrefs,
                         int allow_deleted, sr_err *err);
/* Parse a stored schema with its references resolved (existing versions: no new-schema
 * validation). Caller frees *out. */
int sr_registry__parse_stored(sr_schema **out, sr_tx *tx, const sr_store_schema *s, sr_err *err);

/* Effective compatibility level / normalize flag / mode of `subject` (NULL = global). */
int sr_registry__level(sr_compat_level *out, sr_registry *r, sr_tx *tx, const char *subject,
                       sr_err *err);
int sr_registry__normalize(int *out, sr_tx *tx, const char *subject, sr_err *err);
int sr_registry__mode(sr_mode *out, sr_tx *tx, const char *subject, sr_err *err);
/* 42205 unless `subject` may be written in its current mode (deletes, config changes). */
int sr_registry__require_writable(sr_tx *tx, const char *subject, sr_err *err);

/* The Schema object: subject, version, id, schemaType, references, schema. */
json_t *sr_registry__schema_json(const char *subject, int version, const sr_store_schema *s,
                                 const char *text);
json_t *sr_registry__refs_json(const sr_store_ref *refs, size_t n);

/* Index of version `v` in `vs` (ascending), or -1. */
int sr_registry__find(const sr_store_version *vs, size_t n, int v);
/* Index of the latest non-deleted version, or -1. */
int sr_registry__latest(const sr_store_version *vs, size_t n);

/* End a write transaction begun by the caller: commit and hand `res` to *out when rc is 0,
 * otherwise roll back (and drop res). Returns 0 or -1. */
int sr_registry__finish_write(json_t **out, json_t *res, int rc, sr_tx *tx, sr_err *err);

/* Apply offset/limit to a JSON array in place. */
void sr_registry__page(json_t *array, sr_page page);

#endif
