/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_bayes.c - unit tests of mp_bayes: the exact posterior of the
 * normal-normal hierarchical model.
 *
 * References:
 *   - the figures of issue 19 for the Crins et al. (2014) example of
 *     Roever (2020, J Stat Softw 93(6)): tau's are bayesmeta's (exact
 *     there), mu's the exact posterior (bayesmeta's DIRECT approximation
 *     is off in the 5th digit);
 *   - tests/reference/bayes/expected.tsv, brute force in base R
 *     (tests/reference/bayes/make_bayes.R: integrate, uniroot, optimize)
 *     for the cases of tests/reference/bayes/cases.tsv, k from 1 to 40,
 *     every prior.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_errno.h>

#include "mp_bayes.h"
#include "testutil.h"

/* The contract's accuracy: 6 significant digits.  The issue's figures
 * are quoted to 7 and must agree to ISSUE_DIGITS (half a unit of the 6th
 * significant digit); the brute-force reference's to REF_TOL relative, or
 * absolutely below ABS_FLOOR (a bound at 0). */
#define ISSUE_DIGITS 6
#define REF_TOL 1e-6
#define ABS_FLOOR 1e-9
/* The reference's shortest intervals and modes come from optimize(),
 * which finds a flat minimum only to about the square root of the machine
 * epsilon in its argument: 1e-8 relative; the bound then moves by that
 * over the density (< 1e-6 on every case here). */
#define OPTIMIZE_TOL 2e-6
/* ... and a mode at 0 to within optimize()'s absolute tolerance. */
#define OPTIMIZE_ABS 1e-7

static void check_within(const char *what, double got, double want,
                         double tol, double abs_floor)
{
    if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s: %.17g, expected none", what, got);
        return;
    }
    ck_assert_msg(fabs(got - want) <= fmax(tol * fabs(want), abs_floor),
                  "%s: %.17g, expected %.17g (tolerance %g)", what, got, want,
                  tol);
}

static void check_close(const char *what, double got, double want,
                        double tol)
{
    check_within(what, got, want, tol, ABS_FLOOR);
}

/* got agrees with the quoted figure want to `digits` significant digits:
 * within half a unit of the last of them (0 must be 0 within ABS_FLOOR). */
static void check_digits(const char *what, double got, double want,
                         int digits)
{
    double unit = want == 0 ? 0
                            : pow(10, floor(log10(fabs(want))) - (digits - 1));
    ck_assert_msg(fabs(got - want) <= fmax(0.5 * unit, ABS_FLOOR),
                  "%s: %.17g, expected %.7g to %d significant digits", what,
                  got, want, digits);
}

/* ---- the figures of the issue ----------------------------------------- */

/* Crins et al. 2014 as metafor's escalc("OR") gives them (log odds ratios
 * and variances, tests/reference/bayes/cases.tsv, case crins). */
static void crins(double *y, double *v)
{
    tsv_table c = mp_check_read_tsv("bayes/cases.tsv");
    double *yy, *vv;
    size_t k = mp_check_case_data(&c, "crins", 6, 7, &yy, &vv);
    ck_assert_uint_eq(k, 6);
    memcpy(y, yy, 6 * sizeof *y);
    memcpy(v, vv, 6 * sizeof *v);
    free(yy);
    free(vv);
    mp_check_tsv_free(&c);
}

static void crins_run(mp_bayes_result *r)
{
    double y[6], v[6], th[] = { 1 };
    mp_bayes_options o;
    mp_errors err = MP_ERRORS_INIT;
    crins(y, v);
    mp_bayes_options_default(&o);
    ck_assert_int_eq(mp_mu_prior_parse("normal:0:4", &o.mu_prior, NULL, 0),
                     MP_OK);
    o.thresholds = th;
    o.n_thresholds = 1;
    ck_assert_int_eq(mp_bayes(y, v, 6, &o, r, &err), MP_OK);
    mp_errors_clear(&err);
}

START_TEST(test_crins_tau)
{
    mp_bayes_result r;
    crins_run(&r);
    check_digits("tau median", r.tau.median, 0.3445023, ISSUE_DIGITS);
    check_digits("tau mean", r.tau.mean, 0.3810562, ISSUE_DIGITS);
    check_digits("tau sd", r.tau.sd, 0.2593672, ISSUE_DIGITS);
    check_digits("tau shortest lower", r.tau.shortest_lower, 0, ISSUE_DIGITS);
    check_digits("tau shortest upper", r.tau.shortest_upper, 0.8607193,
                 ISSUE_DIGITS);
    check_digits("tau lower", r.tau.lower, 0.0177349, ISSUE_DIGITS);
    check_digits("tau upper", r.tau.upper, 0.9729603, ISSUE_DIGITS);
    check_digits("P(tau > 1)", r.tau_p_above_1, 0.02097488, ISSUE_DIGITS);
    mp_bayes_result_clear(&r);
}
END_TEST

