/* image_fetch.c -- reading a whole registry through its REST API (sluice export, migrate).
 *
 * Only requests every Confluent-compatible registry answers: the subjects (soft-deleted ones
 * too), each subject's versions with and without the soft-deleted ones (so that the deleted flag
 * is known even where a Schema object does not carry it), each version, and the config and mode
 * of every subject, context and the global scope. */
#include "ci/image.h"
#include "ci/image_int.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

char *sr_image__path(const char *prefix, const char *segment, const char *suffix)
{
    char *esc = sr_client_escape(segment);
    sr_buf b = SR_BUF_INIT;

    sr_buf_printf(&b, "%s%s%s", prefix, esc, suffix);
    free(esc);
    return sr_buf_detach(&b);
}

int sr_image__call(json_t **out, int *status, sr_client *c, const char *method, const char *path,
                   const json_t *body, sr_err *err)
{
    *out = NULL;
    return sr_client_request(out, status, c, method, path, body, err);
}

int sr_image__refused(sr_err *err, const char *method, const char *path, int status,
                      const json_t *body)
{
    const char *msg = json_string_value(json_object_get(body, "message"));

    return sr_err_set(err, 2, "%s %s: the registry answered %d%s%s", method, path, status,
                      msg ? ": " : "", msg ? msg : "");
}

/* GET `path`: 0 with *out on 200, 1 on 404 (*out NULL), -1 otherwise. */
static int get(json_t **out, sr_client *c, const char *path, sr_err *err)
{
    int status = 0;

    if (sr_image__call(out, &status, c, "GET", path, NULL, err) < 0)
        return -1;
    if (status == 200)
        return 0;
    if (status == 404) {
        json_decref(*out);
        *out = NULL;
        return 1;
    }
    sr_image__refused(err, "GET", path, status, *out);
    json_decref(*out);
    *out = NULL;
    return -1;
}

/* A Config as GET answers it, in the shape PUT takes: compatibilityLevel becomes compatibility,
 * nulls go. */
static json_t *update_form(const json_t *config)
{
    json_t *out = json_object(), *v;
    const char *k;

    json_object_foreach((json_t *)config, k, v) {
        if (json_is_null(v))
            continue;
        json_object_set(out, strcmp(k, "compatibilityLevel") == 0 ? "compatibility" : k, v);
    }
    return out;
}

/* The config and mode set at `scope` (NULL = global), when it has them. */
static int fetch_settings(sr_image *im, sr_client *c, const char *scope, sr_err *err)
{
    char *cpath = scope ? sr_image__path("/config/", scope, "") : sr_xstrdup("/config");
    char *mpath = scope ? sr_image__path("/mode/", scope, "") : sr_xstrdup("/mode");
    json_t *jscope = scope ? json_string(scope) : json_null(), *j = NULL;
    int rc = get(&j, c, cpath, err);

    if (rc == 0 && json_object_size(j))
        json_array_append_new(im->configs, json_pack("{s:O, s:o}", "scope", jscope, "config",
                                                     update_form(j)));
    json_decref(j);
    j = NULL;
    if (rc >= 0)
        rc = get(&j, c, mpath, err);
    if (rc == 0 && json_is_string(json_object_get(j, "mode")))
        json_array_append_new(im->modes, json_pack("{s:O, s:O}", "scope", jscope, "mode",
                                                   json_object_get(j, "mode")));
    json_decref(j);
    json_decref(jscope);
    free(cpath);
    free(mpath);
    return rc < 0 ? -1 : 0;
}

/* 1 when the array holds the integer v. */
static int holds(const json_t *a, json_int_t v)
{
    size_t i;
    json_t *e;

    json_array_foreach(a, i, e) if (json_integer_value(e) == v) return 1;
    return 0;
}

