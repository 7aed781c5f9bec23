/* config.c -- properties file and listener parsing. */
#include "server/config.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sr_config_defaults(sr_config *c)
{
    memset(c, 0, sizeof(*c));
    c->listeners = sr_xstrdup("http://0.0.0.0:8081");
    c->db_path = sr_xstrdup("var/sluice.db");
    c->pg_url = sr_xstrdup("");
    c->max_body = 16u << 20;
    c->threads = 8;
    sr_registry_options_defaults(&c->registry);
    sr_limits_opts_defaults(&c->limits);
    c->shutdown_grace_ms = 30000;
    c->auth_file = sr_xstrdup("/etc/sluice/credentials");
    c->access_log = sr_xstrdup("stderr");
    c->audit_log = sr_xstrdup("stderr");
}

void sr_config_dispose(sr_config *c)
{
    free(c->listeners);
    free(c->db_path);
    free(c->pg_url);
    free(c->auth_file);
    free(c->tls_cert);
    free(c->tls_key);
    free(c->tls_client_ca);
    free(c->access_log);
    free(c->audit_log);
    memset(c, 0, sizeof(*c));
}

static int parse_size(size_t *out, const char *v, size_t min, size_t max)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);

    if (!*v || *end || n < min || n > max)
        return -1;
    *out = (size_t)n;
    return 0;
}

/* The numeric keys: where each goes and its bounds. */
typedef struct size_key {
    const char *key;
    size_t min, max;
    size_t *size_out; /* one of these three */
    int *int_out;
    unsigned *uint_out;
} size_key;

static int set_size(sr_config *c, const char *key, const char *value, sr_err *err)
{
    sr_registry_options *o = &c->registry;
    const size_key keys[] = {
        {"sluice.request.max.bytes", 1024, (size_t)1 << 30, &c->max_body, NULL, NULL},
        {"sluice.schema.max.bytes", 64, (size_t)1 << 30, &o->schema_max_bytes, NULL, NULL},
        {"sluice.schema.max.depth", 8, 10000, NULL, &o->schema_max_depth, NULL},
        {"sluice.schema.max.references", 0, 1000000, NULL, &o->references_max, NULL},
        {"sluice.schema.max.reference.depth", 1, 10000, NULL, &o->reference_depth_max, NULL},
        {"sluice.cache.bytes", 0, (size_t)1 << 40, &o->cache_bytes, NULL, NULL},
        {"sluice.cache.parsed.bytes", 0, (size_t)1 << 40, &o->parsed_cache_bytes, NULL, NULL},
        {"sluice.connections.max", 1, 1000000, NULL, NULL, &c->limits.max_connections},
        {"sluice.connections.max.per.address", 0, 1000000, NULL, NULL,
         &c->limits.max_per_address},
        {"sluice.request.header.timeout.ms", 100, 3600000, NULL, NULL,
         &c->limits.header_timeout_ms},
        {"sluice.request.body.timeout.ms", 100, 3600000, NULL, NULL, &c->limits.body_timeout_ms},
        {"idle.timeout.ms", 1000, 3600000, NULL, NULL, &c->limits.idle_timeout_ms},
        {"sluice.request.pending.max.bytes", 1024, (size_t)1 << 40,
         &c->limits.pending_max_bytes, NULL, NULL},
        {"sluice.shutdown.grace.ms", 0, 3600000, NULL, NULL, &c->shutdown_grace_ms},
        {"sluice.store.postgres.pool.size", 1, 1000, NULL, &o->store.pool_size, NULL},
        {"sluice.store.postgres.statement.timeout.ms", 100, 3600000, NULL,
         &o->store.statement_timeout_ms, NULL},
    };
    size_t n;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i].key) != 0)
            continue;
        if (parse_size(&n, value, keys[i].min, keys[i].max) < 0)
            return sr_err_set(err, 1, "%s must be a whole number from %zu to %zu", key,
                              keys[i].min, keys[i].max);
        if (keys[i].size_out)
            *keys[i].size_out = n;
        else if (keys[i].int_out)
            *keys[i].int_out = (int)n;
        else
            *keys[i].uint_out = (unsigned)n;
        return 0;
    }
    return 1;
}

/* The keys whose value is a string kept as given ("" unsets the optional files). */
static int set_string(sr_config *c, const char *key, const char *value)
{
    const struct {
        const char *key;
        char **out;
        int optional;
    } keys[] = {
        {"sluice.auth.file", &c->auth_file, 0},
        {"sluice.tls.cert.file", &c->tls_cert, 1},
        {"sluice.tls.key.file", &c->tls_key, 1},
        {"sluice.tls.client.ca.file", &c->tls_client_ca, 1},
        {"sluice.access.log", &c->access_log, 0},
        {"sluice.audit.log", &c->audit_log, 0},
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i].key) != 0)
            continue;
        free(*keys[i].out);
        *keys[i].out = keys[i].optional && !*value ? NULL : sr_xstrdup(value);
        return 1;
    }
    return 0;
}

