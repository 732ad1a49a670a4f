/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_dataset.c - unit tests of mp_dataset: the rows one analysis pools.
 *
 * Studies come through the real reader (mp_read_memory with
 * mp_dataset_reader_fn), except in the scale test, which builds mp_study
 * records directly.  Reference values:
 *   [py] python3: math.log, statistics.NormalDist().inv_cdf, e.g.
 *        v = ((log(1.07) - log(0.6)) / (2 * NormalDist().inv_cdf(0.975)))**2
 *   [R]  R with metafor: escalc(measure = "RR"/"OR", ai, n1i, ci, n2i)$vi
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mp_dataset.h"
#include "mp_study.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1        /* clang */
#endif
#endif

#if defined(UNDER_ASAN)
/* pool_out_of_memory makes an allocation fail on purpose: under
 * AddressSanitizer, whose allocator aborts on a failure by default, it
 * must return NULL as malloc does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}
#endif

#define TOL_CLOSED 1e-12
#define N_SCALE 100000

/* [py] HR 0.8 (0.6-1.07), 95% */
#define Y_HR08 (-0.2231435513142097)
#define V_HR08 0.021778448556188722

/* ---- helpers ---------------------------------------------------------------- */

static mp_reader *the_reader;

static void setup(void)
{
    the_reader = mp_check_reader(1);
}

static void teardown(void)
{
    mp_reader_free(the_reader);
    the_reader = NULL;
}

static mp_dataset *dataset(const char *outcome, mp_measure cm, const char *by)
{
    mp_dataset_options o = { .outcome = outcome, .counts_measure = cm, .by = by };
    mp_dataset *ds = mp_dataset_new(&o);
    ck_assert_ptr_nonnull(ds);
    return ds;
}

/* Read one document into ds; returns the reader's status. */
static mp_status feed(mp_dataset *ds, const char *name, const char *doc,
                      mp_errors *err)
{
    mp_dataset_sink sink = { ds, err };
    return mp_read_memory(the_reader, doc, strlen(doc), name,
                          mp_dataset_reader_fn, &sink, err);
}

/* A study document titled "Title of ID", body from line 6 (testutil.h). */
#define study_doc(id, year, body) mp_check_study_doc(id, year, NULL, body)

#define OS_CI "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/></outcome>\n"

static void expect_one(const mp_errors *err, const char *file, long line,
                       const char *msg)
{
    ck_assert_msg(err->n == 1, "expected one diagnostic, got:%s",
                  mp_check_dump(err));
    const mp_diag *d = &err->items[0];
    ck_assert_msg((file ? d->file && strcmp(d->file, file) == 0 : d->file == NULL) &&
                      d->line == line && strcmp(d->message, msg) == 0,
                  "expected %s:%ld: %s\n  got:%s", file ? file : "(null)", line,
                  msg, mp_check_dump(err));
}

static void expect_row(const mp_dataset *ds, size_t i, double y, double v)
{
    ck_assert_msg(fabs(mp_dataset_y(ds)[i] - y) <= TOL_CLOSED,
                  "row %zu: y = %.17g, expected %.17g", i, mp_dataset_y(ds)[i], y);
    ck_assert_msg(fabs(mp_dataset_v(ds)[i] - v) <= TOL_CLOSED,
                  "row %zu: v = %.17g, expected %.17g", i, mp_dataset_v(ds)[i], v);
}

/* ---- rows -------------------------------------------------------------------- */

