/* embedded.h -- files embedded in the binary at build time by scripts/embed_texts.sh (the
 * built-in .proto files, the JSON Schema meta-schemas): each array ends with {NULL, NULL}. */
#ifndef SR_COMMON_EMBEDDED_H
#define SR_COMMON_EMBEDDED_H

#include <string.h>

struct sr_embedded_text {
    const char *name;
    const char *text;
};

/* The text embedded under `name` in `files`, or NULL. */
static inline const char *sr_embedded_find(const struct sr_embedded_text *files, const char *name)
{
    for (const struct sr_embedded_text *f = files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->text;
    return NULL;
}

#endif
