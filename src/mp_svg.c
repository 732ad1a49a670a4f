/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg.c - forest plots as SVG; see mp_svg.h.
 *
 * A plot is built in two passes.  The first turns the report into a table
 * of rows (label, text cells, an interval on the log scale, a marker) and
 * footer lines, with every number formatted by mp_format as the text
 * report prints it.  The second lays the table out (column widths from the
 * text lengths at an assumed 0.6 em per character, an axis whose ticks are
 * chosen from the data) and writes the document through libxml2's
 * xmlTextWriter into a memory buffer, which is then written to the stream.
 *
 * Units are CSS pixels (one user unit); fonts are 12 px, lines at least
 * 1 px, black on white, so the figure reads at its natural size and prints.
 */
#include "mp_svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mp_conclusion.h"
#include "mp_derived.h"
#include "mp_format.h"
#include "mp_svg_axis.h"
#include "mp_svg_draw.h"
#include "mp_svg_text.h"

/* ---- geometry ---------------------------------------------------------------- */

#define FONT MP_SVG_FONT     /* body text, px */
#define LINE MP_SVG_LINE     /* bytes of one line of text */
#define FONT_SMALL 11.0     /* subgroup heterogeneity lines */
#define ROW_H 20.0          /* a table row */
#define HEAD_H 17.0         /* a header line */
#define NOTE_LINE_H 14.0    /* a line of small text inside the table */
#define GAP_H 8.0           /* a blank separator row */
#define MARGIN 16.0         /* around the figure */
#define COL_GAP 14.0        /* between columns */
#define PLOT_W 320.0        /* the axis */
#define SQUARE_MAX 14.0     /* side of the square of the heaviest study */
#define SQUARE_MIN 4.0      /* smallest square drawn, so that none vanishes */
#define POINT_SIDE 8.0      /* the equal squares of cumulative/leave-one-out */
#define DIAMOND_HALF 6.0    /* half height of a diamond */
#define CI_STROKE 1.5       /* interval lines */
#define ARROW_LEN 7.0       /* arrowhead where an interval leaves the axis */
#define ARROW_HALF 4.0
#define SHRINK_R 3.5        /* radius of a shrinkage estimate's circle */
#define FAVOURS_W 230.0     /* widest line of a favours label, px */

/* Text widths: mp_svg_text.h. */
#define LABEL_MAX_EM (40 * 55)              /* a study label: ~40 characters */

/* Axis limits: intervals beyond them are clipped with an arrow. */
#define AXIS_MIN_LOG (-3 * M_LN10)
#define AXIS_MAX_LOG (3 * M_LN10)

#define INK MP_SVG_INK
#define SQ "\xc2\xb2"        /* superscript two */

#ifndef M_LN10
#define M_LN10 2.30258509299404568402
#endif

/* ---- numbers --------------------------------------------------------------------- */

/* "0.80 [0.60, 1.07]" from a log estimate and log bounds. */
static void ratio_ci(char *buf, size_t n, double est, double lo, double hi)
{
    char e[MP_NUMBUF], l[MP_NUMBUF], h[MP_NUMBUF];
    mp_format_ratio(l, exp(lo));
    mp_format_ratio(h, exp(hi));
    if (isfinite(est)) {
        mp_format_ratio(e, exp(est));
        snprintf(buf, n, "%s [%s, %s]", e, l, h);
    } else {
        snprintf(buf, n, "[%s, %s]", l, h);
    }
}



/* The confidence level in percent as the text report prints it: "95",
 * "90", "99.5". */
static void level_text(char buf[MP_NUMBUF], double level)
{
    double x = 100.0 * level;
    int d = 0;
    while (d < 4 && fabs(x - round(x * pow(10, d)) / pow(10, d)) > 1e-9)
        d++;
    mp_format_fixed(buf, x, d);
}

/* ---- the table ------------------------------------------------------------------- */

typedef enum {
    R_STUDY,        /* a study: square sized by weight, interval */
    R_POINT,        /* a pooled estimate drawn as an equal square */
    R_DIAMOND,      /* a pooled estimate drawn as a diamond */
    R_PI,           /* a prediction interval */
    R_HEADING,      /* a subgroup heading */
    R_SHRINK,       /* a study's Bayesian shrinkage estimate: open circle */
    R_NOTE,         /* small text in the left part of the table */
    R_GAP           /* blank space */
} row_kind;

#define MAXCOL 7
#define CELL 64

typedef struct {
    row_kind kind;
    const char *cls;            /* class attribute of the row's group */
    char label[LINE];
    char cell[MAXCOL][CELL];
    double est, lo, hi;         /* log scale; NAN when not drawn */
    double side;                /* square side, px */
    int bold;
    int anchor;                 /* 1: its interval must show, as a pooled one */
    char (*lines)[LINE];        /* R_NOTE: wrapped lines (layout) */
    size_t n_lines;
    double y, h;                /* top and height (layout) */
} row;

typedef struct {
    const char *head;           /* header text */
    const char *group;          /* text over neighbours with the same group */
    int left;                   /* 1: left of the plot */
    double w, x;                /* width and left edge (layout) */
} column;

#define MAXFOOT 16
#define MAXTICK MP_SVG_MAXTICK

typedef struct {
    const mp_report *r;
    char title[LINE];           /* the document's <title> */
    char label_head[CELL];
    column col[MAXCOL];
    size_t ncol;
    row *rows;
    size_t nrows, cap;
    char foot[MAXFOOT][LINE];
    size_t nfoot;
    char conclusion[MP_CONCLUSION_MAX];    /* last in the footer, wrapped */
    char favours[2][LINE];      /* left, right of 1 */
    double dashed;              /* log value of a dashed line, NAN for none */
    /* layout */
    double axlo, axhi;          /* axis limits, log scale */
    double tick[MAXTICK];
    char tick_label[MAXTICK][MP_NUMBUF];
    size_t ntick;
    double label_w, plot_x, width, height;
    double table_top, table_bottom, axis_y;
    char fav_lines[2][3][LINE];
    size_t n_fav[2];
    double fav_y, foot_y;
} plot;

