/* read_subjects.c -- the read side by subject: schemas, subjects, versions, referencedby
 * (confluent-api.md §3.2-§3.4), across contexts. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* The store prefix and the filter for a listing's `subjectPrefix` (§3.3): NULL is every context;
 * an unqualified prefix ("" included) is the default context only; ":.ctx:..." is that context,
 * and ":.:abc" the default one. */
typedef struct listing {
    const char *store_prefix;
    int default_only;
} listing;

static listing listing_of(const char *prefix)
{
    if (!prefix)
        return (listing){"", 0};
    if (strncmp(prefix, ":.:", 3) == 0)
        return (listing){prefix + 3, 1};
    if (strncmp(prefix, ":.", 2) == 0)
        return (listing){prefix, 0};
    return (listing){prefix, 1};
}

static int listed(const listing *l, const char *subject)
{
    return !l->default_only || sr_registry__is_default_context(subject);
}

/* Listings read the store a page at a time and stop once the answer's page is full, so that
 * GET /schemas and GET /subjects cost what they answer, not what the store holds. */
#define STORE_PAGE 1000

/* The versions a GET /schemas answer shows, gathered as the store's pages go by: `offset` of
 * them skipped, at most `limit` kept. With latestOnly a subject's version is taken only once the
 * next subject shows that it was the subject's last one included. */
typedef struct version_pick {
    const listing *l;
    sr_page page;
    int deleted, latest_only;
    sr_store_version held; /* latestOnly: the current subject's last included version so far */
    int holding;
    int skipped;
    sr_store_version *kept; /* owned */
    size_t nkept;
} version_pick;

static int pick_full(const version_pick *p)
{
    return p->nkept >= (size_t)p->page.limit;
}

static void pick_take(version_pick *p, sr_store_version *v)
{
    if (p->skipped < p->page.offset) {
        p->skipped++;
        free(v->subject);
        return;
    }
    p->kept = sr_xrealloc(p->kept, (p->nkept + 1) * sizeof(*p->kept));
    p->kept[p->nkept++] = *v;
}

/* Consider one version (taken over). */
static void pick_row(version_pick *p, sr_store_version *v)
{
    if (p->latest_only && p->holding && strcmp(p->held.subject, v->subject) != 0) {
        p->holding = 0;
        pick_take(p, &p->held);
        if (pick_full(p)) {
            free(v->subject);
            return;
        }
    }
    if ((v->deleted && !p->deleted) || !listed(p->l, v->subject) ||
        !sr_registry__listed(p->page, v->subject)) {
        free(v->subject);
    } else if (p->latest_only) {
        if (p->holding)
            free(p->held.subject);
        p->held = *v;
        p->holding = 1;
    } else {
        pick_take(p, v);
    }
}

static int pick_versions(version_pick *p, sr_tx *tx, const char *prefix, sr_err *err)
{
    char *after = NULL;
    int after_version = 0, rc = 0;
    size_t n = STORE_PAGE;

    while (n == STORE_PAGE && !pick_full(p)) {
        sr_store_version *vs = NULL;
        if ((rc = sr_store_all_versions_page(&vs, &n, tx, prefix, after, after_version,
                                             STORE_PAGE, err)) < 0)
            break;
        if (n) {
            free(after);
            after = sr_xstrdup(vs[n - 1].subject);
            after_version = vs[n - 1].version;
        }
        for (size_t i = 0; i < n; i++) {
            if (pick_full(p))
                free(vs[i].subject);
            else
                pick_row(p, &vs[i]);
        }
        free(vs);
    }
    if (p->holding && rc == 0 && !pick_full(p))
        pick_take(p, &p->held);
    else if (p->holding)
        free(p->held.subject);
    p->holding = 0;
    free(after);
    return rc;
}

