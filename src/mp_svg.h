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
 * subgroups or cumulative results).  Output: a complete SVG document
 * written to out through libxml2's xmlTextWriter (so every text is
 * escaped by the writer).  Returns MP_OK, MP_ENOMEM or MP_EIO.
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
    const char *favours_right;  /* label right of 1 (NULL: from the control arm) */
} mp_svg_options;

/* The forest plot of the analysis: with r->sub, one section per subgroup
 * with its subtotal diamond and the test for subgroup differences. */
mp_status mp_svg_forest(FILE *out, const mp_report *r, const mp_svg_options *o);

/* The cumulative analysis (r->cum required): one row per step, the pooled
 * estimate after adding each study, in publication-year order. */
mp_status mp_svg_cumulative(FILE *out, const mp_report *r,
                            const mp_svg_options *o);

/* The leave-one-out analysis (r->loo required): one row per omitted study
 * with the pooled estimate without it, and the full estimate for
 * comparison. */
mp_status mp_svg_leave_one_out(FILE *out, const mp_report *r,
                               const mp_svg_options *o);

#endif
