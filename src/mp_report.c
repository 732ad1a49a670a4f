/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report.c - figures shared by the report writers; see mp_report.h. */
#include "mp_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "mp_derived.h"
#include "mp_format.h"

double mp_report_z(const mp_report *r)
{
    return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - r->opt->level) / 2.0);
}

void mp_report_interval(char *buf, size_t n, double lo, double hi)
{
    char a[MP_NUMBUF], b[MP_NUMBUF];
    if (isnan(lo) && isnan(hi)) {
        snprintf(buf, n, "none");
        return;
    }
    mp_format_ratio(a, exp(lo));
    mp_format_ratio(b, exp(hi));
    snprintf(buf, n, "%s to %s", a, b);
}

void mp_report_pooled_figures(double est, double lo, double hi,
                              char e[MP_NUMBUF], char ci[2 * MP_NUMBUF + 8])
{
    e[0] = '\0';
    if (isfinite(est))
        mp_format_ratio(e, exp(est));
    mp_report_interval(ci, 2 * MP_NUMBUF + 8, lo, hi);
}

void mp_report_pooled_rows(const mp_fit_result *f, mp_pooled_row_fn row,
                           void *ctx)
{
    char test[2 * MP_NUMBUF + 48], name[64];
    mp_report_test_phrase(test, sizeof test, MP_STYLE_TEXT, 0, f->fixed.z, NAN,
                          f->fixed.p);
    row(ctx, "Fixed effect (inverse variance)", f->fixed.log_estimate,
        f->fixed.lower, f->fixed.upper, test);
    if (!f->has_random)
        return;
    const mp_random_result *re = &f->random;
    mp_report_test_phrase(test, sizeof test, MP_STYLE_TEXT, re->t_test,
                          re->statistic, re->df, re->p);
    mp_report_random_name(name, sizeof name, "Random effects", re);
    row(ctx, name, re->log_estimate, re->lower, re->upper, test);
    mp_report_pi_label(re, name, sizeof name);
    row(ctx, name, NAN, re->pi_lower, re->pi_upper, "");
}

void mp_report_fit_row(const mp_fit_result *f, mp_fit_row *row)
{
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    row->random = pf.random;
    mp_format_ratio(row->est, exp(pf.log_estimate));
    mp_report_interval(row->ci, sizeof row->ci, pf.lower, pf.upper);
    mp_format_p(row->p, pf.p);
    row->i2[0] = row->tau2[0] = '\0';
    if (pf.random) {
        mp_format_percent(row->i2, f->het.I2);
        mp_format_fixed(row->tau2, f->random.tau2, 4);
    }
}

void mp_report_pi_label(const mp_random_result *re, char *buf, size_t size)
{
    if (isnan(re->pi_df))
        snprintf(buf, size, "Prediction interval (z)");
    else
        snprintf(buf, size, "Prediction interval (t, %g df)", re->pi_df);
}

/* The weight sums of the fit (summed in canonical order, so a study's
 * weight does not depend on the order of the others). */
void mp_report_weight_sums(const mp_report *r, mp_weight_sums *sums)
{
    sums->fixed = r->fit->fixed.weight_sum;
    sums->random = r->fit->has_random ? r->fit->random.weight_sum : NAN;
    sums->z = mp_report_z(r);
}

void mp_report_study(const mp_report *r, const mp_weight_sums *sums, size_t i,
                     mp_study_figures *f)
{
    double v = mp_dataset_v(r->ds)[i];
    double z = sums->z;
    f->yi = mp_dataset_y(r->ds)[i];
    f->se = sqrt(v);
    f->lower = f->yi - z * f->se;
    f->upper = f->yi + z * f->se;
    f->w_fixed = 100.0 * (1.0 / v) / sums->fixed;
    f->w_random = r->fit->has_random
                      ? 100.0 * (1.0 / (v + r->fit->random.tau2)) / sums->random
                      : NAN;
}

const char *mp_report_outcome_name(const char *outcome)
{
    return mp_outcome_long_name(outcome);
}

const char *mp_report_measure_name(mp_measure m)
{
    switch (m) {
    case MP_MEASURE_HR: return "hazard ratio";
    case MP_MEASURE_RR: return "risk ratio";
    case MP_MEASURE_OR: return "odds ratio";
    }
    return "ratio";
}

const char *mp_report_method_name(mp_method m)
{
    static const char *const names[MP_METHOD_COUNT] = {
        [MP_METHOD_DL] = "DerSimonian-Laird",
        [MP_METHOD_REML] = "restricted maximum likelihood",
        [MP_METHOD_PM] = "Paule-Mandel",
        [MP_METHOD_SJ] = "Sidik-Jonkman",
        [MP_METHOD_HE] = "Hedges",
        [MP_METHOD_ML] = "maximum likelihood",
        [MP_METHOD_EB] = "empirical Bayes",
    };
    return (unsigned)m < MP_METHOD_COUNT ? names[m] : "?";
}

