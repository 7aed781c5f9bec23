/* compat_check.c -- fuzz the compatibility checker on pairs of schemas.
 *
 * Input: a first line "TYPE LEVEL" (e.g. "PROTOBUF FULL_TRANSITIVE"), then the older schema, a
 * line "====", and the newer one. Both are parsed as stored schemas; every entry point of the
 * checker runs on the pair (both directions of reading, the level's check as a list of messages
 * and as findings, the diff both ways), and the answers must agree: the check fails exactly when
 * it reports something. */
#include "compat/compat.h"
#include "tests/fuzz/fuzz.h"

static void check_pair(sr_compat_level level, const sr_schema *older, const sr_schema *newer)
{
    sr_candidate cand = {older, 1};
    sr_strlist msgs = SR_STRLIST_INIT;
    sr_findings found = SR_FINDINGS_INIT;
    sr_err err = {0};
    int ok, ok_findings;

    sr_schema_read_compat(&msgs, newer, older, &err);
    sr_strlist_dispose(&msgs);
    sr_err_clear(&err);
    sr_schema_read_compat(&msgs, older, newer, &err);
    sr_strlist_dispose(&msgs);
    sr_err_clear(&err);
    ok = sr_compat_check(&msgs, level, newer, &cand, 1, &err);
    fuzz_check(ok != 0 || msgs.n > 0, "an incompatible check says why");
    fuzz_check(ok != 1 || msgs.n == 0, "a compatible check reports nothing");
    sr_strlist_dispose(&msgs);
    sr_err_clear(&err);
    ok_findings = sr_compat_check_findings(&found, level, newer, &cand, 1, &err);
    if (ok >= 0 && ok_findings >= 0)
        fuzz_check(ok == ok_findings, "the check and its findings agree");
    fuzz_check(ok_findings != 0 || found.n > 0, "an incompatible check has findings");
    sr_findings_dispose(&found);
    sr_err_clear(&err);
    sr_compat_diff(&found, older, newer, &err);
    sr_findings_dispose(&found);
    sr_err_dispose(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), *older, *newer, *sep, *sp;
    sr_schema *a = NULL, *b = NULL;
    sr_schema_type type;
    sr_compat_level level;
    sr_err err = {0};

    if (!(older = strchr(text, '\n')) || !(sep = strstr(older, "\n====\n")))
        goto out;
    *older++ = '\0';
    *sep = '\0';
    newer = sep + 6;
    if (!(sp = strchr(text, ' ')))
        goto out;
    *sp = '\0';
    if (sr_schema_type_parse(&type, text, &err) < 0 || sr_compat_level_parse(&level, sp + 1, &err) < 0)
        goto out;
    if (sr_schema_parse(&a, type, older, NULL, 0, 0, &err) == 0 &&
        sr_schema_parse(&b, type, newer, NULL, 0, 0, &err) == 0)
        check_pair(level, a, b);
out:
    sr_schema_free(a);
    sr_schema_free(b);
    sr_err_dispose(&err);
    free(text);
    return 0;
}
