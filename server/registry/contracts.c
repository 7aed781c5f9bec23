/* contracts.c -- data contracts: a schema's metadata (tags, properties, sensitive) and rule set
 * (domain, migration and encoding rules), checked, inherited and merged as Confluent 8.x does
 * (confluent-api.md §5.1). Both are part of a schema's identity. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- checks ---- */

static int strings_only(const json_t *a)
{
    size_t i;
    json_t *e;

    if (!json_is_array(a))
        return 0;
    json_array_foreach(a, i, e) if (!json_is_string(e)) return 0;
    return 1;
}

/* Confluent's Metadata: "properties" maps names to strings, "tags" maps paths to arrays of
 * strings, "sensitive" is an array of strings. 0, or -1 with 42201 saying what is wrong. */
int sr_registry__metadata_check(const json_t *m, sr_err *err)
{
    json_t *props = json_object_get(m, "properties"), *tags = json_object_get(m, "tags"),
           *sens = json_object_get(m, "sensitive"), *v;
    const char *k, *bad = NULL;

    if (!json_is_object(m))
        bad = "it must be an object";
    else if (props && !json_is_null(props) && !json_is_object(props))
        bad = "\"properties\" must be an object of strings";
    else if (tags && !json_is_null(tags) && !json_is_object(tags))
        bad = "\"tags\" must be an object of arrays of strings";
    else if (sens && !json_is_null(sens) && !strings_only(sens))
        bad = "\"sensitive\" must be an array of strings";
    if (!bad && json_is_object(props))
        json_object_foreach(props, k, v) if (!json_is_string(v)) {
            bad = "every value of \"properties\" must be a string";
            break;
        }
    if (!bad && json_is_object(tags))
        json_object_foreach(tags, k, v) if (!strings_only(v)) {
            bad = "every value of \"tags\" must be an array of strings";
            break;
        }
    return bad ? sr_err_set(err, 42201, "Invalid metadata: %s", bad) : 0;
}

static int one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(v, *allowed) == 0)
            return 1;
    return 0;
}

/* One rule of a list: what is wrong with it, or NULL. */
static const char *rule_problem(const json_t *r, int migration, json_t *names)
{
    static const char *const kinds[] = {"TRANSFORM", "CONDITION", NULL};
    static const char *const domain_modes[] = {"WRITE", "READ", "WRITEREAD", NULL};
    static const char *const migration_modes[] = {"UPGRADE", "DOWNGRADE", "UPDOWN", NULL};
    const char *name = json_string_value(json_object_get(r, "name"));
    const char *kind = json_string_value(json_object_get(r, "kind"));
    const char *mode = json_string_value(json_object_get(r, "mode"));
    json_t *params = json_object_get(r, "params"), *tags = json_object_get(r, "tags"), *v;
    const char *k;

    if (!json_is_object(r))
        return "each rule must be an object";
    if (!name || !*name)
        return "a rule needs a name";
    if (json_object_get(names, name))
        return "rule names must be unique";
    json_object_set_new(names, name, json_true());
    if (!json_is_string(json_object_get(r, "type")))
        return "a rule needs a type";
    if (kind && !one_of(kind, kinds))
        return "a rule's kind must be TRANSFORM or CONDITION";
    if (mode && !one_of(mode, migration ? migration_modes : domain_modes))
        return migration ? "a migration rule's mode must be UPGRADE, DOWNGRADE or UPDOWN"
                         : "a domain rule's mode must be WRITE, READ or WRITEREAD";
    if (tags && !json_is_null(tags) && !strings_only(tags))
        return "a rule's tags must be an array of strings";
    if (params && !json_is_null(params) && !json_is_object(params))
        return "a rule's params must be an object of strings";
    if (json_is_object(params))
        json_object_foreach(params, k, v) if (!json_is_string(v)) return
            "a rule's params must be an object of strings";
    return NULL;
}

/* Confluent's RuleSet: lists of rules with unique names, known kinds and modes. 0, or -1 with
 * 42210. */
int sr_registry__ruleset_check(const json_t *rs, sr_err *err)
{
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};
    json_t *names = json_object(), *list, *r;
    const char *bad = json_is_object(rs) ? NULL : "it must be an object";
    size_t i;

    for (size_t l = 0; l < 3 && !bad; l++) {
        list = json_object_get(rs, lists[l]);
        if (!list || json_is_null(list))
            continue;
        if (!json_is_array(list)) {
            bad = "each list of rules must be an array";
            break;
        }
        json_array_foreach(list, i, r) if ((bad = rule_problem(r, l == 0, names))) break;
    }
    json_decref(names);
    return bad ? sr_err_set(err, 42210, "Invalid rule set: %s", bad) : 0;
}

/* ---- merging (Confluent's Metadata.mergeMetadata, RuleSet.mergeRuleSets) ---- */

/* The union of two string arrays, in order of first appearance. */
static json_t *union_of(const json_t *a, const json_t *b)
{
    json_t *out = json_array(), *seen = json_object(), *e;
    const json_t *both[2] = {a, b};
    size_t i;

    for (int k = 0; k < 2; k++)
        json_array_foreach(both[k], i, e) if (!json_object_get(seen, json_string_value(e))) {
            json_object_set_new(seen, json_string_value(e), json_true());
            json_array_append(out, e);
        }
    json_decref(seen);
    return out;
}

