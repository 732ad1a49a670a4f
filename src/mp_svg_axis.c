/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_axis.c - ticks of a log axis; see mp_svg_axis.h. */
#include "mp_svg_axis.h"

#include <math.h>
#include <string.h>

#include "mp_svg_text.h"

#ifndef M_LN10
#define M_LN10 2.30258509299404568402
#endif

/* Tick ladders: the mantissas of each decade, coarse to fine. */
static const double ladder0[] = { 1 };
static const double ladder1[] = { 1, 2, 5 };
static const double ladder2[] = { 1, 1.5, 2, 3, 5, 7 };
static const double ladder3[] = { 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 };
static const double ladder4[] = { 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.2,
                                  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9 };
static const struct {
    const double *m;
    size_t n;
} ladders[] = {
    { ladder0, 1 }, { ladder1, 3 }, { ladder2, 6 }, { ladder3, 10 }, { ladder4, 20 },
};

static int mantissa_decimals(double m)
{
    return fabs(m * 10 - round(m * 10)) > 1e-9 ? 2 : fabs(m - round(m)) > 1e-9;
}

/* The ticks of ladder l covering [lo, hi] (log scale): from the largest
 * value <= lo to the smallest >= hi.  0 when there would be too many. */
static int ladder_ticks(size_t l, double lo, double hi, mp_svg_ticks *t)
{
    int d0 = (int)floor(lo / M_LN10) - 1, d1 = (int)ceil(hi / M_LN10) + 1;
    double first = NAN, last = NAN;
    int fd = 0, ld = 0;
    size_t fm = 0, lm = 0;
    for (int d = d0; d <= d1; d++)
        for (size_t i = 0; i < ladders[l].n; i++) {
            double x = log(ladders[l].m[i]) + d * M_LN10;
            if (x <= lo + 1e-9) {
                first = x;
                fd = d;
                fm = i;
            }
            if (x >= hi - 1e-9 && isnan(last)) {
                last = x;
                ld = d;
                lm = i;
            }
        }
    if (isnan(first) || isnan(last))
        return 0;
    t->n = 0;
    for (int d = fd; d <= ld; d++)
        for (size_t i = d == fd ? fm : 0; i < ladders[l].n && (d < ld || i <= lm); i++) {
            if (t->n == MP_SVG_MAXTICK)
                return 0;
            double m = ladders[l].m[i];
            t->v[t->n] = log(m) + d * M_LN10;
            int dec = mantissa_decimals(m) - d;
            mp_format_fixed(t->label[t->n], m * pow(10, d), dec > 0 ? dec : 0);
            t->n++;
        }
    t->lo = first;
    t->hi = last;
    return 1;
}

/* Choose the axis: the data range [lo, hi] (log) is covered by the ticks
 * of the ladder that uses the axis best, among those whose labels do not
 * crowd: the score is the share of the axis the data span, less 0.12 per
 * step to a finer ladder and 0.04 per tick beyond 8, plus 0.15 for at
 * least 4 ticks (so a finer ladder must earn its place). */
void mp_svg_choose_ticks(double lo, double hi, double width, double font,
                         mp_svg_ticks *best)
{
    mp_svg_ticks t;
    double best_score = -1e300;
    int have = 0;
    for (size_t l = 0; l < sizeof ladders / sizeof ladders[0]; l++) {
        if (!ladder_ticks(l, lo, hi, &t) || t.n > 11 || t.n < 2)
            continue;
        double span = t.hi - t.lo, label_w = 0, gap = 1e300;
        for (size_t i = 0; i < t.n; i++) {
            double w = mp_svg_text_px(t.label[i], font, 0);
            if (w > label_w)
                label_w = w;
            if (i > 0 && (t.v[i] - t.v[i - 1]) / span * width < gap)
                gap = (t.v[i] - t.v[i - 1]) / span * width;
        }
        if (gap < label_w + 8)
            continue;
        double score = (hi - lo) / span - 0.12 * (double)l + (t.n >= 4 ? 0.15 : 0) -
                       (t.n > 8 ? 0.04 * (double)(t.n - 8) : 0);
        if (score > best_score) {
            best_score = score;
            *best = t;
            have = 1;
        }
    }
    if (!have) {        /* cannot happen within the axis limits; decades */
        ladder_ticks(0, lo, hi, best);
    }
}
