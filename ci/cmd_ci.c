/* cmd_ci.c -- the CI gatekeeper.
 *
 * `sluice ci check --against REV`: the .proto files changed between the merge base of HEAD and
 * REV, plus every file that imports them, each checked -- against the registry (a dry-run of its
 * compatibility endpoint for the subject named by the file's path), or with --offline against
 * its version at the merge base with Confluent's protobuf rules (compat/). Breaking changes are
 * reported with file, line and column, for people or as GitHub Actions annotations.
 *
 * `sluice ci register [--since REV]`: registers files in dependency order, imports first. */
#include "ci/client.h"
#include "ci/commands.h"
#include "ci/config.h"
#include "ci/gitsrc.h"
#include "ci/plan.h"
#include "ci/report.h"
#include "common/buf.h"
#include "compat/compat.h"
#include "compat/proto_diff.h"

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

typedef struct ci_report {
    const ci_opts *o;
    const sr_ci_config *cfg;
    int breaking;
    int checked;
    sr_report found; /* rendered at the end, in the chosen format */
} ci_report;

static void finding(ci_report *r, const char *file, int line, int col, const char *what)
{
    r->breaking++;
    sr_report_finding(&r->found, file, line, col, what);
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
    sr_err err = {0};

    if (sr_ci_config_parse(cfg, g->config, &err) < 0) {
        fprintf(stderr, "sluice %s: %s\n", cmd, err.msg);
        return -1;
    }
    return 0;
}

/* Every file of `files` except `skip`, as the dependencies imports are resolved from. */
static sr_dep *deps_of(const sr_gitfiles *files, const char *skip, size_t *n)
{
    sr_dep *d = sr_xcalloc(files->n + 1, sizeof(*d));

    *n = 0;
    for (size_t i = 0; i < files->n; i++)
        if (strcmp(files->v[i].path, skip) != 0)
            d[(*n)++] = (sr_dep){files->v[i].path, files->v[i].path, 1, SR_TYPE_PROTOBUF,
                                 files->v[i].text};
    return d;
}

/* One direction of the check: `update` read as new data by `original`'s readers or the reverse;
 * findings located in the new file when they exist there. */
static void compare(ci_report *r, const char *path, const sr_proto_fileset *original,
                    const sr_proto_fileset *update, const sr_proto_fileset *newer,
                    const char *reader, const char *writer)
{
    sr_proto_diffs d = {0};

    sr_proto_diff_compare(&d, original, update);
    for (size_t i = 0; i < d.n; i++) {
        char *msg, *text;
        int line = 1, col = 1;
        if (sr_proto_diff_is_compatible(d.v[i].type))
            continue;
        if (sr_proto_diff_locate(&line, &col, newer, d.v[i].path) < 0 &&
            sr_proto_diff_locate(&line, &col, newer == update ? original : update, d.v[i].path) < 0)
            line = col = 1; /* e.g. a removed message: where it was */
        msg = sr_proto_diff_message(&d.v[i]);
        text = sr_compat_fill_words(msg, reader, writer);
        finding(r, path, line, col, text);
        free(msg);
        free(text);
    }
    sr_proto_diffs_dispose(&d);
}

/* A RegisterRequest for a repository file: its text, and its local imports as references to
 * the subjects named by their paths (latest version). */
static json_t *request_for(const sr_ci_config *cfg, const sr_gitfiles *files,
                           const sr_gitfile *f)
{
    sr_strlist deps = SR_STRLIST_INIT;
    json_t *refs = json_array();

    sr_ci_local_imports(&deps, files, f);
    for (size_t i = 0; i < deps.n; i++) {
        sr_strlist subjects = SR_STRLIST_INIT;
        sr_ci_subjects_of(&subjects, cfg, files, sr_gitfiles_find(files, deps.v[i]));
        json_array_append_new(refs, json_pack("{s:s, s:s, s:i}", "name", deps.v[i], "subject",
                                              subjects.v[0], "version", -1));
        sr_strlist_dispose(&subjects);
    }
    sr_strlist_dispose(&deps);
    return json_pack("{s:s, s:s, s:o}", "schemaType", "PROTOBUF", "schema", f->text,
                     "references", refs);
}

