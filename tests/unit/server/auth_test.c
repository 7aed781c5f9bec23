/* auth_test.c -- the credentials file: users with crypt(3) hashes, API keys, certificate
 * subjects, roles and glob rules; logins by Basic, Bearer and certificate; reloads; writing
 * entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/base64.h>

#include "common/buf.h"
#include "server/auth.h"

typedef struct fixture {
    char path[64];
    char *token;
} fixture;

static char *basic(const char *user, const char *password)
{
    char plain[256], b64[BASE64_ENCODE_RAW_LENGTH(256) + 1];
    size_t n = (size_t)snprintf(plain, sizeof(plain), "%s:%s", user, password);
    char *out;

    base64_encode_raw(b64, n, (const uint8_t *)plain);
    b64[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
    if (asprintf(&out, "Basic %s", b64) < 0)
        abort();
    return out;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    sr_err err = {0};
    char *hash, *digest;
    FILE *fp;
    int fd;

    snprintf(f->path, sizeof(f->path), "/tmp/sluice-auth-XXXXXX");
    fd = mkstemp(f->path);
    close(fd);
    hash = sr_auth_hash_password("s3cret", &err);
    assert_non_null(hash);
    assert_int_equal(sr_auth_new_key(&f->token, &digest, &err), 0);
    fp = fopen(f->path, "w");
    fprintf(fp, "# users\nuser alice %s role=admin\nuser bob %s groups=orders,misc\n"
                "user carol %s role=reader\nkey ci %s groups=orders\n"
                "cert \"CN=deployer,O=Acme Inc\" role=writer\nuser nobody %s\n"
                "allow group:orders read,write orders-* acme.order.?\n"
                "allow user:bob delete orders-tmp*\n",
            hash, hash, hash, digest, hash);
    fclose(fp);
    free(hash);
    free(digest);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    free(f->token);
    free(f);
    return 0;
}

static sr_caller *login(sr_auth *a, const char *user, const char *password, int want)
{
    char *h = basic(user, password);
    sr_caller *c = NULL;

    assert_int_equal(sr_auth_login(&c, a, h, NULL), want);
    free(h);
    return c;
}

static void test_auth__basic_logins_need_the_right_password(void **state)
{
    fixture *f = *state;
    sr_auth *a = NULL;
    sr_caller *c;
    sr_err err = {0};

    assert_int_equal(sr_auth_open(&a, f->path, &err), 0);
    c = login(a, "alice", "s3cret", 0);
    assert_string_equal(sr_caller_name(c), "alice");
    sr_caller_release(c);
    c = login(a, "alice", "s3cret", 0); /* the second time from the memo */
    sr_caller_release(c);
    login(a, "alice", "wrong", -1);
    login(a, "mallory", "s3cret", -1);
    assert_int_equal(sr_auth_login(&c, a, NULL, NULL), 1);
    assert_int_equal(sr_auth_login(&c, a, "Basic !!!", NULL), -1);
    assert_int_equal(sr_auth_login(&c, a, "Digest x", NULL), -1);
    sr_auth_close(a);
}

static void test_auth__roles_cover_every_subject_and_rules_add_rights_by_glob(void **state)
{
    fixture *f = *state;
    sr_auth *a = NULL;
    sr_caller *c;
    sr_err err = {0};

    assert_int_equal(sr_auth_open(&a, f->path, &err), 0);
    c = login(a, "carol", "s3cret", 0);
    assert_true(sr_caller_may(c, SR_RIGHT_READ, "anything"));
    assert_true(sr_caller_may(c, SR_RIGHT_READ, NULL));
    assert_false(sr_caller_may(c, SR_RIGHT_WRITE, "anything"));
    sr_caller_release(c);
    c = login(a, "bob", "s3cret", 0);
    assert_true(sr_caller_may(c, SR_RIGHT_WRITE, "orders-value"));
    assert_true(sr_caller_may(c, SR_RIGHT_READ, "acme.order.x"));
    assert_false(sr_caller_may(c, SR_RIGHT_READ, "acme.order.xy"));
    assert_false(sr_caller_may(c, SR_RIGHT_READ, "payments-value"));
    assert_false(sr_caller_may(c, SR_RIGHT_READ, NULL));
    assert_true(sr_caller_may(c, SR_RIGHT_DELETE, "orders-tmp-1"));
    assert_false(sr_caller_may(c, SR_RIGHT_DELETE, "orders-value"));
    assert_false(sr_caller_may(c, SR_RIGHT_CONFIG, "orders-value"));
    sr_caller_release(c);
    c = login(a, "nobody", "s3cret", 0);
    assert_false(sr_caller_may(c, SR_RIGHT_READ, "orders-value"));
    sr_caller_release(c);
    sr_auth_close(a);
}