START_TEST(outcome_selection)
{
    const char *body =
        OS_CI
        "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.5\" se=\"0.2\"/></outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *os = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(os, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(os), 1);
    ck_assert_str_eq(mp_dataset_outcome(os), "OS");
    ck_assert_int_eq(mp_dataset_measure(os), MP_MEASURE_HR);
    expect_row(os, 0, Y_HR08, V_HR08);
    ck_assert_int_eq(mp_dataset_finish(os, &err), MP_OK);

    mp_dataset *pfs = dataset("PFS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(pfs, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(pfs), 1);
    expect_row(pfs, 0, -0.5, 0.2 * 0.2);       /* used as given; v = se^2 */

    /* an outcome name is matched exactly */
    mp_dataset *low = dataset("os", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(low, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(low), 0);
    ck_assert_uint_eq(mp_dataset_studies_read(low), 1);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    mp_dataset_free(os);
    mp_dataset_free(pfs);
    mp_dataset_free(low);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(rows_values_and_labels)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<studies format=\"1\">\n"
        " <study id=\"ci\"><title>CI study</title><design>rct</design>\n"
        "  <publication year=\"2015\">P.</publication><publication year=\"2019\">Q.</publication>\n"
        "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/></outcome>\n"
        " </study>\n"
        " <study id=\"p\"><title>p study</title><design>rct</design>\n"
        "  <publication year=\"2012\">P.</publication>\n"
        "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.7\" p=\"0.04\"/></outcome>\n"
        " </study>\n"
        " <study id=\"loghr\"><title>log</title><design>rct</design>\n"
        "  <publication year=\"2013\">P.</publication>\n"
        "  <outcome name=\"OS\"><log-hazard-ratio estimate=\"0.1\" se=\"0.1\"/></outcome>\n"
        " </study>\n"
        " <study id=\"peto\"><title>Peto</title><design>rct</design>\n"
        "  <publication year=\"2014\">P.</publication>\n"
        "  <outcome name=\"OS\"><peto o-minus-e=\"-12.5\" variance=\"40\"/></outcome>\n"
        " </study>\n"
        " <study id=\"rev\"><title>Reversed</title><design>rct</design>\n"
        "  <publication year=\"2016\">P.</publication>\n"
        "  <outcome name=\"OS\"><hazard-ratio estimate=\"1.25\" lower=\"0.9346\" upper=\"1.6667\" reference=\"experimental\"/></outcome>\n"
        " </study>\n"
        "</studies>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "all.xml", doc, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_uint_eq(mp_dataset_k(ds), 5);
    ck_assert_uint_eq(mp_dataset_studies_read(ds), 5);
    static const char *const ids[] = { "ci", "p", "loghr", "peto", "rev" };
    static const int years[] = { 2019, 2012, 2013, 2014, 2016 };
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(mp_dataset_id(ds, i), ids[i]);
        ck_assert_str_eq(mp_dataset_file(ds, i), "all.xml");
        ck_assert_int_eq(mp_dataset_year(ds, i), years[i]);
    }
    ck_assert_str_eq(mp_dataset_title(ds, 0), "CI study");
    ck_assert_str_eq(mp_dataset_title(ds, 3), "Peto");
    expect_row(ds, 0, Y_HR08, V_HR08);
    /* [py] log(0.7), (abs(log(0.7)) / inv_cdf(1 - 0.04/2))**2 */
    expect_row(ds, 1, -0.35667494393873245, 0.030161331582662244);
    expect_row(ds, 2, 0.1, 0.1 * 0.1);
    /* by hand: -12.5 / 40, 1 / 40 */
    expect_row(ds, 3, -0.3125, 0.025);
    /* [py] -log(1.25), ((log(1.6667) - log(0.9346)) / (2 z95))**2 */
    double se = (log(1.6667) - log(0.9346)) / (2 * 1.9599639845400536);
    expect_row(ds, 4, -0.22314355131420976, se * se);
    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_OK);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(counts_rr_and_or)
{
    const char *body =
        "  <outcome name=\"RESP\"><counts events-experimental=\"15\" total-experimental=\"100\" "
        "events-control=\"25\" total-control=\"100\"/></outcome>\n";
    const char *zero =
        "  <outcome name=\"RESP\"><counts events-experimental=\"3\" total-experimental=\"40\" "
        "events-control=\"0\" total-control=\"38\"/></outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *rr = dataset("RESP", MP_MEASURE_RR, NULL);
    mp_dataset *or_ = dataset("RESP", MP_MEASURE_OR, NULL);
    ck_assert_int_eq(feed(rr, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_int_eq(feed(rr, "b.xml", study_doc("b", 2020, zero), &err), MP_OK);
    ck_assert_int_eq(feed(or_, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_int_eq(feed(or_, "b.xml", study_doc("b", 2020, zero), &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(mp_dataset_measure(rr), MP_MEASURE_RR);
    ck_assert_int_eq(mp_dataset_measure(or_), MP_MEASURE_OR);
    /* [R] escalc("RR", ai=15, n1i=100, ci=25, n2i=100): yi, vi */
    expect_row(rr, 0, -0.51082562376599072, 0.08666666666666668);
    /* [R] escalc("OR", ...) */
    expect_row(or_, 0, -0.6359887667199966, 0.13176470588235295);
    /* [R] zero cell, 0.5 added: escalc("RR", ai=3, n1i=40, ci=0, n2i=38) */
    expect_row(rr, 1, 1.8958997284806518, 1.4952200561023856 * 1.4952200561023856);
    /* [R] escalc("OR", ai=3, n1i=40, ci=0, n2i=38) */
    expect_row(or_, 1, 1.972227457372687, 1.5291680673997146 * 1.5291680673997146);
    /* n and events come from the table */
    ck_assert_int_eq(mp_dataset_n(rr, 0, 1), 100);
    ck_assert_int_eq(mp_dataset_n(rr, 0, 0), 100);
    ck_assert_int_eq(mp_dataset_events(rr, 0, 1), 15);
    ck_assert_int_eq(mp_dataset_events(rr, 0, 0), 25);
    ck_assert_int_eq(mp_dataset_n(rr, 1, 0), 38);
    ck_assert_int_eq(mp_dataset_events(rr, 1, 0), 0);
    mp_dataset_free(rr);
    mp_dataset_free(or_);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(n_events_group_and_arms)
{
    const char *with =
        "  <arms>\n"
        "    <arm role=\"experimental\" n=\"173\">Surgery</arm>\n"
        "    <arm role=\"control\" n=\"177\">No surgery</arm>\n"
        "  </arms>\n"
        "  <covariate name=\"region\" value=\"asia\"/>\n"
        "  <covariate name=\"sequence\" value=\"surgery-first\"/>\n"
        "  <outcome name=\"OS\">\n"
        "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
        "    <events experimental=\"118\" control=\"110\"/>\n"
        "  </outcome>\n";
    const char *other_arms =
        "  <arms><arm role=\"experimental\">Other E</arm><arm role=\"control\">Other C</arm></arms>\n"
        "  <covariate name=\"sequence\" value=\"systemic-first\"/>\n" OS_CI;
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, "region");
    /* the first study names no arms and has no region */
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    ck_assert_ptr_null(mp_dataset_arm_label(ds, 1));
    ck_assert_ptr_null(mp_dataset_arm_label(ds, 0));
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2020, with), &err), MP_OK);
    ck_assert_int_eq(feed(ds, "c.xml", study_doc("c", 2020, other_arms), &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_uint_eq(mp_dataset_k(ds), 3);
    /* unknown n and events: -1 */
    ck_assert_int_eq(mp_dataset_n(ds, 0, 1), -1);
    ck_assert_int_eq(mp_dataset_n(ds, 0, 0), -1);
    ck_assert_int_eq(mp_dataset_events(ds, 0, 1), -1);
    ck_assert_int_eq(mp_dataset_events(ds, 0, 0), -1);
    /* from <arms> and <events> */
    ck_assert_int_eq(mp_dataset_n(ds, 1, 1), 173);
    ck_assert_int_eq(mp_dataset_n(ds, 1, 0), 177);
    ck_assert_int_eq(mp_dataset_events(ds, 1, 1), 118);
    ck_assert_int_eq(mp_dataset_events(ds, 1, 0), 110);
    /* group: the by covariate's value, NULL when absent */
    ck_assert_ptr_null(mp_dataset_group(ds, 0));
    ck_assert_str_eq(mp_dataset_group(ds, 1), "asia");
    ck_assert_ptr_null(mp_dataset_group(ds, 2));
    /* labels of the first row that names its arms */
    ck_assert_str_eq(mp_dataset_arm_label(ds, 1), "Surgery");
    ck_assert_str_eq(mp_dataset_arm_label(ds, 0), "No surgery");
    mp_dataset_free(ds);

    /* no by: no group */
    ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2020, with), &err), MP_OK);
    ck_assert_ptr_null(mp_dataset_group(ds, 0));
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(options_are_copied)
{
    char outcome[8] = "OS", by[8] = "region";
    mp_dataset_options o = { .outcome = outcome, .counts_measure = MP_MEASURE_RR,
                             .by = by };
    mp_dataset *ds = mp_dataset_new(&o);
    ck_assert_ptr_nonnull(ds);
    strcpy(outcome, "XX");
    strcpy(by, "yy");
    ck_assert_str_eq(mp_dataset_outcome(ds), "OS");
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020,
        "  <covariate name=\"region\" value=\"europe\"/>\n" OS_CI), &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_str_eq(mp_dataset_group(ds, 0), "europe");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* ---- problems ------------------------------------------------------------------ */

START_TEST(duplicate_id_across_files)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "first.xml", study_doc("x", 2020, OS_CI), &err), MP_OK);
    /* the reader itself is content: the dataset reports the duplicate */
    feed(ds, "second.xml", study_doc("x", 2021, OS_CI), &err);
    expect_one(&err, "second.xml", 2,
               "duplicate study id \"x\" (first defined at first.xml:2)");
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_int_eq(mp_dataset_year(ds, 0), 2020);
    ck_assert_str_eq(mp_dataset_file(ds, 0), "first.xml");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(duplicate_id_in_collection)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<studies format=\"1\">\n"
        "  <study id=\"first\"><title>A</title><design>rct</design>\n"    /* 3 */
        "    <publication year=\"2020\">P.</publication>\n" OS_CI "  </study>\n"
        "  <study id=\"other\"><title>B</title><design>rct</design>\n"    /* 7 */
        "    <publication year=\"2020\">P.</publication>\n" OS_CI "  </study>\n"
        "  <study id=\"first\"><title>C</title><design>rct</design>\n"    /* 11 */
        "    <publication year=\"2021\">P.</publication>\n" OS_CI "  </study>\n"
        "</studies>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    feed(ds, "c.xml", doc, &err);
    expect_one(&err, "c.xml", 11,
               "duplicate study id \"first\" (first defined at c.xml:3)");
    ck_assert_uint_eq(mp_dataset_k(ds), 2);
    ck_assert_str_eq(mp_dataset_title(ds, 0), "A");
    ck_assert_str_eq(mp_dataset_title(ds, 1), "B");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(mixed_measures)
{
    const char *counts =
        "  <outcome name=\"OS\">\n"                                        /* 6 */
        "    <counts events-experimental=\"15\" total-experimental=\"100\" "
        "events-control=\"25\" total-control=\"100\"/>\n"                  /* 7 */
        "  </outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    feed(ds, "b.xml", study_doc("b", 2020, counts), &err);
    expect_one(&err, "b.xml", 7,
               "outcome OS of study \"b\" gives RR, but earlier studies give HR; "
               "one analysis pools one measure");
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_int_eq(mp_dataset_measure(ds), MP_MEASURE_HR);
    mp_dataset_free(ds);
    mp_errors_clear(&err);

    /* the other way round, with odds ratios */
    ds = dataset("OS", MP_MEASURE_OR, NULL);
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2020, counts), &err), MP_OK);
    feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err);
    expect_one(&err, "a.xml", 6,
               "outcome OS of study \"a\" gives HR, but earlier studies give OR; "
               "one analysis pools one measure");
    ck_assert_int_eq(mp_dataset_measure(ds), MP_MEASURE_OR);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* A study without the chosen outcome is never left out silently: it is
 * listed (not_pooled) and named in a warning at its <study> line, with a
 * hint when it has the outcome under another name. */
