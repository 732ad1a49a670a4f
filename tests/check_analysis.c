/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_analysis.c - unit tests of mp_analysis, the analysis object: its
 * options and their defaults, the stages and their diagnostics (the
 * structured index of a failed refit, subgroup or step), the results it
 * hands out (the same, bit for bit, as the building blocks give on the
 * dataset's arrays), the reports to a FILE and to memory, and the
 * process-wide handlers of GSL and libxml2, which it must leave as the
 * caller set them. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <libxml/globals.h>
#include <libxml/parser.h>

#include "metapool.h"
#include "mp_analysis.h"
#include "testutil.h"

/* ---- inputs ------------------------------------------------------------------- */

/* A collection of n studies: log hazard ratio est[i] with SE se[i],
 * published in 2000 + i, covariate g = group[i] (NULL: none).  Static
 * buffer. */
static const char *collection(size_t n, const char *const *est,
                              const char *const *se, const char *const *group)
{
    static char buf[16384];
    size_t used = (size_t)snprintf(buf, sizeof buf,
                                   "<?xml version=\"1.0\"?>\n<studies format=\"1\">\n");
    for (size_t i = 0; i < n; i++) {
        char cov[64] = "";
        if (group && group[i])
            snprintf(cov, sizeof cov, "<covariate name=\"g\" value=\"%s\"/>",
                     group[i]);
        used += (size_t)snprintf(buf + used, sizeof buf - used,
            "<study id=\"s%zu\"><title>S%zu</title><design>rct</design>"
            "<publication year=\"%zu\">T.</publication>%s<outcome name=\"OS\">"
            "<log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome></study>\n",
            i + 1, i + 1, 2000 + i, cov, est[i], se[i]);
    }
    snprintf(buf + used, sizeof buf - used, "</studies>\n");
    ck_assert_uint_lt(used, sizeof buf - 16);
    return buf;
}

static const char *const five_est[] = { "-0.37", "0.10", "-0.15", "-0.42", "0.02" };
static const char *const five_se[] = { "0.34", "0.19", "0.14", "0.15", "0.18" };
static const char *const five_group[] = { "a", "b", "b", NULL, "a" };

/* Six studies of which the refit without the sixth fails under REML: the
 * first has SE 1e-100, whose weight squared overflows in any set of
 * studies of its estimate alone (check_analyses.c, test_failed_subfit). */
static const char *const six_est[] = { "0.3", "0.3", "0.3", "0.3", "0.3", "1.5" };
static const char *const six_se[] = { "1e-100", "0.2", "0.2", "0.2", "0.2", "0.2" };

/* A new analysis of options o (NULL: the defaults) on doc. */
static mp_analysis *analysis_of(const mp_analysis_options *o, const char *doc)
{
    mp_status st = MP_ENOMEM;
    mp_analysis *a = mp_analysis_new(o, &st);
    ck_assert_int_eq(st, MP_OK);
    ck_assert_ptr_nonnull(a);
    ck_assert_msg(mp_analysis_read_memory(a, doc, strlen(doc), "c.xml") == MP_OK,
                  "%s", mp_check_dump(mp_analysis_errors(a, MP_STAGE_READ)));
    return a;
}

/* The five studies, run with subgroups by g (the studies without it in
 * the test when missing_in_test) and, when cumulative, the cumulative
 * analysis. */
static mp_analysis *grouped(int missing_in_test, int cumulative)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.by = "g";
    o.by_missing_in_test = missing_in_test;
    o.cumulative = cumulative;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, five_group));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    return a;
}

/* Equality of two figures to the bit (NaN equal to NaN). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Equality of two fits: status, k and every figure. */
static void same_fit(const mp_fit_result *a, const mp_fit_result *b)
{
    ck_assert_int_eq(a->status, b->status);
    ck_assert_uint_eq(a->k, b->k);
    ck_assert_int_eq(a->has_random, b->has_random);
    const mp_fixed_result *fa = &a->fixed, *fb = &b->fixed;
    const double fx[][2] = {
        { fa->log_estimate, fb->log_estimate }, { fa->se, fb->se },
        { fa->lower, fb->lower }, { fa->upper, fb->upper }, { fa->z, fb->z },
        { fa->p, fb->p }, { fa->weight_sum, fb->weight_sum } };
    const mp_random_result *ra = &a->random, *rb = &b->random;
    const double re[][2] = {
        { ra->tau2, rb->tau2 }, { ra->log_estimate, rb->log_estimate },
        { ra->se, rb->se }, { ra->lower, rb->lower }, { ra->upper, rb->upper },
        { ra->statistic, rb->statistic }, { ra->df, rb->df }, { ra->p, rb->p },
        { ra->pi_lower, rb->pi_lower }, { ra->pi_upper, rb->pi_upper },
        { ra->tau2_lower, rb->tau2_lower }, { ra->tau2_upper, rb->tau2_upper },
        { a->het.Q, b->het.Q }, { a->het.I2, b->het.I2 }, { a->het.H2, b->het.H2 } };
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++)
        ck_assert_msg(same(fx[i][0], fx[i][1]), "fixed figure %zu: %.17g, %.17g",
                      i, fx[i][0], fx[i][1]);
    for (size_t i = 0; a->has_random && i < sizeof re / sizeof re[0]; i++)
        ck_assert_msg(same(re[i][0], re[i][1]), "random figure %zu: %.17g, %.17g",
                      i, re[i][0], re[i][1]);
}

