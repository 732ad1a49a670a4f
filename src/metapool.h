/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metapool.h - the public interface of libmetapool, the one header that is
 * installed.  libmetapool(3) is its manual, with a complete example.
 *
 * libmetapool pools the published effects of trials (hazard ratios, risk
 * and odds ratios) stated in study descriptors (metapool-study(5)) with
 * fixed- and random-effects meta-analysis, with the numbers of R's metafor.
 * One object, mp_analysis, does the whole of it: it reads descriptors
 * (files or memory buffers), builds the dataset of one outcome, fits the
 * model, runs leave-one-out, subgroup and cumulative analyses, and writes
 * the reports (text, JSON, CSV, SVG forest plots) to a FILE or to memory.
 * The building blocks (mp_fit, mp_leave_one_out, mp_subgroups_fit,
 * mp_cumulative_fit) are public too, for callers with their own arrays.
 *
 * Conventions:
 * - Every function that can fail returns an mp_status; MP_OK is 0.  The
 *   library never prints, never exits, and keeps no global state: objects
 *   are independent, and one object must not be used by two threads at
 *   once.
 * - Problems in the inputs are diagnostics (mp_diag) in an mp_errors list:
 *   file, line, severity, message, and for the analyses the index of the
 *   study, subgroup or step concerned.
 * - X_new() returns an object that X_free() destroys (X_free(NULL) does
 *   nothing); X_clear() empties a struct the caller owns; X_default()
 *   fills an options struct with the defaults.
 * - Pointers handed out by an object live as long as the object, unless
 *   said otherwise.  Strings passed in are copied where they are kept.
 * - GSL: every GSL status is checked.  The mp_analysis functions turn
 *   GSL's error handler off for their duration and restore the caller's;
 *   for the building blocks the handler is the caller's choice (GSL's
 *   default aborts: call gsl_set_error_handler_off() first).
 * - libxml2: the reader loads no external resource and reports parser
 *   errors as diagnostics; the process-wide libxml2 settings it needs are
 *   set only for the duration of an mp_analysis call and the caller's are
 *   restored.
 */
#ifndef METAPOOL_H
#define METAPOOL_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* GNU attributes, where the compiler has them. */
#if defined(__GNUC__) || defined(__clang__)
#define MP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MP_NODISCARD __attribute__((warn_unused_result))
#else
#define MP_PRINTF(fmt, args)
#define MP_NODISCARD
#endif

/* ---- status ------------------------------------------------------------------- */

typedef enum {
    MP_OK = 0,        /* success */
    MP_EINPUT,        /* invalid input: at least one diagnostic was added */
    MP_ENOMEM,        /* out of memory */
    MP_ENUMERIC,      /* numerical failure (non-convergence, non-finite result) */
    MP_EIO,           /* read or write error */
    MP_ELIMIT         /* an input exceeds a documented resource limit */
} mp_status;

/* A short English description of a status, for messages ("invalid input"). */
const char *mp_status_string(mp_status s);

/* The library's version, "0.1.0". */
const char *mp_version(void);

/* ---- diagnostics ---------------------------------------------------------------- */

/* No index: a diagnostic that is not about one study, subgroup or step. */
#define MP_NO_INDEX ((size_t)-1)

/* One problem or warning.  Owned by its list. */
typedef struct {
    char *file;       /* input file name, or NULL when not tied to a file */
    long line;        /* 1-based line, or 0 when unknown */
    char *message;    /* one line, no trailing newline */
    int warning;      /* severity: 1 a warning (the analysis goes on),
                         0 a problem (an error) */
    size_t index;     /* what the diagnostic is about, by its stage
                         (mp_stage): the row of the study left out
                         (leave-one-out), the subgroup (its index in
                         mp_subgroups.groups), the cumulative step (0 for
                         the first); MP_NO_INDEX otherwise */
} mp_diag;

/* A list of diagnostics, in the order they were made. */
typedef struct mp_errors mp_errors;

/* An empty list that records at most limit diagnostics (0: no limit; past
 * it they are only counted).  NULL when memory runs out. */
