/* image_apply.c -- writing an image into a registry, and comparing a registry with one.
 *
 * Writing goes through IMPORT mode, which keeps the ids and version numbers a request gives:
 * the global mode and the mode of every subject written to become IMPORT (with force=true, since
 * the target may hold versions already), versions are registered in image order (references
 * first), soft deletes follow (referrers before what they reference), then configs and modes,
 * the global mode last. Before registering, each version is looked up on the target: one that is
 * there with the same id and schema is left alone (so a run can be repeated or resumed), one
 * that is there differently stops the run. */
#include "ci/image.h"
#include "ci/image_int.h"
#include "common/buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- requests ---- */

/* `method` `path` with `body`: 0 when the answer is 200 (*out kept when out is not NULL), -1
 * with err otherwise. */
static int expect_200(json_t **out, sr_client *c, const char *method, const char *path,
                      const json_t *body, sr_err *err)
{
    json_t *j = NULL;
    int status = 0;

    if (sr_image__call(&j, &status, c, method, path, body, err) < 0)
        return -1;
    if (status != 200) {
        sr_image__refused(err, method, path, status, j);
        json_decref(j);
        return -1;
    }
    if (out)
        *out = j;
    else
        json_decref(j);
    return 0;
}

/* GET: 0 with *out on 200, 1 on 404, -1. */
static int lookup(json_t **out, sr_client *c, const char *path, sr_err *err)
{
    int status = 0;

    if (sr_image__call(out, &status, c, "GET", path, NULL, err) < 0)
        return -1;
    if (status == 200)
        return 0;
    if (status != 404)
        sr_image__refused(err, "GET", path, status, *out);
    json_decref(*out);
    *out = NULL;
    return status == 404 ? 1 : -1;
}

static char *version_path(const json_t *v, const char *query)
{
    char suffix[64];

    snprintf(suffix, sizeof suffix, "/versions/%d%s", sr_image__int(v, "version"), query);
    return sr_image__path("/subjects/", sr_image__str(v, "subject"), suffix);
}

static char *scope_path(const char *what, const json_t *scope, const char *query)
{
    sr_buf b = SR_BUF_INIT;
    char *p;

    if (!json_is_string(scope)) {
        sr_buf_printf(&b, "/%s%s", what, query);
        return sr_buf_detach(&b);
    }
    sr_buf_printf(&b, "/%s/", what);
    p = sr_image__path(b.ptr, json_string_value(scope), query);
    sr_buf_dispose(&b);
    return p;
}

static int put_mode(sr_client *c, const json_t *scope, const char *mode, sr_err *err)
{
    char *path = scope_path("mode", scope, "?force=true");
    json_t *body = json_pack("{s:s}", "mode", mode);
    int rc = expect_200(NULL, c, "PUT", path, body, err);

    json_decref(body);
    free(path);
    return rc;
}

/* ---- writing ---- */

/* The scopes whose own mode could refuse an import: each subject written to (and its context).
 * Those set to anything but IMPORT on the target become IMPORT; they are listed in `touched`. */
static int open_scopes(json_t *touched, const sr_image *im, sr_client *to, sr_err *err)
{
    json_t *seen = json_object(), *v;
    size_t i;
    int rc = 0;

    json_array_foreach(im->versions, i, v) {
        const char *subject = sr_image__str(v, "subject");
        char *context = sr_image__context_of(subject);
        const char *scopes[2] = {subject, NULL};
        sr_buf cscope = SR_BUF_INIT;
        if (strcmp(context, ".") != 0) {
            sr_buf_printf(&cscope, ":%s:", context);
            scopes[1] = cscope.ptr;
        }
        for (int k = 0; k < 2 && scopes[k] && rc == 0; k++) {
            json_t *scope = json_string(scopes[k]), *m = NULL;
            char *path = scope_path("mode", scope, "");
            if (!json_object_get(seen, scopes[k])) {
                json_object_set_new(seen, scopes[k], json_true());
                rc = lookup(&m, to, path, err);
                if (rc == 0 && strcmp(sr_image__str(m, "mode"), "IMPORT") != 0) {
                    rc = put_mode(to, scope, "IMPORT", err);
                    json_array_append(touched, scope);
                }
                rc = rc < 0 ? -1 : 0;
            }
            json_decref(m);
            json_decref(scope);
            free(path);
        }
        sr_buf_dispose(&cscope);
        free(context);
        if (rc < 0)
            break;
    }
    json_decref(seen);
    return rc;
}