START_TEST(test_crins_mu_exact)
{
    mp_bayes_result r;
    crins_run(&r);
    check_digits("mu median", r.mu.median, -1.5734953, ISSUE_DIGITS);
    check_digits("mu mean", r.mu.mean, -1.5764254, ISSUE_DIGITS);
    check_digits("mu sd", r.mu.sd, 0.3293682, ISSUE_DIGITS);
    check_digits("mu lower", r.mu.lower, -2.2378949, ISSUE_DIGITS);
    check_digits("mu upper", r.mu.upper, -0.9335058, ISSUE_DIGITS);
    /* P(mu > 0) = 1 - P(exp(mu) < 1); the smaller tail is integrated
     * directly, so the difference keeps its digits. */
    check_digits("P(mu > 0)", 1 - r.p_below[0], 6.01269e-05, ISSUE_DIGITS);
    mp_bayes_result_clear(&r);
}
END_TEST

/* ---- the brute-force reference ---------------------------------------- */

enum { C_CASE, C_TAU, C_MU, C_LEVEL, C_TH, C_STUDY, C_Y, C_V };

typedef struct {
    double th[8];
    mp_bayes_options o;
} case_options;

static void case_options_of(const tsv_row *row, case_options *c)
{
    mp_bayes_options_default(&c->o);
    ck_assert_int_eq(mp_tau_prior_parse(row->f[C_TAU], &c->o.tau_prior,
                                        NULL, 0), MP_OK);
    ck_assert_int_eq(mp_mu_prior_parse(row->f[C_MU], &c->o.mu_prior, NULL,
                                       0), MP_OK);
    c->o.level = strtod(row->f[C_LEVEL], NULL);
    size_t n = 0;
    for (const char *s = row->f[C_TH]; n < 7 && *s; n++) {
        char *end;
        c->th[n] = strtod(s, &end);
        s = *end == ',' ? end + 1 : end;
    }
    /* a ratio of 1 for P(mu > 0), which the reference has for every case */
    int has_one = 0;
    for (size_t i = 0; i < n; i++)
        has_one |= c->th[i] == 1;
    if (!has_one)
        c->th[n++] = 1;
    c->o.thresholds = c->th;
    c->o.n_thresholds = n;
}

/* The figure of r named key in expected.tsv, or fails the test. */
static double figure(const mp_bayes_result *r, const case_options *c,
                     const char *key)
{
    static const struct {
        const char *name;
        size_t off;
    } s[] = {
        { "mode", offsetof(mp_bayes_summary, mode) },
        { "median", offsetof(mp_bayes_summary, median) },
        { "mean", offsetof(mp_bayes_summary, mean) },
        { "sd", offsetof(mp_bayes_summary, sd) },
        { "lower", offsetof(mp_bayes_summary, lower) },
        { "upper", offsetof(mp_bayes_summary, upper) },
        { "shortest_lower", offsetof(mp_bayes_summary, shortest_lower) },
        { "shortest_upper", offsetof(mp_bayes_summary, shortest_upper) },
    }, b[] = {
        { "median", offsetof(mp_bayes_brief, median) },
        { "mean", offsetof(mp_bayes_brief, mean) },
        { "sd", offsetof(mp_bayes_brief, sd) },
        { "lower", offsetof(mp_bayes_brief, lower) },
        { "upper", offsetof(mp_bayes_brief, upper) },
    };
    const char *dot = strchr(key, '.');
    const char *f = dot ? dot + 1 : key;
    unsigned idx;
    if (strcmp(key, "marginal_likelihood") == 0)
        return r->marginal_likelihood;
    if (strcmp(key, "tau.p_above_1") == 0)
        return r->tau_p_above_1;
    if (strcmp(key, "mu.p_above_0") == 0) {
        for (size_t i = 0; i < c->o.n_thresholds; i++)
            if (c->th[i] == 1)
                return 1 - r->p_below[i];
        ck_abort_msg("mu.p_above_0 needs a threshold of 1");
    }
    if (strncmp(key, "p_below.", 8) == 0) {
        double t = strtod(key + 8, NULL);
        for (size_t i = 0; i < c->o.n_thresholds; i++)
            if (c->th[i] == t)
                return r->p_below[i];
    }
    const char *base = NULL;
    if (strncmp(key, "tau.", 4) == 0)
        base = (const char *)&r->tau;
    else if (strncmp(key, "mu.", 3) == 0)
        base = (const char *)&r->mu;
    for (size_t i = 0; base && i < sizeof s / sizeof s[0]; i++)
        if (strcmp(f, s[i].name) == 0)
            return *(const double *)(base + s[i].off);
    if (strncmp(key, "prediction.", 11) == 0)
        base = (const char *)&r->prediction;
    else if (sscanf(key, "shrinkage.%u.", &idx) == 1 && idx < r->k)
        base = (const char *)&r->shrinkage[idx];
    f = strrchr(key, '.') + 1;
    for (size_t i = 0; base && i < sizeof b / sizeof b[0]; i++)
        if (strcmp(f, b[i].name) == 0)
            return *(const double *)(base + b[i].off);
    ck_abort_msg("unknown reference key %s", key);
    return NAN;
}

