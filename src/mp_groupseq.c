/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_groupseq.c - group-sequential boundaries by alpha spending; see
 * mp_groupseq.h.
 *
 * The recursion (Jennison and Turnbull 2000, section 19.2), on the scale
 * of Z with information fractions t: if f_{k-1} is the sub-density of
 * Z_{k-1} over the paths that have not stopped, then with s = sqrt(t_k),
 * p = sqrt(t_{k-1}) and d = sqrt(t_k - t_{k-1}),
 *     f_k(z) = int f_{k-1}(u) (s/d) phi((z s - u p) / d) du,
 * and the probability of first crossing +-c at look k is
 *     int f_{k-1}(u) [Q((c s - u p) / d) + Phi((-c s - u p) / d)] du,
 * both integrals over the continuation region (-c_{k-1}, c_{k-1}).
 */
#include "mp_groupseq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "mp_fit_impl.h"
#include "mp_format.h"
#include "mp_text.h"

/* Gauss-Legendre nodes per panel; panels are at most PANEL_MAX wide and
 * no wider than the standard deviation of the next look's kernel in u,
 * sqrt((t_next - t) / t), so that each panel sees at most one standard
 * deviation of a Gaussian: 20 nodes integrate that to rounding. */
#define GL_NODES 20
#define PANEL_MAX 0.5
/* The continuation region is cut at |z| = Z_EDGE: the null sub-density
 * is below phi(z) and phi(10) ~ 8e-23. */
#define Z_EDGE 10.0
/* Brent's root finder on log crossing probabilities. */
#define ROOT_EPSREL 1e-13
#define ROOT_MAXITER 200
#define HSD_GAMMA_MAX 40.0

/* ---- Spending functions ----------------------------------------------- */

mp_status mp_spending_parse(const char *text, mp_spending *s, char *why,
                            size_t whylen)
{
    double g;
    if (strcmp(text, "obf") == 0) {
        s->kind = MP_SPEND_OBF;
        s->gamma = 0;
        return MP_OK;
    }
    if (strcmp(text, "pocock") == 0) {
        s->kind = MP_SPEND_POCOCK;
        s->gamma = 0;
        return MP_OK;
    }
    if (strncmp(text, "hsd:", 4) == 0 && mp_text_parse_double(text + 4, &g) &&
        fabs(g) <= HSD_GAMMA_MAX) {
        s->kind = MP_SPEND_HSD;
        s->gamma = g;
        return MP_OK;
    }
    if (why && whylen)
        snprintf(why, whylen, "'%s' is not a spending function: expected "
                 "obf, pocock or hsd:GAMMA (GAMMA from -40 to 40)", text);
    return MP_EINPUT;
}

void mp_spending_format(const mp_spending *s, char *buf, size_t len)
{
    if (s->kind == MP_SPEND_OBF)
        snprintf(buf, len, "obf");
    else if (s->kind == MP_SPEND_POCOCK)
        snprintf(buf, len, "pocock");
    else {
        char g[MP_NUMBUF];
        mp_format_json_number(g, s->gamma);    /* shortest: 0.1, not 0.1000...01 */
        snprintf(buf, len, "hsd:%s", g);
    }
}

/* Lan and DeMets (1983) for the O'Brien-Fleming and Pocock types; Hwang,
 * Shih and DeCani (1990). */
double mp_spending_alpha(const mp_spending *s, double alpha, double t)
{
    if (!(t > 0))
        return 0;
    if (t >= 1)
        return alpha;
    switch (s->kind) {
    case MP_SPEND_OBF:
        return 2 * gsl_cdf_ugaussian_Q(gsl_cdf_ugaussian_Qinv(alpha / 2) /
                                       sqrt(t));
    case MP_SPEND_POCOCK:
        return alpha * log1p((M_E - 1) * t);
    case MP_SPEND_HSD:
        if (s->gamma == 0)
            return alpha * t;
        return alpha * expm1(-s->gamma * t) / expm1(-s->gamma);
    }
    return NAN;
}

double mp_groupseq_information(double alpha, double power, double delta)
{
    if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1 && delta != 0 &&
          isfinite(delta)))
        return NAN;
    double z = gsl_cdf_ugaussian_Qinv(alpha / 2) + gsl_cdf_ugaussian_Pinv(power);
    return z * z / (delta * delta);
}

