/* scope.c -- what governs a subject: its mode, compatibility level and normalize flag, each
 * resolved subject -> global -> server default (confluent-api.md §3.6, §3.7, §4), read once per
 * use-case. */
#include "server/registry/internal.h"

#include <stdlib.h>
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

/* Take level and normalize from a config object where it sets them and they are still unset. */
static void take_config(sr_scope *s, int *have_level, int *have_norm, const json_t *c)
{
    const char *level = json_string_value(json_object_get(c, "compatibilityLevel"));
    json_t *norm = json_object_get(c, "normalize");

    if (!*have_level && level && sr_compat_level_parse(&s->level, level, NULL) == 0)
        *have_level = 1;
    if (!*have_norm && json_is_boolean(norm)) {
        s->normalize = json_is_true(norm);
        *have_norm = 1;
    }
}

int sr_registry__scope(sr_scope *out, const sr_registry *r, sr_tx *tx, const char *subject,
                       sr_err *err)
{
    const char *scopes[2] = {subject, NULL};
    int have_level = 0, have_norm = 0, rc = 1;

    *out = (sr_scope){SR_MODE_READWRITE, r->opt.default_level, 0};
    for (int i = subject ? 0 : 1; i < 2; i++) {
        json_t *c = NULL;
        if (sr_registry__config_at(&c, tx, scopes[i], err) < 0)
            return -1;
        if (c)
            take_config(out, &have_level, &have_norm, c);
        json_decref(c);
        if (rc == 1 && (rc = sr_registry__mode_at(&out->mode, tx, scopes[i], err)) < 0)
            return -1;
    }
    return 0;
}

int sr_registry__writable(sr_mode m, const char *subject, sr_err *err)
{
    if (m == SR_MODE_READONLY || m == SR_MODE_READONLY_OVERRIDE)
        return sr_err_set(err, 42205, "Subject %s in context  is in read-only mode",
                          subject ? subject : "__GLOBAL");
    return 0;
}
