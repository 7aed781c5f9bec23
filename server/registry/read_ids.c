/* read_ids.c -- schemas by id and by guid, and who holds them (confluent-api.md §3.2). An id is
 * read in the context of the `subject` parameter when there is one, else in the default one. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Render stored schema `s` in `format`; *out owned. The canonical text when the format does not
 * apply. */
int sr_registry__render(char **out, sr_registry *r, const sr_reading *rd, const sr_store_schema *s,
                        const char *format, sr_err *err)
{
    sr_idcache_ref *parsed = NULL;
    int rc;

    if (!format || !*format) {
        *out = sr_xstrdup(s->text);
        return 0;
    }
    if (sr_registry__parsed_row(&parsed, r, rd, s, err) != 0)
        return -1;
    rc = sr_schema_render(out, sr_registry__parsed_schema(parsed), format, err);
    sr_registry__parsed_release(r, parsed);
    if (rc == 1) {
        *out = sr_xstrdup(s->text);
        rc = 0;
    }
    return rc;
}

/* 8.x: with a subject, the answer also says which version of it holds the schema (if one does). */
static int add_holder(json_t *o, sr_tx *tx, const char *subject, int id, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    int at;

    if (!subject || sr_store_versions_holding(&vs, &n, tx, subject, id, err) < 0)
        return subject ? -1 : 0;
    at = sr_registry__holder(vs, n, id, 1);
    if (at >= 0) {
        json_object_set_new(o, "subject", sr_registry__string(subject));
        json_object_set_new(o, "version", json_integer(vs[at].version));
    }
    sr_store_versions_free(vs, n);
    return 0;
}

static int schema_by_id(json_t **out, sr_registry *r, const sr_reading *rd, const char *context,
                        int id, const char *subject, const char *format, int fetch_max_id,
                        sr_err *err)
{
    sr_store_schema *s = NULL;
    char *text = NULL;
    int max = 0, rc = -1;

    if (sr_registry__stored(&s, rd->tx, context, id, err) < 0 ||
        sr_registry__render(&text, r, rd, s, format, err) < 0 ||
        (fetch_max_id && sr_store_max_id(&max, rd->tx, context, err) < 0))
        goto out;
    *out = sr_registry__id_json(s, text);
    if (fetch_max_id)
        json_object_set_new(*out, "maxId", json_integer(max));
    rc = add_holder(*out, rd->tx, subject, id, err);
    if (rc < 0)
        json_decref(*out);
out:
    free(text);
    sr_store_schema_free(s);
    return rc;
}

/* The subject parameter: NULL when absent or when it only names a context (":.ctx:"). */
static const char *holder_subject(const char *subject)
{
    size_t n = subject ? strlen(subject) : 0;
    return n && subject[n - 1] != ':' ? subject : NULL;
}

int sr_registry_schema_by_id(json_t **out, sr_registry *r, int id, const char *subject,
                             const char *format, int fetch_max_id, sr_err *err)
{
    char *context = sr_registry__context_of(subject ? subject : "");
    int rc;

    SR_WITH_READ(r, err, schema_by_id(out, r, &rd, context, id, holder_subject(subject), format,
                                      fetch_max_id, err));
    free(context);
    return rc;
}

/* The plain answer rendered and kept, under the generation read before its transaction. */
static int body_by_id(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd, int id,
                      sr_err *err)
{
    json_t *o = NULL;
    char *body;

    if (schema_by_id(&o, r, rd, ".", id, NULL, NULL, 0, err) < 0)
        return -1;
    body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!body)
        return sr_err_set(err, 50001, "Schema %d could not be encoded", id);
    *out = sr_idcache_put(r->bodies, ".", id, body, strlen(body) + 64, rd->bodies_gen);
    return 0;
}

int sr_registry_schema_by_id_body(char **out, sr_registry *r, int id, sr_err *err)
{
    sr_idcache_ref *ref = sr_idcache_get(r->bodies, ".", id);
    int rc = 0;

    if (!ref)
        SR_WITH_READ(r, err, body_by_id(&ref, r, &rd, id, err));
    if (rc == 0)
        *out = sr_xstrdup(sr_idcache_value(ref));
    sr_idcache_release(r->bodies, ref);
    return rc;
}

