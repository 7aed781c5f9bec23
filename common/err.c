/* err.c -- filling sr_err. */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>

int sr_err_set(sr_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

void sr_err_clear(sr_err *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
}
