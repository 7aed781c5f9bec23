/* contract_test.c -- the store contract (store/store.h), on the backend SLUICE_TEST_STORE names
 * (tmpstore.h): tests/run.sh runs it on SQLite and again on PostgreSQL. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "store/store.h"
#include "tmpstore.h"

typedef struct fixture {
    tmpstore db;
    sr_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    sr_err err = {0};
    if (!f || tmpstore_make(&f->db) < 0)
        return -1;
    if (sr_store_open_with(&f->st, &f->db.opt, &err) < 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        tmpstore_remove(&f->db);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sr_store_close(f->st);
    tmpstore_remove(&f->db);
    free(f);
    return 0;
}

static sr_tx *wbegin(fixture *f)
{
    sr_tx *tx = NULL;
    sr_err err = {0};
    assert_int_equal(sr_store_write_begin(&tx, f->st, &err), 0);
    return tx;
}

static sr_tx *rbegin(fixture *f)
{
    sr_tx *tx = NULL;
    sr_err err = {0};
    assert_int_equal(sr_store_read_begin(&tx, f->st, &err), 0);
    return tx;
}

static void commit(sr_tx *tx)
{
    sr_err err = {0};
    assert_int_equal(sr_store_commit(tx, &err), 0);
}

static void fill_hash(uint8_t h[16], int seed)
{
    for (int i = 0; i < 16; i++)
        h[i] = (uint8_t)(seed * 31 + i);
}

/* Insert a schema without references whose hash derives from `seed`; returns its id. */
static int insert(sr_tx *tx, int seed, int explicit_id)
{
    sr_store_schema s = {0};
    sr_err err = {0};
    char text[64];
    int id = 0;
    snprintf(text, sizeof text, "{\"type\":\"record\",\"name\":\"r%d\",\"fields\":[]}", seed);
    s.id = explicit_id;
    s.type = (char *)"AVRO";
    s.text = text;
    fill_hash(s.hash, seed);
    assert_int_equal(sr_store_schema_insert(&id, tx, &s, &err), 0);
    return id;
}

static void put(sr_tx *tx, const char *subject, int version, int id)
{
    sr_err err = {0};
    assert_int_equal(sr_store_version_put(tx, subject, version, ".", id, 1700000000000LL, &err), 0);
}

static void test_store__open_creates_and_reopen_keeps_the_data(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int id = insert(tx, 1, 0);
    put(tx, "orders-value", 1, id);
    commit(tx);
    sr_store_close(f->st);
    f->st = NULL;

    assert_int_equal(sr_store_open_with(&f->st, &f->db.opt, &err), 0);
    tx = rbegin(f);
    sr_store_schema *s = NULL;
    assert_int_equal(sr_store_schema_get(&s, tx, ".", id, &err), 0);
    assert_string_equal(s->type, "AVRO");
    sr_store_schema_free(s);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, tx, "orders-value", &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id);
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__open_fails_with_50001_on_an_unusable_path(void **state)
{
    (void)state;
    sr_store *st = NULL;
    sr_err err = {0};
    assert_int_equal(sr_store_open(&st, "/nonexistent-dir-for-sluice/x/registry.db", &err), -1);
    assert_null(st);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(err.msg, "Error in the backend data store: "));
}

/* A database that cannot be reached is an outage (50003), told apart from a mistake in the
 * connection string (50001). */
static void test_store__open_fails_with_50003_when_the_database_cannot_be_reached(void **state)
{
    sr_store_options o = {.backend = SR_STORE_POSTGRES,
                          .location = "host=127.0.0.1 port=1 dbname=none connect_timeout=2"};
    sr_store *st = NULL;
    sr_err err = {0};

    (void)state;
    assert_int_equal(sr_store_open_with(&st, &o, &err), -1);
    assert_null(st);
    assert_int_equal(err.code, 50003);
    o.location = "no_such_keyword=1";
    assert_int_equal(sr_store_open_with(&st, &o, &err), -1);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(err.msg, "invalid connection string"));
}

