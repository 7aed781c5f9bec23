/* proto_utf8_test.c -- the canonical text and every error message are valid UTF-8, whatever
 * bytes the input carries: strings that are not UTF-8 are printed with octal escapes (as
 * protoc's text printer does) and read back to the same bytes, valid UTF-8 is kept as written,
 * and bytes protoc refuses outside strings and comments are refused the same way. */
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

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned c = *p, n, min, cp;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, min = 0x80, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, min = 0x800, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, min = 0x10000, cp = c & 0x07;
        else
            return 0;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* The main file's descriptor, serialized without source info. */
static sr_buf packed(const sr_proto_fileset *fs)
{
    Google__Protobuf__FileDescriptorProto *fd =
        (Google__Protobuf__FileDescriptorProto *)sr_proto_fileset_main(fs);
    Google__Protobuf__SourceCodeInfo *info = fd->source_code_info;
    sr_buf b = SR_BUF_INIT;
    size_t len;
    uint8_t *bin;

    fd->source_code_info = NULL;
    len = protobuf_c_message_get_packed_size(&fd->base);
    bin = sr_xmalloc(len + 1);
    protobuf_c_message_pack(&fd->base, bin);
    fd->source_code_info = info;
    sr_buf_put(&b, (const char *)bin, len);
    free(bin);
    return b;
}

/* Parse, print, check the text is UTF-8 and reads back to the same descriptor; return the text. */
static char *canonical_of(const char *text)
{
    sr_proto_fileset *fs = NULL, *again = NULL;
    sr_err err = {0};
    sr_buf a, b;
    char *canon;

    if (sr_proto_parse(&fs, "x.proto", text, NULL, 0, &err) < 0)
        fail_msg("%s", err.msg);
    canon = sr_proto_print_set(fs, 0);
    if (!utf8_valid(canon))
        fail_msg("canonical text is not UTF-8:\n%s", canon);
    if (sr_proto_parse(&again, "x.proto", canon, NULL, 0, &err) < 0)
        fail_msg("canonical text does not parse: %s\n%s", err.msg, canon);
    a = packed(fs);
    b = packed(again);
    if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
        fail_msg("the canonical text reads back to another descriptor:\n%s", canon);
    sr_buf_dispose(&a);
    sr_buf_dispose(&b);
    sr_proto_fileset_free(again);
    sr_proto_fileset_free(fs);
    return canon;
}

static void test_proto_utf8__a_string_option_that_is_not_utf8_is_printed_escaped(void **state)
{
    char *canon;
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    canon = canonical_of("syntax = \"proto3\"; option java_package = \"\\377\"; message M { int32 a = 1; }");
    assert_non_null(strstr(canon, "option java_package = \"\\377\";"));
    free(canon);
    /* the raw byte itself inside the literal */
    canon = canonical_of("syntax = \"proto3\"; option java_package = \"a\377b\"; message M { int32 a = 1; }");
    assert_non_null(strstr(canon, "option java_package = \"a\\377b\";"));
    free(canon);
    /* through the registry's entry point */
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_PROTOBUF,
                                     "syntax = \"proto3\"; option java_package = \"\\377\"; "
                                     "message M { int32 a = 1; }", NULL, 0, SR_PARSE_NEW, &err), 0);
    assert_true(utf8_valid(sr_schema_canonical(s)));
    sr_schema_free(s);
}

static void test_proto_utf8__valid_utf8_is_kept_as_written(void **state)
{
    char *canon;
    (void)state;

    canon = canonical_of("syntax = \"proto3\"; option java_package = \"caf\xc3\xa9.\xe2\x82\xac.\xf0\x9f\x98\x80\";\n"
                         "// un commentaire \xc3\xa9\nmessage M { int32 a = 1; }");
    assert_non_null(strstr(canon, "option java_package = \"caf\xc3\xa9.\xe2\x82\xac.\xf0\x9f\x98\x80\";"));
    free(canon);
}

static void test_proto_utf8__every_kind_of_string_escapes_what_is_not_utf8(void **state)
{
    static const char *const texts[] = {
        "syntax = \"proto2\"; message M { optional string a = 1 [default = \"\\377x\\300\\200\"]; }",
        "syntax = \"proto2\"; message M { optional bytes a = 1 [default = \"\\377\\000\"]; }",
        "syntax = \"proto2\"; message M { optional string a = 1 [json_name = \"\\355\\240\\200\"]; }",
        "syntax = \"proto2\"; message M { reserved \"\\364\\220\\200\\200\", \"\\342\\202\"; }",
        "syntax = \"proto2\"; enum E { reserved \"\\377\"; A = 0; }",
        "syntax = \"proto2\"; import \"google/protobuf/descriptor.proto\";\n"
        "extend google.protobuf.FieldOptions { optional string s = 50000; optional bytes b = 50001; }\n"
        "message M { optional int32 a = 1 [(s) = \"\\377\", (b) = \"\\376\\n\\\"\"]; }",
        "syntax = \"proto2\"; import \"google/protobuf/descriptor.proto\";\n"
        "message O { optional string t = 1; repeated bytes u = 2; }\n"
        "extend google.protobuf.MessageOptions { optional O o = 50000; }\n"
        "message M { option (o) = { t: \"\\377\" u: [\"\\300\", \"ok\"] }; }",
        "edition = \"2023\"; option features.x = \"\\377\";\n"
        "option features.y = { a: \"\377\" /* \377 */ };\nmessage M { int32 a = 1; }",
    };
    (void)state;

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        free(canonical_of(texts[i]));
}

