/* settings.c -- config and mode at the global and subject scopes (confluent-api.md §3.6, §3.7,
 * §4): reading, merging and deleting them, and entering IMPORT. */
#include "server/registry/internal.h"

#include <stdlib.h>
#include <string.h>

/* A settings change: the scope (NULL = global) and the request. */
typedef struct change {
    const char *subject;
    json_t *body;
    int force;
} change;

static int require_writable(sr_tx *tx, const sr_registry *r, const char *subject, sr_err *err)
{
    sr_scope scope;

    if (sr_registry__scope(&scope, r, tx, subject, err) < 0)
        return -1;
    return sr_registry__writable(scope.mode, subject, err);
}

/* ---- config ---- */

/* {"compatibilityLevel": ..., "normalize": ...} from a stored object (or the default). */
static json_t *config_reply(const sr_registry *r, const json_t *stored)
{
    json_t *o = json_object(), *v;
    const char *level = stored ? json_string_value(json_object_get(stored, "compatibilityLevel"))
                               : NULL;

    json_object_set_new(o, "compatibilityLevel",
                        json_string(level ? level : sr_compat_level_name(r->opt.default_level)));
    if (stored && json_is_boolean(v = json_object_get(stored, "normalize")))
        json_object_set(o, "normalize", v);
    return o;
}

static int config_get(json_t **out, const sr_registry *r, sr_tx *tx, const char *subject,
                      int default_to_global, sr_err *err)
{
    json_t *c = NULL;
    int rc = sr_registry__config_at(&c, tx, subject, err);

    if (rc < 0)
        return -1;
    if (rc == 1 && subject && !default_to_global)
        return sr_err_set(err, 40408, "Subject '%s' does not have subject-level compatibility "
                          "configured", subject);
    if (rc == 1 && subject && sr_registry__config_at(&c, tx, NULL, err) < 0)
        return -1;
    *out = config_reply(r, c);
    json_decref(c);
    return 0;
}

int sr_registry_config_get(json_t **out, sr_registry *r, const char *subject,
                           int default_to_global, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, config_get(out, r, rd.tx, subject, default_to_global, err));
    return rc;
}

/* The body's values, checked: 0, or -1 with 42203. */
static int config_values(const json_t *body, sr_compat_level *level, sr_err *err)
{
    json_t *l = json_object_get(body, "compatibility"), *norm = json_object_get(body, "normalize");

    if (l && !json_is_null(l) &&
        (!json_is_string(l) || sr_compat_level_parse(level, json_string_value(l), err) < 0))
        return sr_err_set(err, 42203, "Invalid compatibility level. Valid values are none, "
                          "backward, forward, full, backward_transitive, forward_transitive, and "
                          "full_transitive");
    if (norm && !json_is_null(norm) && !json_is_boolean(norm))
        return sr_err_set(err, 42203, "Invalid value for normalize: expected true or false");
    return 0;
}

/* A merge: keys in the body overwrite, absent keys keep their value, null clears. */
static void config_merge(json_t *c, const json_t *body, sr_compat_level level)
{
    json_t *l = json_object_get(body, "compatibility"), *norm = json_object_get(body, "normalize");

    if (json_is_string(l))
        json_object_set_new(c, "compatibilityLevel", json_string(sr_compat_level_name(level)));
    else if (json_is_null(l))
        json_object_del(c, "compatibilityLevel");
    if (json_is_boolean(norm))
        json_object_set(c, "normalize", norm);
    else if (json_is_null(norm))
        json_object_del(c, "normalize");
}

static int config_put(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const change *ch = arg;
    sr_compat_level level = SR_COMPAT_NONE;
    json_t *c = NULL, *v;
    char *text;
    int rc;

    if ((ch->subject && sr_registry_check_subject(ch->subject, err) < 0) ||
        config_values(ch->body, &level, err) < 0 ||
        require_writable(w->tx, w->r, ch->subject, err) < 0 ||
        sr_registry__config_at(&c, w->tx, ch->subject, err) < 0)
        return -1;
    if (!c)
        c = json_object();
    config_merge(c, ch->body, level);
    text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    rc = sr_store_setting_put(w->tx, SR_SETTING_CONFIG, ch->subject, text, err);
    free(text);
    if (rc == 0) {
        *out = json_object();
        if ((v = json_object_get(c, "compatibilityLevel")))
            json_object_set(*out, "compatibility", v);
        if ((v = json_object_get(c, "normalize")))
            json_object_set(*out, "normalize", v);
    }
    json_decref(c);
    return rc;
}

int sr_registry_config_put(json_t **out, sr_registry *r, const char *subject, json_t *body,
                           sr_err *err)
{
    change ch = {subject, body, 0};
    return sr_registry__write(out, r, config_put, &ch, err);
}

static int config_delete(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const change *ch = arg;
    json_t *c = NULL;
    int rc;

    if (require_writable(w->tx, w->r, ch->subject, err) < 0 ||
        (rc = sr_registry__config_at(&c, w->tx, ch->subject, err)) < 0)
        return -1;
    if (rc == 1 && ch->subject)
        return sr_err_set(err, 40401, "Subject '%s' not found.", ch->subject);
    *out = config_reply(w->r, c);
    json_decref(c);
    return sr_store_setting_delete(w->tx, SR_SETTING_CONFIG, ch->subject, err) < 0 ? -1 : 0;
}

