/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_effect.c - unit tests of mp_effect: published figures to (y, se),
 * and the checks of mp_effect_check with their exact messages.
 *
 * Reference values were computed independently of the library:
 *   [py]  python3 3.x, statistics.NormalDist().inv_cdf and math.log/sqrt,
 *         e.g. z(0.95) = NormalDist().inv_cdf(1 - (1 - 0.95) / 2)
 *         = 1.9599639845400536, se = (log(U) - log(L)) / (2 z).
 *   [R]   R 4.x with metafor: escalc(measure = "RR" or "OR", ai, n1i, ci,
 *         n2i) (defaults add = 1/2, to = "only0"), printed with
 *         sprintf("%.17g"); se = sqrt(vi).
 * Each expected number carries its source in a comment.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_effect.h"
#include "mp_error.h"
#include "mp_text.h"
#include "testutil.h"

/* Closed-form results; the library uses GSL's quantile while the reference
 * uses Python's (Wichura AS241 in both cases, both to ~1e-16), so agreement
 * to 1e-12 absolute is expected. */
#define TOL_CLOSED 1e-12
/* Values the library copies unchanged (log-hazard-ratio) or negates. */
#define TOL_EXACT 1e-15

/* A number as the reader would give it: value and half unit of the last
 * printed digit, from its text. */
static mp_number num(const char *s) { return mp_check_number(s); }

static mp_effect_input hr_ci(const char *est, const char *lo, const char *hi,
                             const char *level)
{
    mp_effect_input e;
    memset(&e, 0, sizeof e);
    e.kind = MP_INPUT_HR_CI;
    e.estimate = num(est);
    e.lower = num(lo);
    e.upper = num(hi);
    e.level = num(level);
    e.line = 7;
    return e;
}

static mp_effect_input hr_p(const char *est, const char *p)
{
    mp_effect_input e;
    memset(&e, 0, sizeof e);
    e.kind = MP_INPUT_HR_P;
    e.estimate = num(est);
    e.p = num(p);
    e.line = 8;
    return e;
}

static mp_effect_input log_hr(const char *est, const char *se)
{
    mp_effect_input e;
    memset(&e, 0, sizeof e);
    e.kind = MP_INPUT_LOG_HR;
    e.estimate = num(est);
    e.se = num(se);
    e.line = 9;
    return e;
}

static mp_effect_input peto(const char *ome, const char *var)
{
    mp_effect_input e;
    memset(&e, 0, sizeof e);
    e.kind = MP_INPUT_PETO;
    e.o_minus_e = num(ome);
    e.variance = num(var);
    e.line = 10;
    return e;
}

static mp_effect_input counts(long a, long n1, long c, long n2)
{
    mp_effect_input e;
    memset(&e, 0, sizeof e);
    e.kind = MP_INPUT_COUNTS;
    e.events_exp = a;
    e.total_exp = n1;
    e.events_ctl = c;
    e.total_ctl = n2;
    e.line = 11;
    return e;
}

/* Convert, expecting MP_OK and the given values. */
static void expect_convert(const char *what, const mp_effect_input *e,
                           mp_measure cm, double y_ref, double se_ref,
                           double tol)
{
    double y = NAN, se = NAN;
    mp_status st = mp_effect_convert(e, cm, &y, &se);
    ck_assert_msg(st == MP_OK, "%s: status %d (%s)", what, (int)st,
                  mp_status_string(st));
    ck_assert_msg(fabs(y - y_ref) <= tol,
                  "%s: y = %.17g, expected %.17g (diff %.3g)", what, y, y_ref,
                  y - y_ref);
    ck_assert_msg(fabs(se - se_ref) <= tol,
                  "%s: se = %.17g, expected %.17g (diff %.3g)", what, se,
                  se_ref, se - se_ref);
}

/* Check, expecting exactly the listed messages (NULL-terminated), each at
 * file "f.xml" and the input's line. */
