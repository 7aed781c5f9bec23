/* gitsrc.c -- reading a repository's schema files (.proto and .json) with libgit2: blobs straight from the trees of
 * the merge base and HEAD, and the tree-to-tree diff between them with rename detection. */
#include "ci/gitsrc.h"
#include "common/buf.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A schema file: .proto (Protobuf) or .json (JSON Schema). */
static int is_proto(const char *path)
{
    size_t n = strlen(path);
    return (n > 6 && strcmp(path + n - 6, ".proto") == 0) ||
           (n > 5 && strcmp(path + n - 5, ".json") == 0);
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

static int git_fail(sr_err *err, const char *what)
{
    const git_error *e = git_error_last();
    return sr_err_set(err, 2, "%s: %s", what, e && e->message ? e->message : "failed");
}

typedef struct walk_ctx {
    git_repository *repo;
    sr_gitfiles *files;
    const char *rev;  /* the revision walked, for messages */
    sr_err *err;      /* set when a blob cannot be read */
} walk_ctx;

/* git_tree_walk callback: keep every schema file's blob. A blob that cannot be read stops the walk:
 * a file left out would pass unchecked. */
static int collect(const char *root, const git_tree_entry *entry, void *payload)
{
    walk_ctx *w = payload;
    git_blob *blob = NULL;
    sr_buf path = SR_BUF_INIT;
    sr_gitfile f;

    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !is_proto(git_tree_entry_name(entry)))
        return 0;
    sr_buf_printf(&path, "%s%s", root, git_tree_entry_name(entry));
    if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(entry)) < 0) {
        sr_buf what = SR_BUF_INIT;
        sr_buf_printf(&what, "cannot read %s at %s", path.ptr, w->rev);
        git_fail(w->err, what.ptr);
        sr_buf_dispose(&what);
        sr_buf_dispose(&path);
        return -1;
    }
    f.path = sr_buf_detach(&path);
    f.text = sr_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    f.repo_path = NULL;
    git_blob_free(blob);
    w->files->v = sr_xrealloc(w->files->v, (w->files->n + 1) * sizeof(*w->files->v));
    w->files->v[w->files->n++] = f;
    return 0;
}

/* Every .proto file of `tree` into `files`. 0, or -1 with err. */
static int read_tree(sr_gitfiles *files, git_repository *repo, git_tree *tree, const char *rev,
                     sr_err *err)
{
    walk_ctx w = {repo, files, rev, err};

    err->code = 0;
    if (git_tree_walk(tree, GIT_TREEWALK_PRE, collect, &w) < 0) {
        if (err->code == 0) /* the walk itself failed, not a blob */
            git_fail(err, rev);
        return -1;
    }
    return 0;
}

/* sluice.yaml at the root of `tree`, or NULL in *out when there is none. 0, or -1 with err. */
static int read_config(char **out, git_repository *repo, git_tree *tree, sr_err *err)
{
    git_tree_entry *e = NULL;
    git_blob *blob = NULL;
    int rc = git_tree_entry_bypath(&e, tree, "sluice.yaml");

    *out = NULL;
    if (rc == GIT_ENOTFOUND)
        return 0;
    if (rc < 0)
        return git_fail(err, "sluice.yaml");
    if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
        git_tree_entry_free(e);
        return git_fail(err, "cannot read sluice.yaml");
    }
    *out = sr_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    git_tree_entry_free(e);
    return 0;
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

/* The .proto changes between the two trees, renames detected. 0, or -1 with err. */
static int read_changes(sr_gitdiff *out, git_repository *repo, git_tree *base, git_tree *head,
                        sr_err *err)
{
    git_diff *diff = NULL;
    git_diff_find_options find;
    int rc = -1;

    if (git_diff_tree_to_tree(&diff, repo, base, head, NULL) < 0) {
        git_fail(err, "diff");
        goto out;
    }
    if (git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION) < 0) {
        git_fail(err, "diff");
        goto out;
    }
    find.flags = GIT_DIFF_FIND_RENAMES;
    if (git_diff_find_similar(diff, &find) < 0) { /* reads the blobs of added and deleted files */
        git_fail(err, "rename detection");
        goto out;
    }
    for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        sr_change c = {SR_MODIFIED, NULL, NULL};
        if (!d || (!is_proto(d->old_file.path) && !is_proto(d->new_file.path)))
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
    return rc;
}

int sr_gitdiff_load(sr_gitdiff *out, const char *repo_path, const char *against, sr_err *err)
{
    git_repository *repo = NULL;
    git_commit *head = NULL, *other = NULL, *base = NULL;
    git_tree *base_tree = NULL, *head_tree = NULL;
    git_oid base_oid;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (git_libgit2_init() < 0) {
        git_fail(err, "libgit2");
        return -1;
    }
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
    if (read_config(&out->config, repo, head_tree, err) < 0 ||
        read_tree(&out->base, repo, base_tree, "the merge base", err) < 0 ||
        read_tree(&out->head, repo, head_tree, "HEAD", err) < 0 ||
        read_changes(out, repo, base_tree, head_tree, err) < 0)
        goto out;
    rc = 0;
out:
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
