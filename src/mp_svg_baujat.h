/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_baujat.h - the Baujat plot as SVG.
 *
 * Baujat et al. 2002 (Stat Med 21:2641-2652), as metafor 3.8's baujat():
 * each study is a dot labelled with its title at x = its contribution to
 * Cochran's Q, (y_i - mu)^2 / (tau2 + v_i), and y = its influence on the
 * pooled estimate, (mu_-i - mu)^2 / vb_-i (mp_influence.h: baujat_x,
 * baujat_y, of the random-effects model of the analysis).  Studies at the
 * top right both add much heterogeneity and move the result.  Nothing is
 * computed here: the coordinates are the report's (r->infl).
 *
 * Both axes are linear from 0 to a round value at or above the largest
 * coordinate.  A study whose fit without it failed has no y: it is not
 * drawn, and the footer names it.  Labels longer than about 24
 * characters are cut with "..."; a label that would leave the plot area
 * on the right is put left of its dot.
 *
 * Output: a complete SVG 1.1 document (mp_svg_document) with a <title>
 * and a <desc>.  Elements for tests and styling: <g class="study"> per
 * drawn study holding its <circle class="study"> (with a <title>
 * tooltip) and its label <text>; the axes of mp_svg_chart.h.
 *
 * Returns MP_OK, MP_ENOMEM, MP_EIO (a write to out failed), or MP_EINPUT
 * when the report has no influence diagnostics (r->infl NULL: not asked
 * for, or k < 2).
 */
#ifndef MP_SVG_BAUJAT_H
#define MP_SVG_BAUJAT_H

#include <stdio.h>

#include "mp_error.h"
#include "mp_report.h"

mp_status mp_svg_baujat(FILE *out, const mp_report *r);

#endif