mp_errors *mp_errors_new(size_t limit);
void mp_errors_free(mp_errors *e);
/* Empty the list (its limit stays). */
void mp_errors_clear(mp_errors *e);

/* Diagnostics recorded, and the i-th of them (i < mp_errors_size). */
size_t mp_errors_size(const mp_errors *e);
const mp_diag *mp_errors_get(const mp_errors *e, size_t i);
/* Problems added (recorded or not: test this, not the size, to learn
 * whether anything went wrong); warnings added; diagnostics counted but
 * not recorded (past the limit, or for want of memory). */
size_t mp_errors_count(const mp_errors *e);
size_t mp_errors_warnings(const mp_errors *e);
size_t mp_errors_unrecorded(const mp_errors *e);

/* Add a problem, or a warning; file may be NULL, line 0 when unknown.
 * printf-style message.  MP_OK (also past the limit) or MP_ENOMEM. */
mp_status mp_errors_add(mp_errors *e, const char *file, long line,
                        const char *fmt, ...) MP_PRINTF(4, 5);
mp_status mp_errors_warn(mp_errors *e, const char *file, long line,
                         const char *fmt, ...) MP_PRINTF(4, 5);

/* ---- effects and models --------------------------------------------------------- */

/* What a log effect measures. */
typedef enum {
    MP_MEASURE_HR,      /* hazard ratio: hazard-ratio, log-hazard-ratio, peto */
    MP_MEASURE_RR,      /* risk ratio from counts */
    MP_MEASURE_OR       /* odds ratio from counts */
} mp_measure;

/* "HR", "RR", "OR". */
const char *mp_measure_name(mp_measure m);

/* Between-study variance (tau^2) estimators. */
typedef enum {
    MP_METHOD_DL,   /* DerSimonian and Laird 1986 (default) */
    MP_METHOD_REML, /* restricted maximum likelihood (Viechtbauer 2005) */
    MP_METHOD_PM,   /* Paule and Mandel 1982 */
    MP_METHOD_SJ,   /* Sidik and Jonkman 2005 */
    MP_METHOD_HE,   /* Hedges 1983 (Hedges and Olkin 1985) */
    MP_METHOD_ML,   /* maximum likelihood (Hardy and Thompson 1996) */
    MP_METHOD_EB,   /* empirical Bayes (Morris 1983; Berkey et al. 1995) */
    MP_METHOD_COUNT
} mp_method;

/* "DL", "REML", ... */
const char *mp_method_name(mp_method m);
/* Parse an estimator name (exact, upper case as in metafor).  MP_OK with
 * *m set, or MP_EINPUT for an unknown name. */
mp_status mp_method_parse(const char *name, mp_method *m);

/* Critical value of the prediction interval mu +/- crit sqrt(se^2 + tau2). */
typedef enum {
    MP_PI_DEFAULT,  /* metafor predict(): z, or t(k-1) under HKSJ */
    MP_PI_Z,        /* normal quantile */
    MP_PI_T_K1,     /* t with k-1 df */
    MP_PI_T_K2,     /* t with k-2 df (Higgins, Thompson and Spiegelhalter
                       2009; Cochrane Handbook ch. 10): none for k = 2 */
    MP_PI_COUNT
} mp_pi_method;

/* "z", "t-k1", "t-k2" (MP_PI_DEFAULT: "default"). */
const char *mp_pi_method_name(mp_pi_method m);
/* Parse "z", "t-k1" or "t-k2".  MP_OK with *m set, or MP_EINPUT. */
mp_status mp_pi_method_parse(const char *name, mp_pi_method *m);

typedef struct {
    mp_method method;
    int hksj;          /* 1: Hartung-Knapp-Sidik-Jonkman t test (metafor test="knha") */
    mp_pi_method pi;   /* prediction interval's critical value */
    double level;      /* confidence level of every interval, 0 < level < 1 */
    int maxiter;       /* iteration limit of Fisher scoring (ML, REML, EB;
                        * then the safeguard takes over) and of the root
                        * searches of the Q-profile interval */
    double tol;        /* convergence tolerance on tau^2 of iterative estimators */
    int tau2_ci;       /* 1: compute the Q-profile interval of tau^2 (slower) */
} mp_fit_options;

