/* plan.c -- what a CI run works on: which files a file imports, which subjects a file is
 * registered under, and the order to register files in (imports first). */
#include "ci/plan.h"
#include "common/buf.h"
#include "compat/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sr_schema_type sr_ci_file_type(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".json") == 0 ? SR_TYPE_JSON : SR_TYPE_PROTOBUF;
}

/* The names a file imports, as compat reads them. A text that does not tokenize keeps the
 * imports before the problem; checking the file reports the problem itself. */
static void imports_of(sr_strlist *out, const sr_gitfile *f)
{
    SR_ERR_LOCAL(err);

    (void)sr_schema_imports(out, sr_ci_file_type(f->path), f->text, &err);
}

/* `dir` + `name` with "." and ".." segments removed ("a/b/" + "../c.json" = "a/c.json"). */
static char *join_path(const char *dir, size_t dir_len, const char *name)
{
    sr_buf in = SR_BUF_INIT, out = SR_BUF_INIT;
    const char *p;

    sr_buf_put(&in, dir, dir_len);
    sr_buf_puts(&in, name);
    for (p = in.ptr; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *last = out.len ? memrchr(out.ptr, '/', out.len) : NULL;
            out.len = last ? (size_t)(last - out.ptr) : 0;
            if (out.cap)
                out.ptr[out.len] = '\0';
        } else if (n && !(n == 1 && p[0] == '.')) {
            if (out.len)
                sr_buf_putc(&out, '/');
            sr_buf_put(&out, p, n);
        }
        p += n;
        if (*p == '/')
            p++;
    }
    sr_buf_dispose(&in);
    return sr_buf_detach(&out);
}

/* The repository path an imported name stands for in `f`, or NULL (borrowed from files). */
static const char *import_path(const sr_gitfiles *files, const sr_gitfile *f, const char *name)
{
    const sr_gitfile *t;
    const char *slash;
    char *rel;

    if (strncmp(name, "./", 2) == 0)
        name += 2;
    if ((t = sr_gitfiles_find(files, name)))
        return t->path;
    if (sr_ci_file_type(f->path) != SR_TYPE_JSON || strstr(name, "://"))
        return NULL;
    slash = strrchr(f->path, '/');
    rel = join_path(f->path, slash ? (size_t)(slash - f->path) + 1 : 0, name);
    t = sr_gitfiles_find(files, rel);
    free(rel);
    return t ? t->path : NULL;
}

void sr_ci_import_refs(sr_strlist *names, sr_strlist *paths, const sr_gitfiles *files,
                       const sr_gitfile *f)
{
    sr_strlist imports = SR_STRLIST_INIT;

    imports_of(&imports, f);
    for (size_t i = 0; i < imports.n; i++) {
        const char *p = import_path(files, f, imports.v[i]);
        if (p && strcmp(p, f->path) != 0) {
            sr_strlist_add(names, imports.v[i]);
            sr_strlist_add(paths, p);
        }
    }
    sr_strlist_dispose(&imports);
}

int sr_ci_imports(const char *text, const char *path)
{
    sr_strlist imports = SR_STRLIST_INIT;
    sr_gitfile f = {(char *)"x.proto", (char *)text, NULL};
    int found = 0;

    imports_of(&imports, &f);
    found = sr_ci_in_list(&imports, path);
    sr_strlist_dispose(&imports);
    return found;
}

size_t sr_ci_deps(sr_dep **deps, const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_strlist names = SR_STRLIST_INIT, paths = SR_STRLIST_INIT, seen = SR_STRLIST_INIT;
    sr_dep *d = NULL;
    size_t n = 0;

    if (sr_ci_file_type(f->path) != SR_TYPE_JSON) {
        /* .proto imports are paths from the root: every other file, by its path */
        d = sr_xcalloc(files->n + 1, sizeof(*d));
        for (size_t i = 0; i < files->n; i++)
            if (strcmp(files->v[i].path, f->path) != 0)
                d[n++] = (sr_dep){files->v[i].path, files->v[i].path, 1,
                                  sr_ci_file_type(files->v[i].path), files->v[i].text};
        *deps = d;
        return n;
    }
    sr_ci_import_refs(&names, &paths, files, f);
    for (size_t i = 0; i < names.n; i++) { /* breadth first: every file once per name */
        const sr_gitfile *t = sr_gitfiles_find(files, paths.v[i]);
        if (!t || sr_ci_in_list(&seen, names.v[i]))
            continue;
        sr_strlist_add(&seen, names.v[i]);
        d = sr_xrealloc(d, (n + 2) * sizeof(*d));
        d[n++] = (sr_dep){NULL, t->path, 1, sr_ci_file_type(t->path), t->text};
        if (names.n < 10000)
            sr_ci_import_refs(&names, &paths, files, t);
    }
    /* the names outlive `seen`: the dependencies own copies (sr_ci_deps_free) */
    for (size_t i = 0; i < n; i++)
        d[i].name = sr_xstrdup(seen.v[i]);
    sr_strlist_dispose(&names);
    sr_strlist_dispose(&paths);
    sr_strlist_dispose(&seen);
    *deps = d ? d : sr_xcalloc(1, sizeof(*d));
    return n;
}

