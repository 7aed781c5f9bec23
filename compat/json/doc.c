/* json/doc.c -- JSON documents with positions and exact numbers, and their printers.
 *
 * jansson rounds numbers (and refuses integers beyond 64 bits) and forgets where values were, so
 * schemas are parsed here: every value keeps its line and column, numbers keep their text, and an
 * object keeps its members in order with an open-addressed index once it has more than a few. All
 * of a document's memory comes from one arena, freed at once. */
#include "compat/json/json.h"
#include "common/hex.h"
#include "common/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

struct sr_jdoc {
    chunk *chunks;
    sr_jv *root;
    uint64_t seed; /* hash seed: differs between documents, so collisions cannot be precomputed */
};

static void *arena_alloc(sr_jdoc *d, size_t n)
{
    chunk *c = d->chunks;

    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        c = sr_xmalloc(sizeof(chunk) + cap);
        c->next = d->chunks;
        c->used = 0;
        c->cap = cap;
        d->chunks = c;
    }
    c->used += n;
    return (char *)c->data + c->used - n;
}

/* A copy of p[0..n) in the arena (n may be 0). */
static void *arena_dup(sr_jdoc *d, const void *p, size_t n)
{
    void *q = arena_alloc(d, n ? n : 1);

    if (n)
        memcpy(q, p, n);
    return q;
}

/* A copy of p[0..n) in the arena, NUL-terminated. */
static char *arena_strndup(sr_jdoc *d, const char *p, size_t n)
{
    char *q = arena_alloc(d, n + 1);

    memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

void sr_jdoc_free(sr_jdoc *d)
{
    if (!d)
        return;
    for (chunk *c = d->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(d);
}

sr_jv *sr_jdoc_root(const sr_jdoc *d)
{
    return d->root;
}

int sr_jdoc_owns(const sr_jdoc *d, const sr_jv *v)
{
    for (const chunk *c = d->chunks; c; c = c->next)
        if ((const char *)v >= (const char *)c->data && (const char *)v < (const char *)c->data + c->used)
            return 1;
    return 0;
}

/* ---- hashing ---- */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = seed ^ 0x9E3779B97F4A7C15ull;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return mix(h ^ n);
}

/* ---- parser ---- */

typedef struct parser {
    sr_jdoc *d;
    const char *p, *end;
    int line, col;
    int max_depth;
    sr_err *err;
    sr_buf scratch; /* string decoding */
} parser;

static int fail(parser *ps, const char *what)
{
    return sr_err_set(ps->err, 42201, "line %d, column %d: %s", ps->line, ps->col, what);
}

static void advance(parser *ps, size_t n)
{
    for (size_t i = 0; i < n; i++, ps->p++) {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '\n') {
            ps->line++;
            ps->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            ps->col++;
        }
    }
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        advance(ps, 1);
}

static int read_hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;

    if (ps->end - ps->p < 4)
        return fail(ps, "a \\u escape needs four hex digits");
    for (int i = 0; i < 4; i++) {
        int h = sr_hex_value((unsigned char)ps->p[i]);
        if (h < 0)
            return fail(ps, "a \\u escape needs four hex digits");
        v = v * 16 + (unsigned)h;
    }
    advance(ps, 4);
    *out = v;
    return 0;
}

