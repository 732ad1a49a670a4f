/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_smallstudy.c - Egger, Begg-Mazumdar, trim-and-fill; see
 * mp_smallstudy.h.
 *
 * Egger's test needs a meta-regression on one moderator x = sqrt(v),
 * which mp_fit (intercept only) does not have: it is here, with metafor
 * rma.uni's estimators for p = 2 coefficients.  With weights w and the
 * moderator centred at its weighted mean (c_i = x_i - xbar), X'WX is
 * diag(S0, Sxx), S0 = sum w, Sxx = sum w c^2, so every quantity of
 * rma.uni is a sum over the studies (O(k)):
 *   b1 = sum w c (y - ybar) / Sxx,  b0 = ybar - b1 xbar,
 *   Var b1 = 1/Sxx,  Var b0 = 1/S0 + xbar^2/Sxx   (times s2w under HKSJ)
 *   e_i = y_i - b0 - b1 x_i,  RSS = Y'PY = sum w e^2,  Y'PPY = sum w^2 e^2
 *   h_ij = 1/S0 + c_i c_j / Sxx,  P = W - W X (X'WX)^-1 X'W,
 *   tr P  = S0 - sum w^2 h_ii
 *   tr PP = sum w^2 - 2 sum w^3 h_ii + (sum w^2)^2/S0^2
 *           + 2 (sum w^2 c)^2/(S0 Sxx) + (sum w^2 c^2)^2/Sxx^2.
 */
#include "mp_smallstudy.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

#include "mp_fit_impl.h"

const char *mp_small_study_k_warning(size_t k)
{
    if (k >= MP_SMALL_STUDY_WARN_K)
        return NULL;
    return "fewer than 10 studies: the tests for funnel plot asymmetry have "
           "too little power to rule small-study effects in or out "
           "(Cochrane Handbook 13.3.5.4)";
}

const char *mp_side_name(mp_side s)
{
    return s == MP_SIDE_RIGHT ? "right" : "left";
}

static const char too_few[] =
    "fewer than 3 studies: too few for a test of small-study effects";
static const char equal_se[] =
    "all standard errors are equal: nothing to relate the effects to";
static const char equal_effects[] =
    "all standardized effects are equal: no rank correlation";

/* ---- the studies in canonical order ------------------------------------ */

typedef struct {
    double *y, *v, *x;   /* x = sqrt(v), Egger's moderator */
    size_t k;
} studies;

static void studies_free(studies *s)
{
    free(s->y);
    s->y = NULL;
}

/* Check o and the data as mp_fit does, then copy them in canonical
 * order.  MP_OK, MP_EINPUT or MP_ENOMEM. */
static mp_status studies_init(const double *y, const double *v, size_t k,
                              const mp_fit_options *o, studies *s,
                              mp_errors *err)
{
    s->y = NULL;
    mp_status st = o ? mp_fit_check_options(o, err) : MP_OK;
    if (st == MP_OK)
        st = mp_fit_check_input(y, v, k, err);
    if (st != MP_OK)
        return st;
    size_t *perm = malloc(k * sizeof *perm);
    s->y = malloc(3 * k * sizeof *s->y);
    s->k = k;
    st = perm && s->y ? MP_OK : MP_ENOMEM;
    if (st == MP_OK) {
        s->v = s->y + k;
        s->x = s->y + 2 * k;
        st = mp_canonical_copy(y, v, k, perm, s->y, s->v);
    }
    for (size_t i = 0; st == MP_OK && i < k; i++)
        s->x[i] = sqrt(s->v[i]);
    free(perm);
    if (st != MP_OK) {
        studies_free(s);
        if (err)
            mp_errors_add(err, NULL, 0, "out of memory");
    }
    return st;
}

/* ---- the meta-regression on sqrt(v) ------------------------------------ */

typedef struct {
    double s0, xbar, ybar, sxx;   /* see the top of the file */
    double b0, b1;
    double rss, rss2;             /* Y'PY, Y'PPY */
    double sw2, trp, trpp;        /* sum w^2, tr P, tr PP */
    double trpv;                  /* tr PV (unit weights: HE) */
} reg_moments;

/* w_i: 1/(v_i + t), or 1 (unit). */
static double weight(const studies *s, size_t i, double t, int unit)
{
    return unit ? 1.0 : 1.0 / (s->v[i] + t);
}

/* Weighted means of x and y (first pass). */
static void reg_means(const studies *s, double t, int unit, reg_moments *m)
{
    mp_nsum a = { 0, 0 }, bx = { 0, 0 }, by = { 0, 0 };
    for (size_t i = 0; i < s->k; i++) {
        double w = weight(s, i, t, unit);
        mp_nsum_add(&a, w);
        mp_nsum_add(&bx, w * s->x[i]);
        mp_nsum_add(&by, w * s->y[i]);
    }
    m->s0 = mp_nsum_value(&a);
    m->xbar = mp_nsum_value(&bx) / m->s0;
    m->ybar = mp_nsum_value(&by) / m->s0;
}

/* Every quantity of the top of the file at weights w(t) (three passes). */
static void reg_at(const studies *s, double t, int unit, reg_moments *m)
{
    reg_means(s, t, unit, m);
    enum { SXX, SXY, W2, W2C, W2C2, W3, W3C2, VC2, SV, NS };
    mp_nsum n[NS];
    memset(n, 0, sizeof n);
    for (size_t i = 0; i < s->k; i++) {
        double w = weight(s, i, t, unit), c = s->x[i] - m->xbar;
        double w2 = w * w;
        mp_nsum_add(&n[SXX], w * c * c);
        mp_nsum_add(&n[SXY], w * c * (s->y[i] - m->ybar));
        mp_nsum_add(&n[W2], w2);
        mp_nsum_add(&n[W2C], w2 * c);
        mp_nsum_add(&n[W2C2], w2 * c * c);
        mp_nsum_add(&n[W3], w2 * w);
        mp_nsum_add(&n[W3C2], w2 * w * c * c);
        mp_nsum_add(&n[VC2], s->v[i] * c * c);
        mp_nsum_add(&n[SV], s->v[i]);
    }
    double v[NS];
    for (int j = 0; j < NS; j++)
        v[j] = mp_nsum_value(&n[j]);
    m->sxx = v[SXX];
    m->b1 = v[SXY] / m->sxx;
    m->b0 = m->ybar - m->b1 * m->xbar;
    m->sw2 = v[W2];
    m->trp = m->s0 - (v[W2] / m->s0 + v[W2C2] / m->sxx);
    m->trpp = v[W2] - 2.0 * (v[W3] / m->s0 + v[W3C2] / m->sxx)
              + v[W2] * v[W2] / (m->s0 * m->s0)
              + 2.0 * v[W2C] * v[W2C] / (m->s0 * m->sxx)
              + v[W2C2] * v[W2C2] / (m->sxx * m->sxx);
    /* HE's tr PV = sum v (1 - h_ii), h_ii = 1/k + c^2/Sxx at unit weights */
    m->trpv = v[SV] - v[SV] / m->s0 - v[VC2] / m->sxx;
    mp_nsum r = { 0, 0 }, r2 = { 0, 0 };
    for (size_t i = 0; i < s->k; i++) {
        double w = weight(s, i, t, unit);
        double e = (s->y[i] - m->ybar) - m->b1 * (s->x[i] - m->xbar);
        mp_nsum_add(&r, w * e * e);
        mp_nsum_add(&r2, w * w * e * e);
    }
    m->rss = mp_nsum_value(&r);
    m->rss2 = mp_nsum_value(&r2);
}

static double df_resid(const studies *s)
{
    return (double)s->k - 2.0;
}

/* ---- root finding (PM, and the safeguard of Fisher scoring) ---------- */

typedef double (*decreasing_fn)(const studies *s, mp_method m, double t);

typedef struct {
    const studies *s;
    mp_method method;
    decreasing_fn f;
} root_params;

static double root_eval(double t, void *p)
{
    const root_params *rp = p;
    return rp->f(rp->s, rp->method, t);
}

/* ---- tau^2 of the regression (metafor rma.uni, p = 2) ------------------ */

/* Hedges 1983 for meta-regression: (RSS - tr PV) / (k - p) at unit
 * weights, before truncation (also the start of Fisher scoring). */
static double reg_he_raw(const studies *s)
{
    reg_moments u;
    reg_at(s, 0.0, 1, &u);
    return (u.rss - u.trpv) / df_resid(s);
}

/* DerSimonian-Laird for meta-regression (Raudenbush 2009):
 * (RSS - (k - p)) / tr P at w = 1/v. */
static double reg_dl_raw(const studies *s)
{
    reg_moments m;
    reg_at(s, 0.0, 0, &m);
    return (m.rss - df_resid(s)) / m.trp;
}

/* Sidik and Jonkman 2005 as metafor: tau0 = mean (y - ybar)^2 (the
 * moderator ignored), tau2 = tau0 RSS(tau0) / (k - p). */
static double reg_sj(const studies *s)
{
    mp_moments u;
    mp_moments_unit(s->y, s->v, s->k, MP_SKIP_NONE, &u);
    double tau0 = u.q / (double)s->k;
    reg_moments m;
    reg_at(s, tau0, 0, &m);
    return tau0 * m.rss / df_resid(s);
}

/* The generalized Q minus its expectation k - p (Paule and Mandel 1982). */
static double reg_qe_excess(const studies *s, mp_method method, double t)
{
    reg_moments m;
    (void)method;
    reg_at(s, t, 0, &m);
    return m.rss - df_resid(s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's median() of x[0..n-1] (sorted in place). */
static double median_sorted(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
}

/* R's mad(y): 1.4826 median |y - median y|.  NAN without memory. */
static double mad_of(const studies *s)
{
    double *d = malloc(s->k * sizeof *d);
    if (!d)
        return NAN;
    memcpy(d, s->y, s->k * sizeof *d);
    double med = median_sorted(d, s->k);
    for (size_t i = 0; i < s->k; i++)
        d[i] = fabs(s->y[i] - med);
    double mad = 1.4826 * median_sorted(d, s->k);
    free(d);
    return mad;
}

/* The root of the decreasing f of rp above 0: 0 when f(0) <= 0, else
 * in [0, hi], hi doubled from hi0 until f(hi) <= 0.  MP_OK, MP_ENUMERIC
 * (f not finite) or MP_ENOMEM. */
static mp_status root_above_zero(const root_params *rp, double hi0,
                                 double epsabs, double *root, int *iters)
{
    double f0 = rp->f(rp->s, rp->method, 0.0), hi = hi0;
    if (!isfinite(f0))
        return MP_ENUMERIC;
    if (f0 <= 0.0) {
        *root = 0.0;
        return MP_OK;
    }
    while (isfinite(hi) && rp->f(rp->s, rp->method, hi) > 0.0)
        hi *= 2.0;
    if (!isfinite(hi))
        return MP_ENUMERIC;
    /* Brent's method, finished by bisection to adjacent doubles: the
     * fits' root finder (mp_fit_impl.h), with no iteration limit */
    gsl_function f = { root_eval, (void *)(uintptr_t)rp };
    return mp_root_bracketed(&f, 0.0, hi, epsabs, 0, 1, root, iters);
}

/* Paule-Mandel as metafor (the root of QE = k - p in [0, tau2.max],
 * tau2.max = max(100, 10 mad(y)^2); 0 when QE(0) < k - p), with the
 * upper end doubled while the root lies beyond it, as mp_fit does. */
static mp_status reg_pm(const studies *s, const mp_fit_options *o,
                        double *tau2, int *iters)
{
    root_params rp = { s, o->method, reg_qe_excess };
    double hi = 100.0;
    if (reg_qe_excess(s, o->method, hi) > 0.0) {
        double mad = mad_of(s);
        hi = GSL_MAX(hi, 10.0 * mad * mad);
    }
    return root_above_zero(&rp, hi, o->tol, tau2, iters);
}

/* The numerator of metafor's Fisher scoring step (the estimating
 * function, positive below its root) and in *den its denominator:
 *  ML   (Hardy and Thompson 1996): (Y'PPY - sum w) / sum w^2
 *  REML (Viechtbauer 2005):        (Y'PPY - tr P) / tr PP
 *  EB   (Morris 1983):             (Y'PY k/(k-p) - k) / sum w */
static double reg_score(const studies *s, mp_method method, double t,
                        double *den)
{
    reg_moments m;
    reg_at(s, t, 0, &m);
    double k = (double)s->k;
    if (method == MP_METHOD_ML) {
        *den = m.sw2;
        return m.rss2 - m.s0;
    }
    if (method == MP_METHOD_REML) {
        *den = m.trpp;
        return m.rss2 - m.trp;
    }
    *den = m.s0;
    return m.rss * k / df_resid(s) - k;
}

static double reg_score_fn(const studies *s, mp_method method, double t)
{
    double den;
    return reg_score(s, method, t, &den);
}

/* ll(0) - ll(t) of metafor's ll0check (ML, REML): -1/2 sum log(v + t)
 * - 1/2 RSS [- 1/2 log det X'WX for REML], constants cancelled. */
static double reg_loglik_drop(const studies *s, mp_method method, double t)
{
    reg_moments m0, mt;
    reg_at(s, 0.0, 0, &m0);
    reg_at(s, t, 0, &mt);
    mp_nsum l = { 0, 0 };
    for (size_t i = 0; i < s->k; i++)
        mp_nsum_add(&l, log1p(t / s->v[i]));
    double drop = 0.5 * mp_nsum_value(&l) + 0.5 * (mt.rss - m0.rss);
    if (method == MP_METHOD_REML)
        drop += 0.5 * log((mt.s0 * mt.sxx) / (m0.s0 * m0.sxx));
    return drop;
}

/* The root of the estimating function where Fisher scoring has not
 * converged (0 when it is <= 0 at 0), bracketed upward from the mean v,
 * to full precision. */
static mp_status reg_score_root(const studies *s, const mp_fit_options *o,
                                double *tau2, int *iters)
{
    root_params rp = { s, o->method, reg_score_fn };
    mp_moments u;
    mp_moments_unit(s->y, s->v, s->k, MP_SKIP_NONE, &u);
    return root_above_zero(&rp, u.sv / (double)s->k, 0.0, tau2, iters);
}

/* ML, REML, EB: metafor's Fisher scoring from max(0, HE), halving a step
 * that would make tau2 negative, until a step changes it by at most
 * o->tol within o->maxiter steps; else the root of the estimating
 * function.  Then metafor's ll0check for ML and REML. */
static mp_status reg_scoring(const studies *s, const mp_fit_options *o,
                             double *tau2, int *iters)
{
    double t = GSL_MAX(0.0, reg_he_raw(s));
    int conv = 0;
    for (int it = 1; it <= o->maxiter && !conv; it++) {
        double den, adj = reg_score(s, o->method, t, &den) / den;
        if (!isfinite(adj))
            break;
        while (t + adj < 0.0)
            adj /= 2.0;
        double prev = t;
        t += adj;
        *iters = it;
        conv = fabs(t - prev) <= o->tol;
    }
    if (!conv) {
        mp_status st = reg_score_root(s, o, &t, iters);
        if (st != MP_OK)
            return st;
    }
    if (o->method != MP_METHOD_EB && t > o->tol
        && reg_loglik_drop(s, o->method, t) > o->tol)
        t = 0.0;
    *tau2 = t;
    return MP_OK;
}

/* tau^2 of the regression by o->method, truncated at 0 as metafor. */
static mp_status reg_tau2(const studies *s, const mp_fit_options *o,
                          double *tau2, int *iters)
{
    *iters = 0;
    mp_status st = MP_OK;
    switch (o->method) {
    case MP_METHOD_DL:
        *tau2 = reg_dl_raw(s);
        break;
    case MP_METHOD_HE:
        *tau2 = reg_he_raw(s);
        break;
    case MP_METHOD_SJ:
        *tau2 = reg_sj(s);
        break;
    case MP_METHOD_PM:
        st = reg_pm(s, o, tau2, iters);
        break;
    default:
        st = reg_scoring(s, o, tau2, iters);
        break;
    }
    if (st == MP_OK && !isfinite(*tau2))
        st = MP_ENUMERIC;
    if (st == MP_OK && *tau2 < 0.0)
        *tau2 = 0.0;
    return st;
}

/* Whether the moderator varies (metafor refuses a model matrix that is
 * not of full rank). */
static int se_varies(const studies *s)
{
    for (size_t i = 1; i < s->k; i++)
        if (s->v[i] != s->v[0])
            return 1;
    return 0;
}

static mp_status reg_failed(mp_status st, const mp_fit_options *o,
                            mp_errors *err)
{
    if (err && st == MP_ENUMERIC)
        mp_errors_add(err, NULL, 0, "Egger's regression (%s): the fit is "
                      "not finite (extreme sampling variances?)",
                      mp_method_name(o->method));
    else if (err && st == MP_ENOMEM)
        mp_errors_add(err, NULL, 0, "out of memory");
    return st;
}

/* The tests of the fit at tau2 (metafor rma.uni): HKSJ factor s2w =
 * RSS / (k - p) (0 when RSS <= DBL_EPSILON), t(k - p) quantiles. */
static void egger_tests(const studies *s, const mp_fit_options *o,
                        double tau2, mp_egger_result *r)
{
    reg_moments m;
    reg_at(s, tau2, 0, &m);
    double s2w = 1.0;
    r->df = NAN;
    if (o->hksj) {
        s2w = m.rss <= DBL_EPSILON ? 0.0 : m.rss / df_resid(s);
        r->df = df_resid(s);
    }
    r->tau2 = tau2;
    r->slope = m.b1;
    r->slope_se = sqrt(s2w / m.sxx);
    /* s2w = 0 (every residual 0 under HKSJ): metafor's b1/0 is Inf or
     * NaN by rounding, its p 0 or NaN; no test exists, so NAN */
    r->statistic = s2w > 0.0 ? m.b1 / r->slope_se : NAN;
    r->p = mp_fit_two_sided_p(r->statistic, r->df);
    r->limit_log_estimate = m.b0;
    r->limit_se = sqrt(s2w * (1.0 / m.s0 + m.xbar * m.xbar / m.sxx));
    double crit = mp_fit_critical(o->level, r->df);
    r->limit_lower = m.b0 - crit * r->limit_se;
    r->limit_upper = m.b0 + crit * r->limit_se;
}

static void egger_unavailable(mp_egger_result *r, const char *reason)
{
    double n = NAN;
    *r = (mp_egger_result){ 0, reason, n, n, n, n, n, n, n, n, n, n, 0 };
}

/* Egger's regression on studies already checked and in canonical order
 * (k >= 3, se varying). */
static mp_status egger_fit(const studies *s, const mp_fit_options *o,
                           mp_egger_result *r, mp_errors *err)
{
    double tau2;
    int iters;
    mp_status st = reg_tau2(s, o, &tau2, &iters);
    if (st != MP_OK)
        return reg_failed(st, o, err);
    r->available = 1;
    r->reason = NULL;
    r->iterations = iters;
    egger_tests(s, o, tau2, r);
    /* the statistic may be NAN (egger_tests); the estimates must exist */
    if (!isfinite(r->slope) || !isfinite(r->limit_log_estimate))
        return reg_failed(MP_ENUMERIC, o, err);
    return MP_OK;
}

mp_status mp_egger(const double *y, const double *v, size_t k,
                   const mp_fit_options *o, mp_egger_result *r,
                   mp_errors *err)
{
    studies s;
    egger_unavailable(r, too_few);
    mp_status st = studies_init(y, v, k, o, &s, err);
    if (st != MP_OK)
        return st;
    if (k < MP_SMALL_STUDY_MIN_K)
        r->reason = too_few;
    else if (!se_varies(&s))
        r->reason = equal_se;
    else
        st = egger_fit(&s, o, r, err);
    studies_free(&s);
    return st;
}

/* ---- Kendall's tau and its p ------------------------------------------ */

typedef struct {
    double x, y;
} xy_pair;

static int cmp_xy(const void *a, const void *b)
{
    const xy_pair *p = a, *q = b;
    if (p->x != q->x)
        return (p->x > q->x) - (p->x < q->x);
    return (p->y > q->y) - (p->y < q->y);
}

/* Tie statistics of a sorted column: pairs tied, and the sums of R's
 * variance correction over the tie groups of size t. */
typedef struct {
    double pairs;        /* sum t(t-1)/2 */
    double v0, v1, v2;   /* sum t(t-1)(2t+5), sum t(t-1), sum t(t-1)(t-2) */
} ties;

static void tie_group(double t, ties *tt)
{
    tt->pairs += t * (t - 1) / 2;
    tt->v0 += t * (t - 1) * (2 * t + 5);
    tt->v1 += t * (t - 1);
    tt->v2 += t * (t - 1) * (t - 2);
}

/* Ties of p[0..n-1] by field (0: x, 1: y, 2: both), p sorted so that
 * equal values are adjacent. */
static ties count_ties(const xy_pair *p, size_t n, int field)
{
    ties tt = { 0, 0, 0, 0 };
    size_t run = 1;
    for (size_t i = 1; i <= n; i++) {
        int same = i < n && (field == 1 || p[i].x == p[i - 1].x)
                   && (field == 0 || p[i].y == p[i - 1].y);
        if (same) {
            run++;
        } else {
            tie_group((double)run, &tt);
            run = 1;
        }
    }
    return tt;
}

/* Merge sort of p by y, stable, counting the pairs it puts in the other
 * order (strict inversions of y). */
static double sort_by_y(xy_pair *p, xy_pair *tmp, size_t n)
{
    if (n < 2)
        return 0;
    size_t h = n / 2;
    double swaps = sort_by_y(p, tmp, h) + sort_by_y(p + h, tmp, n - h);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n) {
        if (p[j].y < p[i].y) {
            swaps += (double)(h - i);
            tmp[o++] = p[j++];
        } else {
            tmp[o++] = p[i++];
        }
    }
    while (i < h)
        tmp[o++] = p[i++];
    while (j < n)
        tmp[o++] = p[j++];
    memcpy(p, tmp, n * sizeof *p);
    return swaps;
}

/* P(T <= m) for Kendall's statistic T (concordant pairs; equivalently
 * inversions of a random permutation) of n items without ties: the
 * distribution built one item at a time, f_j(i) = (1/j) sum_{l<j}
 * f_{j-1}(i - l), as the running sum f_j(i) = f_j(i-1) + (f_{j-1}(i)
 * - f_{j-1}(i-j)) / j, on 0..m only (the values above m are not needed)
 * and on the support i <= j(j-1)/2.  O(n m) time.  NAN without memory. */
static double kendall_cdf(size_t n, size_t m)
{
    double *f = calloc(2 * (m + 1), sizeof *f);
    if (!f)
        return NAN;
    double *g = f + m + 1;
    f[0] = 1.0;
    for (size_t j = 2; j <= n; j++) {
        size_t top = GSL_MIN(m, j * (j - 1) / 2);
        double run = 0.0;
        for (size_t i = 0; i <= top; i++) {
            run += (f[i] - (i >= j ? f[i - j] : 0.0)) / (double)j;
            g[i] = run;
        }
        double *t = f;
        f = g;
        g = t;
    }
    double p = 0.0;
    for (size_t i = 0; i <= m; i++)
        p += f[i];
    free(f < g ? f : g);
    return p;
}

/* Kendall's tau-b of the k pairs and its two-sided p as R's cor.test
 * (method "kendall", exact = TRUE), by Knight's O(k log k) counting
 * (Knight 1966).  MP_OK or MP_ENOMEM. */
static mp_status kendall(xy_pair *p, size_t n, mp_rank_result *r)
{
    xy_pair *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return MP_ENOMEM;
    qsort(p, n, sizeof *p, cmp_xy);
    ties tx = count_ties(p, n, 0), txy = count_ties(p, n, 2);
    double swaps = sort_by_y(p, tmp, n);
    free(tmp);
    ties ty = count_ties(p, n, 1);
    double nn = (double)n, pairs = nn * (nn - 1) / 2;
    double s = pairs - tx.pairs - ty.pairs + txy.pairs - 2 * swaps;
    r->tau = s / sqrt((pairs - tx.pairs) * (pairs - ty.pairs));
    r->exact = tx.pairs == 0 && ty.pairs == 0 && n <= MP_RANK_EXACT_MAX;
    if (r->exact) {
        double q = (s + pairs) / 2;   /* concordant pairs */
        double lo = q > pairs / 2 ? pairs - q : q;
        r->p = GSL_MIN(1.0, 2.0 * kendall_cdf(n, (size_t)lo));
        return isnan(r->p) ? MP_ENOMEM : MP_OK;
    }
    double var = (nn * (nn - 1) * (2 * nn + 5) - tx.v0 - ty.v0) / 18
                 + tx.v1 * ty.v1 / (2 * nn * (nn - 1))
                 + tx.v2 * ty.v2 / (9 * nn * (nn - 1) * (nn - 2));
    r->p = 2.0 * gsl_cdf_ugaussian_Q(fabs(s / sqrt(var)));
    return MP_OK;
}

/* Begg and Mazumdar's standardized effects (y - mu_FE) / sqrt(v - vb),
 * vb = 1 / sum(1/v) (metafor ranktest), paired with v. */
static void rank_pairs(const studies *s, xy_pair *p)
{
    mp_moments fe;
    mp_moments_at(s->y, s->v, s->k, MP_SKIP_NONE, 0.0, &fe);
    double vb = 1.0 / fe.sw;
    for (size_t i = 0; i < s->k; i++)
        p[i] = (xy_pair){ (s->y[i] - fe.mu) / sqrt(s->v[i] - vb), s->v[i] };
}

mp_status mp_rank_test(const double *y, const double *v, size_t k,
                       mp_rank_result *r, mp_errors *err)
{
    *r = (mp_rank_result){ 0, too_few, NAN, NAN, 0 };
    studies s;
    mp_status st = studies_init(y, v, k, NULL, &s, err);
    if (st != MP_OK)
        return st;
    if (k >= MP_SMALL_STUDY_MIN_K && !se_varies(&s))
        r->reason = equal_se;
    if (k >= MP_SMALL_STUDY_MIN_K && se_varies(&s)) {
        xy_pair *p = malloc(k * sizeof *p);
        st = p ? MP_OK : MP_ENOMEM;
        if (p) {
            rank_pairs(&s, p);
            st = kendall(p, k, r);
        }
        free(p);
        /* R's cor.test gives NA for a constant variable */
        r->available = st == MP_OK && !isnan(r->tau);
        r->reason = r->available ? NULL : equal_effects;
    }
    studies_free(&s);
    if (st == MP_ENOMEM && err)
        mp_errors_add(err, NULL, 0, "out of memory");
    return st;
}

/* ---- trim-and-fill ------------------------------------------------------ */

/* The working state of the L0 iterations: the studies on the side's
 * scale (negated for the right side), sorted by effect. */
typedef struct {
    double *y, *v;     /* sorted, k each */
    double *c;         /* y - beta */
    size_t *rank;      /* positions by |c| */
    size_t k;
} tf_state;

/* Sort by value, ties by position (R's sort(), order() are stable). */
typedef struct {
    double key;
    size_t pos;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->key != q->key)
        return (p->key > q->key) - (p->key < q->key);
    return (p->pos > q->pos) - (p->pos < q->pos);
}

/* The order of key[0..n-1] into out (stable).  MP_OK or MP_ENOMEM. */
static mp_status stable_order(const double *key, size_t n, size_t *out)
{
    keyed *t = malloc(n * sizeof *t);
    if (!t)
        return MP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        t[i] = (keyed){ key[i], i };
    qsort(t, n, sizeof *t, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        out[i] = t[i].pos;
    free(t);
    return MP_OK;
}

static void tf_state_free(tf_state *t)
{
    free(t->y);
    free(t->rank);
    t->y = NULL;
    t->rank = NULL;
}

/* The studies of s on the side's scale, sorted (metafor: yi <- -yi for
 * the right side, then sort(yi) with its index). */
static mp_status tf_state_init(const studies *s, mp_side side, tf_state *t)
{
    size_t k = s->k;
    t->k = k;
    t->y = malloc(4 * k * sizeof *t->y);
    t->rank = malloc(k * sizeof *t->rank);
    if (!t->y || !t->rank)
        return MP_ENOMEM;
    t->v = t->y + k;
    t->c = t->y + 2 * k;
    double *signed_y = t->y + 3 * k;
    for (size_t i = 0; i < k; i++)
        signed_y[i] = side == MP_SIDE_RIGHT ? -s->y[i] : s->y[i];
    if (stable_order(signed_y, k, t->rank) != MP_OK)
        return MP_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        t->c[i] = signed_y[t->rank[i]];
        t->v[i] = s->v[t->rank[i]];
    }
    memcpy(t->y, t->c, k * sizeof *t->y);
    return MP_OK;
}

/* The pooled estimate of a fit: random effects, or the one study. */
static double pooled(const mp_fit_result *r)
{
    return r->has_random ? r->random.log_estimate : r->fixed.log_estimate;
}

/* One L0 step (Duval and Tweedie 2000; metafor trimfill): with c = y -
 * beta and Sr the sum of the ranks of |c| (ties by position) of the
 * positive c, k0 = (4 Sr - k(k+1)) / (2k - 1), rounded (half to even,
 * as R's round) and at least 0; its SE 4 sqrt(var Sr) / (2k - 1) with
 * var Sr = (k(k+1)(2k+1) + 10 k0^3 + 27 k0^2 + 17 k0 - 18 k k0^2
 * - 18 k k0 + 6 k^2 k0) / 24 at the unrounded k0. */
static mp_status l0_step(tf_state *t, double beta, size_t *k0, double *se)
{
    size_t k = t->k;
    double *absc = t->c;
    for (size_t i = 0; i < k; i++)
        absc[i] = fabs(t->y[i] - beta);
    if (stable_order(absc, k, t->rank) != MP_OK)
        return MP_ENOMEM;
    double sr = 0.0, kk = (double)k;
    for (size_t r = 0; r < k; r++)
        if (t->y[t->rank[r]] - beta > 0.0)
            sr += (double)(r + 1);
    double e = (4.0 * sr - kk * (kk + 1.0)) / (2.0 * kk - 1.0);
    double var = (kk * (kk + 1.0) * (2.0 * kk + 1.0) + 10.0 * e * e * e
                  + 27.0 * e * e + 17.0 * e - 18.0 * kk * e * e
                  - 18.0 * kk * e + 6.0 * kk * kk * e) / 24.0;
    *se = 4.0 * sqrt(var) / (2.0 * kk - 1.0);
    if (!isnan(*se))
        *se = GSL_MAX(0.0, *se);
    double r0 = rint(e);
    *k0 = r0 > 0.0 ? (size_t)r0 : 0;
    return MP_OK;
}

static mp_status tf_fit_failed(mp_status st, mp_errors *err, const char *what)
{
    if (err && st == MP_ENUMERIC && what)
        mp_errors_add(err, NULL, 0, "trim-and-fill: %s", what);
    return st;
}

/* metafor's iterations: fit the k - k0 studies with the smallest
 * effects on the side's scale, recompute k0, until it settles.  *beta is
 * the estimate of the last trimmed fit. */
static mp_status l0_iterate(tf_state *t, const mp_fit_options *oz,
                            mp_trimfill_result *r, double *beta,
                            mp_errors *err)
{
    size_t k0 = 0, prev;
    do {
        prev = k0;
        if (++r->iterations > MP_TRIMFILL_MAXITER)
            return tf_fit_failed(MP_ENUMERIC, err, "the number of missing "
                                 "studies did not settle within 100 "
                                 "iterations");
        mp_fit_result f;
        mp_status st = mp_fit(t->y, t->v, t->k - prev, oz, &f, err);
        if (st != MP_OK)
            return st;
        *beta = pooled(&f);
        st = l0_step(t, *beta, &k0, &r->k0_se);
        if (st != MP_OK)
            return st;
    } while (k0 != prev);
    r->k0 = k0;
    return MP_OK;
}

/* The filled studies: the k0 largest effects on the side's scale
 * mirrored about beta, ((y - beta) - beta) negated on the left, as
 * metafor computes them, back on the original scale. */
static mp_status fill(const tf_state *t, double beta, mp_trimfill_result *r)
{
    r->filled_y = malloc(r->k0 * sizeof *r->filled_y);
    r->filled_se = malloc(r->k0 * sizeof *r->filled_se);
    if (!r->filled_y || !r->filled_se)
        return MP_ENOMEM;
    for (size_t j = 0; j < r->k0; j++) {
        size_t i = t->k - r->k0 + j;
        double m = (t->y[i] - beta) - beta;
        r->filled_y[j] = r->side == MP_SIDE_RIGHT ? m : -m;
        r->filled_se[j] = sqrt(t->v[i]);
    }
    return MP_OK;
}

/* The fit of the k studies and the filled ones (z test, as metafor). */
static mp_status fit_filled(const studies *s, const mp_fit_options *oz,
                            mp_trimfill_result *r, mp_errors *err)
{
    size_t n = s->k + r->k0;
    double *y = malloc(2 * n * sizeof *y);
    if (!y)
        return MP_ENOMEM;
    double *v = y + n;
    memcpy(y, s->y, s->k * sizeof *y);
    memcpy(v, s->v, s->k * sizeof *v);
    for (size_t j = 0; j < r->k0; j++) {
        y[s->k + j] = r->filled_y[j];
        v[s->k + j] = r->filled_se[j] * r->filled_se[j];
    }
    mp_status st = mp_fit(y, v, n, oz, &r->fit, err);
    free(y);
    return st;
}

/* The side (metafor: the sign of the slope of Egger's regression, its
 * z test), the iterations, the filled studies and the final fit. */
static mp_status trimfill_run(const studies *s, const mp_fit_options *o,
                              mp_trimfill_result *r, mp_errors *err)
{
    mp_fit_options oz = *o;
    oz.hksj = 0;
    mp_egger_result eg;
    mp_status st = egger_fit(s, &oz, &eg, err);
    if (st != MP_OK)
        return st;
    r->side = eg.slope < 0.0 ? MP_SIDE_RIGHT : MP_SIDE_LEFT;
    tf_state t;
    double beta = NAN;
    mp_fit_options oit = oz;
    oit.tau2_ci = 0;
    st = tf_state_init(s, r->side, &t);
    if (st == MP_OK)
        st = l0_iterate(&t, &oit, r, &beta, err);
    if (st == MP_OK && r->k0 > 0)
        st = fill(&t, beta, r);
    tf_state_free(&t);
    if (st == MP_OK)
        st = r->k0 > 0 ? fit_filled(s, &oz, r, err)
                       : mp_fit(s->y, s->v, s->k, o, &r->fit, err);
    return st;
}

void mp_trimfill_free(mp_trimfill_result *r)
{
    free(r->filled_y);
    free(r->filled_se);
    r->filled_y = r->filled_se = NULL;
}

mp_status mp_trimfill(const double *y, const double *v, size_t k,
                      const mp_fit_options *o, mp_trimfill_result *r,
                      mp_errors *err)
{
    memset(r, 0, sizeof *r);
    r->reason = too_few;
    r->k0_se = NAN;
    studies s;
    mp_status st = studies_init(y, v, k, o, &s, err);
    if (st != MP_OK)
        return st;
    if (k >= MP_SMALL_STUDY_MIN_K && !se_varies(&s))
        r->reason = equal_se;
    if (k >= MP_SMALL_STUDY_MIN_K && se_varies(&s)) {
        r->available = 1;
        r->reason = NULL;
        st = trimfill_run(&s, o, r, err);
    }
    studies_free(&s);
    if (st != MP_OK) {
        mp_trimfill_free(r);
        r->available = 0;
        if (st == MP_ENOMEM && err)
            mp_errors_add(err, NULL, 0, "out of memory");
    }
    return st;
}

/* ---- the three together ------------------------------------------------- */

mp_status mp_small_study_run(const double *y, const double *v, size_t k,
                             const mp_fit_options *o, mp_small_study *r,
                             mp_errors *err)
{
    memset(r, 0, sizeof *r);
    r->k = k;
    r->k_warning = mp_small_study_k_warning(k);
    mp_status st = mp_egger(y, v, k, o, &r->egger, err);
    if (st == MP_OK)
        st = mp_rank_test(y, v, k, &r->rank, err);
    if (st == MP_OK)
        st = mp_trimfill(y, v, k, o, &r->trimfill, err);
    return st;
}

void mp_small_study_free(mp_small_study *r)
{
    mp_trimfill_free(&r->trimfill);
}
