/* registry.c -- registration, lookup and compatibility checks (confluent-api.md §5.1, §5.2,
 * §5.4, §3.5) and the helpers the other registry files share. */
#include "server/registry_int.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REF_DEPTH 64

int sr_registry_open(sr_registry **out, const char *db_path, sr_compat_level default_level,
                     sr_err *err)
{
    sr_registry *r = sr_xcalloc(1, sizeof(*r));

    if (sr_store_open(&r->store, db_path, err) < 0) {
        free(r);
        return -1;
    }
    r->default_level = default_level;
    *out = r;
    return 0;
}

void sr_registry_close(sr_registry *r)
{
    if (!r)
        return;
    sr_store_close(r->store);
    free(r);
}

int sr_registry_check_subject(const char *subject, sr_err *err)
{
    const unsigned char *p;

    if (!subject)
        goto bad;
    for (p = (const unsigned char *)subject; *p; p++) {
        /* Java's ISO control characters: U+0000-U+001F, U+007F-U+009F (C2 80..C2 9F in UTF-8). */
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            goto bad;
    }
    if (strcmp(subject, "__GLOBAL") == 0 || strcmp(subject, "__EMPTY") == 0 ||
        strncmp(subject, ":.__GLOBAL:", 11) == 0)
        goto bad;
    return 0;
bad:
    return sr_err_set(err, 42208, "The specified subject '%s' is not a valid.",
                      subject ? subject : "null");
}

int sr_registry_parse_version(int *out, const char *text, sr_err *err)
{
    const char *p = text;
    size_t len;
    char *end;
    long v;

    while (*p == ' ' || *p == '\t')
        p++;
    len = strlen(p);
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len == 6 && strncasecmp(p, "latest", 6) == 0) {
        *out = -1;
        return 0;
    }
    v = strtol(text, &end, 10);
    if (end != text && *end == '\0' && (v == -1 || (v >= 1 && v <= 2147483647L))) {
        *out = (int)v;
        return 0;
    }
    return sr_err_set(err, 42202,
                      "The specified version '%s' is not a valid version id. Allowed values are "
                      "between [1, 2^31-1] and the string \"latest\"", text);
}

int sr_registry__find(const sr_store_version *vs, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (vs[i].version == v)
            return (int)i;
    return -1;
}

int sr_registry__latest(const sr_store_version *vs, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (!vs[i].deleted)
            return (int)i;
    return -1;
}

void sr_registry__page(json_t *array, sr_page page)
{
    size_t off = page.offset > 0 ? (size_t)page.offset : 0;

    for (size_t i = 0; i < off && json_array_size(array) > 0; i++)
        json_array_remove(array, 0);
    if (page.limit > 0)
        while (json_array_size(array) > (size_t)page.limit)
            json_array_remove(array, json_array_size(array) - 1);
}