static void test_proto_utf8__a_base64_descriptor_with_bytes_that_are_not_utf8_prints_them_escaped(void **state)
{
    /* FileDescriptorProto { name: "x" options { java_package: "\377" } } */
    static const uint8_t bin[] = {0x0a, 0x01, 'x', 0x42, 0x03, 0x0a, 0x01, 0xff};
    char text[BASE64_ENCODE_RAW_LENGTH(sizeof(bin)) + 1];
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    base64_encode_raw(text, sizeof(bin), bin);
    text[BASE64_ENCODE_RAW_LENGTH(sizeof(bin))] = '\0';
    if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, NULL, 0, 0, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(utf8_valid(sr_schema_canonical(s)));
    assert_non_null(strstr(sr_schema_canonical(s), "java_package = \"\\377\""));
    sr_schema_free(s);
}

static void test_proto_utf8__bytes_protoc_refuses_outside_strings_are_refused(void **state)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"syntax = \"proto2\";\nmessage M\377 {}\n", "x.proto:2:10: Interpreting non ascii codepoint 255."},
        {"syntax = \"proto2\";\nmessage M\xc3\xa9 {}\n", "x.proto:2:10: Interpreting non ascii codepoint 195."},
        {"syntax = \"proto2\";\nmessage M\001 {}\n", "x.proto:2:10: Invalid control characters encountered in text."},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_proto_fileset *fs = NULL;
        sr_err err = {0};
        assert_int_equal(sr_proto_parse(&fs, "x.proto", cases[i].text, NULL, 0, &err), -1);
        if (!strstr(err.msg, cases[i].expect))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expect);
    }
}

static void test_proto_utf8__error_messages_are_utf8_even_cut_short(void **state)
{
    sr_buf long_path = SR_BUF_INIT, text = SR_BUF_INIT;
    static const char *const texts[] = {
        "syntax = \"proto\\377\";",
        "syntax = \"proto3\";\nimport \"\\377\\300.proto\";",
        "edition = \"\\377\";",
    };
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    (void)state;

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_int_equal(sr_proto_parse(&fs, "x.proto", texts[i], NULL, 0, &err), -1);
        if (!utf8_valid(err.msg))
            fail_msg("case %zu: not UTF-8: %s", i, err.msg);
        assert_non_null(strstr(err.msg, "\\377"));
    }
    assert_int_equal(sr_proto_parse(&fs, "x.proto", texts[0], NULL, 0, &err), -1);
    assert_non_null(strstr(err.msg, "x.proto:1:10: Unrecognized syntax identifier \"proto\\377\"."));

    /* a message longer than sr_err holds, made of two-byte characters: cut between them */
    for (int i = 0; i < 3000; i++)
        sr_buf_puts(&long_path, "\xc3\xa9");
    sr_buf_printf(&text, "syntax = \"proto3\";\nimport \"%s\";", long_path.ptr);
    for (int shift = 0; shift < 2; shift++) {
        assert_int_equal(sr_proto_parse(&fs, shift ? "ab.proto" : "a.proto", text.ptr, NULL, 0, &err), -1);
        assert_true(strlen(err.msg) > 900);
        if (!utf8_valid(err.msg))
            fail_msg("not UTF-8: %s", err.msg);
    }
    /* the file name is the caller's (a reference name): escaped too */
    assert_int_equal(sr_proto_parse(&fs, "\377.proto", "syntax = \"proto3\"; message {", NULL, 0, &err), -1);
    assert_true(utf8_valid(err.msg));
    assert_non_null(strstr(err.msg, "\\377.proto:1:"));
    sr_buf_dispose(&long_path);
    sr_buf_dispose(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_utf8__a_string_option_that_is_not_utf8_is_printed_escaped),
        cmocka_unit_test(test_proto_utf8__valid_utf8_is_kept_as_written),
        cmocka_unit_test(test_proto_utf8__every_kind_of_string_escapes_what_is_not_utf8),
        cmocka_unit_test(test_proto_utf8__a_base64_descriptor_with_bytes_that_are_not_utf8_prints_them_escaped),
        cmocka_unit_test(test_proto_utf8__bytes_protoc_refuses_outside_strings_are_refused),
        cmocka_unit_test(test_proto_utf8__error_messages_are_utf8_even_cut_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
