/* schema_body.h -- a RegisterRequest body (register, lookup, compatibility) parsed for the
 * registry. */
#ifndef SR_SERVER_SCHEMA_BODY_H
#define SR_SERVER_SCHEMA_BODY_H

#include "server/http.h"

typedef struct sr_schema_body {
    sr_schema_req req;   /* points into the fields below */
    json_t *json;        /* owned: the parsed body */
    sr_ref *refs;        /* owned array */
    char *schema_text;   /* owned: a coerced non-string schema */
    char *metadata;      /* owned: metadata as compact JSON */
    char *ruleset;       /* owned: ruleSet as compact JSON */
} sr_schema_body;

/* Parse the request body (and ?normalize). 0, or -1 with the error reply written to resp. */
int sr_schema_body_parse(sr_schema_body *b, const sr_req *req, sr_resp *resp);
void sr_schema_body_dispose(sr_schema_body *b);

#endif
