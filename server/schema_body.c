/* schema_body.c -- reading a RegisterRequest body into an sr_schema_req (confluent-api.md §1.4).
 *
 * Jackson's coercions are kept where clients rely on them ("version": "2" -> 2, "schema": 123 ->
 * "123"); unknown fields are ignored; anything else of the wrong shape is a 400 naming the
 * field. */
#include "server/schema_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sr_schema_body_dispose(sr_schema_body *b)
{
    json_decref(b->json);
    free(b->refs);
    free(b->schema_text);
    free(b->metadata);
    free(b->ruleset);
    memset(b, 0, sizeof(*b));
}

/* An int field that may arrive as a number or a numeric string. 0 when absent or null. */
static int int_field(int *out, json_t *v, const char *name, sr_resp *resp)
{
    char msg[160];

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= -2147483648LL &&
        json_integer_value(v) <= 2147483647LL) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        char *end;
        long n = strtol(json_string_value(v), &end, 10);
        if (*json_string_value(v) && !*end && n >= -2147483648L && n <= 2147483647L) {
            *out = (int)n;
            return 0;
        }
    }
    snprintf(msg, sizeof(msg), "Invalid request body: \"%s\" must be an integer", name);
    sr_reply_error(resp, 400, 400, msg);
    return -1;
}

/* Where a JSON string holds a NUL (which C would cut it at), or -1 when it holds none. The body
 * is read with JSON_ALLOW_NUL so that this is seen and refused, not silently truncated. */
static long nul_at(const json_t *v)
{
    const char *p = json_string_value(v);
    size_t len = json_string_length(v);
    const char *nul = memchr(p, '\0', len);

    return nul ? (long)(nul - p) : -1;
}

static int string_field(const char **out, json_t *v, const char *name, sr_resp *resp)
{
    char msg[200];

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v) && nul_at(v) < 0) {
        *out = json_string_value(v);
        return 0;
    }
    if (json_is_string(v))
        snprintf(msg, sizeof(msg), "Invalid request body: \"%s\" contains a NUL character at "
                 "offset %ld", name, nul_at(v));
    else
        snprintf(msg, sizeof(msg), "Invalid request body: \"%s\" must be a string", name);
    sr_reply_error(resp, json_is_string(v) ? 422 : 400, json_is_string(v) ? 42201 : 400, msg);
    return -1;
}

/* 1 when a string anywhere in `v` holds a NUL. Bounded: jansson refuses input nested deeper
 * than 2048 levels, so this recursion is too. */
static int holds_nul(const json_t *v)
{
    const char *k;
    json_t *e;
    size_t i;

    if (json_is_string(v))
        return nul_at(v) >= 0;
    if (json_is_array(v))
        json_array_foreach(v, i, e) if (holds_nul(e)) return 1;
    if (json_is_object(v))
        json_object_foreach((json_t *)v, k, e) if (holds_nul(e)) return 1;
    return 0;
}

/* "metadata" or "ruleSet": an object (400 otherwise) without NUL characters (42201), kept as
 * compact JSON text for the registry, which checks what it says. */
static int object_field(char **text, const char **out, json_t *v, const char *name,
                        sr_resp *resp)
{
    char msg[160];

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v)) {
        snprintf(msg, sizeof(msg), "Invalid request body: \"%s\" must be an object", name);
        sr_reply_error(resp, 400, 400, msg);
        return -1;
    }
    if (holds_nul(v)) {
        snprintf(msg, sizeof(msg), "Invalid %s: it contains a NUL character", name);
        sr_reply_error(resp, 422, 42201, msg);
        return -1;
    }
    if (json_object_size(v)) {
        *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        *out = *text;
    }
    return 0;
}

static int parse_refs(sr_schema_body *b, json_t *refs, sr_resp *resp)
{
    size_t i;
    json_t *r;

    if (!refs || json_is_null(refs))
        return 0;
    if (!json_is_array(refs)) {
        sr_reply_error(resp, 400, 400, "Invalid request body: \"references\" must be an array");
        return -1;
    }
    b->refs = sr_xcalloc(json_array_size(refs) + 1, sizeof(*b->refs));
    json_array_foreach(refs, i, r) {
        sr_ref *ref = &b->refs[i];
        json_t *ver;
        if (!json_is_object(r)) {
            sr_reply_error(resp, 400, 400, "Invalid request body: each reference must be an "
                           "object with name, subject and version");
            return -1;
        }
        ver = json_object_get(r, "version");
        if (string_field(&ref->name, json_object_get(r, "name"), "name", resp) < 0 ||
            string_field(&ref->subject, json_object_get(r, "subject"), "subject", resp) < 0 ||
            int_field(&ref->version, ver, "version", resp) < 0)
            return -1;
        if (!ref->name || !ref->subject || !ver || json_is_null(ver)) {
            sr_reply_error(resp, 422, 42201, "Invalid reference: name, subject and version are "
                           "required");
            return -1;
        }
    }
    b->req.refs = b->refs;
    b->req.nrefs = json_array_size(refs);
    return 0;
}

int sr_schema_body_parse(sr_schema_body *b, const sr_req *req, sr_resp *resp)
{
    json_t *schema, *type, *ts;
    const char *type_name = NULL;
    sr_err err = {0};

    memset(b, 0, sizeof(*b));
    b->req.type = SR_TYPE_AVRO;
    if (sr_body_object(&b->json, req, resp) < 0)
        return -1;
    schema = json_object_get(b->json, "schema");
    if (json_is_string(schema) && nul_at(schema) >= 0) {
        char msg[160];
        snprintf(msg, sizeof(msg), "Invalid schema: it contains a NUL character at offset %ld",
                 nul_at(schema));
        sr_reply_error(resp, 422, 42201, msg);
        goto fail;
    } else if (json_is_string(schema)) {
        b->req.schema = json_string_value(schema);
    } else if (json_is_number(schema)) {
        b->schema_text = json_dumps(schema, JSON_ENCODE_ANY);
        b->req.schema = b->schema_text;
    } else if (schema && !json_is_null(schema)) {
        sr_reply_error(resp, 400, 400, "Invalid request body: \"schema\" must be a string");
        goto fail;
    }
    type = json_object_get(b->json, "schemaType");
    if (string_field(&type_name, type, "schemaType", resp) < 0)
        goto fail;
    if (type_name && sr_schema_type_parse(&b->req.type, type_name, &err) < 0) {
        sr_reply_err(resp, &err);
        goto fail;
    }
    if (parse_refs(b, json_object_get(b->json, "references"), resp) < 0 ||
        int_field(&b->req.id, json_object_get(b->json, "id"), "id", resp) < 0 ||
        int_field(&b->req.version, json_object_get(b->json, "version"), "version", resp) < 0)
        goto fail;
    if (object_field(&b->metadata, &b->req.metadata, json_object_get(b->json, "metadata"),
                     "metadata", resp) < 0 ||
        object_field(&b->ruleset, &b->req.ruleset, json_object_get(b->json, "ruleSet"), "ruleSet",
                     resp) < 0)
        goto fail;
    ts = json_object_get(b->json, "ts"); /* sluice's: kept with an explicit id (IMPORT) */
    if (json_is_integer(ts) && json_integer_value(ts) > 0)
        b->req.ts = json_integer_value(ts);
    b->req.normalize = sr_query_bool(req, "normalize");
    return 0;
fail:
    sr_schema_body_dispose(b);
    return -1;
}
