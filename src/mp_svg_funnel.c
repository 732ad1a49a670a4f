/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_funnel.c - the contour-enhanced funnel plot; see mp_svg_funnel.h. */
#include "mp_svg_funnel.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "mp_format.h"
#include "mp_svg_chart.h"
#include "mp_svg_text.h"

#define FONT MP_SVG_FONT
#define LINE MP_SVG_LINE
#define MARGIN 16.0
#define PLOT_W 380.0
#define PLOT_H 300.0
#define DOT_R 4.0
#define LEGEND_GAP 24.0
#define LEGEND_ROW 18.0
#define SWATCH 12.0
#define FOOT_ROW 18.0
#define MAXFOOT 3
#define CLIP_ID "funnel-area"

#ifndef M_LN10
#define M_LN10 2.30258509299404568402
#endif
#define AXIS_MIN_LOG (-3 * M_LN10)
#define AXIS_MAX_LOG (3 * M_LN10)

/* The significance contours (Peters et al. 2008), widest area first: the
 * whole area is p < 0.01, and each polygon inside it the studies with p
 * above its level. */
static const struct {
    double p;                   /* the contour's two-sided p (0: the area) */
    const char *cls, *fill, *label;
} band[] = {
    { 0, "contour p000", "#a6a6a6", "p < 0.01" },
    { 0.01, "contour p001", "#c8c8c8", "0.01 < p < 0.05" },
    { 0.05, "contour p005", "#e6e6e6", "0.05 < p < 0.10" },
    { 0.10, "contour p010", "#ffffff", "p > 0.10" },
};
#define N_BAND (sizeof band / sizeof band[0])

typedef struct {
    const mp_report *r;
    mp_pooled pooled;
    double zl;                  /* normal quantile of the level */
    const mp_trimfill_result *tf;   /* NULL unless studies were filled */
    mp_svg_frame f;
    char title[LINE], desc[4 * LINE];
    char pooled_label[96], region_label[96], measure[64];
    char foot[MAXFOOT][MP_SVG_FOOT_LINE];
    size_t nfoot;
    double legend_x, width, height, foot_y;
} funnel;

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- what is drawn ------------------------------------------------------- */

static void set_trimfill(funnel *p)
{
    const mp_small_study *b = p->r->bias;
    if (b && b->trimfill.available && b->trimfill.k0 > 0)
        p->tf = &b->trimfill;
}

/* The largest SE, of the studies (the filled ones mirror them). */
static double max_se(const funnel *p)
{
    const double *v = mp_dataset_v(p->r->ds);
    double m = 0;
    for (size_t i = 0; i < mp_dataset_k(p->r->ds); i++)
        m = fmax(m, sqrt(v[i]));
    return m;
}

/* The x range: 1, the studies (filled ones too) and the pseudo-confidence
 * region at the largest SE, within the axis limits. */
static void x_range(const funnel *p, double smax, double *lo, double *hi)
{
    const double *y = mp_dataset_y(p->r->ds);
    double a = fmin(0, p->pooled.log_estimate - p->zl * smax);
    double b = fmax(0, p->pooled.log_estimate + p->zl * smax);
    for (size_t i = 0; i < mp_dataset_k(p->r->ds); i++)
        a = fmin(a, y[i]), b = fmax(b, y[i]);
    for (size_t i = 0; p->tf && i < p->tf->k0; i++)
        a = fmin(a, p->tf->filled_y[i]), b = fmax(b, p->tf->filled_y[i]);
    *lo = clamp(a, AXIS_MIN_LOG, AXIS_MAX_LOG);
    *hi = clamp(b, AXIS_MIN_LOG, AXIS_MAX_LOG);
    if (*hi - *lo < 2 * log(1.1)) {
        *lo -= log(1.1);
        *hi += log(1.1);
    }
}

/* "0.87 [0.71, 1.06]" */
static void ratio_ci(char *buf, size_t n, double est, double lo, double hi)
{
    char e[MP_NUMBUF], l[MP_NUMBUF], h[MP_NUMBUF];
    mp_format_ratio(e, exp(est));
    mp_format_ratio(l, exp(lo));
    mp_format_ratio(h, exp(hi));
    snprintf(buf, n, "%s [%s, %s]", e, l, h);
}

