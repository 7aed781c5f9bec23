/* json/regex.c -- the regular expressions of JSON Schema ("pattern", "patternProperties") run as
 * POSIX extended expressions. ECMA 262's class escapes (\d \D \w \W \s \S), which POSIX lacks,
 * are rewritten as bracket expressions; what POSIX cannot express (lookaround, lazy quantifiers,
 * back-references by name) fails to compile, and the schema is refused rather than misread. */
#include "compat/json/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *class_of(char c, int in_bracket)
{
    switch (c) {
    case 'd': return in_bracket ? "0-9" : "[0-9]";
    case 'D': return in_bracket ? NULL : "[^0-9]";
    case 'w': return in_bracket ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
    case 'W': return in_bracket ? NULL : "[^A-Za-z0-9_]";
    case 's': return in_bracket ? "[:space:]" : "[[:space:]]";
    case 'S': return in_bracket ? NULL : "[^[:space:]]";
    default: return NULL;
    }
}

/* What an expression costs glibc's compiler, in units of about eight bytes of its memory: it
 * builds a few hundred bytes per atom (ATOM units), copies an atom once for '+' and n times for {n}
 * or {n,m} (m times), so that stacked and nested repetitions multiply, and it pays the square of
 * m - n for the optional copies of {n,m}. Measured on glibc 2.36: "a{1,32767}" alone takes 8 GB
 * and half a minute, "a++++++++++++++++++++" most of a gigabyte. The cost is estimated on the
 * POSIX text and charged to the caller's budget (sr_jregex_compile). A quantifier with nothing to
 * repeat is refused as well, as ECMA 262 refuses "a**" and "(*a)". */
#define ATOM 75
#define REGEX_MAX_GROUPS 100

typedef unsigned long long cost;

static cost capped(cost x, cost limit)
{
    return x > limit ? limit + 1 : x;
}

/* The quantifier at *p, advanced past: its count of copies (0 = none) and its optional span. */
static unsigned long quantifier(const char **p, unsigned long *span)
{
    const char *q = *p;
    unsigned long lo, hi;
    char *end;

    *span = 0;
    if (*q == '*' || *q == '?' || *q == '+') {
        *p = q + 1;
        return *q == '+' ? 2 : 1;
    }
    /* {n}, {n,}, {n,m}, and glibc's {,m} (which it reads as {0,m}) */
    if (*q != '{' || !(isdigit((unsigned char)q[1]) ||
                       (q[1] == ',' && isdigit((unsigned char)q[2]))))
        return 0;
    lo = hi = strtoul(q + 1, &end, 10);
    if (*end == ',' && end[1] >= '0' && end[1] <= '9')
        hi = strtoul(end + 1, &end, 10);
    else if (*end == ',')
        hi = lo + 1, end++;
    if (*end != '}')
        return 0;
    *p = end + 1;
    *span = hi > lo ? hi - lo : 0;
    return (hi > lo ? hi : lo) > 0 ? (hi > lo ? hi : lo) : 1;
}

/* Past the bracket expression that starts at p ("[a-z]", "[]x]", "[[:digit:]_]"). */
static const char *bracket_end(const char *p)
{
    p += p[1] == '^' ? 2 : 1;
    if (*p == ']')
        p++;
    while (*p && *p != ']') {
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            const char *close = strchr(p + 2, p[1]);
            if (close && close[1] == ']') {
                p = close + 2;
                continue;
            }
        }
        p++;
    }
    return *p ? p + 1 : p;
}

