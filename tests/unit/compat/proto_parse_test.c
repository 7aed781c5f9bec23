/* proto_parse_test.c -- the .proto parser through its C API: imports through references and
 * built-ins, the file set's order, error positions, and robustness on hostile input. (Descriptor
 * equality with protoc is checked file by file in tests/proto/test_differential.) */
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

static void test_proto_parse__imports_come_from_references_and_built_ins_in_dependency_order(void **state)
{
    const char *money = "syntax = \"proto3\"; package m; message Money { int64 units = 1; }";
    const char *order = "syntax = \"proto3\"; package o; import \"common/money.proto\";\n"
                        "import \"google/protobuf/timestamp.proto\";\n"
                        "message Order { m.Money total = 1; google.protobuf.Timestamp at = 2; }";
    sr_dep deps[1] = {{"common/money.proto", "money", 1, SR_TYPE_PROTOBUF, money}};
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    const Google__Protobuf__FileDescriptorProto *main_fd;
    (void)state;

    assert_int_equal(sr_proto_parse(&fs, "events/order.proto", order, deps, 1, &err), 0);
    assert_int_equal(fs->nfiles, 3);
    assert_string_equal(fs->files[0]->name, "common/money.proto");
    assert_false(fs->builtin[0]);
    assert_string_equal(fs->files[1]->name, "google/protobuf/timestamp.proto");
    assert_true(fs->builtin[1]);
    main_fd = sr_proto_fileset_main(fs);
    assert_string_equal(main_fd->name, "events/order.proto");
    assert_string_equal(main_fd->message_type[0]->field[0]->type_name, ".m.Money");
    assert_int_equal(main_fd->message_type[0]->field[0]->type,
                     GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE);
    assert_string_equal(main_fd->message_type[0]->field[1]->type_name, ".google.protobuf.Timestamp");
    sr_proto_fileset_free(fs);
}