/* DL, no HKSJ, MP_PI_DEFAULT, level 0.95, maxiter 1000, tol 1e-12,
 * tau2_ci 1. */
void mp_fit_options_default(mp_fit_options *o);

/* All estimates and interval bounds are on the log scale; a figure that
 * does not exist (the df of a z test) is NAN. */
typedef struct {
    double log_estimate, se;
    double lower, upper;       /* confidence interval, log scale */
    double z, p;               /* Wald z test of log_estimate = 0, two-sided */
    double weight_sum;         /* sum 1/v: a study's weight is (1/v) / this */
} mp_fixed_result;

typedef struct {
    mp_method method;
    double tau2, tau;
    double log_estimate, se;   /* se is the HKSJ-rescaled SE under hksj */
    double lower, upper;       /* confidence interval, log scale */
    int t_test;                /* 1: statistic is t with df = k - 1 */
    double statistic, df, p;   /* df is NAN for the z test */
    double pi_lower, pi_upper; /* prediction interval, log scale (NAN for
                                  t-k2 with k = 2) */
    mp_pi_method pi_method;    /* the method used: z, t-k1 or t-k2 */
    double pi_df;              /* its df (NAN for z) */
    double tau2_lower, tau2_upper;   /* Q-profile CI of tau^2 (NAN if not computed) */
    double I2_lower, I2_upper, H2_lower, H2_upper;  /* matching I^2, H^2 bounds */
    int iterations;            /* iterations used (0 for closed-form estimators) */
    double weight_sum;         /* sum 1/(v + tau2), the random-effects weights */
} mp_random_result;

typedef struct {
    double Q, df, p;           /* Cochran's Q with k - 1 df */
    double I2, H2;             /* metafor's, for the chosen estimator (I2 in percent) */
} mp_heterogeneity;

typedef struct {
    mp_status status;          /* MP_OK, or why this fit failed */
    size_t k;
    mp_fixed_result fixed;
    int has_random;            /* 0 when k < 2: random and het are all NAN */
    mp_random_result random;
    mp_heterogeneity het;
} mp_fit_result;

/* Fit the fixed-effect (inverse variance) model and, for k >= 2, the
 * random-effects model with o->method, on y[i] (log effects) and v[i] > 0
 * (their sampling variances), i < k.  Definitions follow R's metafor 3.8
 * (rma.uni, predict, confint).  Deterministic: every figure is a function
 * of the set of (y, v) pairs alone, bit for bit, whatever their order.
 * Returns MP_OK; MP_EINPUT for k == 0, a non-finite y or a v that is not
 * finite and > 0, or bad options; MP_ENOMEM; MP_ENUMERIC when a result is
 * not finite.  On failure a diagnostic is added to err (may be NULL),
 * r->status is set and the other fields of *r are unspecified. */
mp_status mp_fit(const double *y, const double *v, size_t k,
                 const mp_fit_options *o, mp_fit_result *r, mp_errors *err);

/* The figures a fit is summed up by: those of the random-effects model,
 * or of the fixed effect when the fit has none (k = 1).  The one
 * definition of "the pooled estimate" that every report, plot and the
 * test for subgroup differences use. */
typedef struct {
    int random;                /* 1: random effects; 0: the fixed effect */
    double log_estimate, se;   /* se: HKSJ-rescaled under HKSJ */
    double lower, upper;       /* confidence interval, log scale */
    int t_test;                /* 1: statistic is t with df degrees */
    double statistic, df, p;   /* the test of log_estimate = 0 (df NAN for z) */
} mp_pooled;

void mp_fit_pooled(const mp_fit_result *f, mp_pooled *out);

/* ---- analyses on subsets of the studies ----------------------------------------- */

