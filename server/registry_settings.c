/* registry_settings.c -- config and mode at the global and subject scopes (confluent-api.md
 * §3.6, §3.7, §4): resolution order subject -> global -> server default. */
#include "server/registry_int.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[] = {"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT",
                                         "FORWARD"};

static int parse_mode(sr_mode *out, const char *name)
{
    for (int i = 0; i < 5; i++) {
        if (name && strcasecmp(name, mode_names[i]) == 0) {
            *out = (sr_mode)i;
            return 0;
        }
    }
    return -1;
}

/* The stored config object of a scope, or NULL (1) when it has none. */
static int config_of(json_t **out, sr_tx *tx, const char *scope, sr_err *err)
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

int sr_registry__level(sr_compat_level *out, sr_registry *r, sr_tx *tx, const char *subject,
                       sr_err *err)
{
    const char *scopes[2] = {subject, NULL};

    *out = r->default_level;
    for (int i = subject ? 0 : 1; i < 2; i++) {
        json_t *c = NULL;
        int rc = config_of(&c, tx, scopes[i], err);
        const char *name = c ? json_string_value(json_object_get(c, "compatibilityLevel")) : NULL;
        int found = name && sr_compat_level_parse(out, name, NULL) == 0;
        json_decref(c);
        if (rc < 0)
            return -1;
        if (found)
            return 0;
    }
    return 0;
}

int sr_registry__normalize(int *out, sr_tx *tx, const char *subject, sr_err *err)
{
    const char *scopes[2] = {subject, NULL};

    *out = 0;
    for (int i = subject ? 0 : 1; i < 2; i++) {
        json_t *c = NULL, *v;
        if (config_of(&c, tx, scopes[i], err) < 0)
            return -1;
        v = c ? json_object_get(c, "normalize") : NULL;
        if (json_is_boolean(v)) {
            *out = json_is_true(v);
            json_decref(c);
            return 0;
        }
        json_decref(c);
    }
    return 0;
}

/* The mode stored at exactly this scope: 0, or 1 when none. */
static int mode_at(sr_mode *out, sr_tx *tx, const char *scope, sr_err *err)
{
    char *text = NULL;
    int rc = sr_store_setting_get(&text, tx, SR_SETTING_MODE, scope, err);

    if (rc == 0) {
        if (parse_mode(out, text) < 0)
            rc = 1;
        free(text);
    }
    return rc;
}

int sr_registry__mode(sr_mode *out, sr_tx *tx, const char *subject, sr_err *err)
{
    int rc = subject ? mode_at(out, tx, subject, err) : 1;

    if (rc == 1)
        rc = mode_at(out, tx, NULL, err);
    if (rc == 1) {
        *out = SR_MODE_READWRITE;
        rc = 0;
    }
    return rc;
}

int sr_registry__require_writable(sr_tx *tx, const char *subject, sr_err *err)
{
    sr_mode m;

    if (sr_registry__mode(&m, tx, subject, err) < 0)
        return -1;
    if (m == SR_MODE_READONLY || m == SR_MODE_READONLY_OVERRIDE)
        return sr_err_set(err, 42205, "Subject %s in context  is in read-only mode",
                          subject ? subject : "__GLOBAL");
    return 0;
}

/* ---- config ---- */

/* {"compatibilityLevel": ..., "normalize": ...} from a stored object (or the default). */
static json_t *config_reply(sr_registry *r, const json_t *stored)
{
    json_t *o = json_object(), *v;
    const char *level = stored ? json_string_value(json_object_get(stored, "compatibilityLevel"))
                               : NULL;

    json_object_set_new(o, "compatibilityLevel",
                        json_string(level ? level : sr_compat_level_name(r->default_level)));
    if (stored && json_is_boolean(v = json_object_get(stored, "normalize")))
        json_object_set(o, "normalize", v);
    return o;
}

static int config_get(json_t **out, sr_registry *r, sr_tx *tx, const char *subject,
                      int default_to_global, sr_err *err)
{
    json_t *c = NULL;
    int rc = config_of(&c, tx, subject, err);

    if (rc < 0)
        return -1;
    if (rc == 1 && subject && !default_to_global)
        return sr_err_set(err, 40408, "Subject '%s' does not have subject-level compatibility "
                          "configured", subject);
    if (rc == 1 && subject && config_of(&c, tx, NULL, err) < 0)
        return -1;
    *out = config_reply(r, c);
    json_decref(c);
    return 0;
}

