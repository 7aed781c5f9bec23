/* json.h -- the JSON Schema module of compat/ (one header for the rest of compat/ and its tests).
 *
 * The parts, bottom up:
 *   doc.c       JSON text -> a document (sr_jdoc): values with their line and column, numbers as
 *               written (never rounded), object keys in order with a hash index; the canonical and
 *               normalized printers.
 *   uri.c       URI references resolved against a base (RFC 3986 §5), for $id and $ref;
 *   refs.c      where each $ref of a set of documents leads ($id, anchors, other documents).
 *   regex.c, validate.c
 *               one JSON Schema validator (drafts 4, 6, 7, 2019-09, 2020-12): schemas compiled once
 *               into a graph (sr_jsv), instances checked against it with every violation named by
 *               its JSON pointer. Meta-schema validation (meta.c) and payload validation both use
 *               it.
 *   model.c     the model Confluent's diff works on (compatibility-rules.md §4.1), built from a
 *               document per draft; diff.c, Confluent's diff over it (§4.2-§4.4).
 *   schema.c    a parsed schema: all of the above, once.
 *   format.c    sr_jsonschema_ops.
 *
 * All input is hostile: every recursion is bounded by a depth limit, objects are looked up through
 * hash indexes, and the diff is memoized per pair of schema nodes with a budget of comparisons, so
 * that a schema with thousands of properties or deep $ref cycles costs near-linear time. */
#ifndef SR_COMPAT_JSON_H
#define SR_COMPAT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strlist.h"
#include "compat/compat.h"

/* ---- documents (doc.c) ---- */

typedef enum sr_jkind {
    SR_JNULL, SR_JFALSE, SR_JTRUE, SR_JNUMBER, SR_JSTRING, SR_JARRAY, SR_JOBJECT,
} sr_jkind;

typedef struct sr_jv sr_jv;

typedef struct sr_jmember {
    const char *key;  /* decoded, NUL-terminated (may hold an escaped NUL: see key_len) */
    size_t key_len;
    sr_jv *value;
} sr_jmember;

struct sr_jv {
    sr_jkind kind;
    int line, column;      /* 1-based, of the value's first character */
    size_t n;              /* string bytes, number text length, items, members */
    union {
        const char *str;   /* SR_JSTRING: decoded UTF-8, NUL-terminated */
        const char *num;   /* SR_JNUMBER: the text as written */
        sr_jv **items;     /* SR_JARRAY */
        sr_jmember *members; /* SR_JOBJECT, in input order */
    } u;
    uint32_t *index;       /* SR_JOBJECT with many members: open-addressed member positions + 1 */
    size_t index_cap;
    uint64_t seed;         /* the document's hash seed, for index lookups */
};

/* A parsed document: its root and the memory of every value in it. */
typedef struct sr_jdoc sr_jdoc;

/* Parse `text` (`len` bytes) into *out (caller frees with sr_jdoc_free). Values nesting deeper
 * than `max_depth` are refused; so are duplicate keys in an object (the schema would mean two
 * things), text that is not UTF-8, and anything after the value. Returns 0, or -1 with err
 * (42201) saying "line L, column C: what". */
int sr_jdoc_parse(sr_jdoc **out, const char *text, size_t len, int max_depth, sr_err *err);
void sr_jdoc_free(sr_jdoc *d);
sr_jv *sr_jdoc_root(const sr_jdoc *d);
/* 1 when `v` is a value of document `d`. */
int sr_jdoc_owns(const sr_jdoc *d, const sr_jv *v);

/* The member `key` of object `o` (NULL when absent or `o` is not an object). Constant time. */
sr_jv *sr_jobj_get(const sr_jv *o, const char *key);
sr_jv *sr_jobj_getn(const sr_jv *o, const char *key, size_t key_len);
/* The number's value as a double (its text through strtod). */
double sr_jnum(const sr_jv *v);
/* 1 when the number is an integer value (no fraction once its exponent is applied). */
int sr_jnum_is_integer(const sr_jv *v);
/* Compare two numbers exactly as decimals: <0, 0, >0. */
int sr_jnum_cmp(const sr_jv *a, const sr_jv *b);
/* 1 when `a` and `b` are the same JSON value (objects regardless of member order, numbers by
 * value). Bounded by the documents' own depth. */
int sr_jv_equal(const sr_jv *a, const sr_jv *b);
/* A hash consistent with sr_jv_equal. */
uint64_t sr_jv_hash(const sr_jv *v);
/* The value at JSON pointer `ptr` ("" = the root, "/a/0"), or NULL. */
sr_jv *sr_jv_at(const sr_jv *root, const char *ptr);

/* Canonical text: compact, keys in input order, numbers as written, strings escaped as Jackson
 * escapes them. `sorted`: object keys sorted by UTF-16 code units, recursively (normalize=true).
 * Appends to b. */
