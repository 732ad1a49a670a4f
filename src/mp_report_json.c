/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_json.c - the JSON report of the contract (metapool(1),
 * OUTPUT FORMATS).  Doubles are printed so that they read back exactly;
 * figures that do not exist are null.  "conclusion" is mp_conclusion's
 * paragraph, as the text report prints it. */
#include <math.h>
#include <string.h>

#include "mp_conclusion.h"
#include "mp_format.h"
#include "mp_outbuf.h"
#include "mp_report.h"

/* sep"key": as one literal, its length known when compiled, so that
 * the copy is a few moves; then the value.  These are most of a report
 * of many studies, so numbers are formatted in place. */
#define KEY(sep, k) sep "\"" k "\": "
#define NUM(out, sep, k, x) (mp_outbuf_lit(out, KEY(sep, k)), number(out, x))
#define INT(out, sep, k, n) (mp_outbuf_lit(out, KEY(sep, k)), integer(out, n))
#define STR(out, sep, k, s) (mp_outbuf_lit(out, KEY(sep, k)), string(out, s))
#define COUNT(out, sep, k, n) (mp_outbuf_lit(out, KEY(sep, k)), count(out, n))

static void number(mp_outbuf *out, double x)
{
    mp_outbuf_advance(out, mp_format_json_number_to(mp_outbuf_room(out), x));
}

static void integer(mp_outbuf *out, long n)
{
    mp_outbuf_advance(out, mp_format_int_to(mp_outbuf_room(out), n));
}

static void string(mp_outbuf *out, const char *s)
{
    if (s)
        mp_format_json_string_to(out, s);
    else
        mp_outbuf_lit(out, "null");
}

/* A count that may be unknown (-1). */
static void count(mp_outbuf *out, long n)
{
    if (n < 0)
        string(out, NULL);
    else
        integer(out, n);
}

static void fixed_block(mp_outbuf *out, const mp_fixed_result *f)
{
    NUM(out, "{ ", "log_estimate", f->log_estimate);
    NUM(out, ", ", "se", f->se);
    NUM(out, ", ", "estimate", exp(f->log_estimate));
    NUM(out, ", ", "lower", exp(f->lower));
    NUM(out, ", ", "upper", exp(f->upper));
    NUM(out, ", ", "z", f->z);
    NUM(out, ", ", "p", f->p);
    mp_outbuf_lit(out, " }");
}

static void random_block(mp_outbuf *out, const mp_fit_result *r)
{
    const mp_random_result *x = &r->random;
    int has = r->has_random;
    STR(out, "{ ", "method", mp_method_name(x->method));
    NUM(out, ", ", "tau2", has ? x->tau2 : NAN);
    NUM(out, ", ", "tau", has ? x->tau : NAN);
    NUM(out, ", ", "log_estimate", has ? x->log_estimate : NAN);
    NUM(out, ", ", "se", has ? x->se : NAN);
    NUM(out, ", ", "estimate", has ? exp(x->log_estimate) : NAN);
    NUM(out, ", ", "lower", has ? exp(x->lower) : NAN);
    NUM(out, ", ", "upper", has ? exp(x->upper) : NAN);
    if (has)
        STR(out, ", ", "test", x->t_test ? "t" : "z");
    else
        STR(out, ", ", "test", NULL);
    NUM(out, ", ", "statistic", has ? x->statistic : NAN);
    NUM(out, ", ", "df", has && x->t_test ? x->df : NAN);
    NUM(out, ", ", "p", has ? x->p : NAN);
    NUM(out, ", ", "pi_lower", has ? exp(x->pi_lower) : NAN);
    NUM(out, ", ", "pi_upper", has ? exp(x->pi_upper) : NAN);
    STR(out, ", ", "pi_method", has ? mp_pi_method_name(x->pi_method) : NULL);
    NUM(out, ", ", "pi_df", has ? x->pi_df : NAN);
    NUM(out, ", ", "tau2_lower", has ? x->tau2_lower : NAN);
    NUM(out, ", ", "tau2_upper", has ? x->tau2_upper : NAN);
    mp_outbuf_lit(out, " }");
}

