/* json/meta.c -- a schema checked against the meta-schema of its draft.
 *
 * The meta-schemas are embedded at build time from the files Debian's python3-jsonschema
 * installs (build.mk); the 2019-09 and 2020-12 ones are split into vocabularies, which come as
 * one object keyed by their URIs. Each check parses and compiles the draft's meta-schema, then
 * validates the schema as an instance with the same validator payloads use. */
#include "compat/json/internal.h"
#include "common/embedded.h"

#include <stdlib.h>
#include <string.h>

extern const struct sr_embedded_text sr_json__metaschemas[];

static const char *meta_text(const char *name)
{
    return sr_embedded_find(sr_json__metaschemas, name);
}

/* The first violations as one line: "<pointer> (line L, column C): <message>; ...". */
static void describe(sr_buf *b, const sr_violations *v, const sr_jv *root)
{
    size_t shown = 0;

    for (size_t i = 0; i < v->n && shown < 3; i++) {
        const sr_jv *at = sr_jv_at(root, v->v[i].pointer);
        if (shown++)
            sr_buf_puts(b, "; ");
        sr_buf_printf(b, "#%s", v->v[i].pointer);
        if (at)
            sr_buf_printf(b, " (line %d, column %d)", at->line, at->column);
        sr_buf_printf(b, ": %s", v->v[i].message);
    }
    if (v->n > shown)
        sr_buf_printf(b, "; and %zu more", v->n - shown);
}

int sr_jmeta_check(const sr_jv *root, sr_jdraft draft, int max_depth, sr_err *err)
{
    const char *name = sr_jdraft_name(draft), *text = meta_text(name);
    const char *vocab = draft >= SR_DRAFT_2019_09 ? meta_text("vocabularies") : NULL;
    sr_jdoc *meta = NULL, *vocabs = NULL;
    sr_jrefs *refs = NULL;
    sr_jsv *v = NULL;
    sr_violations found = SR_VIOLATIONS_INIT;
    const sr_jv *mroot, *id;
    sr_jdraft mdraft;
    SR_ERR_LOCAL(inner);
    int rc = -1;

    if (!text)
        return 0; /* built without this meta-schema */
    if (sr_jdoc_parse(&meta, text, strlen(text), 64, &inner) < 0 ||
        (vocab && sr_jdoc_parse(&vocabs, vocab, strlen(vocab), 64, &inner) < 0)) {
        sr_err_set(err, 50001, "the embedded %s meta-schema does not parse: %s", name,
                   sr_err_message(&inner));
        goto out;
    }
    mroot = sr_jdoc_root(meta);
    mdraft = sr_jdraft_of(mroot);
    id = sr_jobj_get(mroot, sr_jrefs_id_keyword(mdraft));
    refs = sr_jrefs_new(mdraft, 64);
    if (sr_jrefs_add(refs, id && id->kind == SR_JSTRING ? id->u.str : "meta", mroot, &inner) < 0)
        goto broken;
    for (size_t i = 0; vocabs && i < sr_jdoc_root(vocabs)->n; i++) {
        const sr_jmember *m = &sr_jdoc_root(vocabs)->u.members[i];
        if (strstr(m->key, "hyper-schema"))
            continue; /* not part of either dialect's meta-schema (it needs "links") */
        if (sr_jrefs_add(refs, m->key, m->value, &inner) < 0)
            goto broken;
    }
    if (sr_jsv_compile(&v, mroot, mdraft, "", refs, max_depth > 64 ? max_depth : 64, &inner) < 0)
        goto broken;
    found.max = 16;
    rc = sr_jsv_validate(&found, v, root, &inner);
    if (rc < 0) {
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: %s (the nesting limit is "
                   "%d)", sr_err_message(&inner), max_depth);
    } else if (rc == 0) {
        sr_buf b = SR_BUF_INIT;
        describe(&b, &found, root);
        sr_err_set(err, 42201, "Invalid schema of type JSON, details: the schema is not valid "
                   "against the %s meta-schema: %s", name, b.ptr);
        sr_buf_dispose(&b);
        rc = -1;
    } else {
        rc = 0;
    }
    goto out;
broken:
    sr_err_set(err, 50001, "the embedded %s meta-schema cannot be compiled: %s", name,
               sr_err_message(&inner));
out:
    sr_violations_dispose(&found);
    sr_jsv_free(v);
    sr_jrefs_free(refs);
    sr_jdoc_free(meta);
    sr_jdoc_free(vocabs);
    return rc;
}
