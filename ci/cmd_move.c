/* cmd_move.c -- moving registries: sluice export, import and migrate (docs/migration.md).
 *
 *   export FILE                 everything the registry holds, into FILE ("-": standard output)
 *   import FILE [--verify]      FILE into the registry, ids and versions kept
 *   migrate --from URL --to URL [--verify] [--follow SECONDS]
 *                               from any Confluent-compatible registry into another, directly
 *
 * All three only use the REST API (ci/image.h). Exit codes: 0 done (and, with --verify, both
 * sides alike), 1 --verify found differences, 2 usage or request error, 3 unreachable. */
#include "ci/commands.h"
#include "ci/image.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An error as an exit code, printed. */
static int failed(const char *cmd, sr_err *err)
{
    fprintf(stderr, "sluice %s: %s\n", cmd, sr_err_message(err));
    return err->code == 0 ? SR_EXIT_UNREACHABLE : SR_EXIT_USAGE;
}

/* Save to `path` through a temporary file renamed into place: a failed export leaves no file
 * that looks whole. */
static int save(const sr_image *im, const char *path, const char *source, sr_err *err)
{
    sr_buf tmp = SR_BUF_INIT;
    FILE *f;
    int rc;

    if (strcmp(path, "-") == 0)
        return sr_image_save(im, stdout, source, err);
    sr_buf_printf(&tmp, "%s.partial", path);
    if (!(f = fopen(tmp.ptr, "w"))) {
        sr_buf_dispose(&tmp);
        return sr_err_set(err, 2, "cannot create %s", path);
    }
    rc = sr_image_save(im, f, source, err);
    if (fclose(f) != 0 && rc == 0)
        rc = sr_err_set(err, 2, "cannot write %s", path);
    if (rc == 0 && rename(tmp.ptr, path) != 0)
        rc = sr_err_set(err, 2, "cannot rename %s to %s", tmp.ptr, path);
    if (rc < 0)
        remove(tmp.ptr);
    sr_buf_dispose(&tmp);
    return rc;
}

int sr_cmd_export(sr_cli *cli, int argc, char **argv)
{
    sr_image im;
    sr_client c;
    SR_ERR_LOCAL(err);
    int rc;

    if (argc != 1) {
        fputs("usage: sluice [--registry URL] export FILE\n", stderr);
        return SR_EXIT_USAGE;
    }
    if (sr_client_init(&c, cli->registry, &err) < 0)
        return failed("export", &err);
    sr_image_init(&im);
    rc = sr_image_fetch(&im, &c, stderr, &err) < 0 || save(&im, argv[0], c.url, &err) < 0
             ? failed("export", &err)
             : SR_EXIT_OK;
    if (rc == SR_EXIT_OK)
        fprintf(stderr, "exported %zu versions, %zu configs, %zu modes to %s\n",
                json_array_size(im.versions), json_array_size(im.configs),
                json_array_size(im.modes), argv[0]);
    sr_image_dispose(&im);
    sr_client_dispose(&c);
    return rc;
}

/* Write `im` into `to`, print what happened, and verify when asked. */
static int apply_and_verify(const char *cmd, const sr_image *im, sr_client *to, int check)
{
    sr_image_stats st;
    SR_ERR_LOCAL(err);
    size_t differences = 0;

    if (sr_image_apply(&st, im, to, stderr, &err) < 0)
        return failed(cmd, &err);
    fprintf(stderr, "%zu versions written, %zu already there, %zu soft deletes, %zu settings\n",
            st.written, st.present, st.deleted, st.settings);
    if (!check)
        return SR_EXIT_OK;
    if (sr_image_verify(&differences, im, to, stdout, &err) < 0)
        return failed(cmd, &err);
    fprintf(stderr, "verify: %zu difference%s\n", differences, differences == 1 ? "" : "s");
    return differences ? SR_EXIT_BREAKING : SR_EXIT_OK;
}

int sr_cmd_import(sr_cli *cli, int argc, char **argv)
{
    int check = argc == 2 && strcmp(argv[1], "--verify") == 0, rc;
    sr_image im;
    sr_client c;
    SR_ERR_LOCAL(err);

    if (argc != 1 && !check) {
        fputs("usage: sluice [--registry URL] import FILE [--verify]\n", stderr);
        return SR_EXIT_USAGE;
    }
    sr_image_init(&im);
    if (sr_image_load(&im, argv[0], &err) < 0) {
        sr_image_dispose(&im);
        return failed("import", &err);
    }
    if (sr_client_init(&c, cli->registry, &err) < 0) {
        sr_image_dispose(&im);
        return failed("import", &err);
    }
    rc = apply_and_verify("import", &im, &c, check);
    sr_image_dispose(&im);
    sr_client_dispose(&c);
    return rc;
}

typedef struct migrate_opts {
    const char *from, *to;
    int verify;
    int follow; /* seconds between rounds; 0 = one round */
} migrate_opts;

static int migrate_args(migrate_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verify") == 0) {
            o->verify = 1;
            continue;
        }
        if (!val)
            return -1;
        if (strcmp(a, "--from") == 0)
            o->from = val;
        else if (strcmp(a, "--to") == 0)
            o->to = val;
        else if (strcmp(a, "--follow") == 0 && atoi(val) > 0)
            o->follow = atoi(val);
        else
            return -1;
        i++;
    }
    return o->from && o->to ? 0 : -1;
}

/* The global mode an image holds ("" when none). */
static const char *global_mode(const sr_image *im)
{
    size_t i;
    json_t *e;

    json_array_foreach(im->modes, i, e) if (json_is_null(json_object_get(e, "scope")))
        return json_string_value(json_object_get(e, "mode"));
    return "";
}

/* One round: read the source, write what is new into the target. With `last`, whether the
 * source was read-only (the cut-over signal of --follow). */
static int round_once(sr_image *im, sr_client *from, sr_client *to, int verify, int *last)
{
    SR_ERR_LOCAL(err);

    sr_image_init(im);
    if (sr_image_fetch(im, from, stderr, &err) < 0)
        return failed("migrate", &err);
    *last = strcmp(global_mode(im), "READONLY") == 0;
    return apply_and_verify("migrate", im, to, verify);
}

int sr_cmd_migrate(sr_cli *cli, int argc, char **argv)
{
    migrate_opts o;
    sr_client from, to;
    SR_ERR_LOCAL(err);
    int rc, last = 0;

    (void)cli;
    if (migrate_args(&o, argc, argv) < 0) {
        fputs("usage: sluice migrate --from URL --to URL [--verify] [--follow SECONDS]\n", stderr);
        return SR_EXIT_USAGE;
    }
    if (sr_client_init(&from, o.from, &err) < 0)
        return failed("migrate", &err);
    if (sr_client_init(&to, o.to, &err) < 0) {
        sr_client_dispose(&from);
        return failed("migrate", &err);
    }
    /* --follow: rounds until the source is read-only (the cut-over), then one that verifies */
    for (;;) {
        sr_image im;
        rc = round_once(&im, &from, &to, o.verify && !o.follow, &last);
        sr_image_dispose(&im);
        if (rc != SR_EXIT_OK || !o.follow || last)
            break;
        fprintf(stderr, "the source is still writable: next round in %d s\n", o.follow);
        nanosleep(&(struct timespec){o.follow, 0}, NULL);
    }
    if (rc == SR_EXIT_OK && o.follow && o.verify) {
        sr_image im;
        rc = round_once(&im, &from, &to, 1, &last);
        sr_image_dispose(&im);
    }
    sr_client_dispose(&from);
    sr_client_dispose(&to);
    return rc;
}