int sr_registry_config_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err)
{
    change ch = {subject, NULL, 0};
    return sr_registry__write(out, r, config_delete, &ch, err);
}

/* ---- mode ---- */

static int mode_get(json_t **out, const sr_registry *r, sr_tx *tx, const char *subject,
                    int default_to_global, sr_err *err)
{
    sr_mode m = SR_MODE_READWRITE;
    int rc = subject ? sr_registry__mode_at(&m, tx, subject, err) : 1;
    sr_scope global;

    if (rc == 1 && subject && !default_to_global)
        return sr_err_set(err, 40409, "Subject '%s' does not have subject-level mode configured",
                          subject);
    if (rc == 1) {
        if (sr_registry__scope(&global, r, tx, NULL, err) < 0)
            return -1;
        m = global.mode;
    } else if (rc < 0) {
        return -1;
    }
    *out = json_pack("{s:s}", "mode", sr_registry__mode_name(m));
    return 0;
}

int sr_registry_mode_get(json_t **out, sr_registry *r, const char *subject, int default_to_global,
                         sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, mode_get(out, r, rd.tx, subject, default_to_global, err));
    return rc;
}

/* Entering IMPORT (§4): refused while live versions exist in scope; soft-deleted ones are
 * removed for good so that imported versions cannot collide with them. */
static int prepare_import(sr_write *w, const char *subject, sr_err *err)
{
    sr_store_version *vs = NULL, *refs = NULL;
    size_t n = 0, nr = 0;
    int rc = -1;

    if ((subject ? sr_store_versions(&vs, &n, w->tx, subject, err)
                 : sr_store_all_versions(&vs, &n, w->tx, "", err)) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!vs[i].deleted)
            goto live;
    for (size_t i = n; i-- > 0; nr = 0) {
        if (sr_store_referrers(&refs, &nr, w->tx, vs[i].subject, vs[i].version, err) < 0)
            goto out;
        sr_store_versions_free(refs, nr);
        if (nr) {
            sr_err_set(err, 42206, "One or more references exist to the schema "
                       "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.", vs[i].subject,
                       vs[i].version);
            goto out;
        }
        if (sr_registry__remove_version(w, vs[i].subject, vs[i].version, vs[i].id, err) < 0)
            goto out;
    }
    rc = 0;
    goto out;
live:
    sr_err_set(err, 42205, "Cannot import since found existing subjects");
out:
    sr_store_versions_free(vs, n);
    return rc;
}

static int mode_put(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const change *ch = arg;
    json_t *mode = json_object_get(ch->body, "mode");
    sr_scope current;
    sr_mode m;

    if (ch->subject && sr_registry_check_subject(ch->subject, err) < 0)
        return -1;
    if (json_is_null(mode)) { /* 8.x: an explicit null clears the mode at this scope */
        if (sr_store_setting_delete(w->tx, SR_SETTING_MODE, ch->subject, err) < 0)
            return -1;
        *out = json_pack("{s:n}", "mode");
        return 0;
    }
    if (!json_is_string(mode) || sr_registry__mode_parse(&m, json_string_value(mode)) < 0)
        return sr_err_set(err, 42204, "Invalid mode. Valid values are READWRITE, READONLY, "
                          "IMPORT and FORWARD.");
    if (m == SR_MODE_FORWARD && ch->subject)
        return sr_err_set(err, 42204, "Forward mode only supported on global level");
    if (sr_registry__scope(&current, w->r, w->tx, ch->subject, err) < 0)
        return -1;
    if (m == SR_MODE_IMPORT && current.mode != SR_MODE_IMPORT && !ch->force &&
        prepare_import(w, ch->subject, err) < 0)
        return -1;
    if (sr_store_setting_put(w->tx, SR_SETTING_MODE, ch->subject, sr_registry__mode_name(m),
                             err) < 0)
        return -1;
    *out = json_pack("{s:O}", "mode", mode); /* echo as sent, case preserved */
    return 0;
}

int sr_registry_mode_put(json_t **out, sr_registry *r, const char *subject, json_t *body,
                         int force, sr_err *err)
{
    change ch = {subject, body, force};
    return sr_registry__write(out, r, mode_put, &ch, err);
}

static int mode_delete(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const change *ch = arg;
    sr_mode m = SR_MODE_READWRITE;
    int rc = sr_registry__mode_at(&m, w->tx, ch->subject, err);

    if (rc < 0)
        return -1;
    if (rc == 1 && ch->subject)
        return sr_err_set(err, 40401, "Subject '%s' not found.", ch->subject);
    *out = json_pack("{s:s}", "mode", sr_registry__mode_name(m));
    return sr_store_setting_delete(w->tx, SR_SETTING_MODE, ch->subject, err) < 0 ? -1 : 0;
}

int sr_registry_mode_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err)
{
    change ch = {subject, NULL, 0};
    return sr_registry__write(out, r, mode_delete, &ch, err);
}
