/* register.c -- POST /subjects/{s}/versions (confluent-api.md §5.2) as a pipeline of small steps.
 *
 * A registration is planned in a read transaction, where all the costly work happens: the
 * subject's scope and head (its change counter, highest and latest versions) are read once, the
 * version's metadata and rule set are worked out (inherited, merged with the config's), the
 * schema is parsed and fingerprinted once, looked up once, and checked against only the versions
 * its level needs, parsed through the cache. Then the write transaction checks that what the plan
 * read is still so (the subject's change counter, its scope, the fingerprint's id, the
 * references' targets: a few indexed reads), writes, and answers from what it wrote. When
 * something changed in between, the registration is planned again. Nothing reads the subject's
 * whole history but a transitive check, so registering costs the same at version 10 and at
 * version 10,000; no schema is ever parsed while the store's write lock is held, and other
 * writers never wait on a parser. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* A plan can be overtaken only by another writer's success, so retrying cannot livelock the
 * registry; this bounds how long one client may be unlucky. */
#define MAX_ATTEMPTS 64

typedef struct job {
    sr_registry *r;
    char *subject;           /* the subject written: the one asked for, or its alias's target */
    char *context;           /* the subject's context */
    const sr_schema_req *req;
    int force;
    int importing;           /* an explicit id: stored verbatim, not validated (§4) */
    sr_err deferred;         /* the strict parse's error, reported after the mode check */
    /* what the plan read and decided */
    sr_scope scope;
    sr_store_subject_head head;
    sr_store_schema *latest; /* the latest version's schema (inheritance, empty requests) */
    sr_contract contract;    /* the new version's metadata and rule set */
    sr_schema_type type;     /* of the schema to store */
    sr_prepared p;           /* the schema to store */
    int parsed;              /* p holds it */
    int existing_id;         /* the id that already holds p's fingerprint, 0 = none */
    int version;             /* the version to write */
    long long ts;            /* when it is written */
    json_t *answer;          /* set when the plan itself is the answer */
} job;

static void job_reset(job *j)
{
    sr_registry__scope_dispose(&j->scope);
    sr_store_schema_free(j->latest);
    sr_registry__contract_dispose(&j->contract);
    sr_registry__prepared_dispose(&j->p);
    json_decref(j->answer);
    sr_err_clear(&j->deferred);
    j->latest = NULL;
    j->parsed = j->existing_id = j->version = 0;
    j->answer = NULL;
}

static unsigned normalize_flag(const job *j)
{
    return j->scope.normalize || j->req->normalize ? SR_PARSE_NORMALIZE : 0;
}

/* The request's schema, in the subject's context, with the new version's metadata and rules. */
static sr_schema_src request_src(const job *j)
{
    sr_schema_src src = sr_registry__src(j->req, j->context);

    src.metadata = j->contract.metadata;
    src.ruleset = j->contract.ruleset;
    return src;
}

/* Parse what will be stored into j->p: validated as new, or verbatim when importing. */
static int prepare(job *j, sr_tx *tx, sr_schema_src src, sr_err *err)
{
    unsigned flags = j->importing ? 0 : SR_PARSE_NEW | normalize_flag(j);

    src.type = j->type;
    if (sr_registry__prepare(&j->p, j->r, tx, &src, flags, j->importing, err) < 0)
        return -1;
    j->parsed = 1;
    return 0;
}

/* The answer for a version holding the stored schema `id`. */
static int answer_existing(job *j, sr_tx *tx, int version, int id, sr_err *err)
{
    sr_store_schema *s = NULL;
    sr_store_version v;
    int rc;

    if ((rc = sr_store_version_get(&v, tx, j->subject, version, err)) != 0)
        return rc < 0 ? -1 : sr_err_set(err, 40402, "Version %d not found.", version);
    if (sr_registry__stored(&s, tx, j->context, id, err) == 0)
        j->answer = sr_registry__version_json(j->subject, &v, s, NULL);
    sr_store_schema_free(s);
    free(v.subject);
    return j->answer ? 0 : -1;
}

/* ---- the plan, in a read transaction ---- */