/* Leave-one-out (metafor's leave1out): out[i] is the model refitted on the
 * k - 1 studies other than study i, i < k; out holds k results; k >= 2.
 * O(k) time in all.  A refit that fails keeps out[i].status != MP_OK and
 * gives a warning (index i) "leave-one-out without study <i + 1>: why".
 * Returns MP_OK, MP_EINPUT (k < 2, invalid data or options) or
 * MP_ENOMEM. */
mp_status mp_leave_one_out(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *out,
                           mp_errors *err);

/* One subgroup: the studies sharing a value of the covariate. */
typedef struct {
    const char *value;          /* the covariate value; NULL for the studies
                                   lacking the covariate ("unspecified") */
    size_t k;
    size_t *rows;               /* their row indices, in input order */
    mp_fit_result fit;          /* tau^2 estimated within the subgroup */
} mp_subgroup;

typedef struct {
    size_t n_groups;
    mp_subgroup *groups;        /* in order of first appearance */
    /* Test for subgroup differences: Cochran's Q across the subgroups'
     * pooled estimates (mp_fit_pooled), df = groups - 1 (as RevMan and R's
     * meta); a subgroup whose fit failed is left out of the test, and so
     * is the "unspecified" group unless missing_in_test.  NAN when fewer
     * than two subgroups are in it. */
    double Q, df, p;
    int missing_in_test;        /* 1: the unspecified group is in the test */
} mp_subgroups;

/* Group rows 0..k-1 by group[i] (NULL = unspecified; the strings must
 * outlive *out) and fit each group; a group whose fit fails keeps
 * fit.status != MP_OK and gives a warning (index: the group).  Then the
 * test for differences without the unspecified group.  MP_OK or
 * MP_ENOMEM.  Empty with mp_subgroups_clear(). */
mp_status mp_subgroups_fit(const double *y, const double *v,
                           const char *const *group, size_t k,
                           const mp_fit_options *o, mp_subgroups *out,
                           mp_errors *err);
void mp_subgroups_clear(mp_subgroups *s);

/* (Re)compute the test for subgroup differences, with the unspecified
 * group as a group of its own when include_missing.  MP_OK or MP_ENOMEM. */
mp_status mp_subgroups_test(mp_subgroups *s, int include_missing);

/* The studies of the unspecified group (0 when every study has the
 * covariate). */
size_t mp_subgroups_unspecified(const mp_subgroups *s);

typedef struct {
    size_t k;
    size_t *order;              /* row indices by year (ties in input order) */
    mp_fit_result *fits;        /* fits[j] pools rows order[0..j] (metafor cumul) */
} mp_cumulative;

/* Cumulative meta-analysis by year[i].  A step whose fit fails keeps its
 * status and gives a warning (index: the step).  MP_OK or MP_ENOMEM.
 * Empty with mp_cumulative_clear(). */
mp_status mp_cumulative_fit(const double *y, const double *v, const int *year,
                            size_t k, const mp_fit_options *o,
                            mp_cumulative *out, mp_errors *err);
void mp_cumulative_clear(mp_cumulative *c);

/* ---- the dataset: the rows of one outcome ------------------------------------------ */

typedef struct mp_dataset mp_dataset;

/* The long name of a standard outcome code ("overall survival" for "OS",
 * and PFS, LRPFS, DPFS, DFS, EFS, BCSS), or the code itself. */
const char *mp_outcome_long_name(const char *outcome);

size_t mp_dataset_k(const mp_dataset *ds);              /* rows pooled */
const double *mp_dataset_y(const mp_dataset *ds);       /* log effects */
const double *mp_dataset_v(const mp_dataset *ds);       /* variances */
const char *mp_dataset_outcome(const mp_dataset *ds);
mp_measure mp_dataset_measure(const mp_dataset *ds);
size_t mp_dataset_studies_read(const mp_dataset *ds);   /* valid studies seen */
/* Valid studies that lack the chosen outcome, in input order, with the
 * names of the outcomes each has (j < mp_dataset_not_pooled_outcomes). */
