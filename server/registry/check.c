/* check.c -- POST /compatibility/subjects/{s}/versions[/{v}] (confluent-api.md §3.5): the check a
 * registration would run (every version the level needs, within the compatibilityGroup), or the
 * check against one version, without writing anything. The mode does not matter. */
#include "server/registry/internal.h"

#include <stdlib.h>

typedef struct check {
    sr_registry *r;
    const sr_reading *rd;
    const char *subject;
    char *context;
    const char *version;  /* NULL: as a registration would */
    const sr_schema_req *req;
    sr_scope scope;
    sr_store_subject_head head;
    sr_store_schema *latest; /* the latest version's schema row, NULL when none */
    sr_contract contract; /* the metadata a registration would give the new version */
    sr_prepared p;
} check;

/* The one version checked against (its number and schema id; version -1 when there is nothing
 * to compare with). */
static int target_version(sr_store_version *only, const check *c, sr_err *err)
{
    int n, rc;

    *only = (sr_store_version){.version = -1};
    if (sr_registry_parse_version(&n, c->version, err) < 0)
        return -1;
    if (n == -1) {
        if (c->head.latest_version)
            *only = (sr_store_version){.version = c->head.latest_version,
                                       .id = c->head.latest_id};
        return 0;
    }
    rc = sr_store_version_get(only, c->rd->tx, c->subject, n, err);
    if (rc < 0)
        return -1;
    free(only->subject);
    only->subject = NULL;
    if (rc == 1 || only->deleted)
        return sr_err_set(err, 40402, "Version %d not found.", n);
    return 0;
}

/* The answer {is_compatible, messages?}. */
static json_t *verdict(int ok, const sr_strlist *msgs, int verbose)
{
    json_t *o = json_pack("{s:b}", "is_compatible", ok), *a;

    if (verbose) {
        a = json_array();
        for (size_t i = 0; i < msgs->n; i++)
            json_array_append_new(a, sr_registry__string(msgs->v[i]));
        json_object_set_new(o, "messages", a);
    }
    return o;
}

/* Against one version. 1, 0 or -1. */
static int check_one(sr_strlist *msgs, check *c, const sr_store_version *only, sr_err *err)
{
    int ok;

    if (only->version == -1)
        return 1; /* nothing to compare with: compatible */
    ok = sr_registry__check_versions(msgs, c->r, c->rd, c->p.schema, c->context, only, 1,
                                     only->version, c->scope.level, err);
    sr_registry__mark_validate_fields(msgs, &c->scope);
    return ok;
}

static int check_in(json_t **out, check *c, int verbose, sr_err *err)
{
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_schema_src src = sr_registry__src(c->req, c->context);
    unsigned flags = SR_PARSE_NEW | (c->scope.normalize || c->req->normalize ? SR_PARSE_NORMALIZE
                                                                              : 0);
    sr_store_version only = {.version = -1};
    int ok = -1;

    if (!src.text)
        src.text = "";
    if (c->version && target_version(&only, c, err) < 0)
        goto out;
    if (sr_registry__prepare(&c->p, c->r, c->rd->tx, &src, flags, 0, err) < 0) {
        if (verbose && err->code == 42201) { /* verbose turns an invalid schema into an answer */
            sr_strlist_add(&msgs, sr_err_message(err));
            sr_err_clear(err);
            ok = 0;
        }
        goto out;
    }
    ok = c->version ? check_one(&msgs, c, &only, err)
                    : sr_registry__check_subject(&msgs, c->r, c->rd, c->p.schema,
                                                 c->contract.metadata, c->subject, &c->head,
                                                 c->latest, &c->scope, err);
out:
    if (ok >= 0)
        *out = verdict(ok, &msgs, verbose);
    sr_strlist_dispose(&msgs);
    return ok < 0 ? -1 : 0;
}

/* The subject's scope, head and the metadata a new version would carry, then the check. */
static int check_read(json_t **out, check *c, int verbose, sr_err *err)
{
    c->context = sr_registry__context_of(c->subject);
    if (sr_registry__scope(&c->scope, c->r, c->rd->tx, c->subject, err) < 0 ||
        sr_store_subject_head_get(&c->head, c->rd->tx, c->subject, err) < 0 ||
        (c->head.latest_version &&
         sr_registry__stored(&c->latest, c->rd->tx, c->context, c->head.latest_id, err) < 0) ||
        sr_registry__contract(&c->contract, c->req, c->latest, c->scope.config, err) < 0)
        return -1;
    return check_in(out, c, verbose, err);
}

int sr_registry_check(json_t **out, sr_registry *r, const char *subject, const char *version,
                      const sr_schema_req *req, int verbose, sr_err *err)
{
    check c = {.r = r, .subject = subject, .version = version, .req = req};
    int rc;

    if (sr_registry__check_request(r, req, err) < 0)
        return -1;
    SR_WITH_READ(r, err, (c.rd = &rd, check_read(out, &c, verbose, err)));
    sr_registry__scope_dispose(&c.scope);
    sr_store_schema_free(c.latest);
    sr_registry__contract_dispose(&c.contract);
    sr_registry__prepared_dispose(&c.p);
    free(c.context);
    return rc;
}