static void put_utf8(sr_buf *b, unsigned cp)
{
    char o[4];

    if (cp < 0x80) {
        sr_buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        sr_buf_put(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        sr_buf_put(b, o, 3);
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        sr_buf_put(b, o, 4);
    }
}

/* A string literal at ps->p (the opening quote); its decoded bytes, copied into the arena. */
static int parse_string(parser *ps, const char **out, size_t *len_out)
{
    sr_buf *b = &ps->scratch;

    sr_buf_clear(b);
    advance(ps, 1);
    for (;;) {
        const char *start = ps->p;
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20)
            ps->p++;
        if (ps->p > start) { /* plain bytes: columns count characters */
            const char *stop = ps->p;
            size_t n = (size_t)(stop - start), bad = sr_utf8_invalid_at(start, n);
            if (bad < n) {
                ps->p = start + bad;
                return fail(ps, "a string is not valid UTF-8");
            }
            sr_buf_put(b, start, n);
            ps->p = start;
            advance(ps, n);
        }
        if (ps->p >= ps->end)
            return fail(ps, "a string is not closed");
        if (*ps->p == '"') {
            advance(ps, 1);
            break;
        }
        if ((unsigned char)*ps->p < 0x20)
            return fail(ps, "a control character inside a string must be escaped");
        advance(ps, 1); /* the backslash */
        if (ps->p >= ps->end)
            return fail(ps, "a string is not closed");
        switch (*ps->p) {
        case '"': sr_buf_putc(b, '"'); break;
        case '\\': sr_buf_putc(b, '\\'); break;
        case '/': sr_buf_putc(b, '/'); break;
        case 'b': sr_buf_putc(b, '\b'); break;
        case 'f': sr_buf_putc(b, '\f'); break;
        case 'n': sr_buf_putc(b, '\n'); break;
        case 'r': sr_buf_putc(b, '\r'); break;
        case 't': sr_buf_putc(b, '\t'); break;
        case 'u': {
            unsigned cp, lo;
            advance(ps, 1);
            if (read_hex4(ps, &cp) < 0)
                return -1;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(ps, "a \\u escape is a lone low surrogate");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
                    return fail(ps, "a \\u escape is a lone high surrogate");
                advance(ps, 2);
                if (read_hex4(ps, &lo) < 0)
                    return -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(ps, "a \\u escape is a lone high surrogate");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(b, cp);
            continue;
        }
        default:
            return fail(ps, "unknown escape in a string");
        }
        advance(ps, 1);
    }
    *out = arena_strndup(ps->d, b->ptr, b->len);
    *len_out = b->len;
    return 0;
}

static int parse_number(parser *ps, sr_jv *v)
{
    const char *s = ps->p, *q = s;

    if (q < ps->end && *q == '-')
        q++;
    if (q < ps->end && *q == '0') {
        q++;
    } else if (q < ps->end && *q >= '1' && *q <= '9') {
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    } else {
        return fail(ps, "invalid number");
    }
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "invalid number: digits must follow the decimal point");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "invalid number: digits must follow the exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    v->kind = SR_JNUMBER;
    v->u.num = arena_strndup(ps->d, s, (size_t)(q - s));
    v->n = (size_t)(q - s);
    advance(ps, (size_t)(q - s));
    return 0;
}

static int parse_value(parser *ps, sr_jv **out, int depth);

/* Build the member index of an object with many members; refuses duplicate keys. */
static int index_object(parser *ps, sr_jv *o, const int *key_line, const int *key_col)
{
    size_t cap = 16;

    while (cap < 2 * o->n)
        cap *= 2;
    o->index = arena_alloc(ps->d, cap * sizeof(uint32_t));
    memset(o->index, 0, cap * sizeof(uint32_t));
    o->index_cap = cap;
    o->seed = ps->d->seed;
    for (size_t i = 0; i < o->n; i++) {
        const sr_jmember *m = &o->u.members[i];
        size_t h = (size_t)hash_bytes(m->key, m->key_len, o->seed) & (cap - 1);
        while (o->index[h]) {
            const sr_jmember *x = &o->u.members[o->index[h] - 1];
            if (x->key_len == m->key_len && memcmp(x->key, m->key, m->key_len) == 0) {
                ps->line = key_line[i];
                ps->col = key_col[i];
                return fail(ps, "duplicate key in an object");
            }
            h = (h + 1) & (cap - 1);
        }
        o->index[h] = (uint32_t)(i + 1);
    }
    return 0;
}

