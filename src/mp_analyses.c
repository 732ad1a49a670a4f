/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_analyses.c - refits on subsets of the studies; see mp_analyses.h.
 *
 * Leave-one-out (metafor leave1out) runs in O(k) total time for every
 * estimator (O(k log k) for PM).  Closed forms (DL, HE, SJ): every moment
 * the fit needs (mp_moments) is a sum over the studies of w_j^m y_j^p,
 * w_j = 1/(v_j + t), at a t that depends on the omitted study i (t =
 * tau2 of the k-1 others).  Around an expansion point T (a tau2 of the
 * full data), with w_j = 1/(v_j + T) and d = t - T,
 *     1/(v_j + t) = w_j / (1 + d w_j) = sum_n (-d)^n w_j^(n+1)
 * for |d| max w < 1, so each such sum over all studies is a power series
 * in d whose coefficients are full-data power sums, computed once; study
 * i's own term is then subtracted exactly.  y is centred on the full-data
 * weighted mean first.  A series is used only when its truncation error is
 * provably below 1e-17 relative (|d| max w <= 1/2, enough terms) and the
 * subtraction of study i loses at most a factor 4 to cancellation;
 * otherwise that study's sums are computed by an exact O(k) pass, which
 * happens for at most a few studies of a data set.  The iterative
 * estimators (REML, ML, EB, PM) run their own procedure on the same kind
 * of series, around several expansion points: see "leave-one-out for the
 * iterative estimators" below.
 */
#include "mp_analyses.h"

#include "mp_fit_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

enum { MAX_TERMS = 48 };

/* Truncation error target of a series, relative to its first term. */
#define SERIES_EPS 1e-17
/* Largest |d| max w for which a series is used. */
#define SERIES_RMAX 0.5
/* Largest loss to cancellation accepted when study i is subtracted. */
#define CANCEL_MAX 4.0

/* Full-data power sums around T: a[n] = sum w^(n+1), b[n] = sum w^(n+1)
 * (y - c), e[n] = sum w^(n+1) (y - c)^2, with w = 1/(v + T) (or 1). */
typedef struct {
    double T, c, wmax;
    double g;  /* sum_{a != b} w_a w_b = tp sum w (full data) */
    int unit, nt;
    double a[MAX_TERMS], b[MAX_TERMS], e[MAX_TERMS];
} power_sums;

static void power_sums_init(const double *y, const double *v, size_t k,
                            double T, int unit, int nt, power_sums *p)
{
    mp_moments m;
    if (unit)
        mp_moments_unit(y, v, k, MP_SKIP_NONE, &m);
    else
        mp_moments_at(y, v, k, MP_SKIP_NONE, T, &m);
    mp_nsum a[MAX_TERMS], b[MAX_TERMS], e[MAX_TERMS];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    memset(e, 0, sizeof e);
    p->T = T;
    p->c = m.mu;
    p->g = m.tp * m.sw;
    p->unit = unit;
    p->nt = nt;
    p->wmax = 0;
    for (size_t j = 0; j < k; j++) {
        double w = unit ? 1.0 : 1.0 / (v[j] + T), d = y[j] - p->c, wn = w;
        p->wmax = w > p->wmax ? w : p->wmax;
        for (int n = 0; n < nt; n++, wn *= w) {
            mp_nsum_add(&a[n], wn);
            mp_nsum_add(&b[n], wn * d);
            mp_nsum_add(&e[n], wn * d * d);
        }
    }
    for (int n = 0; n < nt; n++) {
        p->a[n] = mp_nsum_value(&a[n]);
        p->b[n] = mp_nsum_value(&b[n]);
        p->e[n] = mp_nsum_value(&e[n]);
    }
}

/* Terms needed at d, or 0 when the series is not to be used there:
 * the tail after N terms is <= r^N / (1 - r) of the first, r = |d| max w. */
static int terms_needed(const power_sums *p, double d)
{
    if (d == 0.0)
        return 1;
    double r = fabs(d) * p->wmax;
    if (!(r <= SERIES_RMAX))
        return 0;
    int n = (int)ceil(log(SERIES_EPS * (1.0 - r)) / log(r));
    return n < 1 ? 1 : n <= p->nt ? n : 0;
}

static double horner(const double *c, int n, double x)
{
    double s = 0.0;
    for (int i = n - 1; i >= 0; i--)
        s = s * x + c[i];
    return s;
}

static int cancels(double whole, double part)
{
    return part * CANCEL_MAX < whole;
}

/* Moments (n, sw, mu, q; tp only at d = 0) of the studies other than i
 * at t from the series; 0 if it may not be used.  tr P without i:
 * sum_{a != b, both != i} w_a w_b = g - 2 w_i (sum w - w_i). */
static int series_moments(const power_sums *p, const double *y,
                          const double *v, size_t k, size_t i, double t,
                          mp_moments *m)
{
    double d = p->unit ? 0.0 : t - p->T;
    int nt = terms_needed(p, d);
    if (nt == 0)
        return 0;
    double sw = horner(p->a, nt, -d), sb = horner(p->b, nt, -d);
    double se = horner(p->e, nt, -d);
    double wi = p->unit ? 1.0 : 1.0 / (v[i] + t), di = y[i] - p->c;
    m->n = k - 1;
    m->sw = sw - wi;
    double s1 = sb - wi * di, s2 = se - wi * di * di;
    if (cancels(sw, m->sw) || cancels(se, s2))
        return 0;
    m->mu = p->c + s1 / m->sw;
    m->q = s2 - s1 * s1 / m->sw;
    if (s2 > 0 && cancels(s2, m->q))
        return 0;
    m->sw2 = m->sw3 = m->qw = m->sv = m->tp = NAN;
    if (d == 0.0) {
        double g = p->g - 2.0 * wi * m->sw;
        if (cancels(p->g, g))
            return 0;
        m->tp = g / m->sw;
    }
    return 1;
}