static void het_block(mp_outbuf *out, const mp_fit_result *r)
{
    const mp_heterogeneity *h = &r->het;
    int has = r->has_random;
    NUM(out, "{ ", "Q", has ? h->Q : NAN);
    NUM(out, ", ", "df", has ? h->df : NAN);
    NUM(out, ", ", "p", has ? h->p : NAN);
    NUM(out, ", ", "I2", has ? h->I2 : NAN);
    NUM(out, ", ", "H2", has ? h->H2 : NAN);
    NUM(out, ", ", "I2_lower", has ? r->random.I2_lower : NAN);
    NUM(out, ", ", "I2_upper", has ? r->random.I2_upper : NAN);
    NUM(out, ", ", "H2_lower", has ? r->random.H2_lower : NAN);
    NUM(out, ", ", "H2_upper", has ? r->random.H2_upper : NAN);
    mp_outbuf_lit(out, " }");
}

/* "fixed": ..., "random": ..., "heterogeneity": ... of one fit. */
static void fit_blocks(mp_outbuf *out, const char *indent, const mp_fit_result *r)
{
    mp_outbuf_puts(out, indent);
    mp_outbuf_lit(out, "\"fixed\": ");
    fixed_block(out, &r->fixed);
    mp_outbuf_lit(out, ",\n");
    mp_outbuf_puts(out, indent);
    mp_outbuf_lit(out, "\"random\": ");
    random_block(out, r);
    mp_outbuf_lit(out, ",\n");
    mp_outbuf_puts(out, indent);
    mp_outbuf_lit(out, "\"heterogeneity\": ");
    het_block(out, r);
}

static void study(mp_outbuf *out, const mp_report *r, const mp_weight_sums *sums,
                  size_t i)
{
    mp_study_figures f;
    mp_report_study(r, sums, i, &f);
    const mp_dataset *ds = r->ds;
    STR(out, "    { ", "id", mp_dataset_id(ds, i));
    STR(out, ", ", "title", mp_dataset_title(ds, i));
    INT(out, ", ", "year", mp_dataset_year(ds, i));
    NUM(out, ",\n      ", "yi", f.yi);
    NUM(out, ", ", "se", f.se);
    NUM(out, ", ", "estimate", exp(f.yi));
    NUM(out, ", ", "lower", exp(f.lower));
    NUM(out, ", ", "upper", exp(f.upper));
    NUM(out, ",\n      ", "weight_fixed", f.w_fixed);
    NUM(out, ", ", "weight_random", f.w_random);
    COUNT(out, ",\n      ", "n_experimental", mp_dataset_n(ds, i, 1));
    COUNT(out, ", ", "n_control", mp_dataset_n(ds, i, 0));
    COUNT(out, ", ", "events_experimental", mp_dataset_events(ds, i, 1));
    COUNT(out, ", ", "events_control", mp_dataset_events(ds, i, 0));
    STR(out, ", ", "derived", mp_dataset_derived(ds, i));
    mp_outbuf_lit(out, " }");
}

/* The blocks of a fit that may have failed: its error instead. */
static void fit_or_error(mp_outbuf *out, const char *indent, const mp_fit_result *f)
{
    if (f->status != MP_OK) {
        mp_outbuf_lit(out, ",\n");
        mp_outbuf_puts(out, indent);
        STR(out, "", "error", mp_status_string(f->status));
        return;
    }
    mp_outbuf_lit(out, ",\n");
    fit_blocks(out, indent, f);
}

static void loo_row(mp_outbuf *out, const void *ctx, size_t i)
{
    const mp_report *r = ctx;
    mp_outbuf_puts(out, i ? ",\n    {\n" : "\n    {\n");
    STR(out, "      ", "omitted", mp_dataset_id(r->ds, i));
    INT(out, ", ", "k", (long)(mp_dataset_k(r->ds) - 1));
    fit_or_error(out, "      ", &r->loo[i]);
    mp_outbuf_lit(out, "\n    }");
}