static void set_labels(funnel *p)
{
    const mp_report *r = p->r;
    const char *abbr = mp_measure_name(mp_dataset_measure(r->ds));
    snprintf(p->measure, sizeof p->measure, "%s", mp_report_measure_name(mp_dataset_measure(r->ds)));
    if (p->measure[0] >= 'a' && p->measure[0] <= 'z')
        p->measure[0] = (char)(p->measure[0] - 'a' + 'A');
    if (p->pooled.random)
        mp_report_random_name(p->pooled_label, sizeof p->pooled_label, "Random effects",
                              &r->fit->random);
    else
        snprintf(p->pooled_label, sizeof p->pooled_label, "Fixed effect");
    char lv[MP_NUMBUF];
    mp_format_fixed(lv, 100 * r->opt->level, fabs(100 * r->opt->level -
                                                   round(100 * r->opt->level)) > 1e-9);
    snprintf(p->region_label, sizeof p->region_label, "%s%% pseudo-confidence region", lv);
    /* the footer: the pooled estimate, and the small-study tests */
    char t[128];
    ratio_ci(t, sizeof t, p->pooled.log_estimate, p->pooled.lower, p->pooled.upper);
    snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "%zu stud%s; %s: %s %s",
             mp_dataset_k(r->ds), mp_dataset_k(r->ds) == 1 ? "y" : "ies",
             p->pooled_label, abbr, t);
    if (!r->bias)
        return;
    const mp_egger_result *eg = &r->bias->egger;
    if (eg->available) {
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, !isnan(eg->df), eg->statistic,
                              eg->df, eg->p);
        snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "Egger's test: %s", t);
    }
    const mp_trimfill_result *tf = &r->bias->trimfill;
    if (tf->available && tf->k0 > 0) {
        const mp_random_result *re = &tf->fit.random;
        ratio_ci(t, sizeof t, re->log_estimate, re->lower, re->upper);
        snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "Trim-and-fill: %zu stud%s filled on the "
                 "%s (hollow); adjusted %s %s", tf->k0, tf->k0 == 1 ? "y" : "ies",
                 mp_side_name(tf->side), abbr, t);
    } else if (tf->available) {
        snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "Trim-and-fill: no study filled");
    } else {
        snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "Small-study tests not available: %s",
                 tf->reason);
    }
}

/* ---- layout ------------------------------------------------------------------ */

/* The legend's rows: the contour areas, the dots, the lines. */
static size_t legend_rows(const funnel *p)
{
    return N_BAND + 3 + (p->tf ? 2 : 0);
}

static const char *legend_text(const funnel *p, size_t i)
{
    if (i < N_BAND)
        return band[N_BAND - 1 - i].label;
    i -= N_BAND;
    const char *rest[] = { "Study", p->pooled_label, p->region_label,
                           "Filled study (trim-and-fill)", "Trim-and-fill estimate" };
    return rest[i];
}

static void layout(funnel *p, double smax)
{
    double lo, hi;
    x_range(p, smax, &lo, &hi);
    mp_svg_choose_ticks(lo, hi, PLOT_W, FONT, &p->f.xt);
    mp_svg_linear_ticks(0, smax, 6, &p->f.yt);
    p->f.y_down = 1;
    p->f.x = MARGIN + mp_svg_frame_left(&p->f.yt);
    p->f.y = MARGIN;
    p->f.w = PLOT_W;
    p->f.h = PLOT_H;
    p->legend_x = p->f.x + p->f.w + LEGEND_GAP;
    double lw = mp_svg_text_px("Contours (two-sided p)", FONT, 1);
    for (size_t i = 0; i < legend_rows(p); i++)
        lw = fmax(lw, 2 * SWATCH + 8 + mp_svg_text_px(legend_text(p, i), FONT, 0));
    double fw = 0;
    for (size_t i = 0; i < p->nfoot; i++)
        fw = fmax(fw, mp_svg_text_px(p->foot[i], FONT, 0));
    p->width = fmax(p->legend_x + lw, MARGIN + fw) + MARGIN;
    p->foot_y = p->f.y + p->f.h + MP_SVG_FRAME_BOTTOM + FOOT_ROW;
    double legend_end = p->f.y + (double)(legend_rows(p) + 2) * LEGEND_ROW;
    p->height = fmax(p->foot_y + (double)(p->nfoot - 1) * FOOT_ROW, legend_end) + MARGIN;
}

