/* proto_validate_test.c -- what protoc refuses, sluice refuses too, at the line and column of the
 * offending token: numbers out of range (field numbers, defaults of every integer type, enum
 * values, ranges), reserved numbers and names, overlapping ranges, duplicate symbols, bad
 * defaults, enum aliases, imports. And the boundary values protoc accepts are accepted, stored as
 * protoc stores them. (The same cases run against protoc itself in tests/proto/test_differential,
 * from tests/data/proto/.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/protobuf.h"

#define P2 "syntax = \"proto2\";\n"
#define P3 "syntax = \"proto3\";\n"

typedef struct {
    const char *text;
    const char *expect; /* a substring of the message: "x.proto:<line>:<col>: <what>" */
} refusal;

static void expect_refusals(const refusal *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sr_proto_fileset *fs = NULL;
        sr_err err = {0};
        if (sr_proto_parse(&fs, "x.proto", cases[i].text, NULL, 0, &err) == 0) {
            sr_proto_fileset_free(fs);
            fail_msg("case %zu accepted, want '%s':\n%s", i, cases[i].expect, cases[i].text);
        }
        assert_int_equal(err.code, 42201);
        if (!strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
    }
}

static void test_proto_validate__fields_on_reserved_numbers_or_names_are_refused(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  reserved 5;\n  optional int32 a = 5;\n}\n",
         "x.proto:4:22: Field \"a\" uses reserved number 5."},
        {P2 "message M {\n  reserved 2 to 9;\n  optional int32 a = 1;\n  optional int32 b = 9;\n}\n",
         "x.proto:5:22: Field \"b\" uses reserved number 9."},
        {P2 "message M {\n  reserved 100 to max;\n  optional int32 a = 536870911;\n}\n",
         "x.proto:4:22: Field \"a\" uses reserved number 536870911."},
        {P2 "message M {\n  reserved \"a\";\n  optional int32 a = 5;\n}\n",
         "x.proto:4:18: Field name \"a\" is reserved."},
        {P3 "message M {\n  reserved \"b\", \"a\";\n  int32 a = 5;\n}\n",
         "x.proto:4:9: Field name \"a\" is reserved."},
        {P2 "message M {\n  reserved \"a\", \"a\";\n}\n",
         "x.proto:3:17: Field name \"a\" is reserved multiple times."},
        {P2 "enum E {\n  A = 0;\n  reserved 0;\n}\n", "x.proto:3:7: Enum value \"A\" uses reserved number 0."},
        {P2 "enum E {\n  A = 0;\n  reserved -2147483648 to max;\n}\n",
         "x.proto:3:7: Enum value \"A\" uses reserved number 0."},
        {P2 "enum E {\n  A = 0;\n  reserved \"A\";\n}\n", "x.proto:3:3: Enum value \"A\" is reserved."},
        {P2 "enum E {\n  A = 0;\n  reserved \"B\", \"B\";\n}\n",
         "x.proto:4:17: Enum value \"B\" is reserved multiple times."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__integer_defaults_out_of_their_type_range_are_refused(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  optional int32 a = 5 [default = 2147483648];\n}\n", "x.proto:3:35: Integer out of range."},
        {P2 "message M {\n  optional int32 a = 5 [default = -2147483649];\n}\n", "x.proto:3:36: Integer out of range."},
        {P2 "message M {\n  optional int32 a = 5 [default = 0x80000000];\n}\n", "x.proto:3:35: Integer out of range."},
        {P2 "message M {\n  optional sint32 a = 3 [default = 2147483648];\n}\n", "x.proto:3:36: Integer out of range."},
        {P2 "message M {\n  optional sfixed32 a = 3 [default = -2147483649];\n}\n", "x.proto:3:39: Integer out of range."},
        {P2 "message M {\n  optional int64 a = 3 [default = 9223372036854775808];\n}\n", "x.proto:3:35: Integer out of range."},
        {P2 "message M {\n  optional int64 a = 3 [default = -9223372036854775809];\n}\n", "x.proto:3:36: Integer out of range."},
        {P2 "message M {\n  optional sint64 a = 3 [default = -9223372036854775809];\n}\n", "x.proto:3:37: Integer out of range."},
        {P2 "message M {\n  optional int64 a = 1 [default = 99999999999999999999999];\n}\n", "x.proto:3:35: Integer out of range."},
        {P2 "message M {\n  optional uint32 a = 3 [default = 4294967296];\n}\n", "x.proto:3:36: Integer out of range."},
        {P2 "message M {\n  optional fixed32 a = 3 [default = 4294967296];\n}\n", "x.proto:3:37: Integer out of range."},
        {P2 "message M {\n  optional uint64 a = 1 [default = 18446744073709551616];\n}\n", "x.proto:3:36: Integer out of range."},
        {P2 "message M {\n  optional fixed64 a = 3 [default = 18446744073709551616];\n}\n", "x.proto:3:37: Integer out of range."},
        {P2 "message M {\n  optional uint32 a = 3 [default = -1];\n}\n",
         "x.proto:3:37: Unsigned field can't have negative default value."},
        {P2 "message M {\n  optional uint64 a = 3 [default = -0];\n}\n",
         "x.proto:3:37: Unsigned field can't have negative default value."},
        {P2 "message M {\n  optional double a = 1 [default = 99999999999999999999];\n}\n", "x.proto:3:36: Integer out of range."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__defaults_of_the_wrong_kind_are_refused(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  optional int32 a = 1 [default = 1.5];\n}\n",
         "x.proto:3:35: Expected integer for field default value."},
        {P2 "message M {\n  optional bool a = 1 [default = 1];\n}\n", "x.proto:3:34: Expected \"true\" or \"false\"."},
        {P2 "message M {\n  optional string a = 1 [default = 5];\n}\n",
         "x.proto:3:36: Expected string for field default value."},
        {P2 "message M {\n  optional double a = 1 [default = \"x\"];\n}\n", "x.proto:3:36: Expected number."},
        {P2 "enum E { A = 0; }\nmessage M {\n  optional E a = 1 [default = B];\n}\n",
         "x.proto:4:31: Enum type \"E\" has no value named \"B\"."},
        {P2 "enum E { A = 0; }\nmessage M {\n  optional E a = 1 [default = \"A\"];\n}\n",
         "x.proto:4:31: Default value for an enum field must be an identifier."},
        {P2 "message N {}\nmessage M {\n  optional N a = 1 [default = 5];\n}\n",
         "x.proto:4:31: Messages can't have default values."},
        {P2 "message M {\n  repeated int32 a = 1 [default = 5];\n}\n",
         "x.proto:3:35: Repeated fields can't have default values."},
        {P2 "message M {\n  optional float a = 1 [default = 1.5f];\n}\n",
         "x.proto:3:38: Need space between number and identifier."},
        {P2 "message M {\n  optional int32 a = 1 [default = 1e];\n}\n",
         "x.proto:3:37: \"e\" must be followed by exponent."},
        {P2 "message M {\n  optional int32 a = 1 [default = 08];\n}\n",
         "x.proto:3:36: Numbers starting with leading zero must be in octal."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__numbers_and_ranges_out_of_bounds_are_refused(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  optional int32 a = 536870912;\n}\n",
         "x.proto:3:22: Field numbers cannot be greater than 536870911."},
        {P2 "message M {\n  optional int32 a = 0x7fffffff;\n}\n",
         "x.proto:3:22: Field numbers cannot be greater than 536870911."},
        {P2 "message M {\n  optional int32 a = 99999999999;\n}\n", "x.proto:3:22: Integer out of range."},
        {P2 "message M {\n  optional int32 a = 19500;\n}\n",
         "x.proto:3:22: Field numbers 19000 through 19999 are reserved"},
        {P2 "message M {\n  extensions 1 to 99999999999;\n}\n", "x.proto:3:19: Integer out of range."},
        {P2 "message M {\n  extensions 536870912;\n}\n",
         "x.proto:3:14: Extension numbers cannot be greater than 536870911."},
        {P2 "message M {\n  extensions 0 to 5;\n}\n", "x.proto:3:14: Extension numbers must be positive integers."},
        {P2 "message M {\n  extensions 10 to 5;\n}\n",
         "x.proto:3:14: Extension range end number must be greater than start number."},
        {P2 "message M {\n  reserved 0;\n}\n", "x.proto:3:12: Reserved numbers must be positive integers."},
        {P2 "message M {\n  reserved 99999999999;\n}\n", "x.proto:3:12: Integer out of range."},
        {P2 "message M {\n  reserved 2147483648;\n}\n", "x.proto:3:12: Integer out of range."},
        {P2 "enum E {\n  A = 2147483648;\n}\n", "x.proto:3:7: Integer out of range."},
        {P2 "enum E {\n  A = -2147483649;\n}\n", "x.proto:3:8: Integer out of range."},
        {P2 "enum E {\n  A = 0;\n  B = 0x80000000;\n}\n", "x.proto:4:7: Integer out of range."},
        {P2 "enum E {\n  A = 0;\n  reserved 2147483648;\n}\n", "x.proto:4:12: Integer out of range."},
        {P2 "enum E {\n  A = 0;\n  reserved -2147483649;\n}\n", "x.proto:4:13: Integer out of range."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__overlapping_ranges_are_refused(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  reserved 1 to 10;\n  reserved 5 to 20;\n}\n",
         "x.proto:3:12: Reserved range 5 to 20 overlaps with already-defined range 1 to 10."},
        {P2 "message M {\n  reserved 5, 5;\n}\n",
         "x.proto:3:12: Reserved range 5 to 5 overlaps with already-defined range 5 to 5."},
        {P2 "message M {\n  reserved 30 to 40, 1 to 3, 10 to 31;\n}\n",
         "x.proto:3:12: Reserved range 10 to 31 overlaps with already-defined range 30 to 40."},
        {P2 "message M {\n  optional int32 a = 5;\n  extensions 1 to 10;\n}\n",
         "x.proto:4:14: Extension range 1 to 10 includes field \"a\" (5)."},
        {P2 "message M {\n  extensions 5;\n  optional int32 a = 5;\n}\n",
         "x.proto:3:14: Extension range 5 to 5 includes field \"a\" (5)."},
        {P2 "message M {\n  extensions 1 to 10;\n  extensions 10 to 20;\n}\n",
         "x.proto:3:14: Extension range 10 to 20 overlaps with already-defined range 1 to 10."},
        {P2 "message M {\n  extensions 1 to 10;\n  reserved 10 to 20;\n}\n",
         "x.proto:3:14: Extension range 1 to 10 overlaps with reserved range 10 to 20."},
        {P2 "message M {\n  reserved 19000 to 19999;\n  extensions 100 to max;\n}\n",
         "x.proto:4:14: Extension range 100 to 536870911 overlaps with reserved range 19000 to 19999."},
        {P2 "enum E {\n  A = 0;\n  reserved 1 to 5, 3 to 8;\n}\n",
         "x.proto:4:12: Reserved range 3 to 8 overlaps with already-defined range 1 to 5."},
        {P2 "enum E {\n  A = 0;\n  reserved 5 to 3;\n}\n",
         "Reserved range end number must be greater than start number."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__duplicate_symbols_are_refused_where_the_second_is_written(void **state)
{
    static const refusal cases[] = {
        {P3 "message M {}\nmessage M {}\n", "x.proto:3:9: \"M\" is already defined."},
        {P3 "package a.b;\nmessage M {}\nenum M { Z = 0; }\n", "x.proto:4:6: \"M\" is already defined in \"a.b\"."},
        {P2 "message M {\n  optional int32 a = 1;\n  optional int32 a = 2;\n}\n",
         "x.proto:4:18: \"a\" is already defined in \"M\"."},
        {P2 "message M {\n  optional int32 foo = 1;\n  message foo {}\n}\n",
         "x.proto:4:11: \"foo\" is already defined in \"M\"."},
        {P3 "message M {\n  int32 a = 1;\n  oneof a { int32 b = 2; }\n}\n", "x.proto:3:9: \"a\" is already defined in \"M\"."},
        {P3 "message M {\n  map<string, int32> foo_bar = 1;\n  message FooBarEntry {}\n}\n",
         "\"FooBarEntry\" is already defined in \"M\"."},
        {P2 "message M {\n  optional group Foo = 1 {}\n  optional int32 foo = 2;\n}\n",
         "x.proto:4:18: \"foo\" is already defined in \"M\"."},
        {P2 "enum E {\n  A = 0;\n  A = 1;\n}\n", "x.proto:4:3: \"A\" is already defined."},
        {P2 "enum E {\n  A = 0;\n}\nenum F {\n  A = 1;\n}\n",
         "x.proto:6:3: \"A\" is already defined. Note that enum values use C++ scoping rules, "
         "meaning that enum values are siblings of their type, not children of it.  Therefore, "
         "\"A\" must be unique within the global scope, not just within \"F\"."},
        {P3 "package p;\nmessage M {\n  enum E { A = 0; }\n  enum F { A = 0; }\n}\n",
         "x.proto:5:12: \"A\" is already defined in \"p.M\". Note that enum values use C++ scoping "
         "rules, meaning that enum values are siblings of their type, not children of it.  "
         "Therefore, \"A\" must be unique within \"p.M\", not just within \"F\"."},
        {P3 "service S {\n  rpc A (M) returns (M);\n  rpc A (M) returns (M);\n}\nmessage M {}\n",
         "x.proto:4:7: \"A\" is already defined in \"S\"."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__enum_rules_are_enforced(void **state)
{
    static const refusal cases[] = {
        {P2 "enum E {\n  A = 0;\n  B = 0;\n}\n",
         "x.proto:4:7: \"B\" uses the same enum value as \"A\". If this is intended, set "
         "'option allow_alias = true;' to the enum definition."},
        {P2 "enum E {\n  option allow_alias = true;\n  A = 0;\n  B = 1;\n}\n",
         "x.proto:2:6: \"E\" declares support for enum aliases but no enum values share field "
         "numbers. Please remove the unnecessary 'option allow_alias = true;' declaration."},
        {P3 "enum Foo {\n  FOO_BAR = 0;\n  BAR = 1;\n}\n",
         "x.proto:4:3: Enum name BAR has the same name as FOO_BAR if you ignore case and strip "
         "out the enum name prefix (if any). This is error-prone and can lead to undefined "
         "behavior. Please avoid doing this. If you are using allow_alias, please assign the "
         "same numeric value to both enums."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__extensions_must_fall_in_a_declared_range(void **state)
{
    static const refusal cases[] = {
        {P2 "message M {\n  extensions 10 to 20;\n}\nextend M {\n  optional int32 x = 5;\n}\n",
         "x.proto:6:22: \"M\" does not declare 5 as an extension number."},
        {P2 "message M {\n  extensions 10 to 20;\n}\nextend M {\n  optional int32 x = 10;\n"
            "  optional int32 y = 10;\n}\n",
         "x.proto:7:22: Extension number 10 has already been used in \"M\" by extension \"x\"."},
        {P2 "enum E { A = 0; }\nextend E {\n  optional int32 x = 10;\n}\n",
         "x.proto:3:8: \"E\" is not a message type."},
        {P3 "message M {\n  extensions 10 to 20;\n}\n", "x.proto:3:14: Extension ranges are not allowed in proto3."},
    };
    (void)state;
    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_proto_validate__imports_missing_or_in_a_cycle_are_refused_at_the_import(void **state)
{
    const char *a = "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A {}\n";
    const char *b = "syntax = \"proto3\";\n\nimport \"a.proto\";\nmessage B {}\n";
    sr_dep deps[2] = {{"a.proto", "a", 1, SR_TYPE_PROTOBUF, a}, {"b.proto", "b", 1, SR_TYPE_PROTOBUF, b}};
    static const refusal cases[] = {
        {P3 "import \"missing.proto\";\n", "x.proto:2:1: Import \"missing.proto\" was not found or had errors."},
        {P3 "  import   \"zzz.proto\";\n", "x.proto:2:3: Import \"zzz.proto\" was not found or had errors."},
        {P3 "import \"google/protobuf/empty.proto\";\nimport \"google/protobuf/empty.proto\";\n",
         "x.proto:3:1: Import \"google/protobuf/empty.proto\" was listed twice."},
    };
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    (void)state;

    expect_refusals(cases, sizeof(cases) / sizeof(cases[0]));
    assert_int_equal(sr_proto_parse(&fs, "a.proto", a, deps, 2, &err), -1);
    if (!strstr(err.msg, "b.proto:3:1: File recursively imports itself: a.proto -> b.proto -> a.proto"))
        fail_msg("%s", err.msg);
}

/* The boundaries protoc accepts, stored as protoc stores them. */
static void test_proto_validate__boundary_values_are_accepted_as_protoc_stores_them(void **state)
{
    const char *text = P2 "message M {\n"
                          "  optional int32 a = 1 [default = 2147483647];\n"
                          "  optional int32 b = 2 [default = -2147483648];\n"
                          "  optional uint64 c = 3 [default = 18446744073709551615];\n"
                          "  optional int64 d = 4 [default = -9223372036854775808];\n"
                          "  optional int64 e = 5 [default = 9223372036854775807];\n"
                          "  optional uint32 f = 6 [default = 4294967295];\n"
                          "  optional fixed32 g = 7 [default = 0xffffffff];\n"
                          "  optional sfixed32 h = 8 [default = -0x80000000];\n"
                          "  optional int32 i = 9 [default = 017777777777];\n"
                          "  optional double j = 10 [default = 1e999];\n"
                          "  optional float k = 11 [default = 1e39];\n"
                          "  optional float l = 12 [default = 3.4028235e38];\n"
                          "  optional double m = 13 [default = -inf];\n"
                          "  optional double n = 14 [default = 0x10];\n"
                          "  optional int32 o = 15 [default = -0];\n"
                          "  optional float p = 16 [default = 1e-46];\n"
                          "  optional int32 q = 536870911;\n"
                          "  reserved 20 to 30, 40 to 50;\n"
                          "  extensions 100 to 18999, 20000 to 536870910;\n"
                          "}\n"
                          "message N {\n"
                          "  extensions 1000 to max;\n"
                          "}\n"
                          "enum E {\n"
                          "  MAXV = 2147483647;\n"
                          "  MINV = -2147483648;\n"
                          "  reserved 5 to 9, 10, 2147483646;\n"
                          "}\n"
                          "enum F {\n"
                          "  option allow_alias = true;\n"
                          "  F0 = 0;\n"
                          "  F_ALIAS = 0;\n"
                          "}\n";
    static const char *const want[] = {"2147483647", "-2147483648", "18446744073709551615",
                                       "-9223372036854775808", "9223372036854775807", "4294967295",
                                       "4294967295", "-2147483648", "2147483647", "inf", "inf",
                                       "3.40282347e+38", "-inf", "16", "0", "0"};
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    const Google__Protobuf__DescriptorProto *m;
    (void)state;

    if (sr_proto_parse(&fs, "x.proto", text, NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    m = sr_proto_fileset_main(fs)->message_type[0];
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!m->field[i]->default_value || strcmp(m->field[i]->default_value, want[i]) != 0)
            fail_msg("field %s: default '%s', want '%s'", m->field[i]->name,
                     m->field[i]->default_value ? m->field[i]->default_value : "(none)", want[i]);
    assert_int_equal(m->field[16]->number, 536870911);
    assert_int_equal(sr_proto_fileset_main(fs)->message_type[1]->extension_range[0]->end, 536870912);
    assert_int_equal(sr_proto_fileset_main(fs)->enum_type[0]->value[0]->number, INT32_MAX);
    assert_int_equal(sr_proto_fileset_main(fs)->enum_type[0]->value[1]->number, INT32_MIN);
    sr_proto_fileset_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_validate__fields_on_reserved_numbers_or_names_are_refused),
        cmocka_unit_test(test_proto_validate__integer_defaults_out_of_their_type_range_are_refused),
        cmocka_unit_test(test_proto_validate__defaults_of_the_wrong_kind_are_refused),
        cmocka_unit_test(test_proto_validate__numbers_and_ranges_out_of_bounds_are_refused),
        cmocka_unit_test(test_proto_validate__overlapping_ranges_are_refused),
        cmocka_unit_test(test_proto_validate__duplicate_symbols_are_refused_where_the_second_is_written),
        cmocka_unit_test(test_proto_validate__enum_rules_are_enforced),
        cmocka_unit_test(test_proto_validate__extensions_must_fall_in_a_declared_range),
        cmocka_unit_test(test_proto_validate__imports_missing_or_in_a_cycle_are_refused_at_the_import),
        cmocka_unit_test(test_proto_validate__boundary_values_are_accepted_as_protoc_stores_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
