/* auth.c -- the credentials file, logins and rights (auth.h). Writing the file is auth_file.c. */
#include "server/auth.h"
#include "common/hex.h"
#include "server/auth_int.h"
#include "common/buf.h"

#include <crypt.h>
#include <fnmatch.h>
#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

typedef enum kind { KIND_USER, KIND_KEY, KIND_CERT } kind;

typedef struct principal {
    kind kind;
    char *name;     /* owned */
    char *secret;   /* crypt(3) hash, or 32 bytes of SHA-256 for a key; owned; NULL for certs */
    int rights;     /* the role's rights on every subject */
    char **groups;  /* owned, NULL-terminated */
    uint8_t seen[SHA256_DIGEST_SIZE]; /* keyed digest of the last password that matched */
    int seen_set;                     /* guarded by the policy's lock */
} principal;

typedef struct rule {
    int is_group;   /* who: a group, or a principal by name; "*" = everybody authenticated */
    char *who;      /* owned */
    int rights;
    char **patterns; /* owned, NULL-terminated */
} rule;

/* One loaded version of the file, shared by the requests that began under it. */
typedef struct policy {
    atomic_int refs;
    pthread_mutex_t lock; /* the principals' password memo */
    principal *ps;
    size_t nps;
    rule *rules;
    size_t nrules;
} policy;

struct sr_auth {
    char *path;
    pthread_mutex_t lock; /* guards cur */
    policy *cur;
};

struct sr_caller {
    policy *p;             /* a reference */
    const principal *who;  /* in p */
};

/* The process's key for the password memo: a memo is useless outside this process. */
static uint8_t memo_key[32];
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;
/* A real hash to burn time on for unknown users, so that a wrong name costs what a wrong
 * password does (no probing for names by timing). Made once, with the same method as new ones. */
static char dummy_hash[CRYPT_OUTPUT_SIZE];

static void memo_key_init(void)
{
    struct crypt_data *cd = sr_xcalloc(1, sizeof(*cd));
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h;

    if (getrandom(memo_key, sizeof(memo_key), 0) != (ssize_t)sizeof(memo_key))
        abort();
    if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) &&
        (h = crypt_rn("not a password", salt, cd, sizeof(*cd))) && h[0] == '$')
        snprintf(dummy_hash, sizeof(dummy_hash), "%s", h);
    else
        snprintf(dummy_hash, sizeof(dummy_hash), "*");
    free(cd);
}

static void free_strv(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

static void policy_unref(policy *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    for (size_t i = 0; i < p->nps; i++) {
        free(p->ps[i].name);
        free(p->ps[i].secret);
        free_strv(p->ps[i].groups);
    }
    for (size_t i = 0; i < p->nrules; i++) {
        free(p->rules[i].who);
        free_strv(p->rules[i].patterns);
    }
    free(p->ps);
    free(p->rules);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* ---- parsing ---- */

static char **split_commas(const char *s)
{
    size_t n = 1, k = 0;
    char **v;

    for (const char *p = s; *p; p++)
        n += *p == ',';
    v = sr_xcalloc(n + 1, sizeof(*v));
    while (*s) {
        size_t len = strcspn(s, ",");
        if (len)
            v[k++] = sr_xstrndup(s, len);
        s += len + (s[len] == ',');
    }
    return v;
}

static int parse_rights(int *out, const char *s)
{
    char **v = split_commas(s);
    int rc = 0;

    *out = 0;
    for (char **p = v; *p; p++) {
        if (strcmp(*p, "read") == 0)
            *out |= SR_RIGHT_READ;
        else if (strcmp(*p, "write") == 0)
            *out |= SR_RIGHT_WRITE;
        else if (strcmp(*p, "delete") == 0)
            *out |= SR_RIGHT_DELETE;
        else if (strcmp(*p, "config") == 0)
            *out |= SR_RIGHT_CONFIG;
        else if (strcmp(*p, "all") == 0)
            *out |= SR_RIGHTS_ALL;
        else
            rc = -1;
    }
    free_strv(v);
    return rc;
}

int sr_auth__role_rights(int *out, const char *role)
{
    static const struct {
        const char *name;
        int rights;
    } roles[] = {
        {"none", 0},
        {"reader", SR_RIGHT_READ},
        {"writer", SR_RIGHT_READ | SR_RIGHT_WRITE},
        {"admin", SR_RIGHTS_ALL},
    };

    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(role, roles[i].name) == 0) {
            *out = roles[i].rights;
            return 0;
        }
    }
    return -1;
}

