/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_derived.c - unit tests of mp_derived: the checks and conversions
 * of logrank-p, medians and km-curves, reached as the reader reaches them
 * (mp_effect_check, mp_effect_convert), and the reports' marks.
 *
 * References:
 *   - the closed forms of issue 21: O_e = 40, O_c = 60, p = 0.03
 *     favouring the experimental arm give ln HR = -0.442968, SE =
 *     0.204124; medians 14 vs 10 months with 80 and 95 events give
 *     ln HR = -0.336472, SE = 0.151744; 100 events in 150 + 150 patients
 *     give V = 25, SE = 0.2, ln HR = -qnorm(0.985) / 5 =
 *     -0.434018075516912 (R 4);
 *   - km-curves: the reconstruction and the Cox fit are tested against R
 *     in check_guyot and check_survival; here, that the descriptor's
 *     arrays reach them (per cent scale included) and their failures come
 *     back as diagnostics at the element's line.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_errno.h>

#include "mp_derived.h"
#include "testutil.h"

/* The figures are quoted to 6 decimals. */
#define QUOTED_ABS 5e-7
/* The same data on two scales: survival / 100 differs from the fraction
 * by at most an ulp, which no rounding of the reconstruction sees. */
#define SCALE_TOL 1e-12

static mp_effect_input logrank(double p, long e_exp, long e_ctl)
{
    mp_effect_input e = { .kind = MP_INPUT_LOGRANK_P, .line = 7 };
    e.p.value = p;
    e.favours_experimental = 1;
    e.events_exp = e_exp;
    e.events_ctl = e_ctl;
    e.events_total = -1;
    e.total_exp = e.total_ctl = 150;
    return e;
}

/* The message of diagnostic i, after checking its line. */
static const char *diag(const mp_errors *err, size_t i, long line)
{
    ck_assert_uint_gt(mp_errors_count(err), i);
    const mp_diag *d = mp_errors_get(err, i);
    ck_assert_int_eq(d->line, line);
    return d->message;
}

START_TEST(test_logrank_and_medians)
{
    double y, se;
    mp_effect_input e = logrank(0.03, 40, 60);
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", NULL), MP_OK);
    ck_assert_int_eq(mp_effect_convert(&e, MP_MEASURE_HR, &y, &se), MP_OK);
    ck_assert_msg(fabs(y - -0.442968) <= QUOTED_ABS, "%.17g", y);
    ck_assert_msg(fabs(se - 0.204124) <= QUOTED_ABS, "%.17g", se);
    ck_assert_str_eq(mp_effect_derived(&e), "logrank-p");
    e.events_total = 100;
    ck_assert_int_eq(mp_effect_convert(&e, MP_MEASURE_HR, &y, &se), MP_OK);
    ck_assert_msg(fabs(y - -0.434018075516912) <= 1e-13, "%.17g", y);
    ck_assert(fabs(se - 0.2) <= 1e-15);
    mp_effect_input m = { .kind = MP_INPUT_MEDIANS, .line = 3,
                          .events_exp = 80, .events_ctl = 95,
                          .total_exp = -1, .total_ctl = -1 };
    m.median_exp.value = 14;
    m.median_ctl.value = 10;
    ck_assert_int_eq(mp_effect_check(&m, "f.xml", NULL), MP_OK);
    ck_assert_int_eq(mp_effect_convert(&m, MP_MEASURE_HR, &y, &se), MP_OK);
    ck_assert_msg(fabs(y - -0.336472) <= QUOTED_ABS, "%.17g", y);
    ck_assert_msg(fabs(se - 0.151744) <= QUOTED_ABS, "%.17g", se);
    ck_assert_str_eq(mp_effect_derived(&m), "medians");
}
END_TEST

START_TEST(test_logrank_errors)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_effect_input e = logrank(1, 160, 0);
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", &err), MP_EINPUT);
    ck_assert_uint_eq(mp_errors_count(&err), 3);
    ck_assert_str_eq(diag(&err, 0, 7), "<logrank-p> p must lie strictly "
                     "between 0 and 1, not 1");
    ck_assert_str_eq(diag(&err, 1, 7), "<logrank-p> events-experimental "
                     "(160) is more than the arm's 150 patients");
    ck_assert_str_eq(diag(&err, 2, 7), "<logrank-p> events-control must "
                     "be > 0");
    mp_errors_clear(&err);
    e = logrank(0.03, -1, -1);
    e.events_total = 100;
    e.total_exp = -1;
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", &err), MP_EINPUT);
    ck_assert(strstr(diag(&err, 0, 7), "needs the arm sizes") != NULL);
    mp_errors_clear(&err);
}
END_TEST

/* Two small arms, the control in per cent when percent. */
static const double T[] = { 0, 6, 12 }, S_E[] = { 1, 0.9, 0.8 },
    S_C[] = { 1, 0.85, 0.7 }, S_C100[] = { 100, 85, 70 };
