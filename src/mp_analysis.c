/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_analysis.c - the analysis object; see metapool.h and mp_analysis.h. */
#include "config.h"

#include "mp_analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <libxml/globals.h>
#include <libxml/parser.h>

#include "mp_analyses.h"
#include "mp_bayes.h"
#include "mp_dataset.h"
#include "mp_fit_impl.h"
#include "mp_influence.h"
#include "mp_smallstudy.h"
#include "mp_study.h"
#include "mp_svg.h"
#include "mp_svg_baujat.h"
#include "mp_svg_funnel.h"
#include "mp_svg_tsa.h"
#include "mp_html.h"  /* the HTML report (issue 23) */
#include "mp_tsa.h"

/* libxml2's process-wide handlers: the reader sets its own (no external
 * entity is ever loaded, parser noise is silenced; mp_reader_new), which
 * are in force only while the analysis reads or writes; the caller's are
 * restored after each call. */
typedef struct {
    xmlExternalEntityLoader loader;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
} xml_handlers;

struct mp_analysis {
    mp_analysis_options opt;    /* outcome and by point to the copies below */
    char *outcome, *by;
    mp_reader *reader;
    xml_handlers reader_xml;    /* libxml2's handlers as the reader needs them */
    mp_dataset *ds;
    mp_errors err[MP_STAGE_COUNT];
    mp_stage failed;            /* of the last run */
    int closed;                 /* the inputs were closed (mp_dataset_finish) */
    int ran;                    /* the last run succeeded: results valid */
    mp_fit_result fit;
    mp_fit_result *loo;         /* k fits, or NULL */
    mp_subgroups sub;
    int has_sub;
    mp_cumulative cum;
    int has_cum;
    /* trial sequential analysis (issue 20) */
    char *tsa_spending;         /* the copy opt.tsa_spending points to */
    mp_tsa_result tsa;
    int has_tsa;
    /* Bayesian random effects (issue 19): the priors parsed from
     * opt.tau_prior and opt.mu_prior, which point to the copies below, as
     * opt.thresholds does */
    char *tau_prior, *mu_prior;
    double *thresholds;
    mp_bayes_options bayes_opt;
    mp_bayes_result bayes;
    int has_bayes;
    /* influence and small-study effects (issue 18) */
    mp_influence_row *infl;     /* k rows, or NULL */
    mp_small_study bias;
    int has_bias;
};

/* Defaults of metapool(1): DEFAULT_MAX_STUDIES studies per run (about 200
 * MB of memory at the limit), MAX_DIAGNOSTICS diagnostics recorded per
 * stage, past which problems are only counted. */
enum { DEFAULT_MAX_STUDIES = 1000000, MAX_DIAGNOSTICS = 1000 };

void mp_analysis_options_default(mp_analysis_options *o)
{
    memset(o, 0, sizeof *o);
    o->outcome = "OS";
    o->counts_measure = MP_MEASURE_RR;
    mp_fit_options_default(&o->fit);
    o->leave_one_out = 1;
    o->max_studies = DEFAULT_MAX_STUDIES;
    o->max_diagnostics = MAX_DIAGNOSTICS;
    mp_read_options ro;
    mp_read_options_default(&ro);
    o->max_text = ro.max_text;
    o->max_study = ro.max_study;
    o->max_bytes = ro.max_bytes;
    o->max_ids = ro.max_ids;
    /* trial sequential analysis (issue 20): mp_tsa_options_default's */
    mp_tsa_options to;
    mp_tsa_options_default(&to);
    o->tsa_alpha = to.alpha;
    o->tsa_power = to.power;
    o->tsa_spending = "obf";
    o->tsa_random = to.random;
    o->tsa_futility = to.futility;
    /* Bayesian random effects (issue 19): the contract's defaults */
    static const double one = 1;
    o->tau_prior = "halfnormal:0.5";
    o->mu_prior = "uniform";
    o->thresholds = &one;
    o->n_thresholds = 1;
}

void mp_output_options_default(mp_output_options *o)
{
    o->favours_left = o->favours_right = NULL;
    o->leave_one_out = 1;
    o->influence = 1;
    o->date = NULL;
}

/* ---- the process-wide settings of the libraries ---------------------------- */

static void xml_save(xml_handlers *h)
{
    h->loader = xmlGetExternalEntityLoader();
    h->generic = xmlGenericError;
    h->generic_ctx = xmlGenericErrorContext;
}

