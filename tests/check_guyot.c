/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_guyot.c - unit tests of mp_guyot: individual data reconstructed
 * from Kaplan-Meier curves (Guyot et al. 2012), checked by round trips.
 *
 * Reference: tests/reference/km/ (make_km.R): curves and numbers at risk
 * of simulated two-arm data, and coxph(ties = "efron") on the ORIGINAL
 * data.  With a point and a number at risk at every event time of either
 * arm, every risk set of the reconstruction is the original's, so the Cox
 * fit of the reconstructed data must be the original's (DENSE_TOL); with
 * numbers at risk every 6 months, as papers print them, the log hazard
 * ratio must stay within SPARSE_ABS of the original (issue 21).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_errno.h>

#include "mp_guyot.h"
#include "mp_survival.h"
#include "testutil.h"

#define DENSE_TOL 1e-6
#define SPARSE_ABS 0.05

enum { MAXP = 1024 };

typedef struct {
    double t[MAXP], s[MAXP], rt[MAXP];
    long rn[MAXP];
    mp_km_arm a;
} arm_data;

static void read_arm(const tsv_table *km, const char *name, int arm,
                     arm_data *d)
{
    size_t np = 0, nr = 0;
    for (size_t i = 0; i < km->n; i++) {
        const tsv_row *r = &km->rows[i];
        if (strcmp(r->f[0], name) != 0 || atoi(r->f[1]) != arm)
            continue;
        if (strcmp(r->f[2], "point") == 0) {
            ck_assert_uint_lt(np, MAXP);
            d->t[np] = strtod(r->f[3], NULL);
            d->s[np++] = strtod(r->f[4], NULL);
        } else {
            ck_assert_uint_lt(nr, MAXP);
            d->rt[nr] = strtod(r->f[3], NULL);
            d->rn[nr++] = atol(r->f[4]);
        }
    }
    d->a = (mp_km_arm){ d->t, d->s, np, d->rt, d->rn, nr, -1 };
}

/* Both arms reconstructed and fitted: arm 1 experimental. */
static mp_status fit_both(const mp_km_arm *exp, const mp_km_arm *ctl,
                          mp_cox_result *r, long *events)
{
    mp_km_ipd e, c;
    ck_assert_int_eq(mp_guyot(exp, &e, NULL), MP_OK);
    ck_assert_int_eq(mp_guyot(ctl, &c, NULL), MP_OK);
    size_t n = e.n + c.n;
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event), *arm = malloc(n * sizeof *arm);
    ck_assert(time && event && arm);
    events[0] = events[1] = 0;
    for (size_t i = 0; i < n; i++) {
        int x = i < e.n;
        size_t j = x ? i : i - e.n;
        time[i] = x ? e.time[j] : c.time[j];
        event[i] = x ? e.event[j] : c.event[j];
        arm[i] = x;
        events[x] += event[i];
    }
    mp_ipd d = { time, event, arm, n };
    mp_status st = mp_cox_fit(&d, r, NULL);
    free(time);
    free(event);
    free(arm);
    mp_km_ipd_clear(&e);
    mp_km_ipd_clear(&c);
    return st;
}

START_TEST(test_round_trips)
{
    tsv_table km = mp_check_read_tsv("km/km.tsv");
    tsv_table exp = mp_check_read_tsv("km/km-expected.tsv");
    static arm_data e, c;
    size_t dense = 0, sparse = 0;
    for (size_t i = 0; i < exp.n; i++) {
        const tsv_row *x = &exp.rows[i];
        mp_cox_result r;
        long events[2];
        double want = strtod(x->f[2], NULL), se = strtod(x->f[3], NULL);
        read_arm(&km, x->f[0], 1, &e);
        read_arm(&km, x->f[0], 0, &c);
        ck_assert_int_eq(fit_both(&e.a, &c.a, &r, events), MP_OK);
        if (atoi(x->f[1])) {
            ck_assert_msg(fabs(r.log_hr - want) <= DENSE_TOL * fabs(want) &&
                              fabs(r.se - se) <= DENSE_TOL * se,
                          "%s: %.10g (%.10g), original %.10g (%.10g)",
                          x->f[0], r.log_hr, r.se, want, se);
            ck_assert_int_eq(events[1], atol(x->f[4]));
            ck_assert_int_eq(events[0], atol(x->f[5]));
            dense++;
        } else {
            ck_assert_msg(fabs(r.log_hr - want) <= SPARSE_ABS,
                          "%s: %.6g, original %.6g", x->f[0], r.log_hr, want);
            sparse++;
        }
    }
    ck_assert_uint_ge(dense, 3);
    ck_assert_uint_ge(sparse, 2);
    mp_check_tsv_free(&km);
    mp_check_tsv_free(&exp);
}
END_TEST

