/* json/regex.c -- the regular expressions of JSON Schema ("pattern", "patternProperties") run as
 * POSIX extended expressions. ECMA 262's class escapes (\d \D \w \W \s \S), which POSIX lacks,
 * are rewritten as bracket expressions; what POSIX cannot express (lookaround, lazy quantifiers,
 * back-references by name) fails to compile, and the schema is refused rather than misread. */
#include "compat/json/internal.h"

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

int sr_jregex_compile(regex_t *re, const char *pattern)
{
    sr_buf b = SR_BUF_INIT;
    int in_bracket = 0, rc;

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
