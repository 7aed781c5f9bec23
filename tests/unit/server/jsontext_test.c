/* jsontext_test.c -- JSON texts as the web UI shows them: indented without re-encoding a token,
 * and a JSON pointer's value found by line and column in any layout; and the router's last
 * segment {name*}, which takes the rest of a path (the UI's pages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/http.h"
#include "server/registry/internal.h"

static void test_pretty__indents_and_keeps_every_token_as_written(void **state)
{
    char *p = sr_registry__json_pretty("{\"a\":[1.50,2e3],\"b\":{},\"c\":[],\"s\":\"x,{:}\\\"y\"}");
    (void)state;
    assert_string_equal(p, "{\n  \"a\": [\n    1.50,\n    2e3\n  ],\n  \"b\": {},\n  \"c\": [],\n"
                           "  \"s\": \"x,{:}\\\"y\"\n}\n");
    free(p);
    p = sr_registry__json_pretty("\"string\"");
    assert_string_equal(p, "\"string\"\n");
    free(p);
}

static void test_locate__finds_members_and_elements_in_any_layout(void **state)
{
    const char *compact = "{\"type\":\"record\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                          "{\"name\":\"b\",\"type\":{\"type\":\"array\",\"items\":\"x\"}}]}";
    char *pretty = sr_registry__json_pretty(compact);
    int line = 0, col = 0;
    (void)state;

    assert_true(sr_registry__json_locate(&line, &col, compact, "/fields/1/type/items"));
    assert_int_equal(line, 1);
    assert_int_equal(col, (int)(strstr(compact, "\"x\"") - compact) + 1);
    assert_true(sr_registry__json_locate(&line, &col, pretty, "/fields/0/type"));
    assert_int_equal(line, 6);
    assert_int_equal(col, 15);
    assert_true(sr_registry__json_locate(&line, &col, pretty, ""));
    assert_int_equal(line, 1);
    assert_false(sr_registry__json_locate(&line, &col, pretty, "/fields/2"));
    assert_false(sr_registry__json_locate(&line, &col, pretty, "/fields/x"));
    assert_false(sr_registry__json_locate(&line, &col, pretty, "/nope"));
    assert_false(sr_registry__json_locate(&line, &col, pretty, "nope"));
    assert_false(sr_registry__json_locate(&line, &col, "{\"a\":", "/a"));
    assert_false(sr_registry__json_locate(&line, &col, "", ""));
    free(pretty);
}

static void test_locate__decodes_pointer_escapes_and_counts_characters(void **state)
{
    const char *text = "{\"é\": 1,\n \"a/b\": {\"~k\": [true, \"\\\"}\"]}}";
    int line = 0, col = 0;
    (void)state;

    assert_true(sr_registry__json_locate(&line, &col, text, "/a~1b/~0k/1"));
    assert_int_equal(line, 2);
    assert_int_equal(col, 23);
    assert_true(sr_registry__json_locate(&line, &col, text, "/é"));
    assert_int_equal(col, 7); /* é is one column */
}

static void test_router__a_last_segment_with_a_star_takes_the_rest_of_the_path(void **state)
{
    sr_req req = {0};
    int status = 0;
    const sr_route *r;
    (void)state;

    r = sr_route_match(&req, SR_GET, "/ui/subjects/a%2Fb/versions/3", &status);
    assert_non_null(r);
    assert_string_equal(r->pattern, "/ui/{page*}");
    assert_string_equal(req.params[0], "subjects/a%2Fb/versions/3"); /* undecoded */
    r = sr_route_match(&req, SR_GET, "/ui/", &status);
    assert_string_equal(r->pattern, "/ui/{page*}");
    assert_string_equal(req.params[0], "");
    r = sr_route_match(&req, SR_GET, "/ui", &status);
    assert_string_equal(r->pattern, "/ui");
    assert_null(sr_route_match(&req, SR_POST, "/ui/x", &status));
    assert_int_equal(status, 405);
    sr_req_free_params(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pretty__indents_and_keeps_every_token_as_written),
        cmocka_unit_test(test_locate__finds_members_and_elements_in_any_layout),
        cmocka_unit_test(test_locate__decodes_pointer_escapes_and_counts_characters),
        cmocka_unit_test(test_router__a_last_segment_with_a_star_takes_the_rest_of_the_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
