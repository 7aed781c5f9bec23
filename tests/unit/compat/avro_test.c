/* avro_test.c -- the Avro module through compat.h: parsing and validation, the canonical and
 * normalized forms, and every rule of schema resolution in both directions with Confluent's
 * message (placeholders "%s" are left for the level logic at this layer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avro.h>

#include "compat/compat.h"

static sr_schema *parse(const char *text, unsigned flags)
{
    sr_schema *s = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&s, SR_TYPE_AVRO, text, NULL, 0, flags, &err) < 0)
        fail_msg("parse failed: %s\n  for %s", err.msg, text);
    return s;
}

/* ---- parsing ---- */

static const struct {
    const char *schema;
    const char *error; /* NULL = valid; else a substring of the 42201 message */
} parse_cases[] = {
    {"\"string\"", NULL},
    {"{\"type\":\"string\"}", NULL},
    {"[\"null\",\"int\",{\"type\":\"array\",\"items\":\"long\"}]", NULL},
    {"{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}", NULL},
    {"{\"type\":\"record\",\"name\":\"a.b.R\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},{\"name\":\"e2\",\"type\":\"a.b.E\"}]}", NULL},
    {"{\"type\":\"fixed\",\"name\":\"D\",\"size\":12,\"logicalType\":\"duration\"}", NULL},
    {"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2}", NULL},
    {"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":-1}", NULL}, /* invalid logical types are ignored */
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"B\"}", NULL},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"string\"],\"default\":null}]}", NULL},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"double\",\"default\":1}]}", NULL},
    {"{\"type\":\"error\",\"name\":\"Oops\",\"fields\":[]}", NULL},
    {"", "Empty schema"},
    {"{", "Invalid JSON"},
    {"\"strin\"", "is not a defined name"},
    {"{\"type\":\"record\",\"name\":\"R\"}", "no fields"},
    {"{\"type\":\"record\",\"fields\":[]}", "No name"},
    {"{\"type\":\"record\",\"name\":\"9R\",\"fields\":[]}", "Illegal name"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a-b\",\"type\":\"int\"}]}", "Illegal field name"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"a\",\"type\":\"long\"}]}", "Duplicate field a"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\"}]}", "No type for field"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"order\":\"up\"}]}", "Illegal order"},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}}]}", "Can't redefine: R"},
    {"{\"type\":\"record\",\"name\":\"int\",\"fields\":[]}", "Can't redefine: int"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}", "Duplicate enum symbol"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"1A\"]}", "Illegal enum symbol"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"Z\"}", "Enum Default"},
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}", "Invalid size"},
    {"{\"type\":\"map\"}", "no values"},
    {"[\"int\",\"int\"]", "Duplicate in union"},
    {"[\"int\",[\"string\"]]", "Nested union"},
    {"{\"no\":\"type\"}", "No type"},
    {"42", "Not a schema"},
};

static void test_avro__parser_accepts_valid_and_rejects_invalid_schemas_with_details(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        sr_schema *s = NULL;
        sr_err err = {0};
        int rc = sr_schema_parse(&s, SR_TYPE_AVRO, parse_cases[i].schema, NULL, 0, SR_PARSE_NEW,
                                 &err);
        if (!parse_cases[i].error) {
            if (rc != 0)
                fail_msg("case %zu rejected: %s", i, err.msg);
        } else {
            if (rc == 0)
                fail_msg("case %zu accepted: %s", i, parse_cases[i].schema);
            assert_int_equal(err.code, 42201);
            assert_non_null(strstr(err.msg, "Invalid schema of type AVRO, details: "));
            if (!strstr(err.msg, parse_cases[i].error))
                fail_msg("case %zu: '%s' does not mention '%s'", i, err.msg, parse_cases[i].error);
        }
        sr_schema_free(s);
    }
}

static const struct {
    const char *schema;
    unsigned flags; /* SR_PARSE_NEW validates defaults */
    int valid;
} default_cases[] = {
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\",\"default\":null}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\",\"default\":null}]}", 0, 1},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":2147483648}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":[\"string\",\"null\"],\"default\":null}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"int\"},\"default\":[1,\"x\"]}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"map\",\"values\":\"int\"},\"default\":{\"k\":1}}]}", SR_PARSE_NEW, 1},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]},\"default\":\"B\"}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"s\",\"type\":{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]},\"default\":{\"x\":1}}]}", SR_PARSE_NEW, 1},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"s\",\"type\":{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]},\"default\":{}}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"boolean\",\"default\":\"true\"}]}", SR_PARSE_NEW, 0},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"float\",\"default\":\"NaN\"}]}", SR_PARSE_NEW, 1},
};