int sr_registry__finish_write(json_t **out, json_t *res, int rc, sr_tx *tx, sr_err *err)
{
    if (rc < 0) {
        json_decref(res);
        sr_store_rollback(tx);
        return -1;
    }
    if (sr_store_commit(tx, err) < 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

/* ---- references ---- */

void sr_registry__deps_dispose(sr_deps *d)
{
    for (size_t i = 0; i < d->nheld; i++)
        sr_store_schema_free(d->held[i]);
    free(d->held);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

static int bound(const sr_deps *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0)
            return 1;
    return 0;
}

static int resolve(sr_deps *d, int *concrete, sr_tx *tx, const sr_ref *refs, size_t nrefs,
                   int allow_deleted, int depth, sr_err *err)
{
    for (size_t i = 0; i < nrefs; i++) {
        sr_store_version *vs = NULL;
        sr_store_schema *s = NULL;
        sr_ref *sub = NULL;
        size_t n = 0;
        int at, rc = -1;

        if (!refs[i].name || !refs[i].subject)
            return sr_err_set(err, 42201, "Invalid reference: name and subject are required");
        if (depth > MAX_REF_DEPTH)
            return sr_err_set(err, 42201, "Invalid reference: references nest deeper than %d",
                              MAX_REF_DEPTH);
        if (sr_store_versions(&vs, &n, tx, refs[i].subject, err) < 0)
            return -1;
        at = refs[i].version == -1 ? sr_registry__latest(vs, n)
                                   : sr_registry__find(vs, n, refs[i].version);
        if (at < 0 || (vs[at].deleted && !allow_deleted)) {
            sr_err_set(err, 42201, "No schema reference found for subject \"%s\" and version %d",
                       refs[i].subject, refs[i].version);
            goto next;
        }
        if (concrete)
            concrete[i] = vs[at].version;
        if (bound(d, refs[i].name)) { /* the first binding of a name wins */
            rc = 0;
            goto next;
        }
        sr_err_clear(err);
        if (sr_store_schema_get(&s, tx, vs[at].id, err) != 0) {
            if (!err->code)
                sr_err_set(err, 42201, "No schema reference found for subject \"%s\" and "
                           "version %d", refs[i].subject, refs[i].version);
            goto next;
        }
        d->held = sr_xrealloc(d->held, (d->nheld + 1) * sizeof(*d->held));
        d->held[d->nheld++] = s;
        sub = sr_xcalloc(s->nrefs ? s->nrefs : 1, sizeof(*sub));
        for (size_t j = 0; j < s->nrefs; j++)
            sub[j] = (sr_ref){s->refs[j].name, s->refs[j].subject, s->refs[j].version};
        /* Stored schemas may lean on soft-deleted versions: they were valid when registered. */
        if (resolve(d, NULL, tx, sub, s->nrefs, 1, depth + 1, err) < 0)
            goto next;
        if (!bound(d, refs[i].name)) {
            sr_schema_type t = SR_TYPE_AVRO;
            sr_schema_type_parse(&t, s->type, NULL);
            d->v = sr_xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
            d->v[d->n++] = (sr_dep){refs[i].name, refs[i].subject, vs[at].version, t, s->text};
        }
        rc = 0;
    next:
        free(sub);
        sr_store_versions_free(vs, n);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int sr_registry__resolve(sr_deps *d, int *concrete, sr_tx *tx, const sr_ref *refs, size_t nrefs,
                         int allow_deleted, sr_err *err)
{
    return resolve(d, concrete, tx, refs, nrefs, allow_deleted, 0, err);
}

int sr_registry__parse_stored(sr_schema **out, sr_tx *tx, const sr_store_schema *s, sr_err *err)
{
    sr_deps d = {0};
    sr_ref *refs = sr_xcalloc(s->nrefs ? s->nrefs : 1, sizeof(*refs));
    sr_schema_type t;
    int rc = -1;

    for (size_t i = 0; i < s->nrefs; i++)
        refs[i] = (sr_ref){s->refs[i].name, s->refs[i].subject, s->refs[i].version};
    if (sr_schema_type_parse(&t, s->type, err) < 0 ||
        sr_registry__resolve(&d, NULL, tx, refs, s->nrefs, 1, err) < 0 ||
        sr_schema_parse(out, t, s->text, d.v, d.n, 0, err) < 0)
        goto out;
    rc = 0;
out:
    sr_registry__deps_dispose(&d);
    free(refs);
    return rc;
}

json_t *sr_registry__refs_json(const sr_store_ref *refs, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:i}", "name", refs[i].name, "subject",
                                           refs[i].subject, "version", refs[i].version));
    return a;
}

json_t *sr_registry__schema_json(const char *subject, int version, const sr_store_schema *s,
                                 const char *text)
{
    json_t *o = json_object();

    if (subject)
        json_object_set_new(o, "subject", json_string(subject));
    if (version)
        json_object_set_new(o, "version", json_integer(version));
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "schemaType", json_string(s->type));
    if (s->nrefs)
        json_object_set_new(o, "references", sr_registry__refs_json(s->refs, s->nrefs));
    if (s->metadata) {
        json_t *m = json_loads(s->metadata, 0, NULL);
        if (m)
            json_object_set_new(o, "metadata", m);
    }
    json_object_set_new(o, "schema", json_string(text ? text : s->text));
    return o;
}

/* ---- preparing a request: parse, canonicalize, fingerprint ---- */

