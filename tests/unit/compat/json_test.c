/* json_test.c -- the JSON Schema module: every difference type of Confluent's diff in both
 * directions, findings with their positions, meta-schema validation per draft, references
 * ($defs, definitions, $id, $anchor, other documents), canonical and normalized text, payload
 * validation, and hostile input (nesting, $ref cycles, thousands of properties). */
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
#include "compat/json/json.h"

/* ---- helpers ---- */

static sr_jschema *parse(const char *text)
{
    sr_jschema *s = NULL;
    sr_err err = {0};

    if (sr_jschema_parse(&s, text, NULL, 0, 1, 100, &err) < 0)
        fail_msg("does not parse: %s\n  %s", sr_err_message(&err), text);
    sr_err_dispose(&err);
    return s;
}

/* 1 when diff(a -> b) holds "<type> <path>". */
static int has_diff(const char *a, const char *b, const char *type, const char *path)
{
    sr_jschema *x = parse(a), *y = parse(b);
    sr_jdiffs d = {0};
    sr_err err = {0};
    int found = 0;

    assert_int_equal(sr_jdiff_compare(&d, x, y, &err), 0);
    for (size_t i = 0; i < d.n; i++)
        found |= !strcmp(d.v[i].type, type) && !strcmp(d.v[i].path, path);
    if (!found) {
        printf("want %s %s in %s -> %s, got:", type, path, a, b);
        for (size_t i = 0; i < d.n; i++)
            printf(" [%s %s]", d.v[i].type, d.v[i].path);
        printf("\n");
    }
    sr_jdiffs_dispose(&d);
    sr_jschema_free(x);
    sr_jschema_free(y);
    return found;
}

typedef struct dcase {
    const char *a, *b;    /* diff a -> b gives ab; b -> a gives ba */
    const char *ab, *ba;
    const char *path;
} dcase;

#define OBJ(x) "{\"type\":\"object\"," x "}"
#define ARR(x) "{\"type\":\"array\"," x "}"
#define S2020 "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","