START_TEST(not_pooled_listed_and_warned)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    const char *misnamed =
        "  <outcome name=\"Overall survival\"><log-hazard-ratio estimate=\"-0.5\" se=\"0.2\"/></outcome>\n"
        "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.4\" se=\"0.2\"/></outcome>\n";
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2021, misnamed), &err), MP_OK);
    const char *pfs =
        "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.4\" se=\"0.2\"/></outcome>\n";
    ck_assert_int_eq(feed(ds, "c.xml", study_doc("c", 2022, pfs), &err), MP_OK);
    ck_assert_uint_eq(err.n, 0);
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_uint_eq(mp_dataset_not_pooled(ds), 2);
    ck_assert_str_eq(mp_dataset_not_pooled_id(ds, 0), "b");
    ck_assert_uint_eq(mp_dataset_not_pooled_outcomes(ds, 0), 2);
    ck_assert_str_eq(mp_dataset_not_pooled_outcome(ds, 0, 0), "Overall survival");
    ck_assert_str_eq(mp_dataset_not_pooled_outcome(ds, 0, 1), "PFS");
    ck_assert_str_eq(mp_dataset_not_pooled_id(ds, 1), "c");
    ck_assert_uint_eq(mp_dataset_not_pooled_outcomes(ds, 1), 1);

    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_OK);
    ck_assert_uint_eq(mp_errors_count(&err), 0);
    ck_assert_uint_eq(mp_errors_warnings(&err), 2);
    ck_assert_int_eq(err.items[0].warning, 1);
    ck_assert_str_eq(err.items[0].file, "b.xml");
    ck_assert_int_eq(err.items[0].line, 2);
    ck_assert_str_eq(err.items[0].message, "study \"b\" is not pooled: it has "
                     "no outcome \"OS\", only \"Overall survival\", \"PFS\" "
                     "(outcome names are exact: write name=\"OS\" for "
                     "\"Overall survival\")");
    ck_assert_str_eq(err.items[1].message, "study \"c\" is not pooled: it has "
                     "no outcome \"OS\", only \"PFS\"");
    mp_errors_clear(&err);

    /* all = 0 (a descriptor checked alone): only the misnamed one */
    mp_dataset_warn_not_pooled(ds, 0, &err);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].file, "b.xml");
    mp_errors_clear(&err);
    mp_dataset_free(ds);

    /* "os" in another case is the same hint */
    ds = dataset("OS", MP_MEASURE_RR, NULL);
    const char *lower =
        "  <outcome name=\"os\"><log-hazard-ratio estimate=\"-0.5\" se=\"0.2\"/></outcome>\n";
    ck_assert_int_eq(feed(ds, "d.xml", study_doc("d", 2021, lower), &err), MP_OK);
    mp_dataset_warn_not_pooled(ds, 0, &err);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].message, "study \"d\" is not pooled: it has "
                     "no outcome \"OS\", only \"os\" (outcome names are exact: "
                     "write name=\"OS\" for \"os\")");
    mp_errors_clear(&err);
    mp_dataset_free(ds);
}
END_TEST

