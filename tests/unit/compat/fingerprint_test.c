/* fingerprint_test.c -- schema identity hashes, against Confluent's golden values when the
 * shared reference data is present (refdata/schema-md5-golden-data.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"

static void uuid(char out[37], const uint8_t h[16])
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;

    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[h[i] >> 4];
        *o++ = hex[h[i] & 15];
    }
    *o = '\0';
}

static void test_fingerprint__same_input_gives_the_same_hash_and_references_change_it(void **state)
{
    uint8_t a[16], b[16], c[16];
    sr_ref ref = {"x.Y", "Y", 1};
    (void)state;

    assert_int_equal(sr_fingerprint(a, "\"string\"", NULL, 0, NULL, NULL, NULL), 0);
    assert_int_equal(sr_fingerprint(b, "\"string\"", NULL, 0, NULL, NULL, NULL), 0);
    assert_memory_equal(a, b, 16);
    assert_int_equal(sr_fingerprint(c, "\"string\"", &ref, 1, NULL, NULL, NULL), 0);
    assert_memory_not_equal(a, c, 16);
    ref.version = 2;
    assert_int_equal(sr_fingerprint(b, "\"string\"", &ref, 1, NULL, NULL, NULL), 0);
    assert_memory_not_equal(b, c, 16);
}

static void test_fingerprint__plain_text_is_the_md5_of_the_text(void **state)
{
    uint8_t h[16];
    char u[37];
    (void)state;

    /* md5("") = d41d8cd98f00b204e9800998ecf8427e */
    assert_int_equal(sr_fingerprint(h, "", NULL, 0, NULL, NULL, NULL), 0);
    uuid(u, h);
    assert_string_equal(u, "d41d8cd9-8f00-b204-e980-0998ecf8427e");
}

static void test_fingerprint__metadata_that_is_not_an_object_is_rejected(void **state)
{
    uint8_t h[16];
    sr_err err = {0};
    (void)state;

    assert_int_equal(sr_fingerprint(h, "x", NULL, 0, "[1]", NULL, &err), -1);
    assert_int_equal(err.code, 42201);
}

static void test_fingerprint__matches_confluent_golden_hashes(void **state)
{
    static const char *const types[] = {"AVRO", "PROTOBUF", "JSON"};
    static const char *const keys[] = {"avro", "protobuf", "json"};
    const char *root = getenv("SLUICE_ROOT");
    char path[4096];
    json_t *d, *refs_j;
    sr_ref refs[8];
    size_t nrefs, checked = 0;
    char *meta, *rules;
    (void)state;

    snprintf(path, sizeof(path), "%s/../shared/refdata/schema-md5-golden-data.json",
             root ? root : ".");
    d = json_load_file(path, 0, NULL);
    if (!d) {
        printf("skipped: %s is absent\n", path);
        skip(); /* reported as skipped, not as passed */
    }
    refs_j = json_object_get(d, "references");
    nrefs = json_array_size(refs_j);
    assert_true(nrefs <= 8);
    for (size_t i = 0; i < nrefs; i++) {
        json_t *r = json_array_get(refs_j, i);
        refs[i] = (sr_ref){json_string_value(json_object_get(r, "name")),
                           json_string_value(json_object_get(r, "subject")),
                           (int)json_integer_value(json_object_get(r, "version"))};
    }
    meta = json_dumps(json_object_get(d, "metadata"), JSON_COMPACT);
    rules = json_dumps(json_object_get(d, "rules"), JSON_COMPACT);
    for (int t = 0; t < 3; t++) {
        const char *schema = json_string_value(json_object_get(json_object_get(d, "schemas"),
                                                               keys[t]));
        json_t *expected = json_object_get(json_object_get(d, "expectedHashes"), types[t]);
        for (int bits = 0; bits < 8; bits++) {
            char key[4] = {(bits & 4) ? '1' : '0', (bits & 2) ? '1' : '0', (bits & 1) ? '1' : '0',
                           0};
            uint8_t h[16];
            char u[37];
            assert_int_equal(sr_fingerprint(h, schema, refs, (bits & 4) ? nrefs : 0,
                                            (bits & 2) ? meta : NULL, (bits & 1) ? rules : NULL,
                                            NULL), 0);
            uuid(u, h);
            if (strcmp(u, json_string_value(json_object_get(expected, key))) != 0)
                fail_msg("%s %s: got %s, want %s", types[t], key, u,
                         json_string_value(json_object_get(expected, key)));
            checked++;
        }
    }
    assert_int_equal(checked, 24);
    free(meta);
    free(rules);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint__same_input_gives_the_same_hash_and_references_change_it),
        cmocka_unit_test(test_fingerprint__plain_text_is_the_md5_of_the_text),
        cmocka_unit_test(test_fingerprint__metadata_that_is_not_an_object_is_rejected),
        cmocka_unit_test(test_fingerprint__matches_confluent_golden_hashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
