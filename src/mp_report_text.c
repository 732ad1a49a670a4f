/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_text.c - the report a clinician reads: the study table, the
 * pooled estimates with their intervals and p-values, the prediction
 * interval, heterogeneity in figures and words, and leave-one-out.
 * Rows are composed in a line buffer and written without trailing blanks. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "mp_conclusion.h"
#include "mp_derived.h"
#include "mp_format.h"
#include "mp_report.h"

#define LABEL_W 34      /* columns of the label column */

typedef struct {
    char s[1024];
} line;

static void add(line *l, const char *fmt, ...) MP_PRINTF(2, 3);

static void add(line *l, const char *fmt, ...)
{
    size_t used = strlen(l->s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->s + used, sizeof l->s - used, fmt, ap);
    va_end(ap);
}

static void label(line *l, const char *s)
{
    mp_format_pad(l->s, sizeof l->s, s, LABEL_W);
}

/* Write the line without trailing blanks, and start a new one. */
static void emit(FILE *out, line *l)
{
    size_t n = strlen(l->s);
    while (n > 0 && l->s[n - 1] == ' ')
        n--;
    l->s[n] = '\0';
    fputs(l->s, out);
    putc('\n', out);
    l->s[0] = '\0';
}

/* "0.60 to 1.07", or "none" (mp_report_interval). */
static void interval(char *buf, size_t n, double lo, double hi)
{
    mp_report_interval(buf, n, lo, hi);
}

static const char *measure_of(const mp_report *r)
{
    return mp_measure_name(mp_dataset_measure(r->ds));
}

static void fit_columns(line *l, const mp_fit_result *f);
static void fit_table_head(FILE *out, const mp_report *r, const char *first,
                           const char *middle);

/* ---- sections ------------------------------------------------------------------ */

static void header(FILE *out, const mp_report *r)
{
    const mp_dataset *ds = r->ds;
    const char *outcome = mp_dataset_outcome(ds);
    const char *long_name = mp_report_outcome_name(outcome);
    size_t k = mp_dataset_k(ds);
    line l = { "" };
    if (strcmp(long_name, outcome) != 0)
        add(&l, "%c%s (%s): ", long_name[0] - ('a' - 'A'), long_name + 1, outcome);
    else
        add(&l, "Outcome %s: ", outcome);
    add(&l, "%zu stud%s, %s (%s)", k, k == 1 ? "y" : "ies",
        mp_report_measure_name(mp_dataset_measure(ds)), measure_of(r));
    emit(out, &l);
    if (r->fit->has_random) {
        const mp_random_result *re = &r->fit->random;
        add(&l, "Random effects: tau^2 by %s (%s)%s",
            mp_report_method_name(re->method), mp_method_name(re->method),
            re->t_test ? ", Hartung-Knapp-Sidik-Jonkman test" : "");
        emit(out, &l);
    }
    add(&l, "%s < 1 favours the experimental arm; %g%% confidence intervals",
        measure_of(r), 100 * r->opt->level);
    emit(out, &l);
    emit(out, &l);
}

/* The studies left out for want of the outcome, under the table: each
 * with the outcomes it has. */
static void not_pooled(FILE *out, const mp_dataset *ds)
{
    for (size_t i = 0; i < mp_dataset_not_pooled(ds); i++) {
        fprintf(out, "Not pooled: %s (", mp_dataset_not_pooled_id(ds, i));
        size_t n = mp_dataset_not_pooled_outcomes(ds, i);
        fputs(n ? "has " : "has no outcome", out);
        for (size_t j = 0; j < n; j++)
            fprintf(out, "%s\"%s\"", j ? ", " : "",
                    mp_dataset_not_pooled_outcome(ds, i, j));
        fputs(")\n", out);
    }
}

/* Under the table, a footnote for each kind of derived effect in it. */
static void derived_notes(FILE *out, const mp_report *r)
{
    char buf[160];
    int has;
    for (size_t j = 0; (has = mp_report_derived_note(r, j, buf, sizeof buf)) >= 0; j++)
        if (has)
            fprintf(out, "%s\n", buf);
}

