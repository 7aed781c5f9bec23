/* avro_limits_test.c -- the Avro module against hostile input: very large enums, records and
 * unions parse, canonicalize and render (and still report duplicates as before); nesting is
 * refused past the parse limit with 42201 naming it, for types and for JSON values (defaults,
 * attributes) alike; the canonical text is valid UTF-8 and reads back as the same schema.
 * Functional checks only: speed is measured by tests/bench/avro_parse_bench. */
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
#include "compat/avro/avro.h"

#define PREFIX "Invalid schema of type AVRO, details: "

static sr_schema *parse_ok(const char *text, unsigned flags)
{
    sr_schema *s = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&s, SR_TYPE_AVRO, text, NULL, 0, flags, &err) < 0)
        fail_msg("parse failed: %s\n  for %.300s", err.msg, text);
    return s;
}

/* Parse must fail with 42201 and a message starting with PREFIX and containing `want`. */
static void parse_refused(const char *text, unsigned flags, const sr_parse_limits *limits,
                          const char *want)
{
    sr_schema *s = NULL;
    sr_err err = {0};

    if (sr_schema_parse_limited(&s, SR_TYPE_AVRO, text, NULL, 0, flags, limits, &err) == 0) {
        sr_schema_free(s);
        fail_msg("accepted, expected '%s': %.300s", want, text);
    }
    assert_int_equal(err.code, 42201);
    assert_memory_equal(err.msg, PREFIX, strlen(PREFIX));
    if (!strstr(err.msg, want))
        fail_msg("'%s' does not mention '%s'", err.msg, want);
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                                    : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

/* The canonical text (and the normalized one) is valid UTF-8, reads back, and prints the same
 * again; both forms of the re-read schema agree with the original's. */
static void assert_round_trips(const char *text)
{
    sr_schema *c = parse_ok(text, 0), *n = parse_ok(text, SR_PARSE_NORMALIZE);
    sr_schema *c2 = parse_ok(sr_schema_canonical(c), 0);
    sr_schema *n2 = parse_ok(sr_schema_canonical(n), SR_PARSE_NORMALIZE);
    sr_schema *cn = parse_ok(sr_schema_canonical(c), SR_PARSE_NORMALIZE);

    assert_true(valid_utf8(sr_schema_canonical(c)));
    assert_true(valid_utf8(sr_schema_canonical(n)));
    assert_string_equal(sr_schema_canonical(c2), sr_schema_canonical(c));
    assert_string_equal(sr_schema_canonical(n2), sr_schema_canonical(n));
    assert_string_equal(sr_schema_canonical(cn), sr_schema_canonical(n));
    sr_schema_free(c);
    sr_schema_free(n);
    sr_schema_free(c2);
    sr_schema_free(n2);
    sr_schema_free(cn);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- size ---- */

#define SYMBOLS 100000
#define FIELDS 20000

static char *big_enum(int n, const char *dup)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"enum\",\"name\":\"Big\",\"namespace\":\"e\",\"symbols\":[");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "%s\"S%d\"", i ? "," : "", i);
    if (dup)
        sr_buf_printf(&b, ",\"%s\"", dup);
    sr_buf_printf(&b, "],\"default\":\"S%d\"}", n - 1);
    return sr_buf_detach(&b);
}

static void test_avro_limits__an_enum_of_100000_symbols_parses_canonicalizes_and_renders(
    void **state)
{
    char *text = big_enum(SYMBOLS, NULL), *resolved = NULL;
    sr_schema *s = parse_ok(text, SR_PARSE_NEW);
    sr_err err = {0};
    (void)state;

    /* the input was already in canonical key order and compact */
    assert_string_equal(sr_schema_canonical(s), text);
    assert_int_equal(sr_schema_render(&resolved, s, "resolved", &err), 0);
    assert_string_equal(resolved, text);
    free(resolved);
    sr_schema_free(s);
    assert_round_trips(text);
    free(text);
}

static void test_avro_limits__a_duplicate_symbol_at_the_end_of_a_large_enum_is_reported(
    void **state)
{
    char *text = big_enum(SYMBOLS, "S0");
    (void)state;

    parse_refused(text, 0, NULL, "Duplicate enum symbol: S0 (in e.Big)");
    free(text);
}