/* After a member or an item: 1 when a ',' says another follows, 0 at the closing bracket (both
 * consumed), -1 (failed with `message`) otherwise. */
static int next_member(parser *ps, char close, const char *message)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
        advance(ps, 1);
        return 1;
    }
    if (ps->p < ps->end && *ps->p == close) {
        advance(ps, 1);
        return 0;
    }
    return fail(ps, message);
}

#define SMALL_OBJECT 8

static int parse_object(parser *ps, sr_jv *v, int depth)
{
    sr_jmember *m = NULL;
    int *kl = NULL, *kc = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    advance(ps, 1);
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        advance(ps, 1);
        rc = 0;
        goto done;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            fail(ps, "expected a string key in an object");
            goto done;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            m = sr_xrealloc(m, cap * sizeof(*m));
            kl = sr_xrealloc(kl, cap * sizeof(*kl));
            kc = sr_xrealloc(kc, cap * sizeof(*kc));
        }
        kl[n] = ps->line;
        kc[n] = ps->col;
        if (parse_string(ps, &m[n].key, &m[n].key_len) < 0)
            goto done;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            fail(ps, "expected ':' after a key");
            goto done;
        }
        advance(ps, 1);
        if (parse_value(ps, &m[n].value, depth + 1) < 0)
            goto done;
        n++;
        int more = next_member(ps, '}', "expected ',' or '}' in an object");
        if (more < 0)
            goto done;
        if (!more)
            break;
    }
    rc = 0;
done:
    if (rc == 0) {
        v->n = n;
        v->u.members = arena_dup(ps->d, m, n * sizeof(*m));
        if (n > SMALL_OBJECT) {
            rc = index_object(ps, v, kl, kc);
        } else {
            for (size_t i = 1; i < n && rc == 0; i++)
                for (size_t k = 0; k < i; k++)
                    if (m[k].key_len == m[i].key_len &&
                        memcmp(m[k].key, m[i].key, m[i].key_len) == 0) {
                        ps->line = kl[i];
                        ps->col = kc[i];
                        rc = fail(ps, "duplicate key in an object");
                        break;
                    }
        }
    }
    free(m);
    free(kl);
    free(kc);
    return rc;
}

static int parse_array(parser *ps, sr_jv *v, int depth)
{
    sr_jv **items = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    advance(ps, 1);
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        advance(ps, 1);
        rc = 0;
        goto done;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            items = sr_xrealloc(items, cap * sizeof(*items));
        }
        if (parse_value(ps, &items[n], depth + 1) < 0)
            goto done;
        n++;
        int more = next_member(ps, ']', "expected ',' or ']' in an array");
        if (more < 0)
            goto done;
        if (!more)
            break;
    }
    rc = 0;
done:
    if (rc == 0) {
        v->n = n;
        v->u.items = arena_dup(ps->d, items, n * sizeof(*items));
    }
    free(items);
    return rc;
}

static int literal(parser *ps, const char *word, sr_jv *v, sr_jkind kind)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character: expected a JSON value");
    advance(ps, n);
    v->kind = kind;
    return 0;
}

static int parse_value(parser *ps, sr_jv **out, int depth)
{
    sr_jv *v;

    skip_ws(ps);
    if (depth > ps->max_depth)
        return sr_err_set(ps->err, 42201, "line %d, column %d: the document nests deeper than "
                          "%d levels (the nesting limit)", ps->line, ps->col, ps->max_depth);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of the text: expected a JSON value");
    v = arena_alloc(ps->d, sizeof(*v));
    memset(v, 0, sizeof(*v));
    v->line = ps->line;
    v->column = ps->col;
    *out = v;
    switch (*ps->p) {
    case '{':
        v->kind = SR_JOBJECT;
        return parse_object(ps, v, depth);
    case '[':
        v->kind = SR_JARRAY;
        return parse_array(ps, v, depth);
    case '"':
        v->kind = SR_JSTRING;
        return parse_string(ps, &v->u.str, &v->n);
    case 't':
        return literal(ps, "true", v, SR_JTRUE);
    case 'f':
        return literal(ps, "false", v, SR_JFALSE);
    case 'n':
        return literal(ps, "null", v, SR_JNULL);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps, v);
        return fail(ps, "unexpected character: expected a JSON value");
    }
}