size_t mp_dataset_not_pooled(const mp_dataset *ds);
const char *mp_dataset_not_pooled_id(const mp_dataset *ds, size_t i);
size_t mp_dataset_not_pooled_outcomes(const mp_dataset *ds, size_t i);
const char *mp_dataset_not_pooled_outcome(const mp_dataset *ds, size_t i,
                                          size_t j);
/* Per-row labels, i < k. */
const char *mp_dataset_id(const mp_dataset *ds, size_t i);
const char *mp_dataset_title(const mp_dataset *ds, size_t i);
const char *mp_dataset_file(const mp_dataset *ds, size_t i);
int mp_dataset_year(const mp_dataset *ds, size_t i);
/* Patients randomized and events per arm, -1 when not known. */
long mp_dataset_n(const mp_dataset *ds, size_t i, int experimental);
long mp_dataset_events(const mp_dataset *ds, size_t i, int experimental);
/* Value of the covariate the analysis groups by, NULL when the study
 * lacks it. */
const char *mp_dataset_group(const mp_dataset *ds, size_t i);
/* Arm labels of the first row that names them; NULL when none does. */
const char *mp_dataset_arm_label(const mp_dataset *ds, int experimental);
/* The descriptor element a row's effect was derived from ("logrank-p",
 * "medians", "km-curves"; metapool-study(5)), NULL for a published figure. */
const char *mp_dataset_derived(const mp_dataset *ds, size_t i);
/* The individual data of one arm reconstructed from a km-curves row (Guyot
 * et al. 2012): its number of patients (0 for another row), *time and
 * *event (1 event, 0 censored) set to arrays that live as long as ds. */
size_t mp_dataset_ipd(const mp_dataset *ds, size_t i, int experimental,
                      const double **time, const int **event);
/* Those data as CSV (RFC 4180), "study,arm,time,event": a header line,
 * then for every km-curves row in order, its experimental arm (arm 1) and
 * its control arm (arm 0), one line per patient (event 1, censored 0);
 * only the header when no row has such data.  MP_OK or MP_EIO. */
mp_status mp_dataset_write_ipd(const mp_dataset *ds, FILE *out);

/* ---- the analysis object ------------------------------------------------------------ */

typedef struct mp_analysis mp_analysis;

typedef struct {
    const char *outcome;        /* outcome to pool; "OS" (copied) */
    mp_measure counts_measure;  /* RR (default) or OR for count inputs */
    mp_fit_options fit;         /* mp_fit_options_default() */
    int leave_one_out;          /* 1 (default): run leave-one-out (k >= 2) */
    const char *by;             /* covariate of the subgroup analysis, or
                                   NULL (default) for none (copied) */
    int by_missing_in_test;     /* 1: the studies without the covariate are
                                   a group of the test for subgroup
                                   differences; 0 (default): not */
    int cumulative;             /* 1: cumulative analysis by year; 0 */
    int strict;                 /* 1: a warning while reading is an error; 0 */
    int schema;                 /* 1: also validate every input against the
                                   RELAX NG schema (slower); 0 */
    size_t max_studies;         /* most studies accepted; 1000000 (0: none) */
    size_t max_diagnostics;     /* most diagnostics recorded per stage;
                                   1000 (0: no limit) */
    size_t max_text;            /* longest text or attribute, bytes; 65536 */
    size_t max_study;           /* longest <study> element, bytes; 1 MiB */
    size_t max_bytes;           /* largest input, bytes; 2 GiB */
    size_t max_ids;             /* most xml:id attributes per input; 10000 */
    /* trial sequential analysis (issue 20; metapool(1), --tsa): the
     * studies added in the cumulative order, monitored by alpha-spending
     * boundaries.  Off while tsa_hr is 0. */
    double tsa_hr;              /* anticipated hazard ratio, > 0 and not 1;
                                   0 (default): no trial sequential analysis */
    double tsa_alpha;           /* two-sided type I error; 0.05 */
    double tsa_power;           /* power of the required information; 0.80 */
    const char *tsa_spending;   /* "obf" (default), "pocock" or "hsd:GAMMA"
                                   (copied) */
    int tsa_random;             /* 1 (default): DerSimonian-Laird Z-curve,
                                   D^2-adjusted required information; 0:
                                   fixed effect */
    int tsa_futility;           /* 1: non-binding beta-spending futility
                                   boundaries; 0 (default) */
    /* Bayesian random effects (issue 19; metapool(1), --bayes) */
    int bayes;                  /* 1: the Bayesian random-effects analysis
                                   of the normal-normal hierarchical model;
                                   0 (default) */
    const char *tau_prior;      /* prior of tau: "halfnormal:S",
                                   "halfcauchy:S", "halft:S:NU",
                                   "lognormal:M:S" (on tau^2), "uniform:A",
                                   "jeffreys"; "halfnormal:0.5" (copied) */
    const char *mu_prior;       /* prior of mu (log scale): "uniform" (flat)
                                   or "normal:M:S"; "uniform" (copied) */
    const double *thresholds;   /* ratios R > 0 whose P(ratio < R) is
                                   reported; { 1 } (copied) */
    size_t n_thresholds;        /* 1 (at least 1 under bayes) */
    /* influence and small-study effects (issue 18) */
    int influence;              /* 1: case-deletion diagnostics and Baujat's
                                   coordinates of the random-effects model
                                   (k >= 2); 0 (default) */
    int bias;                   /* 1: Egger's regression test, the rank
                                   correlation test and trim-and-fill
                                   (k >= 3); 0 (default) */
} mp_analysis_options;

