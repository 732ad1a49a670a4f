/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_influence.c - unit tests of mp_influence.
 *
 * 1. Against metafor 3.8's influence() and baujat(), every figure of every
 *    study (tests/reference/bias/README.md):
 *    - bias-expected.tsv (../shared/validation, make_bias.R) for the
 *      closed-form estimators DL and HE: its iterative fits stopped at
 *      metafor's default threshold 1e-5, too loose for 6 digits;
 *    - tight-expected.tsv (make_bias_tight.R on the same cases): every
 *      estimator, FE, k = 2, converged to 1e-13;
 *    - own-expected.tsv (make_bias_tight.R on own_cases.tsv): k = 2, 3,
 *      4, ties, a dominant study and an outlier, k = 60.
 * 2. Bad input: k = 0 and 1, a zero or negative variance, HKSJ with the
 *    fixed-effect model, a deletion fit that fails.
 * 3. Order independence and the time for k = 10^4 with DL.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mp_error.h"
#include "mp_fit.h"
#include "mp_influence.h"
#include "testutil.h"

/* The k = 10^4 DL run must take less than this (issue 18: "well under a
 * second"); typically some milliseconds. */
#define TIME_LIMIT_S 0.5

/* ---- 1. metafor ------------------------------------------------------- */

typedef struct {
    const char *cases, *expected;
    int yc, vc;          /* columns of y and v in the cases table */
    int closed_only;     /* compare DL, HE and FE rows only */
} ref_set;

static const ref_set sets[] = {
    { "bias/cases.tsv", "bias/bias-expected.tsv", 7, 8, 1 },
    { "bias/cases.tsv", "bias/tight-expected.tsv", 7, 8, 0 },
    { "bias/own_cases.tsv", "bias/own-expected.tsv", 2, 3, 0 },
};

/* A figure of a row by its key in the tables, with its natural scale
 * (for the absolute part of the tolerance). */
static int row_figure(const mp_influence_row *r, const char *key,
                      double vscale, double *x, double *scale)
{
    const struct { const char *key; double x, scale; } t[] = {
        { "rstudent", r->rstudent, 1 }, { "dffits", r->dffits, 1 },
        { "cook_d", r->cook_d, 1 }, { "cov_r", r->cov_r, 1 },
        { "tau2_del", r->tau2_del, vscale }, { "QE_del", r->QE_del, 1 },
        { "hat", r->hat, 1 }, { "weight", r->weight, 100 },
        { "dfbetas", r->dfbetas, 1 }, { "x", r->baujat_x, 1 },
        { "y", r->baujat_y, 1 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].key, key) == 0) {
            *x = t[i].x;
            *scale = t[i].scale;
            return 1;
        }
    return 0;
}

/* One (case, method, knha) of a table, fitted. */
typedef struct {
    char key[3][TSV_FLEN];
    size_t k;
    char (*ids)[TSV_FLEN];
    mp_influence_row *rows;
    mp_status st;
    double vscale;       /* mean v */
    mp_method method;
} fitted;

static void fitted_free(fitted *f)
{
    free(f->ids);
    free(f->rows);
    memset(f, 0, sizeof *f);
}

/* Fit the group of row e (FE: the fixed-effect model). */
static void fitted_load(fitted *f, const tsv_table *cases, const ref_set *rs,
                        const tsv_row *e)
{
    double *y, *v;
    fitted_free(f);
    for (int j = 0; j < 3; j++)
        strcpy(f->key[j], e->f[j]);
    f->k = mp_check_case_data(cases, e->f[E_CASE], rs->yc, rs->vc, &y, &v);
    f->ids = calloc(f->k, sizeof *f->ids);
    f->rows = calloc(f->k, sizeof *f->rows);
    ck_assert(f->ids && f->rows && f->k > 0);
    for (size_t i = 0, j = 0; i < cases->n; i++)
        if (strcmp(cases->rows[i].f[0], e->f[E_CASE]) == 0)
            strcpy(f->ids[j++], cases->rows[i].f[1]);
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.hksj = atoi(e->f[E_KNHA]);
    int fe = strcmp(e->f[E_METHOD], "FE") == 0;
    f->method = MP_METHOD_DL;
    ck_assert(fe || mp_method_parse(e->f[E_METHOD], &f->method) == 0);
    o.method = f->method;
    f->vscale = 0;
    for (size_t i = 0; i < f->k; i++)
        f->vscale += v[i] / (double)f->k;
    f->st = mp_influence(y, v, f->k, &o,
                         fe ? MP_INFLUENCE_FIXED : MP_INFLUENCE_RANDOM,
                         f->rows, NULL);
    free(y);
    free(v);
}

