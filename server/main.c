/* main.c -- sluiced: parse settings, open the registry, serve until SIGTERM or SIGINT. */
#include "server/config.h"
#include "common/buf.h"
#include "server/admin.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/logs.h"
#include "server/metrics.h"
#include "server/registry/registry.h"
#include "server/server.h"
#include "server/tls.h"

#include <errno.h>
#include <pthread.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: sluiced [--config FILE] [--listeners http[s]://HOST:PORT] [--db PATH]\n"
    "       sluiced passwd FILE USER [--role ROLE] [--groups a,b]\n"
    "       sluiced apikey FILE NAME [--role ROLE] [--groups a,b]\n"
    "       sluiced --routes\n"
    "       sluiced [--config FILE] [--db PATH] --backup FILE\n"
    "\n"
    "Serve the Confluent Schema Registry REST API, storing in SQLite (or PostgreSQL:\n"
    "sluice.store=postgres in the properties file).\n"
    "\n"
    "  --config FILE      properties file (listeners, schema.compatibility.level,\n"
    "                     sluice.db.path, sluice.store, authentication, TLS, limits,\n"
    "                     logs: see docs/operations.md); the flags below override it\n"
    "  --listeners URL    where to listen (default http://0.0.0.0:8081)\n"
    "  --db PATH          the SQLite database file (default var/sluice.db)\n"
    "  --backup FILE      copy the SQLite store into the new FILE, consistent, while a\n"
    "                     server may go on using it; then exit\n"
    "  --help             this text\n"
    "  passwd, apikey     write an entry of the credentials file (docs/security.md)\n"
    "  --routes           every route and the permission it needs, as JSON lines\n"
    "\n"
    "SIGHUP reloads the credentials file, the TLS certificate and key, and reopens the log\n"
    "files. SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.\n";

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
    if ((overrides[0] && sr_config_set(c, "listeners", overrides[0], &err) < 0) ||
        (overrides[1] && sr_config_set(c, "sluice.db.path", overrides[1], &err) < 0)) {
        fprintf(stderr, "sluiced: %s\n", sr_err_message(&err));
        sr_err_dispose(&err);
        return -1;
    }
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

/* Raise the open-files limit to what connections need, as far as the hard limit allows. */
static void raise_nofile(const sr_config *cfg)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)cfg->limits.max_connections + 128;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want)
        fprintf(stderr, "sluiced: warning: only %llu open files allowed; "
                        "sluice.connections.max=%u needs about %llu\n",
                (unsigned long long)rl.rlim_cur, cfg->limits.max_connections,
                (unsigned long long)want);
}

/* What serving needs besides the registry: credentials, TLS, logs. 0, or -1 (said). */
static int open_services(sr_app *app, sr_tls **tls, const sr_config *cfg)
{
    sr_logs_opts lo = {cfg->access_log, cfg->access_log_json, cfg->audit_log};
    sr_tls_opts to = {cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca, cfg->client_auth};
    sr_err err = {0};

    if (sr_logs_open(&app->logs, &lo, &err) < 0 ||
        (cfg->auth_basic && sr_auth_open(&app->auth, cfg->auth_file, &err) < 0) ||
        (sr_config_listener_tls(cfg->listeners) && sr_tls_open(tls, &to, &err) < 0)) {
        fprintf(stderr, "sluiced: %s\n", sr_err_message(&err));
        sr_err_dispose(&err);
        return -1;
    }
    if (!sr_config_listener_tls(cfg->listeners) && (cfg->tls_cert || cfg->client_auth))
        fprintf(stderr, "sluiced: warning: TLS settings are ignored: the listener is http://\n");
    return 0;
}

/* SIGHUP: the credentials, the certificate and key, the log files. What fails to load is
 * reported and the loaded version stays in force. */