/* The request that registers `v` with its id and version. */
static json_t *import_request(const json_t *v)
{
    json_t *body = json_pack("{s:O, s:O, s:O, s:O, s:O}", "schema", json_object_get(v, "schema"),
                             "schemaType", json_object_get(v, "schemaType"), "references",
                             json_object_get(v, "references"), "id", json_object_get(v, "id"),
                             "version", json_object_get(v, "version"));
    static const char *const optional[] = {"metadata", "ruleSet", "ts"};

    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
        if (json_object_get(v, optional[i]))
            json_object_set(body, optional[i], json_object_get(v, optional[i]));
    return body;
}

/* One version: left alone when the target has it, registered when not. */
static int write_version(sr_image_stats *st, const json_t *v, sr_client *to, sr_err *err)
{
    char *path = version_path(v, "?deleted=true");
    char *post = sr_image__path("/subjects/", sr_image__str(v, "subject"), "/versions");
    json_t *have = NULL, *body = NULL, *got = NULL;
    int rc = lookup(&have, to, path, err);

    if (rc == 0) {
        if (sr_image__int(have, "id") != sr_image__int(v, "id") ||
            strcmp(sr_image__str(have, "schema"), sr_image__str(v, "schema")) != 0)
            rc = sr_err_set(err, 2, "%s version %d: the target holds id %d there, not id %d "
                            "(nothing overwritten)", sr_image__str(v, "subject"),
                            sr_image__int(v, "version"), sr_image__int(have, "id"),
                            sr_image__int(v, "id"));
        else
            st->present++;
    } else if (rc == 1) {
        body = import_request(v);
        rc = expect_200(&got, to, "POST", post, body, err);
        if (rc == 0 && sr_image__int(got, "id") != sr_image__int(v, "id"))
            rc = sr_err_set(err, 2, "%s version %d: registered under id %d, not %d",
                            sr_image__str(v, "subject"), sr_image__int(v, "version"),
                            sr_image__int(got, "id"), sr_image__int(v, "id"));
        if (rc == 0)
            st->written++;
    }
    json_decref(have);
    json_decref(body);
    json_decref(got);
    free(path);
    free(post);
    return rc < 0 ? -1 : 0;
}

/* Soft deletes, referrers first (reverse image order). A version already soft-deleted on the
 * target (not listed without ?deleted) is left alone. */
