/* routes_test.c -- every route of the table declares what it needs, in a way that the front can
 * enforce: no route is left without a permission, only the health probes are public, and each
 * route's target matches the parameters its pattern has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "server/guard.h"
#include "server/http.h"

static void test_routes__every_route_declares_a_permission(void **state)
{
    (void)state;
    for (size_t i = 0; i < sr_nroutes; i++) {
        if (sr_routes[i].perm == SR_PERM_UNSET)
            fail_msg("%s %s declares no permission", sr_method_name(sr_routes[i].method),
                     sr_routes[i].pattern);
    }
}

static void test_routes__only_the_health_probes_are_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < sr_nroutes; i++)
        if (sr_routes[i].perm == SR_PERM_PUBLIC &&
            strncmp(sr_routes[i].pattern, "/health/", 8) != 0)
            fail_msg("%s is public", sr_routes[i].pattern);
}

static void test_routes__targets_match_the_parameters_of_the_pattern(void **state)
{
    (void)state;
    for (size_t i = 0; i < sr_nroutes; i++) {
        const sr_route *r = &sr_routes[i];
        int has_subject = strstr(r->pattern, "{subject}") != NULL;
        if (r->target == SR_ON_SUBJECT && !has_subject)
            fail_msg("%s acts on a subject but has no {subject}", r->pattern);
        if (r->target == SR_ON_ID && !strstr(r->pattern, "{id}"))
            fail_msg("%s acts on an id but has no {id}", r->pattern);
        if (has_subject && r->target != SR_ON_SUBJECT && r->target != SR_ON_SCOPE &&
            r->perm != SR_PERM_USER)
            fail_msg("%s has a {subject} its permission ignores", r->pattern);
    }
}

static void test_routes__changes_need_more_than_an_account(void **state)
{
    (void)state;
    for (size_t i = 0; i < sr_nroutes; i++) {
        const sr_route *r = &sr_routes[i];
        if ((r->method == SR_PUT || r->method == SR_DELETE || r->removes) &&
            (r->perm == SR_PERM_PUBLIC || r->perm == SR_PERM_USER || r->perm == SR_PERM_READ))
            fail_msg("%s %s changes the registry with only '%s'", sr_method_name(r->method),
                     r->pattern, sr_perm_name(r->perm));
        if (r->removes && !sr_guard_audit_action(r))
            fail_msg("%s can remove schemas but is not audited", r->pattern);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes__every_route_declares_a_permission),
        cmocka_unit_test(test_routes__only_the_health_probes_are_public),
        cmocka_unit_test(test_routes__targets_match_the_parameters_of_the_pattern),
        cmocka_unit_test(test_routes__changes_need_more_than_an_account),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