static const dcase cases[] = {
    {"{\"$id\":\"a\"}", "{\"$id\":\"b\"}", "ID_CHANGED", "ID_CHANGED", "#/"},
    {"{\"title\":\"a\"}", "{\"title\":\"b\"}", "TITLE_CHANGED", "TITLE_CHANGED", "#/"},
    {"{\"description\":\"a\"}", "{\"description\":\"b\"}", "DESCRIPTION_CHANGED",
     "DESCRIPTION_CHANGED", "#/"},
    {"{\"type\":\"string\",\"default\":\"a\"}", "{\"type\":\"string\",\"default\":\"b\"}",
     "DEFAULT_CHANGED", "DEFAULT_CHANGED", "#/"},
    {ARR("\"minItems\":0"), ARR("\"items\":{\"type\":\"string\"}"), "SCHEMA_ADDED",
     "SCHEMA_REMOVED", "#/items"},
    {"{\"type\":\"integer\"}", "{\"type\":\"number\"}", "TYPE_EXTENDED", "TYPE_NARROWED", "#/"},
    {"{\"type\":\"string\"}", "{\"type\":\"boolean\"}", "TYPE_CHANGED", "TYPE_CHANGED", "#/"},
    {"{\"type\":\"string\"}", "{\"type\":\"string\",\"maxLength\":3}", "MAX_LENGTH_ADDED",
     "MAX_LENGTH_REMOVED", "#/maxLength"},
    {"{\"type\":\"string\",\"maxLength\":3}", "{\"type\":\"string\",\"maxLength\":4}",
     "MAX_LENGTH_INCREASED", "MAX_LENGTH_DECREASED", "#/maxLength"},
    {"{\"type\":\"string\"}", "{\"type\":\"string\",\"minLength\":3}", "MIN_LENGTH_ADDED",
     "MIN_LENGTH_REMOVED", "#/minLength"},
    {"{\"type\":\"string\",\"minLength\":3}", "{\"type\":\"string\",\"minLength\":4}",
     "MIN_LENGTH_INCREASED", "MIN_LENGTH_DECREASED", "#/minLength"},
    {"{\"type\":\"string\"}", "{\"type\":\"string\",\"pattern\":\"^a\"}", "PATTERN_ADDED",
     "PATTERN_REMOVED", "#/pattern"},
    {"{\"type\":\"string\",\"pattern\":\"^a\"}", "{\"type\":\"string\",\"pattern\":\"^b\"}",
     "PATTERN_CHANGED", "PATTERN_CHANGED", "#/pattern"},
    {"{\"type\":\"number\"}", "{\"type\":\"number\",\"maximum\":3}", "MAXIMUM_ADDED",
     "MAXIMUM_REMOVED", "#/maximum"},
    {"{\"type\":\"number\",\"maximum\":3}", "{\"type\":\"number\",\"maximum\":3.5}",
     "MAXIMUM_INCREASED", "MAXIMUM_DECREASED", "#/maximum"},
    {"{\"type\":\"number\"}", "{\"type\":\"number\",\"minimum\":3}", "MINIMUM_ADDED",
     "MINIMUM_REMOVED", "#/minimum"},
    {"{\"type\":\"number\",\"minimum\":3}", "{\"type\":\"number\",\"minimum\":4}",
     "MINIMUM_INCREASED", "MINIMUM_DECREASED", "#/minimum"},
    {"{\"type\":\"number\"}", "{\"type\":\"number\",\"exclusiveMaximum\":3}",
     "EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MAXIMUM_REMOVED", "#/exclusiveMaximum"},
    {"{\"type\":\"number\",\"exclusiveMaximum\":3}", "{\"type\":\"number\",\"exclusiveMaximum\":9}",
     "EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_DECREASED", "#/exclusiveMaximum"},
    {"{\"type\":\"number\"}", "{\"type\":\"number\",\"exclusiveMinimum\":3}",
     "EXCLUSIVE_MINIMUM_ADDED", "EXCLUSIVE_MINIMUM_REMOVED", "#/exclusiveMinimum"},
    {"{\"type\":\"number\",\"exclusiveMinimum\":3}", "{\"type\":\"number\",\"exclusiveMinimum\":9}",
     "EXCLUSIVE_MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_DECREASED", "#/exclusiveMinimum"},
    {"{\"type\":\"number\"}", "{\"type\":\"number\",\"multipleOf\":2}", "MULTIPLE_OF_ADDED",
     "MULTIPLE_OF_REMOVED", "#/multipleOf"},
    {"{\"type\":\"number\",\"multipleOf\":2}", "{\"type\":\"number\",\"multipleOf\":4}",
     "MULTIPLE_OF_EXPANDED", "MULTIPLE_OF_REDUCED", "#/multipleOf"},
    {"{\"type\":\"number\",\"multipleOf\":2}", "{\"type\":\"number\",\"multipleOf\":3}",
     "MULTIPLE_OF_CHANGED", "MULTIPLE_OF_CHANGED", "#/multipleOf"},
    {OBJ("\"properties\":{\"a\":{}}"), OBJ("\"properties\":{\"a\":{}},\"required\":[\"a\"]"),
     "REQUIRED_ATTRIBUTE_ADDED", "REQUIRED_ATTRIBUTE_REMOVED", "#/required/a"},
    {OBJ("\"properties\":{\"a\":{}}"),
     OBJ("\"properties\":{\"a\":{\"default\":1}},\"required\":[\"a\"]"),
     "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED", "#/required/a"},
    {OBJ("\"minProperties\":0"), OBJ("\"maxProperties\":3"), "MAX_PROPERTIES_ADDED",
     "MAX_PROPERTIES_REMOVED", "#/maxProperties"},
    {OBJ("\"maxProperties\":3"), OBJ("\"maxProperties\":4"), "MAX_PROPERTIES_INCREASED",
     "MAX_PROPERTIES_DECREASED", "#/maxProperties"},
    {OBJ("\"maxProperties\":9"), OBJ("\"minProperties\":3,\"maxProperties\":9"),
     "MIN_PROPERTIES_ADDED", "MIN_PROPERTIES_REMOVED", "#/minProperties"},
    {OBJ("\"minProperties\":3"), OBJ("\"minProperties\":4"), "MIN_PROPERTIES_INCREASED",
     "MIN_PROPERTIES_DECREASED", "#/minProperties"},
    {OBJ("\"additionalProperties\":false"), OBJ("\"additionalProperties\":true"),
     "ADDITIONAL_PROPERTIES_ADDED", "ADDITIONAL_PROPERTIES_REMOVED", "#/additionalProperties"},
    {OBJ("\"additionalProperties\":{\"type\":\"string\"}"), OBJ("\"additionalProperties\":true"),
     "ADDITIONAL_PROPERTIES_EXTENDED", "ADDITIONAL_PROPERTIES_NARROWED", "#/additionalProperties"},
    {OBJ("\"dependencies\":{\"a\":[\"b\"]}"), OBJ("\"dependencies\":{\"a\":[\"b\",\"c\"]}"),
     "DEPENDENCY_ARRAY_EXTENDED", "DEPENDENCY_ARRAY_NARROWED", "#/dependencies/a"},
    {OBJ("\"dependencies\":{\"a\":[\"b\"]}"), OBJ("\"dependencies\":{\"a\":[\"c\"]}"),
     "DEPENDENCY_ARRAY_CHANGED", "DEPENDENCY_ARRAY_CHANGED", "#/dependencies/a"},
    {OBJ("\"dependencies\":{}"), OBJ("\"dependencies\":{\"a\":[\"b\"]}"),
     "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_ARRAY_REMOVED", "#/dependencies/a"},
    {OBJ("\"dependencies\":{}"), OBJ("\"dependencies\":{\"a\":{\"required\":[\"b\"]}}"),
     "DEPENDENCY_SCHEMA_ADDED", "DEPENDENCY_SCHEMA_REMOVED", "#/dependencies/a"},
    {"{" S2020 "\"type\":\"object\",\"dependentRequired\":{}}",
     "{" S2020 "\"type\":\"object\",\"dependentRequired\":{\"a\":[\"b\"]}}",
     "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_ARRAY_REMOVED", "#/dependencies/a"},
    {OBJ("\"properties\":{}"), OBJ("\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]"),
     "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
     "#/properties/a"},
    {OBJ("\"properties\":{}"),
     OBJ("\"properties\":{\"a\":{\"type\":\"string\",\"default\":\"x\"}},\"required\":[\"a\"]"),
     "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
     "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "#/properties/a"},
    {OBJ("\"properties\":{}"), OBJ("\"properties\":{\"a\":{\"type\":\"string\"}}"),
     "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
     "#/properties/a"},
    {OBJ("\"properties\":{}"), OBJ("\"properties\":{\"a\":{}}"),
     "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
     "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "#/properties/a"},
    {OBJ("\"additionalProperties\":false"),
     OBJ("\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"],\"additionalProperties\":false"),
     "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
     "#/properties/a"},
    {OBJ("\"additionalProperties\":false"),
     OBJ("\"properties\":{\"a\":{\"default\":1}},\"required\":[\"a\"],\"additionalProperties\":false"),
     "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
     "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/a"},
    {OBJ("\"additionalProperties\":false"),
     OBJ("\"properties\":{\"a\":false},\"additionalProperties\":false"),
     "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
     "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/a"},
    {OBJ("\"additionalProperties\":{\"type\":\"string\"}"),
     OBJ("\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":{\"type\":\"string\"}"),
     "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
     "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/properties/a"},
    {OBJ("\"patternProperties\":{\"^s_\":{\"type\":\"string\"}}"),
     OBJ("\"properties\":{\"s_1\":{\"type\":\"integer\"}},\"patternProperties\":{\"^s_\":{\"type\":\"string\"}}"),
     "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
     "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/properties/s_1"},
    {"{" S2020 "\"type\":\"object\",\"unevaluatedProperties\":false}",
     "{" S2020 "\"type\":\"object\"}", "UNEVALUATED_PROPERTIES_ADDED",
     "UNEVALUATED_PROPERTIES_REMOVED", "#/unevaluatedProperties"},
    {"{" S2020 "\"type\":\"object\",\"unevaluatedProperties\":{\"type\":\"string\"}}",
     "{" S2020 "\"type\":\"object\"}", "UNEVALUATED_PROPERTIES_EXTENDED",
     "UNEVALUATED_PROPERTIES_NARROWED", "#/unevaluatedProperties"},
    {ARR("\"minItems\":0"), ARR("\"maxItems\":3"), "MAX_ITEMS_ADDED", "MAX_ITEMS_REMOVED",
     "#/maxItems"},
    {ARR("\"maxItems\":3"), ARR("\"maxItems\":4"), "MAX_ITEMS_INCREASED", "MAX_ITEMS_DECREASED",
     "#/maxItems"},
    {ARR("\"maxItems\":9"), ARR("\"maxItems\":9,\"minItems\":3"), "MIN_ITEMS_ADDED",
     "MIN_ITEMS_REMOVED", "#/minItems"},
    {ARR("\"minItems\":3"), ARR("\"minItems\":4"), "MIN_ITEMS_INCREASED", "MIN_ITEMS_DECREASED",
     "#/minItems"},
    {"{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"}}",
     "{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"maxContains\":2}",
     "MAX_CONTAINS_ADDED", "MAX_CONTAINS_REMOVED", "#/maxContains"},
    {"{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"maxContains\":2}",
     "{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"maxContains\":3}",
     "MAX_CONTAINS_INCREASED", "MAX_CONTAINS_DECREASED", "#/maxContains"},
    {"{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"minContains\":2}",
     "{" S2020 "\"type\":\"array\",\"contains\":{\"type\":\"string\"},\"minContains\":3}",
     "MIN_CONTAINS_INCREASED", "MIN_CONTAINS_DECREASED", "#/minContains"},
    {ARR("\"maxItems\":9"), ARR("\"maxItems\":9,\"uniqueItems\":true"), "UNIQUE_ITEMS_ADDED",
     "UNIQUE_ITEMS_REMOVED", "#/uniqueItems"},
    {ARR("\"items\":[{}],\"additionalItems\":false"), ARR("\"items\":[{}],\"additionalItems\":true"),
     "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_REMOVED", "#/additionalItems"},
    {ARR("\"items\":[{}],\"additionalItems\":{\"type\":\"string\"}"), ARR("\"items\":[{}]"),
     "ADDITIONAL_ITEMS_EXTENDED", "ADDITIONAL_ITEMS_NARROWED", "#/additionalItems"},
    {"{" S2020 "\"type\":\"array\",\"unevaluatedItems\":false}", "{" S2020 "\"type\":\"array\"}",
     "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_REMOVED", "#/unevaluatedItems"},
    {"{" S2020 "\"type\":\"array\",\"unevaluatedItems\":{\"type\":\"string\"}}",
     "{" S2020 "\"type\":\"array\"}", "UNEVALUATED_ITEMS_EXTENDED", "UNEVALUATED_ITEMS_NARROWED",
     "#/unevaluatedItems"},
    {ARR("\"items\":[{\"type\":\"string\"}]"),
     ARR("\"items\":[{\"type\":\"string\"},{\"type\":\"number\"}]"),
     "ITEM_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", "#/items/1"},
    {ARR("\"items\":[{\"type\":\"string\"}]"), ARR("\"items\":[{\"type\":\"string\"},{}]"),
     "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
     "#/items/1"},
    {ARR("\"items\":[{}],\"additionalItems\":false"),
     ARR("\"items\":[{},{\"type\":\"string\"}],\"additionalItems\":false"),
     "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/items/1"},
    {ARR("\"items\":[{}],\"additionalItems\":false"),
     ARR("\"items\":[{},false],\"additionalItems\":false"), "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
     "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/items/1"},
    {ARR("\"items\":[{}],\"additionalItems\":{\"type\":\"string\"}"),
     ARR("\"items\":[{},{\"type\":\"string\"}],\"additionalItems\":{\"type\":\"string\"}"),
     "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
     "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/items/1"},
    {ARR("\"items\":[{}],\"additionalItems\":{\"type\":\"string\"}"),
     ARR("\"items\":[{},{\"type\":\"number\"}],\"additionalItems\":{\"type\":\"string\"}"),
     "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
     "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "#/items/1"},
    {"{\"enum\":[1,2]}", "{\"enum\":[1,2,3]}", "ENUM_ARRAY_EXTENDED", "ENUM_ARRAY_NARROWED",
     "#/enum"},
    {"{\"enum\":[1,2]}", "{\"enum\":[1,3]}", "ENUM_ARRAY_CHANGED", "ENUM_ARRAY_CHANGED", "#/enum"},
    {"{\"const\":1}", "{\"const\":2}", "ENUM_ARRAY_CHANGED", "ENUM_ARRAY_CHANGED", "#/const"},
    {"{\"oneOf\":[{\"type\":\"string\"}]}", "{\"anyOf\":[{\"type\":\"string\"}]}",
     "COMBINED_TYPE_EXTENDED", "COMBINED_TYPE_EXTENDED", "#/"},
    {"{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}",
     "{\"allOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}", "COMBINED_TYPE_CHANGED",
     "COMBINED_TYPE_CHANGED", "#/"},
    {"{\"allOf\":[{\"type\":\"string\"}]}", "{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":3}]}",
     "PRODUCT_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "#/"},
    {"{\"anyOf\":[{\"type\":\"string\"}]}", "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}",
     "SUM_TYPE_EXTENDED", "SUM_TYPE_NARROWED", "#/"},
    {"{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}",
     "{\"anyOf\":[{\"type\":\"number\"},{\"type\":\"boolean\"}]}",
     "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/"},
    {"{\"not\":{\"type\":\"number\"}}", "{\"not\":{\"type\":\"integer\"}}", "NOT_TYPE_NARROWED",
     "NOT_TYPE_EXTENDED", "#/not"},
    {"{\"type\":\"string\"}", "{\"type\":[\"string\",\"null\"]}", "SUM_TYPE_EXTENDED",
     "TYPE_CHANGED", "#/"},
};