static int soft_deletes(sr_image_stats *st, const sr_image *im, sr_client *to, sr_err *err)
{
    for (size_t i = json_array_size(im->versions); i-- > 0;) {
        const json_t *v = json_array_get(im->versions, i);
        char *path;
        json_t *live = NULL;
        int rc;
        if (!json_is_true(json_object_get(v, "deleted")))
            continue;
        path = version_path(v, "");
        rc = lookup(&live, to, path, err);
        if (rc == 0 && (rc = expect_200(NULL, to, "DELETE", path, NULL, err)) == 0)
            st->deleted++;
        json_decref(live);
        free(path);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int settings(sr_image_stats *st, const sr_image *im, const json_t *touched,
                    sr_client *to, sr_err *err)
{
    const char *global_mode = "READWRITE";
    size_t i;
    json_t *e, *t;

    json_array_foreach(im->configs, i, e) {
        char *path = scope_path("config", json_object_get(e, "scope"), "");
        int rc = expect_200(NULL, to, "PUT", path, json_object_get(e, "config"), err);
        free(path);
        if (rc < 0)
            return -1;
        st->settings++;
    }
    json_array_foreach(im->modes, i, e) {
        json_t *scope = json_object_get(e, "scope");
        if (!json_is_string(scope)) {
            global_mode = sr_image__str(e, "mode");
            continue;
        }
        if (put_mode(to, scope, sr_image__str(e, "mode"), err) < 0)
            return -1;
        st->settings++;
    }
    /* scopes opened for the import that the image sets no mode for: back to none */
    json_array_foreach(touched, i, t) {
        size_t k;
        int set = 0;
        json_array_foreach(im->modes, k, e) set |= json_equal(json_object_get(e, "scope"), t);
        if (!set) {
            char *path = scope_path("mode", t, "");
            int rc = expect_200(NULL, to, "DELETE", path, NULL, err);
            free(path);
            if (rc < 0)
                return -1;
        }
    }
    if (put_mode(to, json_null(), global_mode, err) < 0)
        return -1;
    st->settings++;
    return 0;
}

int sr_image_apply(sr_image_stats *st, const sr_image *im, sr_client *to, FILE *log, sr_err *err)
{
    json_t *touched = json_array(), *v;
    size_t i, n = json_array_size(im->versions);
    int rc = -1;

    memset(st, 0, sizeof(*st));
    if (put_mode(to, json_null(), "IMPORT", err) < 0 || open_scopes(touched, im, to, err) < 0)
        goto out;
    json_array_foreach(im->versions, i, v) {
        if (write_version(st, v, to, err) < 0)
            goto out;
        if (log && (i + 1) % 500 == 0)
            fprintf(log, "%zu of %zu versions\n", i + 1, n);
    }
    if (soft_deletes(st, im, to, err) < 0 || settings(st, im, touched, to, err) < 0)
        goto out;
    rc = 0;
out:
    json_decref(touched);
    return rc;
}

/* ---- comparing ---- */

typedef struct verify {
    sr_client *to;
    FILE *out;
    size_t differences;
} verify;

static void differ(verify *vf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void differ(verify *vf, const char *fmt, ...)
{
    va_list ap;

    vf->differences++;
    va_start(ap, fmt);
    vfprintf(vf->out, fmt, ap);
    va_end(ap);
    fputc('\n', vf->out);
}

/* Absent and empty compare equal (an empty metadata object is no metadata). */
static int same_json(const json_t *a, const json_t *b)
{
    int ea = !a || json_is_null(a) || (json_is_object(a) && !json_object_size(a)) ||
             (json_is_array(a) && !json_array_size(a));
    int eb = !b || json_is_null(b) || (json_is_object(b) && !json_object_size(b)) ||
             (json_is_array(b) && !json_array_size(b));

    return ea || eb ? ea == eb : json_equal(a, b);
}

static int verify_version(verify *vf, const json_t *v, sr_err *err)
{
    char *path = version_path(v, "?deleted=true");
    const char *subject = sr_image__str(v, "subject");
    int version = sr_image__int(v, "version");
    const char *type;
    json_t *t = NULL, *dflag;
    int rc = lookup(&t, vf->to, path, err);

    free(path);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        differ(vf, "%s version %d (id %d): missing", subject, version, sr_image__int(v, "id"));
        return 0;
    }
    type = json_string_value(json_object_get(t, "schemaType"));
    dflag = json_object_get(t, "deleted");
    if (sr_image__int(t, "id") != sr_image__int(v, "id"))
        differ(vf, "%s version %d: id %d, not %d", subject, version, sr_image__int(t, "id"),
               sr_image__int(v, "id"));
    if (strcmp(sr_image__str(t, "schema"), sr_image__str(v, "schema")) != 0)
        differ(vf, "%s version %d: another schema text", subject, version);
    if (strcmp(type ? type : "AVRO", sr_image__str(v, "schemaType")) != 0)
        differ(vf, "%s version %d: type %s, not %s", subject, version, type ? type : "AVRO",
               sr_image__str(v, "schemaType"));
    if (!same_json(json_object_get(t, "references"), json_object_get(v, "references")))
        differ(vf, "%s version %d: other references", subject, version);
    if (!same_json(json_object_get(t, "metadata"), json_object_get(v, "metadata")))
        differ(vf, "%s version %d: other metadata", subject, version);
    if (!same_json(json_object_get(t, "ruleSet"), json_object_get(v, "ruleSet")))
        differ(vf, "%s version %d: another rule set", subject, version);
    if (json_is_boolean(dflag) &&
        json_is_true(dflag) != json_is_true(json_object_get(v, "deleted")))
        differ(vf, "%s version %d: %s", subject, version,
               json_is_true(dflag) ? "soft-deleted, not live" : "live, not soft-deleted");
    json_decref(t);
    return 0;
}

/* Every (context, id) once: the schema the target serves under it. */
static int verify_ids(verify *vf, const sr_image *im, sr_err *err)
{
    json_t *seen = json_object(), *v;
    size_t i;
    int rc = 0;

    json_array_foreach(im->versions, i, v) {
        char *context = sr_image__context_of(sr_image__str(v, "subject"));
        sr_buf key = SR_BUF_INIT, path = SR_BUF_INIT;
        json_t *t = NULL;
        sr_buf_printf(&key, "%s %d", context, sr_image__int(v, "id"));
        if (!json_object_get(seen, key.ptr)) {
            json_object_set_new(seen, key.ptr, json_true());
            sr_buf_printf(&path, "/schemas/ids/%d", sr_image__int(v, "id"));
            if (strcmp(context, ".") != 0) {
                char *scope = sr_image__path(":", context, ":"), *esc = sr_client_escape(scope);
                sr_buf_printf(&path, "?subject=%s", esc);
                free(scope);
                free(esc);
            }
            rc = lookup(&t, vf->to, path.ptr, err);
            if (rc == 1)
                differ(vf, "id %d in context %s: missing", sr_image__int(v, "id"), context);
            else if (rc == 0 && strcmp(sr_image__str(t, "schema"), sr_image__str(v, "schema")))
                differ(vf, "id %d in context %s: another schema text", sr_image__int(v, "id"),
                       context);
            rc = rc < 0 ? -1 : 0;
        }
        json_decref(t);
        sr_buf_dispose(&key);
        sr_buf_dispose(&path);
        free(context);
        if (rc < 0)
            break;
    }
    json_decref(seen);
    return rc;
}

/* Subjects and versions the target has and the image has not. */
static int verify_extra(verify *vf, const sr_image *im, sr_err *err)
{
    json_t *want = json_object(), *subjects = NULL, *e, *v;
    size_t i;
    int rc;

    json_array_foreach(im->versions, i, v) {
        json_t *vs = json_object_get(want, sr_image__str(v, "subject"));
        if (!vs)
            json_object_set_new(want, sr_image__str(v, "subject"), vs = json_object());
        char num[24];
        snprintf(num, sizeof num, "%d", sr_image__int(v, "version"));
        json_object_set_new(vs, num, json_true());
    }
    rc = lookup(&subjects, vf->to, "/subjects?deleted=true", err);
    json_array_foreach(rc == 0 ? subjects : NULL, i, e) {
        const char *s = json_string_value(e);
        json_t *vs = s ? json_object_get(want, s) : NULL, *tv = NULL, *n;
        char *path;
        size_t k;
        if (!s)
            continue;
        if (!vs) {
            differ(vf, "%s: a subject the source does not have", s);
            continue;
        }
        path = sr_image__path("/subjects/", s, "/versions?deleted=true");
        rc = lookup(&tv, vf->to, path, err);
        free(path);
        json_array_foreach(rc == 0 ? tv : NULL, k, n) {
            char num[24];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(n));
            if (!json_object_get(vs, num))
                differ(vf, "%s version %s: a version the source does not have", s, num);
        }
        json_decref(tv);
        rc = rc < 0 ? -1 : 0;
        if (rc < 0)
            break;
    }
    json_decref(subjects);
    json_decref(want);
    return rc < 0 ? -1 : 0;
}

static int verify_settings(verify *vf, const sr_image *im, sr_err *err)
{
    size_t i;
    json_t *e;

    json_array_foreach(im->configs, i, e) {
        json_t *scope = json_object_get(e, "scope"), *t = NULL, *val;
        char *path = scope_path("config", scope, "");
        const char *k, *where = json_is_string(scope) ? json_string_value(scope) : "(global)";
        int rc = lookup(&t, vf->to, path, err);
        free(path);
        if (rc < 0)
            return -1;
        json_object_foreach(json_object_get(e, "config"), k, val) {
            json_t *tv = json_object_get(t, strcmp(k, "compatibility") ? k : "compatibilityLevel");
            if (!tv || !json_equal(tv, val))
                differ(vf, "config of %s: %s differs", where, k);
        }
        json_decref(t);
    }
    json_array_foreach(im->modes, i, e) {
        json_t *scope = json_object_get(e, "scope"), *t = NULL;
        char *path = scope_path("mode", scope, "");
        const char *where = json_is_string(scope) ? json_string_value(scope) : "(global)";
        int rc = lookup(&t, vf->to, path, err);
        free(path);
        if (rc < 0)
            return -1;
        if (strcmp(sr_image__str(t, "mode"), sr_image__str(e, "mode")) != 0)
            differ(vf, "mode of %s: %s, not %s", where, rc == 0 ? sr_image__str(t, "mode")
                                                              : "none", sr_image__str(e, "mode"));
        json_decref(t);
    }
    return 0;
}

int sr_image_verify(size_t *differences, const sr_image *im, sr_client *to, FILE *out,
                    sr_err *err)
{
    verify vf = {to, out, 0};
    size_t i;
    json_t *v;

    json_array_foreach(im->versions, i, v) if (verify_version(&vf, v, err) < 0) return -1;
    if (verify_ids(&vf, im, err) < 0 || verify_extra(&vf, im, err) < 0 ||
        verify_settings(&vf, im, err) < 0)
        return -1;
    *differences = vf.differences;
    return 0;
}