/* ---- phrases ------------------------------------------------------------------ */

const char *mp_report_model_kind(const mp_fit_result *f)
{
    return f->has_random ? "random effects" : "fixed effect";
}

void mp_report_random_name(char *buf, size_t n, const char *what,
                           const mp_random_result *re)
{
    snprintf(buf, n, "%s (%s%s)", what, mp_method_name(re->method),
             re->t_test ? ", HKSJ" : "");
}

void mp_report_model_words(char *buf, size_t n, const mp_fit_result *f)
{
    if (f->has_random)
        snprintf(buf, n, "random effects, %s%s", mp_method_name(f->random.method),
                 f->random.t_test ? " with HKSJ" : "");
    else
        snprintf(buf, n, "%s", mp_report_model_kind(f));
}

void mp_report_test_phrase(char *buf, size_t n, mp_style style, int t_test,
                           double stat, double df, double p)
{
    char pv[MP_NUMBUF + 8];
    mp_format_p_text(pv, sizeof pv, p);
    if (style == MP_STYLE_TEXT) {
        if (t_test)
            snprintf(buf, n, "t = %.2f on %g df, %s", stat, df, pv);
        else
            snprintf(buf, n, "z = %.2f, %s", stat, pv);
        return;
    }
    char s[MP_NUMBUF], d[MP_NUMBUF];
    mp_format_fixed(s, stat, 2);
    if (t_test) {
        mp_format_fixed(d, df, 0);
        snprintf(buf, n, "t = %s, df = %s (%s)", s, d, pv);
    } else {
        snprintf(buf, n, "z = %s (%s)", s, pv);
    }
}

void mp_report_q_phrase(char *buf, size_t n, mp_style style, double q,
                        double df, double p)
{
    char qs[MP_NUMBUF], d[MP_NUMBUF], pv[MP_NUMBUF + 8];
    mp_format_fixed(qs, q, 2);
    mp_format_p_text(pv, sizeof pv, p);
    if (style == MP_STYLE_TEXT) {
        snprintf(buf, n, "Q = %s on %g df, %s", qs, df, pv);
    } else {
        mp_format_fixed(d, df, 0);
        snprintf(buf, n, "Q = %s, df = %s (%s)", qs, d, pv);
    }
}

/* Subgroups the test for differences compares: those with a covariate
 * value, and the unspecified one when it is in the test. */
static size_t groups_in_test(const mp_subgroups *s)
{
    size_t n = 0;
    for (size_t g = 0; g < s->n_groups; g++)
        n += s->groups[g].value || s->missing_in_test;
    return n;
}

void mp_report_subgroup_test(char *buf, size_t n, mp_style style,
                             const mp_subgroups *s)
{
    if (isfinite(s->Q)) {
        mp_report_q_phrase(buf, n, style, s->Q, s->df, s->p);
        if (style == MP_STYLE_PLOT && mp_subgroups_unspecified(s)
            && !s->missing_in_test) {
            size_t used = strlen(buf);
            snprintf(buf + used, n - used, ", unspecified not included");
        }
    } else if (groups_in_test(s) < 2) {
        snprintf(buf, n, "needs at least two subgroups");
    } else {
        /* two or more subgroups, yet no test: one of them has no estimate */
        snprintf(buf, n, "not available (a subgroup's fit failed)");
    }
}

/* ---- trial sequential analysis (issue 20) ---------------------------------- */

const char *mp_report_spending_words(const mp_spending *s)
{
    switch (s->kind) {
    case MP_SPEND_OBF: return "Lan-DeMets O'Brien-Fleming";
    case MP_SPEND_POCOCK: return "Lan-DeMets Pocock";
    case MP_SPEND_HSD: return "Hwang-Shih-DeCani";
    }
    return "";
}

void mp_report_tsa_conclusion(const mp_report *r, char *buf, size_t len)
{
    size_t k = mp_dataset_k(r->ds);
    const char **names = malloc(k * sizeof *names);
    int *year = malloc(k * sizeof *year);
    for (size_t i = 0; names && year && i < k; i++) {
        names[i] = mp_dataset_title(r->ds, i);
        year[i] = mp_dataset_year(r->ds, i);
    }
    /* without memory for the labels, the sentence names no study */
    mp_tsa_conclusion(r->tsa, &r->tsa_opt, names && year ? names : NULL,
                      names && year ? year : NULL, buf, len);
    free(names);
    free(year);
}

int mp_report_derived_note(const mp_report *r, size_t j, char *buf, size_t n)
{
    const char *kind = mp_derived_element(j);
    if (!kind)
        return -1;
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        const char *d = mp_dataset_derived(r->ds, i);
        if (d && strcmp(d, kind) == 0) {
            snprintf(buf, n, "(%s) derived effect: %s", mp_derived_mark(d),
                     mp_derived_method(d));
            return 1;
        }
    }
    return 0;
}
