/* ci_config.c -- fuzz the sluice.yaml reader (libyaml events into sr_ci_config): any text is read
 * or refused with a message; what is read answers path questions. */
#include "ci/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"proto/a.proto", "a.proto", "", "proto/", "x/y/z.proto"};
    char *text = fuzz_text(data, size);
    sr_ci_config c;
    sr_err err = {0};

    memset(&c, 0, sizeof c);
    if (sr_ci_config_parse(&c, text, &err) == 0) {
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
            sr_ci_config_relative(&c, paths[i]);
        sr_ci_config_dispose(&c);
    } else {
        fuzz_check(err.code != 0, "a refusal says why");
    }
    sr_err_dispose(&err);
    free(text);
    return 0;
}