/* The subject's scope, head and latest schema; and, when its own config names an alias, the
 * target's instead (it acts on the target). */
static int read_subject(job *j, sr_tx *tx, sr_err *err)
{
    if (sr_registry__alias(&j->subject, j->r, tx, err) < 0)
        return -1;
    free(j->context);
    j->context = sr_registry__context_of(j->subject);
    if (sr_registry__scope(&j->scope, j->r, tx, j->subject, err) < 0 ||
        sr_store_subject_head_get(&j->head, tx, j->subject, err) < 0)
        return -1;
    if (j->head.latest_version &&
        sr_registry__stored(&j->latest, tx, j->context, j->head.latest_id, err) < 0)
        return -1;
    /* IMPORT stores metadata and rules as given: nothing inherited, no config merged in, so
     * that a registry moved version by version arrives as it was. */
    if (j->importing)
        return sr_registry__contract(&j->contract, j->req, NULL, NULL, err);
    return sr_registry__contract(&j->contract, j->req, j->latest, j->scope.config, err);
}

/* The newest live version of the subject holding `id` into *version (0 when none). */
static int live_holder(int *version, const job *j, sr_tx *tx, int id, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    int at;

    if (sr_store_versions_holding(&vs, &n, tx, j->subject, id, err) < 0)
        return -1;
    at = sr_registry__holder(vs, n, id, 0);
    *version = at < 0 ? 0 : vs[at].version;
    sr_store_versions_free(vs, n);
    return 0;
}

/* The id in the subject's context that holds this fingerprint: the one the subject has as a
 * live version (*version set) when it has one, else the lowest (*version 0). IMPORT can give one
 * fingerprint several ids, and the subject may hold any of them. 0, 1 when none, or -1. */
static int holding_id(int *id, int *version, const job *j, sr_tx *tx, const uint8_t hash[16],
                      sr_err *err)
{
    sr_store_id *ids = NULL;
    size_t n = 0;
    int rc = 1;

    *id = *version = 0;
    if (sr_store_schema_ids(&ids, &n, tx, hash, err) < 0)
        return -1;
    for (size_t i = 0; i < n && !*version; i++) { /* by context, then id */
        if (strcmp(ids[i].context, j->context) != 0)
            continue;
        if (live_holder(version, j, tx, ids[i].id, err) < 0) {
            rc = -1;
            break;
        }
        if (rc == 1 || *version)
            *id = ids[i].id;
        rc = 0;
    }
    sr_store_ids_free(ids, n);
    return rc;
}

/* Is the schema with this fingerprint already a live version of the subject, as asked? */
static int match(job *j, sr_tx *tx, const uint8_t hash[16], sr_err *err)
{
    int id, version, rc = holding_id(&id, &version, j, tx, hash, err);

    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!version || (j->req->id > 0 && j->req->id != id) ||
        (j->req->version > 0 && j->req->version != version))
        return 0;
    return answer_existing(j, tx, version, id, err);
}

/* §5.2 step 2, before the mode is looked at: the identical schema already under the subject is
 * the answer, even in READONLY and IMPORT. The strict parse done here is kept for storing; a
 * schema it refuses is looked up leniently, and the refusal reported after the mode check. */
static int precheck(job *j, sr_tx *tx, sr_err *err)
{
    sr_schema_src src = request_src(j);
    sr_prepared lenient = {0};
    int rc;

    if (!src.text || !*src.text)
        return 0;
    if (!j->importing && prepare(j, tx, src, err) == 0)
        return match(j, tx, j->p.hash, err);
    if (!j->importing && err->code != 42201)
        return -1;
    sr_err_move(&j->deferred, err);
    if (sr_registry__prepare(&lenient, j->r, tx, &src, normalize_flag(j), 0, err) < 0) {
        sr_err_clear(err); /* not found, then: the strict error (if any) says why */
        return 0;
    }
    rc = match(j, tx, lenient.hash, err);
    sr_registry__prepared_dispose(&lenient);
    return rc;
}

