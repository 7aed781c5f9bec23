/* fuzz.h -- what the fuzz targets of tests/fuzz/ share.
 *
 * Each target defines LLVMFuzzerTestOneInput. `make fuzz` links it with libFuzzer (clang's
 * -fsanitize=fuzzer) to search for inputs that crash it; the test build links it with replay.c
 * instead, which runs it over the saved inputs (tests/fuzz/corpus/, tests/fuzz/regressions/), so
 * that `make test` replays every crash ever found without needing clang. A target fails by
 * crashing: a sanitizer report, or abort() from fuzz_check when a property does not hold. */
#ifndef SR_TESTS_FUZZ_H
#define SR_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (a NUL inside ends it early, as it would for C callers).
 * Caller frees. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A property every input must keep; abort (a finding) when it does not. */
#define fuzz_check(cond, what)                                                                 \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz property broken: %s (%s:%d)\n", what, __FILE__, __LINE__);   \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#endif
