/* store_fill.c -- a large store, made quickly through the store API (no HTTP, big transactions),
 * for the scaling figures of tests/bench/http_bench.sh.
 *
 *   store_fill DB N [VERSIONS]
 *
 * Writes N distinct Avro records to the store at DB (created if absent): subjects
 * "fill-0000000" ... each with VERSIONS versions (default 4), every schema stored as sluiced
 * would store it (canonical text and fingerprint from compat/), in transactions of 20,000 schemas.
 * Prints the time it took. The schemas are about 400 bytes, records of 6 fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "store/store.h"

#define BATCH 20000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *schema_text(long i)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "{\"type\":\"record\",\"name\":\"Fill%ld\",\"namespace\":\"bench.fill\","
                      "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                      "{\"name\":\"amount\",\"type\":\"long\"},"
                      "{\"name\":\"currency\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\","
                      "\"symbols\":[\"EUR\",\"USD\",\"GBP\"]}},"
                      "{\"name\":\"created\",\"type\":{\"type\":\"long\",\"logicalType\":"
                      "\"timestamp-millis\"}},"
                      "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
                      "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}",
                  i);
    return sr_buf_detach(&b);
}

/* Schema i, parsed and fingerprinted as a registration would, stored with its version. */
static int put_one(sr_tx *tx, long i, int per_subject, long long ts, sr_err *err)
{
    char *text = schema_text(i), subject[32];
    sr_schema *s = NULL;
    sr_store_schema row = {.context = (char *)".", .type = (char *)"AVRO", .ts = ts};
    int id = 0, rc = -1;

    if (sr_schema_parse(&s, SR_TYPE_AVRO, text, NULL, 0, SR_PARSE_NEW, err) < 0)
        goto out;
    row.text = (char *)sr_schema_canonical(s);
    if (sr_fingerprint(row.hash, row.text, NULL, 0, NULL, NULL, err) < 0 ||
        sr_store_schema_insert(&id, tx, &row, err) < 0)
        goto out;
    snprintf(subject, sizeof subject, "fill-%07ld", i / per_subject);
    rc = sr_store_version_put(tx, subject, (int)(i % per_subject) + 1, ".", id, ts, err);
out:
    sr_schema_free(s);
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? atol(argv[2]) : 0;
    int per_subject = argc > 3 ? atoi(argv[3]) : 4;
    sr_store *st = NULL;
    sr_err err = {0};
    double start = now_s();
    long long ts = (long long)time(NULL) * 1000;
    int rc = 1;

    if (argc < 3 || n <= 0 || per_subject <= 0) {
        fprintf(stderr, "usage: store_fill DB N [VERSIONS]\n");
        return 2;
    }
    if (sr_store_open(&st, argv[1], &err) < 0)
        goto out;
    for (long i = 0; i < n;) {
        sr_tx *tx = NULL;
        if (sr_store_write_begin(&tx, st, &err) < 0)
            goto out;
        for (long end = i + BATCH; i < n && i < end; i++)
            if (put_one(tx, i, per_subject, ts, &err) < 0) {
                sr_store_rollback(tx);
                goto out;
            }
        if (sr_store_commit(tx, &err) < 0)
            goto out;
    }
    printf("stored %ld schemas in %ld subjects in %.1f s\n", n,
           (n + per_subject - 1) / per_subject, now_s() - start);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "store_fill: %s\n", sr_err_message(&err));
    sr_err_dispose(&err);
    sr_store_close(st);
    return rc;
}
