/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_survival.h - hazard ratios from incomplete reports: the log-rank p
 * with events (Tierney et al. 2007), median survival times with events
 * (the exponential model), and the Cox proportional-hazards fit of
 * individual data (such as data reconstructed from Kaplan-Meier curves).
 *
 * Knows survival analysis and nothing of XML or of meta-analysis.  Every
 * log hazard ratio is experimental versus control, so that below 0 means
 * a lower hazard with the experimental treatment.
 */
#ifndef MP_SURVIVAL_H
#define MP_SURVIVAL_H

#include <stddef.h>

#include "mp_error.h"

/* From a two-sided log-rank p (0 < p < 1), which arm it favours (1: the
 * experimental arm had the lower hazard) and the variance V of the
 * log-rank statistic: z = Phi^-1(1 - p/2) signed by favours (negative for
 * the experimental arm), y = z / sqrt(V), se = 1 / sqrt(V) (Tierney,
 * Stewart, Ghersi, Burdett and Sydes 2007, Trials 8:16, section "Indirect
 * estimation from the p-value").  MP_OK, or MP_EINPUT for p or V out of
 * range. */
mp_status mp_logrank_effect(double p, int favours_experimental, double V,
                            double *y, double *se);

/* V from events per arm, O_e O_c / (O_e + O_c) (Tierney 2007, eq. 12),
 * or from the total events O and the arm sizes, O n_e n_c / (n_e + n_c)^2
 * (1:1 allocation gives O / 4).  NaN for counts that are not positive. */
double mp_logrank_variance_arms(double events_exp, double events_ctl);
double mp_logrank_variance_total(double events, double n_exp, double n_ctl);

/* From median survival times per arm and events per arm under the
 * exponential model: y = ln(median_ctl / median_exp), se = sqrt(1/O_e +
 * 1/O_c) (Tierney 2007, section "Indirect estimation from survival
 * rates"; Parmar, Torri and Stewart 1998).  An approximation: the hazards
 * need not be constant.  MP_OK, or MP_EINPUT for a median or an event
 * count that is not positive. */
mp_status mp_medians_effect(double median_exp, double median_ctl,
                            double events_exp, double events_ctl, double *y,
                            double *se);

/* Individual data of a two-arm trial: time[i] >= 0, event[i] 1 (event) or
 * 0 (censored), arm[i] 1 (experimental) or 0 (control). */
typedef struct {
    const double *time;
    const int *event;
    const int *arm;
    size_t n;
} mp_ipd;

typedef struct {
    double log_hr;      /* the Cox estimate of beta, the arm's coefficient */
    double se;          /* 1 / sqrt(information at beta) (model-based) */
    double loglik;      /* Efron partial log-likelihood at beta */
    double loglik0;     /* at beta = 0 */
    int iterations;     /* Newton-Raphson steps taken */
} mp_cox_result;

/* The Cox proportional-hazards fit of d with the arm as the only
 * covariate and Efron's approximation for tied event times (Efron 1977;
 * Therneau and Grambsch 2000, section 3.3), by Newton-Raphson from 0 with
 * step halving, as R's survival::coxph(Surv(time, event) ~ arm,
 * ties = "efron") to convergence.  MP_OK; MP_EINPUT (diagnostic added to
 * err, which may be NULL) for data that are not individual data of two
 * arms (a negative or non-finite time, an event or arm code other than 0
 * or 1) or whose partial likelihood has no maximum: the hazard ratio is 0
 * or infinite when every event at which the other arm is at risk falls in
 * one arm (no events in an arm, for one); MP_ENUMERIC when Newton-Raphson
 * does not converge; MP_ENOMEM. */
mp_status mp_cox_fit(const mp_ipd *d, mp_cox_result *r, mp_errors *err);

#endif
