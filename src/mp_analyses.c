/* mp_analyses.c - refits on subsets of the studies; see mp_analyses.h.
 *
 * Leave-one-out (metafor leave1out) for the closed-form estimators DL, HE
 * and SJ runs in O(k) total time.  Every moment the fit needs (mp_moments)
 * is a sum over the studies of w_j^m y_j^p, w_j = 1/(v_j + t), at a t that
 * depends on the omitted study i (t = tau2 of the k-1 others).  Around an
 * expansion point T (a tau2 of the full data), with w_j = 1/(v_j + T) and
 * d = t - T,
 *     1/(v_j + t) = w_j / (1 + d w_j) = sum_n (-d)^n w_j^(n+1)
 * for |d| max w < 1, so each such sum over all studies is a power series
 * in d whose coefficients are full-data power sums, computed once; study
 * i's own term is then subtracted exactly.  y is centred on the full-data
 * weighted mean first.  A series is used only when its truncation error is
 * provably below 1e-17 relative (|d| max w <= 1/2, enough terms) and the
 * subtraction of study i loses at most a factor 4 to cancellation;
 * otherwise that study's sums are computed by an exact O(k) pass, which
 * happens for at most a few studies of a data set.  Iterative estimators
 * refit every subset.
 */
#include "mp_analyses.h"

#include <math.h>
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
static void moments_without(const power_sums *p, const loo_closed *c,
                            size_t i, double t, mp_moments *m)
{
    if (series_moments(p, c->y, c->v, c->k, i, t, m))
        return;
    if (p->unit)
        mp_moments_unit(c->y, c->v, c->k, i, m);
    else
        mp_moments_at(c->y, c->v, c->k, i, t, m);
}

static double sum_v_without(const loo_closed *c, size_t i)
{
    double s = c->sv - c->v[i];
    if (!cancels(c->sv, s))
        return s;
    mp_moments m;
    mp_moments_unit(c->y, c->v, c->k, i, &m);
    return m.sv;
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

/* Forward the diagnostics of the fit without study i, prefixed. */
static void forward_errors(mp_errors *local, size_t i, mp_errors *err)
{
    for (size_t j = 0; err && j < local->n; j++)
        mp_errors_add(err, NULL, 0, "leave-one-out without study %zu: %s",
                      i + 1, local->items[j].message);
    mp_errors_free(local);
}

static void fit_closed_without(const loo_closed *c, size_t i,
                               const mp_fit_options *o, mp_fit_result *r,
                               mp_errors *err)
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
    forward_errors(&local, i, err);
}

static mp_status loo_fast(const double *y, const double *v, size_t k,
                          const mp_fit_options *o, mp_fit_result *out,
                          mp_errors *err)
{
    loo_closed *c = malloc(sizeof *c);
    if (!c)
        return MP_ENOMEM;
    loo_closed_init(y, v, k, o, c);
    for (size_t i = 0; i < k; i++)
        fit_closed_without(c, i, o, &out[i], err);
    free(c);
    return MP_OK;
}

/* Iterative estimators: copy the k - 1 other studies into a workspace
 * (allocated once) and refit. */
static mp_status loo_refit(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *out,
                           mp_errors *err)
{
    double *ws = malloc(2 * (k - 1) * sizeof *ws);
    if (!ws)
        return MP_ENOMEM;
    double *ys = ws, *vs = ws + (k - 1);
    for (size_t i = 0; i < k; i++) {
        mp_errors local = MP_ERRORS_INIT;
        memcpy(ys, y, i * sizeof *y);
        memcpy(vs, v, i * sizeof *v);
        memcpy(ys + i, y + i + 1, (k - 1 - i) * sizeof *y);
        memcpy(vs + i, v + i + 1, (k - 1 - i) * sizeof *v);
        mp_fit(ys, vs, k - 1, o, &out[i], &local);
        forward_errors(&local, i, err);
    }
    free(ws);
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
    if (closed_form(o->method))
        st = loo_fast(y, v, k, &oo, out, err);
    else
        st = loo_refit(y, v, k, &oo, out, err);
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

/* The pooled estimate and SE a subgroup contributes to the test for
 * differences: random effects, or the fixed effect of a single study. */
static void group_estimate(const mp_fit_result *f, double *est, double *se)
{
    *est = f->has_random ? f->random.log_estimate : f->fixed.log_estimate;
    *se = f->has_random ? f->random.se : f->fixed.se;
}

/* Test for subgroup differences (Borenstein et al. 2009, ch. 19; RevMan
 * and R's meta, random effects with separate tau^2): Cochran's Q of the
 * subgroup estimates around their inverse-variance mean, df = groups - 1. */
static void subgroup_test(mp_subgroups *s)
{
    mp_nsum sw = { 0, 0 }, swy = { 0, 0 }, swyy = { 0, 0 };
    size_t n = 0;
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_fit_result *f = &s->groups[g].fit;
        double e, se;
        if (f->status != MP_OK)
            continue;
        group_estimate(f, &e, &se);
        double w = 1.0 / (se * se);
        if (!isfinite(w))
            continue;
        mp_nsum_add(&sw, w);
        mp_nsum_add(&swy, w * e);
        n++;
    }
    s->Q = s->df = s->p = NAN;
    if (n < 2)
        return;
    double mean = mp_nsum_value(&swy) / mp_nsum_value(&sw);
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_fit_result *f = &s->groups[g].fit;
        double e, se;
        if (f->status != MP_OK)
            continue;
        group_estimate(f, &e, &se);
        double w = 1.0 / (se * se);
        if (isfinite(w))
            mp_nsum_add(&swyy, w * (e - mean) * (e - mean));
    }
    s->Q = mp_nsum_value(&swyy);
    s->df = (double)(n - 1);
    s->p = gsl_cdf_chisq_Q(s->Q, s->df);
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
            mp_errors_add(err, NULL, 0, "subgroup %s: %s",
                          sg->value ? sg->value : "unspecified",
                          local.items[j].message);
        mp_errors_free(&local);
    }
    free(wy);
    free(wv);
    if (st == MP_OK)
        subgroup_test(out);
    else
        mp_subgroups_free(out);
    return st;
}

void mp_subgroups_free(mp_subgroups *s)
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
                mp_errors_add(err, NULL, 0, "cumulative step %zu: %s", j + 1,
                              local.items[m].message);
            mp_errors_free(&local);
        }
    }
    free(tmp);
    free(wy);
    free(wv);
    if (st != MP_OK)
        mp_cumulative_free(out);
    return st;
}

void mp_cumulative_free(mp_cumulative *c)
{
    free(c->order);
    free(c->fits);
    memset(c, 0, sizeof *c);
}
