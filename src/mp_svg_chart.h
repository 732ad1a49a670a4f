/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_chart.h - what the scatter plots (funnel, Baujat) share: a plot
 * area with an axis at its bottom and one at its left, linear ticks,
 * markers with a tooltip, a legend.  Internal to libmetapool (not
 * installed).  Drawing goes through mp_svg_draw.h's writer; fonts and
 * lines are those of the forest plot.
 *
 * Elements for tests and styling: the axes are <g class="x-axis"> and
 * <g class="y-axis">, each tick a <g class="tick"> holding its <line> and
 * its label <text>; the plot area's outline <rect class="frame">.
 */
#ifndef MP_SVG_CHART_H
#define MP_SVG_CHART_H

#include <stddef.h>

#include "mp_report.h"
#include "mp_svg_axis.h"
#include "mp_svg_draw.h"
#include "mp_svg_text.h"

/* Round linear ticks covering [lo, hi] (lo < hi; equal values are
 * widened): steps of 1, 2, 2.5 or 5 times a power of ten, at most
 * max_ticks (2 .. MP_SVG_MAXTICK) of them; t->lo, t->hi the first and
 * last. */
void mp_svg_linear_ticks(double lo, double hi, size_t max_ticks, mp_svg_ticks *t);

/* The decimals a tick label needs to show multiples of step exactly
 * (0.25: 2; 50: 0).  Serves every linear axis (these and the TSA plot's). */
int mp_svg_step_decimals(double step);

/* A plot area and its scales. */
typedef struct {
    double x, y, w, h;          /* the area, px (y its top) */
    mp_svg_ticks xt, yt;        /* ticks; xt.lo .. xt.hi spans the width */
    int y_down;                 /* 1: yt.lo at the top (funnel: SE 0) */
} mp_svg_frame;

/* The px of a value on each scale (not clamped to the area). */
double mp_svg_frame_x(const mp_svg_frame *f, double v);
double mp_svg_frame_y(const mp_svg_frame *f, double v);

/* The room the left axis needs left of the area (tick labels and the
 * turned title), px. */
double mp_svg_frame_left(const mp_svg_ticks *yt);
/* The room the bottom axis needs below the area (labels, title), px. */
#define MP_SVG_FRAME_BOTTOM 44.0

/* The outline of the area, both axes with their ticks and labels, and the
 * axis titles (xtitle centred under the area, ytitle turned left of it). */
void mp_svg_frame_axes(mp_svg_writer *s, const mp_svg_frame *f,
                       const char *xtitle, const char *ytitle);

/* A clipPath named id, the area of f (for what must not leave it). */
void mp_svg_frame_clip(mp_svg_writer *s, const mp_svg_frame *f, const char *id);

/* A circle of radius rad at (cx, cy), class cls; hollow: white inside.
 * tip (may be NULL) becomes its <title> (a tooltip, read by screen
 * readers). */
void mp_svg_marker(mp_svg_writer *s, const char *cls, double cx, double cy,
                   double rad, int hollow, const char *tip);

/* Lines of text under a plot: a <g class="footer"> with lines[i] at
 * (x, y + i row), left-aligned. */
#define MP_SVG_FOOT_LINE (2 * MP_SVG_LINE)
void mp_svg_footer(mp_svg_writer *s, double x, double y, double row,
                   const char (*lines)[MP_SVG_FOOT_LINE], size_t n);

/* The document's title: "<what>: Overall survival (OS), hazard ratio (HR)". */
void mp_svg_chart_title(char *buf, size_t n, const char *what, const mp_report *r);

#endif