int sr_registry_config_get(json_t **out, sr_registry *r, const char *subject,
                           int default_to_global, sr_err *err)
{
    sr_tx *tx = NULL;
    int rc;

    if (sr_store_read_begin(&tx, r->store, err) < 0)
        return -1;
    rc = config_get(out, r, tx, subject, default_to_global, err);
    sr_store_rollback(tx);
    return rc;
}

static int config_put(json_t **out, sr_tx *tx, const char *subject, json_t *body, sr_err *err)
{
    json_t *c = NULL, *level = json_object_get(body, "compatibility"),
           *norm = json_object_get(body, "normalize");
    sr_compat_level l;
    char *text;
    int rc;

    if (subject && sr_registry_check_subject(subject, err) < 0)
        return -1;
    if (level && !json_is_null(level) &&
        (!json_is_string(level) || sr_compat_level_parse(&l, json_string_value(level), err) < 0))
        return sr_err_set(err, 42203, "Invalid compatibility level. Valid values are none, "
                          "backward, forward, full, backward_transitive, forward_transitive, and "
                          "full_transitive");
    if (norm && !json_is_null(norm) && !json_is_boolean(norm))
        return sr_err_set(err, 42203, "Invalid value for normalize: expected true or false");
    if (sr_registry__require_writable(tx, subject, err) < 0 || config_of(&c, tx, subject, err) < 0)
        return -1;
    if (!c)
        c = json_object();
    /* A merge: keys in the body overwrite, absent keys keep their value, null clears. */
    if (json_is_string(level))
        json_object_set_new(c, "compatibilityLevel", json_string(sr_compat_level_name(l)));
    else if (json_is_null(level))
        json_object_del(c, "compatibilityLevel");
    if (json_is_boolean(norm))
        json_object_set(c, "normalize", norm);
    else if (json_is_null(norm))
        json_object_del(c, "normalize");
    text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    rc = sr_store_setting_put(tx, SR_SETTING_CONFIG, subject, text, err);
    free(text);
    if (rc == 0) {
        json_t *v = json_object_get(c, "compatibilityLevel");
        *out = json_object();
        if (v)
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
    sr_tx *tx = NULL;
    json_t *res = NULL;
    int rc;

    if (sr_store_write_begin(&tx, r->store, err) < 0)
        return -1;
    rc = config_put(&res, tx, subject, body, err);
    return sr_registry__finish_write(out, res, rc, tx, err);
}

static int config_delete(json_t **out, sr_registry *r, sr_tx *tx, const char *subject,
                         sr_err *err)
{
    json_t *c = NULL;
    int rc;

    if (sr_registry__require_writable(tx, subject, err) < 0 ||
        (rc = config_of(&c, tx, subject, err)) < 0)
        return -1;
    if (rc == 1 && subject)
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    *out = config_reply(r, c);
    json_decref(c);
    return sr_store_setting_delete(tx, SR_SETTING_CONFIG, subject, err) < 0 ? -1 : 0;
}

int sr_registry_config_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err)
{
    sr_tx *tx = NULL;
    json_t *res = NULL;
    int rc;

    if (sr_store_write_begin(&tx, r->store, err) < 0)
        return -1;
    rc = config_delete(&res, r, tx, subject, err);
    return sr_registry__finish_write(out, res, rc, tx, err);
}

/* ---- mode ---- */

int sr_registry_mode_get(json_t **out, sr_registry *r, const char *subject, int default_to_global,
                         sr_err *err)
{
    sr_tx *tx = NULL;
    sr_mode m = SR_MODE_READWRITE;
    int rc;

    if (sr_store_read_begin(&tx, r->store, err) < 0)
        return -1;
    rc = subject ? mode_at(&m, tx, subject, err) : 1;
    if (rc == 1 && subject && !default_to_global)
        rc = sr_err_set(err, 40409, "Subject '%s' does not have subject-level mode configured",
                        subject);
    else if (rc == 1)
        rc = sr_registry__mode(&m, tx, NULL, err);
    sr_store_rollback(tx);
    if (rc == 0)
        *out = json_pack("{s:s}", "mode", mode_names[m]);
    return rc;
}

