/* jsontext.c -- JSON texts as people read them: indented one member per line, and where a JSON
 * pointer's value sits in a text (line and column). Avro and JSON Schemas are stored as compact
 * canonical text on one line, and Avro's findings name a path but no position, so the diff and
 * check pages need both. Both work on the text's tokens, never re-encoding a value: numbers and
 * strings keep their exact spelling. Linear in the text; nesting costs no stack (no recursion). */
#include "server/registry/internal.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

static void newline(sr_buf *b, int depth)
{
    sr_buf_putc(b, '\n');
    for (int i = 0; i < depth; i++)
        sr_buf_puts(b, "  ");
}

/* The length of the string token starting at s (at its opening quote), quotes included. */
static size_t string_len(const char *s)
{
    size_t i = 1;

    while (s[i] && s[i] != '"')
        i += s[i] == '\\' && s[i + 1] ? 2 : 1;
    return s[i] ? i + 1 : i;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

char *sr_registry__json_pretty(const char *text)
{
    sr_buf b = SR_BUF_INIT;
    int depth = 0;

    for (const char *s = skip_ws(text); *s; s = skip_ws(s)) {
        switch (*s) {
        case '"': {
            size_t n = string_len(s);
            sr_buf_put(&b, s, n);
            s += n;
            continue;
        }
        case '{':
        case '[': {
            const char *after = skip_ws(s + 1);
            if (*after == (*s == '{' ? '}' : ']')) { /* empty: {} and [] stay on the line */
                sr_buf_putc(&b, *s);
                sr_buf_putc(&b, *after);
                s = after + 1;
                continue;
            }
            sr_buf_putc(&b, *s);
            newline(&b, ++depth);
            break;
        }
        case '}':
        case ']':
            newline(&b, depth > 0 ? --depth : 0);
            sr_buf_putc(&b, *s);
            break;
        case ',':
            sr_buf_putc(&b, ',');
            newline(&b, depth);
            break;
        case ':':
            sr_buf_puts(&b, ": ");
            break;
        default:
            sr_buf_putc(&b, *s);
        }
        s++;
    }
    sr_buf_putc(&b, '\n');
    return sr_buf_detach(&b);
}

/* ---- locating a pointer ---- */

/* A scanner over a JSON text that counts lines and columns (in characters: UTF-8 continuation
 * bytes do not count). */
typedef struct scanner {
    const char *p;
    int line, col;
} scanner;

static void advance(scanner *sc, size_t n)
{
    for (size_t i = 0; i < n && *sc->p; i++, sc->p++) {
        if (*sc->p == '\n') {
            sc->line++;
            sc->col = 1;
        } else if (((unsigned char)*sc->p & 0xC0) != 0x80) {
            sc->col++;
        }
    }
}

static void ws(scanner *sc)
{
    advance(sc, (size_t)(skip_ws(sc->p) - sc->p));
}

/* Skip one value (nested ones included, counted rather than recursed). 0, or -1 when the text
 * ends first. */
static int skip_value(scanner *sc)
{
    long depth = 0;

    do {
        ws(sc);
        if (!*sc->p)
            return -1;
        if (*sc->p == '"') {
            advance(sc, string_len(sc->p));
        } else if (*sc->p == '{' || *sc->p == '[') {
            depth++;
            advance(sc, 1);
        } else if (*sc->p == '}' || *sc->p == ']') {
            depth--;
            advance(sc, 1);
        } else if (*sc->p == ',' || *sc->p == ':') {
            advance(sc, 1);
        } else {
            while (*sc->p && !strchr(" \t\r\n,:{}[]\"", *sc->p))
                advance(sc, 1);
        }
    } while (depth > 0);
    return 0;
}

/* The next reference token of a pointer ("/a~1b" gives "a/b"), advancing *ptr past it. */
static char *next_token(const char **ptr)
{
    const char *p = *ptr + 1, *end = p + strcspn(p, "/");
    sr_buf b = SR_BUF_INIT;

    for (const char *q = p; q < end; q++) {
        if (*q == '~' && (q[1] == '0' || q[1] == '1')) {
            sr_buf_putc(&b, q[1] == '0' ? '~' : '/');
            q++;
        } else {
            sr_buf_putc(&b, *q);
        }
    }
    *ptr = end;
    return sr_buf_detach(&b);
}

/* Does the string token at s (a member name) spell `name`? Escapes other than \" \\ \/ are
 * compared as written, which names in schemas do not use. */
static int key_is(const char *s, size_t len, const char *name)
{
    size_t i = 1, j = 0;

    for (; i + 1 < len; i++, j++) {
        char c = s[i];
        if (c == '\\' && i + 2 < len && strchr("\"\\/", s[i + 1]))
            c = s[++i];
        if (name[j] != c)
            return 0;
    }
    return name[j] == '\0';
}

/* Step into the member or element named `token` of the value at sc: 1 found (sc at its value),
 * 0 not there, -1 not JSON. */
static int step(scanner *sc, const char *token)
{
    char *end;
    long index = strtol(token, &end, 10), at = 0;
    int object;

    ws(sc);
    if (*sc->p != '{' && *sc->p != '[')
        return 0;
    object = *sc->p == '{';
    if (!object && (*token == '\0' || *end != '\0' || index < 0))
        return 0;
    advance(sc, 1);
    for (;;) {
        ws(sc);
        if (*sc->p == '}' || *sc->p == ']' || !*sc->p)
            return *sc->p ? 0 : -1;
        if (object) {
            size_t len;
            int hit;
            if (*sc->p != '"')
                return -1;
            len = string_len(sc->p);
            hit = key_is(sc->p, len, token);
            advance(sc, len);
            ws(sc);
            if (*sc->p != ':')
                return -1;
            advance(sc, 1);
            ws(sc);
            if (hit)
                return 1;
        } else if (at++ == index) {
            return 1;
        }
        if (skip_value(sc) < 0)
            return -1;
        ws(sc);
        if (*sc->p == ',')
            advance(sc, 1);
    }
}

int sr_registry__json_locate(int *line, int *column, const char *text, const char *pointer)
{
    scanner sc = {text, 1, 1};
    const char *p = pointer;

    while (*p == '/') {
        char *token = next_token(&p);
        int rc = step(&sc, token);
        free(token);
        if (rc <= 0)
            return 0;
    }
    if (*p)
        return 0; /* not a pointer */
    ws(&sc);
    if (!*sc.p)
        return 0;
    *line = sc.line;
    *column = sc.col;
    return 1;
}
