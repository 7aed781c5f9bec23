/* proto_limits_test.c -- hostile .proto input costs bounded stack: every nesting (messages,
 * groups, aggregate option values, option paths, imports, descriptors sent as base64) deeper
 * than sr_parse_limits.max_depth is refused with 42201, a message naming the limit and the
 * line:column, and never recursed into. Input exactly at the limit is accepted and its canonical
 * text reads back to itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <nettle/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "compat/protobuf/protobuf.h"

#define OPTION_PREAMBLE                                                                            \
    "syntax = \"proto3\";\n"                                                                       \
    "import \"google/protobuf/descriptor.proto\";\n"                                               \
    "message Rec { Rec m = 1; int32 x = 2; }\n"                                                    \
    "extend google.protobuf.FileOptions { Rec myopt = 50001; }\n"

/* option (myopt) = { m { m { ... x: 1 } } }; with `depth` levels of braces in all. */
static char *deep_option(int depth)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, OPTION_PREAMBLE "option (myopt) = {");
    for (int i = 1; i < depth; i++)
        sr_buf_puts(&b, " m {");
    sr_buf_puts(&b, " x: 1");
    for (int i = 0; i < depth; i++)
        sr_buf_puts(&b, " }");
    sr_buf_puts(&b, ";\n");
    return sr_buf_detach(&b);
}

static int parse(sr_schema **out, const char *text, int max_depth, sr_err *err)
{
    sr_parse_limits limits = {max_depth};
    return sr_schema_parse_limited(out, SR_TYPE_PROTOBUF, text, NULL, 0, 0, &limits, err);
}

/* The canonical text of `text` parses again to the same canonical text. */
static void assert_round_trip(const char *text, int max_depth)
{
    sr_schema *s = NULL, *again = NULL;
    sr_err err = {0};

    if (parse(&s, text, max_depth, &err) < 0)
        fail_msg("%s", err.msg);
    if (parse(&again, sr_schema_canonical(s), max_depth, &err) < 0)
        fail_msg("the canonical text does not parse: %s", err.msg);
    assert_string_equal(sr_schema_canonical(s), sr_schema_canonical(again));
    sr_schema_free(again);
    sr_schema_free(s);
}

static void test_proto_limits__an_option_value_nested_50000_deep_is_refused_at_the_limit(void **state)
{
    char *text = deep_option(50000);
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    /* the 101st brace: "option (myopt) = {" puts the first at column 18, each " m {" adds 4 */
    assert_int_equal(parse(&s, text, SR_PARSE_MAX_DEPTH_DEFAULT, &err), -1);
    assert_int_equal(err.code, 42201);
    if (!strstr(err.msg, "schema.proto:5:418: Option value nests deeper than 100 levels (the "
                         "nesting limit)."))
        fail_msg("%s", err.msg);
    free(text);
}

static void test_proto_limits__an_option_value_at_the_limit_is_kept_and_printed(void **state)
{
    char *at = deep_option(10), *over = deep_option(11);
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    assert_round_trip(at, 10);
    assert_int_equal(parse(&s, over, 10, &err), -1);
    assert_non_null(strstr(err.msg, "deeper than 10 levels"));
    free(at);
    free(over);
}

static void test_proto_limits__an_option_path_deeper_than_the_limit_is_refused(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s = NULL;
    sr_err err = {0};
    const char *canon, *p;
    int n = 0;
    (void)state;

    /* 40 sub-fields: more than a fixed 32-entry path ever held, fewer than the limit */
    sr_buf_puts(&b, OPTION_PREAMBLE "option (myopt)");
    for (int i = 0; i < 40; i++)
        sr_buf_puts(&b, ".m");
    sr_buf_puts(&b, ".x = 7;\n");
    if (parse(&s, b.ptr, SR_PARSE_MAX_DEPTH_DEFAULT, &err) < 0)
        fail_msg("%s", err.msg);
    canon = sr_schema_canonical(s);
    for (p = canon; (p = strstr(p, "m: {")); p++)
        n++;
    assert_int_equal(n, 40);
    assert_non_null(strstr(canon, "x: 7"));
    assert_round_trip(b.ptr, SR_PARSE_MAX_DEPTH_DEFAULT);
    sr_schema_free(s);

    sr_buf_clear(&b);
    sr_buf_puts(&b, OPTION_PREAMBLE "option (myopt)");
    for (int i = 0; i < 5000; i++)
        sr_buf_puts(&b, ".m");
    sr_buf_puts(&b, ".x = 7;\n");
    assert_int_equal(parse(&s, b.ptr, SR_PARSE_MAX_DEPTH_DEFAULT, &err), -1);
    if (!strstr(err.msg, "schema.proto:5:8: Option path nests deeper than 100 levels (the nesting "
                         "limit)."))
        fail_msg("%s", err.msg);
    sr_buf_dispose(&b);
}

