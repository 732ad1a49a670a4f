/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_tsa.c - trial sequential analysis; see mp_tsa.h. */
#include "mp_tsa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "mp_analyses.h"
#include "mp_fit.h"

void mp_tsa_options_default(mp_tsa_options *o)
{
    o->anticipated = NAN;
    o->alpha = 0.05;
    o->power = 0.80;
    o->spending.kind = MP_SPEND_OBF;
    o->spending.gamma = 0;
    o->random = 1;
    o->futility = 0;
}

void mp_tsa_result_clear(mp_tsa_result *r)
{
    free(r->looks);
    memset(r, 0, sizeof *r);
}

static mp_status check(const mp_tsa_options *o, size_t k, mp_errors *err)
{
    size_t before = mp_errors_count(err);
    double hr = o->anticipated;
    if (k == 0)
        mp_errors_add(err, NULL, 0, "trial sequential analysis: no study");
    if (!(hr > 0 && isfinite(hr) && hr != 1))
        mp_errors_add(err, NULL, 0, "trial sequential analysis: the "
                      "anticipated hazard ratio %g is not a ratio above 0 "
                      "other than 1", hr);
    if (!(o->alpha > 0 && o->alpha < 1))
        mp_errors_add(err, NULL, 0, "trial sequential analysis: alpha %g is "
                      "not between 0 and 1", o->alpha);
    if (!(o->power > 0 && o->power < 1))
        mp_errors_add(err, NULL, 0, "trial sequential analysis: power %g is "
                      "not between 0 and 1", o->power);
    return mp_errors_count(err) > before ? MP_EINPUT : MP_OK;
}

/* The model's pooled log estimate and SE at a step: DerSimonian-Laird
 * random effects (one study: the fixed effect, tau^2 = 0), or fixed. */
static void step_figures(const mp_fit_result *f, int random, double *est,
                         double *se)
{
    if (random && f->has_random) {
        *est = f->random.log_estimate;
        *se = f->random.se;
    } else {
        *est = f->fixed.log_estimate;
        *se = f->fixed.se;
    }
}

/* D^2 = 1 - V_F / V_R from the fit of all studies (Wetterslev et al.
 * 2009, eq. 5); 0 for the fixed model or one study. */
static double diversity(const mp_fit_result *all, int random)
{
    if (!random || !all->has_random)
        return 0;
    double r = all->fixed.se / all->random.se;
    return fmax(0, 1 - r * r);
}

/* The looks' information, fractions, Z and estimates from the cumulative
 * fits. */
static mp_status fill_looks(const double *v, const mp_cumulative *c,
                            const mp_tsa_options *o, mp_tsa_result *r)
{
    double info = 0;
    for (size_t j = 0; j < c->k; j++) {
        mp_tsa_look *L = &r->looks[j];
        const mp_fit_result *f = &c->fits[j];
        if (f->status != MP_OK)
            return MP_ENUMERIC;
        L->added = c->order[j];
        L->k = j + 1;
        info += 1 / v[c->order[j]];
        L->information = info;
        L->fraction = info / r->adjusted_required_information;
        step_figures(f, o->random, &L->log_estimate, &L->se);
        L->z = L->log_estimate / L->se;
    }
    return MP_OK;
}

/* Which boundary a look's Z is beyond.  dir: the sign of Z under the
 * anticipated effect (-1 for a hazard ratio below 1). */
static mp_tsa_crossing crossing_of(const mp_tsa_look *L, int dir)
{
    if (L->z <= -L->boundary)
        return MP_TSA_BENEFIT;
    if (L->z >= L->boundary)
        return MP_TSA_HARM;
    if (!isnan(L->futility) && dir * L->z <= dir * L->futility)
        return MP_TSA_FUTILITY;
    return MP_TSA_NONE;
}

/* The boundaries at the looks' fractions: efficacy, and futility under
 * the drift of the anticipated effect at the required information. */