/* Everything the closed-form leave-one-out needs about the full data. */
typedef struct {
    const double *y, *v;
    size_t k;
    mp_method method;
    power_sums fe, unit, sj0, re;  /* at 1/v, unit, SJ's tau0, full tau2 */
    double sv;                     /* sum v */
} loo_closed;

/* Moments of the studies other than i at t, by series or exactly. */
static void moments_without_yv(const power_sums *p, const double *y,
                               const double *v, size_t k, size_t i, double t,
                               mp_moments *m)
{
    if (series_moments(p, y, v, k, i, t, m))
        return;
    if (p->unit)
        mp_moments_unit(y, v, k, i, m);
    else
        mp_moments_at(y, v, k, i, t, m);
}

static void moments_without(const power_sums *p, const loo_closed *c,
                            size_t i, double t, mp_moments *m)
{
    moments_without_yv(p, c->y, c->v, c->k, i, t, m);
}

/* sum v of the studies other than i, from the full sum sv. */
static double sum_v_without_yv(const double *y, const double *v, size_t k,
                               double sv, size_t i)
{
    double s = sv - v[i];
    if (!cancels(sv, s))
        return s;
    mp_moments m;
    mp_moments_unit(y, v, k, i, &m);
    return m.sv;
}

static double sum_v_without(const loo_closed *c, size_t i)
{
    return sum_v_without_yv(c->y, c->v, c->k, c->sv, i);
}

/* Sidik and Jonkman 2005 as in mp_fit.c (metafor rma.uni "SJ"):
 * tau0 = sum (y - ybar)^2 / n, tau2 = tau0 q(tau0) / (n - 1). */
static double sj_without(const loo_closed *c, size_t i, const mp_moments *u)
{
    double tau0 = u->q / (double)u->n;
    mp_moments m;
    moments_without(&c->sj0, c, i, tau0, &m);
    return tau0 * m.q / (double)(u->n - 1);
}

/* tau2 of the studies other than i (k - 1 >= 2). */
static double tau2_without(const loo_closed *c, size_t i,
                           const mp_moments *fe)
{
    mp_moments u;
    if (c->method == MP_METHOD_DL)
        return mp_tau2_closed(c->method, fe, NULL);
    moments_without(&c->unit, c, i, 0.0, &u);
    if (c->method == MP_METHOD_SJ)
        return sj_without(c, i, &u);
    u.sv = sum_v_without(c, i);
    return mp_tau2_closed(c->method, NULL, &u);
}

/* Full-data tau2 of the closed-form method (expansion point of re). */
static double tau2_full(const loo_closed *c, const mp_fit_options *o)
{
    mp_fit_result r;
    mp_fit_options oo = *o;
    oo.tau2_ci = 0;
    if (mp_fit(c->y, c->v, c->k, &oo, &r, NULL) != MP_OK)
        return 0.0;
    return r.random.tau2;
}

static void loo_closed_init(const double *y, const double *v, size_t k,
                            const mp_fit_options *o, loo_closed *c)
{
    c->y = y;
    c->v = v;
    c->k = k;
    c->method = o->method;
    power_sums_init(y, v, k, 0.0, 0, 1, &c->fe);
    power_sums_init(y, v, k, 0.0, 1, 1, &c->unit);
    mp_moments u;
    mp_moments_unit(y, v, k, MP_SKIP_NONE, &u);
    c->sv = u.sv;
    if (o->method == MP_METHOD_SJ)
        power_sums_init(y, v, k, u.q / (double)k, 0, MAX_TERMS, &c->sj0);
    power_sums_init(y, v, k, tau2_full(c, o), 0, MAX_TERMS, &c->re);
}

/* The studies of a leave-one-out, in canonical order (mp_canonical_order):
 * y[j], v[j] is row perm[j] of the caller's arrays.  Every fit sums in
 * this order, so the fit without a study depends on the set of the others
 * alone, whatever the order of the input. */
typedef struct {
    double *y, *v;
    size_t *perm;
    size_t k;
} loo_rows;

static mp_status loo_rows_init(const double *y, const double *v, size_t k,
                               loo_rows *lr)
{
    lr->k = k;
    lr->perm = malloc(k * sizeof *lr->perm);
    lr->y = malloc(2 * k * sizeof *lr->y);
    if (!lr->perm || !lr->y)
        return MP_ENOMEM;
    lr->v = lr->y + k;
    return mp_canonical_copy(y, v, k, lr->perm, lr->y, lr->v);
}

static void loo_rows_free(loo_rows *lr)
{
    free(lr->perm);
    free(lr->y);
}

/* The first position of the run of equal (y, v) pairs that position j
 * belongs to (prev: that of j - 1).  Leaving out any study of a run
 * leaves the same set; each is fitted as the run's first, so that equal
 * studies get the same figures to the bit (the exactly summed studies of
 * the iterative procedure are chosen by position). */
static size_t run_start(const loo_rows *lr, size_t j, size_t prev)
{
    if (j > 0 && mp_order_key(lr->y[j]) == mp_order_key(lr->y[j - 1])
        && mp_order_key(lr->v[j]) == mp_order_key(lr->v[j - 1]))
        return prev;
    return j;
}

/* The diagnostics of the leave-one-out fits.  The fits run in canonical
 * order; their messages are given in row order, and no more of them are
 * held than the caller's list has room for (twice that between cuts). */
typedef struct {
    mp_errors *err;    /* the caller's list, or NULL */
    mp_errors held;    /* line = row + 1 */
    size_t keep;       /* room left in err */
    const char *const *names;   /* names of the rows, or NULL */
} loo_diags;

static void loo_diags_init(loo_diags *d, mp_errors *err,
                           const char *const *names)
{
    d->err = err;
    d->names = names;
    mp_errors_init(&d->held);
    d->keep = SIZE_MAX;
    if (err && err->limit) {
        size_t used = err->n - err->always;
        d->keep = err->limit > used ? err->limit - used : 0;
    }
}

