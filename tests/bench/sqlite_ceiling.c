/* sqlite_ceiling.c -- the ceiling of durable writes on this disk: SQLite's own rate of
 * single-insert transactions, each committed on its own, in WAL mode with synchronous=FULL (every
 * COMMIT fsyncs the log), as sluiced's store is opened. Registrations per second are printed
 * beside it (tests/bench/http_bench.sh).
 *
 *   sqlite_ceiling DIR [SECONDS] [THREADS]
 *
 * Inserts rows of about 400 bytes into a fresh database in DIR (removed afterwards) for SECONDS
 * (default 5, at most 200,000 rows) and prints "<n> transactions/s". With THREADS > 1 that many
 * connections insert at once, each transaction still committed alone (SQLite serializes them). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROWS 200000

typedef struct worker {
    const char *path;
    double seconds;
    long done;
    int failed;
} worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fprintf(stderr, "sqlite_ceiling: %s: %s\n", sql, sqlite3_errmsg(db));
    return -1;
}

static int open_db(sqlite3 **db, const char *path)
{
    if (sqlite3_open(path, db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_ceiling: %s: %s\n", path, sqlite3_errmsg(*db));
        return -1;
    }
    sqlite3_busy_timeout(*db, 10000);
    return exec(*db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
}

static void *run(void *arg)
{
    worker *w = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    char text[401];
    double end;

    memset(text, 'x', 400);
    text[400] = '\0';
    if (open_db(&db, w->path) < 0 ||
        sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?1)", -1, &ins, NULL) != SQLITE_OK) {
        w->failed = 1;
        goto out;
    }
    end = now_s() + w->seconds;
    while (now_s() < end && w->done < MAX_ROWS) {
        if (exec(db, "BEGIN IMMEDIATE") < 0) {
            w->failed = 1;
            break;
        }
        sqlite3_bind_text(ins, 1, text, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE || exec(db, "COMMIT") < 0) {
            w->failed = 1;
            break;
        }
        sqlite3_reset(ins);
        w->done++;
    }
out:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return NULL;
}

int main(int argc, char **argv)
{
    char path[4096];
    sqlite3 *db = NULL;
    double seconds = argc > 2 ? atof(argv[2]) : 5, start, took;
    int threads = argc > 3 ? atoi(argv[3]) : 1, failed = 0;
    pthread_t tid[64];
    worker w[64];
    long total = 0;

    if (argc < 2 || threads < 1 || threads > 64 || seconds <= 0 || seconds > 60) {
        fprintf(stderr, "usage: sqlite_ceiling DIR [SECONDS (<= 60)] [THREADS (<= 64)]\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/ceiling.db", argv[1]);
    unlink(path);
    if (open_db(&db, path) < 0 ||
        exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)") < 0) {
        sqlite3_close(db);
        return 1;
    }
    start = now_s();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker){path, seconds, 0, 0};
        pthread_create(&tid[i], NULL, run, &w[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        total += w[i].done;
        failed |= w[i].failed;
    }
    took = now_s() - start;
    sqlite3_close(db);
    for (int i = 0; i < 3; i++) {
        static const char *const suffix[] = {"", "-wal", "-shm"};
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    if (failed)
        return 1;
    printf("%.0f transactions/s\n", total / took);
    return 0;
}