static void test_avro__defaults_must_match_their_type_only_for_new_schemas(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(default_cases) / sizeof(default_cases[0]); i++) {
        sr_schema *s = NULL;
        sr_err err = {0};
        int rc = sr_schema_parse(&s, SR_TYPE_AVRO, default_cases[i].schema, NULL, 0,
                                 default_cases[i].flags, &err);
        if ((rc == 0) != default_cases[i].valid)
            fail_msg("default case %zu: rc %d (%s)", i, rc, err.msg);
        if (rc < 0)
            assert_non_null(strstr(err.msg, "Invalid default"));
        sr_schema_free(s);
    }
}

/* avro-c, a second, independent Avro implementation, must accept every canonical text we
 * produce for a valid schema (the server does not use it: its schema objects drop defaults,
 * aliases and docs, which compatibility and the canonical form need). */
static void test_avro__avro_c_accepts_the_canonical_text_of_every_valid_schema(void **state)
{
    size_t checked = 0;
    (void)state;

    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        sr_schema *s = NULL;
        avro_schema_t as = NULL;
        const char *text;
        if (parse_cases[i].error ||
            sr_schema_parse(&s, SR_TYPE_AVRO, parse_cases[i].schema, NULL, 0, 0, NULL) < 0)
            continue;
        text = sr_schema_canonical(s);
        if (strstr(text, "\"type\":\"error\"")) { /* avro-c knows no protocol error types */
            sr_schema_free(s);
            continue;
        }
        if (avro_schema_from_json_length(text, strlen(text), &as) != 0)
            fail_msg("avro-c rejects %s: %s", text, avro_strerror());
        avro_schema_decref(as);
        sr_schema_free(s);
        checked++;
    }
    assert_true(checked >= 10);
}

/* ---- canonical and normalized forms ---- */

static const struct {
    const char *in;
    const char *canonical;
    const char *normalized;
} form_cases[] = {
    {" { \"type\" : \"int\" } ", "\"int\"", "\"int\""},
    {"{\"fields\":[{\"type\":\"string\",\"name\":\"a\",\"default\":\"x\",\"doc\":\"d\"}],\"doc\":\"r\",\"name\":\"R\",\"type\":\"record\",\"namespace\":\"n\"}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"doc\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"string\",\"doc\":\"d\",\"default\":\"x\"}]}",
     "{\"name\":\"n.R\",\"type\":\"record\",\"fields\":[{\"name\":\"a\",\"type\":\"string\",\"order\":\"ascending\",\"doc\":\"d\",\"default\":\"x\"}],\"doc\":\"r\"}"},
    /* a nested type in the same namespace omits it; a second use goes by name */
    {"{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}},{\"name\":\"y\",\"type\":\"F\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":[{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}},{\"name\":\"y\",\"type\":\"F\"}]}",
     "{\"name\":\"a.R\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":{\"name\":\"a.F\",\"type\":\"fixed\",\"size\":2},\"order\":\"ascending\"},{\"name\":\"y\",\"type\":\"a.F\",\"order\":\"ascending\"}]}"},
    /* field keys: name, type, doc, default, order, aliases, then custom properties */
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"z\":1,\"aliases\":[\"b\",\"a\"],\"order\":\"descending\",\"name\":\"f\",\"type\":\"int\"}],\"aliases\":[\"Old\"]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"order\":\"descending\",\"aliases\":[\"b\",\"a\"],\"z\":1}],\"aliases\":[\"Old\"]}",
     "{\"name\":\"R\",\"type\":\"record\",\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"order\":\"descending\",\"aliases\":[\"a\",\"b\"],\"z\":1}],\"aliases\":[\"Old\"]}"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"default\":\"A\",\"symbols\":[\"A\",\"B\"],\"p\":true}",
     "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\",\"p\":true}",
     "{\"name\":\"E\",\"type\":\"enum\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\",\"p\":true}"},
    {"{\"scale\":2,\"type\":\"bytes\",\"precision\":4,\"logicalType\":\"decimal\"}",
     "{\"type\":\"bytes\",\"scale\":2,\"precision\":4,\"logicalType\":\"decimal\"}",
     "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2}"},
    {"{\"type\":\"error\",\"fields\":[],\"name\":\"Oops\"}", "{\"type\":\"error\",\"name\":\"Oops\",\"fields\":[]}",
     "{\"name\":\"Oops\",\"type\":\"error\",\"fields\":[]}"},
    {"{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"long\"}}",
     "{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"long\"}}",
     "{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"long\"}}"},
};

static void test_avro__canonical_and_normalized_forms_are_stable_and_idempotent(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(form_cases) / sizeof(form_cases[0]); i++) {
        sr_schema *c = parse(form_cases[i].in, 0), *n = parse(form_cases[i].in, SR_PARSE_NORMALIZE);
        sr_schema *c2 = parse(sr_schema_canonical(c), 0);
        sr_schema *n2 = parse(sr_schema_canonical(n), SR_PARSE_NORMALIZE);
        assert_string_equal(sr_schema_canonical(c), form_cases[i].canonical);
        assert_string_equal(sr_schema_canonical(n), form_cases[i].normalized);
        assert_string_equal(sr_schema_canonical(c2), form_cases[i].canonical);
        assert_string_equal(sr_schema_canonical(n2), form_cases[i].normalized);
        sr_schema_free(c);
        sr_schema_free(n);
        sr_schema_free(c2);
        sr_schema_free(n2);
    }
}

