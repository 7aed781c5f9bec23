/* image_int.h -- what ci/image*.c share. Not an API. */
#ifndef SR_CI_IMAGE_INT_H
#define SR_CI_IMAGE_INT_H

#include <jansson.h>

#include "ci/client.h"
#include "common/err.h"

/* The context of a subject (":.ctx:name" -> ".ctx", else "."), and a reference's subject as
 * seen from a context (references resolve relative to the referrer's). Caller frees. */
char *sr_image__context_of(const char *subject);
char *sr_image__qualify(const char *context, const char *subject);

/* A field of an object: the string ("" when absent), the integer (0). Borrowed. */
const char *sr_image__str(const json_t *o, const char *key);
int sr_image__int(const json_t *o, const char *key);

/* `prefix` + `segment` percent-encoded + `suffix` ("/subjects/" "a/b" "/versions"). Owned. */
char *sr_image__path(const char *prefix, const char *segment, const char *suffix);

/* One request: 0 with the answer (*out owned, *status), or -1 with err (code 0: unreachable). */
int sr_image__call(json_t **out, int *status, sr_client *c, const char *method, const char *path,
                   const json_t *body, sr_err *err);
/* An answer that is not what was asked for, as err (code 2) naming the request. Returns -1. */
int sr_image__refused(sr_err *err, const char *method, const char *path, int status,
                      const json_t *body);

#endif