static void xml_apply(const xml_handlers *h)
{
    xmlSetExternalEntityLoader(h->loader);
    xmlSetGenericErrorFunc(h->generic_ctx, h->generic);
}

/* The caller's handlers, saved for the duration of a call. */
typedef struct {
    xml_handlers xml;
    gsl_error_handler_t *gsl;
} caller_handlers;

/* On entry to a call: the reader's libxml2 handlers in, and GSL's handler
 * off (its default aborts; every GSL status is checked instead). */
static void enter(const mp_analysis *a, caller_handlers *c)
{
    xml_save(&c->xml);
    xml_apply(&a->reader_xml);
    c->gsl = gsl_set_error_handler_off();
}

/* On return: the caller's handlers back. */
static void leave(const caller_handlers *c)
{
    gsl_set_error_handler(c->gsl);
    xml_apply(&c->xml);
}

/* ---- life cycle -------------------------------------------------------------------- */

/* The options of the trial sequential analysis (issue 20) as mp_tsa
 * takes them.  MP_OK, or MP_EINPUT for a spending function that does not
 * parse (the values themselves are mp_tsa's to check). */
static mp_status tsa_options(const mp_analysis_options *o, mp_tsa_options *t)
{
    mp_tsa_options_default(t);
    t->anticipated = o->tsa_hr;
    t->alpha = o->tsa_alpha;
    t->power = o->tsa_power;
    t->random = o->tsa_random;
    t->futility = o->tsa_futility;
    return o->tsa_spending
               ? mp_spending_parse(o->tsa_spending, &t->spending, NULL, 0)
               : MP_EINPUT;
}

/* Bayesian random effects (issue 19): the priors parse, and every
 * threshold is a ratio > 0 (mp_bayes checks them again). */
static mp_status check_bayes_options(const mp_analysis_options *o)
{
    mp_tau_prior tp;
    mp_mu_prior mp;
    if (!o->bayes)
        return MP_OK;
    if (!o->tau_prior || !o->mu_prior || o->n_thresholds == 0
        || !o->thresholds
        || mp_tau_prior_parse(o->tau_prior, &tp, NULL, 0) != MP_OK
        || mp_mu_prior_parse(o->mu_prior, &mp, NULL, 0) != MP_OK)
        return MP_EINPUT;
    for (size_t i = 0; i < o->n_thresholds; i++)
        if (!(o->thresholds[i] > 0 && isfinite(o->thresholds[i])))
            return MP_EINPUT;
    return MP_OK;
}

static mp_status check_options(const mp_analysis_options *o)
{
    if (!o->outcome || !*o->outcome || (o->by && !*o->by))
        return MP_EINPUT;
    /* trial sequential analysis (issue 20): a spending function that
     * parses (the HR, alpha and power are mp_tsa's to check when it runs,
     * with a diagnostic of MP_STAGE_TSA) */
    mp_tsa_options t;
    if (o->tsa_hr != 0 && tsa_options(o, &t) != MP_OK)
        return MP_EINPUT;
    if (check_bayes_options(o) != MP_OK)
        return MP_EINPUT;
    return mp_fit_check_options(&o->fit, NULL);
}

static char *copy(const char *s, mp_status *st)
{
    char *c = s ? strdup(s) : NULL;
    if (s && !c)
        *st = MP_ENOMEM;
    return c;
}

/* Bayesian random effects (issue 19): copies of the priors' texts and
 * of the thresholds (opt points to them), and the options of mp_bayes.
 * The options were checked (check_bayes_options).  MP_OK or MP_ENOMEM. */
static mp_status keep_bayes_options(mp_analysis *a)
{
    mp_status st = MP_OK;
    a->opt.tau_prior = a->tau_prior = copy(a->opt.tau_prior, &st);
    a->opt.mu_prior = a->mu_prior = copy(a->opt.mu_prior, &st);
    size_t n = a->opt.n_thresholds;
    a->thresholds = n ? malloc(n * sizeof *a->thresholds) : NULL;
    if (n && !a->thresholds)
        return MP_ENOMEM;
    if (n)
        memcpy(a->thresholds, a->opt.thresholds, n * sizeof *a->thresholds);
    a->opt.thresholds = a->thresholds;
    if (st != MP_OK || !a->opt.bayes)
        return st;
    mp_bayes_options *bo = &a->bayes_opt;
    mp_bayes_options_default(bo);
    mp_tau_prior_parse(a->tau_prior, &bo->tau_prior, NULL, 0);
    mp_mu_prior_parse(a->mu_prior, &bo->mu_prior, NULL, 0);
    bo->level = a->opt.fit.level;
    bo->thresholds = a->thresholds;
    bo->n_thresholds = n;
    return MP_OK;
}

