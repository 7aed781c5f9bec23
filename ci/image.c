/* image.c -- a registry image in memory: its order (references first) and its file form.
 *
 * The file is JSON Lines (docs/migration.md): one object per line, told apart by "kind":
 *   {"kind":"header","format":"sluice-export","version":1,"source":URL,"exported":MS}
 *   {"kind":"version","subject":S,"version":V,"id":N,"schemaType":T,"schema":TEXT,
 *    "references":[...],"metadata":{...},"ruleSet":{...},"ts":MS,"deleted":BOOL}   (many)
 *   {"kind":"config","scope":S|null,"config":{...}}                                 (many)
 *   {"kind":"mode","scope":S|null,"mode":M}                                         (many)
 *   {"kind":"end","versions":N,"configs":N,"modes":N}
 * Versions come in the order they can be written in; the last line makes a cut file an error. */
#include "ci/image.h"
#include "ci/image_int.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FORMAT_NAME "sluice-export"
#define FORMAT_VERSION 1

void sr_image_init(sr_image *im)
{
    im->versions = json_array();
    im->configs = json_array();
    im->modes = json_array();
}

void sr_image_dispose(sr_image *im)
{
    json_decref(im->versions);
    json_decref(im->configs);
    json_decref(im->modes);
    memset(im, 0, sizeof(*im));
}

/* ---- names ---- */

char *sr_image__context_of(const char *subject)
{
    const char *end;

    if (strncmp(subject, ":.", 2) != 0 || !(end = strchr(subject + 2, ':')) || end == subject + 2)
        return sr_xstrdup(".");
    return sr_xstrndup(subject + 1, (size_t)(end - subject - 1));
}

char *sr_image__qualify(const char *context, const char *subject)
{
    sr_buf b = SR_BUF_INIT;

    if ((strncmp(subject, ":.", 2) == 0 && strchr(subject + 2, ':')) || strcmp(context, ".") == 0)
        return sr_xstrdup(subject);
    sr_buf_printf(&b, ":%s:%s", context, subject);
    return sr_buf_detach(&b);
}

const char *sr_image__str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

int sr_image__int(const json_t *o, const char *key)
{
    return (int)json_integer_value(json_object_get(o, key));
}

/* ---- order ---- */

typedef struct node {
    json_t *v;      /* borrowed from the array */
    char *context;  /* owned */
    char *key;      /* "subject\nversion", owned */
    size_t *after;  /* indexes of the versions that reference this one */
    size_t nafter, capafter;
    size_t waiting; /* references not yet placed */
} node;

static int base_order(const void *a, const void *b)
{
    const node *x = a, *y = b;
    int c = strcmp(x->context, y->context), ix = sr_image__int(x->v, "id"),
        iy = sr_image__int(y->v, "id");

    if (c)
        return c;
    if (ix != iy)
        return ix < iy ? -1 : 1;
    if ((c = strcmp(sr_image__str(x->v, "subject"), sr_image__str(y->v, "subject"))))
        return c;
    return sr_image__int(x->v, "version") - sr_image__int(y->v, "version");
}

static char *version_key(const char *subject, int version)
{
    sr_buf b = SR_BUF_INIT;
    sr_buf_printf(&b, "%s\n%d", subject, version);
    return sr_buf_detach(&b);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const node *const *)a)[0]->key, ((const node *const *)b)[0]->key);
}

/* A min-heap of node indexes: the next version to place is the lowest in base order. */
typedef struct heap {
    size_t *v, n;
} heap;

static void heap_push(heap *h, size_t x)
{
    size_t i = h->n++;

    while (i > 0 && h->v[(i - 1) / 2] > x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
}

static size_t heap_pop(heap *h)
{
    size_t top = h->v[0], last = h->v[--h->n], i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1] < h->v[c])
            c++;
        if (last <= h->v[c])
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = last;
    return top;
}

/* The node a reference of `from` names, or NULL when the image does not hold it. */
static node *referenced(node **sorted, size_t n, const node *from, const json_t *ref)
{
    char *subject = sr_image__qualify(from->context, sr_image__str(ref, "subject"));
    node probe = {.key = version_key(subject, sr_image__int(ref, "version"))}, *pp = &probe;
    node **hit = bsearch(&pp, sorted, n, sizeof(*sorted), by_key);

    free(subject);
    free(probe.key);
    return hit ? *hit : NULL;
}

