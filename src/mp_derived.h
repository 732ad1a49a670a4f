/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_derived.h - effects derived from incomplete reports: the checks and
 * conversions of the descriptor elements logrank-p, medians and km-curves
 * (metapool-study(5), DERIVED EFFECTS; analyses-2 contract, section 4).
 *
 * Knows the published figures and no XML: the reader fills an
 * mp_effect_input (mp_effect.h) and, for km-curves, an mp_km_input whose
 * arrays it owns; mp_effect_check and mp_effect_convert dispatch here.
 * The statistics are mp_survival.h's (Tierney 2007, the exponential
 * approximation, the Cox fit) and mp_guyot.h's (the reconstruction).
 */
#ifndef MP_DERIVED_H
#define MP_DERIVED_H

#include <stddef.h>

#include "mp_effect.h"
#include "mp_guyot.h"

/* One arm of <km-curves>, as written: survival as printed (scale 100 when
 * percent), each row with the line of its element for diagnostics. */
typedef struct {
    int percent;                /* scale="percent" */
    long events;                /* events=, -1 when not given */
    long line;                  /* the <arm> element */
    size_t n_points, n_risk;
    const double *t, *s;        /* <point time= survival=> */
    const long *point_line;
    const double *risk_t;       /* <at-risk time= n=> */
    const long *risk_n, *risk_line;
} mp_km_arm_input;

struct mp_km_input {
    mp_km_arm_input arm[2];     /* [1] experimental, [0] control */
};

/* The checks of mp_effect_check for the derived kinds: one diagnostic per
 * problem at (file, line of the offending element); MP_OK or MP_EINPUT. */
mp_status mp_derived_check(const mp_effect_input *e, const char *file,
                           mp_errors *err);

/* logrank-p and medians: y and se (MP_OK, or MP_ENUMERIC). */
mp_status mp_derived_convert(const mp_effect_input *e, double *y, double *se);

/* km-curves: reconstruct both arms (mp_guyot) and fit the Cox model
 * (mp_cox_fit).  When ipd is not NULL, ipd[1] (experimental) and ipd[0]
 * (control) receive the reconstructed data, owned by the caller
 * (mp_km_ipd_clear), empty on failure.  MP_OK; MP_EINPUT or MP_ENUMERIC
 * with a diagnostic at (file, e->line) when err is not NULL; MP_ENOMEM. */
mp_status mp_derived_km(const mp_effect_input *e, const char *file,
                        double *y, double *se, mp_km_ipd ipd[2],
                        mp_errors *err);

/* The reports' mark of a derived effect, "a" (logrank-p), "b" (medians)
 * or "c" (km-curves), and the footnote naming its method (one sentence,
 * no final newline; medians say approximate); NULL for another name. */
const char *mp_derived_mark(const char *element);
const char *mp_derived_method(const char *element);
/* The derived elements in the order of their marks: j = 0, 1, 2, then
 * NULL. */
const char *mp_derived_element(size_t j);

#endif
