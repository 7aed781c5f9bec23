/* err.c -- filling sr_err. */
#include "common/err.h"
#include "common/buf.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cut_marker[] = " ... (cut)";

int sr_err_set(sr_err *err, int code, const char *fmt, ...)
{
    char *raw = NULL, *text;
    va_list ap;
    size_t len;

    if (!err)
        return -1;
    va_start(ap, fmt);
    if (vasprintf(&raw, fmt, ap) < 0)
        sr_xoom();
    va_end(ap);
    text = sr_utf8_valid(raw) ? raw : sr_utf8_lossy(raw);
    if (text != raw)
        free(raw);
    sr_err_clear(err);
    err->code = code;
    len = strlen(text);
    if (len < sizeof(err->msg)) {
        memcpy(err->msg, text, len + 1);
        free(text);
        return -1;
    }
    len = sr_utf8_floor(text, len, sizeof(err->msg) - sizeof(cut_marker));
    memcpy(err->msg, text, len);
    memcpy(err->msg + len, cut_marker, sizeof(cut_marker));
    err->full = text;
    return -1;
}

const char *sr_err_message(const sr_err *err)
{
    return err->full ? err->full : err->msg;
}

void sr_err_move(sr_err *to, sr_err *from)
{
    sr_err_clear(to);
    *to = *from;
    from->full = NULL;
    from->code = 0;
    from->msg[0] = '\0';
}

void sr_err_clear(sr_err *err)
{
    if (!err)
        return;
    free(err->full);
    err->full = NULL;
    err->code = 0;
    err->msg[0] = '\0';
}

void sr_err_dispose(sr_err *err)
{
    sr_err_clear(err);
}
