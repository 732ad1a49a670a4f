/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_analyses.c - unit tests of mp_leave_one_out.
 *
 * 1. Against metafor 3.8's leave-one-out fits: the rows of
 *    $MP_REFDIR/metafor-3.8/expected.tsv and edge/edge_expected.tsv whose
 *    `omitted` is a study id (every estimator, knha on and off).
 * 2. The O(k) path of the closed-form estimators (DL, HE, SJ) against plain
 *    refits (mp_fit on the k - 1 studies) to 1e-12, on random data with
 *    k = 1000 and on data built to defeat the series (dominant study,
 *    outlier, few studies).
 * 3. A large-k sanity check, k = 2, failures.
 * 4. The series path of the iterative estimators (REML, ML, EB, PM)
 *    against plain refits to 1e-12, on random data with k = 2000, on data
 *    built to defeat the series, and on data where some refits fail (the
 *    same fits must fail, with the same diagnostics).
 * 5. Determinism: the pooled fit, leave-one-out (by study), cumulative
 *    steps and subgroups of random data sets (k = 2 to 10^4, every
 *    estimator) are the same to the bit in random permutations of the
 *    studies; the canonical order.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mp_analyses.h"
#include "mp_error.h"
#include "mp_fit_impl.h"
#include "testutil.h"

/* metafor is compared to the tolerances of the JSON contract
 * (MP_REF_TOL_* and MP_REF_ABS_* in testutil.h, as in check_fit.c); the
 * O(k) path must equal a refit to REFIT_TOL relative to the figure's
 * scale. */
#define REFIT_TOL 1e-12

/* ---- figures of a result ---------------------------------------------- */

typedef struct {
    const char *block, *key;
    double x;
    double scale;   /* natural size, for comparisons of values near 0 */
} figure;

enum { NFIG = 24 };

/* Every figure of r (ratio-scale keys exponentiated, as expected.tsv). */
static int figures(const mp_fit_result *r, figure *t)
{
    const mp_fixed_result *f = &r->fixed;
    const mp_random_result *m = &r->random;
    const mp_heterogeneity *h = &r->het;
    double k = (double)r->k, sv = k * f->se * f->se; /* ~ typical v */
    figure all[NFIG] = {
        { "fixed", "log_estimate", f->log_estimate, f->se },
        { "fixed", "se", f->se, f->se }, { "fixed", "p", f->p, 0 },
        { "fixed", "z", f->z, 1 }, { "fixed", "lower", exp(f->lower), 0 },
        { "fixed", "upper", exp(f->upper), 0 },
        { "random", "tau2", m->tau2, sv }, { "random", "tau", m->tau, sqrt(sv) },
        { "random", "log_estimate", m->log_estimate, m->se },
        { "random", "se", m->se, m->se }, { "random", "lower", exp(m->lower), 0 },
        { "random", "upper", exp(m->upper), 0 },
        { "random", "statistic", m->statistic, 1 }, { "random", "p", m->p, 0 },
        { "random", "df", m->df, 1 },
        { "random", "pi_lower", exp(m->pi_lower), 0 },
        { "random", "pi_upper", exp(m->pi_upper), 0 },
        { "heterogeneity", "Q", h->Q, k }, { "heterogeneity", "df", h->df, 1 },
        { "heterogeneity", "p", h->p, 0 }, { "heterogeneity", "I2", h->I2, 100 },
        { "heterogeneity", "H2", h->H2, 1 },
        { "fixed", "k", k, 1 }, { "random", "has", r->has_random, 1 },
    };
    memcpy(t, all, sizeof all);
    return NFIG;
}

/* ---- 1. metafor's leave-one-out ----------------------------------------- */

/* The largest differences of the current reference test (mp_check_row). */
static mp_check_tally tally;

/* Run leave-one-out once per (case, method, knha) of the table and compare
 * every row with an omitted study; returns the mismatches. */
static int check_loo_table(const char *cases_file, int yc, int vc,
                           const char *expected_file, size_t *nchecked)
{
    tsv_table cases = mp_check_read_tsv(cases_file);
    tsv_table ex = mp_check_read_tsv(expected_file);
    int bad = 0;
    char last[3][TSV_FLEN] = { "", "", "" };
    double *y = NULL, *v = NULL;
    mp_fit_result *out = NULL;
    size_t k = 0;
    mp_method m = MP_METHOD_DL;
    *nchecked = 0;
    for (size_t i = 0; i < ex.n; i++) {
        const tsv_row *e = &ex.rows[i];
        if (strcmp(e->f[E_OMIT], "-") == 0)
            continue;
        if (strcmp(last[0], e->f[E_CASE]) || strcmp(last[1], e->f[E_METHOD])
            || strcmp(last[2], e->f[E_KNHA])) {
            for (int j = 0; j < 3; j++)
                snprintf(last[j], TSV_FLEN, "%s", e->f[j]);
            free(y);
            free(v);
            k = mp_check_case_data(&cases, e->f[E_CASE], yc, vc, &y, &v);
            out = realloc(out, (k ? k : 1) * sizeof *out);
            ck_assert(out != NULL);
            mp_fit_options o;
            mp_fit_options_default(&o);
            ck_assert_int_eq(mp_method_parse(e->f[E_METHOD], &m), MP_OK);
            o.method = m;
            o.hksj = atoi(e->f[E_KNHA]);
            o.maxiter = 10000;  /* make_cases.R's control */
            o.tol = 1e-13;
            ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, NULL), MP_OK);
        }
        size_t om = (size_t)atoi(e->f[E_OMIT] + 1); /* "s07" -> 7 */
        ck_assert_msg(om >= 1 && om <= k, "bad omitted id %s", e->f[E_OMIT]);
        bad += mp_check_row(e, &out[om - 1], m, expected_file, &tally);
        ++*nchecked;
    }
    free(y);
    free(v);
    free(out);
    mp_check_tsv_free(&cases);
    mp_check_tsv_free(&ex);
    return bad;
}