static void test_proto_parse__common_google_and_confluent_types_need_no_reference(void **state)
{
    const char *text = "syntax = \"proto3\";\nimport \"google/type/money.proto\";\n"
                       "import \"google/type/date.proto\";\nimport \"confluent/type/decimal.proto\";\n"
                       "import \"google/type/datetime.proto\";\n"
                       "import \"confluent/type/variant.proto\";\n"
                       "message Invoice { google.type.Money total = 1; google.type.Date due = 2;\n"
                       "  confluent.type.Decimal rate = 3; google.type.DateTime at = 4;\n"
                       "  confluent.type.Variant extra = 5; }";
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    (void)state;

    if (sr_proto_parse(&fs, "invoice.proto", text, NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(fs->nfiles, 7); /* datetime imports duration */
    for (size_t i = 0; i + 1 < fs->nfiles; i++)
        assert_true(fs->builtin[i]);
    sr_proto_fileset_free(fs);
}

/* protoc 3.21, the one Debian ships, predates editions, so these are checked by hand: the
 * descriptor records syntax "editions", fields have explicit presence (a label) unless
 * features say otherwise, and features are kept as options and printed back. */
static void test_proto_parse__edition_2023_files_parse_and_round_trip(void **state)
{
    const char *text = "edition = \"2023\";\npackage ed;\n"
                       "option features.field_presence = EXPLICIT;\n"
                       "message M {\n"
                       "  int32 a = 1;\n"
                       "  string b = 2 [features.field_presence = IMPLICIT];\n"
                       "  repeated int64 c = 3;\n"
                       "  map<string, M> d = 4;\n"
                       "  oneof o { bool e = 5; }\n"
                       "  E kind = 6;\n"
                       "  enum E { option features.enum_type = CLOSED; E0 = 0; E1 = 1; }\n"
                       "}\n";
    sr_proto_fileset *fs = NULL, *again = NULL;
    sr_err err = {0};
    const Google__Protobuf__FileDescriptorProto *fd;
    char *canon, *canon2;
    (void)state;

    if (sr_proto_parse(&fs, "ed.proto", text, NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    fd = sr_proto_fileset_main(fs);
    assert_string_equal(fd->syntax, "editions");
    assert_int_equal(fd->message_type[0]->field[0]->label,
                     GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL);
    assert_false(fd->message_type[0]->field[0]->proto3_optional);
    assert_int_equal(fd->message_type[0]->field[2]->label,
                     GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED);
    assert_int_equal(fd->options->n_uninterpreted_option, 1);
    assert_string_equal(fd->options->uninterpreted_option[0]->name[1]->name_part, "field_presence");
    assert_string_equal(fd->options->uninterpreted_option[0]->identifier_value, "EXPLICIT");
    assert_string_equal(fd->message_type[0]->field[1]->options->uninterpreted_option[0]->identifier_value,
                        "IMPLICIT");
    canon = sr_proto_print_set(fs, 0);
    assert_non_null(strstr(canon, "edition = \"2023\";"));
    assert_non_null(strstr(canon, "  int32 a = 1;\n"));
    assert_non_null(strstr(canon, "string b = 2 [features.field_presence = IMPLICIT];"));
    if (sr_proto_parse(&again, "ed.proto", canon, NULL, 0, &err) < 0)
        fail_msg("canonical text does not parse: %s\n%s", err.msg, canon);
    canon2 = sr_proto_print_set(again, 0);
    assert_string_equal(canon, canon2);
    free(canon);
    free(canon2);
    sr_proto_fileset_free(again);
    sr_proto_fileset_free(fs);
}

static void test_proto_parse__errors_name_the_file_line_and_column(void **state)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}\n", "x.proto:4:1: Expected \";\"."},
        {"syntax = \"proto3\";\nmessage M {\n  Nope a = 1;\n}\n", "x.proto:3:3: \"Nope\" is not defined."},
        {"syntax = \"proto3\";\nmessage M { string s = 1 [default = \"x\"]; }",
         "x.proto:2:27: Explicit default values are not allowed in proto3."},
        {"syntax = \"proto3\";\nimport \"missing.proto\";", "Import \"missing.proto\" was not found"},
        {"syntax = \"proto3\";\nmessage M { string s = 1; } /* open", "End-of-file inside block comment."},
        {"syntax = \"proto3\";\nmessage M { string s = 1 [(custom) = 1]; }", "x.proto:2:27: Option \"(custom)\" unknown."},
        {"edition = \"2024\";", "x.proto:1:1: Edition \"2024\" is not supported"},
        {"edition = \"2023\";\nmessage M { optional int32 a = 1; }",
         "x.proto:2:13: Label \"optional\" is not supported in editions."},
        {"edition = \"2023\";\nmessage M { required int32 a = 1; }", "is not supported in editions"},
        {"edition = \"2023\";\nmessage M { repeated group G = 1 {} }", "Group syntax is not supported in editions"},
        {"syntax = \"proto3\";\noption features.field_presence = IMPLICIT;", "Features are only valid under editions."},
        {"", NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_proto_fileset *fs = NULL;
        sr_err err = {0};
        int rc = sr_proto_parse(&fs, "x.proto", cases[i].text, NULL, 0, &err);
        if (!cases[i].expect) {
            assert_int_equal(rc, 0); /* an empty file is a valid proto2 file */
            sr_proto_fileset_free(fs);
            continue;
        }
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, 42201);
        if (!strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
    }
}

static void test_proto_parse__import_cycles_and_deep_nesting_are_refused_not_crashed_on(void **state)
{
    const char *a = "syntax = \"proto3\"; import \"b.proto\"; message A {}";
    const char *b = "syntax = \"proto3\"; import \"a.proto\"; message B {}";
    sr_dep deps[2] = {{"a.proto", "a", 1, SR_TYPE_PROTOBUF, a}, {"b.proto", "b", 1, SR_TYPE_PROTOBUF, b}};
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    sr_buf deep = SR_BUF_INIT;
    (void)state;

    assert_int_equal(sr_proto_parse(&fs, "a.proto", a, deps, 2, &err), -1);
    sr_buf_puts(&deep, "syntax = \"proto3\";");
    for (int i = 0; i < 5000; i++)
        sr_buf_printf(&deep, "message M%d {", i);
    assert_int_equal(sr_proto_parse(&fs, "deep.proto", deep.ptr, NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "nest deeper"));
    sr_buf_dispose(&deep);
}

static void test_proto_parse__arbitrary_bytes_never_crash_the_parser(void **state)
{
    static const char *const seeds[] = {
        "syntax = \"proto3\"; package p; message M { map<string, int32> m = 1; "
        "oneof o { string a = 2; } optional int64 x = 3; reserved 4 to 9; "
        "enum E { Z = 0; } } service S { rpc R(stream M) returns (M) {} }",
        "syntax = \"proto2\"; import \"google/protobuf/descriptor.proto\"; message O { optional "
        "int32 a = 1; repeated string b = 2; optional O c = 3; } extend google.protobuf."
        "FieldOptions { optional O o = 5000; } message M { optional int32 f = 1 [(o) = { a: 1 "
        "b: [\"x\", \"y\"] c { a: -2 } }, (o).c.a = 3, default = 7]; }",
    };
    const char *seed = seeds[0];
    size_t len = strlen(seed);
    unsigned seed_state = 12345;
    char *buf = sr_xmalloc(len + 1);
    (void)state;

    for (int i = 0; i < 2; i++) { /* the seeds themselves are valid files */
        sr_proto_fileset *fs = NULL;
        sr_err err = {0};
        if (sr_proto_parse(&fs, "seed.proto", seeds[i], NULL, 0, &err) < 0)
            fail_msg("seed %d: %s", i, err.msg);
        sr_proto_fileset_free(fs);
    }

    for (int round = 0; round < 4000; round++) { /* bounded: mutate, truncate, parse */
        sr_proto_fileset *fs = NULL;
        sr_err err = {0};
        if (round == 2000) { /* second half: the custom-options seed */
            seed = seeds[1];
            len = strlen(seed);
            free(buf);
            buf = sr_xmalloc(len + 1);
        }
        memcpy(buf, seed, len + 1);
        for (int k = 0; k < 3; k++) {
            seed_state = seed_state * 1103515245u + 12345u;
            buf[(seed_state >> 8) % len] = (char)(32 + (seed_state >> 16) % 95);
        }
        seed_state = seed_state * 1103515245u + 12345u;
        if (round % 4 == 0)
            buf[(seed_state >> 8) % len] = '\0';
        if (sr_proto_parse(&fs, "f.proto", buf, NULL, 0, &err) == 0)
            sr_proto_fileset_free(fs);
        else
            assert_int_equal(err.code, 42201);
    }
    free(buf);
}

static void test_proto_parse__differences_are_located_at_their_line_and_column(void **state)
{
    const char *text = "syntax = \"proto3\";\n"          /* 1 */
                       "package shop;\n"                  /* 2 */
                       "message Order {\n"                /* 3 */
                       "  string id = 1;\n"               /* 4 */
                       "  oneof pay {\n"                  /* 5 */
                       "    string card = 5;\n"           /* 6 */
                       "  }\n"                            /* 7 */
                       "  message Line {\n"               /* 8 */
                       "      int32 qty = 3;\n"           /* 9 */
                       "  }\n"                            /* 10 */
                       "}\n"                              /* 11 */
                       "enum Status {\n"                  /* 12 */
                       "  UNKNOWN = 0;\n"                 /* 13 */
                       "   DONE = 1;\n"                   /* 14 */
                       "}\n";
    static const struct {
        const char *path;
        int line, col;
    } cases[] = {
        {"#/Order/1", 4, 3},  {"#/Order/pay/5", 6, 5}, {"#/Order/Line/3", 9, 7},
        {"#/Order/Line", 8, 3}, {"#/Order", 3, 1},     {"#/Status/1", 14, 4},
        {"#/Status", 12, 1},  {"#/", 2, 1},            {"#/Order/99", 3, 1},
    };
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    int line, col;
    (void)state;

    assert_int_equal(sr_proto_parse(&fs, "shop.proto", text, NULL, 0, &err), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (sr_proto_diff_locate(&line, &col, fs, cases[i].path) < 0)
            fail_msg("%s: not located", cases[i].path);
        if (line != cases[i].line || col != cases[i].col)
            fail_msg("%s: %d:%d, want %d:%d", cases[i].path, line, col, cases[i].line,
                     cases[i].col);
    }
    assert_int_equal(sr_proto_diff_locate(&line, &col, fs, "#/Nothing/1"), -1);
    sr_proto_fileset_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_parse__imports_come_from_references_and_built_ins_in_dependency_order),
        cmocka_unit_test(test_proto_parse__common_google_and_confluent_types_need_no_reference),
        cmocka_unit_test(test_proto_parse__edition_2023_files_parse_and_round_trip),
        cmocka_unit_test(test_proto_parse__errors_name_the_file_line_and_column),
        cmocka_unit_test(test_proto_parse__import_cycles_and_deep_nesting_are_refused_not_crashed_on),
        cmocka_unit_test(test_proto_parse__arbitrary_bytes_never_crash_the_parser),
        cmocka_unit_test(test_proto_parse__differences_are_located_at_their_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