void mp_analysis_options_default(mp_analysis_options *o);

/* The stages of an analysis; each keeps its own diagnostics. */
typedef enum {
    MP_STAGE_READ,              /* reading, the dataset, --strict */
    MP_STAGE_FIT,               /* the model on all studies */
    MP_STAGE_LEAVE_ONE_OUT,
    MP_STAGE_SUBGROUPS,
    MP_STAGE_CUMULATIVE,
    MP_STAGE_TSA,               /* trial sequential analysis (issue 20) */
    MP_STAGE_BAYES,             /* Bayesian random effects (issue 19) */
    /* influence and small-study effects (issue 18) */
    MP_STAGE_INFLUENCE,         /* --influence: a warning when k < 2 */
    MP_STAGE_SMALL_STUDY,       /* --bias */
    MP_STAGE_COUNT
} mp_stage;

/* A new analysis with options o (copied; NULL: the defaults).  NULL when
 * memory runs out or o is invalid; *status (may be NULL) says which
 * (MP_ENOMEM, MP_EINPUT). */
MP_NODISCARD mp_analysis *mp_analysis_new(const mp_analysis_options *o,
                                          mp_status *status);
void mp_analysis_free(mp_analysis *a);

/* Read one input: a file (path "-" is standard input), or a buffer of len
 * bytes named name in diagnostics.  Every study with the outcome becomes a
 * row; every problem a diagnostic of MP_STAGE_READ.  Returns MP_OK,
 * MP_EINPUT (problems found; reading more inputs is fine), MP_EIO (cannot
 * be read), MP_ELIMIT (a limit stopped reading), or MP_ENOMEM.  Not after
 * mp_analysis_run. */
mp_status mp_analysis_read_file(mp_analysis *a, const char *path);
mp_status mp_analysis_read_memory(mp_analysis *a, const char *buf, size_t len,
                                  const char *name);
/* 1 once max_studies were accepted: read no more. */
int mp_analysis_full(const mp_analysis *a);

/* Check the inputs read, analyse nothing (metapool --validate): with
 * outcome_named, a problem when no study has the outcome; otherwise a
 * warning only for a study that has it under another name.  MP_OK, or
 * MP_EINPUT when there are problems (strict: or warnings). */
mp_status mp_analysis_check(mp_analysis *a, int outcome_named);

