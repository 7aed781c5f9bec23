/* registry_read.c -- the read side: schemas by id, subjects, versions, referencedby
 * (confluent-api.md §3.2-§3.4). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Render stored schema `s` in `format`; *out owned. The canonical text when the format does not
 * apply. */
static int render(char **out, sr_registry *r, const sr_reading *rd, const sr_store_schema *s,
                  const char *format, sr_err *err)
{
    sr_idcache_ref *parsed = NULL;
    int rc;

    if (!format || !*format) {
        *out = sr_xstrdup(s->text);
        return 0;
    }
    if (sr_registry__parsed(&parsed, r, rd, s->id, err) != 0)
        return -1;
    rc = sr_schema_render(out, sr_registry__parsed_schema(parsed), format, err);
    sr_registry__parsed_release(r, parsed);
    if (rc == 1) {
        *out = sr_xstrdup(s->text);
        rc = 0;
    }
    return rc;
}

static int schema_by_id(json_t **out, sr_registry *r, const sr_reading *rd, int id,
                        const char *format, int fetch_max_id, sr_err *err)
{
    sr_store_schema *s = NULL;
    char *text = NULL;
    int max = 0, rc = -1;

    if (sr_registry__stored(&s, rd->tx, id, err) < 0 || render(&text, r, rd, s, format, err) < 0 ||
        (fetch_max_id && sr_store_max_id(&max, rd->tx, err) < 0))
        goto out;
    *out = json_object();
    json_object_set_new(*out, "schemaType", sr_registry__string(s->type));
    json_object_set_new(*out, "schema", sr_registry__string(text));
    if (s->nrefs)
        json_object_set_new(*out, "references", sr_registry__refs_json(s->refs, s->nrefs));
    if (fetch_max_id)
        json_object_set_new(*out, "maxId", json_integer(max));
    rc = 0;
out:
    free(text);
    sr_store_schema_free(s);
    return rc;
}

int sr_registry_schema_by_id(json_t **out, sr_registry *r, int id, const char *subject,
                             const char *format, int fetch_max_id, sr_err *err)
{
    int rc;
    (void)subject; /* selects a context in Confluent; sluice has the default context only */
    SR_WITH_READ(r, err, schema_by_id(out, r, &rd, id, format, fetch_max_id, err));
    return rc;
}

/* The plain answer rendered and kept, under the generation read before its transaction. */
static int body_by_id(sr_idcache_ref **out, sr_registry *r, const sr_reading *rd, int id,
                      sr_err *err)
{
    json_t *o = NULL;
    char *body;

    if (schema_by_id(&o, r, rd, id, NULL, 0, err) < 0)
        return -1;
    body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!body)
        return sr_err_set(err, 50001, "Schema %d could not be encoded", id);
    *out = sr_idcache_put(r->bodies, id, body, strlen(body) + 64, rd->bodies_gen);
    return 0;
}

int sr_registry_schema_by_id_body(char **out, sr_registry *r, int id, sr_err *err)
{
    sr_idcache_ref *ref = sr_idcache_get(r->bodies, id);
    int rc = 0;

    if (!ref)
        SR_WITH_READ(r, err, body_by_id(&ref, r, &rd, id, err));
    if (rc == 0)
        *out = sr_xstrdup(sr_idcache_value(ref));
    sr_idcache_release(r->bodies, ref);
    return rc;
}

static int schema_text(char **out, sr_registry *r, const sr_reading *rd, int id,
                       const char *format, sr_err *err)
{
    sr_store_schema *s = NULL;
    int rc = sr_registry__stored(&s, rd->tx, id, err);

    if (rc == 0)
        rc = render(out, r, rd, s, format, err);
    sr_store_schema_free(s);
    return rc;
}

int sr_registry_schema_text(char **out, sr_registry *r, int id, const char *format, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, schema_text(out, r, &rd, id, format, err));
    return rc;
}