/* The reader of the options, made with the caller's libxml2 handlers
 * restored afterwards. */
static mp_status make_reader(mp_analysis *a)
{
    mp_read_options ro;
    mp_read_options_default(&ro);   /* split_min: the reader's own */
    ro.schema = a->opt.schema;
    ro.max_text = a->opt.max_text;
    ro.max_study = a->opt.max_study;
    ro.max_bytes = a->opt.max_bytes;
    ro.max_ids = a->opt.max_ids;
    xml_handlers caller;
    xml_save(&caller);
    mp_status st;
    a->reader = mp_reader_new(&ro, &st);
    xml_save(&a->reader_xml);
    xml_apply(&caller);
    return a->reader ? MP_OK : st;
}

mp_analysis *mp_analysis_new(const mp_analysis_options *o, mp_status *status)
{
    mp_analysis_options defaults;
    if (!o) {
        mp_analysis_options_default(&defaults);
        o = &defaults;
    }
    mp_status st = check_options(o);
    mp_analysis *a = st == MP_OK ? calloc(1, sizeof *a) : NULL;
    if (st == MP_OK && !a)
        st = MP_ENOMEM;
    if (a) {
        a->opt = *o;
        a->opt.outcome = a->outcome = copy(o->outcome, &st);
        a->opt.by = a->by = copy(o->by, &st);
        a->opt.tsa_spending = a->tsa_spending = copy(o->tsa_spending, &st);
        if (st == MP_OK)
            st = keep_bayes_options(a);
        for (int s = 0; s < MP_STAGE_COUNT; s++) {
            mp_errors_init(&a->err[s]);
            a->err[s].limit = o->max_diagnostics;
        }
        a->failed = MP_STAGE_COUNT;
        mp_dataset_options dso;
        mp_dataset_options_default(&dso);
        dso.outcome = a->outcome;
        dso.counts_measure = o->counts_measure;
        dso.by = a->by;
        dso.max_studies = o->max_studies;
        if (st == MP_OK && !(a->ds = mp_dataset_new(&dso)))
            st = MP_ENOMEM;
        if (st == MP_OK)
            st = make_reader(a);
    }
    if (status)
        *status = st;
    if (st != MP_OK) {
        mp_analysis_free(a);
        return NULL;
    }
    return a;
}

/* Drop the results of a run. */
static void drop_results(mp_analysis *a)
{
    free(a->loo);
    a->loo = NULL;
    if (a->has_sub)
        mp_subgroups_clear(&a->sub);
    if (a->has_cum)
        mp_cumulative_clear(&a->cum);
    /* trial sequential analysis (issue 20) */
    if (a->has_tsa)
        mp_tsa_result_clear(&a->tsa);
    a->has_tsa = 0;
    if (a->has_bayes)
        mp_bayes_result_clear(&a->bayes);
    a->has_bayes = 0;
    a->has_sub = a->has_cum = a->ran = 0;
    /* influence and small-study effects (issue 18) */
    free(a->infl);
    a->infl = NULL;
    if (a->has_bias)
        mp_small_study_free(&a->bias);
    a->has_bias = 0;
}

void mp_analysis_free(mp_analysis *a)
{
    if (!a)
        return;
    drop_results(a);
    for (int s = 0; s < MP_STAGE_COUNT; s++)
        mp_errors_clear(&a->err[s]);
    mp_reader_free(a->reader);
    mp_dataset_free(a->ds);
    free(a->outcome);
    free(a->by);
    free(a->tsa_spending);
    free(a->tau_prior);
    free(a->mu_prior);
    free(a->thresholds);
    free(a);
}

/* ---- reading ------------------------------------------------------------------------ */