static mp_status plot_init(plot *p, const mp_report *r, size_t rows_hint)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    p->dashed = NAN;
    p->cap = rows_hint + 8;
    p->rows = calloc(p->cap, sizeof *p->rows);
    return p->rows ? MP_OK : MP_ENOMEM;
}

static void plot_free(plot *p)
{
    for (size_t i = 0; p->rows && i < p->nrows; i++)
        free(p->rows[i].lines);
    free(p->rows);
    p->rows = NULL;
}

static size_t add_col(plot *p, const char *head, const char *group, int left)
{
    column *c = &p->col[p->ncol];
    c->head = head;
    c->group = group;
    c->left = left;
    return p->ncol++;
}

/* A new row (zeroed, no interval), or NULL when memory runs out. */
static row *add_row(plot *p, row_kind kind, const char *cls, const char *label)
{
    if (p->nrows == p->cap) {
        size_t cap = 2 * p->cap;
        row *t = realloc(p->rows, cap * sizeof *t);
        if (!t)
            return NULL;
        p->rows = t;
        p->cap = cap;
    }
    row *w = &p->rows[p->nrows++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->cls = cls;
    w->est = w->lo = w->hi = NAN;
    mp_svg_fit(w->label, sizeof w->label, label,
        kind == R_NOTE ? 0 : LABEL_MAX_EM);
    return w;
}

static void set_cell(row *w, size_t col, const char *text)
{
    mp_svg_fit(w->cell[col], CELL, text, 0);
}

static void add_foot(plot *p, const char *text)
{
    if (p->nfoot < MAXFOOT)
        mp_svg_fit(p->foot[p->nfoot++], LINE, text, 0);
}

static const char *measure_of(const mp_report *r)
{
    return mp_measure_name(mp_dataset_measure(r->ds));
}

/* "Overall survival (OS), hazard ratio" for the document's title. */
static void set_title(plot *p, const char *what)
{
    const char *outcome = mp_dataset_outcome(p->r->ds);
    const char *name = mp_report_outcome_name(outcome);
    snprintf(p->title, sizeof p->title, "%s: %s (%s), %s (%s)", what, name,
             outcome, mp_report_measure_name(mp_dataset_measure(p->r->ds)),
             measure_of(p->r));
}

/* "HR [95% CI]" */
static void ci_head(const plot *p, char *buf, size_t n)
{
    char lv[MP_NUMBUF];
    level_text(lv, p->r->opt->level);
    snprintf(buf, n, "%s [%s%% CI]", measure_of(p->r), lv);
}

void mp_svg_favours(char *buf, size_t n, const mp_report *r,
                    const mp_svg_options *o, int side)
{
    const char *given = o ? (side == 0 ? o->favours_left : o->favours_right)
                          : NULL;
    if (given) {
        mp_svg_fit(buf, n, given, 0);
        return;
    }
    const char *arm = mp_dataset_arm_label(r->ds, side == 0);
    char b[LINE];
    snprintf(b, sizeof b, "Favours %s",
             arm ? arm : side == 0 ? "experimental" : "control");
    mp_svg_fit(buf, n, b, 0);
}

static void set_favours(plot *p, const mp_svg_options *o)
{
    for (int side = 0; side < 2; side++)
        mp_svg_favours(p->favours[side], LINE, p->r, o, side);
}

/* "Heterogeneity: tau² = 0.0284; I² = 48.4%; Q = 9.68, df = 5 (p = 0.085)",
 * with the precision of the text report. */
static void het_text(char *buf, size_t n, const mp_fit_result *f)
{
    char t2[MP_NUMBUF], i2[MP_NUMBUF];
    mp_format_fixed(t2, f->random.tau2, 4);
    mp_format_fixed(i2, f->het.I2, 1);
    int used = snprintf(buf, n, "Heterogeneity: tau" SQ " = %s; I" SQ " = %s%%; ",
                        t2, i2);
    if (used >= 0 && (size_t)used < n)
        mp_report_q_phrase(buf + used, n - (size_t)used, MP_STYLE_PLOT,
                           f->het.Q, f->het.df, f->het.p);
}

/* ---- the forest plot ---------------------------------------------------------------- */

typedef struct {
    size_t year, n, events, ci, wf, wr;
    int has_n, has_events;
} forest_cols;

/* With --bayes (issue 19): under study i its shrunken effect, the
 * posterior median and central interval of theta_i. */
static mp_status shrink_row(plot *p, const forest_cols *fc, size_t i)
{
    const mp_bayes_result *b = p->r->bayes;
    if (!b || !b->shrinkage)
        return MP_OK;
    const mp_bayes_brief *sh = &b->shrinkage[i];
    row *w = add_row(p, R_SHRINK, "shrinkage", "Shrunken estimate");
    if (!w)
        return MP_ENOMEM;
    char buf[LINE];
    w->est = sh->median;
    w->lo = sh->lower;
    w->hi = sh->upper;
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    return MP_OK;
}

static mp_status study_row(plot *p, const forest_cols *fc,
                           const mp_weight_sums *sums, double wmax, size_t i,
                           double *wf_sum, double *wr_sum)
{
    const mp_dataset *ds = p->r->ds;
    char title[LINE];
    const char *mark = mp_derived_mark(mp_dataset_derived(ds, i));
    if (mark) {     /* the mark of a derived effect, kept from the cut */
        mp_svg_fit(title, sizeof title - 8, mp_dataset_title(ds, i),
                   LABEL_MAX_EM - 3 * 55);
        strcat(strcat(strcat(title, " ("), mark), ")");
    }
    row *w = add_row(p, R_STUDY, "study", mark ? title : mp_dataset_title(ds, i));
    if (!w)
        return MP_ENOMEM;
    mp_study_figures f;
    mp_report_study(p->r, sums, i, &f);
    char buf[LINE], a[MP_NUMBUF];
    if (mp_dataset_year(ds, i) > 0) {
        snprintf(buf, sizeof buf, "%d", mp_dataset_year(ds, i));
        set_cell(w, fc->year, buf);
    }
    if (fc->has_n) {
        long ne = mp_dataset_n(ds, i, 1), nc = mp_dataset_n(ds, i, 0);
        if (ne >= 0 && nc >= 0) {
            snprintf(buf, sizeof buf, "%ld/%ld", ne, nc);
            set_cell(w, fc->n, buf);
        }
    }
    if (fc->has_events) {
        long ee = mp_dataset_events(ds, i, 1), ec = mp_dataset_events(ds, i, 0);
        if (ee >= 0 && ec >= 0) {
            snprintf(buf, sizeof buf, "%ld/%ld", ee, ec);
            set_cell(w, fc->events, buf);
        }
    }
    ratio_ci(buf, sizeof buf, f.yi, f.lower, f.upper);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, f.w_fixed);
    set_cell(w, fc->wf, a);
    if (p->r->fit->has_random) {
        mp_format_percent(a, f.w_random);
        set_cell(w, fc->wr, a);
    }
    w->est = f.yi;
    w->lo = f.lower;
    w->hi = f.upper;
    double wt = p->r->fit->has_random ? f.w_random : f.w_fixed;
    w->side = wmax > 0 && isfinite(wt) ? SQUARE_MAX * sqrt(wt / wmax) : SQUARE_MIN;
    if (!(w->side >= SQUARE_MIN))
        w->side = SQUARE_MIN;
    *wf_sum += f.w_fixed;
    *wr_sum += isfinite(f.w_random) ? f.w_random : 0;
    return shrink_row(p, fc, i);
}

