/* file.h -- reading a whole file. */
#ifndef SR_COMMON_FILE_H
#define SR_COMMON_FILE_H

/* The contents of `path`, NUL-terminated (caller frees), or NULL when it cannot be read. */
char *sr_file_read(const char *path);

#endif
