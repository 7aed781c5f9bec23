/* proto_scale_test.c -- large .proto files go through every pass (parse, resolve, options,
 * validation, canonical and normalized printing, source info, format=serialized) and come out
 * right: 20,000 fields, messages, enum values, imports, options, ranges; very long names and
 * comments. Functional checks only: how long they take is measured by tests/bench/, where a pass
 * that is quadratic in any of these dimensions shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "compat/protobuf/protobuf.h"

/* Parse through the registry's entry point, check the canonical text reads back to itself, and
 * render the serialized form. */
static sr_schema *parse_and_round_trip(const char *text, const sr_dep *deps, size_t ndeps)
{
    sr_schema *s = NULL, *again = NULL;
    sr_err err = {0};
    char *serialized = NULL;

    if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, deps, ndeps, SR_PARSE_NEW, &err) < 0)
        fail_msg("%s", err.msg);
    if (sr_schema_parse(&again, SR_TYPE_PROTOBUF, sr_schema_canonical(s), deps, ndeps, 0, &err) < 0)
        fail_msg("the canonical text does not parse: %s", err.msg);
    assert_string_equal(sr_schema_canonical(s), sr_schema_canonical(again));
    assert_int_equal(sr_schema_render(&serialized, s, "serialized", &err), 0);
    assert_true(strlen(serialized) > 0);
    free(serialized);
    sr_schema_free(again);
    return s;
}