static void leave_one_out(mp_outbuf *out, const mp_report *r)
{
    size_t k = mp_dataset_k(r->ds);
    mp_outbuf_lit(out, ",\n  \"leave_one_out\": [");
    mp_outbuf_rows(out, k, loo_row, r);
    mp_outbuf_puts(out, k ? "\n  ]" : "]");
}

static void subgroups(mp_outbuf *out, const mp_report *r)
{
    const mp_subgroups *s = r->sub;
    mp_outbuf_lit(out, ",\n  \"subgroups\": [");
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_subgroup *sg = &s->groups[g];
        mp_outbuf_puts(out, g ? ",\n    {\n" : "\n    {\n");
        STR(out, "      ", "covariate", r->covariate);
        STR(out, ", ", "value", sg->value);
        INT(out, ", ", "k", (long)sg->k);
        mp_outbuf_lit(out, ",\n      \"studies\": [");
        for (size_t j = 0; j < sg->k; j++) {
            mp_outbuf_puts(out, j ? ", " : "");
            mp_format_json_string_to(out, mp_dataset_id(r->ds, sg->rows[j]));
        }
        mp_outbuf_lit(out, "]");
        fit_or_error(out, "      ", &sg->fit);
        mp_outbuf_lit(out, "\n    }");
    }
    mp_outbuf_puts(out, s->n_groups ? "\n  ]" : "]");
    NUM(out, ",\n  \"subgroup_test\": { ", "Q", s->Q);
    NUM(out, ", ", "df", s->df);
    NUM(out, ", ", "p", s->p);
    STR(out, ", ", "unspecified", !mp_subgroups_unspecified(s) ? NULL
                                  : s->missing_in_test ? "included"
                                                       : "excluded");
    mp_outbuf_lit(out, " }");
}

static void cumulative_row(mp_outbuf *out, const void *ctx, size_t j)
{
    const mp_report *r = ctx;
    size_t row = r->cum->order[j];
    mp_outbuf_puts(out, j ? ",\n    {\n" : "\n    {\n");
    STR(out, "      ", "added", mp_dataset_id(r->ds, row));
    INT(out, ", ", "year", mp_dataset_year(r->ds, row));
    INT(out, ", ", "k", (long)(j + 1));
    fit_or_error(out, "      ", &r->cum->fits[j]);
    mp_outbuf_lit(out, "\n    }");
}

static void cumulative(mp_outbuf *out, const mp_report *r)
{
    const mp_cumulative *c = r->cum;
    mp_outbuf_lit(out, ",\n  \"cumulative\": [");
    mp_outbuf_rows(out, c->k, cumulative_row, r);
    mp_outbuf_puts(out, c->k ? "\n  ]" : "]");
}

/* "not_pooled": the valid studies without the chosen outcome, with the
 * outcomes they have (an empty list when every study is pooled). */