/* Entering IMPORT (§4): refused while live versions exist in scope; soft-deleted ones are
 * removed for good so that imported versions cannot collide with them. */
static int prepare_import(sr_tx *tx, const char *subject, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    int rc = -1;

    if ((subject ? sr_store_versions(&vs, &n, tx, subject, err)
                 : sr_store_all_versions(&vs, &n, tx, "", err)) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!vs[i].deleted) {
            sr_err_set(err, 42205, "Cannot import since found existing subjects");
            goto out;
        }
    }
    for (size_t i = n; i-- > 0;) {
        sr_store_version *refs = NULL;
        size_t nr = 0;
        if (sr_store_referrers(&refs, &nr, tx, vs[i].subject, vs[i].version, err) < 0)
            goto out;
        sr_store_versions_free(refs, nr);
        if (nr) {
            sr_err_set(err, 42206, "One or more references exist to the schema "
                       "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.", vs[i].subject,
                       vs[i].version);
            goto out;
        }
        if (sr_store_version_remove(tx, vs[i].subject, vs[i].version, err) < 0)
            goto out;
    }
    rc = 0;
out:
    sr_store_versions_free(vs, n);
    return rc;
}

static int mode_put(json_t **out, sr_tx *tx, const char *subject, json_t *body, int force,
                    sr_err *err)
{
    json_t *mode = json_object_get(body, "mode");
    sr_mode m, current;

    if (subject && sr_registry_check_subject(subject, err) < 0)
        return -1;
    if (json_is_null(mode)) { /* 8.x: an explicit null clears the mode at this scope */
        if (sr_store_setting_delete(tx, SR_SETTING_MODE, subject, err) < 0)
            return -1;
        *out = json_pack("{s:n}", "mode");
        return 0;
    }
    if (!json_is_string(mode) || parse_mode(&m, json_string_value(mode)) < 0)
        return sr_err_set(err, 42204, "Invalid mode. Valid values are READWRITE, READONLY, "
                          "IMPORT and FORWARD.");
    if (m == SR_MODE_FORWARD && subject)
        return sr_err_set(err, 42204, "Forward mode only supported on global level");
    if (sr_registry__mode(&current, tx, subject, err) < 0)
        return -1;
    if (m == SR_MODE_IMPORT && current != SR_MODE_IMPORT && !force &&
        prepare_import(tx, subject, err) < 0)
        return -1;
    if (sr_store_setting_put(tx, SR_SETTING_MODE, subject, mode_names[m], err) < 0)
        return -1;
    *out = json_pack("{s:O}", "mode", mode); /* echo as sent, case preserved */
    return 0;
}

int sr_registry_mode_put(json_t **out, sr_registry *r, const char *subject, json_t *body,
                         int force, sr_err *err)
{
    sr_tx *tx = NULL;
    json_t *res = NULL;
    int rc;

    if (sr_store_write_begin(&tx, r->store, err) < 0)
        return -1;
    rc = mode_put(&res, tx, subject, body, force, err);
    return sr_registry__finish_write(out, res, rc, tx, err);
}

static int mode_delete(json_t **out, sr_tx *tx, const char *subject, sr_err *err)
{
    sr_mode m = SR_MODE_READWRITE;
    int rc = mode_at(&m, tx, subject, err);

    if (rc < 0)
        return -1;
    if (rc == 1 && subject)
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    *out = json_pack("{s:s}", "mode", mode_names[m]);
    return sr_store_setting_delete(tx, SR_SETTING_MODE, subject, err) < 0 ? -1 : 0;
}

int sr_registry_mode_delete(json_t **out, sr_registry *r, const char *subject, sr_err *err)
{
    sr_tx *tx = NULL;
    json_t *res = NULL;
    int rc;

    if (sr_store_write_begin(&tx, r->store, err) < 0)
        return -1;
    rc = mode_delete(&res, tx, subject, err);
    return sr_registry__finish_write(out, res, rc, tx, err);
}
