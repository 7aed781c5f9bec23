/* candidates.c -- a compatibility check as a use-case runs it: only the versions the level needs
 * (the latest one for BACKWARD, FORWARD and FULL; every non-deleted one for the transitive
 * levels), each parsed once and shared through the cache (compatibility-rules.md §1). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Indexes into vs of the versions to check, ascending. */
static size_t pick(size_t *idx, const sr_store_version *vs, size_t n, int only_version,
                   sr_compat_level level)
{
    size_t k = 0;

    if (level == SR_COMPAT_NONE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!vs[i].deleted && (!only_version || vs[i].version == only_version))
            idx[k++] = i;
    if (!sr_compat_level_transitive(level) && k > 1) {
        idx[0] = idx[k - 1];
        k = 1;
    }
    return k;
}

int sr_registry__check_versions(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                                const sr_schema *schema, const char *context,
                                const sr_store_version *vs, size_t n, int only_version,
                                sr_compat_level level, sr_err *err)
{
    size_t *idx = sr_xcalloc(n + 1, sizeof(*idx));
    sr_idcache_ref **refs = sr_xcalloc(n + 1, sizeof(*refs));
    sr_candidate *cands = sr_xcalloc(n + 1, sizeof(*cands));
    size_t k = pick(idx, vs, n, only_version, level);
    int rc = -1;

    for (size_t i = 0; i < k; i++) {
        if (sr_registry__parsed(&refs[i], r, rd, context, vs[idx[i]].id, err) != 0)
            goto out;
        cands[i] = (sr_candidate){sr_registry__parsed_schema(refs[i]), vs[idx[i]].version};
    }
    rc = sr_compat_check(msgs, level, schema, cands, k, err);
out:
    for (size_t i = 0; i < k; i++)
        sr_registry__parsed_release(r, refs[i]);
    free(idx);
    free(refs);
    free(cands);
    return rc;
}

/* The value of metadata property `group` in a metadata JSON text, or NULL (borrowed from *holder). */
static const char *group_value(json_t **holder, const char *metadata, const char *group)
{
    *holder = metadata ? json_loads(metadata, 0, NULL) : NULL;
    return json_string_value(json_object_get(json_object_get(*holder, "properties"), group));
}

/* compatibilityGroup (8.x): only the live versions whose metadata property `group` equals the new
 * schema's take part (absent equals absent). Filters vs in place and sets *n to the new count; -1
 * when a version's schema cannot be read (err set): a check on fewer versions must not pass. */
static int keep_group(sr_store_version *vs, size_t *n, sr_tx *tx, const char *context,
                      const char *metadata, const char *group, sr_err *err)
{
    json_t *mine = NULL;
    const char *want = group_value(&mine, metadata, group);
    size_t k = 0;
    int rc = 0;

    for (size_t i = 0; i < *n; i++) {
        sr_store_schema *s = NULL;
        json_t *theirs = NULL;
        int keep = 0;
        if (!vs[i].deleted && rc == 0) {
            int got = sr_store_schema_get(&s, tx, context, vs[i].id, err);
            if (got < 0)
                rc = -1;
            else
                keep = got == 0 && sr_registry__same_text(want, group_value(&theirs, s->metadata, group));
        }
        json_decref(theirs);
        sr_store_schema_free(s);
        if (keep)
            vs[k++] = vs[i];
        else
            free(vs[i].subject);
    }
    json_decref(mine);
    *n = k;
    return rc;
}

void sr_registry__mark_validate_fields(sr_strlist *msgs, const sr_scope *scope)
{
    char *last;

    if (!msgs->n || !json_is_true(json_object_get(scope->config, "validateFields")))
        return;
    last = msgs->v[msgs->n - 1]; /* "{validateFields: 'false', compatibility: '...'}" */
    if (strncmp(last, "{validateFields: 'false'", 24) == 0) {
        msgs->v[msgs->n - 1] = sr_compat_fill_words("{validateFields: 'true'%s", last + 24, "");
        free(last);
    }
}

/* The names of metadata property `confluent:reserved` (a comma list), trimmed. */
static void reserved_names(sr_strlist *out, const char *metadata)
{
    json_t *m = metadata ? json_loads(metadata, 0, NULL) : NULL;
    const char *list = json_string_value(
        json_object_get(json_object_get(m, "properties"), "confluent:reserved"));

    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len)
            sr_strlist_take(out, sr_xstrndup(p, len));
        p = end ? end + 1 : NULL;
    }
    json_decref(m);
}