mp_status mp_analysis_read_file(mp_analysis *a, const char *path)
{
    if (a->closed)
        return MP_EINPUT;
    mp_dataset_sink sink = { a->ds, &a->err[MP_STAGE_READ] };
    mp_dataset_half half = { .first = a->ds,
                             .err_limit = a->err[MP_STAGE_READ].limit };
    mp_read_split split = mp_dataset_split(&half);
    caller_handlers caller;
    enter(a, &caller);
    mp_status st = mp_read_file_split(a->reader, path, mp_dataset_reader_fn,
                                      &sink, &a->err[MP_STAGE_READ], &split);
    leave(&caller);
    return st;
}

mp_status mp_analysis_read_memory(mp_analysis *a, const char *buf, size_t len,
                                  const char *name)
{
    if (a->closed)
        return MP_EINPUT;
    mp_dataset_sink sink = { a->ds, &a->err[MP_STAGE_READ] };
    caller_handlers caller;
    enter(a, &caller);
    mp_status st = mp_read_memory(a->reader, buf, len, name,
                                  mp_dataset_reader_fn, &sink,
                                  &a->err[MP_STAGE_READ]);
    leave(&caller);
    return st;
}

int mp_analysis_full(const mp_analysis *a)
{
    return mp_dataset_full(a->ds);
}

/* Under strict, 1 when there were warnings (a problem says so). */
static int strict_refuses(mp_analysis *a)
{
    mp_errors *err = &a->err[MP_STAGE_READ];
    size_t w = mp_errors_warnings(err);
    if (!a->opt.strict || w == 0)
        return 0;
    mp_errors_add_always(err, NULL, 0, "%zu warning%s, which --strict makes "
                         "errors: nothing pooled", w, w == 1 ? "" : "s");
    return 1;
}

static mp_status check_inputs(mp_analysis *a, int outcome_named)
{
    mp_errors *err = &a->err[MP_STAGE_READ];
    size_t problems = mp_errors_count(err);
    /* A study lacking the outcome is a warning where others have it or the
     * outcome was named, or where it has the outcome under another name
     * ("os"); no study having it is a problem only when the outcome was
     * named (a descriptor of other outcomes may be checked alone). */
    if (outcome_named && problems == 0)
        problems += mp_dataset_finish(a->ds, err) != MP_OK;
    else
        mp_dataset_warn_not_pooled(a->ds, outcome_named
                                   || mp_dataset_k(a->ds) > 0, err);
    a->closed = 1;
    problems += strict_refuses(a);
    return problems ? MP_EINPUT : MP_OK;
}

mp_status mp_analysis_check(mp_analysis *a, int outcome_named)
{
    caller_handlers caller;
    enter(a, &caller);
    mp_status st = check_inputs(a, outcome_named);
    leave(&caller);
    return st;
}

/* Close the inputs: no problem while reading, a study with the outcome,
 * and under strict no warning. */
static mp_status close_inputs(mp_analysis *a)
{
    mp_errors *err = &a->err[MP_STAGE_READ];
    if (a->closed)
        return mp_errors_count(err) ? MP_EINPUT : MP_OK;
    a->closed = 1;
    if (mp_errors_count(err) || mp_dataset_finish(a->ds, err) != MP_OK
        || strict_refuses(a))
        return MP_EINPUT;
    return MP_OK;
}

/* ---- the analyses -------------------------------------------------------------------- */

/* 1 when some pooled study has the covariate of the subgroups. */
static int has_groups(const mp_dataset *ds)
{
    for (size_t i = 0; i < mp_dataset_k(ds); i++)
        if (mp_dataset_group(ds, i))
            return 1;
    return 0;
}

/* Leave-one-out, each failed refit a warning naming the study by id. */
static mp_status run_leave_one_out(mp_analysis *a)
{
    size_t k = mp_dataset_k(a->ds);
    const char **ids = malloc(k * sizeof *ids);
    a->loo = malloc(k * sizeof *a->loo);
    mp_status st = ids && a->loo ? MP_OK : MP_ENOMEM;
    for (size_t i = 0; st == MP_OK && i < k; i++)
        ids[i] = mp_dataset_id(a->ds, i);
    if (st == MP_OK)
        st = mp_leave_one_out_named(mp_dataset_y(a->ds), mp_dataset_v(a->ds), k,
                                    ids, &a->opt.fit, a->loo,
                                    &a->err[MP_STAGE_LEAVE_ONE_OUT]);
    free(ids);
    return st;
}

