/* store_durability_test.c -- the store under threads, across processes and across versions:
 * concurrent readers with one writer, commits that survive an abrupt exit, migrations. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "store/sqlite/migrations.h"
#include "store/store.h"
#include "tmpdb.h"

enum { READERS = 4, WRITES = 60, READS_PER_THREAD = 200 };

typedef struct shared {
    sr_store *st;
    int failures; /* written by readers under lock */
    pthread_mutex_t lock;
} shared;

static void fill_hash(uint8_t h[16], int seed)
{
    memset(h, 0, 16);
    memcpy(h, &seed, sizeof seed);
    h[15] = 0xa5;
}

static int write_one(sr_store *st, int i)
{
    sr_tx *tx = NULL;
    sr_err err = {0};
    sr_store_schema s = {0};
    char text[32];
    int id = 0;
    snprintf(text, sizeof text, "\"v%d\"", i);
    s.type = (char *)"AVRO";
    s.text = text;
    fill_hash(s.hash, i);
    if (sr_store_write_begin(&tx, st, &err) < 0)
        return -1;
    if (sr_store_schema_insert(&id, tx, &s, &err) < 0 ||
        sr_store_version_put(tx, "s", i, ".", id, 1700000000000LL, &err) < 0) {
        sr_store_rollback(tx);
        return -1;
    }
    return sr_store_commit(tx, &err);
}

/* Each snapshot must be internally consistent: versions 1..n all present, max id == n, and
 * every version's schema readable. */
static void *reader(void *arg)
{
    shared *sh = arg;
    int bad = 0;
    for (int r = 0; r < READS_PER_THREAD && !bad; r++) {
        sr_tx *tx = NULL;
        sr_err err = {0};
        sr_store_version *v = NULL;
        size_t n = 0;
        int max = -1;
        if (sr_store_read_begin(&tx, sh->st, &err) < 0) {
            bad = 1;
            break;
        }
        if (sr_store_versions(&v, &n, tx, "s", &err) < 0 || sr_store_max_id(&max, tx, ".", &err) < 0) {
            bad = 1;
        } else if ((size_t)max != n) {
            bad = 1;
        } else {
            for (size_t k = 0; k < n && !bad; k++) {
                sr_store_schema *s = NULL;
                if (v[k].version != (int)k + 1 || sr_store_schema_get(&s, tx, ".", v[k].id, &err) != 0)
                    bad = 1;
                sr_store_schema_free(s);
            }
        }
        sr_store_versions_free(v, n);
        if (sr_store_commit(tx, &err) < 0)
            bad = 1;
    }
    pthread_mutex_lock(&sh->lock);
    sh->failures += bad;
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

static void *writer(void *arg)
{
    shared *sh = arg;
    int bad = 0;
    for (int i = 1; i <= WRITES && !bad; i++)
        bad = write_one(sh->st, i) < 0;
    pthread_mutex_lock(&sh->lock);
    sh->failures += bad;
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

static void test_store__concurrent_readers_see_consistent_snapshots_while_one_thread_writes(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    shared sh = {0};
    pthread_t th[READERS + 1];
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&sh.st, db.path, &err), 0);
    pthread_mutex_init(&sh.lock, NULL);
    assert_int_equal(pthread_create(&th[0], NULL, writer, &sh), 0);
    for (int i = 1; i <= READERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &sh), 0);
    for (int i = 0; i <= READERS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(sh.failures, 0);

    sr_tx *tx = NULL;
    int max = 0;
    assert_int_equal(sr_store_read_begin(&tx, sh.st, &err), 0);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, WRITES);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    pthread_mutex_destroy(&sh.lock);
    sr_store_close(sh.st);
    tmpdb_remove(&db);
}

static void *contender(void *arg)
{
    sr_store *st = arg;
    for (int i = 0; i < 25; i++) {
        sr_tx *tx = NULL;
        sr_err err = {0};
        int id = 0;
        if (sr_store_write_begin(&tx, st, &err) < 0)
            return (void *)1;
        sr_store_schema s = {0};
        s.type = (char *)"JSON";
        s.text = (char *)"{}";
        /* Read-modify-write of the id counter: only serialized writers keep it gap- and
         * duplicate-free. The hash comes from the id so every insert is distinct. */
        if (sr_store_max_id(&id, tx, ".", &err) < 0) {
            sr_store_rollback(tx);
            return (void *)1;
        }
        fill_hash(s.hash, 100000 + id);
        if (sr_store_schema_insert(&id, tx, &s, &err) < 0) {
            sr_store_rollback(tx);
            return (void *)1;
        }
        if (sr_store_commit(tx, &err) < 0)
            return (void *)1;
    }
    return NULL;
}