/* A request schema made ready for storing: canonical text, concrete references, identity. */
typedef struct prepared {
    sr_schema *schema;      /* owned */
    sr_deps deps;           /* owned */
    sr_store_ref *refs;     /* owned array; strings borrowed from the request */
    size_t nrefs;
    uint8_t hash[16];
    const char *canonical;  /* borrowed from schema, or the verbatim text in IMPORT */
} prepared;

static void prepared_dispose(prepared *p)
{
    sr_schema_free(p->schema);
    sr_registry__deps_dispose(&p->deps);
    free(p->refs);
    memset(p, 0, sizeof(*p));
}

/* Parse `text` of `req` (text may differ from req->schema: an empty schema reuses the latest).
 * flags: SR_PARSE_NEW and/or SR_PARSE_NORMALIZE. `verbatim` stores the text as sent (IMPORT). */
static int prepare(prepared *p, sr_tx *tx, const char *text, sr_schema_type type,
                   const sr_ref *refs, size_t nrefs, const char *metadata, unsigned flags,
                   int verbatim, sr_err *err)
{
    int *concrete = sr_xcalloc(nrefs ? nrefs : 1, sizeof(int));
    sr_ref *fp_refs = sr_xcalloc(nrefs ? nrefs : 1, sizeof(*fp_refs));
    int rc = -1;

    memset(p, 0, sizeof(*p));
    if (sr_registry__resolve(&p->deps, concrete, tx, refs, nrefs, 0, err) < 0 ||
        sr_schema_parse(&p->schema, type, text, p->deps.v, p->deps.n, flags, err) < 0)
        goto out;
    p->canonical = verbatim ? text : sr_schema_canonical(p->schema);
    p->refs = sr_xcalloc(nrefs ? nrefs : 1, sizeof(*p->refs));
    p->nrefs = nrefs;
    for (size_t i = 0; i < nrefs; i++) {
        p->refs[i] = (sr_store_ref){(char *)refs[i].name, (char *)refs[i].subject, concrete[i]};
        fp_refs[i] = (sr_ref){refs[i].name, refs[i].subject, concrete[i]};
    }
    if (sr_fingerprint(p->hash, p->canonical, fp_refs, nrefs, metadata, NULL, err) < 0)
        goto out;
    rc = 0;
out:
    free(concrete);
    free(fp_refs);
    if (rc < 0)
        prepared_dispose(p);
    return rc;
}

/* The Schema object for version vs[at] holding the stored schema `id`. */
static int version_json(json_t **out, sr_tx *tx, const char *subject, int version, int id,
                        sr_err *err)
{
    sr_store_schema *s = NULL;
    int rc = sr_store_schema_get(&s, tx, id, err);

    if (rc != 0)
        return rc < 0 ? -1 : sr_err_set(err, 40403, "Schema %d not found", id);
    *out = sr_registry__schema_json(subject, version, s, NULL);
    sr_store_schema_free(s);
    return 0;
}

/* The newest version of `subject` holding `id`, visible under `deleted`; -1 when none. */
static int holder(const sr_store_version *vs, size_t n, int id, int deleted)
{
    for (size_t i = n; i-- > 0;)
        if (vs[i].id == id && (deleted || !vs[i].deleted))
            return (int)i;
    return -1;
}

/* Compatibility of `p` against the subject's candidate versions at `level`. Returns 1/0/-1. */
static int check_candidates(sr_strlist *msgs, sr_tx *tx, const sr_schema *schema,
                            const sr_store_version *vs, size_t n, int only_version,
                            sr_compat_level level, sr_err *err)
{
    sr_schema **parsed = sr_xcalloc(n ? n : 1, sizeof(*parsed));
    sr_candidate *cands = sr_xcalloc(n ? n : 1, sizeof(*cands));
    size_t nc = 0;
    int rc = -1;

    for (size_t i = 0; i < n; i++) {
        sr_store_schema *s = NULL;
        if (vs[i].deleted || (only_version && vs[i].version != only_version))
            continue;
        if (level != SR_COMPAT_NONE) {
            if (sr_store_schema_get(&s, tx, vs[i].id, err) != 0)
                goto out;
            rc = sr_registry__parse_stored(&parsed[nc], tx, s, err);
            sr_store_schema_free(s);
            if (rc < 0)
                goto out;
            rc = -1;
        }
        cands[nc].schema = parsed[nc];
        cands[nc].version = vs[i].version;
        nc++;
    }
    rc = sr_compat_check(msgs, level, schema, cands, nc, err);
out:
    for (size_t i = 0; i < n; i++)
        sr_schema_free(parsed[i]);
    free(parsed);
    free(cands);
    return rc;
}