/* A bold diamond row: the pooled estimate with its interval, and its
 * weight (percent) in column wcol.  NULL when memory runs out. */
static row *diamond_row(plot *p, const forest_cols *fc, const char *cls,
                        const char *label, double est, double lo, double hi,
                        size_t wcol, double weight)
{
    char buf[LINE], a[MP_NUMBUF];
    row *w = add_row(p, R_DIAMOND, cls, label);
    if (!w)
        return NULL;
    w->bold = 1;
    w->est = est;
    w->lo = lo;
    w->hi = hi;
    ratio_ci(buf, sizeof buf, est, lo, hi);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, weight);
    set_cell(w, wcol, a);
    return w;
}

/* Place row w at the pooled figures of f (mp_fit_pooled); their p. */
static double pooled_figures(row *w, const mp_fit_result *f)
{
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    w->est = pf.log_estimate;
    w->lo = pf.lower;
    w->hi = pf.upper;
    return pf.p;
}

/* A prediction interval row from lo to hi (log scale). */
static mp_status pi_row(plot *p, const forest_cols *fc, const char *cls,
                        const char *label, double lo, double hi)
{
    char buf[LINE];
    row *w = add_row(p, R_PI, cls, label);
    if (!w)
        return MP_ENOMEM;
    w->lo = lo;
    w->hi = hi;
    ratio_ci(buf, sizeof buf, NAN, lo, hi);
    set_cell(w, fc->ci, buf);
    return MP_OK;
}

/* The pooled rows of a fit: fixed and random diamonds (weights wf, wr in
 * percent, NAN for none) and the prediction interval. */
static mp_status pooled_rows(plot *p, const forest_cols *fc,
                             const mp_fit_result *f, int fixed, double wf,
                             double wr, const char *cls)
{
    char buf[LINE];
    if (fixed && !diamond_row(p, fc, cls, "Fixed effect (inverse variance)",
                              f->fixed.log_estimate, f->fixed.lower,
                              f->fixed.upper, fc->wf, wf))
        return MP_ENOMEM;
    if (!f->has_random)
        return MP_OK;
    mp_report_random_name(buf, sizeof buf, "Random effects", &f->random);
    if (!diamond_row(p, fc, cls, buf, f->random.log_estimate, f->random.lower,
                     f->random.upper, fc->wr, wr))
        return MP_ENOMEM;
    if (isfinite(f->random.pi_lower) && isfinite(f->random.pi_upper)) {
        mp_report_pi_label(&f->random, buf, sizeof buf);
        return pi_row(p, fc, "prediction", buf, f->random.pi_lower,
                      f->random.pi_upper);
    }
    return MP_OK;
}

/* A subgroup's subtotal: one diamond (random effects, or the fixed effect
 * of a single study) and its heterogeneity line. */
static mp_status subtotal_rows(plot *p, const forest_cols *fc,
                               const mp_subgroup *g, double wf, double wr)
{
    char buf[LINE], a[MP_NUMBUF];
    row *w;
    const mp_fit_result *f = &g->fit;
    if (f->status != MP_OK) {
        snprintf(buf, sizeof buf, "Subtotal: not estimable (%s)",
                 mp_status_string(f->status));
        return add_row(p, R_NOTE, "note", buf) ? MP_OK : MP_ENOMEM;
    }
    if (f->has_random) {
        char name[LINE];
        mp_report_random_name(name, sizeof name, "Subtotal", &f->random);
        w = add_row(p, R_DIAMOND, "subtotal", name);
    } else {
        w = add_row(p, R_DIAMOND, "subtotal", "Subtotal (fixed effect, 1 study)");
    }
    if (!w)
        return MP_ENOMEM;
    w->bold = 1;
    pooled_figures(w, f);
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, wf);
    set_cell(w, fc->wf, a);
    if (p->r->fit->has_random) {
        mp_format_percent(a, wr);
        set_cell(w, fc->wr, a);
    }
    if (f->has_random) {
        het_text(buf, sizeof buf, f);
        if (!add_row(p, R_NOTE, "note", buf))
            return MP_ENOMEM;
    }
    return MP_OK;
}

