/* findings_test.c -- compatibility findings as data (compat.h): every incompatible difference
 * type of Protobuf and Avro between an older and a newer version, with its type, path, position
 * (line and column in the newer text, or the older one), the directions it breaks and Confluent's
 * message; the level check as findings; the imports and record names of a schema; and the depth
 * bound that stops a check instead of passing it. */
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

#define P3 "syntax = \"proto3\";\n"
#define P2 "syntax = \"proto2\";\n"
#define B SR_BREAKS_BACKWARD
#define F SR_BREAKS_FORWARD

typedef struct want {
    const char *type, *path;
    int line, column, in_old;
    unsigned breaks;
    const char *message;
} want;

typedef struct diff_case {
    sr_schema_type type;
    const char *older, *newer;
    want found[4]; /* in order; ends at a NULL type */
} diff_case;

#define PMSG(t, d) "{errorType:\"" t "\", description:\"" d "\"}"
#define AMSG(t, d, i) "{errorType:'" t "', description:'" d "', additionalInfo:'" i "'}"

static const diff_case cases[] = {
    /* ---- Protobuf (compatibility-rules.md §3.1) ---- */
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\n", P3 "message M {\n  sint32 x = 1;\n}\n",
     {{"FIELD_SCALAR_KIND_CHANGED", "#/M/1", 3, 3, 0, B | F,
       PMSG("FIELD_SCALAR_KIND_CHANGED", "The kind of a SCALAR field at path '#/M/1' in the new "
            "schema does not match its kind in the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\nmessage Other {}\n",
     P3 "message M {\n  Other x = 1;\n}\nmessage Other {}\n",
     {{"FIELD_KIND_CHANGED", "#/M/1", 3, 3, 0, B | F,
       PMSG("FIELD_KIND_CHANGED", "The type of a field at path '#/M/1' in the new schema does "
            "not match the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  A x = 1;\n}\nmessage A {}\nmessage B {}\n",
     P3 "message M {\n  B x = 1;\n}\nmessage A {}\nmessage B {}\n",
     {{"FIELD_NAMED_TYPE_CHANGED", "#/M/1", 3, 3, 0, B | F,
       PMSG("FIELD_NAMED_TYPE_CHANGED", "The type of a MESSAGE field at path '#/M/1' in the new "
            "schema does not match its type in the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  optional int32 x = 1;\n}\n",
     P3 "message M {\n  repeated int32 x = 1;\n}\n",
     {{"FIELD_NUMERIC_LABEL_CHANGED", "#/M/1", 3, 3, 0, B | F,
       PMSG("FIELD_NUMERIC_LABEL_CHANGED", "The label for a NUMERIC field at path '#/M/1' in the "
            "new schema does not match its label in the old schema")}}},
    /* a required field added: BACKWARD breaks on the addition, FORWARD on the removal */
    {SR_TYPE_PROTOBUF, P2 "message M {\n  optional int32 x = 1;\n}\n",
     P2 "message M {\n  optional int32 x = 1;\n  required int32 y = 2;\n}\n",
     {{"REQUIRED_FIELD_ADDED", "#/M/2", 4, 3, 0, B,
       PMSG("REQUIRED_FIELD_ADDED", "A required field  at path '#/M/2' in the new schema is "
            "missing in the old schema")},
      {"REQUIRED_FIELD_REMOVED", "#/M/2", 4, 3, 0, F,
       PMSG("REQUIRED_FIELD_REMOVED", "The old schema is missing a required field at path: "
            "'#/M/2' in the new schema")}}},
    /* a removed top-level message is only in the older text */
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\n\nmessage Gone {\n  int32 y = 1;\n}\n",
     P3 "message M {\n  int32 x = 1;\n}\n",
     {{"MESSAGE_REMOVED", "#/Gone", 6, 1, 1, B,
       PMSG("MESSAGE_REMOVED", "The new schema is missing a MESSAGE type at path '#/Gone' in "
            "the old schema")}}},
    /* a removed nested message: at its message in the newer text */
    {SR_TYPE_PROTOBUF, P3 "message M {\n  message In {}\n}\n", P3 "message M {\n}\n",
     {{"MESSAGE_REMOVED", "#/M/In", 2, 1, 0, B,
       PMSG("MESSAGE_REMOVED", "The new schema is missing a MESSAGE type at path '#/M/In' in "
            "the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\n",
     P3 "package shop.v1;\nmessage M {\n  int32 x = 1;\n}\n",
     {{"PACKAGE_CHANGED", "#/", 2, 1, 0, B | F,
       PMSG("PACKAGE_CHANGED", "The package at '#/' in the new schema does not match the "
            "package in the old schema")}}},
    /* a oneof member removed: at the message, in the newer text */
    {SR_TYPE_PROTOBUF, P3 "message M {\n  oneof o {\n    int32 a = 1;\n    int32 b = 2;\n  }\n}\n",
     P3 "message M {\n  oneof o {\n    int32 a = 1;\n  }\n}\n",
     {{"ONEOF_FIELD_REMOVED", "#/M/o/2", 2, 1, 0, B,
       PMSG("ONEOF_FIELD_REMOVED", "The new schema is missing a oneof field at path '#/M/o/2' "
            "in the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 a = 1;\n  int32 b = 2;\n}\n",
     P3 "message M {\n  oneof o {\n    int32 a = 1;\n    int32 b = 2;\n  }\n}\n",
     {{"MULTIPLE_FIELDS_MOVED_TO_ONEOF", "#/M/o", 2, 1, 0, B,
       PMSG("MULTIPLE_FIELDS_MOVED_TO_ONEOF", "Multiple fields in the oneof at path '#/M/o' in "
            "the new schema are outside a oneof in the old schema")}}},
    {SR_TYPE_PROTOBUF, P3 "message M {\n  oneof o {\n    int32 a = 1;\n    int32 b = 2;\n  }\n}\n",
     P3 "message M {\n  int32 a = 1;\n  oneof o {\n    int32 b = 2;\n  }\n}\n",
     {{"FIELD_MOVED_TO_EXISTING_ONEOF", "#/M/o", 2, 1, 0, F,
       PMSG("FIELD_MOVED_TO_EXISTING_ONEOF", "A field in the oneof at path '#/M/o' in the old "
            "schema is outside an existing oneof in the new schema")}}},
    /* compatible changes give no finding */
    {SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\n",
     P3 "message M {\n  int64 renamed = 1;\n  string y = 2;\n}\nenum E { Z = 0; }\n", {{NULL}}},

    /* ---- Avro (compatibility-rules.md §2.3): no positions; paths in the reading schema ---- */
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
     {{"TYPE_MISMATCH", "/fields/0/type", 0, 0, 0, B | F,
       AMSG("TYPE_MISMATCH", "The type (path '/fields/0/type') of a field in the new schema does "
            "not match with the old schema", "reader type: INT not compatible with writer type: "
            "STRING")}}},
    /* a promotion reads one way only */
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}",
     {{"TYPE_MISMATCH", "/fields/0/type", 0, 0, 0, F,
       AMSG("TYPE_MISMATCH", "The type (path '/fields/0/type') of a field in the old schema does "
            "not match with the new schema", "reader type: INT not compatible with writer type: "
            "LONG")}}},
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}",
     {{"READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", 0, 0, 0, B,
       AMSG("READER_FIELD_MISSING_DEFAULT_VALUE", "The field 'b' at path '/fields/1' in the new "
            "schema has no default value and is missing in the old schema", "b")}}},
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":\"int\"}]}",
     {{"READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/0", 0, 0, 0, F,
       AMSG("READER_FIELD_MISSING_DEFAULT_VALUE", "The field 'a' at path '/fields/0' in the old "
            "schema has no default value and is missing in the new schema", "a")}}},
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}",
     "{\"type\":\"record\",\"name\":\"S\",\"fields\":[]}",
     {{"NAME_MISMATCH", "/name", 0, 0, 0, B | F,
       AMSG("NAME_MISMATCH", "The name of the schema has changed (path '/name')",
            "expected: R")}}},
    {SR_TYPE_AVRO, "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}",
     "{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}",
     {{"FIXED_SIZE_MISMATCH", "/size", 0, 0, 0, B | F,
       AMSG("FIXED_SIZE_MISMATCH", "The size of FIXED type field at path '/size' in the new "
            "schema does not match with the old schema", "expected: 4, found: 8")}}},
    /* symbols removed and symbols added are two different differences */
    {SR_TYPE_AVRO, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}",
     "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"C\"]}",
     {{"MISSING_ENUM_SYMBOLS", "/symbols", 0, 0, 0, B,
       AMSG("MISSING_ENUM_SYMBOLS", "The new schema is missing enum symbols '[B]' at path "
            "'/symbols' in the old schema", "[B]")},
      {"MISSING_ENUM_SYMBOLS", "/symbols", 0, 0, 0, F,
       AMSG("MISSING_ENUM_SYMBOLS", "The old schema is missing enum symbols '[C]' at path "
            "'/symbols' in the new schema", "[C]")}}},
    {SR_TYPE_AVRO, "[\"null\",\"string\"]", "[\"null\",\"string\",\"int\"]",
     {{"MISSING_UNION_BRANCH", "/2", 0, 0, 0, F,
       AMSG("MISSING_UNION_BRANCH", "The old schema is missing a type inside a union field at "
            "path '/2' in the new schema", "reader union lacking writer type: INT")}}},
    /* a reader field whose aliases name two writer fields aborts that check */
    {SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"aliases\":[\"a\",\"b\"]}]}",
     {{"AMBIGUOUS_FIELD_ALIAS", "/fields/0", 0, 0, 0, B,
       "Unexpected exception during compatibility check: Reader field n matches multiple fields "
       "in writer"},
      {"READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/0", 0, 0, 0, F,
       AMSG("READER_FIELD_MISSING_DEFAULT_VALUE", "The field 'a' at path '/fields/0' in the old "
            "schema has no default value and is missing in the new schema", "a")},
      {"READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", 0, 0, 0, F,
       AMSG("READER_FIELD_MISSING_DEFAULT_VALUE", "The field 'b' at path '/fields/1' in the old "
            "schema has no default value and is missing in the new schema", "b")}}},
};

static sr_schema *parse(sr_schema_type t, const char *text)
{
    sr_schema *s = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&s, t, text, NULL, 0, 0, &err) < 0)
        fail_msg("parse failed: %s\n  for %s", err.msg, text);
    return s;
}

static void assert_finding(const sr_finding *got, const want *w, size_t i, size_t k)
{
    if (strcmp(got->type, w->type) != 0 || strcmp(got->path, w->path) != 0 ||
        got->line != w->line || got->column != w->column || got->in_old != w->in_old ||
        got->breaks != w->breaks || strcmp(got->message, w->message) != 0)
        fail_msg("case %zu finding %zu: got %s %s %d:%d old=%d breaks=%u\n  %s\nwant %s %s "
                 "%d:%d old=%d breaks=%u\n  %s", i, k, got->type, got->path, got->line,
                 got->column, got->in_old, got->breaks, got->message, w->type, w->path, w->line,
                 w->column, w->in_old, w->breaks, w->message);
    assert_int_equal(got->version, 0);
}

static void test_findings__every_difference_type_with_path_position_directions_and_message(
    void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sr_schema *older = parse(cases[i].type, cases[i].older);
        sr_schema *newer = parse(cases[i].type, cases[i].newer);
        sr_findings got = SR_FINDINGS_INIT;
        sr_err err = {0};
        size_t n = 0;

        assert_int_equal(sr_compat_diff(&got, older, newer, &err), 0);
        while (n < 4 && cases[i].found[n].type)
            n++;
        if (got.n != n)
            fail_msg("case %zu: %zu findings, want %zu%s%s", i, got.n, n, got.n ? ": " : "",
                     got.n ? got.v[0].message : "");
        for (size_t k = 0; k < n; k++)
            assert_finding(&got.v[k], &cases[i].found[k], i, k);
        sr_findings_dispose(&got);
        assert_int_equal(got.n, 0);
        sr_schema_free(older);
        sr_schema_free(newer);
    }
}

static void test_findings__schemas_of_different_types_give_one_finding_both_ways(void **state)
{
    sr_schema *avro = parse(SR_TYPE_AVRO, "\"string\"");
    sr_schema *proto = parse(SR_TYPE_PROTOBUF, P3 "message M {}");
    sr_findings got = SR_FINDINGS_INIT;
    (void)state;

    assert_int_equal(sr_compat_diff(&got, avro, proto, NULL), 0);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0].type, "SCHEMA_TYPE_MISMATCH");
    assert_string_equal(got.v[0].path, "");
    assert_int_equal(got.v[0].breaks, B | F);
    assert_int_equal(got.v[0].line, 0);
    assert_string_equal(got.v[0].message, "Incompatible because of different schema type");
    sr_findings_dispose(&got);
    sr_schema_free(avro);
    sr_schema_free(proto);
}