/* Join messages as Java prints a list: [a, b, c]. */
static char *java_list(const sr_strlist *l)
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

/* Remove soft-deleted versions of `subject` that hold `id` (register step 9), unless referenced. */
static int drop_soft_deleted_copies(sr_tx *tx, const char *subject, const sr_store_version *vs,
                                    size_t n, int id, sr_err *err)
{
    for (size_t i = 0; i < n; i++) {
        sr_store_version *refs = NULL;
        size_t nr = 0;
        if (!vs[i].deleted || vs[i].id != id)
            continue;
        if (sr_store_referrers(&refs, &nr, tx, subject, vs[i].version, err) < 0)
            return -1;
        sr_store_versions_free(refs, nr);
        if (nr == 0 && sr_store_version_remove(tx, subject, vs[i].version, err) < 0)
            return -1;
    }
    return 0;
}

static int register_in(json_t **out, sr_registry *r, sr_tx *tx, const char *subject,
                       const sr_schema_req *req, int force, sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_store_schema *latest = NULL;
    sr_strlist msgs = SR_STRLIST_INIT;
    prepared p = {0};
    const char *text = req->schema;
    sr_schema_type type = req->type;
    const sr_ref *refs = req->refs;
    size_t n = 0, nrefs = req->nrefs;
    sr_ref *latest_refs = NULL;
    sr_compat_level level;
    int normalize = req->normalize, have_id = 0, id = 0, version, at, rc = -1;
    unsigned flags;
    sr_mode mode;

    if (sr_store_versions(&vs, &n, tx, subject, err) < 0 ||
        sr_registry__mode(&mode, tx, subject, err) < 0)
        goto out;
    if (!normalize && sr_registry__normalize(&normalize, tx, subject, err) < 0)
        goto out;
    flags = normalize ? SR_PARSE_NORMALIZE : 0;

    /* Pre-check (§5.2 step 2): an identical schema already under the subject is answered before
     * the mode is looked at, so it works in READONLY and IMPORT too. */
    if (text && *text && prepare(&p, tx, text, type, refs, nrefs, req->metadata, flags, 0, err) == 0) {
        if (sr_store_schema_find(&id, tx, p.hash, err) < 0)
            goto out;
        at = id ? holder(vs, n, id, 0) : -1;
        if (at >= 0 && (req->id <= 0 || req->id == id) &&
            (req->version <= 0 || req->version == vs[at].version)) {
            rc = version_json(out, tx, subject, vs[at].version, id, err);
            goto out;
        }
        prepared_dispose(&p);
    }
    sr_err_clear(err);
    id = 0;

    /* Mode (§4). */
    if (mode == SR_MODE_READONLY || mode == SR_MODE_READONLY_OVERRIDE) {
        sr_err_set(err, 42205, "Subject %s in context  is in read-only mode", subject);
        goto out;
    }
    if ((mode == SR_MODE_IMPORT || mode == SR_MODE_FORWARD) && req->id <= 0) {
        sr_err_set(err, 42205, "Subject %s in context  is not in read-write mode", subject);
        goto out;
    }
    if (mode == SR_MODE_READWRITE && req->id > 0) {
        sr_err_set(err, 42205, "Subject %s in context  is not in import mode", subject);
        goto out;
    }

    /* An empty schema re-registers the latest version's schema (a metadata-only change). */
    if (!text || !*text) {
        at = sr_registry__latest(vs, n);
        if (at < 0) {
            sr_err_set(err, 42201, "Empty schema");
            goto out;
        }
        if (sr_store_schema_get(&latest, tx, vs[at].id, err) != 0)
            goto out;
        text = latest->text;
        sr_schema_type_parse(&type, latest->type, NULL);
        latest_refs = sr_xcalloc(latest->nrefs ? latest->nrefs : 1, sizeof(*latest_refs));
        for (size_t i = 0; i < latest->nrefs; i++)
            latest_refs[i] = (sr_ref){latest->refs[i].name, latest->refs[i].subject,
                                      latest->refs[i].version};
        refs = latest_refs;
        nrefs = latest->nrefs;
    }

    /* Strict parse: validated as new, verbatim and unvalidated when importing with an id. */
    if (req->id > 0)
        flags = 0;
    else
        flags |= SR_PARSE_NEW;
    if (prepare(&p, tx, text, type, refs, nrefs, req->metadata, flags, req->id > 0, err) < 0)
        goto out;
    if (sr_store_schema_find(&id, tx, p.hash, err) < 0)
        goto out;
    have_id = id > 0;
    if (have_id && req->id > 0 && req->id != id) {
        sr_err_set(err, 42205, "Overwrite new schema with id %d in context  is not permitted.",
                   req->id);
        goto out;
    }
    if (have_id && (at = holder(vs, n, id, 0)) >= 0 && req->version <= 0) {
        rc = version_json(out, tx, subject, vs[at].version, id, err);
        goto out;
    }
    if (!have_id && req->id > 0) {
        sr_store_schema *taken = NULL;
        int got = sr_store_schema_get(&taken, tx, req->id, err);
        sr_store_schema_free(taken);
        if (got < 0)
            goto out;
        if (got == 0) {
            sr_err_set(err, 42205, "Overwrite new schema with id %d in context  is not "
                       "permitted.", req->id);
            goto out;
        }
    }

    /* Compatibility (§5.2 step 7), not when importing or forced. */
    if (mode == SR_MODE_READWRITE && !force) {
        int ok;
        if (sr_registry__level(&level, r, tx, subject, err) < 0)
            goto out;
        ok = check_candidates(&msgs, tx, p.schema, vs, n, 0, level, err);
        if (ok < 0)
            goto out;
        if (!ok) {
            char *details = java_list(&msgs);
            sr_err_set(err, 40901, "Schema being registered is incompatible with an earlier "
                       "schema for subject \"%s\", details: %s", subject, details);
            free(details);
            goto out;
        }
    }

    /* Version numbering (§5.2 step 8): one more than the highest existing, soft-deleted counted. */
    version = n ? vs[n - 1].version + 1 : 1;
    if (req->version > 0) {
        if (mode == SR_MODE_READWRITE && req->version != version) {
            sr_err_set(err, 42201, "Version is not one more than previous version");
            goto out;
        }
        version = req->version;
    }
    if (have_id && drop_soft_deleted_copies(tx, subject, vs, n, id, err) < 0)
        goto out;
    if (!have_id) {
        sr_store_schema s = {.id = req->id > 0 ? req->id : 0,
                             .type = (char *)sr_schema_type_name(type),
                             .text = (char *)p.canonical,
                             .refs = p.refs,
                             .nrefs = p.nrefs,
                             .metadata = (char *)req->metadata};
        memcpy(s.hash, p.hash, 16);
        if (sr_store_schema_insert(&id, tx, &s, err) < 0)
            goto out;
    }
    if (sr_store_version_put(tx, subject, version, id, err) < 0)
        goto out;
    rc = version_json(out, tx, subject, version, id, err);
out:
    prepared_dispose(&p);
    sr_strlist_dispose(&msgs);
    sr_store_versions_free(vs, n);
    sr_store_schema_free(latest);
    free(latest_refs);
    return rc;
}

