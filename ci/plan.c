/* plan.c -- what a CI run works on: which files a file imports, which subjects a file is
 * registered under, and the order to register files in (imports first). */
#include "ci/plan.h"
#include "common/buf.h"
#include "compat/proto_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does `text` import `path`? (A light scan is enough to build the importer graph.) */
int sr_ci_imports(const char *text, const char *path)
{
    size_t n = strlen(path);

    for (const char *p = strstr(text, "import"); p; p = strstr(p + 1, "import")) {
        const char *q = strchr(p, '"');
        const char *semi = strchr(p, ';');
        if (!q || (semi && semi < q))
            continue;
        if (strncmp(q + 1, path, n) == 0 && q[1 + n] == '"')
            return 1;
    }
    return 0;
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
    for (size_t i = 0; i < files->n; i++)
        if (strcmp(files->v[i].path, f->path) != 0 && sr_ci_imports(f->text, files->v[i].path))
            sr_strlist_add(out, files->v[i].path);
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
        sr_proto_fileset *fs = NULL;
        sr_dep *deps = sr_xcalloc(files->n + 1, sizeof(*deps));
        size_t n = 0;
        sr_err err = {0};
        for (size_t i = 0; i < files->n; i++)
            if (files->v + i != f)
                deps[n++] = (sr_dep){files->v[i].path, files->v[i].path, 1, SR_TYPE_PROTOBUF,
                                     files->v[i].text};
        if (sr_proto_parse(&fs, f->path, f->text, deps, n, &err) == 0) {
            const Google__Protobuf__FileDescriptorProto *fd = sr_proto_fileset_main(fs);
            for (size_t i = 0; i < fd->n_message_type; i++)
                sr_strlist_addf(out, "%s%s%s", fd->package ? fd->package : "",
                                fd->package ? "." : "", fd->message_type[i]->name);
        }
        sr_proto_fileset_free(fs);
        free(deps);
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

