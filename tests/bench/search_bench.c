/* search_bench.c -- sluice's subject search (GET /sluice/v1/subjects) among 100,000 subjects:
 * the time to the first answer (a page of 50) when the index must be built, and then for each kind
 * of query (substring, prefix, regular expression; common, rare and absent; with a type filter),
 * through the registry's own API on a SQLite store in /tmp. A benchmark: it prints, it does not
 * judge.
 *
 * The store is filled directly through store.h in one transaction (100,000 registrations through
 * the registry would each wait for an fsync), with names shaped like real ones:
 * "<team>.<domain>.<event>-value", a third each Avro, Protobuf and JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "server/registry/registry.h"
#include "store/store.h"
#include "tests/bench/bench.h"

#define SUBJECTS 100000
#define RUNS 21

static const char *const teams[] = {"payments", "orders", "inventory", "shipping", "identity",
                                    "billing", "search", "ads", "risk", "growth"};
static const char *const types[] = {"AVRO", "PROTOBUF", "JSON"};

static void subject_name(char *out, size_t n, int i)
{
    snprintf(out, n, "%s.domain%03d.event%04d-value", teams[i % 10], (i / 10) % 1000, i / 10);
}

static int fill(const char *path)
{
    sr_store *st = NULL;
    sr_tx *tx = NULL;
    sr_err err = {0};
    char name[96], text[160];
    int id;

    if (sr_store_open(&st, path, &err) < 0 || sr_store_write_begin(&tx, st, &err) < 0)
        goto fail;
    for (int i = 0; i < SUBJECTS; i++) {
        sr_store_schema s = {.context = ".", .type = (char *)types[i % 3], .text = text,
                             .ts = 1767225600000LL + i};
        subject_name(name, sizeof(name), i);
        snprintf(text, sizeof(text), "{\"type\":\"record\",\"name\":\"E%d\",\"fields\":[]}", i);
        memcpy(s.hash, &i, sizeof(i));
        if (sr_store_schema_insert(&id, tx, &s, &err) < 0 ||
            sr_store_version_put(tx, name, 1, ".", id, s.ts, &err) < 0)
            goto fail;
    }
    if (sr_store_commit(tx, &err) < 0) {
        tx = NULL;
        goto fail;
    }
    sr_store_close(st);
    return 0;
fail:
    fprintf(stderr, "fill: %s\n", sr_err_message(&err));
    sr_store_rollback(tx);
    sr_store_close(st);
    sr_err_dispose(&err);
    return -1;
}

/* One search; its time in ms, and how many subjects the page holds. */
static double once(sr_registry *r, const sr_search *q, size_t *found)
{
    json_t *out = NULL;
    sr_err err = {0};
    double t0 = now_ms(), t;

    if (sr_registry_search(&out, r, q, NULL, &err) < 0) {
        fprintf(stderr, "search: %s\n", sr_err_message(&err));
        sr_err_dispose(&err);
        exit(1);
    }
    t = now_ms() - t0;
    *found = json_array_size(json_object_get(out, "subjects"));
    json_decref(out);
    return t;
}

static void measure(sr_registry *r, const char *label, sr_search q)
{
    double t[RUNS];
    size_t found = 0;

    for (int i = 0; i < RUNS; i++)
        t[i] = once(r, &q, &found);
    sort_times(t, RUNS);
    printf("  %-52s %3zu found   median %8.3f ms   max %8.3f ms\n", label, found, t[RUNS / 2],
           t[RUNS - 1]);
}

static int register_one(sr_registry *r)
{
    sr_schema_req req = {.schema = "\"string\"", .type = SR_TYPE_AVRO};
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_register(&out, r, "zz.bench.new-value", &req, 0, &err);

    json_decref(out);
    if (rc < 0)
        fprintf(stderr, "register: %s\n", sr_err_message(&err));
    sr_err_dispose(&err);
    return rc;
}

int main(void)
{
    char dir[] = "/tmp/sluice-search-bench-XXXXXX", path[64];
    sr_registry *r = NULL;
    sr_err err = {0};
    size_t found;
    double t0, t;
    sr_search all = {NULL, SR_MATCH_SUBSTRING, -1, -1, 0, NULL, 50};

    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof(path), "%s/registry.db", dir);
    json_set_alloc_funcs(sr_xmalloc, free);
    t0 = now_ms();
    if (fill(path) < 0)
        return 1;
    printf("search among %d subjects (store filled in %.0f ms)\n", SUBJECTS, now_ms() - t0);
    if (sr_registry_open(&r, path, NULL, &err) < 0) {
        fprintf(stderr, "open: %s\n", sr_err_message(&err));
        return 1;
    }
    t = once(r, &all, &found);
    printf("  %-52s %3zu found   %8.3f ms\n", "first answer after start (index built)", found, t);
    measure(r, "every subject, first page", all);
    measure(r, "substring \"orders\" (common), first page",
            (sr_search){"orders", SR_MATCH_SUBSTRING, -1, -1, 0, NULL, 50});
    measure(r, "substring \"event0042-\" (rare)",
            (sr_search){"event0042-", SR_MATCH_SUBSTRING, -1, -1, 0, NULL, 50});
    measure(r, "substring \"nothing-like-it\" (absent: whole scan)",
            (sr_search){"nothing-like-it", SR_MATCH_SUBSTRING, -1, -1, 0, NULL, 50});
    measure(r, "prefix \"shipping.domain5\"",
            (sr_search){"shipping.domain5", SR_MATCH_PREFIX, -1, -1, 0, NULL, 50});
    measure(r, "regex \"^risk\\.domain[0-9]+\\.event00[0-9]7\"",
            (sr_search){"^risk\\.domain[0-9]+\\.event00[0-9]7", SR_MATCH_REGEX, -1, -1, 0, NULL,
                        50});
    measure(r, "regex \"zzz$\" (absent: whole scan)",
            (sr_search){"zzz$", SR_MATCH_REGEX, -1, -1, 0, NULL, 50});
    measure(r, "substring \"ads\" and type PROTOBUF",
            (sr_search){"ads", SR_MATCH_SUBSTRING, SR_TYPE_PROTOBUF, -1, 0, NULL, 50});
    measure(r, "page after \"orders.domain500\" (cursor)",
            (sr_search){"orders", SR_MATCH_SUBSTRING, -1, -1, 0, "orders.domain500", 50});
    if (register_one(r) < 0)
        return 1;
    t = once(r, &all, &found);
    printf("  %-52s %3zu found   %8.3f ms\n", "first answer after a registration (index rebuilt)",
           found, t);
    sr_registry_close(r);
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    return system(path) == 0 ? 0 : 1;
}
