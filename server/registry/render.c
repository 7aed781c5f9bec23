/* render.c -- the JSON shapes the use-cases answer with (confluent-api.md §1.4), 8.x fields
 * included (`guid`, `ts`, `deleted`: clients that predate them ignore them). Text that comes from
 * the store goes through sr_registry__string, so that a byte that is not UTF-8 can never make an
 * answer fail to encode. */
#include "server/registry/internal.h"
#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

json_t *sr_registry__string(const char *text)
{
    json_t *s = json_string(text);
    char *fixed;

    if (s)
        return s;
    fixed = sr_utf8_lossy(text);
    s = json_string(fixed);
    free(fixed);
    return s ? s : json_string("");
}

json_t *sr_registry__refs_json(const sr_store_ref *refs, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", sr_registry__string(refs[i].name));
        json_object_set_new(o, "subject", sr_registry__string(refs[i].subject));
        json_object_set_new(o, "version", json_integer(refs[i].version));
        json_array_append_new(a, o);
    }
    return a;
}

json_t *sr_registry__guid(const uint8_t hash[16])
{
    char text[37];

    snprintf(text, sizeof text,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", hash[0],
             hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7], hash[8], hash[9],
             hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]);
    return json_string(text);
}

int sr_registry__guid_parse(uint8_t hash[16], const char *text)
{
    int n = 0;

    for (const char *p = text; *p; p++) {
        unsigned v;
        if (*p == '-' && (n == 4 || n == 6 || n == 8 || n == 10))
            continue;
        if (n == 16 || sscanf(p, "%2x", &v) != 1 || !p[1])
            return -1;
        hash[n++] = (uint8_t)v;
        p++;
    }
    return n == 16 ? 0 : -1;
}

/* Stored JSON text (metadata, a rule set) as a value, or NULL. */
static json_t *stored_json(const char *text)
{
    return text ? json_loads(text, 0, NULL) : NULL;
}

/* The fields every schema answer has, after `schemaType` (which comes first or after the id). */
static void schema_fields(json_t *o, const sr_store_schema *s, const char *text)
{
    json_t *v;

    json_object_set_new(o, "schemaType", sr_registry__string(s->type));
    if (s->nrefs)
        json_object_set_new(o, "references", sr_registry__refs_json(s->refs, s->nrefs));
    if ((v = stored_json(s->metadata)))
        json_object_set_new(o, "metadata", v);
    if ((v = stored_json(s->ruleset)))
        json_object_set_new(o, "ruleSet", v);
    json_object_set_new(o, "schema", sr_registry__string(text ? text : s->text));
}

json_t *sr_registry__version_json(const char *subject, const sr_store_version *v,
                                  const sr_store_schema *s, const char *text)
{
    json_t *o = json_object();

    json_object_set_new(o, "subject", sr_registry__string(subject));
    json_object_set_new(o, "version", json_integer(v->version));
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "guid", sr_registry__guid(s->hash));
    schema_fields(o, s, text);
    json_object_set_new(o, "ts", json_integer(v->ts));
    json_object_set_new(o, "deleted", json_boolean(v->deleted));
    return o;
}

json_t *sr_registry__id_json(const sr_store_schema *s, const char *text)
{
    json_t *o = json_object();

    schema_fields(o, s, text);
    json_object_set_new(o, "guid", sr_registry__guid(s->hash));
    json_object_set_new(o, "ts", json_integer(s->ts));
    return o;
}

long long sr_registry__now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
