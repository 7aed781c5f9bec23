/* compat.h -- schema formats behind one small interface: parse + validate, canonical text,
 * fingerprint, and compatibility checks at Confluent's seven levels.
 *
 * Pure functions: no I/O, no globals, no HTTP. References arrive already resolved by the caller
 * (the registry or the CLI) as an ordered list of dependency texts. The server and the CLI never
 * switch on the format; they call these functions with an sr_schema_type. */
#ifndef SR_COMPAT_H
#define SR_COMPAT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strlist.h"

typedef enum sr_schema_type {
    SR_TYPE_AVRO = 0,
    SR_TYPE_PROTOBUF = 1,
    SR_TYPE_JSON = 2,
} sr_schema_type;

/* "AVRO", "PROTOBUF", "JSON" (case-sensitive, as Confluent). 0, or -1 with 42201
 * "Invalid schema type <name>". A format whose module is not built in also gives 42201. */
int sr_schema_type_parse(sr_schema_type *out, const char *name, sr_err *err);
const char *sr_schema_type_name(sr_schema_type t);
/* 1 when the format's module is built in (GET /schemas/types lists those), else 0. */
int sr_schema_type_available(sr_schema_type t);

/* One resolved reference. The list handed to sr_schema_parse is in dependency order: every
 * schema appears after the schemas it references (depth-first, first binding of a name wins). */
typedef struct sr_dep {
    const char *name;     /* reference name: Avro full type name, .proto import path, JSON URI */
    const char *subject;  /* where it is registered */
    int version;          /* concrete version */
    sr_schema_type type;  /* the referenced schema's own type */
    const char *text;     /* its stored (canonical) text */
} sr_dep;

/* Parse flags. */
enum {
    SR_PARSE_NEW = 1u << 0,       /* validate as a new registration: Avro defaults, strict names */
    SR_PARSE_NORMALIZE = 1u << 1, /* canonical text is the normalized form (api §6) */
};

typedef struct sr_schema sr_schema;

/* Bounds that every parser and checker honours, so that hostile input costs bounded stack and
 * time: deeper input is refused with 42201 naming the limit, never recursed into. */
typedef struct sr_parse_limits {
    int max_depth; /* nesting of types, messages, option values and JSON values */
} sr_parse_limits;

#define SR_PARSE_MAX_DEPTH_DEFAULT 100

/* Compatibility checks follow types through references and named-type uses, so they can nest
 * deeper than any one definition does; beyond this many levels they stop with 42201 rather than
 * recurse further (never a silent pass). */
#define SR_COMPAT_MAX_DEPTH 1000

/* Parse and validate `text` as type `t` with its dependencies `deps` (borrowed for the call only).
 * On success the caller owns *out (free with sr_schema_free). Errors: 42201 with
 * "Invalid schema of type <T>, details: ..." style messages that name the problem and, where the
 * input has one, its position. */
int sr_schema_parse(sr_schema **out, sr_schema_type t, const char *text, const sr_dep *deps,
                    size_t ndeps, unsigned flags, sr_err *err);
/* The same with explicit limits (NULL = the defaults above). */
int sr_schema_parse_limited(sr_schema **out, sr_schema_type t, const char *text,
                            const sr_dep *deps, size_t ndeps, unsigned flags,
                            const sr_parse_limits *limits, sr_err *err);
void sr_schema_free(sr_schema *s); /* NULL is a no-op */

sr_schema_type sr_schema_get_type(const sr_schema *s);

/* Canonical text (normalized when parsed with SR_PARSE_NORMALIZE). Borrowed, valid until
 * sr_schema_free. Deterministic and idempotent: parsing it again yields the same text. */
const char *sr_schema_canonical(const sr_schema *s);

/* The schema rendered in an alternative `format` (Avro "resolved", Protobuf "serialized",
 * "ignore_extensions"). Returns 0 with *out owned by the caller (free()), 1 when the format does not
 * apply to this type (caller serves the canonical text), -1 with err set. */
int sr_schema_render(char **out, const sr_schema *s, const char *format, sr_err *err);

/* The primitive every level is built from (compatibility-rules.md §1.1): can `reader` read data
 * written with `writer`? Appends one message per incompatibility, each in Confluent's wording with
 * exactly two "%s" placeholders left in, in order (reader word, writer word), to be filled by the
 * level logic; a Protobuf message carries, inside its closing brace, the line and column of the
 * element in the reader's text (else in the writer's): ", line:N, column:M}". Schemas of different
 * types give Confluent's one message for that. Returns 0 (compatible iff nothing was appended) or
 * -1 with err (42201 when the types nest deeper than SR_COMPAT_MAX_DEPTH levels). The registry's
 * message lists are made of these; sr_compat_diff gives the same differences as data. */
int sr_schema_read_compat(sr_strlist *msgs, const sr_schema *reader, const sr_schema *writer,
                          sr_err *err);