static int same_group(const fitted *f, const tsv_row *e)
{
    for (int j = 0; j < 3; j++)
        if (strcmp(f->key[j], e->f[j]) != 0)
            return 0;
    return f->rows != NULL;
}

static const mp_influence_row *row_of(const fitted *f, const char *id)
{
    for (size_t i = 0; i < f->k; i++)
        if (strcmp(f->ids[i], id) == 0)
            return &f->rows[i];
    ck_abort_msg("study %s not in the cases", id);
    return NULL;
}

static int flag_matches(mp_infl_flag got, const char *want)
{
    if (strcmp(want, "NA") == 0)
        return got == MP_INFL_UNKNOWN;
    return got == (strcmp(want, "TRUE") == 0 ? MP_INFL_YES : MP_INFL_NO);
}

/* Whether figure e of f agrees with metafor (the contract's tolerances:
 * testutil.h). */
static int figure_matches(const fitted *f, const tsv_row *e, double *got)
{
    const mp_influence_row *r = row_of(f, e->f[E_OMIT]);
    *got = NAN;
    if (strcmp(e->f[E_KEY], "influential") == 0)
        return flag_matches(r->influential, e->f[E_VALUE]);
    double x, scale, rel, abs_tol;
    ck_assert_msg(row_figure(r, e->f[E_KEY], f->vscale, &x, &scale),
                  "unknown key %s", e->f[E_KEY]);
    *got = x;
    if (strcmp(e->f[E_VALUE], "NA") == 0)
        return isnan(x);
    double want = strtod(e->f[E_VALUE], NULL);
    mp_check_ref_tol(f->method, &rel, &abs_tol);
    return fabs(x - want) <= rel * fabs(want) + abs_tol * scale;
}

static int wanted(const ref_set *rs, const tsv_row *e)
{
    if (strcmp(e->f[E_BLOCK], "influence") != 0
        && strcmp(e->f[E_BLOCK], "baujat") != 0)
        return 0;
    mp_method m;
    if (strcmp(e->f[E_METHOD], "FE") == 0)
        return 1;
    ck_assert(mp_method_parse(e->f[E_METHOD], &m) == 0);
    return !rs->closed_only || !mp_check_iterative(m);
}

/* Compare every wanted row of a reference set; returns the mismatches and
 * counts the figures compared in *n. */
static int check_set(const ref_set *rs, size_t *n)
{
    tsv_table cases = mp_check_read_tsv(rs->cases);
    tsv_table ex = mp_check_read_tsv(rs->expected);
    fitted f = { 0 };
    int bad = 0;
    for (size_t i = 0; i < ex.n; i++) {
        const tsv_row *e = &ex.rows[i];
        if (!wanted(rs, e))
            continue;
        if (!same_group(&f, e))
            fitted_load(&f, &cases, rs, e);
        ck_assert_msg(f.st == MP_OK, "%s %s knha %s: status %d",
                      e->f[0], e->f[1], e->f[2], f.st);
        double got;
        ++*n;
        if (!figure_matches(&f, e, &got) && bad++ < 20)
            fprintf(stderr, "%s: %s %s knha %s %s %s: %.17g, metafor %s\n",
                    rs->expected, e->f[0], e->f[1], e->f[2], e->f[E_OMIT],
                    e->f[E_KEY], got, e->f[E_VALUE]);
    }
    fitted_free(&f);
    mp_check_tsv_free(&cases);
    mp_check_tsv_free(&ex);
    return bad;
}

