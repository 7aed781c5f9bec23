/* listen.c -- telling the other processes that a write changed the store and what it removed, and
 * hearing what theirs did.
 *
 * A write publishes the ids it removed or changed (or that it removed none) with NOTIFY inside
 * its own transaction, so the announcement goes out exactly when (and only if) the write
 * commits. Every process LISTENs on a
 * connection of its own, outside the pool, on a thread of its own, and hands each announcement
 * to the watcher (the registry, which makes its caches forget those ids).
 *
 * PostgreSQL does not keep notifications for a listener that is not connected, so losing the
 * connection means having missed anything: the watcher is told it is deaf (it stops trusting
 * its caches), the thread reconnects with a growing pause (0.1 s to 5 s), LISTENs again, and only
 * then tells the watcher it hears again (it drops everything it cached, which may be stale). */
#include "store/postgres/pg.h"
#include "common/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An announcement must stay under PostgreSQL's 8000-byte payload limit; a bigger one says
 * "anything may have changed". */
#define PAYLOAD_MAX 7000

struct pg_listener {
    pg_store *st;
    sr_store_watch_fn fn;
    void *arg;
    pthread_t thread;
    int wake[2]; /* a byte written to wake[1] stops the thread */
    PGconn *pg;  /* LISTENing, or NULL while deaf; the thread's own */
};

/* ---- publishing ---- */

/* Lines "<id> <context>", "*" for anything, or nothing: a change that removed nothing. */
static char *payload(const sr_store_id *gone, size_t n, int all)
{
    sr_buf b = SR_BUF_INIT;

    for (size_t i = 0; i < n && !all; i++) {
        if (strchr(gone[i].context, '\n'))
            all = 1;
        sr_buf_printf(&b, "%d %s\n", gone[i].id, gone[i].context);
        all |= b.len > PAYLOAD_MAX;
    }
    if (all) {
        sr_buf_clear(&b);
        sr_buf_puts(&b, "*");
    }
    return sr_buf_detach(&b);
}

int sr_pg__publish(sr_tx *tx, const sr_store_id *gone, size_t n, int all, sr_err *err)
{
    char *text;
    int rc;

    text = payload(gone, n, all);
    rc = sr_pg__exec(pg_of(tx), PQ_NOTIFY, err, "t", text) < 0 ? -1 : 0;
    free(text);
    return rc;
}

/* ---- hearing ---- */

static PGconn *listen_connect(pg_store *st, sr_err *err)
{
    PGconn *pg = sr_pg__connect(st, 1, err);

    if (pg && sr_pg__exec_sql(pg, "LISTEN " SR_PG_CHANNEL, err) < 0) {
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static void deliver(const pg_listener *l, const char *text)
{
    if (!*text) {
        l->fn(l->arg, SR_STORE_CHANGED, NULL, 0);
        return;
    }
    if (strcmp(text, "*") == 0) {
        l->fn(l->arg, SR_STORE_GONE, NULL, 0);
        return;
    }
    while (*text) {
        const char *eol = strchr(text, '\n'), *space = strchr(text, ' ');
        size_t len = eol ? (size_t)(eol - text) : strlen(text);
        if (space && space < text + len) {
            char *context = sr_xstrndup(space + 1, len - (size_t)(space + 1 - text));
            l->fn(l->arg, SR_STORE_GONE, context, atoi(text));
            free(context);
        } else {
            l->fn(l->arg, SR_STORE_GONE, NULL, 0); /* not ours to read: assume the worst */
        }
        text += len + (eol != NULL);
    }
}

/* Wait `ms` (or until asked to stop: then 1). */
static int pause_or_stop(const pg_listener *l, int ms)
{
    struct pollfd p = {l->wake[0], POLLIN, 0};

    return poll(&p, 1, ms) > 0;
}

/* Read what arrived: 0, or -1 when the connection is gone. */
static int drain(const pg_listener *l)
{
    PGnotify *n;

    if (!PQconsumeInput(l->pg))
        return -1;
    while ((n = PQnotifies(l->pg))) {
        deliver(l, n->extra);
        PQfreemem(n);
    }
    return PQstatus(l->pg) == CONNECTION_OK ? 0 : -1;
}

static void *run(void *arg)
{
    pg_listener *l = arg;
    int backoff = 100;

    for (;;) {
        if (!l->pg) {
            sr_err err = {0};
            if (pause_or_stop(l, backoff))
                break;
            l->pg = listen_connect(l->st, &err);
            sr_err_dispose(&err);
            if (!l->pg) {
                backoff = backoff * 2 > 5000 ? 5000 : backoff * 2;
                continue;
            }
            backoff = 100;
            l->fn(l->arg, SR_STORE_HEARING, NULL, 0);
        }
        struct pollfd p[2] = {{PQsocket(l->pg), POLLIN, 0}, {l->wake[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR) { /* no more listening: say so, as on a loss */
            l->fn(l->arg, SR_STORE_DEAF, NULL, 0);
            break;
        }
        if (p[1].revents)
            break;
        if (p[0].revents && drain(l) < 0) {
            PQfinish(l->pg);
            l->pg = NULL;
            l->fn(l->arg, SR_STORE_DEAF, NULL, 0);
        }
    }
    return NULL;
}

int sr_pg__watch(sr_store *base, sr_store_watch_fn fn, void *arg, sr_err *err)
{
    pg_store *st = (pg_store *)base;
    pg_listener *l;

    if (st->listener)
        return sr_err_set(err, 50001, "Error in the backend data store: already watched");
    l = sr_xcalloc(1, sizeof *l);
    l->st = st;
    l->fn = fn;
    l->arg = arg;
    if (pipe2(l->wake, O_CLOEXEC) < 0) {
        free(l);
        return sr_err_set(err, 50001, "Error in the backend data store: pipe: %s",
                          strerror(errno));
    }
    if (!(l->pg = listen_connect(st, err)))
        goto fail;
    if (pthread_create(&l->thread, NULL, run, l) != 0) {
        sr_err_set(err, 50001, "Error in the backend data store: cannot start the listener");
        goto fail;
    }
    st->listener = l;
    return 0;
fail:
    PQfinish(l->pg);
    close(l->wake[0]);
    close(l->wake[1]);
    free(l);
    return -1;
}

void sr_pg__unwatch(pg_store *st)
{
    pg_listener *l = st->listener;

    if (!l)
        return;
    while (write(l->wake[1], "x", 1) < 0 && errno == EINTR)
        ;
    pthread_join(l->thread, NULL);
    PQfinish(l->pg);
    close(l->wake[0]);
    close(l->wake[1]);
    free(l);
    st->listener = NULL;
}
