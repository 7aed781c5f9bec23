/* scope.c -- what governs a subject: its mode, compatibility level and normalize flag, each
 * resolved subject -> global -> server default (confluent-api.md §3.6, §3.7, §4), read once per
 * use-case. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT",
                                         "FORWARD"};

const char *sr_registry__mode_name(sr_mode m)
{
    return (unsigned)m < 5 ? mode_names[m] : "READWRITE";
}

int sr_registry__mode_parse(sr_mode *out, const char *name)
{
    for (int i = 0; i < 5; i++) {
        if (name && strcasecmp(name, mode_names[i]) == 0) {
            *out = (sr_mode)i;
            return 0;
        }
    }
    return -1;
}

int sr_registry__config_at(json_t **out, sr_tx *tx, const char *scope, sr_err *err)
{
    char *text = NULL;
    int rc = sr_store_setting_get(&text, tx, SR_SETTING_CONFIG, scope, err);

    *out = NULL;
    if (rc != 0)
        return rc;
    *out = json_loads(text, 0, NULL);
    free(text);
    return *out ? 0 : 1;
}

int sr_registry__mode_at(sr_mode *out, sr_tx *tx, const char *scope, sr_err *err)
{
    char *text = NULL;
    int rc = sr_store_setting_get(&text, tx, SR_SETTING_MODE, scope, err);

    if (rc == 0) {
        if (sr_registry__mode_parse(out, text) < 0)
            rc = 1;
        free(text);
    }
    return rc;
}

/* The scopes that govern `subject`, most general first: the top level, its context's (when it
 * is not the default one), itself. Fills up to 3; the strings are owned by *owned. */
static size_t scopes_of(const char *scopes[3], char **owned, const char *subject)
{
    char *context = subject ? sr_registry__context_of(subject) : NULL;
    size_t n = 0;

    *owned = context ? sr_registry__context_scope(context) : NULL;
    free(context);
    scopes[n++] = NULL;
    if (*owned && strcmp(*owned, subject) != 0)
        scopes[n++] = *owned;
    if (subject)
        scopes[n++] = subject;
    return n;
}

int sr_registry__scope(sr_scope *out, const sr_registry *r, sr_tx *tx, const char *subject,
                       sr_err *err)
{
    const char *scopes[3], *level;
    char *owned = NULL;
    size_t n = scopes_of(scopes, &owned, subject);
    int rc = 0;

    *out = (sr_scope){SR_MODE_READWRITE, r->opt.default_level, 0, json_object()};
    json_object_set_new(out->config, "compatibilityLevel",
                        json_string(sr_compat_level_name(r->opt.default_level)));
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *c = NULL;
        sr_mode m;
        rc = sr_registry__config_at(&c, tx, scopes[i], err) < 0 ? -1 : 0;
        if (c)
            json_object_update(out->config, c);
        json_decref(c);
        if (rc == 0 && (rc = sr_registry__mode_at(&m, tx, scopes[i], err)) == 0)
            out->mode = m; /* the most specific scope's mode wins */
        rc = rc < 0 ? -1 : 0;
    }
    free(owned);
    level = json_string_value(json_object_get(out->config, "compatibilityLevel"));
    if (level)
        sr_compat_level_parse(&out->level, level, NULL);
    out->normalize = json_is_true(json_object_get(out->config, "normalize"));
    if (rc < 0)
        sr_registry__scope_dispose(out);
    return rc;
}

void sr_registry__scope_dispose(sr_scope *s)
{
    json_decref(s->config);
    s->config = NULL;
}

int sr_registry__scope_equal(const sr_scope *a, const sr_scope *b)
{
    return a->mode == b->mode && json_equal(a->config, b->config);
}

int sr_registry__alias(char **subject, const sr_registry *r, sr_tx *tx, sr_err *err)
{
    json_t *c = NULL;
    const char *target;
    (void)r;

    if (sr_registry__config_at(&c, tx, *subject, err) < 0)
        return -1;
    target = json_string_value(json_object_get(c, "alias"));
    if (target && *target) {
        free(*subject);
        *subject = sr_xstrdup(target);
    }
    json_decref(c);
    return 0;
}

int sr_registry__require_writable(sr_tx *tx, const sr_registry *r, const char *subject,
                                  sr_err *err)
{
    sr_scope scope;
    sr_mode m;

    if (sr_registry__scope(&scope, r, tx, subject, err) < 0)
        return -1;
    m = scope.mode;
    sr_registry__scope_dispose(&scope);
    if (m == SR_MODE_READONLY || m == SR_MODE_READONLY_OVERRIDE)
        return sr_err_set(err, 42205, "Subject %s in context  is in read-only mode",
                          subject ? subject : "__GLOBAL");
    return 0;
}