/* With the published total of events, the last interval's censoring is
 * adjusted until the reconstruction has that many. */
START_TEST(test_total_events)
{
    tsv_table km = mp_check_read_tsv("km/km.tsv");
    tsv_table exp = mp_check_read_tsv("km/km-expected.tsv");
    static arm_data e;
    for (size_t i = 0; i < exp.n; i++) {
        if (atoi(exp.rows[i].f[1]))
            continue;
        mp_km_ipd d;
        long total = atol(exp.rows[i].f[4]), n = 0;
        read_arm(&km, exp.rows[i].f[0], 1, &e);
        e.a.total_events = total;
        ck_assert_int_eq(mp_guyot(&e.a, &d, NULL), MP_OK);
        for (size_t j = 0; j < d.n; j++)
            n += d.event[j];
        ck_assert_msg(labs(n - total) <= 1, "%s: %ld events, published %ld",
                      exp.rows[i].f[0], n, total);
        ck_assert_uint_eq(d.n, (size_t)e.rn[0]);
        mp_km_ipd_clear(&d);
    }
    mp_check_tsv_free(&km);
    mp_check_tsv_free(&exp);
}
END_TEST

/* A small curve worked by hand: 10 patients, drops to 0.9 at 1 and 0.7
 * at 2 with 10 at risk at 0 and at 1 and 9 at 2 (a number at risk counts
 * those who have the event at that time): one event at 1, two at 2, the
 * other seven censored at the last point. */
START_TEST(test_by_hand)
{
    double t[] = { 0, 1, 2, 3 }, s[] = { 1, 0.9, 0.7, 0.7 };
    double rt[] = { 0, 1, 2 };
    long rn[] = { 10, 10, 9 };
    mp_km_arm a = { t, s, 4, rt, rn, 3, -1 };
    mp_km_ipd d;
    ck_assert_int_eq(mp_guyot(&a, &d, NULL), MP_OK);
    ck_assert_uint_eq(d.n, 10);
    int events = 0, at1 = 0, at2 = 0;
    for (size_t i = 0; i < d.n; i++) {
        events += d.event[i];
        at1 += d.event[i] && d.time[i] == 1;
        at2 += d.event[i] && d.time[i] == 2;
        if (!d.event[i])
            ck_assert(d.time[i] == 3);
    }
    ck_assert_int_eq(events, 3);
    ck_assert_int_eq(at1, 1);
    ck_assert_int_eq(at2, 2);
    mp_km_ipd_clear(&d);
}
END_TEST

static void expect_refusal(const mp_km_arm *a, const char *words)
{
    mp_km_ipd d;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(mp_guyot(a, &d, &err), MP_EINPUT);
    ck_assert_msg(err.n == 1 && strstr(err.items[0].message, words),
                  "expected '%s' in%s", words, mp_check_dump(&err));
    ck_assert(d.time == NULL && d.n == 0);
    mp_errors_clear(&err);
}

START_TEST(test_bad_curves)
{
    double t[] = { 0, 1, 2, 3 }, s[] = { 1, 0.9, 0.7, 0.7 };
    double rt[] = { 0, 1, 2 };
    long rn[] = { 10, 9, 7 };
    mp_km_arm a = { t, s, 4, rt, rn, 3, -1 };
    s[2] = 0.95;
    expect_refusal(&a, "survival rises");
    s[2] = 1.2;
    expect_refusal(&a, "survival rises or leaves [0, 1]");
    s[2] = 0.7;
    t[2] = 0.5;
    expect_refusal(&a, "times fall");
    t[2] = 2;
    rn[2] = 12;
    expect_refusal(&a, "numbers at risk rise");
    rn[2] = 7;
    rt[0] = 0.5;
    expect_refusal(&a, "no number at risk at the curve's first point");
    rt[0] = 0;
    a.total_events = 11;
    expect_refusal(&a, "more events than patients");
    a.total_events = -1;
    a.n = 1;
    expect_refusal(&a, "fewer than two points");
    a.n = 4;
    /* a row past the curve, as papers print one, is accepted */
    double rt2[] = { 0, 1, 2, 6 };
    long rn2[] = { 10, 9, 7, 0 };
    mp_km_arm b = { t, s, 4, rt2, rn2, 4, -1 };
    mp_km_ipd d;
    ck_assert_int_eq(mp_guyot(&b, &d, NULL), MP_OK);
    ck_assert_uint_eq(d.n, 10);
    mp_km_ipd_clear(&d);
}
END_TEST

static Suite *guyot_suite(void)
{
    Suite *s = suite_create("guyot");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_round_trips);
    tcase_add_test(t, test_total_events);
    tcase_add_test(t, test_by_hand);
    tcase_add_test(t, test_bad_curves);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(guyot_suite());
}