json_t *sr_registry__metadata_merge(const json_t *base, const json_t *over)
{
    json_t *out, *tags, *props, *v;
    const char *k;

    if (!json_is_object(base))
        return json_is_object(over) ? json_deep_copy(over) : NULL;
    if (!json_is_object(over))
        return json_deep_copy(base);
    out = json_object();
    tags = json_deep_copy(json_object_get(base, "tags"));
    if (!json_is_object(tags)) {
        json_decref(tags);
        tags = json_object();
    }
    json_object_foreach(json_object_get(over, "tags"), k, v)
        json_object_set_new(tags, k, union_of(json_object_get(tags, k), v));
    props = json_deep_copy(json_object_get(base, "properties"));
    if (!json_is_object(props)) {
        json_decref(props);
        props = json_object();
    }
    json_object_update(props, json_object_get(over, "properties")); /* the later one wins */
    if (json_object_size(tags))
        json_object_set(out, "tags", tags);
    if (json_object_size(props))
        json_object_set(out, "properties", props);
    v = union_of(json_object_get(base, "sensitive"), json_object_get(over, "sensitive"));
    if (json_array_size(v))
        json_object_set(out, "sensitive", v);
    json_decref(v);
    json_decref(tags);
    json_decref(props);
    return out;
}

/* Rules of `base` that `over` does not name again, then those of `over`. */
static json_t *rules_merge(const json_t *base, const json_t *over)
{
    json_t *out = json_array(), *names = json_object(), *r;
    size_t i;

    json_array_foreach(over, i, r)
        json_object_set_new(names, json_string_value(json_object_get(r, "name")), json_true());
    json_array_foreach(base, i, r)
        if (!json_object_get(names, json_string_value(json_object_get(r, "name"))))
            json_array_append(out, r);
    json_array_foreach(over, i, r) json_array_append(out, r);
    json_decref(names);
    return out;
}

json_t *sr_registry__ruleset_merge(const json_t *base, const json_t *over)
{
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};
    json_t *out;

    if (!json_is_object(base))
        return json_is_object(over) ? json_deep_copy(over) : NULL;
    if (!json_is_object(over))
        return json_deep_copy(base);
    out = json_object();
    for (size_t l = 0; l < 3; l++) {
        json_t *m = rules_merge(json_object_get(base, lists[l]), json_object_get(over, lists[l]));
        if (json_array_size(m))
            json_object_set(out, lists[l], m);
        json_decref(m);
    }
    return out;
}

/* ---- what a new version carries ---- */

/* The value to hash and store: `given` (or, when absent, the previous version's), merged over
 * the config's default and under its override. NULL when there is nothing. */
static json_t *effective(const json_t *given, const char *previous, const json_t *dflt,
                         const json_t *override, json_t *(*merge)(const json_t *, const json_t *))
{
    json_t *prev = !given && previous ? json_loads(previous, 0, NULL) : NULL;
    json_t *step = merge(dflt, given ? given : prev), *out = merge(step, override);

    json_decref(prev);
    json_decref(step);
    if (json_is_object(out) && json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* `v` as the compact text stored and hashed (keys sorted), or NULL. */
static char *as_text(json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    json_decref(v);
    return text;
}

int sr_registry__contract_check(const sr_schema_req *req, sr_err *err)
{
    json_t *meta = req->metadata ? json_loads(req->metadata, 0, NULL) : NULL;
    json_t *rules = req->ruleset ? json_loads(req->ruleset, 0, NULL) : NULL;
    int rc = (meta && sr_registry__metadata_check(meta, err) < 0) ||
                     (rules && sr_registry__ruleset_check(rules, err) < 0)
                 ? -1
                 : 0;

    json_decref(meta);
    json_decref(rules);
    return rc;
}

int sr_registry__contract(sr_contract *out, const sr_schema_req *req, const sr_store_schema *prev,
                          const json_t *config, sr_err *err)
{
    json_t *meta = req->metadata ? json_loads(req->metadata, 0, NULL) : NULL;
    json_t *rules = req->ruleset ? json_loads(req->ruleset, 0, NULL) : NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (sr_registry__contract_check(req, err) < 0)
        goto out;
    out->metadata = as_text(effective(meta, prev ? prev->metadata : NULL,
                                      json_object_get(config, "defaultMetadata"),
                                      json_object_get(config, "overrideMetadata"),
                                      sr_registry__metadata_merge));
    out->ruleset = as_text(effective(rules, prev ? prev->ruleset : NULL,
                                     json_object_get(config, "defaultRuleSet"),
                                     json_object_get(config, "overrideRuleSet"),
                                     sr_registry__ruleset_merge));
    rc = 0;
out:
    json_decref(meta);
    json_decref(rules);
    return rc;
}

void sr_registry__contract_dispose(sr_contract *c)
{
    free(c->metadata);
    free(c->ruleset);
    memset(c, 0, sizeof(*c));
}