static void expect_check(const mp_effect_input *e, const char *const *msgs)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = mp_effect_check(e, "f.xml", &err);
    size_t n = 0;
    while (msgs[n])
        n++;
    for (size_t i = 0; i < err.n && i < n; i++) {
        ck_assert_msg(strcmp(err.items[i].message, msgs[i]) == 0,
                      "diagnostic %zu: got \"%s\", expected \"%s\"", i,
                      err.items[i].message, msgs[i]);
        ck_assert_str_eq(err.items[i].file, "f.xml");
        ck_assert_int_eq(err.items[i].line, e->line);
    }
    ck_assert_msg(err.n == n, "%zu diagnostics, expected %zu (first: \"%s\")",
                  err.n, n, err.n ? err.items[0].message : "");
    ck_assert_int_eq(st, n ? MP_EINPUT : MP_OK);
    mp_errors_clear(&err);
}

static const char *const NONE[] = { NULL };

/* ---- measures -------------------------------------------------------------- */

START_TEST(measure_names)
{
    ck_assert_str_eq(mp_measure_name(MP_MEASURE_HR), "HR");
    ck_assert_str_eq(mp_measure_name(MP_MEASURE_RR), "RR");
    ck_assert_str_eq(mp_measure_name(MP_MEASURE_OR), "OR");
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "0.95");
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_OR), MP_MEASURE_HR);
    e = hr_p("0.7", "0.04");
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_RR), MP_MEASURE_HR);
    e = log_hr("-0.2", "0.1");
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_RR), MP_MEASURE_HR);
    e = peto("-12.5", "40");
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_OR), MP_MEASURE_HR);
    e = counts(15, 100, 25, 100);
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_RR), MP_MEASURE_RR);
    ck_assert_int_eq(mp_effect_measure(&e, MP_MEASURE_OR), MP_MEASURE_OR);
}
END_TEST

/* ---- conversions ------------------------------------------------------------- */

START_TEST(convert_hr_ci_levels)
{
    /* [py] y = log(0.8); se = (log(1.07) - log(0.6)) / (2 * 1.9599639845400536) */
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "0.95");
    expect_convert("HR 0.8 (0.6-1.07) 95%", &e, MP_MEASURE_RR,
                   -0.2231435513142097, 0.14757523015800694, TOL_CLOSED);
    /* [py] z(0.90) = 1.6448536269514715; E2108: HR 1.11, 90% CI 0.82-1.52 */
    e = hr_ci("1.11", "0.82", "1.52", "0.90");
    expect_convert("HR 1.11 (0.82-1.52) 90%", &e, MP_MEASURE_RR,
                   0.10436001532424286, 0.18760370633277984, TOL_CLOSED);
    /* [py] z(0.99) = 2.5758293035489 */
    e = hr_ci("0.75", "0.52", "1.08", "0.99");
    expect_convert("HR 0.75 (0.52-1.08) 99%", &e, MP_MEASURE_RR,
                   -0.2876820724517809, 0.1418742126149038, TOL_CLOSED);
}
END_TEST

START_TEST(convert_hr_ci_wider_level_smaller_se)
{
    /* Same interval read at a higher level means a smaller se:
     * se90 / se95 = z95 / z90 = 1.9599639845400536 / 1.6448536269514715 [py] */
    double y, se90, se95;
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "0.90");
    ck_assert_int_eq(mp_effect_convert(&e, MP_MEASURE_RR, &y, &se90), MP_OK);
    e = hr_ci("0.8", "0.6", "1.07", "0.95");
    ck_assert_int_eq(mp_effect_convert(&e, MP_MEASURE_RR, &y, &se95), MP_OK);
    ck_assert_double_eq_tol(se90 / se95, 1.9599639845400536 / 1.6448536269514715,
                            TOL_CLOSED);
}
END_TEST