void sr_jv_print(sr_buf *b, const sr_jv *v, int sorted);
/* Append `s` as a JSON string literal. */
void sr_json_quote(sr_buf *b, const char *s, size_t len);

/* ---- URIs (uri.c) ---- */

/* `ref` resolved against `base` (either may be NULL or ""). Caller frees. The fragment is kept. */
char *sr_uri_resolve(const char *base, const char *ref);
/* The URI without its fragment (caller frees); *frag (may be NULL) points into `uri` after the
 * '#', or NULL when there is none. */
char *sr_uri_strip_fragment(const char *uri, const char **frag);

/* ---- drafts ---- */

typedef enum sr_jdraft {
    SR_DRAFT_4, SR_DRAFT_6, SR_DRAFT_7, SR_DRAFT_2019_09, SR_DRAFT_2020_12,
} sr_jdraft;

/* The draft a root schema declares with "$schema" (Confluent's list of URLs, a trailing '#'
 * ignored); draft 7 when it declares none or one sluice does not know. */
sr_jdraft sr_jdraft_of(const sr_jv *root);
const char *sr_jdraft_name(sr_jdraft d); /* "draft-07", "2020-12", ... */

/* ---- the validator (validate.c) ---- */

/* A compiled set of schema documents: the main one and those its $refs reach. */
typedef struct sr_jsv sr_jsv;

void sr_jsv_free(sr_jsv *v);

/* Validate `instance` against the compiled main schema. Appends every violation found (those
 * that explain the failure: a failed anyOf lists its branches' violations). Returns 1 valid, 0 not,
 * -1 with err when the instance nests deeper than the limit. */
int sr_jsv_validate(sr_violations *out, const sr_jsv *v, const sr_jv *instance, sr_err *err);

/* ---- meta-schemas (meta.c) ---- */

/* Validate a schema document against the meta-schema of its draft. 0 valid; -1 with 42201
 * naming the JSON pointer and the problem of the first violations. */
int sr_jmeta_check(const sr_jv *root, sr_jdraft draft, int max_depth, sr_err *err);

/* ---- a parsed schema (schema.c): document, references, model, validator ---- */

typedef struct sr_jschema sr_jschema;
typedef struct sr_jmodel sr_jmodel;

/* A referenced schema, by its reference name (the URI its $refs use). */
typedef struct sr_jdep {
    const char *name;
    const char *text;
} sr_jdep;

/* Parse and validate `text` as a JSON Schema: the document, its draft, the meta-schema check
 * (when `check_meta`), every $ref resolved (within the document, by $id and $anchor, or to the
 * referenced schemas `deps`), the validator compiled and Confluent's model built. Caller frees
 * *out with sr_jschema_free. 0, or -1 with 42201 "Invalid schema of type JSON, details: ..."
 * naming the problem's position or JSON pointer. */
int sr_jschema_parse(sr_jschema **out, const char *text, const sr_jdep *deps, size_t ndeps,
                     int check_meta, int max_depth, sr_err *err);
void sr_jschema_free(sr_jschema *s);
const sr_jv *sr_jschema_root(const sr_jschema *s);
sr_jdraft sr_jschema_draft(const sr_jschema *s);
const sr_jsv *sr_jschema_validator(const sr_jschema *s);

/* ---- Confluent's diff (diff.c) ---- */

/* A difference between an original and an update: Confluent's type and path, and the JSON values
 * its path names on each side (for positions), or the closest enclosing schema where a side lacks
 * it; NULL when a side has neither (an element of a referenced schema counts as its own). */
typedef struct sr_jdiff {
    const char *type;        /* "TYPE_CHANGED", ... (static) */
    char *path;              /* "#/properties/foo" (owned) */
    const sr_jv *original;
    const sr_jv *update;
} sr_jdiff;

typedef struct sr_jdiffs {
    sr_jdiff *v;
    size_t n, cap;
} sr_jdiffs;

void sr_jdiffs_dispose(sr_jdiffs *d);

/* Every difference between `original` and `update`, compatible ones included, in Confluent's
 * order. 0, or -1 with 42201 when the comparison nests deeper than SR_COMPAT_MAX_DEPTH or needs
 * more comparisons than its budget (combined schemas compare every pair of their elements). */
int sr_jdiff_compare(sr_jdiffs *out, const sr_jschema *original, const sr_jschema *update,
                     sr_err *err);
/* 1 when Confluent counts this type as compatible (STRICT policy); `lenient` adds the LENIENT
 * set (compatibility-rules.md §4.3). */
int sr_jdiff_is_compatible(const char *type, int lenient);
/* Confluent's message for a difference, with its two "%s" placeholders left in. Caller frees. */
char *sr_jdiff_message(const sr_jdiff *d);

#endif