static void test_store__schema_round_trips_with_refs_and_metadata(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_store_ref refs[2] = {{(char *)"b.proto", (char *)"b", 3}, {(char *)"a.proto", (char *)"a", 1}};
    sr_store_schema in = {0};
    in.type = (char *)"PROTOBUF";
    in.text = (char *)"syntax = \"proto3\";";
    fill_hash(in.hash, 7);
    in.refs = refs;
    in.nrefs = 2;
    in.metadata = (char *)"{\"properties\":{\"owner\":\"x\"}}";
    int id = 0;
    sr_tx *tx = wbegin(f);
    assert_int_equal(sr_store_schema_insert(&id, tx, &in, &err), 0);
    assert_int_equal(id, 1);
    commit(tx);

    tx = rbegin(f);
    sr_store_schema *out = NULL;
    assert_int_equal(sr_store_schema_get(&out, tx, ".", id, &err), 0);
    assert_int_equal(out->id, id);
    assert_string_equal(out->type, "PROTOBUF");
    assert_string_equal(out->text, in.text);
    assert_memory_equal(out->hash, in.hash, 16);
    assert_string_equal(out->metadata, in.metadata);
    assert_int_equal(out->nrefs, 2);
    assert_string_equal(out->refs[0].name, "b.proto"); /* registration order, not sorted */
    assert_string_equal(out->refs[0].subject, "b");
    assert_int_equal(out->refs[0].version, 3);
    assert_string_equal(out->refs[1].name, "a.proto");
    sr_store_schema_free(out);

    int found = 0;
    assert_int_equal(sr_store_schema_find(&found, tx, ".", in.hash, &err), 0);
    assert_int_equal(found, id);
    uint8_t other[16];
    fill_hash(other, 8);
    assert_int_equal(sr_store_schema_find(&found, tx, ".", other, &err), 1);
    assert_int_equal(sr_store_schema_get(&out, tx, ".", id + 1, &err), 1);
    commit(tx);
}

static void test_store__schema_without_metadata_reads_back_null(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int id = insert(tx, 1, 0);
    sr_store_schema *out = NULL;
    assert_int_equal(sr_store_schema_get(&out, tx, ".", id, &err), 0);
    assert_null(out->metadata);
    assert_int_equal(out->nrefs, 0);
    sr_store_schema_free(out);
    commit(tx);
}

/* IMPORT can give a schema a second id (Confluent keeps explicit ids): the fingerprint finds the
 * lowest, and every (context, id) that has it is listed. */
static void test_store__a_fingerprint_may_have_several_ids_and_contexts(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int first = insert(tx, 1, 50), second = insert(tx, 1, 60), found = 0;
    sr_store_schema other = {0};
    sr_store_id *ids = NULL;
    size_t n = 0;

    other.context = (char *)".team";
    other.type = (char *)"AVRO";
    other.text = (char *)"\"string\"";
    fill_hash(other.hash, 1);
    assert_int_equal(sr_store_schema_insert(&found, tx, &other, &err), 0);
    assert_int_equal(found, 1); /* ids count per context */
    assert_int_equal(sr_store_schema_find(&found, tx, ".", other.hash, &err), 0);
    assert_int_equal(found, first);
    assert_int_equal(sr_store_schema_ids(&ids, &n, tx, other.hash, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(ids[0].context, ".");
    assert_int_equal(ids[1].id, second);
    assert_string_equal(ids[2].context, ".team");
    sr_store_ids_free(ids, n);
    assert_int_equal(sr_store_max_id(&found, tx, ".team", &err), 0);
    assert_int_equal(found, 1);
    assert_int_equal(sr_store_max_id(&found, tx, ".none", &err), 0);
    assert_int_equal(found, 0);
    sr_store_rollback(tx);
}

static void test_store__explicit_id_insert_advances_the_max_id(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    int max = -1;
    sr_tx *tx = wbegin(f);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 0);
    assert_int_equal(insert(tx, 1, 100), 100);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 100);
    assert_int_equal(insert(tx, 2, 0), 101);
    /* An imported id below the maximum does not lower it. */
    assert_int_equal(insert(tx, 3, 5), 5);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 101);
    assert_int_equal(insert(tx, 4, 0), 102);
    commit(tx);
}

static void test_store__explicit_id_already_taken_is_rejected(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    insert(tx, 1, 7);
    sr_store_schema s = {0};
    s.id = 7;
    s.type = (char *)"AVRO";
    s.text = (char *)"\"int\"";
    fill_hash(s.hash, 2);
    int id = 0;
    assert_int_equal(sr_store_schema_insert(&id, tx, &s, &err), -1);
    assert_int_equal(err.code, SR_STORE_CONFLICT); /* another writer got there first */
    sr_store_rollback(tx);
}

static void test_store__ids_are_never_reused_after_a_schema_is_removed(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0), b = insert(tx, 2, 0);
    put(tx, "s", 1, a);
    put(tx, "s", 2, b);
    assert_int_equal(sr_store_version_remove(tx, "s", 2, &err), 0);
    sr_store_schema *gone = NULL;
    assert_int_equal(sr_store_schema_get(&gone, tx, ".", b, &err), 1);
    assert_int_equal(insert(tx, 3, 0), b + 1);
    commit(tx);
}