/* With --bayes (issue 19): the posterior of mu as a diamond (median,
 * central credible interval) and the posterior predictive interval. */
static mp_status bayes_rows(plot *p, const forest_cols *fc)
{
    const mp_bayes_result *b = p->r->bayes;
    if (!b)
        return MP_OK;
    char buf[LINE];
    row *w = add_row(p, R_DIAMOND, "bayes", "Bayesian random effects");
    if (!w)
        return MP_ENOMEM;
    w->bold = 1;
    w->est = b->mu.median;
    w->lo = b->mu.lower;
    w->hi = b->mu.upper;
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    return pi_row(p, fc, "bayes-prediction", "Bayesian prediction interval",
                  b->prediction.lower, b->prediction.upper);
}

/* The Bayesian rows explained in the footer: priors, what the intervals
 * are, tau and P(ratio < 1). */
static void bayes_footer(plot *p)
{
    const mp_report *r = p->r;
    if (!r->bayes)
        return;
    char lv[MP_NUMBUF], tau[3][MP_NUMBUF], buf[LINE], pr[MP_NUMBUF + 32] = "";
    level_text(lv, r->bayes_opt->level);
    mp_format_fixed(tau[0], r->bayes->tau.median, 3);
    mp_format_fixed(tau[1], r->bayes->tau.lower, 3);
    mp_format_fixed(tau[2], r->bayes->tau.upper, 3);
    for (size_t i = 0; i < r->bayes->n_thresholds; i++)
        if (r->bayes_opt->thresholds[i] == 1) {
            char v[MP_NUMBUF];
            mp_format_p(v, r->bayes->p_below[i]);
            snprintf(pr, sizeof pr, "; P(%s < 1) = %s", measure_of(r), v);
        }
    snprintf(buf, sizeof buf, "Bayesian (tau prior %s, mu prior %s): posterior "
             "medians, %s%% central credible intervals;", r->tau_prior,
             r->mu_prior, lv);
    add_foot(p, buf);
    snprintf(buf, sizeof buf, "tau = %s [%s, %s]%s", tau[0], tau[1], tau[2], pr);
    add_foot(p, buf);
}

static mp_status forest_rows(plot *p, forest_cols *fc)
{
    const mp_report *r = p->r;
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    double wmax = 0;
    for (size_t i = 0; i < k; i++) {
        mp_study_figures f;
        mp_report_study(r, &sums, i, &f);
        double wt = r->fit->has_random ? f.w_random : f.w_fixed;
        if (isfinite(wt) && wt > wmax)
            wmax = wt;
    }
    mp_status st;
    double wf = 0, wr = 0;
    if (r->sub) {
        for (size_t g = 0; g < r->sub->n_groups; g++) {
            const mp_subgroup *sg = &r->sub->groups[g];
            row *h = add_row(p, R_HEADING, "heading",
                             sg->value ? sg->value : "Unspecified");
            if (!h)
                return MP_ENOMEM;
            h->bold = 1;
            double gwf = 0, gwr = 0;
            for (size_t j = 0; j < sg->k; j++)
                if ((st = study_row(p, fc, &sums, wmax, sg->rows[j], &gwf, &gwr)))
                    return st;
            if ((st = subtotal_rows(p, fc, sg, gwf, gwr)))
                return st;
            if (!add_row(p, R_GAP, "gap", ""))
                return MP_ENOMEM;
            wf += gwf;
            wr += gwr;
        }
    } else {
        for (size_t i = 0; i < k; i++)
            if ((st = study_row(p, fc, &sums, wmax, i, &wf, &wr)))
                return st;
        if (!add_row(p, R_GAP, "gap", ""))
            return MP_ENOMEM;
    }
    st = pooled_rows(p, fc, r->fit, 1, 100.0, r->fit->has_random ? 100.0 : NAN,
                     "pooled");
    return st == MP_OK ? bayes_rows(p, fc) : st;
}

static void forest_footer(plot *p)
{
    const mp_fit_result *f = p->r->fit;
    char buf[LINE], t[160];
    if (f->has_random) {
        het_text(buf, sizeof buf, f);
        add_foot(p, buf);
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, 0, f->fixed.z, NAN,
                              f->fixed.p);
        snprintf(buf, sizeof buf, "Test for overall effect (fixed effect): %s", t);
        add_foot(p, buf);
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, f->random.t_test,
                              f->random.statistic, f->random.df, f->random.p);
        snprintf(buf, sizeof buf, "Test for overall effect (random effects): %s", t);
        add_foot(p, buf);
    } else {
        add_foot(p, "Heterogeneity: not applicable (one study)");
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, 0, f->fixed.z, NAN,
                              f->fixed.p);
        snprintf(buf, sizeof buf, "Test for overall effect: %s", t);
        add_foot(p, buf);
    }
    if (p->r->sub) {
        mp_report_subgroup_test(t, sizeof t, MP_STYLE_PLOT, p->r->sub);
        snprintf(buf, sizeof buf, "Test for subgroup differences: %s", t);
        add_foot(p, buf);
    }
    int has;
    for (size_t j = 0; (has = mp_report_derived_note(p->r, j, buf, sizeof buf)) >= 0; j++)
        if (has)
            add_foot(p, buf);
    bayes_footer(p);
    mp_conclusion(p->conclusion, sizeof p->conclusion,
                  mp_dataset_measure(p->r->ds), p->r->opt->level, f);
}

/* ---- pooled-fit rows: cumulative and leave-one-out ---------------------------------- */

typedef struct {
    size_t ci, p, i2, tau2;
} fit_cols;