START_TEST(finish_names_present_outcomes)
{
    const char *body =
        OS_CI
        "  <outcome name=\"LRPFS\"><hazard-ratio estimate=\"0.16\" p=\"0.001\"/></outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("PFS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2020, OS_CI), &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(ds), 0);
    ck_assert_uint_eq(mp_dataset_studies_read(ds), 2);
    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_EINPUT);
    expect_one(&err, NULL, 0,
               "no input has outcome \"PFS\" (outcomes present: OS, LRPFS)");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* The message of mp_dataset_finish (which must fail) after one study with
 * the outcomes named in names[0..n-1] (none of them OS); a static buffer. */
static const char *outcomes_message(const char *const *names, size_t n)
{
    static char body[100 * 1024], msg[2048];
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(body + used, sizeof body - used,
                                 "<outcome name=\"%s\"><log-hazard-ratio "
                                 "estimate=\"-0.2\" se=\"0.1\"/></outcome>\n",
                                 names[i]);
    ck_assert_uint_lt(used, sizeof body - 1);
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, body), &err), MP_OK);
    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_EINPUT);
    ck_assert_uint_eq(err.n, 1);
    snprintf(msg, sizeof msg, "%s", err.items[0].message);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
    return msg;
}

/* The message after n outcomes named O-00, O-01, ... */
static const char *numbered_outcomes_message(size_t n)
{
    static char names[100][8];
    const char *p[100];
    ck_assert_uint_le(n, 100);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "O-%02zu", i);
        p[i] = names[i];
    }
    return outcomes_message(p, n);
}

