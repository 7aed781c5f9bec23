/* cmd_ci.c -- the CI gatekeeper.
 *
 * `sluice ci check --against REV`: the schema files (.proto, .json) changed between the merge base of HEAD and
 * REV, plus every file that imports them, each checked with compat's level check -- against its
 * version at the merge base (--offline), or against the versions the registry holds: the registry
 * gives the verdict (a dry run of its compatibility endpoint for the subject named by the file's
 * path) and the same check run here on the versions it holds gives the findings behind it and
 * their lines. Breaking changes are reported with file, line and column, for people or CI systems.
 *
 * `sluice ci register [--since REV]`: registers files in dependency order, imports first. */
#include "ci/client.h"
#include "ci/commands.h"
#include "ci/config.h"
#include "ci/fetch.h"
#include "ci/gitsrc.h"
#include "ci/plan.h"
#include "ci/report.h"
#include "common/buf.h"
#include "compat/compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ci_opts {
    const char *registry;
    const char *against;
    const char *repo;
    const char *format;       /* "human" or "github" */
    sr_compat_level level;
    int offline;
} ci_opts;

/* One `ci check` run. */
typedef struct ci_run {
    const ci_opts *o;
    const sr_ci_config *cfg;
    const sr_gitdiff *g;
    sr_client *client;  /* NULL offline */
    sr_fetch *fetch;    /* what the registry holds; NULL offline */
    int breaking;       /* breaking changes found */
    int checked;        /* files checked */
    int errors;         /* files that could not be checked (exit 2) */
    int unreachable;    /* the registry could not be reached (exit 3) */
    sr_report found;    /* rendered at the end, in the chosen format */
} ci_run;

/* A breaking change; line 0 when it has no position. */
static void breaking(ci_run *r, const char *file, int line, int col, const char *what)
{
    r->breaking++;
    sr_report_finding(&r->found, file, line, col, what);
}

