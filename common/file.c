/* file.c -- reading a whole file into memory. */
#include "common/file.h"
#include "common/buf.h"

#include <stdio.h>

char *sr_file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    sr_buf b = SR_BUF_INIT;
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        sr_buf_put(&b, chunk, n);
    fclose(f);
    return sr_buf_detach(&b);
}
