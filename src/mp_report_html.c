/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_html.c - the report to share: one self-contained HTML5 page
 * (mp_html.h).  The figures and words come from the same builders as the
 * text report (mp_report.h, mp_conclusion.h) and the plots from mp_svg;
 * this file only lays them out.  Every string that may come from a
 * descriptor (titles, arm labels, covariate values, file names, DOIs) is
 * written through esc() (mp_html_escape); literal markup is written with
 * fputs/fprintf and never carries such a string. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_conclusion.h"
#include "mp_derived.h"
#include "mp_format.h"
#include "mp_html.h"
#include "mp_svg_baujat.h"
#include "mp_svg_funnel.h"
#include "mp_svg_tsa.h"
#include "mp_text.h"

#define esc mp_html_escape

/* The style sheet: light and dark schemes (prefers-color-scheme), a print
 * layout for A4 and letter alike (margins that fit the narrower A4 width,
 * plots scaled to the page and never split), no external resource.  The
 * plots keep their white background in the dark scheme (they are drawn
 * black on white). */
static const char style[] =
    ":root{color-scheme:light dark;--fg:#1a1a1a;--bg:#ffffff;--muted:#555555;"
    "--rule:#c8c8c8;--head:#f2f2f2;--link:#0b57d0}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#16181c;"
    "--muted:#a8a8a8;--rule:#4a4d52;--head:#25282d;--link:#8ab4f8}}\n"
    "body{font-family:Helvetica,Arial,\"Liberation Sans\",\"DejaVu Sans\","
    "sans-serif;color:var(--fg);background:var(--bg);max-width:60rem;"
    "margin:0 auto;padding:1rem 1.5rem;line-height:1.45}\n"
    "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;"
    "border-bottom:1px solid var(--rule)}\n"
    "a{color:var(--link)}\n"
    "table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}\n"
    "th,td{border-bottom:1px solid var(--rule);padding:.25rem .6rem;"
    "text-align:left;vertical-align:top}\n"
    "thead th{background:var(--head)}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "dl.facts{display:grid;grid-template-columns:max-content auto;"
    "gap:.15rem 1rem}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
    "code.hash{font-size:.8rem;word-break:break-all}\n"
    "figure{margin:1rem 0;overflow-x:auto}figure svg{background:#ffffff;"
    "max-width:100%;height:auto;display:block}\n"
    "figcaption,.note{color:var(--muted);font-size:.9rem}\n"
    "pre{white-space:pre-wrap;font-size:.85rem}\n"
    "p.conclusion{font-size:1.05rem;border-left:4px solid var(--rule);"
    "padding-left:.8rem}\n"
    "@page{margin:15mm}\n"
    "@media print{:root{--fg:#000000;--bg:#ffffff;--muted:#333333;"
    "--head:#eeeeee;--link:#000000}body{max-width:none;padding:0;"
    "font-size:10pt}figure,svg,table,pre,p.conclusion{break-inside:avoid}"
    "h2{break-after:avoid}figure{overflow:visible}}\n";

static const char *measure_of(const mp_report *r)
{
    return mp_measure_name(mp_dataset_measure(r->ds));
}

/* <tag>text</tag>, the text escaped. */
static void elem(FILE *out, const char *tag, const char *text)
{
    fprintf(out, "<%s>", tag);
    esc(out, text);
    fprintf(out, "</%s>", tag);
}

/* A number cell, or an empty one for "". */
static void num_cell(FILE *out, const char *text)
{
    fputs("<td class=\"num\">", out);
    esc(out, text);
    fputs("</td>", out);
}

/* A row and its header cell: <tr><th scope="row">label</th>. */
static void row_head(FILE *out, const char *label)
{
    fputs("<tr><th scope=\"row\">", out);
    esc(out, label);
    fputs("</th>", out);
}

/* The newest publication year of the pooled studies: the report's date
 * unless one is given (reproducible bytes). */
static int newest_year(const mp_report *r)
{
    int y = 0;
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++)
        if (mp_dataset_year(r->ds, i) > y)
            y = mp_dataset_year(r->ds, i);
    return y;
}

/* ---- head and question ------------------------------------------------------ */

/* The outcome as a heading starts: "Overall survival (OS)", or "Outcome
 * X" for a name without a long form (as the text report's first line). */