int sr_registry_register(json_t **out, sr_registry *r, const char *subject,
                         const sr_schema_req *req, int force, sr_err *err)
{
    sr_tx *tx = NULL;
    json_t *res = NULL;
    int rc;

    if (sr_registry_check_subject(subject, err) < 0 ||
        sr_store_write_begin(&tx, r->store, err) < 0)
        return -1;
    rc = register_in(&res, r, tx, subject, req, force, err);
    return sr_registry__finish_write(out, res, rc, tx, err);
}

int sr_registry_lookup(json_t **out, sr_registry *r, const char *subject, const sr_schema_req *req,
                       int deleted, sr_err *err)
{
    sr_store_version *vs = NULL;
    prepared p = {0};
    sr_tx *tx = NULL;
    size_t n = 0;
    int normalize = req->normalize, id = 0, at, visible = 0, rc = -1;

    if (sr_store_read_begin(&tx, r->store, err) < 0)
        return -1;
    if (!normalize && sr_registry__normalize(&normalize, tx, subject, err) < 0)
        goto out;
    if (!req->schema || !*req->schema) {
        sr_err_set(err, 40403, "Schema not found");
        goto out;
    }
    /* An unparsable schema is reported before whether the subject exists. */
    if (prepare(&p, tx, req->schema, req->type, req->refs, req->nrefs, req->metadata,
                normalize ? SR_PARSE_NORMALIZE : 0, 0, err) < 0 ||
        sr_store_versions(&vs, &n, tx, subject, err) < 0 ||
        sr_store_schema_find(&id, tx, p.hash, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        visible |= deleted || !vs[i].deleted;
    if (!visible) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    at = id ? holder(vs, n, id, deleted) : -1;
    if (at < 0) {
        sr_err_set(err, 40403, "Schema not found");
        goto out;
    }
    rc = version_json(out, tx, subject, vs[at].version, id, err);
out:
    prepared_dispose(&p);
    sr_store_versions_free(vs, n);
    sr_store_rollback(tx);
    return rc;
}

int sr_registry_check(json_t **out, sr_registry *r, const char *subject, const char *version,
                      const sr_schema_req *req, int verbose, sr_err *err)
{
    sr_store_version *vs = NULL;
    sr_strlist msgs = SR_STRLIST_INIT;
    prepared p = {0};
    sr_compat_level level;
    sr_tx *tx = NULL;
    size_t n = 0;
    int v = 0, only = 0, normalize = req->normalize, ok, rc = -1;

    if (version && sr_registry_parse_version(&v, version, err) < 0)
        return -1;
    if (sr_store_read_begin(&tx, r->store, err) < 0)
        return -1;
    if (sr_store_versions(&vs, &n, tx, subject, err) < 0 ||
        sr_registry__level(&level, r, tx, subject, err) < 0 ||
        (!normalize && sr_registry__normalize(&normalize, tx, subject, err) < 0))
        goto out;
    if (version && v > 0) {
        int at = sr_registry__find(vs, n, v);
        if (at < 0 || vs[at].deleted) {
            sr_err_set(err, 40402, "Version %d not found.", v);
            goto out;
        }
        only = v;
    } else if (version) {
        int at = sr_registry__latest(vs, n);
        only = at >= 0 ? vs[at].version : -1; /* nothing to compare with: compatible */
    }
    if (prepare(&p, tx, req->schema ? req->schema : "", req->type, req->refs, req->nrefs,
                req->metadata, SR_PARSE_NEW | (normalize ? SR_PARSE_NORMALIZE : 0), 0, err) < 0) {
        if (!verbose || err->code != 42201)
            goto out;
        /* verbose turns an invalid schema into an answer (§3.5). */
        *out = json_pack("{s:b, s:[s]}", "is_compatible", 0, "messages", err->msg);
        sr_err_clear(err);
        rc = 0;
        goto out;
    }
    ok = only == -1 ? 1 : check_candidates(&msgs, tx, p.schema, vs, n, only, level, err);
    if (ok < 0)
        goto out;
    *out = json_pack("{s:b}", "is_compatible", ok);
    if (verbose) {
        json_t *a = json_array();
        for (size_t i = 0; i < msgs.n; i++)
            json_array_append_new(a, json_string(msgs.v[i]));
        json_object_set_new(*out, "messages", a);
    }
    rc = 0;
out:
    prepared_dispose(&p);
    sr_strlist_dispose(&msgs);
    sr_store_versions_free(vs, n);
    sr_store_rollback(tx);
    return rc;
}
