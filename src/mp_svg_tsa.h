/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_tsa.h - the TSA plot of a trial sequential analysis as SVG
 * (issue 20).
 *
 * Input: an mp_report whose tsa (mp_tsa's result) and tsa_opt are set.
 * Output: a complete SVG 1.1 document written to out as the forest plots
 * are (mp_svg.h: libxml2's writer into memory, one fwrite; out is not
 * flushed or closed), in their fonts and style (12 px Helvetica stack,
 * black on white, no line thinner than 1 px).
 *
 * What it shows, on linear axes: x the accumulated information (sum of
 * 1/SE^2 of the log ratio, from 0), y the cumulative Z, symmetric about 0.
 *   - the cumulative Z-curve through the looks, each look a circle
 *     numbered in the cumulative order (a number list names the trials
 *     and years below the plot; with more than MP_SVG_TSA_MAX_LABELS looks
 *     the circles are not numbered and the list is left out);
 *   - the conventional boundaries, dashed, at +-z_{1-alpha/2};
 *   - the two-sided alpha-spending monitoring boundaries (mp_tsa_curve:
 *     at each new look's information, and at the required information
 *     while the looks fall short of it; looks past the required
 *     information keep the final boundary, drawn level to the last);
 *   - with --futility, the futility boundary (on the side of the
 *     anticipated effect; it meets the monitoring boundary at the required
 *     information);
 *   - the (D^2-adjusted) required information as a vertical dotted line,
 *     labelled with its value and events (4 x, 1:1 allocation);
 *   - the favours labels beside the halves of the Z axis (Z < 0: a ratio
 *     below 1, the left label of the forest plot), a legend, and the
 *     conclusion sentence of the text report (also the <desc>).
 * Axis limits: x from 0 to a round value past the larger of the required
 * information and the last look's; y to a round value past
 * z_{1-alpha/2}, the largest |Z| and the largest boundary drawn up to
 * MP_SVG_TSA_ZCAP (early O'Brien-Fleming boundaries are far larger); the
 * curves are clipped to the plot area (clipPath), never moved.
 *
 * Elements for tests and styling: the plot area <rect class="plotarea">;
 * the ticks <g class="xaxis"> and <g class="yaxis">, each tick a <line>
 * followed by its label <text>; <g class="conventional"> (two lines),
 * <polyline class="boundary upper">, <polyline class="boundary lower">,
 * <polyline class="futility">, <polyline class="zcurve">, one <g
 * class="look"> per look (first crossing: class "look crossed") holding a
 * <circle>, <g class="ris"> (the line and its label), <g class="legend">,
 * <g class="looks"> (the number list), <g class="footer">.
 *
 * Returns MP_OK; MP_EINPUT when r->tsa is NULL; MP_ENUMERIC when the
 * boundary at the required information cannot be computed; MP_ENOMEM;
 * MP_EIO when the write to out failed.
 */
#ifndef MP_SVG_TSA_H
#define MP_SVG_TSA_H

#include <stdio.h>

#include "mp_error.h"
#include "mp_report.h"
#include "mp_svg.h"

#define MP_SVG_TSA_MAX_LABELS 40
#define MP_SVG_TSA_ZCAP 8.0

mp_status mp_svg_tsa(FILE *out, const mp_report *r, const mp_svg_options *o);

#endif
