/* contexts.c -- GET /contexts and DELETE /contexts/{ctx} (confluent-api.md §3.8). A context comes
 * into being with the first schema stored in it (`:.ctx:subject`) and holds its own ids, config
 * and mode. */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

static int contexts(json_t **out, sr_tx *tx, sr_page page, sr_err *err)
{
    char **names = NULL;
    size_t n = 0;
    json_t *a;

    if (sr_store_contexts(&names, &n, tx, err) < 0)
        return -1;
    a = json_pack("[s]", "."); /* always there, always first */
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], ".") != 0)
            json_array_append_new(a, sr_registry__string(names[i]));
    sr_store_strings_free(names, n);
    sr_registry__page(a, page);
    *out = a;
    return 0;
}

int sr_registry_contexts(json_t **out, sr_registry *r, sr_page page, sr_err *err)
{
    int rc;
    SR_WITH_READ(r, err, contexts(out, rd.tx, page, err));
    return rc;
}

/* The context's name as a path gives it: ".ctx", or "ctx" taken as ".ctx". */
static char *context_name(const char *given)
{
    char *out;

    if (given[0] == '.')
        return sr_xstrdup(given);
    if (asprintf(&out, ".%s", given) < 0)
        sr_xoom();
    return out;
}

static int context_delete(json_t **out, sr_write *w, void *arg, sr_err *err)
{
    const char *context = arg;
    char *prefix = sr_registry__context_scope(context);
    sr_store_subject *ss = NULL;
    size_t n = 0;
    int rc = -1;

    if (!prefix) /* the default context is never removed */
        return sr_err_set(err, 42211, "The specified context '.' is not empty.");
    if (sr_store_subjects(&ss, &n, w->tx, prefix, err) < 0)
        goto out;
    if (n) { /* soft-deleted versions count too */
        sr_err_set(err, 42211, "The specified context '%s' is not empty.", context);
        goto out;
    }
    if (sr_store_context_delete(w->tx, context, err) < 0 ||
        sr_store_setting_delete(w->tx, SR_SETTING_CONFIG, prefix, err) < 0 ||
        sr_store_setting_delete(w->tx, SR_SETTING_MODE, prefix, err) < 0)
        goto out;
    *out = json_null();
    rc = 0;
out:
    sr_store_subjects_free(ss, n);
    free(prefix);
    return rc;
}

int sr_registry_context_delete(sr_registry *r, const char *context, sr_err *err)
{
    char *name = context_name(context);
    json_t *out = NULL;
    int rc = sr_registry__write(&out, r, context_delete, name, err);

    json_decref(out);
    free(name);
    return rc;
}
