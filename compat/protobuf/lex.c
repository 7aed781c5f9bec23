/* protobuf/lex.c -- the .proto tokenizer, following protoc's (io/tokenizer.cc): identifiers,
 * numbers (decimal, hex, octal, floats), strings with C escapes (adjacent strings are joined by
 * the parser), symbols; // and block comments skipped. Every token carries its line and column;
 * errors carry the position protoc reports. Bytes outside strings and comments that protoc
 * refuses (non-ASCII, control characters) are errors here too; inside strings and comments any
 * byte is kept. Character classes are protoc's, not the C locale's. */
#include "compat/protobuf/lex.h"
#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pl_init(pl_lexer *lx, const char *src)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = lx->p = src;
    lx->line = lx->col = 1;
    pl_next(lx);
}

void pl_dispose(pl_lexer *lx)
{
    free(lx->tok.text);
    lx->tok.text = NULL;
}

static void advance(pl_lexer *lx)
{
    if (*lx->p == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (*lx->p == '\t') {
        lx->col += 8 - (lx->col - 1) % 8; /* protoc counts tabs to the next multiple of 8 */
    } else {
        lx->col++;
    }
    lx->p++;
}

/* Fail here, at the tokenizer's current position. */
static void error(pl_lexer *lx, const char *msg)
{
    lx->tok.kind = PL_ERROR;
    lx->err = msg;
    lx->err_arg = -1;
    lx->err_line = lx->line;
    lx->err_col = lx->col;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int skip_space_and_comments(pl_lexer *lx)
{
    for (;;) {
        while (is_space((unsigned char)*lx->p))
            advance(lx);
        if (lx->p[0] == '/' && lx->p[1] == '/') {
            while (*lx->p && *lx->p != '\n')
                advance(lx);
        } else if (lx->p[0] == '/' && lx->p[1] == '*') {
            advance(lx);
            advance(lx);
            while (*lx->p && !(lx->p[0] == '*' && lx->p[1] == '/'))
                advance(lx);
            if (!*lx->p)
                return -1;
            advance(lx);
            advance(lx);
        } else {
            return 0;
        }
    }
}

static int hexval(int c)
{
    return pl_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* protoc's AppendUTF8: a code point as UTF-8 (surrogates too, as protoc writes them); beyond
 * U+10FFFF, the escape as written. */
static void put_code_point(sr_buf *b, uint32_t cp)
{
    if (cp <= 0x7f) {
        sr_buf_putc(b, (char)cp);
    } else if (cp <= 0x7ff) {
        sr_buf_putc(b, (char)(0xc0 | cp >> 6));
        sr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp <= 0xffff) {
        sr_buf_putc(b, (char)(0xe0 | cp >> 12));
        sr_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp <= 0x10ffff) {
        sr_buf_putc(b, (char)(0xf0 | cp >> 18));
        sr_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
        sr_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        sr_buf_printf(b, "\\U%08x", (unsigned)cp);
    }
}

/* `n` hex digits at p, or -1. */
static long hex_run(const char *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!pl_hex_digit((unsigned char)p[i]))
            return -1;
        v = v * 16 + hexval((unsigned char)p[i]);
    }
    return v;
}

/* \uXXXX or \UXXXXXXXX (the backslash consumed, at the 'u'): protoc joins a surrogate pair
 * written as two \u escapes into one code point. */
static int unicode_escape(pl_lexer *lx, sr_buf *b)
{
    int n = *lx->p == 'u' ? 4 : 8;
    long cp = hex_run(lx->p + 1, n);

    if (n == 8 && (cp < 0 || cp > 0x1fffff)) {
        error(lx, "Expected eight hex digits up to 10ffff for \\U escape sequence");
        return -1;
    }
    if (cp < 0) {
        error(lx, "Expected four hex digits for \\u escape sequence.");
        return -1;
    }
    for (int i = 0; i <= n; i++)
        advance(lx);
    if (cp >= 0xd800 && cp <= 0xdbff && lx->p[0] == '\\' && lx->p[1] == 'u') {
        long trail = hex_run(lx->p + 2, 4);
        if (trail >= 0xdc00 && trail <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (trail - 0xdc00);
            for (int i = 0; i < 6; i++)
                advance(lx);
        }
    }
    put_code_point(b, (uint32_t)cp);
    return 0;
}

/* A quoted string with C escapes, decoded into tok.text. */
static void lex_string(pl_lexer *lx)
{
    char quote = *lx->p;
    sr_buf b = SR_BUF_INIT;

    advance(lx);
    while (*lx->p != quote) {
        if (!*lx->p) {
            sr_buf_dispose(&b);
            error(lx, "Unexpected end of string.");
            return;
        }
        if (*lx->p == '\n') {
            sr_buf_dispose(&b);
            error(lx, "String literals cannot cross line boundaries.");
            return;
        }
        if (*lx->p != '\\') {
            sr_buf_putc(&b, *lx->p);
            advance(lx);
            continue;
        }
        advance(lx);
        switch (*lx->p) {
        case 'n': sr_buf_putc(&b, '\n'); advance(lx); break;
        case 't': sr_buf_putc(&b, '\t'); advance(lx); break;
        case 'r': sr_buf_putc(&b, '\r'); advance(lx); break;
        case 'a': sr_buf_putc(&b, '\a'); advance(lx); break;
        case 'b': sr_buf_putc(&b, '\b'); advance(lx); break;
        case 'f': sr_buf_putc(&b, '\f'); advance(lx); break;
        case 'v': sr_buf_putc(&b, '\v'); advance(lx); break;
        case '\\': case '\'': case '"': case '?':
            sr_buf_putc(&b, *lx->p);
            advance(lx);
            break;
        case 'x': case 'X': {
            int v = 0, n = 0;
            advance(lx);
            while (n < 2 && pl_hex_digit((unsigned char)*lx->p)) {
                v = v * 16 + hexval((unsigned char)*lx->p);
                advance(lx);
                n++;
            }
            if (n == 0) {
                sr_buf_dispose(&b);
                error(lx, "Expected hex digits for escape sequence.");
                return;
            }
            sr_buf_putc(&b, (char)v);
            break;
        }
        case 'u': case 'U':
            if (unicode_escape(lx, &b) < 0) {
                sr_buf_dispose(&b);
                return;
            }
            break;
        default:
            if (*lx->p >= '0' && *lx->p <= '7') {
                int v = 0, n = 0;
                while (n < 3 && *lx->p >= '0' && *lx->p <= '7') {
                    v = v * 8 + (*lx->p - '0');
                    advance(lx);
                    n++;
                }
                sr_buf_putc(&b, (char)v);
            } else {
                sr_buf_dispose(&b);
                error(lx, "Invalid escape sequence in string literal.");
                return;
            }
        }
    }
    advance(lx);
    lx->tok.kind = PL_STRING;
    lx->tok.text_len = b.len;
    lx->tok.text = sr_buf_detach(&b);
}

/* protoc's ConsumeNumber: 0x hex, 0-led octal, decimal with fraction and exponent. */
static void lex_number(pl_lexer *lx)
{
    int is_float = 0, zero = lx->p[0] == '0', dot = lx->p[0] == '.';

    if (zero && (lx->p[1] == 'x' || lx->p[1] == 'X')) {
        advance(lx);
        advance(lx);
        if (!pl_hex_digit((unsigned char)*lx->p)) {
            error(lx, "\"0x\" must be followed by hex digits.");
            return;
        }
        while (pl_hex_digit((unsigned char)*lx->p))
            advance(lx);
    } else if (zero && pl_digit((unsigned char)lx->p[1])) {
        advance(lx);
        while (*lx->p >= '0' && *lx->p <= '7')
            advance(lx);
        if (pl_digit((unsigned char)*lx->p)) {
            error(lx, "Numbers starting with leading zero must be in octal.");
            return;
        }
    } else {
        if (dot) {
            is_float = 1;
            advance(lx);
        }
        while (pl_digit((unsigned char)*lx->p))
            advance(lx);
        if (!dot && *lx->p == '.') {
            is_float = 1;
            advance(lx);
            while (pl_digit((unsigned char)*lx->p))
                advance(lx);
        }
        if (*lx->p == 'e' || *lx->p == 'E') {
            is_float = 1;
            advance(lx);
            if (*lx->p == '+' || *lx->p == '-')
                advance(lx);
            if (!pl_digit((unsigned char)*lx->p)) {
                error(lx, "\"e\" must be followed by exponent.");
                return;
            }
            while (pl_digit((unsigned char)*lx->p))
                advance(lx);
        }
    }
    if (pl_letter((unsigned char)*lx->p)) {
        error(lx, "Need space between number and identifier.");
        return;
    }
    if (*lx->p == '.') {
        error(lx, is_float ? "Already saw decimal point or exponent; can't have another one."
                           : "Hex and octal numbers must be integers.");
        return;
    }
    lx->tok.kind = is_float ? PL_FLOAT : PL_INT;
}

void pl_next(pl_lexer *lx)
{
    unsigned char c;

    free(lx->tok.text);
    memset(&lx->tok, 0, sizeof(lx->tok));
    if (skip_space_and_comments(lx) < 0) {
        error(lx, "End-of-file inside block comment.");
        return;
    }
    lx->tok.start = lx->p;
    lx->tok.line = lx->line;
    lx->tok.col = lx->col;
    c = (unsigned char)*lx->p;
    if (!c) {
        lx->tok.kind = PL_EOF;
    } else if (pl_letter(c)) {
        while (pl_letter((unsigned char)*lx->p) || pl_digit((unsigned char)*lx->p))
            advance(lx);
        lx->tok.kind = PL_IDENT;
    } else if (pl_digit(c) || (c == '.' && pl_digit((unsigned char)lx->p[1]))) {
        lex_number(lx);
    } else if (c == '"' || c == '\'') {
        lex_string(lx);
    } else if (c < 0x20) {
        error(lx, "Invalid control characters encountered in text.");
    } else if (c >= 0x80) {
        error(lx, NULL);
        lx->err_arg = c;
    } else {
        advance(lx);
        lx->tok.kind = PL_SYMBOL;
    }
    lx->tok.len = (size_t)(lx->p - lx->tok.start);
}

int pl_is(const pl_lexer *lx, char sym)
{
    return lx->tok.kind == PL_SYMBOL && lx->tok.start[0] == sym;
}

int pl_is_word(const pl_lexer *lx, const char *word)
{
    return lx->tok.kind == PL_IDENT && lx->tok.len == strlen(word) &&
           memcmp(lx->tok.start, word, lx->tok.len) == 0;
}
