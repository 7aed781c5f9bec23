/* guard.h -- what the front decides about a request from its headers alone, before reading its
 * body: who the caller is and whether the route's declaration (sr_route.perm, .target) lets
 * them in. A refused request's body is then read and thrown away, never buffered. */
#ifndef SR_SERVER_GUARD_H
#define SR_SERVER_GUARD_H

#include "server/http.h"

/* The subject a route acts on in this request: the {subject} parameter (":.:x" as x), or NULL
 * for the global scope and routes without one. Borrowed from req. */
const char *sr_guard_subject(const sr_route *route, const sr_req *req);

/* Authenticate and authorize. `route` may be NULL (nothing matched: only authentication
 * applies). `authorization` is the header (may be NULL); `cert_dn` the subject of a verified
 * client certificate (may be NULL); `cert_required` when client certificates are required.
 * Returns 0 with *caller_out (NULL when authentication is off; release with sr_caller_release),
 * or -1 with the refusal (401 with `*www_authenticate` set, or 403) written to resp. */
int sr_guard_request(struct sr_caller **caller_out, const char **www_authenticate, sr_app *app,
                     const sr_route *route, const sr_req *req, const char *authorization,
                     const char *cert_dn, int cert_required, sr_resp *resp);

/* The read filter for listings (registry.h's sr_subject_filter) of a caller. */
int sr_guard_may_read(const void *caller, const char *subject);

/* The audit action of a route, or NULL when the route changes nothing. */
const char *sr_guard_audit_action(const sr_route *route);

#endif