/* Every symbol of the enum in an array default: each is looked up, none is scanned for. */
static void test_avro_limits__a_default_listing_every_symbol_of_a_large_enum_is_valid(void **state)
{
    sr_buf b = SR_BUF_INIT;
    char *e = big_enum(SYMBOLS, NULL);
    sr_schema *s;
    (void)state;

    sr_buf_printf(&b, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"e\",\"type\":%s},"
                      "{\"name\":\"all\",\"type\":{\"type\":\"array\",\"items\":\"e.Big\"},"
                      "\"default\":[", e);
    for (int i = SYMBOLS - 1; i >= 0; i--)
        sr_buf_printf(&b, "\"S%d\"%s", i, i ? "," : "]}]}");
    s = parse_ok(b.ptr, SR_PARSE_NEW);
    assert_non_null(strstr(sr_schema_canonical(s), "\"default\":[\"S99999\","));
    sr_schema_free(s);
    /* one symbol that is not there makes it invalid */
    memcpy(strstr(b.ptr, "\"S0\"]"), "\"X0\"", 4);
    parse_refused(b.ptr, SR_PARSE_NEW, NULL, "Invalid default for field all");
    sr_buf_dispose(&b);
    free(e);
}

static char *wide_record(int n, const char *dup)
{
    static const char *const types[] = {"\"string\"", "\"long\"", "[\"null\",\"int\"]",
                                        "{\"type\":\"array\",\"items\":\"double\"}"};
    static const char *const defaults[] = {"\"x\"", "0", "null", "[]"};
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"Wide\",\"namespace\":\"w\",\"fields\":[");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "%s{\"name\":\"f%d\",\"type\":%s,\"default\":%s,\"aliases\":[\"g%d\"]}",
                      i ? "," : "", i, types[i % 4], defaults[i % 4], i);
    if (dup)
        sr_buf_printf(&b, ",{\"name\":\"%s\",\"type\":\"int\"}", dup);
    sr_buf_puts(&b, "]}");
    return sr_buf_detach(&b);
}

static void test_avro_limits__a_record_of_20000_fields_parses_canonicalizes_and_renders(
    void **state)
{
    char *text = wide_record(FIELDS, NULL), *resolved = NULL;
    sr_schema *s = parse_ok(text, SR_PARSE_NEW);
    sr_err err = {0};
    (void)state;

    assert_string_equal(sr_schema_canonical(s), text);
    assert_int_equal(sr_schema_render(&resolved, s, "resolved", &err), 0);
    assert_string_equal(resolved, text);
    free(resolved);
    sr_schema_free(s);
    assert_round_trips(text);
    free(text);
}

static void test_avro_limits__a_duplicate_field_at_the_end_of_a_large_record_is_reported(
    void **state)
{
    char *text = wide_record(FIELDS, "f0");
    (void)state;

    parse_refused(text, 0, NULL, "Duplicate field f0 in record w.Wide");
    free(text);
}

/* 10,000 records defined, each used again by name: written out once, then by name. */
static void test_avro_limits__many_named_types_used_many_times_are_written_out_once(void **state)
{
    enum { N = 10000 };
    sr_buf b = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"Top\",\"fields\":[");
    for (int i = 0; i < N; i++)
        sr_buf_printf(&b, "{\"name\":\"d%d\",\"type\":{\"type\":\"record\",\"name\":\"R%d\","
                          "\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}},", i, i);
    for (int i = 0; i < N; i++)
        sr_buf_printf(&b, "{\"name\":\"u%d\",\"type\":[\"null\",\"R%d\",\"R%d\"]},", i, i,
                      (i + 1) % N);
    sr_buf_puts(&b, "{\"name\":\"last\",\"type\":\"R0\"}]}");
    s = parse_ok(b.ptr, SR_PARSE_NEW);
    assert_int_equal(count(sr_schema_canonical(s), "\"type\":\"record\""), N + 1);
    assert_non_null(strstr(sr_schema_canonical(s), "{\"name\":\"last\",\"type\":\"R0\"}"));
    sr_schema_free(s);
    assert_round_trips(b.ptr);
    sr_buf_dispose(&b);
}