/* Give the held messages to the caller's list, in row order. */
static void loo_diags_finish(loo_diags *d)
{
    if (d->err) {
        mp_errors_sort_keep(&d->held, d->keep);
        for (size_t j = 0; j < d->held.n; j++)
            mp_errors_warn_at(d->err, (size_t)(d->held.items[j].line - 1), "%s",
                              d->held.items[j].message);
        d->err->warnings_suppressed += d->held.suppressed + d->held.dropped;
    }
    mp_errors_clear(&d->held);
}

/* Forward the diagnostics of the fit without the study of row `row`,
 * prefixed. */
static void forward_errors(mp_errors *local, size_t row, loo_diags *d)
{
    for (size_t j = 0; d->err && j < local->n; j++) {
        if (d->names)
            mp_errors_add(&d->held, NULL, (long)row + 1,
                          "leave-one-out without \"%s\": %s", d->names[row],
                          local->items[j].message);
        else
            mp_errors_add(&d->held, NULL, (long)row + 1,
                          "leave-one-out without study %zu: %s", row + 1,
                          local->items[j].message);
        if (d->keep != SIZE_MAX && d->held.n > 2 * d->keep)
            mp_errors_sort_keep(&d->held, d->keep);
    }
    mp_errors_clear(local);
}

static void fit_closed_without(const loo_closed *c, size_t i, size_t row,
                               const mp_fit_options *o, mp_fit_result *r,
                               loo_diags *err)
{
    mp_moments fe, re = { 0 };
    mp_errors local = MP_ERRORS_INIT;
    moments_without(&c->fe, c, i, 0.0, &fe);
    double tau2 = NAN;
    if (c->k - 1 >= 2) {
        tau2 = tau2_without(c, i, &fe);
        moments_without(&c->re, c, i, tau2, &re);
    }
    mp_fit_finish(c->k - 1, &fe, tau2, &re, o, r, &local);
    forward_errors(&local, row, err);
}

static mp_status loo_fast(const loo_rows *lr, const mp_fit_options *o,
                          mp_fit_result *out, loo_diags *err)
{
    loo_closed *c = malloc(sizeof *c);
    if (!c)
        return MP_ENOMEM;
    loo_closed_init(lr->y, lr->v, lr->k, o, c);
    for (size_t j = 0, at = 0; j < lr->k; j++) {
        at = run_start(lr, j, at);
        fit_closed_without(c, at, lr->perm[j], o, &out[lr->perm[j]], err);
    }
    free(c);
    return MP_OK;
}

/* Iterative estimators: copy the k - 1 other studies into a workspace
 * (allocated once) and refit. */
static mp_status loo_refit(const loo_rows *lr, const mp_fit_options *o,
                           mp_fit_result *out, loo_diags *err)
{
    size_t k = lr->k, n = k > 1 ? k - 1 : 1;   /* k >= 2 */
    double *ws = malloc(2 * n * sizeof *ws);
    if (!ws)
        return MP_ENOMEM;
    double *ys = ws, *vs = ws + n;
    for (size_t i = 0; i < k; i++) {
        mp_errors local = MP_ERRORS_INIT;
        /* the others stay in canonical order */
        memcpy(ys, lr->y, i * sizeof *ys);
        memcpy(vs, lr->v, i * sizeof *vs);
        memcpy(ys + i, lr->y + i + 1, (k - 1 - i) * sizeof *ys);
        memcpy(vs + i, lr->v + i + 1, (k - 1 - i) * sizeof *vs);
        mp_fit_canonical(ys, vs, k - 1, o, &out[lr->perm[i]], &local);
        forward_errors(&local, lr->perm[i], err);
    }
    free(ws);
    return MP_OK;
}

/* ---- leave-one-out for the iterative estimators ------------------------ */

/* REML, ML, EB and PM run their own procedure (mp_tau2_iterative, the
 * code of a plain fit: the same start, steps, stopping rule, iteration
 * limit and failures) on a moment source that answers "the studies other
 * than i at trial value t" from power series around expansion points T:
 * with w_j = 1/(v_j + T), W = max w_j, u_j = w_j / W <= 1, x = (T - t) W,
 *
 *   1/(v_j + t)^m = W^m sum_{n>=0} C(n+m-1, m-1) x^n u_j^(n+m)   (|x| < 1)
 *   log1p(t/v_j)  = log1p(T/v_j) - sum_{n>=1} x^n u_j^n / n
 *
 * so every sum over the studies of w^m (y - c)^p (m = 1..3, p = 0..2; all
 * that ML, REML, EB and PM use) and of log1p(t/v) is a series in x whose
 * coefficients are full-data power sums of u, computed once per point in
 * O(k); study i's own term is then subtracted exactly.  The N_EXACT
 * studies with the smallest v (the largest weights, at every t) are kept
 * out of the series and added exactly at each evaluation: that widens the
 * radius (W is the largest weight of the others) and keeps a dominant
 * study out of the subtractions.  A series is used only when |x| <=
 * XP_RMAX = 1/4 and the tail of its majorant series (u <= 1), bounded
 * geometrically, is below 1e-17 of the sum of the magnitudes of its terms;
 * when a subtraction (of study i, of the mean, or in tr P) would lose more
 * than a factor CANCEL_MAX the sums come from an exact O(k) pass instead.
 * Every sum thus equals the plain one up to rounding.
 *
 * No warm start: each fit starts where mp_fit starts (max(0, HE) of its
 * k - 1 studies, or PM's bracket [0, max(100, 10 mad^2)] after the same
 * checks) and takes the same steps, so whether scoring converges or the
 * safeguard takes over, and where, is decided by the same rule on the
 * same numbers, with no argument about uniqueness of roots needed.  Only
 * where rounding decides (steps within rounding of the tolerance; Brent's
 * last steps, which evaluate their function within rounding of its root,
 * as a plain fit of reordered studies shows) can the iteration count
 * differ from a refit's, and tau2 then by less than the tolerance.
 *
 * To keep that from changing the path (scoring's converged value, or the
 * safeguard's exact root, which differ by up to about the tolerance), the
 * procedure flags the decisions that could (mp_msource.doubtful:
 * convergence at the last allowed iteration; QE at an end of PM's bracket
 * within rounding of k - 1); such a fit is rerun with exact passes, which
 * sum the same terms in the same order as a refit, so it equals the refit
 * to the bit.  Other fits never pay for that.
 *
 * Expansion points are made on demand: a trial value with no point within
 * the radius gets a new point at itself (at most MAX_POINTS, then exact
 * passes).  The procedure for study i visits nearly the values it visits
 * for the full data (they differ by O(w_i / sum w)), so the points made by
 * the first fits serve all others (typically 2 points for scoring, ~10
 * for PM): O(k) per point, O(iterations) per fit.  PM's mad() (needed
 * only when tau2 would exceed 100) comes from the sorted y in O(log k) per
 * fit after an O(k log k) sort.  Below SERIES_MIN_K studies the subsets
 * are simply refitted (no faster by series there). */

