/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_groupseq.h - group-sequential boundaries by alpha spending: the
 * monitoring boundaries of trial sequential analysis, knowing nothing of
 * meta-analysis.
 *
 * A test statistic is watched at K looks, at information fractions
 * t_1 < ... < t_K of a planned maximum.  Under the null hypothesis the
 * statistics Z_k are standard normal with corr(Z_j, Z_k) = sqrt(t_j / t_k)
 * (the canonical joint distribution: Jennison and Turnbull 2000, ch. 3).
 * Two-sided symmetric boundaries +-c_k are chosen so that the probability
 * of first crossing either one at look k is what the spending function
 * allows there (Lan and DeMets 1983):
 *     P(|Z_j| < c_j for j < k, |Z_k| >= c_k) = 2 (a(t_k) - a(t_{k-1})),
 * with a(t) the one-sided spending function of total alpha/2.  The
 * probabilities are computed by the recursive numerical integration of
 * Armitage, McPherson and Rowe (1969) as Jennison and Turnbull (2000,
 * ch. 19) lay it out: the sub-density of Z_k on the continuation region is
 * carried from look to look on Gauss-Legendre panels no wider than the
 * next look's kernel, and each c_k is found by Brent's root finder.  No
 * shortcut of the form c / sqrt(t) is used anywhere.  Accuracy: 1e-9 on
 * the crossing probabilities, which puts the boundaries within 1e-7.
 */
#ifndef MP_GROUPSEQ_H
#define MP_GROUPSEQ_H

#include <stddef.h>

#include "mp_error.h"

/* Spending families, as --spending names them. */
typedef enum {
    MP_SPEND_OBF,     /* obf: Lan-DeMets O'Brien-Fleming type,
                       *      a(t) = 2 (1 - Phi(z_{1 - a/2} / sqrt(t))) */
    MP_SPEND_POCOCK,  /* pocock: Lan-DeMets Pocock type,
                       *      a(t) = a ln(1 + (e - 1) t) */
    MP_SPEND_HSD      /* hsd:GAMMA: Hwang, Shih and DeCani (1990),
                       *      a(t) = a (1 - e^(-GAMMA t)) / (1 - e^-GAMMA),
                       *      a t when GAMMA = 0 */
} mp_spending_kind;

typedef struct {
    mp_spending_kind kind;
    double gamma;     /* of hsd */
} mp_spending;

/* Parse "obf", "pocock" or "hsd:GAMMA" (GAMMA a finite decimal between
 * -40 and 40).  MP_OK, or MP_EINPUT with a one-line reason in why (may be
 * NULL). */
mp_status mp_spending_parse(const char *text, mp_spending *s, char *why,
                            size_t whylen);

/* The text form of s ("obf", "pocock", "hsd:-4"), into buf. */
void mp_spending_format(const mp_spending *s, char *buf, size_t len);

/* a(t): the alpha spent by fraction t (clamped to [0, 1]) of a spending
 * function of total alpha (one side's share when the caller passes
 * alpha/2). */
double mp_spending_alpha(const mp_spending *s, double alpha, double t);

/* The information (in 1/variance units of the log effect) with which a
 * two-sided test of level alpha has the given power against a true log
 * effect delta (nonzero): (z_{1-alpha/2} + z_{power})^2 / delta^2, the
 * fixed-sample information (Jennison and Turnbull 2000, section 1.3).
 * For a hazard ratio under 1:1 allocation the events are 4 times this
 * (Schoenfeld 1983).  NaN for alpha or power outside (0, 1) or delta 0
 * or not finite. */
double mp_groupseq_information(double alpha, double power, double delta);

/* Looks closer than this fraction to the previous look are not new looks
 * (the contract: less than 1% of the required information). */
#define MP_GROUPSEQ_MIN_STEP 0.01

typedef struct {
    double bound;     /* c_k: the two-sided boundary of Z at this look */
    double spent;     /* a(t_k): alpha spent per side by this look */
    int new_look;     /* 0: within MP_GROUPSEQ_MIN_STEP of the previous
                       * look (or past the first fraction >= 1): it takes
                       * the previous boundary and spends nothing */
    double futility;  /* a_k of mp_groupseq_futility, NaN until then (and
                       * where there is none) */
    double beta_spent;/* b(t_k): beta spent by this look */
} mp_groupseq_look;

/* Boundaries for looks at the fractions t[0..K-1] (finite, > 0,
 * nondecreasing; fractions past 1 allowed: the first look at or past 1
 * spends what is left of alpha, later ones keep its boundary), for a
 * two-sided test of total level alpha (in (0, 1)) spent by s.  look[0..K-1]
 * receives the boundaries.  Returns MP_OK; MP_EINPUT (diagnostic added to
 * err, which may be NULL) for an alpha outside (0, 1), a fraction that is
 * not positive and finite or falls; MP_ENUMERIC when the root finder
 * fails; MP_ENOMEM.  GSL's error handler must be off. */
mp_status mp_groupseq_bounds(const double *t, size_t K, const mp_spending *s,
                             double alpha, mp_groupseq_look *look,
                             mp_errors *err);

/* Non-binding futility boundaries by beta spending (Pampallona and Tsiatis
 * 1994; Jennison and Turnbull 2000, section 7.2), for looks whose
 * efficacy boundaries mp_groupseq_bounds has set.  With Z oriented so
 * that the anticipated effect is positive and drift theta (> 0, the
 * expected Z at fraction 1: z_{1-alpha/2} + z_{power} for the required
 * information), a_k is the futility boundary at which
 *     P_theta(max(a_j, -c_j) < Z_j < c_j for j < k, Z_k <= a_k)
 *         = b(t_k) - b(t_{k-1}),
 * b the spending function s of total beta (= 1 - power).  Non-binding:
 * the efficacy boundaries ignore it.  The wedge closes at the first look
 * at or past fraction 1, where a_k = c_k, and wherever the spending would
 * put a_k above c_k; looks that are not new keep the previous a.  Fills
 * look[k].futility and beta_spent.  MP_OK, MP_EINPUT (beta outside (0, 1)
 * or theta not positive and finite; diagnostic added), MP_ENUMERIC,
 * MP_ENOMEM. */
mp_status mp_groupseq_futility(const double *t, size_t K,
                               const mp_spending *s, double beta,
                               double theta, mp_groupseq_look *look,
                               mp_errors *err);

#endif
