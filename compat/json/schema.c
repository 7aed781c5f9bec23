/* json/schema.c -- a JSON Schema parsed once for everything sluice does with it: the document,
 * its draft, its references resolved, the meta-schema check, the compiled validator and
 * Confluent's model. */
#include "compat/json/model.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_BASE "mem://input"

struct sr_jschema {
    sr_jdoc *doc;         /* owned */
    sr_jdoc **dep_docs;   /* owned */
    size_t ndeps;
    sr_jdraft draft;
    char *base;           /* owned */
    sr_jrefs *refs;       /* owned */
    sr_jmodel *model;     /* owned */
    sr_jsv *validator;    /* owned */
};

static const struct {
    const char *url;
    sr_jdraft draft;
} drafts[] = {
    {"http://json-schema.org/draft-04/schema", SR_DRAFT_4},
    {"https://json-schema.org/draft-04/schema", SR_DRAFT_4},
    {"http://json-schema.org/schema", SR_DRAFT_4},
    {"https://json-schema.org/schema", SR_DRAFT_4},
    {"http://json-schema.org/draft-06/schema", SR_DRAFT_6},
    {"https://json-schema.org/draft-06/schema", SR_DRAFT_6},
    {"http://json-schema.org/draft-07/schema", SR_DRAFT_7},
    {"https://json-schema.org/draft-07/schema", SR_DRAFT_7},
    {"http://json-schema.org/draft/2019-09/schema", SR_DRAFT_2019_09},
    {"https://json-schema.org/draft/2019-09/schema", SR_DRAFT_2019_09},
    {"http://json-schema.org/draft/2020-12/schema", SR_DRAFT_2020_12},
    {"https://json-schema.org/draft/2020-12/schema", SR_DRAFT_2020_12},
};

sr_jdraft sr_jdraft_of(const sr_jv *root)
{
    const sr_jv *s = sr_jobj_get(root, "$schema");
    size_t n;

    if (!s || s->kind != SR_JSTRING)
        return SR_DRAFT_7;
    n = s->n;
    if (n && s->u.str[n - 1] == '#')
        n--;
    for (size_t i = 0; i < sizeof(drafts) / sizeof(drafts[0]); i++)
        if (strlen(drafts[i].url) == n && memcmp(drafts[i].url, s->u.str, n) == 0)
            return drafts[i].draft;
    return SR_DRAFT_7;
}

const char *sr_jdraft_name(sr_jdraft d)
{
    static const char *const names[] = {"draft-04", "draft-06", "draft-07", "2019-09", "2020-12"};
    return (unsigned)d < 5 ? names[d] : "draft-07";
}

void sr_jschema_free(sr_jschema *s)
{
    if (!s)
        return;
    sr_jsv_free(s->validator);
    sr_jmodel_free(s->model);
    sr_jrefs_free(s->refs);
    for (size_t i = 0; i < s->ndeps; i++)
        sr_jdoc_free(s->dep_docs[i]);
    free(s->dep_docs);
    sr_jdoc_free(s->doc);
    free(s->base);
    free(s);
}

const sr_jv *sr_jschema_root(const sr_jschema *s)
{
    return sr_jdoc_root(s->doc);
}

sr_jdraft sr_jschema_draft(const sr_jschema *s)
{
    return s->draft;
}

const sr_jsv *sr_jschema_validator(const sr_jschema *s)
{
    return s->validator;
}

const sr_jmodel *sr_jschema__model(const sr_jschema *s)
{
    return s->model;
}

const sr_jdoc *sr_jschema__doc(const sr_jschema *s)
{
    return s->doc;
}

/* Prefix a parse error with Confluent's words and, for a referenced schema, its name. */
static int invalid(sr_err *err, const char *dep)
{
    char *msg = sr_xstrdup(sr_err_message(err));

    if (dep)
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: in the referenced schema "
                   "'%s': %s", dep, msg);
    else
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: %s", msg);
    free(msg);
    return -1;
}

int sr_jschema_parse(sr_jschema **out, const char *text, const sr_jdep *deps, size_t ndeps,
                     int check_meta, int max_depth, sr_err *err)
{
    sr_jschema *s = sr_xcalloc(1, sizeof(*s));
    const sr_jv *root, *id;
    int rc = -1;

    if (sr_jdoc_parse(&s->doc, text, strlen(text), max_depth, err) < 0) {
        invalid(err, NULL);
        goto out;
    }
    root = sr_jdoc_root(s->doc);
    if (root->kind != SR_JOBJECT && root->kind != SR_JTRUE && root->kind != SR_JFALSE) {
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: line %d, column %d: a "
                   "schema is an object or a boolean", root->line, root->column);
        goto out;
    }
    s->draft = sr_jdraft_of(root);
    if (check_meta && sr_jmeta_check(root, s->draft, max_depth, err) < 0)
        goto out;
    id = sr_jobj_get(root, sr_jrefs_id_keyword(s->draft));
    s->base = id && id->kind == SR_JSTRING ? sr_uri_resolve(DEFAULT_BASE, id->u.str)
                                           : sr_xstrdup(DEFAULT_BASE);
    {
        char *nofrag = sr_uri_strip_fragment(s->base, NULL);
        free(s->base);
        s->base = nofrag;
    }
    s->refs = sr_jrefs_new(s->draft, max_depth);
    if (sr_jrefs_add(s->refs, s->base, root, err) < 0) {
        invalid(err, NULL);
        goto out;
    }
    if (strcmp(s->base, DEFAULT_BASE) != 0 && sr_jrefs_add(s->refs, DEFAULT_BASE, root, err) < 0)
        goto out;
    s->dep_docs = sr_xcalloc(ndeps + 1, sizeof(*s->dep_docs));
    for (size_t i = 0; i < ndeps; i++) {
        if (sr_jdoc_parse(&s->dep_docs[i], deps[i].text, strlen(deps[i].text), max_depth, err) <
            0) {
            invalid(err, deps[i].name);
            goto out;
        }
        s->ndeps++;
        if (sr_jrefs_add_dependency(s->refs, s->base, deps[i].name,
                                    sr_jdoc_root(s->dep_docs[i]), err) < 0) {
            invalid(err, deps[i].name);
            goto out;
        }
    }
    if (sr_jsv_compile(&s->validator, root, s->draft, s->base, s->refs, max_depth, err) < 0 ||
        sr_jmodel_build(&s->model, root, s->draft, s->base, s->refs, max_depth, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        sr_jschema_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int sr_jdiff_compare(sr_jdiffs *out, const sr_jschema *original, const sr_jschema *update,
                     sr_err *err)
{
    return sr_jdiff_models(out, original->model, update->model, err);
}
