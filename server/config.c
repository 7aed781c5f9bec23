/* config.c -- properties file and listener parsing. */
#include "server/config.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sr_config_defaults(sr_config *c)
{
    memset(c, 0, sizeof(*c));
    c->listeners = sr_xstrdup("http://0.0.0.0:8081");
    c->db_path = sr_xstrdup("var/sluice.db");
    c->level = SR_COMPAT_BACKWARD;
    c->max_body = 16u << 20;
    c->threads = 8;
    c->cache_entries = 100000;
}

void sr_config_dispose(sr_config *c)
{
    free(c->listeners);
    free(c->db_path);
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

int sr_config_set(sr_config *c, const char *key, const char *value, sr_err *err)
{
    size_t n;

    if (strcmp(key, "listeners") == 0) {
        const char *comma = strchr(value, ','); /* the first listener is served */
        free(c->listeners);
        c->listeners = comma ? sr_xstrndup(value, (size_t)(comma - value)) : sr_xstrdup(value);
    } else if (strcmp(key, "sluice.db.path") == 0) {
        free(c->db_path);
        c->db_path = sr_xstrdup(value);
    } else if (strcmp(key, "schema.compatibility.level") == 0) {
        return sr_compat_level_parse(&c->level, value, err);
    } else if (strcmp(key, "sluice.request.max.bytes") == 0) {
        if (parse_size(&c->max_body, value, 1024, (size_t)1 << 30) < 0)
            return sr_err_set(err, 1, "sluice.request.max.bytes must be 1024..1073741824");
    } else if (strcmp(key, "sluice.threads") == 0) {
        if (parse_size(&n, value, 1, 256) < 0)
            return sr_err_set(err, 1, "sluice.threads must be 1..256");
        c->threads = (unsigned)n;
    } else if (strcmp(key, "sluice.cache.entries") == 0) {
        if (parse_size(&c->cache_entries, value, 0, 100000000) < 0)
            return sr_err_set(err, 1, "sluice.cache.entries must be 0..100000000");
    }
    return 0;
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

int sr_config_load(sr_config *c, const char *path, sr_err *err)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int lineno = 0;

    if (!f)
        return sr_err_set(err, 1, "%s: cannot open", path);
    while (fgets(line, sizeof(line), f)) {
        char *s = trim(line), *sep, *key, *value;
        sr_err e = {0};
        lineno++;
        if (!*s || *s == '#' || *s == '!')
            continue;
        sep = s + strcspn(s, "=:");
        if (!*sep) {
            fclose(f);
            return sr_err_set(err, 1, "%s:%d: expected key=value", path, lineno);
        }
        *sep = '\0';
        key = trim(s);
        value = trim(sep + 1);
        if (sr_config_set(c, key, value, &e) < 0) {
            fclose(f);
            return sr_err_set(err, 1, "%s:%d: %s", path, lineno, e.msg);
        }
    }
    fclose(f);
    return 0;
}

int sr_config_parse_listener(char **host_out, int *port_out, const char *url, sr_err *err)
{
    const char *p = url, *colon;
    char *end;
    long port;

    if (strncmp(p, "http://", 7) != 0)
        return sr_err_set(err, 1, "listener '%s': only http://HOST:PORT is supported", url);
    p += 7;
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
