/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_guyot.c - individual data from a Kaplan-Meier curve (Guyot et al.
 * 2012); see mp_guyot.h.  The steps follow the paper's algorithm
 * (section "Reconstructing the data", steps 1 to 6, and the published R
 * code's handling of the last interval and of the total events), with
 * indices from 0. */
#include "mp_guyot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Adjustments of one interval's censoring before giving up: the paper's
 * loop can cycle on numbers at risk that no censoring pattern matches. */
#define MAX_ADJUST 10000

typedef struct {
    const mp_km_arm *a;
    size_t n;              /* points */
    size_t nint;           /* intervals (rows of numbers at risk used) */
    size_t *lower, *upper; /* each interval's first and last point */
    long *nrisk;           /* its number at risk (lowered where unmatched) */
    long *ncensor;         /* censored in it */
    size_t *last_i;        /* the last point with an event before it */
    long *d, *cen;         /* events and censorings at each point */
    long *nhat;            /* at risk at each point, n + 1 */
    double *km;            /* the reconstructed curve at each point */
} recon;

/* R's round(): half to even (rint in the default rounding mode). */
static long round_r(double x)
{
    return (long)rint(x);
}

static void recon_free(recon *R)
{
    free(R->lower);
    free(R->upper);
    free(R->nrisk);
    free(R->ncensor);
    free(R->last_i);
    free(R->d);
    free(R->cen);
    free(R->nhat);
    free(R->km);
}

static mp_status recon_alloc(recon *R)
{
    size_t n = R->n, m = R->a->n_risk;
    R->lower = calloc(m, sizeof *R->lower);
    R->upper = calloc(m, sizeof *R->upper);
    R->nrisk = calloc(m, sizeof *R->nrisk);
    R->ncensor = calloc(m, sizeof *R->ncensor);
    R->last_i = calloc(m, sizeof *R->last_i);
    R->d = calloc(n, sizeof *R->d);
    R->cen = calloc(n, sizeof *R->cen);
    R->nhat = calloc(n + 1, sizeof *R->nhat);
    R->km = calloc(n, sizeof *R->km);
    if (!R->lower || !R->upper || !R->nrisk || !R->ncensor || !R->last_i ||
        !R->d || !R->cen || !R->nhat || !R->km)
        return MP_ENOMEM;
    return MP_OK;
}

/* ---- Checks ----------------------------------------------------------- */

static mp_status refuse(mp_errors *err, const char *what)
{
    mp_errors_add(err, NULL, 0, "Kaplan-Meier reconstruction: %s", what);
    return MP_EINPUT;
}

static mp_status check_arm(const mp_km_arm *a, mp_errors *err)
{
    if (a->n < 2)
        return refuse(err, "fewer than two points on the curve");
    if (a->n_risk < 1 || !(a->risk_t[0] <= a->t[0]) || a->risk_n[0] <= 0)
        return refuse(err, "no number at risk at the curve's first point");
    for (size_t k = 0; k < a->n; k++) {
        if (!(a->t[k] >= 0 && isfinite(a->t[k])) ||
            (k > 0 && a->t[k] < a->t[k - 1]))
            return refuse(err, "the points' times fall or are not finite");
        if (!(a->s[k] >= 0 && a->s[k] <= 1) || (k > 0 && a->s[k] > a->s[k - 1]))
            return refuse(err, "survival rises or leaves [0, 1]");
    }
    if (!(a->s[0] > 0))
        return refuse(err, "survival is 0 at the first point");
    for (size_t i = 1; i < a->n_risk; i++)
        if (!(a->risk_t[i] > a->risk_t[i - 1]) || a->risk_n[i] < 0 ||
            a->risk_n[i] > a->risk_n[i - 1])
            return refuse(err, "the numbers at risk rise, are negative, or "
                          "their times do not rise");
    if (a->total_events > a->risk_n[0])
        return refuse(err, "more events than patients");
    return MP_OK;
}

/* The intervals: a row of numbers at risk starts one when it falls within
 * the curve and the points up to the next row are not none (rows past the
 * last point, as papers print them, are ignored). */
static void intervals(recon *R)
{
    const mp_km_arm *a = R->a;
    size_t m = 0;
    for (size_t i = 0; i < a->n_risk; i++) {
        double next = i + 1 < a->n_risk ? a->risk_t[i + 1] : INFINITY;
        size_t lo = 0;
        while (lo < R->n && a->t[lo] < a->risk_t[i])
            lo++;
        size_t hi = lo;
        while (hi < R->n && a->t[hi] < next)
            hi++;
        if (hi == lo)       /* no point in [t_i, t_{i+1}) */
            continue;
        if (m > 0)
            R->upper[m - 1] = lo - 1;
        R->lower[m] = m == 0 ? 0 : lo;
        R->upper[m] = hi - 1;
        R->nrisk[m] = a->risk_n[i];
        m++;
    }
    R->upper[m - 1] = R->n - 1;
    R->nint = m;
}

/* ---- Steps ------------------------------------------------------------ */

/* Spread count censorings evenly over (t[from], t[to]) at t[from] + j
 * (t[to] - t[from]) / (count + 1), and count them into cen[from..to-1] by
 * the bins (t[k], t[k+1]], the first closed, as R's hist() does. */
static void spread(recon *R, size_t from, size_t to, long count)
{
    const double *t = R->a->t;
    for (size_t k = from; k < to; k++)
        R->cen[k] = 0;
    size_t k = from;
    for (long j = 1; j <= count; j++) {
        double c = t[from] + (double)j * (t[to] - t[from]) / (double)(count + 1);
        while (k + 1 < to && c > t[k + 1])
            k++;
        R->cen[k]++;
    }
}

/* Steps 3-4 over points [from, to]: events from the curve's drops and the
 * numbers at risk, from nhat[from].  first: the first point of the first
 * interval, which has no event; clamp: a negative number at risk becomes
 * 0, its excess censoring dropped (the last interval); to_next: also the
 * number at risk after the last point.  Returns the last point with an
 * event. */
static size_t events(recon *R, size_t from, size_t to, size_t last,
                     int first, int clamp, int to_next)
{
    const double *S = R->a->s;
    for (size_t k = from; k <= to; k++) {
        if (first && k == from) {
            R->d[k] = 0;
            R->km[k] = 1;
        } else {
            R->d[k] = R->km[last] != 0 && R->nhat[k] > 0
                          ? round_r((double)R->nhat[k] * (1 - S[k] / R->km[last]))
                          : 0;
            R->km[k] = R->nhat[k] > 0
                           ? R->km[last] * (1 - (double)R->d[k] / (double)R->nhat[k])
                           : R->km[last];
        }
        if (to_next || k != to) {
            R->nhat[k + 1] = R->nhat[k] - R->d[k] - R->cen[k];
            if (clamp && R->nhat[k + 1] < 0) {    /* no negative risk set */
                R->nhat[k + 1] = 0;
                R->cen[k] = R->nhat[k] - R->d[k];
            }
        }
        if (R->d[k] != 0)
            last = k;
    }
    return last;
}

/* Steps 1-5 for interval i (not the last): censoring adjusted until the
 * number at risk at the next interval's start is the published one.  The
 * first guess is the paper's, n_i S_next / S_i - n_{i+1}; each pass then
 * corrects the count by the difference found.  Unlike the published code,
 * which leaves the loop as soon as a correction brings the count to 0 and
 * so keeps the result of the count before it (one censoring too many
 * where the guess missed the events at the interval's first point), the
 * last correction is always applied: the numbers at risk are met whenever
 * some censoring meets them.  When none can (fewer at risk than
 * published even without censoring), the published number is lowered to
 * the reconstructed one, as in the paper. */
static mp_status interval(recon *R, size_t i)
{
    const double *S = R->a->s;
    size_t lo = R->lower[i], hi = R->upper[i], next = R->lower[i + 1];
    size_t last = R->last_i[i];
    long c = round_r((double)R->nrisk[i] * S[next] / S[lo] -
                     (double)R->nrisk[i + 1]);
    for (int it = 0;; it++) {
        if (it == MAX_ADJUST)
            return MP_EINPUT;
        R->ncensor[i] = c > 0 ? c : 0;
        spread(R, lo, next, R->ncensor[i]);
        R->nhat[lo] = R->nrisk[i];
        last = events(R, lo, hi, R->last_i[i], i == 0, 0, 1);
        long gap = R->nhat[next] - R->nrisk[i + 1];
        c = R->ncensor[i] + gap;
        if (gap == 0 || (gap < 0 && R->ncensor[i] == 0))
            break;
    }
    if (R->nhat[next] < R->nrisk[i + 1])
        R->nrisk[i + 1] = R->nhat[next];
    R->last_i[i + 1] = last;
    return MP_OK;
}

static long events_through(const recon *R, size_t to)
{
    long s = 0;
    for (size_t k = 0; k <= to; k++)
        s += R->d[k];
    return s;
}

/* The last interval: the average censoring rate of the earlier intervals,
 * then, with a published total of events, censoring adjusted until the
 * events add up to it (the authors' code). */
static mp_status last_interval(recon *R)
{
    size_t L = R->nint - 1, lo = R->lower[L], hi = R->upper[L];
    const double *t = R->a->t;
    long total = R->a->total_events, cens = 0;
    if (L > 0) {
        long before = 0;
        for (size_t i = 0; i < L; i++)
            before += R->ncensor[i];
        double span = t[R->upper[L - 1]] - t[R->lower[0]];
        cens = span > 0 ? round_r((double)before * (t[hi] - t[lo]) / span) : 0;
        if (cens > R->nrisk[L])
            cens = R->nrisk[L];
    }
    R->ncensor[L] = cens > 0 ? cens : 0;
    spread(R, lo, hi, R->ncensor[L]);
    R->nhat[lo] = R->nrisk[L];
    events(R, lo, hi, R->last_i[L], 0, 1, 1);
    if (total < 0)
        return MP_OK;
    if (L > 0 && events_through(R, R->upper[L - 1]) >= total) {
        for (size_t k = lo; k <= hi; k++) {      /* no more events */
            R->d[k] = 0;
            if (k < hi)
                R->cen[k] = 0;
            R->nhat[k + 1] = R->nrisk[L];
        }
        return MP_OK;
    }
    long sum = events_through(R, hi);
    for (int it = 0; sum > total || (sum < total && R->ncensor[L] > 0); it++) {
        if (it == MAX_ADJUST)
            return MP_EINPUT;
        R->ncensor[L] += sum - total;
        if (R->ncensor[L] <= 0)
            R->ncensor[L] = 0;
        spread(R, lo, hi, R->ncensor[L]);
        R->nhat[lo] = R->nrisk[L];
        events(R, lo, hi, R->last_i[L], 0, 1, 0);
        sum = events_through(R, hi);
    }
    return MP_OK;
}

/* Step 6: events at the points, censorings at the midpoints, the rest
 * censored at the last point. */
static mp_status individual_data(const recon *R, mp_km_ipd *out)
{
    size_t N = (size_t)R->nrisk[0], j = 0;
    const double *t = R->a->t;
    out->time = malloc((N ? N : 1) * sizeof *out->time);
    out->event = malloc((N ? N : 1) * sizeof *out->event);
    if (!out->time || !out->event)
        return MP_ENOMEM;
    for (size_t k = 0; k < R->n; k++)
        for (long e = 0; e < R->d[k] && j < N; e++, j++) {
            out->time[j] = t[k];
            out->event[j] = 1;
        }
    for (size_t k = 0; k + 1 < R->n; k++)
        for (long c = 0; c < R->cen[k] && j < N; c++, j++) {
            out->time[j] = (t[k] + t[k + 1]) / 2;
            out->event[j] = 0;
        }
    for (; j < N; j++) {
        out->time[j] = t[R->n - 1];
        out->event[j] = 0;
    }
    out->n = N;
    return MP_OK;
}

mp_status mp_guyot(const mp_km_arm *a, mp_km_ipd *out, mp_errors *err)
{
    mp_errors local = MP_ERRORS_INIT;
    recon R = { 0 };
    memset(out, 0, sizeof *out);
    if (!err)
        err = &local;
    mp_status st = check_arm(a, err);
    R.a = a;
    R.n = a->n;
    if (st == MP_OK)
        st = recon_alloc(&R);
    if (st == MP_OK) {
        intervals(&R);
        for (size_t k = 0; k <= R.n; k++)
            R.nhat[k] = a->risk_n[0] + 1;
        for (size_t k = 0; k < R.n; k++)
            R.km[k] = 1;
    }
    for (size_t i = 0; st == MP_OK && i + 1 < R.nint; i++)
        st = interval(&R, i);
    if (st == MP_OK)
        st = last_interval(&R);
    if (st == MP_EINPUT && mp_errors_count(err) == 0)
        refuse(err, "the numbers at risk cannot be matched by any censoring "
               "of the curve");
    if (st == MP_OK)
        st = individual_data(&R, out);
    recon_free(&R);
    mp_errors_clear(&local);
    if (st != MP_OK)
        mp_km_ipd_clear(out);
    return st;
}

void mp_km_ipd_clear(mp_km_ipd *d)
{
    free(d->time);
    free(d->event);
    memset(d, 0, sizeof *d);
}
