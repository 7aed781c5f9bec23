/* group_commit_test.c -- writers that queue behind one another share one COMMIT (one fsync), and
 * none of them returns from sr_store_commit before that COMMIT has made its work durable and
 * visible; a writer that fails or rolls back takes only its own work with it.
 *
 * White-box where it has to be: to make a group form deterministically, a test waits until the
 * store counts its writers as queued for the writer connection (store/sqlite/sqlite.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "store/sqlite/sqlite.h"
#include "store/store.h"
#include "tmpdb.h"

static void fill_hash(uint8_t h[16], int seed)
{
    memset(h, 0, 16);
    memcpy(h, &seed, sizeof seed);
    h[15] = 0x5a;
}

/* Insert schema `i` with version i of subject `subject` in tx; with the text "dangling", only a
 * version pointing at a schema that does not exist (which the foreign key refuses). */
static int put(sr_tx *tx, const char *subject, int i, const char *text)
{
    sr_store_schema s = {0};
    sr_err err = {0};
    char buf[32];
    int id = 0, rc;

    if (text && strcmp(text, "dangling") == 0) {
        rc = sr_store_version_put(tx, subject, i, ".", 424242, 1700000000000LL, &err);
        sr_err_dispose(&err);
        return rc;
    }
    snprintf(buf, sizeof buf, "\"v%d\"", i);
    s.type = (char *)"AVRO";
    s.text = (char *)(text ? text : buf);
    fill_hash(s.hash, i);
    rc = sr_store_schema_insert(&id, tx, &s, &err);
    if (rc == 0)
        rc = sr_store_version_put(tx, subject, i, ".", id, 1700000000000LL, &err);
    sr_err_dispose(&err);
    return rc;
}

/* 1 when a fresh read transaction sees version i of subject. */
static int visible(sr_store *st, const char *subject, int i)
{
    sr_store_version v = {0};
    sr_err err = {0};
    sr_tx *tx = NULL;
    int rc;

    if (sr_store_read_begin(&tx, st, &err) < 0)
        return -1;
    rc = sr_store_version_get(&v, tx, subject, i, &err);
    free(v.subject);
    sr_store_rollback(tx);
    return rc == 0;
}

static void wait_queued(sr_store *st, int n)
{
    struct timespec ms = {0, 1000000};

    for (int i = 0; i < 10000 && atomic_load(&((sqlite_store *)st)->queued) < n; i++)
        nanosleep(&ms, NULL);
    assert_true(atomic_load(&((sqlite_store *)st)->queued) >= n);
}

static int commits; /* COMMITs on the writer connection, counted by its commit hook */

static int count_commit(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&commits, 1, __ATOMIC_SEQ_CST);
    return 0;
}

typedef struct writer {
    sr_store *st;
    int i;               /* the version it writes */
    int roll_back;       /* roll back instead of committing */
    const char *text;    /* schema text, NULL = a short one */
    int rc;              /* what its commit returned */
    int seen_at_return;  /* its version was visible to a new reader when commit returned */
} writer;

static void *write_turn(void *arg)
{
    writer *w = arg;
    sr_err err = {0};
    sr_tx *tx = NULL;

    w->rc = sr_store_write_begin(&tx, w->st, &err);
    if (w->rc == 0 && (put(tx, "g", w->i, w->text) < 0 || w->roll_back)) {
        sr_store_rollback(tx);
        w->rc = -1;
    } else if (w->rc == 0) {
        w->rc = sr_store_commit(tx, &err);
        w->seen_at_return = visible(w->st, "g", w->i);
    }
    sr_err_dispose(&err);
    return NULL;
}

/* The first writer holds its turn while two more queue; its commit leaves the group open for
 * them, so one COMMIT ends all three turns, and the one that rolled back is not in it. */
static void test_group_commit__queued_writers_share_one_commit_and_return_only_once_it_is_durable(
    void **state)
{
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    writer w[2];
    pthread_t th[2];
    int before;
    (void)state;

    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    sqlite3_commit_hook(((sqlite_store *)st)->writer->db, count_commit, NULL);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    assert_int_equal(put(tx, "g", 1, NULL), 0);
    w[0] = (writer){st, 2, 1, NULL, 0, 0}; /* rolls back */
    w[1] = (writer){st, 3, 0, NULL, 0, 0};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, write_turn, &w[i]), 0);
    wait_queued(st, 2);
    before = __atomic_load_n(&commits, __ATOMIC_SEQ_CST);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    /* Returned: the group has committed, so the first write is durable and visible. */
    assert_int_equal(visible(st, "g", 1), 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(__atomic_load_n(&commits, __ATOMIC_SEQ_CST) - before, 1);
    assert_int_equal(w[0].rc, -1);
    assert_int_equal(visible(st, "g", 2), 0);
    assert_int_equal(w[1].rc, 0);
    assert_int_equal(w[1].seen_at_return, 1);
    sr_store_close(st);
    tmpdb_remove(&db);
}

/* A writer whose statement fails (here: a version of a schema that does not exist) rolls back to
 * its own savepoint; the writer ahead of it in the same group still commits. */
