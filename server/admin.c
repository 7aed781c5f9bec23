/* admin.c -- see admin.h. */
#include "server/admin.h"
#include "common/buf.h"
#include "server/auth.h"
#include "server/auth_int.h"
#include "server/http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static const char passwd_usage[] =
    "usage: sluiced passwd FILE USER [--role none|reader|writer|admin] [--groups a,b]\n"
    "       sluiced apikey FILE NAME [--role none|reader|writer|admin] [--groups a,b]\n"
    "\n"
    "passwd sets USER's password in the credentials FILE (read from standard input, or asked\n"
    "twice on a terminal) as a salted yescrypt hash. apikey makes a new API key for NAME, prints\n"
    "the token once on standard output, and stores only its SHA-256 digest. Either keeps the\n"
    "entry's role and groups unless given, and replaces the file atomically; send SIGHUP to a\n"
    "running sluiced to load it (docs/security.md).\n";

/* One line from standard input without its line break; on a terminal, without echo. */
static char *read_secret(const char *prompt)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (tty) {
        fputs(prompt, stderr);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static char *read_password(void)
{
    char *a = read_secret("New password: "), *b;

    if (!a || !isatty(STDIN_FILENO))
        return a;
    b = read_secret("Again: ");
    if (!b || strcmp(a, b) != 0) {
        fprintf(stderr, "sluiced passwd: the passwords differ\n");
        free(a);
        free(b);
        return NULL;
    }
    free(b);
    return a;
}

/* "--role R --groups G" into "role=R groups=G"; NULL when neither was given. -1 on bad usage. */
static int attrs_of(char **out, int argc, char **argv)
{
    sr_buf b = SR_BUF_INIT;
    int rights;

    *out = NULL;
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc)
            goto bad;
        if (strcmp(argv[i], "--role") == 0 && sr_auth__role_rights(&rights, argv[i + 1]) == 0)
            sr_buf_printf(&b, "%srole=%s", b.len ? " " : "", argv[i + 1]);
        else if (strcmp(argv[i], "--groups") == 0 && !strpbrk(argv[i + 1], " \t\"#"))
            sr_buf_printf(&b, "%sgroups=%s", b.len ? " " : "", argv[i + 1]);
        else
            goto bad;
    }
    if (b.len)
        *out = sr_buf_detach(&b);
    return 0;
bad:
    sr_buf_dispose(&b);
    return -1;
}

static int cmd_credentials(int argc, char **argv, int is_key)
{
    char *attrs = NULL, *secret = NULL, *token = NULL, *password = NULL;
    sr_err err = {0};
    int rc = 1;

    if (argc < 4 || strpbrk(argv[3], " \t\"#") || !*argv[3] ||
        attrs_of(&attrs, argc - 4, argv + 4) < 0) {
        fputs(passwd_usage, stderr);
        return 2;
    }
    if (is_key) {
        if (sr_auth_new_key(&token, &secret, &err) < 0)
            goto out;
    } else {
        if (!(password = read_password())) {
            fprintf(stderr, "sluiced passwd: no password read\n");
            goto done;
        }
        if (!*password) {
            fprintf(stderr, "sluiced passwd: the password is empty\n");
            goto done;
        }
        if (!(secret = sr_auth_hash_password(password, &err)))
            goto out;
    }
    if (sr_auth_file_put(argv[2], is_key ? "key" : "user", argv[3], secret, attrs, &err) < 0)
        goto out;
    if (token)
        printf("%s\n", token);
    rc = 0;
    goto done;
out:
    fprintf(stderr, "sluiced: %s\n", sr_err_message(&err));
done:
    if (password) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    free(token);
    free(secret);
    free(attrs);
    sr_err_dispose(&err);
    return rc;
}

/* One JSON object per line: what each route of the table needs. The route tests are generated
 * from this listing, so that no route ships without a permission. */
static int cmd_routes(void)
{
    for (size_t i = 0; i < sr_nroutes; i++) {
        const sr_route *r = &sr_routes[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "method", sr_method_name(r->method),
                              "pattern", r->pattern, "perm", sr_perm_name(r->perm), "target",
                              sr_target_name(r->target), "removes", r->removes);
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(line);
        free(line);
        json_decref(o);
    }
    return 0;
}

int sr_admin_main(int argc, char **argv)
{
    if (argc < 2)
        return -1;
    if (strcmp(argv[1], "passwd") == 0)
        return cmd_credentials(argc, argv, 0);
    if (strcmp(argv[1], "apikey") == 0)
        return cmd_credentials(argc, argv, 1);
    if (strcmp(argv[1], "--routes") == 0)
        return cmd_routes();
    return -1;
}

void sr_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len;
    int fd;

    if (!path || (path[0] != '/' && path[0] != '@') || (len = strlen(path)) >= sizeof(sa.sun_path))
        return;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* an abstract socket */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
    close(fd);
}