static void test_findings__which_levels_a_finding_breaks(void **state)
{
    sr_finding back = {"T", (char *)"", 0, 0, 0, B, 0, (char *)""};
    sr_finding fwd = {"T", (char *)"", 0, 0, 0, F, 0, (char *)""};
    (void)state;

    assert_true(sr_finding_breaks(&back, SR_COMPAT_BACKWARD));
    assert_true(sr_finding_breaks(&back, SR_COMPAT_BACKWARD_TRANSITIVE));
    assert_false(sr_finding_breaks(&back, SR_COMPAT_FORWARD));
    assert_true(sr_finding_breaks(&back, SR_COMPAT_FULL));
    assert_true(sr_finding_breaks(&fwd, SR_COMPAT_FORWARD_TRANSITIVE));
    assert_false(sr_finding_breaks(&fwd, SR_COMPAT_BACKWARD));
    assert_true(sr_finding_breaks(&fwd, SR_COMPAT_FULL_TRANSITIVE));
    assert_false(sr_finding_breaks(&fwd, SR_COMPAT_NONE));
}

/* The level check as findings: the failing candidate's, in the order of the registry's list,
 * and the same differences as its messages. */
static void test_findings__level_check_gives_the_failing_candidates_findings_in_list_order(
    void **state)
{
    sr_schema *v1 = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n}\n");
    sr_schema *v2 = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n  string s = 2;\n}\n");
    sr_schema *now = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n  bytes s = 2;\n"
                                             "  sint32 t = 3;\n}\n");
    sr_schema *bad = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  fixed32 x = 1;\n}\n");
    sr_candidate cands[2] = {{v1, 1}, {v2, 2}};
    sr_findings got = SR_FINDINGS_INIT;
    sr_strlist msgs = SR_STRLIST_INIT;
    (void)state;

    /* compatible: nothing */
    assert_int_equal(sr_compat_check_findings(&got, SR_COMPAT_FULL_TRANSITIVE, now, cands, 2, NULL), 1);
    assert_int_equal(got.n, 0);
    /* FULL: the forward half first, then the backward half; each worded for its half */
    assert_int_equal(sr_compat_check_findings(&got, SR_COMPAT_FULL, bad, cands, 2, NULL), 0);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.v[0].breaks, F);
    assert_int_equal(got.v[1].breaks, B);
    assert_int_equal(got.v[0].version, 2);
    assert_string_equal(got.v[0].path, "#/M/1");
    assert_int_equal(got.v[0].line, 3); /* in the newer text both times */
    assert_int_equal(got.v[1].line, 3);
    assert_non_null(strstr(got.v[0].message, "in the old schema does not match its kind in the new"));
    assert_non_null(strstr(got.v[1].message, "in the new schema does not match its kind in the old"));
    /* the registry's list is made of the same differences */
    assert_int_equal(sr_compat_check(&msgs, SR_COMPAT_FULL, bad, cands, 2, NULL), 0);
    assert_int_equal(msgs.n, 5);
    assert_non_null(strstr(msgs.v[0], got.v[0].type));
    assert_non_null(strstr(msgs.v[1], got.v[1].type));
    assert_string_equal(msgs.v[2], "{oldSchemaVersion: 2}");
    sr_strlist_dispose(&msgs);
    sr_findings_dispose(&got);
    /* transitive: the first failing candidate, newest first, names its version */
    {
        sr_schema *v3 = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  int32 x = 1;\n  sint64 s = 2;\n}\n");
        sr_candidate three[3] = {{v1, 1}, {v3, 2}, {v2, 3}};
        assert_int_equal(sr_compat_check_findings(&got, SR_COMPAT_BACKWARD_TRANSITIVE, now, three,
                                                  3, NULL), 0);
        assert_int_equal(got.n, 1);
        assert_int_equal(got.v[0].version, 2);
        assert_string_equal(got.v[0].type, "FIELD_SCALAR_KIND_CHANGED");
        assert_int_equal(got.v[0].line, 4);
        sr_findings_dispose(&got);
        sr_schema_free(v3);
    }
    sr_schema_free(v1);
    sr_schema_free(v2);
    sr_schema_free(now);
    sr_schema_free(bad);
}

