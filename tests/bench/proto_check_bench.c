/* proto_check_bench.c -- parse, canonicalize and check a large .proto against its previous
 * version: 300 messages, 6,000 fields, the way a registration at BACKWARD does it.
 * Prints the median and best of 21 runs (milliseconds); a benchmark, not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "tests/bench/bench.h"

#define MESSAGES 300
#define FIELDS 20 /* per message: 6,000 in all */
#define RUNS 21

static const char *const types[] = {"string", "int64", "int32", "double", "bool", "bytes"};

/* The schema; `next` adds a field to every tenth message and renames a few (compatible). */
static char *generate(int next)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "syntax = \"proto3\";\npackage bench.events.v1;\n"
                    "import \"google/protobuf/timestamp.proto\";\n");
    for (int m = 0; m < MESSAGES; m++) {
        sr_buf_printf(&b, "// Event number %d\nmessage Event%d {\n", m, m);
        for (int f = 1; f <= FIELDS; f++) {
            if (f == 3 && m > 0)
                sr_buf_printf(&b, "  Event%d previous = %d;\n", m - 1, f);
            else if (f == 4)
                sr_buf_printf(&b, "  google.protobuf.Timestamp at = %d;\n", f);
            else if (f == 5)
                sr_buf_printf(&b, "  map<string, string> labels = %d;\n", f);
            else
                sr_buf_printf(&b, "  %s%s field_%d_%d%s = %d;\n", f % 7 == 0 ? "repeated " : "",
                              types[f % 6], m, f, next && m % 25 == 0 ? "_renamed" : "", f);
        }
        if (next && m % 10 == 0)
            sr_buf_printf(&b, "  string added_in_v2 = %d;\n", FIELDS + 1);
        sr_buf_puts(&b, "  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n}\n");
    }
    return sr_buf_detach(&b);
}

int main(void)
{
    char *v1 = generate(0), *v2 = generate(1);
    double times[RUNS];
    sr_schema *old = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&old, SR_TYPE_PROTOBUF, v1, NULL, 0, 0, &err) < 0) {
        fprintf(stderr, "v1: %s\n", err.msg);
        return 1;
    }
    for (int r = 0; r < RUNS; r++) { /* the previous version already parsed, as a CLI reuses it */
        sr_schema *s = NULL;
        sr_strlist msgs = SR_STRLIST_INIT;
        sr_candidate cand = {old, 1};
        double t0 = now_ms();
        int ok;
        if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, v2, NULL, 0, SR_PARSE_NEW, &err) < 0) {
            fprintf(stderr, "v2: %s\n", err.msg);
            return 1;
        }
        ok = sr_compat_check(&msgs, SR_COMPAT_BACKWARD, s, &cand, 1, &err);
        times[r] = now_ms() - t0;
        if (ok != 1) {
            fprintf(stderr, "unexpectedly incompatible: %s\n", msgs.n ? msgs.v[0] : err.msg);
            return 1;
        }
        sr_strlist_dispose(&msgs);
        sr_schema_free(s);
    }
    sort_times(times, RUNS);
    printf("protobuf parse + canonicalize + BACKWARD check, %d messages, %d fields, %zu bytes:\n"
           "  new version only:           median %.2f ms, best %.2f ms (%d runs; target 20 ms)\n",
           MESSAGES, MESSAGES * FIELDS, strlen(v2), times[RUNS / 2], times[0], RUNS);
    for (int r = 0; r < RUNS; r++) { /* both versions parsed, as the registry does per check */
        sr_schema *s = NULL, *prev = NULL;
        sr_strlist msgs = SR_STRLIST_INIT;
        double t0 = now_ms();
        sr_candidate cand;
        sr_schema_parse(&prev, SR_TYPE_PROTOBUF, v1, NULL, 0, 0, &err);
        sr_schema_parse(&s, SR_TYPE_PROTOBUF, v2, NULL, 0, SR_PARSE_NEW, &err);
        cand = (sr_candidate){prev, 1};
        sr_compat_check(&msgs, SR_COMPAT_BACKWARD, s, &cand, 1, &err);
        times[r] = now_ms() - t0;
        sr_strlist_dispose(&msgs);
        sr_schema_free(s);
        sr_schema_free(prev);
    }
    sort_times(times, RUNS);
    printf("  previous version parsed too: median %.2f ms, best %.2f ms\n", times[RUNS / 2],
           times[0]);
    sr_schema_free(old);
    free(v1);
    free(v2);
    return 0;
}