START_TEST(finish_lists_many_outcomes_in_part)
{
    /* 64 names are kept: exactly 64 are all listed, without "..."; with 65
     * or 70 the message lists 64 and ends with "..." */
    const char *want = "no input has outcome \"OS\" (outcomes present: O-00, O-01, ";
    const char *m = numbered_outcomes_message(64);
    ck_assert_msg(strncmp(m, want, strlen(want)) == 0, "%s", m);
    ck_assert_msg(strstr(m, ", O-62, O-63)") != NULL && !strstr(m, "..."), "%s", m);
    for (size_t n = 65; n <= 70; n += 5) {
        m = numbered_outcomes_message(n);
        ck_assert_msg(strncmp(m, want, strlen(want)) == 0, "%s", m);
        ck_assert_msg(strstr(m, ", O-63, ...)") != NULL && !strstr(m, "O-64"),
                      "%s", m);
    }
}
END_TEST

START_TEST(finish_cuts_long_outcome_names_whole)
{
    /* Names that do not fit the message's room (about 1000 bytes) are left
     * out whole; a first name longer than the room is cut at a character
     * boundary, never inside a UTF-8 sequence. */
    static char long_a[1101], accents[2 * 600 + 2];
    memset(long_a, 'a', 1100);
    accents[0] = 'x';           /* odd start: the room cuts a character */
    for (size_t i = 0; i < 600; i++)
        memcpy(accents + 1 + 2 * i, "\xc3\xa9", 2);       /* e acute */
    const char *two[] = { long_a + 500, "PFS", long_a + 400 };
    /* the list (between "present: " and ")") has at most 1023 bytes */
    const size_t most = strlen("no input has outcome \"OS\" (outcomes present: )")
                        + 1023;
    const char *m = outcomes_message(two, 3);
    ck_assert_msg(strstr(m, "present: aaaa") && strstr(m, "a, PFS, ...)") &&
                  strlen(m) <= most, "%s", m);
    /* a long first name, cut, then the others are hinted at */
    const char *first[] = { long_a, long_a + 100, "PFS" };
    m = outcomes_message(first, 3);
    ck_assert_msg(strstr(m, "present: aaaa") && strstr(m, "aaa..., ...)") &&
                  strlen(m) <= most, "%s", m);
    const char *one[] = { accents };
    m = outcomes_message(one, 1);
    const char *name = strstr(m, "present: x");
    ck_assert_ptr_nonnull(name);
    name += strlen("present: x");
    const char *end = strstr(name, "...)");
    ck_assert_msg(end && end[4] == '\0', "%s", m);
    ck_assert_msg((end - name) % 2 == 0 && end - name > 900, "%zu bytes of accents",
                  (size_t)(end - name));
    for (const char *c = name; c < end; c += 2)
        ck_assert(memcmp(c, "\xc3\xa9", 2) == 0);
}
END_TEST