static int schemas(json_t **out, sr_tx *tx, const char *prefix, int deleted, int latest_only,
                   sr_page page, sr_err *err)
{
    listing l = listing_of(prefix ? prefix : "");
    version_pick p = {.l = &l, .page = page, .deleted = deleted, .latest_only = latest_only};
    json_t *a = NULL;
    int rc = -1;

    if (pick_versions(&p, tx, l.store_prefix, err) < 0)
        goto out;
    a = json_array();
    for (size_t i = 0; i < p.nkept; i++) {
        sr_store_schema *s = NULL;
        char *context = sr_registry__context_of(p.kept[i].subject);
        int got = sr_store_schema_get(&s, tx, context, p.kept[i].id, err);
        free(context);
        if (got < 0)
            goto out;
        if (s) /* the foreign key keeps it there */
            json_array_append_new(a, sr_registry__version_json(p.kept[i].subject, &p.kept[i], s,
                                                               NULL));
        sr_store_schema_free(s);
    }
    *out = a;
    a = NULL;
    rc = 0;
out:
    json_decref(a);
    sr_store_versions_free(p.kept, p.nkept);
    return rc;
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
    listing l = listing_of(prefix);
    char *after = NULL;
    size_t n = STORE_PAGE, limit = page.limit > 0 ? (size_t)page.limit : (size_t)-1;
    int skipped = 0;
    json_t *a = json_array();

    while (n == STORE_PAGE && json_array_size(a) < limit) {
        sr_store_subject *ss = NULL;
        if (sr_store_subjects_page(&ss, &n, tx, l.store_prefix, after, STORE_PAGE, err) < 0) {
            json_decref(a);
            free(after);
            return -1;
        }
        for (size_t i = 0; i < n && json_array_size(a) < limit; i++) {
            if (!(deleted_only ? ss[i].all_deleted : (deleted || !ss[i].all_deleted)) ||
                !listed(&l, ss[i].name) || !sr_registry__listed(page, ss[i].name))
                continue;
            if (skipped < page.offset)
                skipped++;
            else
                json_array_append_new(a, sr_registry__string(ss[i].name));
        }
        if (n) {
            free(after);
            after = sr_xstrdup(ss[n - 1].name);
        }
        sr_store_subjects_free(ss, n);
    }
    free(after);
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

static int versions_of(json_t **out, sr_tx *tx, const char *subject, int deleted,
                       int deleted_only, int as_negative, sr_page page, sr_err *err)
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
    /* deletedOnly lists nothing for a subject with nothing deleted; that is not an absence */
    if (json_array_size(a) == 0 && !(deleted_only && n)) {
        json_decref(a);
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    }
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

/* A subject whose own config names an alias is read as its target (7.4+). */
static int versions(json_t **out, const sr_registry *r, sr_tx *tx, const char *asked, int deleted,
                    int deleted_only, int as_negative, sr_page page, sr_err *err)
{
    char *subject = sr_xstrdup(asked);
    int rc = sr_registry__alias(&subject, r, tx, err);

    if (rc == 0)
        rc = versions_of(out, tx, subject, deleted, deleted_only, as_negative, page, err);
    free(subject);
    return rc;
}

int sr_registry_versions(json_t **out, sr_registry *r, const char *subject, int deleted,
                         int deleted_only, int as_negative, sr_page page, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, versions(out, r, rd.tx, subject, deleted, deleted_only, as_negative,
                                  page, err));
    return rc;
}

static int version_get(json_t **out, char **text_out, sr_registry *r, const sr_reading *rd,
                       const char *asked, const char *version, int deleted, const char *format,
                       sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_store_schema *s = NULL;
    char *text = NULL, *subject = sr_xstrdup(asked), *context = NULL;
    size_t n = 0;
    int at = -1, rc = -1;

    if (sr_registry__alias(&subject, r, rd->tx, err) == 0) { /* an alias reads its target */
        context = sr_registry__context_of(subject);
        at = sr_registry__locate(&vs, &n, rd->tx, subject, version, deleted, err);
    }
    if (at < 0 || sr_registry__stored(&s, rd->tx, context, vs[at].id, err) < 0 ||
        sr_registry__render(&text, r, rd, s, format, err) < 0)
        goto out;
    if (out)
        *out = sr_registry__version_json(subject, &vs[at], s, text);
    if (text_out) {
        *text_out = text;
        text = NULL;
    }
    rc = 0;
out:
    free(subject);
    free(context);
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

    at = sr_registry__locate(&vs, &n, tx, subject, version, 1, err);
    if (at < 0 || sr_registry__referrers(&refs, &nr, tx, subject, vs[at].version, err) < 0)
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

/* ---- GET /subjects/{s}/metadata (7.4+): the latest version whose metadata has these properties */

static int has_properties(const sr_store_schema *s, const sr_properties *want)
{
    json_t *m = s->metadata ? json_loads(s->metadata, 0, NULL) : NULL;
    json_t *props = json_object_get(m, "properties");
    int all = 1;

    for (size_t i = 0; i < want->n && all; i++) {
        const char *v = json_string_value(json_object_get(props, want->keys[i]));
        all = v && strcmp(v, want->values[i]) == 0;
    }
    json_decref(m);
    return all;
}

static int by_metadata(json_t **out, sr_registry *r, const sr_reading *rd, const char *subject,
                       const sr_properties *want, int deleted, const char *format, sr_err *err)
{
    char *context = sr_registry__context_of(subject), *text = NULL;
    sr_store_version *vs = NULL;
    sr_store_schema *s = NULL;
    size_t n = 0, i;
    int rc = -1;

    if (sr_store_versions(&vs, &n, rd->tx, subject, err) < 0)
        goto out;
    if (sr_registry__latest(vs, n) < 0 && !(deleted && n)) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    for (i = n; i-- > 0; sr_store_schema_free(s), s = NULL) { /* newest first */
        if (vs[i].deleted && !deleted)
            continue;
        if (sr_store_schema_get(&s, rd->tx, context, vs[i].id, err) < 0)
            goto out; /* a store error is not "not found" */
        if (s && has_properties(s, want))
            break;
    }
    if (!s) {
        sr_err_set(err, 40403, "Schema not found");
        goto out;
    }
    if (sr_registry__render(&text, r, rd, s, format, err) == 0) {
        *out = sr_registry__version_json(subject, &vs[i], s, text);
        rc = 0;
    }
out:
    free(text);
    sr_store_schema_free(s);
    sr_store_versions_free(vs, n);
    free(context);
    return rc;
}

int sr_registry_by_metadata(json_t **out, sr_registry *r, const char *subject,
                            const sr_properties *want, int deleted, const char *format,
                            sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, by_metadata(out, r, &rd, subject, want, deleted, format, err));
    return rc;
}