/* ---- options ----------------------------------------------------------------------- */

START_TEST(test_defaults)
{
    mp_analysis_options o;
    memset(&o, 0xA5, sizeof o);
    mp_analysis_options_default(&o);
    ck_assert_str_eq(o.outcome, "OS");
    ck_assert_int_eq(o.counts_measure, MP_MEASURE_RR);
    ck_assert_int_eq(o.fit.method, MP_METHOD_DL);
    ck_assert(o.fit.level == 0.95);
    ck_assert_int_eq(o.leave_one_out, 1);
    ck_assert_ptr_null(o.by);
    ck_assert_int_eq(o.by_missing_in_test, 0);
    ck_assert_int_eq(o.cumulative, 0);
    ck_assert_int_eq(o.strict, 0);
    ck_assert_int_eq(o.schema, 0);
    /* metapool(1), LIMITS */
    ck_assert_uint_eq(o.max_studies, 1000000);
    ck_assert_uint_eq(o.max_diagnostics, 1000);
    ck_assert_uint_eq(o.max_text, 65536);
    ck_assert_uint_eq(o.max_study, 1048576);
    ck_assert_uint_eq(o.max_bytes, (size_t)1 << 31);
    ck_assert_uint_eq(o.max_ids, 10000);
    mp_output_options oo;
    memset(&oo, 0xA5, sizeof oo);
    mp_output_options_default(&oo);
    ck_assert_ptr_null(oo.favours_left);
    ck_assert_ptr_null(oo.favours_right);
    ck_assert_int_eq(oo.leave_one_out, 1);
}
END_TEST

START_TEST(test_bad_options)
{
    mp_analysis_options o;
    mp_status st;
    mp_analysis_options_default(&o);
    o.outcome = "";
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
    mp_analysis_options_default(&o);
    o.by = "";
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
    mp_analysis_options_default(&o);
    o.fit.level = 1.0;
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
    mp_analysis_options_default(&o);
    o.fit.method = MP_METHOD_COUNT;
    ck_assert_ptr_null(mp_analysis_new(&o, NULL));
    mp_analysis_free(NULL);
}
END_TEST

/* The strings of the options are copied. */
START_TEST(test_options_copied)
{
    char outcome[] = "OS", by[] = "g";
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.outcome = outcome;
    o.by = by;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, five_group));
    outcome[0] = by[0] = 'x';
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_str_eq(mp_analysis_get_options(a)->outcome, "OS");
    ck_assert_str_eq(mp_analysis_get_options(a)->by, "g");
    ck_assert_uint_eq(mp_analysis_subgroups(a)->n_groups, 3);
    mp_analysis_free(a);
}
END_TEST

/* ---- the stages and their results -------------------------------------------------- */

/* Every result equals the building block's on the dataset's arrays. */
START_TEST(test_results_are_the_blocks)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.fit.method = MP_METHOD_REML;
    o.by = "g";
    o.cumulative = 1;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, five_group));
    ck_assert_ptr_null(mp_analysis_fit(a));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_COUNT);
    const mp_dataset *ds = mp_analysis_dataset(a);
    size_t k = mp_dataset_k(ds);
    ck_assert_uint_eq(k, 5);
    const double *y = mp_dataset_y(ds), *v = mp_dataset_v(ds);
    mp_fit_result fit, loo[5];
    ck_assert_int_eq(mp_fit(y, v, k, &o.fit, &fit, NULL), MP_OK);
    same_fit(mp_analysis_fit(a), &fit);
    ck_assert_int_eq(mp_leave_one_out(y, v, k, &o.fit, loo, NULL), MP_OK);
    for (size_t i = 0; i < k; i++)
        same_fit(&mp_analysis_leave_one_out(a)[i], &loo[i]);
    const char *group[5];
    int year[5];
    for (size_t i = 0; i < k; i++) {
        group[i] = mp_dataset_group(ds, i);
        year[i] = mp_dataset_year(ds, i);
    }
    mp_subgroups sub;
    ck_assert_int_eq(mp_subgroups_fit(y, v, group, k, &o.fit, &sub, NULL), MP_OK);
    const mp_subgroups *as = mp_analysis_subgroups(a);
    ck_assert_uint_eq(as->n_groups, sub.n_groups);
    for (size_t g = 0; g < sub.n_groups; g++)
        same_fit(&as->groups[g].fit, &sub.groups[g].fit);
    ck_assert(as->Q == sub.Q && as->df == sub.df && as->p == sub.p);
    ck_assert_int_eq(as->missing_in_test, 0);
    mp_subgroups_clear(&sub);
    mp_cumulative cum;
    ck_assert_int_eq(mp_cumulative_fit(y, v, year, k, &o.fit, &cum, NULL), MP_OK);
    for (size_t j = 0; j < k; j++)
        same_fit(&mp_analysis_cumulative(a)->fits[j], &cum.fits[j]);
    mp_cumulative_clear(&cum);
    for (int s = 0; s < MP_STAGE_COUNT; s++)
        ck_assert_uint_eq(mp_errors_size(mp_analysis_errors(a, (mp_stage)s)), 0);
    ck_assert_ptr_null(mp_analysis_errors(a, MP_STAGE_COUNT));
    mp_analysis_free(a);
}
END_TEST

