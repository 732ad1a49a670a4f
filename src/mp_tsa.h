/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_tsa.h - trial sequential analysis of a cumulative meta-analysis of
 * hazard ratios (Wetterslev, Thorlund, Brok and Gluud 2008 and 2009).
 *
 * The studies are added in the order of the cumulative analysis
 * (publication year, ties in input order); each addition is a look at
 * the cumulative Z statistic, fixed-effect or DerSimonian-Laird random
 * effects.  The looks are monitored against two-sided alpha-spending
 * boundaries (mp_groupseq) at the information fractions
 *     fraction = sum 1/v of the studies so far / adjusted required,
 * where the required information is that of a single trial with the
 * anticipated hazard ratio HR, (z_{1-alpha/2} + z_{power})^2 / ln(HR)^2
 * (in 1/variance units of the log HR; 4 times this many events under 1:1
 * allocation, Schoenfeld 1983), and for the random model it is divided by
 * 1 - D^2, D^2 = 1 - V_F / V_R from the DerSimonian-Laird fit of all the
 * studies (Wetterslev, Thorlund, Brok and Gluud 2009, BMC Med Res
 * Methodol 9:86).  The TSA-adjusted interval at a look is
 * exp(ln est +- boundary x se).
 */
#ifndef MP_TSA_H
#define MP_TSA_H

#include <stddef.h>

#include "mp_error.h"
#include "mp_groupseq.h"

typedef struct {
    double anticipated;    /* the anticipated hazard ratio, > 0, != 1 */
    double alpha;          /* two-sided type I error, in (0, 1) */
    double power;          /* in (0, 1) */
    mp_spending spending;
    int random;            /* 1: DerSimonian-Laird Z-curve, D^2-adjusted */
    int futility;          /* 1: non-binding beta-spending futility
                            * boundaries (mp_groupseq_futility), beta =
                            * 1 - power spent by the same function */
} mp_tsa_options;

/* HR 0.8 is not a default: the caller must give one.  alpha 0.05, power
 * 0.80, O'Brien-Fleming spending, random model, no futility. */
void mp_tsa_options_default(mp_tsa_options *o);

typedef enum {
    MP_TSA_NONE = 0,       /* inside the boundaries */
    MP_TSA_BENEFIT,        /* Z <= -boundary: a hazard ratio below 1 */
    MP_TSA_HARM,           /* Z >= boundary: a hazard ratio above 1 */
    MP_TSA_FUTILITY        /* Z on the near side of the futility boundary
                            * (and no efficacy boundary crossed) */
} mp_tsa_crossing;

typedef struct {
    size_t added;          /* the row of the study added at this look */
    size_t k;              /* studies pooled so far */
    double information;    /* sum 1/v so far */
    double fraction;       /* information / adjusted required information */
    double z;              /* cumulative Z (fixed or DL random) */
    double boundary;       /* two-sided boundary at this fraction; INFINITY
                            * before the first look of >= 1% of it */
    double futility;       /* the futility boundary on the Z scale: for an
                            * anticipated HR below 1, Z at or above it is
                            * futile (below 1: at or below); NaN without
                            * --futility or before the first look */
    int new_look;          /* see mp_groupseq_look */
    mp_tsa_crossing crossed;
    double log_estimate, se;     /* the cumulative pooled estimate */
    double lower, upper;   /* TSA-adjusted interval, log scale
                            * (-+INFINITY with an infinite boundary) */
} mp_tsa_look;

typedef struct {
    double required_information;  /* 1/variance units */
    double required_events;       /* 4 x required_information */
    double D2;                    /* 0 for the fixed model */
    double adjusted_required_information;
    mp_tsa_look *looks;           /* k looks, in the cumulative order */
    size_t n_looks;
    size_t first_crossing;        /* the look that first crossed, or
                                   * n_looks */
} mp_tsa_result;

/* The trial sequential analysis of the studies y[i], v[i] (log HR and its
 * variance, v > 0) published in year[i], i < k.  On MP_OK r owns its
 * looks (release with mp_tsa_result_clear).  MP_EINPUT (diagnostic added
 * to err, which may be NULL) for k = 0, an anticipated HR that is 1, not
 * positive or not finite, an alpha or power outside (0, 1); MP_ENUMERIC
 * when a fit or a boundary fails; MP_ENOMEM.  r is left empty on
 * failure. */
mp_status mp_tsa(const double *y, const double *v, const int *year, size_t k,
                 const mp_tsa_options *o, mp_tsa_result *r, mp_errors *err);

void mp_tsa_result_clear(mp_tsa_result *r);

/* A point of the boundary curves a TSA plot draws (mp_svg_tsa). */
typedef struct {
    double fraction;       /* of the adjusted required information */
    double boundary;       /* two-sided efficacy boundary (finite) */
    double futility;       /* as mp_tsa_look's futility (NaN: none) */
} mp_tsa_point;

/* The boundary curves of r (a result of mp_tsa with the options o): one
 * point per new look with a finite boundary, with the boundaries mp_tsa
 * monitored there, and, while the last look is short of the required
 * information, one at fraction 1 with the boundaries a look reaching it
 * next would have (Lan-DeMets boundaries at earlier looks do not depend
 * on later ones, so the monitored points are unchanged).  On MP_OK *pts
 * (malloc'd, the caller frees it; NULL when *n is 0) holds *n points in
 * increasing fraction.  MP_ENUMERIC (diagnostic added to err, which may
 * be NULL) when a boundary fails; MP_ENOMEM. */
mp_status mp_tsa_curve(const mp_tsa_result *r, const mp_tsa_options *o,
                       mp_tsa_point **pts, size_t *n, mp_errors *err);

/* One sentence on what the analysis shows and does not show, into buf
 * (truncated to len like snprintf): a crossing of the benefit or harm
 * boundary (firm evidence for the anticipated effect's direction, at the
 * look and year it happened), or no crossing (how much of the required
 * information has accrued, and that neither the anticipated effect nor its
 * absence is established).  names[i] labels row i (may be NULL). */
void mp_tsa_conclusion(const mp_tsa_result *r, const mp_tsa_options *o,
                       const char *const *names, const int *year, char *buf,
                       size_t len);

#endif
