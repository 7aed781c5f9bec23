/* ops.c -- what operating the SQLite store needs beyond the registry's reads and writes: making
 * sure the file is sluice's (and that no path silently loses data), that it is still the file
 * opened (for the readiness probe, conn.c), and the counts for metrics (store.c keeps the
 * timings and errors of every backend). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "store/sqlite/sqlite.h"

/* PRAGMA application_id of a sluice store: "SLCE". */
#define SLUICE_APPLICATION_ID 0x534c4345

/* The tables a sluice store has had since its first version: a database holding them and no
 * application id is a sluice store made before the id was set. */
static const char *const own_tables[] = {"schemas", "schema_refs", "subject_versions",
                                         "settings", "meta"};

int sr_sqlite__check_path(const char *path, sr_err *err)
{
    if (!path || !*path)
        return sr_err_set(err, 50001,
                          "the database path is empty: SQLite would use a temporary database "
                          "that is lost at exit; give sluice.db.path or --db a file");
    if (strcmp(path, ":memory:") == 0)
        return sr_err_set(err, 50001,
                          "the database path is ':memory:': everything would be lost at exit; "
                          "give sluice.db.path or --db a file");
    return 0;
}

int sr_sqlite__recognise(sqlite3 *db, sr_err *err)
{
    int user_version, app_id, objects, own = 0;
    char sql[128];

    if (sr_sqlite__int_pragma(&user_version, db, "PRAGMA user_version", err) < 0 ||
        sr_sqlite__int_pragma(&app_id, db, "PRAGMA application_id", err) < 0 ||
        sr_sqlite__int_pragma(&objects, db, "SELECT count(*) FROM sqlite_master", err) < 0)
        return -1;
    if (app_id == SLUICE_APPLICATION_ID)
        return 0;
    if (app_id != 0)
        return sr_err_set(err, 50001,
                          "this database belongs to another application (application_id "
                          "0x%08x); sluice leaves it alone: give it a file of its own", app_id);
    for (size_t i = 0; i < sizeof(own_tables) / sizeof(own_tables[0]); i++) {
        int n = 0;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                 "name = '%s'", own_tables[i]);
        if (sr_sqlite__int_pragma(&n, db, sql, err) < 0)
            return -1;
        own += n;
    }
    if (objects > 0 && (user_version == 0 || own != (int)(sizeof(own_tables) /
                                                          sizeof(own_tables[0]))))
        return sr_err_set(err, 50001,
                          "this database is not a sluice store (it holds %d tables, indexes or "
                          "views of another application); sluice leaves it alone: give it a "
                          "file of its own", objects);
    return 0;
}

int sr_sqlite__claim(sqlite3 *db, sr_err *err)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "PRAGMA application_id=%d", SLUICE_APPLICATION_ID);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sr_sqlite__db_error(err, db);
    return 0;
}

int sr_sqlite__note_file(sqlite_store *st, sr_err *err)
{
    struct stat sb;

    if (stat(st->path, &sb) < 0)
        return sr_err_set(err, 50001, "Error in the backend data store: %s: %s", st->path,
                          strerror(errno));
    st->dev = sb.st_dev;
    st->ino = sb.st_ino;
    return 0;
}

int sr_sqlite__same_file(const sqlite_store *st, sr_err *err)
{
    struct stat sb;

    if (stat(st->path, &sb) < 0)
        return sr_err_set(err, 50001, "the database file %s is gone: %s", st->path,
                          strerror(errno));
    if (sb.st_dev != st->dev || sb.st_ino != st->ino)
        return sr_err_set(err, 50001, "the database file %s was replaced after it was opened",
                          st->path);
    return 0;
}

int sr_sqlite__counts(size_t *subjects_out, size_t *schemas_out, sr_tx *tx, sr_err *err)
{
    int subjects = 0, schemas = 0;

    if (sr_sqlite__one_int(&subjects, tx, sr_sqlite__query(tx, Q_COUNT_SUBJECTS, err, ""),
                           err) < 0 ||
        sr_sqlite__one_int(&schemas, tx, sr_sqlite__query(tx, Q_COUNT_SCHEMAS, err, ""), err) < 0)
        return -1;
    *subjects_out = (size_t)subjects;
    *schemas_out = (size_t)schemas;
    return 0;
}