static void test_avro_limits__a_union_of_10000_branches_parses_and_reports_a_duplicate(
    void **state)
{
    enum { N = 10000 };
    sr_buf b = SR_BUF_INIT;
    sr_schema *s;
    (void)state;

    sr_buf_puts(&b, "[\"null\",\"int\",{\"type\":\"array\",\"items\":\"int\"}");
    for (int i = 0; i < N; i++)
        sr_buf_printf(&b, ",{\"type\":\"record\",\"name\":\"u.B%d\",\"fields\":[]}", i);
    sr_buf_puts(&b, "]");
    s = parse_ok(b.ptr, SR_PARSE_NEW);
    assert_int_equal(count(sr_schema_canonical(s), "\"type\":\"record\""), N);
    sr_schema_free(s);
    assert_round_trips(b.ptr);
    b.ptr[b.len - 1] = '\0';
    b.len--;
    sr_buf_puts(&b, ",\"u.B5000\"]");
    parse_refused(b.ptr, 0, NULL, "Duplicate in union: u.B5000");
    b.ptr[b.len - 11] = '\0';
    b.len -= 11;
    sr_buf_puts(&b, ",{\"type\":\"array\",\"items\":\"long\"}]");
    parse_refused(b.ptr, 0, NULL, "Duplicate in union: array");
    sr_buf_dispose(&b);
}

/* ---- depth ---- */

/* A schema of `levels` levels: levels - 1 arrays around an int. */
static char *nested_arrays(int levels)
{
    sr_buf b = SR_BUF_INIT;

    for (int i = 1; i < levels; i++)
        sr_buf_puts(&b, "{\"type\":\"array\",\"items\":");
    sr_buf_puts(&b, "\"int\"");
    for (int i = 1; i < levels; i++)
        sr_buf_putc(&b, '}');
    return sr_buf_detach(&b);
}

/* `levels` levels of records, each the type of the only field of the one above (and a union). */
static char *nested_records(int levels)
{
    sr_buf b = SR_BUF_INIT;

    for (int i = 1; i < levels; i++)
        sr_buf_printf(&b, "{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"f\","
                          "\"type\":", i);
    sr_buf_puts(&b, "\"int\"");
    for (int i = 1; i < levels; i++)
        sr_buf_puts(&b, "}]}");
    return sr_buf_detach(&b);
}

static void test_avro_limits__nesting_at_the_limit_is_accepted_and_one_level_more_refused(
    void **state)
{
    sr_parse_limits ten = {10};
    char *at = nested_arrays(SR_PARSE_MAX_DEPTH_DEFAULT);
    char *over = nested_arrays(SR_PARSE_MAX_DEPTH_DEFAULT + 1);
    sr_schema *s = parse_ok(at, SR_PARSE_NEW);
    (void)state;

    assert_string_equal(sr_schema_canonical(s), at);
    sr_schema_free(s);
    parse_refused(over, SR_PARSE_NEW, NULL, "schema nests deeper than 100 levels at /items/");
    parse_refused(over, 0, NULL, "schema nests deeper than 100 levels at /items/");
    free(at);
    free(over);

    /* a limit of the caller's own, through records and fields */
    at = nested_records(10);
    over = nested_records(11);
    s = NULL;
    assert_int_equal(
        sr_schema_parse_limited(&s, SR_TYPE_AVRO, at, NULL, 0, SR_PARSE_NEW, &ten, NULL), 0);
    sr_schema_free(s);
    parse_refused(over, SR_PARSE_NEW, &ten,
                  PREFIX "schema nests deeper than 10 levels at /fields/0/type/fields/0/type/");
    free(at);
    free(over);
}

static void test_avro_limits__unions_and_wrapped_types_count_as_levels(void **state)
{
    sr_parse_limits three = {3};
    sr_schema *s = NULL;
    (void)state;

    assert_int_equal(sr_schema_parse_limited(&s, SR_TYPE_AVRO,
                                             "[\"null\",{\"type\":\"array\",\"items\":\"int\"}]",
                                             NULL, 0, 0, &three, NULL),
                     0); /* 3 levels */
    sr_schema_free(s);
    parse_refused("[\"null\",{\"type\":\"array\",\"items\":[\"int\"]}]", 0, &three,
                  "schema nests deeper than 3 levels at /1/items/0");
    parse_refused("{\"type\":{\"type\":{\"type\":{\"type\":\"int\"}}}}", 0, &three,
                  "schema nests deeper than 3 levels at /type/type/type");
}

/* A default (any JSON value) `levels` deep: nested arrays around a 0. */
static char *record_with_default(int levels)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                    "\"type\":\"int\",\"default\":");
    for (int i = 1; i < levels; i++)
        sr_buf_putc(&b, '[');
    sr_buf_putc(&b, '0');
    for (int i = 1; i < levels; i++)
        sr_buf_putc(&b, ']');
    sr_buf_puts(&b, "}]}");
    return sr_buf_detach(&b);
}

