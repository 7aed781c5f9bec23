/* gitsrc.h -- the .proto files of a Git repository at a revision, read with libgit2 (no
 * checkout), and what changed between two revisions. */
#ifndef SR_CI_GITSRC_H
#define SR_CI_GITSRC_H

#include <stddef.h>

#include "common/err.h"

/* A file's path and content at one revision. */
typedef struct sr_gitfile {
    char *path;      /* from the repository root, or from its proto root once mapped; owned */
    char *text;      /* owned */
    char *repo_path; /* from the repository root, once `path` is mapped (else NULL); owned */
} sr_gitfile;

typedef struct sr_gitfiles {
    sr_gitfile *v;
    size_t n;
} sr_gitfiles;

void sr_gitfiles_dispose(sr_gitfiles *f);
const sr_gitfile *sr_gitfiles_find(const sr_gitfiles *f, const char *path);

typedef enum sr_change_kind { SR_ADDED, SR_MODIFIED, SR_DELETED, SR_RENAMED } sr_change_kind;

typedef struct sr_change {
    sr_change_kind kind;
    char *old_path; /* owned; NULL when added */
    char *new_path; /* owned; NULL when deleted */
} sr_change;

typedef struct sr_gitdiff {
    sr_gitfiles base;  /* .proto files at the merge base */
    sr_gitfiles head;  /* .proto files at HEAD */
    sr_change *changes;
    size_t nchanges;
    char *config;      /* sluice.yaml at HEAD's root, or NULL; owned */
} sr_gitdiff;

/* Open the repository at `repo_path`, find the merge base of HEAD and `against`, and read the
 * .proto files of both sides and the .proto changes between them (renames detected). 0, or -1
 * with err (code 2): an unknown revision, no repository, or any object libgit2 cannot read (a
 * file left out would go unchecked). */
int sr_gitdiff_load(sr_gitdiff *out, const char *repo_path, const char *against, sr_err *err);
void sr_gitdiff_dispose(sr_gitdiff *d);

#endif
