/* http_test.c -- the pure parts of the HTTP front: routing, percent-decoding, media types,
 * subject and version rules, the properties file and listeners. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "server/http.h"
#include "server/registry/registry.h"

static void test_router__matches_patterns_and_decodes_each_segment_after_splitting(void **state)
{
    sr_req req = {0};
    int status = 0;
    const sr_route *r;
    (void)state;

    r = sr_route_match(&req, SR_POST, "/subjects/dir%2Fcommon.proto/versions", &status);
    assert_non_null(r);
    assert_ptr_equal(r->handler, sr_h_register);
    assert_int_equal(req.nparams, 1);
    assert_string_equal(req.params[0], "dir/common.proto");
    sr_req_free_params(&req);

    r = sr_route_match(&req, SR_GET, "/subjects/a%20b/versions/latest/referencedby", &status);
    assert_ptr_equal(r->handler, sr_h_referenced_by);
    assert_string_equal(req.params[0], "a b");
    assert_string_equal(req.params[1], "latest");
    sr_req_free_params(&req);

    r = sr_route_match(&req, SR_GET, "/schemas/ids/42", &status);
    assert_ptr_equal(r->handler, sr_h_schema_by_id);
    sr_req_free_params(&req);
    r = sr_route_match(&req, SR_GET, "/config/", &status); /* trailing slash tolerated */
    assert_non_null(r);
    sr_req_free_params(&req);
}

static void test_router__unknown_paths_are_404_and_wrong_methods_405(void **state)
{
    sr_req req = {0};
    int status = 0;
    (void)state;

    assert_null(sr_route_match(&req, SR_GET, "/associations/x", &status));
    assert_int_equal(status, 404);
    assert_null(sr_route_match(&req, SR_GET, "/schemas/ids/abc", &status)); /* ids are ints */
    assert_int_equal(status, 404);
    assert_null(sr_route_match(&req, SR_GET, "/schemas/ids/4294967296", &status));
    assert_int_equal(status, 404);
    assert_null(sr_route_match(&req, SR_PUT, "/subjects", &status));
    assert_int_equal(status, 405);
    assert_null(sr_route_match(&req, SR_DELETE, "/schemas/types", &status));
    assert_int_equal(status, 405);
    assert_null(sr_route_match(&req, SR_GET, "/subjects//versions", &status));
    assert_int_equal(status, 404);
    assert_null(sr_route_match(&req, SR_GET, "/subjects/bad%2/versions", &status));
    assert_int_equal(req.nparams, 0);
}

static void test_percent_decode__handles_escapes_plus_and_malformed_input(void **state)
{
    char *s;
    (void)state;

    s = sr_percent_decode("a%2Fb%2fc", 9, 0, NULL);
    assert_string_equal(s, "a/b/c");
    free(s);
    s = sr_percent_decode("a+b", 3, 1, NULL);
    assert_string_equal(s, "a b");
    free(s);
    s = sr_percent_decode("a+b", 3, 0, NULL);
    assert_string_equal(s, "a+b");
    free(s);
    assert_null(sr_percent_decode("%zz", 3, 0, NULL));
    assert_null(sr_percent_decode("abc%4", 5, 0, NULL));
    assert_null(sr_percent_decode("%", 1, 0, NULL));
}

static void test_media_types__any_accept_gets_json_and_request_types_are_checked(void **state)
{
    (void)state;
    assert_string_equal(sr_negotiate(NULL), "application/vnd.schemaregistry.v1+json");
    assert_string_equal(sr_negotiate("text/html, image/gif, *; q=.2, */*; q=.2"),
                        "application/vnd.schemaregistry.v1+json");
    assert_string_equal(sr_negotiate("application/json"), "application/json");
    assert_string_equal(sr_negotiate("application/vnd.schemaregistry+json"),
                        "application/vnd.schemaregistry+json");
    assert_string_equal(sr_negotiate("text/plain"), "application/vnd.schemaregistry.v1+json");
    assert_true(sr_content_type_ok(NULL));
    assert_true(sr_content_type_ok("application/json; charset=UTF-8"));
    assert_true(sr_content_type_ok("Application/Octet-Stream"));
    assert_false(sr_content_type_ok("text/plain"));
    assert_false(sr_content_type_ok("application/jsonx"));
}

