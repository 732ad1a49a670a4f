/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_crosscheck.c - unit tests of mp_crosscheck: the redundant figures
 * of an outcome against each other, warnings only, both sides of every
 * rule (a figure at the edge of its rounding must not warn).
 *
 * Reference values were computed independently of the library with
 * R 4.x (qnorm, pnorm, log, printed with sprintf("%.17g")), following the
 * formulas of metapool-study(5), CROSS-CHECKS, e.g. the p range of an
 * interval at level l over the rounding of its printed digits:
 *   zl <- qnorm(1 - (1 - l) / 2)
 *   zlo <- 2 * zl * min|ln(E -/+ hE)| / (ln(U + hU) - ln(L - hL))
 *   zhi <- 2 * zl * max|ln(E -/+ hE)| / (ln(U - hU) - ln(L + hL))
 *   p from 2 * pnorm(-zhi) to 2 * pnorm(-zlo).
 * The published figures come from the trials the cases are named after
 * (cited in the files of studies/): CALGB/E2108 (Khan et al., J Clin Oncol 2022:
 * HR 1.11, 90% CI 0.82-1.52, P = .57; median OS 54.9 vs 53.1 months),
 * ABCSG-28 (Fitzal et al., Ann Surg 2019: HR 0.691, 95% CI 0.358-1.333,
 * P = 0.267, no-surgery/surgery; median 34.6 vs 54.8 months), MF07-01
 * (Soran et al., J Am Coll Surg 2021: HR 0.71, 95% CI 0.59-0.86).
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "mp_crosscheck.h"
#include "mp_text.h"
#include "testutil.h"

/* R's doubles against GSL's quantile and tail functions: both accurate
 * to ~1e-15 relative, 1e-12 leaves room for the chain of logs. */
#define TOL_REF 1e-12

static mp_number num(const char *s) { return mp_check_number(s); }

/* An outcome "OS" with an interval, its effect at line 11. */
static mp_outcome hr_ci(const char *est, const char *lo, const char *hi,
                        const char *level)
{
    mp_outcome o;
    memset(&o, 0, sizeof o);
    o.name = "OS";
    o.events_exp = o.events_ctl = -1;
    o.median_unit = "months";
    o.effect.kind = MP_INPUT_HR_CI;
    o.effect.estimate = num(est);
    o.effect.lower = num(lo);
    o.effect.upper = num(hi);
    o.effect.level = level ? num(level) : (mp_number){ 0.95, 0.0 };
    o.effect.line = 11;
    return o;
}

static mp_outcome with_p(mp_outcome o, const char *p)
{
    o.effect.has_p = 1;
    o.effect.p = num(p);
    return o;
}

static mp_outcome with_medians(mp_outcome o, const char *exp, const char *ctl)
{
    o.median_exp = num(exp);
    o.median_ctl = num(ctl);
    o.median_line = 12;
    return o;
}

static mp_outcome with_events(mp_outcome o, long exp, long ctl)
{
    o.events_exp = exp;
    o.events_ctl = ctl;
    o.events_line = 13;
    return o;
}

/* The warnings of one outcome of a study with n_exp and n_ctl patients
 * (-1: not given), in *err (to be freed by the caller). */
static void run(const mp_outcome *o, long n_exp, long n_ctl, mp_errors *err)
{
    mp_study s;
    memset(&s, 0, sizeof s);
    s.file = "x.xml";
    s.id = "x";
    s.n_exp = n_exp;
    s.n_ctl = n_ctl;
    s.n_outcomes = 1;
    s.outcomes = o;
    mp_errors_init(err);
    ck_assert_int_eq(mp_effect_check(&o->effect, s.file, err), MP_OK);
    mp_crosscheck_outcome(&s, o, err);
    ck_assert_uint_eq(mp_errors_count(err), 0);  /* warnings, never problems */
}