static mp_status boundaries(const mp_tsa_options *o, const double *t,
                            size_t n, mp_groupseq_look *g, mp_errors *err)
{
    mp_status st = mp_groupseq_bounds(t, n, &o->spending, o->alpha, g, err);
    if (st != MP_OK || !o->futility)
        return st;
    double theta = gsl_cdf_ugaussian_Qinv(o->alpha / 2) +
                   gsl_cdf_ugaussian_Pinv(o->power);
    return mp_groupseq_futility(t, n, &o->spending, 1 - o->power, theta, g,
                                err);
}

/* Boundaries at the looks' fractions, crossings and adjusted intervals. */
static mp_status monitor(const mp_tsa_options *o, mp_tsa_result *r,
                         mp_errors *err)
{
    size_t n = r->n_looks;
    int dir = o->anticipated < 1 ? -1 : 1;
    double *t = malloc(n * sizeof *t);
    mp_groupseq_look *g = malloc(n * sizeof *g);
    mp_status st = t && g ? MP_OK : MP_ENOMEM;
    for (size_t j = 0; st == MP_OK && j < n; j++)
        t[j] = r->looks[j].fraction;
    if (st == MP_OK)
        st = boundaries(o, t, n, g, err);
    r->first_crossing = n;
    for (size_t j = 0; st == MP_OK && j < n; j++) {
        mp_tsa_look *L = &r->looks[j];
        L->boundary = g[j].bound;
        L->futility = dir * g[j].futility;
        L->new_look = g[j].new_look;
        L->crossed = crossing_of(L, dir);
        if (L->crossed != MP_TSA_NONE && r->first_crossing == n)
            r->first_crossing = j;
        L->lower = L->log_estimate - L->boundary * L->se;
        L->upper = L->log_estimate + L->boundary * L->se;
    }
    free(t);
    free(g);
    return st;
}

mp_status mp_tsa(const double *y, const double *v, const int *year, size_t k,
                 const mp_tsa_options *o, mp_tsa_result *r, mp_errors *err)
{
    mp_errors local = MP_ERRORS_INIT;
    mp_cumulative c = { 0 };
    mp_fit_options fo;
    memset(r, 0, sizeof *r);
    if (!err)
        err = &local;
    mp_status st = check(o, k, err);
    mp_fit_options_default(&fo);
    fo.method = MP_METHOD_DL;
    if (st == MP_OK)
        st = mp_cumulative_fit(y, v, year, k, &fo, &c, err);
    if (st == MP_OK && !(r->looks = calloc(k, sizeof *r->looks)))
        st = MP_ENOMEM;
    if (st == MP_OK) {
        r->n_looks = k;
        r->required_information = mp_groupseq_information(
            o->alpha, o->power, log(o->anticipated));
        r->required_events = 4 * r->required_information;
        r->D2 = diversity(&c.fits[k - 1], o->random);
        r->adjusted_required_information =
            r->required_information / (1 - r->D2);
        st = fill_looks(v, &c, o, r);
    }
    if (st == MP_OK)
        st = monitor(o, r, err);
    if (st == MP_ENUMERIC)
        mp_errors_add(err, NULL, 0, "trial sequential analysis: a cumulative "
                      "fit or a boundary failed");
    mp_cumulative_clear(&c);
    mp_errors_clear(&local);
    if (st != MP_OK)
        mp_tsa_result_clear(r);
    return st;
}

/* The looks' fractions, 1 appended while they fall short of it, and the
 * boundaries there, as monitor computes them. */
static mp_status curve_bounds(const mp_tsa_result *r, const mp_tsa_options *o,
                              double **t, mp_groupseq_look **g, size_t *m,
                              mp_errors *err)
{
    size_t n = r->n_looks;
    *m = n + (r->looks[n - 1].fraction < 1);
    *t = malloc(*m * sizeof **t);
    *g = malloc(*m * sizeof **g);
    if (!*t || !*g)
        return MP_ENOMEM;
    for (size_t j = 0; j < n; j++)
        (*t)[j] = r->looks[j].fraction;
    if (*m > n)
        (*t)[n] = 1;
    return boundaries(o, *t, *m, *g, err);
}

