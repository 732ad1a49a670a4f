/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_bayes.c - the exact posterior of the normal-normal hierarchical
 * model; see mp_bayes.h.
 *
 * Notation: v_i = s_i^2 (the within-study variances), g(t) the unnormalized
 * marginal posterior density of tau, scaled so that its maximum is 1, and
 * z = integral of g over tau's support.  Every posterior figure is an
 * integral over tau of g times something, divided by z:
 *   - tau: its own density g/z;
 *   - mu: the mixture of N(m(t), 1/W(t)) (Roever 2020, eq. 8-9);
 *   - a new study's effect: the mixture of N(m(t), 1/W(t) + t^2);
 *   - study i's effect: N(b m + (1 - b) y_i, v_i (1 - b) + b^2 / W) with
 *     b = v_i / (v_i + t^2) (Roever 2020, section 2.5, the conditional
 *     moments of theta_i given tau after mu is integrated out).
 */
#include "mp_bayes.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "mp_fit_impl.h"
#include "mp_text.h"

/* Accuracy.  Each integral is asked for BAYES_EPSREL and accepted when
 * QAG's own error estimate is within BAYES_ACCEPT (QAG reports roundoff
 * before it reaches 1e-10 on some integrands, with an estimate far below
 * the 1e-6 that the figures need). */
#define BAYES_EPSREL 1e-10
#define BAYES_ACCEPT 1e-8
#define ROOT_EPSREL 1e-12
#define ROOT_MAXITER 200
#define WORKSPACE_INTERVALS 2000
/* The body of g, integrated by QAG, ends where g falls below e^-SPLIT_DROP
 * of its maximum (or SPLIT_SPAN times its scale, for a heavy tail); the
 * tail from there is integrated after the substitution t = 1/u. */
#define SPLIT_DROP 12.0
#define SPLIT_SPAN 64.0
/* Points of the scan that brackets the mode before Brent refines it. */
#define MODE_SCAN 181

static const double LOG_2PI = 1.8378770664093454836;

/* ---- Priors ----------------------------------------------------------- */

void mp_tau_prior_default(mp_tau_prior *p)
{
    p->kind = MP_TAU_HALFNORMAL;
    p->a = 0.5;
    p->b = 0;
}

void mp_mu_prior_default(mp_mu_prior *p)
{
    p->normal = 0;
    p->mean = 0;
    p->sd = 0;
}

void mp_bayes_options_default(mp_bayes_options *o)
{
    mp_tau_prior_default(&o->tau_prior);
    mp_mu_prior_default(&o->mu_prior);
    o->level = 0.95;
    o->thresholds = NULL;
    o->n_thresholds = 0;
    o->shrinkage = 1;
}

static mp_status refuse(char *why, size_t len, const char *text,
                        const char *expected)
{
    if (why && len)
        snprintf(why, len, "'%s' is not a prior: expected %s", text,
                 expected);
    return MP_EINPUT;
}

/* Split "name:x:y" into the name and up to max numbers; every number must
 * parse strictly.  Returns the count of numbers, or -1. */
static int prior_fields(const char *text, char *name, size_t namelen,
                        double *x, int max)
{
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);
    if (n == 0 || n >= namelen)
        return -1;
    memcpy(name, text, n);
    name[n] = '\0';
    int count = 0;
    while (colon) {
        const char *field = colon + 1;
        colon = strchr(field, ':');
        size_t len = colon ? (size_t)(colon - field) : strlen(field);
        char buf[64];
        if (count == max || len == 0 || len >= sizeof buf)
            return -1;
        memcpy(buf, field, len);
        buf[len] = '\0';
        if (!mp_text_parse_double(buf, &x[count++]))
            return -1;
    }
    return count;
}

static const char TAU_FORMS[] =
    "halfnormal:S, halfcauchy:S, halft:S:NU, lognormal:M:S, uniform:A "
    "or jeffreys (S, NU, A > 0)";

mp_status mp_tau_prior_parse(const char *text, mp_tau_prior *p, char *why,
                             size_t whylen)
{
    static const struct {
        const char *name;
        mp_tau_prior_kind kind;
        int fields;
        int positive;   /* fields that must be > 0, from the last */
    } forms[] = {
        { "halfnormal", MP_TAU_HALFNORMAL, 1, 1 },
        { "halfcauchy", MP_TAU_HALFCAUCHY, 1, 1 },
        { "halft", MP_TAU_HALFT, 2, 2 },
        { "lognormal", MP_TAU_LOGNORMAL, 2, 1 },
        { "uniform", MP_TAU_UNIFORM, 1, 1 },
        { "jeffreys", MP_TAU_JEFFREYS, 0, 0 },
    };
    char name[16];
    double x[3] = { 0, 0, 0 };
    int n = prior_fields(text, name, sizeof name, x, 3);
    for (size_t i = 0; n >= 0 && i < sizeof forms / sizeof forms[0]; i++) {
        if (strcmp(name, forms[i].name) != 0 || n != forms[i].fields)
            continue;
        for (int j = n - forms[i].positive; j < n; j++)
            if (!(x[j] > 0))
                return refuse(why, whylen, text, TAU_FORMS);
        p->kind = forms[i].kind;
        p->a = x[0];
        p->b = x[1];
        return MP_OK;
    }
    return refuse(why, whylen, text, TAU_FORMS);
}

