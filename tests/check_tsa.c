/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_tsa.c - unit tests of mp_tsa: trial sequential analysis of a
 * cumulative meta-analysis of hazard ratios.
 *
 * Reference: tests/reference/tsa/expected.tsv, from make_tsa.R beside it:
 * cumulative fits by metafor's rma() (DL or FE), D^2 from the fixed and
 * DL standard errors, and boundaries by the mvtnorm brute force of
 * tests/reference/groupseq/spending.R, for seven cases (the shipped
 * trials under three designs; crossings for benefit and harm; a look of
 * under 1% and fractions past 1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_errno.h>

#include "mp_tsa.h"
#include "testutil.h"

/* metafor's DL and FE fits are closed form, good to rounding: REF_TOL.
 * The reference boundaries come from differences of two rectangle
 * probabilities of mvtnorm (see check_groupseq.c); at the sixth look of a
 * case whose last increment of alpha is 7e-5 that difference keeps about
 * 6 digits, so boundaries (and the interval ends made from them) are
 * compared to BOUND_TOL. */
#define REF_TOL 1e-7
#define BOUND_TOL 5e-7
#define ABS_FLOOR 1e-12
/* An interval's end est +- boundary x se can be near 0 by cancellation:
 * it is compared absolutely on the log scale. */
#define INTERVAL_ABS 5e-7

enum { C_CASE, C_HR, C_ALPHA, C_POWER, C_SPENDING, C_MODEL, C_FUTILITY,
       C_ROW, C_YEAR, C_Y, C_V };
enum { E_CASE_, E_LOOK, E_KEY_, E_VALUE_ };

typedef struct {
    mp_tsa_options o;
    double y[16], v[16];
    int year[16];
    size_t k;
} tsa_case;

/* The case whose rows start at row i of cases; returns the next row. */
static size_t read_case(const tsv_table *cases, size_t i, tsa_case *c)
{
    const tsv_row *r = &cases->rows[i];
    mp_tsa_options_default(&c->o);
    c->o.anticipated = strtod(r->f[C_HR], NULL);
    c->o.alpha = strtod(r->f[C_ALPHA], NULL);
    c->o.power = strtod(r->f[C_POWER], NULL);
    ck_assert_int_eq(mp_spending_parse(r->f[C_SPENDING], &c->o.spending,
                                       NULL, 0), MP_OK);
    c->o.random = strcmp(r->f[C_MODEL], "random") == 0;
    c->o.futility = strcmp(r->f[C_FUTILITY], "futility") == 0;
    for (c->k = 0; i < cases->n &&
                   strcmp(cases->rows[i].f[C_CASE], r->f[C_CASE]) == 0;
         i++, c->k++) {
        ck_assert_uint_lt(c->k, 16);
        c->year[c->k] = atoi(cases->rows[i].f[C_YEAR]);
        c->y[c->k] = strtod(cases->rows[i].f[C_Y], NULL);
        c->v[c->k] = strtod(cases->rows[i].f[C_V], NULL);
    }
    return i;
}

static double look_figure(const mp_tsa_look *L, const char *key)
{
    if (strcmp(key, "added") == 0)
        return (double)L->added;
    if (strcmp(key, "information") == 0)
        return L->information;
    if (strcmp(key, "fraction") == 0)
        return L->fraction;
    if (strcmp(key, "z") == 0)
        return L->z;
    if (strcmp(key, "boundary") == 0)
        return L->boundary;
    if (strcmp(key, "futility") == 0)
        return L->futility;
    if (strcmp(key, "new_look") == 0)
        return L->new_look;
    if (strcmp(key, "crossed") == 0)
        return L->crossed;
    if (strcmp(key, "log_estimate") == 0)
        return L->log_estimate;
    if (strcmp(key, "se") == 0)
        return L->se;
    if (strcmp(key, "lower") == 0)
        return L->lower;
    if (strcmp(key, "upper") == 0)
        return L->upper;
    ck_abort_msg("unknown key %s", key);
    return NAN;
}

static double case_figure(const mp_tsa_result *r, const char *key)
{
    if (strcmp(key, "required_information") == 0)
        return r->required_information;
    if (strcmp(key, "D2") == 0)
        return r->D2;
    if (strcmp(key, "adjusted_required_information") == 0)
        return r->adjusted_required_information;
    ck_abort_msg("unknown key %s", key);
    return NAN;
}

static double tolerance_of(const char *key)
{
    static const char *bounded[] = { "boundary", "futility", "lower",
                                     "upper" };
    for (size_t i = 0; i < sizeof bounded / sizeof bounded[0]; i++)
        if (strcmp(key, bounded[i]) == 0)
            return BOUND_TOL;
    return REF_TOL;
}

static size_t compare(const char *name, const mp_tsa_result *r,
                      const tsv_table *exp)
{
    size_t n = 0;
    for (size_t i = 0; i < exp->n; i++) {
        const tsv_row *e = &exp->rows[i];
        if (strcmp(e->f[E_CASE_], name) != 0)
            continue;
        const char *key = e->f[E_KEY_];
        double want = strtod(e->f[E_VALUE_], NULL), got;
        if (strcmp(e->f[E_LOOK], "-") == 0)
            got = case_figure(r, key);
        else {
            size_t j = (size_t)atoi(e->f[E_LOOK]);
            ck_assert_uint_lt(j, r->n_looks);
            got = look_figure(&r->looks[j], key);
        }
        if (isnan(want))
            ck_assert_msg(isnan(got), "%s look %s %s: %g, expected none",
                          name, e->f[E_LOOK], key, got);
        else if (isinf(want))
            ck_assert_msg(got == want, "%s look %s %s: %g, expected %g",
                          name, e->f[E_LOOK], key, got, want);
        else
            ck_assert_msg(fabs(got - want) <=
                              fmax(tolerance_of(key) * fabs(want),
                                   strcmp(key, "lower") == 0 ||
                                           strcmp(key, "upper") == 0
                                       ? INTERVAL_ABS
                                       : ABS_FLOOR),
                          "%s look %s %s: %.17g, expected %.17g", name,
                          e->f[E_LOOK], key, got, want);
        n++;
    }
    return n;
}

START_TEST(test_reference_cases)
{
    tsv_table cases = mp_check_read_tsv("tsa/cases.tsv");
    tsv_table exp = mp_check_read_tsv("tsa/expected.tsv");
    size_t ncases = 0, figures = 0;
    for (size_t i = 0; i < cases.n; ncases++) {
        tsa_case c;
        mp_tsa_result r;
        mp_errors err = MP_ERRORS_INIT;
        const char *name = cases.rows[i].f[C_CASE];
        size_t next = read_case(&cases, i, &c);
        ck_assert_msg(mp_tsa(c.y, c.v, c.year, c.k, &c.o, &r, &err) == MP_OK,
                      "%s:%s", name, mp_check_dump(&err));
        figures += compare(name, &r, &exp);
        mp_tsa_result_clear(&r);
        mp_errors_clear(&err);
        i = next;
    }
    ck_assert_uint_ge(ncases, 7);
    ck_assert_uint_eq(figures, exp.n);
    mp_check_tsv_free(&cases);
    mp_check_tsv_free(&exp);
}
END_TEST

/* A crossing at the second look, then no crossing with little
 * information. */
START_TEST(test_conclusion_sentences)
{
    double y[] = { -0.2, -0.45, -0.4 }, v[] = { 0.04, 0.008, 0.009 };
    int year[] = { 2001, 2002, 2003 };
    const char *names[] = { "A", "B", "C" };
    char buf[600];
    mp_tsa_options o;
    mp_tsa_result r;
    mp_tsa_options_default(&o);
    o.anticipated = 0.75;
    ck_assert_int_eq(mp_tsa(y, v, year, 3, &o, &r, NULL), MP_OK);
    ck_assert_uint_lt(r.first_crossing, 3);
    mp_tsa_conclusion(&r, &o, names, year, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "crossed the monitoring boundary for benefit "
                              "when B (2002) was added") != NULL, "%s", buf);
    ck_assert(strstr(buf, "not that it is as far from 1 as anticipated"));
    mp_tsa_result_clear(&r);
    /* one weak study: no crossing, 1/0.09 of the 94.8 required */
    double y1[] = { -0.1 }, v1[] = { 0.09 };
    ck_assert_int_eq(mp_tsa(y1, v1, year, 1, &o, &r, NULL), MP_OK);
    mp_tsa_conclusion(&r, &o, names, year, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "crossed no monitoring boundary and has 12% of "
                              "the required information") != NULL, "%s", buf);
    ck_assert(strstr(buf, "neither the anticipated effect nor its absence"));
    mp_tsa_result_clear(&r);
}
END_TEST

