/* json_bench.c -- JSON Schema: (1) parse, canonicalize and check a schema of 2,000 properties and
 * 50 $defs against its previous version, the way a registration at BACKWARD does it (meta-schema
 * check included); (2) validations per second of a 1 KB event against a typical event schema.
 * Prints medians and bests; a benchmark, not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "compat/compat.h"
#include "tests/bench/bench.h"

#define PROPS 2000
#define DEFS 50
#define RUNS 21

static char *big_schema(int next)
{
    sr_buf b = SR_BUF_INIT;

    sr_buf_puts(&b, "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"title\":\"Big\","
                    "\"type\":\"object\",\"properties\":{");
    for (int i = 0; i < PROPS; i++) {
        if (i % 4 == 0)
            sr_buf_printf(&b, "%s\"p%d\":{\"$ref\":\"#/definitions/d%d\"}", i ? "," : "", i, i % DEFS);
        else if (i % 4 == 1)
            sr_buf_printf(&b, ",\"p%d\":{\"type\":\"string\",\"maxLength\":%d}", i, next && i % 10 == 1 ? 200 : 100);
        else if (i % 4 == 2)
            sr_buf_printf(&b, ",\"p%d\":{\"type\":[\"integer\",\"null\"],\"minimum\":0}", i);
        else
            sr_buf_printf(&b, ",\"p%d\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"%s]}}", i,
                          next && i % 20 == 3 ? ",\"c\"" : "");
    }
    if (next)
        sr_buf_puts(&b, ",\"added\":{\"type\":\"string\"}");
    sr_buf_puts(&b, "},\"required\":[\"p0\",\"p1\"],\"additionalProperties\":false,\"definitions\":{");
    for (int d = 0; d < DEFS; d++)
        sr_buf_printf(&b, "%s\"d%d\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
                      "\"n\":{\"type\":\"number\"},\"next\":{\"$ref\":\"#/definitions/d%d\"}}}",
                      d ? "," : "", d, (d + 1) % DEFS);
    sr_buf_puts(&b, "}}");
    return sr_buf_detach(&b);
}

static const char *EVENT_SCHEMA =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"title\":\"PageView\",\"type\":\"object\","
    "\"required\":[\"event_id\",\"ts\",\"user\",\"page\"],\"additionalProperties\":false,"
    "\"properties\":{\"event_id\":{\"type\":\"string\",\"pattern\":\"^[0-9a-f-]{36}$\"},"
    "\"ts\":{\"type\":\"integer\",\"minimum\":0},\"user\":{\"$ref\":\"#/definitions/user\"},"
    "\"page\":{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\",\"maxLength\":2048},"
    "\"title\":{\"type\":\"string\"},\"referrer\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"url\"]},"
    "\"device\":{\"type\":\"object\",\"properties\":{\"os\":{\"enum\":[\"ios\",\"android\",\"web\"]},"
    "\"version\":{\"type\":\"string\"},\"screen\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
    "\"minItems\":2,\"maxItems\":2}}},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"uniqueItems\":true},\"props\":{\"type\":\"object\",\"additionalProperties\":{\"type\":[\"string\","
    "\"number\",\"boolean\"]}}},\"definitions\":{\"user\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"anonymous\":{\"type\":\"boolean\"},\"locale\":{\"type\":\"string\","
    "\"minLength\":2}},\"required\":[\"id\"]}}}";

static const char *EVENT =
    "{\"event_id\":\"3f2c8a1e-5b7d-4c9e-8f01-23456789abcd\",\"ts\":1795000000123,"
    "\"user\":{\"id\":\"u-81723\",\"anonymous\":false,\"locale\":\"fr-FR\"},"
    "\"page\":{\"url\":\"https://shop.example.com/catalog/shoes/running?size=42&color=blue&sort=price\","
    "\"title\":\"Running shoes - size 42 - blue\",\"referrer\":\"https://www.example.org/search?q=running+shoes\"},"
    "\"device\":{\"os\":\"android\",\"version\":\"14.2.1\",\"screen\":[1080,2400]},"
    "\"tags\":[\"promo\",\"spring\",\"outdoor\",\"newsletter\",\"retargeted\"],"
    "\"props\":{\"cart_items\":3,\"cart_value\":129.99,\"logged_in\":true,\"campaign\":\"spring-sale-2026\","
    "\"ab_test\":\"checkout-v2\",\"experiment_group\":\"B\",\"session_depth\":7,\"scroll_pct\":82.5,"
    "\"source\":\"email\",\"medium\":\"newsletter\",\"content\":\"hero-banner\",\"first_visit\":false,"
    "\"pages_seen\":12,\"time_on_page_ms\":48211,\"viewport\":\"mobile\",\"consent\":\"granted\","
    "\"app_build\":\"2026.11.3-rc2+g8f1e2d\",\"network\":\"wifi\",\"battery_pct\":64,\"dark_mode\":true,"
    "\"font_scale\":1.15,\"timezone\":\"Europe/Paris\",\"country\":\"FR\",\"region\":\"IDF\","
    "\"currency\":\"EUR\",\"price_tier\":\"mid\",\"loyalty_level\":\"gold\",\"push_enabled\":false}}";

int main(void)
{
    char *v1 = big_schema(0), *v2 = big_schema(1);
    double t[RUNS];
    sr_schema *old = NULL, *s = NULL;
    sr_violations viol = SR_VIOLATIONS_INIT;
    SR_ERR_LOCAL(err);
    long n = 0;
    double start;

    if (sr_schema_parse(&old, SR_TYPE_JSON, v1, NULL, 0, 0, &err) < 0) {
        fprintf(stderr, "v1: %s\n", sr_err_message(&err));
        return 1;
    }
    for (int r = 0; r < RUNS; r++) {
        sr_strlist msgs = SR_STRLIST_INIT;
        sr_candidate c = {old, 1};
        double t0 = now_ms();
        if (sr_schema_parse(&s, SR_TYPE_JSON, v2, NULL, 0, SR_PARSE_NEW, &err) < 0 ||
            sr_compat_check(&msgs, SR_COMPAT_BACKWARD, s, &c, 1, &err) != 1) {
            fprintf(stderr, "v2: %s (%zu messages) %s\n", sr_err_message(&err), msgs.n,
                    msgs.n ? msgs.v[0] : "");
            return 1;
        }
        t[r] = now_ms() - t0;
        sr_strlist_dispose(&msgs);
        sr_schema_free(s);
    }
    sort_times(t, RUNS);
    printf("json: parse + check, %d properties and %d $defs (%zu bytes) against the previous "
           "version: median %.2f ms, best %.2f ms\n", PROPS, DEFS, strlen(v2), t[RUNS / 2], t[0]);

    if (sr_schema_parse(&s, SR_TYPE_JSON, EVENT_SCHEMA, NULL, 0, SR_PARSE_NEW, &err) < 0) {
        fprintf(stderr, "event schema: %s\n", sr_err_message(&err));
        return 1;
    }
    start = now_ms();
    while (now_ms() - start < 2000) {
        for (int i = 0; i < 1000; i++, n++) {
            if (sr_schema_validate_json(&viol, s, EVENT, NULL, 100, &err) != 1) {
                fprintf(stderr, "event: not valid: %s\n", viol.n ? viol.v[0].message : sr_err_message(&err));
                return 1;
            }
        }
    }
    printf("json: validate a %zu-byte event: %.0f validations per second (one core)\n",
           strlen(EVENT), n / ((now_ms() - start) / 1000.0));
    sr_schema_free(s);
    sr_schema_free(old);
    free(v1);
    free(v2);
    return 0;
}