mp_status mp_mu_prior_parse(const char *text, mp_mu_prior *p, char *why,
                            size_t whylen)
{
    static const char forms[] = "uniform or normal:M:S (S > 0)";
    char name[16];
    double x[3];
    int n = prior_fields(text, name, sizeof name, x, 3);
    if (n == 0 && strcmp(name, "uniform") == 0) {
        mp_mu_prior_default(p);
        return MP_OK;
    }
    if (n == 2 && strcmp(name, "normal") == 0 && x[1] > 0) {
        p->normal = 1;
        p->mean = x[0];
        p->sd = x[1];
        return MP_OK;
    }
    return refuse(why, whylen, text, forms);
}

/* Jeffreys prior of tau in the normal-normal model with mu as a nuisance
 * location: the square root of tau's Fisher information, proportional to
 * sqrt(sum_i (t / (v_i + t^2))^2) (Bodnar et al. 2017, Stat Med 36(2):378-399,
 * section 3; Roever 2020, section 2.3). */
static double jeffreys_logpdf(double t, const double *v, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double a = t / (v[i] + t * t);
        s += a * a;
    }
    return 0.5 * log(s);
}

double mp_tau_prior_logpdf(const mp_tau_prior *p, double t, const double *v,
                           size_t k)
{
    if (!(t >= 0))
        return -INFINITY;
    switch (p->kind) {
    case MP_TAU_HALFNORMAL:
        return M_LN2 + log(gsl_ran_gaussian_pdf(t, p->a));
    case MP_TAU_HALFCAUCHY:
        return M_LN2 + log(gsl_ran_cauchy_pdf(t, p->a));
    case MP_TAU_HALFT:
        return M_LN2 + log(gsl_ran_tdist_pdf(t / p->a, p->b) / p->a);
    case MP_TAU_LOGNORMAL:
        /* tau^2 ~ LN(M, S^2): f_tau(t) = f_tau2(t^2) 2t. */
        if (t == 0)
            return -INFINITY;
        return log(gsl_ran_lognormal_pdf(t * t, p->a, p->b)) + M_LN2 + log(t);
    case MP_TAU_UNIFORM:
        return t <= p->a ? -log(p->a) : -INFINITY;
    case MP_TAU_JEFFREYS:
        return jeffreys_logpdf(t, v, k);
    }
    return -INFINITY;
}

/* The exponent e of the prior's tail, f(t) ~ t^-e as t grows: INFINITY for
 * a tail lighter than every power (or none at all). */
static double prior_tail(const mp_tau_prior *p)
{
    switch (p->kind) {
    case MP_TAU_HALFCAUCHY:
        return 2;
    case MP_TAU_HALFT:
        return p->b + 1;
    case MP_TAU_JEFFREYS:
        return 1;
    default:
        return INFINITY;
    }
}

/* ---- The posterior of tau --------------------------------------------- */

typedef struct {
    const double *y, *v;      /* studies in canonical order */
    size_t k;
    const mp_bayes_options *o;
    double upper;             /* end of tau's support: A, or INFINITY */
    double tail;              /* g(t) ~ t^-tail; INFINITY: lighter */
    double ref;               /* log of g's maximum before scaling */
    double mode;              /* where it is */
    double split;             /* > 0: QAG up to here, the tail beyond */
    double z;                 /* integral of g */
    gsl_integration_workspace *ws;
    struct memo *memo;        /* the nodes computed so far, or NULL */
    mp_status st;             /* first failure inside a callback */
} post;

/* Given tau = t: mu | t, y ~ N(m, 1/W), and the log marginal likelihood
 * of t with mu integrated out (the normal prior of mu entering as one more
 * observation of variance sd^2):
 *   log p(y | t) = -1/2 sum log(2 pi (v_i + t^2)) - Q/2 + 1/2 log(2 pi/W)
 * with Q = sum w_i (y_i - m)^2 (Roever 2020, eq. 6-7). */
