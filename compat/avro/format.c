/* avro/format.c -- the Avro module behind compat.h: sr_avro_ops. */
#include "compat/avro/avro.h"
#include "compat/format.h"

#include <stdlib.h>
#include <string.h>

static int avro_parse(void **out, char **canonical_out, const char *text, const sr_dep *deps,
                      size_t ndeps, unsigned flags,
                      const sr_parse_limits *limits, sr_err *err)
{
    const char **texts = sr_xcalloc(ndeps + 1, sizeof(*texts));
    av_schema *s = NULL;
    size_t n = 0;
    int rc;

    for (size_t i = 0; i < ndeps; i++) /* only Avro references define Avro types */
        if (deps[i].type == SR_TYPE_AVRO)
            texts[n++] = deps[i].text;
    rc = sr_avro_parse(&s, text, texts, n, flags, limits->max_depth, err);
    free(texts);
    if (rc < 0)
        return -1;
    if (sr_avro_print(canonical_out, s,
                      flags & SR_PARSE_NORMALIZE ? AV_PRINT_NORMALIZED : AV_PRINT_CANONICAL,
                      err) < 0) {
        sr_avro_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

static void avro_free(void *model)
{
    sr_avro_free(model);
}

static int avro_render(char **out, const void *model, const char *format, sr_err *err)
{
    if (strcmp(format, "resolved") != 0)
        return 1;
    return sr_avro_print(out, model, AV_PRINT_RESOLVED, err);
}

static int avro_read_compat(sr_fmt_findings *out, const void *reader, const void *writer,
                            sr_err *err)
{
    return sr_avro_read_compat(out, reader, writer, err);
}

static void avro_record_names(sr_strlist *out, const void *model)
{
    sr_avro_record_names(out, model);
}

static void avro_field_names(sr_strlist *out, const void *model)
{
    const av_schema *s = model;

    if (s->root && s->root->kind == AV_RECORD)
        for (size_t i = 0; i < s->root->nfields; i++)
            sr_strlist_add(out, s->root->fields[i].name);
}

static int avro_validate_json(sr_violations *out, const void *model, const char *doc,
                              const char *message_name, int max_depth, sr_err *err)
{
    (void)message_name;
    return sr_avro_validate_json(out, model, doc, max_depth, err);
}

const sr_format_ops sr_avro_ops = {
    .name = "AVRO",
    .parse = avro_parse,
    .free = avro_free,
    .render = avro_render,
    .read_compat = avro_read_compat,
    .record_names = avro_record_names,
    .field_names = avro_field_names,
    .validate_json = avro_validate_json,
};
