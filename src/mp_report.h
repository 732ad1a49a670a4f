/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report.h - results turned into bytes: text, JSON and CSV reports.
 *
 * A report reads the dataset (labels, y, v) and the fit results; it
 * computes nothing statistical beyond per-study intervals and weights.
 * All numbers go through mp_format.  Reports stream to a FILE (a memory
 * stream works too) and return MP_OK or MP_EIO when a write failed.
 */
#ifndef MP_REPORT_H
#define MP_REPORT_H

#include <stdio.h>

#include "mp_analyses.h"
#include "mp_bayes.h"
#include "mp_dataset.h"
#include "mp_error.h"
#include "mp_fit.h"
#include "mp_format.h"
#include "mp_tsa.h"
#include "mp_influence.h"
#include "mp_smallstudy.h"

typedef struct {
    const mp_dataset *ds;
    const mp_fit_options *opt;
    const mp_fit_result *fit;   /* the analysis of all k rows */
    const mp_fit_result *loo;   /* k leave-one-out fits, or NULL when skipped */
    const char *covariate;      /* --by covariate, or NULL */
    const mp_subgroups *sub;    /* subgroup analysis, or NULL */
    const mp_cumulative *cum;   /* cumulative analysis, or NULL */
    /* trial sequential analysis (issue 20) */
    const mp_tsa_result *tsa;   /* its result, or NULL when not asked for */
    mp_tsa_options tsa_opt;     /* its options (with tsa) */
    const char *version;        /* program version for headers */
    /* Bayesian random effects (issue 19) */
    const mp_bayes_result *bayes;       /* the posterior, or NULL */
    const mp_bayes_options *bayes_opt;  /* its priors, level, thresholds */
    const char *tau_prior, *mu_prior;   /* the priors as given */
    /* influence and small-study effects (issue 18) */
    int influence;              /* 1: --influence was asked for */
    const mp_influence_row *infl;  /* k rows, or NULL (k < 2: not computed) */
    const mp_small_study *bias; /* --bias: the tests, or NULL when not asked */
} mp_report;

mp_status mp_report_text(FILE *out, const mp_report *r);
mp_status mp_report_json(FILE *out, const mp_report *r);
mp_status mp_report_csv(FILE *out, const mp_report *r);

/* One section of the text report, as mp_report_text writes it (blank
 * line and heading first; nothing when the run did not ask for it): for
 * the HTML report (issue 23), which shows these sections in the text
 * report's words. */
typedef enum {
    MP_TEXT_TSA, MP_TEXT_BAYES, MP_TEXT_INFLUENCE, MP_TEXT_BIAS
} mp_text_part;
mp_status mp_report_text_part(FILE *out, const mp_report *r, mp_text_part part);

/* ---- shared by the report writers ---------------------------------------- */

/* One study's figures as every report shows them. */
typedef struct {
    double yi, se;              /* log effect and its SE */
    double lower, upper;        /* its CI at the chosen level, log scale */
    double w_fixed, w_random;   /* weights in percent (w_random NAN if k < 2) */
} mp_study_figures;

/* What every study row needs, computed once per report: the sums of the
 * fixed and random weights, and the normal quantile of the level. */
typedef struct {
    double fixed, random;
    double z;
} mp_weight_sums;

void mp_report_weight_sums(const mp_report *r, mp_weight_sums *sums);

/* What a row of the studies table needs (the JSON and CSV writers'
 * context of mp_outbuf_rows): the report and its weight sums. */
typedef struct {
    const mp_report *r;
    mp_weight_sums sums;
} mp_study_rows;
void mp_report_study(const mp_report *r, const mp_weight_sums *sums, size_t i,
                     mp_study_figures *f);

/* The label of the prediction interval row, naming its critical value:
 * "Prediction interval (z)" or "Prediction interval (t, 3 df)". */
void mp_report_pi_label(const mp_random_result *re, char *buf, size_t size);

/* ---- phrases: said once, for the text report and the plots alike ---------- */

/* Where a phrase goes: the text report's columns ("Q = 9.68 on 5 df,
 * p = 0.085") or a plot's footer ("Q = 9.68, df = 5 (p = 0.085)"). */
typedef enum { MP_STYLE_TEXT, MP_STYLE_PLOT } mp_style;

/* The model a fit is summed up by (mp_fit_pooled): "random effects" or
 * "fixed effect". */
const char *mp_report_model_kind(const mp_fit_result *f);

/* The name of a random-effects estimate: "<what> (DL)", "<what> (REML,
 * HKSJ)"; what is "Random effects", "Subtotal", ... */
