/* json_conformance.c -- every case of Confluent's JSON Schema diff vectors
 * (refdata/jsonschema-diff-examples.json, jsonschema-diff-combined-examples.json and their
 * -2020-12 variants): the differences sluice reports, compared as multisets, and the STRICT and
 * LENIENT verdicts. Skips, saying so, only when the shared reference data is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compat/json/json.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static sr_jschema *side(json_t *c, const char *key)
{
    char *text = json_dumps(json_object_get(c, key), JSON_COMPACT | JSON_PRESERVE_ORDER |
                                                         JSON_ENCODE_ANY);
    sr_jschema *s = NULL;
    sr_err err = {0};

    if (sr_jschema_parse(&s, text, NULL, 0, 0, 100, &err) < 0)
        printf("  %s does not parse: %s\n", key, sr_err_message(&err));
    sr_err_dispose(&err);
    free(text);
    return s;
}

/* The cases of one file that disagree; *total gets how many it has (0 when it is absent). */
static size_t run_file(const char *name, size_t *total)
{
    const char *root = getenv("SLUICE_ROOT");
    char path[4096];
    json_t *cases, *c;
    size_t i, failed = 0;

    snprintf(path, sizeof(path), "%s/../shared/refdata/%s", root ? root : ".", name);
    cases = json_load_file(path, 0, NULL);
    *total = 0;
    if (!cases) {
        printf("skipped: %s is absent\n", path);
        return 0;
    }
    *total = json_array_size(cases);
    json_array_foreach(cases, i, c) {
        sr_jschema *o = side(c, "original_schema"), *u = side(c, "update_schema");
        sr_jdiffs d = {0};
        json_t *want = json_object_get(c, "changes");
        json_t *lenient_j = json_object_get(c, "compatible_lenient");
        size_t nwant = json_array_size(want);
        char **got_s = NULL, **want_s = calloc(nwant + 1, sizeof(char *));
        int strict = 1, lenient = 1, ok = o && u;
        sr_err err = {0};

        if (ok && sr_jdiff_compare(&d, o, u, &err) < 0) {
            printf("  diff failed: %s\n", sr_err_message(&err));
            ok = 0;
        }
        if (ok) {
            got_s = calloc(d.n + 1, sizeof(char *));
            for (size_t k = 0; k < d.n; k++) {
                if (asprintf(&got_s[k], "%s %s", d.v[k].type, d.v[k].path) < 0)
                    got_s[k] = NULL;
                strict &= sr_jdiff_is_compatible(d.v[k].type, 0);
                lenient &= sr_jdiff_is_compatible(d.v[k].type, 1);
            }
            for (size_t k = 0; k < nwant; k++)
                want_s[k] = strdup(json_string_value(json_array_get(want, k)));
            qsort(got_s, d.n, sizeof(char *), cmp);
            qsort(want_s, nwant, sizeof(char *), cmp);
            ok = d.n == nwant;
            for (size_t k = 0; ok && k < nwant; k++)
                ok = strcmp(got_s[k], want_s[k]) == 0;
            ok = ok && strict == json_is_true(json_object_get(c, "compatible"));
            ok = ok && lenient == json_is_true(lenient_j ? lenient_j
                                                         : json_object_get(c, "compatible"));
        }
        if (!ok) {
            failed++;
            printf("%s case %zu '%s':\n  want:", name, i,
                   json_string_value(json_object_get(c, "description")));
            for (size_t k = 0; k < nwant; k++)
                printf(" [%s]", want_s[k]);
            printf("\n  got: ");
            for (size_t k = 0; got_s && k < d.n; k++)
                printf(" [%s]", got_s[k]);
            printf("\n");
        }
        for (size_t k = 0; got_s && k < d.n; k++)
            free(got_s[k]);
        for (size_t k = 0; k < nwant; k++)
            free(want_s[k]);
        free(got_s);
        free(want_s);
        sr_jdiffs_dispose(&d);
        sr_err_dispose(&err);
        sr_jschema_free(o);
        sr_jschema_free(u);
    }
    printf("%s: %zu of %zu vectors agree\n", name, *total - failed, *total);
    json_decref(cases);
    return failed;
}

static void test_json_conformance__every_confluent_diff_vector_agrees(void **state)
{
    static const char *const files[] = {
        "jsonschema-diff-examples.json", "jsonschema-diff-combined-examples.json",
        "jsonschema-diff-examples-2020-12.json", "jsonschema-diff-combined-examples-2020-12.json"};
    size_t failed = 0, total = 0, n;
    (void)state;

    for (size_t i = 0; i < 4; i++) {
        failed += run_file(files[i], &n);
        total += n;
    }
    if (total == 0)
        skip(); /* no reference data: reported as skipped, not as passed */
    printf("%zu of %zu JSON Schema diff vectors agree\n", total - failed, total);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_conformance__every_confluent_diff_vector_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