/* Run the analysis on the inputs read: the dataset is closed (a problem
 * when no study has the outcome; a warning per study that lacks it), the
 * model is fitted, then leave-one-out, subgroups and cumulative as the
 * options ask.  Returns MP_OK; MP_EINPUT (problems in the inputs, or no
 * study has the covariate: see the stage's diagnostics); MP_ENUMERIC (the
 * model could not be fitted); MP_ENOMEM.  A failed refit, subgroup fit or
 * cumulative step is a warning of its stage, not a failure. */
mp_status mp_analysis_run(mp_analysis *a);

/* The stage whose failure ended the last mp_analysis_run (its
 * diagnostics say why), or MP_STAGE_COUNT when none did. */
mp_stage mp_analysis_failed_stage(const mp_analysis *a);

/* The diagnostics of a stage (modifiable: a caller may add its own to
 * keep one ordered record, e.g. of its inputs). */
mp_errors *mp_analysis_errors(mp_analysis *a, mp_stage stage);

/* The results, after a successful mp_analysis_run (NULL before, or when
 * not asked for): the dataset (also while reading), the fit, the k
 * leave-one-out fits, the subgroups, the cumulative analysis. */
const mp_dataset *mp_analysis_dataset(const mp_analysis *a);
const mp_fit_result *mp_analysis_fit(const mp_analysis *a);
const mp_fit_result *mp_analysis_leave_one_out(const mp_analysis *a);
const mp_subgroups *mp_analysis_subgroups(const mp_analysis *a);
const mp_cumulative *mp_analysis_cumulative(const mp_analysis *a);
const mp_analysis_options *mp_analysis_get_options(const mp_analysis *a);

/* ---- reports ------------------------------------------------------------------------ */

typedef enum {
    MP_OUTPUT_TEXT,             /* the report a clinician reads */
    MP_OUTPUT_JSON,             /* every figure (metapool(1), JSON) */
    MP_OUTPUT_CSV,              /* forest-plot data (metapool(1), CSV) */
    MP_OUTPUT_FOREST_SVG,       /* the forest plot (by subgroup with by) */
    MP_OUTPUT_CUMULATIVE_SVG,   /* the cumulative forest plot */
    MP_OUTPUT_LOO_SVG,          /* the leave-one-out forest plot */
    /* influence and small-study effects (issue 18) */
    MP_OUTPUT_FUNNEL_SVG,       /* the contour-enhanced funnel plot */
    MP_OUTPUT_BAUJAT_SVG,       /* the Baujat plot (needs influence) */
    MP_OUTPUT_TSA_SVG,          /* the TSA plot (with --tsa; issue 20) */
    MP_OUTPUT_HTML              /* one self-contained page (metapool(1), HTML) */
} mp_output;

typedef struct {
    const char *favours_left;   /* SVG: label left of 1; NULL (default):
                                   "Favours " + the experimental arm */
    const char *favours_right;  /* SVG: label right of 1; NULL (default):
                                   "Favours " + the control arm */
    int leave_one_out;          /* 1 (default): the text, JSON and CSV
                                   reports show leave-one-out when it ran */
    int influence;              /* 1 (default): the text and JSON reports
                                   show the influence diagnostics when they
                                   ran (0: they ran for the Baujat plot) */
    const char *date;           /* HTML: the date shown; NULL (default):
                                   the newest publication year of the
                                   studies, so that the bytes do not
                                   depend on the clock */
} mp_output_options;

void mp_output_options_default(mp_output_options *o);

/* Write a report or plot of a run analysis to out (not flushed or closed;
 * o NULL: the defaults).  MP_OK; MP_EIO when a write failed; MP_EINPUT
 * when the analysis it shows did not run (not run at all, no cumulative
 * or leave-one-out); MP_ENOMEM. */
mp_status mp_analysis_write(const mp_analysis *a, mp_output what,
                            const mp_output_options *o, FILE *out);

/* The same into memory: *buf (NUL-terminated, *len bytes without the NUL)
 * is the caller's to free() on MP_OK, NULL otherwise. */
mp_status mp_analysis_write_memory(const mp_analysis *a, mp_output what,
                                   const mp_output_options *o, char **buf,
                                   size_t *len);

#ifdef __cplusplus
}
#endif

#endif
