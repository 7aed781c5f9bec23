/* migrations.c -- the store's schema history, one entry per PRAGMA user_version step.
 *
 * Entry i (counting from 1) turns a database at user_version i-1 into one at user_version i.
 * Entries are only ever appended: a released step is never edited, because databases in the
 * field have already run it. The SQL is kept portable (no SQLite-only types or clauses) so that
 * a PostgreSQL backend can run the same statements. */
#include <stddef.h>

#include "store/sqlite/migrations.h"

static const char *const steps[] = {
    /* 1: everything. */
    "CREATE TABLE schemas ("
    "  id       INTEGER PRIMARY KEY,"
    "  type     TEXT NOT NULL,"
    "  text     TEXT NOT NULL,"
    "  hash     BLOB NOT NULL UNIQUE,"
    "  metadata TEXT"
    ");"
    "CREATE TABLE schema_refs ("
    "  schema_id INTEGER NOT NULL REFERENCES schemas(id),"
    "  ordinal   INTEGER NOT NULL,"
    "  name      TEXT NOT NULL,"
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  PRIMARY KEY (schema_id, ordinal)"
    ");"
    "CREATE INDEX schema_refs_target ON schema_refs(subject, version);"
    "CREATE TABLE subject_versions ("
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  schema_id INTEGER NOT NULL REFERENCES schemas(id),"
    "  deleted   INTEGER NOT NULL DEFAULT 0,"
    "  ts        BIGINT NOT NULL,"
    "  PRIMARY KEY (subject, version)"
    ");"
    "CREATE INDEX subject_versions_schema ON subject_versions(schema_id);"
    /* is_global separates the top-level scope from every subject, "" included. */
    "CREATE TABLE settings ("
    "  kind      TEXT NOT NULL,"
    "  is_global INTEGER NOT NULL,"
    "  scope     TEXT NOT NULL,"
    "  value     TEXT NOT NULL,"
    "  PRIMARY KEY (kind, is_global, scope),"
    "  CHECK (is_global = 0 OR scope = '')"
    ");"
    "CREATE TABLE meta ("
    "  key   TEXT PRIMARY KEY,"
    "  value BIGINT NOT NULL"
    ");"
    "INSERT INTO meta(key, value) VALUES ('max_id', 0);",

    /* 2: a change counter per subject, moved on by every write to its versions, so that a
     * registration can tell in one lookup whether the subject changed since it was planned. */
    "CREATE TABLE subject_changes ("
    "  subject TEXT PRIMARY KEY,"
    "  n       BIGINT NOT NULL"
    ");"
    "INSERT INTO subject_changes(subject, n) SELECT subject, 1 FROM subject_versions "
    "  GROUP BY subject;"
    "CREATE TRIGGER subject_versions_insert AFTER INSERT ON subject_versions BEGIN"
    "  INSERT OR IGNORE INTO subject_changes(subject, n) VALUES (NEW.subject, 0);"
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = NEW.subject;"
    " END;"
    "CREATE TRIGGER subject_versions_update AFTER UPDATE ON subject_versions BEGIN"
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = NEW.subject;"
    " END;"
    "CREATE TRIGGER subject_versions_delete AFTER DELETE ON subject_versions BEGIN"
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = OLD.subject;"
    " END;",
};

const char *sr_store__migration(int version)
{
    if (version < 1 || version > sr_store__migration_count())
        return NULL;
    return steps[version - 1];
}

int sr_store__migration_count(void)
{
    return (int)(sizeof steps / sizeof steps[0]);
}