static void test_store__versions_are_listed_in_order_with_deleted_flags(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0), b = insert(tx, 2, 0);
    put(tx, "s", 3, b);
    put(tx, "s", 1, a);
    put(tx, "s", 2, b);
    put(tx, "t", 1, a);
    assert_int_equal(sr_store_version_soft_delete(tx, "s", 2, &err), 0);
    assert_int_equal(sr_store_version_soft_delete(tx, "s", 9, &err), 1);
    assert_int_equal(sr_store_version_soft_delete(tx, "nobody", 1, &err), 1);
    commit(tx);

    tx = rbegin(f);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, tx, "s", &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].version, 1);
    assert_int_equal(v[0].id, a);
    assert_false(v[0].deleted);
    assert_int_equal(v[1].version, 2);
    assert_true(v[1].deleted);
    assert_int_equal(v[2].version, 3);
    assert_int_equal(v[2].id, b);
    assert_false(v[2].deleted);
    assert_string_equal(v[2].subject, "s");
    assert_true(v[0].ts > 1600000000000LL); /* milliseconds since the epoch */
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_versions(&v, &n, tx, "nobody", &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__version_put_overwrites_and_undeletes(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0), b = insert(tx, 2, 0);
    put(tx, "s", 1, a);
    assert_int_equal(sr_store_version_soft_delete(tx, "s", 1, &err), 0);
    put(tx, "s", 1, b);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, tx, "s", &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, b);
    assert_false(v[0].deleted);
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__remove_keeps_a_schema_another_version_still_holds(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_store_ref ref = {(char *)"dep", (char *)"dep", 1};
    sr_store_schema s = {0};
    s.type = (char *)"AVRO";
    s.text = (char *)"\"long\"";
    fill_hash(s.hash, 5);
    s.refs = &ref;
    s.nrefs = 1;
    int id = 0;
    sr_tx *tx = wbegin(f);
    assert_int_equal(sr_store_schema_insert(&id, tx, &s, &err), 0);
    put(tx, "x", 1, id);
    put(tx, "y", 4, id);
    assert_int_equal(sr_store_version_remove(tx, "x", 1, &err), 0);
    assert_int_equal(sr_store_version_remove(tx, "x", 1, &err), 1);
    sr_store_schema *got = NULL;
    assert_int_equal(sr_store_schema_get(&got, tx, ".", id, &err), 0);
    assert_int_equal(got->nrefs, 1);
    sr_store_schema_free(got);

    /* The last holder goes: the schema and its references go with it. */
    assert_int_equal(sr_store_version_remove(tx, "y", 4, &err), 0);
    assert_int_equal(sr_store_schema_get(&got, tx, ".", id, &err), 1);
    int found = 0;
    assert_int_equal(sr_store_schema_find(&found, tx, ".", s.hash, &err), 1);
    /* The same text can now be registered again, under a new id. */
    int again = 0;
    assert_int_equal(sr_store_schema_insert(&again, tx, &s, &err), 0);
    assert_int_equal(again, id + 1);
    commit(tx);
}

static void test_store__subjects_are_sorted_filtered_by_prefix_and_flag_all_deleted(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0);
    put(tx, "b-value", 1, a);
    put(tx, "a-value", 1, a);
    put(tx, "a-value", 2, a);
    put(tx, "a_key", 1, a);
    put(tx, "A-upper", 1, a);
    assert_int_equal(sr_store_version_soft_delete(tx, "a-value", 1, &err), 0);
    assert_int_equal(sr_store_version_soft_delete(tx, "b-value", 1, &err), 0);
    commit(tx);

    tx = rbegin(f);
    sr_store_subject *s = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_subjects(&s, &n, tx, "", &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(s[0].name, "A-upper"); /* byte order: upper case first */
    assert_string_equal(s[1].name, "a-value");
    assert_false(s[1].all_deleted);
    assert_string_equal(s[2].name, "a_key");
    assert_string_equal(s[3].name, "b-value");
    assert_true(s[3].all_deleted);
    sr_store_subjects_free(s, n);

    /* The prefix is literal: '_' is not a wildcard and case matters. */
    assert_int_equal(sr_store_subjects(&s, &n, tx, "a_", &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].name, "a_key");
    sr_store_subjects_free(s, n);
    assert_int_equal(sr_store_subjects(&s, &n, tx, "zzz", &err), 0);
    assert_int_equal(n, 0);
    sr_store_subjects_free(s, n);
    commit(tx);
}