/* ---- The sub-density carried from look to look ------------------------ */

typedef struct {
    double t;           /* fraction of the look */
    double *u, *w, *f;  /* nodes, weights, sub-density of Z there */
    size_t n;
} stage;

static void stage_free(stage *S)
{
    free(S->u);
    free(S->w);
    free(S->f);
    memset(S, 0, sizeof *S);
}

/* Gauss-Legendre panels on [lo, hi] no wider than width. */
static mp_status stage_nodes(stage *S, double lo, double hi, double width,
                             const gsl_integration_glfixed_table *gl)
{
    size_t panels = (size_t)ceil((hi - lo) / fmin(width, PANEL_MAX));
    if (panels == 0)
        panels = 1;
    size_t n = panels * GL_NODES;
    S->u = malloc(n * sizeof *S->u);
    S->w = malloc(n * sizeof *S->w);
    S->f = malloc(n * sizeof *S->f);
    if (!S->u || !S->w || !S->f)
        return MP_ENOMEM;
    double h = (hi - lo) / (double)panels;
    for (size_t p = 0; p < panels; p++) {
        double a = lo + h * (double)p;
        for (size_t i = 0; i < GL_NODES; i++) {
            size_t j = p * GL_NODES + i;
            gsl_integration_glfixed_point(a, a + h, i, &S->u[j], &S->w[j], gl);
        }
    }
    S->n = n;
    return MP_OK;
}

/* The law of the looks: S_t = Z_t sqrt(t) is Brownian motion with drift
 * theta per unit of fraction (0 under the null hypothesis), so that given
 * Z = u at fraction p^2, Z at fraction s^2 = p^2 + d^2 is normal with
 * mean (u p + theta d^2) / s and sd d / s. */

/* P(Z_t > x) (upper 1) or P(Z_t <= x) (upper 0) over the paths that
 * continued at prev (NULL: t is the first look). */
static double tail_mass(const stage *prev, double t, double theta, double x,
                        int upper)
{
    double s = sqrt(t);
    if (!prev)
        return upper ? gsl_cdf_ugaussian_Q(x - theta * s)
                     : gsl_cdf_ugaussian_P(x - theta * s);
    double p = sqrt(prev->t), d2 = t - prev->t, d = sqrt(d2), sum = 0;
    for (size_t j = 0; j < prev->n; j++) {
        double e = (x * s - prev->u[j] * p - theta * d2) / d;
        sum += prev->w[j] * prev->f[j] *
               (upper ? gsl_cdf_ugaussian_Q(e) : gsl_cdf_ugaussian_P(e));
    }
    return sum;
}

/* The stage at fraction t whose paths continued inside (lo, hi), its
 * nodes fitted to the next look at fraction next: the sub-density by the
 * recursion from prev (or the normal density at the first look), cut
 * where it is below phi(Z_EDGE) of its centre. */
static mp_status stage_next(const stage *prev, double t, double theta,
                            double lo, double hi, double next, stage *S,
                            const gsl_integration_glfixed_table *gl)
{
    double s = sqrt(t), centre = theta * s;
    lo = fmax(lo, centre - Z_EDGE);
    hi = fmin(hi, centre + Z_EDGE);
    mp_status st = stage_nodes(S, lo, fmax(hi, lo), sqrt((next - t) / t), gl);
    if (st != MP_OK)
        return st;
    S->t = t;
    for (size_t i = 0; i < S->n; i++) {
        if (!prev) {
            S->f[i] = gsl_ran_ugaussian_pdf(S->u[i] - centre);
            continue;
        }
        double p = sqrt(prev->t), d2 = t - prev->t, d = sqrt(d2), sum = 0;
        for (size_t j = 0; j < prev->n; j++)
            sum += prev->w[j] * prev->f[j] *
                   gsl_ran_ugaussian_pdf((S->u[i] * s - prev->u[j] * p -
                                          theta * d2) / d);
        S->f[i] = sum * s / d;
    }
    return MP_OK;
}

/* ---- Solving for a boundary ------------------------------------------- */

/* What a boundary x is solved for: the probability of first crossing it,
 * log(mass) = log(target); gap(x) falls with x in both cases. */