/* Subjects or subject-versions holding `id`. */
static int id_holders(json_t **out, sr_tx *tx, int id, int deleted, int versions, sr_page page,
                      sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_versions_of_id(&vs, &n, tx, id, err) < 0)
        return -1;
    if (n == 0) {
        sr_store_versions_free(vs, n);
        return sr_err_set(err, 40403, "Schema not found");
    }
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        if ((vs[i].deleted && !deleted) || !sr_registry__listed(page, vs[i].subject))
            continue;
        if (versions)
            json_array_append_new(a, json_pack("{s:o, s:i}", "subject",
                                               sr_registry__string(vs[i].subject), "version",
                                               vs[i].version));
        else if (!json_array_size(a) ||
                 strcmp(json_string_value(json_array_get(a, json_array_size(a) - 1)),
                        vs[i].subject) != 0)
            json_array_append_new(a, sr_registry__string(vs[i].subject));
    }
    sr_store_versions_free(vs, n);
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

int sr_registry_id_subjects(json_t **out, sr_registry *r, int id, int deleted, sr_page page,
                            sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, id_holders(out, rd.tx, id, deleted, 0, page, err));
    return rc;
}

int sr_registry_id_versions(json_t **out, sr_registry *r, int id, int deleted, sr_page page,
                            sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, id_holders(out, rd.tx, id, deleted, 1, page, err));
    return rc;
}

static int schemas(json_t **out, sr_tx *tx, const char *prefix, int deleted, int latest_only,
                   sr_page page, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_all_versions(&vs, &n, tx, prefix ? prefix : "", err) < 0)
        return -1;
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        sr_store_schema *s = NULL;
        if ((vs[i].deleted && !deleted) || !sr_registry__listed(page, vs[i].subject))
            continue;
        if (latest_only) { /* skip unless it is the last included version of its subject */
            size_t j = i + 1;
            while (j < n && strcmp(vs[j].subject, vs[i].subject) == 0 && vs[j].deleted &&
                   !deleted)
                j++;
            if (j < n && strcmp(vs[j].subject, vs[i].subject) == 0)
                continue;
        }
        if (sr_store_schema_get(&s, tx, vs[i].id, err) < 0) {
            json_decref(a);
            sr_store_versions_free(vs, n);
            return -1;
        }
        if (s)
            json_array_append_new(a, sr_registry__schema_json(vs[i].subject, vs[i].version, s,
                                                              NULL));
        sr_store_schema_free(s);
    }
    sr_store_versions_free(vs, n);
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

int sr_registry_schemas(json_t **out, sr_registry *r, const char *prefix, int deleted,
                        int latest_only, sr_page page, sr_err *err)
{
    int rc;
    if (page.limit <= 0 || page.limit > 1000)
        page.limit = 1000; /* Confluent's default and maximum for /schemas */
    SR_WITH_READ(r, err, schemas(out, rd.tx, prefix, deleted, latest_only, page, err));
    return rc;
}

static int subjects(json_t **out, sr_tx *tx, const char *prefix, int deleted, int deleted_only,
                    sr_page page, sr_err *err)
{
    sr_store_subject *ss = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_subjects(&ss, &n, tx, prefix, err) < 0)
        return -1;
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        if ((deleted_only ? ss[i].all_deleted : (deleted || !ss[i].all_deleted)) &&
            sr_registry__listed(page, ss[i].name))
            json_array_append_new(a, sr_registry__string(ss[i].name));
    }
    sr_store_subjects_free(ss, n);
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

int sr_registry_subjects(json_t **out, sr_registry *r, const char *prefix, int deleted,
                         int deleted_only, sr_page page, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, subjects(out, rd.tx, prefix, deleted, deleted_only, page, err));
    return rc;
}