int sr_jdoc_parse(sr_jdoc **out, const char *text, size_t len, int max_depth, sr_err *err)
{
    sr_jdoc *d = sr_xcalloc(1, sizeof(*d));
    parser ps = {d, text, text + len, 1, 1, max_depth, err, SR_BUF_INIT};
    int rc;

    d->seed = mix((uint64_t)(uintptr_t)d ^ ((uint64_t)(uintptr_t)&ps << 17));
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3; /* a byte order mark */
    rc = parse_value(&ps, &d->root, 0);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p < ps.end)
            rc = fail(&ps, "unexpected text after the JSON value");
    }
    sr_buf_dispose(&ps.scratch);
    if (rc < 0) {
        sr_jdoc_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

/* ---- lookups ---- */

sr_jv *sr_jobj_getn(const sr_jv *o, const char *key, size_t key_len)
{
    if (!o || o->kind != SR_JOBJECT)
        return NULL;
    if (o->index) {
        size_t h = (size_t)hash_bytes(key, key_len, o->seed) & (o->index_cap - 1);
        while (o->index[h]) {
            const sr_jmember *m = &o->u.members[o->index[h] - 1];
            if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
                return m->value;
            h = (h + 1) & (o->index_cap - 1);
        }
        return NULL;
    }
    for (size_t i = 0; i < o->n; i++) {
        const sr_jmember *m = &o->u.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
            return m->value;
    }
    return NULL;
}

sr_jv *sr_jobj_get(const sr_jv *o, const char *key)
{
    return sr_jobj_getn(o, key, strlen(key));
}

/* ---- numbers ---- */

/* A number as an exact decimal: value = sign * 0.DIGITS * 10^exp, DIGITS without leading or
 * trailing zeros ("" for zero). */
typedef struct decimal {
    int sign;          /* -1, 0, 1 */
    char digits[64];   /* the first 63 significant digits */
    size_t ndigits;    /* all significant digits (may exceed what is kept) */
    long long exp;
} decimal;

static void to_decimal(decimal *d, const char *s)
{
    long long point = 0, e = 0;
    int neg = 0, seen_point = 0, started = 0;
    size_t kept = 0, trailing_zeros = 0;

    memset(d, 0, sizeof(*d));
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.') {
            seen_point = 1;
            continue;
        }
        if (!started && *s == '0') {
            if (seen_point)
                point--;
            continue;
        }
        started = 1;
        if (!seen_point)
            point++;
        if (*s == '0') {
            trailing_zeros++;
        } else {
            for (; trailing_zeros; trailing_zeros--) {
                if (kept < sizeof(d->digits) - 1)
                    d->digits[kept++] = '0';
                d->ndigits++;
            }
            if (kept < sizeof(d->digits) - 1)
                d->digits[kept++] = *s;
            d->ndigits++;
        }
    }
    if (*s == 'e' || *s == 'E') {
        int eneg = 0;
        s++;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++)
            if (e < 1000000000000LL)
                e = e * 10 + (*s - '0');
        if (eneg)
            e = -e;
    }
    d->digits[kept] = '\0';
    if (!d->ndigits) {
        d->sign = 0;
        return;
    }
    d->sign = neg ? -1 : 1;
    d->exp = point + e;
}

static int cmp_decimal(const decimal *a, const decimal *b)
{
    int c;

    if (a->sign != b->sign)
        return a->sign < b->sign ? -1 : 1;
    if (a->sign == 0)
        return 0;
    if (a->exp != b->exp)
        c = a->exp < b->exp ? -1 : 1;
    else if ((c = strcmp(a->digits, b->digits)) == 0)
        c = (a->ndigits > b->ndigits) - (a->ndigits < b->ndigits);
    else
        c = c < 0 ? -1 : 1;
    return a->sign < 0 ? -c : c;
}