START_TEST(test_loo_metafor)
{
    size_t n;
    int bad = check_loo_table("metafor-3.8/cases.tsv", 7, 8,
                              "metafor-3.8/expected.tsv", &n);
    mp_check_tally_print(&tally, "metafor-3.8 leave-one-out");
    ck_assert_msg(n > 50000, "only %zu leave-one-out figures compared", n);
    ck_assert_msg(bad == 0, "%d of %zu leave-one-out figures differ", bad, n);
}
END_TEST

START_TEST(test_loo_edge)
{
    size_t n;
    int bad = check_loo_table("edge/edge_cases.tsv", 2, 3,
                              "edge/edge_expected.tsv", &n);
    mp_check_tally_print(&tally, "edge leave-one-out");
    ck_assert_msg(n > 10000, "only %zu leave-one-out figures compared", n);
    ck_assert_msg(bad == 0, "%d of %zu leave-one-out figures differ", bad, n);
}
END_TEST

/* ---- 2. O(k) path against plain refits --------------------------------- */

static int same(double a, double b, double scale)
{
    if (a == b || (isnan(a) && isnan(b)))
        return 1;
    double m = fmax(fmax(fabs(a), fabs(b)), scale);
    return fabs(a - b) <= REFIT_TOL * m;
}

/* Compare every figure of fast[i] with a refit without study i. */
static int compare_with_refits(const double *y, const double *v, size_t k,
                               const mp_fit_options *o,
                               const mp_fit_result *fast, const char *what)
{
    double *ys = malloc(k * sizeof *ys), *vs = malloc(k * sizeof *vs);
    ck_assert(ys && vs);
    int bad = 0;
    for (size_t i = 0; i < k; i++) {
        size_t n = 0;
        for (size_t j = 0; j < k; j++) {
            if (j != i) {
                ys[n] = y[j];
                vs[n++] = v[j];
            }
        }
        mp_fit_result r;
        ck_assert_int_eq(mp_fit(ys, vs, n, o, &r, NULL), MP_OK);
        ck_assert_int_eq(fast[i].status, MP_OK);
        figure a[NFIG], b[NFIG];
        figures(&fast[i], a);
        figures(&r, b);
        for (int f = 0; f < NFIG; f++) {
            if (same(a[f].x, b[f].x, b[f].scale))
                continue;
            if (bad++ < 20)
                printf("MISMATCH %s %s hksj=%d without %zu: %s/%s O(k) "
                       "%.17g refit %.17g (rel %.3g)\n", what,
                       mp_method_name(o->method), o->hksj, i + 1, a[f].block,
                       a[f].key, a[f].x, b[f].x,
                       fabs(a[f].x - b[f].x) / fabs(b[f].x));
        }
    }
    free(ys);
    free(vs);
    return bad;
}

typedef enum {
    DATA_PLAIN, DATA_DOMINANT, DATA_OUTLIER, DATA_HETEROG,
    DATA_WIDE,      /* v log-uniform on [1e-6, 10] */
    DATA_NULL,      /* no heterogeneity: tau2 at or near 0 */
    DATA_SPLIT      /* half the y far out: PM's bracket depends on mad(y) */
} data_kind;

static void make_data(gsl_rng *rng, size_t k, data_kind kind, double *y,
                      double *v)
{
    double tau = kind == DATA_HETEROG ? 0.8 : 0.2;
    for (size_t i = 0; i < k; i++) {
        v[i] = gsl_ran_flat(rng, 0.005, 0.5);
        y[i] = 0.3 + gsl_ran_gaussian(rng, sqrt(v[i] + tau * tau));
    }
    if (kind == DATA_DOMINANT)
        v[k / 2] = 1e-7;         /* one study carries most of the weight */
    if (kind == DATA_OUTLIER)
        y[k / 3] = 25.0;         /* one study carries most of Q */
    for (size_t i = 0; kind == DATA_WIDE && i < k; i++) {
        v[i] = pow(10.0, gsl_ran_flat(rng, -6.0, 1.0));
        y[i] = 0.3 + gsl_ran_gaussian(rng, sqrt(v[i] + tau * tau));
    }
    for (size_t i = 0; kind == DATA_NULL && i < k; i++)
        y[i] = 0.3 + gsl_ran_gaussian(rng, sqrt(v[i]));
    /* k/2 studies near 0 and k/2 near +-20: without a central study the
     * median |y - median| is ~20, without an outer one it is < 2, so PM's
     * upper bracket max(100, 10 mad^2) holds tau2 (~200) for some fits
     * and not for others, which fail. */
    for (size_t i = 0; kind == DATA_SPLIT && i < k; i++)
        y[i] = i % 2 ? gsl_ran_gaussian(rng, 0.3)
                     : (i % 4 ? 20.0 : -20.0) + gsl_ran_gaussian(rng, 1.0);
}