static void outcome_heading(FILE *out, const char *outcome)
{
    const char *name = mp_report_outcome_name(outcome);
    if (strcmp(name, outcome) == 0) {
        fputs("Outcome ", out);
        esc(out, outcome);
        return;
    }
    fprintf(out, "%c%s (", name[0] - ('a' - 'A'), name + 1);
    esc(out, outcome);
    fputs(")", out);
}

static void head(FILE *out, const mp_report *r)
{
    const char *outcome = mp_dataset_outcome(r->ds);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\" />\n<meta name=\"color-scheme\" content=\"light "
          "dark\" />\n", out);
    /* no script may run, whatever a descriptor holds */
    fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'\" />\n", out);
    fprintf(out, "<meta name=\"generator\" content=\"metapool %s\" />\n<title>",
            r->version);
    outcome_heading(out, outcome);
    fprintf(out, ": meta-analysis of the %s</title>\n<style>\n%s</style>\n"
            "</head>\n<body>\n", mp_report_measure_name(mp_dataset_measure(r->ds)),
            style);
}

/* One fact of the question block: <dt>name</dt><dd>value</dd>. */
static void fact(FILE *out, const char *name, const char *value)
{
    elem(out, "dt", name);
    elem(out, "dd", value);
    fputc('\n', out);
}

static void question(FILE *out, const mp_report *r, const char *date)
{
    const mp_dataset *ds = r->ds;
    const char *outcome = mp_dataset_outcome(ds);
    const char *exp_arm = mp_dataset_arm_label(ds, 1);
    const char *ctl_arm = mp_dataset_arm_label(ds, 0);
    size_t k = mp_dataset_k(ds);
    char buf[256];
    fputs("<header>\n<h1>", out);
    outcome_heading(out, outcome);
    fprintf(out, ": %zu stud%s pooled</h1>\n<p class=\"question\">How does ",
            k, k == 1 ? "y" : "ies");
    esc(out, exp_arm && *exp_arm ? exp_arm : "the experimental arm");
    fputs(" compare with ", out);
    esc(out, ctl_arm && *ctl_arm ? ctl_arm : "the control arm");
    fputs(" for ", out);
    esc(out, mp_report_outcome_name(outcome));
    fputs("?</p>\n<dl class=\"facts\">\n", out);
    fact(out, "Outcome", outcome);
    snprintf(buf, sizeof buf, "%s (%s); below 1 favours the experimental arm",
             mp_report_measure_name(mp_dataset_measure(ds)), measure_of(r));
    fact(out, "Measure", buf);
    mp_report_model_words(buf, sizeof buf, r->fit);
    fact(out, "Model", buf);
    fact(out, "Estimator of tau\xc2\xb2", r->fit->has_random
                                          ? mp_report_method_name(r->fit->random.method)
                                          : "none (one study)");
    snprintf(buf, sizeof buf, "%g%% confidence intervals", 100 * r->opt->level);
    fact(out, "Level", buf);
    if (!date)
        snprintf(buf, sizeof buf, "%d (the newest publication)", newest_year(r));
    fact(out, "Date", date ? date : buf);
    snprintf(buf, sizeof buf, "metapool %s", r->version);
    fact(out, "Program", buf);
    fputs("</dl>\n</header>\n<main>\n", out);
}

/* ---- inputs --------------------------------------------------------------- */

static void input_row(FILE *out, const char *file)
{
    char hex[MP_SHA256_HEX];
    int is_stdin = strcmp(file, "-") == 0;
    fputs("<tr><th scope=\"row\">", out);
    esc(out, is_stdin ? "standard input" : file);
    fputs("</th><td>", out);
    if (!is_stdin && mp_sha256_file(file, hex) == MP_OK)
        fprintf(out, "<code class=\"hash\">%s</code>", hex);
    else
        fputs(is_stdin ? "not available (read from standard input)"
                       : "not available (cannot be read again)", out);
    fputs("</td></tr>\n", out);
}

