/* internal.h -- what the files of compat/json/ share. Not an API. */
#ifndef SR_COMPAT_JSON_INTERNAL_H
#define SR_COMPAT_JSON_INTERNAL_H

#include "compat/format.h"
#include "compat/json/json.h"

/* ---- refs.c: where $refs lead ---- */

typedef struct sr_jrefs sr_jrefs;

sr_jrefs *sr_jrefs_new(sr_jdraft draft, int max_depth);
void sr_jrefs_free(sr_jrefs *r);
/* Index the document `root` as the resource `uri` (its $ids and anchors too). 0, or -1 (42201)
 * when it nests deeper than the limit. */
int sr_jrefs_add(sr_jrefs *r, const char *uri, const sr_jv *root, sr_err *err);
/* The same for a referenced schema named `name`, registered also under `name` resolved against
 * the main schema's base and as "./name" (Confluent's names for it). */
int sr_jrefs_add_dependency(sr_jrefs *r, const char *main_base, const char *name,
                            const sr_jv *root, sr_err *err);
/* The schema `ref` names, resolved against `base`, or NULL. *dynamic_anchor (may be NULL) is set
 * to the anchor's name when the target is a $dynamicAnchor (borrowed from `ref`). */
const sr_jv *sr_jrefs_resolve(const sr_jrefs *r, const char *base, const char *ref,
                              const char **dynamic_anchor);
/* The base URI of an indexed schema value (borrowed), or `fallback`. */
const char *sr_jrefs_base(const sr_jrefs *r, const sr_jv *schema, const char *fallback);
/* The schema with $dynamicAnchor `name` in the resource `resource_base`, or NULL. */
const sr_jv *sr_jrefs_dynamic(const sr_jrefs *r, const char *resource_base, const char *name);
/* 1 when the resource's root has "$recursiveAnchor": true. */
int sr_jrefs_recursive_anchor(const sr_jrefs *r, const char *resource_base);
/* The root of the resource `uri`, or NULL. */
const sr_jv *sr_jrefs_resource(const sr_jrefs *r, const char *uri);
/* The resources indexed, in the order they were added (for walking every document). */
size_t sr_jrefs_nresources(const sr_jrefs *r);
const sr_jv *sr_jrefs_resource_at(const sr_jrefs *r, size_t i);
/* The draft the set was indexed for. */
sr_jdraft sr_jrefs_draft(const sr_jrefs *r);
/* "id" for draft 4, else "$id". */
const char *sr_jrefs_id_keyword(sr_jdraft d);
/* Call fn for every direct subschema of schema `s` (by the keywords that hold subschemas). */
void sr_jrefs_each_subschema(const sr_jv *s, void (*fn)(void *arg, const sr_jv *sub), void *arg);

/* ---- validate.c ---- */

/* Compile the schema `root` (draft `draft`, base URI `base`) with every $ref resolved through
 * `refs` into a validator, owned by the caller (sr_jsv_free). The documents and `refs` must outlive
 * it. 0, or -1 with 42201 naming where a $ref does not resolve. */
int sr_jsv_compile(sr_jsv **out, const sr_jv *root, sr_jdraft draft, const char *base,
                   const sr_jrefs *refs, int max_depth, sr_err *err);

/* ---- regex.c: JSON Schema's regular expressions (ECMA 262) on POSIX extended ones ---- */

#include <regex.h>

/* What compiling the patterns of one schema may cost, in all (regex.c says in what units): about
 * 50 MB of glibc's memory and a fraction of a second at most. */
#define SR_JREGEX_BUDGET 6000000ULL

/* Compile `pattern` for unanchored searches, charging its cost to *budget. 0, or -1 when sluice
 * cannot run it or it costs more than what is left of the budget (nothing is charged then). */
int sr_jregex_compile(regex_t *re, const char *pattern, unsigned long long *budget);
/* 1 when the pattern finds a match in `s` (`len` bytes, may hold NUL: then no match). */
int sr_jregex_search(const regex_t *re, const char *s, size_t len);

/* ---- schema.c ---- */

struct sr_jmodel;
const struct sr_jmodel *sr_jschema__model(const sr_jschema *s);
const sr_jdoc *sr_jschema__doc(const sr_jschema *s);

#endif
