/* browse.c -- what the web UI shows that Confluent's API does not answer in one call: a subject
 * with all its versions, settings and referrers; a version in its three forms; the differences
 * between two versions as compat/'s findings, placed on lines; the check of a new schema with its
 * findings (docs/api.md, "sluice's own API"). Reads only. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- where a level and a mode come from ---- */

/* The scopes that govern `subject`, most specific first: itself, its context's (when it is not
 * the default context), the top level (NULL). Fills 3 (the context's may be NULL too: skipped);
 * *owned holds the context scope's string. */
static void scopes_of(const char *scopes[3], char **owned, const char *subject)
{
    char *context = sr_registry__context_of(subject);

    *owned = sr_registry__context_scope(context);
    free(context);
    scopes[0] = subject;
    scopes[1] = *owned && strcmp(*owned, subject) != 0 ? *owned : NULL;
    scopes[2] = NULL;
}

static const char *const scope_names[] = {"subject", "context", "global"};

/* {"level", "from", "normalize"?}: the effective level and the scope that sets it. */
static int level_json(json_t **out, const sr_registry *r, sr_tx *tx, const char *subject,
                      sr_err *err)
{
    const char *scopes[3];
    char *owned = NULL;
    json_t *o = json_object();
    int rc = 0;

    scopes_of(scopes, &owned, subject);
    for (int i = 0; i < 3 && rc == 0; i++) {
        json_t *c = NULL;
        const char *level;
        if (i == 1 && !scopes[1])
            continue;
        rc = sr_registry__config_at(&c, tx, scopes[i], err) < 0 ? -1 : 0;
        level = json_string_value(json_object_get(c, "compatibilityLevel"));
        if (level && !json_object_get(o, "level")) {
            json_object_set_new(o, "level", json_string(level));
            json_object_set_new(o, "from", json_string(scope_names[i]));
        }
        if (json_is_boolean(json_object_get(c, "normalize")) && !json_object_get(o, "normalize"))
            json_object_set(o, "normalize", json_object_get(c, "normalize"));
        json_decref(c);
    }
    free(owned);
    if (!json_object_get(o, "level")) {
        json_object_set_new(o, "level", json_string(sr_compat_level_name(r->opt.default_level)));
        json_object_set_new(o, "from", json_string("default"));
    }
    *out = o;
    return rc;
}

/* {"mode", "from"}. */
static int mode_json(json_t **out, sr_tx *tx, const char *subject, sr_err *err)
{
    const char *scopes[3];
    char *owned = NULL;
    int rc = 1;
    sr_mode m = SR_MODE_READWRITE;
    int i;

    scopes_of(scopes, &owned, subject);
    for (i = 0; i < 3; i++) {
        if (i == 1 && !scopes[1])
            continue;
        if ((rc = sr_registry__mode_at(&m, tx, scopes[i], err)) != 1)
            break;
    }
    free(owned);
    if (rc < 0)
        return -1;
    *out = json_pack("{s:s,s:s}", "mode", sr_registry__mode_name(rc == 0 ? m : SR_MODE_READWRITE),
                     "from", rc == 0 ? scope_names[i] : "default");
    return 0;
}

/* ---- a subject ---- */

