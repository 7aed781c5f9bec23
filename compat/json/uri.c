/* json/uri.c -- URI references resolved against a base URI (RFC 3986 §5.2), enough for $id and
 * $ref: scheme, authority, path with dot segments removed, query, fragment. Nothing is fetched. */
#include "compat/json/json.h"

#include <stdlib.h>
#include <string.h>

typedef struct parts {
    const char *scheme, *auth, *path, *query, *frag;
    size_t scheme_n, auth_n, path_n, query_n, frag_n;
    int has_scheme, has_auth, has_query, has_frag;
} parts;

static void split(parts *p, const char *s)
{
    const char *q = s;

    memset(p, 0, sizeof(*p));
    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) {
        const char *c = q;
        while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
               *c == '+' || *c == '-' || *c == '.')
            c++;
        if (*c == ':') {
            p->has_scheme = 1;
            p->scheme = q;
            p->scheme_n = (size_t)(c - q);
            q = c + 1;
        }
    }
    if (q[0] == '/' && q[1] == '/') {
        q += 2;
        p->has_auth = 1;
        p->auth = q;
        p->auth_n = strcspn(q, "/?#");
        q += p->auth_n;
    }
    p->path = q;
    p->path_n = strcspn(q, "?#");
    q += p->path_n;
    if (*q == '?') {
        p->has_query = 1;
        p->query = ++q;
        p->query_n = strcspn(q, "#");
        q += p->query_n;
    }
    if (*q == '#') {
        p->has_frag = 1;
        p->frag = q + 1;
        p->frag_n = strlen(q + 1);
    }
}

/* RFC 3986 §5.2.4: remove "." and ".." segments from `in` (n bytes), appending to `out`. */
static void remove_dots(sr_buf *out, const char *in, size_t n)
{
    sr_buf b = SR_BUF_INIT;
    size_t i = 0;

    while (i < n) {
        if (n - i >= 3 && memcmp(in + i, "../", 3) == 0) {
            i += 3;
        } else if (n - i >= 2 && memcmp(in + i, "./", 2) == 0) {
            i += 2;
        } else if (n - i >= 3 && memcmp(in + i, "/./", 3) == 0) {
            i += 2;
        } else if (n - i == 2 && memcmp(in + i, "/.", 2) == 0) {
            sr_buf_putc(&b, '/'); /* "/." at the end becomes "/" */
            i = n;
        } else if ((n - i >= 4 && memcmp(in + i, "/../", 4) == 0) ||
                   (n - i == 3 && memcmp(in + i, "/..", 3) == 0)) {
            char *slash;
            int last = n - i == 3;
            i += 3;
            slash = b.len ? memrchr(b.ptr, '/', b.len) : NULL;
            sr_buf_truncate(&b, slash ? (size_t)(slash - b.ptr) : 0);
            if (last) {
                sr_buf_putc(&b, '/');
                i = n;
            }
        } else if ((n - i == 1 && in[i] == '.') || (n - i == 2 && memcmp(in + i, "..", 2) == 0)) {
            i = n;
        } else {
            size_t j = i + (in[i] == '/' ? 1 : 0);
            while (j < n && in[j] != '/')
                j++;
            sr_buf_put(&b, in + i, j - i);
            i = j;
        }
    }
    sr_buf_put(out, b.ptr, b.len);
    sr_buf_dispose(&b);
}

static void put_auth(sr_buf *b, const parts *p)
{
    if (p->has_auth) {
        sr_buf_puts(b, "//");
        sr_buf_put(b, p->auth, p->auth_n);
    }
}

char *sr_uri_resolve(const char *base, const char *ref)
{
    parts r, bs;
    sr_buf out = SR_BUF_INIT;

    if (!base)
        base = "";
    if (!ref)
        ref = "";
    split(&r, ref);
    split(&bs, base);
    if (r.has_scheme) {
        sr_buf_put(&out, r.scheme, r.scheme_n);
        sr_buf_putc(&out, ':');
        put_auth(&out, &r);
        remove_dots(&out, r.path, r.path_n);
        if (r.has_query) {
            sr_buf_putc(&out, '?');
            sr_buf_put(&out, r.query, r.query_n);
        }
    } else {
        if (bs.has_scheme) {
            sr_buf_put(&out, bs.scheme, bs.scheme_n);
            sr_buf_putc(&out, ':');
        }
        if (r.has_auth) {
            put_auth(&out, &r);
            remove_dots(&out, r.path, r.path_n);
            if (r.has_query) {
                sr_buf_putc(&out, '?');
                sr_buf_put(&out, r.query, r.query_n);
            }
        } else {
            put_auth(&out, &bs);
            if (r.path_n == 0) {
                sr_buf_put(&out, bs.path, bs.path_n);
                if (r.has_query || bs.has_query) {
                    sr_buf_putc(&out, '?');
                    if (r.has_query)
                        sr_buf_put(&out, r.query, r.query_n);
                    else
                        sr_buf_put(&out, bs.query, bs.query_n);
                }
            } else {
                sr_buf merged = SR_BUF_INIT;
                if (r.path[0] == '/') {
                    sr_buf_put(&merged, r.path, r.path_n);
                } else {
                    /* merge: the base path up to its last '/', then the reference's path */
                    size_t keep = bs.path_n;
                    while (keep > 0 && bs.path[keep - 1] != '/')
                        keep--;
                    if (bs.has_auth && bs.path_n == 0)
                        sr_buf_putc(&merged, '/');
                    sr_buf_put(&merged, bs.path, keep);
                    sr_buf_put(&merged, r.path, r.path_n);
                }
                remove_dots(&out, merged.ptr, merged.len);
                sr_buf_dispose(&merged);
                if (r.has_query) {
                    sr_buf_putc(&out, '?');
                    sr_buf_put(&out, r.query, r.query_n);
                }
            }
        }
    }
    if (r.has_frag) {
        sr_buf_putc(&out, '#');
        sr_buf_put(&out, r.frag, r.frag_n);
    }
    return sr_buf_detach(&out);
}

char *sr_uri_strip_fragment(const char *uri, const char **frag)
{
    const char *h = strchr(uri, '#');

    if (frag)
        *frag = h ? h + 1 : NULL;
    return sr_xstrndup(uri, h ? (size_t)(h - uri) : strlen(uri));
}
