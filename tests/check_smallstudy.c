/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_smallstudy.c - unit tests of mp_egger, mp_rank_test, mp_trimfill.
 *
 * 1. Against metafor 3.8's regtest(model = "rma", predictor = "sei"),
 *    ranktest() and trimfill(), every figure (the tables of
 *    tests/reference/bias/README.md): bias-expected.tsv for DL and HE
 *    (its iterative fits stopped at metafor's default threshold 1e-5),
 *    tight-expected.tsv and own-expected.tsv for every estimator, with
 *    and without Hartung-Knapp.  Cases with k = 2 must be "not available".
 * 2. The cases built for a purpose: trim-and-fill on the right, nothing
 *    to fill, ties (the rank test's normal approximation), the exact
 *    Kendall distribution.
 * 3. Bad input: k = 0, 1, 2, zero and negative variances, equal standard
 *    errors, a fit that fails; the k < 10 warning; order independence.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_error.h"
#include "mp_fit.h"
#include "mp_smallstudy.h"
#include "testutil.h"

/* ---- the three analyses of one data set -------------------------------- */

typedef struct {
    mp_status st_egger, st_rank, st_tf;
    mp_egger_result egger;
    mp_rank_result rank;
    mp_trimfill_result tf;
    mp_method method;
} analyses;

static void analyses_run(const double *y, const double *v, size_t k,
                         const mp_fit_options *o, analyses *a)
{
    a->method = o->method;
    a->st_egger = mp_egger(y, v, k, o, &a->egger, NULL);
    a->st_rank = mp_rank_test(y, v, k, &a->rank, NULL);
    a->st_tf = mp_trimfill(y, v, k, o, &a->tf, NULL);
}

static void analyses_free(analyses *a)
{
    if (a->st_tf == MP_OK)
        mp_trimfill_free(&a->tf);
}

/* ---- 1. metafor ------------------------------------------------------- */

typedef struct {
    const char *cases, *expected;
    int yc, vc;
    int closed_only;
} table_pair;

static const table_pair tables[] = {
    { "bias/cases.tsv", "bias/bias-expected.tsv", 7, 8, 1 },
    { "bias/cases.tsv", "bias/tight-expected.tsv", 7, 8, 0 },
    { "bias/own_cases.tsv", "bias/own-expected.tsv", 2, 3, 0 },
};

/* A figure by block and key (ratio-scale keys exponentiated, as the
 * tables); 0 for an unknown key.  *scale: its natural size. */
static int figure(const analyses *a, const char *block, const char *id,
                  const char *key, double *x, double *scale)
{
    const mp_egger_result *e = &a->egger;
    const mp_random_result *t = &a->tf.fit.random;
    size_t f = strcmp(block, "filled") == 0 ? strtoul(id + 1, NULL, 10) : 0;
    const struct { const char *block, *key; double x, scale; } all[] = {
        { "egger", "statistic", e->statistic, 1 }, { "egger", "p", e->p, 0 },
        { "egger", "df", e->df, 1 },
        { "egger", "limit_log_estimate", e->limit_log_estimate, e->limit_se },
        { "egger", "limit_lower", exp(e->limit_lower), 0 },
        { "egger", "limit_upper", exp(e->limit_upper), 0 },
        { "rank", "tau", a->rank.tau, 1 }, { "rank", "p", a->rank.p, 0 },
        { "rank", "exact", a->rank.exact, 0 },
        { "trimfill", "k0", (double)a->tf.k0, 0 },
        { "trimfill", "k0_se", a->tf.k0_se, 0 },
        { "trimfill", "side_left", a->tf.side == MP_SIDE_LEFT, 0 },
        { "trimfill", "log_estimate", t->log_estimate, t->se },
        { "trimfill", "se", t->se, 0 }, { "trimfill", "tau2", t->tau2, t->se },
        { "trimfill", "lower", exp(t->lower), 0 },
        { "trimfill", "upper", exp(t->upper), 0 },
        { "trimfill", "statistic", t->statistic, 1 },
        { "trimfill", "p", t->p, 0 },
        { "filled", "yi", f && f <= a->tf.k0 ? a->tf.filled_y[f - 1] : NAN, 1 },
        { "filled", "se", f && f <= a->tf.k0 ? a->tf.filled_se[f - 1] : NAN, 0 },
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i].block, block) == 0 && strcmp(all[i].key, key) == 0) {
            *x = all[i].x;
            *scale = all[i].scale;
            return 1;
        }
    return 0;
}