/* The i-th field number, past those protobuf keeps for itself (19000 to 19999). */
#define NUMBER(i) ((i) < 19000 ? (i) : (i) + 1000)

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_proto_scale__a_message_with_20000_fields_round_trips(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s, *norm = NULL;
    sr_err err = {0};
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage big;\nmessage M {\n");
    for (int i = 20000; i >= 1; i--) /* reversed, so that normalizing sorts them */
        sr_buf_printf(&b, "  %sstring field_%d = %d [json_name = \"j%d\"];\n",
                      i % 3 == 0 ? "optional " : i % 3 == 1 ? "repeated " : "", i, NUMBER(i), i);
    sr_buf_puts(&b, "}\n");
    s = parse_and_round_trip(b.ptr, NULL, 0);
    assert_int_equal(count(sr_schema_canonical(s), "string field_"), 20000);
    assert_non_null(strstr(sr_schema_canonical(s), "optional string field_3 = 3 [json_name = \"j3\"];"));
    if (sr_schema_parse(&norm, SR_TYPE_PROTOBUF, b.ptr, NULL, 0, SR_PARSE_NORMALIZE, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(strstr(sr_schema_canonical(norm), "field_1 = 1") <
                strstr(sr_schema_canonical(norm), "field_2 = 2"));
    sr_schema_free(norm);
    sr_schema_free(s);
    sr_buf_dispose(&b);
}

static void test_proto_scale__twenty_thousand_proto3_optionals_get_their_own_oneofs(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    const Google__Protobuf__DescriptorProto *m;
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\nmessage M {\n  oneof _f1 { int32 g = 1; }\n  optional int32 f1 = 2;\n");
    for (int i = 3; i <= 20001; i++)
        sr_buf_printf(&b, "  optional int32 f%d = %d;\n", i, NUMBER(i));
    sr_buf_puts(&b, "}\n");
    if (sr_proto_parse(&fs, "x.proto", b.ptr, NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    m = sr_proto_fileset_main(fs)->message_type[0];
    assert_int_equal(m->n_oneof_decl, 20001);
    assert_string_equal(m->oneof_decl[1]->name, "X_f1"); /* "_f1" is a oneof already */
    assert_string_equal(m->oneof_decl[2]->name, "_f3");
    sr_proto_fileset_free(fs);
    sr_buf_dispose(&b);
}

static void test_proto_scale__many_messages_maps_and_nested_types_round_trip(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage many;\n");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&b, "message M%d {\n  message Inner { int32 x = 1; }\n  map<string, Inner> m = 1;\n"
                          "  M%d prev = 2;\n  enum E%d { E%d_ZERO = 0; }\n  E%d e = 3;\n}\n",
                      i, i ? i - 1 : 0, i, i, i);
    sr_buf_puts(&b, "message Wide {\n");
    for (int i = 1; i <= 4000; i++)
        sr_buf_printf(&b, "  map<int32, string> m%d = %d;\n  message N%d {}\n", i, i, i);
    sr_buf_puts(&b, "}\n");
    s = parse_and_round_trip(b.ptr, NULL, 0);
    assert_int_equal(count(sr_schema_canonical(s), "map<string, .many."), 5000);
    assert_int_equal(count(sr_schema_canonical(s), "map<int32, string> m"), 4000);
    sr_schema_free(s);
    sr_buf_dispose(&b);
}

static void test_proto_scale__an_enum_with_20000_values_and_ranges_is_checked(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto2\";\nenum Big {\n  option allow_alias = true;\n");
    for (int i = 0; i < 20000; i++)
        sr_buf_printf(&b, "  V%d = %d;\n  ALIAS%d = %d;\n  reserved %d;\n  reserved \"R%d\";\n", i,
                      2 * i, i, 2 * i, 2 * i + 1, i);
    sr_buf_puts(&b, "}\nmessage M {\n  optional Big big = 1 [default = V19999];\n");
    for (int i = 0; i < 20000; i++)
        sr_buf_printf(&b, "  reserved %d;\n  reserved \"r%d\";\n", 2 * i + 100, i);
    sr_buf_puts(&b, "  extensions 50000 to 60000;\n}\nextend M {\n");
    for (int i = 0; i < 10000; i++)
        sr_buf_printf(&b, "  optional int32 ext%d = %d;\n", i, 50000 + i);
    sr_buf_puts(&b, "}\n");
    s = parse_and_round_trip(b.ptr, NULL, 0);
    assert_non_null(strstr(sr_schema_canonical(s), "[default = V19999]"));
    assert_int_equal(count(sr_schema_canonical(s), "  reserved \"R"), 20000);
    sr_schema_free(s);
    sr_buf_dispose(&b);
}

static void test_proto_scale__two_thousand_imports_resolve(void **state)
{
    enum { N = 2000 };
    sr_dep *deps = sr_xcalloc(N, sizeof(*deps));
    sr_buf main_text = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&main_text, "syntax = \"proto3\";\npackage top;\n");
    for (int i = 0; i < N; i++) {
        sr_buf t = SR_BUF_INIT;
        char *name = NULL;
        sr_buf_printf(&t, "syntax = \"proto3\";\npackage dep%d;\n%smessage D { int32 x = 1; }\n", i,
                      i ? "" : "import \"google/protobuf/timestamp.proto\";\n");
        if (asprintf(&name, "deps/d%d.proto", i) < 0)
            fail();
        deps[i] = (sr_dep){name, name, 1, SR_TYPE_PROTOBUF, sr_buf_detach(&t)};
        sr_buf_printf(&main_text, "import \"deps/d%d.proto\";\n", i);
    }
    sr_buf_puts(&main_text, "message Top {\n");
    for (int i = 0; i < N; i++)
        sr_buf_printf(&main_text, "  dep%d.D d%d = %d;\n", i, i, i + 1);
    sr_buf_puts(&main_text, "}\n");
    s = parse_and_round_trip(main_text.ptr, deps, N);
    assert_int_equal(count(sr_schema_canonical(s), "import \"deps/d"), N);
    assert_non_null(strstr(sr_schema_canonical(s), ".dep1999.D d1999 = 2000;"));
    sr_schema_free(s);
    for (int i = 0; i < N; i++) {
        free((char *)deps[i].name);
        free((char *)deps[i].text);
    }
    free(deps);
    sr_buf_dispose(&main_text);
}

static void test_proto_scale__five_thousand_custom_options_are_interpreted_and_printed(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage opts;\nimport \"google/protobuf/descriptor.proto\";\n"
                    "message Big {\n");
    for (int i = 1; i <= 3000; i++)
        sr_buf_printf(&b, "  string s%d = %d;\n", i, i);
    sr_buf_puts(&b, "  Kind k = 3001;\n  enum Kind {\n");
    for (int i = 0; i < 3000; i++)
        sr_buf_printf(&b, "    K%d = %d;\n", i, i);
    sr_buf_puts(&b, "  }\n}\nextend google.protobuf.FieldOptions {\n");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&b, "  int32 o%d = %d;\n", i, 50000 + i);
    sr_buf_puts(&b, "  Big agg = 60000;\n}\nextend google.protobuf.FileOptions {\n");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&b, "  int32 f%d = %d;\n", i, 60000 - i);
    sr_buf_puts(&b, "}\n");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&b, "option (f%d) = %d;\n", i, i);
    sr_buf_puts(&b, "message M {\n  int32 a = 1 [");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&b, "(o%d) = %d, ", i, i);
    sr_buf_puts(&b, "(agg) = {");
    for (int i = 3000; i >= 1; i--)
        sr_buf_printf(&b, " s%d: \"v%d\"", i, i);
    sr_buf_puts(&b, " k: K2999 }];\n}\n");
    s = parse_and_round_trip(b.ptr, NULL, 0);
    assert_int_equal(count(sr_schema_canonical(s), "option (.opts.f"), 5000);
    assert_non_null(strstr(sr_schema_canonical(s), "(.opts.o4999) = 4999"));
    assert_non_null(strstr(sr_schema_canonical(s), "s1: \"v1\" s2: \"v2\""));
    assert_non_null(strstr(sr_schema_canonical(s), "k: K2999 }"));
    sr_schema_free(s);
    sr_buf_dispose(&b);
}