static void loo_vs_refit(size_t k, data_kind kind, unsigned long seed)
{
    static const mp_method ms[3] = { MP_METHOD_DL, MP_METHOD_HE,
                                     MP_METHOD_SJ };
    static const char *names[4] = { "plain", "dominant", "outlier",
                                    "heterogeneous" };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    mp_fit_result *out = malloc(k * sizeof *out);
    ck_assert(rng && y && v && out);
    make_data(rng, k, kind, y, v);
    int bad = 0;
    for (int m = 0; m < 3; m++) {
        for (int h = 0; h < 2; h++) {
            mp_fit_options o;
            mp_fit_options_default(&o);
            o.method = ms[m];
            o.hksj = h;
            ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, NULL), MP_OK);
            o.tau2_ci = 0;
            bad += compare_with_refits(y, v, k, &o, out, names[kind]);
        }
    }
    ck_assert_msg(bad == 0, "k = %zu %s data: %d figures of the O(k) path "
                  "differ from refits by more than %g", k, names[kind], bad,
                  REFIT_TOL);
    free(y);
    free(v);
    free(out);
    gsl_rng_free(rng);
}

START_TEST(test_fast_equals_refit_k1000)
{
    loo_vs_refit(1000, DATA_PLAIN, 1);
    loo_vs_refit(1000, DATA_HETEROG, 2);
}
END_TEST

START_TEST(test_fast_equals_refit_adversarial)
{
    for (size_t k = 3; k <= 12; k++) {
        for (int kind = 0; kind < 4; kind++)
            loo_vs_refit(k, (data_kind)kind, 100 + k);
    }
    loo_vs_refit(500, DATA_DOMINANT, 7);
    loo_vs_refit(500, DATA_OUTLIER, 8);
}
END_TEST

/* ---- 3. large k, k = 2, failures -------------------------------------- */

static double seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void time_loo(size_t k, mp_method method)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    mp_fit_result *out = malloc(k * sizeof *out);
    ck_assert(rng && y && v && out);
    make_data(rng, k, DATA_PLAIN, y, v);
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.method = method;
    double t0 = seconds();
    ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, NULL), MP_OK);
    printf("leave-one-out %s k = %zu: %.3f s\n", mp_method_name(method), k,
           seconds() - t0);
    mp_fit_result full;
    o.tau2_ci = 0;
    ck_assert_int_eq(mp_fit(y, v, k, &o, &full, NULL), MP_OK);
    for (size_t i = 0; i < k; i++) {
        ck_assert_int_eq(out[i].status, MP_OK);
        ck_assert_uint_eq(out[i].k, k - 1);
        /* one study of k moves the estimate by O(1/k) */
        ck_assert(fabs(out[i].random.log_estimate - full.random.log_estimate)
                  < 50.0 / (double)k);
        ck_assert(isfinite(out[i].random.pi_upper) && isfinite(out[i].het.p));
    }
    free(y);
    free(v);
    free(out);
    gsl_rng_free(rng);
}

START_TEST(test_large_k)
{
    time_loo(100000, MP_METHOD_DL);
    time_loo(100000, MP_METHOD_HE);
}
END_TEST

/* Iterative estimators refit: O(k^2).  k = 2000 by default; set
 * MP_BENCH=1 for the k = 10000 timing. */
START_TEST(test_large_k_reml)
{
    time_loo(getenv("MP_BENCH") ? 10000 : 2000, MP_METHOD_REML);
}
END_TEST

START_TEST(test_k2)
{
    const double y[2] = { 0.1, 0.5 }, v[2] = { 0.04, 0.09 };
    mp_fit_result out[2];
    for (int m = 0; m < MP_METHOD_COUNT; m++) {
        mp_fit_options o;
        mp_fit_options_default(&o);
        o.method = (mp_method)m;
        ck_assert_int_eq(mp_leave_one_out(y, v, 2, &o, out, NULL), MP_OK);
        for (int i = 0; i < 2; i++) {
            ck_assert_int_eq(out[i].status, MP_OK);
            ck_assert_uint_eq(out[i].k, 1);
            ck_assert_int_eq(out[i].has_random, 0);
            ck_assert(out[i].fixed.log_estimate == y[1 - i]);
            ck_assert(fabs(out[i].fixed.se - sqrt(v[1 - i])) < 1e-16);
            ck_assert(isnan(out[i].random.tau2) && isnan(out[i].het.Q));
        }
    }
}
END_TEST

