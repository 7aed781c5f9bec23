/* plan.h -- what a CI run works on: import edges between repository files, the subjects a
 * file maps to (sluice.yaml), and registration order. */
#ifndef SR_CI_PLAN_H
#define SR_CI_PLAN_H

#include "ci/config.h"
#include "ci/gitsrc.h"
#include "common/strlist.h"
#include "compat/compat.h"

/* The schema type of a repository file, by its name: .json JSON, else PROTOBUF. */
sr_schema_type sr_ci_file_type(const char *path);
/* Does .proto `text` import `path`? (Its import statements, as compat reads them.) */
int sr_ci_imports(const char *text, const char *path);
/* What `f` imports that is a file of `files`: the names as `f` writes them (.proto import paths,
 * JSON $ref documents) and the files' paths, in parallel lists. A JSON $ref is a path from the
 * root, or else from the referring file's directory. */
void sr_ci_import_refs(sr_strlist *names, sr_strlist *paths, const sr_gitfiles *files,
                       const sr_gitfile *f);
/* The dependencies to parse `f` with: every file it imports, transitively, each under the name
 * it is imported by. `deps` gets one entry per name (texts borrowed from `files`); caller frees
 * the array. */
size_t sr_ci_deps(sr_dep **deps, const sr_gitfiles *files, const sr_gitfile *f);
/* Free what sr_ci_deps returned for `f`. */
void sr_ci_deps_free(sr_dep *deps, size_t n, const sr_gitfile *f);
int sr_ci_in_list(const sr_strlist *l, const char *s);
/* The files of `files` that `f` imports (built-ins are not files of the repository). */
void sr_ci_local_imports(sr_strlist *out, const sr_gitfiles *files, const sr_gitfile *f);
/* Append to `todo` every file of `files` that imports a path of `changed` or of `todo`,
 * transitively: the files a change can break. */
void sr_ci_importers(sr_strlist *todo, const sr_gitfiles *files, const sr_strlist *changed);
/* The subjects `f` is registered under: its path (default), its subject_map entry, or one per
 * top-level message by fully-qualified name (subjects: message). Never empty. */
void sr_ci_subjects_of(sr_strlist *out, const sr_ci_config *cfg, const sr_gitfiles *files,
                       const sr_gitfile *f);
/* Append `f` to `out` after every file it imports, transitively (post-order); `visiting` holds
 * the files on the current path. 0, or -1 (reported on stderr) on an import cycle. */
int sr_ci_order_files(sr_strlist *out, const sr_gitfiles *files, const sr_gitfile *f,
                      sr_strlist *visiting);

#endif