/* by_missing_in_test puts the studies without the covariate in the test. */
START_TEST(test_by_missing_in_test)
{
    mp_analysis *a = grouped(1, 0);
    ck_assert_int_eq(mp_analysis_subgroups(a)->missing_in_test, 1);
    ck_assert(mp_analysis_subgroups(a)->df == 2.0);
    mp_analysis_free(a);
}
END_TEST

/* Leave-one-out and cumulative off: no results, and their plots refuse. */
START_TEST(test_analyses_off)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.leave_one_out = 0;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    char *buf;
    size_t len;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_JSON, NULL, &buf, &len),
                     MP_EINPUT);     /* not run yet */
    ck_assert_ptr_null(buf);
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_ptr_null(mp_analysis_leave_one_out(a));
    ck_assert_ptr_null(mp_analysis_subgroups(a));
    ck_assert_ptr_null(mp_analysis_cumulative(a));
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_LOO_SVG, NULL, &buf, &len),
                     MP_EINPUT);
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_CUMULATIVE_SVG, NULL,
                                              &buf, &len), MP_EINPUT);
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_FOREST_SVG, NULL, &buf,
                                              &len), MP_OK);
    ck_assert_uint_eq(strlen(buf), len);
    free(buf);
    mp_analysis_free(a);
}
END_TEST

/* A failed refit is a warning of its stage, with the omitted study's row
 * as its index and its id in its words; a failed cumulative step the
 * same with the step. */
START_TEST(test_structured_warnings)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.fit.method = MP_METHOD_REML;
    o.cumulative = 1;
    mp_analysis *a = analysis_of(&o, collection(6, six_est, six_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    const mp_errors *e = mp_analysis_errors(a, MP_STAGE_LEAVE_ONE_OUT);
    ck_assert_uint_eq(mp_errors_size(e), 1);
    ck_assert_uint_eq(mp_errors_count(e), 0);
    ck_assert_uint_eq(mp_errors_warnings(e), 1);
    const mp_diag *d = mp_errors_get(e, 0);
    ck_assert_int_eq(d->warning, 1);
    ck_assert_uint_eq(d->index, 5);
    ck_assert_ptr_null(d->file);
    ck_assert_str_eq(d->message, "leave-one-out without \"s6\": REML estimator: "
                     "the fit is not finite (extreme sampling variances?)");
    ck_assert_int_eq(mp_analysis_leave_one_out(a)[5].status, MP_ENUMERIC);
    /* steps 2 to 5 pool s1 with studies of its estimate only */
    e = mp_analysis_errors(a, MP_STAGE_CUMULATIVE);
    ck_assert_uint_eq(mp_errors_size(e), 4);
    for (size_t j = 0; j < 4; j++) {
        d = mp_errors_get(e, j);
        ck_assert_uint_eq(d->index, j + 1);
        char want[64];
        snprintf(want, sizeof want, "cumulative step %zu: ", j + 2);
        ck_assert_msg(strncmp(d->message, want, strlen(want)) == 0, "%s", d->message);
    }
    mp_analysis_free(a);
}
END_TEST

/* Each stage that can end a run says so, and why. */
START_TEST(test_failed_stages)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.fit.method = MP_METHOD_REML;
    /* the fit itself: every study of one estimate, one of SE 1e-100 */
    mp_analysis *a = analysis_of(&o, collection(5, six_est, six_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_ENUMERIC);
    ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_FIT);
    ck_assert_uint_eq(mp_errors_count(mp_analysis_errors(a, MP_STAGE_FIT)), 1);
    ck_assert_ptr_null(mp_analysis_fit(a));
    mp_analysis_free(a);
    /* a covariate that no study has: before any analysis */
    o.fit.method = MP_METHOD_DL;
    o.by = "nowhere";
    a = analysis_of(&o, collection(5, five_est, five_se, five_group));
    ck_assert_int_eq(mp_analysis_run(a), MP_EINPUT);
    ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_SUBGROUPS);
    const mp_errors *e = mp_analysis_errors(a, MP_STAGE_SUBGROUPS);
    ck_assert_uint_eq(mp_errors_size(e), 1);
    ck_assert_str_eq(mp_errors_get(e, 0)->message,
                     "no study with outcome OS has a covariate named \"nowhere\"");
    ck_assert_uint_eq(mp_errors_size(mp_analysis_errors(a, MP_STAGE_LEAVE_ONE_OUT)), 0);
    mp_analysis_free(a);
    /* the inputs: a problem while reading */
    a = mp_analysis_new(NULL, NULL);
    ck_assert_ptr_nonnull(a);
    static const char bad[] = "<studies format=\"1\"><study id=\"x\"/></studies>";
    ck_assert_int_eq(mp_analysis_read_memory(a, bad, strlen(bad), "bad.xml"),
                     MP_EINPUT);
    ck_assert_int_eq(mp_analysis_run(a), MP_EINPUT);
    ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_READ);
    const mp_diag *d = mp_errors_get(mp_analysis_errors(a, MP_STAGE_READ), 0);
    ck_assert_str_eq(d->file, "bad.xml");
    ck_assert_int_eq(d->line, 1);
    ck_assert_int_eq(d->warning, 0);
    /* no reading after the run */
    ck_assert_int_eq(mp_analysis_read_memory(a, bad, strlen(bad), "b.xml"), MP_EINPUT);
    mp_analysis_free(a);
}
END_TEST