static void test_store__all_versions_honours_the_prefix_and_sorts(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0), b = insert(tx, 2, 0);
    put(tx, "orders", 2, b);
    put(tx, "orders", 1, a);
    put(tx, "order", 1, a);
    put(tx, "users", 1, b);
    assert_int_equal(sr_store_version_soft_delete(tx, "orders", 2, &err), 0);
    commit(tx);

    tx = rbegin(f);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_all_versions(&v, &n, tx, "order", &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].subject, "order");
    assert_string_equal(v[1].subject, "orders");
    assert_int_equal(v[1].version, 1);
    assert_int_equal(v[2].version, 2);
    assert_true(v[2].deleted);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_all_versions(&v, &n, tx, "", &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(v[3].subject, "users");
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__versions_of_id_lists_every_holder_sorted(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int a = insert(tx, 1, 0), b = insert(tx, 2, 0);
    put(tx, "z", 1, a);
    put(tx, "m", 2, a);
    put(tx, "m", 1, b);
    assert_int_equal(sr_store_version_soft_delete(tx, "z", 1, &err), 0);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions_of_id(&v, &n, tx, ".", a, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].subject, "m");
    assert_int_equal(v[0].version, 2);
    assert_string_equal(v[1].subject, "z");
    assert_true(v[1].deleted);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_versions_of_id(&v, &n, tx, ".", 999, &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__referrers_are_the_versions_whose_schema_references_the_target(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    int base = insert(tx, 1, 0);
    put(tx, "base", 1, base);
    put(tx, "base", 2, base);

    sr_store_ref to_v1 = {(char *)"base.proto", (char *)"base", 1};
    sr_store_ref to_v2 = {(char *)"base.proto", (char *)"base", 2};
    sr_store_schema s = {0};
    s.type = (char *)"PROTOBUF";
    s.text = (char *)"a";
    fill_hash(s.hash, 10);
    s.refs = &to_v1;
    s.nrefs = 1;
    int r1 = 0, r2 = 0;
    assert_int_equal(sr_store_schema_insert(&r1, tx, &s, &err), 0);
    s.text = (char *)"b";
    fill_hash(s.hash, 11);
    s.refs = &to_v2;
    assert_int_equal(sr_store_schema_insert(&r2, tx, &s, &err), 0);
    put(tx, "user-b", 1, r1);
    put(tx, "user-a", 3, r1);
    put(tx, "other", 1, r2);
    assert_int_equal(sr_store_version_soft_delete(tx, "user-b", 1, &err), 0);
    commit(tx);

    tx = rbegin(f);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_referrers(&v, &n, tx, "base", 1, ".", "base", &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].subject, "user-a");
    assert_int_equal(v[0].version, 3);
    assert_int_equal(v[0].id, r1);
    assert_string_equal(v[1].subject, "user-b");
    assert_true(v[1].deleted);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_referrers(&v, &n, tx, "base", 2, ".", "base", &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].subject, "other");
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_referrers(&v, &n, tx, "base", 3, ".", "base", &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    commit(tx);
}

static void test_store__settings_keep_global_and_subject_scopes_apart(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    char *val = NULL;
    sr_tx *tx = wbegin(f);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, NULL, &err), 1);
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_CONFIG, NULL, "{\"compatibilityLevel\":\"FULL\"}", &err), 0);
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_CONFIG, "", "{\"compatibilityLevel\":\"NONE\"}", &err), 0);
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_CONFIG, "orders", "{}", &err), 0);
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_MODE, NULL, "READWRITE", &err), 0);
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_MODE, "orders", "READONLY", &err), 0);
    /* Overwrite. */
    assert_int_equal(sr_store_setting_put(tx, SR_SETTING_MODE, "orders", "IMPORT", &err), 0);
    commit(tx);

    tx = rbegin(f);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, NULL, &err), 0);
    assert_string_equal(val, "{\"compatibilityLevel\":\"FULL\"}");
    free(val);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, "", &err), 0);
    assert_string_equal(val, "{\"compatibilityLevel\":\"NONE\"}");
    free(val);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_MODE, "orders", &err), 0);
    assert_string_equal(val, "IMPORT");
    free(val);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_MODE, "", &err), 1);
    char **scopes = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_setting_scopes(&scopes, &n, tx, SR_SETTING_CONFIG, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(scopes[0], "");
    assert_string_equal(scopes[1], "orders");
    for (size_t i = 0; i < n; i++)
        free(scopes[i]);
    free(scopes);
    commit(tx);

    tx = wbegin(f);
    assert_int_equal(sr_store_setting_delete(tx, SR_SETTING_CONFIG, "", &err), 0);
    assert_int_equal(sr_store_setting_delete(tx, SR_SETTING_CONFIG, "", &err), 1);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, NULL, &err), 0);
    free(val);
    assert_int_equal(sr_store_setting_delete(tx, SR_SETTING_CONFIG, NULL, &err), 0);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, NULL, &err), 1);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_CONFIG, "orders", &err), 0);
    free(val);
    assert_int_equal(sr_store_setting_scopes(&scopes, &n, tx, SR_SETTING_MODE, &err), 0);
    assert_int_equal(n, 1); /* the global mode is not a subject scope */
    assert_string_equal(scopes[0], "orders");
    free(scopes[0]);
    free(scopes);
    commit(tx);
}

static void test_store__rollback_discards_the_writes(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *tx = wbegin(f);
    insert(tx, 1, 0);
    sr_store_rollback(tx);
    tx = rbegin(f);
    int max = -1;
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 0);
    commit(tx);
    sr_store_rollback(NULL);
}