enum {
    SERIES_MIN_K = 64, /* below, refits: as fast, and equal to the bit */
    NT = 40,          /* stored series terms (enough at |x| = XP_RMAX) */
    N_EXACT = 4,      /* studies of smallest v, summed exactly */
    MAX_POINTS = 128  /* expansion points at most */
};

#define XP_RMAX 0.25

/* Outcome of a series evaluation. */
enum { XP_OK, XP_FAR, XP_CANCEL };

typedef struct {
    double T;       /* expansion point */
    double c;       /* centre of y: full-data weighted mean at T */
    double W;       /* largest weight at T among the series studies (0: none) */
    double L;       /* sum log1p(T / v) over the series studies */
    /* Horner coefficients in x of the series studies' sums, scaled by
     * W^-m: with U_p[n] = sum u^(n+1) (y - c)^p,
     *   s1 = U_0[n], s2 = (n+1) U_0[n+1], s3 = (n+1)(n+2)/2 U_0[n+2]
     *   b1 = U_1[n], b2 = (n+1) U_1[n+1], e1 = U_2[n], e2 = (n+1) U_2[n+1]
     *   lg = U_0[n] / (n+1)                                            */
    double s1[NT], s2[NT], s3[NT], b1[NT], b2[NT], e1[NT], e2[NT], lg[NT];
} xpoint;

typedef struct {
    const double *y, *v;
    size_t k;
    size_t i;                  /* the omitted study of the current fit */
    size_t ex[N_EXACT];        /* the exactly summed studies */
    size_t nex;
    unsigned char *in_ex;      /* in_ex[j]: j is one of ex */
    double vmin;               /* smallest v of the series studies */
    xpoint *pts[MAX_POINTS];   /* by increasing T */
    size_t npts;
    power_sums unit;           /* unit weights, for the starting value */
    double sv;                 /* sum v */
    double *ys;                /* y by increasing order key (PM's mad) */
    int exact;                 /* 1: every sum by an exact pass */
} loo_iter;

/* Series terms needed at |x| = r <= 1/4 for sums of w^m (m = 1 or 3;
 * m = 3 serves m = 2): the majorant terms t_n = C(n+m-1, m-1) r^n have
 * ratios t_(j+1)/t_j = r (j+m)/(j+1), falling with j, so from n >= 1 on
 * they are at most rho = t_n/t_(n-1) < 1 and the tail from n is
 * <= t_n/(1 - rho).  0 if NT terms do not suffice. */
static int xp_terms(double r, int m)
{
    if (r == 0.0)
        return 1;
    double term = 1.0;
    for (int n = 1; n <= NT; n++) {
        double rho = m == 1 ? r : r * (double)(n + 2) / (double)n;
        term *= rho;
        if (term / (1.0 - rho) <= SERIES_EPS)
            return n;
    }
    return 0;
}

static void xpoint_init(const loo_iter *c, double T, xpoint *p)
{
    mp_moments m;
    mp_moments_at(c->y, c->v, c->k, MP_SKIP_NONE, T, &m);
    p->T = T;
    p->c = m.mu;
    p->W = isfinite(c->vmin) ? 1.0 / (c->vmin + T) : 0.0;
    mp_nsum u0[NT + 2], u1[NT + 1], u2[NT + 1], L = { 0, 0 };
    memset(u0, 0, sizeof u0);
    memset(u1, 0, sizeof u1);
    memset(u2, 0, sizeof u2);
    for (size_t j = 0; j < c->k; j++) {
        if (c->in_ex[j])
            continue;
        double u = (c->vmin + T) / (c->v[j] + T), d = c->y[j] - p->c;
        double un = u;
        for (int n = 0; n < NT + 2 && un > 0.0; n++, un *= u) {
            mp_nsum_add(&u0[n], un);
            if (n <= NT) {
                mp_nsum_add(&u1[n], un * d);
                mp_nsum_add(&u2[n], un * d * d);
            }
        }
        mp_nsum_add(&L, log1p(T / c->v[j]));
    }
    p->L = mp_nsum_value(&L);
    for (int n = 0; n < NT; n++) {
        double a = (double)(n + 1), a2 = (double)(n + 1) * (n + 2) / 2.0;
        p->s1[n] = mp_nsum_value(&u0[n]);
        p->s2[n] = a * mp_nsum_value(&u0[n + 1]);
        p->s3[n] = a2 * mp_nsum_value(&u0[n + 2]);
        p->b1[n] = mp_nsum_value(&u1[n]);
        p->b2[n] = a * mp_nsum_value(&u1[n + 1]);
        p->e1[n] = mp_nsum_value(&u2[n]);
        p->e2[n] = a * mp_nsum_value(&u2[n + 1]);
        p->lg[n] = p->s1[n] / a;
    }
}

/* Moments of the studies other than c->i at t from point p (fields of
 * need; see mp_msource). */
