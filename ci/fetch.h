/* fetch.h -- what a registry holds for a subject, fetched over HTTP and parsed with compat/: the
 * versions a check at the subject's level compares against, and a schema's references resolved
 * the way the registry resolves them. The registry-backed `sluice ci check` asks the registry for
 * the verdict and computes from these, with the same compat call, the findings behind it and where
 * they are in the repository's files. */
#ifndef SR_CI_FETCH_H
#define SR_CI_FETCH_H

#include <jansson.h>

#include "ci/client.h"
#include "compat/compat.h"

/* Fetched schema versions (each fetched once) and the schemas parsed from them. */
typedef struct sr_fetch sr_fetch;

/* A fetch cache over `c` (borrowed: it must outlive the cache). Free with sr_fetch_free. */
sr_fetch *sr_fetch_new(sr_client *c);
void sr_fetch_free(sr_fetch *f); /* NULL is a no-op; frees every schema handed out */

/* Errors of the functions below: -1 with err.code 0 when the registry cannot be reached (the
 * CLI's exit code 3), 42201 when a schema does not parse (compat's message, with its position),
 * 2 for anything else (an error answer, a reference cycle). */

/* The subject's compatibility level: its own, else the global one. */
int sr_fetch_level(sr_compat_level *out, sr_fetch *f, const char *subject, sr_err *err);

/* Parse `text` as a schema of type `t` whose references are `refs` (a JSON array of {name,
 * subject, version} as a RegisterRequest carries them; version -1 is the latest), each resolved
 * through the registry with its own references first, the first binding of a name winning, as
 * the registry does. *out is borrowed from `f`. */
int sr_fetch_parse(sr_schema **out, sr_fetch *f, sr_schema_type t, const char *text,
                   const json_t *refs, unsigned flags, sr_err *err);

/* The versions of `subject` a check at `level` compares against, ascending: the latest one, or
 * every non-deleted one at a transitive level; none for a subject the registry does not know.
 * *out is owned by the caller (free()), its schemas borrowed from `f`. */
int sr_fetch_candidates(sr_candidate **out, size_t *n_out, sr_fetch *f, const char *subject,
                        sr_compat_level level, sr_err *err);

#endif
