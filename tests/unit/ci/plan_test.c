/* plan_test.c -- subject mapping (by path, by explicit map, by message) and the registration
 * order (imports first, cycles refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ci/plan.h"
#include "common/buf.h"

static sr_gitfiles files_of(const char *const *pairs, size_t n)
{
    sr_gitfiles f = {sr_xcalloc(n + 1, sizeof(sr_gitfile)), n};

    for (size_t i = 0; i < n; i++)
        f.v[i] = (sr_gitfile){sr_xstrdup(pairs[2 * i]), sr_xstrdup(pairs[2 * i + 1]), NULL};
    return f;
}

static const char *const repo[] = {
    "events/order.proto", "syntax = \"proto3\"; package shop; import \"common/money.proto\";\n"
                          "import \"google/protobuf/timestamp.proto\";\n"
                          "message Order { Money total = 1; } message Refund { Money amount = 1; }",
    "common/money.proto", "syntax = \"proto3\"; package shop; import \"common/currency.proto\";\n"
                          "message Money { Currency c = 1; }",
    "common/currency.proto", "syntax = \"proto3\"; package shop; enum Currency { EUR = 0; }",
    "unrelated.proto", "syntax = \"proto3\"; message U {}",
};

static void test_plan__imports_are_found_by_their_import_statements(void **state)
{
    sr_gitfiles f = files_of(repo, 4);
    sr_strlist deps = SR_STRLIST_INIT;
    (void)state;

    assert_true(sr_ci_imports(f.v[0].text, "common/money.proto"));
    assert_false(sr_ci_imports(f.v[0].text, "common/money"));
    assert_false(sr_ci_imports(f.v[0].text, "common/currency.proto"));
    sr_ci_local_imports(&deps, &f, &f.v[0]); /* the well-known import is not a repository file */
    assert_int_equal(deps.n, 1);
    assert_string_equal(deps.v[0], "common/money.proto");
    sr_strlist_dispose(&deps);
    sr_gitfiles_dispose(&f);
}

static void test_plan__commented_imports_are_not_imports(void **state)
{
    (void)state;
    assert_false(sr_ci_imports("syntax = \"proto3\";\n// import \"a.proto\";\n"
                               "/* import \"a.proto\"; */ message M { string import = 1; }", "a.proto"));
    assert_true(sr_ci_imports("syntax = \"proto3\";\nimport public \"a.proto\";", "a.proto"));
}

static void test_plan__importers_of_a_change_are_found_transitively(void **state)
{
    sr_gitfiles f = files_of(repo, 4);
    sr_strlist todo = SR_STRLIST_INIT, changed = SR_STRLIST_INIT;
    (void)state;

    sr_strlist_add(&changed, "common/currency.proto"); /* e.g. deleted: only its importers */
    sr_ci_importers(&todo, &f, &changed);
    assert_int_equal(todo.n, 2);
    assert_string_equal(todo.v[0], "common/money.proto");
    assert_string_equal(todo.v[1], "events/order.proto");
    sr_strlist_dispose(&todo);
    sr_strlist_dispose(&changed);
    sr_gitfiles_dispose(&f);
}

static void test_plan__subjects_by_path_map_and_message(void **state)
{
    sr_gitfiles f = files_of(repo, 4);
    sr_ci_config cfg;
    sr_strlist s = SR_STRLIST_INIT;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_ci_config_parse(&cfg, NULL, &err), 0);
    sr_ci_subjects_of(&s, &cfg, &f, &f.v[0]);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0], "events/order.proto");
    sr_strlist_dispose(&s);
    sr_ci_config_dispose(&cfg);

    assert_int_equal(sr_ci_config_parse(&cfg, "subjects: map\nsubject_map:\n  events/order.proto: orders-value\n", &err), 0);
    sr_ci_subjects_of(&s, &cfg, &f, &f.v[0]);
    assert_string_equal(s.v[0], "orders-value");
    sr_strlist_dispose(&s);
    sr_ci_subjects_of(&s, &cfg, &f, &f.v[1]); /* not in the map: by path */
    assert_string_equal(s.v[0], "common/money.proto");
    sr_strlist_dispose(&s);
    sr_ci_config_dispose(&cfg);

    assert_int_equal(sr_ci_config_parse(&cfg, "subjects: message\n", &err), 0);
    sr_ci_subjects_of(&s, &cfg, &f, &f.v[0]);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0], "shop.Order");
    assert_string_equal(s.v[1], "shop.Refund");
    sr_strlist_dispose(&s);
    sr_ci_subjects_of(&s, &cfg, &f, &f.v[2]); /* no message: by path */
    assert_string_equal(s.v[0], "common/currency.proto");
    sr_strlist_dispose(&s);
    sr_ci_config_dispose(&cfg);
    sr_gitfiles_dispose(&f);
}

static void test_plan__files_come_after_everything_they_import(void **state)
{
    sr_gitfiles f = files_of(repo, 4);
    sr_strlist order = SR_STRLIST_INIT, visiting = SR_STRLIST_INIT;
    (void)state;

    for (size_t i = 0; i < f.n; i++)
        assert_int_equal(sr_ci_order_files(&order, &f, &f.v[i], &visiting), 0);
    assert_int_equal(order.n, 4);
    assert_string_equal(order.v[0], "common/currency.proto");
    assert_string_equal(order.v[1], "common/money.proto");
    assert_string_equal(order.v[2], "events/order.proto");
    assert_string_equal(order.v[3], "unrelated.proto");
    sr_strlist_dispose(&order);
    sr_strlist_dispose(&visiting);
    sr_gitfiles_dispose(&f);
}

static void test_plan__an_import_cycle_is_refused(void **state)
{
    static const char *const cyc[] = {
        "a.proto", "syntax = \"proto3\"; import \"b.proto\";",
        "b.proto", "syntax = \"proto3\"; import \"a.proto\";",
    };
    sr_gitfiles f = files_of(cyc, 2);
    sr_strlist order = SR_STRLIST_INIT, visiting = SR_STRLIST_INIT;
    (void)state;

    assert_int_equal(sr_ci_order_files(&order, &f, &f.v[0], &visiting), -1);
    sr_strlist_dispose(&order);
    sr_strlist_dispose(&visiting);
    sr_gitfiles_dispose(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan__imports_are_found_by_their_import_statements),
        cmocka_unit_test(test_plan__commented_imports_are_not_imports),
        cmocka_unit_test(test_plan__importers_of_a_change_are_found_transitively),
        cmocka_unit_test(test_plan__subjects_by_path_map_and_message),
        cmocka_unit_test(test_plan__files_come_after_everything_they_import),
        cmocka_unit_test(test_plan__an_import_cycle_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