static int xp_moments(const loo_iter *c, const xpoint *p, double t, int need,
                      mp_moments *m)
{
    double x = (p->T - t) * p->W, r = fabs(x);
    if (!(r <= XP_RMAX))
        return XP_FAR;
    int tp = (need & MP_NEED_TP) != 0, all = need == MP_NEED_ALL;
    int n1 = xp_terms(r, 1), n3 = tp ? xp_terms(r, 3) : 1;
    if (n1 == 0 || n3 == 0)
        return XP_FAR;
    double W = p->W, W2 = W * W;
    double S1 = W * horner(p->s1, n1, x), B1 = W * horner(p->b1, n1, x);
    double E1 = W * horner(p->e1, n1, x);
    double S2 = tp ? W2 * horner(p->s2, n3, x) : 0.0;
    double S3 = 0.0, B2 = 0.0, E2 = 0.0;
    if (all) {
        S3 = W2 * W * horner(p->s3, n3, x);
        B2 = W2 * horner(p->b2, n3, x);
        E2 = W2 * horner(p->e2, n3, x);
    }
    size_t i = c->i;
    if (!c->in_ex[i]) {
        double wi = 1.0 / (c->v[i] + t), di = c->y[i] - p->c;
        double wd = wi * di, S1r = S1 - wi, E1r = E1 - wd * di;
        if (cancels(S1, S1r) || cancels(E1, E1r))
            return XP_CANCEL;
        S1 = S1r;
        E1 = E1r;
        B1 -= wd;
        if (tp) {
            double S2r = S2 - wi * wi;
            if (cancels(S2, S2r))
                return XP_CANCEL;
            S2 = S2r;
        }
        if (all) {
            double S3r = S3 - wi * wi * wi, E2r = E2 - wd * wd;
            if (cancels(S3, S3r) || cancels(E2, E2r))
                return XP_CANCEL;
            S3 = S3r;
            E2 = E2r;
            B2 -= wi * wd;
        }
    }
    /* the exactly summed studies; g: sum over their pairs a != b */
    double s1 = 0, s2 = 0, s3 = 0, b1 = 0, b2 = 0, e1 = 0, e2 = 0, g = 0;
    for (size_t e = 0; e < c->nex; e++) {
        size_t j = c->ex[e];
        if (j == i)
            continue;
        double w = 1.0 / (c->v[j] + t), d = c->y[j] - p->c;
        g += 2.0 * w * s1;
        s1 += w;
        s2 += w * w;
        s3 += w * w * w;
        b1 += w * d;
        b2 += w * w * d;
        e1 += w * d * d;
        e2 += w * w * d * d;
    }
    double sr = S1, s2r = S2;
    S1 += s1;
    B1 += b1;
    E1 += e1;
    m->n = c->k - 1;
    m->sw = S1;
    double delta = B1 / S1;
    m->mu = p->c + delta;
    m->q = E1 - B1 * delta;
    if (E1 > 0 && cancels(E1, m->q))
        return XP_CANCEL;
    if (m->q < 0)
        m->q = 0;
    m->sw2 = m->sw3 = m->qw = m->tp = m->sv = NAN;
    if (tp) {
        /* sum_{a != b} w_a w_b: series part sr^2 - s2r, then the pairs
         * with an exact study */
        double G = (sr * sr - s2r) + 2.0 * sr * s1 + g;
        if (!(sr * sr <= CANCEL_MAX * G))
            return XP_CANCEL;
        m->tp = G / S1;
        m->sw2 = S2 + s2;
    }
    if (all) {
        S2 += s2;
        B2 += b2;
        E2 += e2;
        m->sw3 = S3 + s3;
        m->qw = E2 - delta * (2.0 * B2 - delta * S2);
        if (E2 > 0 && cancels(E2, m->qw))
            return XP_CANCEL;
    }
    return XP_OK;
}

/* sum log1p(t / v) over the studies other than c->i from point p.  Its
 * absolute error is a few ulps of the full-data sum at T, as a plain
 * compensated sum's is of its own (the log-likelihood check compares
 * differences of such sums with tol). */
static int xp_log1p(const loo_iter *c, const xpoint *p, double t, double *out)
{
    double x = (p->T - t) * p->W, r = fabs(x);
    int n1 = r <= XP_RMAX ? xp_terms(r, 1) : 0;
    if (n1 == 0)
        return XP_FAR;
    double s = p->L - x * horner(p->lg, n1, x);
    if (!c->in_ex[c->i])
        s -= log1p(t / c->v[c->i]);
    for (size_t e = 0; e < c->nex; e++)
        if (c->ex[e] != c->i)
            s += log1p(t / c->v[c->ex[e]]);
    *out = s;
    return XP_OK;
}

/* The point with the smallest |x| at t (the nearest below or above: |x| =
 * |T - t| / (vmin + T) grows with the distance on either side). */
static xpoint *xp_nearest(const loo_iter *c, double t)
{
    size_t lo = 0, hi = c->npts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->pts[mid]->T < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    xpoint *best = NULL;
    double rb = INFINITY;
    for (size_t j = lo ? lo - 1 : 0; j < c->npts && j <= lo; j++) {
        double r = fabs((c->pts[j]->T - t) * c->pts[j]->W);
        if (!best || r < rb) {
            best = c->pts[j];
            rb = r;
        }
    }
    return best;
}

/* A new expansion point at t, or NULL (limit reached, t not finite, no
 * memory: the caller computes exactly). */
static xpoint *xp_add(loo_iter *c, double t)
{
    if (c->npts == MAX_POINTS || !(isfinite(t) && t >= 0.0))
        return NULL;
    xpoint *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    xpoint_init(c, t, p);
    size_t j = c->npts;
    while (j > 0 && c->pts[j - 1]->T > t) {
        c->pts[j] = c->pts[j - 1];
        j--;
    }
    c->pts[j] = p;
    c->npts++;
    return p;
}

/* The moment source of the studies other than c->i: series, or exact
 * passes (no point within reach and none can be made, a subtraction that
 * would cancel, or exact mode). */