static double conditional(const post *P, double t, double *m, double *W)
{
    double tau2 = t * t, sw = 0, swy = 0, slog = 0, q = 0;
    for (size_t i = 0; i < P->k; i++) {
        double vi = P->v[i] + tau2;
        sw += 1 / vi;
        swy += P->y[i] / vi;
        slog += log(vi);
    }
    double mean = swy / sw;
    for (size_t i = 0; i < P->k; i++) {
        double d = P->y[i] - mean;
        q += d * d / (P->v[i] + tau2);
    }
    double logl = -0.5 * (slog + (double)P->k * LOG_2PI);
    const mp_mu_prior *mp = &P->o->mu_prior;
    if (mp->normal) {
        /* the prior as one more observation: combine the two groups */
        double w0 = 1.0 / (mp->sd * mp->sd), d = mean - mp->mean;
        double all = sw + w0;
        q += sw * w0 / all * d * d;
        mean = (sw * mean + w0 * mp->mean) / all;
        sw = all;
        logl -= 0.5 * (log(mp->sd * mp->sd) + LOG_2PI);
    }
    *m = mean;
    *W = sw;
    return logl - 0.5 * q + 0.5 * (LOG_2PI - log(sw));
}

/* What the posterior needs at tau = t: log g before scaling (prior +
 * marginal likelihood; -INFINITY outside the support), and mu | t, y ~
 * N(m, 1/W). */
typedef struct {
    double t, lp, m, W;
} node;

static node compute(const post *P, double t)
{
    node nd = { t, -INFINITY, NAN, NAN };
    double ll = conditional(P, t, &nd.m, &nd.W);
    if (t >= 0 && t <= P->upper)
        nd.lp = mp_tau_prior_logpdf(&P->o->tau_prior, t, P->v, P->k) + ll;
    return nd;
}

/* Quadrature rules on the same subintervals come back to the same taus
 * for integrand after integrand (a cdf at another x, a density, a
 * moment), and a node costs O(k): a hash table (open addressing, at most
 * half full) keeps each node computed once.  The values are the same
 * cached or not; past MEMO_MAX slots, or without memory, nodes are
 * computed afresh. */
#define MEMO_MIN 4096
#define MEMO_MAX ((size_t)1 << 20)

typedef struct memo {
    node *slot;               /* t < 0: empty */
    size_t cap, n;
} memo;

static size_t memo_hash(double t, size_t cap)
{
    uint64_t x;
    memcpy(&x, &t, sizeof x);
    x ^= x >> 33;              /* the finalizer of MurmurHash3 */
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static void memo_put(memo *M, node nd)
{
    size_t i = memo_hash(nd.t, M->cap);
    while (M->slot[i].t >= 0)
        i = (i + 1) & (M->cap - 1);
    M->slot[i] = nd;
    M->n++;
}

/* Room for one more node: 1, or 0 when the table cannot grow. */
static int memo_room(memo *M)
{
    if (2 * (M->n + 1) <= M->cap)
        return 1;
    size_t cap = M->cap ? 2 * M->cap : MEMO_MIN;
    node *old = M->slot, *slot;
    if (cap > MEMO_MAX || !(slot = malloc(cap * sizeof *slot)))
        return 0;
    for (size_t i = 0; i < cap; i++)
        slot[i].t = -1;
    size_t oldcap = M->cap;
    M->slot = slot;
    M->cap = cap;
    M->n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].t >= 0)
            memo_put(M, old[i]);
    free(old);
    return 1;
}

static node node_at(const post *P, double t)
{
    memo *M = P->memo;
    if (!M || !(t >= 0) || !memo_room(M))
        return compute(P, t);
    size_t i = memo_hash(t, M->cap);
    for (; M->slot[i].t >= 0; i = (i + 1) & (M->cap - 1))
        if (M->slot[i].t == t)
            return M->slot[i];
    node nd = compute(P, t);
    memo_put(M, nd);
    return nd;
}

/* log g(t) before scaling: prior + marginal likelihood. */
static double log_post_raw(const post *P, double t)
{
    return node_at(P, t).lp;
}

static double g_at(const post *P, double t)
{
    return exp(log_post_raw(P, t) - P->ref);
}

/* ---- Quadrature ------------------------------------------------------- */

/* An integrand is g(t) f(t) for an f of this form. */
typedef double (*tau_fn)(const post *P, double t, void *ctx);

typedef struct {
    post *P;
    tau_fn f;
    void *ctx;
} integrand;

static double integrand_at(double t, void *arg)
{
    integrand *I = arg;
    double g = g_at(I->P, t);
    if (g == 0)
        return 0;
    double r = I->f ? g * I->f(I->P, t, I->ctx) : g;
    if (!isfinite(r)) {
        I->P->st = MP_ENUMERIC;
        return 0;
    }
    return r;
}

/* The integrand of a tail [a, inf) after t = 1/u: g(1/u) f(1/u) / u^2
 * on (0, 1/a], smooth (or integrably singular at 0 when g falls like
 * t^-e, 1 < e < 2) however heavy the tail. */
static double inverted_at(double u, void *arg)
{
    if (u <= 0)
        return 0;
    return integrand_at(1 / u, arg) / (u * u);
}

/* One integral over [a, b], b finite by QAG, b infinite by QAGS on the
 * inverted tail; *err its error estimate, *ok cleared when it did not
 * reach BAYES_EPSREL. */