static void study_table(FILE *out, const mp_report *r)
{
    const mp_dataset *ds = r->ds;
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    line l = { "" };
    char ci_head[32];
    snprintf(ci_head, sizeof ci_head, "%g%% CI", 100 * r->opt->level);
    label(&l, "Study");
    add(&l, " Year   n (E/C) %6s  %-18s  Weight: fixed  random", measure_of(r),
        ci_head);
    emit(out, &l);
    for (size_t i = 0; i < mp_dataset_k(ds); i++) {
        mp_study_figures f;
        mp_report_study(r, &sums, i, &f);
        char est[MP_NUMBUF], ci[2 * MP_NUMBUF + 8], wf[MP_NUMBUF],
            wr[MP_NUMBUF], pts[48] = "";
        long ne = mp_dataset_n(ds, i, 1), nc = mp_dataset_n(ds, i, 0);
        if (ne >= 0 && nc >= 0)
            snprintf(pts, sizeof pts, "%ld/%ld", ne, nc);
        mp_format_ratio(est, exp(f.yi));
        interval(ci, sizeof ci, f.lower, f.upper);
        mp_format_percent(wf, f.w_fixed);
        mp_format_percent(wr, f.w_random);
        label(&l, mp_dataset_title(ds, i));
        add(&l, " %4d %9s %6s  %-18s  %13s %7s", mp_dataset_year(ds, i), pts,
            est, ci, wf, wr);
        const char *mark = mp_derived_mark(mp_dataset_derived(ds, i));
        if (mark)
            add(&l, "  (%s)", mark);
        emit(out, &l);
    }
    derived_notes(out, r);
    not_pooled(out, ds);
    emit(out, &l);
}

static void pooled_row(void *out, const char *name, double est, double lo,
                       double hi, const char *test)
{
    char e[MP_NUMBUF], ci[2 * MP_NUMBUF + 8];
    mp_report_pooled_figures(est, lo, hi, e, ci);
    line l = { "" };
    label(&l, name);
    add(&l, " %4s %9s %6s  %-18s  %s", "", "", e, ci, test);
    emit(out, &l);
}

static void pooled(FILE *out, const mp_report *r)
{
    mp_report_pooled_rows(r->fit, pooled_row, out);
    if (!r->fit->has_random)
        fputs("\nOnly one study: no random-effects model, prediction interval "
              "or heterogeneity\n(they need at least two studies).\n", out);
}

static const char *i2_words(double i2)
{
    /* Higgins, Thompson, Deeks and Altman 2003: 25%, 50% and 75% as low,
     * moderate and high. */
    if (i2 < 25)
        return "low";
    if (i2 < 50)
        return "low to moderate";
    if (i2 < 75)
        return "moderate to high";
    return "high";
}

static void heterogeneity(FILE *out, const mp_report *r)
{
    const mp_fit_result *f = r->fit;
    if (!f->has_random)
        return;
    const mp_heterogeneity *h = &f->het;
    const mp_random_result *re = &f->random;
    char i2[MP_NUMBUF], t2[MP_NUMBUF], q[3 * MP_NUMBUF + 32];
    mp_format_fixed(i2, h->I2, 1);
    mp_format_fixed(t2, re->tau2, 4);
    mp_report_q_phrase(q, sizeof q, MP_STYLE_TEXT, h->Q, h->df, h->p);
    line l = { "" };
    emit(out, &l);
    add(&l, "Heterogeneity: I^2 = %s%% (%s), tau^2 = %s", i2, i2_words(h->I2), t2);
    if (isfinite(re->tau2_lower) && isfinite(re->tau2_upper)) {
        char lo[MP_NUMBUF], hi[MP_NUMBUF];
        mp_format_fixed(lo, re->tau2_lower, 4);
        mp_format_fixed(hi, re->tau2_upper, 4);
        add(&l, " (%g%% CI %s to %s)", 100 * r->opt->level, lo, hi);
    }
    add(&l, ",");
    emit(out, &l);
    add(&l, "               %s", q);
    emit(out, &l);
}

/* The conclusion (mp_conclusion) after "In words:", in lines of at most
 * WORDS_W columns, broken between words. */
#define WORDS_W 79

/* A blank line, then lead and the words of text (which is cut into
 * words) in lines of at most WORDS_W columns. */