START_TEST(convert_hr_p)
{
    /* [py] se = abs(log(0.7)) / NormalDist().inv_cdf(1 - p / 2) */
    mp_effect_input e = hr_p("0.7", "0.04");
    expect_convert("HR 0.7 p=0.04", &e, MP_MEASURE_RR, -0.35667494393873245,
                   0.17367018046475982, TOL_CLOSED);
    e = hr_p("0.7", "0.001");
    expect_convert("HR 0.7 p=0.001", &e, MP_MEASURE_RR, -0.35667494393873245,
                   0.10839448302461167, TOL_CLOSED);
    e = hr_p("0.7", "0.5");
    expect_convert("HR 0.7 p=0.5", &e, MP_MEASURE_RR, -0.35667494393873245,
                   0.5288070631689259, TOL_CLOSED);
    /* an HR above 1: se uses |ln HR| [py] */
    e = hr_p("1.25", "0.03");
    expect_convert("HR 1.25 p=0.03", &e, MP_MEASURE_RR, 0.22314355131420976,
                   0.10282684703785555, TOL_CLOSED);
}
END_TEST

START_TEST(convert_hr_p_exactly_one_is_numeric_failure)
{
    /* ln 1 = 0 gives se = 0: not a usable figure (the check rejects it
     * too, see check_hr_p_estimate_one). */
    mp_effect_input e = hr_p("1", "0.5");
    double y, se;
    ck_assert_int_eq(mp_effect_convert(&e, MP_MEASURE_RR, &y, &se), MP_ENUMERIC);
}
END_TEST

START_TEST(convert_log_hr_and_peto)
{
    /* log-hazard-ratio: used as given */
    mp_effect_input e = log_hr("-0.2231", "0.1476");
    expect_convert("logHR", &e, MP_MEASURE_RR, -0.2231, 0.1476, TOL_EXACT);
    /* [py] peto: y = -12.5 / 40 = -0.3125, se = 1 / sqrt(40) = 0.15811388300841897 */
    e = peto("-12.5", "40");
    expect_convert("peto", &e, MP_MEASURE_RR, -0.3125, 0.15811388300841897,
                   TOL_CLOSED);
    /* by hand: (O-E) = 3, V = 4: y = 0.75, se = 0.5 */
    e = peto("3", "4");
    expect_convert("peto 3/4", &e, MP_MEASURE_OR, 0.75, 0.5, TOL_CLOSED);
}
END_TEST

START_TEST(convert_counts_no_zero_cell)
{
    /* [R] escalc(measure="RR", ai=15, n1i=100, ci=25, n2i=100) */
    mp_effect_input e = counts(15, 100, 25, 100);
    expect_convert("RR 15/100 v 25/100", &e, MP_MEASURE_RR,
                   -0.51082562376599072, 0.29439202887759491, TOL_CLOSED);
    /* [R] escalc(measure="OR", ai=15, n1i=100, ci=25, n2i=100) */
    expect_convert("OR 15/100 v 25/100", &e, MP_MEASURE_OR,
                   -0.6359887667199966, 0.36299408518921206, TOL_CLOSED);
    /* [R] escalc(measure="RR"/"OR", ai=12, n1i=80, ci=20, n2i=75) */
    e = counts(12, 80, 20, 75);
    expect_convert("RR 12/80 v 20/75", &e, MP_MEASURE_RR,
                   -0.5753641449035618, 0.32787192621510003, TOL_CLOSED);
    expect_convert("OR 12/80 v 20/75", &e, MP_MEASURE_OR,
                   -0.72300014370962629, 0.40770213866018989, TOL_CLOSED);
}
END_TEST

