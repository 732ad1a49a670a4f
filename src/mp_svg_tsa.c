/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_tsa.c - the TSA plot as SVG; see mp_svg_tsa.h.
 *
 * As the forest plots: the figure is laid out first (scales, the boundary
 * curves from mp_tsa_curve, text lines), then written by mp_svg_document.
 */
#include "mp_svg_tsa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "mp_dataset.h"
#include "mp_format.h"
#include "mp_svg_chart.h"
#include "mp_svg_draw.h"
#include "mp_svg_text.h"
#include "mp_tsa.h"

#define FONT MP_SVG_FONT
#define FONT_SMALL 11.0
#define MARGIN 16.0
#define FAV_W 120.0         /* the favours labels left of the Z axis */
#define TICK_W 30.0         /* the Z tick labels */
#define PLOT_W 480.0
#define PLOT_H 320.0
#define RIGHT_W 24.0        /* room for the last x label */
#define LEGEND_H 18.0       /* a legend or list line */
#define SAMPLE_W 36.0       /* a legend's line sample */
#define LOOK_R 3.5          /* radius of a look's circle */
#define FOOT_LINES 6

#define SQ "\xc2\xb2"       /* superscript two */
#define PM "\xc2\xb1"       /* plus-minus */

/* Line styles: one ink, told apart by width and dashes. */
#define W_CURVE 1.5
#define W_BOUND 2.0
#define DASH_CONV "6,4"
#define DASH_FUT "8,3,2,3"
#define DASH_RIS "2,3"

typedef struct {
    const mp_report *r;
    const mp_tsa_result *t;
    mp_tsa_point *pts;          /* the boundary curves */
    size_t npts;
    double zc;                  /* z_{1-alpha/2} */
    double ris;                 /* adjusted required information */
    double xmax, xstep, ymax, ystep;
    double plot_x, plot_y, width, height;
    double legend_y, list_y, foot_y;
    char title[MP_SVG_LINE], favours[2][3][MP_SVG_LINE];
    size_t n_fav[2];
    char foot[FOOT_LINES][MP_SVG_LINE];
    size_t n_foot;
    char conclusion[MP_TSA_CONCLUSION_MAX];
    int numbered;               /* the looks carry numbers and a list */
    size_t n_legend;
} tsa_plot;

/* ---- scales ------------------------------------------------------------------ */

/* A round step (1, 2 or 5 times a power of ten) that cuts range into at
 * most n steps. */
static double round_step(double range, double n)
{
    double e = pow(10, floor(log10(range / n)));
    static const double m[] = { 1, 2, 5, 10 };
    for (size_t i = 0; i < 4; i++)
        if (m[i] * e * n >= range)
            return m[i] * e;
    return 10 * e;
}

static double x_of(const tsa_plot *p, double info)
{
    return p->plot_x + PLOT_W * info / p->xmax;
}

static double y_of(const tsa_plot *p, double z)
{
    return p->plot_y + PLOT_H / 2 * (1 - z / p->ymax);
}

static void scales(tsa_plot *p)
{
    const mp_tsa_result *t = p->t;
    double xdata = fmax(p->ris, t->looks[t->n_looks - 1].information);
    p->xstep = round_step(1.04 * xdata, 6);
    p->xmax = ceil(1.04 * xdata / p->xstep) * p->xstep;
    double ydata = p->zc + 0.5;
    for (size_t j = 0; j < t->n_looks; j++)
        ydata = fmax(ydata, fabs(t->looks[j].z) + 0.25);
    for (size_t j = 0; j < p->npts; j++)
        ydata = fmax(ydata, fmin(p->pts[j].boundary, MP_SVG_TSA_ZCAP));
    p->ystep = round_step(2 * ydata, 10);
    p->ymax = ceil(ydata / p->ystep) * p->ystep;
}

/* ---- text -------------------------------------------------------------------- */

static void set_title(tsa_plot *p)
{
    const char *outcome = mp_dataset_outcome(p->r->ds);
    mp_measure m = mp_dataset_measure(p->r->ds);
    snprintf(p->title, sizeof p->title, "Trial sequential analysis: %s (%s), "
             "%s (%s)", mp_report_outcome_name(outcome), outcome,
             mp_report_measure_name(m), mp_measure_name(m));
}

/* "Required information for HR 0.80, power 80% (D²-adjusted): 393.1
 * (1573 events)"; not adjusted for the fixed model. */
static void ris_text(const tsa_plot *p, char *buf, size_t n)
{
    const mp_tsa_options *o = &p->r->tsa_opt;
    char v[MP_NUMBUF], hr[MP_NUMBUF];
    mp_format_fixed(v, p->ris, 1);
    mp_format_ratio(hr, o->anticipated);
    snprintf(buf, n, "Required information for %s %s, power %g%%%s: %s "
             "(%.0f events)", mp_measure_name(mp_dataset_measure(p->r->ds)), hr,
             100 * o->power, o->random ? " (D" SQ "-adjusted)" : "", v,
             ceil(4 * p->ris));
}

