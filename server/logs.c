/* logs.c -- see logs.h. */
#include "server/logs.h"
#include "common/buf.h"
#include "common/utf8.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Request and response bodies are quoted in the audit log up to this size. */
#define AUDIT_BODY_MAX 4096

/* The access log is written in batches: a write(2) per request would cost the hot path about
 * as much as answering it. Lines wait in the sink's buffer until it is full, or until the
 * flusher's next tick (FLUSH_MS), or the log is reopened or closed; so a line reaches the file
 * within FLUSH_MS and none is lost on an orderly stop (a kill -9 can lose the last FLUSH_MS of
 * access lines, never a write). The audit log is written a line at a time. */
#define FLUSH_MS 500
#define BATCH_BYTES 16384

typedef struct sink {
    char *path;  /* NULL: stderr */
    FILE *f;     /* NULL: off; replaced by a reopen, so read under lock */
    int on;      /* f is not NULL: set at open, never changed (read without the lock) */
    int batched; /* lines wait in buf (the access log) */
    char *buf;
    size_t n;
    pthread_mutex_t lock;
} sink;

struct sr_logs {
    sink access, audit;
    int access_json;
    pthread_t flusher;
    int flushing;            /* the flusher thread runs */
    int stopping;            /* under access.lock */
    pthread_cond_t tick;
};

static int sink_open(sink *s, const char *where, int batched, sr_err *err)
{
    pthread_mutex_init(&s->lock, NULL);
    s->batched = batched;
    if (batched)
        s->buf = sr_xmalloc(BATCH_BYTES);
    if (!where || strcmp(where, "off") == 0)
        return 0;
    if (strcmp(where, "stderr") == 0) {
        s->f = stderr;
        s->on = 1;
        return 0;
    }
    s->path = sr_xstrdup(where);
    if (!(s->f = fopen(where, "a")))
        return sr_err_set(err, 1, "%s: cannot open for appending: %s", where, strerror(errno));
    s->on = 1;
    return 0;
}

/* Write out what waits in the buffer. s->lock held. */
static void sink_flush(sink *s)
{
    if (s->f && s->n) {
        fwrite(s->buf, 1, s->n, s->f);
        fflush(s->f);
    }
    s->n = 0;
}

static void sink_close(sink *s)
{
    sink_flush(s);
    if (s->f && s->f != stderr)
        fclose(s->f);
    free(s->buf);
    free(s->path);
    pthread_mutex_destroy(&s->lock);
}