/* The value of a table cell: TRUE/FALSE as 1/0, NA as NAN. */
static double cell(const char *s)
{
    if (strcmp(s, "TRUE") == 0 || strcmp(s, "FALSE") == 0)
        return s[0] == 'T';
    return strcmp(s, "NA") == 0 ? NAN : strtod(s, NULL);
}

static int available(const analyses *a, const char *block)
{
    if (strcmp(block, "egger") == 0)
        return a->egger.available;
    if (strcmp(block, "rank") == 0)
        return a->rank.available;
    return a->tf.available;
}

/* 1 when row e agrees with a; a k = 2 row must be not available. */
static int row_agrees(const analyses *a, size_t k, const tsv_row *e,
                      double *got)
{
    double x, scale, rel, abs_tol, want = cell(e->f[E_VALUE]);
    *got = NAN;
    if (k < MP_SMALL_STUDY_MIN_K)
        return !available(a, e->f[E_BLOCK]);
    ck_assert_msg(figure(a, e->f[E_BLOCK], e->f[E_OMIT], e->f[E_KEY], &x,
                         &scale), "unknown key %s %s", e->f[E_BLOCK],
                  e->f[E_KEY]);
    *got = x;
    if (isnan(want))
        return isnan(x);
    mp_check_ref_tol(a->method, &rel, &abs_tol);
    return available(a, e->f[E_BLOCK])
           && fabs(x - want) <= rel * fabs(want) + abs_tol * scale;
}

static int compared(const table_pair *tp, const tsv_row *e)
{
    mp_method m;
    if (strcmp(e->f[E_BLOCK], "influence") == 0
        || strcmp(e->f[E_BLOCK], "baujat") == 0
        || mp_method_parse(e->f[E_METHOD], &m) != 0)   /* FE: none */
        return 0;
    return !tp->closed_only || !mp_check_iterative(m);
}

/* The analyses of the group of row e, rerun when the group changes. */
typedef struct {
    char group[3][TSV_FLEN];
    analyses a;
    size_t k;
    int loaded;
} group_cache;

static void group_load(group_cache *g, const tsv_table *cases,
                       const table_pair *tp, const tsv_row *e)
{
    if (g->loaded && !strcmp(g->group[0], e->f[0])
        && !strcmp(g->group[1], e->f[1]) && !strcmp(g->group[2], e->f[2]))
        return;
    if (g->loaded)
        analyses_free(&g->a);
    for (int j = 0; j < 3; j++)
        strcpy(g->group[j], e->f[j]);
    double *y, *v;
    g->k = mp_check_case_data(cases, e->f[E_CASE], tp->yc, tp->vc, &y, &v);
    mp_fit_options o;
    mp_fit_options_default(&o);
    ck_assert(mp_method_parse(e->f[E_METHOD], &o.method) == 0);
    o.hksj = atoi(e->f[E_KNHA]);
    analyses_run(y, v, g->k, &o, &g->a);
    ck_assert_msg(g->a.st_egger == MP_OK && g->a.st_rank == MP_OK
                  && g->a.st_tf == MP_OK, "%s %s: status %d %d %d", e->f[0],
                  e->f[1], g->a.st_egger, g->a.st_rank, g->a.st_tf);
    g->loaded = 1;
    free(y);
    free(v);
}

START_TEST(test_metafor)
{
    const table_pair *tp = &tables[_i];
    tsv_table cases = mp_check_read_tsv(tp->cases);
    tsv_table ex = mp_check_read_tsv(tp->expected);
    group_cache g = { .loaded = 0 };
    size_t n = 0, bad = 0;
    for (size_t i = 0; i < ex.n; i++) {
        const tsv_row *e = &ex.rows[i];
        if (!compared(tp, e))
            continue;
        group_load(&g, &cases, tp, e);
        double got;
        n++;
        if (!row_agrees(&g.a, g.k, e, &got) && bad++ < 20)
            fprintf(stderr, "%s: %s %s knha %s %s %s %s: %.17g, metafor %s\n",
                    tp->expected, e->f[0], e->f[1], e->f[2], e->f[3],
                    e->f[4], e->f[5], got, e->f[6]);
    }
    if (g.loaded)
        analyses_free(&g.a);
    mp_check_tsv_free(&cases);
    mp_check_tsv_free(&ex);
    fprintf(stderr, "%s: %zu figures compared\n", tp->expected, n);
    ck_assert_msg(bad == 0, "%s: %zu of %zu figures differ from metafor",
                  tp->expected, bad, n);
    ck_assert_uint_gt(n, 400);
}
END_TEST