static void test_proto_scale__very_long_names_and_comments_are_handled_whole(void **state)
{
    enum { LONG = 100000 };
    sr_buf b = SR_BUF_INIT;
    char *name = sr_xmalloc(LONG + 1);
    sr_schema *s, *conflict = NULL;
    sr_err err = {0};
    (void)state;

    memset(name, 'a', LONG);
    name[LONG] = '\0';
    /* two fields whose names differ only in their last bytes: no JSON-name conflict */
    sr_buf_puts(&b, "syntax = \"proto3\";\n/* ");
    for (int i = 0; i < 20000; i++)
        sr_buf_puts(&b, "a long comment ");
    sr_buf_puts(&b, "*/\n");
    for (int i = 0; i < 2000; i++)
        sr_buf_puts(&b, "// line comment\n");
    sr_buf_printf(&b, "message %s {\n  message Inner {}\n", name);
    for (int i = 1; i <= 100; i++)
        sr_buf_printf(&b, "  Inner i%d = %d;\n", i, i);
    sr_buf_printf(&b, "  int32 %s_x = 101;\n  int32 %s_y = 102;\n}\n", name, name);
    s = parse_and_round_trip(b.ptr, NULL, 0);
    assert_int_equal(count(sr_schema_canonical(s), name), 100 + 1 + 2);
    sr_schema_free(s);

    sr_buf_clear(&b); /* names that do conflict, past byte 256 */
    sr_buf_printf(&b, "syntax = \"proto3\";\nmessage M {\n  int32 %s_b = 1;\n  int32 %sB = 2;\n}\n",
                  name, name);
    assert_int_equal(sr_schema_parse(&conflict, SR_TYPE_PROTOBUF, b.ptr, NULL, 0, 0, &err), -1);
    assert_non_null(strstr(err.msg, "schema.proto:4:9: The JSON camel-case name of field"));
    sr_err_dispose(&err);
    free(name);
    sr_buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_scale__a_message_with_20000_fields_round_trips),
        cmocka_unit_test(test_proto_scale__twenty_thousand_proto3_optionals_get_their_own_oneofs),
        cmocka_unit_test(test_proto_scale__many_messages_maps_and_nested_types_round_trip),
        cmocka_unit_test(test_proto_scale__an_enum_with_20000_values_and_ranges_is_checked),
        cmocka_unit_test(test_proto_scale__two_thousand_imports_resolve),
        cmocka_unit_test(test_proto_scale__five_thousand_custom_options_are_interpreted_and_printed),
        cmocka_unit_test(test_proto_scale__very_long_names_and_comments_are_handled_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