static mp_status run_subgroups(mp_analysis *a)
{
    size_t k = mp_dataset_k(a->ds);
    mp_errors *err = &a->err[MP_STAGE_SUBGROUPS];
    const char **group = malloc(k * sizeof *group);
    if (!group)
        return MP_ENOMEM;
    for (size_t i = 0; i < k; i++)
        group[i] = mp_dataset_group(a->ds, i);
    mp_status st = mp_subgroups_fit(mp_dataset_y(a->ds), mp_dataset_v(a->ds),
                                    group, k, &a->opt.fit, &a->sub, err);
    free(group);
    a->has_sub = st == MP_OK;
    if (st == MP_OK && a->opt.by_missing_in_test)
        st = mp_subgroups_test(&a->sub, 1);
    return st;
}

static mp_status run_cumulative(mp_analysis *a)
{
    size_t k = mp_dataset_k(a->ds);
    int *year = malloc(k * sizeof *year);
    if (!year)
        return MP_ENOMEM;
    for (size_t i = 0; i < k; i++)
        year[i] = mp_dataset_year(a->ds, i);
    mp_status st = mp_cumulative_fit(mp_dataset_y(a->ds), mp_dataset_v(a->ds),
                                     year, k, &a->opt.fit, &a->cum,
                                     &a->err[MP_STAGE_CUMULATIVE]);
    free(year);
    a->has_cum = st == MP_OK;
    return st;
}

/* Trial sequential analysis (issue 20): mp_tsa does its own cumulative
 * fits (DerSimonian-Laird or fixed, whatever -m says: the Z-curve of
 * Wetterslev et al. 2008) on the rows in year order. */
static mp_status run_tsa(mp_analysis *a)
{
    size_t k = mp_dataset_k(a->ds);
    mp_tsa_options t;
    int *year = malloc(k * sizeof *year);
    if (!year)
        return MP_ENOMEM;
    for (size_t i = 0; i < k; i++)
        year[i] = mp_dataset_year(a->ds, i);
    mp_status st = tsa_options(&a->opt, &t);
    if (st == MP_OK)
        st = mp_tsa(mp_dataset_y(a->ds), mp_dataset_v(a->ds), year, k, &t,
                    &a->tsa, &a->err[MP_STAGE_TSA]);
    free(year);
    a->has_tsa = st == MP_OK;
    return st;
}

/* Bayesian random effects (issue 19): the exact posterior under the
 * priors of the options (mp_bayes); an improper posterior or a failed
 * quadrature is a problem of the stage. */
static mp_status run_bayes(mp_analysis *a)
{
    mp_status st = mp_bayes(mp_dataset_y(a->ds), mp_dataset_v(a->ds),
                            mp_dataset_k(a->ds), &a->bayes_opt, &a->bayes,
                            &a->err[MP_STAGE_BAYES]);
    a->has_bayes = st == MP_OK;
    return st;
}

/* ---- influence and small-study effects (issue 18) ---- */

/* Case-deletion diagnostics of the random-effects model; with k < 2 none,
 * and a warning says why (the report says it too). */
static mp_status run_influence(mp_analysis *a)
{
    size_t k = mp_dataset_k(a->ds);
    mp_errors *err = &a->err[MP_STAGE_INFLUENCE];
    if (k < 2)
        return mp_errors_warn(err, NULL, 0, "--influence: influence "
                              "diagnostics need at least 2 studies (k = %zu)",
                              k);
    if (!(a->infl = malloc(k * sizeof *a->infl)))
        return MP_ENOMEM;
    return mp_influence(mp_dataset_y(a->ds), mp_dataset_v(a->ds), k,
                        &a->opt.fit, MP_INFLUENCE_RANDOM, a->infl, err);
}

/* Egger's test, the rank test and trim-and-fill (each says why when it
 * is not available: k < 3, equal standard errors). */
static mp_status run_small_study(mp_analysis *a)
{
    mp_status st = mp_small_study_run(mp_dataset_y(a->ds), mp_dataset_v(a->ds),
                                      mp_dataset_k(a->ds), &a->opt.fit,
                                      &a->bias, &a->err[MP_STAGE_SMALL_STUDY]);
    a->has_bias = st == MP_OK;
    return st;
}