static void test_group_commit__a_writer_that_fails_in_a_group_loses_only_its_own_work(void **state)
{
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    pthread_t th;
    writer w;
    (void)state;

    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    assert_int_equal(put(tx, "g", 1, NULL), 0);
    w = (writer){st, 2, 0, "dangling", 0, 0};
    assert_int_equal(pthread_create(&th, NULL, write_turn, &w), 0);
    wait_queued(st, 1);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    pthread_join(th, NULL);
    assert_int_equal(w.rc, -1);
    assert_int_equal(visible(st, "g", 1), 1);
    assert_int_equal(visible(st, "g", 2), 0);
    sr_store_close(st);
    tmpdb_remove(&db);
}

/* When SQLite rolls the whole transaction back (a full disk does, for a statement that cannot
 * be undone alone), every writer of the group is told, none is acknowledged, and the store takes
 * writes again once there is room. */
static void test_group_commit__a_full_disk_fails_the_whole_group_and_writes_resume_after(
    void **state)
{
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    pthread_t th;
    char *big = malloc(1 << 20);
    writer w;
    (void)state;

    memset(big, 'x', (1 << 20) - 1);
    big[(1 << 20) - 1] = '\0';
    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    assert_int_equal(put(tx, "g", 1, NULL), 0);
    w = (writer){st, 2, 0, big, 0, 0};
    assert_int_equal(pthread_create(&th, NULL, write_turn, &w), 0);
    wait_queued(st, 1);
    /* The file may not grow past a few more pages: the 1 MiB text cannot fit. */
    assert_int_equal(sqlite3_exec(((sqlite_store *)st)->writer->db, "PRAGMA max_page_count = 40", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sr_store_commit(tx, &err), -1);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(sr_err_message(&err), "full"));
    pthread_join(th, NULL);
    assert_int_equal(w.rc, -1);
    assert_int_equal(visible(st, "g", 1), 0);
    assert_int_equal(visible(st, "g", 2), 0);
    assert_int_equal(sqlite3_exec(((sqlite_store *)st)->writer->db, "PRAGMA max_page_count = 1073741823", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    assert_int_equal(put(tx, "g", 3, NULL), 0);
    assert_int_equal(sr_store_commit(tx, &err), 0);
    assert_int_equal(visible(st, "g", 3), 1);
    sr_err_dispose(&err);
    sr_store_close(st);
    tmpdb_remove(&db);
    free(big);
}

enum { THREADS = 12, EACH = 40 };

typedef struct counter_args {
    sr_store *st;
    int failures;
} counter_args;

/* Read-modify-write of the id counter under load: only serialized turns inside the groups keep
 * ids free of gaps and duplicates. */
static void *many(void *arg)
{
    counter_args *a = arg;

    for (int i = 0; i < EACH; i++) {
        sr_store_schema s = {0};
        sr_err err = {0};
        sr_tx *tx = NULL;
        int id = 0;
        if (sr_store_write_begin(&tx, a->st, &err) < 0) {
            a->failures++;
            continue;
        }
        s.type = (char *)"JSON";
        s.text = (char *)"{}";
        if (sr_store_max_id(&id, tx, ".", &err) < 0) {
            sr_store_rollback(tx);
            a->failures++;
            continue;
        }
        fill_hash(s.hash, 1000 + id);
        if (sr_store_schema_insert(&id, tx, &s, &err) < 0) {
            sr_store_rollback(tx);
            a->failures++;
            continue;
        }
        if (sr_store_commit(tx, &err) < 0)
            a->failures++;
        sr_err_dispose(&err);
    }
    return NULL;
}

static void test_group_commit__many_writers_at_once_all_commit_with_contiguous_ids(void **state)
{
    tmpdb db;
    sr_err err = {0};
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    pthread_t th[THREADS];
    counter_args a[THREADS];
    int max = 0, before;
    (void)state;

    assert_int_equal(tmpdb_make(&db), 0);
    assert_int_equal(sr_store_open(&st, db.path, &err), 0);
    sqlite3_commit_hook(((sqlite_store *)st)->writer->db, count_commit, NULL);
    before = __atomic_load_n(&commits, __ATOMIC_SEQ_CST);
    for (int i = 0; i < THREADS; i++) {
        a[i] = (counter_args){st, 0};
        assert_int_equal(pthread_create(&th[i], NULL, many, &a[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(a[i].failures, 0);
    }
    printf("%d writes in %d commits\n", THREADS * EACH,
           __atomic_load_n(&commits, __ATOMIC_SEQ_CST) - before);
    assert_int_equal(sr_store_read_begin(&tx, st, &err), 0);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, THREADS * EACH);
    for (int id = 1; id <= THREADS * EACH; id++) {
        sr_store_schema *s = NULL;
        assert_int_equal(sr_store_schema_get(&s, tx, ".", id, &err), 0);
        sr_store_schema_free(s);
    }
    sr_store_rollback(tx);
    sr_store_close(st);
    tmpdb_remove(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_group_commit__queued_writers_share_one_commit_and_return_only_once_it_is_durable),
        cmocka_unit_test(test_group_commit__a_writer_that_fails_in_a_group_loses_only_its_own_work),
        cmocka_unit_test(test_group_commit__a_full_disk_fails_the_whole_group_and_writes_resume_after),
        cmocka_unit_test(test_group_commit__many_writers_at_once_all_commit_with_contiguous_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