static void fit_cols_add(plot *p, fit_cols *fc, char *ci_buf, size_t n)
{
    ci_head(p, ci_buf, n);
    fc->ci = add_col(p, ci_buf, NULL, 0);
    fc->p = add_col(p, "p", NULL, 0);
    fc->i2 = add_col(p, "I" SQ, NULL, 0);
    fc->tau2 = add_col(p, "tau" SQ, NULL, 0);
}

/* Cells and interval of one pooled fit; a failed fit gets its reason. */
static void fit_cells(row *w, const fit_cols *fc, const mp_fit_result *f)
{
    char buf[LINE], a[MP_NUMBUF];
    if (f->status != MP_OK) {
        snprintf(buf, sizeof buf, "not estimable: %s", mp_status_string(f->status));
        set_cell(w, fc->ci, buf);
        return;
    }
    mp_format_p(a, pooled_figures(w, f));
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    set_cell(w, fc->p, a);
    if (f->has_random) {
        mp_format_percent(a, f->het.I2);
        set_cell(w, fc->i2, a);
        mp_format_fixed(a, f->random.tau2, 4);
        set_cell(w, fc->tau2, a);
    }
}

/* ---- layout ------------------------------------------------------------------------- */

/* The axis: the ticks of mp_svg_choose_ticks for the data range [lo, hi]
 * (log) on the plot's width. */