/* The versions of other schemas that reference `subject` version `version`. */
static int referrers_json(json_t *into, sr_tx *tx, const char *subject, int version, sr_err *err)
{
    sr_store_version *refs = NULL;
    size_t n = 0;

    if (sr_registry__referrers(&refs, &n, tx, subject, version, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(into, json_pack("{s:o,s:i,s:i,s:b,s:i}", "subject",
                                              sr_registry__string(refs[i].subject), "version",
                                              refs[i].version, "id", refs[i].id, "deleted",
                                              refs[i].deleted, "references", version));
    sr_store_versions_free(refs, n);
    return 0;
}

static int overview(json_t **out, sr_registry *r, sr_tx *tx, const char *subject, sr_err *err)
{
    char *context = sr_registry__context_of(subject);
    sr_store_version *vs = NULL;
    json_t *o = json_object(), *versions = json_array(), *by = json_array(), *level = NULL,
           *mode = NULL;
    size_t n = 0;
    int rc = -1, latest;

    json_object_set_new(o, "subject", sr_registry__string(subject));
    json_object_set_new(o, "versions", versions);
    json_object_set_new(o, "referencedBy", by);
    if (sr_store_versions(&vs, &n, tx, subject, err) < 0)
        goto out;
    if (n == 0) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        sr_store_schema *s = NULL;
        if (sr_registry__stored(&s, tx, context, vs[i].id, err) < 0)
            goto out;
        json_array_append_new(versions,
                              json_pack("{s:i,s:i,s:s,s:I,s:b,s:o}", "version", vs[i].version,
                                        "id", vs[i].id, "schemaType", s->type, "ts",
                                        (json_int_t)vs[i].ts, "deleted", vs[i].deleted,
                                        "references", sr_registry__refs_json(s->refs, s->nrefs)));
        sr_store_schema_free(s);
        if (referrers_json(by, tx, subject, vs[i].version, err) < 0)
            goto out;
    }
    latest = sr_registry__latest(vs, n);
    json_object_set_new(o, "latest", latest < 0 ? json_null() : json_integer(vs[latest].version));
    if (level_json(&level, r, tx, subject, err) < 0 || mode_json(&mode, tx, subject, err) < 0)
        goto out;
    json_object_set_new(o, "compatibility", level);
    json_object_set_new(o, "mode", mode);
    level = mode = NULL;
    *out = o;
    o = NULL;
    rc = 0;
out:
    json_decref(level);
    json_decref(o);
    sr_store_versions_free(vs, n);
    free(context);
    return rc;
}

int sr_registry_subject_overview(json_t **out, sr_registry *r, const char *subject, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, overview(out, r, rd.tx, subject, err));
    return rc;
}

/* ---- a version ---- */

/* The text people read: JSON indented, Protobuf as stored. Caller frees. */
static char *display_text(const char *type, const char *text)
{
    return strcmp(type, "PROTOBUF") == 0 ? sr_xstrdup(text) : sr_registry__json_pretty(text);
}

static int forms(json_t **out, sr_registry *r, sr_tx *tx, const char *subject, const char *version,
                 sr_err *err)
{
    char *context = sr_registry__context_of(subject), *pretty = NULL;
    sr_store_version *vs = NULL;
    sr_store_schema *s = NULL;
    sr_schema *normal = NULL;
    json_t *o = NULL, *by = json_array();
    size_t n = 0;
    int at, rc = -1;
    SR_ERR_LOCAL(perr);

    at = sr_registry__locate(&vs, &n, tx, subject, version, 1, err); /* soft-deleted too */
    if (at < 0 || sr_registry__stored(&s, tx, context, vs[at].id, err) < 0 ||
        referrers_json(by, tx, subject, vs[at].version, err) < 0)
        goto out;
    o = sr_registry__version_json(subject, &vs[at], s, NULL);
    pretty = display_text(s->type, s->text);
    json_object_set_new(o, "pretty", sr_registry__string(pretty));
    /* the normalized form is parsed now: a stored schema always parses, but say so if not */
    if (sr_registry__parse_stored(&normal, NULL, r, tx, s, SR_PARSE_NORMALIZE, &perr) == 0)
        json_object_set_new(o, "normalized", sr_registry__string(sr_schema_canonical(normal)));
    else
        json_object_set_new(o, "normalized", json_null());
    json_object_set_new(o, "referencedBy", by);
    by = NULL;
    *out = o;
    rc = 0;
out:
    json_decref(by);
    sr_schema_free(normal);
    free(pretty);
    sr_store_schema_free(s);
    sr_store_versions_free(vs, n);
    free(context);
    return rc;
}

int sr_registry_version_forms(json_t **out, sr_registry *r, const char *subject,
                              const char *version, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, forms(out, r, rd.tx, subject, version, err));
    return rc;
}

/* ---- findings on lines ---- */

/* The texts a finding may point into, as displayed. */
typedef struct sides {
    const char *type;     /* "AVRO", "PROTOBUF", "JSON" */
    const char *old_text; /* may be NULL */
    const char *new_text;
} sides;

