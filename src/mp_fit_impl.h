/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_fit_impl.h - the building blocks of mp_fit.c that mp_analyses.c
 * shares: canonical order, compensated sums, weighted moments, the
 * closed-form and iterative tau^2 estimators over a moment source.
 * Internal to libmetapool: not installed, not part of the API.
 */
#ifndef MP_FIT_IMPL_H
#define MP_FIT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_math.h>

#include "mp_fit.h"

/* The canonical order of studies: by the order key of y (mp_order_key),
 * then by that of v, ties of equal pairs in index order.  Summing in this
 * order makes every sum, and so every pooled figure, independent of the
 * order the studies came in (rounding included).  perm[0..k-1] receives
 * the row indices in canonical order.  Returns MP_OK or MP_ENOMEM (a
 * scratch array of k entries is allocated for k >= 64). */
mp_status mp_canonical_order(const double *y, const double *v, size_t k,
                             size_t *perm);

/* y, v in canonical order: ys[j] = y[perm[j]], vs[j] = v[perm[j]]
 * (perm: k entries, filled).  MP_OK or MP_ENOMEM. */
mp_status mp_canonical_copy(const double *y, const double *v, size_t k,
                            size_t *perm, double *ys, double *vs);

/* mp_fit on studies already in canonical order (no copy, no sort; the
 * checks of mp_fit are made). */
mp_status mp_fit_canonical(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *r,
                           mp_errors *err);

/* An unsigned key with the order of the doubles (-0 before +0), for the
 * order statistics of mad() in PM's bracket, and its inverse. */
uint64_t mp_order_key(double x);
double mp_order_key_value(uint64_t key);

/* Neumaier's compensated summation (Neumaier 1974): the sum of the added
 * terms with an error independent of their order up to rounding. */
typedef struct {
    double sum, comp;
} mp_nsum;

static inline void mp_nsum_add(mp_nsum *a, double x)
{
    double t = a->sum + x;
    if ((a->sum >= 0 ? a->sum : -a->sum) >= (x >= 0 ? x : -x))
        a->comp += (a->sum - t) + x;
    else
        a->comp += (x - t) + a->sum;
    a->sum = t;
}

static inline double mp_nsum_value(const mp_nsum *a)
{
    return a->sum + a->comp;
}

/* Weighted moments of y over a set of studies, weights w = 1/(v + tau2)
 * (or unit weights, see mp_moments_unit). */
typedef struct {
    size_t n;          /* studies summed */
    double sw;         /* sum w */
    double sw2, sw3;   /* sum w^2, sum w^3 */
    double mu;         /* weighted mean sum w y / sum w */
    double q;          /* sum w (y - mu)^2: Cochran's Q at these weights */
    double qw;         /* sum w^2 (y - mu)^2 */
    double sv;         /* sum v */
    double tp;         /* tr P = sum w - sum w^2 / sum w, computed as
                        * sum_a w_a (sum_{b != a} w_b) / sum w, which stays
                        * accurate when one study carries most weight */
} mp_moments;

/* No study skipped. */
#define MP_SKIP_NONE ((size_t)-1)

/* Moments at weights 1/(v + tau2) over the studies 0..k-1 other than
 * skip (MP_SKIP_NONE to use all). */
void mp_moments_at(const double *y, const double *v, size_t k, size_t skip,
                   double tau2, mp_moments *m);
/* The same with unit weights (sw = n, mu = mean y, q = sum (y - mean)^2). */
void mp_moments_unit(const double *y, const double *v, size_t k, size_t skip,
                     mp_moments *m);

/* Closed-form tau^2 of DL (from fe = moments at 1/v) or HE (from unit =
 * unit-weight moments), truncated at 0 as metafor.  Other methods: NAN. */
double mp_tau2_closed(mp_method method, const mp_moments *fe,
                      const mp_moments *unit);

/* Fill every block of r except the Q-profile interval (set to NAN) from
 * k, the fixed-effect moments fe (weights 1/v), tau2 and re (moments at
 * weights 1/(v + tau2)); k >= 1 (k == 1: fixed block only).  Returns
 * r->status: MP_OK, or MP_ENUMERIC (diagnostic added) when a figure that
 * must exist is not finite. */
mp_status mp_fit_finish(size_t k, const mp_moments *fe, double tau2,
                        const mp_moments *re, const mp_fit_options *o,
                        mp_fit_result *r, mp_errors *err);

/* ---- Moment sources: the sums an iterative estimator needs ----------- */