/* The registry's messages keep Confluent's text as a prefix and add the position of the element
 * in the reading schema; the findings carry the same difference as data. */
static void test_findings__protobuf_messages_carry_the_readers_position(void **state)
{
    sr_schema *old = parse(SR_TYPE_PROTOBUF, P3 "\nmessage M {\n  int32 x = 1;\n}\n");
    sr_schema *now = parse(SR_TYPE_PROTOBUF, P3 "message M {\n  sint32 x = 1;\n}\n");
    sr_strlist msgs = SR_STRLIST_INIT;
    (void)state;

    assert_int_equal(sr_schema_read_compat(&msgs, now, old, NULL), 0);
    assert_int_equal(msgs.n, 1);
    assert_string_equal(msgs.v[0], "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind "
                                   "of a SCALAR field at path '#/M/1' in the %s schema does not "
                                   "match its kind in the %s schema\", line:3, column:3}");
    sr_strlist_dispose(&msgs);
    assert_int_equal(sr_schema_read_compat(&msgs, old, now, NULL), 0); /* old reads: its line */
    assert_non_null(strstr(msgs.v[0], ", line:4, column:3}"));
    sr_strlist_dispose(&msgs);
    sr_schema_free(old);
    sr_schema_free(now);
}

/* A cut of a long old schema in the message list stays valid UTF-8. */
static void test_findings__truncated_old_schema_is_cut_on_a_character_boundary(void **state)
{
    sr_buf text = SR_BUF_INIT;
    sr_schema *old, *now;
    sr_candidate cand;
    sr_strlist msgs = SR_STRLIST_INIT;
    const char *line, *end;
    (void)state;

    /* a doc of two-byte characters placed so that byte 10240 of the text falls inside one */
    sr_buf_puts(&text, "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"x");
    while (text.len < 10300)
        sr_buf_puts(&text, "\xc3\xa9");
    sr_buf_puts(&text, "\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    old = parse(SR_TYPE_AVRO, text.ptr);
    now = parse(SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    cand = (sr_candidate){old, 1};
    assert_int_equal(sr_compat_check(&msgs, SR_COMPAT_BACKWARD, now, &cand, 1, NULL), 0);
    line = msgs.v[2];
    assert_non_null(strstr(line, "{oldSchema: <truncated> '"));
    end = strstr(line, "...'}");
    assert_non_null(end);
    for (const char *p = line; p < end; p++) /* no lead byte without its continuation */
        if (((unsigned char)*p & 0xE0) == 0xC0)
            assert_int_equal((unsigned char)p[1] & 0xC0, 0x80);
    assert_true((size_t)(end - strchr(line, '\'') - 1) <= 10240);
    assert_true((size_t)(end - strchr(line, '\'') - 1) >= 10239);
    sr_strlist_dispose(&msgs);
    sr_buf_dispose(&text);
    sr_schema_free(old);
    sr_schema_free(now);
}

static void test_findings__imports_are_read_from_the_text_alone(void **state)
{
    sr_strlist got = SR_STRLIST_INIT;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_schema_imports(&got, SR_TYPE_PROTOBUF,
                                       P3 "// import \"commented.proto\";\n"
                                       "import \"a/b.proto\";\nimport public \"c.proto\";\n"
                                       "import weak \"d\" \".proto\";\n"
                                       "message M { string import = 1; /* import \"x\"; */ }\n"
                                       "import \"google/protobuf/timestamp.proto\";\n"
                                       "import \"nowhere.proto\"; // unresolved: still listed\n",
                                       &err), 0);
    assert_int_equal(got.n, 5);
    assert_string_equal(got.v[0], "a/b.proto");
    assert_string_equal(got.v[1], "c.proto");
    assert_string_equal(got.v[2], "d.proto");
    assert_string_equal(got.v[3], "google/protobuf/timestamp.proto");
    assert_string_equal(got.v[4], "nowhere.proto");
    sr_strlist_dispose(&got);
    /* what comes before a token error is kept */
    assert_int_equal(sr_schema_imports(&got, SR_TYPE_PROTOBUF,
                                       "import \"first.proto\";\nimport \"unterminated", &err), -1);
    assert_int_equal(err.code, 42201);
    assert_int_equal(got.n, 1);
    sr_strlist_dispose(&got);
    /* Avro names no files */
    assert_int_equal(sr_schema_imports(&got, SR_TYPE_AVRO, "\"string\"", &err), 0);
    assert_int_equal(got.n, 0);
}

static void test_findings__record_names_are_the_top_level_types(void **state)
{
    sr_schema *p = parse(SR_TYPE_PROTOBUF, P3 "package shop;\nmessage Order { message Line {} }\n"
                                           "enum E { Z = 0; }\nmessage Refund {}\n");
    sr_schema *a = parse(SR_TYPE_AVRO, "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[]}");
    sr_schema *prim = parse(SR_TYPE_AVRO, "\"string\"");
    sr_strlist got = SR_STRLIST_INIT;
    (void)state;

    sr_schema_record_names(&got, p);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0], "shop.Order");
    assert_string_equal(got.v[1], "shop.Refund");
    sr_strlist_dispose(&got);
    sr_schema_record_names(&got, a);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0], "n.R");
    sr_strlist_dispose(&got);
    sr_schema_record_names(&got, prim);
    assert_int_equal(got.n, 0);
    sr_schema_free(p);
    sr_schema_free(a);
    sr_schema_free(prim);
}

