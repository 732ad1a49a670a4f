/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli_import.c - `metapool import FILE... [-d DIR]` and `metapool new ID`;
 * see cli_import.h.  Prints, as only the program does. */
#include "config.h"

#include "cli_import.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_error.h"
#include "mp_import.h"
#include "mp_import_csv.h"
#include "mp_import_rm5.h"
#include "mp_template.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

static int usage(const char *fmt, ...) MP_PRINTF(1, 2);

static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("metapool: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nUsage: metapool import FILE... [-d DIR]\n"
          "       metapool new ID\n"
          "Try 'metapool --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/* The whole file into memory (NUL-terminated); NULL with errno. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *more = realloc(b, 2 * cap + 1);
            if (!more) {
                free(b);
                b = NULL;
                errno = ENOMEM;
            }
            b = more;
            cap *= 2;
        }
    }
    int failed = !b || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(b);
        errno = saved ? saved : EIO;
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

/* A RevMan review (XML or zipped) or else a CSV table, by its first bytes. */
static int is_review(const char *b, size_t n)
{
    size_t i = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && strchr(" \t\r\n", b[i]))
        i++;
    return (i < n && b[i] == '<') || (n >= 4 && memcmp(b, "PK\3\4", 4) == 0);
}

static mp_status import_file(mp_import_set *s, const char *path, mp_errors *e)
{
    size_t n;
    char *b = slurp(path, &n);
    if (!b) {
        mp_errors_add(e, path, 0, "cannot read: %s", strerror(errno));
        return MP_EIO;
    }
    mp_status st = is_review(b, n) ? mp_import_rm5(s, path, b, n, e)
                                   : mp_import_csv(s, path, b, n, e);
    free(b);
    return st;
}

/* Every input, then the check of every outcome, then the files. */
static mp_status import_all(mp_import_set *s, char **files, int n, const char *dir,
                            mp_errors *e)
{
    mp_status worst = MP_OK;
    for (int i = 0; i < n && worst != MP_ENOMEM; i++) {
        mp_status st = import_file(s, files[i], e);
        if (st != MP_OK)
            worst = st;
    }
    if (worst != MP_OK)
        return worst;
    mp_status st = mp_import_check(s, e);
    return st != MP_OK ? st : mp_import_write_all(s, dir, e);
}

int cli_import(int argc, char **argv, cli_print_diagnostics print)
{
    const char *dir = ".";
    char **files = calloc((size_t)argc, sizeof *files);
    int n = 0, options = 1;
    if (!files)
        return EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0)
            options = 0;
        else if (options && strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (options && argv[i][0] == '-' && argv[i][1]) {
            free(files);
            return usage(strcmp(argv[i], "-d") == 0 ? "option '%s' needs a directory"
                         : "import: unknown option '%s'", argv[i]);
        } else
            files[n++] = argv[i];
    }
    if (!n) {
        free(files);
        return usage("import: no file to import");
    }
    mp_errors *e = mp_errors_new(0);
    mp_import_set s;
    mp_import_set_init(&s);
    mp_status st = e ? import_all(&s, files, n, dir, e) : MP_ENOMEM;
    if (e)
        print(e);
    if (st == MP_OK) {
        if (s.summary)
            for (char *line = strtok(s.summary, "\n"); line; line = strtok(NULL, "\n"))
                fprintf(stderr, "metapool: %s\n", line);
        fprintf(stderr, "metapool: wrote %zu study descriptor%s to %s\n", s.n,
                s.n == 1 ? "" : "s", dir);
    } else if (st == MP_ENOMEM) {
        fprintf(stderr, "metapool: %s\n", mp_status_string(st));
    }
    mp_import_set_free(&s);
    mp_errors_free(e);
    free(files);
    return st == MP_OK ? EXIT_OK : EXIT_INPUT;
}

int cli_new(int argc, char **argv)
{
    if (argc != 2)
        return usage("new: give one study id");
    mp_status st = mp_template_write(argv[1], stdout);
    if (st == MP_EINPUT)
        return usage("new: '%s' is not a study id (lower-case letters, digits and "
                     "'-', such as smith-2001)", argv[1]);
    if (st != MP_OK || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "metapool: cannot write the template: %s\n",
                strerror(errno ? errno : EIO));
        return EXIT_INPUT;
    }
    return EXIT_OK;
}