/* The iterative estimators (REML, ML, EB, PM) see their set of studies
 * only through a moment source, so the one copy of each procedure serves
 * a plain fit (the arrays of the studies) and the leave-one-out fits of
 * mp_analyses.c (the full data minus one study, from power series). */

/* What mp_msource.at must fill besides n, sw, mu and q. */
enum {
    MP_NEED_Q = 0,      /* n, sw, mu, q */
    MP_NEED_TP = 1,     /* and tp */
    MP_NEED_ALL = 3     /* and tp, sw2, sw3, qw */
};

typedef struct mp_msource mp_msource;
struct mp_msource {
    size_t n;           /* studies in the set, >= 2 */
    /* Moments of the set at weights 1/(v + t) (at least the fields of
     * need; sv is not needed). */
    void (*at)(const mp_msource *s, double t, int need, mp_moments *m);
    /* sum over the set of log1p(t / v) */
    double (*log1p_sum)(const mp_msource *s, double t);
    /* Unit-weight moments of the set: n, q and sv at least. */
    void (*unit)(const mp_msource *s, mp_moments *u);
    /* R's mad() of the y of the set. */
    double (*mad)(const mp_msource *s);
    void *ctx;
    /* NULL, or set to 1 when a decision that chooses the path of the
     * procedure could go the other way under rounding-level changes of
     * the sums: Fisher scoring converging at the last allowed iteration
     * (or else the safeguard); QE at an end of PM's bracket within 1e-9
     * relative of k - 1 (Brent's search starts from another bracket).  A
     * caller whose sums differ from a plain fit's by rounding then refits
     * exactly. */
    int *doubtful;
};

/* tau2 of an iterative estimator (o->method REML, ML, EB or PM) on the set
 * of s, by exactly the procedure of mp_fit: ML, REML, EB by metafor's
 * Fisher scoring, and where it does not converge within o->maxiter steps
 * by the root of the estimating equation, bracketed and found to full
 * double precision; PM by the root of QE(tau2) = k - 1 on a bracket grown
 * as far as needed.  *iters counts scoring steps plus the steps of the
 * root searches.  Returns MP_OK (tau2 and *iters set), MP_ENUMERIC only
 * when a sum is not finite (diagnostic added as mp_fit does) or
 * MP_ENOMEM. */
mp_status mp_tau2_iterative(const mp_msource *s, const mp_fit_options *o,
                            double *tau2, int *iters, mp_errors *err);

/* Check the options as mp_fit does: 0 < level < 1, maxiter >= 1, tol > 0
 * and finite, a known method.  MP_OK or MP_EINPUT with a diagnostic. */
mp_status mp_fit_check_options(const mp_fit_options *o, mp_errors *err);

/* Check the data as mp_fit does: MP_OK or MP_EINPUT with one diagnostic
 * per bad study (and one for k == 0). */
mp_status mp_fit_check_input(const double *y, const double *v, size_t k,
                             mp_errors *err);

/* Brent's method (GSL; R's uniroot is Brent's zeroin too) on [*lo, *hi],
 * where f changes sign, until the bracket is within epsabs + epsrel |x|,
 * counting iterations in *iters up to maxit.  *lo and *hi are left at the
 * last bracket.  MP_OK (*root set), MP_ENUMERIC (not within maxit, or f
 * not finite) or MP_ENOMEM.  The one Brent loop of the library: the fits,
 * the Bayesian quantiles and the sequential boundaries call it. */
mp_status mp_root_brent(gsl_function *f, double *lo, double *hi,
                        double epsabs, double epsrel, int maxit, double *root,
                        int *iters);

/* The root of f in [lo, hi], f(lo) >= 0 >= f(hi) (the caller has
 * checked), to epsabs (plus 4 DBL_EPSILON relative) by Brent's method
 * within maxit iterations; when sure, Brent's method gets 200 iterations
 * and bisection to adjacent doubles then finishes its bracket (the end
 * with the smaller |f|), so only a non-finite f makes it fail
 * (MP_ENUMERIC), besides MP_ENOMEM.  *iters receives the evaluations
 * of both.  Serves the fits and the small-study regression. */
mp_status mp_root_bracketed(gsl_function *f, double lo, double hi,
                            double epsabs, int maxit, int sure, double *root,
                            int *iters);

/* The two-sided critical value at a confidence level: normal (df NAN) or
 * t with df degrees of freedom; and the two-sided p of a z (df NAN) or t
 * statistic.  Shared by the fits and the small-study tests. */
double mp_fit_critical(double level, double df);
double mp_fit_two_sided_p(double stat, double df);

#endif