static int versions(json_t **out, sr_tx *tx, const char *subject, int deleted, int deleted_only,
                    int as_negative, sr_page page, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_versions(&vs, &n, tx, subject, err) < 0)
        return -1;
    a = json_array();
    for (size_t i = 0; i < n; i++) {
        int v = vs[i].version;
        if (deleted_only ? !vs[i].deleted : (vs[i].deleted && !deleted && !as_negative))
            continue;
        json_array_append_new(a, json_integer(as_negative && vs[i].deleted ? -v : v));
    }
    sr_store_versions_free(vs, n);
    if (json_array_size(a) == 0) {
        json_decref(a);
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    }
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

int sr_registry_versions(json_t **out, sr_registry *r, const char *subject, int deleted,
                         int deleted_only, int as_negative, sr_page page, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, versions(out, rd.tx, subject, deleted, deleted_only, as_negative, page, err));
    return rc;
}

/* Find the visible version named by `version` (§3.4 rules). Fills vs and n and returns its index. */
static int locate(sr_store_version **vs, size_t *n, sr_tx *tx, const char *subject,
                  const char *version, int deleted, sr_err *err)
{
    int v, at, visible = 0;

    if (sr_registry_parse_version(&v, version, err) < 0 ||
        sr_store_versions(vs, n, tx, subject, err) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++)
        visible |= deleted || !(*vs)[i].deleted;
    if (!visible)
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    /* latest never names a soft-deleted version, even with deleted=true */
    at = v == -1 ? sr_registry__latest(*vs, *n) : sr_registry__find(*vs, *n, v);
    if (at < 0 || ((*vs)[at].deleted && !deleted))
        return sr_err_set(err, 40402, "Version %d not found.", v);
    return at;
}

static int version_get(json_t **out, char **text_out, sr_registry *r, const sr_reading *rd,
                       const char *subject, const char *version, int deleted, const char *format,
                       sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_store_schema *s = NULL;
    char *text = NULL;
    size_t n = 0;
    int at, rc = -1;

    at = locate(&vs, &n, rd->tx, subject, version, deleted, err);
    if (at < 0 || sr_registry__stored(&s, rd->tx, vs[at].id, err) < 0 ||
        render(&text, r, rd, s, format, err) < 0)
        goto out;
    if (out)
        *out = sr_registry__schema_json(subject, vs[at].version, s, text);
    if (text_out) {
        *text_out = text;
        text = NULL;
    }
    rc = 0;
out:
    free(text);
    sr_store_schema_free(s);
    sr_store_versions_free(vs, n);
    return rc;
}

int sr_registry_version_get(json_t **out, sr_registry *r, const char *subject,
                            const char *version, int deleted, const char *format, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, version_get(out, NULL, r, &rd, subject, version, deleted, format, err));
    return rc;
}

int sr_registry_version_text(char **out, sr_registry *r, const char *subject,
                             const char *version, int deleted, const char *format, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, version_get(NULL, out, r, &rd, subject, version, deleted, format, err));
    return rc;
}

static int referenced_by(json_t **out, sr_tx *tx, const char *subject, const char *version,
                         int deleted, sr_page page, sr_err *err)
{
    sr_store_version *vs = NULL, *refs = NULL;
    size_t n = 0, nr = 0;
    int at, rc = -1;
    json_t *a;

    at = locate(&vs, &n, tx, subject, version, 1, err);
    if (at < 0 || sr_store_referrers(&refs, &nr, tx, subject, vs[at].version, err) < 0)
        goto out;
    a = json_array();
    for (size_t i = 0; i < nr; i++) {
        json_int_t last = json_array_size(a)
                              ? json_integer_value(json_array_get(a, json_array_size(a) - 1))
                              : -1;
        if ((refs[i].deleted && !deleted) || last == refs[i].id)
            continue;
        json_array_append_new(a, json_integer(refs[i].id));
    }
    sr_registry__page(a, page);
    *out = a;
    rc = 0;
out:
    sr_store_versions_free(refs, nr);
    sr_store_versions_free(vs, n);
    return rc;
}

int sr_registry_referenced_by(json_t **out, sr_registry *r, const char *subject,
                              const char *version, int deleted, sr_page page, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, referenced_by(out, rd.tx, subject, version, deleted, page, err));
    return rc;
}
