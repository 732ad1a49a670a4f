/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_guyot.h - individual data reconstructed from a published
 * Kaplan-Meier curve and its numbers at risk, by the algorithm of Guyot,
 * Ades, Ouwens and Welton (BMC Med Res Methodol 2012;12:9).
 *
 * Within each interval between published numbers at risk, censoring is
 * spread evenly; events come from the curve's drops, d_k = round(n_k (1 -
 * S_k / S_last)); the number censored is adjusted, and the interval
 * recomputed, until the reconstructed number at risk at the start of the
 * next interval equals the published one.  The last interval assumes the
 * average censoring rate of the earlier ones, and the number censored
 * there is adjusted to the total number of events when it is given.
 * Events sit at the curve's points, censorings at the midpoints between
 * points, the rest at the last point.  Rounding is R's (half to even), as
 * in the authors' published code; one departure from that code, which can
 * stop one correction short of the published numbers at risk, is
 * explained at interval() in mp_guyot.c.  Given a point and a number at
 * risk at every event time, the reconstruction has the original data's
 * risk sets at every event time (tests/check_guyot.c).
 *
 * Knows no XML and nothing of meta-analysis; mp_cox_fit (mp_survival.h)
 * turns two arms' data into a hazard ratio.
 */
#ifndef MP_GUYOT_H
#define MP_GUYOT_H

#include <stddef.h>

#include "mp_error.h"

/* One arm as published. */
typedef struct {
    const double *t, *s;        /* digitised points: time >= 0 (not
                                 * falling), survival in [0, 1] (not
                                 * rising), n points, the first at the
                                 * first time of the numbers at risk */
    size_t n;
    const double *risk_t;       /* times of the numbers at risk (rising) */
    const long *risk_n;         /* the numbers at risk (not rising) */
    size_t n_risk;              /* rows past the last point are ignored */
    long total_events;          /* the published total, or -1 */
} mp_km_arm;

/* The reconstructed individual data of one arm (owned). */
typedef struct {
    double *time;
    int *event;
    size_t n;                   /* = the number at risk at the start */
} mp_km_ipd;

/* Reconstruct arm a into out.  MP_OK; MP_EINPUT (a diagnostic added to
 * err, which may be NULL) for points or numbers at risk that break the
 * rules above, or numbers at risk that the algorithm cannot match (it
 * stops after a bounded number of adjustments); MP_ENOMEM.  out is empty
 * on failure. */
mp_status mp_guyot(const mp_km_arm *a, mp_km_ipd *out, mp_errors *err);

void mp_km_ipd_clear(mp_km_ipd *d);

#endif