static int listed(const sr_strlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return 1;
    return 0;
}

/* Reserved fields (validateFields, compatibility-rules.md §1.1): a name reserved by the latest
 * version must stay reserved, and no top-level field may use a reserved name. Appends one message
 * per problem; returns how many. */
static size_t check_reserved(sr_strlist *msgs, const sr_schema *schema, const char *metadata,
                             const char *old_metadata)
{
    sr_strlist now = SR_STRLIST_INIT, before = SR_STRLIST_INIT, fields = SR_STRLIST_INIT;
    size_t n = msgs->n;

    reserved_names(&now, metadata);
    reserved_names(&before, old_metadata);
    sr_schema_field_names(&fields, schema);
    for (size_t i = 0; i < before.n; i++)
        if (!listed(&now, before.v[i]))
            sr_strlist_addf(msgs, "The new schema has reserved field %s removed from its metadata "
                            "which is present in the old schema's metadata.", before.v[i]);
    for (size_t i = 0; i < now.n; i++)
        if (listed(&fields, now.v[i]))
            sr_strlist_addf(msgs, "The new schema has field that conflicts with the reserved "
                            "field %s.", now.v[i]);
    sr_strlist_dispose(&now);
    sr_strlist_dispose(&before);
    sr_strlist_dispose(&fields);
    return msgs->n - n;
}

/* With validateFields, the reserved-field problems join the list (before its closing line) and
 * make the schema incompatible whatever the level said. */
static int add_reserved(sr_strlist *msgs, int ok, const sr_schema *schema, const char *metadata,
                        const char *old_metadata, const sr_scope *scope)
{
    sr_strlist found = SR_STRLIST_INIT;
    char *closing = NULL;

    if (ok < 0 || !json_is_true(json_object_get(scope->config, "validateFields")) ||
        !check_reserved(&found, schema, metadata, old_metadata)) {
        sr_strlist_dispose(&found);
        return ok;
    }
    if (ok == 0 && msgs->n) /* keep the closing line last */
        closing = msgs->v[--msgs->n];
    for (size_t i = 0; i < found.n; i++)
        sr_strlist_take(msgs, found.v[i]);
    found.n = 0;
    if (closing)
        sr_strlist_take(msgs, closing);
    else
        sr_strlist_addf(msgs, "{validateFields: 'false', compatibility: '%s'}",
                        sr_compat_level_name(scope->level));
    sr_strlist_dispose(&found);
    return 0;
}

int sr_registry__check_subject(sr_strlist *msgs, sr_registry *r, const sr_reading *rd,
                               const sr_schema *schema, const char *metadata, const char *subject,
                               const sr_store_subject_head *head,
                               const sr_store_schema *latest_row, const sr_scope *scope,
                               sr_err *err)
{
    sr_store_version latest = {NULL, head->latest_version, head->latest_id, 0, 0}, *vs = NULL;
    const char *group = json_string_value(json_object_get(scope->config, "compatibilityGroup"));
    char *context = sr_registry__context_of(subject);
    size_t n = 0;
    int ok = -1;

    if (!sr_compat_level_transitive(scope->level) && !group) /* the head names the one version needed */
        ok = sr_registry__check_versions(msgs, r, rd, schema, context, &latest,
                                         head->latest_version ? 1 : 0, 0, scope->level, err);
    else if (sr_store_versions(&vs, &n, rd->tx, subject, err) == 0 &&
             (!group || keep_group(vs, &n, rd->tx, context, metadata, group, err) == 0))
        ok = sr_registry__check_versions(msgs, r, rd, schema, context, vs, n, 0, scope->level,
                                         err);
    ok = add_reserved(msgs, ok, schema, metadata, latest_row ? latest_row->metadata : NULL, scope);
    sr_registry__mark_validate_fields(msgs, scope);
    sr_store_versions_free(vs, n);
    free(context);
    return ok;
}

char *sr_registry__java_list(const sr_strlist *l)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_putc(&b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sr_buf_puts(&b, ", ");
        sr_buf_puts(&b, l->v[i]);
    }
    sr_buf_putc(&b, ']');
    return sr_buf_detach(&b);
}
