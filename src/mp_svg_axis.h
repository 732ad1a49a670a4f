/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_axis.h - the ticks of a ratio axis on the log scale, shared by the
 * plots.  Internal to libmetapool (not installed).
 *
 * Ticks come from ladders of mantissas per decade, coarse (1, 10, 100) to
 * fine (1, 1.1, 1.2, ...); labels are the ratios as the text report
 * prints them (mp_format_fixed).
 */
#ifndef MP_SVG_AXIS_H
#define MP_SVG_AXIS_H

#include <stddef.h>

#include "mp_format.h"

#define MP_SVG_MAXTICK 32

typedef struct {
    double v[MP_SVG_MAXTICK];                 /* log scale */
    char label[MP_SVG_MAXTICK][MP_NUMBUF];
    size_t n;
    double lo, hi;              /* log of the first and last */
} mp_svg_ticks;

/* The ticks for the data range [lo, hi] (log) on an axis width px wide
 * with labels at a font size: of the ladders whose labels do not crowd,
 * the one that uses the axis best (score: the share of the axis the data
 * span, less 0.12 per step to a finer ladder and 0.04 per tick beyond 8,
 * plus 0.15 for at least 4 ticks); decades when none fits. */
void mp_svg_choose_ticks(double lo, double hi, double width, double font,
                         mp_svg_ticks *best);

#endif
