/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_chart.c - the frame of the scatter plots; see mp_svg_chart.h. */
#include "mp_svg_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mp_svg_text.h"

#define FONT MP_SVG_FONT
#define TICK_LEN 5.0

/* mp_svg_chart.h */
int mp_svg_step_decimals(double step)
{
    int d = 0;
    while (d < 12 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-9)
        d++;
    return d;
}

void mp_svg_linear_ticks(double lo, double hi, size_t max_ticks, mp_svg_ticks *t)
{
    static const double nice[] = { 1, 2, 2.5, 5, 10 };
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > MP_SVG_MAXTICK)
        max_ticks = MP_SVG_MAXTICK;
    if (!(hi > lo)) {
        double pad = lo != 0 ? fabs(lo) / 2 : 1;
        lo -= pad;
        hi += pad;
    }
    /* the smallest round step that covers the range in max_ticks ticks */
    double raw = (hi - lo) / (double)(max_ticks - 1);
    double p = pow(10, floor(log10(raw))), step = 10 * p;
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
        if (nice[i] * p >= raw * (1 - 1e-12)) {
            step = nice[i] * p;
            break;
        }
    double first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9);
    if ((size_t)(last - first) + 1 > max_ticks)
        step *= 2, first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9);
    int dec = mp_svg_step_decimals(step);
    t->n = 0;
    for (double m = first; m <= last + 0.5 && t->n < MP_SVG_MAXTICK; m++) {
        double v = m * step;
        if (fabs(v) < step * 1e-9)
            v = 0;              /* no "-0" */
        t->v[t->n] = v;
        mp_format_fixed(t->label[t->n], v, dec);
        t->n++;
    }
    t->lo = t->v[0];
    t->hi = t->v[t->n - 1];
}

double mp_svg_frame_x(const mp_svg_frame *f, double v)
{
    return f->x + (v - f->xt.lo) / (f->xt.hi - f->xt.lo) * f->w;
}

double mp_svg_frame_y(const mp_svg_frame *f, double v)
{
    double share = (v - f->yt.lo) / (f->yt.hi - f->yt.lo);
    return f->y_down ? f->y + share * f->h : f->y + f->h - share * f->h;
}

double mp_svg_frame_left(const mp_svg_ticks *yt)
{
    double w = 0;
    for (size_t i = 0; i < yt->n; i++)
        w = fmax(w, mp_svg_text_px(yt->label[i], FONT, 0));
    return w + TICK_LEN + 4 + FONT + 10;
}

static void tick(mp_svg_writer *s, double x1, double y1, double x2, double y2,
                 double tx, double ty, const char *anchor, const char *label)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "tick");
    mp_svg_line(s, x1, y1, x2, y2, 1, NULL);
    mp_svg_text(s, tx, ty, anchor, 0, FONT, label);
    mp_svg_end(s);
}

void mp_svg_frame_axes(mp_svg_writer *s, const mp_svg_frame *f,
                       const char *xtitle, const char *ytitle)
{
    mp_svg_start(s, "rect");
    mp_svg_attr(s, "class", "frame");
    mp_svg_attr_num(s, "x", f->x);
    mp_svg_attr_num(s, "y", f->y);
    mp_svg_attr_num(s, "width", f->w);
    mp_svg_attr_num(s, "height", f->h);
    mp_svg_attr(s, "fill", "none");
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr(s, "stroke-width", "1");
    mp_svg_end(s);
    double bottom = f->y + f->h;
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "x-axis");
    for (size_t i = 0; i < f->xt.n; i++) {
        double x = mp_svg_frame_x(f, f->xt.v[i]);
        tick(s, x, bottom, x, bottom + TICK_LEN, x, bottom + TICK_LEN + 1 + FONT,
             "middle", f->xt.label[i]);
    }
    mp_svg_text(s, f->x + f->w / 2, bottom + MP_SVG_FRAME_BOTTOM - 6, "middle", 0,
                FONT, xtitle);
    mp_svg_end(s);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "y-axis");
    double lw = 0;
    for (size_t i = 0; i < f->yt.n; i++) {
        double y = mp_svg_frame_y(f, f->yt.v[i]);
        tick(s, f->x - TICK_LEN, y, f->x, y, f->x - TICK_LEN - 3, y + FONT * 0.35,
             "end", f->yt.label[i]);
        lw = fmax(lw, mp_svg_text_px(f->yt.label[i], FONT, 0));
    }
    /* the title turned a quarter left, centred on the area's height */
    double tx = f->x - TICK_LEN - 4 - lw - 8, ty = f->y + f->h / 2;
    char tr[3 * MP_NUMBUF + 16], a[MP_NUMBUF], b[MP_NUMBUF];
    mp_svg_coord(a, tx);
    mp_svg_coord(b, ty);
    snprintf(tr, sizeof tr, "rotate(-90 %s %s)", a, b);
    mp_svg_start(s, "text");
    mp_svg_attr_num(s, "x", tx);
    mp_svg_attr_num(s, "y", ty);
    mp_svg_attr(s, "text-anchor", "middle");
    mp_svg_attr(s, "transform", tr);
    mp_svg_content(s, ytitle);
    mp_svg_end(s);
    mp_svg_end(s);
}

void mp_svg_frame_clip(mp_svg_writer *s, const mp_svg_frame *f, const char *id)
{
    mp_svg_start(s, "defs");
    mp_svg_start(s, "clipPath");
    mp_svg_attr(s, "id", id);
    mp_svg_start(s, "rect");
    mp_svg_attr_num(s, "x", f->x);
    mp_svg_attr_num(s, "y", f->y);
    mp_svg_attr_num(s, "width", f->w);
    mp_svg_attr_num(s, "height", f->h);
    mp_svg_end(s);
    mp_svg_end(s);
    mp_svg_end(s);
}

void mp_svg_marker(mp_svg_writer *s, const char *cls, double cx, double cy,
                   double rad, int hollow, const char *tip)
{
    mp_svg_start(s, "circle");
    mp_svg_attr(s, "class", cls);
    mp_svg_attr_num(s, "cx", cx);
    mp_svg_attr_num(s, "cy", cy);
    mp_svg_attr_num(s, "r", rad);
    mp_svg_attr(s, "fill", hollow ? "#ffffff" : MP_SVG_INK);
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr(s, "stroke-width", hollow ? "1.5" : "1");
    if (tip) {
        mp_svg_start(s, "title");
        mp_svg_content(s, tip);
        mp_svg_end(s);
    }
    mp_svg_end(s);
}

void mp_svg_footer(mp_svg_writer *s, double x, double y, double row,
                   const char (*lines)[MP_SVG_FOOT_LINE], size_t n)
{
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "footer");
    for (size_t i = 0; i < n; i++)
        mp_svg_text(s, x, y + (double)i * row, NULL, 0, FONT, lines[i]);
    mp_svg_end(s);
}

void mp_svg_chart_title(char *buf, size_t n, const char *what, const mp_report *r)
{
    const char *outcome = mp_dataset_outcome(r->ds);
    mp_measure m = mp_dataset_measure(r->ds);
    snprintf(buf, n, "%s: %s (%s), %s (%s)", what, mp_report_outcome_name(outcome),
             outcome, mp_report_measure_name(m), mp_measure_name(m));
}
