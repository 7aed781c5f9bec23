/* registry_test.c -- the registry's use-cases on a real store in a temporary file: the
 * registration pipeline, the caches it owns, and the defects they once had. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "server/registry/registry.h"
#include "../store/tmpdb.h"

typedef struct fixture {
    tmpdb db;
    sr_registry *r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    sr_err err = {0};

    if (!f || tmpdb_make(&f->db) < 0 || sr_registry_open(&f->r, f->db.path, NULL, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    sr_registry_close(f->r);
    tmpdb_remove(&f->db);
    free(f);
    return 0;
}

/* An Avro record named `name` with one field of `type`, `doc` (may be NULL) on the record. */
static char *avro(const char *name, const char *type, const char *doc)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "{\"type\":\"record\",\"name\":\"%s\",", name);
    if (doc)
        sr_buf_printf(&b, "\"doc\":\"%s\",", doc);
    sr_buf_printf(&b, "\"fields\":[{\"name\":\"a\",\"type\":\"%s\"}]}", type);
    return sr_buf_detach(&b);
}

/* Register `text`; returns the reply (caller decrefs) or NULL with err set. */
static json_t *reg(sr_registry *r, const char *subject, const char *text, int id, int version,
                   sr_err *err)
{
    sr_schema_req req = {.schema = text, .type = SR_TYPE_AVRO, .id = id, .version = version};
    json_t *out = NULL;

    if (sr_registry_register(&out, r, subject, &req, 0, err) < 0)
        return NULL;
    return out;
}

static int int_of(const json_t *o, const char *key)
{
    return (int)json_integer_value(json_object_get(o, key));
}

static json_t *body(const char *text)
{
    return json_loads(text, 0, NULL);
}

static void put_mode(sr_registry *r, const char *subject, const char *mode)
{
    char text[64];
    json_t *b, *out = NULL;
    sr_err err = {0};

    snprintf(text, sizeof text, "{\"mode\":\"%s\"}", mode);
    b = body(text);
    assert_int_equal(sr_registry_mode_put(&out, r, subject, b, 0, &err), 0);
    json_decref(b);
    json_decref(out);
}

static void set_level(sr_registry *r, const char *subject, const char *level)
{
    char text[64];
    json_t *b, *out = NULL;
    sr_err err = {0};

    snprintf(text, sizeof text, "{\"compatibility\":\"%s\"}", level);
    b = body(text);
    assert_int_equal(sr_registry_config_put(&out, r, subject, b, &err), 0);
    json_decref(b);
    json_decref(out);
}

static void delete_version(sr_registry *r, const char *subject, const char *v, int permanent)
{
    json_t *out = NULL;
    sr_err err = {0};

    assert_int_equal(sr_registry_delete_version(&out, r, subject, v, permanent, &err), 0);
    json_decref(out);
}

/* Regression: entering IMPORT removed a soft-deleted version and freed its id, but the answer of
 * GET /schemas/ids/{id} stayed in memory; a schema imported under the freed id was then served
 * as the old one. */
static void test_registry__an_id_freed_by_import_is_served_with_its_new_schema(void **state)
{
    fixture *f = *state;
    char *x = avro("Old", "string", NULL), *y = avro("New", "long", NULL), *b = NULL;
    sr_err err = {0};
    json_t *out = reg(f->r, "s", x, 0, 0, &err);
    int id = int_of(out, "id");

    json_decref(out);
    assert_int_equal(sr_registry_schema_by_id_body(&b, f->r, id, &err), 0);
    assert_non_null(strstr(b, "Old"));
    free(b);
    delete_version(f->r, "s", "1", 0);
    put_mode(f->r, "s", "IMPORT"); /* removes the soft-deleted version, and schema `id` with it */
    assert_int_equal(sr_registry_schema_by_id_body(&b, f->r, id, &err), -1);
    assert_int_equal(err.code, 40403);
    out = reg(f->r, "s", y, id, 1, &err);
    assert_non_null(out);
    json_decref(out);
    assert_int_equal(sr_registry_schema_by_id_body(&b, f->r, id, &err), 0);
    assert_non_null(strstr(b, "New"));
    free(b);
    free(x);
    free(y);
}

/* Regression: re-registering a schema whose only holder was a soft-deleted version of the same
 * subject removed the schema before writing the new version (a foreign-key failure, 50001). */
static void test_registry__a_schema_held_only_by_a_soft_deleted_version_registers_again(void **state)
{
    fixture *f = *state;
    char *x = avro("Only", "string", NULL);
    sr_err err = {0};
    json_t *first = reg(f->r, "s", x, 0, 0, &err), *again, *versions = NULL;
    sr_page all = {.offset = 0, .limit = 0};

    delete_version(f->r, "s", "1", 0);
    again = reg(f->r, "s", x, 0, 0, &err);
    assert_non_null(again);
    assert_int_equal(int_of(again, "id"), int_of(first, "id"));
    assert_int_equal(int_of(again, "version"), 2);
    /* the soft-deleted copy went (§5.2 step 9) */
    assert_int_equal(sr_registry_versions(&versions, f->r, "s", 1, 0, 0, all, &err), 0);
    assert_int_equal(json_array_size(versions), 1);
    json_decref(versions);
    json_decref(first);
    json_decref(again);
    free(x);
}

/* Regression: messages were cut at 1,023 bytes, inside a character, and the reply body came out
 * empty; long compatibility details lost their closing bracket. */
