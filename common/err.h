/* err.h -- the one error type every layer passes: a Confluent error code plus a one-line message.
 *
 * Fallible functions return 0 on success or -1 and fill the caller's sr_err. The code is the
 * Confluent `error_code` (40401, 42201, 50001, ...); the HTTP status is derived from it. */
#ifndef SR_COMMON_ERR_H
#define SR_COMMON_ERR_H

#define SR_ERR_MSG_MAX 1024

typedef struct sr_err {
    int code;                 /* Confluent error_code; 0 = no error */
    char msg[SR_ERR_MSG_MAX]; /* one line naming the problem */
} sr_err;

/* Fill `err` (may be NULL) with `code` and a printf-style message. Always returns -1 so that
 * `return sr_err_set(err, 42201, "...")` reads naturally. */
int sr_err_set(sr_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reset `err` to "no error". */
void sr_err_clear(sr_err *err);

/* 40401 -> 404, 42201 -> 422, 500 -> 500: Confluent's five-digit codes carry the status. */
static inline int sr_err_http_status(const sr_err *e)
{
    return e->code >= 10000 ? e->code / 100 : e->code;
}

#endif