/* The position a registry message carries (", line:N, column:M}"), if any. */
static void message_position(const char *msg, int *line, int *col)
{
    const char *p = strstr(msg, ", line:");
    *line = *col = 1;
    if (p)
        sscanf(p, ", line:%d, column:%d", line, col);
}

/* A repository file parsed with the other files of its revision as imports, or NULL. */
static sr_proto_fileset *parse_in(const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    size_t n;
    sr_dep *deps;

    if (!f)
        return NULL;
    deps = deps_of(files, f->path, &n);
    if (sr_proto_parse(&fs, f->path, f->text, deps, n, &err) < 0)
        fs = NULL;
    free(deps);
    return fs;
}

/* The registry locates findings in the texts it holds; re-locate them in the repository's own
 * files, by the diff path in the message ("path '#/Order/2'"): in the new file, else in the
 * file at the merge base (an element that was removed). `sides` are those two, parsed (either
 * may be NULL). 0 when found. */
static int relocate(sr_proto_fileset *const sides[2], const char *msg, int *line, int *col)
{
    const char *p = strstr(msg, "path '"), *q;
    char *dpath;
    int rc = -1;

    if (!p)
        p = strstr(msg, "path: '");
    if (!p || !(p = strchr(p, '\'')) || !(q = strchr(p + 1, '\'')))
        return -1;
    dpath = sr_xstrndup(p + 1, (size_t)(q - p - 1));
    for (int i = 0; i < 2 && rc < 0; i++)
        if (sides[i])
            rc = sr_proto_diff_locate(line, col, sides[i], dpath);
    free(dpath);
    return rc;
}

/* Ask the registry whether `path`'s new text is compatible with its subject's versions. */
static int check_subject(ci_report *r, sr_client *c, const sr_gitdiff *g, const sr_gitfile *f,
                         const char *subject_name);

static int check_online(ci_report *r, sr_client *c, const sr_gitdiff *g, const char *path)
{
    const sr_gitfile *f = sr_gitfiles_find(&g->head, path);
    sr_strlist subjects = SR_STRLIST_INIT;
    int rc = SR_EXIT_OK;

    if (!f)
        return SR_EXIT_OK;
    r->checked++;
    sr_report_checked(&r->found, shown(&g->head, path));
    sr_ci_subjects_of(&subjects, r->cfg, &g->head, f);
    for (size_t i = 0; i < subjects.n && rc == SR_EXIT_OK; i++)
        rc = check_subject(r, c, g, f, subjects.v[i]);
    sr_strlist_dispose(&subjects);
    return rc;
}

