/* validate.c -- a JSON document checked against a registered schema (sluice's own API, POST
 * /sluice/v1/.../validate): the schema a subject version or an id names, parsed through the
 * registry's cache, and compat/'s validation for its type. */
#include "server/registry/internal.h"

#include <stdlib.h>
#include <string.h>

/* The schema id of `subject`'s version `version` ("latest" or a number), not soft-deleted. */
static int version_id(int *id_out, int *version_out, sr_tx *tx, const char *subject,
                      const char *version, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    int at = sr_registry__locate(&vs, &n, tx, subject, version, 0, err);

    if (at >= 0) {
        *id_out = vs[at].id;
        *version_out = vs[at].version;
    }
    sr_store_versions_free(vs, n);
    return at < 0 ? -1 : 0;
}

static int validate(json_t **out, sr_registry *r, const sr_reading *rd, const char *subject,
                    const char *version, int id, const char *doc, const char *message,
                    sr_err *err)
{
    sr_idcache_ref *parsed = NULL;
    sr_violations found = SR_VIOLATIONS_INIT;
    const sr_schema *s;
    char *context = sr_registry__context_of(subject ? subject : "");
    json_t *list;
    int v = 0, rc;

    if ((subject && version_id(&id, &v, rd->tx, subject, version, err) < 0) ||
        sr_registry__parsed(&parsed, r, rd, context, id, err) != 0) {
        free(context);
        return -1;
    }
    free(context);
    s = sr_registry__parsed_schema(parsed);
    rc = sr_schema_validate_json(&found, s, doc, message, r->limits.max_depth, err);
    if (rc >= 0) {
        list = json_array();
        for (size_t i = 0; i < found.n; i++)
            json_array_append_new(list, json_pack("{s:o, s:o}", "pointer",
                                                  sr_registry__string(found.v[i].pointer),
                                                  "message",
                                                  sr_registry__string(found.v[i].message)));
        *out = json_pack("{s:b, s:i, s:s, s:o}", "valid", rc == 1, "id", id, "schemaType",
                         sr_schema_type_name(sr_schema_get_type(s)), "violations", list);
        if (subject) {
            json_object_set_new(*out, "subject", sr_registry__string(subject));
            json_object_set_new(*out, "version", json_integer(v));
        }
        rc = 0;
    }
    sr_violations_dispose(&found);
    sr_registry__parsed_release(r, parsed);
    return rc;
}

int sr_registry_validate(json_t **out, sr_registry *r, const char *subject, const char *version,
                         int id, const char *doc, const char *message, sr_err *err)
{
    int rc;

    if (strlen(doc) > r->opt.schema_max_bytes)
        return sr_err_set(err, 42201, "The document is %zu bytes long, more than the limit of "
                          "%zu bytes (sluice.schema.max.bytes)", strlen(doc),
                          r->opt.schema_max_bytes);
    SR_WITH_READ(r, err, validate(out, r, &rd, subject, version, id, doc, message, err));
    return rc;
}