mp_status mp_tsa_curve(const mp_tsa_result *r, const mp_tsa_options *o,
                       mp_tsa_point **pts, size_t *n, mp_errors *err)
{
    *pts = NULL;
    *n = 0;
    if (r->n_looks == 0)
        return MP_OK;
    double *t = NULL;
    mp_groupseq_look *g = NULL;
    size_t m = 0;
    int dir = o->anticipated < 1 ? -1 : 1;
    mp_status st = curve_bounds(r, o, &t, &g, &m, err);
    if (st == MP_OK && !(*pts = malloc(m * sizeof **pts)))
        st = MP_ENOMEM;
    for (size_t j = 0; st == MP_OK && j < m; j++) {
        if (!g[j].new_look || !isfinite(g[j].bound))
            continue;
        (*pts)[*n] = (mp_tsa_point){ t[j], g[j].bound, dir * g[j].futility };
        ++*n;
    }
    if (st != MP_OK) {
        free(*pts);
        *pts = NULL;
        *n = 0;
    }
    free(t);
    free(g);
    return st;
}

/* ---- The conclusion --------------------------------------------------- */

static void spending_name(const mp_spending *s, char *buf, size_t len)
{
    if (s->kind == MP_SPEND_OBF)
        snprintf(buf, len, "O'Brien-Fleming");
    else if (s->kind == MP_SPEND_POCOCK)
        snprintf(buf, len, "Pocock");
    else
        snprintf(buf, len, "Hwang-Shih-DeCani (gamma %g)", s->gamma);
}

void mp_tsa_conclusion(const mp_tsa_result *r, const mp_tsa_options *o,
                       const char *const *names, const int *year, char *buf,
                       size_t len)
{
    char sp[64];
    spending_name(&o->spending, sp, sizeof sp);
    int n = snprintf(buf, len, "Trial sequential analysis (anticipated "
                     "hazard ratio %.2f, two-sided alpha %g, power %g, %s "
                     "spending, %s model): ", o->anticipated, o->alpha,
                     o->power, sp, o->random ? "random-effects" : "fixed-effect");
    if (n < 0 || (size_t)n >= len)
        return;
    buf += n;
    len -= (size_t)n;
    if (r->first_crossing < r->n_looks &&
        r->looks[r->first_crossing].crossed == MP_TSA_FUTILITY) {
        const mp_tsa_look *L = &r->looks[r->first_crossing];
        snprintf(buf, len, "the cumulative Z-curve crossed the futility "
                 "boundary when %s (%d) was added, with %.0f%% of the "
                 "required information: an effect as large as the "
                 "anticipated one is unlikely, but a smaller one is not "
                 "ruled out.",
                 names && names[L->added] ? names[L->added] : "",
                 year ? year[L->added] : 0, 100 * L->fraction);
        return;
    }
    if (r->first_crossing < r->n_looks) {
        const mp_tsa_look *L = &r->looks[r->first_crossing];
        const char *name = names && names[L->added] ? names[L->added] : "";
        snprintf(buf, len, "the cumulative Z-curve crossed the monitoring "
                 "boundary for %s when %s (%d) was added, with %.0f%% of the "
                 "required information; this establishes a hazard ratio %s 1 "
                 "under repeated looks, not that it is as far from 1 as "
                 "anticipated.",
                 L->crossed == MP_TSA_BENEFIT ? "benefit" : "harm", name,
                 year ? year[L->added] : 0, 100 * L->fraction,
                 L->crossed == MP_TSA_BENEFIT ? "below" : "above");
        return;
    }
    const mp_tsa_look *last = &r->looks[r->n_looks - 1];
    if (last->fraction >= 1)
        snprintf(buf, len, "the cumulative Z-curve crossed no monitoring "
                 "boundary although the required information has been "
                 "reached (%.0f%%): an effect as large as the anticipated one "
                 "is unlikely at this power, but a smaller one is not ruled "
                 "out.", 100 * last->fraction);
    else
        snprintf(buf, len, "the cumulative Z-curve crossed no monitoring "
                 "boundary and has %.0f%% of the required information: the "
                 "evidence is not conclusive, neither the anticipated effect "
                 "nor its absence is established.", 100 * last->fraction);
}
