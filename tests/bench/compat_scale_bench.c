/* compat_scale_bench.c -- the compatibility checker on large schemas, each checked against a
 * previous version the way a registration does it (sr_compat_check): an Avro record of 20,000
 * fields, an Avro enum of 100,000 symbols, an Avro union of 2,000 records, and a protobuf message
 * of 20,000 fields, each once with a compatible change and once with every element changed
 * (one finding per element), and a protobuf message of 2,000 fields whose types come from an
 * imported file. Times the check only, both schemas already parsed.
 * Prints the median and best of up to 11 runs (fewer when a run takes over a second), in
 * milliseconds; a benchmark, not a test. SLUICE_BENCH_SCALE (default 1) scales every size;
 * SLUICE_BENCH_ONLY runs only the cases whose description contains it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "tests/bench/bench.h"

#define MAX_RUNS 11

static double scale = 1.0;

static size_t scaled(size_t n)
{
    size_t s = (size_t)((double)n * scale);
    return s ? s : 1;
}

/* A record of `n` fields: `kind` 0 = the previous version (int fields), 1 = the same fields in
 * reverse order plus one with a default (compatible both ways), 2 = every field a string. */
static char *avro_record(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"record\",\"name\":\"Wide\",\"namespace\":\"bench\",\"fields\":[");
    for (size_t k = 0; k < n; k++) {
        size_t i = kind == 1 ? n - 1 - k : k;
        sr_buf_printf(&b, "%s{\"name\":\"field_%zu\",\"type\":\"%s\"}", k ? "," : "", i,
                      kind == 2 ? "string" : "int");
    }
    if (kind == 1)
        sr_buf_puts(&b, ",{\"name\":\"added\",\"type\":\"long\",\"default\":0}");
    sr_buf_puts(&b, "]}");
    return sr_buf_detach(&b);
}

/* An enum of `n` symbols; `kind` 1 adds one at the end, 2 renames every symbol. */
static char *avro_enum(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"type\":\"enum\",\"name\":\"Big\",\"symbols\":[");
    for (size_t i = 0; i < n; i++)
        sr_buf_printf(&b, "%s\"%s_%zu\"", i ? "," : "", kind == 2 ? "R" : "S", i);
    if (kind == 1)
        sr_buf_puts(&b, ",\"ADDED\"");
    sr_buf_puts(&b, "]}");
    return sr_buf_detach(&b);
}

/* A union of `n` records (two fields each); `kind` 1 adds a record, 2 changes a field of each. */
static char *avro_union(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "[\"null\"");
    for (size_t i = 0; i < n + (kind == 1); i++)
        sr_buf_printf(&b, ",{\"type\":\"record\",\"name\":\"Event%zu\",\"fields\":["
                          "{\"name\":\"id\",\"type\":\"string\"},"
                          "{\"name\":\"at\",\"type\":\"%s\"}]}",
                      i, kind == 2 ? "string" : "long");
    sr_buf_puts(&b, "]");
    return sr_buf_detach(&b);
}

/* Field numbers, skipping the range protobuf reserves for itself. */
static size_t field_number(size_t i)
{
    return i < 19000 ? i : i + 1000;
}

/* One message of `n` fields; `kind` 1 renames every tenth field and adds one, 2 makes every
 * field a sint64 (an incompatible scalar kind change per field). */
static char *proto_message(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.v1;\nmessage Wide {\n");
    for (size_t i = 1; i <= n; i++)
        sr_buf_printf(&b, "  %s field_%zu%s = %zu;\n", kind == 2 ? "sint64" : "int64", i,
                      kind == 1 && i % 10 == 0 ? "_renamed" : "", field_number(i));
    if (kind == 1)
        sr_buf_printf(&b, "  string added = %zu;\n", field_number(n + 1));
    sr_buf_puts(&b, "}\n");
    return sr_buf_detach(&b);
}

/* An imported file of `n` messages, and a message with a field of each of those types. */
static char *proto_imported(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    (void)kind;
    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.common;\n");
    for (size_t i = 1; i <= n; i++)
        sr_buf_printf(&b, "message Part%zu { string id = 1; int64 size = 2; }\n", i);
    return sr_buf_detach(&b);
}

/* `kind` 1 renames every tenth field. */
static char *proto_importer(size_t n, int kind)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.v1;\nimport \"common.proto\";\n"
                    "message Assembly {\n");
    for (size_t i = 1; i <= n; i++)
        sr_buf_printf(&b, "  bench.common.Part%zu part_%zu%s = %zu;\n", i, i,
                      kind == 1 && i % 10 == 0 ? "_renamed" : "", field_number(i));
    sr_buf_puts(&b, "}\n");
    return sr_buf_detach(&b);
}

