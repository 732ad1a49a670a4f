/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_conclusion.c - unit tests of mp_conclusion: the conclusion in words.
 *
 * Fits are made by hand (ratios given on the ratio scale, stored as logs,
 * as mp_fit gives them), so that every case of metapool(1), CONCLUSION,
 * is reached: an interval below, above and across 1; one study; tau^2 = 0
 * and > 0; a prediction interval across 1 or not; bounds of 2 or more;
 * bounds beyond a double; rounding at 0% and 100%; the odds, which take
 * no article; "an" before 8, 11 and 18; bounds that read the same; a
 * failed fit; a short buffer.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mp_conclusion.h"
#include "testutil.h"

/* A fit with the random-effects estimate est (lo to hi) and, when
 * tau2 is not NaN, a prediction interval pl to pu; with tau2 NaN, one
 * study: the fixed effect est (lo to hi) only. */
static mp_fit_result fit_of(double est, double lo, double hi, double tau2,
                            double pl, double pu)
{
    mp_fit_result f;
    memset(&f, 0, sizeof f);
    f.status = MP_OK;
    f.has_random = !isnan(tau2);
    f.k = f.has_random ? 5 : 1;
    f.fixed.log_estimate = log(est);
    f.fixed.lower = log(lo);
    f.fixed.upper = log(hi);
    if (f.has_random) {
        f.fixed.log_estimate += 0.01;       /* not the figures shown */
        f.random.log_estimate = log(est);
        f.random.lower = log(lo);
        f.random.upper = log(hi);
        f.random.tau2 = tau2;
        f.random.pi_lower = log(pl);
        f.random.pi_upper = log(pu);
    }
    return f;
}

static char text[MP_CONCLUSION_MAX];

static const char *said(mp_measure m, double level, mp_fit_result f)
{
    ck_assert_int_eq(mp_conclusion(text, sizeof text, m, level, &f), MP_OK);
    return text;
}

#define HR MP_MEASURE_HR
#define OR MP_MEASURE_OR

/* The conclusion of f at 95% contains part. */
static void says(mp_measure m, mp_fit_result f, const char *part)
{
    const char *s = said(m, 0.95, f);
    ck_assert_msg(strstr(s, part) != NULL, "'%s' lacks '%s'", s, part);
}

/* The shipped analysis: across 1, and a prediction interval across 1. */
START_TEST(across_one_with_prediction)
{
    ck_assert_str_eq(said(HR, 0.95, fit_of(0.93, 0.75, 1.16, 0.0332, 0.61, 1.42)),
        "The pooled hazard ratio (random effects) is 0.93 (95% CI 0.75 to 1.16): "
        "the data are compatible with anything from a 25% lower to a 16% higher "
        "hazard in the experimental arm, so they neither show nor rule out a "
        "benefit or a harm. Allowing for the differences between trials "
        "(tau^2 = 0.0332), the hazard ratio in a new trial could lie between "
        "0.61 and 1.42 (95% prediction interval): its effect could be either a "
        "benefit or a harm.");
}
END_TEST

/* tau^2 = 0 with a prediction interval wider than the confidence interval
 * (--pi t-k1 or t-k2 without HKSJ): it is given, not called the CI. */
START_TEST(tau2_zero_wider_prediction)
{
    const char *s = said(HR, 0.95, fit_of(0.73, 0.59, 0.89, 0, 0.19, 2.74));
    ck_assert_msg(strstr(s, "the 95% prediction interval for a new trial is "
                            "0.19 to 2.74; an estimate of 0") != NULL, "%s", s);
    ck_assert(strstr(s, "is the confidence interval") == NULL);
}
END_TEST

/* No prediction interval (t-k2 with two trials): said so, no number. */
START_TEST(no_prediction_interval)
{
    mp_fit_result f = fit_of(0.73, 0.59, 0.89, 0.01, 1, 1);
    f.random.pi_lower = f.random.pi_upper = NAN;
    says(HR, f, "With two trials there is no 95% prediction interval of t "
         "with k - 2 degrees of freedom, so nothing is said here of the "
         "effect in a new trial.");
    ck_assert(strstr(text, "nan") == NULL && strstr(text, "between") == NULL);
}
END_TEST

/* Below 1, tau^2 = 0: the range starts at the smaller change; "an 11%". */
START_TEST(below_one_tau2_zero)
{
    ck_assert_str_eq(said(HR, 0.95, fit_of(0.66, 0.49, 0.89, 0, 0.49, 0.89)),
        "The pooled hazard ratio (random effects) is 0.66 (95% CI 0.49 to 0.89): "
        "the data are compatible with an 11% to 51% lower hazard in the "
        "experimental arm, so they favour the experimental arm. The "
        "between-trial variance is estimated at 0 (tau^2 = 0), so the 95% "
        "prediction interval for a new trial is the confidence interval; an "
        "estimate of 0 does not show that the trials' effects are equal.");
}
END_TEST

