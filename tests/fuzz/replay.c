/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/fuzz/replay.c - runs files through a fuzz harness without
 * libFuzzer, so that `make check` (and its sanitizer build in CI) replays
 * the fuzzers' corpora in-process.  Linked with fuzz_metapool.c it is
 * tests/fuzz/replay, over tests/fuzz/corpus/ (a minimized set of inputs
 * that reach every branch the fuzzer found) and tests/fuzz/regressions/
 * (inputs that once crashed); with fuzz_numbers.c, tests/fuzz/replay-numbers
 * over tests/fuzz/numbers/ (REPLAY_DIRS, set at compile time).
 *
 * Usage: replay [FILE|DIR]...; with no operand, the REPLAY_DIRS under
 * $top_srcdir (or "."), of which a missing one counts as empty.  Exit 0
 * when every input ran, 1 when one cannot be read (or an operand does not
 * exist), 77 (skipped) when there is nothing to replay.  A crash is a crash:
 * under ASan/UBSan any memory or undefined-behaviour error aborts, and a
 * harness aborts when a property it checks fails.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef REPLAY_DIRS
#define REPLAY_DIRS "tests/fuzz/corpus", "tests/fuzz/regressions"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 8192;
            uint8_t *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                fprintf(stderr, "%s: out of memory\n", path);
                return -1;
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        free(buf);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 1;
}

/* Replay path (a file, or every regular file directly in a directory);
 * returns the number of inputs run, -1 on a read error.  A path that does
 * not exist counts as empty when optional, else as an error. */
static long replay(const char *path, int optional)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (optional)
            return 0;
        perror(path);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while (n >= 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char full[4096];
        int len = snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (len < 0 || (size_t)len >= sizeof full) {
            fprintf(stderr, "%s/%s: path too long\n", path, e->d_name);
            n = -1;
            continue;
        }
        if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        int r = replay_file(full);
        n = r < 0 ? -1 : n + r;
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    static const char *const dirs[] = { REPLAY_DIRS };
    const char *top = getenv("top_srcdir");
    int n_paths = argc > 1 ? argc - 1 : (int)(sizeof dirs / sizeof *dirs);
    long total = 0;
    for (int i = 0; i < n_paths; i++) {
        char path[4096];
        if (argc > 1)
            snprintf(path, sizeof path, "%s", argv[i + 1]);
        else
            snprintf(path, sizeof path, "%s/%s", top && *top ? top : ".", dirs[i]);
        long n = replay(path, argc == 1);
        if (n < 0)
            return 1;
        printf("%s: %ld inputs replayed\n", path, n);
        total += n;
    }
    return total > 0 ? 0 : 77;
}
