/* lex.h -- tokens of the .proto language, with line and column (internal to compat/protobuf/). */
#ifndef SR_COMPAT_PROTOBUF_LEX_H
#define SR_COMPAT_PROTOBUF_LEX_H

#include <stddef.h>

typedef enum pl_kind { PL_EOF, PL_IDENT, PL_INT, PL_FLOAT, PL_STRING, PL_SYMBOL, PL_ERROR } pl_kind;

typedef struct pl_token {
    pl_kind kind;
    const char *start; /* in the source */
    size_t len;
    int line, col;     /* 1-based */
    char *text;        /* PL_STRING: the decoded bytes (owned by the lexer); else NULL */
    size_t text_len;   /* decoded length (strings may hold NUL bytes) */
} pl_token;

typedef struct pl_lexer {
    const char *src, *p;
    int line, col;
    pl_token tok;      /* the current token */
    /* Set when tok.kind == PL_ERROR: protoc's message and where the tokenizer stopped, which is
     * where protoc points. err_arg >= 0 when the message is "Interpreting non ascii codepoint
     * <err_arg>." (err then NULL). */
    const char *err;
    int err_arg;
    int err_line, err_col;
} pl_lexer;

void pl_init(pl_lexer *lx, const char *src);
/* Advance to the next token (comments and white space skipped). */
void pl_next(pl_lexer *lx);
void pl_dispose(pl_lexer *lx);
/* Is the current token this symbol / this identifier? */
int pl_is(const pl_lexer *lx, char sym);
int pl_is_word(const pl_lexer *lx, const char *word);

/* Character classes of protoc's tokenizer, independent of the C locale. */
static inline int pl_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline int pl_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int pl_hex_digit(int c)
{
    return pl_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

#endif
