/* prepared.c -- a request's schema made ready for storing: references resolved, parsed and
 * validated, canonical text, identity fingerprint (confluent-api.md §5.1). Runs in a read
 * transaction, never under the write lock. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

int sr_registry__check_request(const sr_registry *r, const sr_schema_req *req, sr_err *err)
{
    size_t len = req->schema ? strlen(req->schema) : 0;

    if (len > r->opt.schema_max_bytes)
        return sr_err_set(err, 42201, "Invalid schema: it is %zu bytes long, more than the limit "
                          "of %zu bytes (sluice.schema.max.bytes)", len, r->opt.schema_max_bytes);
    if (req->nrefs > (size_t)r->opt.references_max)
        return sr_err_set(err, 42201, "Invalid reference: %zu references, more than the limit of "
                          "%d (sluice.schema.max.references)", req->nrefs, r->opt.references_max);
    return 0;
}

void sr_registry__prepared_dispose(sr_prepared *p)
{
    sr_schema_free(p->schema);
    sr_registry__deps_dispose(&p->deps);
    free(p->refs);
    free(p->targets);
    memset(p, 0, sizeof(*p));
}

int sr_registry__prepare(sr_prepared *p, const sr_registry *r, sr_tx *tx, const sr_schema_src *src,
                         unsigned flags, int verbatim, sr_err *err)
{
    size_t nrefs = src->nrefs;
    sr_ref *fp_refs = sr_xcalloc(nrefs + 1, sizeof(*fp_refs));
    const sr_ref *refs = src->refs;
    int rc = -1;

    memset(p, 0, sizeof(*p));
    p->targets = sr_xcalloc(nrefs + 1, sizeof(*p->targets));
    p->refs = sr_xcalloc(nrefs + 1, sizeof(*p->refs));
    p->nrefs = nrefs;
    if (sr_registry__resolve(&p->deps, p->targets, r, tx, src->context, refs, nrefs, 0, err) < 0 ||
        sr_schema_parse_limited(&p->schema, src->type, src->text, p->deps.v, p->deps.n, flags,
                                &r->limits, err) < 0)
        goto out;
    p->text = verbatim ? src->text : sr_schema_canonical(p->schema);
    for (size_t i = 0; i < nrefs; i++) {
        p->refs[i] = (sr_store_ref){(char *)refs[i].name, (char *)refs[i].subject,
                                    p->targets[i].version};
        fp_refs[i] = (sr_ref){refs[i].name, refs[i].subject, p->targets[i].version};
    }
    if (sr_fingerprint(p->hash, p->text, fp_refs, nrefs, src->metadata, src->ruleset, err) < 0)
        goto out;
    rc = 0;
out:
    free(fp_refs);
    if (rc < 0)
        sr_registry__prepared_dispose(p);
    return rc;
}