static void test_json_diff__every_difference_type_in_both_directions(void **state)
{
    size_t failed = 0;
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const dcase *c = &cases[i];
        failed += !has_diff(c->a, c->b, c->ab, c->path);
        failed += c->ba && !has_diff(c->b, c->a, c->ba, c->path);
    }
    assert_int_equal(failed, 0);
}

static void test_json_diff__compatible_sets_follow_confluent(void **state)
{
    (void)state;
    assert_true(sr_jdiff_is_compatible("SUM_TYPE_EXTENDED", 0));
    assert_false(sr_jdiff_is_compatible("SUM_TYPE_NARROWED", 0));
    assert_false(sr_jdiff_is_compatible("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 0));
    assert_true(sr_jdiff_is_compatible("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 1));
    assert_false(sr_jdiff_is_compatible("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 1));
}

/* ---- findings through compat.h ---- */

static sr_schema *schema(const char *text)
{
    sr_schema *s = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&s, SR_TYPE_JSON, text, NULL, 0, SR_PARSE_NEW, &err) < 0)
        fail_msg("does not parse: %s", sr_err_message(&err));
    return s;
}

static void test_json_findings__carry_type_path_position_directions_and_message(void **state)
{
    const char *older = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"f\": {\"type\": \"string\"}\n  }\n}";
    const char *newer = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"f\": {\"type\": \"integer\"},\n    \"g\": {\"type\": \"string\"}\n  }\n}";
    sr_schema *o = schema(older), *n = schema(newer);
    sr_findings f = SR_FINDINGS_INIT;
    sr_err err = {0};
    int saw_type = 0, saw_added = 0;
    (void)state;

    assert_int_equal(sr_compat_diff(&f, o, n, &err), 0);
    for (size_t i = 0; i < f.n; i++) {
        if (!strcmp(f.v[i].type, "TYPE_CHANGED")) {
            saw_type = 1;
            assert_string_equal(f.v[i].path, "#/properties/f");
            assert_int_equal(f.v[i].line, 4);
            assert_int_equal(f.v[i].column, 10);
            assert_int_equal(f.v[i].breaks, SR_BREAKS_BACKWARD | SR_BREAKS_FORWARD);
            assert_string_equal(f.v[i].message,
                                "{errorType:\"TYPE_CHANGED\", description:\"A type at path "
                                "'#/properties/f' is different between the new schema and the "
                                "old schema'}");
        }
        if (!strcmp(f.v[i].type, "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")) {
            saw_added = 1;
            assert_int_equal(f.v[i].breaks, SR_BREAKS_BACKWARD);
            assert_int_equal(f.v[i].line, 5);
        }
    }
    assert_true(saw_type && saw_added);
    sr_findings_dispose(&f);
    sr_schema_free(o);
    sr_schema_free(n);
}

static void test_json_levels__all_seven_levels(void **state)
{
    sr_schema *v1 = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
    sr_schema *v2 = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                           "\"b\":{\"type\":\"string\"}},\"additionalProperties\":false}");
    sr_candidate c = {v1, 1};
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_err err = {0};
    /* v1 -> v2: closing the model: BACKWARD ok (additional props removed is FORWARD's problem) */
    static const struct { sr_compat_level l; int ok; } want[] = {
        {SR_COMPAT_NONE, 1}, {SR_COMPAT_BACKWARD, 0}, {SR_COMPAT_BACKWARD_TRANSITIVE, 0},
        {SR_COMPAT_FORWARD, 1}, {SR_COMPAT_FORWARD_TRANSITIVE, 1}, {SR_COMPAT_FULL, 0},
        {SR_COMPAT_FULL_TRANSITIVE, 0}};
    (void)state;

    for (size_t i = 0; i < 7; i++) {
        int rc = sr_compat_check(&msgs, want[i].l, v2, &c, 1, &err);
        if (rc != want[i].ok)
            fail_msg("%s: got %d", sr_compat_level_name(want[i].l), rc);
        sr_strlist_dispose(&msgs);
    }
    sr_schema_free(v1);
    sr_schema_free(v2);
}

/* ---- meta-schemas ---- */

static void meta_case(const char *text, int valid, const char *pointer)
{
    sr_jschema *s = NULL;
    sr_err err = {0};
    int rc = sr_jschema_parse(&s, text, NULL, 0, 1, 100, &err);

    if (valid && rc < 0)
        fail_msg("refused: %s\n  %s", sr_err_message(&err), text);
    if (!valid && rc == 0)
        fail_msg("accepted: %s", text);
    if (!valid && pointer && !strstr(sr_err_message(&err), pointer))
        fail_msg("the error does not name %s: %s", pointer, sr_err_message(&err));
    sr_err_dispose(&err);
    sr_jschema_free(s);
}

static void test_json_meta__each_draft_checks_its_meta_schema(void **state)
{
    (void)state;
    meta_case("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
              "\"properties\":{\"a\":{\"type\":\"number\",\"exclusiveMinimum\":true,\"minimum\":1}}}",
              1, NULL);
    meta_case("{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
              "\"properties\":{\"a\":{\"exclusiveMinimum\":3}}}", 0,
              "#/properties/a/exclusiveMinimum");
    meta_case("{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"const\":1,"
              "\"propertyNames\":{\"maxLength\":3}}", 1, NULL);
    meta_case("{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"required\":\"a\"}", 0,
              "#/required");
    meta_case("{\"type\":\"object\",\"if\":{\"required\":[\"a\"]},\"then\":{}}", 1, NULL);
    meta_case("{\"type\":\"strin\"}", 0, "#/type");
    meta_case("{\"properties\":{\"a\":{\"minLength\":-1}}}", 0, "#/properties/a/minLength");
    meta_case("{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",\"$anchor\":\"x\","
              "\"dependentRequired\":{\"a\":[\"b\"]},\"unevaluatedProperties\":false}", 1, NULL);
    meta_case("{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\","
              "\"dependentRequired\":{\"a\":\"b\"}}", 0, "#/dependentRequired/a");
    meta_case("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"prefixItems\":[{}],"
              "\"items\":false,\"$defs\":{\"x\":{\"type\":\"integer\"}}}", 1, NULL);
    meta_case("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
              "\"$defs\":{\"x\":{\"maxItems\":\"3\"}}}", 0, "#/$defs/x/maxItems");
}

/* ---- references ---- */

static void test_json_refs__defs_definitions_id_anchor_and_other_documents(void **state)
{
    static const char *const ok[] = {
        "{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"type\":\"string\"}}}",
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$ref\":\"#/$defs/a\","
        "\"$defs\":{\"a\":{\"type\":\"string\"}}}",
        "{\"$id\":\"http://x.example/root.json\",\"items\":{\"$ref\":\"item.json\"},"
        "\"definitions\":{\"i\":{\"$id\":\"item.json\",\"type\":\"integer\"}}}",
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$ref\":\"#node\","
        "\"$defs\":{\"n\":{\"$anchor\":\"node\",\"type\":\"object\"}}}",
        "{\"$id\":\"http://x.example/r\",\"$ref\":\"#foo\",\"definitions\":{\"n\":{\"$id\":\"#foo\"}}}",
        "{\"$ref\":\"#/definitions/a%20b/x~1y\",\"definitions\":{\"a b\":{\"x/y\":{}}}}",
        /* a fragment is percent-decoded once: %25 is "%", and what follows it stays as written */
        "{\"$ref\":\"#/definitions/a%2541\",\"definitions\":{\"a%41\":{}}}",
        /* "#/$defs/X" finds a body under "definitions", as Confluent bridges them */
        "{\"$ref\":\"#/$defs/a\",\"definitions\":{\"a\":{\"type\":\"string\"}}}",
    };
    sr_jdep deps[] = {{"address.json", "{\"type\":\"object\",\"properties\":{\"c\":{\"$ref\":"
                                       "\"#/definitions/city\"}},\"definitions\":{\"city\":"
                                       "{\"type\":\"string\"}}}"}};
    sr_jschema *s = NULL;
    sr_err err = {0};
    (void)state;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        sr_jschema_free(parse(ok[i]));
    /* another document by its name, and as ./name */
    assert_int_equal(sr_jschema_parse(&s, "{\"properties\":{\"a\":{\"$ref\":\"address.json\"},"
                                          "\"b\":{\"$ref\":\"./address.json#/definitions/city\"}}}",
                                      deps, 1, 1, 100, &err), 0);
    sr_jschema_free(s);
    /* an unresolved reference names its position */
    assert_int_equal(sr_jschema_parse(&s, "{\n \"properties\": {\"a\": {\"$ref\": \"#/nope\"}}}",
                                      NULL, 0, 1, 100, &err), -1);
    assert_non_null(strstr(sr_err_message(&err), "line 2"));
    assert_non_null(strstr(sr_err_message(&err), "#/nope"));
    sr_err_dispose(&err);
}

/* ---- canonical text ---- */

static void test_json_canonical__key_order_kept_numbers_exact_normalized_sorted(void **state)
{
    const char *text = "{ \"z\": 1.50, \"a\": [1e400, 123456789012345678901234567890],\n"
                       " \"\\u00e9\": \"x\\ty\\u0001\", \"\\ud83d\\ude00\": 0, \"\\uff00\": -0 }";
    sr_schema *s = NULL, *n = NULL, *again = NULL;
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_schema_parse(&s, SR_TYPE_JSON, text, NULL, 0, 0, &err), 0);
    assert_string_equal(sr_schema_canonical(s),
                        "{\"z\":1.50,\"a\":[1e400,123456789012345678901234567890],"
                        "\"\xc3\xa9\":\"x\\ty\\u0001\",\"\xf0\x9f\x98\x80\":0,\"\xef\xbc\x80\":-0}");
    assert_int_equal(sr_schema_parse(&n, SR_TYPE_JSON, text, NULL, 0, SR_PARSE_NORMALIZE, &err), 0);
    /* sorted by UTF-16 code units: the surrogate pair (U+D83D) sorts before U+FF00 */
    assert_string_equal(sr_schema_canonical(n),
                        "{\"a\":[1e400,123456789012345678901234567890],\"z\":1.50,"
                        "\"\xc3\xa9\":\"x\\ty\\u0001\",\"\xf0\x9f\x98\x80\":0,\"\xef\xbc\x80\":-0}");
    assert_int_equal(sr_schema_parse(&again, SR_TYPE_JSON, sr_schema_canonical(s), NULL, 0, 0,
                                     &err), 0);
    assert_string_equal(sr_schema_canonical(again), sr_schema_canonical(s));
    sr_schema_free(s);
    sr_schema_free(n);
    sr_schema_free(again);
}

/* ---- payload validation ---- */

static int validates(const char *schema_text, const char *doc, const char *pointer)
{
    sr_schema *s = schema(schema_text);
    sr_violations v = SR_VIOLATIONS_INIT;
    sr_err err = {0};
    int rc = sr_schema_validate_json(&v, s, doc, NULL, 100, &err), named = !pointer;

    for (size_t i = 0; i < v.n; i++)
        named |= pointer && !strcmp(v.v[i].pointer, pointer);
    if (!named)
        fail_msg("no violation at %s for %s", pointer, doc);
    sr_violations_dispose(&v);
    sr_schema_free(s);
    return rc;
}

static void test_json_validate__violations_name_their_json_pointer(void **state)
{
    const char *order = "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":"
                        "{\"type\":\"string\"},\"lines\":{\"type\":\"array\",\"items\":{\"type\":"
                        "\"object\",\"properties\":{\"qty\":{\"type\":\"integer\",\"minimum\":1}}}}}}";
    (void)state;

    assert_int_equal(validates(order, "{\"id\":\"a\",\"lines\":[{\"qty\":2}]}", NULL), 1);
    assert_int_equal(validates(order, "{\"id\":\"a\",\"lines\":[{\"qty\":2},{\"qty\":0}]}",
                               "/lines/1/qty"), 0);
    assert_int_equal(validates(order, "{\"lines\":[]}", ""), 0);
    assert_int_equal(validates("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                               "\"type\":\"object\",\"properties\":{\"a\":{}},"
                               "\"unevaluatedProperties\":false}", "{\"a\":1,\"b\":2}", ""), 0);
    assert_int_equal(validates("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                               "\"allOf\":[{\"properties\":{\"a\":{}}}],"
                               "\"unevaluatedProperties\":false}", "{\"a\":1}", NULL), 1);
    assert_int_equal(validates("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                               "\"dependentRequired\":{\"a\":[\"b\"]}}", "{\"a\":1}", ""), 0);
    assert_int_equal(validates("{\"if\":{\"properties\":{\"k\":{\"const\":1}}},\"then\":"
                               "{\"required\":[\"x\"]}}", "{\"k\":1}", ""), 0);
    assert_int_equal(validates("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                               "\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}",
                               "[\"a\",1]", "/1"), 0);
    assert_int_equal(validates("{\"type\":\"string\",\"pattern\":\"^\\\\d{3}-\\\\w+$\"}",
                               "\"123-ab_c\"", NULL), 1);
    assert_int_equal(validates("{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#\"}}}",
                               "{\"n\":{\"n\":{\"n\":3}}}", "/n/n/n"), 0);
}

/* ---- hostile input ---- */

static void test_json_hostile__nesting_cycles_duplicates_and_size_are_bounded(void **state)
{
    sr_buf deep = SR_BUF_INIT, wide_a = SR_BUF_INIT, wide_b = SR_BUF_INIT;
    sr_jschema *s = NULL, *a, *b;
    sr_jdiffs d = {0};
    sr_err err = {0};
    (void)state;

    for (int i = 0; i < 200; i++)
        sr_buf_puts(&deep, "{\"items\":");
    sr_buf_puts(&deep, "{}");
    for (int i = 0; i < 200; i++)
        sr_buf_putc(&deep, '}');
    assert_int_equal(sr_jschema_parse(&s, deep.ptr, NULL, 0, 1, 100, &err), -1);
    assert_non_null(strstr(sr_err_message(&err), "nesting limit"));
    /* duplicate keys, invalid UTF-8 */
    assert_int_equal(sr_jschema_parse(&s, "{\"type\":\"string\",\"type\":\"integer\"}", NULL, 0, 1,
                                      100, &err), -1);
    assert_non_null(strstr(sr_err_message(&err), "duplicate key"));
    assert_int_equal(sr_jschema_parse(&s, "{\"title\":\"\xff\"}", NULL, 0, 1, 100, &err), -1);
    /* a $ref cycle with nothing else parses, diffs and validates in bounded time */
    a = parse("{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
              "\"b\":{\"$ref\":\"#/definitions/a\"}}}");
    assert_int_equal(sr_jdiff_compare(&d, a, a, &err), 0);
    sr_jdiffs_dispose(&d);
    sr_jschema_free(a);
    /* recursive schemas whose change is deep in the cycle */
    a = parse("{\"$ref\":\"#/definitions/n\",\"definitions\":{\"n\":{\"type\":\"object\","
              "\"properties\":{\"next\":{\"$ref\":\"#/definitions/n\"},\"v\":{\"type\":\"string\"}}}}}");
    b = parse("{\"$ref\":\"#/definitions/n\",\"definitions\":{\"n\":{\"type\":\"object\","
              "\"properties\":{\"next\":{\"$ref\":\"#/definitions/n\"},\"v\":{\"type\":\"integer\"}}}}}");
    assert_int_equal(sr_jdiff_compare(&d, a, b, &err), 0);
    assert_true(d.n >= 1);
    sr_jdiffs_dispose(&d);
    sr_jschema_free(a);
    sr_jschema_free(b);
    /* 3,000 properties each side: near-linear */
    sr_buf_puts(&wide_a, "{\"type\":\"object\",\"properties\":{");
    sr_buf_puts(&wide_b, "{\"type\":\"object\",\"properties\":{");
    for (int i = 0; i < 3000; i++) {
        sr_buf_printf(&wide_a, "%s\"p%d\":{\"type\":\"string\"}", i ? "," : "", i);
        sr_buf_printf(&wide_b, "%s\"p%d\":{\"type\":\"%s\"}", i ? "," : "", i + 1,
                      i % 2 ? "string" : "integer");
    }
    sr_buf_puts(&wide_a, "}}");
    sr_buf_puts(&wide_b, "}}");
    a = parse(wide_a.ptr);
    b = parse(wide_b.ptr);
    assert_int_equal(sr_jdiff_compare(&d, a, b, &err), 0);
    assert_true(d.n > 1500);
    sr_jdiffs_dispose(&d);
    sr_jschema_free(a);
    sr_jschema_free(b);
    sr_buf_dispose(&deep);
    sr_buf_dispose(&wide_a);
    sr_buf_dispose(&wide_b);
    sr_err_dispose(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_diff__every_difference_type_in_both_directions),
        cmocka_unit_test(test_json_diff__compatible_sets_follow_confluent),
        cmocka_unit_test(test_json_findings__carry_type_path_position_directions_and_message),
        cmocka_unit_test(test_json_levels__all_seven_levels),
        cmocka_unit_test(test_json_meta__each_draft_checks_its_meta_schema),
        cmocka_unit_test(test_json_refs__defs_definitions_id_anchor_and_other_documents),
        cmocka_unit_test(test_json_canonical__key_order_kept_numbers_exact_normalized_sorted),
        cmocka_unit_test(test_json_validate__violations_name_their_json_pointer),
        cmocka_unit_test(test_json_hostile__nesting_cycles_duplicates_and_size_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