static void test_registry__subject_and_version_rules(void **state)
{
    sr_err err = {0};
    int v;
    (void)state;

    assert_int_equal(sr_registry_check_subject("orders-value", &err), 0);
    assert_int_equal(sr_registry_check_subject("", &err), 0);
    assert_int_equal(sr_registry_check_subject("a\nb", &err), -1);
    assert_int_equal(err.code, 42208);
    assert_int_equal(sr_registry_check_subject("x\xc2\x85y", &err), -1); /* U+0085 */
    assert_int_equal(sr_registry_check_subject("__GLOBAL", &err), -1);
    assert_int_equal(sr_registry_check_subject(":.__GLOBAL:x", &err), -1);

    assert_int_equal(sr_registry_parse_version(&v, " Latest ", &err), 0);
    assert_int_equal(v, -1);
    assert_int_equal(sr_registry_parse_version(&v, "-1", &err), 0);
    assert_int_equal(sr_registry_parse_version(&v, "2147483647", &err), 0);
    assert_int_equal(v, 2147483647);
    assert_int_equal(sr_registry_parse_version(&v, "0", &err), -1);
    assert_int_equal(err.code, 42202);
    assert_string_equal(err.msg, "The specified version '0' is not a valid version id. Allowed "
                                 "values are between [1, 2^31-1] and the string \"latest\"");
    assert_int_equal(sr_registry_parse_version(&v, "2147483648", &err), -1);
    assert_int_equal(sr_registry_parse_version(&v, "1x", &err), -1);
    assert_int_equal(sr_registry_parse_version(&v, " 3 ", &err), 0); /* trimmed, as "latest" */
    assert_int_equal(v, 3);
    assert_int_equal(sr_registry_parse_version(&v, "", &err), -1);
    assert_int_equal(sr_registry_parse_version(&v, "  ", &err), -1);
}

static void test_config__properties_file_then_overrides(void **state)
{
    char path[] = "/tmp/sluice-config-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# comment\n! also a comment\nlisteners = http://127.0.0.1:9999\n"
                       "schema.compatibility.level: full_transitive\nsluice.db.path=/tmp/x.db\n"
                       "sluice.threads=3\nunknown.key=ignored\nsluice.schema.max.depth=50\n"
                       "sluice.cache.bytes: 1048576\n";
    sr_config c;
    sr_err err = {0};
    char *host = NULL;
    int port = 0;
    (void)state;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    sr_config_defaults(&c);
    assert_int_equal(sr_config_load(&c, path, &err), 0);
    assert_string_equal(c.listeners, "http://127.0.0.1:9999");
    assert_int_equal(c.registry.default_level, SR_COMPAT_FULL_TRANSITIVE);
    assert_int_equal(c.registry.schema_max_depth, 50);
    assert_int_equal(c.registry.cache_bytes, 1048576);
    assert_string_equal(c.db_path, "/tmp/x.db");
    assert_int_equal(c.threads, 3);
    assert_int_equal(sr_config_set(&c, "schema.compatibility.level", "bogus", &err), -1);
    assert_int_equal(sr_config_set(&c, "sluice.threads", "0", &err), -1);
    assert_int_equal(sr_config_set(&c, "sluice.schema.max.depth", "1", &err), -1);
    assert_int_equal(sr_config_set(&c, "sluice.schema.max.bytes", "12x", &err), -1);
    assert_int_equal(sr_config_parse_listener(&host, &port, c.listeners, &err), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9999);
    free(host);
    assert_int_equal(sr_config_parse_listener(&host, &port, "http://[::1]:8081", &err), 0);
    assert_string_equal(host, "::1");
    free(host);
    assert_int_equal(sr_config_parse_listener(&host, &port, "https://x:1", &err), 0);
    assert_true(sr_config_listener_tls("https://x:1"));
    free(host);
    assert_int_equal(sr_config_parse_listener(&host, &port, "ftp://x:1", &err), -1);
    assert_int_equal(sr_config_set(&c, "sluice.db.path", "", &err), -1);
    assert_int_equal(sr_config_set(&c, "authentication.method", "OAUTH", &err), -1);
    assert_int_equal(sr_config_set(&c, "authentication.method", "basic", &err), 0);
    assert_true(c.auth_basic);
    assert_int_equal(sr_config_set(&c, "ssl.client.authentication", "REQUIRED", &err), 0);
    assert_int_equal(c.client_auth, SR_CLIENT_AUTH_REQUIRED);
    assert_int_equal(sr_config_set(&c, "sluice.connections.max.per.address", "7", &err), 0);
    assert_int_equal(c.limits.max_per_address, 7);
    assert_int_equal(sr_config_set(&c, "idle.timeout.ms", "5", &err), -1);
    assert_int_equal(sr_config_parse_listener(&host, &port, "http://x:70000", &err), -1);
    sr_config_dispose(&c);
    unlink(path);
    sr_config_defaults(&c);
    assert_int_equal(sr_config_load(&c, "/nonexistent/sluice.properties", &err), -1);
    sr_config_dispose(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router__matches_patterns_and_decodes_each_segment_after_splitting),
        cmocka_unit_test(test_router__unknown_paths_are_404_and_wrong_methods_405),
        cmocka_unit_test(test_percent_decode__handles_escapes_plus_and_malformed_input),
        cmocka_unit_test(test_media_types__any_accept_gets_json_and_request_types_are_checked),
        cmocka_unit_test(test_registry__subject_and_version_rules),
        cmocka_unit_test(test_config__properties_file_then_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