static void test_registry__long_incompatibility_details_are_kept_whole(void **state)
{
    fixture *f = *state;
    sr_buf doc = SR_BUF_INIT;
    char *v1, *v2;
    sr_err err = {0};
    json_t *out;
    const char *msg;

    for (int i = 0; i < 2000; i++)
        sr_buf_puts(&doc, "\xc3\xa9");
    v1 = avro("Long", "string", doc.ptr);
    v2 = avro("Long", "int", doc.ptr);
    out = reg(f->r, "s", v1, 0, 0, &err);
    json_decref(out);
    assert_null(reg(f->r, "s", v2, 0, 0, &err));
    assert_int_equal(err.code, 409);
    msg = sr_err_message(&err);
    assert_true(strlen(msg) > 4000);
    assert_string_equal(msg + strlen(msg) - 2, "}]");
    assert_non_null(strstr(msg, doc.ptr));
    sr_err_dispose(&err);
    sr_buf_dispose(&doc);
    free(v1);
    free(v2);
}

/* Version `v` of the Grow record: a field of `type`, and a doc that makes each version new. */
static json_t *grow(sr_registry *r, int v, const char *type, sr_err *err)
{
    char doc[32], *text;
    json_t *out;

    snprintf(doc, sizeof doc, "v%d", v);
    text = avro("Grow", type, doc);
    out = reg(r, "s", text, 0, 0, err);
    free(text);
    return out;
}

/* A non-transitive level checks the latest version only, and every check after the first is
 * answered from parsed schemas kept in memory. */
static void test_registry__checks_parse_each_stored_version_once(void **state)
{
    fixture *f = *state;
    sr_registry_cache_stats before, after;
    sr_err err = {0};
    json_t *out;

    set_level(f->r, "s", "NONE");
    for (int v = 1; v <= 20; v++) /* version 10 cannot be read by the others */
        json_decref(grow(f->r, v, v == 10 ? "int" : "string", &err));
    set_level(f->r, "s", "BACKWARD");
    sr_registry_cache_stats_get(f->r, &before);
    for (int v = 21; v <= 30; v++) {
        assert_non_null(out = grow(f->r, v, "string", &err));
        json_decref(out);
    }
    sr_registry_cache_stats_get(f->r, &after);
    /* each registration parsed the one version it was checked against, and only that */
    assert_int_equal(after.parsed_misses - before.parsed_misses, 10);
    /* checks against the latest version parse it once (it was never a candidate yet) */
    for (int i = 0; i < 5; i++) {
        char *text = avro("Grow", "string", "probe");
        sr_schema_req req = {.schema = text, .type = SR_TYPE_AVRO};
        assert_int_equal(sr_registry_check(&out, f->r, "s", "latest", &req, 0, &err), 0);
        assert_true(json_is_true(json_object_get(out, "is_compatible")));
        json_decref(out);
        free(text);
    }
    sr_registry_cache_stats_get(f->r, &before);
    assert_int_equal(before.parsed_misses - after.parsed_misses, 1);
    assert_int_equal(before.parsed_hits - after.parsed_hits, 4);
    /* a transitive level reaches version 10, which the new schema cannot read */
    set_level(f->r, "s", "BACKWARD_TRANSITIVE");
    assert_null(grow(f->r, 31, "string", &err));
    assert_int_equal(err.code, 409);
    assert_non_null(strstr(sr_err_message(&err), "{oldSchemaVersion: 10}"));
    sr_err_dispose(&err);
}

/* Registrations of one subject racing each other get contiguous versions and never fail: a plan
 * overtaken by another writer is made again. */
typedef struct racer {
    sr_registry *r;
    int thread;
    int failures;
} racer;

static void *race(void *arg)
{
    racer *rc = arg;
    char doc[32];
    sr_err err = {0};

    for (int i = 0; i < 25; i++) {
        char *text;
        json_t *out;
        snprintf(doc, sizeof doc, "t%d-%d", rc->thread, i);
        text = avro("Race", "string", doc);
        out = reg(rc->r, "race", text, 0, 0, &err);
        rc->failures += out == NULL;
        sr_err_dispose(&err);
        json_decref(out);
        free(text);
    }
    return NULL;
}

static void test_registry__racing_registrations_get_contiguous_versions(void **state)
{
    fixture *f = *state;
    racer racers[4];
    pthread_t t[4];
    json_t *versions = NULL;
    sr_page all = {.offset = 0, .limit = 0};
    sr_err err = {0};

    for (int i = 0; i < 4; i++) {
        racers[i] = (racer){f->r, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, race, &racers[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(racers[i].failures, 0);
    }
    assert_int_equal(sr_registry_versions(&versions, f->r, "race", 0, 0, 0, all, &err), 0);
    assert_int_equal(json_array_size(versions), 100);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(json_integer_value(json_array_get(versions, i)), (json_int_t)i + 1);
    json_decref(versions);
}

/* What the pre-check answers does not depend on the mode: the identical schema is found even in
 * READONLY, and a new one is then refused. */
static void test_registry__an_identical_schema_is_found_in_readonly(void **state)
{
    fixture *f = *state;
    char *x = avro("Ro", "string", NULL), *y = avro("Ro2", "string", NULL);
    sr_err err = {0};
    json_t *first = reg(f->r, "s", x, 0, 0, &err), *again;

    put_mode(f->r, "s", "READONLY");
    again = reg(f->r, "s", x, 0, 0, &err);
    assert_non_null(again);
    assert_int_equal(int_of(again, "id"), int_of(first, "id"));
    assert_null(reg(f->r, "s", y, 0, 0, &err));
    assert_int_equal(err.code, 42205);
    json_decref(first);
    json_decref(again);
    free(x);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry__an_id_freed_by_import_is_served_with_its_new_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry__a_schema_held_only_by_a_soft_deleted_version_registers_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry__long_incompatibility_details_are_kept_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry__checks_parse_each_stored_version_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry__racing_registrations_get_contiguous_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry__an_identical_schema_is_found_in_readonly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