static void texts(tsa_plot *p, const mp_svg_options *o)
{
    set_title(p);
    for (int side = 0; side < 2; side++) {
        char f[MP_SVG_LINE];
        mp_svg_favours(f, sizeof f, p->r, o, side);
        p->n_fav[side] = mp_svg_wrap(f, FAV_W, FONT, p->favours[side], 3);
    }
    mp_report_tsa_conclusion(p->r, p->conclusion, sizeof p->conclusion);
    p->n_foot = mp_svg_wrap(p->conclusion, p->width - 2 * MARGIN, FONT, p->foot,
                            FOOT_LINES);
}

/* ---- layout ------------------------------------------------------------------ */

static void layout(tsa_plot *p)
{
    p->plot_x = MARGIN + FAV_W + TICK_W;
    p->plot_y = MARGIN + FONT + 10;
    p->width = p->plot_x + PLOT_W + RIGHT_W + MARGIN;
    p->n_legend = 4 + (size_t)p->r->tsa_opt.futility;
    p->legend_y = p->plot_y + PLOT_H + 2 * FONT + 30;
    p->list_y = p->legend_y + (double)p->n_legend * LEGEND_H + 8;
    p->numbered = p->t->n_looks <= MP_SVG_TSA_MAX_LABELS;
    size_t rows = p->numbered ? (p->t->n_looks + 1) / 2 : 0;
    p->foot_y = p->list_y + (double)rows * LEGEND_H + 10;
}

/* ---- drawing ----------------------------------------------------------------- */

/* A growing buffer for the points of a polyline. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} points_buf;

static void points_add(points_buf *b, double x, double y)
{
    char a[MP_NUMBUF], c[MP_NUMBUF];
    mp_svg_coord(a, x);
    mp_svg_coord(c, y);
    size_t need = b->len + 2 * MP_NUMBUF + 2;
    if (need > b->cap) {
        size_t cap = 2 * need;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    b->len += (size_t)snprintf(b->s + b->len, b->cap - b->len, "%s%s,%s",
                               b->len ? " " : "", a, c);
}

/* A polyline of class cls (nothing for an empty one). */
static void polyline(mp_svg_writer *s, const char *cls, points_buf *b,
                     double width, const char *dash)
{
    if (b->failed)
        s->failed = 1;
    if (!b->len || s->failed) {
        free(b->s);
        return;
    }
    mp_svg_start(s, "polyline");
    mp_svg_attr(s, "class", cls);
    mp_svg_attr(s, "points", b->s);
    mp_svg_attr(s, "fill", "none");
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr_num(s, "stroke-width", width);
    mp_svg_attr(s, "stroke-linejoin", "round");
    if (dash)
        mp_svg_attr(s, "stroke-dasharray", dash);
    mp_svg_end(s);
    free(b->s);
}

/* The boundary curves: sign +1 upper, -1 lower; futility with fut. */
static void boundary_curve(mp_svg_writer *s, const tsa_plot *p, int sign,
                           int fut)
{
    points_buf b = { 0 };
    for (size_t j = 0; j < p->npts; j++) {
        const mp_tsa_point *q = &p->pts[j];
        double z = fut ? q->futility : sign * q->boundary;
        if (isfinite(z))
            points_add(&b, x_of(p, q->fraction * p->ris), y_of(p, z));
    }
    /* looks past the required information keep the final boundary */
    const mp_tsa_look *last = &p->t->looks[p->t->n_looks - 1];
    if (!fut && p->npts && last->fraction > p->pts[p->npts - 1].fraction)
        points_add(&b, x_of(p, last->information),
                   y_of(p, sign * p->pts[p->npts - 1].boundary));
    polyline(s, fut ? "futility" : sign > 0 ? "boundary upper" : "boundary lower",
             &b, fut ? W_CURVE : W_BOUND, fut ? DASH_FUT : NULL);
}

static void tick_label(char buf[MP_NUMBUF], double v, double step)
{
    mp_format_fixed(buf, v == 0 ? 0 : v, mp_svg_step_decimals(step));
}

