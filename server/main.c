/* main.c -- sluiced: parse settings, open the registry, serve until SIGTERM or SIGINT. */
#include "server/config.h"
#include "common/buf.h"
#include "server/http.h"
#include "server/registry/registry.h"
#include "server/server.h"

#include <errno.h>
#include <pthread.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: sluiced [--config FILE] [--listeners http://HOST:PORT] [--db PATH]\n"
    "       sluiced [--config FILE] [--db PATH] --backup FILE\n"
    "\n"
    "Serve the Confluent Schema Registry REST API, storing in SQLite (or PostgreSQL:\n"
    "sluice.store=postgres in the properties file).\n"
    "\n"
    "  --config FILE      properties file (listeners, schema.compatibility.level,\n"
    "                     sluice.db.path, sluice.store, sluice.threads, limits and caches:\n"
    "                     see docs/configuration.md); the flags below override it\n"
    "  --listeners URL    where to listen (default http://0.0.0.0:8081)\n"
    "  --db PATH          the SQLite database file (default var/sluice.db)\n"
    "  --backup FILE      copy the SQLite store into the new FILE, consistent, while a\n"
    "                     server may go on using it; then exit\n"
    "  --help             this text\n"
    "\n"
    "Runs until SIGTERM or SIGINT, then finishes requests in flight and exits 0.\n";

/* Apply argv over the config file; *backup is --backup's file. Returns 0, 1 (--help printed) or
 * -1 (usage error). */
static int parse_args(sr_config *c, const char **backup, int argc, char **argv)
{
    const char *overrides[2] = {NULL, NULL}; /* listeners, db: applied after the file */
    sr_err err = {0};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (i + 1 >= argc || (strcmp(a, "--config") && strcmp(a, "--listeners") &&
                              strcmp(a, "--db") && strcmp(a, "--backup"))) {
            fprintf(stderr, "sluiced: unknown or incomplete option '%s'\n\n%s", a, usage);
            return -1;
        }
        if (strcmp(a, "--config") == 0 && sr_config_load(c, argv[i + 1], &err) < 0) {
            fprintf(stderr, "sluiced: %s\n", err.msg);
            return -1;
        }
        if (strcmp(a, "--listeners") == 0)
            overrides[0] = argv[i + 1];
        if (strcmp(a, "--db") == 0)
            overrides[1] = argv[i + 1];
        if (strcmp(a, "--backup") == 0)
            *backup = argv[i + 1];
        i++;
    }
    if (overrides[0])
        sr_config_set(c, "listeners", overrides[0], NULL);
    if (overrides[1])
        sr_config_set(c, "sluice.db.path", overrides[1], NULL);
    return 0;
}

/* mkdir -p of the database file's directory, so `make run` works on a fresh clone. */
static void make_parent_dirs(const char *path)
{
    char *dir = sr_xstrdup(path);

    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
    free(dir);
}

int main(int argc, char **argv)
{
    struct addrinfo hints = {0}, *ai = NULL;
    sr_registry *reg = NULL;
    sr_http *http = NULL;
    sr_config cfg;
    sr_app app = {0};
    sr_err err = {0};
    char *host = NULL, port_s[16];
    const char *backup = NULL, *store;
    sigset_t sigs;
    int port, sig, rc = 1, a;

    json_set_alloc_funcs(sr_xmalloc, free); /* one out-of-memory policy: abort (buf.h) */
    sr_config_defaults(&cfg);
    a = parse_args(&cfg, &backup, argc, argv);
    if (a != 0) {
        sr_config_dispose(&cfg);
        return a > 0 ? 0 : 2;
    }
    if (sr_config_parse_listener(&host, &port, cfg.listeners, &err) < 0) {
        fprintf(stderr, "sluiced: %s\n", err.msg);
        goto out;
    }
    snprintf(port_s, sizeof(port_s), "%d", port);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if ((a = getaddrinfo(host, port_s, &hints, &ai)) != 0) {
        fprintf(stderr, "sluiced: cannot resolve '%s': %s\n", host, gai_strerror(a));
        goto out;
    }
    /* Signals are taken by sigwait below, so block them before any thread starts. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    store = sr_config_store(&cfg);
    if (backup && cfg.registry.store.backend == SR_STORE_SQLITE && access(cfg.db_path, F_OK)) {
        fprintf(stderr, "sluiced: %s: no store to back up\n", cfg.db_path);
        goto out;
    }
    if (cfg.registry.store.backend == SR_STORE_SQLITE)
        make_parent_dirs(cfg.db_path);
    if (sr_registry_open(&reg, cfg.db_path, &cfg.registry, &err) < 0) {
        fprintf(stderr, "sluiced: %s: %s\n", store, err.msg);
        goto out;
    }
    if (backup) {
        if (sr_registry_backup(reg, backup, &err) < 0)
            fprintf(stderr, "sluiced: backup to %s: %s\n", backup, err.msg);
        else
            rc = 0;
        goto out;
    }
    app.reg = reg;
    if (sr_http_start(&http, &app, ai->ai_addr, ai->ai_family == AF_INET6, cfg.threads,
                      cfg.max_body, &err) < 0) {
        fprintf(stderr, "sluiced: %s: %s\n", cfg.listeners, err.msg);
        goto out;
    }
    fprintf(stderr, "sluiced: listening on %s (store %s, compatibility %s)\n", cfg.listeners,
            store, sr_compat_level_name(cfg.registry.default_level));
    while (sigwait(&sigs, &sig) != 0)
        ;
    fprintf(stderr, "sluiced: %s, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    rc = 0;
out:
    sr_http_stop(http);
    sr_registry_close(reg);
    if (ai)
        freeaddrinfo(ai);
    free(host);
    sr_config_dispose(&cfg);
    return rc;
}
