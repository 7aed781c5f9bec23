/* config_test.c -- sluice.yaml: defaults, every key, errors that name the problem, and the
 * mapping of repository paths onto proto roots with ignores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ci/config.h"

static void test_config__absent_file_means_the_root_and_subjects_by_path(void **state)
{
    sr_ci_config c;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_ci_config_parse(&c, NULL, &err), 0);
    assert_int_equal(c.mapping, SR_MAP_PATH);
    assert_null(c.compatibility);
    assert_false(c.allow_deletions);
    assert_string_equal(sr_ci_config_relative(&c, "events/order.proto"), "events/order.proto");
    sr_ci_config_dispose(&c);
}

static void test_config__every_key(void **state)
{
    const char *yaml = "roots: [proto, other/]\n"
                       "ignore:\n  - \"vendor/*\"\n  - \"*_test.proto\"\n"
                       "subjects: map\n"
                       "subject_map:\n  events/order.proto: orders-value\n"
                       "compatibility: full_transitive\n"
                       "allow_deletions: true\n";
    sr_ci_config c;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_ci_config_parse(&c, yaml, &err), 0);
    assert_int_equal(c.roots.n, 2);
    assert_string_equal(c.roots.v[0], "proto/");
    assert_string_equal(c.roots.v[1], "other/");
    assert_int_equal(c.mapping, SR_MAP_EXPLICIT);
    assert_string_equal(c.map_files.v[0], "events/order.proto");
    assert_string_equal(c.map_subjects.v[0], "orders-value");
    assert_string_equal(c.compatibility, "FULL_TRANSITIVE");
    assert_true(c.allow_deletions);
    assert_string_equal(sr_ci_config_relative(&c, "proto/events/order.proto"), "events/order.proto");
    assert_string_equal(sr_ci_config_relative(&c, "other/a.proto"), "a.proto");
    assert_null(sr_ci_config_relative(&c, "docs/a.proto"));                 /* outside the roots */
    assert_null(sr_ci_config_relative(&c, "proto/vendor/x/y.proto"));       /* ignored */
    assert_null(sr_ci_config_relative(&c, "proto/deep/dir/a_test.proto"));  /* '*' spans '/' */
    sr_ci_config_dispose(&c);
}

static void test_config__mistakes_are_named(void **state)
{
    static const struct {
        const char *yaml, *expect;
    } cases[] = {
        {"subjects: bytype\n", "subjects is path, message or map"},
        {"subjects: map\n", "subjects: map needs a subject_map"},
        {"compatibility: sideways\n", "compatibility is one of"},
        {"allow_deletions: maybe\n", "allow_deletions is true or false"},
        {"colour: blue\n", "unknown key 'colour'"},
        {"roots: {a: b}\n", "roots must be a list of strings"},
        {"- just\n- a list\n", "expected a mapping"},
        {"roots: [unclosed\n", "sluice.yaml:"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_ci_config c;
        sr_err err = {0};
        assert_int_equal(sr_ci_config_parse(&c, cases[i].yaml, &err), -1);
        assert_int_equal(err.code, 2);
        if (!strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config__absent_file_means_the_root_and_subjects_by_path),
        cmocka_unit_test(test_config__every_key),
        cmocka_unit_test(test_config__mistakes_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