/* Find the value at `pointer` in `text`, or failing that at its closest ancestor. */
static int locate_up(int *line, int *col, const char *text, const char *pointer)
{
    char *p = sr_xstrdup(pointer), *slash;
    int found = 0;

    while (!(found = sr_registry__json_locate(line, col, text, p)) && (slash = strrchr(p, '/')))
        *slash = '\0';
    free(p);
    return found;
}

/* Where a finding is: {side, line, column} added to o. Protobuf findings carry their position;
 * JSON Schema and Avro findings carry a path, looked up in the displayed texts (Avro's path is
 * in the reading schema: the newer one, or the older one for what breaks FORWARD only). */
static void place(json_t *o, const sr_finding *f, const sides *sd)
{
    const char *side = NULL, *pointer = f->path;
    int line = 0, col = 0, old_first;

    if (strcmp(sd->type, "PROTOBUF") == 0) {
        if (f->line > 0) {
            side = f->in_old ? "old" : "new";
            line = f->line;
            col = f->column;
        }
    } else {
        if (*pointer == '#')
            pointer++;
        old_first = strcmp(sd->type, "AVRO") == 0 ? f->breaks == SR_BREAKS_FORWARD : f->in_old;
        const char *first = old_first ? sd->old_text : sd->new_text;
        const char *second = old_first ? sd->new_text : sd->old_text;
        if (first && sr_registry__json_locate(&line, &col, first, pointer))
            side = old_first ? "old" : "new";
        else if (second && sr_registry__json_locate(&line, &col, second, pointer))
            side = old_first ? "new" : "old";
        else if (first && locate_up(&line, &col, first, pointer))
            side = old_first ? "old" : "new";
    }
    json_object_set_new(o, "side", side ? json_string(side) : json_null());
    json_object_set_new(o, "line", json_integer(line));
    json_object_set_new(o, "column", json_integer(col));
}

static json_t *finding_json(const sr_finding *f, const sides *sd)
{
    json_t *o = json_object();
    int b = (f->breaks & SR_BREAKS_BACKWARD) != 0, fw = (f->breaks & SR_BREAKS_FORWARD) != 0;

    json_object_set_new(o, "type", json_string(f->type));
    json_object_set_new(o, "path", sr_registry__string(f->path));
    json_object_set_new(o, "message", sr_registry__string(f->message));
    json_object_set_new(o, "breaks", json_pack("{s:b,s:b,s:b}", "BACKWARD", b, "FORWARD", fw,
                                               "FULL", b || fw));
    if (f->version)
        json_object_set_new(o, "version", json_integer(f->version));
    place(o, f, sd);
    return o;
}

/* ---- the differences between two versions ---- */

static json_t *side_json(const sr_store_version *v, const sr_store_schema *s, const char *text)
{
    return json_pack("{s:i,s:i,s:s,s:I,s:b,s:o}", "version", v->version, "id", v->id,
                     "schemaType", s->type, "ts", (json_int_t)v->ts, "deleted", v->deleted,
                     "text", sr_registry__string(text));
}

/* Index in vs of `to` (NULL = latest live) and of `from` (NULL = the live version before it). */
static int pick_pair(int *from_at, int *to_at, sr_store_version *vs, size_t n, const char *from,
                     const char *to, sr_err *err)
{
    int v;

    *to_at = sr_registry__latest(vs, n);
    if (to) {
        if (sr_registry_parse_version(&v, to, err) < 0)
            return -1;
        *to_at = v == -1 ? *to_at : sr_registry__find(vs, n, v);
    }
    if (*to_at < 0)
        return sr_err_set(err, 40402, "Version %s not found.", to ? to : "latest");
    if (from) {
        if (sr_registry_parse_version(&v, from, err) < 0)
            return -1;
        *from_at = v == -1 ? sr_registry__latest(vs, n) : sr_registry__find(vs, n, v);
        if (*from_at < 0)
            return sr_err_set(err, 40402, "Version %s not found.", from);
        return 0;
    }
    for (*from_at = *to_at - 1; *from_at >= 0 && vs[*from_at].deleted; (*from_at)--)
        ;
    if (*from_at < 0)
        return sr_err_set(err, 40402, "Version %d has no earlier version to compare with.",
                          vs[*to_at].version);
    return 0;
}