/* §4: what the subject's mode allows. */
static int check_mode(const job *j, sr_err *err)
{
    sr_mode m = j->scope.mode;

    if (m == SR_MODE_READONLY || m == SR_MODE_READONLY_OVERRIDE)
        return sr_err_set(err, 42205, "Subject %s in context  is in read-only mode", j->subject);
    if ((m == SR_MODE_IMPORT || m == SR_MODE_FORWARD) && !j->importing)
        return sr_err_set(err, 42205, "Subject %s in context  is not in read-write mode",
                          j->subject);
    if (m == SR_MODE_READWRITE && j->importing)
        return sr_err_set(err, 42205, "Subject %s in context  is not in import mode", j->subject);
    return 0;
}

/* An empty schema re-registers the latest version's schema, type and references (§5.2 step 3),
 * with the request's metadata and rules: a metadata-only change. */
static int prepare_latest(job *j, sr_tx *tx, sr_err *err)
{
    sr_schema_src src = request_src(j);
    sr_ref *refs;
    int rc;

    if (!j->latest)
        return sr_err_set(err, 42201, "Empty schema");
    sr_schema_type_parse(&j->type, j->latest->type, NULL);
    refs = sr_xcalloc(j->latest->nrefs + 1, sizeof(*refs));
    for (size_t i = 0; i < j->latest->nrefs; i++)
        refs[i] = (sr_ref){j->latest->refs[i].name, j->latest->refs[i].subject,
                           j->latest->refs[i].version};
    src.text = j->latest->text;
    src.refs = refs;
    src.nrefs = j->latest->nrefs;
    rc = prepare(j, tx, src, err);
    free(refs);
    return rc;
}

/* The schema to store, parsed (§5.2 step 4), unless the pre-check already did it. */
static int prepare_to_store(job *j, sr_tx *tx, sr_err *err)
{
    const sr_schema_req *q = j->req;

    if (j->parsed)
        return 0;
    if (!q->schema || !*q->schema)
        return prepare_latest(j, tx, err);
    if (j->deferred.code && !j->importing) {
        sr_err_move(err, &j->deferred);
        return -1;
    }
    return prepare(j, tx, request_src(j), err);
}

/* IMPORT: the explicit id is the schema's, unless it holds another schema (42205). Confluent
 * keeps the explicit id even when the same schema is held under another one, and migrating a
 * registry where one schema has two ids depends on it. */
static int import_id(job *j, sr_tx *tx, sr_err *err)
{
    sr_store_schema *taken = NULL;
    int rc = sr_store_schema_get(&taken, tx, j->context, j->req->id, err), same;

    if (rc != 0) {
        j->existing_id = 0;
        return rc < 0 ? -1 : 0;
    }
    same = memcmp(taken->hash, j->p.hash, 16) == 0;
    sr_store_schema_free(taken);
    if (!same)
        return sr_err_set(err, 42205, "Overwrite new schema with id %d in context  is not "
                          "permitted.", j->req->id);
    j->existing_id = j->req->id;
    return 0;
}

/* §5.2 step 5: the id that holds the fingerprint already (reused), and whether the subject has
 * it as a live version (then that is the answer). */
static int find_existing(job *j, sr_tx *tx, sr_err *err)
{
    int version = 0, rc;

    if (j->importing) {
        rc = import_id(j, tx, err);
        if (rc == 0 && j->existing_id && live_holder(&version, j, tx, j->existing_id, err) < 0)
            return -1;
    } else {
        rc = holding_id(&j->existing_id, &version, j, tx, j->p.hash, err);
    }
    if (rc < 0)
        return -1;
    if (rc == 1)
        j->existing_id = 0;
    if (version && j->req->version <= 0)
        return answer_existing(j, tx, version, j->existing_id, err);
    return 0;
}

/* §5.2 step 7, not when importing or forced: 409 (error_code 409) with Confluent's details. */
static int check_compatibility(job *j, const sr_reading *rd, sr_err *err)
{
    sr_strlist msgs = SR_STRLIST_INIT;
    char *details;
    int ok;

    if (j->scope.mode != SR_MODE_READWRITE || j->force)
        return 0;
    ok = sr_registry__check_subject(&msgs, j->r, rd, j->p.schema, j->contract.metadata,
                                    j->subject, &j->head, j->latest, &j->scope, err);
    if (ok == 0) {
        details = sr_registry__java_list(&msgs);
        sr_err_set(err, 409, "Schema being registered is incompatible with an earlier schema "
                   "for subject \"%s\", details: %s", j->subject, details);
        free(details);
    }
    sr_strlist_dispose(&msgs);
    return ok == 1 ? 0 : -1;
}

