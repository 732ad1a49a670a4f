/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_json.c - the JSON report of the contract (metapool(1),
 * OUTPUT FORMATS).  Doubles are printed so that they read back exactly;
 * figures that do not exist are null.  "conclusion" is mp_conclusion's
 * paragraph, as the text report prints it. */
#include <math.h>
#include <string.h>

#include "mp_conclusion.h"
#include "mp_format.h"
#include "mp_report.h"

/* Room for a separator and a key of this file (short literals). */
#define KEY_ROOM 64

/* sep"key": into b[KEY_ROOM]; returns the end. */
static char *key(char *b, const char *sep, const char *k)
{
    b = stpcpy(b, sep);
    *b++ = '"';
    b = stpcpy(b, k);
    return stpcpy(b, "\": ");
}

/* "key": number, with the separator that precedes it; one write each,
 * as these are most of a report of many studies. */
static void num(FILE *out, const char *sep, const char *k, double x)
{
    char b[KEY_ROOM + MP_NUMBUF];
    mp_format_json_number(key(b, sep, k), x);
    fputs(b, out);
}

static void integer(FILE *out, const char *sep, const char *k, long n)
{
    char b[KEY_ROOM + MP_NUMBUF];
    mp_format_int(key(b, sep, k), n);
    fputs(b, out);
}

static void str(FILE *out, const char *sep, const char *k, const char *s)
{
    char b[KEY_ROOM];
    key(b, sep, k);
    fputs(b, out);
    if (s)
        mp_format_json_string(out, s);
    else
        fputs("null", out);
}

/* A count that may be unknown (-1). */
static void count(FILE *out, const char *sep, const char *k, long n)
{
    if (n < 0)
        str(out, sep, k, NULL);
    else
        integer(out, sep, k, n);
}

static void fixed_block(FILE *out, const mp_fixed_result *f)
{
    num(out, "{ ", "log_estimate", f->log_estimate);
    num(out, ", ", "se", f->se);
    num(out, ", ", "estimate", exp(f->log_estimate));
    num(out, ", ", "lower", exp(f->lower));
    num(out, ", ", "upper", exp(f->upper));
    num(out, ", ", "z", f->z);
    num(out, ", ", "p", f->p);
    fputs(" }", out);
}

static void random_block(FILE *out, const mp_fit_result *r)
{
    const mp_random_result *x = &r->random;
    int has = r->has_random;
    str(out, "{ ", "method", mp_method_name(x->method));
    num(out, ", ", "tau2", has ? x->tau2 : NAN);
    num(out, ", ", "tau", has ? x->tau : NAN);
    num(out, ", ", "log_estimate", has ? x->log_estimate : NAN);
    num(out, ", ", "se", has ? x->se : NAN);
    num(out, ", ", "estimate", has ? exp(x->log_estimate) : NAN);
    num(out, ", ", "lower", has ? exp(x->lower) : NAN);
    num(out, ", ", "upper", has ? exp(x->upper) : NAN);
    if (has)
        str(out, ", ", "test", x->t_test ? "t" : "z");
    else
        str(out, ", ", "test", NULL);
    num(out, ", ", "statistic", has ? x->statistic : NAN);
    num(out, ", ", "df", has && x->t_test ? x->df : NAN);
    num(out, ", ", "p", has ? x->p : NAN);
    num(out, ", ", "pi_lower", has ? exp(x->pi_lower) : NAN);
    num(out, ", ", "pi_upper", has ? exp(x->pi_upper) : NAN);
    str(out, ", ", "pi_method", has ? mp_pi_method_name(x->pi_method) : NULL);
    num(out, ", ", "pi_df", has ? x->pi_df : NAN);
    num(out, ", ", "tau2_lower", has ? x->tau2_lower : NAN);
    num(out, ", ", "tau2_upper", has ? x->tau2_upper : NAN);
    fputs(" }", out);
}

static void het_block(FILE *out, const mp_fit_result *r)
{
    const mp_heterogeneity *h = &r->het;
    int has = r->has_random;
    num(out, "{ ", "Q", has ? h->Q : NAN);
    num(out, ", ", "df", has ? h->df : NAN);
    num(out, ", ", "p", has ? h->p : NAN);
    num(out, ", ", "I2", has ? h->I2 : NAN);
    num(out, ", ", "H2", has ? h->H2 : NAN);
    num(out, ", ", "I2_lower", has ? r->random.I2_lower : NAN);
    num(out, ", ", "I2_upper", has ? r->random.I2_upper : NAN);
    num(out, ", ", "H2_lower", has ? r->random.H2_lower : NAN);
    num(out, ", ", "H2_upper", has ? r->random.H2_upper : NAN);
    fputs(" }", out);
}

