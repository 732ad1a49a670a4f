/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_conclusion.h - what an analysis says, in plain words.
 *
 * The conclusion that the text report ("In words"), the JSON report
 * ("conclusion") and the forest plot (under the axis) all show, built here
 * once.  It never says that the studies "show no difference": an interval
 * that includes 1 is compatible with a benefit and with a harm, and absence
 * of evidence is not evidence of absence (Altman and Bland 1995; Cochrane
 * Handbook, chapter 15.6).  metapool(1), CONCLUSION, states the rules:
 *
 *   1. The pooled ratio (random effects; the one study's, fixed effect,
 *      when k = 1) with its confidence interval.
 *   2. The effects the interval is compatible with, in the experimental
 *      arm: "a 12% to 51% lower hazard" (interval below 1), "a 5% to 60%
 *      higher hazard" (above 1), "anything from a 25% lower to a 16%
 *      higher hazard" (across 1), from the bounds as printed ("0.75" is
 *      25% lower).  A bound of 2 or more reads "a hazard 2.79 times as
 *      high"; a change that rounds to 0% "less than 1%", one that rounds
 *      to 100% "more than 99.9%".  The noun follows the measure (hazard,
 *      risk, odds).  Then what that means: the data favour the
 *      experimental arm (below 1), the control arm (above 1), or neither
 *      show nor rule out a benefit or a harm (across 1).
 *   3. With k >= 2 and tau^2 > 0, the prediction interval for the ratio
 *      in a new trial and whether its effect could be a benefit or a harm
 *      (interval across 1), or would be expected to be a benefit (below 1)
 *      or a harm (above 1); with tau^2 = 0, that the prediction interval
 *      is the confidence interval, and that an estimate of 0 does not show
 *      equal effects; with k = 1, that one study cannot show how the effect
 *      varies between trials.
 */
#ifndef MP_CONCLUSION_H
#define MP_CONCLUSION_H

#include <stddef.h>

#include "mp_effect.h"
#include "mp_error.h"
#include "mp_fit.h"

/* Bytes that always hold a conclusion, its terminating NUL included. */
#define MP_CONCLUSION_MAX 1024

/* The conclusion of the fit f (all of its bounds on the log scale, as
 * mp_fit gives them) of ratios of measure m at confidence level `level`
 * (0.95 prints "95% CI"), into buf of n bytes: one paragraph of two
 * sentences, no newline, NUL-terminated whenever n > 0.
 * Returns MP_OK; MP_EINPUT when f->status is not MP_OK or the estimate or
 * a bound of its confidence interval is NaN (buf is then ""); MP_ELIMIT
 * when n bytes are too few (buf holds the start of the conclusion;
 * MP_CONCLUSION_MAX always suffice). */
mp_status mp_conclusion(char *buf, size_t n, mp_measure m, double level,
                        const mp_fit_result *f);

#endif