/* "sha256:<64 hex digits>" into 32 bytes; NULL when malformed. */
static char *parse_digest(const char *s)
{
    uint8_t *d;

    if (strncmp(s, "sha256:", 7) != 0 || strlen(s + 7) != 2 * SHA256_DIGEST_SIZE)
        return NULL;
    s += 7;
    d = sr_xmalloc(SHA256_DIGEST_SIZE);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        int hi = sr_hex_value(s[2 * i]), lo = sr_hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(d);
            return NULL;
        }
        d[i] = (uint8_t)(hi * 16 + lo);
    }
    return (char *)d;
}

/* A principal line: kind name secret [role=R] [groups=a,b]. */
static int parse_principal(policy *p, kind k, char **tok, size_t ntok, const char **why)
{
    size_t need = k == KIND_CERT ? 2 : 3;
    principal pr = {0};

    if (ntok < need)
        return *why = "expected a name and a secret", -1;
    for (size_t i = 0; i < p->nps; i++)
        if (strcmp(p->ps[i].name, tok[1]) == 0)
            return *why = "this name is given twice", -1;
    pr.kind = k;
    if (k == KIND_USER) {
        if (tok[2][0] != '$')
            return *why = "the password is not a crypt(3) hash (use sluiced passwd)", -1;
        pr.secret = sr_xstrdup(tok[2]);
    } else if (k == KIND_KEY && !(pr.secret = parse_digest(tok[2]))) {
        return *why = "the key is not sha256:<64 hex digits> (use sluiced apikey)", -1;
    }
    for (size_t i = need; i < ntok; i++) {
        if (strncmp(tok[i], "role=", 5) == 0 && sr_auth__role_rights(&pr.rights, tok[i] + 5) == 0)
            continue;
        if (strncmp(tok[i], "groups=", 7) == 0 && !pr.groups) {
            pr.groups = split_commas(tok[i] + 7);
            continue;
        }
        free(pr.secret);
        free_strv(pr.groups);
        return *why = "unknown attribute (role=none|reader|writer|admin, groups=a,b)", -1;
    }
    if (!pr.groups)
        pr.groups = sr_xcalloc(1, sizeof(char *));
    pr.name = sr_xstrdup(tok[1]);
    p->ps = sr_xrealloc(p->ps, (p->nps + 1) * sizeof(*p->ps));
    p->ps[p->nps++] = pr;
    return 0;
}

/* allow WHO RIGHTS PATTERN... */
static int parse_rule(policy *p, char **tok, size_t ntok, const char **why)
{
    rule r = {0};

    if (ntok < 4)
        return *why = "expected: allow user:NAME|group:NAME|* RIGHTS PATTERN...", -1;
    if (strcmp(tok[1], "*") == 0) {
        r.who = sr_xstrdup("*");
    } else if (strncmp(tok[1], "user:", 5) == 0 && tok[1][5]) {
        r.who = sr_xstrdup(tok[1] + 5);
    } else if (strncmp(tok[1], "group:", 6) == 0 && tok[1][6]) {
        r.is_group = 1;
        r.who = sr_xstrdup(tok[1] + 6);
    } else {
        return *why = "expected user:NAME, group:NAME or * after allow", -1;
    }
    if (parse_rights(&r.rights, tok[2]) < 0) {
        free(r.who);
        return *why = "rights are a comma list of read, write, delete, config, all", -1;
    }
    r.patterns = sr_xcalloc(ntok - 2, sizeof(char *));
    for (size_t i = 3; i < ntok; i++)
        r.patterns[i - 3] = sr_xstrdup(tok[i]);
    p->rules = sr_xrealloc(p->rules, (p->nrules + 1) * sizeof(*p->rules));
    p->rules[p->nrules++] = r;
    return 0;
}

