/* proto_diff_test.c -- every protobuf difference type, in both directions: the differences
 * reported when going from `a` to `b`, and from `b` to `a`, as Confluent's diff reports them
 * (compatibility-rules.md §3), plus each one's verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compat/protobuf/protobuf.h"

#define P3 "syntax = \"proto3\";\n"
#define P2 "syntax = \"proto2\";\n"

static const struct {
    const char *a, *b;
    const char *a_to_b; /* sorted, space-separated "TYPE path" entries joined by "; " */
    const char *b_to_a;
} cases[] = {
    {P3 "message M { int32 x = 1; }", P3 "message M { int32 x = 1; int32 y = 2; }",
     "FIELD_ADDED #/M/2", "FIELD_REMOVED #/M/2"},
    {P2 "message M { optional int32 x = 1; }",
     P2 "message M { optional int32 x = 1; required int32 y = 2; }",
     "REQUIRED_FIELD_ADDED #/M/2", "REQUIRED_FIELD_REMOVED #/M/2"},
    {P3 "message M { int32 x = 1; }", P3 "message M { int32 renamed = 1; }",
     "FIELD_NAME_CHANGED #/M/1", "FIELD_NAME_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { M x = 1; }",
     "FIELD_KIND_CHANGED #/M/1", "FIELD_KIND_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { map<string, int32> x = 1; }",
     "FIELD_KIND_CHANGED #/M/1", "FIELD_KIND_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { sint32 x = 1; }",
     "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { uint64 x = 1; }", "", ""},
    {P3 "message M { int32 x = 1; E e = 2; enum E { Z = 0; } }",
     P3 "message M { int32 x = 1; int32 e = 2; enum E { Z = 0; } }", "", ""},
    {P3 "message M { A x = 1; } message A {} message B {}",
     P3 "message M { B x = 1; } message A {} message B {}",
     "FIELD_NAMED_TYPE_CHANGED #/M/1", "FIELD_NAMED_TYPE_CHANGED #/M/1"},
    {P3 "message M { optional int32 x = 1; }", P3 "message M { repeated int32 x = 1; }",
     "FIELD_NUMERIC_LABEL_CHANGED #/M/1", "FIELD_NUMERIC_LABEL_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { repeated int32 x = 1; }", "", ""},
    {P3 "message M { optional string x = 1; }", P3 "message M { repeated string x = 1; }",
     "FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/1", "FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/1"},
    {P3 "message M { int32 x = 1; }", P3 "message M { int32 x = 1; } message N {}",
     "MESSAGE_ADDED #/N", "MESSAGE_REMOVED #/N"},
    {P3 "message M { int32 x = 1; }", P3 "message M { int32 x = 1; message In {} }",
     "MESSAGE_ADDED #/M/In", "MESSAGE_REMOVED #/M/In"},
    {P3 "message A {} message B {}", P3 "message B {} message A {}",
     "MESSAGE_MOVED #/A; MESSAGE_MOVED #/B", "MESSAGE_MOVED #/A; MESSAGE_MOVED #/B"},
    {P3 "message M {}", P3 "message M {} enum E { Z = 0; }", "ENUM_ADDED #/E", "ENUM_REMOVED #/E"},
    {P3 "enum E { Z = 0; }", P3 "enum E { Z = 0; ONE = 1; }", "ENUM_CONST_ADDED #/E/1",
     "ENUM_CONST_REMOVED #/E/1"},
    {P3 "enum E { Z = 0; ONE = 1; }", P3 "enum E { Z = 0; UNO = 1; }", "ENUM_CONST_CHANGED #/E/1",
     "ENUM_CONST_CHANGED #/E/1"},
    {P3 "message M { int32 x = 1; }", P3 "package p;\nmessage M { int32 x = 1; }",
     "PACKAGE_CHANGED #/", "PACKAGE_CHANGED #/"},
    {P3 "message M { oneof o { int32 a = 1; } }", P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }",
     "ONEOF_FIELD_ADDED #/M/o/2", "ONEOF_FIELD_REMOVED #/M/o/2"},
    {P3 "message M { int32 x = 1; }", P3 "message M { int32 x = 1; oneof o { int32 a = 2; } }",
     "ONEOF_ADDED #/M/o; ONEOF_FIELD_ADDED #/M/o/2", "ONEOF_REMOVED #/M/o"},
    {P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }",
     P3 "message M { int32 a = 1; oneof o { int32 b = 2; } }",
     "ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/M/1", "FIELD_MOVED_TO_EXISTING_ONEOF #/M/o"},
    {P3 "message M { int32 a = 1; int32 b = 2; }", P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }",
     "MULTIPLE_FIELDS_MOVED_TO_ONEOF #/M/o; ONEOF_ADDED #/M/o",
     "ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/M/1; ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/M/2; ONEOF_REMOVED #/M/o"},
    {P3 "message M { int32 a = 1; }", P3 "message M { oneof o { int32 a = 1; } }",
     "ONEOF_ADDED #/M/o", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/M/1; ONEOF_REMOVED #/M/o"},
};