static void test_store__writers_from_several_threads_are_serialized(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    pthread_t th[3];
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, contender, st), 0);
    for (int i = 0; i < 3; i++) {
        void *res = NULL;
        pthread_join(th[i], &res);
        assert_null(res);
    }
    sr_tx *tx = NULL;
    int max = 0;
    assert_int_equal(sr_store_read_begin(&tx, st, &err), 0);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 75);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    sr_store_close(st);
    tmpdb_remove(&db);
}

static void test_store__a_committed_write_survives_an_abrupt_exit(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    assert_int_equal(tmpdb_make(&db), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Commit, then die without closing anything: no checkpoint, no cleanup. */
        sr_store *st = NULL;
        if (sr_store_open(&st, db.path, &err) < 0 || write_one(st, 1) < 0)
            _exit(1);
        sr_tx *tx = NULL;
        if (sr_store_write_begin(&tx, st, &err) < 0 ||
            sr_store_setting_put(tx, SR_SETTING_MODE, NULL, "READONLY", &err) < 0)
            _exit(1);
        /* An uncommitted write at the time of death must vanish. */
        if (sr_store_version_put(tx, "uncommitted", 1, ".", 1, 1700000000000LL, &err) < 0)
            _exit(1);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    sr_store *st = NULL;
    sr_tx *tx = NULL;
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    assert_int_equal(sr_store_read_begin(&tx, st, &err), 0);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, tx, "s", &err), 0);
    assert_int_equal(n, 1);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_versions(&v, &n, tx, "uncommitted", &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    char *mode = NULL;
    assert_int_equal(sr_store_setting_get(&mode, tx, SR_SETTING_MODE, NULL, &err), 1);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    sr_store_close(st);
    tmpdb_remove(&db);
}

static int pragma_int(const char *path, const char *pragma)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, pragma, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void test_store__open_migrates_to_the_latest_version_in_wal_mode(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    sr_store_close(st);
    assert_int_equal(pragma_int(db.path, "PRAGMA user_version"), sr_store__migration_count());

    sqlite3 *raw = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open(db.path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(raw);

    /* Reopening an up-to-date database runs nothing again (a rerun of step 1 would fail on
     * CREATE TABLE). */
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    sr_store_close(st);
    tmpdb_remove(&db);
}

/* A database written by the first release (user_version 1) gains the per-subject change counters
 * when opened, counting the subjects it already has. */
static void test_store__a_version_1_database_is_migrated_with_its_data(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sqlite3 *raw = NULL;
    sr_tx *tx = NULL;
    sr_store_subject_head head;
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sqlite3_open(db.path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, sr_store__migration(1), NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version=1;"
                                  "INSERT INTO schemas VALUES (1, 'AVRO', '\"int\"', x'00', NULL);"
                                  "INSERT INTO subject_versions VALUES ('old', 1, 1, 0, 0);",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    assert_int_equal(sr_store_subject_head_get(&head, tx, "old", &err), 0);
    assert_int_equal(head.changes, 1);
    assert_int_equal(head.latest_version, 1);
    assert_int_equal(sr_store_version_put(tx, "old", 2, ".", 1, 1700000000000LL, &err), 0);
    assert_int_equal(sr_store_subject_head_get(&head, tx, "old", &err), 0);
    assert_int_equal(head.changes, 2);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    sr_store_close(st);
    assert_int_equal(pragma_int(db.path, "PRAGMA user_version"), sr_store__migration_count());
    tmpdb_remove(&db);
}

static void test_store__open_refuses_a_database_from_a_newer_version(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sqlite3 *raw = NULL;
    char bump[64];
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sqlite3_open(db.path, &raw), SQLITE_OK);
    snprintf(bump, sizeof bump, "PRAGMA user_version=%d", sr_store__migration_count() + 1);
    assert_int_equal(sqlite3_exec(raw, bump, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(sr_store_open(&st, db.path, &err), -1);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(err.msg, "newer"));
    tmpdb_remove(&db);
}

static void test_store__the_database_enforces_unique_versions_and_references(void **state)
{
    (void)state;
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    /* A version naming a schema that does not exist breaks the foreign key. */
    assert_int_equal(sr_store_version_put(tx, "s", 1, ".", 42, 1700000000000LL, &err), -1);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(err.msg, "Error in the backend data store: "));
    sr_store_rollback(tx);
    sr_store_close(st);
    tmpdb_remove(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store__concurrent_readers_see_consistent_snapshots_while_one_thread_writes),
        cmocka_unit_test(test_store__writers_from_several_threads_are_serialized),
        cmocka_unit_test(test_store__a_committed_write_survives_an_abrupt_exit),
        cmocka_unit_test(test_store__open_migrates_to_the_latest_version_in_wal_mode),
        cmocka_unit_test(test_store__open_refuses_a_database_from_a_newer_version),
        cmocka_unit_test(test_store__a_version_1_database_is_migrated_with_its_data),
        cmocka_unit_test(test_store__the_database_enforces_unique_versions_and_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