/* The stages after reading, in order; failed says which one failed. */
static mp_status run_stages(mp_analysis *a)
{
    mp_status st = close_inputs(a);
    if (st != MP_OK)
        return st;
    a->failed = MP_STAGE_FIT;
    size_t k = mp_dataset_k(a->ds);
    st = mp_fit(mp_dataset_y(a->ds), mp_dataset_v(a->ds), k, &a->opt.fit,
                &a->fit, &a->err[MP_STAGE_FIT]);
    if (st != MP_OK)
        return a->fit.status;
    a->failed = MP_STAGE_SUBGROUPS;
    /* a covariate nobody has is a mistake of the caller's: said before
     * any analysis runs */
    if (a->by && !has_groups(a->ds)) {
        mp_errors_add(&a->err[MP_STAGE_SUBGROUPS], NULL, 0, "no study with "
                      "outcome %s has a covariate named \"%s\"", a->outcome,
                      a->by);
        return MP_EINPUT;
    }
    a->failed = MP_STAGE_LEAVE_ONE_OUT;
    if (a->opt.leave_one_out && k >= 2 && (st = run_leave_one_out(a)) != MP_OK)
        return st;
    a->failed = MP_STAGE_SUBGROUPS;
    if (a->by && (st = run_subgroups(a)) != MP_OK)
        return st;
    a->failed = MP_STAGE_CUMULATIVE;
    if (a->opt.cumulative && (st = run_cumulative(a)) != MP_OK)
        return st;
    /* trial sequential analysis (issue 20) */
    a->failed = MP_STAGE_TSA;
    if (a->opt.tsa_hr != 0 && (st = run_tsa(a)) != MP_OK)
        return st;
    a->failed = MP_STAGE_BAYES;
    if (a->opt.bayes && (st = run_bayes(a)) != MP_OK)
        return st;
    /* influence and small-study effects (issue 18) */
    a->failed = MP_STAGE_INFLUENCE;
    if (a->opt.influence && (st = run_influence(a)) != MP_OK)
        return st;
    a->failed = MP_STAGE_SMALL_STUDY;
    if (a->opt.bias && (st = run_small_study(a)) != MP_OK)
        return st;
    a->failed = MP_STAGE_COUNT;
    return MP_OK;
}

mp_status mp_analysis_run(mp_analysis *a)
{
    drop_results(a);
    for (int s = MP_STAGE_FIT; s < MP_STAGE_COUNT; s++)
        mp_errors_clear(&a->err[s]);
    a->failed = MP_STAGE_READ;
    caller_handlers caller;
    enter(a, &caller);
    mp_status st = run_stages(a);
    leave(&caller);
    a->ran = st == MP_OK;
    return st;
}

mp_stage mp_analysis_failed_stage(const mp_analysis *a)
{
    return a->failed;
}

/* ---- results --------------------------------------------------------------------------- */

mp_errors *mp_analysis_errors(mp_analysis *a, mp_stage stage)
{
    return (unsigned)stage < MP_STAGE_COUNT ? &a->err[stage] : NULL;
}

const mp_dataset *mp_analysis_dataset(const mp_analysis *a)
{
    return a->ds;
}

const mp_fit_result *mp_analysis_fit(const mp_analysis *a)
{
    return a->ran ? &a->fit : NULL;
}

const mp_fit_result *mp_analysis_leave_one_out(const mp_analysis *a)
{
    return a->ran ? a->loo : NULL;
}

const mp_subgroups *mp_analysis_subgroups(const mp_analysis *a)
{
    return a->ran && a->has_sub ? &a->sub : NULL;
}

const mp_cumulative *mp_analysis_cumulative(const mp_analysis *a)
{
    return a->ran && a->has_cum ? &a->cum : NULL;
}

/* trial sequential analysis (issue 20) */
const mp_tsa_result *mp_analysis_tsa(const mp_analysis *a)
{
    return a->ran && a->has_tsa ? &a->tsa : NULL;
}

/* Bayesian random effects (issue 19) */
const mp_bayes_result *mp_analysis_bayes(const mp_analysis *a)
{
    return a->ran && a->has_bayes ? &a->bayes : NULL;
}

const mp_analysis_options *mp_analysis_get_options(const mp_analysis *a)
{
    return &a->opt;
}

/* influence and small-study effects (issue 18) */
const mp_influence_row *mp_analysis_influence(const mp_analysis *a)
{
    return a->ran ? a->infl : NULL;
}

const mp_small_study *mp_analysis_small_study(const mp_analysis *a)
{
    return a->ran && a->has_bias ? &a->bias : NULL;
}

/* ---- reports ----------------------------------------------------------------------------- */

