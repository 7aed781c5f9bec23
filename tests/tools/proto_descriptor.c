/* proto_descriptor.c -- print the serialized FileDescriptorProto sluice builds for a .proto file
 * (no source info), for comparison with protoc's --descriptor_set_out.
 *
 *   proto_descriptor ROOT FILE     FILE relative to ROOT; its imports are read from ROOT too
 *   proto_descriptor --reprint ROOT FILE
 *                                  the same, after a round trip through sluice's canonical
 *                                  text (parse, print, parse again): must give the same bytes
 *
 * Exit 0 with the bytes on stdout, or 1 with the parse error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/file.h"
#include "compat/protobuf/protobuf.h"

/* Every import reachable from `path`, read from ROOT, as dependencies (recursively). */
static void collect(sr_dep **deps, size_t *n, const char *root, const char *path, int depth)
{
    char *full = NULL;
    char *text;
    const char *p;

    if (depth > 64)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*deps)[i].name, path) == 0)
            return;
    if (asprintf(&full, "%s/%s", root, path) < 0)
        sr_xoom();
    text = sr_file_read(full);
    free(full);
    if (!text)
        return; /* a built-in, or missing: the parser says which */
    *deps = sr_xrealloc(*deps, (*n + 1) * sizeof(**deps));
    (*deps)[*n] = (sr_dep){sr_xstrdup(path), "", 1, SR_TYPE_PROTOBUF, text};
    (*n)++;
    for (p = text; (p = strstr(p, "import")); p++) { /* a light scan is enough to find files */
        const char *q = strchr(p, '"'), *e;
        char *dep;
        if (!q || strchr(p, ';') < q)
            continue;
        e = strchr(q + 1, '"');
        if (!e)
            break;
        dep = sr_xstrndup(q + 1, (size_t)(e - q - 1));
        collect(deps, n, root, dep, depth + 1);
        free(dep);
    }
}

int main(int argc, char **argv)
{
    sr_dep *deps = NULL;
    size_t ndeps = 0, len;
    sr_proto_fileset *fs = NULL;
    sr_err err = {0};
    uint8_t *buf;
    int rc = 1, reprint = argc == 4 && strcmp(argv[1], "--reprint") == 0;

    if (reprint) {
        argv++;
        argc--;
    }
    if (argc != 3) {
        fputs("usage: proto_descriptor [--reprint] ROOT FILE\n", stderr);
        return 2;
    }
    collect(&deps, &ndeps, argv[1], argv[2], 0);
    if (ndeps == 0) {
        fprintf(stderr, "%s/%s: cannot read\n", argv[1], argv[2]);
        return 2;
    }
    if (sr_proto_parse(&fs, argv[2], deps[0].text, deps + 1, ndeps - 1, &err) == 0 && reprint) {
        char *text = sr_proto_print_set(fs, 0);
        sr_proto_fileset_free(fs);
        fs = NULL;
        if (sr_proto_parse(&fs, argv[2], text, deps + 1, ndeps - 1, &err) < 0)
            fprintf(stderr, "the canonical text does not parse:\n%s\n", text);
        free(text);
    }
    if (!fs) {
        fprintf(stderr, "%s\n", err.msg);
    } else {
        Google__Protobuf__FileDescriptorProto *fd =
            (Google__Protobuf__FileDescriptorProto *)sr_proto_fileset_main(fs);
        Google__Protobuf__SourceCodeInfo *info = fd->source_code_info;
        fd->source_code_info = NULL; /* compared without source info */
        len = protobuf_c_message_get_packed_size(&fd->base);
        buf = sr_xmalloc(len + 1);
        protobuf_c_message_pack(&fd->base, buf);
        fwrite(buf, 1, len, stdout);
        free(buf);
        fd->source_code_info = info;
        rc = 0;
    }
    sr_proto_fileset_free(fs);
    for (size_t i = 0; i < ndeps; i++) {
        free((char *)deps[i].name);
        free((char *)deps[i].text);
    }
    free(deps);
    return rc;
}