static int sink_reopen(sink *s, sr_err *err)
{
    FILE *f;

    if (!s->path)
        return 0;
    if (!(f = fopen(s->path, "a")))
        return sr_err_set(err, 1, "%s: cannot reopen: %s", s->path, strerror(errno));
    pthread_mutex_lock(&s->lock);
    sink_flush(s);
    if (s->f)
        fclose(s->f);
    s->f = f;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static void sink_write(sink *s, const char *line)
{
    size_t len = strlen(line);

    pthread_mutex_lock(&s->lock);
    if (s->batched && len <= BATCH_BYTES) {
        if (s->n + len > BATCH_BYTES)
            sink_flush(s);
        memcpy(s->buf + s->n, line, len);
        s->n += len;
    } else if (s->f) {
        sink_flush(s); /* keep the order */
        fputs(line, s->f);
        fflush(s->f);
    }
    pthread_mutex_unlock(&s->lock);
}

/* Every FLUSH_MS, write out the access log's waiting lines, until sr_logs_close. */
static void *flusher_main(void *arg)
{
    sr_logs *l = arg;
    sink *s = &l->access;
    struct timespec at;

    pthread_mutex_lock(&s->lock);
    while (!l->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_nsec += FLUSH_MS * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&l->tick, &s->lock, &at);
        sink_flush(s);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sr_logs_open(sr_logs **out, const sr_logs_opts *o, sr_err *err)
{
    sr_logs *l = sr_xcalloc(1, sizeof(*l));

    pthread_condattr_t attr;

    l->access_json = o->access_json;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&l->tick, &attr);
    pthread_condattr_destroy(&attr);
    if (sink_open(&l->access, o->access, 1, err) < 0 ||
        sink_open(&l->audit, o->audit, 0, err) < 0) {
        sr_logs_close(l);
        return -1;
    }
    if (l->access.on) {
        if (pthread_create(&l->flusher, NULL, flusher_main, l) != 0) {
            sr_logs_close(l);
            return sr_err_set(err, 1, "cannot start the access log's flusher thread");
        }
        l->flushing = 1;
    }
    *out = l;
    return 0;
}

int sr_logs_reopen(sr_logs *l, sr_err *err)
{
    int a = sink_reopen(&l->access, err);
    int b = sink_reopen(&l->audit, err);
    return a < 0 || b < 0 ? -1 : 0;
}

void sr_logs_close(sr_logs *l)
{
    if (!l)
        return;
    if (l->flushing) {
        pthread_mutex_lock(&l->access.lock);
        l->stopping = 1;
        pthread_cond_signal(&l->tick);
        pthread_mutex_unlock(&l->access.lock);
        pthread_join(l->flusher, NULL);
    }
    pthread_cond_destroy(&l->tick);
    sink_close(&l->access);
    sink_close(&l->audit);
    free(l);
}

static void put_str(json_t *o, const char *key, const char *v)
{
    json_t *s;

    if (!v)
        return;
    if (!(s = json_string(v))) { /* not UTF-8: a path or subject as the client sent it */
        char *fixed = sr_utf8_lossy(v);
        s = json_string(fixed);
        free(fixed);
    }
    json_object_set_new(o, key, s ? s : json_string(""));
}

/* 2026-03-01T12:00:00.123Z */
static void now_iso(char *out, size_t n)
{
    struct timespec ts;
    struct tm tm;
    size_t len;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + len, n - len, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static void write_json(sink *s, json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

    json_decref(o);
    if (!text)
        return;
    {
        size_t len = strlen(text);
        char *line = sr_xmalloc(len + 2);
        memcpy(line, text, len);
        line[len] = '\n';
        line[len + 1] = '\0';
        sink_write(s, line);
        free(line);
    }
    free(text);
}

static json_t *common_fields(const sr_log_entry *e)
{
    json_t *o = json_object();
    char ts[40];

    now_iso(ts, sizeof(ts));
    put_str(o, "ts", ts);
    put_str(o, "addr", e->addr);
    put_str(o, "user", e->user);
    put_str(o, "method", e->method);
    put_str(o, "path", e->path);
    put_str(o, "route", e->route);
    put_str(o, "subject", e->subject);
    json_object_set_new(o, "status", json_integer(e->status));
    return o;
}

void sr_logs_access(sr_logs *l, const sr_log_entry *e)
{
    if (!l || !l->access.on)
        return;
    if (l->access_json) {
        json_t *o = common_fields(e);
        json_object_set_new(o, "us", json_integer(e->us));
        write_json(&l->access, o);
    } else {
        char *line;
        if (asprintf(&line, "%s %s %d %lldus\n", e->method, e->path, e->status, e->us) < 0)
            sr_xoom();
        sink_write(&l->access, line);
        free(line);
    }
}

/* A body as JSON when it is JSON and short, else left out. */
static json_t *body_json(const char *body)
{
    if (!body || strlen(body) > AUDIT_BODY_MAX)
        return NULL;
    return json_loads(body, JSON_DECODE_ANY, NULL);
}

void sr_logs_audit(sr_logs *l, const char *action, const sr_log_entry *e)
{
    json_t *o, *req, *resp;

    if (!l || !l->audit.on)
        return;
    o = common_fields(e);
    put_str(o, "action", action);
    put_str(o, "outcome", e->status < 300              ? "ok"
                          : e->status == 401 || e->status == 403 ? "denied"
                                                                 : "failed");
    resp = body_json(e->response_body);
    if (e->status >= 300 && json_is_object(resp)) {
        json_object_set(o, "error_code", json_object_get(resp, "error_code"));
        json_object_set(o, "message", json_object_get(resp, "message"));
    } else if (resp && json_is_object(resp)) { /* a registration: which id and version */
        json_t *r = json_object();
        const char *keys[] = {"id", "version", "schemaType", "compatibility",
                              "compatibilityLevel", "normalize", "mode"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (json_object_get(resp, keys[i]))
                json_object_set(r, keys[i], json_object_get(resp, keys[i]));
        json_object_set_new(o, "result", r);
    } else if (resp) {
        json_object_set(o, "result", resp); /* versions deleted */
    }
    json_decref(resp);
    if ((req = body_json(e->request_body)) && json_is_object(req) &&
        !json_object_get(req, "schema"))
        json_object_set(o, "request", req); /* config and mode changes */
    json_decref(req);
    write_json(&l->audit, o);
}
