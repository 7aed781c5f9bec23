/* report_test.c -- the renderings of a check's findings: escaping in every format, and the
 * layout each consumer reads. (The JUnit output is also parsed as XML in tests/cli/.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/report.h"

static char *render(const sr_report *r, const char *format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_int_equal(sr_report_write(r, format, "main", f), 0);
    fclose(f);
    return buf;
}

static void fill(sr_report *r)
{
    sr_report_checked(r, "a.proto");
    sr_report_checked(r, "b&c.proto");
    sr_report_finding(r, "a.proto", 3, 5, "x < y & \"z\" | 100% \n next");
}

static void test_report__human_and_github_lines(void **state)
{
    sr_report r = {SR_STRLIST_INIT, NULL, 0};
    char *out;
    (void)state;

    fill(&r);
    out = render(&r, "human");
    assert_string_equal(out, "a.proto:3:5: x < y & \"z\" | 100% \n next\n");
    free(out);
    unsetenv("GITHUB_STEP_SUMMARY");
    out = render(&r, "github"); /* workflow commands escape %, CR and LF */
    assert_string_equal(out, "::error file=a.proto,line=3,col=5::x < y & \"z\" | 100%25 %0A next\n");
    free(out);
    sr_report_dispose(&r);
}

static void test_report__junit_escapes_and_counts(void **state)
{
    sr_report r = {SR_STRLIST_INIT, NULL, 0};
    char *out;
    (void)state;

    fill(&r);
    out = render(&r, "junit");
    assert_non_null(strstr(out, "<testsuite name=\"sluice ci check\" tests=\"2\" failures=\"1\">"));
    assert_non_null(strstr(out, "<testcase classname=\"schemas\" name=\"b&amp;c.proto\">"));
    assert_non_null(strstr(out, "message=\"line 3, column 5: x &lt; y &amp; &quot;z&quot;"));
    free(out);
    sr_report_dispose(&r);
}

static void test_report__json_and_markdown(void **state)
{
    sr_report r = {SR_STRLIST_INIT, NULL, 0};
    json_t *doc;
    char *out;
    (void)state;

    fill(&r);
    out = render(&r, "json");
    doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_true(json_is_false(json_object_get(doc, "compatible")));
    assert_int_equal(json_array_size(json_object_get(doc, "checked")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(doc, "breaking"), 0), "line")), 3);
    json_decref(doc);
    free(out);
    out = render(&r, "markdown"); /* pipes and newlines cannot break the table */
    assert_non_null(strstr(out, "| `a.proto` | 3:5 | x < y & \"z\" \\| 100%   next |"));
    free(out);
    assert_false(sr_report_format_known("yaml"));
    sr_report_dispose(&r);
}

/* A finding without a position (a verdict only the registry gives reasons for) names the file
 * alone in every format. */
static void test_report__a_finding_without_a_position_names_the_file_only(void **state)
{
    sr_report r = {SR_STRLIST_INIT, NULL, 0};
    json_t *doc, *item;
    char *out;
    (void)state;

    sr_report_checked(&r, "a.proto");
    sr_report_finding(&r, "a.proto", 0, 0, "the registry says no");
    out = render(&r, "human");
    assert_string_equal(out, "a.proto: the registry says no\n");
    free(out);
    unsetenv("GITHUB_STEP_SUMMARY");
    out = render(&r, "github");
    assert_string_equal(out, "::error file=a.proto::the registry says no\n");
    free(out);
    out = render(&r, "markdown");
    assert_non_null(strstr(out, "| `a.proto` | - | the registry says no |"));
    free(out);
    out = render(&r, "junit");
    assert_non_null(strstr(out, "message=\"the registry says no\">a.proto: the registry says no<"));
    free(out);
    out = render(&r, "json");
    doc = json_loads(out, 0, NULL);
    item = json_array_get(json_object_get(doc, "breaking"), 0);
    assert_true(json_is_null(json_object_get(item, "line")));
    assert_true(json_is_null(json_object_get(item, "column")));
    json_decref(doc);
    free(out);
    sr_report_dispose(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__human_and_github_lines),
        cmocka_unit_test(test_report__junit_escapes_and_counts),
        cmocka_unit_test(test_report__json_and_markdown),
        cmocka_unit_test(test_report__a_finding_without_a_position_names_the_file_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
