/* render.c -- the JSON shapes the use-cases answer with (confluent-api.md §1.4). Text that comes
 * from the store goes through sr_registry__string, so that a byte that is not UTF-8 can never
 * make an answer fail to encode. */
#include "server/registry/internal.h"
#include "common/utf8.h"

#include <stdlib.h>

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

json_t *sr_registry__schema_json(const char *subject, int version, const sr_store_schema *s,
                                 const char *text)
{
    json_t *o = json_object();

    if (subject)
        json_object_set_new(o, "subject", sr_registry__string(subject));
    if (version)
        json_object_set_new(o, "version", json_integer(version));
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "schemaType", sr_registry__string(s->type));
    if (s->nrefs)
        json_object_set_new(o, "references", sr_registry__refs_json(s->refs, s->nrefs));
    if (s->metadata) {
        json_t *m = json_loads(s->metadata, 0, NULL);
        if (m)
            json_object_set_new(o, "metadata", m);
    }
    json_object_set_new(o, "schema", sr_registry__string(text ? text : s->text));
    return o;
}
