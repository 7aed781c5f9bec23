/* tmpdb.h -- a throw-away database file in a fresh temporary directory, for store tests. */
#ifndef SR_TEST_TMPDB_H
#define SR_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct tmpdb {
    char dir[64];
    char path[128];
} tmpdb;

/* 0 on success; the directory exists and path names a file in it that does not exist yet. */
static inline int tmpdb_make(tmpdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/sluice-store-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->path, sizeof t->path, "%s/registry.db", t->dir);
    return 0;
}

/* Remove the database, its WAL and shared-memory files, and the directory. */
static inline void tmpdb_remove(tmpdb *t)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/backup.db", t->dir);
    unlink(p);
    rmdir(t->dir);
}

#endif