START_TEST(test_bad_input)
{
    double y[] = { -0.1 }, v[] = { 0.09 };
    int year[] = { 2001 };
    static const double bad_hr[] = { 1, 0, -0.8, NAN, INFINITY };
    mp_tsa_options o;
    mp_tsa_result r;
    for (size_t i = 0; i < sizeof bad_hr / sizeof bad_hr[0]; i++) {
        mp_errors err = MP_ERRORS_INIT;
        mp_tsa_options_default(&o);
        o.anticipated = bad_hr[i];
        ck_assert_int_eq(mp_tsa(y, v, year, 1, &o, &r, &err), MP_EINPUT);
        ck_assert(err.n == 1 && strstr(err.items[0].message,
                                       "anticipated hazard ratio"));
        ck_assert(r.looks == NULL);
        mp_errors_clear(&err);
    }
    mp_tsa_options_default(&o);
    o.anticipated = 0.8;
    o.alpha = 1;
    ck_assert_int_eq(mp_tsa(y, v, year, 1, &o, &r, NULL), MP_EINPUT);
    o.alpha = 0.05;
    o.power = 0;
    ck_assert_int_eq(mp_tsa(y, v, year, 1, &o, &r, NULL), MP_EINPUT);
    o.power = 0.8;
    ck_assert_int_eq(mp_tsa(y, v, year, 0, &o, &r, NULL), MP_EINPUT);
}
END_TEST

static Suite *tsa_suite(void)
{
    Suite *s = suite_create("tsa");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_reference_cases);
    tcase_add_test(t, test_conclusion_sentences);
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(tsa_suite());
}