static void wrapped(FILE *out, const char *lead, char *text)
{
    line l = { "" };
    emit(out, &l);
    add(&l, "%s", lead);
    char *save = NULL;
    for (char *word = strtok_r(text, " ", &save); word;
         word = strtok_r(NULL, " ", &save)) {
        if (mp_format_width(l.s) + 1 + mp_format_width(word) > WORDS_W) {
            emit(out, &l);
            add(&l, "%s", word);
        } else {
            add(&l, " %s", word);
        }
    }
    emit(out, &l);
}

static void in_words(FILE *out, const mp_report *r)
{
    char c[MP_CONCLUSION_MAX];
    mp_conclusion(c, sizeof c, mp_dataset_measure(r->ds), r->opt->level, r->fit);
    wrapped(out, "In words:", c);
}

static void loo_row(FILE *out, const mp_report *r, size_t i)
{
    line l = { "" };
    label(&l, mp_dataset_title(r->ds, i));
    fit_columns(&l, &r->loo[i]);
    emit(out, &l);
}

static void leave_one_out(FILE *out, const mp_report *r)
{
    if (!r->loo)
        return;
    line l = { "" };
    emit(out, &l);
    add(&l, "Leave-one-out (each study omitted in turn, %s):",
        mp_report_model_kind(r->fit));
    emit(out, &l);
    fit_table_head(out, r, "Omitted", "");
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++)
        loo_row(out, r, i);
}

/* One row of a table of pooled fits: estimate, CI, p, I^2, tau^2 of the
 * random-effects model, or the fixed effect when only one study. */
static void fit_columns(line *l, const mp_fit_result *f)
{
    if (f->status != MP_OK) {
        add(l, " %s", mp_status_string(f->status));
        return;
    }
    mp_fit_row w;
    mp_report_fit_row(f, &w);
    add(l, " %6s  %-18s %8s %6s %7s%s", w.est, w.ci, w.p, w.i2, w.tau2,
        w.random ? "" : "  (one study: fixed effect)");
}

static void fit_table_head(FILE *out, const mp_report *r, const char *first,
                           const char *middle)
{
    line l = { "" };
    char ci_head[32];
    snprintf(ci_head, sizeof ci_head, "%g%% CI", 100 * r->opt->level);
    label(&l, first);
    add(&l, "%s %6s  %-18s %8s %6s %7s", middle, measure_of(r), ci_head, "p",
        "I^2", "tau^2");
    emit(out, &l);
}

static void subgroups(FILE *out, const mp_report *r)
{
    const mp_subgroups *s = r->sub;
    if (!s)
        return;
    line l = { "" };
    emit(out, &l);
    add(&l, "Subgroups by %s (tau^2 estimated within each subgroup):", r->covariate);
    emit(out, &l);
    fit_table_head(out, r, "Subgroup", "    k");
    for (size_t g = 0; g < s->n_groups; g++) {
        const mp_subgroup *sg = &s->groups[g];
        label(&l, sg->value ? sg->value : "unspecified");
        add(&l, " %4zu", sg->k);
        fit_columns(&l, &sg->fit);
        emit(out, &l);
    }
    size_t unspecified = mp_subgroups_unspecified(s);
    if (unspecified) {
        add(&l, "(unspecified: %zu stud%s without a %s covariate, %s)",
            unspecified, unspecified == 1 ? "y" : "ies", r->covariate,
            s->missing_in_test ? "in the test below as a subgroup"
                               : "not in the test below");
        emit(out, &l);
    }
    char test[3 * MP_NUMBUF + 64];
    mp_report_subgroup_test(test, sizeof test, MP_STYLE_TEXT, s);
    add(&l, "Test for subgroup differences: %s", test);
    emit(out, &l);
}

static void cumulative(FILE *out, const mp_report *r)
{
    const mp_cumulative *c = r->cum;
    if (!c)
        return;
    line l = { "" };
    emit(out, &l);
    add(&l, "Cumulative meta-analysis by publication year (study added, then "
        "all so far pooled):");
    emit(out, &l);
    fit_table_head(out, r, "Added", " Year    k");
    for (size_t j = 0; j < c->k; j++) {
        size_t row = c->order[j];
        label(&l, mp_dataset_title(r->ds, row));
        add(&l, " %4d %4zu", mp_dataset_year(r->ds, row), j + 1);
        fit_columns(&l, &c->fits[j]);
        emit(out, &l);
    }
}

