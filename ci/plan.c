/* plan.c -- what a CI run works on: which files a file imports, which subjects a file is
 * registered under, and the order to register files in (imports first). */
#include "ci/plan.h"
#include "common/buf.h"
#include "compat/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The paths a .proto text imports, as compat reads them. A text that does not tokenize keeps
 * the imports before the problem; checking the file reports the problem itself. */
static void imports_of(sr_strlist *out, const char *text)
{
    SR_ERR_LOCAL(err);

    (void)sr_schema_imports(out, SR_TYPE_PROTOBUF, text, &err);
}

int sr_ci_imports(const char *text, const char *path)
{
    sr_strlist imports = SR_STRLIST_INIT;
    int found = 0;

    imports_of(&imports, text);
    found = sr_ci_in_list(&imports, path);
    sr_strlist_dispose(&imports);
    return found;
}

int sr_ci_in_list(const sr_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

/* The imports of a file that are files of the repository (built-ins need no reference), in the
 * order of `files`. */
void sr_ci_local_imports(sr_strlist *out, const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_strlist imports = SR_STRLIST_INIT;

    imports_of(&imports, f->text);
    for (size_t i = 0; i < files->n; i++)
        if (strcmp(files->v[i].path, f->path) != 0 && sr_ci_in_list(&imports, files->v[i].path))
            sr_strlist_add(out, files->v[i].path);
    sr_strlist_dispose(&imports);
}

void sr_ci_importers(sr_strlist *todo, const sr_gitfiles *files, const sr_strlist *changed)
{
    sr_strlist *imports = sr_xcalloc(files->n + 1, sizeof(*imports));

    for (size_t i = 0; i < files->n; i++)
        imports_of(&imports[i], files->v[i].text);
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

/* The file parsed with the other files of its revision as its imports, or NULL. */
static sr_schema *parse_in(const sr_gitfiles *files, const sr_gitfile *f)
{
    sr_dep *deps = sr_xcalloc(files->n + 1, sizeof(*deps));
    sr_schema *s = NULL;
    size_t n = 0;
    SR_ERR_LOCAL(err);

    for (size_t i = 0; i < files->n; i++)
        if (files->v + i != f)
            deps[n++] = (sr_dep){files->v[i].path, files->v[i].path, 1, SR_TYPE_PROTOBUF,
                                 files->v[i].text};
    if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, f->text, deps, n, 0, &err) < 0)
        s = NULL;
    free(deps);
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

