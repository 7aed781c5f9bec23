/* buf_test.c -- growable strings and string lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/utf8.h"
#include "common/strlist.h"

static void test_buf__starts_empty_and_null_terminated(void **state)
{
    sr_buf b = SR_BUF_INIT;
    (void)state;
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    sr_buf_dispose(&b);
}

static void test_buf__appends_grow_past_the_first_allocation(void **state)
{
    sr_buf b = SR_BUF_INIT;
    (void)state;
    for (int i = 0; i < 1000; i++)
        sr_buf_printf(&b, "%03d,", i % 1000);
    assert_int_equal(b.len, 4000);
    assert_memory_equal(b.ptr, "000,001,", 8);
    assert_string_equal(b.ptr + 3996, "999,");
    sr_buf_dispose(&b);
}

static void test_buf__detach_hands_over_the_string_and_resets(void **state)
{
    sr_buf b = SR_BUF_INIT;
    char *s;
    (void)state;
    sr_buf_puts(&b, "abc");
    sr_buf_putc(&b, 'd');
    s = sr_buf_detach(&b);
    assert_string_equal(s, "abcd");
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    free(s);
    s = sr_buf_detach(&b); /* detaching an empty buffer still gives an owned string */
    assert_string_equal(s, "");
    free(s);
}

static void test_buf__clear_keeps_capacity(void **state)
{
    sr_buf b = SR_BUF_INIT;
    size_t cap;
    (void)state;
    sr_buf_puts(&b, "hello");
    cap = b.cap;
    sr_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.cap, cap);
    sr_buf_dispose(&b);
}

static void test_buf__embedded_nul_bytes_are_kept_by_length(void **state)
{
    sr_buf b = SR_BUF_INIT;
    (void)state;
    sr_buf_put(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "a\0b", 4);
    sr_buf_dispose(&b);
}

static void test_strlist__add_copies_and_take_owns(void **state)
{
    sr_strlist l = SR_STRLIST_INIT;
    char local[] = "copied";
    (void)state;
    sr_strlist_add(&l, local);
    local[0] = 'X';
    sr_strlist_take(&l, sr_xstrdup("owned"));
    sr_strlist_addf(&l, "%s-%d", "n", 7);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "copied");
    assert_string_equal(l.v[1], "owned");
    assert_string_equal(l.v[2], "n-7");
    sr_strlist_dispose(&l);
    assert_int_equal(l.n, 0);
}

static void test_err__set_returns_minus_one_and_maps_the_status(void **state)
{
    sr_err err = {0};
    (void)state;
    sr_err_clear(&err);
    assert_int_equal(err.code, 0);
    assert_int_equal(sr_err_set(&err, 40401, "Subject '%s' not found.", "x"), -1);
    assert_string_equal(err.msg, "Subject 'x' not found.");
    assert_int_equal(sr_err_http_status(&err), 404);
    sr_err_set(&err, 405, "HTTP 405 Method Not Allowed");
    assert_int_equal(sr_err_http_status(&err), 405);
    assert_int_equal(sr_err_set(NULL, 1, "ignored"), -1);
}

/* A message longer than the inline buffer is kept whole, and its short form is cut between
 * characters, never inside one, and says it was cut. */
static void test_err__long_messages_are_kept_whole_and_cut_on_a_character(void **state)
{
    sr_err err = {0};
    sr_buf b = SR_BUF_INIT;
    (void)state;

    sr_buf_putc(&b, 'x');
    for (int i = 0; i < 3000; i++)
        sr_buf_puts(&b, "\xc3\xa9"); /* é: two bytes, so an odd cut would split one */
    sr_buf_puts(&b, "]");
    sr_err_set(&err, 40901, "details: %s", b.ptr);
    assert_non_null(err.full);
    assert_int_equal(strlen(sr_err_message(&err)), strlen("details: ") + b.len);
    assert_int_equal(sr_err_message(&err)[strlen(sr_err_message(&err)) - 1], ']');
    assert_true(sr_utf8_valid(err.msg));
    assert_non_null(strstr(err.msg, "(cut)"));
    assert_true(strlen(err.msg) < SR_ERR_MSG_MAX);
    sr_err_set(&err, 404, "short"); /* replaces (and frees) the long one */
    assert_null(err.full);
    assert_string_equal(sr_err_message(&err), "short");
    sr_err_dispose(&err);
    assert_int_equal(err.code, 0);
    sr_buf_dispose(&b);
}