/* "fixed": ..., "random": ..., "heterogeneity": ... of one fit. */
static void fit_blocks(FILE *out, const char *indent, const mp_fit_result *r)
{
    fputs(indent, out);
    fputs("\"fixed\": ", out);
    fixed_block(out, &r->fixed);
    fputs(",\n", out);
    fputs(indent, out);
    fputs("\"random\": ", out);
    random_block(out, r);
    fputs(",\n", out);
    fputs(indent, out);
    fputs("\"heterogeneity\": ", out);
    het_block(out, r);
}

static void study(FILE *out, const mp_report *r, const mp_weight_sums *sums,
                  size_t i)
{
    mp_study_figures f;
    mp_report_study(r, sums, i, &f);
    const mp_dataset *ds = r->ds;
    str(out, "    { ", "id", mp_dataset_id(ds, i));
    str(out, ", ", "title", mp_dataset_title(ds, i));
    integer(out, ", ", "year", mp_dataset_year(ds, i));
    num(out, ",\n      ", "yi", f.yi);
    num(out, ", ", "se", f.se);
    num(out, ", ", "estimate", exp(f.yi));
    num(out, ", ", "lower", exp(f.lower));
    num(out, ", ", "upper", exp(f.upper));
    num(out, ",\n      ", "weight_fixed", f.w_fixed);
    num(out, ", ", "weight_random", f.w_random);
    count(out, ",\n      ", "n_experimental", mp_dataset_n(ds, i, 1));
    count(out, ", ", "n_control", mp_dataset_n(ds, i, 0));
    count(out, ", ", "events_experimental", mp_dataset_events(ds, i, 1));
    count(out, ", ", "events_control", mp_dataset_events(ds, i, 0));
    str(out, ", ", "derived", mp_dataset_derived(ds, i));
    fputs(" }", out);
}

/* The blocks of a fit that may have failed: its error instead. */
static void fit_or_error(FILE *out, const char *indent, const mp_fit_result *f)
{
    if (f->status != MP_OK) {
        fputs(",\n", out);
        str(out, indent, "error", mp_status_string(f->status));
        return;
    }
    fputs(",\n", out);
    fit_blocks(out, indent, f);
}

static void leave_one_out(FILE *out, const mp_report *r)
{
    size_t k = mp_dataset_k(r->ds);
    fputs(",\n  \"leave_one_out\": [", out);
    for (size_t i = 0; i < k; i++) {
        fputs(i ? ",\n    {\n" : "\n    {\n", out);
        str(out, "      ", "omitted", mp_dataset_id(r->ds, i));
        integer(out, ", ", "k", (long)(k - 1));
        fit_or_error(out, "      ", &r->loo[i]);
        fputs("\n    }", out);
    }
    fputs(k ? "\n  ]" : "]", out);
}

static void subgroups(FILE *out, const mp_report *r)
{
    const mp_subgroups *s = r->sub;
    fputs(",\n  \"subgroups\": [", out);
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_subgroup *sg = &s->groups[g];
        fputs(g ? ",\n    {\n" : "\n    {\n", out);
        str(out, "      ", "covariate", r->covariate);
        str(out, ", ", "value", sg->value);
        integer(out, ", ", "k", (long)sg->k);
        fputs(",\n      \"studies\": [", out);
        for (size_t j = 0; j < sg->k; j++) {
            fputs(j ? ", " : "", out);
            mp_format_json_string(out, mp_dataset_id(r->ds, sg->rows[j]));
        }
        fputs("]", out);
        fit_or_error(out, "      ", &sg->fit);
        fputs("\n    }", out);
    }
    fputs(s->n_groups ? "\n  ]" : "]", out);
    num(out, ",\n  \"subgroup_test\": { ", "Q", s->Q);
    num(out, ", ", "df", s->df);
    num(out, ", ", "p", s->p);
    str(out, ", ", "unspecified", !mp_subgroups_unspecified(s) ? NULL
                                  : s->missing_in_test ? "included"
                                                       : "excluded");
    fputs(" }", out);
}