static void reload(sr_app *app, sr_tls *tls)
{
    sr_err err = {0};
    int ok = 1;

    sr_notify("RELOADING=1");
    if (app->auth && sr_auth_reload(app->auth, &err) < 0) {
        fprintf(stderr, "sluiced: reload: %s (the previous credentials stay)\n",
                sr_err_message(&err));
        ok = 0;
    }
    sr_err_clear(&err);
    if (tls && sr_tls_reload(tls, &err) < 0) {
        fprintf(stderr, "sluiced: reload: %s (the previous certificate stays)\n",
                sr_err_message(&err));
        ok = 0;
    }
    sr_err_clear(&err);
    if (app->logs && sr_logs_reopen(app->logs, &err) < 0) {
        fprintf(stderr, "sluiced: reload: %s\n", sr_err_message(&err));
        ok = 0;
    }
    sr_err_dispose(&err);
    sr_metrics_event(app->metrics, ok ? SR_EV_RELOADS : SR_EV_RELOAD_FAILURES);
    fprintf(stderr, "sluiced: SIGHUP: reloaded%s\n", ok ? "" : " with errors");
    sr_notify("READY=1");
}

/* --backup FILE: a consistent copy of the SQLite store while a server may be using it. The exit
 * code. */
static int back_up(sr_config *cfg, const char *store, const char *dest)
{
    sr_registry *reg = NULL;
    sr_err err = {0};
    int rc = 1;

    if (cfg->registry.store.backend == SR_STORE_SQLITE && access(cfg->db_path, F_OK) != 0)
        fprintf(stderr, "sluiced: %s: no store to back up\n", cfg->db_path);
    else if (sr_registry_open(&reg, cfg->db_path, &cfg->registry, &err) < 0)
        fprintf(stderr, "sluiced: %s: %s\n", store, sr_err_message(&err));
    else if (sr_registry_backup(reg, dest, &err) < 0)
        fprintf(stderr, "sluiced: backup to %s: %s\n", dest, sr_err_message(&err));
    else
        rc = 0;
    sr_registry_close(reg);
    sr_err_dispose(&err);
    return rc;
}

int main(int argc, char **argv)
{
    struct addrinfo hints = {0}, *ai = NULL;
    sr_registry *reg = NULL;
    sr_http *http = NULL;
    sr_tls *tls = NULL;
    sr_config cfg;
    sr_app app = {0};
    sr_http_opts ho;
    sr_err err = {0};
    char *host = NULL, port_s[16];
    const char *backup = NULL, *store;
    sigset_t sigs;
    int port, sig, rc = 1, a;

    json_set_alloc_funcs(sr_xmalloc, free); /* one out-of-memory policy: abort (buf.h) */
    if ((a = sr_admin_main(argc, argv)) >= 0)
        return a;
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
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_nofile(&cfg);

    store = sr_config_store(&cfg);
    if (backup) {
        rc = back_up(&cfg, store, backup);
        goto out;
    }
    app.metrics = sr_metrics_new();
    if (open_services(&app, &tls, &cfg) < 0)
        goto out;
    if (cfg.registry.store.backend == SR_STORE_SQLITE)
        make_parent_dirs(cfg.db_path);
    if (sr_registry_open(&reg, cfg.db_path, &cfg.registry, &err) < 0) {
        fprintf(stderr, "sluiced: %s: %s\n", store, sr_err_message(&err));
        goto out;
    }
    app.reg = reg;
    app.ui_off = cfg.ui_off;
    ho = (sr_http_opts){ai->ai_addr, ai->ai_family == AF_INET6, cfg.threads, cfg.max_body,
                        cfg.limits, tls};
    if (sr_http_start(&http, &app, &ho, &err) < 0) {
        fprintf(stderr, "sluiced: %s: %s\n", cfg.listeners, err.msg);
        goto out;
    }
    fprintf(stderr, "sluiced: listening on %s (store %s, compatibility %s, authentication %s)\n",
            cfg.listeners, store, sr_compat_level_name(cfg.registry.default_level),
            app.auth ? "on" : "off");
    sr_notify("READY=1");
    for (;;) {
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        reload(&app, tls);
    }
    fprintf(stderr, "sluiced: %s, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    sr_notify("STOPPING=1");
    sr_http_drain(http, cfg.shutdown_grace_ms);
    rc = 0;
out:
    sr_http_stop(http);
    sr_registry_close(reg);
    sr_tls_close(tls);
    sr_auth_close(app.auth);
    sr_logs_close(app.logs);
    sr_metrics_free(app.metrics);
    if (ai)
        freeaddrinfo(ai);
    free(host);
    sr_err_dispose(&err);
    sr_config_dispose(&cfg);
    return rc;
}
