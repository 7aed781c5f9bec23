/* auth_int.h -- what auth.c and auth_file.c share. Not an API. */
#ifndef SR_SERVER_AUTH_INT_H
#define SR_SERVER_AUTH_INT_H

#include <stddef.h>

/* Split a credentials-file line in place into tokens (whitespace-separated, "double quotes"
 * around a token with spaces, `#` to the end of the line is a comment). *out is owned by the
 * caller (free(); the tokens point into line). 0, or -1 on an unterminated quote. */
int sr_auth__tokens(char ***out, size_t *n, char *line);
/* The rights of a role name: 0, or -1 when there is no such role. */
int sr_auth__role_rights(int *out, const char *role);

#endif