int sr_auth__tokens(char ***out, size_t *n, char *line)
{
    char **tok = NULL;
    size_t k = 0;
    char *s = line;

    for (;;) {
        char *start, *w;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (!*s || *s == '#')
            break;
        tok = sr_xrealloc(tok, (k + 1) * sizeof(*tok));
        if (*s == '"') { /* a quoted token: certificate subjects have spaces */
            start = w = ++s;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                *w++ = *s++;
            }
            if (*s != '"') {
                free(tok);
                return -1;
            }
            s++;
        } else {
            start = s;
            while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
                s++;
            w = s;
            if (*s)
                s++;
        }
        *w = '\0';
        tok[k++] = start;
    }
    *out = tok;
    *n = k;
    return 0;
}

static int parse_line(policy *p, char *line, const char **why)
{
    char **tok = NULL;
    size_t n = 0;
    int rc = 0;

    if (sr_auth__tokens(&tok, &n, line) < 0)
        return *why = "unterminated quote", -1;
    if (n == 0)
        rc = 0;
    else if (strcmp(tok[0], "user") == 0)
        rc = parse_principal(p, KIND_USER, tok, n, why);
    else if (strcmp(tok[0], "key") == 0)
        rc = parse_principal(p, KIND_KEY, tok, n, why);
    else if (strcmp(tok[0], "cert") == 0)
        rc = parse_principal(p, KIND_CERT, tok, n, why);
    else if (strcmp(tok[0], "allow") == 0)
        rc = parse_rule(p, tok, n, why);
    else
        rc = (*why = "a line starts with user, key, cert or allow", -1);
    free(tok);
    return rc;
}

static int policy_load(policy **out, const char *path, sr_err *err)
{
    FILE *f = fopen(path, "r");
    policy *p;
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    const char *why = NULL;

    if (!f)
        return sr_err_set(err, 1, "%s: cannot open the credentials file", path);
    p = sr_xcalloc(1, sizeof(*p));
    atomic_init(&p->refs, 1);
    pthread_mutex_init(&p->lock, NULL);
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        rc = parse_line(p, line, &why);
    }
    free(line);
    fclose(f);
    if (rc < 0) {
        policy_unref(p);
        return sr_err_set(err, 1, "%s:%d: %s", path, lineno, why);
    }
    *out = p;
    return 0;
}

int sr_auth_open(sr_auth **out, const char *path, sr_err *err)
{
    sr_auth *a;
    policy *p;

    pthread_once(&memo_once, memo_key_init);
    if (policy_load(&p, path, err) < 0)
        return -1;
    a = sr_xcalloc(1, sizeof(*a));
    a->path = sr_xstrdup(path);
    pthread_mutex_init(&a->lock, NULL);
    a->cur = p;
    *out = a;
    return 0;
}

int sr_auth_reload(sr_auth *a, sr_err *err)
{
    policy *p, *old;

    if (policy_load(&p, a->path, err) < 0)
        return -1;
    pthread_mutex_lock(&a->lock);
    old = a->cur;
    a->cur = p;
    pthread_mutex_unlock(&a->lock);
    policy_unref(old);
    return 0;
}

void sr_auth_close(sr_auth *a)
{
    if (!a)
        return;
    policy_unref(a->cur);
    pthread_mutex_destroy(&a->lock);
    free(a->path);
    free(a);
}

/* ---- logins ---- */

static int equal_ct(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;

    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}

static const principal *find(const policy *p, kind k, const char *name)
{
    for (size_t i = 0; i < p->nps; i++)
        if (p->ps[i].kind == k && strcmp(p->ps[i].name, name) == 0)
            return &p->ps[i];
    return NULL;
}

static int password_ok(policy *p, principal *pr, const char *password)
{
    struct crypt_data *cd;
    struct hmac_sha256_ctx h;
    uint8_t memo[SHA256_DIGEST_SIZE];
    const char *out;
    int ok, hit;

    hmac_sha256_set_key(&h, sizeof(memo_key), memo_key);
    hmac_sha256_update(&h, strlen(password), (const uint8_t *)password);
    hmac_sha256_digest(&h, sizeof(memo), memo);
    if (pr) {
        pthread_mutex_lock(&p->lock);
        hit = pr->seen_set && equal_ct(pr->seen, memo, sizeof(memo));
        pthread_mutex_unlock(&p->lock);
        if (hit)
            return 1;
    }
    cd = sr_xcalloc(1, sizeof(*cd));
    out = crypt_rn(password, pr ? pr->secret : dummy_hash, cd, sizeof(*cd));
    ok = pr && out && out[0] != '*' && strlen(out) == strlen(pr->secret) &&
         equal_ct(out, pr->secret, strlen(out));
    free(cd);
    if (ok) {
        pthread_mutex_lock(&p->lock);
        memcpy(pr->seen, memo, sizeof(memo));
        pr->seen_set = 1;
        pthread_mutex_unlock(&p->lock);
    }
    return ok;
}