static void piece(post *P, gsl_function *F, double a, double b, double *out,
                  double *err, int *ok)
{
    int s;
    *out = *err = 0;
    if (a >= b)
        return;
    if (isinf(b)) {
        gsl_function G = { inverted_at, F->params };
        s = gsl_integration_qags(&G, 0, 1 / a, 0, BAYES_EPSREL,
                                 WORKSPACE_INTERVALS, P->ws, out, err);
    } else
        s = gsl_integration_qag(F, a, b, 0, BAYES_EPSREL, WORKSPACE_INTERVALS,
                                GSL_INTEG_GAUSS41, P->ws, out, err);
    if (s != GSL_SUCCESS)
        *ok = 0;
}

/* integral over [a, b] of g(t) f(t) dt (f NULL: of g), b may be INFINITY;
 * the body of g by QAG, the tail beyond P->split (> 0) inverted.  A piece that
 * stopped short of BAYES_EPSREL (roundoff, often, in a heavy tail worth
 * 1e-7 of the whole) is accepted when the error estimates are within
 * BAYES_ACCEPT of the sum. */
static mp_status integrate(post *P, tau_fn f, void *ctx, double a, double b,
                           double *out)
{
    integrand I = { P, f, ctx };
    gsl_function F = { integrand_at, &I };
    double body, tail, e1, e2;
    int ok = 1;
    b = fmin(b, P->upper);
    double mid = fmin(fmax(a, P->split), b);
    piece(P, &F, a, mid, &body, &e1, &ok);
    piece(P, &F, mid, b, &tail, &e2, &ok);
    *out = body + tail;
    if (P->st != MP_OK)
        return P->st;
    if (!ok && !(e1 + e2 <= BAYES_ACCEPT * fabs(*out)))
        return MP_ENUMERIC;
    return MP_OK;
}

/* ---- One-dimensional searches ----------------------------------------- */

typedef mp_status (*real_fn)(const void *ctx, double x, double *out);

typedef struct {
    real_fn f;
    const void *ctx;
    double target;
    mp_status st;
} search;

static double search_at(double x, void *arg)
{
    search *S = arg;
    double y;
    mp_status st = S->f(S->ctx, x, &y);
    if (st != MP_OK) {
        if (S->st == MP_OK)
            S->st = st;
        return NAN;
    }
    return y - S->target;
}

/* The x in [lo, hi] with f(x) = target, by Brent's method; f(lo) - target
 * and f(hi) - target must differ in sign. */
static mp_status solve(real_fn f, const void *ctx, double target, double lo,
                       double hi, double *x)
{
    search S = { f, ctx, target, MP_OK };
    gsl_function F = { search_at, &S };
    int iters = 0;
    mp_status st = mp_root_brent(&F, &lo, &hi, 1e-300, ROOT_EPSREL,
                                 ROOT_MAXITER, x, &iters);
    return S.st != MP_OK ? S.st : st;
}

static double negated_at(double x, void *arg)
{
    return -search_at(x, arg);
}

/* Brent's minimizer of -f on [a, b] from m, where f(m) > f(a), f(b). */
static mp_status refine_max(search *S, double a, double m, double b,
                            double *x)
{
    gsl_function F = { negated_at, S };
    gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (!s)
        return MP_ENOMEM;
    int status = gsl_min_fminimizer_set(s, &F, m, a, b);
    for (int i = 0; status == GSL_SUCCESS && i < ROOT_MAXITER; i++) {
        status = gsl_min_fminimizer_iterate(s);
        if (status != GSL_SUCCESS)
            break;
        a = gsl_min_fminimizer_x_lower(s);
        b = gsl_min_fminimizer_x_upper(s);
        if (gsl_min_test_interval(a, b, 1e-300, ROOT_EPSREL) == GSL_SUCCESS)
            break;
    }
    *x = gsl_min_fminimizer_x_minimum(s);
    gsl_min_fminimizer_free(s);
    if (S->st != MP_OK)
        return S->st;
    return status == GSL_SUCCESS ? MP_OK : MP_ENUMERIC;
}

/* An interior point m of (a, e) with f(m) above f(a) and f(e) = fe, e
 * being the best point of a scan at its end: halving towards e.  0 when
 * none is found down to the resolution of doubles: then e is the
 * maximum. */
static int end_bracket(real_fn f, const void *ctx, double a, double e, double fe,
                       double *m)
{
    double fa, fm;
    if (f(ctx, a, &fa) != MP_OK)
        return 0;
    for (double d = (e - a) / 2; fabs(d) > 1e-15 * fabs(e); d /= 2) {
        *m = e - d;
        if (f(ctx, *m, &fm) != MP_OK)
            return 0;
        if (fm > fe && fm > fa)
            return 1;
    }
    return 0;
}

/* The maximum of f over the points x[0..n-1] (increasing): the best
 * point, refined by Brent's minimizer between its neighbours (or between
 * an end and its neighbour when the best point is that end and the
 * maximum lies just inside). */