static void loo_at(const mp_msource *s, double t, int need, mp_moments *m)
{
    loo_iter *c = s->ctx;
    int st = XP_CANCEL;
    if (!c->exact) {
        xpoint *p = xp_nearest(c, t);
        st = p ? xp_moments(c, p, t, need, m) : XP_FAR;
        if (st == XP_FAR && (p = xp_add(c, t)) != NULL)
            st = xp_moments(c, p, t, need, m);
    }
    if (st != XP_OK)
        mp_moments_at(c->y, c->v, c->k, c->i, t, m);
}

static double loo_log1p_sum(const mp_msource *s, double t)
{
    loo_iter *c = s->ctx;
    double out;
    int st = XP_CANCEL;
    if (!c->exact) {
        xpoint *p = xp_nearest(c, t);
        st = p ? xp_log1p(c, p, t, &out) : XP_FAR;
        if (st == XP_FAR && (p = xp_add(c, t)) != NULL)
            st = xp_log1p(c, p, t, &out);
    }
    if (st == XP_OK)
        return out;
    /* as mp_fit.c's plain sum over the same studies in the same order */
    mp_nsum a = { 0, 0 };
    for (size_t j = 0; j < c->k; j++)
        if (j != c->i)
            mp_nsum_add(&a, log1p(t / c->v[j]));
    return mp_nsum_value(&a);
}

static void loo_unit(const mp_msource *s, mp_moments *u)
{
    const loo_iter *c = s->ctx;
    if (c->exact) {
        mp_moments_unit(c->y, c->v, c->k, c->i, u);
        return;
    }
    moments_without_yv(&c->unit, c->y, c->v, c->k, c->i, 0.0, u);
    u->sv = sum_v_without_yv(c->y, c->v, c->k, c->sv, c->i);
}


static int cmp_key(const void *a, const void *b)
{
    uint64_t x = mp_order_key(*(const double *)a), y = mp_order_key(*(const double *)b);
    return x < y ? -1 : x > y;
}