START_TEST(test_invalid)
{
    const double y[3] = { 0.1, 0.2, NAN }, v[3] = { 0.1, 0.1, 0.1 };
    mp_fit_result out[3];
    mp_fit_options o;
    mp_errors err = MP_ERRORS_INIT;
    mp_fit_options_default(&o);
    ck_assert_int_eq(mp_leave_one_out(y, v, 1, &o, out, &err), MP_EINPUT);
    ck_assert_int_eq(mp_leave_one_out(y, v, 3, &o, out, &err), MP_EINPUT);
    ck_assert_uint_eq(err.n, 2);
    mp_errors_clear(&err);
}
END_TEST

/* A subset fit that fails is marked and named; the others are filled.
 * The failure left to REML on valid input is overflow: without study 6
 * the five others agree exactly, so REML's estimating function at 0 needs
 * the square of study 1's weight 1/1e-200, which is not finite.  With
 * study 6 every fit has tau2 > 0, where that weight is at most 1/tau2. */
START_TEST(test_failed_subfit)
{
    const double y[6] = { 0.3, 0.3, 0.3, 0.3, 0.3, 1.5 };
    const double v[6] = { 1e-200, 0.04, 0.04, 0.04, 0.04, 0.04 };
    mp_fit_result out[6];
    mp_fit_options o;
    mp_errors err = MP_ERRORS_INIT;
    mp_fit_options_default(&o);
    o.method = MP_METHOD_REML;
    ck_assert_int_eq(mp_leave_one_out(y, v, 6, &o, out, &err), MP_OK);
    ck_assert_uint_eq(err.n, 1);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(out[i].status, MP_OK);
    ck_assert_int_eq(out[5].status, MP_ENUMERIC);
    ck_assert_str_eq(err.items[0].message, "leave-one-out without study 6: "
                     "REML estimator: the fit is not finite (extreme sampling "
                     "variances?)");
    mp_errors_clear(&err);
}
END_TEST


/* ---- 4. iterative estimators: series path against plain refits ------- */

static const mp_method iterative[4] = { MP_METHOD_REML, MP_METHOD_ML,
                                        MP_METHOD_EB, MP_METHOD_PM };

/* Figures of iterative fits agree when same() holds, except that a p is
 * compared on the log scale, where its rounding error is that of its
 * statistic (a p of 1e-200 has relative error z^2 ~ 1000 times that of z),
 * and tau as tau^2 (near tau^2 = 0, where the procedure places tau^2 only
 * to its tolerance, sqrt amplifies any difference). */
static int same_iter_figure(const figure *a, const figure *b)
{
    if (strcmp(b->key, "p") == 0 && a->x > 0 && b->x > 0)
        return same(log(a->x), log(b->x), 0);
    if (strcmp(b->key, "tau") == 0)
        return same(a->x * a->x, b->x * b->x, b->scale * b->scale);
    return same(a->x, b->x, b->scale);
}

/* Compare fast[i] (diagnostics in fast_err, in study order) with a refit
 * without study i: the same status and diagnostic, and for fits that
 * converged every figure to REFIT_TOL.  Where the procedure itself fixes
 * tau2 only to its tolerance (a slow approach to tau2 = 0 that stops where
 * a step is <= tol; or a dominant study of v ~ 1e-7, where REML's tr PP is
 * the difference of terms 1e11 times larger, so rounding moves each
 * step), the two tau2 may differ by up to o->tol, which moves the figures
 * by more than REFIT_TOL when v is small; such a fit counts in *loose,
 * and its figures are compared with the model finished exactly
 * (mp_moments_at, mp_fit_finish) at its own tau2.
 * Returns the mismatches and adds the failed fits to *nfailed. */
static int compare_iter_with_refits(const double *y, const double *v,
                                    size_t k, const mp_fit_options *o,
                                    const mp_fit_result *fast,
                                    const mp_errors *fast_err,
                                    const char *what, size_t *nfailed,
                                    size_t *loose)
{
    double *ys = malloc(k * sizeof *ys), *vs = malloc(k * sizeof *vs);
    ck_assert(ys && vs);
    int bad = 0;
    size_t e = 0;
    char msg[512];
    for (size_t i = 0; i < k; i++) {
        size_t n = 0;
        for (size_t j = 0; j < k; j++) {
            if (j != i) {
                ys[n] = y[j];
                vs[n++] = v[j];
            }
        }
        mp_fit_result r;
        mp_errors local = MP_ERRORS_INIT;
        mp_fit(ys, vs, n, o, &r, &local);
        if (fast[i].status != r.status || fast[i].k != n) {
            if (bad++ < 20)
                printf("MISMATCH %s %s without %zu: status %d, refit %d\n",
                       what, mp_method_name(o->method), i + 1,
                       (int)fast[i].status, (int)r.status);
        } else if (r.status != MP_OK) {
            ++*nfailed;
            for (size_t j = 0; j < local.n; j++, e++) {
                snprintf(msg, sizeof msg, "leave-one-out without study %zu: %s",
                         i + 1, local.items[j].message);
                if (e >= fast_err->n
                    || strcmp(fast_err->items[e].message, msg) != 0) {
                    if (bad++ < 20)
                        printf("MISMATCH %s diagnostic: %s, refit %s\n", what,
                               e < fast_err->n ? fast_err->items[e].message
                                               : "(none)", msg);
                }
            }
        } else {
            figure a[NFIG], b[NFIG];
            figures(&fast[i], a);
            figures(&r, b);
            int nb = 0;
            for (int f = 0; f < NFIG; f++)
                nb += !same_iter_figure(&a[f], &b[f]);
            double t = fast[i].random.tau2;
            if (nb && fabs(t - r.random.tau2) <= o->tol) {
                mp_moments fe, re;
                mp_moments_at(ys, vs, n, MP_SKIP_NONE, 0.0, &fe);
                mp_moments_at(ys, vs, n, MP_SKIP_NONE, t, &re);
                ck_assert_int_eq(mp_fit_finish(n, &fe, t, &re, o, &r, NULL),
                                 MP_OK);
                figures(&r, b);
                ++*loose;
            }
            for (int f = 0; f < NFIG; f++) {
                if (same_iter_figure(&a[f], &b[f]))
                    continue;
                if (bad++ < 20)
                    printf("MISMATCH %s %s hksj=%d without %zu: %s/%s series "
                           "%.17g refit %.17g (rel %.3g)\n", what,
                           mp_method_name(o->method), o->hksj, i + 1,
                           a[f].block, a[f].key, a[f].x, b[f].x,
                           fabs(a[f].x - b[f].x) / fabs(b[f].x));
            }
        }
        mp_errors_clear(&local);
    }
    if (e != fast_err->n && bad++ < 20)
        printf("MISMATCH %s: %zu diagnostics, refits %zu\n", what,
               fast_err->n, e);
    free(ys);
    free(vs);
    return bad;
}