/* ---- trial sequential analysis (issue 20) ---------------------------------- */

/* The design: what was anticipated and how much information that needs. */
static void tsa_design(FILE *out, const mp_report *r)
{
    const mp_tsa_options *o = &r->tsa_opt;
    const mp_tsa_result *t = r->tsa;
    char hr[MP_NUMBUF], sp[64] = "";
    mp_format_ratio(hr, o->anticipated);
    if (o->spending.kind == MP_SPEND_HSD)
        snprintf(sp, sizeof sp, ", gamma %g", o->spending.gamma);
    line l = { "" };
    emit(out, &l);
    add(&l, "Trial sequential analysis for an anticipated %s of %s:",
        measure_of(r), hr);
    emit(out, &l);
    add(&l, "Two-sided alpha %g, power %g%%; Z-curve: %s", o->alpha,
        100 * o->power, o->random ? "random effects (DerSimonian-Laird)"
                                  : "fixed effect (inverse variance)");
    emit(out, &l);
    add(&l, "Boundaries: %s alpha spending%s", mp_report_spending_words(&o->spending), sp);
    emit(out, &l);
    if (o->futility) {
        add(&l, "Futility: non-binding boundaries, beta = 1 - power spent by "
            "the same function");
        emit(out, &l);
    }
    add(&l, "Required information: %.1f (1/SE^2 of the log %s), %.0f events "
        "(1:1 allocation)", t->required_information, measure_of(r),
        ceil(t->required_events));
    emit(out, &l);
    if (o->random) {
        add(&l, "Diversity D^2 = %.1f%%: adjusted required information %.1f, "
            "%.0f events", 100 * t->D2, t->adjusted_required_information,
            ceil(4 * t->adjusted_required_information));
        emit(out, &l);
    }
}

/* A boundary on the Z scale, or "-" (no look of >= 1% yet; no futility
 * boundary). */
static void z_bound(char buf[MP_NUMBUF], double b)
{
    if (isfinite(b))
        mp_format_fixed(buf, b, 2);
    else
        snprintf(buf, MP_NUMBUF, "-");
}

static void tsa_look_row(FILE *out, const mp_report *r, const mp_tsa_look *L)
{
    char frac[MP_NUMBUF], z[MP_NUMBUF], b[MP_NUMBUF], f[MP_NUMBUF],
        ci[2 * MP_NUMBUF + 8] = "-";
    mp_format_percent(frac, 100 * L->fraction);
    mp_format_fixed(z, L->z, 2);
    z_bound(b, L->boundary);
    z_bound(f, L->futility);
    if (isfinite(L->boundary))
        interval(ci, sizeof ci, L->lower, L->upper);
    line l = { "" };
    label(&l, mp_dataset_title(r->ds, L->added));
    add(&l, " %4d %7s %6s %8s %8s  %s%s", mp_dataset_year(r->ds, L->added), frac,
        z, b, f, ci, L->new_look ? "" : "  (not a new look)");
    emit(out, &l);
}

/* Each boundary the curve crossed, at the first look that crossed it, in
 * the order of the looks; or none. */
static void tsa_crossing(FILE *out, const mp_report *r)
{
    static const char *const which[] = { "", "benefit (efficacy)",
                                         "harm (efficacy)", "futility" };
    const mp_tsa_result *t = r->tsa;
    int seen[4] = { 0 };
    line l = { "" };
    add(&l, "Boundary crossed:");
    for (size_t j = 0; j < t->n_looks; j++) {
        const mp_tsa_look *L = &t->looks[j];
        if (L->crossed == MP_TSA_NONE || seen[L->crossed]++)
            continue;
        if (strlen(l.s) > strlen("Boundary crossed:")) {
            add(&l, ";");
            emit(out, &l);
            add(&l, "                 ");
        }
        add(&l, " %s, when %s (%d) was added", which[L->crossed],
            mp_dataset_title(r->ds, L->added), mp_dataset_year(r->ds, L->added));
    }
    if (t->first_crossing == t->n_looks)
        add(&l, " none");
    emit(out, &l);
}

