/* register_bench.c -- what one registration costs as a subject grows: the mean time of a new
 * (compatible) version registered at versions 10, 100 and 1,000 of one subject, under BACKWARD and
 * BACKWARD_TRANSITIVE, through the registry's own API on a durable SQLite store in /tmp (every
 * registration is fsync'ed, as in production). A benchmark: it prints, it does not judge.
 *
 * Each version is the same 12-field Avro record with its own `doc`, so that every version is a
 * new schema of constant size and the figures show the cost of the subject's history alone. The
 * subject is filled between checkpoints at level NONE. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "server/registry/registry.h"
#include "tests/bench/bench.h"

#define SAMPLES 20

static const int checkpoints[] = {10, 100, 1000};

static char *schema_text(int version)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"bench\","
                      "\"doc\":\"version %d\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}",
                  version);
    for (int f = 1; f < 12; f++)
        sr_buf_printf(&b, ",{\"name\":\"f%d\",\"type\":[\"null\",\"long\"],\"default\":null}", f);
    sr_buf_puts(&b, "]}");
    return sr_buf_detach(&b);
}

static int set_level(sr_registry *r, const char *level)
{
    json_t *body = json_pack("{s:s}", "compatibility", level), *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_config_put(&out, r, NULL, body, &err);

    json_decref(body);
    json_decref(out);
    if (rc < 0)
        fprintf(stderr, "config: %s\n", err.msg);
    return rc;
}

static int register_version(sr_registry *r, int version)
{
    char *text = schema_text(version);
    sr_schema_req req = {.schema = text, .type = SR_TYPE_AVRO};
    json_t *out = NULL;
    sr_err err = {0};
    int rc = sr_registry_register(&out, r, "bench-value", &req, 0, &err);

    if (rc < 0)
        fprintf(stderr, "register v%d: %s\n", version, err.msg);
    json_decref(out);
    free(text);
    return rc;
}

/* One level: fill to each checkpoint at NONE, then time SAMPLES registrations at `level`. */
static int run(const char *level)
{
    char dir[] = "/tmp/sluice-bench-XXXXXX", path[64];
    sr_registry *r = NULL;
    sr_err err = {0};
    int next = 1, rc = -1;

    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/registry.db", dir);
    if (sr_registry_open(&r, path, NULL, &err) < 0) {
        fprintf(stderr, "open: %s\n", err.msg);
        goto out;
    }
    for (size_t c = 0; c < sizeof checkpoints / sizeof checkpoints[0]; c++) {
        double start;
        if (set_level(r, "NONE") < 0)
            goto out;
        while (next < checkpoints[c])
            if (register_version(r, next++) < 0)
                goto out;
        if (set_level(r, level) < 0)
            goto out;
        start = now_ms();
        for (int i = 0; i < SAMPLES; i++)
            if (register_version(r, next++) < 0)
                goto out;
        printf("  %-20s at version %5d: %8.2f ms per registration\n", level, checkpoints[c],
               (now_ms() - start) / SAMPLES);
        fflush(stdout);
    }
    rc = 0;
out:
    sr_registry_close(r);
    for (size_t i = 0; i < 3; i++) {
        static const char *const suffixes[] = {"", "-wal", "-shm"};
        char p[96];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
    return rc;
}

int main(void)
{
    printf("registration of a new version of one subject (durable, SQLite WAL, fsync)\n");
    if (run("BACKWARD") < 0 || run("BACKWARD_TRANSITIVE") < 0)
        return 1;
    return 0;
}
