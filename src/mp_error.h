/* mp_error.h - status codes and the diagnostic record of libmetapool.
 *
 * The library never prints and never exits.  A function that can fail
 * returns an mp_status and, where it was given an mp_errors list, appends
 * one mp_diag per problem found (file, line, message), so that the caller
 * can report every problem of a run before it stops.
 *
 * A list can be given a limit: past it, problems are counted but not
 * recorded, so that an input with millions of faults cannot exhaust memory
 * with their messages.  mp_errors_count() counts them all; test it, not n,
 * to learn whether anything went wrong.
 *
 * Ownership: an mp_errors list owns the strings of its items; free it with
 * mp_errors_free().  Strings passed to mp_errors_add() are copied.
 */
#ifndef MP_ERROR_H
#define MP_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
    MP_OK = 0,        /* success */
    MP_EINPUT,        /* invalid input: at least one diagnostic was added */
    MP_ENOMEM,        /* out of memory */
    MP_ENUMERIC,      /* numerical failure (non-convergence, non-finite result) */
    MP_EIO,           /* read or write error */
    MP_ELIMIT         /* an input exceeds a documented resource limit */
} mp_status;

typedef struct {
    char *file;       /* input file name, or NULL when not tied to a file */
    long line;        /* 1-based line, or 0 when unknown */
    char *message;    /* one line, no trailing newline */
    int warning;      /* 1: a warning (mp_errors_warn), not a problem */
} mp_diag;

typedef struct {
    mp_diag *items;
    size_t n;         /* diagnostics recorded */
    size_t cap;
    size_t dropped;   /* diagnostics not recorded because memory ran out */
    size_t limit;     /* most diagnostics recorded by mp_errors_add; 0: none */
    size_t suppressed;/* diagnostics counted but not recorded (past limit) */
    size_t always;    /* of the n, those of mp_errors_add_always */
    size_t warnings;  /* of the n, warnings */
    size_t warnings_suppressed; /* warnings counted but not recorded */
} mp_errors;

#define MP_ERRORS_INIT { NULL, 0, 0, 0, 0, 0, 0, 0, 0 }

/* An empty list without a limit (mp_errors_free() keeps the limit). */
void mp_errors_init(mp_errors *e);

/* Every problem added: recorded, suppressed past the limit, or dropped
 * (warnings are not problems; a warning dropped for want of memory counts
 * as one). */
size_t mp_errors_count(const mp_errors *e);
/* Every warning added: recorded or suppressed past the limit. */
size_t mp_errors_warnings(const mp_errors *e);
void mp_errors_free(mp_errors *e);

/* Append a diagnostic; file may be NULL, line 0 when unknown.  printf-style
 * message.  Returns MP_OK (also when the limit is reached: then only
 * e->suppressed is incremented) or MP_ENOMEM (then e->dropped is). */
mp_status mp_errors_add(mp_errors *e, const char *file, long line,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same, recorded even past the limit and not counted against it: for
 * the message that says why reading stopped (a resource limit, a fatal XML
 * error), which the problems before it must not hide.  Callers add at most
 * one such message per input. */
mp_status mp_errors_add_always(mp_errors *e, const char *file, long line,
                               const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A warning: something that looks wrong but does not stop the analysis
 * and never changes a figure (an entry error that the paper's own
 * redundant figures expose, a study left out).  Recorded like a problem,
 * with warning = 1, and under the same limit (past it, counted in
 * warnings_suppressed); mp_errors_count() does not count it. */
mp_status mp_errors_warn(mp_errors *e, const char *file, long line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* mp_errors_add with a va_list. */
mp_status mp_errors_vadd(mp_errors *e, const char *file, long line,
                         const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Sort the items by line, stably (items of one line keep their order),
 * and keep the first `keep` of them: the others are freed and counted in
 * e->suppressed.  For diagnostics made out of order that must be given in
 * order (the line serving as the key), held to a bounded size by calling
 * this whenever n passes twice the room the caller has.  Not for a list
 * with items of mp_errors_add_always.  MP_OK, or
 * MP_ENOMEM (the list unchanged). */
mp_status mp_errors_sort_keep(mp_errors *e, size_t keep);

/* A short English description of a status, for messages. */
const char *mp_status_string(mp_status s);

#endif