START_TEST(finish_without_studies)
{
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_EINPUT);
    expect_one(&err, NULL, 0, "no study to pool: the inputs hold no study");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(invalid_figure_drops_the_study)
{
    /* A figure that fails mp_effect_check, in the pooled outcome or in
     * another one, keeps the whole study out. */
    const char *bad_os =
        "  <outcome name=\"OS\">\n"
        "    <hazard-ratio estimate=\"0.50\" lower=\"0.66\" upper=\"0.88\"/>\n" /* 7 */
        "  </outcome>\n";
    const char *bad_other =
        OS_CI                                                              /* 6 */
        "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.2\" se=\"0\"/></outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    feed(ds, "a.xml", study_doc("a", 2020, bad_os), &err);
    expect_one(&err, "a.xml", 7,
               "<hazard-ratio> estimate 0.5 lies outside its interval 0.66 to 0.88");
    mp_errors_clear(&err);
    feed(ds, "b.xml", study_doc("b", 2020, bad_other), &err);
    expect_one(&err, "b.xml", 7, "<log-hazard-ratio> se must be > 0, not 0");
    mp_errors_clear(&err);
    ck_assert_uint_eq(mp_dataset_k(ds), 0);
    ck_assert_int_eq(mp_dataset_finish(ds, &err), MP_EINPUT);
    ck_assert_msg(err.n == 1, "diagnostics:%s", mp_check_dump(&err));
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* Regression test of a fixed bug (mp_dataset.c, mp_dataset_add / mp_dataset_studies_read): a study
 * whose figures fail mp_effect_check is not added, but claim_id() has
 * already counted its id, so mp_dataset_studies_read() counts it too;
 * mp_dataset.h documents the count as "valid studies seen".  Here one
 * valid and one invalid study give 2, expected 1. */
START_TEST(studies_read_counts_valid_only)
{
    const char *bad =
        "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\" "
        "level=\"95\"/></outcome>\n";
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    feed(ds, "b.xml", study_doc("b", 2020, bad), &err);
    expect_one(&err, "b.xml", 6,
               "<hazard-ratio> level must lie strictly between 0 and 1, not 95 "
               "(write 0.95 for a 95% interval)");
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_msg(mp_dataset_studies_read(ds) == 1,
                  "studies_read = %zu, expected 1 (one valid study)",
                  mp_dataset_studies_read(ds));
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* A record built directly (no reader): study id of file, line 2, with
 * one publication and the one outcome o. */
static void direct_study(mp_study *s, const char *file, const char *id,
                         const char *title, mp_publication *pub,
                         mp_outcome *o)
{
    memset(s, 0, sizeof *s);
    s->file = file;
    s->line = 2;
    s->id = id;
    s->title = title;
    s->design = "rct";
    s->year = pub->year;
    s->n_exp = s->n_ctl = -1;
    s->n_publications = 1;
    s->publications = pub;
    s->n_outcomes = 1;
    s->outcomes = o;
}

START_TEST(non_finite_effect_reported)
{
    /* peto variance 1e-320 passes the check (> 0) but (O-E)/V overflows */
    mp_outcome o;
    memset(&o, 0, sizeof o);
    o.name = "OS";
    o.effect.kind = MP_INPUT_PETO;
    o.effect.o_minus_e = (mp_number){ 5.0, 0.5 };
    o.effect.variance = (mp_number){ 1e-320, 0 };
    o.effect.line = 42;
    o.events_exp = o.events_ctl = -1;
    mp_publication pub = { 2020, NULL, "P.", 5 };
    mp_study s;
    direct_study(&s, "z.xml", "z", "Z", &pub, &o);
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    ck_assert_int_eq(mp_dataset_add(ds, &s, &err), MP_EINPUT);
    expect_one(&err, "z.xml", 42,
               "outcome OS of study \"z\" does not give a finite log effect and "
               "standard error");
    ck_assert_uint_eq(mp_dataset_k(ds), 0);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

/* ---- scale ------------------------------------------------------------------------ */

START_TEST(max_studies_stops_the_run)
{
    /* Limit 2: the third study is refused with one diagnostic at its line,
     * the dataset is full, and later studies are refused silently. */
    mp_errors err = MP_ERRORS_INIT;
    mp_dataset_options o;
    mp_dataset_options_default(&o);
    o.max_studies = 2;
    mp_dataset *ds = mp_dataset_new(&o);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    ck_assert(!mp_dataset_full(ds));
    ck_assert_int_eq(feed(ds, "b.xml", study_doc("b", 2020, OS_CI), &err), MP_OK);
    ck_assert(!mp_dataset_full(ds));
    ck_assert_int_eq(feed(ds, "c.xml", study_doc("c", 2020, OS_CI), &err), MP_ELIMIT);
    ck_assert(mp_dataset_full(ds));
    expect_one(&err, "c.xml", 2,
               "more than 2 studies in this run, the limit (--max-studies raises it)");
    ck_assert_int_eq(feed(ds, "d.xml", study_doc("d", 2020, OS_CI), &err), MP_ELIMIT);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_uint_eq(mp_dataset_k(ds), 2);
    ck_assert_uint_eq(mp_dataset_studies_read(ds), 2);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(max_studies_message_passes_the_diagnostics_limit)
{
    /* The diagnostics list is full (limit 1) when the limit is reached: its
     * message, which says why reading stopped, is kept all the same. */
    mp_errors err = MP_ERRORS_INIT;
    err.limit = 1;
    mp_dataset_options o;
    mp_dataset_options_default(&o);
    o.max_studies = 1;
    mp_dataset *ds = mp_dataset_new(&o);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(feed(ds, "a.xml", study_doc("a", 2020, OS_CI), &err), MP_OK);
    /* two problems: an unknown element, no outcome */
    feed(ds, "b.xml", study_doc("b", 2020, "<junk/>"), &err);
    ck_assert_uint_eq(err.n, 1);
    ck_assert_uint_gt(err.suppressed, 0);
    ck_assert_int_eq(feed(ds, "c.xml", study_doc("c", 2020, OS_CI), &err), MP_ELIMIT);
    ck_assert_msg(err.n == 2, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_str_eq(err.items[1].file, "c.xml");
    ck_assert_str_eq(err.items[1].message, "more than 1 studies in this run, "
                     "the limit (--max-studies raises it)");
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(hundred_thousand_studies)
{
    /* Records built directly; study i has log HR i / N_SCALE and se 0.1 + i
     * mod 7 / 100.  No timing assertion: the test case's timeout bounds
     * it. */
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, "band");
    mp_errors err = MP_ERRORS_INIT;
    char id[32], title[48], band[8];
    mp_outcome o;
    mp_covariate cov = { "band", band, 4 };
    mp_publication pub = { 2000, NULL, "P.", 3 };
    for (long i = 0; i < N_SCALE; i++) {
        snprintf(id, sizeof id, "s%ld", i);
        snprintf(title, sizeof title, "Study number %ld", i);
        snprintf(band, sizeof band, "b%ld", i % 10);
        memset(&o, 0, sizeof o);
        o.name = "OS";
        o.effect.kind = MP_INPUT_LOG_HR;
        o.effect.estimate = (mp_number){ (double)i / N_SCALE, 0 };
        o.effect.se = (mp_number){ 0.1 + (double)(i % 7) / 100, 0 };
        o.effect.line = 6;
        o.events_exp = o.events_ctl = -1;
        pub.year = 2000 + (int)(i % 20);
        mp_study s;
        memset(&s, 0, sizeof s);
        s.file = i < N_SCALE / 2 ? "half1.xml" : "half2.xml";
        s.line = 2 + i;
        s.id = id;
        s.title = title;
        s.design = "rct";
        s.year = pub.year;
        s.n_exp = s.n_ctl = 1000 + i;   /* room for the events se implies */
        s.n_publications = 1;
        s.publications = &pub;
        s.n_covariates = 1;
        s.covariates = &cov;
        s.n_outcomes = 1;
        s.outcomes = &o;
        mp_status st = mp_dataset_add(ds, &s, &err);
        if (st != MP_OK)
            ck_abort_msg("study %ld: %s%s", i, mp_status_string(st),
                         mp_check_dump(&err));
    }
    ck_assert_uint_eq(mp_dataset_k(ds), N_SCALE);
    ck_assert_uint_eq(mp_dataset_studies_read(ds), N_SCALE);
    for (size_t i = 0; i < N_SCALE; i += 997) {
        char want[32];
        snprintf(want, sizeof want, "s%zu", i);
        ck_assert_str_eq(mp_dataset_id(ds, i), want);
        double se = 0.1 + (double)(i % 7) / 100;
        expect_row(ds, i, (double)i / N_SCALE, se * se);
        ck_assert_int_eq(mp_dataset_year(ds, i), 2000 + (int)(i % 20));
        ck_assert_int_eq(mp_dataset_n(ds, i, 1), 1000 + (long)i);
        snprintf(want, sizeof want, "b%zu", i % 10);
        ck_assert_str_eq(mp_dataset_group(ds, i), want);
        ck_assert_str_eq(mp_dataset_file(ds, i), i < N_SCALE / 2 ? "half1.xml" : "half2.xml");
    }
    ck_assert_str_eq(mp_dataset_title(ds, N_SCALE - 1), "Study number 99999");
    ck_assert_int_eq(err.n, 0);

    /* the id table still finds an early id after all that growth */
    memset(&o, 0, sizeof o);
    o.name = "OS";
    o.effect.kind = MP_INPUT_LOG_HR;
    o.effect.estimate = (mp_number){ 0, 0 };
    o.effect.se = (mp_number){ 0.1, 0 };
    mp_study s;
    memset(&s, 0, sizeof s);
    s.file = "late.xml";
    s.line = 9;
    s.id = "s123";
    s.title = "again";
    s.design = "rct";
    s.n_publications = 1;
    s.publications = &pub;
    s.n_outcomes = 1;
    s.outcomes = &o;
    ck_assert_int_eq(mp_dataset_add(ds, &s, &err), MP_EINPUT);
    expect_one(&err, "late.xml", 9,
               "duplicate study id \"s123\" (first defined at half1.xml:125)");
    ck_assert_uint_eq(mp_dataset_k(ds), N_SCALE);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(pool_out_of_memory)
{
    /* The string pool cannot grow to hold a 64 MB arm label: the address
     * space is capped (RLIMIT_AS) just above what the process uses, so
     * the pool's realloc fails.  Before mp_status was checked there, the
     * failure was stored as the label's offset and the study counted as
     * added. */
    enum { HUGE = 64 << 20, MARGIN = 16 << 20 };
    char *label = malloc(HUGE + 1);
    ck_assert_ptr_nonnull(label);
    memset(label, 'a', HUGE);
    label[HUGE] = '\0';
    mp_dataset *ds = dataset("OS", MP_MEASURE_RR, NULL);
    mp_errors err = MP_ERRORS_INIT;
    mp_outcome o;
    memset(&o, 0, sizeof o);
    o.name = "OS";
    o.effect.kind = MP_INPUT_LOG_HR;
    o.effect.estimate = (mp_number){ -0.2, 0 };
    o.effect.se = (mp_number){ 0.1, 0 };
    o.events_exp = o.events_ctl = -1;
    mp_publication pub = { 2000, NULL, "P.", 3 };
    mp_study s;
    direct_study(&s, "big.xml", "big", "Big", &pub, &o);
    s.arm_exp = label;

    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!statm || fscanf(statm, "%lu", &pages) != 1)
        pages = 0;              /* no /proc: the cap cannot be placed */
    if (statm)
        fclose(statm);
    struct rlimit old;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &old), 0);
    if (pages > 0) {
        struct rlimit cap = old;
        cap.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + MARGIN;
        ck_assert_int_eq(setrlimit(RLIMIT_AS, &cap), 0);
        ck_assert_int_eq(mp_dataset_add(ds, &s, &err), MP_ENOMEM);
        ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
        ck_assert_uint_eq(mp_dataset_k(ds), 0);
        ck_assert_ptr_null(mp_dataset_arm_label(ds, 1));
        ck_assert_int_eq(err.n, 0);
    }
    /* with the memory back, the dataset takes the next study whole */
    s.id = "big2";
    ck_assert_int_eq(mp_dataset_add(ds, &s, &err), MP_OK);
    ck_assert_uint_eq(mp_dataset_k(ds), 1);
    ck_assert_uint_eq(strlen(mp_dataset_arm_label(ds, 1)), HUGE);
    ck_assert_str_eq(mp_dataset_id(ds, 0), "big2");
    free(label);
    mp_dataset_free(ds);
    mp_errors_clear(&err);
}
END_TEST

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("mp_dataset");
    TCase *tc = tcase_create("rows");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, outcome_selection);
    tcase_add_test(tc, rows_values_and_labels);
    tcase_add_test(tc, counts_rr_and_or);
    tcase_add_test(tc, n_events_group_and_arms);
    tcase_add_test(tc, options_are_copied);
    suite_add_tcase(s, tc);

    tc = tcase_create("problems");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, duplicate_id_across_files);
    tcase_add_test(tc, duplicate_id_in_collection);
    tcase_add_test(tc, mixed_measures);
    tcase_add_test(tc, not_pooled_listed_and_warned);
    tcase_add_test(tc, finish_names_present_outcomes);
    tcase_add_test(tc, finish_lists_many_outcomes_in_part);
    tcase_add_test(tc, finish_cuts_long_outcome_names_whole);
    tcase_add_test(tc, finish_without_studies);
    tcase_add_test(tc, invalid_figure_drops_the_study);
    tcase_add_test(tc, studies_read_counts_valid_only);
    tcase_add_test(tc, non_finite_effect_reported);
    tcase_add_test(tc, max_studies_stops_the_run);
    tcase_add_test(tc, max_studies_message_passes_the_diagnostics_limit);
    tcase_add_test(tc, pool_out_of_memory);
    suite_add_tcase(s, tc);

    tc = tcase_create("scale");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, hundred_thousand_studies);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(dataset_suite());
}