double sr_jnum(const sr_jv *v)
{
    return v && v->kind == SR_JNUMBER ? strtod(v->u.num, NULL) : 0.0;
}

int sr_jnum_is_integer(const sr_jv *v)
{
    decimal d;

    to_decimal(&d, v->u.num);
    return d.sign == 0 || (d.exp >= 0 && (long long)d.ndigits <= d.exp);
}

int sr_jnum_cmp(const sr_jv *a, const sr_jv *b)
{
    decimal x, y;

    to_decimal(&x, a->u.num);
    to_decimal(&y, b->u.num);
    return cmp_decimal(&x, &y);
}

/* ---- equality and hashing ---- */

int sr_jv_equal(const sr_jv *a, const sr_jv *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case SR_JNUMBER:
        return sr_jnum_cmp(a, b) == 0;
    case SR_JSTRING:
        return a->n == b->n && memcmp(a->u.str, b->u.str, a->n) == 0;
    case SR_JARRAY:
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!sr_jv_equal(a->u.items[i], b->u.items[i]))
                return 0;
        return 1;
    case SR_JOBJECT:
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++) {
            const sr_jmember *m = &a->u.members[i];
            if (!sr_jv_equal(m->value, sr_jobj_getn(b, m->key, m->key_len)))
                return 0;
        }
        return 1;
    default:
        return 1;
    }
}

uint64_t sr_jv_hash(const sr_jv *v)
{
    uint64_t h = (uint64_t)v->kind * 0x9E3779B97F4A7C15ull;
    decimal d;

    switch (v->kind) {
    case SR_JNUMBER:
        to_decimal(&d, v->u.num);
        return mix(hash_bytes(d.digits, strlen(d.digits), (uint64_t)d.exp) ^ (uint64_t)d.sign);
    case SR_JSTRING:
        return hash_bytes(v->u.str, v->n, h);
    case SR_JARRAY:
        for (size_t i = 0; i < v->n; i++)
            h = mix(h ^ sr_jv_hash(v->u.items[i])) + i;
        return h;
    case SR_JOBJECT: {
        uint64_t sum = 0;
        for (size_t i = 0; i < v->n; i++)
            sum += mix(hash_bytes(v->u.members[i].key, v->u.members[i].key_len, 7) ^
                       sr_jv_hash(v->u.members[i].value));
        return mix(h ^ sum);
    }
    default:
        return mix(h);
    }
}

sr_jv *sr_jv_at(const sr_jv *root, const char *ptr)
{
    const sr_jv *v = root;
    sr_buf tok = SR_BUF_INIT;

    if (*ptr == '#')
        ptr++;
    while (v && *ptr) {
        if (*ptr != '/') {
            v = NULL;
            break;
        }
        ptr++;
        sr_buf_clear(&tok);
        for (; *ptr && *ptr != '/'; ptr++) {
            if (ptr[0] == '~' && ptr[1] == '0') {
                sr_buf_putc(&tok, '~');
                ptr++;
            } else if (ptr[0] == '~' && ptr[1] == '1') {
                sr_buf_putc(&tok, '/');
                ptr++;
            } else {
                sr_buf_putc(&tok, *ptr);
            }
        }
        if (v->kind == SR_JOBJECT) {
            v = sr_jobj_getn(v, tok.ptr, tok.len);
        } else if (v->kind == SR_JARRAY) {
            char *end;
            unsigned long i = strtoul(tok.ptr, &end, 10);
            v = tok.len && *end == '\0' && (tok.len == 1 || tok.ptr[0] != '0') && i < v->n
                    ? v->u.items[i]
                    : NULL;
        } else {
            v = NULL;
        }
    }
    sr_buf_dispose(&tok);
    return (sr_jv *)v;
}