static const char *kind_name(data_kind kind)
{
    static const char *names[] = { "plain", "dominant", "outlier",
                                   "heterogeneous", "wide", "null", "split" };
    return names[kind];
}

/* Leave-one-out of every iterative estimator on data of the kind against
 * refits; maxiter 0 keeps the default.  PM's Brent iteration stops
 * anywhere within o.tol of the root, where QE is rounding noise, so PM is
 * run at tol 1e-15 to compare to 1e-12 (at the default 1e-12 the series
 * and a refit agree to about that tolerance in tau2, as two refits of
 * reordered studies do).  Returns the failed fits. */
static size_t iter_vs_refit(size_t k, data_kind kind, unsigned long seed,
                            int hksj, int maxiter, int strict)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    mp_fit_result *out = malloc(k * sizeof *out);
    ck_assert(rng && y && v && out);
    make_data(rng, k, kind, y, v);
    int bad = 0;
    size_t nfailed = 0, loose = 0;
    for (int m = 0; m < 4; m++) {
        mp_fit_options o;
        mp_fit_options_default(&o);
        o.method = iterative[m];
        o.hksj = hksj;
        if (maxiter)
            o.maxiter = maxiter;
        if (o.method == MP_METHOD_PM)
            o.tol = 1e-15;
        mp_errors err = MP_ERRORS_INIT;
        ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, &err), MP_OK);
        o.tau2_ci = 0;
        bad += compare_iter_with_refits(y, v, k, &o, out, &err,
                                        kind_name(kind), &nfailed, &loose);
        mp_errors_clear(&err);
    }
    ck_assert_msg(bad == 0, "k = %zu %s data: %d figures of the series path "
                  "differ from refits", k, kind_name(kind), bad);
    if (loose)
        printf("k = %zu %s data: %zu fits agree with refits to the "
               "tolerance in tau2 only\n", k, kind_name(kind), loose);
    ck_assert_msg(!strict || loose == 0, "k = %zu %s data: %zu fits agree "
                  "with refits only to the tolerance", k, kind_name(kind),
                  loose);
    free(y);
    free(v);
    free(out);
    gsl_rng_free(rng);
    return nfailed;
}

START_TEST(test_iter_equals_refit_k2000)
{
    iter_vs_refit(2000, DATA_PLAIN, 1, 0, 0, 1);
    iter_vs_refit(2000, DATA_HETEROG, 2, 1, 0, 1);
}
END_TEST

START_TEST(test_iter_equals_refit_adversarial)
{
    /* k = 3..12 refit; from 64 on the series serve */
    for (size_t k = 3; k <= 12; k++) {
        for (int kind = 0; kind <= DATA_NULL; kind++)
            iter_vs_refit(k, (data_kind)kind, 200 + k, (int)(k % 2), 0, 1);
    }
    for (size_t k = 62; k <= 70; k++) {
        for (int kind = 0; kind <= DATA_NULL; kind++)
            iter_vs_refit(k, (data_kind)kind, 300 + k, (int)(k % 2), 0, 0);
    }
    iter_vs_refit(500, DATA_DOMINANT, 7, 0, 0, 0);
    iter_vs_refit(500, DATA_OUTLIER, 8, 1, 0, 1);
    iter_vs_refit(500, DATA_WIDE, 9, 0, 0, 0);
    iter_vs_refit(500, DATA_NULL, 10, 0, 0, 0);
}
END_TEST

/* Leave-one-out on the six studies of issue 15, whose REML Fisher scoring
 * oscillates (check_fit.c, test_reml_oscillating): every row is fitted,
 * as a plain fit of the five studies gives it. */
