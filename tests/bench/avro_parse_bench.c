/* avro_parse_bench.c -- parse + validate + canonicalize very large Avro schemas, as a registration
 * does (new-schema validation on): enums of 100,000 and 500,000 symbols, records of 20,000 and
 * 40,000 fields, and many named types each used again by name. Each shape runs at two sizes so
 * that the per-element cost shows whether the work grows linearly.
 *
 *     avro_parse_bench [name...]     (default: every case; names as printed)
 *
 * Prints the median and best of a few runs (milliseconds); a benchmark, not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "tests/bench/bench.h"

enum shape { ENUM, RECORD, NAMED, UNION };

static const struct bench_case {
    const char *name;
    enum shape shape;
    int n;
} cases[] = {
    {"enum-100k", ENUM, 100000},     {"enum-500k", ENUM, 500000},
    {"record-20k", RECORD, 20000},   {"record-40k", RECORD, 40000},
    {"named-10k", NAMED, 10000},     {"named-20k", NAMED, 20000},
    {"union-5k", UNION, 5000},       {"union-10k", UNION, 10000},
};

static const char *const field_types[] = {"\"string\"", "\"long\"", "[\"null\",\"int\"]",
                                          "{\"type\":\"array\",\"items\":\"double\"}"};
static const char *const field_defaults[] = {"\"x\"", "0", "null", "[]"};

static char *generate(enum shape shape, int n)
{
    sr_buf b = SR_BUF_INIT;

    switch (shape) {
    case ENUM: /* symbols S0..Sn-1 and a default near the end */
        sr_buf_puts(&b, "{\"type\":\"enum\",\"name\":\"bench.Big\",\"symbols\":[");
        for (int i = 0; i < n; i++)
            sr_buf_printf(&b, "%s\"S%d\"", i ? "," : "", i);
        sr_buf_printf(&b, "],\"default\":\"S%d\"}", n - 1);
        break;
    case RECORD: /* fields of mixed types, with defaults and aliases */
        sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"bench.Wide\",\"fields\":[");
        for (int i = 0; i < n; i++)
            sr_buf_printf(&b, "%s{\"name\":\"f%d\",\"type\":%s,\"default\":%s,\"aliases\":[\"g%d\"]}",
                          i ? "," : "", i, field_types[i % 4], field_defaults[i % 4], i);
        sr_buf_puts(&b, "]}");
        break;
    case NAMED: /* n records defined, then each used again by name */
        sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"bench.Top\",\"fields\":[");
        for (int i = 0; i < n; i++)
            sr_buf_printf(&b, "{\"name\":\"d%d\",\"type\":{\"type\":\"record\",\"name\":\"R%d\","
                          "\"fields\":[{\"name\":\"v\",\"type\":\"int\"}]}},", i, i);
        for (int i = 0; i < n; i++)
            sr_buf_printf(&b, "%s{\"name\":\"u%d\",\"type\":\"R%d\"}", i ? "," : "", i, i);
        sr_buf_puts(&b, "]}");
        break;
    case UNION: /* a union of n distinct records */
        sr_buf_puts(&b, "[\"null\"");
        for (int i = 0; i < n; i++)
            sr_buf_printf(&b, ",{\"type\":\"record\",\"name\":\"bench.B%d\",\"fields\":[]}", i);
        sr_buf_puts(&b, "]");
        break;
    }
    return sr_buf_detach(&b);
}

/* Median and best of up to 7 runs, fewer once the runs have taken two seconds. */
static int run(const struct bench_case *c)
{
    char *text = generate(c->shape, c->n);
    double times[7], spent = 0;
    int runs = 0;
    size_t canon_len = 0;

    while (runs < 7 && (runs < 1 || spent < 2000)) {
        sr_schema *s = NULL;
        sr_err err = {0};
        double t0 = now_ms();
        if (sr_schema_parse(&s, SR_TYPE_AVRO, text, NULL, 0, SR_PARSE_NEW, &err) < 0) {
            fprintf(stderr, "%s: %s\n", c->name, err.msg);
            free(text);
            return 1;
        }
        canon_len = strlen(sr_schema_canonical(s));
        times[runs] = now_ms() - t0;
        spent += times[runs++];
        sr_schema_free(s);
    }
    sort_times(times, (size_t)runs);
    printf("  %-11s %8zu bytes in, %8zu out: median %9.2f ms, best %9.2f ms (%d runs), "
           "%7.1f ns per element\n",
           c->name, strlen(text), canon_len, times[runs / 2], times[0], runs,
           times[runs / 2] * 1e6 / c->n);
    fflush(stdout); /* one line per case as it ends, even into a pipe */
    free(text);
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;

    printf("avro parse + validate (new schema) + canonicalize:\n");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= strcmp(argv[a], cases[i].name) == 0;
        if (wanted)
            status |= run(&cases[i]);
    }
    return status;
}