/* §5.2 step 8: one more than the highest version, soft-deleted ones counted. */
static int number_version(job *j, sr_err *err)
{
    j->version = j->head.max_version + 1;
    if (j->req->version <= 0)
        return 0;
    if (j->scope.mode == SR_MODE_READWRITE && j->req->version != j->version)
        return sr_err_set(err, 42201, "Version is not one more than previous version");
    j->version = j->req->version;
    return 0;
}

static int plan(job *j, sr_err *err)
{
    sr_reading rd;
    int rc;

    if (sr_registry__read_begin(&rd, j->r, err) < 0)
        return -1;
    rc = read_subject(j, rd.tx, err);
    if (rc == 0)
        rc = precheck(j, rd.tx, err);
    if (rc == 0 && !j->answer)
        rc = check_mode(j, err);
    if (rc == 0 && !j->answer)
        rc = prepare_to_store(j, rd.tx, err);
    if (rc == 0 && !j->answer)
        rc = find_existing(j, rd.tx, err);
    if (rc == 0 && !j->answer)
        rc = check_compatibility(j, &rd, err);
    if (rc == 0 && !j->answer)
        rc = number_version(j, err);
    sr_registry__read_end(&rd);
    return rc;
}

/* ---- the write, under the write lock: check, write, answer ---- */

/* 1 when everything the plan decided on is still so, 0 when not, -1 on error. */
static int still_current(const job *j, sr_tx *tx, sr_err *err)
{
    sr_store_subject_head head;
    sr_store_schema *taken = NULL;
    sr_scope scope;
    int id = 0, rc, same;

    if (sr_store_subject_head_get(&head, tx, j->subject, err) < 0 ||
        sr_registry__scope(&scope, j->r, tx, j->subject, err) < 0)
        return -1;
    same = head.changes == j->head.changes && sr_registry__scope_equal(&scope, &j->scope);
    sr_registry__scope_dispose(&scope);
    if (!same)
        return 0;
    if (j->importing) /* the explicit id: still free, or still this schema's */
        rc = sr_store_schema_get(&taken, tx, j->context, j->req->id, err);
    else
        rc = sr_store_schema_find(&id, tx, j->context, j->p.hash, err);
    sr_store_schema_free(taken);
    if (rc < 0)
        return -1;
    if (j->importing ? (rc == 0) != (j->existing_id != 0) : (rc == 0 ? id : 0) != j->existing_id)
        return 0;
    return sr_registry__targets_hold(tx, j->context, j->p.refs, j->p.nrefs, j->p.targets, err);
}

/* The schema row the new version points at, as stored (or about to be). */
static sr_store_schema row(const job *j, int id)
{
    sr_store_schema s = {.context = j->context,
                         .id = id,
                         .type = (char *)sr_schema_type_name(j->type),
                         .text = (char *)j->p.text,
                         .refs = j->p.refs,
                         .nrefs = j->p.nrefs,
                         .metadata = j->contract.metadata,
                         .ruleset = j->contract.ruleset,
                         .ts = j->ts};

    memcpy(s.hash, j->p.hash, 16);
    return s;
}

static int store_schema(const job *j, sr_write *w, int *id, sr_err *err)
{
    sr_store_schema s = row(j, j->importing ? j->req->id : 0);

    if (j->existing_id) {
        *id = j->existing_id;
        return 0;
    }
    if (j->importing) /* nothing of an earlier holder of the id may be served */
        sr_registry__note_gone(w, j->context, j->req->id);
    return sr_store_schema_insert(id, w->tx, &s, err);
}

/* §5.2 step 9, after the new version holds `id`: soft-deleted copies of it in the subject go,
 * unless something references them. */