static void test_avro_limits__a_default_nested_deeper_than_the_limit_is_refused(void **state)
{
    char *at = record_with_default(SR_PARSE_MAX_DEPTH_DEFAULT);
    char *over = record_with_default(SR_PARSE_MAX_DEPTH_DEFAULT + 1);
    char *huge = record_with_default(100000);
    sr_schema *s = parse_ok(at, 0); /* stored schemas do not check the default's type */
    (void)state;

    assert_string_equal(sr_schema_canonical(s), at);
    sr_schema_free(s);
    parse_refused(at, SR_PARSE_NEW, NULL, "Invalid default for field a");
    parse_refused(over, 0, NULL,
                  PREFIX "default value of field a nests deeper than 100 levels at "
                         "/fields/0/default/0/0/");
    parse_refused(over, SR_PARSE_NEW, NULL, "default value of field a nests deeper than 100");
    /* jansson refuses any JSON text nested deeper than 2048 levels before we see it */
    parse_refused(huge, 0, NULL, "JSON nests deeper than 2048 levels at line 1 column");
    parse_refused(huge, SR_PARSE_NEW, NULL, "JSON nests deeper than 2048 levels");
    free(at);
    free(over);
    free(huge);
}

static void test_avro_limits__an_attribute_nested_deeper_than_the_limit_is_refused(void **state)
{
    sr_parse_limits two = {2};
    sr_schema *s = NULL;
    (void)state;

    assert_int_equal(sr_schema_parse_limited(&s, SR_TYPE_AVRO,
                                             "{\"type\":\"string\",\"x\":{\"y\":1}}", NULL, 0, 0,
                                             &two, NULL),
                     0);
    sr_schema_free(s);
    parse_refused("{\"type\":\"string\",\"x/~\":{\"y\":[1]}}", 0, &two,
                  "attribute value nests deeper than 2 levels at /x~1~0/y/0");
    parse_refused("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":"
                  "\"int\",\"p\":[[[]]]}]}",
                  0, &two, "attribute value nests deeper than 2 levels at /fields/0/p/0/0");
}

/* The resolved form inlines referenced types, so it can nest deeper than either schema did. */
static void test_avro_limits__a_resolved_form_deeper_than_the_limit_is_refused(void **state)
{
    sr_buf dep = SR_BUF_INIT, top = SR_BUF_INIT;
    sr_dep deps[1] = {{"d.Deep", "deep", 1, SR_TYPE_AVRO, NULL}};
    sr_schema *s = NULL;
    sr_err err = {0};
    char *resolved = NULL, *arrays = nested_arrays(60);
    (void)state;

    sr_buf_printf(&dep, "{\"type\":\"record\",\"name\":\"d.Deep\",\"fields\":[{\"name\":\"x\","
                        "\"type\":%s}]}", arrays);
    free(arrays);
    deps[0].text = dep.ptr;
    for (int i = 1; i < 60; i++)
        sr_buf_puts(&top, "{\"type\":\"map\",\"values\":");
    sr_buf_puts(&top, "\"d.Deep\"");
    for (int i = 1; i < 60; i++)
        sr_buf_putc(&top, '}');
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_AVRO, top.ptr, deps, 1, SR_PARSE_NEW, &err), 0);
    assert_string_equal(sr_schema_canonical(s), top.ptr);
    assert_int_equal(sr_schema_render(&resolved, s, "resolved", &err), -1);
    assert_null(resolved);
    assert_int_equal(err.code, 42201);
    assert_non_null(strstr(err.msg, PREFIX "schema nests deeper than 100 levels at /values/"));
    sr_schema_free(s);

    /* a referenced schema that is too deep itself says so */
    sr_buf_clear(&dep);
    arrays = nested_arrays(101);
    sr_buf_printf(&dep, "{\"type\":\"record\",\"name\":\"d.Deep\",\"fields\":[{\"name\":\"x\","
                        "\"type\":%s}]}", arrays);
    free(arrays);
    deps[0].text = dep.ptr;
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_AVRO, "\"d.Deep\"", deps, 1, 0, &err), -1);
    assert_non_null(strstr(err.msg, "(in a referenced schema)"));
    sr_buf_dispose(&dep);
    sr_buf_dispose(&top);
}

/* ---- duplicates and aliases keep their messages ---- */