START_TEST(convert_counts_zero_cells)
{
    /* 0.5 added to every cell when any cell is 0. */
    /* [R] escalc(measure="RR"/"OR", ai=0, n1i=50, ci=4, n2i=50) */
    mp_effect_input e = counts(0, 50, 4, 50);
    expect_convert("RR 0/50 v 4/50", &e, MP_MEASURE_RR, -2.1972245773362191,
                   1.4775000967674123, TOL_CLOSED);
    expect_convert("OR 0/50 v 4/50", &e, MP_MEASURE_OR, -2.2797456010242234,
                   1.5045031002840532, TOL_CLOSED);
    /* zero events in the control arm [R] ai=3, n1i=40, ci=0, n2i=38 */
    e = counts(3, 40, 0, 38);
    expect_convert("RR 3/40 v 0/38", &e, MP_MEASURE_RR, 1.8958997284806518,
                   1.4952200561023856, TOL_CLOSED);
    expect_convert("OR 3/40 v 0/38", &e, MP_MEASURE_OR, 1.972227457372687,
                   1.5291680673997146, TOL_CLOSED);
    /* zero events in both arms [R] ai=0, n1i=20, ci=0, n2i=22 */
    e = counts(0, 20, 0, 22);
    expect_convert("RR 0/20 v 0/22", &e, MP_MEASURE_RR, 0.090971778205726661,
                   1.9770945074809618, TOL_CLOSED);
    expect_convert("OR 0/20 v 0/22", &e, MP_MEASURE_OR, 0.093090423066012118,
                   2.0231719976930589, TOL_CLOSED);
    /* every patient has the event in one arm (a zero non-event cell)
     * [R] ai=30, n1i=30, ci=20, n2i=40 */
    e = counts(30, 30, 20, 40);
    expect_convert("RR 30/30 v 20/40", &e, MP_MEASURE_RR, 0.67688665968816497,
                   0.15785773542088977, TOL_CLOSED);
    expect_convert("OR 30/30 v 20/40", &e, MP_MEASURE_OR, 4.1108738641733122,
                   1.4595711222327119, TOL_CLOSED);
}
END_TEST

START_TEST(convert_reference_experimental_inverts)
{
    /* reference="experimental": the figure is control / experimental, so
     * y changes sign and se is unchanged (values as in the tests above). */
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "0.95");
    e.reference_experimental = 1;
    expect_convert("HR CI inverted", &e, MP_MEASURE_RR, 0.2231435513142097,
                   0.14757523015800694, TOL_CLOSED);
    e = hr_p("0.7", "0.04");
    e.reference_experimental = 1;
    expect_convert("HR p inverted", &e, MP_MEASURE_RR, 0.35667494393873245,
                   0.17367018046475982, TOL_CLOSED);
    e = log_hr("-0.2231", "0.1476");
    e.reference_experimental = 1;
    expect_convert("logHR inverted", &e, MP_MEASURE_RR, 0.2231, 0.1476, TOL_EXACT);
    e = peto("-12.5", "40");
    e.reference_experimental = 1;
    expect_convert("peto inverted", &e, MP_MEASURE_RR, 0.3125,
                   0.15811388300841897, TOL_CLOSED);
    e = counts(15, 100, 25, 100);
    e.reference_experimental = 1;
    expect_convert("RR inverted", &e, MP_MEASURE_RR, 0.51082562376599072,
                   0.29439202887759491, TOL_CLOSED);
}
END_TEST

START_TEST(convert_and_invert_agree)
{
    /* Inverting the figure equals entering its reciprocal with the
     * reciprocal interval: HR 0.8 (0.6-1.07) vs 1/0.8 (1/1.07-1/0.6). */
    mp_effect_input a = hr_ci("0.8", "0.6", "1.07", "0.95");
    a.reference_experimental = 1;
    mp_effect_input b = a;
    b.reference_experimental = 0;
    b.estimate.value = 1 / 0.8;
    b.lower.value = 1 / 1.07;
    b.upper.value = 1 / 0.6;
    double ya, sa, yb, sb;
    ck_assert_int_eq(mp_effect_convert(&a, MP_MEASURE_RR, &ya, &sa), MP_OK);
    ck_assert_int_eq(mp_effect_convert(&b, MP_MEASURE_RR, &yb, &sb), MP_OK);
    ck_assert_double_eq_tol(ya, yb, TOL_CLOSED);
    ck_assert_double_eq_tol(sa, sb, TOL_CLOSED);
}
END_TEST