/* strict: a warning while reading (a study without the outcome) is an
 * error. */
START_TEST(test_strict)
{
    static const char doc[] =
        "<studies format=\"1\">"
        "<study id=\"a\"><title>A</title><design>rct</design>"
        "<publication year=\"2001\">T.</publication><outcome name=\"OS\">"
        "<hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.1\"/></outcome></study>"
        "<study id=\"b\"><title>B</title><design>rct</design>"
        "<publication year=\"2002\">T.</publication><outcome name=\"PFS\">"
        "<hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.1\"/></outcome></study>"
        "</studies>";
    for (int strict = 0; strict <= 1; strict++) {
        mp_analysis_options o;
        mp_analysis_options_default(&o);
        o.strict = strict;
        mp_analysis *a = analysis_of(&o, doc);
        ck_assert_int_eq(mp_analysis_run(a), strict ? MP_EINPUT : MP_OK);
        const mp_errors *e = mp_analysis_errors(a, MP_STAGE_READ);
        ck_assert_uint_eq(mp_errors_warnings(e), 1);
        ck_assert_uint_eq(mp_errors_count(e), (size_t)strict);
        if (strict)
            ck_assert_str_eq(mp_errors_get(e, 1)->message, "1 warning, which "
                             "--strict makes errors: nothing pooled");
        mp_analysis_free(a);
    }
}
END_TEST

/* mp_analysis_check: the checks of --validate, nothing pooled. */
START_TEST(test_check)
{
    mp_analysis *a = analysis_of(NULL, collection(5, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_check(a, 1), MP_OK);
    ck_assert_uint_eq(mp_dataset_studies_read(mp_analysis_dataset(a)), 5);
    ck_assert_ptr_null(mp_analysis_fit(a));
    mp_analysis_free(a);
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.outcome = "PFS";
    a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_check(a, 1), MP_EINPUT);     /* named: none has it */
    mp_analysis_free(a);
    a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_check(a, 0), MP_OK);         /* not named */
    mp_analysis_free(a);
}
END_TEST

/* ---- reports --------------------------------------------------------------------------- */