/* "Basic base64(user:password)" */
static const principal *basic(policy *p, const char *b64)
{
    struct base64_decode_ctx ctx;
    size_t len = strlen(b64), out_len = BASE64_DECODE_LENGTH(len);
    char *text = sr_xmalloc(out_len + 1), *colon;
    const principal *pr = NULL;

    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &out_len, (uint8_t *)text, len, b64) ||
        !base64_decode_final(&ctx)) {
        free(text);
        return NULL;
    }
    text[out_len] = '\0';
    colon = strchr(text, ':');
    if (colon && strlen(text) == out_len) {
        *colon = '\0';
        pr = find(p, KIND_USER, text);
        if (!password_ok(p, (principal *)pr, colon + 1))
            pr = NULL;
    }
    explicit_bzero(text, out_len);
    free(text);
    return pr;
}

/* "Bearer <token>": every key is compared, in constant time. */
static const principal *bearer(policy *p, const char *token)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    const principal *found = NULL;

    sha256_init(&h);
    sha256_update(&h, strlen(token), (const uint8_t *)token);
    sha256_digest(&h, sizeof(d), d);
    for (size_t i = 0; i < p->nps; i++)
        if (p->ps[i].kind == KIND_KEY && equal_ct(p->ps[i].secret, d, sizeof(d)))
            found = &p->ps[i];
    return found;
}

int sr_auth_login(sr_caller **out, sr_auth *a, const char *authorization, const char *cert_dn)
{
    const principal *who = NULL;
    policy *p;

    if ((!authorization || !*authorization) && !cert_dn)
        return 1;
    pthread_mutex_lock(&a->lock);
    p = a->cur;
    atomic_fetch_add(&p->refs, 1);
    pthread_mutex_unlock(&a->lock);
    if (authorization && *authorization) {
        const char *sp = strchr(authorization, ' ');
        const char *cred = sp ? sp + strspn(sp, " ") : "";
        if (sp && (size_t)(sp - authorization) == 5 && strncasecmp(authorization, "Basic", 5) == 0)
            who = basic(p, cred);
        else if (sp && (size_t)(sp - authorization) == 6 &&
                 strncasecmp(authorization, "Bearer", 6) == 0)
            who = bearer(p, cred);
    } else {
        who = find(p, KIND_CERT, cert_dn);
    }
    if (!who) {
        policy_unref(p);
        return -1;
    }
    *out = sr_xmalloc(sizeof(**out));
    (*out)->p = p;
    (*out)->who = who;
    return 0;
}

void sr_caller_release(sr_caller *c)
{
    if (!c)
        return;
    policy_unref(c->p);
    free(c);
}

const char *sr_caller_name(const sr_caller *c)
{
    return c ? c->who->name : "";
}

static int applies(const rule *r, const principal *who)
{
    if (!r->is_group)
        return strcmp(r->who, "*") == 0 || strcmp(r->who, who->name) == 0;
    for (char **g = who->groups; *g; g++)
        if (strcmp(*g, r->who) == 0)
            return 1;
    return 0;
}

int sr_caller_may(const sr_caller *c, int right, const char *subject)
{
    const policy *p = c->p;

    if ((c->who->rights & right) == right)
        return 1;
    for (size_t i = 0; i < p->nrules; i++) {
        const rule *r = &p->rules[i];
        if ((r->rights & right) != right || !applies(r, c->who))
            continue;
        for (char **pat = r->patterns; *pat; pat++)
            if (subject ? fnmatch(*pat, subject, 0) == 0 : strcmp(*pat, "*") == 0)
                return 1;
    }
    return 0;
}