static int check_subject(ci_report *r, sr_client *c, const sr_gitdiff *g, const sr_gitfile *f,
                         const char *subject_name)
{
    const char *path = shown(&g->head, f->path);
    json_t *body, *ans = NULL, *m;
    char *subject, *url = NULL;
    int status = 0, rc = SR_EXIT_OK;
    sr_err err = {0};
    size_t i;

    body = request_for(r->cfg, &g->head, f);
    subject = sr_client_escape(subject_name);
    if (asprintf(&url, "/compatibility/subjects/%s/versions?verbose=true", subject) < 0)
        url = NULL;
    if (!url || sr_client_request(&ans, &status, c, "POST", url, body, &err) < 0) {
        fprintf(stderr, "sluice ci check: %s\n", err.msg);
        rc = SR_EXIT_UNREACHABLE;
    } else if (status != 200) {
        const char *msg = json_string_value(json_object_get(ans, "message"));
        finding(r, path, 1, 1, msg ? msg : "the registry refused the schema");
    } else if (!json_is_true(json_object_get(ans, "is_compatible"))) {
        int before = r->breaking;
        /* parsed once for all the messages: the new file, and the one at the merge base */
        sr_proto_fileset *sides[2] = {parse_in(&g->head, f),
                                      parse_in(&g->base, sr_gitfiles_find(&g->base, f->path))};
        json_array_foreach(json_object_get(ans, "messages"), i, m) {
            const char *msg = json_string_value(m);
            int line, col;
            if (!msg || msg[0] != '{' || strncmp(msg, "{oldSchema", 10) == 0 ||
                strncmp(msg, "{validateFields", 15) == 0)
                continue; /* the findings, not the context lines */
            if (relocate(sides, msg, &line, &col) < 0)
                message_position(msg, &line, &col);
            finding(r, path, line, col, msg);
        }
        sr_proto_fileset_free(sides[0]);
        sr_proto_fileset_free(sides[1]);
        if (r->breaking == before) { /* not a diff: the schema itself is invalid */
            const char *msg = json_string_value(json_array_get(json_object_get(ans, "messages"), 0));
            const char *details = msg ? strstr(msg, "details: ") : NULL;
            int line = 1, col = 1;
            if (details && strchr(details + 9, ':'))
                sscanf(strchr(details + 9, ':') + 1, "%d:%d", &line, &col);
            finding(r, path, line, col, details ? details + 9 : msg ? msg : "incompatible");
        }
    }
    json_decref(ans);
    json_decref(body);
    free(url);
    free(subject);
    return rc;
}

static void check_file(ci_report *r, const sr_gitdiff *g, const char *path, const char *old_path)
{
    const sr_gitfile *now = sr_gitfiles_find(&g->head, path);
    const sr_gitfile *before = sr_gitfiles_find(&g->base, old_path ? old_path : path);
    sr_proto_fileset *nfs = NULL, *ofs = NULL;
    sr_dep *deps;
    size_t n;
    sr_err err = {0};
    int rc;

    if (!now)
        return;
    r->checked++;
    sr_report_checked(&r->found, shown(&g->head, path));
    deps = deps_of(&g->head, path, &n);
    rc = sr_proto_parse(&nfs, path, now->text, deps, n, &err);
    free(deps);
    if (rc < 0) { /* the message holds "<file>:<line>:<col>: <what>" */
        const char *details = strstr(err.msg, "details: ");
        int line = 1, col = 1;
        if (details)
            sscanf(strchr(details + 9, ':') ? strchr(details + 9, ':') + 1 : "", "%d:%d", &line,
                   &col);
        finding(r, shown(&g->head, path), line, col, details ? details + 9 : err.msg);
        return;
    }
    if (before && (ofs = parse_in(&g->base, before))) {
        sr_compat_level l = r->o->level;
        int fwd = l == SR_COMPAT_FORWARD || l == SR_COMPAT_FORWARD_TRANSITIVE ||
                  l == SR_COMPAT_FULL || l == SR_COMPAT_FULL_TRANSITIVE;
        int back = l != SR_COMPAT_NONE && l != SR_COMPAT_FORWARD &&
                   l != SR_COMPAT_FORWARD_TRANSITIVE;
        if (fwd)
            compare(r, shown(&g->head, path), nfs, ofs, nfs, "old", "new");
        if (back)
            compare(r, shown(&g->head, path), ofs, nfs, nfs, "new", "old");
    }
    sr_proto_fileset_free(ofs);
    sr_proto_fileset_free(nfs);
}

/* Is any subject of the base version of `path` registered? (A deleted file breaks only the
 * readers of what was registered.) -1 when the registry cannot be reached. */