static void choose_axis(plot *p, double lo, double hi)
{
    mp_svg_ticks best;
    mp_svg_choose_ticks(lo, hi, PLOT_W, FONT, &best);
    p->axlo = best.lo;
    p->axhi = best.hi;
    p->ntick = best.n;
    for (size_t i = 0; i < best.n; i++) {
        p->tick[i] = best.v[i];
        memcpy(p->tick_label[i], best.label[i], MP_NUMBUF);
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The data range.  The pooled estimates and intervals must show (within
 * the axis limits), and so must 1 and the interval of an anchor row (the
 * last step of a cumulative plot: all studies).  Study estimates and
 * intervals are shown as far as they stay within a reach of that (a
 * factor 4, or half the pooled range); of the intervals, the most extreme
 * twentieth on each side may be left out.  So one enormous interval, or a
 * study of negligible weight far away, is clipped with an arrow instead of
 * squashing the plot.  Returns MP_OK or MP_ENOMEM. */
static mp_status data_range(const plot *p, double *lo, double *hi)
{
    double a = 0, b = 0;            /* log 1 */
    int pooled = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        const row *w = &p->rows[i];
        if (!isfinite(w->lo) || !isfinite(w->hi))
            continue;
        if (w->kind == R_DIAMOND || w->kind == R_PI || w->anchor) {
            a = fmin(a, w->lo);
            b = fmax(b, w->hi);
            pooled = 1;
        }
        if ((w->kind == R_STUDY || w->kind == R_POINT) && !w->anchor)
            n++;
    }
    a = fmax(a, AXIS_MIN_LOG);
    b = fmin(b, AXIS_MAX_LOG);
    /* without a pooled row (a plot of failed fits) everything is wanted */
    double reach = pooled ? fmax(log(4.0), 0.5 * (b - a)) : AXIS_MAX_LOG;
    double ea = a, eb = b, ia = a, ib = b;
    if (n > 0) {
        double *los = malloc(2 * n * sizeof *los);
        if (!los)
            return MP_ENOMEM;
        double *his = los + n;
        size_t m = 0;
        for (size_t i = 0; i < p->nrows; i++) {
            const row *w = &p->rows[i];
            if ((w->kind != R_STUDY && w->kind != R_POINT) || w->anchor ||
                !isfinite(w->lo) || !isfinite(w->hi))
                continue;
            if (isfinite(w->est)) {
                ea = fmin(ea, w->est);
                eb = fmax(eb, w->est);
            }
            los[m] = w->lo;
            his[m] = w->hi;
            m++;
        }
        qsort(los, n, sizeof *los, by_value);
        qsort(his, n, sizeof *his, by_value);
        size_t skip = n / 20;
        ia = fmin(ia, los[skip]);
        ib = fmax(ib, his[n - 1 - skip]);
        free(los);
    }
    *lo = fmax(fmin(ea, ia), a - reach);
    *hi = fmin(fmax(eb, ib), b + reach);
    *lo = fmax(*lo, AXIS_MIN_LOG);
    *hi = fmin(*hi, AXIS_MAX_LOG);
    if (*hi - *lo < 2 * log(1.1)) {
        *lo -= log(1.1);
        *hi += log(1.1);
    }
    return MP_OK;
}

static double x_of(const plot *p, double v)
{
    if (v < p->axlo)
        v = p->axlo;
    if (v > p->axhi)
        v = p->axhi;
    return p->plot_x + (v - p->axlo) / (p->axhi - p->axlo) * PLOT_W;
}

static mp_status layout(plot *p)
{
    /* label column */
    p->label_w = mp_svg_text_px(p->label_head, FONT, 1);
    for (size_t i = 0; i < p->nrows; i++) {
        const row *w = &p->rows[i];
        if (w->kind != R_NOTE)
            p->label_w = fmax(p->label_w, mp_svg_text_px(w->label, FONT, w->bold));
    }
    /* other columns: header and cells */
    for (size_t c = 0; c < p->ncol; c++) {
        column *col = &p->col[c];
        col->w = mp_svg_text_px(col->head, FONT, 1);
        for (size_t i = 0; i < p->nrows; i++)
            col->w = fmax(col->w, mp_svg_text_px(p->rows[i].cell[c], FONT, p->rows[i].bold));
    }
    /* a group heading wider than its columns widens the last of them */
    for (size_t c = 0; c < p->ncol; c++) {
        if (!p->col[c].group)
            continue;
        size_t e = c;
        while (e + 1 < p->ncol && p->col[e + 1].group &&
               strcmp(p->col[e + 1].group, p->col[c].group) == 0)
            e++;
        double span = -COL_GAP;
        for (size_t j = c; j <= e; j++)
            span += p->col[j].w + COL_GAP;
        double need = mp_svg_text_px(p->col[c].group, FONT, 1);
        if (need > span)
            p->col[e].w += need - span;
        c = e;
    }
    double x = MARGIN + p->label_w + COL_GAP;
    for (size_t c = 0; c < p->ncol; c++)
        if (p->col[c].left) {
            p->col[c].x = x;
            x += p->col[c].w + COL_GAP;
        }
    p->plot_x = x;
    x += PLOT_W + COL_GAP;
    for (size_t c = 0; c < p->ncol; c++)
        if (!p->col[c].left) {
            p->col[c].x = x;
            x += p->col[c].w + COL_GAP;
        }
    p->width = x - COL_GAP + MARGIN;
    for (size_t i = 0; i < p->nfoot; i++)
        p->width = fmax(p->width, 2 * MARGIN + mp_svg_text_px(p->foot[i], FONT, 0));
    p->nfoot += mp_svg_wrap(p->conclusion, p->width - 2 * MARGIN, FONT,
                     p->foot + p->nfoot, MAXFOOT - p->nfoot);

    /* axis */
    double lo, hi;
    if (data_range(p, &lo, &hi) != MP_OK)
        return MP_ENOMEM;
    choose_axis(p, lo, hi);

    /* rows, top down */
    int groups = 0;
    for (size_t c = 0; c < p->ncol; c++)
        groups |= p->col[c].group != NULL;
    double y = MARGIN + (groups ? HEAD_H : 0) + HEAD_H + 6;
    p->table_top = y;
    double note_w = p->plot_x - COL_GAP - MARGIN;
    for (size_t i = 0; i < p->nrows; i++) {
        row *w = &p->rows[i];
        if (w->kind == R_NOTE) {
            w->lines = malloc(4 * sizeof *w->lines);
            if (!w->lines)
                return MP_ENOMEM;
            w->n_lines = mp_svg_wrap(w->label, note_w, FONT_SMALL, w->lines, 4);
            w->h = w->n_lines * NOTE_LINE_H + 4;
        } else {
            w->h = w->kind == R_GAP ? GAP_H : ROW_H;
        }
        w->y = y;
        y += w->h;
    }
    p->table_bottom = y;
    p->axis_y = y + 6;

    /* favours labels under the axis, each side of 1 */
    double x1 = x_of(p, 0);
    double room[2] = { fmin(x1 - 10 - MARGIN, FAVOURS_W),
                       fmin(p->width - MARGIN - (x1 + 10), FAVOURS_W) };
    for (int s = 0; s < 2; s++)
        p->n_fav[s] = mp_svg_wrap(p->favours[s], fmax(room[s], 60), FONT,
                           p->fav_lines[s], 3);
    p->fav_y = p->axis_y + 6 + FONT + 8 + FONT;
    size_t nf = p->n_fav[0] > p->n_fav[1] ? p->n_fav[0] : p->n_fav[1];
    p->foot_y = p->fav_y + (nf > 0 ? (double)(nf - 1) * (FONT + 3) : 0) + 12 + FONT;
    p->height = p->foot_y + (p->nfoot > 0 ? (double)(p->nfoot - 1) * (FONT + 6) : 0) +
                MARGIN;
    return MP_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

/* Baseline of text centred on a row. */
static double baseline(const row *w)
{
    return w->y + w->h / 2 + FONT * 0.35;
}

static double cell_x(const column *c)
{
    return c->x + c->w;         /* right-aligned */
}

/* An interval from lo to hi at height y, with an arrow at each end that
 * runs off the axis. */
static void interval(mp_svg_writer *s, const plot *p, double y, double lo, double hi,
                     double width)
{
    double x0 = x_of(p, lo), x1 = x_of(p, hi);
    int left = lo < p->axlo, right = hi > p->axhi;
    double a = left ? x0 + ARROW_LEN : x0, b = right ? x1 - ARROW_LEN : x1;
    if (b > a)
        mp_svg_line(s, a, y, b, y, width, NULL);
    if (left) {
        double xy[] = { x0, y, x0 + ARROW_LEN, y - ARROW_HALF, x0 + ARROW_LEN,
                        y + ARROW_HALF };
        mp_svg_polygon(s, "arrow", xy, 3);
    }
    if (right) {
        double xy[] = { x1, y, x1 - ARROW_LEN, y - ARROW_HALF, x1 - ARROW_LEN,
                        y + ARROW_HALF };
        mp_svg_polygon(s, "arrow", xy, 3);
    }
}

static void square(mp_svg_writer *s, const plot *p, double cy, double est, double side)
{
    if (est < p->axlo || est > p->axhi)
        return;                 /* off the axis: the arrow shows where */
    double cx = x_of(p, est);
    mp_svg_start(s, "rect");
    mp_svg_attr(s, "class", "square");
    mp_svg_attr_num(s, "x", cx - side / 2);
    mp_svg_attr_num(s, "y", cy - side / 2);
    mp_svg_attr_num(s, "width", side);
    mp_svg_attr_num(s, "height", side);
    mp_svg_attr(s, "fill", INK);
    mp_svg_end(s);
}

/* An open circle at est (nothing off the axis: the arrow shows where). */
static void shrink_circle(mp_svg_writer *s, const plot *p, double cy, double est)
{
    if (est >= p->axlo && est <= p->axhi)
        mp_svg_circle(s, "shrunken", x_of(p, est), cy, SHRINK_R, 0);
}

/* Keep the part of polygon xy (n points, log x) with x >= c (sign 1) or
 * x <= c (sign -1); Sutherland-Hodgman against one edge.  out holds 2n. */
static size_t clip_edge(const double *xy, size_t n, double c, int sign,
                        double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *a = xy + 2 * i, *b = xy + 2 * ((i + 1) % n);
        int ina = sign * (a[0] - c) >= 0, inb = sign * (b[0] - c) >= 0;
        if (ina) {
            out[2 * m] = a[0];
            out[2 * m + 1] = a[1];
            m++;
        }
        if (ina != inb) {
            double t = (c - a[0]) / (b[0] - a[0]);
            out[2 * m] = c;
            out[2 * m + 1] = a[1] + t * (b[1] - a[1]);
            m++;
        }
    }
    return m;
}

/* A diamond from lo to hi with its widest point at est, cut where it
 * leaves the axis (the cut edge is vertical). */
static void diamond(mp_svg_writer *s, const plot *p, double cy, double est, double lo,
                    double hi)
{
    double d[] = { lo, cy, est, cy - DIAMOND_HALF, hi, cy, est, cy + DIAMOND_HALF };
    double c1[16], c2[16];
    size_t n = clip_edge(d, 4, p->axlo, 1, c1);
    n = clip_edge(c1, n, p->axhi, -1, c2);
    if (n < 3)
        return;
    for (size_t i = 0; i < n; i++)
        c2[2 * i] = x_of(p, c2[2 * i]);
    mp_svg_polygon(s, "diamond", c2, n);
}

static void write_row(mp_svg_writer *s, const plot *p, size_t idx)
{
    const row *w = &p->rows[idx];
    if (w->kind == R_GAP)
        return;
    double by = baseline(w), cy = w->y + w->h / 2;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", w->cls);
    if (w->kind == R_NOTE) {
        for (size_t i = 0; i < w->n_lines; i++)
            mp_svg_text(s, MARGIN, w->y + 2 + (double)(i + 1) * NOTE_LINE_H - 3.5, NULL, 0,
                 FONT_SMALL, w->lines[i]);
        mp_svg_end(s);
        return;
    }
    mp_svg_text(s, MARGIN, by, NULL, w->bold, FONT, w->label);
    for (size_t c = 0; c < p->ncol; c++)
        mp_svg_text(s, cell_x(&p->col[c]), by, "end", w->bold, FONT, w->cell[c]);
    if (isfinite(w->lo) && isfinite(w->hi)) {
        switch (w->kind) {
        case R_STUDY:
        case R_POINT:
            interval(s, p, cy, w->lo, w->hi, CI_STROKE);
            if (isfinite(w->est))
                square(s, p, cy, w->est, w->kind == R_STUDY ? w->side : POINT_SIDE);
            break;
        case R_DIAMOND:
            diamond(s, p, cy, w->est, w->lo, w->hi);
            break;
        case R_SHRINK:
            interval(s, p, cy, w->lo, w->hi, 1.0);
            shrink_circle(s, p, cy, w->est);
            break;
        case R_PI:
            interval(s, p, cy, w->lo, w->hi, 2.0);
            if (w->lo >= p->axlo)
                mp_svg_line(s, x_of(p, w->lo), cy - 4, x_of(p, w->lo), cy + 4, 1.5, NULL);
            if (w->hi <= p->axhi)
                mp_svg_line(s, x_of(p, w->hi), cy - 4, x_of(p, w->hi), cy + 4, 1.5, NULL);
            break;
        default:
            break;
        }
    }
    mp_svg_end(s);
}

static void write_header(mp_svg_writer *s, const plot *p)
{
    int groups = 0;
    for (size_t c = 0; c < p->ncol; c++)
        groups |= p->col[c].group != NULL;
    double y2 = MARGIN + (groups ? HEAD_H : 0) + FONT;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "header");
    mp_svg_attr(s, "font-weight", "bold");
    mp_svg_text(s, MARGIN, y2, NULL, 0, FONT, p->label_head);
    for (size_t c = 0; c < p->ncol; c++) {
        const column *col = &p->col[c];
        mp_svg_text(s, cell_x(col), y2, "end", 0, FONT, col->head);
        if (col->group && (c == 0 || !p->col[c - 1].group ||
                           strcmp(p->col[c - 1].group, col->group) != 0)) {
            size_t e = c;
            while (e + 1 < p->ncol && p->col[e + 1].group &&
                   strcmp(p->col[e + 1].group, col->group) == 0)
                e++;
            double mid = (col->x + p->col[e].x + p->col[e].w) / 2;
            mp_svg_text(s, mid, y2 - HEAD_H, "middle", 0, FONT, col->group);
        }
    }
    mp_svg_end(s);
    mp_svg_line(s, MARGIN, p->table_top - 3, p->width - MARGIN, p->table_top - 3, 1, NULL);
}