static void inputs(FILE *out, const mp_report *r)
{
    fputs("<section id=\"inputs\">\n<h2>Input files</h2>\n<table>\n"
          "<thead><tr><th scope=\"col\">File</th><th scope=\"col\">SHA-256"
          "</th></tr></thead>\n<tbody>\n", out);
    const char *last = NULL;
    /* studies come file by file: each file once */
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        const char *file = mp_dataset_file(r->ds, i);
        if (file && (!last || strcmp(file, last) != 0))
            input_row(out, file);
        last = file ? file : last;
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

/* ---- studies -------------------------------------------------------------- */

static void ci_head(char *buf, size_t n, const mp_report *r)
{
    snprintf(buf, n, "%g%% CI", 100 * r->opt->level);
}

static void source_cell(FILE *out, const mp_report *r, size_t i)
{
    const char *doi = mp_dataset_doi(r->ds, i);
    fputs("<td>", out);
    if (doi && mp_text_is_doi(doi)) {
        fputs("<a href=\"https://doi.org/", out);
        mp_html_uri(out, doi);
        fputs("\">doi:", out);
        esc(out, doi);
        fputs("</a>", out);
    }
    fputs("</td>", out);
}

static void study_row(FILE *out, const mp_report *r, const mp_weight_sums *s,
                      size_t i)
{
    const mp_dataset *ds = r->ds;
    mp_study_figures f;
    mp_report_study(r, s, i, &f);
    char est[MP_NUMBUF], ci[2 * MP_NUMBUF + 8], wf[MP_NUMBUF], wr[MP_NUMBUF],
        pts[48] = "", year[16];
    long ne = mp_dataset_n(ds, i, 1), nc = mp_dataset_n(ds, i, 0);
    if (ne >= 0 && nc >= 0)
        snprintf(pts, sizeof pts, "%ld/%ld", ne, nc);
    snprintf(year, sizeof year, "%d", mp_dataset_year(ds, i));
    mp_format_ratio(est, exp(f.yi));
    mp_report_interval(ci, sizeof ci, f.lower, f.upper);
    mp_format_percent(wf, f.w_fixed);
    mp_format_percent(wr, f.w_random);
    fputs("<tr><th scope=\"row\">", out);
    esc(out, mp_dataset_title(ds, i));
    /* a derived effect: the text report's mark, its note under the table */
    const char *mark = mp_derived_mark(mp_dataset_derived(ds, i));
    if (mark) {
        fputs(" <span class=\"mark\">(", out);
        esc(out, mark);
        fputs(")</span>", out);
    }
    fputs("</th>", out);
    const char *cells[] = { year, pts, est, ci, wf, wr };
    for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++)
        num_cell(out, cells[c]);
    source_cell(out, r, i);
    fputs("</tr>\n", out);
}

static void not_pooled(FILE *out, const mp_dataset *ds)
{
    size_t n = mp_dataset_not_pooled(ds);
    if (!n)
        return;
    fputs("<p class=\"note\">Not pooled (without this outcome):", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : " ", out);
        esc(out, mp_dataset_not_pooled_id(ds, i));
    }
    fputs(".</p>\n", out);
}

/* Under the table, a footnote for each kind of derived effect in it, as
 * the text report's. */
static void derived_notes(FILE *out, const mp_report *r)
{
    char buf[160];
    int has;
    for (size_t j = 0; (has = mp_report_derived_note(r, j, buf, sizeof buf)) >= 0; j++)
        if (has) {
            fputs("<p class=\"note\">", out);
            esc(out, buf);
            fputs("</p>\n", out);
        }
}

static void studies(FILE *out, const mp_report *r)
{
    char ci[32];
    ci_head(ci, sizeof ci, r);
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    fputs("<section id=\"studies\">\n<h2>Studies</h2>\n<table>\n<thead><tr>"
          "<th scope=\"col\">Study</th><th scope=\"col\">Year</th>"
          "<th scope=\"col\">n (E/C)</th>", out);
    fprintf(out, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
            measure_of(r), ci);
    fputs("<th scope=\"col\">Weight, fixed</th><th scope=\"col\">Weight, "
          "random</th><th scope=\"col\">Source</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++)
        study_row(out, r, &sums, i);
    fputs("</tbody>\n</table>\n", out);
    derived_notes(out, r);
    not_pooled(out, r->ds);
    fputs("</section>\n", out);
}

/* ---- plots ---------------------------------------------------------------- */

/* A report part written into memory first (open_memstream). */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} membuf;

static mp_status mem_open(membuf *m)
{
    m->text = NULL;
    m->len = 0;
    m->f = open_memstream(&m->text, &m->len);
    return m->f ? MP_OK : MP_ENOMEM;
}

