/* compat_parse.h -- the body of the parser targets (compat_avro, compat_protobuf, compat_json):
 * parse the input as a new registration would, and as a stored schema is (leniently), with and
 * without normalization; whatever parses has a canonical text that parses again to the same text
 * (compat.h promises it is idempotent), and renders in every alternative format. */
#ifndef SR_TESTS_FUZZ_COMPAT_PARSE_H
#define SR_TESTS_FUZZ_COMPAT_PARSE_H

#include "compat/compat.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_parse_once(sr_schema_type type, const char *text, unsigned flags)
{
    static const char *const formats[] = {"resolved", "serialized", "ignore_extensions", "x"};
    sr_schema *s = NULL, *again = NULL;
    sr_err err = {0};

    if (sr_schema_parse(&s, type, text, NULL, 0, flags, &err) == 0) {
        const char *canon = sr_schema_canonical(s);
        fuzz_check(canon != NULL, "a parsed schema has a canonical text");
        if (sr_schema_parse(&again, type, canon, NULL, 0, flags & SR_PARSE_NORMALIZE, &err) < 0) {
            fprintf(stderr, "canonical text:\n%s\nrefused: %s\n", canon, sr_err_message(&err));
            fuzz_check(0, "the canonical text parses again");
        }
        if (strcmp(sr_schema_canonical(again), canon) != 0) {
            fprintf(stderr, "canonical:\n%s\nagain:\n%s\n", canon, sr_schema_canonical(again));
            fuzz_check(0, "the canonical text is idempotent");
        }
        for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
            char *out = NULL;
            sr_err_clear(&err);
            sr_schema_render(&out, s, formats[i], &err);
            free(out);
        }
    } else {
        fuzz_check(err.code != 0, "a refusal says why");
    }
    sr_schema_free(again);
    sr_schema_free(s);
    sr_err_dispose(&err);
}

static inline int fuzz_parse(sr_schema_type type, const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);

    fuzz_parse_once(type, text, SR_PARSE_NEW);
    fuzz_parse_once(type, text, SR_PARSE_NEW | SR_PARSE_NORMALIZE);
    fuzz_parse_once(type, text, 0);
    free(text);
    return 0;
}

#endif
