/* json/format.c -- the JSON Schema module behind compat.h: sr_jsonschema_ops.
 *
 * The canonical text is the document re-printed compactly (key order kept, numbers as written);
 * normalized, its keys are sorted (confluent-api.md §6). References are the JSON schemas whose
 * names the $refs use. The checker is Confluent's diff read as "can the update read data written
 * with the original": only incompatible differences become findings, each at the JSON value its
 * path names in each text. */
#include "compat/json/model.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int js_parse(void **out, char **canonical_out, const char *text, const sr_dep *deps,
                    size_t ndeps, unsigned flags, const sr_parse_limits *limits, sr_err *err)
{
    sr_jdep *jdeps = sr_xcalloc(ndeps + 1, sizeof(*jdeps));
    sr_jschema *s = NULL;
    sr_buf canon = SR_BUF_INIT;
    size_t n = 0;
    int rc;

    for (size_t i = 0; i < ndeps; i++) /* only JSON references are schema documents */
        if (deps[i].type == SR_TYPE_JSON)
            jdeps[n++] = (sr_jdep){deps[i].name, deps[i].text};
    rc = sr_jschema_parse(&s, text, jdeps, n, (flags & SR_PARSE_NEW) != 0, limits->max_depth, err);
    free(jdeps);
    if (rc < 0)
        return -1;
    sr_jv_print(&canon, sr_jschema_root(s), (flags & SR_PARSE_NORMALIZE) != 0);
    *canonical_out = sr_buf_detach(&canon);
    *out = s;
    return 0;
}

static void js_free(void *model)
{
    sr_jschema_free(model);
}

/* Where a difference's value is, in the text of the schema `s` (0 when it is in a referenced
 * schema, or absent). */
static sr_fmt_pos pos_in(const sr_jschema *s, const sr_jv *v)
{
    if (!v || !sr_jdoc_owns(sr_jschema__doc(s), v))
        return (sr_fmt_pos){0, 0};
    return (sr_fmt_pos){v->line, v->column};
}

/* reader = the update, writer = the original (compatibility-rules.md §4). */
static int js_read_compat(sr_fmt_findings *out, const void *reader, const void *writer,
                          sr_err *err)
{
    sr_jdiffs d = {0};
    int rc = sr_jdiff_compare(&d, writer, reader, err);

    for (size_t i = 0; rc == 0 && i < d.n; i++) {
        const sr_jdiff *x = &d.v[i];
        if (sr_jdiff_is_compatible(x->type, 0))
            continue;
        sr_fmt_findings_push(out, (sr_fmt_finding){x->type, sr_xstrdup(x->path),
                                                   sr_jdiff_message(x), NULL,
                                                   pos_in(reader, x->update),
                                                   pos_in(writer, x->original)});
    }
    sr_jdiffs_dispose(&d);
    return rc;
}

/* The title, which Confluent's JSON serializers use as the record name. */
static void js_record_names(sr_strlist *out, const void *model)
{
    const sr_jv *t = sr_jobj_get(sr_jschema_root(model), "title");

    if (t && t->kind == SR_JSTRING)
        sr_strlist_add(out, t->u.str);
}

/* The root object's properties. */
static void js_field_names(sr_strlist *out, const void *model)
{
    const sr_jv *props = sr_jobj_get(sr_jschema_root(model), "properties");

    if (props && props->kind == SR_JOBJECT)
        for (size_t i = 0; i < props->n; i++)
            sr_strlist_add(out, props->u.members[i].key);
}

/* Every document a $ref names outside the schema itself: the part before '#' of each $ref that
 * has one, relative or absolute, in order, each once (`seen` holds those already in `out`). The
 * recursion is bounded by the parser's nesting limit. */
static void collect_refs(sr_strlist *out, json_t *seen, const sr_jv *v)
{
    if (v->kind == SR_JOBJECT) {
        const sr_jv *r = sr_jobj_get(v, "$ref");
        if (r && r->kind == SR_JSTRING && r->u.str[0] != '#') {
            char *doc = sr_uri_strip_fragment(r->u.str, NULL);
            if (*doc && !json_object_get(seen, doc)) {
                json_object_set_new_nocheck(seen, doc, json_true());
                sr_strlist_add(out, doc);
            }
            free(doc);
        }
        for (size_t i = 0; i < v->n; i++)
            collect_refs(out, seen, v->u.members[i].value);
    } else if (v->kind == SR_JARRAY) {
        for (size_t i = 0; i < v->n; i++)
            collect_refs(out, seen, v->u.items[i]);
    }
}

static int js_imports(sr_strlist *out, const char *text, sr_err *err)
{
    sr_jdoc *d = NULL;
    json_t *seen;

    if (sr_jdoc_parse(&d, text, strlen(text), SR_COMPAT_MAX_DEPTH, err) < 0) {
        char *msg = sr_xstrdup(sr_err_message(err));
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: %s", msg);
        free(msg);
        return -1;
    }
    seen = json_object();
    for (size_t i = 0; i < out->n; i++) /* appended to: what is there already counts as seen */
        json_object_set_new_nocheck(seen, out->v[i], json_true());
    collect_refs(out, seen, sr_jdoc_root(d));
    json_decref(seen);
    sr_jdoc_free(d);
    return 0;
}

static int js_validate_json(sr_violations *out, const void *model, const char *doc,
                            const char *message_name, int max_depth, sr_err *err)
{
    sr_jdoc *d = NULL;
    sr_violations found = SR_VIOLATIONS_INIT;
    int rc;
    (void)message_name;

    if (sr_jdoc_parse(&d, doc, strlen(doc), max_depth, err) < 0) {
        char *msg = sr_xstrdup(sr_err_message(err));
        sr_err_set(err, 42201, "The document is not JSON: %s", msg);
        free(msg);
        return -1;
    }
    rc = sr_jsv_validate(&found, sr_jschema_validator(model), sr_jdoc_root(d), err);
    for (size_t i = 0; rc >= 0 && i < found.n; i++)
        sr_violations_add(out, found.v[i].pointer, "%s (schema: %s)", found.v[i].message,
                          found.v[i].schema_pointer);
    sr_violations_dispose(&found);
    sr_jdoc_free(d);
    return rc;
}

const sr_format_ops sr_jsonschema_ops = {
    .name = "JSON",
    .parse = js_parse,
    .free = js_free,
    .render = NULL,
    .read_compat = js_read_compat,
    .message_positions = 0,
    .imports = js_imports,
    .record_names = js_record_names,
    .field_names = js_field_names,
    .validate_json = js_validate_json,
};
