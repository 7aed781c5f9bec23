/* proto_print_test.c -- the canonical text of a .proto file parses again to itself, also where
 * printing has to regroup what the descriptor scatters: a oneof whose members are not next to each
 * other once fields are sorted by number (normalized) is printed as one block, where its first
 * member is, as Confluent orders oneofs by their first field number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"

static char *canonical(const char *text, unsigned flags)
{
    sr_schema *s = NULL, *again = NULL;
    sr_err err = {0};
    char *out;

    if (sr_schema_parse(&s, SR_TYPE_PROTOBUF, text, NULL, 0, flags, &err) < 0)
        fail_msg("does not parse: %s", sr_err_message(&err));
    out = strdup(sr_schema_canonical(s));
    if (sr_schema_parse(&again, SR_TYPE_PROTOBUF, out, NULL, 0, flags, &err) < 0)
        fail_msg("the canonical text does not parse again: %s\n%s", sr_err_message(&err), out);
    assert_string_equal(sr_schema_canonical(again), out);
    sr_schema_free(again);
    sr_schema_free(s);
    sr_err_dispose(&err);
    return out;
}

static void test_proto_print__a_normalized_oneof_stays_one_block_at_its_first_number(void **state)
{
    char *text;
    (void)state;

    text = canonical("syntax = \"proto3\";\nmessage A {\n  oneof d {\n    string n = 2;\n"
                     "    bytes w = 6;\n  }\n  string o = 3;\n  int32 first = 1;\n}\n",
                     SR_PARSE_NORMALIZE);
    assert_string_equal(text, "syntax = \"proto3\";\n"
                              "message A {\n"
                              "  int32 first = 1;\n"
                              "  oneof d {\n"
                              "    string n = 2;\n"
                              "    bytes w = 6;\n"
                              "  }\n"
                              "  string o = 3;\n"
                              "}\n");
    free(text);
    text = canonical("syntax = \"proto3\";\nmessage A {\n  oneof d {\n    string n = 2;\n"
                     "    bytes w = 6;\n  }\n  string o = 3;\n}\n", 0);
    assert_non_null(strstr(text, "oneof d {\n    string n = 2;\n    bytes w = 6;\n  }"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_print__a_normalized_oneof_stays_one_block_at_its_first_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