static void axes(mp_svg_writer *s, const tsa_plot *p)
{
    double bottom = p->plot_y + PLOT_H;
    char b[MP_NUMBUF];
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "xaxis");
    long n = lround(p->xmax / p->xstep);
    for (long i = 0; i <= n; i++) {
        double v = (double)i * p->xstep, x = x_of(p, v);
        mp_svg_line(s, x, bottom, x, bottom + 5, 1, NULL);
        tick_label(b, v, p->xstep);
        mp_svg_text(s, x, bottom + 6 + FONT, "middle", 0, FONT, b);
    }
    mp_svg_text(s, p->plot_x + PLOT_W / 2, bottom + 2 * FONT + 14, "middle", 0,
                FONT, "Information (sum of 1/SE" SQ " of the log ratio)");
    mp_svg_end(s);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "yaxis");
    n = lround(p->ymax / p->ystep);
    for (long i = -n; i <= n; i++) {
        double v = (double)i * p->ystep, y = y_of(p, v);
        mp_svg_line(s, p->plot_x - 5, y, p->plot_x, y, 1, NULL);
        tick_label(b, v, p->ystep);
        mp_svg_text(s, p->plot_x - 7, y + FONT / 3, "end", 0, FONT, b);
    }
    mp_svg_text(s, p->plot_x, p->plot_y - 8, "middle", 0, FONT, "Cumulative Z");
    mp_svg_end(s);
    /* Z < 0 is a ratio below 1: the forest plot's left label */
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "favours");
    for (int side = 0; side < 2; side++) {
        double mid = y_of(p, (side ? 1 : -1) * p->ymax / 2);
        double top = mid - (double)(p->n_fav[side] - 1) * (FONT + 3) / 2;
        for (size_t i = 0; i < p->n_fav[side]; i++)
            mp_svg_text(s, p->plot_x - TICK_W - 4, top + (double)i * (FONT + 3)
                        + FONT / 3, "end", 0, FONT, p->favours[side][i]);
    }
    mp_svg_end(s);
}

static void frame(mp_svg_writer *s, const tsa_plot *p)
{
    mp_svg_start(s, "defs");
    mp_svg_start(s, "clipPath");
    mp_svg_attr(s, "id", "tsa-area");
    mp_svg_start(s, "rect");
    mp_svg_attr_num(s, "x", p->plot_x);
    mp_svg_attr_num(s, "y", p->plot_y);
    mp_svg_attr_num(s, "width", PLOT_W);
    mp_svg_attr_num(s, "height", PLOT_H);
    mp_svg_end(s);
    mp_svg_end(s);
    mp_svg_end(s);
    mp_svg_start(s, "rect");
    mp_svg_attr(s, "class", "plotarea");
    mp_svg_attr_num(s, "x", p->plot_x);
    mp_svg_attr_num(s, "y", p->plot_y);
    mp_svg_attr_num(s, "width", PLOT_W);
    mp_svg_attr_num(s, "height", PLOT_H);
    mp_svg_attr(s, "fill", "none");
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr(s, "stroke-width", "1");
    mp_svg_end(s);
    /* Z = 0 */
    mp_svg_line(s, p->plot_x, y_of(p, 0), p->plot_x + PLOT_W, y_of(p, 0), 1, NULL);
}

static void reference_lines(mp_svg_writer *s, const tsa_plot *p)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "conventional");
    for (int sign = -1; sign <= 1; sign += 2)
        mp_svg_line(s, p->plot_x, y_of(p, sign * p->zc), p->plot_x + PLOT_W,
                    y_of(p, sign * p->zc), 1, DASH_CONV);
    mp_svg_end(s);
    double x = x_of(p, p->ris);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "ris");
    mp_svg_line(s, x, p->plot_y, x, p->plot_y + PLOT_H, 1, DASH_RIS);
    mp_svg_text(s, x, p->plot_y - 8, "middle", 0, FONT, "RIS");
    mp_svg_end(s);
}

static void curves(mp_svg_writer *s, const tsa_plot *p)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "curves");
    mp_svg_attr(s, "clip-path", "url(#tsa-area)");
    boundary_curve(s, p, 1, 0);
    boundary_curve(s, p, -1, 0);
    if (p->r->tsa_opt.futility)
        boundary_curve(s, p, 1, 1);
    points_buf b = { 0 };
    for (size_t j = 0; j < p->t->n_looks; j++)
        points_add(&b, x_of(p, p->t->looks[j].information),
                   y_of(p, p->t->looks[j].z));
    polyline(s, "zcurve", &b, W_CURVE, NULL);
    mp_svg_end(s);
}

static void looks(mp_svg_writer *s, const tsa_plot *p)
{
    for (size_t j = 0; j < p->t->n_looks; j++) {
        const mp_tsa_look *L = &p->t->looks[j];
        double x = x_of(p, L->information), y = y_of(p, L->z);
        mp_svg_start(s, "g");
        mp_svg_attr(s, "class", j == p->t->first_crossing ? "look crossed" : "look");
        mp_svg_circle(s, "marker", x, y, LOOK_R, j == p->t->first_crossing);
        if (p->numbered) {
            char n[MP_NUMBUF];
            snprintf(n, sizeof n, "%zu", j + 1);
            /* above the curve when Z is negative, below when positive:
             * away from the boundary the curve heads to */
            mp_svg_text(s, x, L->z < 0 ? y - 7 : y + 7 + FONT_SMALL, "middle", 0,
                        FONT_SMALL, n);
        }
        mp_svg_end(s);
    }
}