int sr_config_set(sr_config *c, const char *key, const char *value, sr_err *err)
{
    size_t n;
    int rc = set_size(c, key, value, err);

    if (rc <= 0)
        return rc;
    if (strcmp(key, "listeners") == 0) {
        const char *comma = strchr(value, ','); /* the first listener is served */
        free(c->listeners);
        c->listeners = comma ? sr_xstrndup(value, (size_t)(comma - value)) : sr_xstrdup(value);
    } else if (strcmp(key, "sluice.db.path") == 0) {
        if (!*value)
            return sr_err_set(err, 1, "sluice.db.path is empty: SQLite would keep the registry "
                                      "in a temporary database, lost at exit");
        free(c->db_path);
        c->db_path = sr_xstrdup(value);
    } else if (strcmp(key, "sluice.store") == 0) {
        if (strcmp(value, "sqlite") != 0 && strcmp(value, "postgres") != 0)
            return sr_err_set(err, 1, "sluice.store must be sqlite or postgres");
        c->registry.store.backend = strcmp(value, "postgres") == 0 ? SR_STORE_POSTGRES
                                                                   : SR_STORE_SQLITE;
    } else if (strcmp(key, "sluice.store.postgres.url") == 0) {
        free(c->pg_url);
        c->pg_url = sr_xstrdup(value);
    } else if (strcmp(key, "authentication.method") == 0) {
        if (strcasecmp(value, "NONE") != 0 && strcasecmp(value, "BASIC") != 0)
            return sr_err_set(err, 1, "authentication.method must be NONE or BASIC");
        c->auth_basic = strcasecmp(value, "BASIC") == 0;
    } else if (strcmp(key, "ssl.client.authentication") == 0) {
        if (strcasecmp(value, "NONE") == 0)
            c->client_auth = SR_CLIENT_AUTH_NONE;
        else if (strcasecmp(value, "REQUESTED") == 0)
            c->client_auth = SR_CLIENT_AUTH_REQUESTED;
        else if (strcasecmp(value, "REQUIRED") == 0)
            c->client_auth = SR_CLIENT_AUTH_REQUIRED;
        else
            return sr_err_set(err, 1, "ssl.client.authentication must be NONE, REQUESTED or "
                                      "REQUIRED");
    } else if (strcmp(key, "sluice.access.log.format") == 0) {
        if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
            return sr_err_set(err, 1, "sluice.access.log.format must be text or json");
        c->access_log_json = strcmp(value, "json") == 0;
    } else if (strcmp(key, "sluice.ui.enabled") == 0) {
        if (strcasecmp(value, "true") != 0 && strcasecmp(value, "false") != 0)
            return sr_err_set(err, 1, "sluice.ui.enabled must be true or false");
        c->ui_off = strcasecmp(value, "false") == 0;
    } else if (set_string(c, key, value)) {
        ;
    } else if (strcmp(key, "schema.compatibility.level") == 0) {
        return sr_compat_level_parse(&c->registry.default_level, value, err);
    } else if (strcmp(key, "sluice.threads") == 0) {
        if (parse_size(&n, value, 1, 256) < 0)
            return sr_err_set(err, 1, "sluice.threads must be 1..256");
        c->threads = (unsigned)n;
    }
    return 0;
}

const char *sr_config_store(sr_config *c)
{
    int pg = c->registry.store.backend == SR_STORE_POSTGRES;

    c->registry.store.location = pg ? c->pg_url : c->db_path;
    return pg ? "postgres" : c->db_path;
}

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* One line of a properties file: 0 (also for blanks and comments), or -1 with err. */
static int load_line(sr_config *c, char *line, const char *path, int lineno, sr_err *err)
{
    char *s = trim(line), *sep, *key, *value;
    sr_err e = {0};
    int rc = 0;

    if (!*s || *s == '#' || *s == '!')
        return 0;
    sep = s + strcspn(s, "=:");
    if (!*sep)
        return sr_err_set(err, 1, "%s:%d: expected key=value", path, lineno);
    *sep = '\0';
    key = trim(s);
    value = trim(sep + 1);
    if (sr_config_set(c, key, value, &e) < 0)
        rc = sr_err_set(err, 1, "%s:%d: %s", path, lineno, sr_err_message(&e));
    sr_err_dispose(&e);
    return rc;
}

int sr_config_load(sr_config *c, const char *path, sr_err *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;

    if (!f)
        return sr_err_set(err, 1, "%s: cannot open", path);
    while (rc == 0 && getline(&line, &cap, f) >= 0)
        rc = load_line(c, line, path, ++lineno, err);
    free(line);
    fclose(f);
    return rc;
}

int sr_config_parse_listener(char **host_out, int *port_out, const char *url, sr_err *err)
{
    const char *p = url, *colon;
    char *end;
    long port;

    if (strncmp(p, "http://", 7) == 0)
        p += 7;
    else if (strncmp(p, "https://", 8) == 0)
        p += 8;
    else
        return sr_err_set(err, 1, "listener '%s': expected http://HOST:PORT or https://HOST:PORT",
                          url);
    if (*p == '[') { /* [::1]:8081 */
        const char *close = strchr(p, ']');
        if (!close || close[1] != ':')
            return sr_err_set(err, 1, "listener '%s': expected [IPv6]:PORT", url);
        *host_out = sr_xstrndup(p + 1, (size_t)(close - p - 1));
        colon = close + 1;
    } else {
        colon = strrchr(p, ':');
        if (!colon)
            return sr_err_set(err, 1, "listener '%s': expected HOST:PORT", url);
        *host_out = sr_xstrndup(p, (size_t)(colon - p));
    }
    port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || (*end && strcmp(end, "/") != 0) || port < 0 || port > 65535) {
        free(*host_out);
        *host_out = NULL;
        return sr_err_set(err, 1, "listener '%s': bad port", url);
    }
    *port_out = (int)port;
    return 0;
}

int sr_config_listener_tls(const char *url)
{
    return strncmp(url, "https://", 8) == 0;
}