static mp_status maximize(real_fn f, const void *ctx, const double *x, int n,
                          double *at)
{
    double best = -INFINITY, y, ya = 0, yb = 0, m;
    int j = 0;
    for (int i = 0; i < n; i++) {
        mp_status st = f(ctx, x[i], &y);
        if (st != MP_OK)
            return st;
        if (y > best) {
            best = y;
            j = i;
        }
    }
    *at = x[j];
    search S = { f, ctx, 0, MP_OK };
    if (j == 0 || j == n - 1) {
        double nb = x[j == 0 ? 1 : n - 2];
        if (!end_bracket(f, ctx, nb, x[j], best, &m))
            return MP_OK;
        return j == 0 ? refine_max(&S, x[0], m, nb, at)
                      : refine_max(&S, nb, m, x[n - 1], at);
    }
    if (f(ctx, x[j - 1], &ya) != MP_OK || f(ctx, x[j + 1], &yb) != MP_OK ||
        !(best > ya && best > yb))
        return MP_OK;
    return refine_max(&S, x[j - 1], x[j], x[j + 1], at);
}

/* ---- Posterior distributions ------------------------------------------ */

/* Given tau = t, the conditional mean m and variance V of a mixture's
 * normal component. */
typedef void (*cond_fn)(const post *P, double t, const double *study,
                        double *m, double *V);

typedef struct {
    post *P;
    cond_fn cond;          /* NULL: tau itself */
    const double *study;   /* (y_i, v_i) for a study's shrunken effect */
    int var_needs_t2;      /* V grows like t^2: the variance needs tail > 3 */
    double mean, sd;       /* NaN when they do not exist */
} dist;

/* mu | t, y ~ N(m, 1/W). */
static void cond_mu(const post *P, double t, const double *study, double *m,
                    double *V)
{
    node nd = node_at(P, t);
    (void)study;
    *m = nd.m;
    *V = 1.0 / nd.W;
}

/* A new study's effect: N(m, 1/W + t^2). */
static void cond_new(const post *P, double t, const double *study, double *m,
                     double *V)
{
    cond_mu(P, t, study, m, V);
    *V += t * t;
}

/* Study i's effect theta_i | t, y: with b = v_i / (v_i + t^2),
 * N(b m + (1 - b) y_i, v_i (1 - b) + b^2 / W). */
static void cond_study(const post *P, double t, const double *study,
                       double *m, double *V)
{
    node nd = node_at(P, t);
    double y = study[0], v = study[1], b = v / (v + t * t);
    *m = b * nd.m + (1 - b) * y;
    *V = v * (1 - b) + b * b / nd.W;
}

typedef struct {
    const dist *d;
    double x;
    int upper;           /* 1: P(X > x | t), 0: P(X <= x | t) */
} at_x;

static double f_cdf(const post *P, double t, void *ctx)
{
    at_x *a = ctx;
    double m, V;
    a->d->cond(P, t, a->d->study, &m, &V);
    double zs = (a->x - m) / sqrt(V);
    return a->upper ? gsl_cdf_ugaussian_Q(zs) : gsl_cdf_ugaussian_P(zs);
}

static double f_pdf(const post *P, double t, void *ctx)
{
    at_x *a = ctx;
    double m, V;
    a->d->cond(P, t, a->d->study, &m, &V);
    return gsl_ran_gaussian_pdf(a->x - m, sqrt(V));
}

/* The conditional mean (ctx NULL), or the conditional second moment about
 * the mixture's mean (ctx the dist). */
typedef struct {
    const dist *d;
    int second;
} moment;

static double f_moment(const post *P, double t, void *ctx)
{
    moment *mo = ctx;
    if (!mo->d->cond) {
        double c = t - mo->d->mean;
        return mo->second ? c * c : t;
    }
    double m, V;
    mo->d->cond(P, t, mo->d->study, &m, &V);
    if (!mo->second)
        return m;
    double c = m - mo->d->mean;
    return V + c * c;
}

/* The mean and sd of d, where they exist (Roever 2020, eq. 10-11 for the
 * mixtures: E = int m g, Var = int (V + (m - E)^2) g). */
static mp_status dist_moments(dist *d)
{
    post *P = d->P;
    int is_tau = d->cond == NULL;
    moment mo = { d, 0 };
    double r;
    d->mean = d->sd = NAN;
    if (is_tau && !(P->tail > 2))
        return MP_OK;
    mp_status st = integrate(P, f_moment, &mo, 0, INFINITY, &r);
    if (st != MP_OK)
        return st;
    d->mean = r / P->z;
    if ((is_tau || d->var_needs_t2) && !(P->tail > 3))
        return MP_OK;
    mo.second = 1;
    st = integrate(P, f_moment, &mo, 0, INFINITY, &r);
    if (st == MP_OK)
        d->sd = sqrt(r / P->z);
    return st;
}