static void test_avro__referenced_types_stay_names_and_resolved_format_inlines_them(void **state)
{
    const char *dep = "{\"type\":\"record\",\"name\":\"x.Dep\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}";
    sr_dep deps[1] = {{"x.Dep", "dep", 1, SR_TYPE_AVRO, dep}};
    sr_schema *s = NULL;
    sr_err err = {0};
    char *resolved = NULL;
    (void)state;

    assert_int_equal(sr_schema_parse(&s, SR_TYPE_AVRO,
                                     "{\"type\":\"record\",\"name\":\"x.Top\",\"fields\":[{\"name\":\"d\",\"type\":\"Dep\"}]}",
                                     deps, 1, SR_PARSE_NEW, &err), 0);
    assert_string_equal(sr_schema_canonical(s), "{\"type\":\"record\",\"name\":\"Top\",\"namespace\":\"x\",\"fields\":[{\"name\":\"d\",\"type\":\"Dep\"}]}");
    assert_int_equal(sr_schema_render(&resolved, s, "resolved", &err), 0);
    assert_string_equal(resolved, "{\"type\":\"record\",\"name\":\"Top\",\"namespace\":\"x\",\"fields\":[{\"name\":\"d\",\"type\":{\"type\":\"record\",\"name\":\"Dep\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}}]}");
    free(resolved);
    assert_int_equal(sr_schema_render(&resolved, s, "serialized", &err), 1);
    sr_schema_free(s);
    /* a type defined twice, once by a reference and once here, is an error */
    assert_int_equal(sr_schema_parse(&s, SR_TYPE_AVRO, dep, deps, 1, 0, &err), -1);
    assert_non_null(strstr(err.msg, "Can't redefine: x.Dep"));
}

/* ---- schema resolution ---- */

#define REC1(t) "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":" t "}]}"
#define TM(loc, r, w)                                                                              \
    "{errorType:'TYPE_MISMATCH', description:'The type (path '" loc "') of a field in the %s "     \
    "schema does not match with the %s schema', additionalInfo:'reader type: " r                   \
    " not compatible with writer type: " w "'}"
#define MUB(loc, w)                                                                                \
    "{errorType:'MISSING_UNION_BRANCH', description:'The %s schema is missing a type inside a "    \
    "union field at path '" loc "' in the %s schema', additionalInfo:'reader union lacking "       \
    "writer type: " w "'}"