static double tolerance_of(const char *key)
{
    if (strstr(key, "shortest") || strstr(key, ".mode"))
        return OPTIMIZE_TOL;
    return REF_TOL;
}

static size_t compare_case(const tsv_table *cases, const tsv_table *exp,
                           size_t first)
{
    const tsv_row *row = &cases->rows[first];
    const char *name = row->f[C_CASE];
    case_options c;
    double *y, *v;
    mp_bayes_result r;
    mp_errors err = MP_ERRORS_INIT;
    size_t k = mp_check_case_data(cases, name, C_Y, C_V, &y, &v), n = 0;
    case_options_of(row, &c);
    ck_assert_msg(mp_bayes(y, v, k, &c.o, &r, &err) == MP_OK, "%s:%s", name,
                  mp_check_dump(&err));
    for (size_t i = 0; i < exp->n; i++) {
        const tsv_row *e = &exp->rows[i];
        if (strcmp(e->f[0], name) != 0)
            continue;
        char what[128];
        snprintf(what, sizeof what, "%s %s", name, e->f[1]);
        double want = strcmp(e->f[2], "NA") == 0 ? NAN : strtod(e->f[2], NULL);
        double tol = tolerance_of(e->f[1]);
        check_within(what, figure(&r, &c, e->f[1]), want, tol,
                     tol == REF_TOL ? ABS_FLOOR : OPTIMIZE_ABS);
        n++;
    }
    mp_bayes_result_clear(&r);
    mp_errors_clear(&err);
    free(y);
    free(v);
    return n;
}

START_TEST(test_reference_cases)
{
    tsv_table cases = mp_check_read_tsv("bayes/cases.tsv");
    tsv_table exp = mp_check_read_tsv("bayes/expected.tsv");
    size_t ncases = 0, figures = 0;
    for (size_t i = 0; i < cases.n; i++) {
        if (i > 0 && strcmp(cases.rows[i].f[0], cases.rows[i - 1].f[0]) == 0)
            continue;
        figures += compare_case(&cases, &exp, i);
        ncases++;
    }
    ck_assert_uint_ge(ncases, 11);
    ck_assert_uint_eq(figures, exp.n);
    mp_check_tsv_free(&cases);
    mp_check_tsv_free(&exp);
}
END_TEST

/* ---- order, priors, refusals ------------------------------------------ */

/* The same studies in reverse order: every figure bit for bit the same,
 * the shrunken effects following their studies. */
START_TEST(test_order_independent)
{
    double y[6], v[6], ry[6], rv[6];
    mp_bayes_options o;
    mp_bayes_result a, b;
    crins(y, v);
    for (int i = 0; i < 6; i++) {
        ry[i] = y[5 - i];
        rv[i] = v[5 - i];
    }
    mp_bayes_options_default(&o);
    ck_assert_int_eq(mp_bayes(y, v, 6, &o, &a, NULL), MP_OK);
    ck_assert_int_eq(mp_bayes(ry, rv, 6, &o, &b, NULL), MP_OK);
    ck_assert(memcmp(&a.tau, &b.tau, sizeof a.tau) == 0);
    ck_assert(memcmp(&a.mu, &b.mu, sizeof a.mu) == 0);
    ck_assert(memcmp(&a.prediction, &b.prediction, sizeof a.prediction) == 0);
    for (int i = 0; i < 6; i++)
        ck_assert(memcmp(&a.shrinkage[i], &b.shrinkage[5 - i],
                         sizeof a.shrinkage[i]) == 0);
    mp_bayes_result_clear(&a);
    mp_bayes_result_clear(&b);
}
END_TEST