/* Each output, to a FILE and to memory, the same bytes. */
START_TEST(test_write_memory_and_file)
{
    mp_analysis *a = grouped(0, 1);
    for (int w = MP_OUTPUT_TEXT; w <= MP_OUTPUT_LOO_SVG; w++) {
        char *mem, *file = NULL;
        size_t mlen, flen = 0;
        ck_assert_int_eq(mp_analysis_write_memory(a, (mp_output)w, NULL, &mem, &mlen),
                         MP_OK);
        FILE *f = open_memstream(&file, &flen);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(mp_analysis_write(a, (mp_output)w, NULL, f), MP_OK);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_uint_gt(mlen, 100);
        ck_assert_uint_eq(mlen, flen);
        ck_assert_int_eq(memcmp(mem, file, mlen), 0);
        free(mem);
        free(file);
    }
    /* leave-one-out left out of a report on request */
    mp_output_options oo;
    mp_output_options_default(&oo);
    char *with, *without;
    size_t n1, n2;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_TEXT, &oo, &with, &n1), MP_OK);
    oo.leave_one_out = 0;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_TEXT, &oo, &without, &n2),
                     MP_OK);
    ck_assert_ptr_nonnull(strstr(with, "Leave-one-out"));
    ck_assert_ptr_null(strstr(without, "Leave-one-out"));
    free(with);
    free(without);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        ck_assert_int_eq(mp_analysis_write(a, MP_OUTPUT_JSON, NULL, full), MP_EIO);
        fclose(full);
    }
    mp_analysis_free(a);
}
END_TEST

/* ---- the caller's handlers ----------------------------------------------------------------- */

static int gsl_calls;

static void counting_gsl_handler(const char *reason, const char *file, int line,
                                 int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    gsl_calls++;
}

static void quiet_xml(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static xmlParserInputPtr no_loader(const char *url, const char *id,
                                   xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* GSL's error handler and libxml2's generic error function and external
 * entity loader are the caller's before and after every call. */
START_TEST(test_handlers_restored)
{
    static int marker;
    gsl_error_handler_t *before = gsl_set_error_handler(counting_gsl_handler);
    xmlSetGenericErrorFunc(&marker, quiet_xml);
    xmlSetExternalEntityLoader(no_loader);
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.schema = 1;
    o.fit.method = MP_METHOD_PM;
    o.cumulative = 1;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_ptr_eq((void *)xmlGenericError, (void *)quiet_xml);
    ck_assert_ptr_eq(xmlGenericErrorContext, &marker);
    ck_assert_ptr_eq((void *)xmlGetExternalEntityLoader(), (void *)no_loader);
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    char *buf;
    size_t len;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_FOREST_SVG, NULL, &buf,
                                              &len), MP_OK);
    free(buf);
    ck_assert_ptr_eq((void *)gsl_set_error_handler(before),
                     (void *)counting_gsl_handler);
    ck_assert_int_eq(gsl_calls, 0);
    ck_assert_ptr_eq((void *)xmlGenericError, (void *)quiet_xml);
    ck_assert_ptr_eq((void *)xmlGetExternalEntityLoader(), (void *)no_loader);
    mp_analysis_free(a);
    xmlSetGenericErrorFunc(NULL, NULL);
}
END_TEST

/* ---- the pooled figures ----------------------------------------------------------------------- */

START_TEST(test_fit_pooled)
{
    const double y[3] = { -0.37, 0.10, -0.15 }, v[3] = { 0.1156, 0.0361, 0.0196 };
    mp_fit_options o;
    mp_fit_options_default(&o);
    o.hksj = 1;
    mp_fit_result f;
    mp_pooled p;
    ck_assert_int_eq(mp_fit(y, v, 3, &o, &f, NULL), MP_OK);
    mp_fit_pooled(&f, &p);
    ck_assert_int_eq(p.random, 1);
    ck_assert(p.log_estimate == f.random.log_estimate && p.se == f.random.se);
    ck_assert(p.lower == f.random.lower && p.upper == f.random.upper);
    ck_assert_int_eq(p.t_test, 1);
    ck_assert(p.statistic == f.random.statistic && p.df == 2.0 && p.p == f.random.p);
    ck_assert_int_eq(mp_fit(y, v, 1, &o, &f, NULL), MP_OK);
    mp_fit_pooled(&f, &p);
    ck_assert_int_eq(p.random, 0);
    ck_assert(p.log_estimate == y[0] && p.se == sqrt(v[0]));
    ck_assert(p.lower == f.fixed.lower && p.upper == f.fixed.upper);
    ck_assert_int_eq(p.t_test, 0);
    ck_assert(p.statistic == f.fixed.z && isnan(p.df) && p.p == f.fixed.p);
}
END_TEST

/* ---- trial sequential analysis (issue 20) ------------------------------------ */

/* The stage is off by default; on, its result is mp_tsa's on the
 * dataset's arrays and years, bit for bit, whatever -m says. */
