/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg.h - forest plots as SVG.
 *
 * The layout journals and Cochrane reviews use: study label, year and
 * patients per arm on the left; a log-scale axis with a reference line at
 * 1, a square per study sized by its weight with its confidence interval
 * (an arrow where it runs off the axis), diamonds for the pooled fixed and
 * random estimates and the prediction interval as a bar; the ratio with its
 * interval and the weights on the right; heterogeneity and the test for the
 * overall effect below, with "Favours ..." labels under the axis.
 *
 * Input: an mp_report (dataset, fit, and optionally leave-one-out,
 * subgroups or cumulative results).  Output: a complete SVG 1.1 document
 * (width, height and viewBox in px) written to out through libxml2's
 * xmlTextWriter (so every text is escaped by the writer), built in memory
 * and written with one fwrite; out is not flushed or closed.  Every number
 * shown is formatted by mp_format as the text report prints it; the
 * per-study figures come from mp_report_study.  Returns MP_OK, MP_ENOMEM,
 * MP_EIO (a write to out failed), or MP_EINPUT when the analysis a plot
 * draws is missing (r->cum, r->loo).
 *
 * Layout: 12 px text in "Helvetica, Arial, ..., sans-serif", black on
 * white, no line thinner than 1 px.  Column widths are estimated from the
 * text (Helvetica's advance widths, a tenth to spare); a label longer than
 * about 40 characters is cut with "...".  The log axis has round ticks
 * chosen from the data (0.5 0.7 1 1.5 2, 0.1 0.2 0.5 1 2 5 10, ...): it
 * shows every pooled interval and 1, and the study estimates and intervals
 * within a reach of those (a factor 4, or half the pooled range; the most
 * extreme twentieth of the intervals on each side may be left out), capped
 * at 0.001 .. 1000; what runs off the axis ends in an arrow.  The height
 * grows with the rows (20 px each).
 *
 * Elements for tests and styling: each study row is <g class="study">
 * (cumulative steps "step", leave-one-out rows "omitted"), subgroup
 * headings <g class="heading">, squares <rect class="square">, diamonds
 * <polygon class="diamond">, arrowheads <polygon class="arrow">, the
 * prediction interval <g class="prediction">.
 */
#ifndef MP_SVG_H
#define MP_SVG_H

#include <stdio.h>

#include "mp_error.h"
#include "mp_report.h"

typedef struct {
    const char *favours_left;   /* label left of 1 (NULL: "Favours " + the
                                   experimental arm label, or "Favours
                                   experimental") */
    const char *favours_right;  /* label right of 1 (NULL: "Favours " + the
                                   control arm label, or "Favours control") */
} mp_svg_options;

/* The favours label of a side (0: left of 1, the experimental arm; 1:
 * right, the control arm) into buf (n bytes): the option given, else
 * "Favours " + the arm label, else "Favours experimental" / "Favours
 * control".  o may be NULL.  The TSA plot labels its Z halves with it. */
void mp_svg_favours(char *buf, size_t n, const mp_report *r,
                    const mp_svg_options *o, int side);

/* The forest plot of the analysis: study rows (title, year, patients and
 * events per arm where known, ratio [CI], fixed and random weights; square
 * area proportional to the random-effects weight, the fixed weight when
 * k = 1, but at least 4 px a side), the fixed and random diamonds and the prediction interval, then
 * heterogeneity and the tests for the overall effect below the axis.  With
 * r->sub, one section per subgroup (heading, studies, subtotal diamond
 * with its heterogeneity) and the test for subgroup differences.
 * o may be NULL. */
mp_status mp_svg_forest(FILE *out, const mp_report *r, const mp_svg_options *o);

/* The cumulative analysis (r->cum required): one row per step (study
 * added, year, k so far), the pooled estimate after adding each study, in
 * publication-year order (random effects; the fixed effect for the
 * one-study step).  A step whose fit failed is named, not drawn. */
mp_status mp_svg_cumulative(FILE *out, const mp_report *r,
                            const mp_svg_options *o);

/* The leave-one-out analysis (r->loo required): one row per omitted study
 * ("Omitting <title>") with the pooled estimate without it, and the full
 * analysis as a diamond at the bottom with a dashed line at its estimate.
 * A refit that failed is named, not drawn. */
mp_status mp_svg_leave_one_out(FILE *out, const mp_report *r,
                               const mp_svg_options *o);

#endif
