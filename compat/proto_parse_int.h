/* proto_parse_int.h -- state shared by the .proto parser's files (internal to compat/). */
#ifndef SR_COMPAT_PROTO_PARSE_INT_H
#define SR_COMPAT_PROTO_PARSE_INT_H

#include "compat/proto_lex.h"
#include "compat/proto_parse.h"

typedef Google__Protobuf__FileDescriptorProto pp_file;
typedef Google__Protobuf__DescriptorProto pp_msg;
typedef Google__Protobuf__FieldDescriptorProto pp_field;
typedef Google__Protobuf__EnumDescriptorProto pp_enum;

/* A name written in the source that must be resolved once every file is known. */
typedef struct pp_pending {
    char **slot;       /* the descriptor string to rewrite as ".full.Name" */
    pp_field *field;   /* the field whose type is set from what the name turns out to be */
    char *scope;       /* owned: ".pkg.Outer" where the name was written ("" at top level) */
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
    char *scope;                             /* owned: where it was written */
    pp_optval value;                         /* owned */
} pp_custom;

/* Where an element of the descriptor was written. */
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
    pp_file *fd;
    pp_pending *pending; /* owned */
    size_t npending;
    pp_mark *marks;      /* owned: positions of messages, fields, enums, values, services... */
    size_t nmarks;
    int marks_sorted;
    pp_custom *custom;   /* owned: custom options to interpret */
    size_t ncustom;
    const char *scope;   /* borrowed: the scope being parsed (".pkg.Msg") */
} pp_parser;

/* Interpret the file's custom options (proto_options.c); `lookup` finds extensions and
 * messages by fully-qualified name across the file set. */
typedef const void *(*pp_lookup_fn)(void *ctx, const char *name, const char *scope, int *kind);
int sr_proto__interpret_options(pp_parser *p, pp_lookup_fn lookup, void *ctx);
enum { PP_SYM_MESSAGE = 1, PP_SYM_ENUM = 2, PP_SYM_EXTENSION = 3 };

/* The position an element was written at: 0, or -1 when unknown (then line = col = 1). */
int sr_proto__position(pp_parser *p, const void *elem, int *line, int *col);
/* Build the file's SourceCodeInfo from the recorded positions. */
void sr_proto__source_info(pp_parser *p);

/* Parse one file's text into a descriptor (types not yet resolved). */
int sr_proto__parse_file(pp_parser *p, const char *path, const char *text, sr_err *err);
void sr_proto__parser_dispose(pp_parser *p);
/* Fail at the current token (or a given position) with "<path>:<line>:<col>: <msg>". */
int sr_proto__fail_at(pp_parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append `item` to a protobuf-c repeated field (array + count). */
#define PP_APPEND(arr, n, item)                                                                    \
    do {                                                                                           \
        (arr) = sr_xrealloc((arr), ((n) + 1) * sizeof(*(arr)));                                    \
        (arr)[(n)++] = (item);                                                                     \
    } while (0)

/* The built-in well-known files: the text of `path`, or NULL. */
const char *sr_proto__builtin(const char *path);

#endif