START_TEST(test_loo_oscillating)
{
    const double *y = mp_check_oscillating_y, *v = mp_check_oscillating_v;
    for (int m = 0; m < 4; m++) {
        mp_fit_result out[6];
        mp_fit_options o;
        mp_errors err = MP_ERRORS_INIT;
        mp_fit_options_default(&o);
        o.method = iterative[m];
        ck_assert_int_eq(mp_leave_one_out(y, v, 6, &o, out, &err), MP_OK);
        ck_assert_uint_eq(err.n, 0);
        o.tau2_ci = 0;
        size_t nfailed = 0, loose = 0;
        ck_assert_int_eq(compare_iter_with_refits(y, v, 6, &o, out, &err,
                                                  "six", &nfailed, &loose), 0);
        ck_assert_uint_eq(nfailed, 0);
        mp_errors_clear(&err);
    }
}
END_TEST

/* No refit fails where the estimate exists: PM's roots beyond metafor's
 * interval [0, max(100, 10 mad^2)] (DATA_SPLIT: half the y far out, so
 * that interval holds the root of some refits and not of others; until
 * issue 15 about half failed), and an iteration limit between the fewest
 * and the most Fisher scoring steps used, so that some fits end by
 * scoring and the others by the safeguard (the root of the estimating
 * equation, issue 15), on the series moment source too (maxiter 2, k =
 * 100); each equals its refit. */
START_TEST(test_iter_safeguard)
{
    ck_assert_uint_eq(iter_vs_refit(2000, DATA_SPLIT, 11, 0, 0, 1), 0);
    ck_assert_uint_eq(iter_vs_refit(100, DATA_PLAIN, 13, 0, 2, 1), 0);
    size_t k = 1000;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 12);
    double *y = malloc(k * sizeof *y), *v = malloc(k * sizeof *v);
    mp_fit_result *out = malloc(k * sizeof *out);
    ck_assert(rng && y && v && out);
    make_data(rng, k, DATA_PLAIN, y, v);
    for (int m = 0; m < 3; m++) {
        mp_fit_options o;
        mp_fit_options_default(&o);
        o.method = iterative[m];
        ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, NULL), MP_OK);
        int lo = 1 << 30, hi = 0;
        for (size_t i = 0; i < k; i++) {
            ck_assert_int_eq(out[i].status, MP_OK);
            lo = out[i].random.iterations < lo ? out[i].random.iterations : lo;
            hi = out[i].random.iterations > hi ? out[i].random.iterations : hi;
        }
        o.maxiter = lo + (hi - lo) / 2;
        if (o.maxiter == hi)
            continue;
        mp_errors err = MP_ERRORS_INIT;
        size_t nfailed = 0, loose = 0, guarded = 0;
        ck_assert_int_eq(mp_leave_one_out(y, v, k, &o, out, &err), MP_OK);
        for (size_t i = 0; i < k; i++)
            guarded += out[i].random.iterations > o.maxiter;
        o.tau2_ci = 0;
        int bad = compare_iter_with_refits(y, v, k, &o, out, &err,
                                           "maxiter", &nfailed, &loose);
        ck_assert_msg(loose == 0, "maxiter: %zu loose fits", loose);
        ck_assert_msg(bad == 0, "%s maxiter %d: %d mismatches",
                      mp_method_name(o.method), o.maxiter, bad);
        ck_assert_msg(nfailed == 0, "%s maxiter %d: %zu failed",
                      mp_method_name(o.method), o.maxiter, nfailed);
        ck_assert_msg(guarded > 0 && guarded < k, "%s maxiter %d: %zu of %zu "
                      "by the safeguard", mp_method_name(o.method), o.maxiter,
                      guarded, k);
        mp_errors_clear(&err);
    }
    free(y);
    free(v);
    free(out);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_large_k_iterative)
{
    for (int m = 0; m < 4; m++)
        time_loo(100000, iterative[m]);
}
END_TEST

/* ---- 5. determinism: the same set of studies in any order -------------- */

/* Every figure of a result, as bits: two fits are the same when all of
 * them are (NaN included), which is what makes their JSON texts equal. */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

enum { NBITS = 30 };

/* The doubles of a result that a report prints. */
static void fit_doubles(const mp_fit_result *a, double x[NBITS])
{
    const mp_fixed_result *f = &a->fixed;
    const mp_random_result *r = &a->random;
    const double all[NBITS] = {
        f->log_estimate, f->se, f->lower, f->upper, f->z, f->p, f->weight_sum,
        r->tau2, r->tau, r->log_estimate, r->se, r->lower, r->upper,
        r->statistic, r->df, r->p, r->pi_lower, r->pi_upper, r->tau2_lower,
        r->tau2_upper, r->I2_lower, r->I2_upper, r->H2_lower, r->H2_upper,
        r->weight_sum, a->het.Q, a->het.df, a->het.p, a->het.I2, a->het.H2
    };
    memcpy(x, all, sizeof all);
}

