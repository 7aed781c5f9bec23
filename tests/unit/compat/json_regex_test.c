/* json_regex_test.c -- JSON Schema patterns that would make glibc's regular expression compiler
 * take gigabytes (stacked quantifiers, wide counted repetitions, many costly patterns in one
 * schema) are refused with 42201, quickly; the patterns real schemas use still compile and match;
 * and a compatibility check compiles each patternProperties pattern once, however many properties
 * change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"

/* 0 when `pattern` (as "pattern" of a string schema) parses, else the error code. */
static int pattern_parses(const char *pattern)
{
    sr_schema *s = NULL;
    sr_err err = {0};
    int code;
    json_t *j = json_pack("{s:s, s:s}", "type", "string", "pattern", pattern);
    char *text = json_dumps(j, JSON_COMPACT);

    code = sr_schema_parse(&s, SR_TYPE_JSON, text, NULL, 0, SR_PARSE_NEW, &err) == 0 ? 0 : err.code;
    sr_schema_free(s);
    sr_err_dispose(&err);
    free(text);
    json_decref(j);
    return code;
}

static void test_json_regex__patterns_of_real_schemas_compile(void **state)
{
    static const char *const ok[] = {
        "^[A-Z]{2,3}(-[0-9]+)?$", "\\d{4}-\\d{2}-\\d{2}", "^.{0,1000}$", "(a|b)*c", "^x-[a-z]+$",
        "[[:alpha:]_][[:alnum:]_]*", "^(\\+|-)?[0-9]{1,15}(\\.[0-9]{1,4})?$", "a{1000}", "[]a]+",
        "^(([a-z]{1,10}\\.){1,5}[a-z]{2,6})$",
    };
    (void)state;

    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (pattern_parses(ok[i]) != 0)
            fail_msg("refused: %s", ok[i]);
}

static void test_json_regex__patterns_glibc_would_take_gigabytes_for_are_refused(void **state)
{
    static const char *const costly[] = {
        "a++++++++++++++++++++++", /* each '+' doubles what glibc builds */
        "a{1,32767}",               /* 8 GB and half a minute */
        "a{,27667}",                /* glibc reads {,m} as {0,m} */
        "[a-z]{1,30000}",
        "(a{1,1000}){1,10}",
        "((((a{1,20}){1,20}){1,20}){1,20})",
        "a**", "(*a)", "+", "a|*b", /* nothing to repeat (ECMA 262 refuses them too) */
    };
    (void)state;

    for (size_t i = 0; i < sizeof costly / sizeof *costly; i++)
        if (pattern_parses(costly[i]) != 42201)
            fail_msg("not refused: %s", costly[i]);
}

/* Each pattern is affordable; all of them together are not. */
static void test_json_regex__the_patterns_of_one_schema_share_one_budget(void **state)
{
    json_t *props = json_object(), *schema;
    sr_schema *s = NULL;
    sr_err err = {0};
    char *text, key[32];
    (void)state;

    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "^p%d.{0,900}$", i);
        json_object_set_new(props, key, json_pack("{s:s}", "type", "string"));
    }
    schema = json_pack("{s:s, s:o}", "type", "object", "patternProperties", props);
    text = json_dumps(schema, JSON_COMPACT);
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_JSON, text, NULL, 0, SR_PARSE_NEW, &err), -1);
    assert_int_equal(err.code, 42201);
    assert_non_null(strstr(sr_err_message(&err), "regular expression"));
    sr_err_dispose(&err);
    free(text);
    json_decref(schema);
}

/* A partially open content model: 20,000 properties added, each tried against the patterns. */
static void test_json_regex__a_check_compiles_each_pattern_once(void **state)
{
    json_t *props = json_object(), *older, *newer;
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_schema *a = NULL, *b = NULL;
    sr_candidate cand;
    sr_err err = {0};
    char *ta, *tb, key[32];
    (void)state;

    older = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:b}", "type", "object", "patternProperties",
                      "^x-[a-z0-9]{1,200}$", "type", "string", "^y.{0,500}$", "type", "integer",
                      "additionalProperties", 0);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "x-%d", i);
        json_object_set_new(props, key, json_pack("{s:s}", "type", "string"));
    }
    newer = json_deep_copy(older);
    json_object_set_new(newer, "properties", props);
    ta = json_dumps(older, JSON_COMPACT);
    tb = json_dumps(newer, JSON_COMPACT);
    assert_int_equal(sr_schema_parse(&a, SR_TYPE_JSON, ta, NULL, 0, 0, &err), 0);
    assert_int_equal(sr_schema_parse(&b, SR_TYPE_JSON, tb, NULL, 0, 0, &err), 0);
    cand = (sr_candidate){a, 1};
    assert_int_not_equal(sr_compat_check(&msgs, SR_COMPAT_FULL, b, &cand, 1, &err), -1);
    sr_strlist_dispose(&msgs);
    sr_schema_free(a);
    sr_schema_free(b);
    sr_err_dispose(&err);
    free(ta);
    free(tb);
    json_decref(older);
    json_decref(newer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_regex__patterns_of_real_schemas_compile),
        cmocka_unit_test(test_json_regex__patterns_glibc_would_take_gigabytes_for_are_refused),
        cmocka_unit_test(test_json_regex__the_patterns_of_one_schema_share_one_budget),
        cmocka_unit_test(test_json_regex__a_check_compiles_each_pattern_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
