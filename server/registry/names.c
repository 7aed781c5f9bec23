/* names.c -- subject and version rules (confluent-api.md §1.3), and the small helpers every
 * use-case applies to a subject's version list. */
#include "server/registry/internal.h"
#include "common/buf.h"
#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Why `subject` cannot be written to, or NULL when it can. `why` is a scratch buffer. */
static const char *subject_problem(const char *subject, char *why, size_t whylen)
{
    size_t len = strlen(subject), bad = sr_utf8_invalid_at(subject, len);
    const unsigned char *p = (const unsigned char *)subject;

    if (bad < len) {
        snprintf(why, whylen, "It is not valid UTF-8 (byte %zu).", bad + 1);
        return why;
    }
    for (size_t i = 0; i < len; i++) {
        /* Java's ISO control characters: U+0000-U+001F, U+007F-U+009F (C2 80..C2 9F). */
        unsigned cp = p[i] < 0x80 ? p[i] : (p[i] == 0xc2 && p[i + 1] <= 0x9f) ? p[i + 1] : 0x100;
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            snprintf(why, whylen, "It contains the control character U+%04X (byte %zu).", cp,
                     i + 1);
            return why;
        }
    }
    if (strcmp(subject, "__GLOBAL") == 0 || strcmp(subject, "__EMPTY") == 0 ||
        strncmp(subject, ":.__GLOBAL:", 11) == 0)
        return "The name is reserved.";
    return NULL;
}

int sr_registry_check_subject(const char *subject, sr_err *err)
{
    char why[96];
    const char *problem;

    if (!subject)
        return sr_err_set(err, 42208, "The specified subject 'null' is not a valid.");
    problem = subject_problem(subject, why, sizeof(why));
    if (problem)
        return sr_err_set(err, 42208, "The specified subject '%s' is not a valid. %s", subject,
                          problem);
    return 0;
}

int sr_registry_parse_version(int *out, const char *text, sr_err *err)
{
    const char *p = text;
    size_t len;
    char *end;
    long v;

    while (*p == ' ' || *p == '\t')
        p++;
    len = strlen(p);
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len == 6 && strncasecmp(p, "latest", 6) == 0) {
        *out = -1;
        return 0;
    }
    v = strtol(p, &end, 10); /* trimmed, as "latest" is (Confluent trims either) */
    if (len && end == p + len && (v == -1 || (v >= 1 && v <= 2147483647L))) {
        *out = (int)v;
        return 0;
    }
    return sr_err_set(err, 42202,
                      "The specified version '%s' is not a valid version id. Allowed values are "
                      "between [1, 2^31-1] and the string \"latest\"", text);
}

int sr_registry__find(const sr_store_version *vs, size_t n, int v)
{
    size_t lo = 0, hi = n; /* ascending by version: binary search */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vs[mid].version < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && vs[lo].version == v ? (int)lo : -1;
}

int sr_registry__latest(const sr_store_version *vs, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (!vs[i].deleted)
            return (int)i;
    return -1;
}

int sr_registry__holder(const sr_store_version *vs, size_t n, int id, int deleted)
{
    for (size_t i = n; i-- > 0;)
        if (vs[i].id == id && (deleted || !vs[i].deleted))
            return (int)i;
    return -1;
}

void sr_registry__page(json_t *array, sr_page page)
{
    size_t n = json_array_size(array), off = page.offset > 0 ? (size_t)page.offset : 0;
    size_t keep = off >= n ? 0 : n - off;
    json_t *copy;

    if (page.limit > 0 && (size_t)page.limit < keep)
        keep = (size_t)page.limit;
    if (keep == n)
        return;
    /* Rebuild rather than remove from the front: json_array_remove(0) is linear each time. */
    copy = json_array();
    for (size_t i = off; i < off + keep; i++)
        json_array_append(copy, json_array_get(array, i));
    json_array_clear(array);
    json_array_extend(array, copy);
    json_decref(copy);
}

/* ---- contexts (confluent-api.md §1.3, §3.8) ---- */

/* The length of the ":.ctx:" prefix of a qualified subject, or 0 when it has none. */
static size_t qualifier_len(const char *subject)
{
    const char *end;

    if (strncmp(subject, ":.", 2) != 0 || !(end = strchr(subject + 2, ':')))
        return 0;
    return (size_t)(end - subject) + 1;
}

char *sr_registry__context_of(const char *subject)
{
    size_t n = qualifier_len(subject);

    if (n <= 3) /* none, or ":.:" (the default context named) */
        return sr_xstrdup(".");
    return sr_xstrndup(subject + 1, n - 2);
}

char *sr_registry__qualify(const char *context, const char *subject)
{
    char *out;

    if (qualifier_len(subject) || strcmp(context, ".") == 0)
        return sr_xstrdup(subject);
    if (asprintf(&out, ":%s:%s", context, subject) < 0)
        sr_xoom();
    return out;
}

char *sr_registry__context_scope(const char *context)
{
    char *out;

    if (strcmp(context, ".") == 0)
        return NULL;
    if (asprintf(&out, ":%s:", context) < 0)
        sr_xoom();
    return out;
}

int sr_registry__is_default_context(const char *subject)
{
    return qualifier_len(subject) <= 3;
}

int sr_registry__listed(sr_page page, const char *subject)
{
    return !page.filter || page.filter->may_read(page.filter->ctx, subject);
}

/* The version of `subject` that `version` names ("latest" or a number; confluent-api.md §3.4):
 * its index in *vs (which the caller frees with *n), or -1 with err: 40401 when the subject has no
 * version visible under `deleted`, 40402 when that version is not there or is soft-deleted and
 * `deleted` is 0. "latest" never names a soft-deleted version, even with `deleted`. */
int sr_registry__locate(sr_store_version **vs, size_t *n, sr_tx *tx, const char *subject,
                        const char *version, int deleted, sr_err *err)
{
    int v, at, visible = 0;

    if (sr_registry_parse_version(&v, version, err) < 0 ||
        sr_store_versions(vs, n, tx, subject, err) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++)
        visible |= deleted || !(*vs)[i].deleted;
    if (!visible)
        return sr_err_set(err, 40401, "Subject '%s' not found.", subject);
    at = v == -1 ? sr_registry__latest(*vs, *n) : sr_registry__find(*vs, *n, v);
    if (at < 0 || ((*vs)[at].deleted && !deleted))
        return sr_err_set(err, 40402, "Version %d not found.", v);
    return at;
}

int sr_registry__same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}