/* Bytes that are not UTF-8 (a subject name, say) come out as U+FFFD, so that the message can
 * always be put into JSON. */
static void test_err__invalid_utf8_is_replaced(void **state)
{
    sr_err err = {0};
    sr_err moved = {0};
    (void)state;

    sr_err_set(&err, 40401, "Subject '%s' not found.", "a\xff\xc3(b");
    assert_string_equal(err.msg, "Subject 'a\xef\xbf\xbd\xef\xbf\xbd(b' not found.");
    sr_err_move(&moved, &err);
    assert_int_equal(err.code, 0);
    assert_int_equal(moved.code, 40401);
    sr_err_dispose(&moved);
}

static void test_utf8__validation_follows_rfc_3629(void **state)
{
    (void)state;
    assert_true(sr_utf8_valid("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    assert_false(sr_utf8_valid("\xc0\xaf"));         /* overlong '/' */
    assert_false(sr_utf8_valid("\xed\xa0\x80"));     /* a surrogate */
    assert_false(sr_utf8_valid("\xf4\x90\x80\x80")); /* above U+10FFFF */
    assert_false(sr_utf8_valid("\xe2\x82"));         /* cut short */
    assert_int_equal(sr_utf8_invalid_at("ab\xff" "cd", 5), 2);
    assert_int_equal(sr_utf8_floor("a\xc3\xa9" "b", 4, 2), 1);
    assert_int_equal(sr_utf8_floor("a\xc3\xa9" "b", 4, 3), 3);
}

static void test_utf8__seq_len_measures_one_well_formed_character(void **state)
{
    (void)state;
    assert_int_equal(sr_utf8_seq_len("a", 1), 1);
    assert_int_equal(sr_utf8_seq_len("\xc3\xa9x", 3), 2);
    assert_int_equal(sr_utf8_seq_len("\xe2\x82\xac", 3), 3);
    assert_int_equal(sr_utf8_seq_len("\xf0\x9f\x98\x80", 4), 4);
    assert_int_equal(sr_utf8_seq_len("\xe2\x82\xac", 2), 0);     /* cut short by len */
    assert_int_equal(sr_utf8_seq_len("\xe0\x9f\xbf", 3), 0);     /* overlong */
    assert_int_equal(sr_utf8_seq_len("\xed\xa0\x80", 3), 0);     /* a surrogate */
    assert_int_equal(sr_utf8_seq_len("\xf4\x90\x80\x80", 4), 0); /* above U+10FFFF */
    assert_int_equal(sr_utf8_seq_len("\x80", 1), 0);             /* a lone continuation */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__starts_empty_and_null_terminated),
        cmocka_unit_test(test_buf__appends_grow_past_the_first_allocation),
        cmocka_unit_test(test_buf__detach_hands_over_the_string_and_resets),
        cmocka_unit_test(test_buf__clear_keeps_capacity),
        cmocka_unit_test(test_buf__embedded_nul_bytes_are_kept_by_length),
        cmocka_unit_test(test_strlist__add_copies_and_take_owns),
        cmocka_unit_test(test_err__set_returns_minus_one_and_maps_the_status),
        cmocka_unit_test(test_err__long_messages_are_kept_whole_and_cut_on_a_character),
        cmocka_unit_test(test_err__invalid_utf8_is_replaced),
        cmocka_unit_test(test_utf8__validation_follows_rfc_3629),
        cmocka_unit_test(test_utf8__seq_len_measures_one_well_formed_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