static void tsa(FILE *out, const mp_report *r)
{
    if (!r->tsa)
        return;
    tsa_design(out, r);
    line l = { "" };
    char ci_head[48];
    snprintf(ci_head, sizeof ci_head, "TSA-adjusted %s CI", measure_of(r));
    label(&l, "Added");
    add(&l, " Year %7s %6s %8s %8s  %s", "Info", "Z", "Boundary", "Futility",
        ci_head);
    emit(out, &l);
    for (size_t j = 0; j < r->tsa->n_looks; j++)
        tsa_look_row(out, r, &r->tsa->looks[j]);
    add(&l, "(Info: the information so far, as a share of the required; Z < 0 "
        "favours");
    emit(out, &l);
    add(&l, "the experimental arm; -: no boundary yet, or none asked for)");
    emit(out, &l);
    tsa_crossing(out, r);
    char c[MP_TSA_CONCLUSION_MAX];
    mp_report_tsa_conclusion(r, c, sizeof c);
    wrapped(out, "In words:", c);
}

/* ---- Bayesian random effects (issue 19) ---------------------------------- */

/* The tau prior in words, with its parameters (mp_bayes.h). */
static void tau_prior_words(char *buf, size_t n, const mp_tau_prior *p)
{
    switch (p->kind) {
    case MP_TAU_HALFNORMAL:
        snprintf(buf, n, "half-normal, scale %g", p->a);
        break;
    case MP_TAU_HALFCAUCHY:
        snprintf(buf, n, "half-Cauchy, scale %g", p->a);
        break;
    case MP_TAU_HALFT:
        snprintf(buf, n, "half-Student-t, scale %g, %g df", p->a, p->b);
        break;
    case MP_TAU_LOGNORMAL:
        snprintf(buf, n, "log-normal on tau^2, log-scale mean %g and sd %g",
                 p->a, p->b);
        break;
    case MP_TAU_UNIFORM:
        snprintf(buf, n, "uniform on 0 to %g", p->a);
        break;
    case MP_TAU_JEFFREYS:
        snprintf(buf, n, "Jeffreys (improper)");
        break;
    }
}

static void mu_prior_words(char *buf, size_t n, const mp_mu_prior *p)
{
    if (p->normal)
        snprintf(buf, n, "normal, mean %g and sd %g on the log scale",
                 p->mean, p->sd);
    else
        snprintf(buf, n, "flat (improper) on the log scale");
}

/* A posterior probability: mp_format_p's figures, and "> 0.9999" at the
 * other end, where two decimals would round to a certainty. */
static void probability(char buf[MP_NUMBUF], double p)
{
    if (p > 0.9999)
        strcpy(buf, "> 0.9999");
    else
        mp_format_p(buf, p);
}

/* What the measure compares: "hazard", "risk", "odds". */
static const char *compared(const mp_report *r)
{
    switch (mp_dataset_measure(r->ds)) {
    case MP_MEASURE_RR: return "risk";
    case MP_MEASURE_OR: return "odds";
    case MP_MEASURE_HR: break;
    }
    return "hazard";
}

/* P(ratio < R) in words, naming the arms as the conclusion does ("the
 * experimental arm": the arms' labels differ between trials, and the
 * ratio compares experimental with control in every one): R = 1 "lower"
 * (the sentence), R < 1 "at least 10% lower", R > 1 "less than
 * 10% higher" (lower included). */
static void threshold_line(FILE *out, const mp_report *r, size_t i)
{
    double R = r->bayes_opt->thresholds[i];
    char pr[MP_NUMBUF], how[64], ratio[64] = "";
    probability(pr, r->bayes->p_below[i]);
    if (R == 1)
        snprintf(how, sizeof how, "lower");
    else if (R < 1)
        snprintf(how, sizeof how, "at least %g%% lower", 100 * (1 - R));
    else
        snprintf(how, sizeof how, "less than %g%% higher", 100 * (R - 1));
    if (R != 1)
        snprintf(ratio, sizeof ratio, " (%s < %g)", measure_of(r), R);
    fprintf(out, "Probability that the %s is %s in the experimental arm%s: "
            "%s\n", compared(r), how, ratio, pr);
}

/* "0.85 (95% central interval 0.62 to 1.17)" of a ratio's posterior, in
 * RATIO_PHRASE bytes. */