/* ---- checks ---------------------------------------------------------------------- */

START_TEST(check_valid_inputs_pass)
{
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "0.95");
    expect_check(&e, NONE);
    e = hr_ci("1.11", "0.82", "1.52", "0.90");
    expect_check(&e, NONE);
    e = hr_ci("0.75", "0.52", "1.08", "0.99");
    expect_check(&e, NONE);
    e = hr_p("0.7", "0.04");
    expect_check(&e, NONE);
    e = log_hr("-0.22", "0.15");
    expect_check(&e, NONE);
    e = log_hr("0", "0.15");            /* a log HR of 0 is fine */
    expect_check(&e, NONE);
    e = peto("-12.5", "40");
    expect_check(&e, NONE);
    e = peto("0", "40");
    expect_check(&e, NONE);
    e = counts(0, 1, 0, 1);
    expect_check(&e, NONE);
    e = counts(30, 30, 20, 40);
    expect_check(&e, NONE);
}
END_TEST

START_TEST(check_estimate_inside_interval_with_rounding_slack)
{
    /* on the bound */
    mp_effect_input e = hr_ci("0.66", "0.66", "0.88", "0.95");
    expect_check(&e, NONE);
    e = hr_ci("0.88", "0.66", "0.88", "0.95");
    expect_check(&e, NONE);
    /* within the rounding of the printed digits: 0.655 and 0.66 may both
     * come from 0.6575 (slack 0.0005 + 0.005) */
    e = hr_ci("0.655", "0.66", "0.88", "0.95");
    expect_check(&e, NONE);
    e = hr_ci("0.885", "0.66", "0.88", "0.95");
    expect_check(&e, NONE);
    /* "0.7" may be 0.7499, "0.71" may be 0.705: slack 0.05 + 0.005 */
    e = hr_ci("0.7", "0.71", "0.9", "0.95");
    expect_check(&e, NONE);
    /* too far below / above */
    static const char *const below[] = {
        "<hazard-ratio> estimate 0.5 lies outside its interval 0.66 to 0.88", NULL };
    e = hr_ci("0.50", "0.66", "0.88", "0.95");
    expect_check(&e, below);
    static const char *const below2[] = {
        "<hazard-ratio> estimate 0.64 lies outside its interval 0.66 to 0.88", NULL };
    e = hr_ci("0.64", "0.66", "0.88", "0.95");
    expect_check(&e, below2);
    static const char *const above[] = {
        "<hazard-ratio> estimate 0.9 lies outside its interval 0.66 to 0.88", NULL };
    e = hr_ci("0.90", "0.66", "0.88", "0.95");
    expect_check(&e, above);
    /* "0.651" is more precise: slack only 0.0005 + 0.005 */
    static const char *const below3[] = {
        "<hazard-ratio> estimate 0.651 lies outside its interval 0.66 to 0.88", NULL };
    e = hr_ci("0.651", "0.66", "0.88", "0.95");
    expect_check(&e, below3);
    /* exact numbers (no rounding): no slack at all */
    e = hr_ci("0.65", "0.66", "0.88", "0.95");
    e.estimate.half_unit = e.lower.half_unit = e.upper.half_unit = 0;
    static const char *const exact[] = {
        "<hazard-ratio> estimate 0.65 lies outside its interval 0.66 to 0.88", NULL };
    expect_check(&e, exact);
}
END_TEST