static void test_avro_limits__duplicates_and_bad_aliases_keep_their_messages(void **state)
{
    (void)state;
    parse_refused("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"A\"]}", 0, NULL,
                  PREFIX "Duplicate enum symbol: A (in E)");
    parse_refused("{\"type\":\"record\",\"name\":\"n.R\",\"fields\":[{\"name\":\"a\",\"type\":"
                  "\"int\"},{\"name\":\"b\",\"type\":\"int\"},{\"name\":\"a\",\"type\":\"long\"}]}",
                  0, NULL, PREFIX "Duplicate field a in record n.R");
    parse_refused("[\"int\",\"string\",\"int\"]", 0, NULL, PREFIX "Duplicate in union: int");
    parse_refused("[{\"type\":\"fixed\",\"name\":\"F\",\"size\":1},\"null\",\"F\"]", 0, NULL,
                  PREFIX "Duplicate in union: F");
    parse_refused("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"r\",\"type\":"
                  "{\"type\":\"enum\",\"name\":\"R\",\"symbols\":[]}}]}",
                  0, NULL, PREFIX "Can't redefine: R");
    parse_refused("{\"type\":\"record\",\"name\":\"R\",\"aliases\":[\"9x\"],\"fields\":[]}", 0, NULL,
                  PREFIX "Illegal alias of \"R\"");
    parse_refused("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":"
                  "\"int\",\"aliases\":[1]}]}",
                  0, NULL, PREFIX "aliases of field \"a\" must be strings");
    parse_refused("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"B\"}", 0,
                  NULL, PREFIX "The Enum Default: B is not in the enum symbol set (E)");
}

/* Two reader fields whose aliases name the same writer field: still found, still reported. */
static void test_avro_limits__a_field_alias_matching_several_writer_fields_is_reported(
    void **state)
{
    sr_schema *r = parse_ok("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\","
                            "\"type\":\"int\",\"aliases\":[\"a\",\"b\"]}]}", 0);
    sr_schema *w = parse_ok("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                            "\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}", 0);
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_schema_read_compat(&msgs, r, w, &err), 0);
    assert_int_equal(msgs.n, 1);
    assert_non_null(strstr(msgs.v[0], "Reader field n matches multiple fields in writer"));
    sr_strlist_dispose(&msgs);
    sr_schema_free(r);
    sr_schema_free(w);
}

/* ---- the canonical text ---- */