typedef char *(*gen_fn)(size_t n, int kind);

static int bench(const char *what, sr_schema_type type, gen_fn gen, size_t n, int kind,
                 sr_compat_level level)
{
    char *t_old, *t_new;
    sr_schema *old = NULL, *s = NULL;
    double times[MAX_RUNS], spent = 0;
    sr_err err = {0};
    int runs = 0, verdict = -1;
    size_t nmsgs = 0;
    const char *only = getenv("SLUICE_BENCH_ONLY");
    char *dep_text = NULL;
    sr_dep dep = {0};
    size_t ndeps = 0;

    if (only && *only && !strstr(what, only))
        return 0;
    t_old = gen(n, 0);
    t_new = gen(n, kind);
    if (gen == proto_importer) { /* both versions import the same file */
        dep_text = proto_imported(n, 0);
        dep = (sr_dep){"common.proto", "common.proto", 1, SR_TYPE_PROTOBUF, dep_text};
        ndeps = 1;
    }
    if (sr_schema_parse(&old, type, t_old, &dep, ndeps, 0, &err) < 0 ||
        sr_schema_parse(&s, type, t_new, &dep, ndeps, SR_PARSE_NEW, &err) < 0) {
        fprintf(stderr, "%s: %s\n", what, err.msg);
        return 1;
    }
    while (runs < MAX_RUNS && (runs < 3 || spent < 1000) && !(runs >= 1 && spent > 5000)) {
        sr_strlist msgs = SR_STRLIST_INIT;
        sr_candidate cand = {old, 1};
        double t0 = now_ms();
        verdict = sr_compat_check(&msgs, level, s, &cand, 1, &err);
        times[runs] = now_ms() - t0;
        spent += times[runs++];
        nmsgs = msgs.n;
        sr_strlist_dispose(&msgs);
    }
    sort_times(times, (size_t)runs);
    printf("  %-44s %-9s %s, %5zu lines: median %9.2f ms, best %9.2f ms (%d run%s)\n", what,
           sr_compat_level_name(level), verdict == 1 ? "ok " : verdict == 0 ? "BAD" : "ERR",
           nmsgs, times[runs / 2], times[0], runs, runs == 1 ? "" : "s");
    sr_schema_free(old);
    sr_schema_free(s);
    free(t_old);
    free(t_new);
    free(dep_text);
    return 0;
}

int main(void)
{
    const char *env = getenv("SLUICE_BENCH_SCALE");
    size_t fields, symbols, branches;
    char what[128];
    int rc = 0;

    if (env && atof(env) > 0)
        scale = atof(env);
    fields = scaled(20000);
    symbols = scaled(100000);
    branches = scaled(2000);
    printf("compatibility check of large schemas against their previous version (scale %g):\n",
           scale);
    snprintf(what, sizeof(what), "avro record, %zu fields, reordered + 1", fields);
    rc |= bench(what, SR_TYPE_AVRO, avro_record, fields, 1, SR_COMPAT_FULL);
    snprintf(what, sizeof(what), "avro record, %zu fields, every type changed", fields);
    rc |= bench(what, SR_TYPE_AVRO, avro_record, fields, 2, SR_COMPAT_BACKWARD);
    snprintf(what, sizeof(what), "avro enum, %zu symbols, 1 added", symbols);
    rc |= bench(what, SR_TYPE_AVRO, avro_enum, symbols, 1, SR_COMPAT_FULL);
    snprintf(what, sizeof(what), "avro enum, %zu symbols, every one renamed", symbols);
    rc |= bench(what, SR_TYPE_AVRO, avro_enum, symbols, 2, SR_COMPAT_BACKWARD);
    snprintf(what, sizeof(what), "avro union, %zu records, 1 added", branches);
    rc |= bench(what, SR_TYPE_AVRO, avro_union, branches, 1, SR_COMPAT_FULL);
    snprintf(what, sizeof(what), "avro union, %zu records, every one changed", branches);
    rc |= bench(what, SR_TYPE_AVRO, avro_union, branches, 2, SR_COMPAT_BACKWARD);
    snprintf(what, sizeof(what), "protobuf message, %zu fields, renames + 1", fields);
    rc |= bench(what, SR_TYPE_PROTOBUF, proto_message, fields, 1, SR_COMPAT_FULL);
    snprintf(what, sizeof(what), "protobuf message, %zu fields, every kind changed", fields);
    rc |= bench(what, SR_TYPE_PROTOBUF, proto_message, fields, 2, SR_COMPAT_BACKWARD);
    snprintf(what, sizeof(what), "protobuf, %zu fields of imported types, renames",
             branches);
    rc |= bench(what, SR_TYPE_PROTOBUF, proto_importer, branches, 1, SR_COMPAT_FULL);
    return rc;
}