void sr_image_order(sr_image *im)
{
    size_t n = json_array_size(im->versions), placed = 0;
    node *nodes = sr_xcalloc(n + 1, sizeof(*nodes));
    node **sorted = sr_xcalloc(n + 1, sizeof(*sorted));
    heap h = {sr_xcalloc(n + 1, sizeof(size_t)), 0};
    json_t *out = json_array(), *ref;

    for (size_t i = 0; i < n; i++) {
        nodes[i].v = json_array_get(im->versions, i);
        nodes[i].context = sr_image__context_of(sr_image__str(nodes[i].v, "subject"));
        nodes[i].key = version_key(sr_image__str(nodes[i].v, "subject"),
                                   sr_image__int(nodes[i].v, "version"));
    }
    qsort(nodes, n, sizeof(*nodes), base_order);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &nodes[i];
    qsort(sorted, n, sizeof(*sorted), by_key);
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_array_foreach(json_object_get(nodes[i].v, "references"), k, ref) {
            node *to = referenced(sorted, n, &nodes[i], ref);
            if (!to || to == &nodes[i])
                continue;
            if (to->nafter == to->capafter) {
                to->capafter = to->capafter ? 2 * to->capafter : 4;
                to->after = sr_xrealloc(to->after, to->capafter * sizeof(size_t));
            }
            to->after[to->nafter++] = i;
            nodes[i].waiting++;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!nodes[i].waiting)
            heap_push(&h, i);
    /* Kahn's algorithm; whatever a cycle leaves unplaced follows in base order. */
    while (placed < n) {
        size_t i;
        if (h.n == 0) { /* only a cycle is left: its first member in base order goes next */
            for (i = 0; nodes[i].waiting == (size_t)-1; i++)
                ;
            heap_push(&h, i);
        }
        i = heap_pop(&h);
        nodes[i].waiting = (size_t)-1; /* placed */
        json_array_append(out, nodes[i].v);
        placed++;
        for (size_t a = 0; a < nodes[i].nafter; a++) {
            node *m = &nodes[nodes[i].after[a]];
            if (m->waiting != (size_t)-1 && --m->waiting == 0)
                heap_push(&h, nodes[i].after[a]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(nodes[i].context);
        free(nodes[i].key);
        free(nodes[i].after);
    }
    free(nodes);
    free(sorted);
    free(h.v);
    json_decref(im->versions);
    im->versions = out;
}

/* ---- the file ---- */

static int put_line(FILE *f, json_t *o)
{
    int rc = json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 && fputc('\n', f) != EOF
                 ? 0
                 : -1;
    json_decref(o);
    return rc;
}

static json_t *tagged(const char *kind, json_t *o)
{
    json_t *out = json_pack("{s:s}", "kind", kind);

    json_object_update(out, o);
    return out;
}

int sr_image_save(const sr_image *im, FILE *f, const char *source, sr_err *err)
{
    struct timespec now;
    size_t i;
    json_t *e;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &now);
    rc |= put_line(f, json_pack("{s:s, s:s, s:i, s:s, s:I}", "kind", "header", "format",
                                FORMAT_NAME, "version", FORMAT_VERSION, "source",
                                source ? source : "", "exported",
                                (json_int_t)now.tv_sec * 1000 + now.tv_nsec / 1000000));
    json_array_foreach(im->versions, i, e) rc |= put_line(f, tagged("version", e));
    json_array_foreach(im->configs, i, e) rc |= put_line(f, tagged("config", e));
    json_array_foreach(im->modes, i, e) rc |= put_line(f, tagged("mode", e));
    rc |= put_line(f, json_pack("{s:s, s:I, s:I, s:I}", "kind", "end", "versions",
                                (json_int_t)json_array_size(im->versions), "configs",
                                (json_int_t)json_array_size(im->configs), "modes",
                                (json_int_t)json_array_size(im->modes)));
    if (rc < 0 || fflush(f) != 0 || ferror(f))
        return sr_err_set(err, 2, "cannot write the export file");
    return 0;
}

/* One line of the file into the image: 0, 1 for the end line, -1. */
static int load_line(sr_image *im, json_t *o, int *seen_header, size_t lineno, sr_err *err)
{
    const char *kind = json_string_value(json_object_get(o, "kind"));
    json_t *copy;

    if (!kind)
        return sr_err_set(err, 2, "line %zu: not an object with a \"kind\"", lineno);
    if (!*seen_header) {
        if (strcmp(kind, "header") || strcmp(sr_image__str(o, "format"), FORMAT_NAME))
            return sr_err_set(err, 2, "line %zu: not a sluice export (no header)", lineno);
        if (sr_image__int(o, "version") > FORMAT_VERSION)
            return sr_err_set(err, 2, "line %zu: export format version %d is newer than this "
                              "program's %d", lineno, sr_image__int(o, "version"),
                              FORMAT_VERSION);
        *seen_header = 1;
        return 0;
    }
    if (strcmp(kind, "end") == 0) {
        if ((size_t)sr_image__int(o, "versions") != json_array_size(im->versions) ||
            (size_t)sr_image__int(o, "configs") != json_array_size(im->configs) ||
            (size_t)sr_image__int(o, "modes") != json_array_size(im->modes))
            return sr_err_set(err, 2, "line %zu: the counts do not match the lines", lineno);
        return 1;
    }
    copy = json_deep_copy(o);
    json_object_del(copy, "kind");
    if (strcmp(kind, "version") == 0 && json_is_string(json_object_get(o, "subject")) &&
        json_is_integer(json_object_get(o, "version")) &&
        json_is_integer(json_object_get(o, "id")) && json_is_string(json_object_get(o, "schema")))
        json_array_append_new(im->versions, copy);
    else if (strcmp(kind, "config") == 0 && json_is_object(json_object_get(o, "config")))
        json_array_append_new(im->configs, copy);
    else if (strcmp(kind, "mode") == 0 && json_is_string(json_object_get(o, "mode")))
        json_array_append_new(im->modes, copy);
    else {
        json_decref(copy);
        return sr_err_set(err, 2, "line %zu: a \"%s\" line without the fields it needs", lineno,
                          kind);
    }
    return 0;
}

int sr_image_load(sr_image *im, const char *path, sr_err *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int seen_header = 0, rc = 0;
    ssize_t len;

    if (!f)
        return sr_err_set(err, 2, "cannot open %s", path);
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        json_error_t je;
        json_t *o;
        lineno++;
        if (len <= 1)
            continue;
        if (!(o = json_loadb(line, (size_t)len, 0, &je))) {
            rc = sr_err_set(err, 2, "%s:%zu: %s", path, lineno, je.text);
            break;
        }
        rc = load_line(im, o, &seen_header, lineno, err);
        json_decref(o);
    }
    free(line);
    fclose(f);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return sr_err_set(err, 2, "%s: the file ends before its last line: cut short?", path);
    return 0;
}