/* P(X <= x) (upper 0) or P(X > x) (upper 1). */
static mp_status dist_tail(const dist *d, double x, int upper, double *p)
{
    post *P = d->P;
    double r;
    mp_status st;
    if (!d->cond) {
        x = fmax(x, 0);
        st = upper ? integrate(P, NULL, NULL, x, INFINITY, &r)
                   : integrate(P, NULL, NULL, 0, x, &r);
    } else {
        at_x a = { d, x, upper };
        st = integrate(P, f_cdf, &a, 0, INFINITY, &r);
    }
    *p = fmin(1, r / P->z);
    return st;
}

/* The centre from which the smaller tail is computed directly. */
static double dist_centre(const dist *d)
{
    if (!d->cond)
        return d->P->split;
    return d->mean;
}

static mp_status dist_cdf(const void *ctx, double x, double *p)
{
    const dist *d = ctx;
    int upper = x > dist_centre(d);
    mp_status st = dist_tail(d, x, upper, p);
    if (upper)
        *p = 1 - *p;
    return st;
}

static mp_status dist_pdf(const void *ctx, double x, double *f)
{
    const dist *d = ctx;
    post *P = d->P;
    if (!d->cond) {
        *f = g_at(P, x) / P->z;
        return MP_OK;
    }
    at_x a = { d, x, 0 };
    double r;
    mp_status st = integrate(P, f_pdf, &a, 0, INFINITY, &r);
    *f = r / P->z;
    return st;
}

/* An interval [lo, hi] with cdf(lo) <= p <= cdf(hi), widening from the
 * centre by doubling steps. */
static mp_status bracket(const dist *d, double p, double *lo, double *hi)
{
    double c = dist_centre(d), s, f;
    s = d->cond ? (isfinite(d->sd) ? d->sd : fabs(c) + 1) : c;
    if (!(s > 0))
        s = 1;
    *lo = d->cond ? c - s : 0;
    *hi = c + s;
    if (!d->cond && isfinite(d->P->upper))
        *hi = d->P->upper;
    for (int i = 0; i < 64; i++) {
        mp_status st = dist_cdf(d, *lo, &f);
        if (st != MP_OK)
            return st;
        if (f <= p)
            break;
        *lo -= s * ldexp(1, i);
    }
    for (int i = 0; i < 64; i++) {
        mp_status st = dist_cdf(d, *hi, &f);
        if (st != MP_OK)
            return st;
        if (f >= p)
            return MP_OK;
        *lo = *hi;
        *hi += s * ldexp(1, i);
    }
    return MP_ENUMERIC;
}

static mp_status dist_quantile(const dist *d, double p, double *x)
{
    double lo, hi;
    if (!d->cond && p <= 0) {
        *x = 0;
        return MP_OK;
    }
    mp_status st = bracket(d, p, &lo, &hi);
    if (st != MP_OK)
        return st;
    return solve(dist_cdf, d, p, lo, hi, x);
}

/* ---- Shortest intervals ----------------------------------------------- */

typedef struct {
    const dist *d;
    double level;
} span;

/* D(p) = f(Q(p)) - f(Q(p + level)): zero where the interval of mass
 * level starting at the p-quantile is shortest (for a unimodal density the
 * ends of the shortest interval have equal density, Box and Tiao 1973,
 * section 2.8). */
static mp_status span_diff(const void *ctx, double p, double *out)
{
    const span *s = ctx;
    double a, b, fa, fb;
    mp_status st = dist_quantile(s->d, p, &a);
    if (st == MP_OK)
        st = dist_quantile(s->d, p + s->level, &b);
    if (st == MP_OK)
        st = dist_pdf(s->d, a, &fa);
    if (st == MP_OK)
        st = dist_pdf(s->d, b, &fb);
    *out = fa - fb;
    return st;
}

static mp_status shortest(const dist *d, double level, double *lo,
                          double *hi)
{
    span s = { d, level };
    double plo = d->cond ? 1e-12 : 0, phi = 1 - level - plo, dlo, dhi, p;
    mp_status st = span_diff(&s, plo, &dlo);
    if (st == MP_OK)
        st = span_diff(&s, phi, &dhi);
    if (st != MP_OK)
        return st;
    if (dlo >= 0)
        p = plo;           /* densest at the lower end: tau's [0, Q(L)] */
    else if (dhi <= 0)
        p = phi;           /* densest at the upper end: [Q(1-L), end] */
    else if ((st = solve(span_diff, &s, 0, plo, phi, &p)) != MP_OK)
        return st;
    st = dist_quantile(d, p, lo);
    if (st == MP_OK)
        st = dist_quantile(d, p + level, hi);
    return st;
}

/* ---- Summaries -------------------------------------------------------- */

static mp_status brief(const dist *d, double level, mp_bayes_brief *b)
{
    double a = (1 - level) / 2;
    b->mean = d->mean;
    b->sd = d->sd;
    mp_status st = dist_quantile(d, 0.5, &b->median);
    if (st == MP_OK)
        st = dist_quantile(d, a, &b->lower);
    if (st == MP_OK)
        st = dist_quantile(d, 1 - a, &b->upper);
    return st;
}