START_TEST(test_metafor)
{
    size_t n = 0;
    int bad = check_set(&sets[_i], &n);
    fprintf(stderr, "%s: %zu figures compared\n", sets[_i].expected, n);
    ck_assert_msg(bad == 0, "%s: %d of %zu figures differ from metafor",
                  sets[_i].expected, bad, n);
    /* the tables hold thousands of figures: a short read must not pass */
    ck_assert_uint_gt(n, 1000);
}
END_TEST

/* ---- 2. bad input ---------------------------------------------------- */

static mp_status run(const double *y, const double *v, size_t k,
                     mp_influence_model model, int hksj,
                     mp_influence_row *out, mp_errors *err)
{
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.hksj = hksj;
    return mp_influence(y, v, k, &o, model, out, err);
}

START_TEST(test_too_few)
{
    const double y[1] = { 0.2 }, v[1] = { 0.04 };
    mp_influence_row out[1];
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(run(y, v, 1, MP_INFLUENCE_RANDOM, 0, out, &err),
                     MP_EINPUT);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].message, "influence diagnostics need at "
                     "least 2 studies (k = 1)");
    ck_assert_int_eq(run(y, v, 0, MP_INFLUENCE_FIXED, 0, out, &err),
                     MP_EINPUT);
    ck_assert_str_eq(err.items[1].message, "influence diagnostics need at "
                     "least 2 studies (k = 0)");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_bad_variance)
{
    const double y[3] = { 0.2, -0.1, 0.4 };
    double v[3] = { 0.04, 0.0, 0.09 };
    mp_influence_row out[3];
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(run(y, v, 3, MP_INFLUENCE_RANDOM, 0, out, &err),
                     MP_EINPUT);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_msg(strstr(err.items[0].message, "study 2") != NULL, "%s",
                  err.items[0].message);
    v[1] = -0.01;
    ck_assert_int_eq(run(y, v, 3, MP_INFLUENCE_FIXED, 0, out, &err),
                     MP_EINPUT);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_fixed_hksj)
{
    const double y[3] = { 0.2, -0.1, 0.4 }, v[3] = { 0.04, 0.02, 0.09 };
    mp_influence_row out[3];
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(run(y, v, 3, MP_INFLUENCE_FIXED, 1, out, &err),
                     MP_EINPUT);
    ck_assert_str_eq(err.items[0].message, "influence diagnostics: the "
                     "Hartung-Knapp adjustment is not meant for the "
                     "fixed-effect model");
    mp_errors_clear(&err);
}
END_TEST

/* The REML fit without study 6 overflows (check_analyses.c,
 * test_failed_subfit): that row has NANs and its status, the others are
 * complete, and the full-fit figures of row 6 are still there. */
START_TEST(test_failed_deletion)
{
    const double y[6] = { 0.3, 0.3, 0.3, 0.3, 0.3, 1.5 };
    const double v[6] = { 1e-200, 0.04, 0.04, 0.04, 0.04, 0.04 };
    mp_influence_row out[6];
    mp_fit_options o;
    mp_errors err = MP_ERRORS_INIT;
    mp_fit_options_default(&o);
    o.method = MP_METHOD_REML;
    ck_assert_int_eq(mp_influence(y, v, 6, &o, MP_INFLUENCE_RANDOM, out,
                                  &err), MP_OK);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_int_eq(out[5].status, MP_ENUMERIC);
    ck_assert(isnan(out[5].rstudent) && isnan(out[5].dffits)
              && isnan(out[5].cook_d) && isnan(out[5].baujat_y));
    ck_assert(isfinite(out[5].hat) && isfinite(out[5].baujat_x));
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(out[i].status, MP_OK);
        ck_assert(isfinite(out[i].dffits) && isfinite(out[i].cov_r));
        ck_assert_int_ne(out[i].influential, MP_INFL_UNKNOWN);
    }
    /* row 6: hat (about 1/6, tau2 > 0 evens the weights) is below 3/k,
     * so only the criteria of the failed fit could flag it: unknown */
    ck_assert(out[5].hat < 0.5);
    ck_assert_int_eq(out[5].influential, MP_INFL_UNKNOWN);
    mp_errors_clear(&err);
}
END_TEST