mp_status mp_analysis_report(const mp_analysis *a, int with_loo, mp_report *rep)
{
    if (!a->ran)
        return MP_EINPUT;
    /* trial sequential analysis (issue 20): its options as it ran */
    mp_tsa_options tsa_opt;
    if (a->has_tsa)
        tsa_options(&a->opt, &tsa_opt);
    *rep = (mp_report){ .ds = a->ds, .opt = &a->opt.fit, .fit = &a->fit,
                        .loo = with_loo ? a->loo : NULL,
                        .covariate = a->has_sub ? a->by : NULL,
                        .sub = a->has_sub ? &a->sub : NULL,
                        .cum = a->has_cum ? &a->cum : NULL,
                        /* trial sequential analysis (issue 20) */
                        .tsa = a->has_tsa ? &a->tsa : NULL,
                        .tsa_opt = a->has_tsa ? tsa_opt : (mp_tsa_options){ 0 },
                        .bayes = a->has_bayes ? &a->bayes : NULL,
                        .bayes_opt = &a->bayes_opt,
                        .tau_prior = a->tau_prior,
                        .mu_prior = a->mu_prior,
                        .version = PACKAGE_VERSION,
                        /* influence and small-study effects (issue 18) */
                        .influence = a->opt.influence, .infl = a->infl,
                        .bias = a->has_bias ? &a->bias : NULL };
    return MP_OK;
}

static mp_status write_output(const mp_report *rep, mp_output what,
                              const mp_output_options *o, FILE *out)
{
    mp_svg_options so = { o->favours_left, o->favours_right };
    switch (what) {
    case MP_OUTPUT_TEXT: return mp_report_text(out, rep);
    case MP_OUTPUT_JSON: return mp_report_json(out, rep);
    case MP_OUTPUT_CSV: return mp_report_csv(out, rep);
    case MP_OUTPUT_FOREST_SVG: return mp_svg_forest(out, rep, &so);
    case MP_OUTPUT_CUMULATIVE_SVG: return mp_svg_cumulative(out, rep, &so);
    case MP_OUTPUT_LOO_SVG: return mp_svg_leave_one_out(out, rep, &so);
    /* influence and small-study effects (issue 18) */
    case MP_OUTPUT_FUNNEL_SVG: return mp_svg_funnel(out, rep);
    case MP_OUTPUT_BAUJAT_SVG: return mp_svg_baujat(out, rep);
    case MP_OUTPUT_TSA_SVG: return mp_svg_tsa(out, rep, &so);
    case MP_OUTPUT_HTML: return mp_report_html(out, rep, &so, o->date);
    }
    return MP_EINPUT;
}

static int is_plot(mp_output what)
{
    return what == MP_OUTPUT_FOREST_SVG || what == MP_OUTPUT_CUMULATIVE_SVG
           || what == MP_OUTPUT_LOO_SVG || what == MP_OUTPUT_FUNNEL_SVG
           || what == MP_OUTPUT_BAUJAT_SVG || what == MP_OUTPUT_TSA_SVG;
}

mp_status mp_analysis_write(const mp_analysis *a, mp_output what,
                            const mp_output_options *o, FILE *out)
{
    mp_output_options defaults;
    if (!o) {
        mp_output_options_default(&defaults);
        o = &defaults;
    }
    mp_report rep;
    /* the plots draw leave-one-out whenever it ran; the reports show it
     * when asked */
    mp_status st = mp_analysis_report(a, is_plot(what) || o->leave_one_out, &rep);
    if (st != MP_OK)
        return st;
    /* influence diagnostics that ran only for the Baujat plot */
    if (!is_plot(what) && !o->influence) {
        rep.influence = 0;
        rep.infl = NULL;
    }
    caller_handlers caller;
    enter(a, &caller);
    st = write_output(&rep, what, o, out);
    leave(&caller);
    return st;
}

mp_status mp_analysis_write_memory(const mp_analysis *a, mp_output what,
                                   const mp_output_options *o, char **buf,
                                   size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = open_memstream(buf, len);
    if (!f)
        return MP_ENOMEM;
    mp_status st = mp_analysis_write(a, what, o, f);
    if (fclose(f) != 0 && st == MP_OK)
        st = MP_ENOMEM;
    if (st != MP_OK) {
        free(*buf);
        *buf = NULL;
        *len = 0;
    }
    return st;
}