/* The mode of a mixture: the densest of a scan between its 0.1% and
 * 99.9% quantiles, refined by Brent. */
static mp_status mixture_mode(const dist *d, double *mode)
{
    enum { N = 41 };
    double x[N], lo, hi;
    mp_status st = dist_quantile(d, 0.001, &lo);
    if (st == MP_OK)
        st = dist_quantile(d, 0.999, &hi);
    if (st != MP_OK)
        return st;
    for (int i = 0; i < N; i++)
        x[i] = lo + (hi - lo) * i / (N - 1);
    return maximize(dist_pdf, d, x, N, mode);
}

static mp_status summary(const dist *d, double level, mp_bayes_summary *s)
{
    mp_bayes_brief b;
    mp_status st = brief(d, level, &b);
    if (st != MP_OK)
        return st;
    s->median = b.median;
    s->mean = b.mean;
    s->sd = b.sd;
    s->lower = b.lower;
    s->upper = b.upper;
    if (d->cond)
        st = mixture_mode(d, &s->mode);
    else
        s->mode = d->P->mode;
    if (st == MP_OK)
        st = shortest(d, level, &s->shortest_lower, &s->shortest_upper);
    return st;
}

/* ---- Setting up the posterior of tau ---------------------------------- */

static mp_status raw_at(const void *ctx, double t, double *out)
{
    *out = log_post_raw(ctx, t);
    return MP_OK;
}

/* g's maximum: a scan of tau over 0 and nine decades around the studies'
 * typical standard error (or up to A), refined by Brent. */
static mp_status find_mode(post *P)
{
    double x[MODE_SCAN], c = 0;
    for (size_t i = 0; i < P->k; i++)
        c += P->v[i];
    c = sqrt(c / (double)P->k);
    double top = isfinite(P->upper) ? P->upper : 1e3 * c;
    x[0] = 0;
    for (int i = 1; i < MODE_SCAN; i++)
        x[i] = top * pow(10, -9.0 * (MODE_SCAN - 1 - i) / (MODE_SCAN - 2));
    mp_status st = maximize(raw_at, P, x, MODE_SCAN, &P->mode);
    if (st != MP_OK)
        return st;
    P->ref = log_post_raw(P, P->mode);
    return isfinite(P->ref) ? MP_OK : MP_ENUMERIC;
}

/* Where g has fallen to e^-SPLIT_DROP beyond the mode. */
static void find_split(post *P)
{
    double scale = fmax(P->mode, sqrt(P->v[0]));
    double t = P->mode, step = scale / 4;
    for (int i = 0; i < 200 && t < P->upper && t < SPLIT_SPAN * scale; i++) {
        t += step;
        step *= 1.5;
        if (log_post_raw(P, t) - P->ref < -SPLIT_DROP)
            break;
    }
    P->split = fmin(t, P->upper);
}

/* Problems that make the posterior improper or the options meaningless:
 * a diagnostic each, MP_EINPUT if any. */
static mp_status check(const mp_bayes_options *o, size_t k, double tail,
                       mp_errors *err)
{
    size_t before = mp_errors_count(err);
    if (k == 0)
        mp_errors_add(err, NULL, 0, "Bayesian analysis: no study to pool");
    else if (!(tail > 1))
        mp_errors_add(err, NULL, 0,
                      "Bayesian analysis: the posterior is improper with %zu "
                      "stud%s, a flat prior on mu and the Jeffreys prior on "
                      "tau; give a proper prior for tau or a normal prior for "
                      "mu", k, k == 1 ? "y" : "ies");
    if (!(o->level > 0 && o->level < 1))
        mp_errors_add(err, NULL, 0, "Bayesian analysis: level %g is not "
                      "between 0 and 1", o->level);
    for (size_t i = 0; i < o->n_thresholds; i++)
        if (!(o->thresholds[i] > 0 && isfinite(o->thresholds[i])))
            mp_errors_add(err, NULL, 0, "Bayesian analysis: threshold %g is "
                          "not a positive ratio", o->thresholds[i]);
    return mp_errors_count(err) > before ? MP_EINPUT : MP_OK;
}

static mp_status setup(post *P, const double *y, const double *v, size_t k,
                       const mp_bayes_options *o, mp_errors *err)
{
    const mp_tau_prior *tp = &o->tau_prior;
    /* g(t) ~ t^-(k-1) under a flat mu prior, t^-k under a normal one
     * (mu integrated out: the product of k normal densities of variance
     * ~t^2 against sqrt(1/W) ~ t/sqrt(k) or the prior's fixed sd). */
    double lik = o->mu_prior.normal ? (double)k : (double)k - 1;
    P->y = y;
    P->v = v;
    P->k = k;
    P->o = o;
    P->upper = tp->kind == MP_TAU_UNIFORM ? tp->a : INFINITY;
    P->tail = isfinite(P->upper) ? INFINITY : lik + prior_tail(tp);
    P->st = MP_OK;
    mp_status st = check(o, k, P->tail, err);
    if (st != MP_OK)
        return st;
    P->ws = gsl_integration_workspace_alloc(WORKSPACE_INTERVALS);
    if (!P->ws)
        return MP_ENOMEM;
    if ((st = find_mode(P)) != MP_OK)
        return st;
    find_split(P);
    return integrate(P, NULL, NULL, 0, INFINITY, &P->z);
}

