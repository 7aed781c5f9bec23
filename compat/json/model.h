/* model.h -- the model Confluent's JSON Schema diff works on (compatibility-rules.md §4.1),
 * private to compat/json/ (model.c builds it, diff.c compares it).
 *
 * A node is one kind of schema. A schema object that mixes keyword families becomes a synthetic
 * allOf of one node per family; "type": [a, b] becomes an anyOf; a $ref becomes a REF node whose
 * target is shared by every $ref to the same schema (so that recursion shows as a cycle). Numbers
 * and strings stay the document's values (borrowed), so nothing is rounded. */
#ifndef SR_COMPAT_JSON_MODEL_H
#define SR_COMPAT_JSON_MODEL_H

#include "compat/json/internal.h"

typedef enum jm_kind {
    JM_EMPTY, JM_TRUE, JM_FALSE, JM_OBJECT, JM_ARRAY, JM_STRING, JM_NUMBER, JM_BOOLEAN, JM_NULL,
    JM_ENUM, JM_CONST, JM_COMBINED, JM_NOT, JM_REF, JM_CONDITIONAL,
} jm_kind;

typedef enum jm_criterion { JM_ALL, JM_ANY, JM_ONE } jm_criterion;

typedef struct jm jm;

typedef struct jm_named {
    const char *name; /* borrowed from the document */
    jm *schema;
} jm_named;

typedef struct jm_strset {
    const char **v;   /* borrowed */
    size_t n;
} jm_strset;

typedef struct jm_dep {
    const char *name;
    jm_strset props; /* property dependency (names required), when schema is NULL */
    jm *schema;      /* schema dependency */
} jm_dep;

struct jm {
    jm_kind kind;
    size_t ix;             /* position in sr_jmodel.nodes */
    const sr_jv *src;      /* the schema value it was built from (for positions) */
    /* common */
    const sr_jv *id, *title, *description, *def;
    const char *connect_type;
    /* string */
    const sr_jv *max_length, *min_length, *pattern;
    /* number */
    int requires_integer;
    const sr_jv *maximum, *minimum, *excl_max, *excl_min, *multiple_of;
    /* object */
    jm_named *props;
    size_t nprops;
    sr_name_ix *prop_ix;   /* props sorted by name, for lookups */
    jm_strset required;
    sr_name_ix *req_ix;
    int no_additional;     /* additionalProperties: false */
    jm *additional;        /* additionalProperties schema */
    jm_named *patterns;    /* patternProperties: pattern text -> schema */
    size_t npatterns;
    jm_dep *deps;
    size_t ndeps;
    const sr_jv *max_props, *min_props;
    jm *uneval_props;      /* unevaluatedProperties as a schema (2019-09 and later) */
    /* array */
    jm *all_items;
    jm **items;            /* tuple items */
    size_t nitems;
    int no_additional_items;
    jm *additional_items;
    const sr_jv *max_items, *min_items;
    int unique_items;
    const sr_jv *max_contains, *min_contains; /* numbers, or NULL */
    long long default_min_contains;           /* 1 when "contains" sets minContains implicitly */
    jm *uneval_items;
    /* enum, const */
    const sr_jv **values;
    size_t nvalues;
    const sr_jv *constant;
    /* combined */
    jm_criterion criterion;
    int generated;         /* synthetic: from keyword families or a type array */
    jm **subs;
    size_t nsubs;
    /* not */
    jm *not_schema;
    /* ref */
    jm *target;
    const char *ref;
};

struct sr_jmodel {
    jm *root;
    jm **nodes;            /* every node, owned */
    size_t nnodes, cap;
    sr_jdraft draft;
};

/* Build the model of `root` (draft `draft`, base URI `base`), its $refs resolved through `refs`.
 * Owned by the caller (sr_jmodel_free); the documents must outlive it. 0, or -1 with 42201 (a $ref
 * that does not resolve, nesting beyond `max_depth`). */
int sr_jmodel_build(sr_jmodel **out, const sr_jv *root, sr_jdraft draft, const char *base,
                    const sr_jrefs *refs, int max_depth, sr_err *err);
void sr_jmodel_free(sr_jmodel *m);

/* Every difference between two models (diff.c), as sr_jdiff_compare. */
int sr_jdiff_models(sr_jdiffs *out, const sr_jmodel *original, const sr_jmodel *update,
                    sr_err *err);

/* The node a REF leads to at the end of its chain (NULL for a REF cycle with no schema). */
const jm *sr_jm_deref(const jm *n);

#endif
