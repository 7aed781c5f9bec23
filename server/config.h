/* config.h -- sluiced's settings: a Confluent-style properties file, then command-line overrides. */
#ifndef SR_SERVER_CONFIG_H
#define SR_SERVER_CONFIG_H

#include <stddef.h>

#include "common/err.h"
#include "compat/compat.h"
#include "server/limits.h"
#include "server/registry/registry.h"
#include "server/tls.h"

typedef struct sr_config {
    char *listeners;               /* "http[s]://HOST:PORT" (first of a comma list); owned */
    char *db_path;                 /* sluice.db.path; owned */
    char *pg_url;                  /* sluice.store.postgres.url; owned ("" = PG* variables) */
    size_t max_body;               /* sluice.request.max.bytes */
    unsigned threads;              /* sluice.threads */
    sr_registry_options registry;  /* schema.compatibility.level, limits, caches, and the
                                    * store: sluice.store, sluice.store.postgres.* (its location
                                    * is db_path or pg_url, set by sr_config_store) */
    sr_limits_opts limits;         /* connections, timeouts, buffered bodies */
    unsigned shutdown_grace_ms;    /* sluice.shutdown.grace.ms */
    int auth_basic;                /* authentication.method=BASIC */
    char *auth_file;               /* sluice.auth.file; owned */
    char *tls_cert, *tls_key, *tls_client_ca; /* sluice.tls.*.file; owned, NULL = unset */
    sr_client_auth client_auth;    /* ssl.client.authentication */
    char *access_log;              /* sluice.access.log; owned */
    int access_log_json;           /* sluice.access.log.format=json */
    char *audit_log;               /* sluice.audit.log; owned */
    int ui_off;                    /* sluice.ui.enabled=false */
} sr_config;

/* Defaults: listeners http://0.0.0.0:8081, db ./var/sluice.db, 16 MiB bodies, 8 threads, and
 * the registry's own defaults (docs/configuration.md). */
void sr_config_defaults(sr_config *c);
void sr_config_dispose(sr_config *c);

/* Read `path` (key=value or key: value lines, '#'/'!' comments, as Java properties). Unknown
 * keys are ignored, as Confluent ignores them. 0, or -1 with err naming the file and line. */
int sr_config_load(sr_config *c, const char *path, sr_err *err);
/* Apply one setting by its properties key. 0, or -1 when the value is invalid. */
int sr_config_set(sr_config *c, const char *key, const char *value, sr_err *err);

/* Where the store is, for logs: the SQLite file, or "postgres". Points the registry options'
 * store location at the configured one. Borrowed from c. */
const char *sr_config_store(sr_config *c);

/* Split "http://HOST:PORT" or "https://HOST:PORT" into host (caller frees), port and whether it
 * is https (tls_out may be NULL). IPv6 hosts in brackets. */
int sr_config_parse_listener(char **host_out, int *port_out, const char *url, sr_err *err);
int sr_config_listener_tls(const char *url);

#endif