static void test_store__a_read_transaction_sees_one_snapshot(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *w = wbegin(f);
    put(w, "s", 1, insert(w, 1, 0));
    commit(w);

    sr_tx *r = rbegin(f);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, r, "s", &err), 0);
    assert_int_equal(n, 1);
    sr_store_versions_free(v, n);
    /* A write committed meanwhile does not show in the open snapshot... */
    w = wbegin(f);
    put(w, "s", 2, insert(w, 2, 0));
    commit(w);
    assert_int_equal(sr_store_versions(&v, &n, r, "s", &err), 0);
    assert_int_equal(n, 1);
    sr_store_versions_free(v, n);
    commit(r);
    /* ...but does in the next one. */
    r = rbegin(f);
    assert_int_equal(sr_store_versions(&v, &n, r, "s", &err), 0);
    assert_int_equal(n, 2);
    sr_store_versions_free(v, n);
    commit(r);
}

static void test_store__a_write_inside_a_read_transaction_fails_with_50001(void **state)
{
    fixture *f = *state;
    sr_err err = {0};
    sr_tx *w = wbegin(f);
    int id = insert(w, 1, 0);
    commit(w);
    sr_tx *r = rbegin(f);
    assert_int_equal(sr_store_version_put(r, "s", 1, ".", id, 1700000000000LL, &err), -1);
    assert_int_equal(err.code, 50001);
    assert_non_null(strstr(err.msg, "Error in the backend data store: "));
    sr_store_rollback(r);
    /* The connection goes back to the pool in a usable state. */
    r = rbegin(f);
    sr_store_version *v = NULL;
    size_t n = 0;
    assert_int_equal(sr_store_versions(&v, &n, r, "s", &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    commit(r);
}

/* The head of a subject: its change counter moves on with every write to its versions, and the
 * highest and latest versions come without reading the rest. */
static void test_store__a_subject_head_follows_every_change(void **state)
{
    fixture *f = *state;
    sr_store_subject_head h0, h1, h2, h3;
    sr_store_version *v = NULL;
    sr_err err = {0};
    size_t n = 0;
    sr_tx *w = wbegin(f);
    int a = insert(w, 1, 0), b = insert(w, 2, 0);

    assert_int_equal(sr_store_subject_head_get(&h0, w, "s", &err), 0);
    assert_int_equal(h0.changes, 0);
    assert_int_equal(h0.max_version, 0);
    assert_int_equal(h0.latest_version, 0);
    put(w, "s", 1, a);
    put(w, "s", 2, b);
    put(w, "s", 3, a);
    put(w, "other", 1, b);
    assert_int_equal(sr_store_subject_head_get(&h1, w, "s", &err), 0);
    assert_true(h1.changes > h0.changes);
    assert_int_equal(h1.max_version, 3);
    assert_int_equal(h1.latest_version, 3);
    assert_int_equal(h1.latest_id, a);
    assert_int_equal(sr_store_version_soft_delete(w, "s", 3, &err), 0);
    assert_int_equal(sr_store_subject_head_get(&h2, w, "s", &err), 0);
    assert_true(h2.changes > h1.changes);
    assert_int_equal(h2.max_version, 3);
    assert_int_equal(h2.latest_version, 2);
    assert_int_equal(h2.latest_id, b);
    assert_int_equal(sr_store_version_remove(w, "s", 3, &err), 0);
    assert_int_equal(sr_store_subject_head_get(&h3, w, "s", &err), 0);
    assert_true(h3.changes > h2.changes);
    assert_int_equal(h3.max_version, 2);
    assert_int_equal(sr_store_versions_holding(&v, &n, w, "s", a, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].version, 1);
    sr_store_versions_free(v, n);
    commit(w);
}

/* Text a database cannot hold (not UTF-8: PostgreSQL's databases are UTF-8) names nothing that is
 * stored: lookups find nothing rather than failing. */
static void test_store__a_name_that_cannot_be_stored_matches_nothing(void **state)
{
    fixture *f = *state;
    const char *bad = "orders-\xff\xfe";
    sr_store_subject_head h;
    sr_store_version *v = NULL, one;
    sr_store_subject *subs = NULL;
    sr_err err = {0};
    char *val = NULL;
    size_t n = 9;
    sr_tx *tx = wbegin(f);

    put(tx, "orders-", 1, insert(tx, 1, 0));
    assert_int_equal(sr_store_versions(&v, &n, tx, bad, &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_version_get(&one, tx, bad, 1, &err), 1);
    assert_int_equal(sr_store_subject_head_get(&h, tx, bad, &err), 0);
    assert_int_equal(h.max_version, 0);
    assert_int_equal(sr_store_subjects(&subs, &n, tx, bad, &err), 0);
    assert_int_equal(n, 0);
    sr_store_subjects_free(subs, n);
    assert_int_equal(sr_store_version_soft_delete(tx, bad, 1, &err), 1);
    assert_int_equal(sr_store_version_remove(tx, bad, 1, &err), 1);
    assert_int_equal(sr_store_setting_get(&val, tx, SR_SETTING_MODE, bad, &err), 1);
    assert_int_equal(sr_store_setting_delete(tx, SR_SETTING_MODE, bad, &err), 1);
    commit(tx);
}

static void test_store__ping_counts_and_a_claimed_write_committed_like_any_write(void **state)
{
    fixture *f = *state;
    const char *reads[] = {"base"};
    sr_store_claim claim = {"orders", ".", NULL, reads, 1};
    uint8_t h[16];
    sr_store_version *v = NULL;
    sr_err err = {0};
    sr_tx *tx = NULL;
    size_t n = 0;

    size_t subjects = 9, schemas = 9;
    unsigned long long writes = 0;
    sr_store_stats stats;

    assert_int_equal(sr_store_ping(f->st, &err), 0);
    fill_hash(h, 3);
    claim.hash = h;
    assert_int_equal(sr_store_write_begin_claim(&tx, f->st, &claim, &err), 0);
    put(tx, "orders", 1, insert(tx, 3, 0));
    commit(tx);
    tx = rbegin(f);
    assert_int_equal(sr_store_versions(&v, &n, tx, "orders", &err), 0);
    assert_int_equal(n, 1);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_counts(&subjects, &schemas, tx, &err), 0);
    assert_int_equal(subjects, 1);
    assert_int_equal(schemas, 1);
    commit(tx);
    /* every backend's transactions are timed, the same way */
    sr_store_stats_get(f->st, &stats);
    for (int i = 0; i <= SR_HIST_BUCKETS; i++)
        writes += stats.write.bucket[i];
    assert_int_equal(writes, 1);
    assert_int_equal(stats.errors, 0);
}

/* ---- several processes on one store (each sr_store handle stands for one) ---- */

typedef struct racer {
    sr_store *st;
    int first;      /* schema seeds first .. first+count-1, one subject each */
    int count;
    int *ids;       /* out */
    int failures;
} racer;

static void *race_inserts(void *arg)
{
    racer *r = arg;

    for (int i = 0; i < r->count; i++) {
        char subject[32];
        uint8_t h[16];
        sr_store_claim claim = {subject, ".", h, NULL, 0};
        sr_store_schema s = {0};
        sr_err err = {0};
        sr_tx *tx = NULL;

        snprintf(subject, sizeof subject, "race-%d", r->first + i);
        fill_hash(h, r->first + i);
        memcpy(s.hash, h, 16);
        s.type = (char *)"AVRO";
        s.text = subject;
        if (sr_store_write_begin_claim(&tx, r->st, &claim, &err) < 0 ||
            sr_store_schema_insert(&r->ids[i], tx, &s, &err) < 0 ||
            sr_store_version_put(tx, subject, 1, ".", r->ids[i], 1700000000000LL, &err) < 0) {
            sr_store_rollback(tx);
            r->failures++;
            continue;
        }
        if (sr_store_commit(tx, &err) < 0)
            r->failures++;
    }
    return NULL;
}

/* Two processes insert schemas side by side: every automatic id is handed out once. */
static void test_store__two_processes_never_hand_out_one_id_twice(void **state)
{
    enum { PER = 40 };
    fixture *f = *state;
    sr_store *other = NULL;
    sr_err err = {0};
    int ids[4][PER], max = 0, seen[4 * PER + 1] = {0};
    racer r[4];
    pthread_t t[4];
    sr_tx *tx;

    assert_int_equal(sr_store_open_with(&other, &f->db.opt, &err), 0);
    for (int k = 0; k < 4; k++) {
        r[k] = (racer){k % 2 ? other : f->st, k * PER, PER, ids[k], 0};
        assert_int_equal(pthread_create(&t[k], NULL, race_inserts, &r[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
        pthread_join(t[k], NULL);
        assert_int_equal(r[k].failures, 0);
    }
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < PER; i++) {
            assert_in_range(ids[k][i], 1, 4 * PER);
            assert_int_equal(seen[ids[k][i]]++, 0);
        }
    tx = rbegin(f);
    assert_int_equal(sr_store_max_id(&max, tx, ".", &err), 0);
    assert_int_equal(max, 4 * PER);
    commit(tx);
    sr_store_close(other);
}

typedef struct later {
    sr_store *st;
    const sr_store_claim *claim; /* NULL: an unclaimed write */
    int explicit_id;             /* insert under this id when > 0 */
    volatile int begun, done;
    int rc, code;
} later;

static void *write_later(void *arg)
{
    later *l = arg;
    sr_err err = {0};
    sr_tx *tx = NULL;
    int id = 0;

    l->rc = l->claim ? sr_store_write_begin_claim(&tx, l->st, l->claim, &err)
                     : sr_store_write_begin(&tx, l->st, &err);
    l->begun = 1;
    if (l->rc == 0 && l->explicit_id) {
        sr_store_schema s = {0};
        s.id = l->explicit_id;
        s.type = (char *)"AVRO";
        s.text = (char *)"\"later\"";
        fill_hash(s.hash, 77);
        l->rc = sr_store_schema_insert(&id, tx, &s, &err);
    }
    if (l->rc == 0)
        l->rc = sr_store_commit(tx, &err);
    else if (tx)
        sr_store_rollback(tx);
    l->code = err.code;
    l->done = 1;
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* 1 when *flag became set within `ms`. */
static int within(volatile int *flag, int ms)
{
    for (int waited = 0; waited < ms && !*flag; waited += 10)
        sleep_ms(10);
    return *flag;
}

/* PostgreSQL: writes of different subjects do not wait for each other; an unclaimed write waits
 * for all of them, and a second insert of one id waits, then collides. */
static void test_store__claimed_writes_wait_only_for_what_they_share(void **state)
{
    fixture *f = *state;
    uint8_t ha[16], hb[16];
    sr_store_claim a = {"a", ".", ha, NULL, 0}, b = {"b", ".", hb, NULL, 0};
    later lb = {0}, whole = {0}, dup = {0};
    sr_store *other = NULL;
    pthread_t t1, t2, t3;
    sr_err err = {0};
    sr_tx *tx = NULL;

    if (!tmpstore_postgres())
        skip(); /* SQLite serializes every write: a claim changes nothing there */
    fill_hash(ha, 1);
    fill_hash(hb, 2);
    assert_int_equal(sr_store_open_with(&other, &f->db.opt, &err), 0);
    assert_int_equal(sr_store_write_begin_claim(&tx, f->st, &a, &err), 0);
    assert_int_equal(insert(tx, 50, 7), 7);

    lb = (later){other, &b, 0, 0, 0, 0, 0};
    assert_int_equal(pthread_create(&t1, NULL, write_later, &lb), 0);
    assert_true(within(&lb.done, 5000)); /* another subject: not held up */
    assert_int_equal(lb.rc, 0);

    whole = (later){other, NULL, 0, 0, 0, 0, 0};
    dup = (later){other, &b, 7, 0, 0, 0, 0};
    assert_int_equal(pthread_create(&t2, NULL, write_later, &whole), 0);
    sleep_ms(300);
    assert_false(whole.begun); /* an unclaimed write runs alone */
    assert_int_equal(pthread_create(&t3, NULL, write_later, &dup), 0);
    sleep_ms(300);
    assert_false(dup.done); /* waits on the uncommitted id 7 (or behind the unclaimed write) */
    commit(tx);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_join(t3, NULL);
    assert_int_equal(whole.rc, 0);
    assert_int_equal(dup.rc, -1);
    assert_int_equal(dup.code, SR_STORE_CONFLICT);
    sr_store_close(other);
}

typedef struct heard {
    pthread_mutex_t lock;
    int changed, gone, all, deaf, hearing;
    char context[32];
    int id;
} heard;

static void on_event(void *arg, sr_store_event ev, const char *context, int id)
{
    heard *h = arg;

    pthread_mutex_lock(&h->lock);
    if (ev == SR_STORE_CHANGED)
        h->changed++;
    else if (ev == SR_STORE_DEAF)
        h->deaf++;
    else if (ev == SR_STORE_HEARING)
        h->hearing++;
    else if (!context)
        h->all++;
    else {
        h->gone++;
        snprintf(h->context, sizeof h->context, "%s", context);
        h->id = id;
    }
    pthread_mutex_unlock(&h->lock);
}

static int count_of(heard *h, int *field, int want, int ms)
{
    int got = 0;
    for (int waited = 0; waited <= ms; waited += 10) {
        pthread_mutex_lock(&h->lock);
        got = *field;
        pthread_mutex_unlock(&h->lock);
        if (got >= want)
            break;
        sleep_ms(10);
    }
    return got;
}

/* PostgreSQL: what one process announces with a write (what it removed, or that it changed
 * something) reaches the others when it commits, and only then; a listener that loses its
 * connection says so, and says when it hears again. */
static void test_store__announcements_reach_other_processes_when_the_write_commits(void **state)
{
    fixture *f = *state;
    sr_store_id gone = {(char *)".team", 5};
    heard h = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, 0, "", 0};
    sr_store *other = NULL;
    sr_err err = {0};
    sr_tx *tx;
    char sql[256];

    if (!tmpstore_postgres())
        skip(); /* one process owns a SQLite store: nothing to announce */
    assert_int_equal(sr_store_open_with(&other, &f->db.opt, &err), 0);
    assert_int_equal(sr_store_watch(other, on_event, &h, &err), 0);

    tx = wbegin(f);
    assert_int_equal(sr_store_publish(tx, &gone, 1, 0, &err), 0);
    sr_store_rollback(tx);
    tx = wbegin(f);
    assert_int_equal(sr_store_publish(tx, &gone, 1, 0, &err), 0);
    sleep_ms(200);
    assert_int_equal(count_of(&h, &h.gone, 1, 0), 0); /* not before the commit */
    commit(tx);
    assert_int_equal(count_of(&h, &h.gone, 1, 5000), 1);
    assert_string_equal(h.context, ".team");
    assert_int_equal(h.id, 5);
    tx = wbegin(f);
    assert_int_equal(sr_store_publish(tx, NULL, 0, 1, &err), 0);
    commit(tx);
    assert_int_equal(count_of(&h, &h.all, 1, 5000), 1);
    assert_int_equal(count_of(&h, &h.gone, 2, 0), 1); /* the rolled-back one never came */
    tx = wbegin(f); /* a write that removed nothing says so too */
    assert_int_equal(sr_store_publish(tx, NULL, 0, 0, &err), 0);
    commit(tx);
    assert_int_equal(count_of(&h, &h.changed, 1, 5000), 1);

    /* The listener's connection is cut: deaf, then hearing again by itself. */
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s' AND query LIKE 'LISTEN%%'", f->db.dbname);
    assert_int_equal(tmpstore_admin_query(sql), 0);
    assert_int_equal(count_of(&h, &h.deaf, 1, 10000), 1);
    assert_int_equal(count_of(&h, &h.hearing, 1, 10000), 1);
    tx = wbegin(f);
    assert_int_equal(sr_store_publish(tx, &gone, 1, 0, &err), 0);
    commit(tx);
    assert_int_equal(count_of(&h, &h.gone, 2, 5000), 2);
    sr_store_close(other);
}

/* A backup is a store of its own with what was committed (SQLite); PostgreSQL leaves backups to
 * the database's tools and says so. */
static void test_store__a_backup_opens_as_a_store_with_the_committed_data(void **state)
{
    fixture *f = *state;
    sr_store *copy = NULL;
    sr_store_version *v = NULL;
    sr_err err = {0};
    size_t n = 0;
    char path[256];
    sr_tx *tx = wbegin(f);

    put(tx, "kept", 1, insert(tx, 1, 0));
    commit(tx);
    if (tmpstore_postgres()) {
        assert_int_equal(sr_store_backup(f->st, "/tmp/never-written.db", &err), -1);
        assert_non_null(strstr(err.msg, "pg_dump"));
        return;
    }
    snprintf(path, sizeof path, "%s/backup.db", f->db.db.dir);
    tx = wbegin(f); /* a write in progress does not hold the backup up, nor get into it */
    put(tx, "uncommitted", 1, insert(tx, 2, 0));
    assert_int_equal(sr_store_backup(f->st, path, &err), 0);
    sr_store_rollback(tx);
    assert_int_equal(sr_store_open(&copy, path, &err), 0);
    assert_int_equal(sr_store_read_begin(&tx, copy, &err), 0);
    assert_int_equal(sr_store_versions(&v, &n, tx, "kept", &err), 0);
    assert_int_equal(n, 1);
    sr_store_versions_free(v, n);
    assert_int_equal(sr_store_versions(&v, &n, tx, "uncommitted", &err), 0);
    assert_int_equal(n, 0);
    sr_store_versions_free(v, n);
    sr_store_rollback(tx);
    sr_store_close(copy);
    assert_int_equal(sr_store_backup(f->st, path, &err), -1); /* never over an existing file */
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store__open_creates_and_reopen_keeps_the_data, setup, teardown),
        cmocka_unit_test(test_store__open_fails_with_50001_on_an_unusable_path),
        cmocka_unit_test(test_store__open_fails_with_50003_when_the_database_cannot_be_reached),
        cmocka_unit_test_setup_teardown(test_store__schema_round_trips_with_refs_and_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__schema_without_metadata_reads_back_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_fingerprint_may_have_several_ids_and_contexts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__explicit_id_insert_advances_the_max_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__explicit_id_already_taken_is_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__ids_are_never_reused_after_a_schema_is_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__versions_are_listed_in_order_with_deleted_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__version_put_overwrites_and_undeletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__remove_keeps_a_schema_another_version_still_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__subjects_are_sorted_filtered_by_prefix_and_flag_all_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__all_versions_honours_the_prefix_and_sorts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__versions_of_id_lists_every_holder_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__referrers_are_the_versions_whose_schema_references_the_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__settings_keep_global_and_subject_scopes_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__rollback_discards_the_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_read_transaction_sees_one_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_write_inside_a_read_transaction_fails_with_50001, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_subject_head_follows_every_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_name_that_cannot_be_stored_matches_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__ping_counts_and_a_claimed_write_committed_like_any_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__two_processes_never_hand_out_one_id_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__claimed_writes_wait_only_for_what_they_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__announcements_reach_other_processes_when_the_write_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__a_backup_opens_as_a_store_with_the_committed_data, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
