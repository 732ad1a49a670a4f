/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_crosscheck.h - cross-checks of the redundant figures of an outcome.
 *
 * Papers print more figures than an analysis uses: a p-value beside the
 * interval, the median survival per arm, the events per arm.  The two
 * classic entry errors (a 90% interval entered as 95%, a control /
 * experimental ratio entered without reference="experimental") pass every
 * check of one figure alone, but these redundant figures expose them.
 * Each check here compares two figures allowing for the rounding of their
 * printed digits (mp_number.half_unit: every bound is taken over the
 * extreme combinations of the printed numbers within rounding), and a
 * disagreement is a WARNING (mp_errors_warn) at the line of the element
 * concerned, saying what disagrees and what would make it agree.  Nothing
 * here changes a figure.  The checks, their formulas and tolerances, with
 * examples, are documented in metapool-study(5), CROSS-CHECKS, and
 * metapool(1), DIAGNOSTICS:
 *
 *   p        a p beside an interval against the p the interval implies
 *            (Wald), at its level, then at the usual other levels and as a
 *            one-sided p, to name the likely slip;
 *   centre   the estimate against the geometric mean of its bounds;
 *   events   the events the standard error implies (Schoenfeld) against
 *            the patients randomized and the events published;
 *   medians  the arm with the longer median survival against the
 *            direction of the hazard ratio.
 */
#ifndef MP_CROSSCHECK_H
#define MP_CROSSCHECK_H

#include "mp_effect.h"
#include "mp_error.h"
#include "mp_study.h"

/* The published p usually comes from the log-rank (score) test, the
 * interval from the Cox model's Wald test: the two z statistics estimate
 * the same thing but differ by a few per cent (ABCSG-28, Fitzal et al.
 * 2019: 0.4% for OS, 0.8% for distant progression; CALGB/E2108, Khan et
 * al. 2022: 2%).  Beyond rounding, a p agrees with an interval when its z
 * is within this relative margin of the z the interval implies.  5% is
 * over twice the largest of these, and small beside the gap between the
 * z of a 95% and of a 90% interval (1.960 / 1.645 = 1.19), which the
 * rounding of two-digit figures already narrows: with a 10% margin,
 * E2108's 90% interval entered as 95% (HR 1.11, 0.82 to 1.52, P = .57)
 * would pass. */
#define MP_XCHECK_Z_MARGIN 0.05

/* The events a standard error implies (Schoenfeld 1983: var(ln HR) =
 * 1 / (D f (1 - f)), D events, f the fraction allocated to one arm) agree
 * with those published within this factor either way: the approximation
 * is good to some 10-20% in trials of these sizes, so only a figure off
 * by more than a factor of 2 (a standard error off by 41%) is an entry
 * error: the events of another outcome or of one arm, a bound of another
 * figure. */
#define MP_XCHECK_EVENTS_FACTOR 2.0

/* The range of the two-sided p that a checked MP_INPUT_HR_CI implies when
 * read as an interval at level (Wald: z = |ln estimate| / se, se = (ln
 * upper - ln lower) / (2 z_level), p = 2 (1 - Phi(z))), over every
 * estimate and bounds within the rounding of their printed digits. */
void mp_crosscheck_p_range(const mp_effect_input *e, double level,
                           double *p_lo, double *p_hi);

/* 1 when the published p of a checked MP_INPUT_HR_CI with has_p agrees
 * with its interval read at level, p being multiplied by sides (1: a
 * two-sided p, as the format means; 2: a one-sided p): the implied z range
 * widened by MP_XCHECK_Z_MARGIN either way meets the z range of
 * p +/- its half unit. */
int mp_crosscheck_p_agrees(const mp_effect_input *e, double level, int sides);

/* The range of se(ln HR) within the rounding of the printed digits of a
 * checked hazard-ratio figure (interval, p, log-hazard-ratio or peto);
 * 0 for counts (then *lo and *hi are unchanged).  *lo may be 0 (an
 * interval or estimate that rounding may shrink to nothing). */
int mp_crosscheck_se_range(const mp_effect_input *e, double *lo, double *hi);

/* Events implied by a standard error (Schoenfeld 1983; Peto's 4 / se^2 for
 * f = 0.5): 1 / (se^2 f (1 - f)), f the fraction allocated to the
 * experimental arm. */
double mp_crosscheck_implied_events(double se, double f);

/* Run every cross-check on outcome o of study s; o->effect must have
 * passed mp_effect_check.  Warnings are added to err at s->file and the
 * line of the element concerned. */
void mp_crosscheck_outcome(const mp_study *s, const mp_outcome *o,
                           mp_errors *err);

#endif