static void expect_none(mp_outcome o, long n_exp, long n_ctl)
{
    mp_errors err;
    run(&o, n_exp, n_ctl, &err);
    ck_assert_msg(err.n == 0, "unexpected warning:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
}

/* Exactly one warning, at line, starting with prefix and containing
 * part (NULL: anything). */
static void expect_one(mp_outcome o, long n_exp, long n_ctl, long line,
                       const char *prefix, const char *part)
{
    mp_errors err;
    run(&o, n_exp, n_ctl, &err);
    ck_assert_msg(err.n == 1, "expected one warning:%s", mp_check_dump(&err));
    const mp_diag *d = &err.items[0];
    ck_assert_int_eq(d->warning, 1);
    ck_assert_int_eq(d->line, line);
    ck_assert_str_eq(d->file, "x.xml");
    ck_assert_msg(strncmp(d->message, prefix, strlen(prefix)) == 0 &&
                      (!part || strstr(d->message, part)),
                  "got: %s\nwant: %s ... %s", d->message, prefix,
                  part ? part : "");
    mp_errors_clear(&err);
}

/* ---- the p an interval implies ------------------------------------------------ */

START_TEST(p_range_reference)
{
    mp_outcome o = hr_ci("1.11", "0.82", "1.52", NULL);
    double lo, hi;
    mp_crosscheck_p_range(&o.effect, 0.95, &lo, &hi);
    ck_assert_double_eq_tol(lo, 0.48264353940661214, TOL_REF);     /* [R] */
    ck_assert_double_eq_tol(hi, 0.53219573244810392, TOL_REF);     /* [R] */
    mp_crosscheck_p_range(&o.effect, 0.90, &lo, &hi);
    ck_assert_double_eq_tol(lo, 0.55573723740933523, TOL_REF);     /* [R] */
    ck_assert_double_eq_tol(hi, 0.60011907919507546, TOL_REF);     /* [R] */
    /* an estimate within rounding of 1: the implied p reaches 1 */
    o = hr_ci("1.0", "0.8", "1.3", NULL);
    mp_crosscheck_p_range(&o.effect, 0.95, &lo, &hi);
    ck_assert_double_eq_tol(hi, 1.0, TOL_REF);
}
END_TEST

/* E2108 as published (90%, P = .57) agrees; its 90% interval entered as
 * 95% does not, and the warning names the level that fits. */
START_TEST(p_level_missing)
{
    expect_none(with_p(hr_ci("1.11", "0.82", "1.52", "0.90"),
                                      "0.57"), 125, 131);
    mp_outcome o = with_p(hr_ci("1.11", "0.82", "1.52", NULL), "0.57");
    expect_one(o, 125, 131, 11, "<hazard-ratio> p = 0.57 does not agree with "
               "the interval, which as a 95% interval implies p = 0.48 to 0.53 "
               "(allowing for rounding): it agrees only as a 90% interval: is "
               "level=\"0.90\" missing?", NULL);
    o = with_p(hr_ci("1.11", "0.82", "1.52", "0.95"), "0.57");
    expect_one(o, 125, 131, 11, "<hazard-ratio> p = 0.57", "is level=\"0.90\" meant?");
}
END_TEST

/* At 95%, the implied z of E2108's digits is at least 0.62466 [R]; with
 * the 5% margin a p agrees while p - half unit <= 2 (1 - Phi(0.62466 /
 * 1.05)) = 0.55190 [R]: 0.552 is at the edge and agrees, 0.553 does not. */
START_TEST(p_edge_of_rounding)
{
    expect_none(with_p(hr_ci("1.11", "0.82", "1.52", NULL),
                                      "0.552"), -1, -1);
    mp_outcome o = with_p(hr_ci("1.11", "0.82", "1.52", NULL), "0.553");
    expect_one(o, -1, -1, 11, "<hazard-ratio> p = 0.553", "as a 90% interval");
}
END_TEST

/* ABCSG-28's log-rank p is not the Wald p of its interval: 0.267 against
 * 0.2688 to 0.2720 [R] (0.0668 against 0.0690 to 0.0709 [R] for distant
 * progression); the margin for the two tests keeps them quiet. */
START_TEST(p_logrank_against_wald)
{
    expect_none(with_p(hr_ci("0.691", "0.358", "1.333", "0.95"),
                                      "0.267"), 45, 45);
    expect_none(with_p(hr_ci("0.598", "0.343", "1.043", "0.95"),
                                      "0.0668"), 45, 45);
}
END_TEST

START_TEST(p_one_sided_bound_and_other)
{
    /* JCOG1017: one-sided p = 0.1283 for a two-sided 0.2566 */
    mp_outcome o = with_p(hr_ci("0.857", "0.686", "1.072", "0.90"), "0.1283");
    expect_one(o, 202, 205, 11, "<hazard-ratio> p = 0.1283",
               "it agrees only as a one-sided p: is it one-sided? (p here is "
               "two-sided: p=\"0.2566\")");
    expect_none(with_p(hr_ci("0.857", "0.686", "1.072", "0.90"),
                                      "0.2566"), 202, 205);
    /* "p < 0.0001" entered as 0.0001 */
    o = with_p(hr_ci("0.415", "0.327", "0.527", NULL), "0.0001");
    expect_one(o, 202, 205, 11, "<hazard-ratio> p = 0.0001",
               "was it printed as \"p < 0.0001\"? Such a bound is not a value: "
               "leave p out");
    /* a large p above the interval's is no bound */
    o = with_p(hr_ci("0.80", "0.60", "1.07", NULL), "0.5");
    expect_one(o, 100, 100, 11, "<hazard-ratio> p = 0.5",
               "(allowing for rounding): check the p, the estimate, the "
               "bounds and the level");
}
END_TEST

/* ---- the estimate at the geometric mean of its bounds -------------------------- */

/* sqrt(lower x upper) of 0.49 and 0.88 within rounding: 0.65144 to
 * 0.66187 [R].  "0.651" reaches up to 0.6515 and "0.662" down to 0.6615:
 * both agree, at the edge; "0.650" (up to 0.6505) and "0.663" (down to
 * 0.6625) do not. */
START_TEST(centre)
{
    expect_none(hr_ci("0.66", "0.49", "0.88", NULL), -1, -1);
    expect_none(hr_ci("0.651", "0.49", "0.88", NULL), -1, -1);
    expect_none(hr_ci("0.662", "0.49", "0.88", NULL), -1, -1);
    mp_outcome o = hr_ci("0.650", "0.49", "0.88", NULL);
    expect_one(o, -1, -1, 11, "<hazard-ratio> estimate 0.65 is not the "
               "geometric mean of its bounds, sqrt(0.49 x 0.88) = 0.657 "
               "(0.651 to 0.662 allowing for rounding)", NULL);
    o = hr_ci("0.663", "0.49", "0.88", NULL);
    expect_one(o, -1, -1, 11, "<hazard-ratio> estimate 0.663", NULL);
}
END_TEST

/* ---- events -------------------------------------------------------------------- */

START_TEST(implied_events_reference)
{
    /* Peto's 4 / se^2 for 1:1 */
    ck_assert_double_eq_tol(mp_crosscheck_implied_events(0.1, 0.5), 400.0, 1e-9);
    mp_outcome o = hr_ci("0.71", "0.59", "0.86", NULL);
    double lo, hi;
    ck_assert(mp_crosscheck_se_range(&o.effect, &lo, &hi));
    ck_assert_double_eq_tol(hi, 0.099776746609914577, TOL_REF);     /* [R] */
    ck_assert_double_eq_tol(mp_crosscheck_implied_events(hi, 138.0 / 274),
                            401.81343437953643, 1e-9);               /* [R] */
    mp_effect_input c = { .kind = MP_INPUT_COUNTS };
    ck_assert(!mp_crosscheck_se_range(&c, &lo, &hi));
}
END_TEST

/* MF07-01's 10-year interval implies at least 402 deaths [R] among 274
 * patients randomized; its 2018 interval (0.66, 0.49-0.88) about 180. */
START_TEST(events_exceed_patients)
{
    mp_outcome o = hr_ci("0.71", "0.59", "0.86", NULL);
    expect_one(o, 138, 136, 11, "<hazard-ratio> implies at least 402 events "
               "(Schoenfeld: 1 / (se^2 f (1 - f)), f = 0.50), more than the "
               "274 patients randomized", NULL);
    expect_none(o, 201, 201);      /* 402 patients: room for 402 events */
    expect_none(o, -1, -1);        /* patients not known */
    expect_none(hr_ci("0.66", "0.49", "0.88", NULL), 138, 136);
    /* log-hazard-ratio: se 0.1296 implies at least 237.97 events [R] */
    mp_outcome l;
    memset(&l, 0, sizeof l);
    l.effect.kind = MP_INPUT_LOG_HR;
    l.effect.estimate = num("0.0392");
    l.effect.se = num("0.1296");
    l.effect.line = 9;
    l.events_exp = l.events_ctl = -1;
    expect_one(l, 100, 100, 9, "<log-hazard-ratio> implies at least 238 events", NULL);
    expect_none(l, 119, 119);
}
END_TEST

/* Tata Memorial's interval (1.04, 0.81-1.34) implies 233.3 to 252.4
 * events [R] (235 deaths were published): within a factor 2 of 117 to
 * 504 published events, outside it below 117 or above 504. */
START_TEST(events_against_published)
{
    mp_outcome o = hr_ci("1.04", "0.81", "1.34", NULL);
    expect_none(with_events(o, 118, 117), 173, 177);
    expect_none(with_events(o, 59, 58), 173, 177);   /* 117 */
    expect_none(with_events(o, 252, 252), 600, 600); /* 504 */
    mp_outcome w = with_events(o, 30, 30);
    expect_one(w, 173, 177, 13, "<events> 60 events are published (30 + 30), "
               "but the <hazard-ratio> at line 11 implies 233 to 252 "
               "(Schoenfeld: 1 / (se^2 f (1 - f)), f = 0.49), more than 2 "
               "times as many", NULL);
    w = with_events(o, 58, 58);     /* 116: 233.3 > 232 */
    expect_one(w, 173, 177, 13, "<events> 116 events", NULL);
    w = with_events(o, 253, 252);   /* 505: 252.4 < 252.5 */
    expect_one(w, 600, 600, 13, "<events> 505 events", "less than 1 / 2 times");
    /* one arm only: nothing to compare */
    expect_none(with_events(o, 30, -1), 173, 177);
}
END_TEST

/* ---- median survival ---------------------------------------------------------- */

START_TEST(medians_direction)
{
    mp_outcome o = with_medians(hr_ci("0.691", "0.358", "1.333", "0.95"),
                                "34.6", "54.8");
    /* ABCSG-28 without reference="experimental": |ln(34.6/54.8)| +
     * |ln 0.691| = 0.829 [R] > se 0.335 [R] */
    expect_one(o, 45, 45, 12, "<median-survival> the median is shorter in "
               "the experimental arm (34.6 vs 54.8 months), yet the hazard "
               "ratio, experimental/control, is 0.691 (line 11): hazards can "
               "cross; check the direction (reference=\"experimental\"?)", NULL);
    o.effect.reference_experimental = 1;    /* as published: agrees */
    expect_none(o, 45, 45);
    /* reference="experimental" given by mistake */
    o = with_medians(hr_ci("0.66", "0.49", "0.88", NULL), "46", "35");
    o.effect.reference_experimental = 1;
    expect_one(o, 138, 136, 12, "<median-survival> the median is longer",
               "(is reference=\"experimental\" wrong?)");
}
END_TEST

START_TEST(medians_quiet_cases)
{
    /* E2108: HR 1.11 with the longer median in the experimental arm, but
     * |ln(54.9/53.1)| + ln 1.11 = 0.138 [R] < se 0.188 [R]: noise */
    expect_none(with_medians(hr_ci("1.11", "0.82", "1.52", "0.90"),
                                            "54.9", "53.1"), 125, 131);
    /* medians equal within rounding (35 and 36 months: 35.5 meets 35.5) */
    expect_none(with_medians(hr_ci("0.60", "0.40", "0.90", NULL),
                                            "35", "36"), -1, -1);
    /* an HR within rounding of 1 ("1.0": 0.95 to 1.05) */
    expect_none(with_medians(hr_ci("1.0", "0.5", "2.0", NULL),
                                            "10", "40"), -1, -1);
    /* counts are not cross-checked */
    mp_outcome c;
    memset(&c, 0, sizeof c);
    c.effect.kind = MP_INPUT_COUNTS;
    c.effect.events_exp = 10;
    c.effect.total_exp = 20;
    c.effect.events_ctl = 5;
    c.effect.total_ctl = 20;
    c = with_medians(c, "10", "40");
    c = with_events(c, 500, 500);
    expect_none(c, 1, 1);
}
END_TEST

/* peto and log-hazard-ratio: the direction of O - E and of ln HR. */
START_TEST(medians_other_forms)
{
    mp_outcome o;
    memset(&o, 0, sizeof o);
    o.events_exp = o.events_ctl = -1;
    o.median_unit = "years";
    o.effect.kind = MP_INPUT_PETO;
    o.effect.o_minus_e = num("-12.0");
    o.effect.variance = num("40.0");
    o.effect.line = 11;
    o = with_medians(o, "2.0", "4.0");
    expect_one(o, -1, -1, 12, "<median-survival> the median is shorter in the "
               "experimental arm (2 vs 4 years)", NULL);
    o.effect.kind = MP_INPUT_LOG_HR;
    o.effect.estimate = num("0.35");
    o.effect.se = num("0.15");
    expect_none(o, -1, -1);
}
END_TEST

static Suite *crosscheck_suite(void)
{
    Suite *s = suite_create("mp_crosscheck");
    TCase *tc = tcase_create("p");
    tcase_add_test(tc, p_range_reference);
    tcase_add_test(tc, p_level_missing);
    tcase_add_test(tc, p_edge_of_rounding);
    tcase_add_test(tc, p_logrank_against_wald);
    tcase_add_test(tc, p_one_sided_bound_and_other);
    suite_add_tcase(s, tc);
    tc = tcase_create("centre");
    tcase_add_test(tc, centre);
    suite_add_tcase(s, tc);
    tc = tcase_create("events");
    tcase_add_test(tc, implied_events_reference);
    tcase_add_test(tc, events_exceed_patients);
    tcase_add_test(tc, events_against_published);
    suite_add_tcase(s, tc);
    tc = tcase_create("medians");
    tcase_add_test(tc, medians_direction);
    tcase_add_test(tc, medians_quiet_cases);
    tcase_add_test(tc, medians_other_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(crosscheck_suite());
}