/* ---- 2. the purpose-built cases ---------------------------------------- */

/* Run the analyses of an own case (bias/own_cases.tsv) with DL. */
static size_t own_case(const char *name, analyses *a)
{
    tsv_table cases = mp_check_read_tsv("bias/own_cases.tsv");
    double *y, *v;
    size_t k = mp_check_case_data(&cases, name, 2, 3, &y, &v);
    ck_assert_uint_gt(k, 0);
    mp_fit_options o;
    mp_fit_options_default(&o);
    analyses_run(y, v, k, &o, a);
    free(y);
    free(v);
    mp_check_tsv_free(&cases);
    return k;
}

START_TEST(test_fills_right)
{
    analyses a;
    own_case("right", &a);
    ck_assert_int_eq(a.st_tf, MP_OK);
    ck_assert_int_eq(a.tf.side, MP_SIDE_RIGHT);
    ck_assert_str_eq(mp_side_name(a.tf.side), "right");
    ck_assert_uint_gt(a.tf.k0, 0);
    ck_assert_uint_eq(a.tf.fit.k, 12 + a.tf.k0);
    /* the filled studies lie above the trimmed estimate */
    for (size_t j = 0; j < a.tf.k0; j++)
        ck_assert(a.tf.filled_y[j] > a.tf.fit.random.log_estimate);
    analyses_free(&a);
}
END_TEST

START_TEST(test_fills_nothing)
{
    analyses a;
    size_t k = own_case("none", &a);
    ck_assert_int_eq(a.st_tf, MP_OK);
    ck_assert_uint_eq(a.tf.k0, 0);
    ck_assert_ptr_null(a.tf.filled_y);
    ck_assert_uint_eq(a.tf.fit.k, k);
    analyses_free(&a);
}
END_TEST

START_TEST(test_rank_ties)
{
    analyses a;
    own_case("ties", &a);
    ck_assert(a.rank.available);
    ck_assert_int_eq(a.rank.exact, 0);
    analyses_free(&a);
    own_case("k60", &a);
    ck_assert_int_eq(a.rank.exact, 1);
    analyses_free(&a);
}
END_TEST

/* Kendall's exact distribution: for effects and variances in the same
 * order (tau = 1) P(T >= 10) = 1/5! for n = 5, so p = 2/120. */
START_TEST(test_rank_exact_known)
{
    const double y[5] = { -1.0, -0.4, 0.1, 0.9, 2.5 };
    const double v[5] = { 0.01, 0.02, 0.04, 0.08, 0.16 };
    mp_rank_result r;
    ck_assert_int_eq(mp_rank_test(y, v, 5, &r, NULL), MP_OK);
    ck_assert(r.exact);
    ck_assert_double_eq_tol(r.tau, 1.0, 1e-15);
    ck_assert_double_eq_tol(r.p, 2.0 / 120.0, 1e-15);
}
END_TEST

/* Beyond MP_RANK_EXACT_MAX studies the normal approximation. */
START_TEST(test_rank_large)
{
    enum { K = MP_RANK_EXACT_MAX + 1 };
    double *y = malloc(K * sizeof *y), *v = malloc(K * sizeof *v);
    ck_assert(y && v);
    for (size_t i = 0; i < K; i++) {
        v[i] = 0.01 + 0.001 * (double)i;
        y[i] = sin((double)i);
    }
    mp_rank_result r;
    ck_assert_int_eq(mp_rank_test(y, v, K, &r, NULL), MP_OK);
    ck_assert(r.available && !r.exact && r.p > 0 && r.p <= 1);
    free(y);
    free(v);
}
END_TEST