START_TEST(check_ratios_positive)
{
    static const char *const est0[] = {
        "<hazard-ratio> estimate must be > 0, not 0", NULL };
    mp_effect_input e = hr_ci("0", "0.6", "1.07", "0.95");
    expect_check(&e, est0);
    static const char *const lower_neg[] = {
        "<hazard-ratio> lower must be > 0, not -0.1", NULL };
    e = hr_ci("0.8", "-0.1", "1.07", "0.95");
    expect_check(&e, lower_neg);
    static const char *const upper0[] = {
        "<hazard-ratio> upper must be > 0, not 0", NULL };
    e = hr_ci("0.8", "0.6", "0", "0.95");
    expect_check(&e, upper0);
    /* every bad value is reported, the order/interval check skipped */
    static const char *const all3[] = {
        "<hazard-ratio> estimate must be > 0, not -1",
        "<hazard-ratio> lower must be > 0, not 0",
        "<hazard-ratio> upper must be > 0, not -2", NULL };
    e = hr_ci("-1", "0", "-2", "0.95");
    expect_check(&e, all3);
    static const char *const p_est[] = {
        "<hazard-ratio> estimate must be > 0, not 0", NULL };
    e = hr_p("0", "0.04");
    expect_check(&e, p_est);
}
END_TEST

START_TEST(check_lower_below_upper)
{
    static const char *const swapped[] = {
        "<hazard-ratio> lower (1.07) must be less than upper (0.6)", NULL };
    mp_effect_input e = hr_ci("0.8", "1.07", "0.6", "0.95");
    expect_check(&e, swapped);
    static const char *const equal[] = {
        "<hazard-ratio> lower (0.8) must be less than upper (0.8)", NULL };
    e = hr_ci("0.8", "0.8", "0.8", "0.95");
    expect_check(&e, equal);
}
END_TEST

START_TEST(check_level_open_unit)
{
    static const char *const pct[] = {
        "<hazard-ratio> level must lie strictly between 0 and 1, not 95 "
        "(write 0.95 for a 95% interval)", NULL };
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "95");
    expect_check(&e, pct);
    static const char *const one[] = {
        "<hazard-ratio> level must lie strictly between 0 and 1, not 1", NULL };
    e = hr_ci("0.8", "0.6", "1.07", "1");
    expect_check(&e, one);
    static const char *const zero[] = {
        "<hazard-ratio> level must lie strictly between 0 and 1, not 0", NULL };
    e = hr_ci("0.8", "0.6", "1.07", "0");
    expect_check(&e, zero);
    static const char *const neg[] = {
        "<hazard-ratio> level must lie strictly between 0 and 1, not -0.95", NULL };
    e = hr_ci("0.8", "0.6", "1.07", "-0.95");
    expect_check(&e, neg);
    /* 100 and above: no percent hint */
    static const char *const hundred[] = {
        "<hazard-ratio> level must lie strictly between 0 and 1, not 100", NULL };
    e = hr_ci("0.8", "0.6", "1.07", "100");
    expect_check(&e, hundred);
    /* a level problem and a ratio problem are both reported */
    static const char *const two[] = {
        "<hazard-ratio> estimate must be > 0, not 0",
        "<hazard-ratio> level must lie strictly between 0 and 1, not 90 "
        "(write 0.95 for a 95% interval)", NULL };
    e = hr_ci("0", "0.6", "1.07", "90");
    expect_check(&e, two);
}
END_TEST

START_TEST(check_p_open_unit)
{
    static const char *const p0[] = {
        "<hazard-ratio> p must lie strictly between 0 and 1, not 0", NULL };
    mp_effect_input e = hr_p("0.7", "0");
    expect_check(&e, p0);
    static const char *const p1[] = {
        "<hazard-ratio> p must lie strictly between 0 and 1, not 1", NULL };
    e = hr_p("0.7", "1");
    expect_check(&e, p1);
    static const char *const p5[] = {
        "<hazard-ratio> p must lie strictly between 0 and 1, not 5", NULL };
    e = hr_p("0.7", "5");       /* no percent hint for p */
    expect_check(&e, p5);
    e = hr_p("0.7", "0.999");
    expect_check(&e, NONE);
    e = hr_p("0.7", "1e-10");
    expect_check(&e, NONE);
}
END_TEST