static void write_axis(mp_svg_writer *s, const plot *p)
{
    double y = p->axis_y;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "axis");
    mp_svg_line(s, p->plot_x, y, p->plot_x + PLOT_W, y, 1, NULL);
    for (size_t i = 0; i < p->ntick; i++) {
        double x = x_of(p, p->tick[i]);
        mp_svg_line(s, x, y, x, y + 5, 1, NULL);
        mp_svg_text(s, x, y + 6 + FONT, "middle", 0, FONT, p->tick_label[i]);
    }
    double x1 = x_of(p, 0);
    for (size_t i = 0; i < p->n_fav[0]; i++)
        mp_svg_text(s, x1 - 10, p->fav_y + (double)i * (FONT + 3), "end", 0, FONT,
             p->fav_lines[0][i]);
    for (size_t i = 0; i < p->n_fav[1]; i++)
        mp_svg_text(s, x1 + 10, p->fav_y + (double)i * (FONT + 3), NULL, 0, FONT,
             p->fav_lines[1][i]);
    mp_svg_end(s);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "footer");
    for (size_t i = 0; i < p->nfoot; i++)
        mp_svg_text(s, MARGIN, p->foot_y + (double)i * (FONT + 6), NULL, 0, FONT, p->foot[i]);
    mp_svg_end(s);
}

