/* registry_read.c -- the read side: schemas by id, subjects, versions, referencedby
 * (confluent-api.md §3.2-§3.4). */
#include "server/registry_int.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Evaluate `body` (which uses `tx`) inside a read transaction, leaving its result in `rc`. */
#define WITH_READ(r, err, body)                                                                    \
    do {                                                                                           \
        sr_tx *tx = NULL;                                                                          \
        rc = sr_store_read_begin(&tx, (r)->store, err);                                            \
        if (rc == 0) {                                                                             \
            rc = (body);                                                                           \
            sr_store_rollback(tx);                                                                 \
        }                                                                                          \
    } while (0)

/* Render stored schema `s` in `format`; *out owned. The canonical text when the format does not
 * apply. */
static int render(char **out, sr_tx *tx, const sr_store_schema *s, const char *format, sr_err *err)
{
    sr_schema *parsed = NULL;
    int rc;

    if (!format || !*format) {
        *out = sr_xstrdup(s->text);
        return 0;
    }
    if (sr_registry__parse_stored(&parsed, tx, s, err) < 0)
        return -1;
    rc = sr_schema_render(out, parsed, format, err);
    sr_schema_free(parsed);
    if (rc == 1) {
        *out = sr_xstrdup(s->text);
        rc = 0;
    }
    return rc;
}

static int get_schema(sr_store_schema **out, sr_tx *tx, int id, sr_err *err)
{
    int rc = sr_store_schema_get(out, tx, id, err);
    return rc == 1 ? sr_err_set(err, 40403, "Schema %d not found", id) : rc;
}

static int schema_by_id(json_t **out, sr_tx *tx, int id, const char *format, int fetch_max_id,
                        sr_err *err)
{
    sr_store_schema *s = NULL;
    char *text = NULL;
    int max = 0, rc = -1;

    if (get_schema(&s, tx, id, err) < 0 || render(&text, tx, s, format, err) < 0)
        goto out;
    *out = json_pack("{s:s, s:s}", "schemaType", s->type, "schema", text);
    if (s->nrefs)
        json_object_set_new(*out, "references", sr_registry__refs_json(s->refs, s->nrefs));
    if (fetch_max_id) {
        if (sr_store_max_id(&max, tx, err) < 0) {
            json_decref(*out);
            goto out;
        }
        json_object_set_new(*out, "maxId", json_integer(max));
    }
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
    WITH_READ(r, err, schema_by_id(out, tx, id, format, fetch_max_id, err));
    return rc;
}

static int schema_text(char **out, sr_tx *tx, int id, const char *format, sr_err *err)
{
    sr_store_schema *s = NULL;
    int rc = get_schema(&s, tx, id, err);

    if (rc == 0)
        rc = render(out, tx, s, format, err);
    sr_store_schema_free(s);
    return rc;
}

int sr_registry_schema_text(char **out, sr_registry *r, int id, const char *format, sr_err *err)
{
    int rc;
    WITH_READ(r, err, schema_text(out, tx, id, format, err));
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
        if (vs[i].deleted && !deleted)
            continue;
        if (versions)
            json_array_append_new(a, json_pack("{s:s, s:i}", "subject", vs[i].subject,
                                               "version", vs[i].version));
        else if (!json_array_size(a) ||
                 strcmp(json_string_value(json_array_get(a, json_array_size(a) - 1)),
                        vs[i].subject) != 0)
            json_array_append_new(a, json_string(vs[i].subject));
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
    WITH_READ(r, err, id_holders(out, tx, id, deleted, 0, page, err));
    return rc;
}

int sr_registry_id_versions(json_t **out, sr_registry *r, int id, int deleted, sr_page page,
                            sr_err *err)
{
    int rc;
    WITH_READ(r, err, id_holders(out, tx, id, deleted, 1, page, err));
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
        if (vs[i].deleted && !deleted)
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
    WITH_READ(r, err, schemas(out, tx, prefix, deleted, latest_only, page, err));
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
        if (deleted_only ? ss[i].all_deleted : (deleted || !ss[i].all_deleted))
            json_array_append_new(a, json_string(ss[i].name));
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
    WITH_READ(r, err, subjects(out, tx, prefix, deleted, deleted_only, page, err));
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
    WITH_READ(r, err, versions(out, tx, subject, deleted, deleted_only, as_negative, page, err));
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

static int version_get(json_t **out, char **text_out, sr_tx *tx, const char *subject,
                       const char *version, int deleted, const char *format, sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_store_schema *s = NULL;
    char *text = NULL;
    size_t n = 0;
    int at, rc = -1;

    at = locate(&vs, &n, tx, subject, version, deleted, err);
    if (at < 0 || get_schema(&s, tx, vs[at].id, err) < 0 || render(&text, tx, s, format, err) < 0)
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
    WITH_READ(r, err, version_get(out, NULL, tx, subject, version, deleted, format, err));
    return rc;
}

int sr_registry_version_text(char **out, sr_registry *r, const char *subject,
                             const char *version, int deleted, const char *format, sr_err *err)
{
    int rc;
    WITH_READ(r, err, version_get(NULL, out, tx, subject, version, deleted, format, err));
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
    WITH_READ(r, err, referenced_by(out, tx, subject, version, deleted, page, err));
    return rc;
}
