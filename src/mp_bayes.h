/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_bayes.h - Bayesian random-effects meta-analysis: the exact posterior
 * of the normal-normal hierarchical model.
 *
 * Model (Roever 2020, J Stat Softw 93(6), section 2):
 *     y_i | theta_i ~ N(theta_i, s_i^2),   theta_i | mu, tau ~ N(mu, tau^2),
 * with a prior on the heterogeneity tau >= 0 (mp_tau_prior) and on the
 * overall effect mu (flat, or normal on the log scale: mp_mu_prior).
 *
 * mu is integrated out analytically: given tau, the marginal likelihood is
 * normal and mu | tau, y ~ N(m(tau), 1/W(tau)) with W = sum 1/(s_i^2 +
 * tau^2) (+ 1/sd^2 for a normal prior).  The marginal posterior of tau,
 * prior x marginal likelihood, is then integrated by adaptive quadrature
 * (GSL's QAG, and QAGS on the tail after t = 1/u), and the posteriors of
 * mu, of a new study's effect and of each study's shrunken effect are the
 * resulting mixtures of normals over tau.  Quantiles are found by Brent's root finder on these
 * integrals; nothing is sampled and nothing is read off a grid.  Target
 * accuracy: 1e-6 relative or better on every reported figure (the
 * integrals are asked for 1e-10).
 *
 * The result does not depend on the order of the studies: they are summed
 * in the engine's canonical order (mp_canonical_order).
 */
#ifndef MP_BAYES_H
#define MP_BAYES_H

#include <stddef.h>

#include "mp_error.h"

/* Priors for tau, as the command line names them (--tau-prior). */
typedef enum {
    MP_TAU_HALFNORMAL,  /* halfnormal:S     density 2 phi(t/S)/S */
    MP_TAU_HALFCAUCHY,  /* halfcauchy:S     2 / (pi S (1 + (t/S)^2)) */
    MP_TAU_HALFT,       /* halft:S:NU       2 t_NU(t/S) / S */
    MP_TAU_LOGNORMAL,   /* lognormal:M:S    tau^2 ~ LN(M, S^2), as Turner
                         *                  et al. 2015 publish theirs */
    MP_TAU_UNIFORM,     /* uniform:A        1/A on [0, A] */
    MP_TAU_JEFFREYS     /* jeffreys         improper, proportional to
                         *                  sqrt(sum (t / (s_i^2 + t^2))^2) */
} mp_tau_prior_kind;

typedef struct {
    mp_tau_prior_kind kind;
    double a;           /* S, M or A */
    double b;           /* NU for halft, S for lognormal; else unused */
} mp_tau_prior;

typedef struct {
    int normal;         /* 0: flat (improper) on the real line; 1: normal */
    double mean, sd;    /* of the normal prior, log scale */
} mp_mu_prior;

/* The defaults of the contract: halfnormal:0.5 and a flat prior on mu. */
void mp_tau_prior_default(mp_tau_prior *p);
void mp_mu_prior_default(mp_mu_prior *p);

/* Parse "halfnormal:0.5", "halft:0.5:3", "lognormal:-2.56:1.74",
 * "uniform:4", "jeffreys" (tau) and "uniform", "normal:0:4" (mu).  Every
 * number must be finite, scales, sd, NU and A positive.  MP_OK, or
 * MP_EINPUT with a one-line reason in why (why may be NULL). */
mp_status mp_tau_prior_parse(const char *text, mp_tau_prior *p,
                             char *why, size_t whylen);
mp_status mp_mu_prior_parse(const char *text, mp_mu_prior *p,
                            char *why, size_t whylen);

/* Log-density of the tau prior at t >= 0, up to the constant of the
 * improper Jeffreys prior (which needs the variances v[0..k-1]). */
double mp_tau_prior_logpdf(const mp_tau_prior *p, double t,
                           const double *v, size_t k);

/* What the analysis is asked for. */
typedef struct {
    mp_tau_prior tau_prior;
    mp_mu_prior mu_prior;
    double level;            /* of the intervals, in (0, 1) */
    const double *thresholds;/* ratios R > 0: P(exp(mu) < R) is reported */
    size_t n_thresholds;
    int shrinkage;           /* 1: also each study's shrunken effect */
} mp_bayes_options;

/* halfnormal:0.5, flat mu, level 0.95, no thresholds, shrinkage on. */
void mp_bayes_options_default(mp_bayes_options *o);

/* Summaries of a one-dimensional posterior.  A figure that does not exist
 * (the mean of a posterior with too heavy a tail, say) is NaN. */
typedef struct {
    double mode, median, mean, sd;
    double lower, upper;                   /* central (equal-tailed) */
    double shortest_lower, shortest_upper; /* shortest interval */
} mp_bayes_summary;

typedef struct {
    double median, mean, sd, lower, upper; /* lower, upper: central */
} mp_bayes_brief;

typedef struct {
    size_t k;
    mp_bayes_summary tau;        /* heterogeneity */
    mp_bayes_summary mu;         /* overall effect, log scale */
    mp_bayes_brief prediction;   /* a new study's effect, log scale */
    double *p_below;             /* n_thresholds: P(exp(mu) < R) */
    size_t n_thresholds;
    mp_bayes_brief *shrinkage;   /* k, in input order, or NULL */
    double marginal_likelihood;  /* NaN under an improper prior */
    double tau_p_above_1;        /* P(tau > 1), as bayesmeta reports it */
} mp_bayes_result;

/* The posterior for the studies y[0..k-1] (log effects) with variances
 * v[0..k-1] (> 0, finite).  On MP_OK, r is filled and owns p_below and
 * shrinkage (release with mp_bayes_result_clear).  Returns
 *   MP_EINPUT  the posterior is improper (no study; a flat mu prior with
 *              one study and the improper Jeffreys prior), or an option is
 *              out of range: a diagnostic is added to err;
 *   MP_ENUMERIC a quadrature or root finder failed to reach its accuracy
 *              (diagnostic added);
 *   MP_ENOMEM.
 * err may be NULL.  On failure r is left empty (safe to clear).  GSL's
 * error handler must be off (gsl_set_error_handler_off): every GSL status
 * is checked here. */
mp_status mp_bayes(const double *y, const double *v, size_t k,
                   const mp_bayes_options *o, mp_bayes_result *r,
                   mp_errors *err);

/* Release what mp_bayes allocated; r is left empty. */
void mp_bayes_result_clear(mp_bayes_result *r);

#endif
