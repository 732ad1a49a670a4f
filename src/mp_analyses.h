/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_analyses.h - analyses that refit the model on subsets of the studies.
 *
 * Inputs are the plain arrays of a dataset (y log effects, v variances).
 * Outputs are arrays of mp_fit_result provided by the caller.  No I/O.
 *
 * The public part (mp_leave_one_out, mp_subgroups_fit and _test, _clear,
 * mp_cumulative_fit and _clear, mp_fit_pooled, the result structs) is
 * declared in metapool.h, with its contract.  Notes on it:
 *
 * Leave-one-out takes O(k) time in total (running sums and power series
 * for the random-effects weights, see mp_analyses.c): closed forms (DL,
 * HE, SJ) directly, iterative estimators (REML, ML, EB, PM) by running
 * mp_fit's own procedure with every sum taken from the series, so each
 * out[i] equals mp_fit on the k - 1 studies up to rounding (and, where
 * the procedure itself is that sensitive, up to its tolerance).
 *
 * The warnings of the three analyses (a refit, subgroup fit or cumulative
 * step that failed) carry the index of what failed (mp_diag.index) and
 * say it in words, "leave-one-out without study 3: ...", "subgroup
 * surgery-first: ...", "cumulative step 2: ...".  Past the list's limit
 * they are counted; those of leave-one-out are given in row order.
 */
#ifndef MP_ANALYSES_H
#define MP_ANALYSES_H

#include <stddef.h>

#include "mp_error.h"
#include "mp_fit.h"

/* mp_leave_one_out, naming the omitted study by names[i] in its warnings
 * ("leave-one-out without \"id\": ...") where names is not NULL. */
mp_status mp_leave_one_out_named(const double *y, const double *v, size_t k,
                                 const char *const *names,
                                 const mp_fit_options *o, mp_fit_result *out,
                                 mp_errors *err);

#endif