static void cumulative(FILE *out, const mp_report *r)
{
    const mp_cumulative *c = r->cum;
    fputs(",\n  \"cumulative\": [", out);
    for (size_t j = 0; j < c->k; j++) {
        size_t row = c->order[j];
        fputs(j ? ",\n    {\n" : "\n    {\n", out);
        str(out, "      ", "added", mp_dataset_id(r->ds, row));
        integer(out, ", ", "year", mp_dataset_year(r->ds, row));
        integer(out, ", ", "k", (long)(j + 1));
        fit_or_error(out, "      ", &c->fits[j]);
        fputs("\n    }", out);
    }
    fputs(c->k ? "\n  ]" : "]", out);
}

/* "not_pooled": the valid studies without the chosen outcome, with the
 * outcomes they have (an empty list when every study is pooled). */
static void not_pooled(FILE *out, const mp_dataset *ds)
{
    size_t n = mp_dataset_not_pooled(ds);
    fputs("  \"not_pooled\": [", out);
    for (size_t i = 0; i < n; i++) {
        str(out, i ? ",\n    { " : "\n    { ", "id",
            mp_dataset_not_pooled_id(ds, i));
        fputs(", \"outcomes\": [", out);
        for (size_t j = 0; j < mp_dataset_not_pooled_outcomes(ds, i); j++) {
            fputs(j ? ", " : "", out);
            mp_format_json_string(out, mp_dataset_not_pooled_outcome(ds, i, j));
        }
        fputs("] }", out);
    }
    fputs(n ? "\n  ],\n" : "],\n", out);
}

/* ---- trial sequential analysis (issue 20) ---------------------------------- */

static const char *tsa_crossing_name(mp_tsa_crossing c)
{
    switch (c) {
    case MP_TSA_BENEFIT: return "benefit";
    case MP_TSA_HARM: return "harm";
    case MP_TSA_FUTILITY: return "futility";
    case MP_TSA_NONE: break;
    }
    return NULL;
}

/* One look; before the first look of at least 1% of the information
 * there is no boundary, hence no adjusted interval: null. */
static void tsa_look(FILE *out, const mp_report *r, const mp_tsa_look *L)
{
    int bounded = isfinite(L->boundary);
    str(out, "      { ", "added", mp_dataset_id(r->ds, L->added));
    integer(out, ", ", "year", mp_dataset_year(r->ds, L->added));
    integer(out, ", ", "k", (long)L->k);
    num(out, ",\n        ", "information", L->information);
    num(out, ", ", "fraction", L->fraction);
    num(out, ", ", "z", L->z);
    num(out, ",\n        ", "boundary", L->boundary);
    num(out, ", ", "futility", L->futility);
    str(out, ", ", "crossed", tsa_crossing_name(L->crossed));
    num(out, ",\n        ", "log_estimate", L->log_estimate);
    num(out, ", ", "estimate", exp(L->log_estimate));
    num(out, ", ", "lower", bounded ? exp(L->lower) : NAN);
    num(out, ", ", "upper", bounded ? exp(L->upper) : NAN);
    fputs(" }", out);
}

static void tsa(FILE *out, const mp_report *r)
{
    const mp_tsa_result *t = r->tsa;
    const mp_tsa_options *o = &r->tsa_opt;
    char sp[64], c[MP_TSA_CONCLUSION_MAX];
    mp_spending_format(&o->spending, sp, sizeof sp);
    num(out, ",\n  \"tsa\": {\n    ", "anticipated", o->anticipated);
    num(out, ", ", "alpha", o->alpha);
    num(out, ", ", "power", o->power);
    str(out, ", ", "spending", sp);
    str(out, ", ", "model", o->random ? "random" : "fixed");
    num(out, ",\n    ", "required_information", t->required_information);
    num(out, ", ", "required_events", t->required_events);
    num(out, ",\n    ", "D2", t->D2);
    num(out, ", ", "adjusted_required_information",
        t->adjusted_required_information);
    fputs(",\n    \"looks\": [", out);
    for (size_t j = 0; j < t->n_looks; j++) {
        fputs(j ? ",\n" : "\n", out);
        tsa_look(out, r, &t->looks[j]);
    }
    fputs(t->n_looks ? "\n    ]" : "]", out);
    mp_report_tsa_conclusion(r, c, sizeof c);
    str(out, ",\n    ", "conclusion", c);
    fputs("\n  }", out);
}

