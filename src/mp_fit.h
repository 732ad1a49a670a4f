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
#include <stdint.h>

#include "mp_error.h"

/* Between-study variance (tau^2) estimators. */
typedef enum {
    MP_METHOD_DL,   /* DerSimonian and Laird 1986 (default) */
    MP_METHOD_REML, /* restricted maximum likelihood (Viechtbauer 2005) */
    MP_METHOD_PM,   /* Paule and Mandel 1982 */
    MP_METHOD_SJ,   /* Sidik and Jonkman 2005 */
    MP_METHOD_HE,   /* Hedges 1983 (Hedges and Olkin 1985) */
    MP_METHOD_ML,   /* maximum likelihood (Hardy and Thompson 1996) */
    MP_METHOD_EB,   /* empirical Bayes (Morris 1983; Berkey et al. 1995) */
    MP_METHOD_COUNT
} mp_method;

/* "DL", "REML", ... */
const char *mp_method_name(mp_method m);
/* Parse an estimator name (exact, upper case as in metafor).  Returns 0 and
 * sets *m on success, -1 for an unknown name. */
int mp_method_parse(const char *name, mp_method *m);

/* Critical value of the prediction interval mu +/- crit sqrt(se^2 + tau2). */
typedef enum {
    MP_PI_DEFAULT,  /* metafor predict(): z, or t(k-1) under HKSJ */
    MP_PI_Z,        /* normal quantile */
    MP_PI_T_K1,     /* t with k-1 df */
    MP_PI_T_K2,     /* t with k-2 df (Higgins, Thompson and Spiegelhalter
                       2009; Cochrane Handbook ch. 10): none for k = 2 */
    MP_PI_COUNT
} mp_pi_method;

/* "z", "t-k1", "t-k2" (MP_PI_DEFAULT: "default"). */
const char *mp_pi_method_name(mp_pi_method m);
/* Parse "z", "t-k1" or "t-k2".  0 and *m set, or -1. */
int mp_pi_method_parse(const char *name, mp_pi_method *m);

typedef struct {
    mp_method method;
    int hksj;          /* 1: Hartung-Knapp-Sidik-Jonkman t test (metafor test="knha") */
    mp_pi_method pi;   /* prediction interval's critical value */
    double level;      /* confidence level of every interval, 0 < level < 1 */
    int maxiter;       /* iteration limit of Fisher scoring (ML, REML, EB;
                        * then the safeguard takes over) and of the root
                        * searches of the Q-profile interval */
    double tol;        /* convergence tolerance on tau^2 of iterative estimators */
    int tau2_ci;       /* 1: compute the Q-profile interval of tau^2 (slower) */
} mp_fit_options;

/* DL, no HKSJ, MP_PI_DEFAULT, level 0.95, maxiter 1000, tol 1e-12,
 * tau2_ci 1. */
void mp_fit_options_default(mp_fit_options *o);

typedef struct {
    double log_estimate, se;
    double lower, upper;       /* confidence interval, log scale */
    double z, p;               /* Wald z test of log_estimate = 0, two-sided */
    double weight_sum;         /* sum 1/v: a study's weight is (1/v) / this */
} mp_fixed_result;

typedef struct {
    mp_method method;
    double tau2, tau;
    double log_estimate, se;   /* se is the HKSJ-rescaled SE under hksj */
    double lower, upper;       /* confidence interval, log scale */
    int t_test;                /* 1: statistic is t with df = k - 1 */
    double statistic, df, p;   /* df is NAN for the z test */
    double pi_lower, pi_upper; /* prediction interval, log scale (NAN for
                                  t-k2 with k = 2) */
    mp_pi_method pi_method;    /* the method used: z, t-k1 or t-k2 */
    double pi_df;              /* its df (NAN for z) */
    double tau2_lower, tau2_upper;   /* Q-profile CI of tau^2 (NAN if not computed) */
    double I2_lower, I2_upper, H2_lower, H2_upper;  /* matching I^2, H^2 bounds */
    int iterations;            /* iterations used (0 for closed-form estimators) */
    double weight_sum;         /* sum 1/(v + tau2), the random-effects weights */
} mp_random_result;

typedef struct {
    double Q, df, p;           /* Cochran's Q with k - 1 df */
    double I2, H2;             /* metafor's, for the chosen estimator (I2 in percent) */
} mp_heterogeneity;

typedef struct {
    mp_status status;          /* MP_OK, or why this fit failed */
    size_t k;
    mp_fixed_result fixed;
    int has_random;            /* 0 when k < 2: random and het are all NAN */
    mp_random_result random;
    mp_heterogeneity het;
} mp_fit_result;

/* Fit the fixed-effect (inverse variance) model and, for k >= 2, the
 * random-effects model with o->method.
 * Deterministic: the studies are first put in their canonical order
 * (mp_canonical_order), so every figure of *r is a function of the set of
 * (y, v) pairs alone, bit for bit, whatever order they are given in.
 * Returns MP_OK; MP_EINPUT for k == 0, a non-finite y or a v that is not
 * finite and > 0; MP_ENOMEM; MP_ENUMERIC when a result is not finite
 * (sampling variances so extreme that sums overflow).  The iterative
 * estimators always find their estimate otherwise (see mp_tau2_iterative).
 * On failure a diagnostic
 * naming the estimator is added to err (may be NULL), r->status is set, and
 * the other fields of *r are unspecified. */
mp_status mp_fit(const double *y, const double *v, size_t k,
                 const mp_fit_options *o, mp_fit_result *r, mp_errors *err);

/* The chi-square quantile with upper tail probability p, 0 < p < 1
 * (R's qchisq(p, df, lower.tail = FALSE)), accurate for any df > 0
 * (GSL's own inverse is not for large df).  NAN on failure. */
double mp_chisq_quantile_upper(double p, double df);

/* ---- Building blocks, shared with mp_analyses.c --------------------- */

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

#endif