/* Close m; st, or MP_ENOMEM when the stream could not grow. */
static mp_status mem_close(membuf *m, mp_status st)
{
    if (fclose(m->f) != 0 && st == MP_OK)
        st = MP_ENOMEM;
    return st;
}

typedef mp_status (*plot_fn)(FILE *, const mp_report *, const mp_svg_options *);

/* The plot drawn into memory by the writer of its file, inlined without
 * its XML declaration, with a <desc> (desc, escaped) after its <title>
 * when desc is not NULL (the plots that have none of their own). */
static mp_status figure(FILE *out, const mp_report *r, plot_fn draw,
                        const mp_svg_options *so, const char *desc)
{
    membuf m;
    if (mem_open(&m) != MP_OK)
        return MP_ENOMEM;
    mp_status st = mem_close(&m, draw(m.f, r, so));
    char *svg = m.text;
    const char *start = svg ? strstr(svg, "<svg") : NULL;
    const char *title_end = start ? strstr(start, "</title>") : NULL;
    if (st == MP_OK && title_end) {
        title_end += strlen("</title>");
        fputs("<figure>\n", out);
        fwrite(start, 1, (size_t)(title_end - start), out);
        if (desc) {
            fputs("<desc>", out);
            esc(out, desc);
            fputs("</desc>", out);
        }
        fputs(title_end, out);
        fputs("</figure>\n", out);
    } else if (st == MP_OK) {
        st = MP_EIO;            /* never: every plot has its title */
    }
    free(svg);
    return st;
}

/* ---- pooled estimates, heterogeneity, conclusion --------------------------- */

static void pooled_row(void *out, const char *name, double est, double lo,
                       double hi, const char *test)
{
    char e[MP_NUMBUF], ci[2 * MP_NUMBUF + 8];
    mp_report_pooled_figures(est, lo, hi, e, ci);
    row_head(out, name);
    num_cell(out, e);
    num_cell(out, ci);
    elem(out, "td", test);
    fputs("</tr>\n", out);
}

static void pooled(FILE *out, const mp_report *r)
{
    const mp_fit_result *f = r->fit;
    char ci[32];
    ci_head(ci, sizeof ci, r);
    fprintf(out, "<section id=\"pooled\">\n<h2>Pooled estimates</h2>\n<table>\n"
            "<thead><tr><th scope=\"col\">Model</th><th scope=\"col\">%s</th>"
            "<th scope=\"col\">%s</th><th scope=\"col\">Test of no effect</th>"
            "</tr></thead>\n<tbody>\n", measure_of(r), ci);
    mp_report_pooled_rows(f, pooled_row, out);
    fputs("</tbody>\n</table>\n", out);
    if (!f->has_random)
        fputs("<p class=\"note\">Only one study: no random-effects model, "
              "prediction interval or heterogeneity (they need at least two "
              "studies).</p>\n", out);
    fputs("</section>\n", out);
}

static void heterogeneity(FILE *out, const mp_report *r)
{
    const mp_fit_result *f = r->fit;
    if (!f->has_random)
        return;
    char i2[MP_NUMBUF], t2[MP_NUMBUF], q[3 * MP_NUMBUF + 32];
    mp_format_fixed(i2, f->het.I2, 1);
    mp_format_fixed(t2, f->random.tau2, 4);
    mp_report_q_phrase(q, sizeof q, MP_STYLE_TEXT, f->het.Q, f->het.df, f->het.p);
    fprintf(out, "<section id=\"heterogeneity\">\n<h2>Heterogeneity</h2>\n"
            "<p>I\xc2\xb2 = %s%%, \xcf\x84\xc2\xb2 = %s", i2, t2);
    if (isfinite(f->random.tau2_lower) && isfinite(f->random.tau2_upper)) {
        char lo[MP_NUMBUF], hi[MP_NUMBUF];
        mp_format_fixed(lo, f->random.tau2_lower, 4);
        mp_format_fixed(hi, f->random.tau2_upper, 4);
        fprintf(out, " (%g%% CI %s to %s)", 100 * r->opt->level, lo, hi);
    }
    fputs("; ", out);
    esc(out, q);
    fputs(".</p>\n</section>\n", out);
}