static void test_proto_limits__messages_and_groups_nest_at_most_max_depth_levels(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\n");
    for (int i = 1; i <= 8; i++)
        sr_buf_printf(&b, "message M%d {\n", i);
    for (int i = 1; i <= 8; i++)
        sr_buf_puts(&b, "}\n");
    assert_round_trip(b.ptr, 8);
    assert_int_equal(parse(&s, b.ptr, 7, &err), -1);
    if (!strstr(err.msg, "schema.proto:9:1: Messages nest deeper than 7 levels (the nesting limit)."))
        fail_msg("%s", err.msg);

    sr_buf_clear(&b);
    sr_buf_puts(&b, "syntax = \"proto2\";\nmessage M {\n");
    for (int i = 1; i <= 7; i++)
        sr_buf_printf(&b, "optional group G%d = 1 {\n", i);
    for (int i = 0; i <= 7; i++)
        sr_buf_puts(&b, "}\n");
    assert_round_trip(b.ptr, 8);
    assert_int_equal(parse(&s, b.ptr, 7, &err), -1);
    if (!strstr(err.msg, "schema.proto:9:1: Messages nest deeper than 7 levels (the nesting limit)."))
        fail_msg("%s", err.msg);

    sr_buf_clear(&b); /* a 100,000-deep file never reaches the stack */
    sr_buf_puts(&b, "syntax = \"proto2\";\nmessage M {\n");
    for (int i = 0; i < 100000; i++)
        sr_buf_puts(&b, "optional group G = 1 {");
    assert_int_equal(parse(&s, b.ptr, SR_PARSE_MAX_DEPTH_DEFAULT, &err), -1);
    assert_non_null(strstr(err.msg, "nest deeper than 100 levels"));
    sr_buf_dispose(&b);
}

/* Validation reads every message the schema declares, down to the caller's limit; a schema
 * that nests its messages deeper (accepted under a higher limit) is refused, not read with some
 * messages missing. */
static void test_proto_limits__validating_json_indexes_messages_down_to_the_limit(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s = NULL;
    sr_violations v = SR_VIOLATIONS_INIT;
    sr_err err = {0};
    (void)state;

    sr_buf_puts(&b, "syntax = \"proto3\";\nmessage M1 {\n");
    for (int i = 2; i <= 7; i++)
        sr_buf_printf(&b, "message M%d {\n", i);
    sr_buf_puts(&b, "map<string, int32> deepest = 1;\n");
    for (int i = 2; i <= 7; i++)
        sr_buf_puts(&b, "}\n");
    sr_buf_puts(&b, "M1.M2.M3.M4.M5.M6.M7 inner = 1;\n}\n");
    if (parse(&s, b.ptr, 8, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(sr_schema_validate_json(&v, s, "{\"inner\": {\"deepest\": {\"k\": 1}}}",
                                             NULL, 7, &err), 1);
    assert_int_equal(v.n, 0);
    assert_int_equal(sr_schema_validate_json(&v, s, "{\"inner\": {\"deepest\": {\"k\": \"x\"}}}",
                                             NULL, 7, &err), 0);
    assert_int_equal(v.n, 1);
    assert_int_equal(sr_schema_validate_json(&v, s, "{}", NULL, 5, &err), -1);
    assert_int_equal(err.code, 42201);
    assert_non_null(strstr(err.msg, "nests messages deeper than 5 levels"));
    sr_violations_dispose(&v);
    sr_schema_free(s);
    sr_buf_dispose(&b);
}

static void test_proto_limits__imports_nest_at_most_max_depth_files(void **state)
{
    enum { N = 12 };
    sr_dep deps[N];
    char *names[N], *texts[N];
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    for (int i = 0; i < N; i++) { /* f0 imports f1 ... imports f11 */
        sr_buf t = SR_BUF_INIT;
        sr_buf_printf(&t, "syntax = \"proto3\";\n");
        if (i + 1 < N)
            sr_buf_printf(&t, "import \"f%d.proto\";\n", i + 1);
        sr_buf_printf(&t, "message F%d {}\n", i);
        texts[i] = sr_buf_detach(&t);
        if (asprintf(&names[i], "f%d.proto", i) < 0)
            fail();
        deps[i] = (sr_dep){names[i], names[i], 1, SR_TYPE_PROTOBUF, texts[i]};
    }
    {
        sr_parse_limits limits = {N};
        if (sr_schema_parse_limited(&s, SR_TYPE_PROTOBUF, "import \"f0.proto\";", deps, N, 0,
                                    &limits, &err) < 0)
            fail_msg("%s", err.msg);
        sr_schema_free(s);
        limits.max_depth = N - 2;
        assert_int_equal(sr_schema_parse_limited(&s, SR_TYPE_PROTOBUF, "import \"f0.proto\";", deps,
                                                 N, 0, &limits, &err), -1);
        if (!strstr(err.msg, "f9.proto:2:1: Imports nest deeper than 10 files (the nesting limit)."))
            fail_msg("%s", err.msg);
    }
    for (int i = 0; i < N; i++) {
        free(names[i]);
        free(texts[i]);
    }
}

/* Varint-length-prefixed field `tag` wrapping `inner`. */
static void wrap(sr_buf *out, int tag, const sr_buf *inner)
{
    size_t len = inner->len;
    sr_buf_putc(out, (char)(tag << 3 | 2));
    do {
        sr_buf_putc(out, (char)((len & 0x7f) | (len > 0x7f ? 0x80 : 0)));
        len >>= 7;
    } while (len);
    sr_buf_put(out, inner->ptr, inner->len);
}

static char *base64(const sr_buf *bin)
{
    char *out = sr_xmalloc(BASE64_ENCODE_RAW_LENGTH(bin->len) + 1);
    base64_encode_raw(out, bin->len, (const uint8_t *)bin->ptr);
    out[BASE64_ENCODE_RAW_LENGTH(bin->len)] = '\0';
    return out;
}

static void test_proto_limits__a_base64_descriptor_nested_50000_deep_is_refused(void **state)
{
    sr_buf inner = SR_BUF_INIT, outer = SR_BUF_INIT;
    sr_schema *s = NULL;
    sr_err err = {0};
    char *text;
    (void)state;

    sr_buf_put(&inner, "\x0a\x01M", 3); /* DescriptorProto { name: "M" } */
    for (int i = 0; i < 50000; i++) {   /* nested_type = 3 */
        sr_buf_clear(&outer);
        sr_buf_put(&outer, "\x0a\x01M", 3);
        wrap(&outer, 3, &inner);
        sr_buf_clear(&inner);
        sr_buf_put(&inner, outer.ptr, outer.len);
    }
    sr_buf_clear(&outer);
    sr_buf_put(&outer, "\x0a\x01x", 3); /* FileDescriptorProto { name: "x" message_type: ... } */
    wrap(&outer, 4, &inner);
    text = base64(&outer);
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, NULL, 0, 0, &err), -1);
    assert_int_equal(err.code, 42201);
    assert_non_null(strstr(err.msg, "nests deeper than 100 levels (the nesting limit)"));
    free(text);
    sr_buf_dispose(&inner);
    sr_buf_dispose(&outer);
}

