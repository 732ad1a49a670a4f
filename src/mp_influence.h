/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_influence.h - case-deletion diagnostics and Baujat's coordinates.
 *
 * For every study, the figures of metafor 3.8's influence() (its `inf`
 * table, `dfbs` and `is.infl`) and baujat() for the intercept-only model,
 * computed from the full fit (mp_fit) and the leave-one-out fits
 * (mp_leave_one_out), so in O(k) time (O(k log k) for PM).  Sources:
 * Viechtbauer and Cheung 2010 (Res Synth Methods 1:112-125) for the
 * diagnostics and the rule that flags a study, Belsley, Kuh and Welsch
 * 1980 for DFFITS, DFBETAS and COVRATIO, Cook 1977 for the distance,
 * Baujat et al. 2002 (Stat Med 21:2641-2652) for the plot.
 *
 * Notation (per study i; "-i" the fit without it; metafor's names):
 *   w_j = 1/(v_j + tau2), W = sum w, mu, vb = se^2 of the full fit
 *   (vb includes the Hartung-Knapp factor under hksj);
 *   mu_-i, vb_-i, tau2_-i, QE_-i, s2w_-i of the fit without i (s2w the
 *   Hartung-Knapp factor, 1 for the z test);
 *   hat      = w_i / W (set to 1 above 1 - 10 DBL_EPSILON), weight = 100 hat
 *   rstudent = (y_i - mu_-i) / sqrt(v_i s2w_-i + vb_-i + tau2_-i s2w_-i)
 *   dffits   = (mu - mu_-i) / sqrt(s2w_-i hat (tau2_-i + v_i))
 *   dfbetas  = (mu - mu_-i) / sqrt(s2w_-i / sum_j 1/(v_j + tau2_-i)),
 *              the sum over all k studies
 *   cook_d   = (mu - mu_-i)^2 / vb,      cov_r = vb_-i / vb
 *   influential: |dffits| > 3 sqrt(1/(k-1)), or P(chi2_1 <= cook_d) > 0.5,
 *              or hat > 3/k, or |dfbetas| > 1 (a failed deletion fit
 *              counts as "unknown", as R's NA in `|`)
 *   baujat_x = (y_i - mu)^2 / (tau2 + v_i)   (contribution to Q)
 *   baujat_y = (mu_-i - mu)^2 / vb_-i        (influence on the estimate)
 * A residual y_i - mu_-i or y_i - mu below 100 DBL_EPSILON in magnitude
 * is 0, as metafor.  With k = 2 the fit without a study has one study:
 * tau2_-i = 0, QE_-i = 0, mu_-i = its y, vb_-i = its v (metafor's k = 1
 * fit).  The fixed-effect model is the same with tau2 = 0 throughout.
 *
 * Deterministic: the figures of a study depend on the set of studies and
 * the study itself, not on the order of the rows (as mp_fit).
 */
#ifndef MP_INFLUENCE_H
#define MP_INFLUENCE_H

#include <stddef.h>

#include "mp_error.h"
#include "mp_fit.h"

/* The model whose diagnostics are computed. */
typedef enum {
    MP_INFLUENCE_RANDOM,   /* random effects with o->method (and o->hksj) */
    MP_INFLUENCE_FIXED     /* inverse-variance fixed effect (metafor "FE") */
} mp_influence_model;

/* Whether a study is flagged influential. */
typedef enum {
    MP_INFL_NO = 0,
    MP_INFL_YES = 1,
    MP_INFL_UNKNOWN = -1   /* its deletion fit failed and nothing else flags it */
} mp_infl_flag;

/* The diagnostics of one study (row).  Figures that need the fit
 * without the study are NAN when that fit failed (status != MP_OK);
 * hat, weight and baujat_x need only the full fit and are always set. */
typedef struct {
    mp_status status;      /* of the fit without this study */
    double rstudent, dffits, cook_d, cov_r, tau2_del, QE_del;
    double hat, weight;    /* weight in percent */
    double dfbetas;
    mp_infl_flag influential;
    double baujat_x, baujat_y;
} mp_influence_row;

/* Diagnostics of every study: out[i] for row i, i = 0 .. k-1 (out holds
 * k rows, filled).  o: the fit's options (level, pi and tau2_ci do not
 * matter); under MP_INFLUENCE_FIXED o->method is not used and o->hksj
 * must be 0 (Hartung-Knapp is not meant for the fixed-effect model, as
 * metafor warns).
 * Returns MP_OK (a failed deletion fit is reported in its row's status,
 * with the diagnostic of mp_leave_one_out added to err); MP_EINPUT for
 * k < 2 ("influence diagnostics need at least 2 studies"), invalid data
 * or options, or hksj with the fixed model (a diagnostic added);
 * MP_ENUMERIC when the full fit fails (its diagnostic added); MP_ENOMEM.
 * err may be NULL.  Nothing is allocated beyond the call. */
mp_status mp_influence(const double *y, const double *v, size_t k,
                       const mp_fit_options *o, mp_influence_model model,
                       mp_influence_row *out, mp_errors *err);

#endif
