/* lookup.c -- POST /subjects/{s} (confluent-api.md §5.4), the producers' path when they do not
 * register: is this schema a version of the subject? By fingerprint first (the subject's history
 * is not read, only the versions holding that fingerprint); then with the config's default and
 * override metadata merged in; then, on a miss, by equivalence (lookup_equiv.c). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

typedef struct lookup {
    sr_registry *r;
    sr_tx *tx;
    char *subject;        /* the alias's target when the subject has one */
    char *context;
    const sr_schema_req *req;
    int deleted;
    sr_scope scope;
    sr_prepared p;
} lookup;

/* The newest version of the subject (visible under `deleted`) holding any id of `hash`: 0 with
 * *found filled, 1 when none. */
static int find_held(sr_store_version *found, const lookup *l, const uint8_t hash[16],
                     sr_err *err)
{
    sr_store_id *ids = NULL;
    size_t n = 0;
    int rc = 1;

    if (sr_store_schema_ids(&ids, &n, l->tx, hash, err) < 0)
        return -1;
    for (size_t i = 0; i < n && rc == 1; i++) {
        sr_store_version *vs = NULL;
        size_t nv = 0;
        int at;
        if (strcmp(ids[i].context, l->context) != 0)
            continue;
        if (sr_store_versions_holding(&vs, &nv, l->tx, l->subject, ids[i].id, err) < 0) {
            rc = -1;
            break;
        }
        at = sr_registry__holder(vs, nv, ids[i].id, l->deleted);
        if (at >= 0) {
            *found = vs[at];
            vs[at].subject = NULL; /* handed over */
            rc = 0;
        }
        sr_store_versions_free(vs, nv);
    }
    sr_store_ids_free(ids, n);
    return rc;
}

/* The same schema with the config's default and override metadata and rules merged in. */
static int find_with_defaults(sr_store_version *found, const lookup *l, sr_err *err)
{
    sr_contract c;
    uint8_t hash[16];
    sr_ref *refs = sr_xcalloc(l->p.nrefs + 1, sizeof(*refs));
    int rc;

    if (sr_registry__contract(&c, l->req, NULL, l->scope.config, err) < 0) {
        free(refs);
        return -1;
    }
    for (size_t i = 0; i < l->p.nrefs; i++)
        refs[i] = (sr_ref){l->p.refs[i].name, l->p.refs[i].subject, l->p.refs[i].version};
    rc = sr_fingerprint(hash, l->p.text, refs, l->p.nrefs, c.metadata, c.ruleset, err) < 0
             ? -1
             : find_held(found, l, hash, err);
    sr_registry__contract_dispose(&c);
    free(refs);
    return rc;
}

static int answer(json_t **out, const lookup *l, const sr_store_version *v, sr_err *err)
{
    sr_store_schema *s = NULL;

    if (sr_registry__stored(&s, l->tx, l->context, v->id, err) < 0)
        return -1;
    *out = sr_registry__version_json(l->subject, v, s, NULL);
    sr_store_schema_free(s);
    return 0;
}

static int lookup_in(json_t **out, lookup *l, sr_err *err)
{
    sr_schema_src src = sr_registry__src(l->req, l->context);
    sr_store_subject_head head;
    sr_store_version found = {0};
    unsigned flags = l->scope.normalize || l->req->normalize ? SR_PARSE_NORMALIZE : 0;
    int rc;

    /* An unparsable schema is reported before whether the subject exists. */
    if (sr_registry__contract_check(l->req, err) < 0 ||
        sr_registry__prepare(&l->p, l->r, l->tx, &src, flags, 0, err) < 0 ||
        sr_store_subject_head_get(&head, l->tx, l->subject, err) < 0)
        return -1;
    if (!head.latest_version && !(l->deleted && head.max_version))
        return sr_err_set(err, 40401, "Subject '%s' not found.", l->subject);
    rc = find_held(&found, l, l->p.hash, err);
    if (rc == 1)
        rc = find_with_defaults(&found, l, err);
    if (rc == 1)
        rc = sr_registry__find_equivalent(&found, l->r, l->tx, l->subject, l->deleted, &l->p,
                                          l->req, err);
    if (rc == 0)
        rc = answer(out, l, &found, err);
    free(found.subject);
    return rc == 1 ? sr_err_set(err, 40403, "Schema not found") : rc;
}

static int lookup_read(json_t **out, lookup *l, sr_err *err)
{
    if (sr_registry__alias(&l->subject, l->r, l->tx, err) < 0)
        return -1;
    l->context = sr_registry__context_of(l->subject);
    if (sr_registry__scope(&l->scope, l->r, l->tx, l->subject, err) < 0)
        return -1;
    return lookup_in(out, l, err);
}

int sr_registry_lookup(json_t **out, sr_registry *r, const char *subject, const sr_schema_req *req,
                       int deleted, sr_err *err)
{
    lookup l = {r, NULL, sr_xstrdup(subject), NULL, req, deleted, {0}, {0}};
    int rc;

    if (!req->schema || !*req->schema) {
        free(l.subject);
        return sr_err_set(err, 40403, "Schema not found");
    }
    if (sr_registry__check_request(r, req, err) < 0) {
        free(l.subject);
        return -1;
    }
    SR_WITH_READ(r, err, (l.tx = rd.tx, lookup_read(out, &l, err)));
    sr_registry__scope_dispose(&l.scope);
    sr_registry__prepared_dispose(&l.p);
    free(l.subject);
    free(l.context);
    return rc;
}
