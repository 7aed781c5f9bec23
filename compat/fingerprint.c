/* fingerprint.c -- the MD5 identity of a schema (confluent-api.md §5.1): the key that decides
 * whether a registration reuses an existing id, laid out exactly as Confluent hashes it so that
 * identities agree (refdata/schema-md5-golden-data.json). Maps are hashed in sorted key order;
 * keys compare bytewise, which equals Java's String order for the BMP. */
#include "compat/compat.h"
#include "common/buf.h"

#include <jansson.h>
#include <nettle/md5.h>
#include <stdlib.h>
#include <string.h>

static void put_str(struct md5_ctx *md5, const char *s)
{
    if (s)
        md5_update(md5, strlen(s), (const uint8_t *)s);
}

static void put_byte(struct md5_ctx *md5, uint8_t b)
{
    md5_update(md5, 1, &b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted. Caller frees the array (not the strings). */
static const char **sorted_keys(json_t *obj, size_t *n)
{
    const char **keys = sr_xcalloc(json_object_size(obj) + 1, sizeof(*keys));
    const char *k;
    json_t *v;

    *n = 0;
    json_object_foreach(obj, k, v)
        keys[(*n)++] = k;
    qsort(keys, *n, sizeof(*keys), cmp_str);
    return keys;
}

/* Hash the string elements of an array in sorted order. */
static void put_sorted_strings(struct md5_ctx *md5, json_t *arr)
{
    size_t n = json_array_size(arr), i;
    const char **v = sr_xcalloc(n + 1, sizeof(*v));
    json_t *e;

    json_array_foreach(arr, i, e)
        v[i] = json_is_string(e) ? json_string_value(e) : "";
    qsort(v, n, sizeof(*v), cmp_str);
    for (i = 0; i < n; i++)
        put_str(md5, v[i]);
    free(v);
}

/* Hash an object of string values as key, value pairs in key order. */
static void put_string_map(struct md5_ctx *md5, json_t *obj)
{
    size_t n;
    const char **keys = json_is_object(obj) ? sorted_keys(obj, &n) : NULL;

    for (size_t i = 0; keys && i < n; i++) {
        put_str(md5, keys[i]);
        put_str(md5, json_string_value(json_object_get(obj, keys[i])));
    }
    free(keys);
}

static void put_metadata(struct md5_ctx *md5, json_t *m)
{
    json_t *tags = json_object_get(m, "tags");
    size_t n;

    put_byte(md5, 1);
    if (json_is_object(tags)) {
        const char **keys = sorted_keys(tags, &n);
        for (size_t i = 0; i < n; i++) {
            put_str(md5, keys[i]);
            put_sorted_strings(md5, json_object_get(tags, keys[i]));
        }
        free(keys);
    }
    put_string_map(md5, json_object_get(m, "properties"));
    put_sorted_strings(md5, json_object_get(m, "sensitive"));
}

static void put_rule(struct md5_ctx *md5, json_t *r)
{
    const char *kind = json_string_value(json_object_get(r, "kind"));
    const char *mode = json_string_value(json_object_get(r, "mode"));

    put_str(md5, json_string_value(json_object_get(r, "name")));
    put_str(md5, json_string_value(json_object_get(r, "doc")));
    put_str(md5, kind ? kind : "TRANSFORM"); /* Confluent fills these defaults before hashing */
    put_str(md5, mode ? mode : "WRITEREAD");
    put_str(md5, json_string_value(json_object_get(r, "type")));
    put_sorted_strings(md5, json_object_get(r, "tags"));
    put_string_map(md5, json_object_get(r, "params"));
    put_str(md5, json_string_value(json_object_get(r, "expr")));
    put_str(md5, json_string_value(json_object_get(r, "onSuccess")));
    put_str(md5, json_string_value(json_object_get(r, "onFailure")));
    if (json_is_true(json_object_get(r, "disabled")))
        put_byte(md5, 1);
}

static void put_ruleset(struct md5_ctx *md5, json_t *rs)
{
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};

    put_byte(md5, 1);
    for (size_t l = 0; l < 3; l++) {
        json_t *arr = json_object_get(rs, lists[l]), *r;
        size_t i;
        json_array_foreach(arr, i, r)
            put_rule(md5, r);
    }
    put_str(md5, json_string_value(json_object_get(rs, "enableAt")));
}

/* Parse an optional JSON object argument. */
static int load_object(json_t **out, const char *text, const char *what, sr_err *err)
{
    *out = NULL;
    if (!text)
        return 0;
    *out = json_loads(text, 0, NULL);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return sr_err_set(err, 42201, "Invalid %s: expected a JSON object", what);
    }
    return 0;
}

int sr_fingerprint(uint8_t out[16], const char *canonical, const sr_ref *refs, size_t nrefs,
                   const char *metadata_json, const char *ruleset_json, sr_err *err)
{
    json_t *meta = NULL, *rules = NULL;
    struct md5_ctx md5;

    if (load_object(&meta, metadata_json, "metadata", err) < 0 ||
        load_object(&rules, ruleset_json, "ruleSet", err) < 0) {
        json_decref(meta);
        return -1;
    }
    md5_init(&md5);
    put_str(&md5, canonical);
    for (size_t i = 0; i < nrefs; i++) {
        uint32_t v = (uint32_t)refs[i].version;
        uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
        put_str(&md5, refs[i].name);
        put_str(&md5, refs[i].subject);
        md5_update(&md5, 4, be);
    }
    if (meta)
        put_metadata(&md5, meta);
    if (rules)
        put_ruleset(&md5, rules);
    md5_digest(&md5, 16, out);
    json_decref(meta);
    json_decref(rules);
    return 0;
}