static void not_pooled(mp_outbuf *out, const mp_dataset *ds)
{
    size_t n = mp_dataset_not_pooled(ds);
    mp_outbuf_lit(out, "  \"not_pooled\": [");
    for (size_t i = 0; i < n; i++) {
        mp_outbuf_puts(out, i ? ",\n    { " : "\n    { ");
        STR(out, "", "id", mp_dataset_not_pooled_id(ds, i));
        mp_outbuf_lit(out, ", \"outcomes\": [");
        for (size_t j = 0; j < mp_dataset_not_pooled_outcomes(ds, i); j++) {
            mp_outbuf_puts(out, j ? ", " : "");
            mp_format_json_string_to(out, mp_dataset_not_pooled_outcome(ds, i, j));
        }
        mp_outbuf_lit(out, "] }");
    }
    mp_outbuf_puts(out, n ? "\n  ],\n" : "],\n");
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
static void tsa_look(mp_outbuf *out, const mp_report *r, const mp_tsa_look *L)
{
    int bounded = isfinite(L->boundary);
    STR(out, "      { ", "added", mp_dataset_id(r->ds, L->added));
    INT(out, ", ", "year", mp_dataset_year(r->ds, L->added));
    INT(out, ", ", "k", (long)L->k);
    NUM(out, ",\n        ", "information", L->information);
    NUM(out, ", ", "fraction", L->fraction);
    NUM(out, ", ", "z", L->z);
    NUM(out, ",\n        ", "boundary", L->boundary);
    NUM(out, ", ", "futility", L->futility);
    STR(out, ", ", "crossed", tsa_crossing_name(L->crossed));
    NUM(out, ",\n        ", "log_estimate", L->log_estimate);
    NUM(out, ", ", "estimate", exp(L->log_estimate));
    NUM(out, ", ", "lower", bounded ? exp(L->lower) : NAN);
    NUM(out, ", ", "upper", bounded ? exp(L->upper) : NAN);
    mp_outbuf_lit(out, " }");
}

static void tsa(mp_outbuf *out, const mp_report *r)
{
    const mp_tsa_result *t = r->tsa;
    const mp_tsa_options *o = &r->tsa_opt;
    char sp[64], c[MP_TSA_CONCLUSION_MAX];
    mp_spending_format(&o->spending, sp, sizeof sp);
    NUM(out, ",\n  \"tsa\": {\n    ", "anticipated", o->anticipated);
    NUM(out, ", ", "alpha", o->alpha);
    NUM(out, ", ", "power", o->power);
    STR(out, ", ", "spending", sp);
    STR(out, ", ", "model", o->random ? "random" : "fixed");
    NUM(out, ",\n    ", "required_information", t->required_information);
    NUM(out, ", ", "required_events", t->required_events);
    NUM(out, ",\n    ", "D2", t->D2);
    NUM(out, ", ", "adjusted_required_information",
        t->adjusted_required_information);
    mp_outbuf_lit(out, ",\n    \"looks\": [");
    for (size_t j = 0; j < t->n_looks; j++) {
        mp_outbuf_puts(out, j ? ",\n" : "\n");
        tsa_look(out, r, &t->looks[j]);
    }
    mp_outbuf_puts(out, t->n_looks ? "\n    ]" : "]");
    mp_report_tsa_conclusion(r, c, sizeof c);
    STR(out, ",\n    ", "conclusion", c);
    mp_outbuf_lit(out, "\n  }");
}

/* ---- Bayesian random effects (issue 19) ---------------------------------- */

/* The summary of a posterior: the keys of "tau" and "mu"; the block is
 * left open for mu's ratio-scale keys. */
static void bayes_summary(mp_outbuf *out, const mp_bayes_summary *s)
{
    NUM(out, "{ ", "mode", s->mode);
    NUM(out, ", ", "median", s->median);
    NUM(out, ", ", "mean", s->mean);
    NUM(out, ", ", "sd", s->sd);
    NUM(out, ", ", "lower", s->lower);
    NUM(out, ", ", "upper", s->upper);
    NUM(out, ", ", "shortest_lower", s->shortest_lower);
    NUM(out, ", ", "shortest_upper", s->shortest_upper);
}

static void bayes_brief(mp_outbuf *out, const char *sep, const mp_bayes_brief *b)
{
    mp_outbuf_puts(out, sep);
    NUM(out, "", "median", b->median);
    NUM(out, ", ", "mean", b->mean);
    NUM(out, ", ", "sd", b->sd);
    NUM(out, ", ", "lower", b->lower);
    NUM(out, ", ", "upper", b->upper);
    mp_outbuf_lit(out, " }");
}

static void bayes_lists(mp_outbuf *out, const mp_report *r)
{
    const mp_bayes_result *b = r->bayes;
    mp_outbuf_lit(out, ",\n    \"probabilities\": [");
    for (size_t i = 0; i < b->n_thresholds; i++) {
        mp_outbuf_puts(out, i ? ", { " : " { ");
        NUM(out, "", "threshold", r->bayes_opt->thresholds[i]);
        NUM(out, ", ", "p_below", b->p_below[i]);
        mp_outbuf_lit(out, " }");
    }
    mp_outbuf_puts(out, b->n_thresholds ? " ]" : "]");
    mp_outbuf_lit(out, ",\n    \"shrinkage\": [");
    for (size_t i = 0; b->shrinkage && i < b->k; i++) {
        mp_outbuf_puts(out, i ? ",\n      { " : "\n      { ");
        STR(out, "", "id", mp_dataset_id(r->ds, i));
        bayes_brief(out, ", ", &b->shrinkage[i]);
    }
    mp_outbuf_puts(out, b->shrinkage && b->k ? "\n    ]" : "]");
}

/* "bayes": the contract's block (analyses-2.md, section 2). */
static void bayes(mp_outbuf *out, const mp_report *r)
{
    const mp_bayes_result *b = r->bayes;
    STR(out, ",\n  \"bayes\": {\n    ", "tau_prior", r->tau_prior);
    STR(out, ", ", "mu_prior", r->mu_prior);
    mp_outbuf_lit(out, ",\n    \"tau\": ");
    bayes_summary(out, &b->tau);
    mp_outbuf_lit(out, " },\n    \"mu\": ");
    bayes_summary(out, &b->mu);
    NUM(out, ",\n      ", "estimate", exp(b->mu.median));
    NUM(out, ", ", "estimate_lower", exp(b->mu.lower));
    NUM(out, ", ", "estimate_upper", exp(b->mu.upper));
    mp_outbuf_lit(out, " },\n    \"prediction\": ");
    bayes_brief(out, "{ ", &b->prediction);
    bayes_lists(out, r);
    NUM(out, ",\n    ", "marginal_likelihood", b->marginal_likelihood);
    mp_outbuf_lit(out, "\n  }");
}

/* ---- influence and small-study effects (issue 18) ---- */

/* "influential": true, false, or null when a deletion fit failed and
 * nothing else flags the study (metafor's NA). */
#define FLAG(out, sep, k, f) (mp_outbuf_lit(out, KEY(sep, k)), flag(out, f))
static void flag(mp_outbuf *out, mp_infl_flag f)
{
    mp_outbuf_puts(out, f == MP_INFL_YES ? "true" : f == MP_INFL_NO ? "false" : "null");
}

static void influence_row(mp_outbuf *out, const char *id, const mp_influence_row *x)
{
    STR(out, "    { ", "id", id);
    NUM(out, ", ", "rstudent", x->rstudent);
    NUM(out, ", ", "dffits", x->dffits);
    NUM(out, ", ", "cook_d", x->cook_d);
    NUM(out, ", ", "cov_r", x->cov_r);
    NUM(out, ",\n      ", "tau2_del", x->tau2_del);
    NUM(out, ", ", "QE_del", x->QE_del);
    NUM(out, ", ", "hat", x->hat);
    NUM(out, ", ", "weight", x->weight);
    NUM(out, ", ", "dfbetas", x->dfbetas);
    FLAG(out, ", ", "influential", x->influential);
    mp_outbuf_lit(out, " }");
}

/* "influence" and "baujat": null when they were not computed (k < 2). */
static void influence(mp_outbuf *out, const mp_report *r)
{
    size_t k = mp_dataset_k(r->ds);
    if (!r->infl) {
        mp_outbuf_lit(out, ",\n  \"influence\": null,\n  \"baujat\": null");
        return;
    }
    mp_outbuf_lit(out, ",\n  \"influence\": [");
    for (size_t i = 0; i < k; i++) {
        mp_outbuf_puts(out, i ? ",\n" : "\n");
        influence_row(out, mp_dataset_id(r->ds, i), &r->infl[i]);
    }
    mp_outbuf_lit(out, "\n  ],\n  \"baujat\": [");
    for (size_t i = 0; i < k; i++) {
        mp_outbuf_puts(out, i ? ",\n    { " : "\n    { ");
        STR(out, "", "id", mp_dataset_id(r->ds, i));
        NUM(out, ", ", "x", r->infl[i].baujat_x);
        NUM(out, ", ", "y", r->infl[i].baujat_y);
        mp_outbuf_lit(out, " }");
    }
    mp_outbuf_lit(out, "\n  ]");
}

/* ,"name": and null when the analysis is not available; 1 when it is
 * (its object follows). */
static int small_study_key(mp_outbuf *out, const char *name, int available)
{
    mp_outbuf_lit(out, ",\n    \"");
    mp_outbuf_puts(out, name);
    mp_outbuf_lit(out, "\": ");
    if (!available)
        mp_outbuf_lit(out, "null");
    return available;
}

static void egger(mp_outbuf *out, const mp_egger_result *e)
{
    if (!small_study_key(out, "egger", e->available))
        return;
    NUM(out, "{ ", "statistic", e->statistic);
    NUM(out, ", ", "df", e->df);
    NUM(out, ", ", "p", e->p);
    NUM(out, ",\n      \"limit\": { ", "log_estimate", e->limit_log_estimate);
    NUM(out, ", ", "estimate", exp(e->limit_log_estimate));
    NUM(out, ", ", "lower", exp(e->limit_lower));
    NUM(out, ", ", "upper", exp(e->limit_upper));
    mp_outbuf_lit(out, " } }");
}

static void trimfill(mp_outbuf *out, const mp_trimfill_result *t)
{
    if (!small_study_key(out, "trimfill", t->available))
        return;
    STR(out, "{ ", "side", mp_side_name(t->side));
    INT(out, ", ", "k0", (long)t->k0);
    NUM(out, ", ", "k0_se", t->k0_se);
    mp_outbuf_lit(out, ",\n      \"filled\": [");
    for (size_t j = 0; j < t->k0; j++) {
        mp_outbuf_puts(out, j ? ", { " : "{ ");
        NUM(out, "", "yi", t->filled_y[j]);
        NUM(out, ", ", "se", t->filled_se[j]);
        mp_outbuf_lit(out, " }");
    }
    mp_outbuf_lit(out, "],\n      \"random\": ");
    random_block(out, &t->fit);
    mp_outbuf_lit(out, " }");
}

static void small_study(mp_outbuf *out, const mp_small_study *b)
{
    STR(out, ",\n  \"small_study\": {\n    ", "k_warning", b->k_warning);
    egger(out, &b->egger);
    if (small_study_key(out, "rank", b->rank.available)) {
        NUM(out, "{ ", "tau", b->rank.tau);
        NUM(out, ", ", "p", b->rank.p);
        mp_outbuf_lit(out, " }");
    }
    trimfill(out, &b->trimfill);
    mp_outbuf_lit(out, "\n  }");
}

static void study_row(mp_outbuf *out, const void *ctx, size_t i)
{
    const mp_study_rows *c = ctx;
    if (i)
        mp_outbuf_lit(out, ",\n");
    else
        mp_outbuf_lit(out, "\n");
    study(out, c->r, &c->sums, i);
}

static void report(mp_outbuf *out, const mp_report *r)
{
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    mp_study_rows sc = { .r = r };
    mp_report_weight_sums(r, &sc.sums);
    STR(out, "{\n  ", "outcome", mp_dataset_outcome(ds));
    STR(out, ", ", "measure", mp_measure_name(mp_dataset_measure(ds)));
    NUM(out, ", ", "level", r->opt->level);
    INT(out, ", ", "k", (long)k);
    mp_outbuf_lit(out, ",\n  \"studies\": [");
    mp_outbuf_rows(out, k, study_row, &sc);
    mp_outbuf_lit(out, "\n  ],\n");
    not_pooled(out, ds);
    fit_blocks(out, "  ", r->fit);
    char c[MP_CONCLUSION_MAX];
    mp_conclusion(c, sizeof c, mp_dataset_measure(ds), r->opt->level, r->fit);
    STR(out, ",\n  ", "conclusion", c);
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
    mp_outbuf_lit(out, "\n}\n");
}

mp_status mp_report_json(FILE *out, const mp_report *r)
{
    mp_outbuf b;
    mp_outbuf_init(&b, out);
    report(&b, r);
    return mp_outbuf_finish(&b);
}