START_TEST(test_tsa_stage)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    ck_assert(o.tsa_hr == 0 && o.tsa_alpha == 0.05 && o.tsa_power == 0.80);
    ck_assert_str_eq(o.tsa_spending, "obf");
    ck_assert(o.tsa_random == 1 && o.tsa_futility == 0);
    const char *doc = collection(5, five_est, five_se, NULL);
    mp_analysis *a = analysis_of(&o, doc);
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_ptr_null(mp_analysis_tsa(a));
    mp_analysis_free(a);

    char spending[] = "hsd:-2";
    o.tsa_hr = 0.8;
    o.tsa_spending = spending;
    o.tsa_futility = 1;
    o.fit.method = MP_METHOD_REML;
    a = analysis_of(&o, doc);
    spending[0] = 'x';          /* the options were copied */
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    const mp_tsa_result *t = mp_analysis_tsa(a);
    ck_assert_ptr_nonnull(t);
    const mp_dataset *ds = mp_analysis_dataset(a);
    int year[5];
    for (size_t i = 0; i < 5; i++)
        year[i] = mp_dataset_year(ds, i);
    mp_tsa_options to;
    mp_tsa_options_default(&to);
    to.anticipated = 0.8;
    to.futility = 1;
    ck_assert_int_eq(mp_spending_parse("hsd:-2", &to.spending, NULL, 0), MP_OK);
    gsl_error_handler_t *h = gsl_set_error_handler_off();
    mp_tsa_result want;
    ck_assert_int_eq(mp_tsa(mp_dataset_y(ds), mp_dataset_v(ds), year, 5, &to,
                            &want, NULL), MP_OK);
    gsl_set_error_handler(h);
    ck_assert_uint_eq(t->n_looks, want.n_looks);
    ck_assert(same(t->D2, want.D2));
    ck_assert(same(t->adjusted_required_information,
                   want.adjusted_required_information));
    for (size_t j = 0; j < want.n_looks; j++) {
        ck_assert_uint_eq(t->looks[j].added, want.looks[j].added);
        ck_assert(same(t->looks[j].z, want.looks[j].z));
        ck_assert(same(t->looks[j].boundary, want.looks[j].boundary));
        ck_assert(same(t->looks[j].futility, want.looks[j].futility));
    }
    mp_tsa_result_clear(&want);
    mp_analysis_free(a);
}
END_TEST

/* A spending function that does not parse is refused at once; an HR,
 * alpha or power out of range fails the stage, with mp_tsa's diagnostic
 * and no result. */
START_TEST(test_tsa_bad_options)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.tsa_hr = 0.8;
    o.tsa_spending = "hsd:x";
    mp_status st = MP_OK;
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
    o.tsa_spending = NULL;
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
    o.tsa_spending = "pocock";
    static const struct { double hr, alpha, power; const char *says; } bad[] = {
        { 1, 0.05, 0.8, "anticipated hazard ratio 1 is not" },
        { -0.8, 0.05, 0.8, "anticipated hazard ratio -0.8 is not" },
        { 0.8, 1, 0.8, "alpha 1 is not between 0 and 1" },
        { 0.8, 0.05, 0, "power 0 is not between 0 and 1" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.tsa_hr = bad[i].hr;
        o.tsa_alpha = bad[i].alpha;
        o.tsa_power = bad[i].power;
        mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
        ck_assert_int_eq(mp_analysis_run(a), MP_EINPUT);
        ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_TSA);
        const mp_errors *e = mp_analysis_errors(a, MP_STAGE_TSA);
        ck_assert_uint_eq(mp_errors_size(e), 1);
        ck_assert_msg(strstr(mp_errors_get(e, 0)->message, bad[i].says),
                      "%s", mp_errors_get(e, 0)->message);
        ck_assert_ptr_null(mp_analysis_tsa(a));
        ck_assert_ptr_null(mp_analysis_fit(a));
        mp_analysis_free(a);
    }
}
END_TEST

/* ---- Bayesian random effects (issue 19) ---------------------------------------- */

/* 1 when the JSON report of the run analysis a contains text. */
static int json_has(const mp_analysis *a, const char *text)
{
    char *buf;
    size_t len;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_JSON, NULL, &buf, &len),
                     MP_OK);
    int has = strstr(buf, text) != NULL;
    free(buf);
    return has;
}

/* The stage's posterior is mp_bayes's on the dataset's arrays, bit for bit,
 * with the priors, level and thresholds of the options (copied). */