static int registered(sr_client *c, const sr_ci_config *cfg, const sr_gitdiff *g,
                      const char *path)
{
    const sr_gitfile *f = sr_gitfiles_find(&g->base, path);
    sr_strlist subjects = SR_STRLIST_INIT;
    sr_err err = {0};
    int found = 0;

    if (!f)
        return 0;
    sr_ci_subjects_of(&subjects, cfg, &g->base, f);
    for (size_t i = 0; i < subjects.n && found == 0; i++) {
        char *s = sr_client_escape(subjects.v[i]), *url = NULL;
        json_t *ans = NULL;
        int status = 0;
        if (asprintf(&url, "/subjects/%s/versions", s) >= 0) {
            if (sr_client_request(&ans, &status, c, "GET", url, NULL, &err) < 0)
                found = -1;
            else if (status == 200)
                found = 1;
        }
        json_decref(ans);
        free(url);
        free(s);
    }
    sr_strlist_dispose(&subjects);
    return found;
}

static int check(const ci_opts *o)
{
    sr_client client;
    int rc_online = SR_EXIT_OK;
    sr_gitdiff g;
    sr_strlist todo = SR_STRLIST_INIT, changed = SR_STRLIST_INIT;
    ci_report r = {o, NULL, 0, 0, {SR_STRLIST_INIT, NULL, 0}};
    sr_ci_config cfg;
    sr_err err = {0};
    int grew = 1;

    if (!o->offline && sr_client_init(&client, o->registry, &err) < 0) {
        fprintf(stderr, "sluice ci check: %s\n", err.msg);
        return SR_EXIT_USAGE;
    }
    if (sr_gitdiff_load(&g, o->repo, o->against, &err) < 0 || load_config(&cfg, &g, "ci check") < 0) {
        if (err.code)
            fprintf(stderr, "sluice ci check: %s\n", err.msg);
        if (!o->offline)
            sr_client_dispose(&client);
        sr_gitdiff_dispose(&g);
        return SR_EXIT_USAGE;
    }
    map_paths(&g, &cfg);
    r.cfg = &cfg;
    for (size_t i = 0; i < g.nchanges; i++) {
        const sr_change *c = &g.changes[i];
        if (c->kind == SR_DELETED) {
            char what[512];
            sr_strlist_add(&changed, c->old_path);
            if (cfg.allow_deletions)
                continue;
            if (!o->offline) {
                int reg = registered(&client, &cfg, &g, c->old_path);
                if (reg < 0)
                    rc_online = SR_EXIT_UNREACHABLE;
                if (reg <= 0)
                    continue; /* never registered: nobody reads it yet */
            }
            snprintf(what, sizeof(what), "%s was deleted: its subject's readers lose every type "
                     "it defined", c->old_path);
            finding(&r, shown(&g.base, c->old_path), 1, 1, what);
            continue;
        }
        if (c->old_path)
            sr_strlist_add(&changed, c->old_path);
        sr_strlist_add(&changed, c->new_path);
        if (!sr_ci_in_list(&todo, c->new_path))
            sr_strlist_add(&todo, c->new_path);
    }
    while (grew) { /* files that import changed files, transitively */
        grew = 0;
        for (size_t i = 0; i < g.head.n; i++) {
            const sr_gitfile *f = &g.head.v[i];
            if (sr_ci_in_list(&todo, f->path))
                continue;
            for (size_t k = 0; k < todo.n + changed.n; k++) {
                const char *dep = k < todo.n ? todo.v[k] : changed.v[k - todo.n];
                if (sr_ci_imports(f->text, dep)) {
                    sr_strlist_add(&todo, f->path);
                    grew = 1;
                    break;
                }
            }
        }
    }
    for (size_t i = 0; i < todo.n; i++) {
        const char *old_path = NULL;
        for (size_t k = 0; k < g.nchanges; k++)
            if (g.changes[k].kind == SR_RENAMED && strcmp(g.changes[k].new_path, todo.v[i]) == 0)
                old_path = g.changes[k].old_path;
        if (o->offline)
            check_file(&r, &g, todo.v[i], old_path);
        else if (rc_online == SR_EXIT_OK)
            rc_online = check_online(&r, &client, &g, todo.v[i]);
    }
    if (!o->offline)
        sr_client_dispose(&client);
    sr_report_write(&r.found, o->format, o->against, stdout);
    sr_report_dispose(&r.found);
    fprintf(stderr, "sluice ci check: %d file%s checked against the merge base with %s, %d "
            "breaking change%s\n", r.checked, r.checked == 1 ? "" : "s", o->against, r.breaking,
            r.breaking == 1 ? "" : "s");
    sr_strlist_dispose(&todo);
    sr_strlist_dispose(&changed);
    sr_gitdiff_dispose(&g);
    sr_ci_config_dispose(&cfg);
    if (rc_online != SR_EXIT_OK)
        return rc_online;
    return r.breaking ? SR_EXIT_BREAKING : SR_EXIT_OK;
}