/* Index in c->ys of a value with the key of y (present). */
static size_t sorted_position(const loo_iter *c, double y)
{
    uint64_t key = mp_order_key(y);
    size_t lo = 0, hi = c->k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mp_order_key(c->ys[mid]) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The r-th smallest y of the studies other than the one at position p. */
static double os_without(const loo_iter *c, size_t p, size_t r)
{
    return c->ys[r < p ? r : r + 1];
}

/* Studies other than the one at position p with key(|y - med|) <= key:
 * |y - med| falls, then rises along the sorted y, so they are the
 * positions [lo, hi) found by two binary searches around med. */
static size_t count_absdev_le(const loo_iter *c, size_t p, double med,
                              uint64_t key)
{
    size_t lo = 0, hi = c->k;
    while (lo < hi) {                 /* first position with y >= med */
        size_t mid = lo + (hi - lo) / 2;
        if (c->ys[mid] < med)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t m0 = lo;
    lo = 0;
    hi = m0;
    while (lo < hi) {                 /* first left position within key */
        size_t mid = lo + (hi - lo) / 2;
        if (mp_order_key(fabs(c->ys[mid] - med)) <= key)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t a = lo;
    lo = m0;
    hi = c->k;
    while (lo < hi) {                 /* first right position beyond key */
        size_t mid = lo + (hi - lo) / 2;
        if (mp_order_key(fabs(c->ys[mid] - med)) <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t b = lo;
    return b - a - (p >= a && p < b);
}

/* The r-th smallest |y - med| of the studies other than position p, by
 * the bisection on order keys of mp_fit.c's order_stat (same value). */
static double absdev_without(const loo_iter *c, size_t p, double med,
                             size_t r)
{
    uint64_t lo = 0, hi = UINT64_MAX;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (count_absdev_le(c, p, med, mid) >= r + 1)
            hi = mid;
        else
            lo = mid + 1;
    }
    return mp_order_key_value(lo);
}

/* R's mad() of the y of the studies other than c->i, as mp_fit.c's. */
static double loo_mad(const mp_msource *s)
{
    const loo_iter *c = s->ctx;
    size_t n = c->k - 1, p = sorted_position(c, c->y[c->i]);
    double med = os_without(c, p, (n - 1) / 2);
    if (n % 2 == 0)
        med = (med + os_without(c, p, n / 2)) / 2.0;
    double a = absdev_without(c, p, med, (n - 1) / 2);
    if (n % 2 == 0)
        a = (a + absdev_without(c, p, med, n / 2)) / 2.0;
    return 1.4826 * a;
}

static void loo_iter_free(loo_iter *c)
{
    for (size_t j = 0; j < c->npts; j++)
        free(c->pts[j]);
    free(c->in_ex);
    free(c->ys);
    free(c);
}

static loo_iter *loo_iter_new(const double *y, const double *v, size_t k,
                              const mp_fit_options *o)
{
    loo_iter *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->y = y;
    c->v = v;
    c->k = k;
    c->in_ex = calloc(k, 1);
    if (o->method == MP_METHOD_PM)
        c->ys = malloc(k * sizeof *c->ys);
    if (!c->in_ex || (o->method == MP_METHOD_PM && !c->ys)) {
        loo_iter_free(c);
        return NULL;
    }
    /* the N_EXACT smallest v (first index among ties) */
    c->nex = k < N_EXACT ? k : N_EXACT;
    for (size_t e = 0; e < c->nex; e++) {
        size_t best = k;
        for (size_t j = 0; j < k; j++)
            if (!c->in_ex[j] && (best == k || v[j] < v[best]))
                best = j;
        c->ex[e] = best;
        c->in_ex[best] = 1;
    }
    c->vmin = INFINITY;
    for (size_t j = 0; j < k; j++)
        if (!c->in_ex[j] && v[j] < c->vmin)
            c->vmin = v[j];
    power_sums_init(y, v, k, 0.0, 1, 1, &c->unit);
    mp_moments u;
    mp_moments_unit(y, v, k, MP_SKIP_NONE, &u);
    c->sv = u.sv;
    if (c->ys) {
        memcpy(c->ys, y, k * sizeof *y);
        qsort(c->ys, k, sizeof *c->ys, cmp_key);
    }
    return c;
}

static void fit_iter_without(loo_iter *c, size_t i, size_t row,
                             const mp_fit_options *o, mp_fit_result *r,
                             loo_diags *err)
{
    mp_errors local = MP_ERRORS_INIT;
    int doubtful = 0;
    mp_msource s = { c->k - 1, loo_at, loo_log1p_sum, loo_unit, loo_mad, c,
                     &doubtful };
    double tau2;
    int iters;
    c->i = i;
    c->exact = 0;
    mp_status st = mp_tau2_iterative(&s, o, &tau2, &iters, &local);
    if (doubtful) {
        /* again with exact passes: the very arithmetic of a refit */
        mp_errors_clear(&local);
        c->exact = 1;
        s.doubtful = NULL;
        st = mp_tau2_iterative(&s, o, &tau2, &iters, &local);
    }
    if (st == MP_OK) {
        mp_moments fe, re;
        loo_at(&s, 0.0, MP_NEED_TP, &fe);
        loo_at(&s, tau2, MP_NEED_Q, &re);
        st = mp_fit_finish(c->k - 1, &fe, tau2, &re, o, r, &local);
        r->random.iterations = iters;
    }
    r->k = c->k - 1;
    r->status = st;
    forward_errors(&local, row, err);
}

static mp_status loo_iterative(const loo_rows *lr, const mp_fit_options *o,
                               mp_fit_result *out, loo_diags *err)
{
    loo_iter *c = loo_iter_new(lr->y, lr->v, lr->k, o);
    if (!c)
        return MP_ENOMEM;
    for (size_t j = 0, at = 0; j < lr->k; j++) {
        at = run_start(lr, j, at);
        fit_iter_without(c, at, lr->perm[j], o, &out[lr->perm[j]], err);
    }
    loo_iter_free(c);
    return MP_OK;
}

static int closed_form(mp_method m)
{
    return m == MP_METHOD_DL || m == MP_METHOD_HE || m == MP_METHOD_SJ;
}

mp_status mp_leave_one_out(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *out,
                           mp_errors *err)
{
    return mp_leave_one_out_named(y, v, k, NULL, o, out, err);
}

mp_status mp_leave_one_out_named(const double *y, const double *v, size_t k,
                                 const char *const *names,
                                 const mp_fit_options *o, mp_fit_result *out,
                                 mp_errors *err)
{
    mp_status st = mp_fit_check_options(o, err);
    if (st == MP_OK && k < 2) {
        if (err)
            mp_errors_add(err, NULL, 0,
                          "leave-one-out needs at least 2 studies");
        st = MP_EINPUT;
    }
    if (st == MP_OK)
        st = mp_fit_check_input(y, v, k, err);
    if (st != MP_OK)
        return st;
    /* the Q-profile interval is not part of leave-one-out fits */
    mp_fit_options oo = *o;
    oo.tau2_ci = 0;
    loo_rows lr;
    loo_diags d;
    loo_diags_init(&d, err, names);
    st = loo_rows_init(y, v, k, &lr);
    if (st == MP_OK && closed_form(o->method))
        st = loo_fast(&lr, &oo, out, &d);
    else if (st == MP_OK && k < SERIES_MIN_K)
        st = loo_refit(&lr, &oo, out, &d);
    else if (st == MP_OK)
        st = loo_iterative(&lr, &oo, out, &d);
    loo_rows_free(&lr);
    loo_diags_finish(&d);
    if (st == MP_ENOMEM && err)
        mp_errors_add(err, NULL, 0, "leave-one-out: out of memory");
    return st;
}

/* ---- subgroups ------------------------------------------------------------------ */

static int same_group(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Fit the rows idx[0..n-1] into *r, copying them into the workspace. */
static void fit_rows(const double *y, const double *v, const size_t *idx,
                     size_t n, double *wy, double *wv, const mp_fit_options *o,
                     mp_fit_result *r, mp_errors *err)
{
    for (size_t j = 0; j < n; j++) {
        wy[j] = y[idx[j]];
        wv[j] = v[idx[j]];
    }
    mp_fit(wy, wv, n, o, r, err);
}

/* The figures of the model a fit is summed up by: random effects, or the
 * fixed effect of a single study (k = 1), which has no random-effects
 * model.  Every report, plot and the test for subgroup differences read
 * the pooled estimate here. */
void mp_fit_pooled(const mp_fit_result *f, mp_pooled *out)
{
    if (f->has_random) {
        const mp_random_result *re = &f->random;
        *out = (mp_pooled){ 1, re->log_estimate, re->se, re->lower, re->upper,
                            re->t_test, re->statistic, re->df, re->p };
    } else {
        const mp_fixed_result *fe = &f->fixed;
        *out = (mp_pooled){ 0, fe->log_estimate, fe->se, fe->lower, fe->upper,
                            0, fe->z, NAN, fe->p };
    }
}

/* Test for subgroup differences (Borenstein et al. 2009, ch. 19; RevMan
 * and R's meta, random effects with separate tau^2): Cochran's Q of the
 * subgroup estimates around their inverse-variance mean, df = groups - 1.
 * The estimates are summed in canonical order (mp_canonical_order), so Q
 * does not depend on the order in which the groups first appear. */
/* The estimates and variances the test compares, into e, ve; their
 * number. */
static size_t test_estimates(const mp_subgroups *s, int include_missing,
                             double *e, double *ve)
{
    size_t n = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_fit_result *f = &s->groups[g].fit;
        mp_pooled pf;
        if (f->status != MP_OK || (!s->groups[g].value && !include_missing))
            continue;
        mp_fit_pooled(f, &pf);
        e[n] = pf.log_estimate;
        ve[n] = pf.se * pf.se;
        if (isfinite(1.0 / ve[n]) && ve[n] > 0)
            n++;
    }
    return n;
}

mp_status mp_subgroups_test(mp_subgroups *s, int include_missing)
{
    size_t g = s->n_groups ? s->n_groups : 1;
    double *e = malloc(4 * g * sizeof *e);      /* e, ve, then canonical */
    size_t *perm = malloc(g * sizeof *perm);
    s->Q = s->df = s->p = NAN;
    s->missing_in_test = include_missing;
    mp_status st = e && perm ? MP_OK : MP_ENOMEM;
    size_t n = st == MP_OK ? test_estimates(s, include_missing, e, e + g) : 0;
    if (n >= 2)
        st = mp_canonical_copy(e, e + g, n, perm, e + 2 * g, e + 3 * g);
    if (st == MP_OK && n >= 2) {
        mp_moments m;
        mp_moments_at(e + 2 * g, e + 3 * g, n, MP_SKIP_NONE, 0.0, &m);
        s->Q = m.q;
        s->df = (double)(n - 1);
        s->p = gsl_cdf_chisq_Q(s->Q, s->df);
    }
    free(e);
    free(perm);
    return st;
}

/* Rows of each group, in order of first appearance. */
static mp_status group_rows(const char *const *group, size_t k,
                            mp_subgroups *s)
{
    size_t *of = malloc(k * sizeof *of);       /* group of row i */
    s->groups = calloc(k, sizeof *s->groups);
    if (!of || !s->groups) {
        free(of);
        return MP_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        size_t g = 0;
        while (g < s->n_groups && !same_group(s->groups[g].value, group[i]))
            g++;
        if (g == s->n_groups)
            s->groups[s->n_groups++].value = group[i];
        of[i] = g;
        s->groups[g].k++;
    }
    mp_status st = MP_OK;
    for (size_t g = 0; g < s->n_groups && st == MP_OK; g++) {
        s->groups[g].rows = malloc(s->groups[g].k * sizeof(size_t));
        if (!s->groups[g].rows)
            st = MP_ENOMEM;
        s->groups[g].k = 0;
    }
    for (size_t i = 0; i < k && st == MP_OK; i++) {
        mp_subgroup *sg = &s->groups[of[i]];
        sg->rows[sg->k++] = i;
    }
    free(of);
    return st;
}

mp_status mp_subgroups_fit(const double *y, const double *v,
                           const char *const *group, size_t k,
                           const mp_fit_options *o, mp_subgroups *out,
                           mp_errors *err)
{
    memset(out, 0, sizeof *out);
    out->Q = out->df = out->p = NAN;
    double *wy = malloc((k ? k : 1) * sizeof *wy);
    double *wv = malloc((k ? k : 1) * sizeof *wv);
    mp_status st = wy && wv ? group_rows(group, k, out) : MP_ENOMEM;
    for (size_t g = 0; g < out->n_groups && st == MP_OK; g++) {
        mp_subgroup *sg = &out->groups[g];
        mp_errors local = MP_ERRORS_INIT;
        fit_rows(y, v, sg->rows, sg->k, wy, wv, o, &sg->fit, &local);
        for (size_t j = 0; err && j < local.n; j++)
            mp_errors_warn_at(err, g, "subgroup %s: %s",
                          sg->value ? sg->value : "unspecified",
                          local.items[j].message);
        mp_errors_clear(&local);
    }
    free(wy);
    free(wv);
    if (st == MP_OK)
        st = mp_subgroups_test(out, 0);
    if (st != MP_OK)
        mp_subgroups_clear(out);
    return st;
}

size_t mp_subgroups_unspecified(const mp_subgroups *s)
{
    for (size_t g = 0; g < s->n_groups; g++)
        if (!s->groups[g].value)
            return s->groups[g].k;
    return 0;
}

void mp_subgroups_clear(mp_subgroups *s)
{
    for (size_t g = 0; s->groups && g < s->n_groups; g++)
        free(s->groups[g].rows);
    free(s->groups);
    memset(s, 0, sizeof *s);
}

/* ---- cumulative meta-analysis ----------------------------------------------- */

/* Stable sort of row indices by year: insertion into runs would be
 * quadratic, so a merge sort keeps ties in input order in O(k log k). */
static void merge_by_year(size_t *a, size_t *tmp, size_t n, const int *year)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_by_year(a, tmp, h, year);
    merge_by_year(a + h, tmp, n - h, year);
    size_t i = 0, j = h, t = 0;
    while (i < h && j < n)
        tmp[t++] = year[a[j]] < year[a[i]] ? a[j++] : a[i++];
    while (i < h)
        tmp[t++] = a[i++];
    while (j < n)
        tmp[t++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

mp_status mp_cumulative_fit(const double *y, const double *v, const int *year,
                            size_t k, const mp_fit_options *o,
                            mp_cumulative *out, mp_errors *err)
{
    memset(out, 0, sizeof *out);
    size_t n = k ? k : 1;
    out->order = malloc(n * sizeof *out->order);
    out->fits = calloc(n, sizeof *out->fits);
    size_t *tmp = malloc(n * sizeof *tmp);
    double *wy = malloc(n * sizeof *wy), *wv = malloc(n * sizeof *wv);
    mp_status st = out->order && out->fits && tmp && wy && wv ? MP_OK : MP_ENOMEM;
    if (st == MP_OK) {
        out->k = k;
        for (size_t i = 0; i < k; i++)
            out->order[i] = i;
        merge_by_year(out->order, tmp, k, year);
        /* metafor cumul(): step j pools the first j + 1 studies. */
        for (size_t j = 0; j < k; j++) {
            mp_errors local = MP_ERRORS_INIT;
            fit_rows(y, v, out->order, j + 1, wy, wv, o, &out->fits[j], &local);
            for (size_t m = 0; err && m < local.n; m++)
                mp_errors_warn_at(err, j, "cumulative step %zu: %s", j + 1,
                              local.items[m].message);
            mp_errors_clear(&local);
        }
    }
    free(tmp);
    free(wy);
    free(wv);
    if (st != MP_OK)
        mp_cumulative_clear(out);
    return st;
}

void mp_cumulative_clear(mp_cumulative *c)
{
    free(c->order);
    free(c->fits);
    memset(c, 0, sizeof *c);
}