/* Descriptors sent as base64 may lack any field: nameless elements, indexes pointing nowhere. */
static void test_proto_limits__a_base64_descriptor_missing_names_is_refused_not_crashed_on(void **state)
{
    static const char *const bins[] = {
        "\x22\x04\x12\x02\x18\x01",                 /* message without name, field without name */
        "\x22\x0a\x0a\x01M\x12\x05\x0a\x01\x61\x48\x05", /* field a: oneof_index 5, no oneofs */
        "\x22\x0a\x0a\x01M\x32\x05\x0a\x01\x61\x18\x01", /* extension without extendee */
        "\x2a\x03\x0a\x01\x45",                      /* enum without values */
        "\x32\x0b\x0a\x01S\x12\x06\x0a\x01R\x12\x01\x2e", /* method without output type */
        "\x22\x09\x0a\x01M\x12\x04\x0a\x02\xff\xfe", /* field named with bytes that are no UTF-8 */
    };
    (void)state;

    for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
        sr_buf bin = SR_BUF_INIT;
        sr_schema *s = NULL;
        sr_err err = {0};
        char *text;
        sr_buf_puts(&bin, bins[i]);
        text = base64(&bin);
        if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, NULL, 0, 0, &err) == 0)
            sr_schema_free(s);
        else
            assert_int_equal(err.code, 42201);
        free(text);
        sr_buf_dispose(&bin);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_limits__an_option_value_nested_50000_deep_is_refused_at_the_limit),
        cmocka_unit_test(test_proto_limits__an_option_value_at_the_limit_is_kept_and_printed),
        cmocka_unit_test(test_proto_limits__an_option_path_deeper_than_the_limit_is_refused),
        cmocka_unit_test(test_proto_limits__messages_and_groups_nest_at_most_max_depth_levels),
        cmocka_unit_test(test_proto_limits__validating_json_indexes_messages_down_to_the_limit),
        cmocka_unit_test(test_proto_limits__imports_nest_at_most_max_depth_files),
        cmocka_unit_test(test_proto_limits__a_base64_descriptor_nested_50000_deep_is_refused),
        cmocka_unit_test(test_proto_limits__a_base64_descriptor_missing_names_is_refused_not_crashed_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