typedef struct pair {
    sr_store_schema *s[2];   /* from, to */
    sr_idcache_ref *ref[2];
    char *text[2];           /* displayed */
} pair;

static int diff(json_t **out, sr_registry *r, const sr_reading *rd, const char *subject,
                const char *from, const char *to, sr_err *err)
{
    char *context = sr_registry__context_of(subject);
    sr_findings f = SR_FINDINGS_INIT;
    sr_store_version *vs = NULL;
    pair p = {0};
    json_t *o = NULL, *list, *level = NULL;
    size_t n = 0;
    int at[2], rc = -1;
    unsigned breaks = 0;

    if (sr_store_versions(&vs, &n, rd->tx, subject, err) < 0)
        goto out;
    if (n == 0) {
        sr_err_set(err, 40401, "Subject '%s' not found.", subject);
        goto out;
    }
    if (pick_pair(&at[0], &at[1], vs, n, from, to, err) < 0)
        goto out;
    for (int i = 0; i < 2; i++) {
        if (sr_registry__stored(&p.s[i], rd->tx, context, vs[at[i]].id, err) < 0 ||
            sr_registry__parsed(&p.ref[i], r, rd, context, vs[at[i]].id, err) != 0)
            goto out;
        p.text[i] = display_text(p.s[i]->type, p.s[i]->text);
    }
    if (sr_compat_diff(&f, sr_registry__parsed_schema(p.ref[0]),
                       sr_registry__parsed_schema(p.ref[1]), err) < 0 ||
        level_json(&level, r, rd->tx, subject, err) < 0)
        goto out;
    sides sd = {p.s[1]->type, p.text[0], p.text[1]};
    list = json_array();
    for (size_t i = 0; i < f.n; i++) {
        json_array_append_new(list, finding_json(&f.v[i], &sd));
        breaks |= f.v[i].breaks;
    }
    o = json_pack("{s:o,s:o,s:o,s:o,s:{s:b,s:b,s:b},s:o}", "subject",
                  sr_registry__string(subject), "from", side_json(&vs[at[0]], p.s[0], p.text[0]),
                  "to", side_json(&vs[at[1]], p.s[1], p.text[1]), "compatibility", level,
                  "breaks", "BACKWARD", (breaks & SR_BREAKS_BACKWARD) != 0, "FORWARD",
                  (breaks & SR_BREAKS_FORWARD) != 0, "FULL", breaks != 0, "differences", list);
    level = NULL;
    *out = o;
    rc = 0;
out:
    json_decref(level);
    sr_findings_dispose(&f);
    for (int i = 0; i < 2; i++) {
        sr_registry__parsed_release(r, p.ref[i]);
        sr_store_schema_free(p.s[i]);
        free(p.text[i]);
    }
    sr_store_versions_free(vs, n);
    free(context);
    return rc;
}

int sr_registry_diff(json_t **out, sr_registry *r, const char *subject, const char *from,
                     const char *to, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, diff(out, r, &rd, subject, from, to, err));
    return rc;
}

/* ---- checking a new schema ---- */

typedef struct checking {
    sr_registry *r;
    const sr_reading *rd;
    const char *subject;
    char *context;
    const sr_schema_req *req;
    sr_scope scope;
    sr_prepared p;
    sr_store_version *vs;
    size_t n;
    sr_idcache_ref **refs; /* the candidates, parsed */
    sr_candidate *cands;
    size_t k;
    sr_findings f;
} checking;

/* The live versions the level checks against (all of them for a transitive level, else the
 * latest), parsed. */