/* Above 1, a risk ratio, at 90%; the prediction interval above 1 too. */
START_TEST(above_one_prediction_above)
{
    ck_assert_str_eq(said(MP_MEASURE_RR, 0.9, fit_of(1.3, 1.05, 1.6, 0.01, 1.02, 1.66)),
        "The pooled risk ratio (random effects) is 1.30 (90% CI 1.05 to 1.60): "
        "the data are compatible with a 5% to 60% higher risk in the "
        "experimental arm, so they favour the control arm. Allowing for the "
        "differences between trials (tau^2 = 0.0100), the risk ratio in a new "
        "trial could lie between 1.02 and 1.66 (90% prediction interval): its "
        "effect would be expected to be a harm.");
}
END_TEST

/* A prediction interval below 1, and one across 1 around a CI below 1. */
START_TEST(prediction_below_or_across)
{
    says(HR, fit_of(0.6, 0.5, 0.72, 0.02, 0.4, 0.9),
         "between 0.40 and 0.90 (95% prediction "
         "interval): its effect would be expected "
         "to be a benefit.");
    says(HR, fit_of(0.6, 0.5, 0.72, 0.2, 0.3, 1.2),
         "so they favour the experimental arm. Allowing for the differences "
         "between trials (tau^2 = 0.2000), the hazard ratio in a new trial "
         "could lie between 0.30 and 1.20 (95% prediction interval): its "
         "effect could be either a benefit or a harm.");
}
END_TEST

/* One study: the fixed effect, and no prediction interval. */
START_TEST(one_study)
{
    ck_assert_str_eq(said(HR, 0.95, fit_of(0.8, 0.6, 1.07, NAN, NAN, NAN)),
        "The single study's hazard ratio is 0.80 (95% CI 0.60 to 1.07): the "
        "data are compatible with anything from a 40% lower to a 7% higher "
        "hazard in the experimental arm, so they neither show nor rule out a "
        "benefit or a harm. A single study cannot show how much the effect "
        "varies between trials.");
}
END_TEST

/* The range of one study's interval (est, lo to hi, fixed effect) in
 * words: odds take no article; "an" before 8, 11, 18 and 80, "a" before
 * 1; "times as high" from a ratio of 2; changes that round to 0% or 100%;
 * bounds that read the same. */
static const struct {
    mp_measure m;
    double est, lo, hi;
    const char *part;
} ranges[] = {
    { OR, 0.44, 0.2, 1.01,
      "compatible with anything from 80% lower to 1% higher odds in the "
      "experimental arm" },
    { OR, 0.44, 0.2, 1.01,
      "The single study's odds ratio is 0.44" },
    { HR, 0.6, 0.2, 0.82,
      "with an 18% to 80% lower hazard" },
    { HR, 1, 0.92, 1.08,
      "anything from an 8% lower to an 8% higher hazard" },
    { HR, 1, 0.99, 1.11,
      "anything from a 1% lower to an 11% higher hazard" },
    { HR, 1, 0.2, 1.81,
      "anything from an 80% lower to an 81% higher hazard" },
    { HR, 2.9, 2.1, 4,
      "compatible with a hazard 2.10 to 4.00 times as high in the "
      "experimental arm, so they favour the control arm." },
    { HR, 1.45, 0.75, 2.79,
      "anything from a 25% lower hazard to a hazard 2.79 times as high in the"
      " experimental arm, so they neither show nor rule out" },
    { OR, 2.2, 1.5, 3.2,
      "anything from 50% higher odds to odds 3.20 times as high" },
    { HR, 1.1, 1.004, 1.3,
      "(95% CI 1.00 to 1.30): the data are compatible with anything from a "
      "less than 1% higher to a 30% higher hazard" },
    { HR, 1.1, 0.996, 1.3,
      "anything from a less than 1% lower to a 30% higher hazard" },
    { HR, 0.998, 0.996, 0.999,
      "compatible with a less than 1% lower hazard in" },
    { HR, 0.75, 0.746, 0.754,
      "compatible with a 25% lower hazard in" },
    { HR, 0.9, 0.7, 0.996,
      "(95% CI 0.70 to 1.00): the data are compatible with anything from a "
      "less than 1% lower to a 30% lower hazard" },
    { HR, 0.01, 0.004, 0.05,
      "a 95% to 99.6% lower hazard" },
    { HR, 0.01, 0.0004, 0.05,
      "anything from a 95% lower to a more than 99.9% lower hazard" },
};

