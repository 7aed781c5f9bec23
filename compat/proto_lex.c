/* proto_lex.c -- the .proto tokenizer: identifiers, numbers (decimal, hex, octal, floats),
 * strings with C escapes (adjacent strings are joined by the parser), symbols; // and block
 * comments skipped. Every token carries its line and column for error messages. */
#include "compat/proto_lex.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdio.h>
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

static void error(pl_lexer *lx, const char *msg)
{
    lx->tok.kind = PL_ERROR;
    snprintf(lx->err, sizeof(lx->err), "%s", msg);
}

static int skip_space_and_comments(pl_lexer *lx)
{
    for (;;) {
        while (*lx->p && isspace((unsigned char)*lx->p))
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
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* A quoted string with C escapes, decoded into tok.text. */
static void lex_string(pl_lexer *lx)
{
    char quote = *lx->p;
    sr_buf b = SR_BUF_INIT;

    advance(lx);
    while (*lx->p != quote) {
        if (!*lx->p || *lx->p == '\n') {
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
            while (n < 2 && isxdigit((unsigned char)*lx->p)) {
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

static void lex_number(pl_lexer *lx)
{
    int is_float = 0;

    if (lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X')) {
        advance(lx);
        advance(lx);
        while (isxdigit((unsigned char)*lx->p))
            advance(lx);
    } else {
        while (isdigit((unsigned char)*lx->p))
            advance(lx);
        if (*lx->p == '.') {
            is_float = 1;
            advance(lx);
            while (isdigit((unsigned char)*lx->p))
                advance(lx);
        }
        if (*lx->p == 'e' || *lx->p == 'E') {
            is_float = 1;
            advance(lx);
            if (*lx->p == '+' || *lx->p == '-')
                advance(lx);
            while (isdigit((unsigned char)*lx->p))
                advance(lx);
        }
        if (*lx->p == 'f' || *lx->p == 'F') {
            is_float = 1;
            advance(lx);
        }
    }
    if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
        error(lx, "Need space between number and identifier.");
        return;
    }
    lx->tok.kind = is_float ? PL_FLOAT : PL_INT;
}

void pl_next(pl_lexer *lx)
{
    free(lx->tok.text);
    memset(&lx->tok, 0, sizeof(lx->tok));
    if (skip_space_and_comments(lx) < 0) {
        error(lx, "End-of-file inside block comment.");
        return;
    }
    lx->tok.start = lx->p;
    lx->tok.line = lx->line;
    lx->tok.col = lx->col;
    if (!*lx->p) {
        lx->tok.kind = PL_EOF;
    } else if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
        while (isalnum((unsigned char)*lx->p) || *lx->p == '_')
            advance(lx);
        lx->tok.kind = PL_IDENT;
    } else if (isdigit((unsigned char)*lx->p) ||
               (*lx->p == '.' && isdigit((unsigned char)lx->p[1]))) {
        lex_number(lx);
    } else if (*lx->p == '"' || *lx->p == '\'') {
        lex_string(lx);
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