int sr_ci_in_list(const sr_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

/* The imports of a file that are files of the repository (built-ins need no reference). */
void sr_ci_local_imports(sr_strlist *out, const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_strlist names = SR_STRLIST_INIT, paths = SR_STRLIST_INIT;

    sr_ci_import_refs(&names, &paths, files, f);
    for (size_t i = 0; i < paths.n; i++)
        if (!sr_ci_in_list(out, paths.v[i]))
            sr_strlist_add(out, paths.v[i]);
    sr_strlist_dispose(&names);
    sr_strlist_dispose(&paths);
}

void sr_ci_importers(sr_strlist *todo, const sr_gitfiles *files, const sr_strlist *changed)
{
    sr_strlist *imports = sr_xcalloc(files->n + 1, sizeof(*imports));

    for (size_t i = 0; i < files->n; i++)
        sr_ci_local_imports(&imports[i], files, &files->v[i]);
    /* Every path in `changed`, then every file queued: whoever imports it is queued too. */
    for (size_t k = 0; k < changed->n + todo->n; k++) {
        const char *dep = k < changed->n ? changed->v[k] : todo->v[k - changed->n];
        for (size_t i = 0; i < files->n; i++)
            if (!sr_ci_in_list(todo, files->v[i].path) && sr_ci_in_list(&imports[i], dep))
                sr_strlist_add(todo, files->v[i].path);
    }
    for (size_t i = 0; i < files->n; i++)
        sr_strlist_dispose(&imports[i]);
    free(imports);
}

void sr_ci_deps_free(sr_dep *deps, size_t n, const sr_gitfile *f)
{
    for (size_t i = 0; sr_ci_file_type(f->path) == SR_TYPE_JSON && i < n; i++)
        free((char *)deps[i].name);
    free(deps);
}

/* The file parsed with the other files of its revision as its imports, or NULL. */
static sr_schema *parse_in(const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_dep *deps = NULL;
    sr_schema *s = NULL;
    size_t n = sr_ci_deps(&deps, files, f);
    SR_ERR_LOCAL(err);

    if (sr_schema_parse(&s, sr_ci_file_type(f->path), f->text, deps, n, 0, &err) < 0)
        s = NULL;
    sr_ci_deps_free(deps, n, f);
    return s;
}

/* The subjects a file is registered under: its path (default), its mapped subject, or one per
 * top-level message, named by its fully-qualified name. */
void sr_ci_subjects_of(sr_strlist *out, const sr_ci_config *cfg, const sr_gitfiles *files,
                       const sr_gitfile *f)
{
    if (cfg->mapping == SR_MAP_EXPLICIT) {
        for (size_t i = 0; i < cfg->map_files.n; i++)
            if (strcmp(cfg->map_files.v[i], f->path) == 0) {
                sr_strlist_add(out, cfg->map_subjects.v[i]);
                return;
            }
    } else if (cfg->mapping == SR_MAP_MESSAGE) {
        sr_schema *s = parse_in(files, f);
        if (s)
            sr_schema_record_names(out, s);
        sr_schema_free(s);
        if (out->n)
            return;
    }
    sr_strlist_add(out, f->path);
}

/* Post-order over local imports: every file after the files it imports. Cycles are refused. */
int sr_ci_order_files(sr_strlist *out, const sr_gitfiles *files, const sr_gitfile *f,
                      sr_strlist *visiting)
{
    sr_strlist deps = SR_STRLIST_INIT;
    int rc = 0;

    if (sr_ci_in_list(out, f->path))
        return 0;
    if (sr_ci_in_list(visiting, f->path)) {
        fprintf(stderr, "sluice ci register: import cycle through %s\n", f->path);
        return -1;
    }
    sr_strlist_add(visiting, f->path);
    sr_ci_local_imports(&deps, files, f);
    for (size_t i = 0; i < deps.n && rc == 0; i++)
        rc = sr_ci_order_files(out, files, sr_gitfiles_find(files, deps.v[i]), visiting);
    sr_strlist_dispose(&deps);
    if (rc == 0)
        sr_strlist_add(out, f->path);
    return rc;
}

