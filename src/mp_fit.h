/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_fit.h - fixed- and random-effects models on log effects.
 *
 * Pure functions of (y, v, k, options): y[i] is the log effect of study i,
 * v[i] > 0 its sampling variance.  No I/O; the only allocations are a
 * canonically ordered copy of the studies (mp_canonical_order) and the
 * state of GSL's Brent root solver (PM estimator, the safeguard of Fisher
 * scoring, Q-profile CI), released before returning (MP_ENOMEM if they
 * cannot be had).  Definitions follow
 * R's metafor 3.8 (rma.uni, predict, confint) with the same estimator names,
 * so the same data give the same numbers.
 *
 * All estimates and interval bounds in the result structs are on the log
 * scale; the report exponentiates.  A figure that does not exist (e.g. the
 * df of a z test) is NAN.
 */
#ifndef MP_FIT_H
#define MP_FIT_H

#include <stddef.h>

#include "mp_error.h"

/* The options, results and mp_fit() itself are public: metapool.h.  The
 * building blocks that mp_analyses.c shares are in mp_fit_impl.h. */

/* The chi-square quantile with upper tail probability p, 0 < p < 1
 * (R's qchisq(p, df, lower.tail = FALSE)), accurate for any df > 0
 * (GSL's own inverse is not for large df).  NAN on failure. */
double mp_chisq_quantile_upper(double p, double df);

#endif
