/* auth.h -- who is asking, and what they may do (docs/security.md).
 *
 * Everything comes from one credentials file: users with salted, slow password hashes (crypt(3):
 * yescrypt "$y$" or SHA-512 "$6$"), API keys stored as SHA-256 digests, client-certificate
 * subjects, and the rules that grant rights on subjects to users and groups:
 *
 *     user  alice       $y$j9T$...   role=admin
 *     user  bob         $y$j9T$...   groups=orders
 *     key   ci-orders   sha256:9f86d0...   groups=orders
 *     cert  "CN=deployer,O=Acme"   role=writer
 *     allow group:orders  read,write   orders.*  orders-*
 *
 * A role grants its rights on every subject (reader: read; writer: read, write; admin: all);
 * `allow` lines add rights on the subjects matching a glob (fnmatch(3): `*`, `?`, `[...]`).
 * Nothing is ever denied by a rule: rights only add up.
 *
 * The file is read at start and again on SIGHUP (sr_auth_reload); a request holds the version it
 * began with, so a reload never changes a request halfway, and connections are not dropped.
 * Passwords are compared through crypt(3) and the outcome remembered as a keyed digest for the
 * life of the loaded file, so a client that sends the same credentials on every request pays for
 * the slow hash once. Thread-safe. */
#ifndef SR_SERVER_AUTH_H
#define SR_SERVER_AUTH_H

#include "common/err.h"

typedef struct sr_auth sr_auth;
typedef struct sr_caller sr_caller;

/* Rights on a subject. */
enum {
    SR_RIGHT_READ = 1,
    SR_RIGHT_WRITE = 2,
    SR_RIGHT_DELETE = 4,
    SR_RIGHT_CONFIG = 8,
    SR_RIGHTS_ALL = 15,
};

/* Read the credentials file. The caller owns *out (sr_auth_close). 0, or -1 with err naming the
 * file and line. */
int sr_auth_open(sr_auth **out, const char *path, sr_err *err);
/* Read the file again; on error the loaded version stays in force. 0 or -1 with err. */
int sr_auth_reload(sr_auth *a, sr_err *err);
void sr_auth_close(sr_auth *a); /* NULL is a no-op; every caller must have been released */

/* Authenticate a request from its Authorization header (Basic or Bearer; may be NULL) or, when
 * there is none, from the subject DN of a verified client certificate (may be NULL).
 * Returns 0 with *out (release with sr_caller_release), 1 when no credentials were given, or -1
 * when the credentials are wrong (unknown user, bad password, unknown key or certificate). */
int sr_auth_login(sr_caller **out, sr_auth *a, const char *authorization, const char *cert_dn);
void sr_caller_release(sr_caller *c); /* NULL is a no-op */

/* The caller's name (user, key or certificate subject). Borrowed until released. */
const char *sr_caller_name(const sr_caller *c);
/* 1 when the caller holds `right` on `subject`; a NULL subject means every subject, which only a
 * role or a rule for "*" covers. */
int sr_caller_may(const sr_caller *c, int right, const char *subject);

/* ---- writing the file (sluiced passwd, sluiced apikey) ---- */

/* The crypt(3) hash of `password` with a fresh salt, in the system's preferred method (yescrypt
 * on Debian). Caller frees. NULL when crypt cannot (err set). */
char *sr_auth_hash_password(const char *password, sr_err *err);
/* A new API key: *token_out is what the client sends (shown once), *digest_out the "sha256:..."
 * form stored in the file. Caller frees both. */
int sr_auth_new_key(char **token_out, char **digest_out, sr_err *err);
/* Put the entry `kind name secret attrs` in the file at `path`, replacing the entry of the same
 * kind and name (keeping its attributes when `attrs` is NULL), atomically (a new file renamed
 * over the old, mode 0600 when created). 0, or -1 with err. */
int sr_auth_file_put(const char *path, const char *kind, const char *name, const char *secret,
                     const char *attrs, sr_err *err);

#endif