#define RATIO_PHRASE (4 * MP_NUMBUF + 64)

static void ratio_phrase(char *buf, size_t n, const mp_report *r, double med,
                         double lo, double hi)
{
    char m[MP_NUMBUF], ci[2 * MP_NUMBUF + 8];
    mp_format_ratio(m, exp(med));
    interval(ci, sizeof ci, lo, hi);
    snprintf(buf, n, "%s (%g%% central interval %s)", m,
             100 * r->bayes_opt->level, ci);
}

static void bayes_tau(FILE *out, const mp_report *r)
{
    const mp_bayes_summary *t = &r->bayes->tau;
    char med[MP_NUMBUF], lo[MP_NUMBUF], hi[MP_NUMBUF], sl[MP_NUMBUF],
        su[MP_NUMBUF];
    mp_format_fixed(med, t->median, 3);
    mp_format_fixed(lo, t->lower, 3);
    mp_format_fixed(hi, t->upper, 3);
    mp_format_fixed(sl, t->shortest_lower, 3);
    mp_format_fixed(su, t->shortest_upper, 3);
    fprintf(out, "Heterogeneity tau (between-study sd of the log %s): "
            "posterior median %s,\n  %g%% central interval %s to %s, shortest "
            "%s to %s\n", measure_of(r), med, 100 * r->bayes_opt->level, lo,
            hi, sl, su);
}

static void bayes_section(FILE *out, const mp_report *r)
{
    const mp_bayes_result *b = r->bayes;
    if (!b)
        return;
    char tp[160], mp[160], mu[RATIO_PHRASE], pred[RATIO_PHRASE];
    tau_prior_words(tp, sizeof tp, &r->bayes_opt->tau_prior);
    mu_prior_words(mp, sizeof mp, &r->bayes_opt->mu_prior);
    ratio_phrase(mu, sizeof mu, r, b->mu.median, b->mu.lower, b->mu.upper);
    ratio_phrase(pred, sizeof pred, r, b->prediction.median,
                 b->prediction.lower, b->prediction.upper);
    fputs("\nBayesian random effects (normal-normal hierarchical model, "
          "exact posterior):\n", out);
    fprintf(out, "Priors: tau %s (--tau-prior %s);\n  mu %s (--mu-prior %s)\n",
            tp, r->tau_prior, mp, r->mu_prior);
    fprintf(out, "Posterior median %s: %s\n", measure_of(r), mu);
    fprintf(out, "A new study's %s (prediction): %s\n", measure_of(r), pred);
    for (size_t i = 0; i < b->n_thresholds; i++)
        threshold_line(out, r, i);
    bayes_tau(out, r);
}

/* ---- influence and small-study effects (issue 18) ---- */

/* text after lead, broken between words into lines of at most WORDS_W
 * columns, continued with an indent of two */
static void paragraph(FILE *out, const char *lead, const char *text)
{
    char words[MP_CONCLUSION_MAX];
    snprintf(words, sizeof words, "%s", text);
    line l = { "" };
    add(&l, "%s", lead);
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t width = mp_format_width(l.s) + 1 + mp_format_width(w);
        if (width > WORDS_W && *l.s) {
            emit(out, &l);
            add(&l, " ");
        }
        add(&l, "%s%s", *l.s ? " " : "", w);
    }
    emit(out, &l);
}

/* A blank line, then the title of a section. */
static void heading(FILE *out, const char *title)
{
    fprintf(out, "\n%s\n", title);
}

static void influence_row(FILE *out, const mp_report *r, size_t i)
{
    const mp_influence_row *x = &r->infl[i];
    line l = { "" };
    label(&l, mp_dataset_title(r->ds, i));
    if (x->status != MP_OK) {
        add(&l, " fit without the study failed: %s",
            mp_status_string(x->status));
        emit(out, &l);
        return;
    }
    double fig[] = { x->rstudent, x->dffits, x->cook_d, x->cov_r, x->dfbetas,
                     x->baujat_x, x->baujat_y };
    for (size_t j = 0; j < sizeof fig / sizeof fig[0]; j++) {
        char b[MP_NUMBUF];
        mp_format_fixed(b, fig[j], 2);
        add(&l, " %7s", b);
    }
    char w[MP_NUMBUF];
    mp_format_percent(w, x->weight);
    add(&l, " %6s  %s", w, x->influential == MP_INFL_YES ? "yes"
                          : x->influential == MP_INFL_NO ? "no" : "unknown");
    emit(out, &l);
}

