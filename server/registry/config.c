/* config.c -- the config object of a scope (confluent-api.md §3.6): what PUT may set, how it
 * merges, and the two shapes it is shown in (GET's Config with `compatibilityLevel`, PUT's
 * ConfigUpdate with `compatibility`). Stored as a JSON object in the Config shape. */
#include "server/registry/internal.h"

#include <string.h>

/* The keys a config may hold besides the level, and how each is checked. */
typedef enum value_kind { V_BOOL, V_STRING, V_METADATA, V_RULESET } value_kind;

static const struct {
    const char *key;
    value_kind kind;
} keys[] = {
    {"normalize", V_BOOL},           {"validateFields", V_BOOL},
    {"alias", V_STRING},             {"compatibilityGroup", V_STRING},
    {"defaultMetadata", V_METADATA}, {"overrideMetadata", V_METADATA},
    {"defaultRuleSet", V_RULESET},   {"overrideRuleSet", V_RULESET},
};

static int check_value(const char *key, value_kind kind, const json_t *v, sr_err *err)
{
    switch (kind) {
    case V_BOOL:
        if (json_is_boolean(v))
            return 0;
        return sr_err_set(err, 42203, "Invalid value for %s: expected true or false", key);
    case V_STRING:
        if (json_is_string(v))
            return 0;
        return sr_err_set(err, 42203, "Invalid value for %s: expected a string", key);
    case V_METADATA:
        return sr_registry__metadata_check(v, err);
    case V_RULESET:
        return sr_registry__ruleset_check(v, err);
    }
    return 0;
}

/* The level of a PUT body ("compatibility"): 0 and *out, 1 when absent or null, -1 (42203). */
static int body_level(sr_compat_level *out, const json_t *body, sr_err *err)
{
    json_t *l = json_object_get(body, "compatibility");

    if (!l || json_is_null(l))
        return 1;
    if (!json_is_string(l) || sr_compat_level_parse(out, json_string_value(l), NULL) < 0)
        return sr_err_set(err, 42203, "Invalid compatibility level. Valid values are none, "
                          "backward, forward, full, backward_transitive, forward_transitive, and "
                          "full_transitive");
    return 0;
}

int sr_registry__config_update(json_t *stored, const json_t *body, sr_err *err)
{
    sr_compat_level level;
    int rc = body_level(&level, body, err);

    if (rc < 0)
        return -1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(body, keys[i].key);
        if (v && !json_is_null(v) && check_value(keys[i].key, keys[i].kind, v, err) < 0)
            return -1;
    }
    /* A merge: keys in the body overwrite, absent keys keep their value, null clears. */
    if (rc == 0)
        json_object_set_new(stored, "compatibilityLevel", json_string(sr_compat_level_name(level)));
    else if (json_object_get(body, "compatibility"))
        json_object_del(stored, "compatibilityLevel");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(body, keys[i].key);
        if (json_is_null(v))
            json_object_del(stored, keys[i].key);
        else if (v)
            json_object_set(stored, keys[i].key, v);
    }
    return 0;
}

json_t *sr_registry__config_update_form(const json_t *stored)
{
    json_t *out = json_deep_copy(stored), *level = json_object_get(stored, "compatibilityLevel");

    if (level) {
        json_object_del(out, "compatibilityLevel");
        json_object_set(out, "compatibility", level);
    }
    return out;
}

json_t *sr_registry__config_merge(const json_t *under, const json_t *over)
{
    json_t *out = json_is_object(under) ? json_deep_copy(under) : json_object();

    if (json_is_object(over))
        json_object_update(out, (json_t *)over); /* jansson takes no const, and only reads */
    return out;
}