static const double RT[] = { 0, 6, 12, 18 };
static const long RN_E[] = { 50, 44, 38, 0 }, RN_C[] = { 50, 41, 33, 0 };
static const long PL_E[] = { 10, 11, 12 }, RL_E[] = { 13, 14, 15, 16 };
static const long PL_C[] = { 20, 21, 22 }, RL_C[] = { 23, 24, 25, 26 };

static mp_km_input two_arms(int percent)
{
    mp_km_input km;
    km.arm[1] = (mp_km_arm_input){ 0, -1, 9, 3, 4, T, S_E, PL_E, RT, RN_E, RL_E };
    km.arm[0] = (mp_km_arm_input){ percent, -1, 19, 3, 4, T,
                                   percent ? S_C100 : S_C, PL_C, RT, RN_C, RL_C };
    return km;
}

START_TEST(test_km_fit_and_ipd)
{
    mp_km_input km = two_arms(0), pct = two_arms(1);
    mp_effect_input e = { .kind = MP_INPUT_KM, .line = 8, .km = &km };
    mp_effect_input p = { .kind = MP_INPUT_KM, .line = 8, .km = &pct };
    double y, se, y100, se100;
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", NULL), MP_OK);
    ck_assert_int_eq(mp_effect_check(&p, "f.xml", NULL), MP_OK);
    mp_km_ipd ipd[2];
    ck_assert_int_eq(mp_derived_km(&e, "f.xml", &y, &se, ipd, NULL), MP_OK);
    ck_assert_int_eq(mp_effect_convert(&p, MP_MEASURE_HR, &y100, &se100), MP_OK);
    ck_assert(fabs(y - y100) <= SCALE_TOL && fabs(se - se100) <= SCALE_TOL);
    /* every patient at risk at the start, lower survival in control: a
     * hazard ratio below 1 */
    ck_assert_uint_eq(ipd[1].n, 50);
    ck_assert_uint_eq(ipd[0].n, 50);
    ck_assert(y < 0 && se > 0);
    mp_km_ipd_clear(&ipd[0]);
    mp_km_ipd_clear(&ipd[1]);
}
END_TEST

START_TEST(test_km_errors)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_km_input km = two_arms(0);
    mp_effect_input e = { .kind = MP_INPUT_KM, .line = 8, .km = &km };
    static const double s_bad[] = { 1, 0.9, 0.95 }, t_bad[] = { 0, 12, 6 };
    static const long rn_bad[] = { 50, 41, 45, 0 };
    km.arm[1].s = s_bad;
    km.arm[0].t = t_bad;
    km.arm[0].risk_n = rn_bad;
    km.arm[1].events = 51;
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", &err), MP_EINPUT);
    ck_assert_uint_eq(mp_errors_count(&err), 4);
    ck_assert(strstr(diag(&err, 0, 12), "survival 0.95 rises") != NULL);
    ck_assert(strstr(diag(&err, 1, 9), "<arm> events (51) is more than") != NULL);
    ck_assert(strstr(diag(&err, 2, 22), "time 6 comes before") != NULL);
    ck_assert(strstr(diag(&err, 3, 25), "n 45 rises") != NULL);
    mp_errors_clear(&err);
    /* no event in the experimental arm: no finite hazard ratio, said at
     * the element */
    static const double flat[] = { 1, 1, 1 };
    km = two_arms(0);
    km.arm[1].s = flat;
    double y, se;
    ck_assert_int_eq(mp_effect_check(&e, "f.xml", &err), MP_OK);
    ck_assert_int_eq(mp_derived_km(&e, "f.xml", &y, &se, NULL, &err), MP_EINPUT);
    ck_assert(strncmp(diag(&err, 0, 8), "<km-curves>: Cox model", 22) == 0);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(test_marks)
{
    ck_assert_str_eq(mp_derived_mark("logrank-p"), "a");
    ck_assert_str_eq(mp_derived_mark("medians"), "b");
    ck_assert_str_eq(mp_derived_mark("km-curves"), "c");
    ck_assert(strstr(mp_derived_method("medians"), "approximate") != NULL);
    ck_assert(mp_derived_mark(NULL) == NULL && mp_derived_method("counts") == NULL);
    ck_assert_str_eq(mp_derived_element(2), "km-curves");
    ck_assert(mp_derived_element(3) == NULL);
    mp_effect_input e = { .kind = MP_INPUT_HR_CI };
    ck_assert(mp_effect_derived(&e) == NULL);
}
END_TEST

static Suite *derived_suite(void)
{
    Suite *s = suite_create("derived");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_logrank_and_medians);
    tcase_add_test(t, test_logrank_errors);
    tcase_add_test(t, test_km_fit_and_ipd);
    tcase_add_test(t, test_km_errors);
    tcase_add_test(t, test_marks);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(derived_suite());
}