/* ---- drawing ------------------------------------------------------------------ */

/* The px of a study at (y, se), kept on the axis. */
static void dot_xy(const funnel *p, double y, double se, double *cx, double *cy)
{
    *cx = mp_svg_frame_x(&p->f, clamp(y, p->f.xt.lo, p->f.xt.hi));
    *cy = mp_svg_frame_y(&p->f, se);
}

static void contours(mp_svg_writer *s, const funnel *p)
{
    const mp_svg_frame *f = &p->f;
    double x0 = mp_svg_frame_x(f, 0), top = mp_svg_frame_y(f, 0), se = f->yt.hi;
    double bottom = mp_svg_frame_y(f, se);
    for (size_t i = 0; i < N_BAND; i++) {
        if (band[i].p == 0) {
            double xy[] = { f->x, f->y, f->x + f->w, f->y, f->x + f->w, f->y + f->h,
                            f->x, f->y + f->h };
            mp_svg_polygon_fill(s, band[i].cls, xy, 4, band[i].fill, NULL);
            continue;
        }
        /* |y| = z se: the two-sided Wald test's boundary at p */
        double z = gsl_cdf_ugaussian_Pinv(1 - band[i].p / 2);
        double xy[] = { x0, top, mp_svg_frame_x(f, z * se), bottom,
                        mp_svg_frame_x(f, -z * se), bottom };
        mp_svg_polygon_fill(s, band[i].cls, xy, 3, band[i].fill, NULL);
    }
}

static void vline(mp_svg_writer *s, const char *cls, double x1, double y1, double x2,
                  double y2, double width, const char *dash)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", cls);
    mp_svg_line(s, x1, y1, x2, y2, width, dash);
    mp_svg_end(s);
}

/* The pooled estimate, its pseudo-confidence region, the adjusted one. */
static void references(mp_svg_writer *s, const funnel *p)
{
    const mp_svg_frame *f = &p->f;
    double est = p->pooled.log_estimate, se = f->yt.hi;
    double top = mp_svg_frame_y(f, 0), bottom = mp_svg_frame_y(f, se);
    double xe = mp_svg_frame_x(f, est);
    vline(s, "pooled", xe, top, xe, bottom, 1.5, NULL);
    for (int sign = -1; sign <= 1; sign += 2)
        vline(s, "pseudo-ci", xe, top, mp_svg_frame_x(f, est + sign * p->zl * se),
              bottom, 1, "5,3");
    if (p->tf) {
        double xa = mp_svg_frame_x(f, p->tf->fit.random.log_estimate);
        vline(s, "trimfill", xa, top, xa, bottom, 1.5, "1.5,3");
    }
}

static void dots(mp_svg_writer *s, const funnel *p)
{
    const mp_report *r = p->r;
    const char *abbr = mp_measure_name(mp_dataset_measure(r->ds));
    const double *y = mp_dataset_y(r->ds), *v = mp_dataset_v(r->ds);
    char tip[2 * LINE], e[MP_NUMBUF], se[MP_NUMBUF], name[LINE];
    double cx, cy;
    for (size_t i = 0; p->tf && i < p->tf->k0; i++) {
        mp_format_ratio(e, exp(p->tf->filled_y[i]));
        mp_format_fixed(se, p->tf->filled_se[i], 3);
        snprintf(tip, sizeof tip, "Filled study (trim-and-fill): %s %s, SE %s", abbr, e, se);
        dot_xy(p, p->tf->filled_y[i], p->tf->filled_se[i], &cx, &cy);
        mp_svg_marker(s, "filled", cx, cy, DOT_R, 1, tip);
    }
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        mp_svg_fit(name, sizeof name, mp_dataset_title(r->ds, i), 0);
        mp_format_ratio(e, exp(y[i]));
        mp_format_fixed(se, sqrt(v[i]), 3);
        snprintf(tip, sizeof tip, "%s: %s %s, SE %s", name, abbr, e, se);
        dot_xy(p, y[i], sqrt(v[i]), &cx, &cy);
        mp_svg_marker(s, "study", cx, cy, DOT_R, 0, tip);
    }
}

