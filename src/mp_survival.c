/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_survival.c - hazard ratios from incomplete reports; see
 * mp_survival.h. */
#include "mp_survival.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

/* Newton-Raphson: at most COX_MAXITER steps, each halved at most
 * COX_HALVINGS times while the partial likelihood falls; converged when a
 * step moves beta by at most COX_EPS (relative, 1 as the floor). */
#define COX_MAXITER 100
#define COX_HALVINGS 40
#define COX_EPS 1e-13

/* ---- Closed forms ----------------------------------------------------- */

mp_status mp_logrank_effect(double p, int favours_experimental, double V,
                            double *y, double *se)
{
    if (!(p > 0 && p < 1) || !(V > 0 && isfinite(V)))
        return MP_EINPUT;
    double z = gsl_cdf_ugaussian_Qinv(p / 2);
    if (favours_experimental)
        z = -z;
    *y = z / sqrt(V);
    *se = 1 / sqrt(V);
    return MP_OK;
}

double mp_logrank_variance_arms(double events_exp, double events_ctl)
{
    if (!(events_exp > 0 && events_ctl > 0))
        return NAN;
    return events_exp * events_ctl / (events_exp + events_ctl);
}

double mp_logrank_variance_total(double events, double n_exp, double n_ctl)
{
    if (!(events > 0 && n_exp > 0 && n_ctl > 0))
        return NAN;
    double n = n_exp + n_ctl;
    return events * n_exp * n_ctl / (n * n);
}

mp_status mp_medians_effect(double median_exp, double median_ctl,
                            double events_exp, double events_ctl, double *y,
                            double *se)
{
    if (!(median_exp > 0 && median_ctl > 0 && events_exp > 0 &&
          events_ctl > 0) ||
        !isfinite(median_exp) || !isfinite(median_ctl))
        return MP_EINPUT;
    *y = log(median_ctl / median_exp);
    *se = sqrt(1 / events_exp + 1 / events_ctl);
    return MP_OK;
}

/* ---- The Cox fit ------------------------------------------------------ */

typedef struct {
    const mp_ipd *d;
    size_t *order;      /* rows by decreasing time */
} cox_data;

/* Sorting keys: qsort has no context argument, so the time travels with
 * its row (no global state). */
typedef struct {
    double time;
    size_t row;
} time_key;