START_TEST(test_prior_parse)
{
    mp_tau_prior t;
    mp_mu_prior m;
    char why[200];
    ck_assert_int_eq(mp_tau_prior_parse("halft:0.5:3", &t, why, sizeof why),
                     MP_OK);
    ck_assert(t.kind == MP_TAU_HALFT && t.a == 0.5 && t.b == 3);
    ck_assert_int_eq(mp_tau_prior_parse("lognormal:-2.56:1.74", &t, NULL, 0),
                     MP_OK);
    ck_assert(t.kind == MP_TAU_LOGNORMAL && t.a == -2.56 && t.b == 1.74);
    ck_assert_int_eq(mp_tau_prior_parse("jeffreys", &t, NULL, 0), MP_OK);
    ck_assert_int_eq(mp_mu_prior_parse("normal:0:4", &m, NULL, 0), MP_OK);
    ck_assert(m.normal && m.mean == 0 && m.sd == 4);
    static const char *bad_tau[] = {
        "", "halfnormal", "halfnormal:", "halfnormal:0", "halfnormal:-1",
        "halfnormal:0.5:2", "halfnormal:0x1", "halfnormal:inf",
        "halfnormal:nan", "halfnormal:0.5 ", "halft:0.5", "halft:0.5:0",
        "lognormal:1:0", "lognormal:-2", "uniform", "uniform:0",
        "jeffreys:1", "cauchy:1", "HALFNORMAL:0.5", ":0.5",
        "halfnormal::0.5", "halfnormal:1e999",
    };
    for (size_t i = 0; i < sizeof bad_tau / sizeof bad_tau[0]; i++) {
        why[0] = '\0';
        ck_assert_msg(mp_tau_prior_parse(bad_tau[i], &t, why, sizeof why) ==
                          MP_EINPUT, "accepted '%s'", bad_tau[i]);
        ck_assert_msg(strstr(why, "halfnormal:S") != NULL, "%s", why);
    }
    static const char *bad_mu[] = { "", "normal", "normal:0", "normal:0:0",
                                    "normal:0:-1", "uniform:1", "flat" };
    for (size_t i = 0; i < sizeof bad_mu / sizeof bad_mu[0]; i++)
        ck_assert_msg(mp_mu_prior_parse(bad_mu[i], &m, NULL, 0) == MP_EINPUT,
                      "accepted '%s'", bad_mu[i]);
}
END_TEST

static void expect_refusal(const double *y, const double *v, size_t k,
                           const mp_bayes_options *o, const char *words)
{
    mp_bayes_result r;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(mp_bayes(y, v, k, o, &r, &err), MP_EINPUT);
    ck_assert_msg(err.n >= 1 && strstr(err.items[0].message, words),
                  "expected '%s' in%s", words, mp_check_dump(&err));
    ck_assert(r.p_below == NULL && r.shrinkage == NULL);
    mp_errors_clear(&err);
}

START_TEST(test_improper_refused)
{
    double y[] = { -0.2, 0.1 }, v[] = { 0.04, 0.09 }, th[] = { 0 };
    mp_bayes_options o;
    mp_bayes_options_default(&o);
    expect_refusal(y, v, 0, &o, "no study");
    o.tau_prior.kind = MP_TAU_JEFFREYS;
    expect_refusal(y, v, 1, &o, "improper with 1 study");
    /* proper with a second study, or with a normal prior on mu */
    mp_bayes_result r;
    ck_assert_int_eq(mp_bayes(y, v, 2, &o, &r, NULL), MP_OK);
    mp_bayes_result_clear(&r);
    o.mu_prior.normal = 1;
    o.mu_prior.sd = 1;
    ck_assert_int_eq(mp_bayes(y, v, 1, &o, &r, NULL), MP_OK);
    ck_assert(isfinite(r.mu.median) && isnan(r.marginal_likelihood));
    mp_bayes_result_clear(&r);
    mp_bayes_options_default(&o);
    o.level = 1;
    expect_refusal(y, v, 2, &o, "level");
    mp_bayes_options_default(&o);
    o.thresholds = th;
    o.n_thresholds = 1;
    expect_refusal(y, v, 2, &o, "threshold");
}
END_TEST

/* One study under a proper prior: tau's posterior is its prior (a flat mu
 * absorbs the one observation), so its median is the prior's: for
 * half-normal(0.5), 0.5 x the normal 75% quantile. */
START_TEST(test_one_study_prior_is_posterior)
{
    double y[] = { -0.3 }, v[] = { 0.05 };
    mp_bayes_options o;
    mp_bayes_result r;
    mp_bayes_options_default(&o);
    ck_assert_int_eq(mp_bayes(y, v, 1, &o, &r, NULL), MP_OK);
    check_close("tau median", r.tau.median, 0.5 * 0.67448975019608171,
                REF_TOL);
    check_close("mu median", r.mu.median, -0.3, REF_TOL);
    ck_assert(r.shrinkage != NULL);
    check_close("the study's own median", r.shrinkage[0].median, -0.3,
                REF_TOL);
    mp_bayes_result_clear(&r);
}
END_TEST

static Suite *bayes_suite(void)
{
    Suite *s = suite_create("bayes");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_crins_tau);
    tcase_add_test(t, test_crins_mu_exact);
    tcase_add_test(t, test_reference_cases);
    tcase_add_test(t, test_order_independent);
    tcase_add_test(t, test_prior_parse);
    tcase_add_test(t, test_improper_refused);
    tcase_add_test(t, test_one_study_prior_is_posterior);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(bayes_suite());
}
