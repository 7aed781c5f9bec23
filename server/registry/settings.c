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

/* ---- config ---- */

/* The top level's config in the Config shape: what is set, over the server default's level. */
static int global_config(json_t **out, const sr_registry *r, sr_tx *tx, sr_err *err)
{
    json_t *c = NULL, *dflt = json_pack("{s:s}", "compatibilityLevel",
                                        sr_compat_level_name(r->opt.default_level));

    if (sr_registry__config_at(&c, tx, NULL, err) < 0) {
        json_decref(dflt);
        return -1;
    }
    *out = sr_registry__config_merge(dflt, c);
    json_decref(dflt);
    json_decref(c);
    return 0;
}

/* GET /config[/{s}]: what is set at that scope; with defaultToGlobal, the scopes merged
 * (default <- global <- context <- subject). */
static int config_get(json_t **out, const sr_registry *r, sr_tx *tx, const char *subject,
                      int default_to_global, sr_err *err)
{
    sr_scope scope;
    int rc;

    if (!subject)
        return global_config(out, r, tx, err);
    if (default_to_global) {
        if (sr_registry__scope(&scope, r, tx, subject, err) < 0)
            return -1;
        *out = scope.config;
        scope.config = NULL;
        return 0;
    }
    if ((rc = sr_registry__config_at(out, tx, subject, err)) < 0)
        return -1;
    if (rc == 1)
        return sr_err_set(err, 40408, "Subject '%s' does not have subject-level compatibility "
                          "configured", subject);
    return 0;
}

int sr_registry_config_get(json_t **out, sr_registry *r, const char *subject,
                           int default_to_global, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, config_get(out, r, rd.tx, subject, default_to_global, err));
    return rc;
}

/* PUT /config[/{s}]: a merge into what is set; the answer is the ConfigUpdate shape of the
 * result (8.x). */
static int config_put(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const change *ch = arg;
    json_t *c = NULL;
    char *text;
    int rc;

    if ((ch->subject && sr_registry_check_subject(ch->subject, err) < 0) ||
        sr_registry__require_writable(w->tx, w->r, ch->subject, err) < 0 ||
        sr_registry__config_at(&c, w->tx, ch->subject, err) < 0)
        return -1;
    if (!c)
        c = json_object();
    if (sr_registry__config_update(c, ch->body, err) < 0) {
        json_decref(c);
        return -1;
    }
    text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    rc = sr_store_setting_put(w->tx, SR_SETTING_CONFIG, ch->subject, text, err);
    free(text);
    if (rc == 0)
        *out = sr_registry__config_update_form(c);
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

    if (sr_registry__require_writable(w->tx, w->r, ch->subject, err) < 0 ||
        (rc = ch->subject ? sr_registry__config_at(&c, w->tx, ch->subject, err)
                          : global_config(&c, w->r, w->tx, err)) < 0)
        return -1;
    if (rc == 1)
        return sr_err_set(err, 40401, "Subject '%s' not found.", ch->subject);
    *out = c; /* what was set before */
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
        if (sr_registry__scope(&global, r, tx, subject, err) < 0)
            return -1;
        m = global.mode; /* defaultToGlobal: the effective mode */
        sr_registry__scope_dispose(&global);
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
    sr_registry__scope_dispose(&current);
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
