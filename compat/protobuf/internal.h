/* internal.h -- state shared by the .proto parser's files (internal to compat/protobuf/). */
#ifndef SR_COMPAT_PROTOBUF_INTERNAL_H
#define SR_COMPAT_PROTOBUF_INTERNAL_H

#include "common/buf.h"
#include "compat/protobuf/lex.h"
#include "compat/protobuf/map.h"
#include "compat/protobuf/protobuf.h"

typedef Google__Protobuf__FileDescriptorProto pp_file;
typedef Google__Protobuf__DescriptorProto pp_msg;
typedef Google__Protobuf__FieldDescriptorProto pp_field;
typedef Google__Protobuf__EnumDescriptorProto pp_enum;
typedef Google__Protobuf__EnumValueDescriptorProto pp_value;

#define PP_FIELD_MAX 536870911 /* the largest field number */

/* A name written in the source that must be resolved once every file is known. */
typedef struct pp_pending {
    char **slot;       /* the descriptor string to rewrite as ".full.Name" */
    pp_field *field;   /* the field whose type is set from what the name turns out to be */
    const pp_msg *scope; /* the message it was written in; NULL at file level */
    int message_only;  /* it must name a message: an `extend` target or a method's type */
    int line, col;
} pp_pending;

/* An option value as written: identifier, number (with sign), string, or aggregate text. */
typedef struct pp_optval {
    pl_kind kind;     /* PL_IDENT, PL_INT, PL_FLOAT, PL_STRING, or PL_SYMBOL for an aggregate */
    char *text;       /* owned: the token text (strings: decoded; aggregates: "{...}") */
    size_t len;
    int negative;
    int line, col;
} pp_optval;

/* A custom option ("(my.ext).sub = value"), interpreted once every file is known. */
typedef struct pp_custom {
    ProtobufCMessage **slot;                 /* the *Options message to extend (may be NULL) */
    const ProtobufCMessageDescriptor *desc;  /* its type */
    char *ext;                               /* owned: "my.ext" as written */
    char *sub;                               /* owned: "a.b" after the parenthesis, or NULL */
    const pp_msg *scope;                     /* where it was written; NULL at file level */
    pp_optval value;                         /* owned */
} pp_custom;

/* Where an element of the descriptor was written. Elements are keyed by address: a message,
 * field, enum, value, oneof, service, method or range itself (its first token), or one of its
 * members (&field->name, &field->number, &field->default_value...) for the token that sets it. */
typedef struct pp_mark {
    const void *elem;
    int line, col;
} pp_mark;

typedef struct pp_parser {
    pl_lexer lx;
    const char *path;    /* the file's import path, for messages */
    sr_err *err;
    int failed;
    int proto3;
    int editions;        /* edition = "2023" */
    int max_depth;       /* sr_parse_limits.max_depth */
    int depth;           /* messages open around the current token */
    pp_file *fd;
    pp_pending *pending; /* owned */
    size_t npending;
    pp_mark *marks;      /* owned: positions of messages, fields, enums, values, services... */
    size_t nmarks;
    int marks_sorted;
    pp_custom *custom;   /* owned: custom options to interpret */
    size_t ncustom;
    const pp_msg *scope; /* borrowed: the message being parsed; NULL at file level */
} pp_parser;

/* Interpret the file's custom options (options.c). `lookup` finds messages, enums and
 * extensions by name as protoc does, from `scope` (a message, or NULL for the file's package);
 * `field` finds a field of a message by name, `value` a value of an enum by name. */
typedef struct pp_lookup {
    const void *(*symbol)(void *ctx, const char *name, const pp_msg *scope, int *kind);
    const pp_field *(*field)(void *ctx, const pp_msg *m, const char *name, size_t len);
    const pp_value *(*value)(void *ctx, const pp_enum *e, const char *name, size_t len);
    void *ctx;
} pp_lookup;
int sr_proto__interpret_options(pp_parser *p, const pp_lookup *lookup);
enum { PP_SYM_MESSAGE = 1, PP_SYM_ENUM = 2, PP_SYM_EXTENSION = 3 };

/* The position an element was written at: 0, or -1 when unknown (then line = col = 1). */
int sr_proto__position(pp_parser *p, const void *elem, int *line, int *col);
/* Build the file's SourceCodeInfo from the recorded positions. */
void sr_proto__source_info(pp_parser *p);

/* Parse one file's text into a descriptor (types not yet resolved). */
int sr_proto__parse_file(pp_parser *p, const char *path, const char *text, int max_depth,
                         sr_err *err);
void sr_proto__parser_dispose(pp_parser *p);
/* Fail at a given position with "<path>:<line>:<col>: <msg>" (the whole message valid UTF-8,
 * cut on a character boundary to fit sr_err). */
int sr_proto__fail_at(pp_parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Set `err` to 42201 with `msg` made valid UTF-8 and cut to fit. Returns -1. */
int sr_proto__err_set(sr_err *err, const char *msg, size_t len);

/* `s` (len bytes) between double quotes, as .proto text that reads back to the same bytes and is
 * valid UTF-8: valid UTF-8 as it is, quotes, backslashes and control characters escaped, and
 * bytes that are not UTF-8 as octal escapes (as protoc's text printer writes them). */
void sr_proto__put_quoted(sr_buf *b, const char *s, size_t len);
/* `s` with bytes that are not UTF-8 (and, when `controls`, control characters) as octal
 * escapes, nothing else changed. */
void sr_proto__put_utf8_safe(sr_buf *b, const char *s, size_t len, int controls);

/* Grow a protobuf-c repeated field for one more item: arrays appended with PP_APPEND from empty
 * have room for the next power of two, so that n appends cost O(n). */
static inline void *pp_grow(void *arr, size_t n, size_t size)
{
    if (n & (n - 1))
        return arr; /* n is not a power of two: the array has room */
    return sr_xrealloc(arr, (n ? 2 * n : 1) * size);
}

/* Append `item` to a repeated field (array + count) that only PP_APPEND has grown. */
#define PP_APPEND(arr, n, item)                                                                    \
    do {                                                                                           \
        (arr) = pp_grow((arr), (n), sizeof(*(arr)));                                               \
        (arr)[(n)++] = (item);                                                                     \
    } while (0)

/* The built-in well-known files: the text of `path`, or NULL. */
const char *sr_proto__builtin(const char *path);

#endif
