/* SPDX-License-Identifier: GPL-3.0-or-later */
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
 * The status codes, mp_diag and the public functions of the list are
 * declared in metapool.h; this header adds the list's layout, for the
 * library's own lists on the stack (MP_ERRORS_INIT, mp_errors_init,
 * emptied with mp_errors_clear), and the additions only the library makes.
 *
 * Ownership: an mp_errors list owns the strings of its items.  Strings
 * passed to mp_errors_add() are copied.
 */
#ifndef MP_ERROR_H
#define MP_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "metapool.h"

struct mp_errors {
    mp_diag *items;
    size_t n;         /* diagnostics recorded */
    size_t cap;
    size_t dropped;   /* diagnostics not recorded because memory ran out */
    size_t limit;     /* most diagnostics recorded by mp_errors_add; 0: none */
    size_t suppressed;/* diagnostics counted but not recorded (past limit) */
    size_t always;    /* of the n, those of mp_errors_add_always */
    size_t warnings;  /* of the n, warnings */
    size_t warnings_suppressed; /* warnings counted but not recorded */
};

#define MP_ERRORS_INIT { NULL, 0, 0, 0, 0, 0, 0, 0, 0 }

/* An empty list without a limit (mp_errors_clear() keeps the limit). */
void mp_errors_init(mp_errors *e);

/* The same, recorded even past the limit and not counted against it: for
 * the message that says why reading stopped (a resource limit, a fatal XML
 * error), which the problems before it must not hide.  Callers add at most
 * one such message per input. */
mp_status mp_errors_add_always(mp_errors *e, const char *file, long line,
                               const char *fmt, ...) MP_PRINTF(4, 5);

/* A warning (mp_errors_warn, see metapool.h: something that looks wrong
 * but does not stop the analysis and never changes a figure) about the
 * study, subgroup or step `index` (mp_diag.index), not tied to a file. */
mp_status mp_errors_warn_at(mp_errors *e, size_t index, const char *fmt, ...)
    MP_PRINTF(3, 4);

/* mp_errors_add with a va_list. */
mp_status mp_errors_vadd(mp_errors *e, const char *file, long line,
                         const char *fmt, va_list ap) MP_PRINTF(4, 0);

/* Sort the items by line, stably (items of one line keep their order),
 * and keep the first `keep` of them: the others are freed and counted in
 * e->suppressed.  For diagnostics made out of order that must be given in
 * order (the line serving as the key), held to a bounded size by calling
 * this whenever n passes twice the room the caller has.  Not for a list
 * with items of mp_errors_add_always.  MP_OK, or
 * MP_ENOMEM (the list unchanged). */
mp_status mp_errors_sort_keep(mp_errors *e, size_t keep);

#endif
