/* replay.c -- run a fuzz target over saved inputs, without libFuzzer: what `make test` does with
 * the directories tests/fuzz/seeds.sh names for the target.
 *
 *   <target> FILE|DIR...      every file named, and every file below every directory named
 *                             (subdirectories too, as libFuzzer reads a corpus)
 *
 * Prints how many inputs ran; a crash (sanitizer report, abort) fails the run and the last
 * "running" line names the input that caused it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t n = 0, cap = 0, got;

    if (!f) {
        perror(path);
        return -1;
    }
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            if (!(data = realloc(data, cap)))
                abort();
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    fprintf(stderr, "running %s\n", path);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file below `dir`, in name order. Returns how many ran, or -1. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    int ran = 0;

    if (!d) {
        perror(dir);
        return -1;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (!(names = realloc(names, (n + 1) * sizeof *names)) || !(names[n] = strdup(e->d_name)))
            abort();
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = malloc(strlen(dir) + strlen(names[i]) + 2);
        struct stat st;
        if (!path)
            abort();
        sprintf(path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            int below = run_dir(path);
            if (below < 0)
                abort(); /* run_dir said which directory */
            ran += below;
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) == 0) {
            ran++;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    int ran = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) /* a target without regressions yet has no directory */
            continue;
        if (S_ISDIR(st.st_mode)) {
            int n = run_dir(argv[i]);
            if (n < 0)
                return 1;
            ran += n;
        } else if (run_file(argv[i]) == 0) {
            ran++;
        } else {
            return 1;
        }
    }
    printf("%d inputs ran\n", ran);
    return 0;
}