static void legend_swatch(mp_svg_writer *s, size_t i, double x, double cy)
{
    if (i < N_BAND) {
        const double h = SWATCH / 2;
        double xy[] = { x, cy - h, x + 2 * SWATCH, cy - h, x + 2 * SWATCH, cy + h, x, cy + h };
        mp_svg_polygon_fill(s, "swatch", xy, 4, band[N_BAND - 1 - i].fill, MP_SVG_INK);
        return;
    }
    switch (i - N_BAND) {
    case 0: mp_svg_marker(s, "key", x + SWATCH, cy, DOT_R, 0, NULL); break;
    case 1: mp_svg_line(s, x, cy, x + 2 * SWATCH, cy, 1.5, NULL); break;
    case 2: mp_svg_line(s, x, cy, x + 2 * SWATCH, cy, 1, "5,3"); break;
    case 3: mp_svg_marker(s, "key", x + SWATCH, cy, DOT_R, 1, NULL); break;
    default: mp_svg_line(s, x, cy, x + 2 * SWATCH, cy, 1.5, "1.5,3"); break;
    }
}

static void legend(mp_svg_writer *s, const funnel *p)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "legend");
    double x = p->legend_x, y = p->f.y + FONT;
    mp_svg_text(s, x, y, NULL, 1, FONT, "Contours (two-sided p)");
    for (size_t i = 0; i < legend_rows(p); i++) {
        /* a gap between the contours and the rest */
        double cy = p->f.y + (double)(i + 1) * LEGEND_ROW + (i >= N_BAND ? LEGEND_ROW : 0)
                    + FONT / 2;
        legend_swatch(s, i, x, cy - 4);
        mp_svg_text(s, x + 2 * SWATCH + 8, cy, NULL, 0, FONT, legend_text(p, i));
    }
    mp_svg_end(s);
}

static void draw(mp_svg_writer *s, const void *ctx)
{
    const funnel *p = ctx;
    mp_svg_root(s, p->width, p->height, p->title, p->desc);
    mp_svg_frame_clip(s, &p->f, CLIP_ID);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "clip-path", "url(#" CLIP_ID ")");
    contours(s, p);
    references(s, p);
    mp_svg_end(s);
    char xt[LINE], yt[LINE];
    snprintf(xt, sizeof xt, "%s (log scale)", p->measure);
    snprintf(yt, sizeof yt, "Standard error of log %s",
             mp_measure_name(mp_dataset_measure(p->r->ds)));
    mp_svg_frame_axes(s, &p->f, xt, yt);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "studies");
    dots(s, p);
    mp_svg_end(s);
    legend(s, p);
    mp_svg_footer(s, MARGIN, p->foot_y, FOOT_ROW, p->foot, p->nfoot);
    mp_svg_end(s);     /* svg */
}

static void set_desc(funnel *p)
{
    size_t k = mp_dataset_k(p->r->ds);
    char est[MP_NUMBUF], filled[LINE] = "";
    mp_format_ratio(est, exp(p->pooled.log_estimate));
    if (p->tf)
        snprintf(filled, sizeof filled, " %zu stud%s filled in by trim-and-fill %s drawn "
                 "hollow.", p->tf->k0, p->tf->k0 == 1 ? "y" : "ies",
                 p->tf->k0 == 1 ? "is" : "are");
    snprintf(p->desc, sizeof p->desc, "Funnel plot of %zu stud%s: each study's %s on a "
             "log scale (x) against its standard error (y, 0 at the top). A vertical line "
             "marks the pooled estimate (%s, %s %s), dashed lines its %s. Shaded areas show "
             "where a study would be statistically significant at p < 0.10, 0.05 and 0.01 "
             "(contours of Peters et al. 2008, centred on a ratio of 1).%s",
             k, k == 1 ? "y" : "ies", mp_report_measure_name(mp_dataset_measure(p->r->ds)),
             p->pooled_label, mp_measure_name(mp_dataset_measure(p->r->ds)), est,
             p->region_label, filled);
}

mp_status mp_svg_funnel(FILE *out, const mp_report *r)
{
    funnel p;
    memset(&p, 0, sizeof p);
    p.r = r;
    mp_fit_pooled(r->fit, &p.pooled);
    p.zl = mp_report_z(r);
    set_trimfill(&p);
    mp_svg_chart_title(p.title, sizeof p.title, "Funnel plot", r);
    set_labels(&p);
    set_desc(&p);
    layout(&p, max_se(&p));
    return mp_svg_document(out, draw, &p);
}
