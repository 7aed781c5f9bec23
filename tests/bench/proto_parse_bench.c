/* proto_parse_bench.c -- parse + validate + canonicalize (and render format=serialized) large
 * .proto files at two sizes, n and 2n, to show how the time grows: near-linear passes roughly
 * double, a quadratic one quadruples. Shapes: one message with n fields, n messages, an enum
 * with n values, n custom options on a field. Prints the median of a few runs (milliseconds);
 * a benchmark, not a test.
 *
 *   proto_parse_bench [n]       (default 20000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "tests/bench/bench.h"

#ifndef RUNS
#define RUNS 5 /* -DRUNS=1 for a quick look at slow code */
#endif

/* The i-th field number, past those protobuf keeps for itself (19000 to 19999). */
#define NUMBER(i) ((i) < 19000 ? (i) : (i) + 1000)

static char *fields(int n)
{
    sr_buf b = SR_BUF_INIT;
    static const char *const types[] = {"string", "int64", "int32", "double", "bool", "bytes"};

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.wide.v1;\nmessage Wide {\n");
    for (int i = 1; i <= n; i++)
        sr_buf_printf(&b, "  %s%s field_%d = %d;\n", i % 7 == 0 ? "repeated " : "",
                      types[i % 6], i, NUMBER(i));
    sr_buf_puts(&b, "}\n");
    return sr_buf_detach(&b);
}

static char *messages(int n)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.many.v1;\n");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "message M%d {\n  string id = 1;\n  M%d prev = 2;\n  map<string, int64> "
                          "counts = 3;\n}\n", i, i ? i - 1 : 0);
    return sr_buf_detach(&b);
}

static char *enum_values(int n)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.enums.v1;\nenum Big {\n");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "  BIG_VALUE_%d = %d;\n", i, i);
    sr_buf_puts(&b, "}\nmessage M { Big big = 1; }\n");
    return sr_buf_detach(&b);
}

static char *options(int n)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.opts.v1;\n"
                    "import \"google/protobuf/descriptor.proto\";\n"
                    "extend google.protobuf.FieldOptions {\n");
    for (int i = 0; i < n; i++)
        sr_buf_printf(&b, "  int32 opt_%d = %d;\n", i, 50000 + i);
    sr_buf_puts(&b, "}\nmessage M {\n  string a = 1 [");
    for (int i = n - 1; i >= 0; i--)
        sr_buf_printf(&b, "%s(opt_%d) = %d", i == n - 1 ? "" : ", ", i, i);
    sr_buf_puts(&b, "];\n}\n");
    return sr_buf_detach(&b);
}

/* Median time of parse (with validation and canonical text) + format=serialized. */
static double measure(const char *text, int *ok)
{
    double times[RUNS];

    *ok = 1;
    for (int r = 0; r < RUNS; r++) {
        sr_schema *s = NULL;
        sr_err err = {0};
        char *serialized = NULL;
        double t0 = now_ms();
        if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, NULL, 0, SR_PARSE_NEW, &err) < 0 ||
            sr_schema_render(&serialized, s, "serialized", &err) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            *ok = 0;
            sr_schema_free(s);
            return 0;
        }
        times[r] = now_ms() - t0;
        free(serialized);
        sr_schema_free(s);
    }
    sort_times(times, RUNS);
    return times[RUNS / 2];
}

int main(int argc, char **argv)
{
    static const struct {
        const char *what;
        char *(*make)(int n);
    } shapes[] = {
        {"fields in one message", fields},
        {"messages", messages},
        {"enum values", enum_values},
        {"custom options on a field", options},
    };
    int n = argc > 1 ? atoi(argv[1]) : 20000, status = 0;

    if (n < 1)
        n = 20000;
    printf("protobuf parse + validate + canonicalize + serialize, median of %d runs:\n", RUNS);
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        double t[2];
        size_t size[2];
        for (int k = 0; k < 2; k++) {
            char *text = shapes[s].make(n << k);
            int ok;
            size[k] = strlen(text);
            t[k] = measure(text, &ok);
            free(text);
            status |= !ok;
        }
        printf("  %6d %-26s (%8zu bytes): %9.2f ms;  %6d: %9.2f ms (%8zu bytes), x%.2f\n", n,
               shapes[s].what, size[0], t[0], 2 * n, t[1], size[1], t[0] > 0 ? t[1] / t[0] : 0);
    }
    return status;
}
