/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_survival.c - unit tests of mp_survival: effects from log-rank p
 * values and medians, and the Cox fit with Efron's ties.
 *
 * References:
 *   - the closed forms of issue 21: O_e = 40, O_c = 60, p = 0.03
 *     favouring the experimental arm give ln HR = -0.442968, SE =
 *     0.204124; medians 14 vs 10 months with 80 and 95 events give
 *     ln HR = -0.336472, SE = 0.151744;
 *   - tests/reference/survival/cox-expected.tsv: survival::coxph(ties =
 *     "efron") to convergence on the individual data of ipd.tsv
 *     (make_cox.R beside them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_errno.h>

#include "mp_survival.h"
#include "testutil.h"

/* The figures are quoted to 6 decimals. */
#define QUOTED_ABS 5e-7
/* coxph and this fit both converge to rounding (eps 1e-14); the sums are
 * made in other orders. */
#define COX_TOL 1e-9

START_TEST(test_logrank_closed_form)
{
    double y, se, V = mp_logrank_variance_arms(40, 60);
    ck_assert(fabs(V - 24) < 1e-15);
    ck_assert_int_eq(mp_logrank_effect(0.03, 1, V, &y, &se), MP_OK);
    ck_assert_msg(fabs(y - -0.442968) <= QUOTED_ABS, "%.17g", y);
    ck_assert_msg(fabs(se - 0.204124) <= QUOTED_ABS, "%.17g", se);
    ck_assert_int_eq(mp_logrank_effect(0.03, 0, V, &y, &se), MP_OK);
    ck_assert(fabs(y - 0.442968) <= QUOTED_ABS);
    /* total events with the arm sizes: 1:1 gives O / 4 */
    ck_assert(mp_logrank_variance_total(100, 150, 150) == 25);
    ck_assert(fabs(mp_logrank_variance_total(100, 100, 200) -
                   100.0 * 100 * 200 / (300.0 * 300)) < 1e-13);
    ck_assert(isnan(mp_logrank_variance_arms(0, 60)));
    ck_assert(isnan(mp_logrank_variance_total(100, 0, 150)));
    static const double bad_p[] = { 0, 1, -0.1, 1.5, NAN };
    for (size_t i = 0; i < sizeof bad_p / sizeof bad_p[0]; i++)
        ck_assert_int_eq(mp_logrank_effect(bad_p[i], 1, V, &y, &se),
                         MP_EINPUT);
    ck_assert_int_eq(mp_logrank_effect(0.03, 1, NAN, &y, &se), MP_EINPUT);
}
END_TEST

START_TEST(test_medians_closed_form)
{
    double y, se;
    ck_assert_int_eq(mp_medians_effect(14, 10, 80, 95, &y, &se), MP_OK);
    ck_assert_msg(fabs(y - -0.336472) <= QUOTED_ABS, "%.17g", y);
    ck_assert_msg(fabs(se - 0.151744) <= QUOTED_ABS, "%.17g", se);
    ck_assert_int_eq(mp_medians_effect(0, 10, 80, 95, &y, &se), MP_EINPUT);
    ck_assert_int_eq(mp_medians_effect(14, 10, 0, 95, &y, &se), MP_EINPUT);
    ck_assert_int_eq(mp_medians_effect(INFINITY, 10, 80, 95, &y, &se),
                     MP_EINPUT);
}
END_TEST

typedef struct {
    double time[1024];
    int event[1024], arm[1024];
    mp_ipd d;
} ipd_case;

/* The rows of case name in ipd.tsv. */
static void read_ipd(const tsv_table *t, const char *name, ipd_case *c)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->rows[i].f[0], name) != 0)
            continue;
        ck_assert_uint_lt(n, 1024);
        c->time[n] = strtod(t->rows[i].f[1], NULL);
        c->event[n] = atoi(t->rows[i].f[2]);
        c->arm[n++] = atoi(t->rows[i].f[3]);
    }
    ck_assert_uint_gt(n, 0);
    c->d = (mp_ipd){ c->time, c->event, c->arm, n };
}

static void close_to(const char *what, double got, const char *want)
{
    double w = strtod(want, NULL);
    ck_assert_msg(fabs(got - w) <= COX_TOL * fmax(1, fabs(w)),
                  "%s: %.17g, expected %s", what, got, want);
}