void mp_report_random_name(char *buf, size_t n, const char *what,
                           const mp_random_result *re);

/* The model in words, for a plot's note: "random effects, DL with HKSJ",
 * or "fixed effect". */
void mp_report_model_words(char *buf, size_t n, const mp_fit_result *f);

/* A test of an estimate: TEXT "z = -1.13, p = 0.26", "t = -1.05 on 5 df,
 * p = 0.34"; PLOT "z = -1.13 (p = 0.26)", "t = -1.05, df = 5 (p = 0.34)". */
void mp_report_test_phrase(char *buf, size_t n, mp_style style, int t_test,
                           double stat, double df, double p);

/* Cochran's Q test: TEXT "Q = 9.68 on 5 df, p = 0.085", PLOT "Q = 9.68,
 * df = 5 (p = 0.085)". */
void mp_report_q_phrase(char *buf, size_t n, mp_style style, double q,
                        double df, double p);

/* The test for subgroup differences after "Test for subgroup
 * differences: ": its Q test (mp_report_q_phrase; in a plot with ",
 * unspecified not included" when studies without the covariate are left
 * out of it), "needs at least two subgroups" (fewer than two subgroups
 * are in the test), or "not available (a subgroup's fit failed)". */
void mp_report_subgroup_test(char *buf, size_t n, mp_style style,
                             const mp_subgroups *s);

/* "0.60 to 1.07" from log-scale bounds, or "none" for an interval that
 * does not exist (a t-k2 prediction interval of two studies); n bytes
 * (2 * MP_NUMBUF + 8 suffice). */
void mp_report_interval(char *buf, size_t n, double lo, double hi);

/* A pooled row's ratio (e, "" when est is not finite: a prediction
 * interval has none) and interval (mp_report_interval), from log-scale
 * figures. */
void mp_report_pooled_figures(double est, double lo, double hi,
                              char e[MP_NUMBUF], char ci[2 * MP_NUMBUF + 8]);

/* The rows of the pooled estimates, in order: the fixed effect with its
 * z test, then (with k >= 2) the random effects with its test and the
 * prediction interval (est NAN, test ""); each given to row with ctx,
 * its name (mp_report_random_name, mp_report_pi_label), log-scale
 * figures and the test (mp_report_test_phrase, MP_STYLE_TEXT). */
typedef void (*mp_pooled_row_fn)(void *ctx, const char *name, double est,
                                 double lo, double hi, const char *test);
void mp_report_pooled_rows(const mp_fit_result *f, mp_pooled_row_fn row,
                           void *ctx);

/* The figures of one row of a table of pooled fits (leave-one-out,
 * subgroups, cumulative): the random-effects model, or the fixed effect
 * when only one study (random 0; i2 and tau2 then ""). */
typedef struct {
    int random;
    char est[MP_NUMBUF], ci[2 * MP_NUMBUF + 8], p[MP_NUMBUF], i2[MP_NUMBUF],
        tau2[MP_NUMBUF];
} mp_fit_row;

/* Fill row from f (f->status MP_OK). */
void mp_report_fit_row(const mp_fit_result *f, mp_fit_row *row);

/* Two-sided normal quantile of the chosen level. */
double mp_report_z(const mp_report *r);

/* Trial sequential analysis (issue 20): mp_tsa_conclusion's sentence on
 * r->tsa (not NULL), naming studies by title, into buf (len bytes, as
 * snprintf).  The text and JSON reports print the same sentence. */
#define MP_TSA_CONCLUSION_MAX 1024

/* The spending family in words: "Lan-DeMets O'Brien-Fleming",
 * "Lan-DeMets Pocock", "Hwang-Shih-DeCani" (the text report and the TSA
 * plot). */
const char *mp_report_spending_words(const mp_spending *s);
void mp_report_tsa_conclusion(const mp_report *r, char *buf, size_t len);

/* Derived effects (mp_derived.h): for the j-th kind (j = 0, 1, ...), its
 * footnote "(a) derived effect: METHOD" into buf (n bytes) when a row of
 * r->ds has it: 1; 0 when none has; -1 past the last kind.  The text
 * report and the forest plot print the same notes. */
int mp_report_derived_note(const mp_report *r, size_t j, char *buf, size_t n);

/* Long names: "overall survival" for OS, ...; the name itself if unknown. */
const char *mp_report_outcome_name(const char *outcome);
const char *mp_report_measure_name(mp_measure m);     /* "hazard ratio" */
const char *mp_report_method_name(mp_method m);       /* "DerSimonian-Laird" */

#endif
