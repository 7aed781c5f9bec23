/* proto_conformance.c -- every case of Confluent's protobuf diff vectors
 * (refdata/protobuf-diff-examples.json): the differences sluice reports, compared as multisets,
 * and the compatible verdict. Skips, saying so, only when the shared reference data is absent. */
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
#include "compat/protobuf/protobuf.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parse one side of a case with its dependencies. */
static sr_proto_fileset *side(json_t *c, const char *schema_key, const char *deps_key)
{
    json_t *deps_j = json_object_get(c, deps_key), *d;
    size_t n = json_array_size(deps_j), i;
    sr_dep *deps = calloc(n + 1, sizeof(*deps));
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};

    json_array_foreach(deps_j, i, d) {
        deps[i] = (sr_dep){json_string_value(json_object_get(d, "name")), "dep", 1,
                           SR_TYPE_PROTOBUF, json_string_value(json_object_get(d, "dependency"))};
    }
    if (sr_proto_parse(&fs, "schema.proto", json_string_value(json_object_get(c, schema_key)),
                       deps, n, &err) < 0)
        printf("  %s does not parse: %s\n", schema_key, err.msg);
    free(deps);
    return fs;
}

static void test_proto_conformance__every_confluent_diff_vector_agrees(void **state)
{
    const char *root = getenv("SLUICE_ROOT");
    char path[4096];
    json_t *cases, *c;
    size_t i, failed = 0;
    (void)state;

    snprintf(path, sizeof(path), "%s/../shared/refdata/protobuf-diff-examples.json",
             root ? root : ".");
    cases = json_load_file(path, 0, NULL);
    if (!cases) {
        printf("skipped: %s is absent\n", path);
        skip(); /* reported as skipped, not as passed */
    }
    json_array_foreach(cases, i, c) {
        sr_proto_fileset *o = side(c, "original_schema", "original_dependencies");
        sr_proto_fileset *u = side(c, "update_schema", "update_dependencies");
        sr_proto_diffs d = {0};
        json_t *want = json_object_get(c, "changes");
        size_t nwant = json_array_size(want);
        char **got_s = NULL, **want_s = calloc(nwant + 1, sizeof(char *));
        int compatible = 1, ok = o && u;

        if (ok) {
            sr_proto_diff_compare(&d, o, u);
            got_s = calloc(d.n + 1, sizeof(char *));
            for (size_t k = 0; k < d.n; k++) {
                if (asprintf(&got_s[k], "%s %s", d.v[k].type, d.v[k].path) < 0)
                    got_s[k] = NULL;
                compatible &= sr_proto_diff_is_compatible(d.v[k].type);
            }
            for (size_t k = 0; k < nwant; k++)
                want_s[k] = strdup(json_string_value(json_array_get(want, k)));
            qsort(got_s, d.n, sizeof(char *), cmp);
            qsort(want_s, nwant, sizeof(char *), cmp);
            ok = d.n == nwant;
            for (size_t k = 0; ok && k < nwant; k++)
                ok = strcmp(got_s[k], want_s[k]) == 0;
            ok = ok && compatible == json_is_true(json_object_get(c, "compatible"));
        }
        if (!ok) {
            failed++;
            printf("case %zu '%s':\n  want:", i,
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
        sr_proto_diffs_dispose(&d);
        sr_proto_fileset_free(o);
        sr_proto_fileset_free(u);
    }
    printf("%zu of %zu vectors agree\n", json_array_size(cases) - failed, json_array_size(cases));
    json_decref(cases);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_conformance__every_confluent_diff_vector_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