static void conclusion_text(const mp_report *r, char c[MP_CONCLUSION_MAX])
{
    if (mp_conclusion(c, MP_CONCLUSION_MAX, mp_dataset_measure(r->ds),
                      r->opt->level, r->fit) != MP_OK && !*c)
        snprintf(c, MP_CONCLUSION_MAX, "No conclusion: the fit has no estimate.");
}

static void conclusion(FILE *out, const char *c)
{
    fputs("<section id=\"conclusion\">\n<h2>In words</h2>\n"
          "<p class=\"conclusion\">", out);
    esc(out, c);
    fputs("</p>\n</section>\n", out);
}

/* ---- tables of pooled fits: leave-one-out, subgroups, cumulative ----------- */

/* The head of a table of fits; extra: the columns after the first. */
static void fit_head(FILE *out, const mp_report *r, const char *first,
                     const char *const *extra, size_t n_extra)
{
    char ci[32];
    ci_head(ci, sizeof ci, r);
    fprintf(out, "<table>\n<thead><tr><th scope=\"col\">%s</th>", first);
    for (size_t i = 0; i < n_extra; i++)
        fprintf(out, "<th scope=\"col\">%s</th>", extra[i]);
    fprintf(out, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
            "<th scope=\"col\">p</th><th scope=\"col\">I\xc2\xb2</th>"
            "<th scope=\"col\">\xcf\x84\xc2\xb2</th></tr></thead>\n<tbody>\n",
            measure_of(r), ci);
}

/* The cells of a fit: estimate, CI, p, I^2, tau^2 (random effects, or
 * the fixed effect of one study), or its failure across them. */
static void fit_cells(FILE *out, const mp_fit_result *f)
{
    if (f->status != MP_OK) {
        fputs("<td colspan=\"5\">", out);
        esc(out, mp_status_string(f->status));
        fputs("</td>", out);
        return;
    }
    mp_fit_row w;
    mp_report_fit_row(f, &w);
    const char *cells[] = { w.est, w.ci, w.p, w.i2,
                            w.random ? w.tau2 : "(one study)" };
    for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++)
        num_cell(out, cells[c]);
}

