/* idcache_test.c -- the registry's byte-bounded, shared, generation-checked cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "server/registry/idcache.h"

static char *value(const char *s)
{
    return sr_xstrdup(s);
}

static void test_idcache__a_put_value_is_got_back_and_shared(void **state)
{
    sr_idcache *c = sr_idcache_new(1000, free);
    sr_idcache_ref *a, *b;
    (void)state;

    assert_null(sr_idcache_get(c, ".", 1));
    a = sr_idcache_put(c, ".", 1, value("one"), 10, sr_idcache_generation(c));
    b = sr_idcache_get(c, ".", 1);
    assert_ptr_equal(a, b);
    assert_string_equal(sr_idcache_value(b), "one");
    sr_idcache_release(c, a);
    sr_idcache_release(c, b);
    /* a second put of the same id hands back the entry already there */
    a = sr_idcache_put(c, ".", 1, value("uno"), 10, sr_idcache_generation(c));
    assert_string_equal(sr_idcache_value(a), "one");
    sr_idcache_release(c, a);
    sr_idcache_free(c);
}

/* A value read before an invalidation is never put after it (idcache.h). */
static void test_idcache__a_put_under_an_old_generation_is_not_kept(void **state)
{
    sr_idcache *c = sr_idcache_new(1000, free);
    uint64_t before = sr_idcache_generation(c);
    sr_idcache_ref *r;
    (void)state;

    sr_idcache_invalidate(c, ".", 7); /* a removal happened meanwhile */
    r = sr_idcache_put(c, ".", 7, value("stale"), 10, before);
    assert_string_equal(sr_idcache_value(r), "stale"); /* the caller still gets its value */
    sr_idcache_release(c, r);
    assert_null(sr_idcache_get(c, ".", 7));
    sr_idcache_release(c, sr_idcache_put(c, ".", 7, value("fresh"), 10, sr_idcache_generation(c)));
    r = sr_idcache_get(c, ".", 7);
    assert_string_equal(sr_idcache_value(r), "fresh");
    sr_idcache_release(c, r);
    sr_idcache_free(c);
}

static void test_idcache__entries_beyond_the_byte_bound_go_least_recently_used_first(void **state)
{
    sr_idcache *c = sr_idcache_new(100, free);
    sr_idcache_stats st;
    sr_idcache_ref *r;
    (void)state;

    for (int id = 1; id <= 2; id++)
        sr_idcache_release(c, sr_idcache_put(c, ".", id, value("x"), 40, sr_idcache_generation(c)));
    sr_idcache_release(c, sr_idcache_get(c, ".", 1)); /* 1 is now the more recent */
    sr_idcache_release(c, sr_idcache_put(c, ".", 3, value("x"), 40, sr_idcache_generation(c)));
    assert_null(sr_idcache_get(c, ".", 2));
    assert_non_null(r = sr_idcache_get(c, ".", 1));
    sr_idcache_release(c, r);
    sr_idcache_stats_get(c, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.bytes, 80);
    assert_int_equal(st.evictions, 1);
    /* a value larger than the whole bound is handed back but not kept */
    sr_idcache_release(c, sr_idcache_put(c, ".", 9, value("big"), 101, sr_idcache_generation(c)));
    assert_null(sr_idcache_get(c, ".", 9));
    sr_idcache_free(c);
}

/* An entry invalidated or evicted while a reader holds it stays valid until released (ASan
 * would report a use after free otherwise). */
static void test_idcache__a_held_entry_outlives_its_invalidation(void **state)
{
    sr_idcache *c = sr_idcache_new(1000, free);
    sr_idcache_ref *held;
    (void)state;

    sr_idcache_release(c, sr_idcache_put(c, ".", 5, value("held"), 10, sr_idcache_generation(c)));
    held = sr_idcache_get(c, ".", 5);
    sr_idcache_invalidate(c, NULL, 0);
    assert_null(sr_idcache_get(c, ".", 5));
    assert_string_equal(sr_idcache_value(held), "held");
    sr_idcache_release(c, held);
    sr_idcache_free(c);
}

static void test_idcache__a_zero_bound_keeps_nothing(void **state)
{
    sr_idcache *c = sr_idcache_new(0, free);
    sr_idcache_ref *r;
    (void)state;

    r = sr_idcache_put(c, ".", 1, value("v"), 1, sr_idcache_generation(c));
    assert_string_equal(sr_idcache_value(r), "v");
    sr_idcache_release(c, r);
    assert_null(sr_idcache_get(c, ".", 1));
    sr_idcache_free(c);
}

static void test_idcache__many_ids_grow_the_table(void **state)
{
    sr_idcache *c = sr_idcache_new(1 << 20, free);
    (void)state;

    for (int id = 1; id <= 5000; id++)
        sr_idcache_release(c, sr_idcache_put(c, ".", id, value("v"), 8, sr_idcache_generation(c)));
    for (int id = 1; id <= 5000; id += 499) {
        sr_idcache_ref *r = sr_idcache_get(c, ".", id);
        assert_non_null(r);
        sr_idcache_release(c, r);
    }
    sr_idcache_invalidate(c, ".", 2500);
    assert_null(sr_idcache_get(c, ".", 2500));
    sr_idcache_free(c);
}

/* The same id in two contexts is two schemas. */
static void test_idcache__ids_are_kept_apart_by_context(void **state)
{
    sr_idcache *c = sr_idcache_new(1000, free);
    sr_idcache_ref *r;
    (void)state;

    sr_idcache_release(c, sr_idcache_put(c, ".", 1, value("default"), 10, sr_idcache_generation(c)));
    sr_idcache_release(c, sr_idcache_put(c, ".ctx", 1, value("ctx"), 10, sr_idcache_generation(c)));
    assert_string_equal(sr_idcache_value(r = sr_idcache_get(c, ".ctx", 1)), "ctx");
    sr_idcache_release(c, r);
    sr_idcache_invalidate(c, ".ctx", 1);
    assert_null(sr_idcache_get(c, ".ctx", 1));
    assert_string_equal(sr_idcache_value(r = sr_idcache_get(c, ".", 1)), "default");
    sr_idcache_release(c, r);
    sr_idcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idcache__a_put_value_is_got_back_and_shared),
        cmocka_unit_test(test_idcache__a_put_under_an_old_generation_is_not_kept),
        cmocka_unit_test(test_idcache__entries_beyond_the_byte_bound_go_least_recently_used_first),
        cmocka_unit_test(test_idcache__a_held_entry_outlives_its_invalidation),
        cmocka_unit_test(test_idcache__a_zero_bound_keeps_nothing),
        cmocka_unit_test(test_idcache__many_ids_grow_the_table),
        cmocka_unit_test(test_idcache__ids_are_kept_apart_by_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