/* A file that could not be checked: never a pass. */
static void check_error(ci_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check_error(ci_run *r, const char *fmt, ...)
{
    va_list ap;

    r->errors++;
    fputs("sluice ci check: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Keep the files under the proto roots and not ignored, named by their path from the root
 * (import paths and subjects are); the repository path stays for annotations. */
static void map_files(sr_gitfiles *files, const sr_ci_config *cfg)
{
    size_t kept = 0;

    for (size_t i = 0; i < files->n; i++) {
        sr_gitfile f = files->v[i];
        const char *rel = sr_ci_config_relative(cfg, f.path);
        if (!rel) {
            free(f.path);
            free(f.text);
            continue;
        }
        f.repo_path = f.path;
        f.path = sr_xstrdup(rel);
        files->v[kept++] = f;
    }
    files->n = kept;
}

static void map_paths(sr_gitdiff *g, const sr_ci_config *cfg)
{
    size_t kept = 0;

    map_files(&g->base, cfg);
    map_files(&g->head, cfg);
    for (size_t i = 0; i < g->nchanges; i++) {
        sr_change c = g->changes[i];
        const char *o = c.old_path ? sr_ci_config_relative(cfg, c.old_path) : NULL;
        const char *n = c.new_path ? sr_ci_config_relative(cfg, c.new_path) : NULL;
        char *no = o ? sr_xstrdup(o) : NULL, *nn = n ? sr_xstrdup(n) : NULL;
        free(c.old_path);
        free(c.new_path);
        if (!no && !nn)
            continue;
        c.old_path = no;
        c.new_path = nn;
        if (!no && c.kind != SR_ADDED)
            c.kind = SR_ADDED; /* moved in from outside the roots */
        if (!nn && c.kind != SR_DELETED)
            c.kind = SR_DELETED;
        g->changes[kept++] = c;
    }
    g->nchanges = kept;
}

/* The path to show for a file: its repository path. */
static const char *shown(const sr_gitfiles *files, const char *path)
{
    const sr_gitfile *f = sr_gitfiles_find(files, path);
    return f && f->repo_path ? f->repo_path : path;
}

static int load_config(sr_ci_config *cfg, const sr_gitdiff *g, const char *cmd)
{
    SR_ERR_LOCAL(err);

    if (sr_ci_config_parse(cfg, g->config, &err) < 0) {
        fprintf(stderr, "sluice %s: %s\n", cmd, sr_err_message(&err));
        return -1;
    }
    return 0;
}

/* A repository file parsed with the other files of its revision as its imports (by path from
 * the proto root). 0, or -1 with compat's err. */
static int parse_file(sr_schema **out, const sr_gitfiles *files, const sr_gitfile *f,
                      unsigned flags, sr_err *err)
{
    sr_dep *deps = NULL;
    size_t n = sr_ci_deps(&deps, files, f);
    int rc = sr_schema_parse(out, sr_ci_file_type(f->path), f->text, deps, n, flags, err);

    sr_ci_deps_free(deps, n, f);
    return rc;
}

/* A file that does not parse is a breaking change at the problem's position. compat's message
 * reads "... details: <file>:<line>:<column>: <what>"; <file> is one of the repository's files
 * when the problem is in an import (then it is named, and the position is not in this file). */
static void invalid(ci_run *r, const char *path, const sr_gitfiles *files, const sr_gitfile *f,
                    const sr_err *err)
{
    const char *msg = sr_err_message(err), *details = strstr(msg, "details: ");
    const char *what = details ? details + 9 : msg;
    const char *colon = details ? strchr(what, ':') : NULL;
    int line = 0, col = 0, used = 0;
    char *file;

    if (sr_ci_file_type(f->path) == SR_TYPE_JSON) { /* "... (line L, column C)..." */
        const char *at = strstr(what, "line ");
        if (at && sscanf(at, "line %d, column %d", &line, &col) == 2 &&
            !strstr(what, "in the referenced schema"))
            breaking(r, path, line, col, what);
        else
            breaking(r, path, 0, 0, what);
        return;
    }
    if (!colon || sscanf(colon + 1, "%d:%d: %n", &line, &col, &used) < 2 || used == 0) {
        breaking(r, path, 0, 0, what);
        return;
    }
    file = sr_xstrndup(what, (size_t)(colon - what));
    if (strcmp(file, f->path) != 0 && sr_gitfiles_find(files, file))
        breaking(r, path, 0, 0, what); /* in an import: named there */
    else
        breaking(r, path, line, col, colon + 1 + used);
    free(file);
}

/* The findings of a check, at their positions. `base`, when not NULL, holds the differences
 * between the file at the merge base and now: a finding placed in an older text that is not the
 * merge base's (a version the registry holds) takes the position of the same difference there,
 * else none. */
static void report_findings(ci_run *r, const char *path, const sr_findings *found,
                            const sr_findings *base)
{
    for (size_t i = 0; i < found->n; i++) {
        const sr_finding *f = &found->v[i];
        int line = f->line, col = f->column;
        if (f->in_old && base) {
            line = col = 0;
            for (size_t k = 0; k < base->n; k++)
                if (base->v[k].in_old && strcmp(base->v[k].type, f->type) == 0 &&
                    strcmp(base->v[k].path, f->path) == 0) {
                    line = base->v[k].line;
                    col = base->v[k].column;
                    break;
                }
        }
        breaking(r, path, line, col, f->message);
    }
}

/* ---- offline: against the merge base ---- */

static void check_file(ci_run *r, const char *path, const char *old_path)
{
    const sr_gitdiff *g = r->g;
    const sr_gitfile *now = sr_gitfiles_find(&g->head, path);
    const sr_gitfile *before = sr_gitfiles_find(&g->base, old_path ? old_path : path);
    const char *name = shown(&g->head, path);
    sr_schema *ns = NULL, *os = NULL;
    sr_findings found = SR_FINDINGS_INIT;
    sr_candidate cand;
    SR_ERR_LOCAL(err);

    if (!now)
        return;
    r->checked++;
    sr_report_checked(&r->found, name);
    if (parse_file(&ns, &g->head, now, SR_PARSE_NEW, &err) < 0) {
        invalid(r, name, &g->head, now, &err);
        return;
    }
    if (!before)
        goto out; /* a new file: it parses, nothing to break */
    if (parse_file(&os, &g->base, before, 0, &err) < 0) {
        check_error(r, "%s at the merge base does not parse, so it cannot be checked against "
                    "it: %s", shown(&g->base, before->path), sr_err_message(&err));
        goto out;
    }
    cand = (sr_candidate){os, 1};
    if (sr_compat_check_findings(&found, r->o->level, ns, &cand, 1, &err) < 0)
        check_error(r, "%s: %s", name, sr_err_message(&err));
    else
        report_findings(r, name, &found, NULL);
out:
    sr_findings_dispose(&found);
    sr_schema_free(os);
    sr_schema_free(ns);
}

/* ---- against the registry ---- */

/* A RegisterRequest for a repository file: its text, and its local imports as references to
 * the subjects named by their paths (latest version). */
static json_t *request_for(const sr_ci_config *cfg, const sr_gitfiles *files,
                           const sr_gitfile *f)
{
    sr_strlist names = SR_STRLIST_INIT, paths = SR_STRLIST_INIT, done = SR_STRLIST_INIT;
    json_t *refs = json_array();

    sr_ci_import_refs(&names, &paths, files, f);
    for (size_t i = 0; i < names.n; i++) {
        sr_strlist subjects = SR_STRLIST_INIT;
        if (sr_ci_in_list(&done, names.v[i]))
            continue;
        sr_strlist_add(&done, names.v[i]);
        sr_ci_subjects_of(&subjects, cfg, files, sr_gitfiles_find(files, paths.v[i]));
        json_array_append_new(refs, json_pack("{s:s, s:s, s:i}", "name", names.v[i], "subject",
                                              subjects.v[0], "version", -1));
        sr_strlist_dispose(&subjects);
    }
    sr_strlist_dispose(&names);
    sr_strlist_dispose(&paths);
    sr_strlist_dispose(&done);
    return json_pack("{s:s, s:s, s:o}", "schemaType",
                     sr_schema_type_name(sr_ci_file_type(f->path)), "schema", f->text,
                     "references", refs);
}

/* The differences between the file at the merge base and now, both parsed from the repository,
 * to place what the registry's versions lack positions for. Empty when there is no such file. */
static void base_differences(sr_findings *out, const sr_gitdiff *g, const sr_gitfile *f)
{
    const sr_gitfile *before = sr_gitfiles_find(&g->base, f->path);
    sr_schema *os = NULL, *ns = NULL;
    SR_ERR_LOCAL(err);

    if (before && parse_file(&os, &g->base, before, 0, &err) == 0 &&
        parse_file(&ns, &g->head, f, 0, &err) == 0)
        (void)sr_compat_diff(out, os, ns, &err);
    sr_schema_free(os);
    sr_schema_free(ns);
}

/* The registry's own words, without a position: what it answered when nothing computed here
 * explains its verdict (the context lines of its list left out). */
static void registry_words(ci_run *r, const char *path, const json_t *ans, int status)
{
    const json_t *m;
    size_t i, before = (size_t)r->breaking;

    if (status != 200) {
        const char *msg = json_string_value(json_object_get(ans, "message"));
        breaking(r, path, 0, 0, msg ? msg : "the registry refused the schema");
        return;
    }
    json_array_foreach(json_object_get(ans, "messages"), i, m) {
        const char *msg = json_string_value(m);
        if (!msg || strncmp(msg, "{oldSchemaVersion:", 18) == 0 ||
            strncmp(msg, "{oldSchema:", 11) == 0 || strncmp(msg, "{validateFields:", 16) == 0)
            continue;
        breaking(r, path, 0, 0, msg);
    }
    if ((size_t)r->breaking == before)
        breaking(r, path, 0, 0, "the registry found the schema incompatible");
}

/* Why the registry refused `f` for `subject`: the findings of the same check run here against
 * the versions it holds (at its level, with references resolved as it resolves them), placed in
 * the repository's files; else the file's own parse error; else the registry's words. */
static void explain(ci_run *r, const sr_gitfile *f, const char *subject, const json_t *request,
                    const json_t *ans, int status)
{
    const char *path = shown(&r->g->head, f->path);
    sr_schema *now = NULL;
    sr_candidate *cands = NULL;
    size_t ncands = 0;
    sr_compat_level level;
    sr_findings found = SR_FINDINGS_INIT, base = SR_FINDINGS_INIT;
    SR_ERR_LOCAL(err);
    int rc = 1; /* as sr_compat_check_findings: 0 when findings explain the verdict */

    if (sr_fetch_parse(&now, r->fetch, sr_ci_file_type(f->path), f->text,
                       json_object_get(request, "references"), SR_PARSE_NEW, &err) < 0) {
        if (err.code == 42201) { /* the file itself is invalid, at this position */
            invalid(r, path, &r->g->head, f, &err);
            return;
        }
        rc = -1;
    } else if (status == 200) {
        if (sr_fetch_level(&level, r->fetch, subject, &err) < 0 ||
            sr_fetch_candidates(&cands, &ncands, r->fetch, subject, level, &err) < 0)
            rc = -1;
        else
            rc = sr_compat_check_findings(&found, level, now, cands, ncands, &err);
    }
    if (rc == 0) {
        base_differences(&base, r->g, f);
        report_findings(r, path, &found, &base);
    } else {
        if (rc < 0 && err.code == 0) /* the registry went away meanwhile */
            r->unreachable = 1;
        registry_words(r, path, ans, status);
    }
    sr_findings_dispose(&found);
    sr_findings_dispose(&base);
    free(cands);
}

/* Ask the registry whether `f`'s text is compatible with `subject`'s versions. */
static void check_subject(ci_run *r, const sr_gitfile *f, const char *subject_name)
{
    json_t *body = request_for(r->cfg, &r->g->head, f), *ans = NULL;
    char *subject = sr_client_escape(subject_name);
    sr_buf url = SR_BUF_INIT;
    int status = 0;
    SR_ERR_LOCAL(err);

    sr_buf_printf(&url, "/compatibility/subjects/%s/versions?verbose=true", subject);
    if (sr_client_request(&ans, &status, r->client, "POST", url.ptr, body, &err) < 0) {
        fprintf(stderr, "sluice ci check: %s\n", sr_err_message(&err));
        if (err.code == 0)
            r->unreachable = 1;
        else
            r->errors++;
    } else if (status != 200 || !json_is_true(json_object_get(ans, "is_compatible"))) {
        explain(r, f, subject_name, body, ans, status);
    }
    json_decref(ans);
    json_decref(body);
    sr_buf_dispose(&url);
    free(subject);
}

static void check_online(ci_run *r, const char *path)
{
    const sr_gitfile *f = sr_gitfiles_find(&r->g->head, path);
    sr_strlist subjects = SR_STRLIST_INIT;

    if (!f)
        return;
    r->checked++;
    sr_report_checked(&r->found, shown(&r->g->head, path));
    sr_ci_subjects_of(&subjects, r->cfg, &r->g->head, f);
    for (size_t i = 0; i < subjects.n && !r->unreachable; i++)
        check_subject(r, f, subjects.v[i]);
    sr_strlist_dispose(&subjects);
}

/* Is any subject of the base version of `path` registered? (A deleted file breaks only the
 * readers of what was registered.) -1 when the registry cannot be reached. */
static int registered(sr_client *c, const sr_ci_config *cfg, const sr_gitdiff *g,
                      const char *path)
{
    const sr_gitfile *f = sr_gitfiles_find(&g->base, path);
    sr_strlist subjects = SR_STRLIST_INIT;
    SR_ERR_LOCAL(err);
    int found = 0;

    if (!f)
        return 0;
    sr_ci_subjects_of(&subjects, cfg, &g->base, f);
    for (size_t i = 0; i < subjects.n && found == 0; i++) {
        char *s = sr_client_escape(subjects.v[i]);
        sr_buf url = SR_BUF_INIT;
        json_t *ans = NULL;
        int status = 0;
        sr_buf_printf(&url, "/subjects/%s/versions", s);
        if (sr_client_request(&ans, &status, c, "GET", url.ptr, NULL, &err) < 0)
            found = -1;
        else if (status == 200)
            found = 1;
        json_decref(ans);
        sr_buf_dispose(&url);
        free(s);
    }
    sr_strlist_dispose(&subjects);
    return found;
}

/* Deleted files (breaking unless allowed, or, online, never registered); the paths changed go
 * to `changed`, the files to check to `todo`. */
static void note_changes(ci_run *r, sr_strlist *todo, sr_strlist *changed)
{
    const sr_gitdiff *g = r->g;

    for (size_t i = 0; i < g->nchanges; i++) {
        const sr_change *c = &g->changes[i];
        if (c->kind == SR_DELETED) {
            sr_buf what = SR_BUF_INIT;
            sr_strlist_add(changed, c->old_path);
            if (r->cfg->allow_deletions)
                continue;
            if (r->client) {
                int reg = registered(r->client, r->cfg, g, c->old_path);
                if (reg < 0)
                    r->unreachable = 1;
                if (reg <= 0)
                    continue; /* never registered: nobody reads it yet */
            }
            sr_buf_printf(&what, "%s was deleted: its subject's readers lose every type it "
                          "defined", c->old_path);
            breaking(r, shown(&g->base, c->old_path), 1, 1, what.ptr);
            sr_buf_dispose(&what);
            continue;
        }
        if (c->old_path)
            sr_strlist_add(changed, c->old_path);
        sr_strlist_add(changed, c->new_path);
        if (!sr_ci_in_list(todo, c->new_path))
            sr_strlist_add(todo, c->new_path);
    }
}

static int check(const ci_opts *o)
{
    sr_client client;
    sr_gitdiff g;
    sr_strlist todo = SR_STRLIST_INIT, changed = SR_STRLIST_INIT;
    ci_run r;
    sr_ci_config cfg;
    SR_ERR_LOCAL(err);

    memset(&r, 0, sizeof(r));
    r.o = o;
    if (!o->offline && sr_client_init(&client, o->registry, &err) < 0) {
        fprintf(stderr, "sluice ci check: %s\n", sr_err_message(&err));
        return SR_EXIT_USAGE;
    }
    if (sr_gitdiff_load(&g, o->repo, o->against, &err) < 0 || load_config(&cfg, &g, "ci check") < 0) {
        if (err.code)
            fprintf(stderr, "sluice ci check: %s\n", sr_err_message(&err));
        if (!o->offline)
            sr_client_dispose(&client);
        sr_gitdiff_dispose(&g);
        return SR_EXIT_USAGE;
    }
    map_paths(&g, &cfg);
    r.cfg = &cfg;
    r.g = &g;
    if (!o->offline) {
        r.client = &client;
        r.fetch = sr_fetch_new(&client);
    }
    note_changes(&r, &todo, &changed);
    sr_ci_importers(&todo, &g.head, &changed); /* files that import changed files, transitively */
    for (size_t i = 0; i < todo.n && !r.unreachable; i++) {
        const char *old_path = NULL;
        for (size_t k = 0; k < g.nchanges; k++)
            if (g.changes[k].kind == SR_RENAMED && strcmp(g.changes[k].new_path, todo.v[i]) == 0)
                old_path = g.changes[k].old_path;
        if (o->offline)
            check_file(&r, todo.v[i], old_path);
        else
            check_online(&r, todo.v[i]);
    }
    sr_report_write(&r.found, o->format, o->against, stdout);
    fprintf(stderr, "sluice ci check: %d file%s checked against the merge base with %s, %d "
            "breaking change%s", r.checked, r.checked == 1 ? "" : "s", o->against, r.breaking,
            r.breaking == 1 ? "" : "s");
    if (r.errors)
        fprintf(stderr, ", %d file%s not checked (errors above)", r.errors,
                r.errors == 1 ? "" : "s");
    fputc('\n', stderr);
    sr_report_dispose(&r.found);
    sr_fetch_free(r.fetch);
    if (!o->offline)
        sr_client_dispose(&client);
    sr_strlist_dispose(&todo);
    sr_strlist_dispose(&changed);
    sr_gitdiff_dispose(&g);
    sr_ci_config_dispose(&cfg);
    if (r.unreachable)
        return SR_EXIT_UNREACHABLE;
    if (r.errors)
        return SR_EXIT_USAGE;
    return r.breaking ? SR_EXIT_BREAKING : SR_EXIT_OK;
}

/* A subject the registry does not know yet gets the configured level before its first
 * version (sluice.yaml `compatibility`). 0, or -1 with err. */
static int set_initial_level(sr_client *c, const sr_ci_config *cfg, const char *subject, sr_err *err)
{
    json_t *ans = NULL, *body;
    char *s;
    sr_buf url = SR_BUF_INIT;
    int status = 0, rc;

    if (!cfg->compatibility)
        return 0;
    s = sr_client_escape(subject);
    sr_buf_printf(&url, "/subjects/%s/versions", s);
    rc = sr_client_request(&ans, &status, c, "GET", url.ptr, NULL, err);
    if (rc == 0 && status == 404) {
        json_decref(ans);
        ans = NULL;
        sr_buf_clear(&url);
        sr_buf_printf(&url, "/config/%s", s);
        body = json_pack("{s:s}", "compatibility", cfg->compatibility);
        rc = sr_client_request(&ans, &status, c, "PUT", url.ptr, body, err);
        json_decref(body);
    }
    json_decref(ans);
    sr_buf_dispose(&url);
    free(s);
    return rc;
}

/* Register one file under one subject; prints "path -> subject version N id M". */
static int register_one(sr_client *c, const sr_ci_config *cfg, const sr_gitfiles *files,
                        const sr_gitfile *f, const char *subject_name, int dry_run)
{
    json_t *body, *ans = NULL;
    char *subject;
    sr_buf url = SR_BUF_INIT;
    const char *path = f->repo_path ? f->repo_path : f->path;
    int status = 0, rc = SR_EXIT_OK;
    SR_ERR_LOCAL(err);

    if (dry_run) {
        printf("%s (would register as %s)\n", path, subject_name);
        return SR_EXIT_OK;
    }
    body = request_for(cfg, files, f);
    subject = sr_client_escape(subject_name);
    sr_buf_printf(&url, "/subjects/%s/versions", subject);
    if (set_initial_level(c, cfg, subject_name, &err) < 0 ||
        sr_client_request(&ans, &status, c, "POST", url.ptr, body, &err) < 0) {
        fprintf(stderr, "sluice ci register: %s\n", sr_err_message(&err));
        rc = err.code ? SR_EXIT_USAGE : SR_EXIT_UNREACHABLE;
    } else if (status != 200) {
        long long code = json_integer_value(json_object_get(ans, "error_code"));
        const char *msg = json_string_value(json_object_get(ans, "message"));
        fprintf(stderr, "sluice ci register: %s: %s%s\n", path, msg ? msg : "(no message)",
                code == 42205 ? " (the registry does not take writes now)" : "");
        rc = code == 409 || code == 40901 ? SR_EXIT_BREAKING : SR_EXIT_USAGE; /* 40901: older servers */
    } else {
        printf("%s -> %s version %lld id %lld\n", path, subject_name,
               (long long)json_integer_value(json_object_get(ans, "version")),
               (long long)json_integer_value(json_object_get(ans, "id")));
    }
    json_decref(ans);
    json_decref(body);
    sr_buf_dispose(&url);
    free(subject);
    return rc;
}

/* `ci register [--since REV]`: the files changed since REV (every file without it), with the
 * files they import, registered imports first; idempotent. */
static int do_register(const ci_opts *o, const char *since, int dry_run)
{
    sr_gitdiff g;
    sr_strlist order = SR_STRLIST_INIT, visiting = SR_STRLIST_INIT;
    sr_ci_config cfg;
    sr_client c;
    SR_ERR_LOCAL(err);
    int rc = SR_EXIT_OK;

    if (sr_client_init(&c, o->registry, &err) < 0) {
        fprintf(stderr, "sluice ci register: %s\n", sr_err_message(&err));
        return SR_EXIT_USAGE;
    }
    if (sr_gitdiff_load(&g, o->repo, since ? since : "HEAD", &err) < 0 ||
        load_config(&cfg, &g, "ci register") < 0) {
        if (err.code)
            fprintf(stderr, "sluice ci register: %s\n", sr_err_message(&err));
        sr_gitdiff_dispose(&g);
        sr_client_dispose(&c);
        return SR_EXIT_USAGE;
    }
    map_paths(&g, &cfg);
    for (size_t i = 0; i < g.head.n && rc == SR_EXIT_OK; i++) {
        int wanted = !since;
        for (size_t k = 0; k < g.nchanges && !wanted; k++)
            wanted = g.changes[k].new_path && strcmp(g.changes[k].new_path, g.head.v[i].path) == 0;
        if (wanted && sr_ci_order_files(&order, &g.head, &g.head.v[i], &visiting) < 0)
            rc = SR_EXIT_USAGE;
    }
    for (size_t i = 0; i < order.n && rc == SR_EXIT_OK; i++) {
        const sr_gitfile *f = sr_gitfiles_find(&g.head, order.v[i]);
        sr_strlist subjects = SR_STRLIST_INIT;
        sr_ci_subjects_of(&subjects, &cfg, &g.head, f);
        for (size_t k = 0; k < subjects.n && rc == SR_EXIT_OK; k++)
            rc = register_one(&c, &cfg, &g.head, f, subjects.v[k], dry_run);
        sr_strlist_dispose(&subjects);
    }
    sr_strlist_dispose(&order);
    sr_strlist_dispose(&visiting);
    sr_gitdiff_dispose(&g);
    sr_ci_config_dispose(&cfg);
    sr_client_dispose(&c);
    return rc;
}

int sr_cmd_ci(sr_cli *cli, int argc, char **argv)
{
    ci_opts o = {cli->registry, NULL, ".", "human", SR_COMPAT_BACKWARD, 0};
    const char *since = NULL;
    int dry_run = 0, reg;
    SR_ERR_LOCAL(err);

    if (argc < 1 || (strcmp(argv[0], "check") != 0 && strcmp(argv[0], "register") != 0)) {
        fputs("usage: sluice ci check --against REV [--offline] [--repo DIR] [--level LEVEL] "
              "[--format human|github|markdown|junit|json]\n"
              "       sluice ci register [--since REV] [--dry-run] [--repo DIR]\n", stderr);
        return SR_EXIT_USAGE;
    }
    reg = strcmp(argv[0], "register") == 0;
    for (int i = 1; i < argc; i++) {
        if (reg && strcmp(argv[i], "--dry-run") == 0) {
            dry_run = 1;
        } else if (reg && i + 1 < argc && strcmp(argv[i], "--since") == 0) {
            since = argv[++i];
        } else if (!reg && strcmp(argv[i], "--offline") == 0) {
            o.offline = 1;
        } else if (i + 1 < argc && strcmp(argv[i], "--against") == 0) {
            o.against = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--repo") == 0) {
            o.repo = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--format") == 0) {
            o.format = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--level") == 0) {
            if (sr_compat_level_parse(&o.level, argv[++i], &err) < 0) {
                fprintf(stderr, "sluice ci check: %s\n", sr_err_message(&err));
                return SR_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "sluice ci check: unexpected '%s'\n", argv[i]);
            return SR_EXIT_USAGE;
        }
    }
    if (reg)
        return do_register(&o, since, dry_run);
    if (!o.against || !sr_report_format_known(o.format)) {
        fputs("sluice ci check: --against REV is required; --format is human, github, markdown, "
              "junit or json\n", stderr);
        return SR_EXIT_USAGE;
    }
    return check(&o);
}