/* A subject the registry does not know yet gets the configured level before its first
 * version (sluice.yaml `compatibility`). */
static int set_initial_level(sr_client *c, const sr_ci_config *cfg, const char *subject, sr_err *err)
{
    json_t *ans = NULL, *body;
    char *s = sr_client_escape(subject), *url = NULL;
    int status = 0, rc = 0;

    if (!cfg->compatibility) {
        free(s);
        return 0;
    }
    if (asprintf(&url, "/subjects/%s/versions", s) >= 0 &&
        (rc = sr_client_request(&ans, &status, c, "GET", url, NULL, err)) == 0 && status == 404) {
        json_decref(ans);
        ans = NULL;
        free(url);
        url = NULL;
        body = json_pack("{s:s}", "compatibility", cfg->compatibility);
        if (asprintf(&url, "/config/%s", s) >= 0)
            rc = sr_client_request(&ans, &status, c, "PUT", url, body, err);
        json_decref(body);
    }
    json_decref(ans);
    free(url);
    free(s);
    return rc;
}

/* Register one file under one subject; prints "path -> subject version N id M". */
static int register_one(sr_client *c, const sr_ci_config *cfg, const sr_gitfiles *files,
                        const sr_gitfile *f, const char *subject_name, int dry_run)
{
    json_t *body, *ans = NULL;
    char *subject, *url = NULL;
    const char *path = f->repo_path ? f->repo_path : f->path;
    int status = 0, rc = SR_EXIT_OK;
    sr_err err = {0};

    if (dry_run) {
        printf("%s (would register as %s)\n", path, subject_name);
        return SR_EXIT_OK;
    }
    body = request_for(cfg, files, f);
    subject = sr_client_escape(subject_name);
    if (set_initial_level(c, cfg, subject_name, &err) < 0 ||
        asprintf(&url, "/subjects/%s/versions", subject) < 0 ||
        sr_client_request(&ans, &status, c, "POST", url, body, &err) < 0) {
        fprintf(stderr, "sluice ci register: %s\n", err.msg);
        rc = SR_EXIT_UNREACHABLE;
    } else if (status != 200) {
        long long code = json_integer_value(json_object_get(ans, "error_code"));
        fprintf(stderr, "sluice ci register: %s: %s%s\n", path,
                json_string_value(json_object_get(ans, "message")),
                code == 42205 ? " (the registry does not take writes now)" : "");
        rc = code == 40901 ? SR_EXIT_BREAKING : SR_EXIT_USAGE;
    } else {
        printf("%s -> %s version %lld id %lld\n", path, subject_name,
               (long long)json_integer_value(json_object_get(ans, "version")),
               (long long)json_integer_value(json_object_get(ans, "id")));
    }
    json_decref(ans);
    json_decref(body);
    free(url);
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
    sr_err err = {0};
    int rc = SR_EXIT_OK;

    if (sr_client_init(&c, o->registry, &err) < 0) {
        fprintf(stderr, "sluice ci register: %s\n", err.msg);
        return SR_EXIT_USAGE;
    }
    if (sr_gitdiff_load(&g, o->repo, since ? since : "HEAD", &err) < 0 ||
        load_config(&cfg, &g, "ci register") < 0) {
        if (err.code)
            fprintf(stderr, "sluice ci register: %s\n", err.msg);
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
    sr_err err = {0};

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
                fprintf(stderr, "sluice ci check: %s\n", err.msg);
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