typedef struct {
    const stage *prev;
    double t, theta, log_target;
    int futility;      /* 0: two-sided efficacy +-x under theta = 0;
                        * 1: Z <= x under theta */
} cross_at;

static double gap(double x, void *arg)
{
    cross_at *a = arg;
    if (a->futility)
        return a->log_target -
               log(tail_mass(a->prev, a->t, a->theta, x, 0));
    return log(tail_mass(a->prev, a->t, 0, x, 1) +
               tail_mass(a->prev, a->t, 0, -x, 0)) -
           a->log_target;
}

static int wanted(double g, int dir)
{
    return isfinite(g) && (dir > 0 ? g <= 0 : g >= 0);
}

/* From x0, the first point in direction dir (+1: up, to gap <= 0; -1:
 * down, to gap >= 0) with a finite gap of that sign: doubling steps, and
 * halving back where the probability underflows to 0 (infinite gap). */
static int find_side(cross_at *a, double x0, int dir, double *x)
{
    double inner = x0, step = 1;
    for (int i = 0; i < 64; i++, step *= 2) {
        double out = inner + dir * step, g = gap(out, a);
        while (!isfinite(g) && fabs(out - inner) > 1e-9) {
            double mid = (inner + out) / 2, gm = gap(mid, a);
            if (!isfinite(gm))
                out = mid;
            else if (wanted(gm, dir)) {
                out = mid;
                g = gm;
            } else
                inner = mid;
        }
        if (wanted(g, dir)) {
            *x = out;
            return 1;
        }
        if (!isfinite(g))
            return 0;
        inner = out;
    }
    return 0;
}

/* The root of gap by Brent's method, bracketed from x0. */
static mp_status solve(cross_at *a, double x0, double *x)
{
    gsl_function F = { gap, a };
    double lo, hi;
    int iters = 0;
    if (!find_side(a, x0, -1, &lo) || !find_side(a, x0, +1, &hi))
        return MP_ENUMERIC;
    mp_status st = mp_root_brent(&F, &lo, &hi, 0, ROOT_EPSREL, ROOT_MAXITER,
                                 x, &iters);
    return st == MP_OK && !isfinite(*x) ? MP_ENUMERIC : st;
}

/* The efficacy boundary c with two-sided crossing probability target
 * (> 0) under the null: closed form at the first look. */
static mp_status solve_bound(const stage *prev, double t, double target,
                             double *c)
{
    if (!prev) {
        *c = gsl_cdf_ugaussian_Qinv(target / 2);
        return isfinite(*c) ? MP_OK : MP_ENUMERIC;
    }
    cross_at a = { prev, t, 0, log(target), 0 };
    return solve(&a, 1, c);
}

/* ---- The boundaries --------------------------------------------------- */

static mp_status check(const double *t, size_t K, double alpha,
                       mp_errors *err)
{
    if (!(alpha > 0 && alpha < 1)) {
        mp_errors_add(err, NULL, 0, "alpha %g is not between 0 and 1", alpha);
        return MP_EINPUT;
    }
    for (size_t k = 0; k < K; k++)
        if (!(t[k] > 0 && isfinite(t[k])) || (k > 0 && t[k] < t[k - 1])) {
            mp_errors_add(err, NULL, 0, "information fraction %g at look %zu "
                          "is not positive, finite and not below the one "
                          "before", t[k], k + 1);
            return MP_EINPUT;
        }
    return MP_OK;
}

/* Marks which looks are new: at least MP_GROUPSEQ_MIN_STEP past the last
 * new look, and not after the first look at or past fraction 1. */
static void mark_looks(const double *t, size_t K, mp_groupseq_look *look)
{
    double last = 0;
    int done = 0;
    for (size_t k = 0; k < K; k++) {
        look[k].new_look = !done && t[k] - last >= MP_GROUPSEQ_MIN_STEP;
        if (look[k].new_look) {
            last = t[k];
            done = t[k] >= 1;
        }
    }
}

/* The next new look after k, or K. */
static size_t next_look(const mp_groupseq_look *look, size_t K, size_t k)
{
    for (k++; k < K && !look[k].new_look; k++)
        ;
    return k;
}

