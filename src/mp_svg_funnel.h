/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_funnel.h - the contour-enhanced funnel plot as SVG.
 *
 * Each study is a dot at its log effect (x, a ratio axis on the log scale
 * with ratio labels, as the forest plot's) and its standard error (y,
 * inverted: 0 at the top, so the large trials sit high).  Behind the dots:
 *  - the contours of statistical significance of Peters et al. 2008
 *    (J Clin Epidemiol 61:991-996): a study at (y, se) has the two-sided
 *    Wald p-value 2(1 - Phi(|y|/se)), so the line |y| = z_{1-p/2} se
 *    bounds the studies significant at p; the areas p > 0.10 (white),
 *    0.05 < p < 0.10, 0.01 < p < 0.05 and p < 0.01 (darker greys) are
 *    shaded, apex at the null ratio 1 and SE 0;
 *  - the pooled estimate (mp_fit_pooled: random effects, or the fixed
 *    effect when k = 1) as a vertical line and its pseudo-confidence
 *    region est +/- z_{(1+level)/2} se, dashed (Sterne and Egger 2001,
 *    J Clin Epidemiol 54:1046-1055; metafor's funnel(), which also uses
 *    the normal quantile under Hartung-Knapp);
 *  - with r->bias (--bias) and trim-and-fill available with k0 > 0, the
 *    k0 filled studies drawn hollow and the adjusted random-effects
 *    estimate as a dotted line.
 * Nothing is computed here beyond positions: the figures are those of the
 * report (dataset, fit, small-study results).
 *
 * The x axis spans 1, every study and the pseudo-confidence region at the
 * largest SE, capped at 0.001 .. 1000 (a study beyond sits on the edge);
 * the y axis runs from 0 to a round value at or above the largest SE.
 *
 * Output: a complete SVG 1.1 document (mp_svg_document) with a <title>
 * and a <desc> saying what is drawn.  Elements for tests and styling:
 * <circle class="study"> per study and <circle class="filled"> per filled
 * study, each with a <title> tooltip; <polygon class="contour pNNN"> the
 * area within the p = 0.NN contour (p010, p005, p001), the area itself
 * <rect class="contour p000">; <line class="pooled">, <line
 * class="pseudo-ci"> (two), <line class="trimfill">; <g class="legend">;
 * the axes of mp_svg_chart.h.
 *
 * Returns MP_OK, MP_ENOMEM, or MP_EIO (a write to out failed).
 */
#ifndef MP_SVG_FUNNEL_H
#define MP_SVG_FUNNEL_H

#include <stdio.h>

#include "mp_error.h"
#include "mp_report.h"

mp_status mp_svg_funnel(FILE *out, const mp_report *r);

#endif