/* The titles of the studies whose flag is f, "A, B and 3 more" once the
 * list would pass half of buf; returns how many there are. */
static size_t flagged(const mp_report *r, mp_infl_flag f, char *buf, size_t n)
{
    size_t count = 0, shown = 0, len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        if (r->infl[i].influential != f)
            continue;
        const char *title = mp_dataset_title(r->ds, i);
        if (count++ == shown && len + strlen(title) + 2 < n / 2) {
            len += (size_t)snprintf(buf + len, n - len, "%s%s",
                                    shown++ ? ", " : "", title);
        }
    }
    if (count > shown)
        snprintf(buf + len, n - len, " and %zu more", count - shown);
    return count;
}

/* The studies flagged influential, and those that could not be
 * assessed, in words. */
static void influential_words(FILE *out, const mp_report *r)
{
    char names[MP_CONCLUSION_MAX / 2], text[MP_CONCLUSION_MAX];
    size_t n = flagged(r, MP_INFL_YES, names, sizeof names);
    if (n)
        snprintf(text, sizeof text, "%s %s flagged influential (Viechtbauer "
                 "and Cheung 2010: DFFITS, Cook's distance, hat value or "
                 "DFBETAS past its cut-off): the result leans on %s more than "
                 "on the other studies; compare the leave-one-out estimates.",
                 names, n == 1 ? "is" : "are", n == 1 ? "it" : "them");
    else
        snprintf(text, sizeof text, "No study is flagged influential by the "
                 "rule of Viechtbauer and Cheung (2010).");
    paragraph(out, "", text);
    size_t u = flagged(r, MP_INFL_UNKNOWN, names, sizeof names);
    if (u) {
        snprintf(text, sizeof text, "Not assessed (the fit without %s "
                 "failed): %s.", u == 1 ? "it" : "each of them", names);
        paragraph(out, "", text);
    }
}

static void influence(FILE *out, const mp_report *r)
{
    if (!r->influence)
        return;
    char title[128];
    snprintf(title, sizeof title, "Influence (case deletion, %s; Viechtbauer "
             "and Cheung 2010; Baujat 2002):", mp_report_model_kind(r->fit));
    heading(out, title);
    if (!r->infl) {
        fputs("Not computed: influence diagnostics need at least 2 studies.\n",
              out);
        return;
    }
    line l = { "" };
    label(&l, "Study");
    add(&l, " %7s %7s %7s %7s %7s %7s %7s %6s  %s", "rstud.", "DFFITS",
        "Cook D", "cov.r", "DFBETAS", "Q cont.", "infl.", "Weight",
        "Influential");
    emit(out, &l);
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++)
        influence_row(out, r, i);
    paragraph(out, "", "(rstud.: externally standardized residual; cov.r: "
              "covariance ratio; Q cont. and infl.: Baujat's contribution to Q "
              "and influence on the estimate)");
    influential_words(out, r);
}

static void not_available(FILE *out, const char *what, const char *reason)
{
    char text[MP_CONCLUSION_MAX];
    snprintf(text, sizeof text, "%s: not available (%s).", what, reason);
    paragraph(out, "", text);
}

static void egger_words(FILE *out, const mp_report *r, const mp_egger_result *e)
{
    if (!e->available) {
        not_available(out, "Egger's regression test", e->reason);
        return;
    }
    char test[2 * MP_NUMBUF + 48], ci[2 * MP_NUMBUF + 8], est[MP_NUMBUF],
        text[MP_CONCLUSION_MAX];
    mp_report_test_phrase(test, sizeof test, MP_STYLE_TEXT, !isnan(e->df),
                          e->statistic, e->df, e->p);
    mp_format_ratio(est, exp(e->limit_log_estimate));
    interval(ci, sizeof ci, e->limit_lower, e->limit_upper);
    /* 0.10: the level Egger et al. 1997 used, as the test has little power */
    snprintf(text, sizeof text, "%s; %s. Limit estimate (a study of standard "
             "error 0): %s %s (%g%% CI %s).", test,
             e->p < 0.10 ? "smaller studies show different effects from "
                           "larger ones (p < 0.10), as small-study effects "
                           "such as publication bias would make them"
                         : "the effects are not clearly related to their "
                           "standard errors (p >= 0.10)",
             measure_of(r), est, 100 * r->opt->level, ci);
    paragraph(out, "Egger's regression test:", text);
}