START_TEST(test_bayes_stage)
{
    char tau[] = "halfcauchy:0.5", mu[] = "normal:0:1";
    double th[] = { 1, 0.9 };
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    ck_assert_int_eq(o.bayes, 0);
    ck_assert_str_eq(o.tau_prior, "halfnormal:0.5");
    ck_assert_str_eq(o.mu_prior, "uniform");
    ck_assert_uint_eq(o.n_thresholds, 1);
    ck_assert(o.thresholds[0] == 1);
    o.bayes = 1;
    o.tau_prior = tau;
    o.mu_prior = mu;
    o.thresholds = th;
    o.n_thresholds = 2;
    o.fit.level = 0.9;
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    tau[0] = mu[0] = 'x';
    th[0] = 7;
    ck_assert_ptr_null(mp_analysis_bayes(a));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    const mp_bayes_result *got = mp_analysis_bayes(a);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(mp_analysis_get_options(a)->tau_prior, "halfcauchy:0.5");
    const mp_dataset *ds = mp_analysis_dataset(a);
    mp_bayes_options bo;
    mp_bayes_options_default(&bo);
    ck_assert_int_eq(mp_tau_prior_parse("halfcauchy:0.5", &bo.tau_prior, NULL, 0), MP_OK);
    ck_assert_int_eq(mp_mu_prior_parse("normal:0:1", &bo.mu_prior, NULL, 0), MP_OK);
    const double want_th[] = { 1, 0.9 };
    bo.level = 0.9;
    bo.thresholds = want_th;
    bo.n_thresholds = 2;
    mp_bayes_result want;
    ck_assert_int_eq(mp_bayes(mp_dataset_y(ds), mp_dataset_v(ds), mp_dataset_k(ds),
                              &bo, &want, NULL), MP_OK);
    ck_assert_uint_eq(got->n_thresholds, 2);
    for (size_t i = 0; i < 2; i++)
        ck_assert(same(got->p_below[i], want.p_below[i]));
    ck_assert(same(got->mu.median, want.mu.median) && same(got->mu.lower, want.mu.lower)
              && same(got->mu.upper, want.mu.upper) && same(got->tau.median, want.tau.median)
              && same(got->prediction.upper, want.prediction.upper)
              && same(got->marginal_likelihood, want.marginal_likelihood));
    ck_assert(same(got->shrinkage[4].median, want.shrinkage[4].median));
    mp_bayes_result_clear(&want);
    /* a run again replaces the results; the JSON report has the block */
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert(json_has(a, "\"bayes\": {\n    \"tau_prior\": \"halfcauchy:0.5\""));
    mp_analysis_free(a);
}
END_TEST

/* Without bayes: no stage, no block, whatever the priors say. */
START_TEST(test_bayes_off)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.tau_prior = "nonsense";
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_ptr_null(mp_analysis_bayes(a));
    ck_assert(!json_has(a, "\"bayes\""));
    mp_analysis_free(a);
}
END_TEST

/* Bad priors and thresholds are refused by mp_analysis_new. */
START_TEST(test_bayes_bad_options)
{
    static const char *const bad_tau[] = { "uniform", "halfnormal:0", "", NULL };
    static const char *const bad_mu[] = { "normal:0:0", "flat", "", NULL };
    static const double bad_th[] = { 0, -1, INFINITY, NAN };
    mp_analysis_options o;
    mp_status st;
    for (size_t i = 0; i < 4; i++) {
        mp_analysis_options_default(&o);
        o.bayes = 1;
        o.tau_prior = bad_tau[i];
        ck_assert_ptr_null(mp_analysis_new(&o, &st));
        ck_assert_int_eq(st, MP_EINPUT);
        mp_analysis_options_default(&o);
        o.bayes = 1;
        o.mu_prior = bad_mu[i];
        ck_assert_ptr_null(mp_analysis_new(&o, &st));
        ck_assert_int_eq(st, MP_EINPUT);
        mp_analysis_options_default(&o);
        o.bayes = 1;
        o.thresholds = &bad_th[i];
        ck_assert_ptr_null(mp_analysis_new(&o, &st));
        ck_assert_int_eq(st, MP_EINPUT);
    }
    mp_analysis_options_default(&o);
    o.bayes = 1;
    o.n_thresholds = 0;
    ck_assert_ptr_null(mp_analysis_new(&o, &st));
    ck_assert_int_eq(st, MP_EINPUT);
}
END_TEST

/* An improper posterior is a problem of the stage: one study, a flat mu
 * and the Jeffreys prior. */
START_TEST(test_bayes_improper)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.bayes = 1;
    o.tau_prior = "jeffreys";
    mp_analysis *a = analysis_of(&o, collection(1, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_EINPUT);
    ck_assert_int_eq(mp_analysis_failed_stage(a), MP_STAGE_BAYES);
    ck_assert_uint_eq(mp_errors_count(mp_analysis_errors(a, MP_STAGE_BAYES)), 1);
    ck_assert_ptr_null(mp_analysis_bayes(a));
    mp_analysis_free(a);
}
END_TEST

/* ---- influence and small-study effects (issue 18) ---- */

/* The stages give what mp_influence and mp_small_study_run give on the
 * dataset, only when asked for. */