static int drop_soft_deleted_copies(const job *j, sr_write *w, int id, sr_err *err)
{
    sr_store_version *vs = NULL;
    size_t n = 0;
    int rc = 0;

    if (sr_store_versions_holding(&vs, &n, w->tx, j->subject, id, err) < 0)
        return -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sr_store_version *refs = NULL;
        size_t nr = 0;
        if (!vs[i].deleted || vs[i].version == j->version)
            continue;
        rc = sr_registry__referrers(&refs, &nr, w->tx, j->subject, vs[i].version, err);
        sr_store_versions_free(refs, nr);
        if (rc == 0 && nr == 0)
            rc = sr_registry__remove_version(w, j->subject, vs[i].version, id, err);
    }
    sr_store_versions_free(vs, n);
    return rc < 0 ? -1 : 0;
}

/* IMPORT may overwrite an existing version: what its old schema was parsed into may be stale. */
static int note_overwrite(const job *j, sr_write *w, int id, sr_err *err)
{
    sr_store_version old;
    int rc = sr_store_version_get(&old, w->tx, j->subject, j->version, err);

    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (old.id != id) {
        w->reparse_all = 1;
        sr_registry__note_gone(w, j->context, old.id);
    }
    free(old.subject);
    return 0;
}

/* The answer, from what was written. */
static json_t *written(const job *j, int id)
{
    sr_store_schema s = row(j, id);
    sr_store_version v = {j->subject, j->version, id, 0, j->ts};

    return sr_registry__version_json(j->subject, &v, &s, NULL);
}

/* What the write touches (store.h's claim): the subject, the schema's fingerprint, and the
 * subjects its references name, which must keep their versions until it commits. */
static int store_write(json_t **out, job *j, sr_write_fn fn, sr_err *err)
{
    char **reads = sr_xcalloc(j->p.nrefs + 1, sizeof(*reads));
    sr_store_claim claim = {j->subject, j->context, j->p.hash, (const char *const *)reads,
                            j->p.nrefs};
    int rc;

    for (size_t i = 0; i < j->p.nrefs; i++)
        reads[i] = sr_registry__qualify(j->context, j->p.refs[i].subject);
    rc = sr_registry__write_claimed(out, j->r, &claim, fn, j, err);
    sr_store_strings_free(reads, j->p.nrefs);
    return rc;
}

static int commit(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    job *j = arg;
    int id, rc;

    if ((rc = still_current(j, w->tx, err)) <= 0)
        return rc < 0 ? -1 : sr_err_set(err, SR_ERR_STALE, "the subject changed meanwhile");
    j->ts = j->importing && j->req->ts > 0 ? j->req->ts : sr_registry__now_ms();
    if (store_schema(j, w, &id, err) < 0 ||
        (j->version <= j->head.max_version && note_overwrite(j, w, id, err) < 0) ||
        sr_store_version_put(w->tx, j->subject, j->version, j->context, id, j->ts, err) < 0 ||
        drop_soft_deleted_copies(j, w, id, err) < 0)
        return -1;
    *out = written(j, id);
    return 0;
}

int sr_registry_register(json_t **out, sr_registry *r, const char *subject,
                         const sr_schema_req *req, int force, sr_err *err)
{
    job j = {.r = r, .req = req, .force = force, .importing = req->id > 0};
    int rc = -1;

    if (sr_registry_check_subject(subject, err) < 0 || sr_registry__check_request(r, req, err) < 0)
        return -1;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        free(j.subject);
        j.subject = sr_xstrdup(subject);
        j.type = req->type;
        if ((rc = plan(&j, err)) < 0 || j.answer)
            break;
        rc = store_write(out, &j, commit, err);
        if (rc == 0 || err->code != SR_ERR_STALE)
            break;
        job_reset(&j);
    }
    if (rc < 0 && err->code == SR_ERR_STALE)
        sr_err_set(err, 50002, "Operation timed out: subject '%s' kept changing while the "
                   "registration was checked", subject);
    if (rc == 0 && j.answer) {
        *out = j.answer;
        j.answer = NULL;
    }
    job_reset(&j);
    free(j.subject);
    free(j.context);
    return rc;
}