static const struct {
    const char *reader, *writer;
    const char *msgs[3]; /* expected messages, in order; NULL-terminated */
} resolution_cases[] = {
    /* same primitive */
    {"\"string\"", "\"string\"", {NULL}},
    /* promotions, allowed one way only */
    {"\"long\"", "\"int\"", {NULL}},
    {"\"int\"", "\"long\"", {TM("/", "INT", "LONG"), NULL}},
    {"\"float\"", "\"long\"", {NULL}},
    {"\"long\"", "\"float\"", {TM("/", "LONG", "FLOAT"), NULL}},
    {"\"double\"", "\"float\"", {NULL}},
    {"\"float\"", "\"double\"", {TM("/", "FLOAT", "DOUBLE"), NULL}},
    {"\"string\"", "\"bytes\"", {NULL}},
    {"\"bytes\"", "\"string\"", {NULL}},
    {"\"boolean\"", "\"int\"", {TM("/", "BOOLEAN", "INT"), NULL}},
    {"\"null\"", "\"string\"", {TM("/", "NULL", "STRING"), NULL}},
    /* arrays and maps compare items and values */
    {"{\"type\":\"array\",\"items\":\"long\"}", "{\"type\":\"array\",\"items\":\"int\"}", {NULL}},
    {"{\"type\":\"array\",\"items\":\"int\"}", "{\"type\":\"array\",\"items\":\"long\"}", {TM("/items", "INT", "LONG"), NULL}},
    {"{\"type\":\"map\",\"values\":\"int\"}", "{\"type\":\"map\",\"values\":\"string\"}", {TM("/values", "INT", "STRING"), NULL}},
    {"{\"type\":\"map\",\"values\":\"int\"}", "{\"type\":\"array\",\"items\":\"int\"}", {TM("/", "MAP", "ARRAY"), NULL}},
    /* records: fields by name, defaults for missing ones, writer-only fields ignored */
    {REC1("\"long\""), REC1("\"int\""), {NULL}},
    {REC1("\"int\""), REC1("\"string\""), {TM("/fields/0/type", "INT", "STRING"), NULL}},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}", REC1("\"int\""),
     {"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'b'}", NULL}},
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":1}]}", REC1("\"int\""), {NULL}},
    {REC1("\"int\""), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}", {NULL}},
    /* a reader field alias finds a renamed writer field */
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"aliases\":[\"a\"]}]}", REC1("\"int\""), {NULL}},
    {REC1("\"int\""), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"aliases\":[\"a\"]}]}",
     {"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'a'}", NULL}},
    /* names: simple names match, namespaces do not matter, reader aliases may name the writer */
    {"{\"type\":\"record\",\"name\":\"S\",\"fields\":[]}", "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}",
     {"{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: R'}", NULL}},
    {"{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[]}", "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", {NULL}},
    {"{\"type\":\"record\",\"name\":\"S\",\"aliases\":[\"b.R\"],\"fields\":[]}", "{\"type\":\"record\",\"name\":\"b.R\",\"fields\":[]}", {NULL}},
    /* enums: every writer symbol in the reader, unless the reader has a default */
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", {NULL}},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\",\"A\",\"B\"]}",
     {"{errorType:'MISSING_ENUM_SYMBOLS', description:'The %s schema is missing enum symbols '[B, C]' at path '/symbols' in the %s schema', additionalInfo:'[B, C]'}", NULL}},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"A\"}", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", {NULL}},
    /* fixed: names and sizes */
    {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}",
     {"{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the %s schema does not match with the %s schema', additionalInfo:'expected: 4, found: 8'}", NULL}},
    /* unions on both sides: every writer branch must be readable */
    {"[\"null\",\"string\"]", "[\"null\",\"string\"]", {NULL}},
    {"[\"null\",\"string\",\"int\"]", "[\"null\",\"string\"]", {NULL}},
    {"[\"null\",\"string\"]", "[\"null\",\"string\",\"int\"]", {MUB("/2", "INT"), NULL}},
    {"[\"null\",\"long\"]", "[\"null\",\"int\"]", {NULL}},
    /* writer union, reader not: each branch against the reader */
    {"\"string\"", "[\"null\",\"string\"]", {TM("/0", "STRING", "NULL"), NULL}},
    {"\"long\"", "[\"int\",\"long\"]", {NULL}},
    /* reader union, writer not: some branch must accept it */
    {"[\"null\",\"string\"]", "\"string\"", {NULL}},
    {"[\"null\",\"double\"]", "\"int\"", {NULL}},
    {"[\"null\",\"string\"]", "\"int\"", {MUB("/", "INT"), NULL}},
    {REC1("[\"null\",\"string\"]"), REC1("\"int\""), {MUB("/fields/0/type", "INT"), NULL}},
    /* recursive types terminate */
    {"{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"L\"]},{\"name\":\"v\",\"type\":\"long\"}]}",
     "{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"L\"]},{\"name\":\"v\",\"type\":\"int\"}]}", {NULL}},
    /* Avro's oddity: a missing enum field with an enum default is compared with the writer record */
    {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"A\"}}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}", {TM("/fields/0/type", "ENUM", "RECORD"), NULL}},
};

static void test_avro__every_resolution_rule_gives_confluents_messages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(resolution_cases) / sizeof(resolution_cases[0]); i++) {
        sr_schema *r = parse(resolution_cases[i].reader, 0), *w = parse(resolution_cases[i].writer, 0);
        sr_strlist msgs = SR_STRLIST_INIT;
        size_t n = 0;
        assert_int_equal(sr_schema_read_compat(&msgs, r, w, NULL), 0);
        while (resolution_cases[i].msgs[n])
            n++;
        if (msgs.n != n)
            fail_msg("case %zu: %zu messages, want %zu%s%s", i, msgs.n, n, msgs.n ? ": " : "",
                     msgs.n ? msgs.v[0] : "");
        for (size_t k = 0; k < n; k++)
            assert_string_equal(msgs.v[k], resolution_cases[i].msgs[k]);
        sr_strlist_dispose(&msgs);
        sr_schema_free(r);
        sr_schema_free(w);
    }
}

