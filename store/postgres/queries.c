/* queries.c -- every SQL statement of the PostgreSQL backend, in one table, each prepared once
 * per connection. Text columns that are sorted or matched by prefix are COLLATE "C" in the tables
 * (migrations.c), so ORDER BY compares bytes, as the contract asks. */
#include "store/postgres/pg.h"

#define VERSION_COLS "subject, version, schema_id, deleted, ts"

const pg_query sr_pg__queries[PQ_COUNT] = {
    [PQ_SCHEMA_GET] = {"SELECT type, text, hash, metadata, ruleset, ts FROM schemas "
                       "WHERE context = $1 AND id = $2", 0},
    [PQ_SCHEMA_IDS] = {"SELECT context, id FROM schemas WHERE hash = $1 ORDER BY context, id", 0},
    [PQ_CONTEXTS] = {"SELECT name FROM contexts ORDER BY name", 0},
    [PQ_CONTEXT_DELETE] = {"DELETE FROM contexts WHERE name = $1", 0},
    [PQ_SCHEMA_REFS] = {"SELECT name, subject, version FROM schema_refs WHERE context = $1 "
                        "AND schema_id = $2 ORDER BY ordinal", 0},
    [PQ_SCHEMA_FIND] = {"SELECT min(id) FROM schemas WHERE context = $1 AND hash = $2", 0},
    [PQ_SCHEMA_INSERT] = {"INSERT INTO schemas(context, id, type, text, hash, metadata, ruleset, "
                          "ts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", 1},
    [PQ_REF_INSERT] = {"INSERT INTO schema_refs(context, schema_id, ordinal, name, subject, "
                       "version) VALUES ($1, $2, $3, $4, $5, $6)", 1},
    [PQ_MAX_ID] = {"SELECT max_id FROM contexts WHERE name = $1", 0},
    /* The context's counter row, created or moved on, and locked until the commit: two writers
     * can never take the same id, on one node or on several. */
    [PQ_ID_NEXT] = {"INSERT INTO contexts AS c (name, max_id) VALUES ($1, 1) ON CONFLICT (name) "
                    "DO UPDATE SET max_id = c.max_id + 1 RETURNING max_id", 1},
    [PQ_ID_RAISE] = {"INSERT INTO contexts AS c (name, max_id) VALUES ($1, $2) ON CONFLICT (name) "
                     "DO UPDATE SET max_id = greatest(c.max_id, excluded.max_id)", 1},
    [PQ_VERSIONS] = {"SELECT " VERSION_COLS " FROM subject_versions WHERE subject = $1 "
                     "ORDER BY version", 0},
    [PQ_VERSION_GET] = {"SELECT " VERSION_COLS " FROM subject_versions WHERE subject = $1 "
                        "AND version = $2", 0},
    [PQ_VERSIONS_HOLDING] = {"SELECT " VERSION_COLS " FROM subject_versions WHERE subject = $1 "
                             "AND schema_id = $2 ORDER BY version", 0},
    /* The change counter, the highest version and the latest live one, in one round trip. */
    [PQ_SUBJECT_HEAD] = {"SELECT coalesce((SELECT n FROM subject_changes WHERE subject = $1), 0), "
                         "coalesce((SELECT max(version) FROM subject_versions "
                         "WHERE subject = $1), 0), l.version, l.schema_id "
                         "FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT version, schema_id "
                         "FROM subject_versions WHERE subject = $1 AND NOT deleted "
                         "ORDER BY version DESC LIMIT 1) AS l ON true", 0},
    [PQ_ALL_VERSIONS] = {"SELECT " VERSION_COLS " FROM subject_versions "
                         "WHERE starts_with(subject, $1) ORDER BY subject, version", 0},
    /* Listing pages walk the primary key from a (subject, version) key; store.c ends the page at
     * the first row past the prefix, so that no page reads beyond it. */
    [PQ_VERSIONS_AFTER] = {"SELECT " VERSION_COLS " FROM subject_versions "
                           "WHERE (subject, version) > ($1, $2) ORDER BY subject, version "
                           "LIMIT $3", 0},
    [PQ_VERSIONS_OF_ID] = {"SELECT " VERSION_COLS " FROM subject_versions WHERE context = $1 "
                           "AND schema_id = $2 ORDER BY subject, version", 0},
    [PQ_VERSION_PUT] = {"INSERT INTO subject_versions(subject, version, context, schema_id, "
                        "deleted, ts) VALUES ($1, $2, $3, $4, false, $5) "
                        "ON CONFLICT (subject, version) DO UPDATE SET context = excluded.context, "
                        "schema_id = excluded.schema_id, deleted = false, ts = excluded.ts", 1},
    [PQ_VERSION_SOFT_DELETE] = {"UPDATE subject_versions SET deleted = true "
                                "WHERE subject = $1 AND version = $2", 0},
    [PQ_VERSION_DELETE] = {"DELETE FROM subject_versions WHERE subject = $1 AND version = $2 "
                           "RETURNING context, schema_id", 0},
    [PQ_SCHEMA_HELD] = {"SELECT count(*) FROM (SELECT 1 FROM subject_versions "
                        "WHERE context = $1 AND schema_id = $2 LIMIT 1) AS h", 0},
    [PQ_REFS_DELETE] = {"DELETE FROM schema_refs WHERE context = $1 AND schema_id = $2", 0},
    [PQ_SCHEMA_DELETE] = {"DELETE FROM schemas WHERE context = $1 AND id = $2", 0},
    [PQ_SUBJECTS] = {"SELECT subject, bool_and(deleted) FROM subject_versions "
                     "WHERE starts_with(subject, $1) GROUP BY subject ORDER BY subject", 0},
    [PQ_SUBJECTS_AFTER] = {"SELECT subject, bool_and(deleted) FROM subject_versions "
                           "WHERE (subject, version) > ($1, $2) GROUP BY subject "
                           "ORDER BY subject LIMIT $3", 0},
    [PQ_REFERRERS] = {"SELECT " VERSION_COLS " FROM subject_versions v WHERE EXISTS "
                      "(SELECT 1 FROM schema_refs r WHERE r.version = $2 "
                      "AND (r.subject = $1 OR (r.subject = $4 AND r.context = $3)) "
                      "AND r.context = v.context AND r.schema_id = v.schema_id) "
                      "ORDER BY schema_id, subject, version", 0},
    [PQ_SETTINGS_OF_SCOPE] = {"SELECT kind, value FROM settings WHERE is_global = $1 "
                              "AND scope = $2", 0},
    [PQ_SETTING_PUT] = {"INSERT INTO settings(kind, is_global, scope, value) "
                        "VALUES ($1, $2, $3, $4) ON CONFLICT (kind, is_global, scope) "
                        "DO UPDATE SET value = excluded.value", 1},
    [PQ_SETTING_DELETE] = {"DELETE FROM settings WHERE kind = $1 AND is_global = $2 "
                           "AND scope = $3", 0},
    [PQ_SETTING_SCOPES] = {"SELECT scope FROM settings WHERE kind = $1 AND NOT is_global "
                           "ORDER BY scope", 0},
    [PQ_NOTIFY] = {"SELECT pg_notify('" SR_PG_CHANNEL "', $1)", 1},
    [PQ_COUNT_SUBJECTS] = {"SELECT count(DISTINCT subject) FROM subject_versions "
                           "WHERE NOT deleted", 0},
    [PQ_COUNT_SCHEMAS] = {"SELECT count(*) FROM schemas", 0},
};