/* A message of sr_schema_read_compat with its two "%s" placeholders replaced, literally (never
 * through printf: a '%' in a name must survive), by the reader and writer words. Caller frees. */
char *sr_compat_fill_words(const char *msg, const char *reader_word, const char *writer_word);

/* What `text` imports, read from the text alone (nothing is parsed or resolved): for Protobuf the
 * path of every import statement (public and weak ones too, built-in files included), in order.
 * Avro and JSON Schema texts name no files (their references are type names and URIs that only a
 * parse finds): nothing. Appends to *out. 0, or -1 with 42201 and the position when the text
 * cannot be tokenized; the imports before the problem are appended either way. */
int sr_schema_imports(sr_strlist *out, sr_schema_type t, const char *text, sr_err *err);

/* The fully-qualified names of the schema's top-level types, as Confluent's record-name subject
 * strategies use them: Protobuf, every message of the main file ("acme.events.OrderPlaced");
 * Avro, the root type's full name when it is named. Appends to *out (nothing for other schemas). */
void sr_schema_record_names(sr_strlist *out, const sr_schema *s);

/* The names of the schema's top-level fields, which Confluent's reserved fields (the
 * `confluent:reserved` metadata property) guard: the root record's fields for Avro, the first
 * message's for Protobuf, the root object's `properties` for JSON Schema. Appends to *out. */
void sr_schema_field_names(sr_strlist *out, const sr_schema *s);

/* ---- payload validation ---- */

/* One reason a document does not fit a schema: where, as a JSON pointer into the document. */
typedef struct sr_violation {
    char *pointer;        /* "" = the whole document, "/items/0/sku"; owned */
    char *schema_pointer; /* JSON Schema: where the failing keyword is in its schema document;
                           * NULL for the other formats; owned */
    char *message;        /* owned */
} sr_violation;

typedef struct sr_violations {
    sr_violation *v; /* owned */
    size_t n, cap;
    size_t max;      /* stop collecting after this many (0 = 1000) */
} sr_violations;

#define SR_VIOLATIONS_INIT {NULL, 0, 0, 0}