/* The cost of the POSIX expression `ere`, or `limit` + 1 when it is over `limit` or malformed. */
static cost regex_cost(const char *ere, cost limit)
{
    cost size[REGEX_MAX_GROUPS + 1] = {0}; /* per open group, what it holds so far */
    cost last = 0;                         /* the atom a quantifier would repeat; 0 = none */
    int depth = 0;
    const char *p = ere;

    while (*p) {
        unsigned long span, times = quantifier(&p, &span);
        if (times) {
            if (!last)
                return limit + 1; /* nothing to repeat */
            size[depth] = capped(size[depth] + capped(last * (times - 1), limit) +
                                     (cost)span * span, limit);
            last = 0;
            continue;
        }
        if (*p == '(') {
            if (++depth > REGEX_MAX_GROUPS)
                return limit + 1;
            size[depth] = last = 0;
        } else if (*p == ')') {
            if (depth == 0)
                return limit + 1;
            last = size[depth--] + 1;
            size[depth] = capped(size[depth] + last, limit);
        } else if (*p == '|') {
            last = 0;
        } else {
            last = ATOM;
            size[depth] = capped(size[depth] + ATOM, limit);
        }
        if (*p == '\\' && p[1])
            p += 2;
        else if (*p == '[')
            p = bracket_end(p);
        else
            p++;
        if (size[depth] > limit)
            return limit + 1;
    }
    return depth ? limit + 1 : size[0];
}

int sr_jregex_compile(regex_t *re, const char *pattern, unsigned long long *budget)
{
    sr_buf b = SR_BUF_INIT;
    int in_bracket = 0, rc;
    cost price;

    for (const char *p = pattern; *p; p++) {
        if (*p == '\\' && p[1]) {
            const char *cls = class_of(p[1], in_bracket);
            if (cls) {
                sr_buf_puts(&b, cls);
            } else if (in_bracket) {
                if (p[1] == ']' || p[1] == '\\' || p[1] == '-' || p[1] == '^') {
                    /* a literal inside brackets: POSIX has no escapes there */
                    sr_buf_putc(&b, p[1] == ']' ? ']' : p[1]);
                } else if (p[1] == 'n') {
                    sr_buf_putc(&b, '\n');
                } else if (p[1] == 't') {
                    sr_buf_putc(&b, '\t');
                } else {
                    sr_buf_putc(&b, p[1]);
                }
            } else if (p[1] == 'n') {
                sr_buf_putc(&b, '\n');
            } else if (p[1] == 't') {
                sr_buf_putc(&b, '\t');
            } else if (p[1] == '/') {
                sr_buf_putc(&b, '/');
            } else if (strchr("DWS", p[1])) {
                sr_buf_dispose(&b);
                return -1; /* a negated class inside brackets */
            } else {
                sr_buf_putc(&b, '\\');
                sr_buf_putc(&b, p[1]);
            }
            p++;
            continue;
        }
        if (!in_bracket && *p == '[') {
            in_bracket = 1;
            sr_buf_putc(&b, '[');
            if (p[1] == '^') {
                sr_buf_putc(&b, '^');
                p++;
            }
            if (p[1] == ']') { /* a leading ']' is literal */
                sr_buf_putc(&b, ']');
                p++;
            }
            continue;
        }
        if (in_bracket && *p == ']')
            in_bracket = 0;
        if (!in_bracket && *p == '(' && p[1] == '?') {
            if (p[2] == ':') { /* a non-capturing group is a group */
                sr_buf_putc(&b, '(');
                p += 2;
                continue;
            }
            sr_buf_dispose(&b);
            return -1;
        }
        if (!in_bracket && (*p == '*' || *p == '+' || *p == '?' || *p == '}') && p[1] == '?') {
            sr_buf_dispose(&b);
            return -1; /* lazy quantifiers */
        }
        sr_buf_putc(&b, *p);
    }
    price = regex_cost(b.ptr, *budget);
    if (price > *budget) {
        sr_buf_dispose(&b);
        return -1;
    }
    *budget -= price;
    rc = regcomp(re, b.ptr, REG_EXTENDED | REG_NOSUB);
    sr_buf_dispose(&b);
    return rc == 0 ? 0 : -1;
}

int sr_jregex_search(const regex_t *re, const char *s, size_t len)
{
    if (memchr(s, '\0', len))
        return 0;
    return regexec(re, s, 0, NULL, 0) == 0;
}