START_TEST(range_in_words)
{
    says(ranges[_i].m, fit_of(ranges[_i].est, ranges[_i].lo, ranges[_i].hi, NAN,
                              NAN, NAN), ranges[_i].part);
}
END_TEST

/* Bounds beyond a double; a tau^2 that rounds to 0. */
START_TEST(extremes)
{
    mp_fit_result f = fit_of(1, 1, 1, 0.5, 1, 1);
    f.random.lower = f.random.pi_lower = -800;
    f.random.upper = f.random.pi_upper = 800;
    says(HR, f, "is 1.00 (95% CI less than 1e-308 to more than 1e+308): the "
         "data are compatible with anything from a more than 99.9% lower "
         "hazard to a hazard more than 1e+308 times as high");
    says(HR, f, "between less than 1e-308 and more than 1e+308");
    says(HR, fit_of(1, 0.8, 1.2, 1e-6, 0.79, 1.21),
         "(tau^2 < 0.0001)");
}
END_TEST

/* Over a grid of intervals, never "no difference", never a change of
 * 0%, -0% or 100%, always a verdict. */
START_TEST(never_overclaims)
{
    static const double b[] = { 1e-320, 0.0004, 0.004, 0.05, 0.3, 0.75, 0.994,
                                0.996, 1, 1.004, 1.006, 1.16, 1.995, 2, 3.5,
                                150, 1e300 };
    size_t n = sizeof b / sizeof b[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            const char *s = said(HR, 0.95, fit_of(sqrt(b[i]) * sqrt(b[j]), b[i],
                                                  b[j], 0.1, b[i] / 2, b[j] * 2));
            ck_assert_msg(!strstr(s, "no difference") && !strstr(s, " 0%") &&
                          !strstr(s, "-0%") && !strstr(s, " 100%") &&
                          !strstr(s, "prove") && !strstr(s, "nan") &&
                          !strstr(s, "inf"), "%s", s);
            ck_assert_msg(strstr(s, ", so they ") && !strstr(s, "more than "
                          "99.9% lower to a more than"), "%s", s);
        }
}
END_TEST

/* A failed fit or a NaN figure: MP_EINPUT and an empty conclusion. */
START_TEST(failed_fit)
{
    mp_fit_result f = fit_of(0.9, 0.8, 1.1, NAN, NAN, NAN);
    f.status = MP_ENUMERIC;
    strcpy(text, "x");
    ck_assert_int_eq(mp_conclusion(text, sizeof text, HR, 0.95, &f), MP_EINPUT);
    ck_assert_str_eq(text, "");
    f = fit_of(0.9, 0.8, 1.1, 0.1, 0.7, 1.2);
    f.random.upper = NAN;
    ck_assert_int_eq(mp_conclusion(text, sizeof text, HR, 0.95, &f), MP_EINPUT);
    ck_assert_str_eq(text, "");
}
END_TEST

/* Too small a buffer: MP_ELIMIT and the start of the conclusion. */
START_TEST(short_buffer)
{
    mp_fit_result f = fit_of(0.93, 0.75, 1.16, 0.0332, 0.61, 1.42);
    char small[24];
    ck_assert_int_eq(mp_conclusion(small, sizeof small, HR, 0.95, &f), MP_ELIMIT);
    ck_assert_str_eq(small, "The pooled hazard ratio");
    ck_assert_int_eq(mp_conclusion(small, 0, HR, 0.95, &f), MP_ELIMIT);
}
END_TEST

static Suite *conclusion_suite(void)
{
    Suite *s = suite_create("mp_conclusion");
    TCase *tc = tcase_create("words");
    tcase_add_test(tc, across_one_with_prediction);
    tcase_add_test(tc, tau2_zero_wider_prediction);
    tcase_add_test(tc, no_prediction_interval);
    tcase_add_test(tc, below_one_tau2_zero);
    tcase_add_test(tc, above_one_prediction_above);
    tcase_add_test(tc, prediction_below_or_across);
    tcase_add_test(tc, one_study);
    tcase_add_loop_test(tc, range_in_words, 0, sizeof ranges / sizeof ranges[0]);
    tcase_add_test(tc, extremes);
    tcase_add_test(tc, never_overclaims);
    tcase_add_test(tc, failed_fit);
    tcase_add_test(tc, short_buffer);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(conclusion_suite());
}