static void rank_words(FILE *out, const mp_rank_result *k)
{
    if (!k->available) {
        not_available(out, "Rank correlation test", k->reason);
        return;
    }
    char tau[MP_NUMBUF], p[MP_NUMBUF], text[MP_CONCLUSION_MAX];
    mp_format_fixed(tau, k->tau, 2);
    mp_format_p(p, k->p);
    snprintf(text, sizeof text, "Kendall's tau = %s, p = %s (%s); %s.", tau, p,
             k->exact ? "exact" : "normal approximation",
             k->p < 0.10 ? "effect sizes and variances are correlated "
                           "(p < 0.10)"
                         : "no clear correlation of effect sizes with "
                           "variances (p >= 0.10)");
    paragraph(out, "Rank correlation test (Begg and Mazumdar 1994):", text);
}

static void trimfill_words(FILE *out, const mp_report *r,
                           const mp_trimfill_result *t)
{
    if (!t->available) {
        not_available(out, "Trim-and-fill", t->reason);
        return;
    }
    char est[MP_NUMBUF], ci[2 * MP_NUMBUF + 8], text[MP_CONCLUSION_MAX];
    mp_pooled pf;
    mp_fit_pooled(&t->fit, &pf);
    mp_format_ratio(est, exp(pf.log_estimate));
    interval(ci, sizeof ci, pf.lower, pf.upper);
    if (t->k0 == 0)
        snprintf(text, sizeof text, "no study is estimated missing; the "
                 "estimate stays %s %s (%g%% CI %s).", measure_of(r), est,
                 100 * r->opt->level, ci);
    else
        snprintf(text, sizeof text, "%zu stud%s estimated missing on the %s "
                 "(%s effects than the pooled estimate); with %s filled in, "
                 "the %s estimate would be %s %s (%g%% CI %s).", t->k0,
                 t->k0 == 1 ? "y" : "ies", mp_side_name(t->side),
                 t->side == MP_SIDE_LEFT ? "lower" : "higher",
                 t->k0 == 1 ? "it" : "them", mp_report_model_kind(&t->fit),
                 measure_of(r), est, 100 * r->opt->level, ci);
    paragraph(out, "Trim-and-fill (Duval and Tweedie 2000, L0):", text);
}

static void small_study(FILE *out, const mp_report *r)
{
    const mp_small_study *b = r->bias;
    if (!b)
        return;
    heading(out, "Small-study effects (funnel plot asymmetry):");
    if (b->k_warning) {
        char w[MP_CONCLUSION_MAX];
        snprintf(w, sizeof w, "%s.", b->k_warning);
        paragraph(out, "Caution:", w);
    }
    egger_words(out, r, &b->egger);
    rank_words(out, &b->rank);
    trimfill_words(out, r, &b->trimfill);
}

mp_status mp_report_text(FILE *out, const mp_report *r)
{
    header(out, r);
    study_table(out, r);
    pooled(out, r);
    heterogeneity(out, r);
    in_words(out, r);
    leave_one_out(out, r);
    subgroups(out, r);
    cumulative(out, r);
    tsa(out, r);                /* trial sequential analysis (issue 20) */
    bayes_section(out, r);
    /* influence and small-study effects (issue 18) */
    influence(out, r);
    small_study(out, r);
    return ferror(out) ? MP_EIO : MP_OK;
}

/* the HTML report (issue 23) */
mp_status mp_report_text_part(FILE *out, const mp_report *r, mp_text_part part)
{
    switch (part) {
    case MP_TEXT_TSA: tsa(out, r); break;
    case MP_TEXT_BAYES: bayes_section(out, r); break;
    case MP_TEXT_INFLUENCE: influence(out, r); break;
    case MP_TEXT_BIAS: small_study(out, r); break;
    }
    return ferror(out) ? MP_EIO : MP_OK;
}