START_TEST(test_influence_and_bias)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    mp_analysis *a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_ptr_null(mp_analysis_influence(a));
    ck_assert_ptr_null(mp_analysis_small_study(a));
    mp_analysis_free(a);
    o.fit.method = MP_METHOD_REML;
    o.fit.hksj = 1;
    o.influence = o.bias = 1;
    a = analysis_of(&o, collection(5, five_est, five_se, NULL));
    ck_assert_ptr_null(mp_analysis_influence(a));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    const mp_dataset *ds = mp_analysis_dataset(a);
    const double *y = mp_dataset_y(ds), *v = mp_dataset_v(ds);
    mp_influence_row rows[5];
    ck_assert_int_eq(mp_influence(y, v, 5, &o.fit, MP_INFLUENCE_RANDOM, rows,
                                  NULL), MP_OK);
    for (size_t i = 0; i < 5; i++) {
        const mp_influence_row *x = &mp_analysis_influence(a)[i], *w = &rows[i];
        const double f[][2] = {
            { x->rstudent, w->rstudent }, { x->dffits, w->dffits },
            { x->cook_d, w->cook_d }, { x->cov_r, w->cov_r },
            { x->tau2_del, w->tau2_del }, { x->QE_del, w->QE_del },
            { x->hat, w->hat }, { x->weight, w->weight },
            { x->dfbetas, w->dfbetas }, { x->baujat_x, w->baujat_x },
            { x->baujat_y, w->baujat_y } };
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
            ck_assert(same(f[j][0], f[j][1]));
        ck_assert_int_eq(x->influential, w->influential);
    }
    mp_small_study b;
    ck_assert_int_eq(mp_small_study_run(y, v, 5, &o.fit, &b, NULL), MP_OK);
    const mp_small_study *ab = mp_analysis_small_study(a);
    ck_assert(same(ab->egger.statistic, b.egger.statistic)
              && same(ab->egger.limit_log_estimate, b.egger.limit_log_estimate)
              && same(ab->egger.df, b.egger.df));
    ck_assert(same(ab->rank.tau, b.rank.tau) && same(ab->rank.p, b.rank.p));
    ck_assert_uint_eq(ab->trimfill.k0, b.trimfill.k0);
    same_fit(&ab->trimfill.fit, &b.trimfill.fit);
    ck_assert_ptr_eq(ab->k_warning, mp_small_study_k_warning(5));
    mp_small_study_free(&b);
    for (int s = 0; s < MP_STAGE_COUNT; s++)
        ck_assert_uint_eq(mp_errors_size(mp_analysis_errors(a, (mp_stage)s)), 0);
    mp_analysis_free(a);
}
END_TEST

/* One study: no influence diagnostics and a warning of the stage saying
 * why; the small-study tests are there, each not available. */
START_TEST(test_influence_one_study)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.influence = o.bias = 1;
    mp_analysis *a = analysis_of(&o, collection(1, five_est, five_se, NULL));
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    ck_assert_ptr_null(mp_analysis_influence(a));
    mp_errors *e = mp_analysis_errors(a, MP_STAGE_INFLUENCE);
    ck_assert_uint_eq(mp_errors_size(e), 1);
    ck_assert_uint_eq(mp_errors_warnings(e), 1);
    ck_assert_str_eq(mp_errors_get(e, 0)->message, "--influence: influence "
                     "diagnostics need at least 2 studies (k = 1)");
    const mp_small_study *b = mp_analysis_small_study(a);
    ck_assert_ptr_nonnull(b);
    ck_assert(!b->egger.available && !b->rank.available
              && !b->trimfill.available);
    mp_analysis_free(a);
}
END_TEST

static Suite *analysis_suite(void)
{
    Suite *s = suite_create("analysis");
    TCase *t = tcase_create("object");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_defaults);
    tcase_add_test(t, test_bad_options);
    tcase_add_test(t, test_options_copied);
    tcase_add_test(t, test_results_are_the_blocks);
    tcase_add_test(t, test_by_missing_in_test);
    tcase_add_test(t, test_analyses_off);
    tcase_add_test(t, test_structured_warnings);
    tcase_add_test(t, test_failed_stages);
    tcase_add_test(t, test_strict);
    tcase_add_test(t, test_check);
    tcase_add_test(t, test_write_memory_and_file);
    tcase_add_test(t, test_handlers_restored);
    tcase_add_test(t, test_fit_pooled);
    tcase_add_test(t, test_tsa_stage);      /* issue 20 */
    tcase_add_test(t, test_tsa_bad_options);
    /* Bayesian random effects (issue 19) */
    tcase_add_test(t, test_bayes_stage);
    tcase_add_test(t, test_bayes_off);
    tcase_add_test(t, test_bayes_bad_options);
    tcase_add_test(t, test_bayes_improper);
    /* influence and small-study effects (issue 18) */
    tcase_add_test(t, test_influence_and_bias);
    tcase_add_test(t, test_influence_one_study);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    /* no gsl_set_error_handler_off(): the analysis object must not need it */
    return mp_check_run(analysis_suite());
}