/* A legend line: a sample of the style, then its label. */
static void legend_line(mp_svg_writer *s, const tsa_plot *p, size_t i,
                        double width, const char *dash, const char *label)
{
    double y = p->legend_y + (double)i * LEGEND_H;
    mp_svg_line(s, p->plot_x, y - FONT / 3, p->plot_x + SAMPLE_W, y - FONT / 3,
                width, dash);
    mp_svg_text(s, p->plot_x + SAMPLE_W + 8, y, NULL, 0, FONT, label);
}

static void legend(mp_svg_writer *s, const tsa_plot *p)
{
    const mp_tsa_options *o = &p->r->tsa_opt;
    char buf[MP_SVG_LINE], z[MP_NUMBUF];
    size_t i = 0;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "legend");
    snprintf(buf, sizeof buf, "Cumulative Z-curve (%s)",
             o->random ? "random effects, DerSimonian-Laird"
                       : "fixed effect, inverse variance");
    legend_line(s, p, i++, W_CURVE, NULL, buf);
    mp_svg_circle(s, "sample", p->plot_x + SAMPLE_W / 2, p->legend_y - FONT / 3,
                  LOOK_R, 0);
    mp_format_fixed(z, p->zc, 2);
    snprintf(buf, sizeof buf, "Conventional boundaries, Z = " PM "%s (two-sided "
             "alpha %g)", z, o->alpha);
    legend_line(s, p, i++, 1, DASH_CONV, buf);
    snprintf(buf, sizeof buf, "Monitoring boundaries (%s alpha spending)",
             mp_report_spending_words(&o->spending));
    legend_line(s, p, i++, W_BOUND, NULL, buf);
    if (o->futility)
        legend_line(s, p, i++, W_CURVE, DASH_FUT,
                    "Futility boundary (non-binding, beta spending)");
    ris_text(p, buf, sizeof buf);
    legend_line(s, p, i++, 1, DASH_RIS, buf);
    mp_svg_end(s);
}

/* The numbered looks: "1  MF07-01 (2018)", two columns. */
static void look_list(mp_svg_writer *s, const tsa_plot *p)
{
    if (!p->numbered)
        return;
    size_t n = p->t->n_looks, rows = (n + 1) / 2;
    double colw = (p->width - 2 * MARGIN) / 2;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "looks");
    for (size_t j = 0; j < n; j++) {
        size_t i = p->t->looks[j].added;
        char name[MP_SVG_LINE], buf[MP_SVG_LINE + 48];
        mp_svg_fit(name, sizeof name, mp_dataset_title(p->r->ds, i), 40 * 55);
        int year = mp_dataset_year(p->r->ds, i);
        if (year > 0)
            snprintf(buf, sizeof buf, "%zu  %s (%d)", j + 1, name, year);
        else
            snprintf(buf, sizeof buf, "%zu  %s", j + 1, name);
        double x = MARGIN + (double)(j / rows) * colw;
        mp_svg_text(s, x, p->list_y + (double)(j % rows) * LEGEND_H, NULL, 0,
                    FONT, buf);
    }
    mp_svg_end(s);
}

static void document(mp_svg_writer *s, const void *ctx)
{
    const tsa_plot *p = ctx;
    mp_svg_root(s, p->width, p->height, p->title, p->conclusion);
    frame(s, p);
    axes(s, p);
    reference_lines(s, p);
    curves(s, p);
    looks(s, p);
    legend(s, p);
    look_list(s, p);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "footer");
    for (size_t i = 0; i < p->n_foot; i++)
        mp_svg_text(s, MARGIN, p->foot_y + (double)i * (FONT + 6), NULL, 0, FONT,
                    p->foot[i]);
    mp_svg_end(s);
    mp_svg_end(s);      /* svg */
}

mp_status mp_svg_tsa(FILE *out, const mp_report *r, const mp_svg_options *o)
{
    if (!r->tsa || r->tsa->n_looks == 0)
        return MP_EINPUT;
    tsa_plot p;
    memset(&p, 0, sizeof p);
    p.r = r;
    p.t = r->tsa;
    p.ris = r->tsa->adjusted_required_information;
    p.zc = gsl_cdf_ugaussian_Qinv(r->tsa_opt.alpha / 2);
    mp_status st = mp_tsa_curve(r->tsa, &r->tsa_opt, &p.pts, &p.npts, NULL);
    if (st != MP_OK)
        return st;
    scales(&p);
    layout(&p);
    texts(&p, o);
    p.height = p.foot_y + (double)p.n_foot * (FONT + 6) + MARGIN;
    st = mp_svg_document(out, document, &p);
    free(p.pts);
    return st;
}