/* Avro: records R0..Rn, each reading the previous through a field, and a writer chain W0..Wn
 * defined the other way round, so that comparing R_n with W_0 descends n levels (the fields that
 * define them do not meet: the reader's have defaults and other names). */
static char *avro_chain(int n, int reader)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"Top\",\"fields\":[");
    for (int k = 0; k <= n; k++) {
        int i = reader ? k : n - k;
        const char *next = reader ? (i ? NULL : "\"int\"") : (i == n ? "\"int\"" : NULL);
        sr_buf_printf(&b, "{\"name\":\"%s%d\",\"type\":{\"type\":\"record\",\"name\":\"%s%d\","
                          "\"fields\":[{\"name\":\"next\",\"type\":",
                      reader ? "rdef" : "wdef", i, reader ? "R" : "W", i);
        if (next)
            sr_buf_puts(&b, next);
        else
            sr_buf_printf(&b, "\"%s%d\"", reader ? "R" : "W", reader ? i - 1 : i + 1);
        sr_buf_printf(&b, "}]}%s},", reader ? ",\"default\":{}" : "");
    }
    sr_buf_printf(&b, "{\"name\":\"x\",\"type\":\"%s%d\"}]}", reader ? "R" : "W", reader ? n : 0);
    return sr_buf_detach(&b);
}