/* One version as the image keeps it; NULL when the answer lacks an id. */
static json_t *version_record(const char *subject, json_int_t version, const json_t *s,
                              int deleted)
{
    const char *type = json_string_value(json_object_get(s, "schemaType"));
    json_t *refs = json_object_get(s, "references"), *dflag = json_object_get(s, "deleted"), *v;

    if (!json_is_integer(json_object_get(s, "id")))
        return NULL;
    v = json_pack("{s:s, s:I, s:O, s:s, s:O, s:o}", "subject", subject, "version", version, "id",
                  json_object_get(s, "id"), "schemaType", type ? type : "AVRO", "schema",
                  json_object_get(s, "schema"), "references",
                  json_is_array(refs) ? json_incref(refs) : json_array());
    if (json_is_object(json_object_get(s, "metadata")))
        json_object_set(v, "metadata", json_object_get(s, "metadata"));
    if (json_is_object(json_object_get(s, "ruleSet")))
        json_object_set(v, "ruleSet", json_object_get(s, "ruleSet"));
    if (json_is_integer(json_object_get(s, "ts")))
        json_object_set(v, "ts", json_object_get(s, "ts"));
    json_object_set_new(v, "deleted", json_boolean(json_is_boolean(dflag) ? json_is_true(dflag)
                                                                          : deleted));
    return v;
}

static int fetch_subject(sr_image *im, sr_client *c, const char *subject, sr_err *err)
{
    char *all_path = sr_image__path("/subjects/", subject, "/versions?deleted=true");
    char *live_path = sr_image__path("/subjects/", subject, "/versions");
    json_t *all = NULL, *live = NULL, *e;
    size_t i;
    int rc = get(&all, c, all_path, err);

    if (rc == 0)
        rc = get(&live, c, live_path, err);
    json_array_foreach(rc >= 0 ? all : NULL, i, e) {
        char suffix[64], *path;
        json_t *s = NULL;
        int got;
        snprintf(suffix, sizeof suffix, "/versions/%lld?deleted=true",
                 (long long)json_integer_value(e));
        path = sr_image__path("/subjects/", subject, suffix);
        got = get(&s, c, path, err);
        free(path);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0 && json_is_string(json_object_get(s, "schema"))) {
            json_t *v = version_record(subject, json_integer_value(e), s,
                                       !holds(live, json_integer_value(e)));
            if (v)
                json_array_append_new(im->versions, v);
        }
        json_decref(s);
    }
    json_decref(all);
    json_decref(live);
    free(all_path);
    free(live_path);
    if (rc < 0)
        return -1;
    return fetch_settings(im, c, subject, err);
}

int sr_image_fetch(sr_image *im, sr_client *c, FILE *log, sr_err *err)
{
    json_t *subjects = NULL, *contexts = NULL, *e;
    size_t i;
    int rc = get(&subjects, c, "/subjects?deleted=true", err);

    if (rc != 0)
        return rc < 0 ? -1 : sr_image__refused(err, "GET", "/subjects", 404, NULL);
    json_array_foreach(subjects, i, e) {
        if (json_is_string(e) && (rc = fetch_subject(im, c, json_string_value(e), err)) < 0)
            break;
        if (log && (i + 1) % 100 == 0)
            fprintf(log, "read %zu of %zu subjects\n", i + 1, json_array_size(subjects));
    }
    /* contexts' own config and mode (a registry without contexts answers 404) */
    if (rc >= 0 && (rc = get(&contexts, c, "/contexts", err)) == 0) {
        json_array_foreach(contexts, i, e) {
            sr_buf scope = SR_BUF_INIT;
            const char *name = json_string_value(e);
            if (!name || strcmp(name, ".") == 0)
                continue;
            sr_buf_printf(&scope, ":%s:", name);
            rc = fetch_settings(im, c, scope.ptr, err);
            sr_buf_dispose(&scope);
            if (rc < 0)
                break;
        }
    }
    if (rc >= 0)
        rc = fetch_settings(im, c, NULL, err);
    if (rc >= 0 && log)
        fprintf(log, "read %zu versions of %zu subjects, %zu configs, %zu modes\n",
                json_array_size(im->versions), json_array_size(subjects),
                json_array_size(im->configs), json_array_size(im->modes));
    json_decref(subjects);
    json_decref(contexts);
    if (rc < 0)
        return -1;
    sr_image_order(im);
    return 0;
}