START_TEST(test_cox_against_coxph)
{
    tsv_table ipd = mp_check_read_tsv("survival/ipd.tsv");
    tsv_table exp = mp_check_read_tsv("survival/cox-expected.tsv");
    static ipd_case c;
    size_t finite = 0, infinite = 0;
    for (size_t i = 0; i < exp.n; i++) {
        const tsv_row *e = &exp.rows[i];
        mp_cox_result r;
        mp_errors err = MP_ERRORS_INIT;
        read_ipd(&ipd, e->f[0], &c);
        mp_status st = mp_cox_fit(&c.d, &r, &err);
        if (strcmp(e->f[1], "infinite") == 0) {
            ck_assert_msg(st == MP_EINPUT && err.n == 1 &&
                              strstr(err.items[0].message,
                                     "no finite hazard ratio"),
                          "%s: %d%s", e->f[0], st, mp_check_dump(&err));
            infinite++;
        } else {
            ck_assert_msg(st == MP_OK, "%s:%s", e->f[0], mp_check_dump(&err));
            close_to("log HR", r.log_hr, e->f[1]);
            close_to("SE", r.se, e->f[2]);
            close_to("log-likelihood", r.loglik, e->f[3]);
            close_to("null log-likelihood", r.loglik0, e->f[4]);
            finite++;
        }
        mp_errors_clear(&err);
    }
    ck_assert_uint_ge(finite, 5);
    ck_assert_uint_ge(infinite, 2);
    mp_check_tsv_free(&ipd);
    mp_check_tsv_free(&exp);
}
END_TEST

/* Which arm lacks informative events, in the message. */
START_TEST(test_cox_no_finite_estimate)
{
    double time[] = { 1, 2, 3, 4 };
    int event[] = { 1, 1, 0, 0 }, arm[] = { 0, 0, 1, 1 };
    mp_ipd d = { time, event, arm, 4 };
    mp_cox_result r;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(mp_cox_fit(&d, &r, &err), MP_EINPUT);
    ck_assert(strstr(err.items[0].message, "the experimental arm has no "
                                           "event") != NULL);
    ck_assert(strstr(err.items[0].message, "hazard ratio is 0") != NULL);
    mp_errors_clear(&err);
    int arm2[] = { 1, 1, 0, 0 };
    d.arm = arm2;
    ck_assert_int_eq(mp_cox_fit(&d, &r, &err), MP_EINPUT);
    ck_assert(strstr(err.items[0].message, "the control arm") != NULL);
    mp_errors_clear(&err);
    d.n = 0;
    ck_assert_int_eq(mp_cox_fit(&d, &r, NULL), MP_EINPUT);
}
END_TEST

START_TEST(test_cox_bad_rows)
{
    double time[] = { 1, 2, 3, 4 };
    int event[] = { 1, 1, 1, 1 }, arm[] = { 0, 1, 0, 1 };
    mp_ipd d = { time, event, arm, 4 };
    mp_cox_result r;
    mp_errors err = MP_ERRORS_INIT;
    time[2] = -1;
    ck_assert_int_eq(mp_cox_fit(&d, &r, &err), MP_EINPUT);
    ck_assert(strstr(err.items[0].message, "row 3") != NULL);
    time[2] = NAN;
    ck_assert_int_eq(mp_cox_fit(&d, &r, NULL), MP_EINPUT);
    time[2] = 3;
    event[1] = 2;
    ck_assert_int_eq(mp_cox_fit(&d, &r, NULL), MP_EINPUT);
    event[1] = 1;
    arm[0] = -1;
    ck_assert_int_eq(mp_cox_fit(&d, &r, NULL), MP_EINPUT);
    arm[0] = 0;
    ck_assert_int_eq(mp_cox_fit(&d, &r, NULL), MP_OK);
    mp_errors_clear(&err);
}
END_TEST

static Suite *survival_suite(void)
{
    Suite *s = suite_create("survival");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_logrank_closed_form);
    tcase_add_test(t, test_medians_closed_form);
    tcase_add_test(t, test_cox_against_coxph);
    tcase_add_test(t, test_cox_no_finite_estimate);
    tcase_add_test(t, test_cox_bad_rows);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(survival_suite());
}
