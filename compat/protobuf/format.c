/* protobuf/format.c -- the Protobuf module behind compat.h: sr_protobuf_ops.
 *
 * A schema is .proto text, or (as Confluent's JavaScript and Python serializers send it) a base64
 * FileDescriptorProto, which is turned into text first. Its imports come from the references
 * (name = import path) or the built-in well-known files. The canonical text is proto_print's;
 * `format=serialized` gives the base64 FileDescriptorProto back. */
#include "compat/format.h"
#include "compat/protobuf/protobuf.h"
#include "compat/protobuf/lex.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <nettle/base64.h>
#include <stdlib.h>
#include <string.h>

/* The name the main file gets in descriptors (imports keep their own paths). */
#define MAIN_FILE "schema.proto"

/* The bytes of `text` when it is base64 (nothing but base64 characters, at least 4, decoding
 * cleanly), as a serialized FileDescriptorProto arrives; NULL when it is not. Caller frees the
 * result. */
static uint8_t *from_base64(size_t *len_out, const char *text)
{
    struct base64_decode_ctx ctx;
    size_t len = strlen(text), out_len;
    uint8_t *bin;

    if (len < 4)
        return NULL;
    for (size_t i = 0; i < len; i++) /* .proto text always has spaces, braces or semicolons */
        if (!isalnum((unsigned char)text[i]) && text[i] != '+' && text[i] != '/' &&
            text[i] != '=')
            return NULL;
    out_len = BASE64_DECODE_LENGTH(len);
    bin = sr_xmalloc(out_len + 1);
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &out_len, bin, len, text) || !base64_decode_final(&ctx)) {
        free(bin);
        return NULL;
    }
    *len_out = out_len;
    return bin;
}