/* ---- Bayesian random effects (issue 19) ---------------------------------- */

/* The summary of a posterior: the keys of "tau" and "mu"; the block is
 * left open for mu's ratio-scale keys. */
static void bayes_summary(FILE *out, const mp_bayes_summary *s)
{
    num(out, "{ ", "mode", s->mode);
    num(out, ", ", "median", s->median);
    num(out, ", ", "mean", s->mean);
    num(out, ", ", "sd", s->sd);
    num(out, ", ", "lower", s->lower);
    num(out, ", ", "upper", s->upper);
    num(out, ", ", "shortest_lower", s->shortest_lower);
    num(out, ", ", "shortest_upper", s->shortest_upper);
}

static void bayes_brief(FILE *out, const char *sep, const mp_bayes_brief *b)
{
    num(out, sep, "median", b->median);
    num(out, ", ", "mean", b->mean);
    num(out, ", ", "sd", b->sd);
    num(out, ", ", "lower", b->lower);
    num(out, ", ", "upper", b->upper);
    fputs(" }", out);
}

static void bayes_lists(FILE *out, const mp_report *r)
{
    const mp_bayes_result *b = r->bayes;
    fputs(",\n    \"probabilities\": [", out);
    for (size_t i = 0; i < b->n_thresholds; i++) {
        num(out, i ? ", { " : " { ", "threshold", r->bayes_opt->thresholds[i]);
        num(out, ", ", "p_below", b->p_below[i]);
        fputs(" }", out);
    }
    fputs(b->n_thresholds ? " ]" : "]", out);
    fputs(",\n    \"shrinkage\": [", out);
    for (size_t i = 0; b->shrinkage && i < b->k; i++) {
        str(out, i ? ",\n      { " : "\n      { ", "id", mp_dataset_id(r->ds, i));
        bayes_brief(out, ", ", &b->shrinkage[i]);
    }
    fputs(b->shrinkage && b->k ? "\n    ]" : "]", out);
}

/* "bayes": the contract's block (analyses-2.md, section 2). */
static void bayes(FILE *out, const mp_report *r)
{
    const mp_bayes_result *b = r->bayes;
    str(out, ",\n  \"bayes\": {\n    ", "tau_prior", r->tau_prior);
    str(out, ", ", "mu_prior", r->mu_prior);
    fputs(",\n    \"tau\": ", out);
    bayes_summary(out, &b->tau);
    fputs(" },\n    \"mu\": ", out);
    bayes_summary(out, &b->mu);
    num(out, ",\n      ", "estimate", exp(b->mu.median));
    num(out, ", ", "estimate_lower", exp(b->mu.lower));
    num(out, ", ", "estimate_upper", exp(b->mu.upper));
    fputs(" },\n    \"prediction\": ", out);
    bayes_brief(out, "{ ", &b->prediction);
    bayes_lists(out, r);
    num(out, ",\n    ", "marginal_likelihood", b->marginal_likelihood);
    fputs("\n  }", out);
}

/* ---- influence and small-study effects (issue 18) ---- */

/* "influential": true, false, or null when a deletion fit failed and
 * nothing else flags the study (metafor's NA). */
static void flag(FILE *out, const char *sep, const char *k, mp_infl_flag f)
{
    char b[KEY_ROOM];
    key(b, sep, k);
    fputs(b, out);
    fputs(f == MP_INFL_YES ? "true" : f == MP_INFL_NO ? "false" : "null", out);
}

static void influence_row(FILE *out, const char *id, const mp_influence_row *x)
{
    str(out, "    { ", "id", id);
    num(out, ", ", "rstudent", x->rstudent);
    num(out, ", ", "dffits", x->dffits);
    num(out, ", ", "cook_d", x->cook_d);
    num(out, ", ", "cov_r", x->cov_r);
    num(out, ",\n      ", "tau2_del", x->tau2_del);
    num(out, ", ", "QE_del", x->QE_del);
    num(out, ", ", "hat", x->hat);
    num(out, ", ", "weight", x->weight);
    num(out, ", ", "dfbetas", x->dfbetas);
    flag(out, ", ", "influential", x->influential);
    fputs(" }", out);
}