mp_status mp_groupseq_bounds(const double *t, size_t K, const mp_spending *s,
                             double alpha, mp_groupseq_look *look,
                             mp_errors *err)
{
    mp_errors local = MP_ERRORS_INIT;
    mp_status st = check(t, K, alpha, err ? err : &local);
    mp_errors_clear(&local);
    if (st != MP_OK)
        return st;
    gsl_integration_glfixed_table *gl =
        gsl_integration_glfixed_table_alloc(GL_NODES);
    if (!gl)
        return MP_ENOMEM;
    mark_looks(t, K, look);
    stage prev = { 0 }, cur = { 0 };
    double spent = 0, bound = INFINITY;
    for (size_t k = 0; k < K && st == MP_OK; k++) {
        if (look[k].new_look) {
            double a = mp_spending_alpha(s, alpha / 2, t[k]);
            st = solve_bound(prev.n ? &prev : NULL, t[k], 2 * (a - spent),
                             &bound);
            spent = a;
            size_t m = next_look(look, K, k);
            if (st == MP_OK && m < K) {
                st = stage_next(prev.n ? &prev : NULL, t[k], 0, -bound,
                                bound, t[m], &cur, gl);
                stage_free(&prev);
                prev = cur;
                memset(&cur, 0, sizeof cur);
            }
        }
        look[k].bound = bound;
        look[k].spent = spent;
        look[k].futility = NAN;
        look[k].beta_spent = NAN;
    }
    if (st == MP_ENUMERIC && err)
        mp_errors_add(err, NULL, 0, "the sequential boundaries could not be "
                      "computed to their accuracy");
    stage_free(&prev);
    stage_free(&cur);
    gsl_integration_glfixed_table_free(gl);
    return st;
}

/* ---- Futility --------------------------------------------------------- */

/* The futility boundary with first-crossing probability target under
 * theta, below the efficacy boundary c. */
static mp_status solve_futility(const stage *prev, double t, double theta,
                                double target, double c, double *a)
{
    cross_at x = { prev, t, theta, log(target), 1 };
    mp_status st = MP_OK;
    if (!prev)
        *a = theta * sqrt(t) + gsl_cdf_ugaussian_Pinv(target);
    else
        st = solve(&x, theta * sqrt(t), a);
    if (st == MP_OK)
        *a = fmin(*a, c);
    return st;
}

mp_status mp_groupseq_futility(const double *t, size_t K,
                               const mp_spending *s, double beta,
                               double theta, mp_groupseq_look *look,
                               mp_errors *err)
{
    if (!(beta > 0 && beta < 1 && theta > 0 && isfinite(theta))) {
        if (err)
            mp_errors_add(err, NULL, 0, "futility: beta %g and drift %g must "
                          "be in (0, 1) and positive", beta, theta);
        return MP_EINPUT;
    }
    gsl_integration_glfixed_table *gl =
        gsl_integration_glfixed_table_alloc(GL_NODES);
    if (!gl)
        return MP_ENOMEM;
    stage prev = { 0 }, cur = { 0 };
    double spent = 0, a = NAN;
    int closed = 0;   /* the wedge has closed: a = c from here on */
    mp_status st = MP_OK;
    for (size_t k = 0; k < K && st == MP_OK; k++) {
        if (look[k].new_look) {
            double b = mp_spending_alpha(s, beta, t[k]);
            if (closed || t[k] >= 1)
                a = look[k].bound;
            else
                st = solve_futility(prev.n ? &prev : NULL, t[k], theta,
                                    b - spent, look[k].bound, &a);
            spent = b;
            closed = !(a < look[k].bound);
            size_t m = next_look(look, K, k);
            if (st == MP_OK && m < K && !closed) {
                st = stage_next(prev.n ? &prev : NULL, t[k], theta,
                                fmax(a, -look[k].bound), look[k].bound, t[m],
                                &cur, gl);
                stage_free(&prev);
                prev = cur;
                memset(&cur, 0, sizeof cur);
            }
        }
        look[k].futility = a;
        look[k].beta_spent = isnan(a) ? NAN : spent;
    }
    if (st == MP_ENUMERIC && err)
        mp_errors_add(err, NULL, 0, "the futility boundaries could not be "
                      "computed to their accuracy");
    stage_free(&prev);
    stage_free(&cur);
    gsl_integration_glfixed_table_free(gl);
    return st;
}