void sr_violations_add(sr_violations *l, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, naming the schema's failing place too (`schema_pointer` may be NULL). */
void sr_violations_add_at(sr_violations *l, const char *pointer, const char *schema_pointer,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void sr_violations_dispose(sr_violations *l);

/* Validate the JSON text `doc` against schema `s`, as the event platform's JSON path needs it:
 * JSON Schema validation for JSON schemas, Avro's JSON encoding for Avro (a union's value as
 * {"<branch>": value}), the Protobuf JSON mapping for Protobuf (of the message `message_name`,
 * fully qualified, or NULL for the first message of the main file). Appends every violation found
 * (at most 1000). Returns 1 valid, 0 not, -1 with err: 42201 when `doc` is not JSON (its line and
 * column named) or nests deeper than `max_depth`, 40403 when the Protobuf message is not in the
 * schema. */
int sr_schema_validate_json(sr_violations *out, const sr_schema *s, const char *doc,
                            const char *message_name, int max_depth, sr_err *err);

/* ---- fingerprint (api §5.1, refdata/schema-md5-golden-data.json) ---- */

typedef struct sr_ref {
    const char *name;
    const char *subject;
    int version;
} sr_ref;

/* MD5 identity of a schema: canonical text, then each reference's name, subject and 4-byte
 * big-endian version, then (when not NULL) metadata and rule set as JSON texts, laid out as the
 * golden data describes. `metadata_json`/`ruleset_json` may be NULL. Returns 0, or -1 (42201) when
 * they are not valid JSON objects. */
int sr_fingerprint(uint8_t out[16], const char *canonical, const sr_ref *refs, size_t nrefs,
                   const char *metadata_json, const char *ruleset_json, sr_err *err);

/* ---- levels (compatibility-rules.md §1) ---- */

typedef enum sr_compat_level {
    SR_COMPAT_NONE,
    SR_COMPAT_BACKWARD,
    SR_COMPAT_BACKWARD_TRANSITIVE,
    SR_COMPAT_FORWARD,
    SR_COMPAT_FORWARD_TRANSITIVE,
    SR_COMPAT_FULL,
    SR_COMPAT_FULL_TRANSITIVE,
} sr_compat_level;

/* Case-insensitive level name. 0, or -1 with 42203 and Confluent's message. */
int sr_compat_level_parse(sr_compat_level *out, const char *name, sr_err *err);
const char *sr_compat_level_name(sr_compat_level level); /* upper case: "BACKWARD" */
/* 1 for the _TRANSITIVE levels, which check every candidate; the others check the latest. */
int sr_compat_level_transitive(sr_compat_level level);

typedef struct sr_candidate {
    const sr_schema *schema; /* borrowed */
    int version;             /* its version number in the subject */
} sr_candidate;

/* Check `schema` against `cands` (the subject's non-deleted versions, ascending by version) at
 * `level`. Non-transitive levels use only the last candidate; transitive ones go newest first and
 * stop at the first failure. On incompatibility fills `msgs` with Confluent's list (§1.3): the diff
 * messages with placeholders filled, `{oldSchemaVersion: n}`, `{oldSchema: '...'}` (a text over
 * 10240 bytes cut there, on a UTF-8 character boundary), and the closing
 * `{validateFields: 'false', compatibility: '<LEVEL>'}` line. The messages are those of
 * sr_schema_read_compat, i.e. the findings of sr_compat_check_findings formatted the registry's way.
 * Returns 1 compatible, 0 not, -1 err. */
int sr_compat_check(sr_strlist *msgs, sr_compat_level level, const sr_schema *schema,
                    const sr_candidate *cands, size_t ncands, sr_err *err);

/* ---- findings: the differences that break compatibility, as data ----
 *
 * A finding is one incompatible difference between an older and a newer schema: its type, where
 * it is (the format's own path, and a line and column in the schema text when the format has
 * them), which direction of reading it breaks, and Confluent's message for it. The message lists
 * of sr_compat_check are formatted from the same findings. */

/* Which direction a finding breaks; FULL breaks when either does. */
enum {
    SR_BREAKS_BACKWARD = 1u << 0, /* the newer schema cannot read data written with the older */
    SR_BREAKS_FORWARD = 1u << 1,  /* the older schema cannot read data written with the newer */
};

typedef struct sr_finding {
    const char *type;  /* Confluent's difference type (static): "FIELD_KIND_CHANGED",
                        * "MESSAGE_REMOVED", "TYPE_MISMATCH", "READER_FIELD_MISSING_DEFAULT_VALUE",
                        * ... (compatibility-rules.md §2.3, §3.1). Where Confluent reports a bare
                        * sentence, sluice names it: "SCHEMA_TYPE_MISMATCH" (the schemas are of
                        * different types) and "AMBIGUOUS_FIELD_ALIAS" (Avro: a reader field matches
                        * several writer fields, which aborts the check). */
    char *path;        /* the format's own location (owned): "#/Order/3" or "#/Order/pay/5"
                        * (Protobuf), "/fields/0/type" (Avro: positions in the reading schema, as
                        * Confluent gives them), "" for SCHEMA_TYPE_MISMATCH */
    int line, column;  /* 1-based position in the newer text of the element, or of the closest
                        * enclosing element it has (the message of a removed field); in the older
                        * text when the newer one has neither (a removed top-level message); 0
                        * when the format keeps no positions (Avro) or the element lives in a
                        * referenced schema */
    int in_old;        /* 1: line/column are in the older text; 0: in the newer one (or none) */
    unsigned breaks;   /* SR_BREAKS_BACKWARD and/or SR_BREAKS_FORWARD */
    int version;       /* sr_compat_check_findings: the candidate version it was found against;
                        * sr_compat_diff: 0 */
    char *message;     /* Confluent's message with its words filled in ("... in the new schema does
                        * not match the old schema"); for a finding that breaks both ways, worded
                        * as the BACKWARD check words it. Owned */
} sr_finding;

typedef struct sr_findings {
    sr_finding *v; /* owned */
    size_t n;
    size_t cap;
} sr_findings;

#define SR_FINDINGS_INIT {NULL, 0, 0}

void sr_findings_dispose(sr_findings *l); /* frees every finding; the list is empty again */

/* 1 when `f` makes a check at `level` fail: BACKWARD levels need SR_BREAKS_BACKWARD, FORWARD
 * levels SR_BREAKS_FORWARD, FULL levels either; NONE never fails. */
int sr_finding_breaks(const sr_finding *f, sr_compat_level level);

/* Every incompatible difference between `older` and `newer`, both ways: what stops the newer
 * schema reading data written with the older one (BACKWARD) and the reverse (FORWARD). A
 * difference found both ways (a field's kind changed) appears once, with both bits; one found
 * one way only (a message removed: BACKWARD) has that bit. Order: the BACKWARD check's, then the
 * differences only FORWARD finds, in its order; no duplicates. Schemas of different types give
 * one SCHEMA_TYPE_MISMATCH breaking both ways. Appends to *out; 0, or -1 with err (42201 when the
 * types nest deeper than SR_COMPAT_MAX_DEPTH). This is what a page listing the differences between
 * two versions shows. */
int sr_compat_diff(sr_findings *out, const sr_schema *older, const sr_schema *newer, sr_err *err);

/* The check sr_compat_check makes (same candidates, directions and stopping rule), as findings:
 * those of the one failing candidate, in the order of Confluent's list (FULL: the FORWARD half's,
 * then the BACKWARD half's), each with its candidate's version and the bit of the half that found
 * it; a difference both halves find appears once per half, worded for each (as in the list).
 * Returns 1 compatible (nothing appended), 0 not, -1 err. `schema` is the newer side. */
int sr_compat_check_findings(sr_findings *out, sr_compat_level level, const sr_schema *schema,
                             const sr_candidate *cands, size_t ncands, sr_err *err);

#endif