static int same_fit_bits(const mp_fit_result *a, const mp_fit_result *b)
{
    /* the figures of a failed fit are unspecified */
    if (a->status != MP_OK || b->status != MP_OK)
        return a->status == b->status;
    double x[NBITS], y[NBITS];
    fit_doubles(a, x);
    fit_doubles(b, y);
    for (size_t i = 0; i < NBITS; i++)
        if (!same_bits(x[i], y[i])) {
            printf("figure %zu: %.17g against %.17g\n", i, x[i], y[i]);
            return 0;
        }
    if (a->random.iterations != b->random.iterations)
        printf("iterations: %d against %d\n", a->random.iterations,
               b->random.iterations);
    return a->k == b->k && a->has_random == b->has_random
           && a->random.iterations == b->random.iterations;
}

/* Random data of k studies with SEs over a ratio of ~50, a few exact
 * duplicates and a few equal y with other v (the tie-breaks of the
 * canonical order), and years all different. */
static void permutable_data(gsl_rng *rng, size_t k, double *y, double *v,
                            int *year)
{
    for (size_t i = 0; i < k; i++) {
        y[i] = -0.1 + gsl_ran_gaussian(rng, 0.3);
        double se = exp(gsl_ran_flat(rng, -3.0, 0.9));
        v[i] = se * se;
        year[i] = 1990 + (int)i;
    }
    for (size_t i = 3; i + 1 < k; i += 7) {
        y[i + 1] = y[i];
        if (i % 2)
            v[i + 1] = v[i];
    }
}

/* perm: a random permutation of 0..k-1; py, pv, pyear the data in it. */
static void permute(gsl_rng *rng, size_t k, const double *y, const double *v,
                    const int *year, size_t *perm, double *py, double *pv,
                    int *pyear)
{
    for (size_t i = 0; i < k; i++)
        perm[i] = i;
    gsl_ran_shuffle(rng, perm, k, sizeof *perm);
    for (size_t i = 0; i < k; i++) {
        py[i] = y[perm[i]];
        pv[i] = v[perm[i]];
        pyear[i] = year[perm[i]];
    }
}

/* Check one permutation against the fits of the data in input order:
 * the pooled fit, every leave-one-out row (matched by study), every
 * cumulative step (the same set of studies, the years being distinct) and
 * the subgroups (matched by value) with their test. */
typedef struct {
    size_t k;
    const double *y, *v;
    const int *year;
    const char *const *group;
    mp_fit_result fit, *loo;
    mp_cumulative cum;
    mp_subgroups sub;
} analysis;

static void analyse(analysis *a, const mp_fit_options *o, int with_cum)
{
    ck_assert_int_eq(mp_fit(a->y, a->v, a->k, o, &a->fit, NULL), a->fit.status);
    a->loo = NULL;
    if (a->k >= 2) {
        a->loo = malloc(a->k * sizeof *a->loo);
        ck_assert_ptr_nonnull(a->loo);
        ck_assert_int_eq(mp_leave_one_out(a->y, a->v, a->k, o, a->loo, NULL),
                         MP_OK);
    }
    memset(&a->cum, 0, sizeof a->cum);
    if (with_cum)
        ck_assert_int_eq(mp_cumulative_fit(a->y, a->v, a->year, a->k, o,
                                           &a->cum, NULL), MP_OK);
    ck_assert_int_eq(mp_subgroups_fit(a->y, a->v, a->group, a->k, o, &a->sub,
                                      NULL), MP_OK);
}

static void analysis_free(analysis *a)
{
    free(a->loo);
    mp_cumulative_clear(&a->cum);
    mp_subgroups_clear(&a->sub);
}

static const mp_subgroup *group_named(const mp_subgroups *s, const char *v)
{
    for (size_t g = 0; g < s->n_groups; g++)
        if (strcmp(s->groups[g].value, v) == 0)
            return &s->groups[g];
    return NULL;
}

static void expect_same_analysis(const analysis *a, const analysis *b,
                                 const size_t *perm, const char *what)
{
    ck_assert_msg(same_fit_bits(&a->fit, &b->fit), "%s: pooled fit", what);
    for (size_t i = 0; b->loo && i < a->k; i++)
        ck_assert_msg(same_fit_bits(&a->loo[perm[i]], &b->loo[i]),
                      "%s: leave-one-out without study %zu", what, perm[i] + 1);
    for (size_t j = 0; j < a->cum.k; j++)
        ck_assert_msg(same_fit_bits(&a->cum.fits[j], &b->cum.fits[j]),
                      "%s: cumulative step %zu", what, j + 1);
    ck_assert_uint_eq(a->sub.n_groups, b->sub.n_groups);
    for (size_t g = 0; g < a->sub.n_groups; g++) {
        const mp_subgroup *x = &a->sub.groups[g];
        const mp_subgroup *z = group_named(&b->sub, x->value);
        ck_assert_ptr_nonnull(z);
        ck_assert_msg(same_fit_bits(&x->fit, &z->fit), "%s: subgroup %s",
                      what, x->value);
    }
    ck_assert_msg(same_bits(a->sub.Q, b->sub.Q) && same_bits(a->sub.p, b->sub.p),
                  "%s: test for subgroup differences", what);
}