START_TEST(check_hr_p_estimate_one)
{
    static const char *const one[] = {
        "<hazard-ratio> an estimate of exactly 1 with a p-value gives no "
        "standard error; enter the interval instead", NULL };
    mp_effect_input e = hr_p("1", "0.9");
    expect_check(&e, one);
    e = hr_p("1.00", "0.9");
    expect_check(&e, one);
}
END_TEST

START_TEST(check_se_and_variance_positive)
{
    static const char *const se0[] = {
        "<log-hazard-ratio> se must be > 0, not 0", NULL };
    mp_effect_input e = log_hr("-0.2", "0");
    expect_check(&e, se0);
    static const char *const seneg[] = {
        "<log-hazard-ratio> se must be > 0, not -0.1", NULL };
    e = log_hr("-0.2", "-0.1");
    expect_check(&e, seneg);
    static const char *const var[] = {
        "<peto> variance must be > 0, not -1", NULL };
    e = peto("-3", "-1");
    expect_check(&e, var);
    static const char *const var0[] = {
        "<peto> variance must be > 0, not 0", NULL };
    e = peto("-3", "0");
    expect_check(&e, var0);
}
END_TEST

START_TEST(check_counts_rules)
{
    static const char *const tot[] = {
        "<counts> total-experimental must be > 0",
        "<counts> total-control must be > 0", NULL };
    mp_effect_input e = counts(0, 0, 0, 0);
    expect_check(&e, tot);
    static const char *const ev[] = {
        "<counts> events-experimental (11) exceeds total-experimental (10)", NULL };
    e = counts(11, 10, 3, 10);
    expect_check(&e, ev);
    static const char *const evc[] = {
        "<counts> events-control (21) exceeds total-control (20)", NULL };
    e = counts(3, 10, 21, 20);
    expect_check(&e, evc);
}
END_TEST

START_TEST(check_diagnostic_location)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_effect_input e = hr_ci("0.8", "0.6", "1.07", "95");
    e.line = 4242;
    ck_assert_int_eq(mp_effect_check(&e, "dir/study.xml", &err), MP_EINPUT);
    ck_assert_int_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].file, "dir/study.xml");
    ck_assert_int_eq(err.items[0].line, 4242);
    /* appends to an existing list */
    e = log_hr("0", "0");
    ck_assert_int_eq(mp_effect_check(&e, NULL, &err), MP_EINPUT);
    ck_assert_int_eq(err.n, 2);
    ck_assert_ptr_null(err.items[1].file);
    mp_errors_clear(&err);
}
END_TEST

static Suite *effect_suite(void)
{
    Suite *s = suite_create("mp_effect");
    TCase *tc = tcase_create("convert");
    tcase_add_test(tc, measure_names);
    tcase_add_test(tc, convert_hr_ci_levels);
    tcase_add_test(tc, convert_hr_ci_wider_level_smaller_se);
    tcase_add_test(tc, convert_hr_p);
    tcase_add_test(tc, convert_hr_p_exactly_one_is_numeric_failure);
    tcase_add_test(tc, convert_log_hr_and_peto);
    tcase_add_test(tc, convert_counts_no_zero_cell);
    tcase_add_test(tc, convert_counts_zero_cells);
    tcase_add_test(tc, convert_reference_experimental_inverts);
    tcase_add_test(tc, convert_and_invert_agree);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_test(tc, check_valid_inputs_pass);
    tcase_add_test(tc, check_estimate_inside_interval_with_rounding_slack);
    tcase_add_test(tc, check_ratios_positive);
    tcase_add_test(tc, check_lower_below_upper);
    tcase_add_test(tc, check_level_open_unit);
    tcase_add_test(tc, check_p_open_unit);
    tcase_add_test(tc, check_hr_p_estimate_one);
    tcase_add_test(tc, check_se_and_variance_positive);
    tcase_add_test(tc, check_counts_rules);
    tcase_add_test(tc, check_diagnostic_location);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(effect_suite());
}