/* ---- 3. bad input, the warning, order --------------------------------- */

START_TEST(test_too_few)
{
    const double y[2] = { 0.1, 0.5 }, v[2] = { 0.04, 0.09 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    for (size_t k = 1; k <= 2; k++) {
        analyses a;
        analyses_run(y, v, k, &o, &a);
        ck_assert(a.st_egger == MP_OK && a.st_rank == MP_OK
                  && a.st_tf == MP_OK);
        ck_assert(!a.egger.available && !a.rank.available
                  && !a.tf.available);
        ck_assert_str_eq(a.egger.reason, "fewer than 3 studies: too few for "
                         "a test of small-study effects");
        ck_assert_ptr_eq(a.rank.reason, a.egger.reason);
        ck_assert_ptr_eq(a.tf.reason, a.egger.reason);
        ck_assert(isnan(a.egger.p) && isnan(a.rank.p));
        analyses_free(&a);
    }
    mp_errors err = MP_ERRORS_INIT;
    mp_egger_result e;
    ck_assert_int_eq(mp_egger(y, v, 0, &o, &e, &err), MP_EINPUT);
    ck_assert_str_eq(err.items[0].message, "no studies to pool");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_bad_variance)
{
    const double y[4] = { 0.1, 0.5, -0.2, 0.3 };
    double v[4] = { 0.04, 0.09, 0.0, 0.02 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    mp_errors err = MP_ERRORS_INIT;
    analyses a;
    for (int pass = 0; pass < 2; pass++) {
        analyses_run(y, v, 4, &o, &a);
        ck_assert(a.st_egger == MP_EINPUT && a.st_rank == MP_EINPUT
                  && a.st_tf == MP_EINPUT);
        ck_assert(!a.tf.available && a.tf.filled_y == NULL);
        v[2] = -0.01;
    }
    ck_assert_int_eq(mp_rank_test(y, v, 4, &a.rank, &err), MP_EINPUT);
    ck_assert_msg(strstr(err.items[0].message, "study 3") != NULL, "%s",
                  err.items[0].message);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_equal_se)
{
    const double y[4] = { 0.1, 0.5, -0.2, 0.3 };
    const double v[4] = { 0.04, 0.04, 0.04, 0.04 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    analyses a;
    analyses_run(y, v, 4, &o, &a);
    ck_assert(a.st_egger == MP_OK && !a.egger.available);
    ck_assert(!a.rank.available && !a.tf.available);
    ck_assert_str_eq(a.tf.reason, "all standard errors are equal: nothing "
                     "to relate the effects to");
    analyses_free(&a);
}
END_TEST

/* Every effect equal: Egger's slope and intercept exist, its HKSJ
 * statistic does not (s2w = 0; metafor gives Inf or NaN by rounding);
 * the rank test has no correlation to give (metafor correlates rounding
 * noise); trim-and-fill fills nothing (metafor's does not converge). */
START_TEST(test_equal_effects)
{
    const double y[4] = { 0.2, 0.2, 0.2, 0.2 };
    const double v[4] = { 0.04, 0.09, 0.02, 0.05 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.hksj = 1;
    analyses a;
    analyses_run(y, v, 4, &o, &a);
    ck_assert(a.st_egger == MP_OK && a.egger.available);
    ck_assert(isnan(a.egger.statistic) && isnan(a.egger.p));
    ck_assert_double_eq_tol(a.egger.limit_log_estimate, 0.2, 1e-14);
    ck_assert(a.st_rank == MP_OK && !a.rank.available);
    ck_assert_str_eq(a.rank.reason, "all standardized effects are equal: no "
                     "rank correlation");
    ck_assert(a.st_tf == MP_OK && a.tf.available);
    ck_assert_uint_eq(a.tf.k0, 0);
    analyses_free(&a);
}
END_TEST

/* A study with v = 1e-200: its weight squared, which Egger's regression
 * needs (tr P), overflows; the fit fails with a diagnostic. */
START_TEST(test_fit_fails)
{
    const double y[5] = { 0.3, 0.1, -0.2, 0.4, 0.0 };
    const double v[5] = { 1e-200, 0.04, 0.09, 0.02, 0.05 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    mp_errors err = MP_ERRORS_INIT;
    mp_egger_result e;
    mp_trimfill_result t;
    ck_assert_int_eq(mp_egger(y, v, 5, &o, &e, &err), MP_ENUMERIC);
    ck_assert_str_eq(err.items[0].message, "Egger's regression (DL): the fit "
                     "is not finite (extreme sampling variances?)");
    ck_assert_int_eq(mp_trimfill(y, v, 5, &o, &t, &err), MP_ENUMERIC);
    ck_assert(!t.available && t.filled_y == NULL);
    ck_assert_uint_eq(err.n, 2);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_k_warning)
{
    ck_assert_ptr_null(mp_small_study_k_warning(10));
    ck_assert_ptr_null(mp_small_study_k_warning(250));
    for (size_t k = 0; k < 10; k++)
        ck_assert_str_eq(mp_small_study_k_warning(k),
                         "fewer than 10 studies: the tests for funnel plot "
                         "asymmetry have too little power to rule "
                         "small-study effects in or out (Cochrane Handbook "
                         "13.3.5.4)");
}
END_TEST

/* The figures of two Egger results and two rank results are the same
 * to the bit (not memcmp: the structs have padding). */
static void same_egger_rank(const mp_egger_result *a, const mp_egger_result *b,
                            const mp_rank_result *ra, const mp_rank_result *rb)
{
    const double x[][2] = {
        { a->statistic, b->statistic }, { a->p, b->p },
        { a->slope, b->slope }, { a->slope_se, b->slope_se },
        { a->limit_log_estimate, b->limit_log_estimate },
        { a->limit_lower, b->limit_lower }, { a->limit_upper, b->limit_upper },
        { a->tau2, b->tau2 }, { ra->tau, rb->tau }, { ra->p, rb->p } };
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        ck_assert_msg(x[i][0] == x[i][1], "figure %zu: %.17g, %.17g", i,
                      x[i][0], x[i][1]);
    ck_assert(a->available == b->available && ra->exact == rb->exact);
}

/* mp_small_study_run (what --bias runs): the three analyses as called
 * alone, to the bit, with the k warning; a failure of one is returned
 * with nothing left allocated. */
START_TEST(test_small_study_run)
{
    const double y[5] = { -0.37, 0.10, -0.15, -0.42, 0.02 };
    const double v[5] = { 0.1156, 0.0361, 0.0196, 0.0225, 0.0324 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.method = MP_METHOD_REML;
    mp_small_study b;
    ck_assert_int_eq(mp_small_study_run(y, v, 5, &o, &b, NULL), MP_OK);
    ck_assert_uint_eq(b.k, 5);
    ck_assert_ptr_eq(b.k_warning, mp_small_study_k_warning(5));
    mp_egger_result e;
    mp_rank_result r;
    mp_trimfill_result t;
    ck_assert_int_eq(mp_egger(y, v, 5, &o, &e, NULL), MP_OK);
    ck_assert_int_eq(mp_rank_test(y, v, 5, &r, NULL), MP_OK);
    ck_assert_int_eq(mp_trimfill(y, v, 5, &o, &t, NULL), MP_OK);
    ck_assert(b.egger.available && b.rank.available && b.trimfill.available);
    same_egger_rank(&b.egger, &e, &b.rank, &r);
    ck_assert_uint_eq(b.trimfill.k0, t.k0);
    ck_assert_int_eq(b.trimfill.side, t.side);
    ck_assert(b.trimfill.fit.random.log_estimate == t.fit.random.log_estimate);
    for (size_t j = 0; j < t.k0; j++)
        ck_assert(b.trimfill.filled_y[j] == t.filled_y[j]
                  && b.trimfill.filled_se[j] == t.filled_se[j]);
    mp_trimfill_free(&t);
    mp_small_study_free(&b);
    const double bad_v[5] = { 1e-200, 0.04, 0.09, 0.02, 0.05 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(mp_small_study_run(y, bad_v, 5, &o, &b, &err), MP_ENUMERIC);
    ck_assert_ptr_null(b.trimfill.filled_y);
    ck_assert_uint_ge(err.n, 1);
    mp_errors_clear(&err);
}
END_TEST

/* Where Fisher scoring stops at the iteration limit, the root of the
 * estimating equation is taken instead: the same estimate (ML, REML, EB
 * on Egger's regression, one step allowed). */
START_TEST(test_scoring_safeguard)
{
    tsv_table cases = mp_check_read_tsv("bias/own_cases.tsv");
    double *y, *v;
    size_t k = mp_check_case_data(&cases, "k60", 2, 3, &y, &v);
    const mp_method m[3] = { MP_METHOD_ML, MP_METHOD_REML, MP_METHOD_EB };
    for (int j = 0; j < 3; j++) {
        mp_fit_options o;
        mp_fit_options_default(&o);
        o.method = m[j];
        mp_egger_result a, b;
        ck_assert_int_eq(mp_egger(y, v, k, &o, &a, NULL), MP_OK);
        o.maxiter = 1;
        ck_assert_int_eq(mp_egger(y, v, k, &o, &b, NULL), MP_OK);
        ck_assert_msg(a.tau2 > 0 && b.iterations > 1, "%s: tau2 %g, %d steps",
                      mp_method_name(m[j]), a.tau2, b.iterations);
        ck_assert_double_eq_tol(b.tau2, a.tau2, 1e-10 * a.tau2);
        ck_assert_double_eq_tol(b.statistic, a.statistic, 1e-9);
    }
    free(y);
    free(v);
    mp_check_tsv_free(&cases);
}
END_TEST

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Every estimator: the studies reversed give the same figures, bit for
 * bit (trim-and-fill included, with a pair of tied effects). */
START_TEST(test_order)
{
    analyses a, b;
    size_t k = own_case("right", &a);
    analyses_free(&a);
    tsv_table cases = mp_check_read_tsv("bias/own_cases.tsv");
    double *y, *v, *yr = malloc(k * sizeof *yr), *vr = malloc(k * sizeof *vr);
    ck_assert(mp_check_case_data(&cases, "right", 2, 3, &y, &v) == k);
    ck_assert(yr && vr);
    y[4] = y[1];   /* a tie in the effects, with another variance */
    for (size_t i = 0; i < k; i++) {
        yr[i] = y[k - 1 - i];
        vr[i] = v[k - 1 - i];
    }
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.method = (mp_method)_i;
    analyses_run(y, v, k, &o, &a);
    analyses_run(yr, vr, k, &o, &b);
    ck_assert(a.st_tf == MP_OK && b.st_tf == MP_OK);
    ck_assert(same_bits(a.egger.statistic, b.egger.statistic));
    ck_assert(same_bits(a.egger.limit_lower, b.egger.limit_lower));
    ck_assert(same_bits(a.rank.p, b.rank.p));
    ck_assert_uint_eq(a.tf.k0, b.tf.k0);
    ck_assert(same_bits(a.tf.fit.random.log_estimate,
                        b.tf.fit.random.log_estimate));
    for (size_t j = 0; j < a.tf.k0; j++)
        ck_assert(same_bits(a.tf.filled_y[j], b.tf.filled_y[j]));
    analyses_free(&a);
    analyses_free(&b);
    free(y);
    free(v);
    free(yr);
    free(vr);
    mp_check_tsv_free(&cases);
}
END_TEST

static Suite *smallstudy_suite(void)
{
    Suite *s = suite_create("smallstudy");
    TCase *tc = tcase_create("metafor");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_metafor, 0,
                        (int)(sizeof tables / sizeof tables[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("cases");
    tcase_add_test(tc, test_fills_right);
    tcase_add_test(tc, test_fills_nothing);
    tcase_add_test(tc, test_rank_ties);
    tcase_add_test(tc, test_rank_exact_known);
    tcase_add_test(tc, test_rank_large);
    tcase_add_test(tc, test_scoring_safeguard);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, test_too_few);
    tcase_add_test(tc, test_bad_variance);
    tcase_add_test(tc, test_equal_se);
    tcase_add_test(tc, test_equal_effects);
    tcase_add_test(tc, test_fit_fails);
    tcase_add_test(tc, test_k_warning);
    tcase_add_test(tc, test_small_study_run);
    tcase_add_loop_test(tc, test_order, 0, MP_METHOD_COUNT);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(smallstudy_suite());
}