static void test_auth__api_keys_and_certificates_name_their_principal(void **state)
{
    fixture *f = *state;
    sr_auth *a = NULL;
    sr_caller *c = NULL;
    sr_err err = {0};
    char *h;

    assert_int_equal(sr_auth_open(&a, f->path, &err), 0);
    if (asprintf(&h, "Bearer %s", f->token) < 0)
        abort();
    assert_int_equal(sr_auth_login(&c, a, h, NULL), 0);
    assert_string_equal(sr_caller_name(c), "ci");
    assert_true(sr_caller_may(c, SR_RIGHT_WRITE, "orders-x"));
    sr_caller_release(c);
    h[strlen(h) - 1] ^= 1;
    assert_int_equal(sr_auth_login(&c, a, h, NULL), -1);
    free(h);
    assert_int_equal(sr_auth_login(&c, a, NULL, "CN=deployer,O=Acme Inc"), 0);
    assert_true(sr_caller_may(c, SR_RIGHT_WRITE, "x"));
    sr_caller_release(c);
    assert_int_equal(sr_auth_login(&c, a, NULL, "CN=someone"), -1);
    sr_auth_close(a);
}

static void test_auth__a_bad_file_is_refused_with_its_line_and_a_reload_keeps_the_old(void **state)
{
    fixture *f = *state;
    sr_auth *a = NULL;
    sr_caller *c;
    sr_err err = {0};
    char bad[] = "/tmp/sluice-auth-bad-XXXXXX";
    int fd = mkstemp(bad);
    const char *text = "user x $y$abc\nallow group:g fly x*\n";
    FILE *fp;

    assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    assert_int_equal(sr_auth_open(&a, bad, &err), -1);
    assert_non_null(strstr(sr_err_message(&err), ":2:"));
    unlink(bad);
    sr_err_clear(&err);

    assert_int_equal(sr_auth_open(&a, f->path, &err), 0);
    c = login(a, "alice", "s3cret", 0); /* held across the reloads below */
    fp = fopen(f->path, "a");
    fputs("nonsense line\n", fp);
    fclose(fp);
    assert_int_equal(sr_auth_reload(a, &err), -1);
    sr_err_clear(&err);
    sr_caller_release(login(a, "alice", "s3cret", 0));
    assert_int_equal(sr_auth_file_put(f->path, "user", "alice", "$6$x$y", NULL, &err), 0);
    /* the nonsense line is still there: still refused, old file in force */
    assert_int_equal(sr_auth_reload(a, &err), -1);
    sr_err_clear(&err);
    assert_true(sr_caller_may(c, SR_RIGHT_CONFIG, "x"));
    sr_caller_release(c);
    sr_auth_close(a);
}

static void test_auth__file_put_replaces_one_entry_and_keeps_its_attributes(void **state)
{
    fixture *f = *state;
    sr_auth *a = NULL;
    sr_caller *c;
    sr_err err = {0};
    char *hash = sr_auth_hash_password("n3w", &err);

    assert_int_equal(sr_auth_file_put(f->path, "user", "bob", hash, NULL, &err), 0);
    assert_int_equal(sr_auth_file_put(f->path, "user", "dave", hash, "role=reader", &err), 0);
    free(hash);
    assert_int_equal(sr_auth_open(&a, f->path, &err), 0);
    login(a, "bob", "s3cret", -1);
    c = login(a, "bob", "n3w", 0);
    assert_true(sr_caller_may(c, SR_RIGHT_WRITE, "orders-1")); /* still in group orders */
    sr_caller_release(c);
    c = login(a, "dave", "n3w", 0);
    assert_true(sr_caller_may(c, SR_RIGHT_READ, "x"));
    sr_caller_release(c);
    sr_auth_close(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_auth__basic_logins_need_the_right_password, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_auth__roles_cover_every_subject_and_rules_add_rights_by_glob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth__api_keys_and_certificates_name_their_principal,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_auth__a_bad_file_is_refused_with_its_line_and_a_reload_keeps_the_old, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_auth__file_put_replaces_one_entry_and_keeps_its_attributes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