/* Protobuf: an imported chain of messages M0 -> M1 -> ... -> Mn, different in its last link on
 * the two sides, so that the diff follows fields into the import n levels deep. */
static char *proto_chain(int n, const char *last)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, P3 "package chain;\n");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "message M%d { M%d next = 1; }\n", i, i + 1);
    sr_buf_printf(&b, "message M%d { %s last = 1; }\n", n, last);
    return sr_buf_detach(&b);
}

static void test_findings__a_check_deeper_than_the_bound_fails_instead_of_passing(void **state)
{
    int deep = SR_COMPAT_MAX_DEPTH + 100;
    char *rt = avro_chain(deep, 1), *wt = avro_chain(deep, 0);
    char *oc = proto_chain(deep, "int32"), *nc = proto_chain(deep, "string");
    const char *main_text = P3 "import \"chain.proto\";\nmessage Use { chain.M0 first = 1; }\n";
    sr_dep od = {"chain.proto", "chain", 1, SR_TYPE_PROTOBUF, oc};
    sr_dep nd = {"chain.proto", "chain", 2, SR_TYPE_PROTOBUF, nc};
    sr_schema *r = parse(SR_TYPE_AVRO, rt), *w = parse(SR_TYPE_AVRO, wt), *po = NULL, *pn = NULL;
    sr_findings got = SR_FINDINGS_INIT;
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_candidate cand = {w, 1};
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_compat_check(&msgs, SR_COMPAT_BACKWARD, r, &cand, 1, &err), -1);
    assert_int_equal(err.code, 42201);
    assert_non_null(strstr(err.msg, "nest deeper"));
    assert_int_equal(sr_compat_diff(&got, w, r, &err), -1);
    sr_findings_dispose(&got);
    sr_strlist_dispose(&msgs);

    assert_int_equal(sr_schema_parse(&po, SR_TYPE_PROTOBUF, main_text, &od, 1, 0, &err), 0);
    assert_int_equal(sr_schema_parse(&pn, SR_TYPE_PROTOBUF, main_text, &nd, 1, 0, &err), 0);
    err.code = 0;
    assert_int_equal(sr_compat_diff(&got, po, pn, &err), -1);
    assert_int_equal(err.code, 42201);
    sr_findings_dispose(&got);
    /* a shorter chain is checked, and the difference found at its end */
    sr_schema_free(po);
    sr_schema_free(pn);
    free(oc);
    free(nc);
    oc = proto_chain(50, "int32");
    nc = proto_chain(50, "string");
    od.text = oc;
    nd.text = nc;
    assert_int_equal(sr_schema_parse(&po, SR_TYPE_PROTOBUF, main_text, &od, 1, 0, &err), 0);
    assert_int_equal(sr_schema_parse(&pn, SR_TYPE_PROTOBUF, main_text, &nd, 1, 0, &err), 0);
    assert_int_equal(sr_compat_diff(&got, po, pn, &err), 0);
    assert_true(got.n >= 2);
    assert_string_equal(got.v[0].type, "FIELD_SCALAR_KIND_CHANGED");
    assert_string_equal(got.v[0].path, "#/M50/1");
    assert_int_equal(got.v[0].line, 0); /* in the imported file */
    assert_string_equal(got.v[got.n - 1].type, "FIELD_NAMED_TYPE_CHANGED");
    assert_string_equal(got.v[got.n - 1].path, "#/Use/1");
    assert_int_equal(got.v[got.n - 1].line, 3);
    sr_findings_dispose(&got);
    sr_schema_free(po);
    sr_schema_free(pn);
    sr_schema_free(r);
    sr_schema_free(w);
    free(rt);
    free(wt);
    free(oc);
    free(nc);
}