static void check_permutations(gsl_rng *rng, size_t k, int nperm)
{
    static const char *const labels[3] = { "a", "b", "c" };
    double *y = malloc(4 * k * sizeof *y);
    int *year = malloc(2 * k * sizeof *year);
    size_t *perm = malloc(k * sizeof *perm);
    const char **group = malloc(2 * k * sizeof *group);
    ck_assert(y && year && perm && group);
    double *v = y + k, *py = y + 2 * k, *pv = y + 3 * k;
    permutable_data(rng, k, y, v, year);
    for (size_t i = 0; i < k; i++)
        group[i] = labels[gsl_rng_uniform_int(rng, 3)];
    for (int m = 0; m < MP_METHOD_COUNT; m++) {
        mp_fit_options o;
        mp_fit_options_default(&o);
        o.method = (mp_method)m;
        o.hksj = m % 2;
        int with_cum = k <= 200;     /* k fits of up to k studies each */
        analysis a = { k, y, v, year, group, { 0 }, NULL, { 0 }, { 0 } };
        analyse(&a, &o, with_cum);
        for (int p = 0; p < nperm; p++) {
            permute(rng, k, y, v, year, perm, py, pv, year + k);
            for (size_t i = 0; i < k; i++)
                group[k + i] = group[perm[i]];
            analysis b = { k, py, pv, year + k, group + k, { 0 }, NULL, { 0 },
                           { 0 } };
            analyse(&b, &o, with_cum);
            char what[64];
            snprintf(what, sizeof what, "k = %zu, %s, permutation %d", k,
                     mp_method_name(o.method), p + 1);
            expect_same_analysis(&a, &b, perm, what);
            analysis_free(&b);
        }
        analysis_free(&a);
    }
    free(y);
    free(year);
    free(perm);
    free(group);
}

START_TEST(test_permutations_small)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 15);
    const size_t ks[] = { 2, 3, 4, 5, 6, 8, 13, 30, 63, 64, 65, 200 };
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
        check_permutations(rng, ks[i], 4);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_permutations_large)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1501);
    check_permutations(rng, 1000, 2);
    check_permutations(rng, 10000, 1);
    gsl_rng_free(rng);
}
END_TEST

/* The canonical order itself: by y, then v, equal pairs by row. */
START_TEST(test_canonical_order)
{
    const double y[7] = { 0.5, -0.0, 0.0, -1.0, 0.5, 0.5, -1.0 };
    const double v[7] = { 0.2, 0.1, 0.1, 0.3, 0.1, 0.2, 0.3 };
    const size_t want[7] = { 3, 6, 1, 2, 4, 0, 5 };
    size_t perm[7];
    ck_assert_int_eq(mp_canonical_order(y, v, 7, perm), MP_OK);
    for (int i = 0; i < 7; i++)
        ck_assert_uint_eq(perm[i], want[i]);
    /* the radix path (k >= 64) agrees with the comparison sort */
    enum { K = 3000 };
    static double yy[K], vv[K];
    static size_t p[K];
    for (int i = 0; i < K; i++) {
        yy[i] = (double)((i * 7919) % 97) - 48.0 + (i % 3 ? 0.0 : -0.0);
        vv[i] = 1.0 + (double)((i * 31) % 5);
    }
    ck_assert_int_eq(mp_canonical_order(yy, vv, K, p), MP_OK);
    for (int i = 1; i < K; i++) {
        uint64_t a = mp_order_key(yy[p[i - 1]]), b = mp_order_key(yy[p[i]]);
        uint64_t c = mp_order_key(vv[p[i - 1]]), d = mp_order_key(vv[p[i]]);
        ck_assert(a < b || (a == b && (c < d || (c == d && p[i - 1] < p[i]))));
    }
}
END_TEST

static Suite *analyses_suite(void)
{
    Suite *s = suite_create("analyses");
    TCase *ref = tcase_create("metafor");
    tcase_set_timeout(ref, 300);
    tcase_add_test(ref, test_loo_metafor);
    tcase_add_test(ref, test_loo_edge);
    suite_add_tcase(s, ref);
    TCase *fast = tcase_create("fast");
    tcase_set_timeout(fast, 300);
    tcase_add_test(fast, test_fast_equals_refit_k1000);
    tcase_add_test(fast, test_fast_equals_refit_adversarial);
    tcase_add_test(fast, test_large_k);
    tcase_add_test(fast, test_large_k_reml);
    tcase_add_test(fast, test_k2);
    tcase_add_test(fast, test_invalid);
    tcase_add_test(fast, test_failed_subfit);
    suite_add_tcase(s, fast);
    TCase *iter = tcase_create("iterative");
    tcase_set_timeout(iter, 300);
    tcase_add_test(iter, test_iter_equals_refit_k2000);
    tcase_add_test(iter, test_iter_equals_refit_adversarial);
    tcase_add_test(iter, test_iter_safeguard);
    tcase_add_test(iter, test_loo_oscillating);
    tcase_add_test(iter, test_large_k_iterative);
    suite_add_tcase(s, iter);
    TCase *det = tcase_create("determinism");
    tcase_set_timeout(det, 300);
    tcase_add_test(det, test_canonical_order);
    tcase_add_test(det, test_permutations_small);
    tcase_add_test(det, test_permutations_large);
    suite_add_tcase(s, det);
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* forked tests print mismatches */
    gsl_set_error_handler_off();
    return mp_check_run(analyses_suite());
}
