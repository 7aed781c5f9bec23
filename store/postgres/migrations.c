/* migrations.c -- the PostgreSQL store's schema history, and running it once.
 *
 * Entry i (counting from 1) turns a database at version i-1 into one at version i; the table
 * sluice_migrations records which have run. Entries are only ever appended: a released step is
 * never edited, because databases in the field have already run it. Each step runs in its own
 * transaction together with its row in sluice_migrations, and all of them under a session
 * advisory lock, so that nodes starting at the same moment migrate once: the others wait, then
 * find nothing left to do. */
#include "store/postgres/pg.h"

#include <stdio.h>
#include <stdlib.h>

/* pg_advisory_lock key of migrations: "sluice" and 1. */
#define MIGRATION_LOCK "8317151707346042881"

static const char *const steps[] = {
    /* 1: everything (the SQLite store's tables as of its migration 3). Names, subjects and
     * scopes compare as bytes (COLLATE "C"), as the contract's orderings ask. */
    "CREATE TABLE contexts ("
    "  name   TEXT COLLATE \"C\" PRIMARY KEY,"
    "  max_id BIGINT NOT NULL"
    ");"
    "INSERT INTO contexts(name, max_id) VALUES ('.', 0);"
    "CREATE TABLE schemas ("
    "  context  TEXT COLLATE \"C\" NOT NULL REFERENCES contexts(name),"
    "  id       INTEGER NOT NULL,"
    "  type     TEXT NOT NULL,"
    "  text     TEXT NOT NULL,"
    "  hash     BYTEA NOT NULL,"
    "  metadata TEXT,"
    "  ruleset  TEXT,"
    "  ts       BIGINT NOT NULL,"
    "  PRIMARY KEY (context, id)"
    ");"
    "CREATE INDEX schemas_hash ON schemas(hash);"
    "CREATE TABLE schema_refs ("
    "  context   TEXT COLLATE \"C\" NOT NULL,"
    "  schema_id INTEGER NOT NULL,"
    "  ordinal   INTEGER NOT NULL,"
    "  name      TEXT NOT NULL,"
    "  subject   TEXT COLLATE \"C\" NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  PRIMARY KEY (context, schema_id, ordinal),"
    "  FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)"
    ");"
    "CREATE INDEX schema_refs_target ON schema_refs(subject, version);"
    "CREATE TABLE subject_versions ("
    "  subject   TEXT COLLATE \"C\" NOT NULL,"
    "  version   INTEGER NOT NULL,"
    "  context   TEXT COLLATE \"C\" NOT NULL,"
    "  schema_id INTEGER NOT NULL,"
    "  deleted   BOOLEAN NOT NULL DEFAULT false,"
    "  ts        BIGINT NOT NULL,"
    "  PRIMARY KEY (subject, version),"
    "  FOREIGN KEY (context, schema_id) REFERENCES schemas(context, id)"
    ");"
    "CREATE INDEX subject_versions_schema ON subject_versions(context, schema_id);"
    /* is_global separates the top-level scope from every subject, "" included. */
    "CREATE TABLE settings ("
    "  kind      TEXT NOT NULL,"
    "  is_global BOOLEAN NOT NULL,"
    "  scope     TEXT COLLATE \"C\" NOT NULL,"
    "  value     TEXT NOT NULL,"
    "  PRIMARY KEY (kind, is_global, scope),"
    "  CHECK (NOT is_global OR scope = '')"
    ");"
    /* A change counter per subject, moved on by every write to its versions, so that a
     * registration can tell in one lookup whether the subject changed since it was planned. */
    "CREATE TABLE subject_changes ("
    "  subject TEXT COLLATE \"C\" PRIMARY KEY,"
    "  n       BIGINT NOT NULL"
    ");"
    "CREATE FUNCTION sluice_subject_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE s TEXT;"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN s := OLD.subject; ELSE s := NEW.subject; END IF;"
    "  INSERT INTO subject_changes AS c (subject, n) VALUES (s, 1)"
    "    ON CONFLICT (subject) DO UPDATE SET n = c.n + 1;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER subject_versions_changed AFTER INSERT OR UPDATE OR DELETE"
    "  ON subject_versions FOR EACH ROW EXECUTE FUNCTION sluice_subject_changed();",
};

/* The version the database is at (0: new). */
static int current(int *out, PGconn *pg, sr_err *err)
{
    PGresult *r = PQexec(pg, "SELECT coalesce(max(version), 0) FROM sluice_migrations");
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;

    if (ok)
        *out = atoi(PQgetvalue(r, 0, 0));
    else
        sr_pg__fail(err, pg, r);
    PQclear(r);
    return ok ? 0 : -1;
}

static int step(PGconn *pg, int v, sr_err *err)
{
    char record[96];

    snprintf(record, sizeof record, "INSERT INTO sluice_migrations(version) VALUES (%d)", v);
    if (sr_pg__exec_sql(pg, "BEGIN", err) < 0)
        return -1;
    if (sr_pg__exec_sql(pg, steps[v - 1], err) == 0 && sr_pg__exec_sql(pg, record, err) == 0 &&
        sr_pg__exec_sql(pg, "COMMIT", err) == 0)
        return 0;
    PQclear(PQexec(pg, "ROLLBACK"));
    return -1;
}

int sr_pg__migrate(PGconn *pg, sr_err *err)
{
    int want = (int)(sizeof steps / sizeof steps[0]), have = 0, rc = -1;

    if (sr_pg__exec_sql(pg, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", err) < 0)
        return -1;
    if (sr_pg__exec_sql(pg, "CREATE TABLE IF NOT EXISTS sluice_migrations ("
                            "  version    INTEGER PRIMARY KEY,"
                            "  applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", err) < 0 ||
        current(&have, pg, err) < 0)
        goto out;
    if (have > want) {
        sr_err_set(err, 50001, "Error in the backend data store: database schema version %d is "
                   "newer than this program's %d", have, want);
        goto out;
    }
    for (int v = have + 1; v <= want; v++)
        if (step(pg, v, err) < 0)
            goto out;
    rc = 0;
out:
    PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")"));
    return rc;
}
