/* migrations.c -- the store's schema history, one entry per PRAGMA user_version step.
 *
 * Entry i (counting from 1) turns a database at user_version i-1 into one at user_version i.
 * Entries are only ever appended: a released step is never edited, because databases in the
 * field have already run it. The PostgreSQL backend has its own history
 * (store/postgres/migrations.c). */
#include <stddef.h>

#include "store/sqlite/migrations.h"

/* Every change to a subject's versions bumps its counter (registration plans check it). Created
 * by migration 2 and again by migration 3, which rebuilds subject_versions (dropping them). */
#define SUBJECT_CHANGE_TRIGGERS \
    "CREATE TRIGGER subject_versions_insert AFTER INSERT ON subject_versions BEGIN" \
    "  INSERT OR IGNORE INTO subject_changes(subject, n) VALUES (NEW.subject, 0);" \
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = NEW.subject;" \
    " END;" \
    "CREATE TRIGGER subject_versions_update AFTER UPDATE ON subject_versions BEGIN" \
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = NEW.subject;" \
    " END;" \
    "CREATE TRIGGER subject_versions_delete AFTER DELETE ON subject_versions BEGIN" \
    "  UPDATE subject_changes SET n = n + 1 WHERE subject = OLD.subject;" \
    " END;"

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
    SUBJECT_CHANGE_TRIGGERS,

    /* 3: contexts (ids are numbered per context), several ids per fingerprint (IMPORT keeps an
     * explicit id), rule sets, and when each schema was first stored. The tables are rebuilt
     * (SQLite cannot change a primary key in place), with foreign keys off for the step and
     * checked before it commits. */
    "CREATE TABLE contexts ("
    "  name   TEXT PRIMARY KEY,"
    "  max_id BIGINT NOT NULL"
    ");"
    "INSERT INTO contexts(name, max_id) SELECT '.', value FROM meta WHERE key = 'max_id';"
    "CREATE TABLE schemas_new ("
    "  context  TEXT NOT NULL REFERENCES contexts(name),"
    "  id       INTEGER NOT NULL,"
    "  type     TEXT NOT NULL,"
    "  text     TEXT NOT NULL,"
    "  hash     BLOB NOT NULL,"
    "  metadata TEXT,"
    "  ruleset  TEXT,"
    "  ts       BIGINT NOT NULL,"
    "  PRIMARY KEY (context, id)"
    ");"
    "INSERT INTO schemas_new(context, id, type, text, hash, metadata, ruleset, ts)"
    "  SELECT '.', id, type, text, hash, metadata, NULL,"
    "         coalesce((SELECT min(v.ts) FROM subject_versions v WHERE v.schema_id = s.id), 0)"
    "  FROM schemas s;"
    "CREATE TABLE schema_refs_new ("
    "  context   TEXT NOT NULL,"
    "  schema_id INTEGER NOT NULL,"
    "  ordinal   INTEGER NOT NULL,"
    "  name      TEXT NOT NULL,"
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  PRIMARY KEY (context, schema_id, ordinal),"
    "  FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)"
    ");"
    "INSERT INTO schema_refs_new SELECT '.', schema_id, ordinal, name, subject, version"
    "  FROM schema_refs;"
    "CREATE TABLE subject_versions_new ("
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  context   TEXT NOT NULL,"
    "  schema_id INTEGER NOT NULL,"
    "  deleted   INTEGER NOT NULL DEFAULT 0,"
    "  ts        BIGINT NOT NULL,"
    "  PRIMARY KEY (subject, version),"
    "  FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)"
    ");"
    "INSERT INTO subject_versions_new SELECT subject, version, '.', schema_id, deleted, ts"
    "  FROM subject_versions;"
    "DROP TABLE subject_versions;"
    "DROP TABLE schema_refs;"
    "DROP TABLE schemas;"
    "ALTER TABLE schemas_new RENAME TO schemas;"
    "ALTER TABLE schema_refs_new RENAME TO schema_refs;"
    "ALTER TABLE subject_versions_new RENAME TO subject_versions;"
    "CREATE INDEX schemas_hash ON schemas(context, hash);"
    "CREATE INDEX schema_refs_target ON schema_refs(subject, version);"
    "CREATE INDEX subject_versions_schema ON subject_versions(context, schema_id);"
    SUBJECT_CHANGE_TRIGGERS
    "DELETE FROM meta WHERE key = 'max_id';",
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
