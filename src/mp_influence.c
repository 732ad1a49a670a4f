/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_influence.c - case-deletion diagnostics; see mp_influence.h.
 *
 * Every figure is a closed-form function of the full fit, the fit without
 * the study and the study itself (Viechtbauer and Cheung 2010, for
 * the intercept-only model), so after mp_fit and mp_leave_one_out (O(k),
 * O(k log k) for PM) each study costs O(1).  The formulas are those of
 * metafor 3.8's influence.rma.uni() and baujat.rma() with X = 1, where
 * x_i'(X'WX)^-1 x_j = 1/W for every pair.
 */
#include "mp_influence.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "mp_analyses.h"
#include "mp_fit_impl.h"

/* metafor sets residuals below this to 0 (residuals.rma, influence). */
#define RESID_ZERO (100.0 * DBL_EPSILON)

/* The parts of a fit that the diagnostics use. */
typedef struct {
    double mu, vb;     /* estimate and its variance (HKSJ-scaled) */
    double tau2, qe;   /* tau^2 (0 for the fixed model), Cochran's Q */
    double s2w;        /* Hartung-Knapp factor (1 for the z test) */
    double wsum;       /* sum of the weights at tau2 */
} model_fit;

/* The model of r: its random-effects block, or its fixed-effect block
 * for the fixed model and for a one-study fit (metafor's k = 1 fit:
 * tau2 = 0, QE = 0, the z test). */
static model_fit model_of(const mp_fit_result *r, mp_influence_model model)
{
    model_fit m;
    if (model == MP_INFLUENCE_RANDOM && r->has_random) {
        const mp_random_result *q = &r->random;
        m.mu = q->log_estimate;
        m.vb = q->se * q->se;
        m.tau2 = q->tau2;
        m.wsum = q->weight_sum;
        m.s2w = q->t_test ? m.vb * m.wsum : 1.0;
    } else {
        m.mu = r->fixed.log_estimate;
        m.vb = r->fixed.se * r->fixed.se;
        m.tau2 = 0.0;
        m.wsum = r->fixed.weight_sum;
        m.s2w = 1.0;
    }
    m.qe = r->has_random ? r->het.Q : 0.0;
    return m;
}

static double zero_small(double resid)
{
    return fabs(resid) < RESID_ZERO ? 0.0 : resid;
}

/* The figures of the full fit alone: hat, weight, Baujat's x. */
static void full_fit_figures(double y, double v, const model_fit *f,
                             mp_influence_row *r)
{
    double w = 1.0 / (v + f->tau2);
    r->hat = w / f->wsum;
    if (r->hat > 1.0 - 10.0 * DBL_EPSILON)   /* metafor hatvalues() */
        r->hat = 1.0;
    r->weight = 100.0 * w / f->wsum;
    double e = zero_small(y - f->mu);
    r->baujat_x = e * e / (f->tau2 + v);
}

/* The figures that need the fit without the study (see the header). */
static void deletion_figures(double y, double v, const model_fit *f,
                             const model_fit *d, mp_influence_row *r)
{
    double diff = f->mu - d->mu;
    double resid = zero_small(y - d->mu);
    r->tau2_del = d->tau2;
    r->QE_del = d->qe;
    r->rstudent = resid / sqrt(v * d->s2w + d->vb + d->tau2 * d->s2w);
    r->dffits = diff / sqrt(d->s2w * r->hat * (d->tau2 + v));
    /* metafor's vb.del: (X'WX)^-1 over all k studies at tau2_-i */
    double vb_all = 1.0 / (d->wsum + 1.0 / (v + d->tau2));
    r->dfbetas = diff / sqrt(d->s2w * vb_all);
    r->cook_d = diff * diff / f->vb;
    r->cov_r = d->vb / f->vb;
    r->baujat_y = diff * diff / d->vb;
}

/* A criterion of metafor's is.infl: 1, 0, or -1 when its figure is NAN
 * (R's NA). */
static int criterion(double x, double limit)
{
    return isnan(x) ? -1 : x > limit;
}

/* metafor's is.infl (Viechtbauer and Cheung 2010) with R's
 * three-valued `|`: TRUE if any criterion holds, else NA if any is NA. */
static mp_infl_flag influential(const mp_influence_row *r, size_t k)
{
    double kk = (double)k;
    double cook_p = isnan(r->cook_d) ? NAN : gsl_cdf_chisq_P(r->cook_d, 1.0);
    int c[4] = {
        criterion(fabs(r->dffits), 3.0 * sqrt(1.0 / (kk - 1.0))),
        criterion(cook_p, 0.5),
        criterion(r->hat, 3.0 / kk),
        criterion(fabs(r->dfbetas), 1.0),
    };
    int unknown = 0;
    for (int j = 0; j < 4; j++) {
        if (c[j] == 1)
            return MP_INFL_YES;
        unknown |= c[j] < 0;
    }
    return unknown ? MP_INFL_UNKNOWN : MP_INFL_NO;
}

static void row_without_fit(mp_influence_row *r, mp_status st)
{
    r->status = st;
    r->rstudent = r->dffits = r->cook_d = r->cov_r = NAN;
    r->tau2_del = r->QE_del = r->dfbetas = r->baujat_y = NAN;
}

/* The checks beyond those of mp_fit: k >= 2, no HKSJ with FE. */
static mp_status check_request(size_t k, const mp_fit_options *o,
                               mp_influence_model model, mp_errors *err)
{
    if (k < 2) {
        if (err)
            mp_errors_add(err, NULL, 0, "influence diagnostics need at "
                          "least 2 studies (k = %zu)", k);
        return MP_EINPUT;
    }
    if (model == MP_INFLUENCE_FIXED && o->hksj) {
        if (err)
            mp_errors_add(err, NULL, 0, "influence diagnostics: the "
                          "Hartung-Knapp adjustment is not meant for the "
                          "fixed-effect model");
        return MP_EINPUT;
    }
    return MP_OK;
}

mp_status mp_influence(const double *y, const double *v, size_t k,
                       const mp_fit_options *o, mp_influence_model model,
                       mp_influence_row *out, mp_errors *err)
{
    mp_status st = check_request(k, o, model, err);
    if (st != MP_OK)
        return st;
    mp_fit_options oo = *o;
    oo.tau2_ci = 0;
    if (model == MP_INFLUENCE_FIXED)
        oo.method = MP_METHOD_DL;   /* closed form: only the FE block is used */
    mp_fit_result full;
    st = mp_fit(y, v, k, &oo, &full, err);
    if (st != MP_OK)
        return st;
    mp_fit_result *loo = malloc(k * sizeof *loo);
    if (!loo)
        return MP_ENOMEM;
    st = mp_leave_one_out(y, v, k, &oo, loo, err);
    if (st == MP_OK) {
        model_fit f = model_of(&full, model);
        for (size_t i = 0; i < k; i++) {
            full_fit_figures(y[i], v[i], &f, &out[i]);
            row_without_fit(&out[i], loo[i].status);
            if (loo[i].status == MP_OK) {
                model_fit d = model_of(&loo[i], model);
                deletion_figures(y[i], v[i], &f, &d, &out[i]);
            }
            out[i].influential = influential(&out[i], k);
        }
    }
    free(loo);
    return st;
}