/* ---- the level logic over Avro ---- */

static void test_compat__levels_pick_candidates_direction_and_message_layout(void **state)
{
    sr_schema *v1 = parse(REC1("\"int\""), 0), *v2 = parse(REC1("\"long\""), 0);
    sr_schema *s = parse(REC1("\"int\""), 0);
    sr_candidate cands[2] = {{v1, 1}, {v2, 2}};
    sr_strlist m = SR_STRLIST_INIT;
    (void)state;

    /* BACKWARD: new (int) reads latest (long) -> fails with the latest's lines */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_BACKWARD, s, cands, 2, NULL), 0);
    assert_int_equal(m.n, 4);
    assert_string_equal(m.v[0], "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}");
    assert_string_equal(m.v[1], "{oldSchemaVersion: 2}");
    assert_string_equal(m.v[2], "{oldSchema: '{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}'}");
    assert_string_equal(m.v[3], "{validateFields: 'false', compatibility: 'BACKWARD'}");
    sr_strlist_dispose(&m);
    /* FORWARD: old (long) reads new (int) -> fine */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_FORWARD, s, cands, 2, NULL), 1);
    assert_int_equal(m.n, 0);
    /* only v1 as candidate: BACKWARD fine */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_BACKWARD, s, cands, 1, NULL), 1);
    /* FULL, only the forward half failing: its messages without version lines */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_FULL, v2, cands, 1, NULL), 0);
    assert_int_equal(m.n, 2);
    assert_non_null(strstr(m.v[0], "in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'"));
    assert_string_equal(m.v[1], "{validateFields: 'false', compatibility: 'FULL'}");
    sr_strlist_dispose(&m);
    {
        /* FULL, both halves failing: forward first, then backward with the version lines */
        sr_schema *str = parse(REC1("\"string\""), 0);
        assert_int_equal(sr_compat_check(&m, SR_COMPAT_FULL, str, cands, 1, NULL), 0);
        assert_int_equal(m.n, 5);
        assert_non_null(strstr(m.v[0], "reader type: INT not compatible with writer type: STRING"));
        assert_non_null(strstr(m.v[1], "reader type: STRING not compatible with writer type: INT"));
        assert_string_equal(m.v[2], "{oldSchemaVersion: 1}");
        assert_string_equal(m.v[4], "{validateFields: 'false', compatibility: 'FULL'}");
        sr_strlist_dispose(&m);
        sr_schema_free(str);
    }
    /* NONE and an empty candidate list are always compatible */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_NONE, s, cands, 2, NULL), 1);
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_BACKWARD_TRANSITIVE, s, cands, 0, NULL), 1);
    /* transitive: newest first, stops at the first failure */
    assert_int_equal(sr_compat_check(&m, SR_COMPAT_BACKWARD_TRANSITIVE, s, cands, 2, NULL), 0);
    assert_string_equal(m.v[1], "{oldSchemaVersion: 2}");
    sr_strlist_dispose(&m);
    sr_schema_free(v1);
    sr_schema_free(v2);
    sr_schema_free(s);
}

static void test_compat__level_names_parse_case_insensitively(void **state)
{
    sr_compat_level l;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_compat_level_parse(&l, "full_transitive", &err), 0);
    assert_int_equal(l, SR_COMPAT_FULL_TRANSITIVE);
    assert_string_equal(sr_compat_level_name(l), "FULL_TRANSITIVE");
    assert_int_equal(sr_compat_level_parse(&l, "sideways", &err), -1);
    assert_int_equal(err.code, 42203);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avro__parser_accepts_valid_and_rejects_invalid_schemas_with_details),
        cmocka_unit_test(test_avro__defaults_must_match_their_type_only_for_new_schemas),
        cmocka_unit_test(test_avro__avro_c_accepts_the_canonical_text_of_every_valid_schema),
        cmocka_unit_test(test_avro__canonical_and_normalized_forms_are_stable_and_idempotent),
        cmocka_unit_test(test_avro__referenced_types_stay_names_and_resolved_format_inlines_them),
        cmocka_unit_test(test_avro__every_resolution_rule_gives_confluents_messages),
        cmocka_unit_test(test_compat__levels_pick_candidates_direction_and_message_layout),
        cmocka_unit_test(test_compat__level_names_parse_case_insensitively),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
