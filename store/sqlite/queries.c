/* queries.c -- every SQL statement of the SQLite backend, in one table so that they can be read
 * together. The PostgreSQL backend has its own (store/postgres/queries.c). */
#include "store/sqlite/sqlite.h"

#define VERSION_COLS "subject, version, schema_id, deleted, ts"
/* A schema is named by (context, id): ?1 is the context, ?2 the id. */
/* Prefix match that compares bytes, not patterns: LIKE would treat '_' and '%' specially and
 * ignore case. */
#define PREFIX_MATCH "substr(subject, 1, length(?1)) = ?1"
/* A column of the subject ?1's highest version that is not soft-deleted. */
#define LATEST_LIVE(col) \
    "(SELECT " col " FROM subject_versions WHERE subject = ?1 AND deleted = 0 " \
    "ORDER BY version DESC LIMIT 1)"

const char *const sr_sqlite__sql[Q_COUNT] = {
    [Q_SCHEMA_GET] = "SELECT type, text, hash, metadata, ruleset, ts FROM schemas "
                     "WHERE context = ?1 AND id = ?2",
    /* Through the (context, hash) index, one search per context; sorted in C (schemas.c): with
     * an ORDER BY here SQLite prefers walking every schema in id order. */
    [Q_SCHEMA_IDS] = "SELECT context, id FROM schemas WHERE context IN (SELECT name FROM contexts) "
                     "AND hash = ?1",
    [Q_CONTEXT_ENSURE] = "INSERT INTO contexts(name, max_id) VALUES (?1, 0) "
                         "ON CONFLICT (name) DO NOTHING",
    [Q_CONTEXTS] = "SELECT name FROM contexts ORDER BY name",
    [Q_CONTEXT_DELETE] = "DELETE FROM contexts WHERE name = ?1",
    [Q_SCHEMA_REFS] = "SELECT name, subject, version FROM schema_refs WHERE context = ?1 "
                      "AND schema_id = ?2 ORDER BY ordinal",
    [Q_SCHEMA_FIND] = "SELECT min(id) FROM schemas WHERE context = ?1 AND hash = ?2 "
                      "HAVING count(*) > 0",
    [Q_SCHEMA_INSERT] = "INSERT INTO schemas(context, id, type, text, hash, metadata, ruleset, ts) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_REF_INSERT] = "INSERT INTO schema_refs(context, schema_id, ordinal, name, subject, version) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_MAX_ID] = "SELECT max_id FROM contexts WHERE name = ?1",
    [Q_MAX_ID_RAISE] = "UPDATE contexts SET max_id = ?2 WHERE name = ?1 AND max_id < ?2",
    [Q_VERSIONS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE subject = ?1 "
                   "ORDER BY version",
    [Q_VERSION_GET] = "SELECT " VERSION_COLS " FROM subject_versions WHERE subject = ?1 "
                      "AND version = ?2",
    [Q_VERSIONS_HOLDING] = "SELECT " VERSION_COLS " FROM subject_versions WHERE subject = ?1 "
                           "AND schema_id = ?2 ORDER BY version",
    /* One row, whatever the subject: its change counter, highest version, and latest live
     * version and its schema id (NULL when none). Each subquery is one search of the primary
     * key; a LEFT JOIN on the latest row (as PostgreSQL's) makes SQLite materialize it, slower. */
    [Q_SUBJECT_HEAD] = "SELECT coalesce((SELECT n FROM subject_changes WHERE subject = ?1), 0), "
                       "coalesce((SELECT max(version) FROM subject_versions WHERE subject = ?1), "
                       "0), " LATEST_LIVE("version") ", " LATEST_LIVE("schema_id"),
    [Q_ALL_VERSIONS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE " PREFIX_MATCH
                       " ORDER BY subject, version",
    /* Pages walk the primary key from a (subject, version) key, without the prefix: rows past
     * the prefix's range end the page in C (versions.c), so that no page scans beyond it. */
    [Q_VERSIONS_PAGE] = "SELECT " VERSION_COLS " FROM subject_versions "
                        "WHERE (subject, version) > (?1, ?2) ORDER BY subject, version LIMIT ?3",
    [Q_VERSIONS_OF_ID] = "SELECT " VERSION_COLS " FROM subject_versions WHERE context = ?1 "
                         "AND schema_id = ?2 ORDER BY subject, version",
    [Q_VERSION_PUT] = "INSERT INTO subject_versions(subject, version, context, schema_id, deleted, "
                      "ts) VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (subject, version) DO UPDATE "
                      "SET context = excluded.context, schema_id = excluded.schema_id, "
                      "deleted = 0, ts = excluded.ts",
    [Q_VERSION_SOFT_DELETE] = "UPDATE subject_versions SET deleted = 1 "
                              "WHERE subject = ?1 AND version = ?2",
    [Q_VERSION_SCHEMA] = "SELECT context, schema_id FROM subject_versions WHERE subject = ?1 "
                         "AND version = ?2",
    [Q_VERSION_DELETE] = "DELETE FROM subject_versions WHERE subject = ?1 AND version = ?2",
    [Q_SCHEMA_HELD] = "SELECT EXISTS (SELECT 1 FROM subject_versions WHERE context = ?1 "
                      "AND schema_id = ?2)",
    [Q_REFS_DELETE] = "DELETE FROM schema_refs WHERE context = ?1 AND schema_id = ?2",
    [Q_SCHEMA_DELETE] = "DELETE FROM schemas WHERE context = ?1 AND id = ?2",
    [Q_SUBJECTS] = "SELECT subject, min(deleted) FROM subject_versions WHERE " PREFIX_MATCH
                   " GROUP BY subject ORDER BY subject",
    [Q_SUBJECTS_PAGE] = "SELECT subject, min(deleted) FROM subject_versions "
                        "WHERE (subject, version) > (?1, ?2) GROUP BY subject ORDER BY subject "
                        "LIMIT ?3",
    /* From the references (indexed by target) to their holders (indexed by schema), never a
     * walk over every version. */
    [Q_REFERRERS] = "SELECT " VERSION_COLS " FROM subject_versions WHERE (context, schema_id) IN "
                    "(SELECT r.context, r.schema_id FROM schema_refs r WHERE r.version = ?2 "
                    "AND (r.subject = ?1 OR (r.subject = ?4 AND r.context = ?3))) "
                    "ORDER BY schema_id, subject, version",
    [Q_SETTING_GET] = "SELECT value FROM settings WHERE kind = ?1 AND is_global = ?2 "
                      "AND scope = ?3",
    [Q_SETTING_PUT] = "INSERT INTO settings(kind, is_global, scope, value) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (kind, is_global, scope) DO UPDATE SET value = excluded.value",
    [Q_SETTING_DELETE] = "DELETE FROM settings WHERE kind = ?1 AND is_global = ?2 AND scope = ?3",
    [Q_SETTING_SCOPES] = "SELECT scope FROM settings WHERE kind = ?1 AND is_global = 0 "
                         "ORDER BY scope",
    [Q_COUNT_SUBJECTS] = "SELECT count(DISTINCT subject) FROM subject_versions WHERE deleted = 0",
    [Q_COUNT_SCHEMAS] = "SELECT count(*) FROM schemas",
};