/* 1 when an import path can stand in a quoted import statement as it is. */
static int plain_path(const char *path)
{
    for (const char *c = path; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-/", *c))
            return 0;
    return *path != '\0';
}

/* The imports of a descriptor a client sent, parsed as a set: a file that only imports them.
 * 1 (no set) when an import path is not a plain path. */
static int imports_of(sr_proto_fileset **out, const Google__Protobuf__FileDescriptorProto *fd,
                      const sr_dep *deps, size_t ndeps, const sr_parse_limits *limits,
                      sr_err *err)
{
    sr_buf b = SR_BUF_INIT;
    int rc;

    sr_buf_puts(&b, "syntax = \"proto3\";\n");
    for (size_t i = 0; i < fd->n_dependency; i++) {
        if (!plain_path(fd->dependency[i])) {
            sr_buf_dispose(&b);
            return 1;
        }
        sr_buf_printf(&b, "import \"%s\";\n", fd->dependency[i]);
    }
    rc = sr_proto_parse_limited(out, "", b.ptr, deps, ndeps, limits, err);
    sr_buf_dispose(&b);
    return rc;
}

/* A descriptor sent as base64 (Confluent's JavaScript and Python serializers send them) as .proto
 * text, its custom options named from its imports' definitions so that they are kept. NULL with
 * err when it cannot be read back. */
static char *descriptor_text(const Google__Protobuf__FileDescriptorProto *fd, const sr_dep *deps,
                             size_t ndeps, const sr_parse_limits *limits, sr_err *err)
{
    sr_proto_fileset *imports = NULL, context;
    char *text = NULL;
    int rc = imports_of(&imports, fd, deps, ndeps, limits, err);

    if (rc < 0)
        return NULL; /* an import that cannot be had: the parse of the text would say the same */
    if (rc == 1)
        return sr_proto_print_limited(fd, 0, limits->max_depth); /* the parse will refuse it */
    context = *imports;
    context.files = sr_xcalloc(imports->nfiles, sizeof(*context.files));
    memcpy(context.files, imports->files, imports->nfiles * sizeof(*context.files));
    context.files[imports->nfiles - 1] = (Google__Protobuf__FileDescriptorProto *)fd; /* itself */
    text = sr_proto_print_in(fd, &context, 0, limits->max_depth);
    free(context.files);
    sr_proto_fileset_free(imports);
    if (!text)
        sr_err_set(err, 42201, "Invalid schema of type PROTOBUF, details: the descriptor names an "
                   "element with something that is not an identifier, or nests deeper than %d "
                   "levels (the nesting limit).", limits->max_depth);
    return text;
}

static int pb_parse(void **out, char **canonical_out, const char *text, const sr_dep *deps,
                    size_t ndeps, unsigned flags,
                    const sr_parse_limits *limits, sr_err *err)
{
    Google__Protobuf__FileDescriptorProto *fd = NULL;
    sr_dep *pdeps = NULL;
    sr_proto_fileset *fs = NULL;
    char *converted = NULL, *canonical;
    uint8_t *bin;
    size_t n = 0, bin_len = 0;
    int rc;

    /* A descriptor sent as base64 is read back as .proto text: first bounded, since protobuf-c
     * unpacks nested messages recursively, then printed (NULL when it names elements with
     * something that is not an identifier, or nests deeper than the limit). */
    bin = from_base64(&bin_len, text);
    if (bin && sr_proto_descriptor_too_deep(bin, bin_len, limits->max_depth)) {
        free(bin);
        return sr_err_set(err, 42201, "Invalid schema of type PROTOBUF, details: the descriptor "
                          "nests deeper than %d levels (the nesting limit).", limits->max_depth);
    }
    pdeps = sr_xcalloc(ndeps + 1, sizeof(*pdeps));
    for (size_t i = 0; i < ndeps; i++) /* only protobuf references are importable files */
        if (deps[i].type == SR_TYPE_PROTOBUF)
            pdeps[n++] = deps[i];
    if (bin) {
        fd = google__protobuf__file_descriptor_proto__unpack(NULL, bin_len, bin);
        free(bin);
    }
    if (fd) {
        converted = descriptor_text(fd, pdeps, n, limits, err);
        google__protobuf__file_descriptor_proto__free_unpacked(fd, NULL);
        if (!converted) {
            free(pdeps);
            return -1;
        }
        text = converted;
    }
    rc = sr_proto_parse_limited(&fs, MAIN_FILE, text, pdeps, n, limits, err);
    free(pdeps);
    free(converted);
    if (rc < 0)
        return -1;
    canonical = sr_proto_print_set(fs, flags & SR_PARSE_NORMALIZE ? SR_PROTO_PRINT_NORMALIZE : 0);
    if (!canonical) { /* not for a set the parser built: it bounds nesting by the same limit */
        sr_proto_fileset_free(fs);
        return sr_err_set(err, 42201, "Invalid schema of type PROTOBUF, details: the schema nests "
                          "deeper than %d levels (the nesting limit).", limits->max_depth);
    }
    *canonical_out = canonical;
    *out = fs;
    return 0;
}

static void pb_free(void *model)
{
    sr_proto_fileset_free(model);
}

static int pb_render(char **out, const void *model, const char *format, sr_err *err)
{
    const sr_proto_fileset *fs = model;
    Google__Protobuf__FileDescriptorProto *fd =
        (Google__Protobuf__FileDescriptorProto *)sr_proto_fileset_main(fs);
    (void)err;

    if (strcmp(format, "ignore_extensions") == 0) {
        *out = sr_proto_print_set(fs, SR_PROTO_PRINT_NO_EXTENSIONS);
        return 0;
    }
    if (strcmp(format, "serialized") == 0) {
        Google__Protobuf__SourceCodeInfo *info = fd->source_code_info;
        size_t len;
        uint8_t *bin;
        char *b64;
        fd->source_code_info = NULL; /* clients get the descriptor without source positions */
        len = protobuf_c_message_get_packed_size(&fd->base);
        bin = sr_xmalloc(len + 1);
        protobuf_c_message_pack(&fd->base, bin);
        fd->source_code_info = info;
        b64 = sr_xmalloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
        base64_encode_raw(b64, len, bin);
        b64[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
        free(bin);
        *out = b64;
        return 0;
    }
    return 1;
}

/* reader = the update, writer = the original (compatibility-rules.md §3). */
static int pb_read_compat(sr_fmt_findings *out, const void *reader, const void *writer,
                          sr_err *err)
{
    sr_proto_diffs d = {0};
    int rc = 0;

    if (sr_proto_diff_compare(&d, writer, reader) < 0) {
        rc = sr_err_set(err, 42201, "The schemas nest deeper than %d levels; their "
                        "compatibility cannot be checked", SR_COMPAT_MAX_DEPTH);
        goto out;
    }
    for (size_t i = 0; i < d.n; i++) {
        const sr_proto_where *w = &d.where[i];
        if (sr_proto_diff_is_compatible(d.v[i].type))
            continue;
        sr_fmt_findings_push(out, (sr_fmt_finding){d.v[i].type, sr_xstrdup(d.v[i].path),
                                                   sr_proto_diff_message(&d.v[i]), NULL,
                                                   {w->update.line, w->update.column},
                                                   {w->original.line, w->original.column}});
    }
out:
    sr_proto_diffs_dispose(&d);
    return rc;
}

/* The import statements of a .proto text, read with the lexer (so that comments and strings
 * are not mistaken for them): `import ["public"|"weak"] "path";` at the top level, where a
 * statement starts. */
static int pb_imports(sr_strlist *out, const char *text, sr_err *err)
{
    pl_lexer lx;
    int depth = 0, at_start = 1, rc = 0;

    pl_init(&lx, text); /* at the first token */
    while (lx.tok.kind != PL_EOF) {
        if (lx.tok.kind == PL_ERROR) {
            rc = sr_err_set(err, 42201, "Invalid schema of type PROTOBUF, details: %d:%d: %s",
                            lx.tok.line, lx.tok.col, lx.err);
            break;
        }
        if (depth == 0 && at_start && pl_is_word(&lx, "import")) {
            pl_next(&lx);
            if (pl_is_word(&lx, "public") || pl_is_word(&lx, "weak"))
                pl_next(&lx);
            if (lx.tok.kind == PL_STRING) {
                sr_buf path = SR_BUF_INIT;
                for (; lx.tok.kind == PL_STRING; pl_next(&lx)) /* adjacent strings join */
                    sr_buf_put(&path, lx.tok.text, lx.tok.text_len);
                sr_strlist_take(out, sr_buf_detach(&path));
            }
            at_start = 0;
            continue;
        }
        if (pl_is(&lx, '{'))
            depth++;
        else if (pl_is(&lx, '}') && depth > 0)
            depth--;
        at_start = pl_is(&lx, ';') || pl_is(&lx, '{') || pl_is(&lx, '}');
        pl_next(&lx);
    }
    pl_dispose(&lx);
    return rc;
}

/* Every message of the main file, by its fully-qualified name. */
static void pb_record_names(sr_strlist *out, const void *model)
{
    const Google__Protobuf__FileDescriptorProto *fd = sr_proto_fileset_main(model);

    for (size_t i = 0; i < fd->n_message_type; i++)
        sr_strlist_addf(out, "%s%s%s", fd->package ? fd->package : "", fd->package ? "." : "",
                        fd->message_type[i]->name);
}

/* The first message's fields: what Confluent takes as the record of a .proto file. */
static void pb_field_names(sr_strlist *out, const void *model)
{
    const Google__Protobuf__FileDescriptorProto *fd = sr_proto_fileset_main(model);

    if (fd->n_message_type)
        for (size_t i = 0; i < fd->message_type[0]->n_field; i++)
            sr_strlist_add(out, fd->message_type[0]->field[i]->name);
}

static int pb_validate_json(sr_violations *out, const void *model, const char *doc,
                            const char *message_name, int max_depth, sr_err *err)
{
    return sr_proto_validate_json(out, model, doc, message_name, max_depth, err);
}

const sr_format_ops sr_protobuf_ops = {
    .name = "PROTOBUF",
    .parse = pb_parse,
    .free = pb_free,
    .render = pb_render,
    .read_compat = pb_read_compat,
    .field_names = pb_field_names,
    .message_positions = 1,
    .imports = pb_imports,
    .record_names = pb_record_names,
    .validate_json = pb_validate_json,
};