static mp_status leave_one_out(FILE *out, const mp_report *r,
                               const mp_svg_options *so)
{
    if (!r->loo)
        return MP_OK;
    fputs("<section id=\"leave-one-out\">\n<h2>Leave-one-out</h2>\n", out);
    fprintf(out, "<p>Each study omitted in turn (%s).</p>\n",
            mp_report_model_kind(r->fit));
    fit_head(out, r, "Omitted", NULL, 0);
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        row_head(out, mp_dataset_title(r->ds, i));
        fit_cells(out, &r->loo[i]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    mp_status st = MP_OK;
    if (mp_dataset_k(r->ds) >= 2)
        st = figure(out, r, mp_svg_leave_one_out, so, "The pooled estimate "
                    "with each study omitted in turn, and the full analysis "
                    "as a diamond.");
    fputs("</section>\n", out);
    return st;
}

static void subgroups(FILE *out, const mp_report *r)
{
    const mp_subgroups *s = r->sub;
    if (!s)
        return;
    static const char *const k_col[] = { "k" };
    fputs("<section id=\"subgroups\">\n<h2>Subgroups by ", out);
    esc(out, r->covariate);
    fputs("</h2>\n<p>\xcf\x84\xc2\xb2 estimated within each subgroup; the "
          "forest plot above shows the subgroups.</p>\n", out);
    fit_head(out, r, "Subgroup", k_col, 1);
    for (size_t g = 0; g < s->n_groups; g++) {
        char k[MP_NUMBUF];
        row_head(out, s->groups[g].value ? s->groups[g].value : "unspecified");
        snprintf(k, sizeof k, "%zu", s->groups[g].k);
        num_cell(out, k);
        fit_cells(out, &s->groups[g].fit);
        fputs("</tr>\n", out);
    }
    char test[3 * MP_NUMBUF + 64];
    mp_report_subgroup_test(test, sizeof test, MP_STYLE_TEXT, s);
    fputs("</tbody>\n</table>\n<p>Test for subgroup differences: ", out);
    esc(out, test);
    fputs(".</p>\n</section>\n", out);
}

static mp_status cumulative(FILE *out, const mp_report *r,
                            const mp_svg_options *so)
{
    const mp_cumulative *c = r->cum;
    if (!c)
        return MP_OK;
    static const char *const cols[] = { "Year", "k" };
    fputs("<section id=\"cumulative\">\n<h2>Cumulative meta-analysis</h2>\n"
          "<p>By publication year: each study added, then all so far "
          "pooled.</p>\n", out);
    fit_head(out, r, "Added", cols, 2);
    for (size_t j = 0; j < c->k; j++) {
        size_t row = c->order[j];
        char y[MP_NUMBUF], k[MP_NUMBUF];
        snprintf(y, sizeof y, "%d", mp_dataset_year(r->ds, row));
        snprintf(k, sizeof k, "%zu", j + 1);
        row_head(out, mp_dataset_title(r->ds, row));
        num_cell(out, y);
        num_cell(out, k);
        fit_cells(out, &c->fits[j]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    mp_status st = figure(out, r, mp_svg_cumulative, so, "The pooled estimate "
                          "after each study was added, in publication order.");
    fputs("</section>\n", out);
    return st;
}

/* ---- the analyses in the text report's words -------------------------------- */

/* The second-wave plots, drawn by the writers of --funnel, --baujat and
 * --tsa-plot; each has a <desc> of its own. */
static mp_status funnel(FILE *out, const mp_report *r, const mp_svg_options *so)
{
    (void)so;
    return mp_svg_funnel(out, r);
}

static mp_status baujat(FILE *out, const mp_report *r, const mp_svg_options *so)
{
    (void)so;
    return mp_svg_baujat(out, r);
}

/* A section of the text report (mp_report_text_part), as preformatted
 * text under heading, then the plot draw when not NULL; nothing when the
 * section is empty (not asked for). */
static mp_status text_part(FILE *out, const mp_report *r, mp_text_part part,
                           const char *id, const char *heading, plot_fn draw,
                           const mp_svg_options *so)
{
    membuf m;
    if (mem_open(&m) != MP_OK)
        return MP_ENOMEM;
    mp_status st = mem_close(&m, mp_report_text_part(m.f, r, part));
    char *text = m.text;
    const char *body = text ? text + strspn(text, "\n") : "";
    if (st == MP_OK && *body) {
        fprintf(out, "<section id=\"%s\">\n<h2>%s</h2>\n<pre>", id, heading);
        esc(out, body);
        fputs("</pre>\n", out);
        if (draw)
            st = figure(out, r, draw, so, NULL);
        fputs("</section>\n", out);
    }
    free(text);
    return st;
}

static mp_status analyses(FILE *out, const mp_report *r,
                          const mp_svg_options *so)
{
    mp_status st = text_part(out, r, MP_TEXT_TSA, "tsa",
                             "Trial sequential analysis", mp_svg_tsa, so);
    if (st == MP_OK)
        st = text_part(out, r, MP_TEXT_BAYES, "bayes", "Bayesian random effects",
                       NULL, so);
    if (st == MP_OK)        /* the Baujat plot needs k >= 2 */
        st = text_part(out, r, MP_TEXT_INFLUENCE, "influence", "Influence",
                       r->infl ? baujat : NULL, so);
    if (st == MP_OK)
        st = text_part(out, r, MP_TEXT_BIAS, "small-study-effects",
                       "Small-study effects", funnel, so);
    return st;
}

mp_status mp_report_html(FILE *out, const mp_report *r,
                         const mp_svg_options *so, const char *date)
{
    char c[MP_CONCLUSION_MAX];
    conclusion_text(r, c);
    head(out, r);
    question(out, r, date);
    inputs(out, r);
    studies(out, r);
    fputs("<section id=\"forest\">\n<h2>Forest plot</h2>\n", out);
    mp_status st = figure(out, r, mp_svg_forest, so, c);
    fputs("</section>\n", out);
    pooled(out, r);
    heterogeneity(out, r);
    conclusion(out, c);
    if (st == MP_OK)
        st = leave_one_out(out, r, so);
    subgroups(out, r);
    if (st == MP_OK)
        st = cumulative(out, r, so);
    if (st == MP_OK)
        st = analyses(out, r, so);
    fprintf(out, "</main>\n<footer>\n<p class=\"note\">Made by metapool %s "
            "from the input files above.</p>\n</footer>\n</body>\n</html>\n", r->version);
    if (st == MP_OK && ferror(out))
        st = MP_EIO;
    return st;
}