static int candidates(checking *c, sr_err *err)
{
    int latest = sr_registry__latest(c->vs, c->n);
    size_t first = sr_compat_level_transitive(c->scope.level) || latest < 0 ? 0 : (size_t)latest;

    c->refs = sr_xcalloc(c->n + 1, sizeof(*c->refs));
    c->cands = sr_xcalloc(c->n + 1, sizeof(*c->cands));
    for (size_t i = first; i < c->n; i++) {
        if (c->vs[i].deleted)
            continue;
        if (sr_registry__parsed(&c->refs[c->k], c->r, c->rd, c->context, c->vs[i].id, err) != 0)
            return -1;
        c->cands[c->k] = (sr_candidate){sr_registry__parsed_schema(c->refs[c->k]),
                                        c->vs[i].version};
        c->k++;
    }
    return 0;
}

/* The findings with their places: in the text sent, or in the version found against. */
static json_t *placed(checking *c, sr_err *err)
{
    json_t *list = json_array();
    sr_store_schema *s = NULL;
    char *old_text = NULL;
    int have = 0;

    for (size_t i = 0; i < c->f.n; i++) {
        const sr_finding *f = &c->f.v[i];
        if (f->version != have) {
            int at = sr_registry__find(c->vs, c->n, f->version);
            sr_store_schema_free(s);
            free(old_text);
            s = NULL;
            old_text = NULL;
            have = f->version;
            if (at >= 0 && sr_registry__stored(&s, c->rd->tx, c->context, c->vs[at].id, err) == 0)
                old_text = display_text(s->type, s->text);
            sr_err_clear(err);
        }
        sides sd = {sr_schema_type_name(c->req->type), old_text, c->req->schema};
        json_array_append_new(list, finding_json(f, &sd));
    }
    sr_store_schema_free(s);
    free(old_text);
    return list;
}

static int check_in(json_t *o, checking *c, sr_err *err)
{
    sr_schema_src src = sr_registry__src(c->req, c->context);
    unsigned flags = SR_PARSE_NEW | (c->scope.normalize || c->req->normalize ? SR_PARSE_NORMALIZE
                                                                              : 0);
    json_t *mode = NULL;

    if (mode_json(&mode, c->rd->tx, c->subject, err) < 0)
        return -1;
    json_object_set_new(o, "compatibility",
                        json_string(sr_compat_level_name(c->scope.level)));
    json_object_set_new(o, "mode", json_incref(json_object_get(mode, "mode")));
    json_decref(mode);
    json_object_set_new(o, "findings", json_array());
    if (json_is_true(json_object_get(o, "is_compatible")) || !src.text)
        return 0;
    if (sr_registry__prepare(&c->p, c->r, c->rd->tx, &src, flags, 0, err) < 0) {
        sr_err_clear(err); /* the messages say why already */
        return 0;
    }
    if (sr_store_versions(&c->vs, &c->n, c->rd->tx, c->subject, err) < 0 || candidates(c, err) < 0 ||
        sr_compat_check_findings(&c->f, c->scope.level, c->p.schema, c->cands, c->k, err) < 0)
        return -1;
    json_object_set_new(o, "findings", placed(c, err));
    return 0;
}

static int check_read(json_t *o, checking *c, sr_err *err)
{
    c->context = sr_registry__context_of(c->subject);
    if (sr_registry__scope(&c->scope, c->r, c->rd->tx, c->subject, err) < 0)
        return -1;
    return check_in(o, c, err);
}

int sr_registry_check_findings(json_t **out, sr_registry *r, const char *subject,
                               const sr_schema_req *req, sr_err *err)
{
    checking c = {.r = r, .subject = subject, .req = req, .f = SR_FINDINGS_INIT};
    json_t *o = NULL;
    int rc;

    /* Confluent's verdict and messages first, exactly as POST /compatibility answers them */
    if (sr_registry_check(&o, r, subject, NULL, req, 1, err) < 0)
        return -1;
    SR_WITH_READ(r, err, (c.rd = &rd, check_read(o, &c, err)));
    for (size_t i = 0; i < c.k; i++)
        sr_registry__parsed_release(r, c.refs[i]);
    free(c.refs);
    free(c.cands);
    sr_findings_dispose(&c.f);
    sr_store_versions_free(c.vs, c.n);
    sr_registry__prepared_dispose(&c.p);
    sr_registry__scope_dispose(&c.scope);
    free(c.context);
    if (rc < 0) {
        json_decref(o);
        return -1;
    }
    *out = o;
    return 0;
}