static void write_doc(mp_svg_writer *s, const void *ctx)
{
    const plot *p = ctx;
    mp_svg_root(s, p->width, p->height, p->title, NULL);
    write_header(s, p);
    /* reference lines under the markers */
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "reference");
    double x1 = x_of(p, 0);
    mp_svg_line(s, x1, p->table_top, x1, p->axis_y, 1, NULL);
    if (isfinite(p->dashed) && p->dashed >= p->axlo && p->dashed <= p->axhi) {
        double xd = x_of(p, p->dashed);
        mp_svg_line(s, xd, p->table_top, xd, p->axis_y, 1, "4,3");
    }
    mp_svg_end(s);
    for (size_t i = 0; i < p->nrows; i++)
        write_row(s, p, i);
    write_axis(s, p);
    mp_svg_end(s);     /* svg */
}

/* Lay out, then write the document to out. */
static mp_status emit(FILE *out, plot *p)
{
    mp_status st = layout(p);
    return st == MP_OK ? mp_svg_document(out, write_doc, p) : st;
}

/* ---- entry points --------------------------------------------------------------------- */

mp_status mp_svg_forest(FILE *out, const mp_report *r, const mp_svg_options *o)
{
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    plot p;
    if (plot_init(&p, r, k + (r->sub ? 4 * r->sub->n_groups : 0) + 8) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, r->sub ? "Forest plot by subgroup" : "Forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study");
    forest_cols fc = { 0 };
    for (size_t i = 0; i < k; i++) {
        fc.has_n |= mp_dataset_n(ds, i, 1) >= 0 && mp_dataset_n(ds, i, 0) >= 0;
        fc.has_events |= mp_dataset_events(ds, i, 1) >= 0 &&
                         mp_dataset_events(ds, i, 0) >= 0;
    }
    char ci[CELL];
    ci_head(&p, ci, sizeof ci);
    fc.year = add_col(&p, "Year", NULL, 1);
    if (fc.has_n)
        fc.n = add_col(&p, "n (E/C)", NULL, 1);
    if (fc.has_events)
        fc.events = add_col(&p, "Events (E/C)", NULL, 1);
    fc.ci = add_col(&p, ci, NULL, 0);
    fc.wf = add_col(&p, "fixed", "Weight", 0);
    if (r->fit->has_random)
        fc.wr = add_col(&p, "random", "Weight", 0);
    set_favours(&p, o);
    mp_status st = forest_rows(&p, &fc);
    if (st == MP_OK) {
        forest_footer(&p);
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}

mp_status mp_svg_cumulative(FILE *out, const mp_report *r, const mp_svg_options *o)
{
    const mp_cumulative *c = r->cum;
    if (!c)
        return MP_EINPUT;
    plot p;
    if (plot_init(&p, r, c->k) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, "Cumulative forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study added");
    size_t cy = add_col(&p, "Year", NULL, 1);
    size_t ck = add_col(&p, "k", NULL, 1);
    fit_cols fc;
    char ci[CELL];
    fit_cols_add(&p, &fc, ci, sizeof ci);
    set_favours(&p, o);
    mp_status st = MP_OK;
    for (size_t j = 0; j < c->k && st == MP_OK; j++) {
        size_t i = c->order[j];
        row *w = add_row(&p, R_POINT, "step", mp_dataset_title(r->ds, i));
        if (!w) {
            st = MP_ENOMEM;
            break;
        }
        char buf[CELL];
        if (mp_dataset_year(r->ds, i) > 0) {
            snprintf(buf, sizeof buf, "%d", mp_dataset_year(r->ds, i));
            set_cell(w, cy, buf);
        }
        snprintf(buf, sizeof buf, "%zu", j + 1);
        set_cell(w, ck, buf);
        fit_cells(w, &fc, &c->fits[j]);
        w->anchor = j + 1 == c->k;      /* all studies: must show */
    }
    if (st == MP_OK) {
        char m[96], buf[LINE];
        mp_report_model_words(m, sizeof m, r->fit);
        snprintf(buf, sizeof buf, "Each row pools the studies up to and including "
                 "it, in order of publication year (%s;", m);
        add_foot(&p, buf);
        add_foot(&p, "fixed effect while only one study is pooled).");
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}

mp_status mp_svg_leave_one_out(FILE *out, const mp_report *r,
                               const mp_svg_options *o)
{
    if (!r->loo)
        return MP_EINPUT;
    size_t k = mp_dataset_k(r->ds);
    plot p;
    if (plot_init(&p, r, k + 2) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, "Leave-one-out forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study omitted");
    fit_cols fc;
    char ci[CELL];
    fit_cols_add(&p, &fc, ci, sizeof ci);
    set_favours(&p, o);
    mp_status st = MP_OK;
    for (size_t i = 0; i < k; i++) {
        char title[LINE - 16];
        mp_svg_fit(title, sizeof title, mp_dataset_title(r->ds, i), LABEL_MAX_EM);
        row *w = add_row(&p, R_POINT, "omitted", NULL);
        if (!w) {
            st = MP_ENOMEM;
            break;
        }
        snprintf(w->label, sizeof w->label, "Omitting %s", title);
        fit_cells(w, &fc, &r->loo[i]);
    }
    char m[96], buf[LINE];
    mp_report_model_words(m, sizeof m, r->fit);
    row *w = NULL;
    if (st == MP_OK && (!add_row(&p, R_GAP, "gap", "") ||
                        !(w = add_row(&p, R_DIAMOND, "pooled", "All studies"))))
        st = MP_ENOMEM;
    if (st == MP_OK) {
        w->bold = 1;
        fit_cells(w, &fc, r->fit);
        p.dashed = w->est;
        snprintf(buf, sizeof buf, "Each row pools all studies but the one named "
                 "(%s); dashed line: all studies.", m);
        add_foot(&p, buf);
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}
