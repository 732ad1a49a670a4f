/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_smallstudy.h - tests for small-study effects and trim-and-fill.
 *
 * Inputs are the plain arrays of a dataset (y log effects, v > 0 their
 * sampling variances, k studies) and the fit's options; the figures are
 * those of metafor 3.8 for the same estimator and Hartung-Knapp setting:
 *
 *  - Egger's regression test (Egger et al. 1997, BMJ 315:629-634) as
 *    regtest(model = "rma", predictor = "sei"): the meta-regression
 *    y_i = b0 + b1 sqrt(v_i) + u_i + e_i, u_i ~ N(0, tau2), fitted with
 *    o->method (every estimator of mp_fit, for p = 2 coefficients:
 *    metafor rma.uni with mods = sei); the test of b1 = 0 (z, or t with
 *    k - 2 df under hksj), and b0 with its interval, the "limit estimate"
 *    of the effect of a study with standard error 0 (Sterne and Egger
 *    2005, in Rothstein, Sutton and Borenstein, Publication Bias in
 *    Meta-Analysis, ch. 6; metafor's est, ci.lb, ci.ub).
 *  - The rank correlation test (Begg and Mazumdar 1994, Biometrics
 *    50:1088-1101) as ranktest(): Kendall's tau-b between the
 *    standardized effects (y_i - mu_FE) / sqrt(v_i - 1/sum(1/v)) and v_i;
 *    its p-value from the exact distribution of Kendall's statistic
 *    whenever neither variable has ties (ranktest() calls cor.test()
 *    with exact = TRUE, which is exact exactly when there are no ties),
 *    else from the normal approximation with R's tie-corrected variance
 *    (cor.test, Kendall 1970 ch. 4).  Beyond MP_RANK_EXACT_MAX studies
 *    the normal approximation is used even without ties, where R would
 *    need memory cubic in k; `exact` says which was used.
 *  - Trim-and-fill (Duval and Tweedie 2000, Biometrics 56:455-463 and
 *    JASA 95:89-98) as trimfill() with estimator L0: the side from the
 *    sign of Egger's slope (negative: missing studies on the right),
 *    k0 by the iterated L0 estimator with its standard error, the k0
 *    filled studies mirrored about the trimmed estimate, and the
 *    random-effects fit of the k + k0 studies.
 *
 * k < 3: a test is not available (available = 0, reason set, MP_OK):
 * Egger's regression has 3 parameters (b0, b1, tau2), and metafor's
 * trim-and-fill needs it for the side.  So are the tests when all
 * standard errors are equal (no slope, no rank correlation; metafor
 * fails), and the rank test when all standardized effects are equal
 * (R's cor.test gives NA).
 *
 * Deterministic: every figure depends on the set of (y, v) pairs alone
 * (the studies are put in mp_canonical_order first).  Where metafor's
 * result depends on the order of the rows (trim-and-fill's ranks of
 * tied effects), the canonical order decides.
 */
#ifndef MP_SMALLSTUDY_H
#define MP_SMALLSTUDY_H

#include <stddef.h>

#include "mp_error.h"
#include "mp_fit.h"

/* Fewest studies for which the tests are computed. */
#define MP_SMALL_STUDY_MIN_K 3
/* Below this many studies the results carry mp_small_study_k_warning. */
#define MP_SMALL_STUDY_WARN_K 10
/* Most studies for which the rank test's p is exact (O(k^3) time). */
#define MP_RANK_EXACT_MAX 1000

/* The warning of the JSON contract (small_study.k_warning, Cochrane
 * Handbook 13.3.5.4) for k < MP_SMALL_STUDY_WARN_K, else NULL.  A static
 * string: do not free. */
const char *mp_small_study_k_warning(size_t k);

/* ---- Egger's regression test ------------------------------------------- */

typedef struct {
    int available;             /* 0: not computed, see reason */
    const char *reason;        /* static, or NULL when available */
    double statistic, df, p;   /* test of b1 = 0: z (df NAN) or t(k-2) */
    double slope, slope_se;    /* b1 and its SE (HKSJ-scaled under hksj) */
    double limit_log_estimate, limit_se;   /* b0 and its SE */
    double limit_lower, limit_upper;       /* b0's interval at o->level, log scale */
    double tau2;               /* residual tau^2 of the regression */
    int iterations;            /* of the tau^2 estimator (0: closed form) */
} mp_egger_result;

/* Egger's test of y, v (k studies) with o's estimator, hksj and level.
 * Returns MP_OK (also when not available); MP_EINPUT for invalid data or
 * options (diagnostics added, as mp_fit); MP_ENUMERIC when the fit is
 * not finite; MP_ENOMEM.  err may be NULL. */
mp_status mp_egger(const double *y, const double *v, size_t k,
                   const mp_fit_options *o, mp_egger_result *r,
                   mp_errors *err);

/* ---- the rank correlation test ----------------------------------------- */

typedef struct {
    int available;
    const char *reason;
    double tau, p;             /* Kendall's tau-b and its two-sided p */
    int exact;                 /* 1: exact p, 0: normal approximation */
} mp_rank_result;

/* Begg and Mazumdar's test of y, v.  MP_OK (also when not available),
 * MP_EINPUT for invalid data, MP_ENOMEM. */
mp_status mp_rank_test(const double *y, const double *v, size_t k,
                       mp_rank_result *r, mp_errors *err);

/* ---- trim-and-fill ------------------------------------------------------ */

typedef enum { MP_SIDE_LEFT, MP_SIDE_RIGHT } mp_side;

/* "left" or "right". */
const char *mp_side_name(mp_side s);

/* metafor trimfill()'s iteration limit (its maxiter default). */
#define MP_TRIMFILL_MAXITER 100

typedef struct {
    int available;
    const char *reason;
    mp_side side;              /* where the missing studies are */
    size_t k0;                 /* studies filled */
    double k0_se;              /* SE of the L0 estimate of k0 */
    int iterations;            /* of the trim-and-fill loop */
    double *filled_y;          /* k0 log effects (NULL when k0 = 0), owned */
    double *filled_se;         /* their standard errors, owned */
    mp_fit_result fit;         /* the k + k0 studies; see mp_trimfill */
} mp_trimfill_result;

/* Trim-and-fill of y, v with o's estimator.  As metafor 3.8's
 * trimfill(), the fits of the iterations (and of the side's regression)
 * and the fit of the k + k0 studies use the z test, whatever o->hksj;
 * with k0 = 0, fit is the fit of the k studies with o as given (its
 * HKSJ block under hksj).  The adjusted fit uses o->level (metafor's
 * refit takes its default 95% whatever the model's level).  The filled
 * studies are in metafor's order: that of the studies they mirror, by
 * increasing effect on the side's scale (the effects negated for the
 * right side).
 * Returns MP_OK (also when not available: nothing allocated); MP_EINPUT
 * for invalid data or options; MP_ENUMERIC when a fit fails (its
 * diagnostic added) or k0 does not settle within MP_TRIMFILL_MAXITER
 * iterations; MP_ENOMEM.  On MP_OK free the result with
 * mp_trimfill_free (also safe on a result that is not available); on
 * failure nothing is left allocated. */
mp_status mp_trimfill(const double *y, const double *v, size_t k,
                      const mp_fit_options *o, mp_trimfill_result *r,
                      mp_errors *err);
void mp_trimfill_free(mp_trimfill_result *r);

/* ---- the three together ------------------------------------------------- */

/* What --bias reports: the k < MP_SMALL_STUDY_WARN_K warning and the
 * three analyses (each with available = 0 and its reason when it could
 * not be computed). */
typedef struct {
    size_t k;
    const char *k_warning;     /* mp_small_study_k_warning(k), or NULL */
    mp_egger_result egger;
    mp_rank_result rank;
    mp_trimfill_result trimfill;
} mp_small_study;

/* Egger's test, the rank test and trim-and-fill of y, v with o.  Returns
 * the first failure of mp_egger, mp_rank_test or mp_trimfill (nothing
 * left allocated), or MP_OK: free the result with mp_small_study_free. */
mp_status mp_small_study_run(const double *y, const double *v, size_t k,
                             const mp_fit_options *o, mp_small_study *r,
                             mp_errors *err);
void mp_small_study_free(mp_small_study *r);

#endif
