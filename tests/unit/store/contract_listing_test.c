/* contract_listing_test.c -- the paged listings (sr_store_all_versions_page, sr_store_subjects_page)
 * put together page after page list exactly what the whole listings do, for every prefix and page
 * size, and stop at the end of the prefix's range, on either backend (tmpstore.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "tmpstore.h"

/* Subjects chosen to sit at the edges of prefixes: "", "a", "a_", "ab", "ab\xc3\xa9", "b"... */
static const char *const subjects[] = {"", "a", "a_", "a_b", "ab", "ab\xc3\xa9", "abc", "b",
                                       "ba", "c:x", ":.ctx:a", ":.ctx:b", "\xc3\xa9t\xc3\xa9"};
static const char *const prefixes[] = {"", "a", "a_", "ab", "abc", "abcd", "b", ":.ctx:", "z",
                                       "\xc3\xa9"};

static sr_store *filled(tmpstore *db)
{
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    sr_err err = {0};
    int seed = 1;

    assert_int_equal(tmpstore_make(db), 0);
    assert_int_equal(sr_store_open_with(&st, &db->opt, &err), 0);
    assert_int_equal(sr_store_write_begin(&tx, st, &err), 0);
    for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++) {
        for (int v = 1; v <= (int)(i % 3) + 1; v++) {
            sr_store_schema s = {.context = (char *)".", .type = (char *)"AVRO"};
            char text[32];
            int id = 0;
            snprintf(text, sizeof text, "\"s%d\"", seed);
            s.text = text;
            memcpy(s.hash, &seed, sizeof seed);
            seed++;
            assert_int_equal(sr_store_schema_insert(&id, tx, &s, &err), 0);
            assert_int_equal(sr_store_version_put(tx, subjects[i], v, ".", id, 1, &err), 0);
            if (v == 1 && i % 4 == 0)
                assert_int_equal(sr_store_version_soft_delete(tx, subjects[i], v, &err), 0);
        }
    }
    assert_int_equal(sr_store_commit(tx, &err), 0);
    return st;
}

static void test_contract_listing__versions_page_by_page_equal_the_whole_listing(void **state)
{
    tmpstore db;
    sr_store *st = filled(&db);
    sr_tx *tx = NULL;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_store_read_begin(&tx, st, &err), 0);
    for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
        sr_store_version *all = NULL;
        size_t nall = 0;
        assert_int_equal(sr_store_all_versions(&all, &nall, tx, prefixes[p], &err), 0);
        for (size_t max = 1; max <= 6; max++) {
            char *after = NULL;
            int after_version = 0;
            size_t seen = 0, n = max;
            while (n == max) {
                sr_store_version *vs = NULL;
                assert_int_equal(sr_store_all_versions_page(&vs, &n, tx, prefixes[p], after,
                                                             after_version, max, &err), 0);
                assert_true(n <= max);
                for (size_t i = 0; i < n; i++, seen++) {
                    assert_true(seen < nall);
                    assert_string_equal(vs[i].subject, all[seen].subject);
                    assert_int_equal(vs[i].version, all[seen].version);
                    assert_int_equal(vs[i].deleted, all[seen].deleted);
                }
                if (n) {
                    free(after);
                    after = strdup(vs[n - 1].subject);
                    after_version = vs[n - 1].version;
                }
                sr_store_versions_free(vs, n);
            }
            assert_int_equal(seen, nall);
            free(after);
        }
        sr_store_versions_free(all, nall);
    }
    sr_store_rollback(tx);
    sr_store_close(st);
    tmpstore_remove(&db);
}

static void test_contract_listing__subjects_page_by_page_equal_the_whole_listing(void **state)
{
    tmpstore db;
    sr_store *st = filled(&db);
    sr_tx *tx = NULL;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_store_read_begin(&tx, st, &err), 0);
    for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
        sr_store_subject *all = NULL;
        size_t nall = 0;
        assert_int_equal(sr_store_subjects(&all, &nall, tx, prefixes[p], &err), 0);
        for (size_t max = 1; max <= 5; max++) {
            char *after = NULL;
            size_t seen = 0, n = max;
            while (n == max) {
                sr_store_subject *ss = NULL;
                assert_int_equal(sr_store_subjects_page(&ss, &n, tx, prefixes[p], after, max,
                                                        &err), 0);
                for (size_t i = 0; i < n; i++, seen++) {
                    assert_true(seen < nall);
                    assert_string_equal(ss[i].name, all[seen].name);
                    assert_int_equal(ss[i].all_deleted, all[seen].all_deleted);
                }
                if (n) {
                    free(after);
                    after = strdup(ss[n - 1].name);
                }
                sr_store_subjects_free(ss, n);
            }
            assert_int_equal(seen, nall);
            free(after);
        }
        sr_store_subjects_free(all, nall);
    }
    sr_store_rollback(tx);
    sr_store_close(st);
    tmpstore_remove(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_listing__versions_page_by_page_equal_the_whole_listing),
        cmocka_unit_test(test_contract_listing__subjects_page_by_page_equal_the_whole_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
