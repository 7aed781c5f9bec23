/* image.h -- a whole registry's content, read through the REST API of any Confluent-compatible
 * registry, kept in a file, and written into another registry (sluice export, import, migrate).
 *
 * An image holds every subject version (soft-deleted ones included) with its id, schema type,
 * schema text, references, metadata, rule set, registration time and deleted flag, and the
 * config and mode of every scope that has one (global, contexts, subjects). Versions are kept in
 * an order in which each one comes after the versions its references name, then by id: writing
 * them in that order never meets a missing reference. docs/migration.md describes the file.
 *
 * Everything here speaks HTTP through ci/client.h and JSON; the CLI links no store code. */
#ifndef SR_CI_IMAGE_H
#define SR_CI_IMAGE_H

#include <jansson.h>
#include <stdio.h>

#include "ci/client.h"
#include "common/err.h"

typedef struct sr_image {
    json_t *versions; /* array of {subject, version, id, schemaType, schema, references,
                       * metadata?, ruleSet?, ts, deleted}: dependencies first */
    json_t *configs;  /* array of {scope, config}: scope null = global; config in the shape a
                       * PUT /config takes (compatibility, not compatibilityLevel) */
    json_t *modes;    /* array of {scope, mode} */
} sr_image;

void sr_image_init(sr_image *im);
void sr_image_dispose(sr_image *im);

/* Read everything registry `c` holds into `im` (initialized). Progress lines go to `log` (may be
 * NULL). 0, or -1 with err: code 0 the registry could not be reached, 2 anything else. */
int sr_image_fetch(sr_image *im, sr_client *c, FILE *log, sr_err *err);

/* Put the versions in dependency order (references first, then by context, id, subject and
 * version). Cycles cannot occur in a registry; were one there, its members keep id order. */
void sr_image_order(sr_image *im);

/* The file form: JSON Lines, a header first and a count last (a cut file is refused). */
int sr_image_save(const sr_image *im, FILE *f, const char *source, sr_err *err);
int sr_image_load(sr_image *im, const char *path, sr_err *err);

/* What sr_image_apply did and found. */
typedef struct sr_image_stats {
    size_t written, present, deleted, settings; /* versions registered, already there, soft
                                                  * deletes made, configs and modes set */
} sr_image_stats;

/* Write `im` into registry `to`, keeping ids, versions, soft deletes, configs and modes: through
 * IMPORT mode, versions in image order, then soft deletes (referrers first), configs, modes, and
 * the global mode last. Idempotent: what `to` already holds identically is left alone, so a run
 * that stopped halfway is finished by running it again, and a second run copies only what is
 * new. A version that `to` holds differently is an error (code 2), nothing overwritten. */
int sr_image_apply(sr_image_stats *st, const sr_image *im, sr_client *to, FILE *log, sr_err *err);

/* Compare registry `to` with the image: every version by subject and version, every id by its
 * schema, every config and mode. Each difference is a line on `out`; the count is returned in
 * *differences. 0, or -1 with err when `to` could not be read. */
int sr_image_verify(size_t *differences, const sr_image *im, sr_client *to, FILE *out,
                    sr_err *err);

#endif
