/* refs.c -- resolving references into the ordered dependency list compat/ parses with
 * (confluent-api.md §7): depth-first, dependencies before dependents, the first binding of a name
 * wins, bounded in depth. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

void sr_registry__deps_dispose(sr_deps *d)
{
    for (size_t i = 0; i < d->nheld; i++)
        sr_store_schema_free(d->held[i]);
    free(d->held);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

typedef struct resolver {
    const sr_registry *r;
    sr_tx *tx;
    sr_deps *d;
    json_t *bound; /* names already bound: a set, so that wide graphs stay linear */
} resolver;

static int not_found(sr_err *err, const sr_ref *ref)
{
    return sr_err_set(err, 42201, "No schema reference found for subject \"%s\" and version %d",
                      ref->subject, ref->version);
}

/* The version `ref` names (its subject qualified already): fills *target, and *s with its stored
 * schema when `s` is not NULL. Reads that one version (or the subject's head for -1, "latest"),
 * never the subject's whole history. */
static int locate(resolver *rs, const sr_ref *ref, int allow_deleted, sr_ref_target *target,
                  sr_store_schema **s, sr_err *err)
{
    sr_store_version v = {0};
    int rc;
    char *context;

    if (ref->version == -1) {
        sr_store_subject_head head;
        if (sr_store_subject_head_get(&head, rs->tx, ref->subject, err) < 0)
            return -1;
        if (!head.latest_version)
            return not_found(err, ref);
        v.version = head.latest_version;
        v.id = head.latest_id;
    } else {
        rc = sr_store_version_get(&v, rs->tx, ref->subject, ref->version, err);
        if (rc < 0)
            return -1;
        free(v.subject);
        if (rc == 1 || (v.deleted && !allow_deleted))
            return not_found(err, ref);
    }
    *target = (sr_ref_target){v.version, v.id};
    context = sr_registry__context_of(ref->subject);
    rc = s ? sr_store_schema_get(s, rs->tx, context, v.id, err) : 0;
    free(context);
    if (rc == 1)
        not_found(err, ref);
    return rc == 0 ? 0 : -1;
}

static int resolve(resolver *rs, sr_ref_target *targets, const char *context, const sr_ref *refs,
                   size_t nrefs, int allow_deleted, int depth, sr_err *err);

/* Bind one reference whose name is not bound yet: its own references first, then itself. `ref`'s
 * strings must outlive the dependency list (the request's, or a held stored schema's). */
static int bind(resolver *rs, const sr_ref *ref, const sr_ref_target *t, sr_store_schema *s,
                int depth, sr_err *err)
{
    sr_deps *d = rs->d;
    sr_ref *sub = sr_xcalloc(s->nrefs + 1, sizeof(*sub));
    sr_schema_type type = SR_TYPE_AVRO;
    int rc;

    d->held = sr_xrealloc(d->held, (d->nheld + 1) * sizeof(*d->held));
    d->held[d->nheld++] = s; /* owns the strings bound below */
    for (size_t j = 0; j < s->nrefs; j++)
        sub[j] = (sr_ref){s->refs[j].name, s->refs[j].subject, s->refs[j].version};
    /* Stored schemas may lean on soft-deleted versions: they were valid when registered. Their
     * references are relative to their own context. */
    rc = resolve(rs, NULL, s->context, sub, s->nrefs, 1, depth + 1, err);
    free(sub);
    if (rc < 0 || json_object_get(rs->bound, ref->name))
        return rc;
    sr_schema_type_parse(&type, s->type, NULL);
    d->v = sr_xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
    d->v[d->n++] = (sr_dep){ref->name, ref->subject, t->version, type, s->text};
    json_object_set_new(rs->bound, ref->name, json_true());
    return 0;
}

/* One reference, its subject taken relative to `context`. */
static int resolve_one(resolver *rs, sr_ref_target *target, const char *context,
                       const sr_ref *given, int allow_deleted, int depth, sr_err *err)
{
    char *subject = sr_registry__qualify(context, given->subject);
    sr_ref ref = {given->name, subject, given->version};
    int bound = json_object_get(rs->bound, ref.name) != NULL; /* the first binding wins */
    sr_store_schema *s = NULL;
    int rc = locate(rs, &ref, allow_deleted, target, bound ? NULL : &s, err);

    if (rc == 0 && !bound)
        rc = bind(rs, given, target, s, depth, err);
    free(subject);
    return rc;
}

static int resolve(resolver *rs, sr_ref_target *targets, const char *context, const sr_ref *refs,
                   size_t nrefs, int allow_deleted, int depth, sr_err *err)
{
    if (nrefs && depth >= rs->r->opt.reference_depth_max)
        return sr_err_set(err, 42201, "Invalid reference: references nest deeper than %d levels",
                          rs->r->opt.reference_depth_max);
    for (size_t i = 0; i < nrefs; i++) {
        sr_ref_target t;
        if (!refs[i].name || !refs[i].subject)
            return sr_err_set(err, 42201, "Invalid reference: name and subject are required");
        if (resolve_one(rs, &t, context, &refs[i], allow_deleted, depth, err) < 0)
            return -1;
        if (targets)
            targets[i] = t;
    }
    return 0;
}

int sr_registry__resolve(sr_deps *d, sr_ref_target *targets, const sr_registry *r, sr_tx *tx,
                         const char *context, const sr_ref *refs, size_t nrefs, int allow_deleted,
                         sr_err *err)
{
    resolver rs = {r, tx, d, json_object()};
    int rc = resolve(&rs, targets, context, refs, nrefs, allow_deleted, 0, err);

    json_decref(rs.bound);
    return rc;
}

int sr_registry__targets_hold(sr_tx *tx, const char *context, const sr_store_ref *refs, size_t n,
                              const sr_ref_target *targets, sr_err *err)
{
    for (size_t i = 0; i < n; i++) {
        sr_store_version v;
        char *subject = sr_registry__qualify(context, refs[i].subject);
        int rc = sr_store_version_get(&v, tx, subject, targets[i].version, err);
        int holds = rc == 0 && !v.deleted && v.id == targets[i].id;

        free(subject);

        if (rc == 0)
            free(v.subject);
        if (rc < 0)
            return -1;
        if (!holds)
            return 0;
    }
    return 1;
}

int sr_registry__referrers(sr_store_version **out, size_t *n, sr_tx *tx, const char *subject,
                           int version, sr_err *err)
{
    char *context = sr_registry__context_of(subject);
    const char *local = subject;
    int rc;

    if (strcmp(context, ".") != 0) /* ":.ctx:name" is "name" inside .ctx */
        local = subject + strlen(context) + 2;
    rc = sr_store_referrers(out, n, tx, subject, version, context, local, err);
    free(context);
    return rc;
}