static char *describe(const sr_proto_fileset *from, const sr_proto_fileset *to, int *compatible)
{
    sr_proto_diffs d = {0};
    sr_strlist l = SR_STRLIST_INIT;
    sr_buf b = SR_BUF_INIT;

    sr_proto_diff_compare(&d, from, to);
    *compatible = 1;
    for (size_t i = 0; i < d.n; i++) {
        sr_strlist_addf(&l, "%s %s", d.v[i].type, d.v[i].path);
        *compatible &= sr_proto_diff_is_compatible(d.v[i].type);
    }
    for (size_t i = 1; i < l.n; i++) /* insertion sort: a handful of entries */
        for (size_t k = i; k > 0 && strcmp(l.v[k - 1], l.v[k]) > 0; k--) {
            char *t = l.v[k];
            l.v[k] = l.v[k - 1];
            l.v[k - 1] = t;
        }
    for (size_t i = 0; i < l.n; i++)
        sr_buf_printf(&b, "%s%s", i ? "; " : "", l.v[i]);
    sr_strlist_dispose(&l);
    sr_proto_diffs_dispose(&d);
    return sr_buf_detach(&b);
}

static int expected_compatible(const char *changes)
{
    char *copy = strdup(changes), *save = NULL;
    int ok = 1;

    for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        char type[64];
        if (sscanf(t, " %63s", type) == 1)
            ok &= sr_proto_diff_is_compatible(type);
    }
    free(copy);
    return ok;
}

static void test_proto_diff__every_difference_type_in_both_directions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_proto_fileset *a = NULL, *b = NULL;
        sr_err err = {0};
        int ok;
        char *got;
        if (sr_proto_parse(&a, "a.proto", cases[i].a, NULL, 0, &err) < 0 ||
            sr_proto_parse(&b, "b.proto", cases[i].b, NULL, 0, &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        got = describe(a, b, &ok);
        if (strcmp(got, cases[i].a_to_b) != 0)
            fail_msg("case %zu a->b: got '%s', want '%s'", i, got, cases[i].a_to_b);
        assert_int_equal(ok, expected_compatible(cases[i].a_to_b));
        free(got);
        got = describe(b, a, &ok);
        if (strcmp(got, cases[i].b_to_a) != 0)
            fail_msg("case %zu b->a: got '%s', want '%s'", i, got, cases[i].b_to_a);
        free(got);
        sr_proto_fileset_free(a);
        sr_proto_fileset_free(b);
    }
}

static void test_proto_diff__incompatible_types_get_confluents_messages(void **state)
{
    sr_proto_diff d = {"FIELD_KIND_CHANGED", "#/M/1"};
    sr_proto_diff r = {"REQUIRED_FIELD_ADDED", "#/M/2"};
    char *m;
    (void)state;

    m = sr_proto_diff_message(&d);
    assert_string_equal(m, "{errorType:\"FIELD_KIND_CHANGED\", description:\"The type of a field at "
                           "path '#/M/1' in the %s schema does not match the %s schema\"}");
    free(m);
    m = sr_proto_diff_message(&r); /* sic: two spaces, as Confluent writes it */
    assert_string_equal(m, "{errorType:\"REQUIRED_FIELD_ADDED\", description:\"A required field  at "
                           "path '#/M/2' in the %s schema is missing in the %s schema\"}");
    free(m);
    assert_true(sr_proto_diff_is_compatible("ONEOF_FIELD_MOVED_TO_TOP_LEVEL"));
    assert_false(sr_proto_diff_is_compatible("ONEOF_FIELD_REMOVED"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_diff__every_difference_type_in_both_directions),
        cmocka_unit_test(test_proto_diff__incompatible_types_get_confluents_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
