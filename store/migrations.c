/* migrations.c -- the store's schema, as numbered migrations applied in order.
 *
 * PRAGMA user_version records how many have run. A migration is never edited once released: a
 * change is a new entry at the end. The SQL is plain enough to port to PostgreSQL. */
#include "store/store_sqlite.h"

const char *const sr_store__migrations[] = {
    /* 1: the registry's tables. */
    "CREATE TABLE schemas ("
    "  id       INTEGER PRIMARY KEY,"
    "  type     TEXT NOT NULL,"
    "  text     TEXT NOT NULL,"
    "  hash     BLOB NOT NULL UNIQUE,"   /* identity fingerprint: one id per distinct schema */
    "  metadata TEXT"
    ");"
    "CREATE TABLE schema_refs ("
    "  schema_id INTEGER NOT NULL REFERENCES schemas(id) ON DELETE CASCADE,"
    "  ordinal   INTEGER NOT NULL,"
    "  name      TEXT NOT NULL,"
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  PRIMARY KEY (schema_id, ordinal)"
    ");"
    "CREATE INDEX schema_refs_target ON schema_refs(subject, version);"
    "CREATE TABLE subject_versions ("
    "  subject   TEXT NOT NULL,"
    "  version   INTEGER NOT NULL CHECK (version > 0),"
    "  schema_id INTEGER NOT NULL REFERENCES schemas(id),"
    "  deleted   INTEGER NOT NULL DEFAULT 0,"
    "  ts        INTEGER NOT NULL,"
    "  PRIMARY KEY (subject, version)"
    ");"
    "CREATE INDEX subject_versions_schema ON subject_versions(schema_id);"
    /* is_global keeps the top-level scope apart from the subject \"\", a legal subject name. */
    "CREATE TABLE settings ("
    "  kind      INTEGER NOT NULL,"
    "  is_global INTEGER NOT NULL,"
    "  scope     TEXT NOT NULL,"
    "  value     TEXT NOT NULL,"
    "  PRIMARY KEY (kind, is_global, scope)"
    ");"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO meta(key, value) VALUES ('max_id', 0);",
};

const int sr_store__nmigrations = (int)(sizeof(sr_store__migrations) / sizeof(sr_store__migrations[0]));