static int schema_text(char **out, sr_registry *r, const sr_reading *rd, const char *context,
                       int id, const char *format, sr_err *err)
{
    sr_store_schema *s = NULL;
    int rc = sr_registry__stored(&s, rd->tx, context, id, err);

    if (rc == 0)
        rc = sr_registry__render(out, r, rd, s, format, err);
    sr_store_schema_free(s);
    return rc;
}

int sr_registry_schema_text(char **out, sr_registry *r, int id, const char *subject,
                            const char *format, sr_err *err)
{
    char *context = sr_registry__context_of(subject ? subject : "");
    int rc;

    SR_WITH_READ(r, err, schema_text(out, r, &rd, context, id, format, err));
    free(context);
    return rc;
}

/* ---- by guid (8.x): the fingerprint, whatever the context ---- */

static int by_guid(json_t **out, sr_registry *r, const sr_reading *rd, const char *guid,
                   const char *format, int ids_only, sr_err *err)
{
    sr_store_id *ids = NULL;
    uint8_t hash[16];
    size_t n = 0;
    int rc = -1;

    if (sr_registry__guid_parse(hash, guid) < 0 ||
        sr_store_schema_ids(&ids, &n, rd->tx, hash, err) < 0)
        goto none;
    if (n == 0)
        goto none;
    if (ids_only) {
        *out = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(*out, json_pack("{s:o, s:i}", "context",
                                                  sr_registry__string(ids[i].context), "id",
                                                  ids[i].id));
        rc = 0;
    } else { /* the default context's, if it has one: it sorts first */
        rc = schema_by_id(out, r, rd, ids[0].context, ids[0].id, NULL, format, 0, err);
    }
    sr_store_ids_free(ids, n);
    return rc;
none:
    sr_store_ids_free(ids, n);
    return err && err->code ? -1 : sr_err_set(err, 40403, "Schema %s not found", guid);
}

int sr_registry_schema_by_guid(json_t **out, sr_registry *r, const char *guid, const char *format,
                               int ids_only, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, by_guid(out, r, &rd, guid, format, ids_only, err));
    return rc;
}

/* ---- who holds an id ---- */

typedef struct holders_q {
    int id;
    const char *subject; /* only this subject's versions, when not NULL */
    int deleted;
    int versions;        /* [{subject, version}] rather than [subject] */
    sr_page page;
} holders_q;

static void add_holder_entry(json_t *a, const sr_store_version *v, int versions)
{
    const json_t *last = json_array_get(a, json_array_size(a) - 1);

    if (versions)
        json_array_append_new(a, json_pack("{s:o, s:i}", "subject", sr_registry__string(v->subject),
                                           "version", v->version));
    else if (!last || strcmp(json_string_value(last), v->subject) != 0)
        json_array_append_new(a, sr_registry__string(v->subject));
}

static int id_holders(json_t **out, sr_tx *tx, const char *context, const holders_q *q,
                      sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_versions_of_id(&vs, &n, tx, context, q->id, err) < 0)
        return -1;
    if (n == 0) {
        sr_store_versions_free(vs, n);
        return sr_err_set(err, 40403, "Schema not found");
    }
    a = json_array();
    for (size_t i = 0; i < n; i++)
        if ((!vs[i].deleted || q->deleted) && sr_registry__listed(q->page, vs[i].subject) &&
            (!q->subject || strcmp(vs[i].subject, q->subject) == 0))
            add_holder_entry(a, &vs[i], q->versions);
    sr_store_versions_free(vs, n);
    sr_registry__page(a, q->page);
    *out = a;
    return 0;
}

static int holders(json_t **out, sr_registry *r, int id, const char *subject, int deleted,
                   int versions, sr_page page, sr_err *err)
{
    holders_q q = {id, holder_subject(subject), deleted, versions, page};
    char *context = sr_registry__context_of(subject ? subject : "");
    int rc;

    SR_WITH_READ(r, err, id_holders(out, rd.tx, context, &q, err));
    free(context);
    return rc;
}

int sr_registry_id_subjects(json_t **out, sr_registry *r, int id, const char *subject,
                            int deleted, sr_page page, sr_err *err)
{
    return holders(out, r, id, subject, deleted, 0, page, err);
}

int sr_registry_id_versions(json_t **out, sr_registry *r, int id, const char *subject,
                            int deleted, sr_page page, sr_err *err)
{
    return holders(out, r, id, subject, deleted, 1, page, err);
}