static void test_avro_limits__canonical_text_is_utf8_and_reads_back_as_the_same_schema(
    void **state)
{
    static const char *const cases[] = {
        /* non-ASCII docs, attribute keys and values, defaults */
        "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"caf\\u00e9 \\ud83d\\ude00 \xe2\x82\xac\","
        "\"\xc3\xa9t\xc3\xa9\":{\"\xe2\x82\xac\":[\"\xf0\x9f\x98\x80\"]},\"fields\":[{\"name\":"
        "\"s\",\"type\":\"string\",\"default\":\"\\u2028\\u0001\\\"\\\\\"}]}",
        /* a type in no namespace inside a namespaced record, used again by name */
        "{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[{\"name\":\"x\",\"type\":{\"type\":"
        "\"record\",\"name\":\"X\",\"namespace\":\"\",\"fields\":[]}},{\"name\":\"y\",\"type\":"
        "\"X\"},{\"name\":\"z\",\"type\":{\"type\":\"fixed\",\"name\":\"X\",\"size\":1}},"
        "{\"name\":\"w\",\"type\":\"X\"}]}",
        /* dotted names inside another namespace, aliases, order, error records */
        "{\"type\":\"error\",\"name\":\"E\",\"namespace\":\"p.q\",\"aliases\":[\"Old\",\"o.Older\"],"
        "\"fields\":[{\"name\":\"f\",\"type\":{\"type\":\"enum\",\"name\":\"z.K\",\"symbols\":"
        "[\"A\"],\"aliases\":[\"J\"]},\"order\":\"ignore\",\"aliases\":[\"g\"]},{\"name\":\"h\","
        "\"type\":[\"null\",\"p.q.E\",\"z.K\"],\"default\":null}]}",
        /* numbers and attributes on every kind */
        "{\"type\":\"map\",\"values\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":"
        "4,\"scale\":2,\"big\":1e300,\"neg\":-0.0,\"i\":-9223372036854775808},\"items\":\"x\"}",
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_round_trips(cases[i]);
}

/* A message quoting input that is too long is cut, but never inside a UTF-8 character. */
static void test_avro_limits__long_messages_are_cut_on_character_boundaries(void **state)
{
    sr_buf b = SR_BUF_INIT;
    sr_schema *s = NULL;
    sr_err err = {0};
    (void)state;

    for (int off = 0; off < 3; off++) {
        sr_buf_clear(&b);
        sr_buf_putc(&b, '"');
        for (int i = 0; i < off; i++)
            sr_buf_putc(&b, 'x');
        for (int i = 0; i < 400; i++)
            sr_buf_puts(&b, "\xe2\x82\xac"); /* the euro sign, three bytes */
        sr_buf_putc(&b, '"');
        assert_int_equal(sr_schema_parse(&s, SR_TYPE_AVRO, b.ptr, NULL, 0, 0, &err), -1);
        assert_true(valid_utf8(err.msg));
        assert_non_null(strstr(err.msg, "\xe2\x82\xac\xe2\x82\xac"));
        assert_true(valid_utf8(sr_err_message(&err)));
    }
    sr_err_dispose(&err);
    sr_buf_dispose(&b);
}

/* Paths in messages are JSON pointers ("~" and "/" escaped); a long one keeps its start and its
 * end around "...", cut between characters. */
static void test_avro_limits__long_paths_are_elided_between_characters(void **state)
{
    av_path p = {0};
    char *s;
    (void)state;

    sr_avro__path_push(&p, "a~b/c");
    sr_avro__path_push_index(&p, 3);
    s = sr_avro__path_format(&p, 64);
    assert_string_equal(s, "/a~0b~1c/3");
    free(s);
    sr_avro__path_pop(&p);
    sr_avro__path_pop(&p);
    for (int off = 0; off < 3; off++) {
        sr_avro__path_push(&p, off == 0 ? "" : off == 1 ? "x" : "xx");
        for (int i = 0; i < 40; i++)
            sr_avro__path_push(&p, "\xe2\x82\xac"); /* the euro sign, three bytes */
        s = sr_avro__path_format(&p, 64);
        assert_true(valid_utf8(s));
        assert_true(strlen(s) <= 64);
        assert_non_null(strstr(s, "..."));
        assert_int_equal(strncmp(s, off == 0 ? "//\xe2\x82\xac" : "/x", 2), 0);
        assert_int_equal(strcmp(s + strlen(s) - 4, "/\xe2\x82\xac"), 0);
        free(s);
        sr_avro__path_dispose(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_avro_limits__an_enum_of_100000_symbols_parses_canonicalizes_and_renders),
        cmocka_unit_test(test_avro_limits__a_duplicate_symbol_at_the_end_of_a_large_enum_is_reported),
        cmocka_unit_test(test_avro_limits__a_default_listing_every_symbol_of_a_large_enum_is_valid),
        cmocka_unit_test(
            test_avro_limits__a_record_of_20000_fields_parses_canonicalizes_and_renders),
        cmocka_unit_test(
            test_avro_limits__a_duplicate_field_at_the_end_of_a_large_record_is_reported),
        cmocka_unit_test(test_avro_limits__many_named_types_used_many_times_are_written_out_once),
        cmocka_unit_test(test_avro_limits__a_union_of_10000_branches_parses_and_reports_a_duplicate),
        cmocka_unit_test(
            test_avro_limits__nesting_at_the_limit_is_accepted_and_one_level_more_refused),
        cmocka_unit_test(test_avro_limits__unions_and_wrapped_types_count_as_levels),
        cmocka_unit_test(test_avro_limits__a_default_nested_deeper_than_the_limit_is_refused),
        cmocka_unit_test(test_avro_limits__an_attribute_nested_deeper_than_the_limit_is_refused),
        cmocka_unit_test(test_avro_limits__a_resolved_form_deeper_than_the_limit_is_refused),
        cmocka_unit_test(test_avro_limits__duplicates_and_bad_aliases_keep_their_messages),
        cmocka_unit_test(
            test_avro_limits__a_field_alias_matching_several_writer_fields_is_reported),
        cmocka_unit_test(
            test_avro_limits__canonical_text_is_utf8_and_reads_back_as_the_same_schema),
        cmocka_unit_test(test_avro_limits__long_messages_are_cut_on_character_boundaries),
        cmocka_unit_test(test_avro_limits__long_paths_are_elided_between_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