/* ---- printing ---- */

void sr_json_quote(sr_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";

    sr_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sr_buf_puts(b, "\\\""); break;
        case '\\': sr_buf_puts(b, "\\\\"); break;
        case '\b': sr_buf_puts(b, "\\b"); break;
        case '\f': sr_buf_puts(b, "\\f"); break;
        case '\n': sr_buf_puts(b, "\\n"); break;
        case '\r': sr_buf_puts(b, "\\r"); break;
        case '\t': sr_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                sr_buf_puts(b, u);
            } else {
                sr_buf_putc(b, (char)c);
            }
        }
    }
    sr_buf_putc(b, '"');
}

/* The next UTF-16 code unit of a UTF-8 string, for Java's String order. */
static unsigned next_unit(const unsigned char **p, const unsigned char *end, unsigned *pending)
{
    unsigned cp;
    const unsigned char *s = *p;

    if (*pending) {
        cp = *pending;
        *pending = 0;
        return cp;
    }
    if (s[0] < 0x80) {
        cp = s[0];
        s += 1;
    } else if ((s[0] & 0xE0) == 0xC0 && s + 1 < end) {
        cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        s += 2;
    } else if ((s[0] & 0xF0) == 0xE0 && s + 2 < end) {
        cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        s += 3;
    } else if (s + 3 < end) {
        cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
             (s[3] & 0x3Fu);
        s += 4;
        cp -= 0x10000;
        *pending = 0xDC00 + (cp & 0x3FF);
        cp = 0xD800 + (cp >> 10);
    } else {
        cp = s[0];
        s += 1;
    }
    *p = s;
    return cp;
}

static int cmp_utf16(const sr_jmember *x, const sr_jmember *y)
{
    const unsigned char *a = (const unsigned char *)x->key, *ae = a + x->key_len;
    const unsigned char *b = (const unsigned char *)y->key, *be = b + y->key_len;
    unsigned pa = 0, pb = 0;

    while ((a < ae || pa) && (b < be || pb)) {
        unsigned ua = next_unit(&a, ae, &pa), ub = next_unit(&b, be, &pb);
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
    return (a < ae || pa) ? 1 : (b < be || pb) ? -1 : 0;
}

static int cmp_member_ptr(const void *a, const void *b)
{
    return cmp_utf16(*(const sr_jmember *const *)a, *(const sr_jmember *const *)b);
}

void sr_jv_print(sr_buf *b, const sr_jv *v, int sorted)
{
    switch (v->kind) {
    case SR_JNULL: sr_buf_puts(b, "null"); return;
    case SR_JTRUE: sr_buf_puts(b, "true"); return;
    case SR_JFALSE: sr_buf_puts(b, "false"); return;
    case SR_JNUMBER: sr_buf_put(b, v->u.num, v->n); return;
    case SR_JSTRING: sr_json_quote(b, v->u.str, v->n); return;
    case SR_JARRAY:
        sr_buf_putc(b, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sr_buf_putc(b, ',');
            sr_jv_print(b, v->u.items[i], sorted);
        }
        sr_buf_putc(b, ']');
        return;
    case SR_JOBJECT: {
        const sr_jmember **order = sr_xmalloc((v->n + 1) * sizeof(*order));
        for (size_t i = 0; i < v->n; i++)
            order[i] = &v->u.members[i];
        if (sorted && v->n > 1)
            qsort(order, v->n, sizeof(*order), cmp_member_ptr);
        sr_buf_putc(b, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sr_buf_putc(b, ',');
            sr_json_quote(b, order[i]->key, order[i]->key_len);
            sr_buf_putc(b, ':');
            sr_jv_print(b, order[i]->value, sorted);
        }
        sr_buf_putc(b, '}');
        free(order);
        return;
    }
    }
}
