/* auth_file.c -- writing the credentials file: password hashes, API keys, and the atomic
 * replacement of one entry (sluiced passwd, sluiced apikey). */
#include "server/auth.h"
#include "server/auth_int.h"
#include "common/buf.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

char *sr_auth_hash_password(const char *password, sr_err *err)
{
    struct crypt_data *cd = sr_xcalloc(1, sizeof(*cd));
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h = NULL;
    char *out = NULL;

    /* NULL prefix: the method the system prefers (yescrypt on Debian 12), with its default cost
     * and a salt from getrandom(2). */
    if (crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)))
        h = crypt_rn(password, salt, cd, sizeof(*cd));
    if (h && h[0] == '$')
        out = sr_xstrdup(h);
    else
        sr_err_set(err, 1, "crypt(3) could not hash the password: %s", strerror(errno));
    explicit_bzero(cd, sizeof(*cd));
    free(cd);
    return out;
}

static void hex(sr_buf *b, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sr_buf_printf(b, "%02x", d[i]);
}

int sr_auth_new_key(char **token_out, char **digest_out, sr_err *err)
{
    uint8_t raw[32], d[SHA256_DIGEST_SIZE];
    struct sha256_ctx h;
    sr_buf token = SR_BUF_INIT, digest = SR_BUF_INIT;

    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
        return sr_err_set(err, 1, "no random bytes: %s", strerror(errno));
    sr_buf_puts(&token, "sluice_");
    hex(&token, raw, sizeof(raw));
    sha256_init(&h);
    sha256_update(&h, token.len, (const uint8_t *)token.ptr);
    sha256_digest(&h, sizeof(d), d);
    sr_buf_puts(&digest, "sha256:");
    hex(&digest, d, sizeof(d));
    explicit_bzero(raw, sizeof(raw));
    *token_out = sr_buf_detach(&token);
    *digest_out = sr_buf_detach(&digest);
    return 0;
}

/* Does `line` hold the entry of `kind` and `name`? If so, *attrs_out gets its attributes (the
 * tokens after the secret), joined by spaces. */
static int is_entry(const char *line, const char *kind, const char *name, char **attrs_out)
{
    char *copy = sr_xstrdup(line), **tok = NULL;
    size_t n = 0, first = strcmp(kind, "cert") == 0 ? 2 : 3;
    int hit = 0;

    if (sr_auth__tokens(&tok, &n, copy) == 0 && n >= 2 && strcmp(tok[0], kind) == 0 &&
        strcmp(tok[1], name) == 0) {
        sr_buf a = SR_BUF_INIT;
        hit = 1;
        for (size_t i = first; i < n; i++)
            sr_buf_printf(&a, "%s%s", a.len ? " " : "", tok[i]);
        *attrs_out = sr_buf_detach(&a);
    }
    free(tok);
    free(copy);
    return hit;
}

static void put_token(sr_buf *b, const char *t)
{
    if (!strpbrk(t, " \t\"#") && *t) {
        sr_buf_puts(b, t);
        return;
    }
    sr_buf_putc(b, '"');
    for (; *t; t++) {
        if (*t == '"' || *t == '\\')
            sr_buf_putc(b, '\\');
        sr_buf_putc(b, *t);
    }
    sr_buf_putc(b, '"');
}

int sr_auth_file_put(const char *path, const char *kind, const char *name, const char *secret,
                     const char *attrs, sr_err *err)
{
    sr_buf out = SR_BUF_INIT, tmp = SR_BUF_INIT;
    FILE *f = fopen(path, "r");
    char *line = NULL, *old_attrs = NULL;
    size_t cap = 0;
    int replaced = 0, fd = -1, rc = -1;
    struct stat st;
    mode_t mode = 0600;

    if (!f && errno != ENOENT)
        return sr_err_set(err, 1, "%s: %s", path, strerror(errno));
    if (f && fstat(fileno(f), &st) == 0)
        mode = st.st_mode & 07777;
    while (f && getline(&line, &cap, f) >= 0) {
        char *prev = NULL;
        if (!replaced && is_entry(line, kind, name, &prev)) {
            replaced = 1;
            old_attrs = prev;
            sr_buf_puts(&out, "\x01"); /* where the entry goes */
            continue;
        }
        sr_buf_puts(&out, line);
        if (out.len && out.ptr[out.len - 1] != '\n')
            sr_buf_putc(&out, '\n');
    }
    free(line);
    if (f)
        fclose(f);
    {
        sr_buf entry = SR_BUF_INIT;
        const char *a = attrs ? attrs : old_attrs;
        sr_buf_printf(&entry, "%-4s ", kind);
        put_token(&entry, name);
        if (secret)
            sr_buf_printf(&entry, " %s", secret);
        if (a && *a)
            sr_buf_printf(&entry, " %s", a);
        sr_buf_putc(&entry, '\n');
        if (replaced) {
            char *at = strchr(out.ptr, '\x01');
            sr_buf_printf(&tmp, "%.*s%s%s", (int)(at - out.ptr), out.ptr, entry.ptr, at + 1);
        } else {
            sr_buf_printf(&tmp, "%s%s", out.ptr, entry.ptr);
        }
        sr_buf_dispose(&entry);
    }
    sr_buf_clear(&out);
    sr_buf_printf(&out, "%s.tmp.%ld", path, (long)getpid());
    fd = open(out.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0 || write(fd, tmp.ptr, tmp.len) != (ssize_t)tmp.len || fsync(fd) < 0) {
        sr_err_set(err, 1, "%s: %s", out.ptr, strerror(errno));
        if (fd >= 0)
            unlink(out.ptr);
        goto done;
    }
    if (rename(out.ptr, path) < 0) {
        sr_err_set(err, 1, "%s: %s", path, strerror(errno));
        unlink(out.ptr);
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    free(old_attrs);
    explicit_bzero(tmp.ptr, tmp.len);
    sr_buf_dispose(&tmp);
    sr_buf_dispose(&out);
    return rc;
}