/* "influence" and "baujat": null when they were not computed (k < 2). */
static void influence(FILE *out, const mp_report *r)
{
    size_t k = mp_dataset_k(r->ds);
    if (!r->infl) {
        fputs(",\n  \"influence\": null,\n  \"baujat\": null", out);
        return;
    }
    fputs(",\n  \"influence\": [", out);
    for (size_t i = 0; i < k; i++) {
        fputs(i ? ",\n" : "\n", out);
        influence_row(out, mp_dataset_id(r->ds, i), &r->infl[i]);
    }
    fputs("\n  ],\n  \"baujat\": [", out);
    for (size_t i = 0; i < k; i++) {
        str(out, i ? ",\n    { " : "\n    { ", "id", mp_dataset_id(r->ds, i));
        num(out, ", ", "x", r->infl[i].baujat_x);
        num(out, ", ", "y", r->infl[i].baujat_y);
        fputs(" }", out);
    }
    fputs("\n  ]", out);
}

/* ,"name": and null when the analysis is not available; 1 when it is
 * (its object follows). */
static int small_study_key(FILE *out, const char *name, int available)
{
    fprintf(out, ",\n    \"%s\": ", name);
    if (!available)
        fputs("null", out);
    return available;
}

static void egger(FILE *out, const mp_egger_result *e)
{
    if (!small_study_key(out, "egger", e->available))
        return;
    num(out, "{ ", "statistic", e->statistic);
    num(out, ", ", "df", e->df);
    num(out, ", ", "p", e->p);
    num(out, ",\n      \"limit\": { ", "log_estimate", e->limit_log_estimate);
    num(out, ", ", "estimate", exp(e->limit_log_estimate));
    num(out, ", ", "lower", exp(e->limit_lower));
    num(out, ", ", "upper", exp(e->limit_upper));
    fputs(" } }", out);
}

static void trimfill(FILE *out, const mp_trimfill_result *t)
{
    if (!small_study_key(out, "trimfill", t->available))
        return;
    str(out, "{ ", "side", mp_side_name(t->side));
    integer(out, ", ", "k0", (long)t->k0);
    num(out, ", ", "k0_se", t->k0_se);
    fputs(",\n      \"filled\": [", out);
    for (size_t j = 0; j < t->k0; j++) {
        num(out, j ? ", { " : "{ ", "yi", t->filled_y[j]);
        num(out, ", ", "se", t->filled_se[j]);
        fputs(" }", out);
    }
    fputs("],\n      \"random\": ", out);
    random_block(out, &t->fit);
    fputs(" }", out);
}

static void small_study(FILE *out, const mp_small_study *b)
{
    str(out, ",\n  \"small_study\": {\n    ", "k_warning", b->k_warning);
    egger(out, &b->egger);
    if (small_study_key(out, "rank", b->rank.available)) {
        num(out, "{ ", "tau", b->rank.tau);
        num(out, ", ", "p", b->rank.p);
        fputs(" }", out);
    }
    trimfill(out, &b->trimfill);
    fputs("\n  }", out);
}

mp_status mp_report_json(FILE *out, const mp_report *r)
{
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    str(out, "{\n  ", "outcome", mp_dataset_outcome(ds));
    str(out, ", ", "measure", mp_measure_name(mp_dataset_measure(ds)));
    num(out, ", ", "level", r->opt->level);
    integer(out, ", ", "k", (long)k);
    fputs(",\n  \"studies\": [", out);
    for (size_t i = 0; i < k; i++) {
        fputs(i ? ",\n" : "\n", out);
        study(out, r, &sums, i);
    }
    fputs("\n  ],\n", out);
    not_pooled(out, ds);
    fit_blocks(out, "  ", r->fit);
    char c[MP_CONCLUSION_MAX];
    mp_conclusion(c, sizeof c, mp_dataset_measure(ds), r->opt->level, r->fit);
    str(out, ",\n  ", "conclusion", c);
    if (r->loo)
        leave_one_out(out, r);
    if (r->sub)
        subgroups(out, r);
    if (r->cum)
        cumulative(out, r);
    /* trial sequential analysis (issue 20) */
    if (r->tsa)
        tsa(out, r);
    if (r->bayes)
        bayes(out, r);
    /* influence and small-study effects (issue 18) */
    if (r->influence)
        influence(out, r);
    if (r->bias)
        small_study(out, r->bias);
    fputs("\n}\n", out);
    return ferror(out) ? MP_EIO : MP_OK;
}
