/* err.h -- the one error type every layer passes: a Confluent error code plus a message.
 *
 * Fallible functions return 0 on success or -1 and fill the caller's sr_err. The code is the
 * Confluent `error_code` (40401, 42201, 50001, ...); the HTTP status is derived from it.
 *
 * Messages quote user data (subject names, schema fragments, compatibility details), so they can
 * be of any length and must come out as valid UTF-8 whatever the input: sr_err_set replaces
 * invalid bytes with U+FFFD, keeps a message that fits in `msg`, and keeps a longer one whole in
 * `full` (with `msg` holding its start, cut on a character boundary and marked as cut). Whoever
 * renders the error reads sr_err_message(); whoever owns the sr_err calls sr_err_dispose() when an
 * error may have been long. Setting an error again, or clearing it, frees the previous one. */
#ifndef SR_COMMON_ERR_H
#define SR_COMMON_ERR_H

#define SR_ERR_MSG_MAX 1024

typedef struct sr_err {
    int code;                 /* Confluent error_code; 0 = no error */
    char msg[SR_ERR_MSG_MAX]; /* the message, or its start when it is longer */
    char *full;               /* the whole message when longer than msg; owned; else NULL */
} sr_err;

/* Fill `err` (may be NULL) with `code` and a printf-style message. Always returns -1 so that
 * `return sr_err_set(err, 42201, "...")` reads naturally. */
int sr_err_set(sr_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The whole message. Valid UTF-8. Borrowed from err. */
const char *sr_err_message(const sr_err *err);

/* Move the error in `from` to `to` (whose own error is freed); `from` reads as "no error". */
void sr_err_move(sr_err *to, sr_err *from);

/* Reset `err` to "no error", freeing a long message. */
void sr_err_clear(sr_err *err);
/* Free what `err` holds; it then reads as "no error". NULL is a no-op. */
void sr_err_dispose(sr_err *err);

/* A local sr_err that disposes itself when it goes out of scope (GCC's and clang's cleanup
 * attribute), for functions with many exits:  SR_ERR_LOCAL(err);  */
#define SR_ERR_LOCAL(name) __attribute__((cleanup(sr_err_dispose))) sr_err name = {0}

/* 40401 -> 404, 42201 -> 422, 500 -> 500: Confluent's five-digit codes carry the status. */
static inline int sr_err_http_status(const sr_err *e)
{
    return e->code >= 10000 ? e->code / 100 : e->code;
}

#endif