/* ---- 3. order, time --------------------------------------------------- */

static void random_data(size_t k, unsigned seed, double *y, double *v)
{
    srand(seed);
    for (size_t i = 0; i < k; i++) {
        double se = 0.05 + 0.5 * rand() / (double)RAND_MAX;
        y[i] = -0.2 + 0.6 * (rand() / (double)RAND_MAX - 0.5) + se * 0.3;
        v[i] = se * se;
    }
}

static int same_row(const mp_influence_row *a, const mp_influence_row *b)
{
    double x[11] = { a->rstudent, a->dffits, a->cook_d, a->cov_r, a->tau2_del,
                     a->QE_del, a->hat, a->weight, a->dfbetas, a->baujat_x,
                     a->baujat_y };
    double z[11] = { b->rstudent, b->dffits, b->cook_d, b->cov_r, b->tau2_del,
                     b->QE_del, b->hat, b->weight, b->dfbetas, b->baujat_x,
                     b->baujat_y };
    return memcmp(x, z, sizeof x) == 0 && a->influential == b->influential
           && a->status == b->status;
}

/* Every estimator: the rows of the studies reversed and rotated are those
 * of the same studies in the original order, to the bit. */
START_TEST(test_order)
{
    enum { K = 41 };
    double y[K], v[K], y2[K], v2[K];
    mp_influence_row a[K], b[K];
    random_data(K, 18, y, v);
    y[7] = y[3];   /* a pair of equal studies */
    v[7] = v[3];
    for (size_t i = 0; i < K; i++) {
        y2[i] = y[(K - 1 - i + 5) % K];
        v2[i] = v[(K - 1 - i + 5) % K];
    }
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.method = (mp_method)_i;
    for (o.hksj = 0; o.hksj <= 1; o.hksj++) {
        ck_assert_int_eq(mp_influence(y, v, K, &o, MP_INFLUENCE_RANDOM, a,
                                      NULL), MP_OK);
        ck_assert_int_eq(mp_influence(y2, v2, K, &o, MP_INFLUENCE_RANDOM, b,
                                      NULL), MP_OK);
        for (size_t i = 0; i < K; i++)
            ck_assert_msg(same_row(&b[i], &a[(K - 1 - i + 5) % K]),
                          "%s hksj %d: study %zu differs",
                          mp_method_name(o.method), o.hksj, i);
        ck_assert(same_row(&a[3], &a[7]));
    }
}
END_TEST

START_TEST(test_time_dl)
{
    enum { K = 10000 };
    double *y = malloc(K * sizeof *y), *v = malloc(K * sizeof *v);
    mp_influence_row *out = malloc(K * sizeof *out);
    ck_assert(y && v && out);
    random_data(K, 4, y, v);
    mp_fit_options o;
    mp_fit_options_default(&o);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(mp_influence(y, v, K, &o, MP_INFLUENCE_RANDOM, out,
                                  NULL), MP_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec)
               + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    fprintf(stderr, "mp_influence, k = %d, DL: %.3f s\n", K, s);
    ck_assert_msg(s < TIME_LIMIT_S, "k = %d took %.3f s", K, s);
    double wsum = 0;
    for (size_t i = 0; i < K; i++) {
        ck_assert(isfinite(out[i].rstudent) && isfinite(out[i].dfbetas));
        wsum += out[i].weight;
    }
    ck_assert_double_eq_tol(wsum, 100.0, 1e-9);
    free(y);
    free(v);
    free(out);
}
END_TEST

static Suite *influence_suite(void)
{
    Suite *s = suite_create("influence");
    TCase *tc = tcase_create("metafor");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_metafor, 0,
                        (int)(sizeof sets / sizeof sets[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, test_too_few);
    tcase_add_test(tc, test_bad_variance);
    tcase_add_test(tc, test_fixed_hksj);
    tcase_add_test(tc, test_failed_deletion);
    suite_add_tcase(s, tc);
    tc = tcase_create("order and time");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_order, 0, MP_METHOD_COUNT);
    tcase_add_test(tc, test_time_dl);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(influence_suite());
}
