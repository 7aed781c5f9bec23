/* gitsrc.c -- reading a repository's .proto files with libgit2: blobs straight from the trees of
 * the merge base and HEAD, and the tree-to-tree diff between them with rename detection. */
#include "ci/gitsrc.h"
#include "common/buf.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_proto(const char *path)
{
    size_t n = strlen(path);
    return n > 6 && strcmp(path + n - 6, ".proto") == 0;
}

void sr_gitfiles_dispose(sr_gitfiles *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].path);
        free(f->v[i].text);
        free(f->v[i].repo_path);
    }
    free(f->v);
    f->v = NULL;
    f->n = 0;
}

const sr_gitfile *sr_gitfiles_find(const sr_gitfiles *f, const char *path)
{
    for (size_t i = 0; path && i < f->n; i++)
        if (strcmp(f->v[i].path, path) == 0)
            return &f->v[i];
    return NULL;
}

typedef struct walk_ctx {
    git_repository *repo;
    sr_gitfiles *files;
} walk_ctx;

static int collect(const char *root, const git_tree_entry *entry, void *payload)
{
    walk_ctx *w = payload;
    git_blob *blob = NULL;
    sr_gitfile f;

    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !is_proto(git_tree_entry_name(entry)))
        return 0;
    if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(entry)) < 0)
        return 0;
    f.path = NULL;
    if (asprintf(&f.path, "%s%s", root, git_tree_entry_name(entry)) < 0) {
        git_blob_free(blob);
        return 0;
    }
    f.text = sr_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    f.repo_path = NULL;
    git_blob_free(blob);
    w->files->v = sr_xrealloc(w->files->v, (w->files->n + 1) * sizeof(*w->files->v));
    w->files->v[w->files->n++] = f;
    return 0;
}

static int git_fail(sr_err *err, const char *what)
{
    const git_error *e = git_error_last();
    return sr_err_set(err, 2, "%s: %s", what, e && e->message ? e->message : "failed");
}

static int commit_of(git_commit **out, git_repository *repo, const char *rev, sr_err *err)
{
    git_object *obj = NULL;
    int rc;

    if (git_revparse_single(&obj, repo, rev) < 0)
        return git_fail(err, rev);
    rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    return rc < 0 ? git_fail(err, rev) : 0;
}

int sr_gitdiff_load(sr_gitdiff *out, const char *repo_path, const char *against, sr_err *err)
{
    git_repository *repo = NULL;
    git_commit *head = NULL, *other = NULL, *base = NULL;
    git_tree *base_tree = NULL, *head_tree = NULL;
    git_diff *diff = NULL;
    git_diff_find_options find;
    git_oid base_oid;
    walk_ctx w;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    git_libgit2_init();
    if (git_repository_open_ext(&repo, repo_path, 0, NULL) < 0) {
        git_fail(err, repo_path);
        goto out;
    }
    if (commit_of(&head, repo, "HEAD", err) < 0 || commit_of(&other, repo, against, err) < 0)
        goto out;
    if (git_merge_base(&base_oid, repo, git_commit_id(head), git_commit_id(other)) < 0 ||
        git_commit_lookup(&base, repo, &base_oid) < 0) {
        git_fail(err, "merge base");
        goto out;
    }
    if (git_commit_tree(&base_tree, base) < 0 || git_commit_tree(&head_tree, head) < 0) {
        git_fail(err, "tree");
        goto out;
    }
    {
        git_tree_entry *e = NULL;
        git_blob *blob = NULL;
        if (git_tree_entry_bypath(&e, head_tree, "sluice.yaml") == 0 &&
            git_blob_lookup(&blob, repo, git_tree_entry_id(e)) == 0)
            out->config = sr_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
        git_blob_free(blob);
        git_tree_entry_free(e);
    }
    w.repo = repo;
    w.files = &out->base;
    git_tree_walk(base_tree, GIT_TREEWALK_PRE, collect, &w);
    w.files = &out->head;
    git_tree_walk(head_tree, GIT_TREEWALK_PRE, collect, &w);
    if (git_diff_tree_to_tree(&diff, repo, base_tree, head_tree, NULL) < 0) {
        git_fail(err, "diff");
        goto out;
    }
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(diff, &find);
    for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        sr_change c = {SR_MODIFIED, NULL, NULL};
        if (!is_proto(d->old_file.path) && !is_proto(d->new_file.path))
            continue;
        switch (d->status) {
        case GIT_DELTA_ADDED:
            c.kind = SR_ADDED;
            break;
        case GIT_DELTA_DELETED:
            c.kind = SR_DELETED;
            break;
        case GIT_DELTA_RENAMED:
            c.kind = SR_RENAMED;
            break;
        case GIT_DELTA_MODIFIED:
            break;
        default:
            continue;
        }
        if (c.kind != SR_ADDED)
            c.old_path = sr_xstrdup(d->old_file.path);
        if (c.kind != SR_DELETED)
            c.new_path = sr_xstrdup(d->new_file.path);
        out->changes = sr_xrealloc(out->changes, (out->nchanges + 1) * sizeof(*out->changes));
        out->changes[out->nchanges++] = c;
    }
    rc = 0;
out:
    git_diff_free(diff);
    git_tree_free(base_tree);
    git_tree_free(head_tree);
    git_commit_free(base);
    git_commit_free(head);
    git_commit_free(other);
    git_repository_free(repo);
    git_libgit2_shutdown();
    if (rc < 0)
        sr_gitdiff_dispose(out);
    return rc;
}

void sr_gitdiff_dispose(sr_gitdiff *d)
{
    sr_gitfiles_dispose(&d->base);
    sr_gitfiles_dispose(&d->head);
    for (size_t i = 0; i < d->nchanges; i++) {
        free(d->changes[i].old_path);
        free(d->changes[i].new_path);
    }
    free(d->changes);
    free(d->config);
    memset(d, 0, sizeof(*d));
}