/* A union of `n` records; `skip` leaves one out, `alias` renames one keeping its old name as an
 * alias. */
static char *record_union(int n, int skip, int alias)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "[\"null\"");
    for (int i = 0; i < n; i++) {
        if (i == skip)
            continue;
        if (i == alias)
            sr_buf_printf(&b, ",{\"type\":\"record\",\"name\":\"Renamed%d\",\"aliases\":[\"E%d\"],"
                              "\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}", i, i);
        else
            sr_buf_printf(&b, ",{\"type\":\"record\",\"name\":\"E%d\",\"fields\":["
                              "{\"name\":\"v\",\"type\":\"int\"}]}", i);
    }
    sr_buf_puts(&b, ",\"string\"]");
    return sr_buf_detach(&b);
}

/* Large unions and enums: branches are matched by kind, name and alias, symbols by name; the
 * answers are those of trying every branch and symbol in turn. */
static void test_findings__large_unions_and_enums_match_branches_and_symbols(void **state)
{
    char *all = record_union(300, -1, -1), *less = record_union(300, 120, -1);
    char *renamed = record_union(300, -1, 42);
    sr_schema *w = parse(SR_TYPE_AVRO, all), *r = parse(SR_TYPE_AVRO, less);
    sr_schema *ren = parse(SR_TYPE_AVRO, renamed);
    sr_findings got = SR_FINDINGS_INIT;
    sr_buf e1 = SR_BUF_INIT, e2 = SR_BUF_INIT;
    sr_schema *big, *small;
    (void)state;

    /* a record dropped from the union: the old writer's branch 121 (after "null") is missing */
    assert_int_equal(sr_compat_diff(&got, w, r, NULL), 0);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0].type, "MISSING_UNION_BRANCH");
    assert_string_equal(got.v[0].path, "/121");
    assert_int_equal(got.v[0].breaks, B);
    sr_findings_dispose(&got);
    /* a record renamed with its old name as an alias still reads the old data (not the reverse) */
    assert_int_equal(sr_compat_diff(&got, w, ren, NULL), 0);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0].path, "/43");
    assert_int_equal(got.v[0].breaks, F);
    sr_findings_dispose(&got);
    /* a union reads a non-union writer through a promotion: int by double */
    {
        sr_schema *i = parse(SR_TYPE_AVRO, "\"int\""), *u = parse(SR_TYPE_AVRO, "[\"null\",\"double\"]");
        sr_candidate c = {i, 1};
        assert_int_equal(sr_compat_check_findings(&got, SR_COMPAT_BACKWARD, u, &c, 1, NULL), 1);
        sr_schema_free(i);
        sr_schema_free(u);
    }
    /* 20,000 symbols, one gone from the middle */
    sr_buf_puts(&e1, "{\"type\":\"enum\",\"name\":\"Big\",\"symbols\":[");
    sr_buf_puts(&e2, "{\"type\":\"enum\",\"name\":\"Big\",\"symbols\":[");
    for (int k = 0; k < 20000; k++) {
        sr_buf_printf(&e1, "%s\"S%d\"", k ? "," : "", 19999 - k);
        if (k != 5000)
            sr_buf_printf(&e2, "%s\"S%d\"", k ? "," : "", k);
    }
    sr_buf_puts(&e1, "]}");
    sr_buf_puts(&e2, "]}");
    big = parse(SR_TYPE_AVRO, e1.ptr);
    small = parse(SR_TYPE_AVRO, e2.ptr);
    assert_int_equal(sr_compat_diff(&got, big, small, NULL), 0);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0].type, "MISSING_ENUM_SYMBOLS");
    assert_non_null(strstr(got.v[0].message, "additionalInfo:'[S5000]'"));
    sr_findings_dispose(&got);
    sr_schema_free(big);
    sr_schema_free(small);
    sr_buf_dispose(&e1);
    sr_buf_dispose(&e2);
    sr_schema_free(w);
    sr_schema_free(r);
    sr_schema_free(ren);
    free(all);
    free(less);
    free(renamed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_findings__every_difference_type_with_path_position_directions_and_message),
        cmocka_unit_test(test_findings__schemas_of_different_types_give_one_finding_both_ways),
        cmocka_unit_test(test_findings__which_levels_a_finding_breaks),
        cmocka_unit_test(test_findings__level_check_gives_the_failing_candidates_findings_in_list_order),
        cmocka_unit_test(test_findings__protobuf_messages_carry_the_readers_position),
        cmocka_unit_test(test_findings__truncated_old_schema_is_cut_on_a_character_boundary),
        cmocka_unit_test(test_findings__imports_are_read_from_the_text_alone),
        cmocka_unit_test(test_findings__record_names_are_the_top_level_types),
        cmocka_unit_test(test_findings__a_check_deeper_than_the_bound_fails_instead_of_passing),
        cmocka_unit_test(test_findings__large_unions_and_enums_match_branches_and_symbols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