static int by_time_desc(const void *a, const void *b)
{
    const time_key *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? 1 : -1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* c->order: the rows by decreasing time (ties by row).  MP_ENOMEM. */
static mp_status sort_rows(cox_data *c)
{
    size_t n = c->d->n;
    time_key *k = malloc((n ? n : 1) * sizeof *k);
    c->order = malloc((n ? n : 1) * sizeof *c->order);
    if (!k || !c->order) {
        free(k);
        return MP_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (time_key){ c->d->time[i], i };
    qsort(k, n, sizeof *k, by_time_desc);
    for (size_t i = 0; i < n; i++)
        c->order[i] = k[i].row;
    free(k);
    return MP_OK;
}

/* The Efron partial log-likelihood at beta, its score U and information
 * I (Therneau and Grambsch 2000, eq. 3.13-3.15 with a binary covariate,
 * so that x^2 = x): at each event time with d events, risk-set sums S0,
 * S1 and the events' own sums D0, D1, for r = 0..d-1 with f = r/d,
 *   l += beta x_events - log(S0 - f D0),  U += x_events - m,
 *   I += m (1 - m),  m = (S1 - f D1) / (S0 - f D0).
 * A subject censored at an event time is at risk at that time. */
static double efron(const cox_data *c, double beta, double *U, double *I)
{
    const mp_ipd *d = c->d;
    double w1 = exp(beta), S0 = 0, S1 = 0, ll = 0;
    *U = *I = 0;
    for (size_t i = 0; i < d->n;) {
        double t = d->time[c->order[i]], D0 = 0, D1 = 0, xs = 0;
        int events = 0;
        for (; i < d->n && d->time[c->order[i]] == t; i++) {
            size_t row = c->order[i];
            double w = d->arm[row] ? w1 : 1;
            S0 += w;
            S1 += d->arm[row] ? w : 0;
            if (d->event[row]) {
                events++;
                D0 += w;
                D1 += d->arm[row] ? w : 0;
                xs += d->arm[row];
            }
        }
        for (int r = 0; r < events; r++) {
            double f = (double)r / events, s0 = S0 - f * D0;
            double m = (S1 - f * D1) / s0;
            ll -= log(s0);
            *U -= m;
            *I += m * (1 - m);
        }
        ll += beta * xs;
        *U += xs;
    }
    return ll;
}

/* Whether the partial likelihood has a maximum: some event in each arm
 * while the other arm is at risk.  0 when it has, else which arm lacks
 * such events (1 experimental, 2 control). */
static int monotone(const cox_data *c)
{
    const mp_ipd *d = c->d;
    size_t at_risk[2] = { 0, 0 }, informative[2] = { 0, 0 };
    for (size_t i = 0; i < d->n;) {
        double t = d->time[c->order[i]];
        size_t j = i;
        for (; j < d->n && d->time[c->order[j]] == t; j++)
            at_risk[d->arm[c->order[j]]]++;
        for (; i < j; i++) {
            int a = d->arm[c->order[i]];
            if (d->event[c->order[i]] && at_risk[1 - a] > 0)
                informative[a]++;
        }
    }
    return !informative[1] ? 1 : !informative[0] ? 2 : 0;
}

static mp_status check_ipd(const mp_ipd *d, mp_errors *err)
{
    for (size_t i = 0; i < d->n; i++)
        if (!(d->time[i] >= 0 && isfinite(d->time[i])) ||
            (d->event[i] != 0 && d->event[i] != 1) ||
            (d->arm[i] != 0 && d->arm[i] != 1)) {
            mp_errors_add(err, NULL, 0, "Cox model: row %zu is not a time "
                          ">= 0 with an event code and an arm of 0 or 1",
                          i + 1);
            return MP_EINPUT;
        }
    return MP_OK;
}

/* Newton-Raphson from 0, each step halved while it lowers the
 * likelihood by more than rounding. */
static mp_status newton(const cox_data *c, mp_cox_result *r)
{
    double beta = 0, U, I, ll = efron(c, 0, &U, &I);
    r->loglik0 = ll;
    for (int it = 1; it <= COX_MAXITER; it++) {
        double step = U / I, next, U1, I1, ll1 = 0;
        int h = 0;
        for (; h <= COX_HALVINGS; h++, step /= 2) {
            next = beta + step;
            ll1 = efron(c, next, &U1, &I1);
            /* near the maximum the likelihood is flat to rounding: a step
             * that lowers it by rounding alone is taken */
            if (ll1 >= ll - 16 * DBL_EPSILON * fabs(ll))
                break;
        }
        if (h > COX_HALVINGS || !isfinite(ll1))
            return MP_ENUMERIC;
        int done = fabs(next - beta) <= COX_EPS * fmax(1, fabs(beta));
        beta = next;
        ll = ll1;
        U = U1;
        I = I1;
        r->iterations = it;
        if (done) {
            r->log_hr = beta;
            r->se = 1 / sqrt(I);
            r->loglik = ll;
            return isfinite(r->se) ? MP_OK : MP_ENUMERIC;
        }
    }
    return MP_ENUMERIC;
}

mp_status mp_cox_fit(const mp_ipd *d, mp_cox_result *r, mp_errors *err)
{
    mp_errors local = MP_ERRORS_INIT;
    if (!err)
        err = &local;
    mp_status st = check_ipd(d, err);
    cox_data c = { d, NULL };
    if (st == MP_OK)
        st = sort_rows(&c);
    if (st == MP_OK) {
        int m = monotone(&c);
        if (m) {
            mp_errors_add(err, NULL, 0, "Cox model: no finite hazard ratio: "
                          "the %s arm has no event while the other arm is at "
                          "risk (the hazard ratio is %s)",
                          m == 1 ? "experimental" : "control",
                          m == 1 ? "0" : "infinite");
            st = MP_EINPUT;
        }
    }
    if (st == MP_OK && (st = newton(&c, r)) == MP_ENUMERIC)
        mp_errors_add(err, NULL, 0, "Cox model: Newton-Raphson did not "
                      "converge");
    free(c.order);
    mp_errors_clear(&local);
    return st;
}