/* ---- The analysis ----------------------------------------------------- */

void mp_bayes_result_clear(mp_bayes_result *r)
{
    free(r->p_below);
    free(r->shrinkage);
    memset(r, 0, sizeof *r);
}

static mp_status tau_figures(post *P, mp_bayes_result *r)
{
    dist d = { P, NULL, NULL, 0, NAN, NAN };
    mp_status st = dist_moments(&d);
    if (st == MP_OK)
        st = summary(&d, P->o->level, &r->tau);
    if (st == MP_OK)
        st = dist_tail(&d, 1, 1, &r->tau_p_above_1);
    return st;
}

static mp_status mu_figures(post *P, mp_bayes_result *r)
{
    int flat = !P->o->mu_prior.normal;
    dist mu = { P, cond_mu, NULL, flat, NAN, NAN };
    dist pr = { P, cond_new, NULL, 1, NAN, NAN };
    mp_status st = dist_moments(&mu);
    if (st == MP_OK)
        st = summary(&mu, P->o->level, &r->mu);
    for (size_t i = 0; st == MP_OK && i < r->n_thresholds; i++)
        st = dist_cdf(&mu, log(P->o->thresholds[i]), &r->p_below[i]);
    if (st == MP_OK)
        st = dist_moments(&pr);
    if (st == MP_OK)
        st = brief(&pr, P->o->level, &r->prediction);
    return st;
}

static mp_status study_figures(post *P, const double *y, const double *v,
                               mp_bayes_result *r)
{
    for (size_t i = 0; i < r->k; i++) {
        double study[2] = { y[i], v[i] };
        dist d = { P, cond_study, study, 0, NAN, NAN };
        mp_status st = dist_moments(&d);
        if (st == MP_OK)
            st = brief(&d, P->o->level, &r->shrinkage[i]);
        if (st != MP_OK)
            return st;
    }
    return MP_OK;
}

static mp_status allocate(const mp_bayes_options *o, size_t k,
                          mp_bayes_result *r)
{
    memset(r, 0, sizeof *r);
    r->k = k;
    r->n_thresholds = o->n_thresholds;
    if (o->n_thresholds &&
        !(r->p_below = calloc(o->n_thresholds, sizeof *r->p_below)))
        return MP_ENOMEM;
    if (o->shrinkage && k && !(r->shrinkage = calloc(k, sizeof *r->shrinkage)))
        return MP_ENOMEM;
    return MP_OK;
}

static mp_status run(post *P, const double *y, const double *v,
                     mp_bayes_result *r)
{
    mp_status st = tau_figures(P, r);
    if (st == MP_OK)
        st = mu_figures(P, r);
    if (st == MP_OK && r->shrinkage)
        st = study_figures(P, y, v, r);
    r->marginal_likelihood = NAN;
    if (P->o->mu_prior.normal && P->o->tau_prior.kind != MP_TAU_JEFFREYS)
        r->marginal_likelihood = P->z * exp(P->ref);
    return st;
}

mp_status mp_bayes(const double *y, const double *v, size_t k,
                   const mp_bayes_options *o, mp_bayes_result *r,
                   mp_errors *err)
{
    memo M = { NULL, 0, 0 };
    post P = { 0 };
    mp_errors local = MP_ERRORS_INIT;
    P.memo = &M;
    if (!err)
        err = &local;
    size_t *perm = malloc((k ? k : 1) * sizeof *perm);
    double *ys = malloc((k ? k : 1) * sizeof *ys);
    double *vs = malloc((k ? k : 1) * sizeof *vs);
    mp_status st = perm && ys && vs ? allocate(o, k, r) : MP_ENOMEM;
    if (st == MP_OK)
        st = mp_canonical_copy(y, v, k, perm, ys, vs);
    if (st == MP_OK)
        st = setup(&P, ys, vs, k, o, err);
    if (st == MP_OK)
        st = run(&P, y, v, r);
    if (st == MP_ENUMERIC)
        mp_errors_add(err, NULL, 0, "Bayesian analysis: the posterior's "
                      "integrals did not reach their accuracy");
    if (P.ws)
        gsl_integration_workspace_free(P.ws);
    free(M.slot);
    free(perm);
    free(ys);
    free(vs);
    mp_errors_clear(&local);
    if (st != MP_OK)
        mp_bayes_result_clear(r);
    return st;
}
