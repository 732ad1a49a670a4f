/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_study.c - unit tests of the streaming XML reader (mp_study).
 *
 * Most documents are written inline; their first line is the XML
 * declaration, so the <study> element is on line 2 and every later line is
 * numbered in the comment beside it.  Two files live in tests/data/unit/
 * (directory from $MP_DATADIR, which `make check` sets to the absolute
 * tests/data, else $srcdir/tests/data or "tests/data": mp_check_data_path
 * in testutil.h).
 *
 * A diagnostic is compared whole (file, line, message) unless its text
 * comes from libxml2 (schema findings, parser errors without a wording of
 * our own), where only our prefix and the line are fixed.  Parser errors
 * with a wording of ours (mp_xmlmsg.c) are compared whole.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mp_study.h"
#include "testutil.h"

#define TOL_EXACT 1e-12
#define NAME "t.xml"

/* ---- recording the callback's studies ---------------------------------------- */

enum { MAXS = 16, MAXI = 8, SLEN = 128 };

typedef struct {
    char name[SLEN];
    mp_effect_input effect;
    long events_exp, events_ctl;
    double followup_median;
    char followup_unit[16];
    long events_line;
    mp_number median_exp, median_ctl;
    char median_unit[16];
    long median_line;
    long line;
} rec_outcome;

typedef struct {
    char file[SLEN], id[SLEN], title[SLEN], design[SLEN], country[SLEN],
        notes[SLEN], arm_exp[SLEN], arm_ctl[SLEN];
    int has_country, has_notes, has_arm_exp, has_arm_ctl;
    long line;
    int year, accrual_from, accrual_to;
    long n_exp, n_ctl;
    size_t n_regs;
    char regs[MAXI][SLEN];
    size_t n_pubs;
    int pub_year[MAXI];
    char pub_doi[MAXI][SLEN], pub_citation[MAXI][SLEN];
    int pub_has_doi[MAXI];
    long pub_line[MAXI];
    size_t n_covs;
    char cov_name[MAXI][SLEN], cov_value[MAXI][SLEN];
    size_t n_outs;
    rec_outcome outs[MAXI];
} rec;

typedef struct {
    rec s[MAXS];
    size_t n;
    size_t stop_after;          /* return stop_status after this many (0: never) */
    mp_status stop_status;
} collector;

static void copy(char dst[SLEN], const char *src, int *has)
{
    if (has)
        *has = src != NULL;
    snprintf(dst, SLEN, "%s", src ? src : "");
}

static mp_status collect(const mp_study *s, void *ctx)
{
    collector *c = ctx;
    ck_assert_msg(c->n < MAXS, "test bug: more than %d studies", MAXS);
    rec *r = &c->s[c->n++];
    memset(r, 0, sizeof *r);
    copy(r->file, s->file, NULL);
    copy(r->id, s->id, NULL);
    copy(r->title, s->title, NULL);
    copy(r->design, s->design, NULL);
    copy(r->country, s->country, &r->has_country);
    copy(r->notes, s->notes, &r->has_notes);
    copy(r->arm_exp, s->arm_exp, &r->has_arm_exp);
    copy(r->arm_ctl, s->arm_ctl, &r->has_arm_ctl);
    r->line = s->line;
    r->year = s->year;
    r->accrual_from = s->accrual_from;
    r->accrual_to = s->accrual_to;
    r->n_exp = s->n_exp;
    r->n_ctl = s->n_ctl;
    r->n_regs = s->n_registrations;
    for (size_t i = 0; i < s->n_registrations && i < MAXI; i++)
        copy(r->regs[i], s->registrations[i], NULL);
    r->n_pubs = s->n_publications;
    for (size_t i = 0; i < s->n_publications && i < MAXI; i++) {
        r->pub_year[i] = s->publications[i].year;
        copy(r->pub_doi[i], s->publications[i].doi, &r->pub_has_doi[i]);
        copy(r->pub_citation[i], s->publications[i].citation, NULL);
        r->pub_line[i] = s->publications[i].line;
    }
    r->n_covs = s->n_covariates;
    for (size_t i = 0; i < s->n_covariates && i < MAXI; i++) {
        copy(r->cov_name[i], s->covariates[i].name, NULL);
        copy(r->cov_value[i], s->covariates[i].value, NULL);
    }
    r->n_outs = s->n_outcomes;
    for (size_t i = 0; i < s->n_outcomes && i < MAXI; i++) {
        const mp_outcome *o = &s->outcomes[i];
        rec_outcome *ro = &r->outs[i];
        copy(ro->name, o->name, NULL);
        ro->effect = o->effect;
        ro->events_exp = o->events_exp;
        ro->events_ctl = o->events_ctl;
        ro->followup_median = o->followup_median;
        snprintf(ro->followup_unit, sizeof ro->followup_unit, "%s",
                 o->followup_unit ? o->followup_unit : "(null)");
        ro->events_line = o->events_line;
        ro->median_exp = o->median_exp;
        ro->median_ctl = o->median_ctl;
        snprintf(ro->median_unit, sizeof ro->median_unit, "%s",
                 o->median_unit ? o->median_unit : "(null)");
        ro->median_line = o->median_line;
        ro->line = o->line;
    }
    if (c->stop_after && c->n >= c->stop_after)
        return c->stop_status;
    return MP_OK;
}

/* ---- running the reader -------------------------------------------------------- */

static mp_status read_doc(int schema, const char *doc, collector *c,
                          mp_errors *err)
{
    mp_reader *r = mp_check_reader(schema);
    mp_status st = mp_read_memory(r, doc, strlen(doc), NAME, collect, c, err);
    mp_reader_free(r);
    return st;
}

/* Read the file rel below the data directory (mp_check_data_path) with a
 * validating reader; its path, as the diagnostics name it, goes to
 * path[1024]. */
static mp_status read_data_file(const char *rel, char path[1024], collector *c,
                                mp_errors *err)
{
    mp_check_data_path(path, 1024, rel);
    mp_reader *r = mp_check_reader(1);
    mp_status st = mp_read_file(r, path, collect, c, err);
    mp_reader_free(r);
    return st;
}

/* The index of a diagnostic with this line and message (prefix when
 * prefix is set), or -1. */
static long find_diag(const mp_errors *err, long line, const char *msg,
                      int prefix)
{
    for (size_t i = 0; i < err->n; i++) {
        const char *m = err->items[i].message;
        int same = prefix ? strncmp(m, msg, strlen(msg)) == 0 : strcmp(m, msg) == 0;
        if (same && err->items[i].line == line)
            return (long)i;
    }
    return -1;
}

static void expect_diag(const mp_errors *err, long line, const char *msg)
{
    ck_assert_msg(find_diag(err, line, msg, 0) >= 0,
                  "expected diagnostic %s:%ld: %s\n  got:%s", NAME, line, msg,
                  mp_check_dump(err));
}

/* Diagnostic i of err is at line with msg (its place matters). */
static void expect_item(const mp_errors *err, size_t i, long line,
                        const char *msg)
{
    ck_assert_msg(i < err->n, "no diagnostic %zu:%s", i, mp_check_dump(err));
    ck_assert_int_eq(err->items[i].line, line);
    ck_assert_str_eq(err->items[i].message, msg);
}

/* Exactly one diagnostic, this one, and no study reached the callback. */
static void expect_only(const char *doc, long line, const char *msg)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, doc, &c, &err);
    ck_assert_msg(err.n == 1 && strcmp(err.items[0].message, msg) == 0 &&
                      err.items[0].line == line &&
                      strcmp(err.items[0].file, NAME) == 0,
                  "expected only %s:%ld: %s\n  got:%s", NAME, line, msg,
                  mp_check_dump(&err));
    ck_assert_msg(st == MP_EINPUT, "status %s", mp_status_string(st));
    ck_assert_msg(c.n == 0, "the invalid study reached the callback");
    mp_errors_clear(&err);
}

/* The same for a diagnostic whose tail is libxml2's wording. */
static void expect_only_prefix(const char *doc, long line, const char *prefix)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, doc, &c, &err);
    ck_assert_msg(err.n == 1 && find_diag(&err, line, prefix, 1) == 0,
                  "expected only %s:%ld: %s...\n  got:%s", NAME, line, prefix,
                  mp_check_dump(&err));
    ck_assert_msg(st == MP_EINPUT, "status %s", mp_status_string(st));
    ck_assert_msg(c.n == 0, "the invalid study reached the callback");
    mp_errors_clear(&err);
}

/* ---- documents -------------------------------------------------------------------- */

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"           /* line 1 */
#define OPEN(id) "<study id=\"" id "\" format=\"1\">\n"
#define TITLE "  <title>T</title>\n"
#define DESIGN "  <design>rct</design>\n"
#define PUB "  <publication year=\"2020\">P.</publication>\n"
#define OS_CI "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/></outcome>\n"
#define CLOSE "</study>\n"

/* A valid study (lines 2-7). */
#define MINIMAL DECL OPEN("s1") TITLE DESIGN PUB OS_CI CLOSE

/* ---- valid input ----------------------------------------------------------------- */

START_TEST(minimal_study)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, MINIMAL, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    rec *r = &c.s[0];
    ck_assert_str_eq(r->file, NAME);
    ck_assert_str_eq(r->id, "s1");
    ck_assert_int_eq(r->line, 2);
    ck_assert_str_eq(r->title, "T");
    ck_assert_str_eq(r->design, "rct");
    ck_assert_int_eq(r->year, 2020);
    /* absent optional parts */
    ck_assert_int_eq(r->has_country, 0);
    ck_assert_int_eq(r->has_notes, 0);
    ck_assert_int_eq(r->has_arm_exp, 0);
    ck_assert_int_eq(r->has_arm_ctl, 0);
    ck_assert_int_eq(r->n_exp, -1);
    ck_assert_int_eq(r->n_ctl, -1);
    ck_assert_int_eq(r->accrual_from, 0);
    ck_assert_int_eq(r->accrual_to, 0);
    ck_assert_uint_eq(r->n_regs, 0);
    ck_assert_uint_eq(r->n_covs, 0);
    ck_assert_uint_eq(r->n_pubs, 1);
    ck_assert_int_eq(r->pub_has_doi[0], 0);
    ck_assert_uint_eq(r->n_outs, 1);
    rec_outcome *o = &r->outs[0];
    ck_assert_str_eq(o->name, "OS");
    ck_assert_int_eq(o->line, 6);
    ck_assert_int_eq(o->effect.line, 6);
    ck_assert_int_eq(o->effect.kind, MP_INPUT_HR_CI);
    ck_assert_int_eq(o->effect.reference_experimental, 0);
    ck_assert_double_eq_tol(o->effect.estimate.value, 0.8, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.lower.value, 0.6, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.upper.value, 1.07, TOL_EXACT);
    /* level defaults to 0.95, exactly (no rounding) */
    ck_assert_double_eq_tol(o->effect.level.value, 0.95, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.level.half_unit, 0.0, TOL_EXACT);
    /* half units of the printed digits: "0.8" -> 0.05, "1.07" -> 0.005 */
    ck_assert_double_eq_tol(o->effect.estimate.half_unit, 0.05, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.upper.half_unit, 0.005, TOL_EXACT);
    ck_assert_int_eq(o->events_exp, -1);
    ck_assert_int_eq(o->events_ctl, -1);
    ck_assert_msg(isnan(o->followup_median), "followup %g", o->followup_median);
    ck_assert_str_eq(o->followup_unit, "months");
    mp_errors_clear(&err);
}
END_TEST

/* tests/data/unit/study-full.xml, read with mp_read_file */
START_TEST(full_study_from_file)
{
    char path[1024];
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_data_file("unit/study-full.xml", path, &c, &err);
    ck_assert_msg(st == MP_OK && err.n == 0, "status %s, diagnostics:%s",
                  mp_status_string(st), mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    rec *r = &c.s[0];
    ck_assert_str_eq(r->file, path);
    ck_assert_str_eq(r->id, "unit-full");
    ck_assert_int_eq(r->line, 2);
    ck_assert_str_eq(r->title, "Unit test: full study");    /* squeezed */
    ck_assert_str_eq(r->design, "rct");                      /* trimmed */
    ck_assert_str_eq(r->country, "India");
    ck_assert_str_eq(r->notes, "Source: table 2 & figure 3.");
    ck_assert_int_eq(r->accrual_from, 2005);
    ck_assert_int_eq(r->accrual_to, 2013);
    ck_assert_uint_eq(r->n_regs, 2);
    ck_assert_str_eq(r->regs[0], "NCT00000001");
    ck_assert_str_eq(r->regs[1], "ISRCTN00000002");
    /* publications in document order; year = the newest, 2018 */
    ck_assert_uint_eq(r->n_pubs, 3);
    ck_assert_int_eq(r->pub_year[0], 2015);
    ck_assert_int_eq(r->pub_year[1], 2018);
    ck_assert_int_eq(r->pub_year[2], 2016);
    ck_assert_int_eq(r->year, 2018);
    ck_assert_str_eq(r->pub_doi[0], "10.1016/S1470-2045(15)00000-0");
    ck_assert_int_eq(r->pub_has_doi[1], 0);
    ck_assert_str_eq(r->pub_citation[1], "Final report.");
    ck_assert_int_eq(r->pub_line[2], 12);
    /* arms */
    ck_assert_str_eq(r->arm_exp, "Locoregional treatment");
    ck_assert_str_eq(r->arm_ctl, "No locoregional treatment");
    ck_assert_int_eq(r->n_exp, 173);
    ck_assert_int_eq(r->n_ctl, 177);
    /* covariates */
    ck_assert_uint_eq(r->n_covs, 2);
    ck_assert_str_eq(r->cov_name[0], "sequence");
    ck_assert_str_eq(r->cov_value[0], "systemic-first");
    ck_assert_str_eq(r->cov_name[1], "region");
    ck_assert_str_eq(r->cov_value[1], "asia");
    /* outcomes */
    ck_assert_uint_eq(r->n_outs, 6);
    rec_outcome *o = &r->outs[0];
    ck_assert_str_eq(o->name, "OS");
    ck_assert_int_eq(o->line, 19);
    ck_assert_int_eq(o->effect.kind, MP_INPUT_HR_CI);
    ck_assert_int_eq(o->effect.line, 20);
    ck_assert_double_eq_tol(o->effect.estimate.value, 1.04, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.lower.value, 0.81, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.upper.value, 1.34, TOL_EXACT);
    ck_assert_int_eq(o->events_exp, 118);
    ck_assert_int_eq(o->events_ctl, 110);
    ck_assert_double_eq_tol(o->followup_median, 23.0, TOL_EXACT);
    ck_assert_str_eq(o->followup_unit, "months");

    o = &r->outs[1];
    ck_assert_str_eq(o->name, "LRPFS");
    ck_assert_int_eq(o->effect.kind, MP_INPUT_HR_P);
    ck_assert_int_eq(o->effect.reference_experimental, 1);
    ck_assert_double_eq_tol(o->effect.estimate.value, 0.16, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.p.value, 0.001, TOL_EXACT);
    ck_assert_int_eq(o->effect.line, 25);

    o = &r->outs[2];
    ck_assert_str_eq(o->name, "DPFS");
    ck_assert_int_eq(o->effect.kind, MP_INPUT_LOG_HR);
    ck_assert_double_eq_tol(o->effect.estimate.value, -0.2, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.se.value, 0.1, TOL_EXACT);
    ck_assert_int_eq(o->line, 27);

    o = &r->outs[3];
    ck_assert_str_eq(o->name, "PFS");
    ck_assert_int_eq(o->effect.kind, MP_INPUT_PETO);
    ck_assert_double_eq_tol(o->effect.o_minus_e.value, -5.5, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.variance.value, 20.25, TOL_EXACT);
    ck_assert_double_eq_tol(o->followup_median, 2.5, TOL_EXACT);
    ck_assert_str_eq(o->followup_unit, "years");

    o = &r->outs[4];
    ck_assert_str_eq(o->name, "RESP");
    ck_assert_int_eq(o->effect.kind, MP_INPUT_COUNTS);
    ck_assert_int_eq(o->effect.events_exp, 10);
    ck_assert_int_eq(o->effect.total_exp, 50);
    ck_assert_int_eq(o->effect.events_ctl, 20);
    ck_assert_int_eq(o->effect.total_ctl, 50);

    o = &r->outs[5];
    ck_assert_str_eq(o->name, "QOL");
    ck_assert_int_eq(o->effect.kind, MP_INPUT_HR_CI);
    ck_assert_double_eq_tol(o->effect.level.value, 0.90, TOL_EXACT);
    ck_assert_double_eq_tol(o->effect.level.half_unit, 0.005, TOL_EXACT);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(text_entities_and_cdata)
{
    static const char doc[] =
        DECL OPEN("s1")
        "  <title>A &amp; B &#x263A; <![CDATA[<x> & y]]></title>\n"
        DESIGN PUB OS_CI
        "  <notes>caf\xc3\xa9</notes>\n"
        CLOSE;
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].title, "A & B \xe2\x98\xba <x> & y");
    ck_assert_str_eq(c.s[0].notes, "caf\xc3\xa9");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(arm_without_label_and_n)
{
    static const char doc[] =
        DECL OPEN("s1") TITLE DESIGN PUB
        "  <arms><arm role=\"experimental\" n=\"12\"/><arm role=\"control\">C</arm></arms>\n"
        OS_CI CLOSE;
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_OK);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.s[0].n_exp, 12);
    ck_assert_int_eq(c.s[0].n_ctl, -1);
    ck_assert_str_eq(c.s[0].arm_ctl, "C");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(comments_and_whitespace_ignored)
{
    static const char doc[] =
        DECL "<!-- before -->\n"
        "<studies format=\"1\">\n  <!-- between -->\n\n"
        "<study id=\"a\">\n  <!-- inside -->\n" TITLE DESIGN PUB
        "  <outcome name=\"OS\"> <!-- x --> <hazard-ratio estimate=\"0.8\" p=\"0.2\"/>\n\t</outcome>\n"
        CLOSE "<?pi ignored?>\n</studies>\n<!-- after -->\n";
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    mp_errors_clear(&err);
}
END_TEST

/* A collection after BLANK blank lines: <studies> on BLANK + 2, study "a"
 * on BLANK + 3 .. BLANK + 8 (its outcome on BLANK + 7), study "b" on
 * BLANK + 9 with a bad year on BLANK + 12, study "c" on BLANK + 15 with
 * no title. */
enum { BLANK = 70000 };
static char *big_document(void)
{
    const char *body = "<studies format=\"1\">\n"
        "<study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE
        "<study id=\"b\">\n" TITLE DESIGN
        "  <publication year=\"20\">P.</publication>\n"
        OS_CI CLOSE
        "<study id=\"c\">\n" DESIGN PUB OS_CI CLOSE
        "</studies>\n";
    size_t n = strlen(DECL) + BLANK + strlen(body) + 1;
    char *doc = malloc(n);
    ck_assert_ptr_nonnull(doc);
    strcpy(doc, DECL);
    memset(doc + strlen(DECL), '\n', BLANK);
    strcpy(doc + strlen(DECL) + BLANK, body);
    return doc;
}

START_TEST(line_numbers_beyond_65535)
{
    /* Lines past 65535 (XML_PARSE_BIG_LINES): the diagnostic of an
     * element holding text is exact (see study_line_beyond_65535 for the
     * others). */
    char *doc = big_document();
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].id, "a");
    expect_diag(&err, BLANK + 12, "<publication> year \"20\" is not a four-digit year");
    free(doc);
    mp_errors_clear(&err);
}
END_TEST

/* Regression test of a fixed bug (mp_study.c, read_study / check_study: xmlGetLineNo on the <study>
 * node): past line 65535 libxml2 keeps no line in element nodes (only
 * text nodes get the big line, in psvi), and xmlGetLineNo then answers the
 * line of the element's first child: the whitespace text after
 * "<study ...>", which libxml2 dates by the line where it ends.  So
 * mp_study.line and every diagnostic placed on the <study> element ("has
 * no <title>", "study id ... must match", and mp_dataset's "duplicate study
 * id ... (first defined at FILE:LINE)") are one line late (more if blank
 * lines follow the start tag).  An element with no child at all, such as
 * <hazard-ratio .../> alone in its <outcome>, gets 65535 for any line
 * beyond: mp_outcome.line and mp_effect_input.line (used by every
 * mp_effect_check and mp_dataset diagnostic) then read 65535.  Lines up to
 * 65534 are exact.  (A fix: keep the parser's line for each element while
 * reading, e.g. in a side table or from xmlTextReaderGetParserLineNumber
 * at its start tag, or correct from the first text child.) */
START_TEST(study_line_beyond_65535)
{
    char *doc = big_document();
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_msg(c.s[0].line == BLANK + 3, "study line %ld, expected %d",
                  c.s[0].line, BLANK + 3);
    ck_assert_msg(c.s[0].outs[0].line == BLANK + 7,
                  "outcome line %ld, expected %d", c.s[0].outs[0].line, BLANK + 7);
    ck_assert_msg(c.s[0].outs[0].effect.line == BLANK + 7,
                  "effect line %ld, expected %d", c.s[0].outs[0].effect.line,
                  BLANK + 7);
    ck_assert_msg(find_diag(&err, BLANK + 15, "study \"c\" has no <title>", 0) >= 0,
                  "expected %s:%d: study \"c\" has no <title>\n  got:%s", NAME,
                  BLANK + 15, mp_check_dump(&err));
    free(doc);
    mp_errors_clear(&err);
}
END_TEST

/* ---- collections ------------------------------------------------------------------ */

START_TEST(collection_in_order)
{
    static const char doc[] =
        DECL
        "<studies format=\"1\">\n"                                         /* 2 */
        "<study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE                  /* 3-8 */
        "<study id=\"b\" format=\"1\">\n" TITLE DESIGN                     /* 9-11 */
        "  <publication year=\"2019\">P.</publication>\n" OS_CI CLOSE      /* 12-14 */
        "<study id=\"c\">\n" TITLE DESIGN PUB OS_CI CLOSE                  /* 15-20 */
        "</studies>\n";
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 3);
    ck_assert_str_eq(c.s[0].id, "a");
    ck_assert_str_eq(c.s[1].id, "b");
    ck_assert_str_eq(c.s[2].id, "c");
    ck_assert_int_eq(c.s[0].line, 3);
    ck_assert_int_eq(c.s[1].line, 9);
    ck_assert_int_eq(c.s[2].line, 15);
    ck_assert_int_eq(c.s[1].year, 2019);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(collection_empty)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, DECL "<studies format=\"1\"/>\n", &c, &err), MP_OK);
    ck_assert_int_eq(err.n, 0);
    ck_assert_int_eq(c.n, 0);
    mp_errors_clear(&err);
}
END_TEST

/* tests/data/unit/collection-mixed.xml: the bad second study is reported
 * and skipped, the third still reaches the callback. */
START_TEST(collection_bad_study_skipped)
{
    char path[1024];
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_data_file("unit/collection-mixed.xml", path, &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_msg(err.n == 1, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_str_eq(err.items[0].file, path);
    ck_assert_int_eq(err.items[0].line, 12);
    ck_assert_str_eq(err.items[0].message,
                     "<publication> year \"20\" is not a four-digit year");
    ck_assert_int_eq(c.n, 2);
    ck_assert_str_eq(c.s[0].id, "first");
    ck_assert_str_eq(c.s[1].id, "third");
    ck_assert_str_eq(c.s[1].design, "retrospective");
    ck_assert_int_eq(c.s[1].outs[0].effect.kind, MP_INPUT_HR_P);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(callback_stops_reading)
{
    static const char doc[] =
        DECL "<studies format=\"1\">\n"
        "<study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE
        "<study id=\"b\">\n" TITLE DESIGN PUB OS_CI CLOSE
        "<study id=\"c\">\n" TITLE DESIGN PUB OS_CI CLOSE
        "</studies>\n";
    collector c = { .n = 0, .stop_after = 1, .stop_status = MP_EINPUT };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].id, "a");
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));

    collector c2 = { .n = 0, .stop_after = 2, .stop_status = MP_ENOMEM };
    ck_assert_int_eq(read_doc(1, doc, &c2, &err), MP_ENOMEM);
    ck_assert_int_eq(c2.n, 2);
    ck_assert_str_eq(c2.s[1].id, "b");
    mp_errors_clear(&err);
}
END_TEST

/* Run doc; the diagnostics must be exactly msgs (line, message pairs). */
static void expect_diags(const char *doc, size_t n_studies, size_t n,
                         const long *lines, const char *const *msgs)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, doc, &c, &err);
    for (size_t i = 0; i < n; i++)
        expect_diag(&err, lines[i], msgs[i]);
    ck_assert_msg(err.n == n, "%zu diagnostics, expected %zu:%s", err.n, n,
                  mp_check_dump(&err));
    ck_assert_int_eq(st, n ? MP_EINPUT : MP_OK);
    ck_assert_msg(c.n == n_studies, "%zu studies reached the callback, expected %zu",
                  c.n, n_studies);
    mp_errors_clear(&err);
}

START_TEST(collection_rejections)
{
    /* <studies> needs format; a collection of unknown format is not read,
     * so the valid-looking study inside does not reach the callback */
    static const long l2[] = { 2 };
    static const char *const nofmt[] = { "<studies> lacks the required attribute format" };
    expect_diags(DECL "<studies>\n<study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE
                 "</studies>\n", 0, 1, l2, nofmt);
    /* a member may repeat format, but only "1" */
    expect_only(DECL "<studies format=\"1\">\n<study id=\"a\" format=\"2\">\n"
                TITLE DESIGN PUB OS_CI CLOSE "</studies>\n",
                3, "unsupported format \"2\" (this metapool reads format 1)");
    /* an element other than <study>: reported at its line; the valid
     * study after it is read */
    static const long l3[] = { 3 };
    static const char *const unk[] = { "unknown element <study-list> in <studies>" };
    expect_diags(DECL "<studies format=\"1\">\n"
                 "  <study-list/>\n"                                       /* 3 */
                 "  <study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE     /* 4-9 */
                 "</studies>\n", 1, 1, l3, unk);
}
END_TEST

/* Regression test of a fixed bug (mp_study.c, walk/root_problem): text between the studies of a
 * collection is reported at the parser's current line (for a small
 * document, the last line) instead of the line of the text:
 * here line 11 (after the final newline) instead of 9. */
START_TEST(collection_stray_text_line)
{
    static const long l9[] = { 9 };
    static const char *const txt[] = { "unexpected text in <studies>" };
    expect_diags(DECL "<studies format=\"1\">\n"
                 "  <study id=\"a\">\n" TITLE DESIGN PUB OS_CI CLOSE     /* 3-8 */
                 "  stray words\n"                                         /* 9 */
                 "</studies>\n", 1, 1, l9, txt);
}
END_TEST

/* Regression test of a fixed bug (mp_study.c, read_collection_root): <studies format="2"> is
 * reported as unsupported, yet its studies are still read as format 1 and
 * handed to the callback; a single <study format="2"> is (rightly) not.
 * Expected: no study of a collection in an unsupported format reaches the
 * callback. */
START_TEST(collection_unsupported_format_not_read)
{
    static const long l2[] = { 2 };
    static const char *const fmt2[] = {
        "unsupported format \"2\" (this metapool reads format 1)" };
    expect_diags(DECL "<studies format=\"2\">\n<study id=\"a\">\n" TITLE DESIGN
                 PUB OS_CI CLOSE "</studies>\n", 0, 1, l2, fmt2);
}
END_TEST

/* ---- rejections: one problem, one diagnostic at its line ------------------------------ */

START_TEST(reject_missing_children)
{
    expect_only(DECL OPEN("s1") DESIGN PUB OS_CI CLOSE, 2,
                "study \"s1\" has no <title>");
    expect_only(DECL OPEN("s1") TITLE PUB OS_CI CLOSE, 2,
                "study \"s1\" has no <design>");
    expect_only(DECL OPEN("s1") TITLE DESIGN OS_CI CLOSE, 2,
                "study \"s1\" has no <publication>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB CLOSE, 2,
                "study \"s1\" has no <outcome>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"                                /* 6 */
                "    <events experimental=\"3\" control=\"4\"/>\n"
                "  </outcome>\n" CLOSE,
                6, "<outcome name=\"OS\"> has no effect element (hazard-ratio, "
                   "log-hazard-ratio, peto, counts, logrank-p, medians or "
                   "km-curves)");
    expect_only(DECL OPEN("s1") "  <title>  </title>\n" DESIGN PUB OS_CI CLOSE,
                3, "<title> is empty");
}
END_TEST

START_TEST(reject_id_and_format)
{
    expect_only(DECL OPEN("Bad_Id") TITLE DESIGN PUB OS_CI CLOSE, 2,
                "study id \"Bad_Id\" must match [a-z0-9][a-z0-9-]*");
    expect_only(DECL OPEN("-a") TITLE DESIGN PUB OS_CI CLOSE, 2,
                "study id \"-a\" must match [a-z0-9][a-z0-9-]*");
    expect_only(DECL "<study format=\"1\">\n" TITLE DESIGN PUB OS_CI CLOSE, 2,
                "<study> lacks the required attribute id");
    expect_only(DECL "<study id=\"s1\">\n" TITLE DESIGN PUB OS_CI CLOSE, 2,
                "<study> lacks the required attribute format");
    expect_only(DECL "<study id=\"s1\" format=\"2\">\n" TITLE DESIGN PUB OS_CI CLOSE,
                2, "unsupported format \"2\" (this metapool reads format 1)");
    expect_only(DECL "<study id=\"s1\" format=\"1.0\">\n" TITLE DESIGN PUB OS_CI CLOSE,
                2, "unsupported format \"1.0\" (this metapool reads format 1)");
}
END_TEST

START_TEST(reject_unknown_root)
{
    expect_only(DECL "<trial id=\"s1\" format=\"1\">\n" TITLE DESIGN PUB OS_CI
                "</trial>\n",
                2, "root element is <trial>; expected <study> or <studies>");
    /* the root on a later line */
    expect_only(DECL "<!-- a comment -->\n\n<trial/>\n", 4,
                "root element is <trial>; expected <study> or <studies>");
}
END_TEST

START_TEST(reject_unknown_element)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <summary>x</summary>\n"                                 /* 5 */
                PUB OS_CI CLOSE,
                5, "unknown element <summary> in <study>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"                                /* 6 */
                "    <odds-ratio estimate=\"0.8\"/>\n"                     /* 7 */
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "  </outcome>\n" CLOSE,
                7, "unknown element <odds-ratio> in <outcome>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <arms>\n"                                               /* 6 */
                "    <group role=\"control\"/>\n"                          /* 7 */
                "  </arms>\n" OS_CI CLOSE,
                7, "unknown element <group> in <arms>");
}
END_TEST

START_TEST(reject_unknown_attribute)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" lower=\"0.6\" "
                "upper=\"1.07\" levle=\"0.9\"/></outcome>\n" CLOSE,
                6, "unknown attribute levle on <hazard-ratio>");
    expect_only(DECL "<study id=\"s1\" format=\"1\" lang=\"en\">\n" TITLE DESIGN
                PUB OS_CI CLOSE,
                2, "unknown attribute lang on <study>");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"2020\" volume=\"3\">P.</publication>\n"
                OS_CI CLOSE,
                5, "unknown attribute volume on <publication>");
    /* counts take no reference attribute */
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\"><counts events-experimental=\"1\" "
                "total-experimental=\"10\" events-control=\"2\" total-control=\"10\" "
                "reference=\"experimental\"/></outcome>\n" CLOSE,
                6, "unknown attribute reference on <counts>");
}
END_TEST

#define HR(attrs) DECL OPEN("s1") TITLE DESIGN PUB \
    "  <outcome name=\"OS\">\n"                                /* 6 */ \
    "    <hazard-ratio " attrs "/>\n"                          /* 7 */ \
    "  </outcome>\n" CLOSE

START_TEST(reject_numbers)
{
    expect_only(HR("estimate=\"abc\" lower=\"0.6\" upper=\"1.07\""), 7,
                "<hazard-ratio> estimate \"abc\" is not a decimal number");
    expect_only(HR("estimate=\"NaN\" lower=\"0.6\" upper=\"1.07\""), 7,
                "<hazard-ratio> estimate \"NaN\" is not a decimal number");
    expect_only(HR("estimate=\"0.8\" lower=\"INF\" upper=\"1.07\""), 7,
                "<hazard-ratio> lower \"INF\" is not a decimal number");
    expect_only(HR("estimate=\"1e999\" lower=\"0.6\" upper=\"1.07\""), 7,
                "<hazard-ratio> estimate \"1e999\" is not a finite number");
    expect_only(HR("estimate=\"0.8\" lower=\"0,6\" upper=\"1.07\""), 7,
                "<hazard-ratio> lower \"0,6\" is not a decimal number");
    expect_only(HR("estimate=\"0.8\" p=\"0.0x1\""), 7,
                "<hazard-ratio> p \"0.0x1\" is not a decimal number");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\"><log-hazard-ratio estimate=\"-0.2\" se=\"\"/></outcome>\n"
                CLOSE,
                6, "<log-hazard-ratio> se \"\" is not a decimal number");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\"><counts events-experimental=\"1.5\" "
                "total-experimental=\"10\" events-control=\"2\" total-control=\"10\"/></outcome>\n"
                CLOSE,
                6, "<counts> events-experimental \"1.5\" is not a non-negative integer");
}
END_TEST

/* One outcome read from doc with a validating reader, without any
 * diagnostic. */
static rec_outcome read_one_outcome(const char *doc)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, doc, &c, &err);
    ck_assert_msg(st == MP_OK && err.n == 0 && c.n == 1, "status %s:%s",
                  mp_status_string(st), mp_check_dump(&err));
    mp_errors_clear(&err);
    return c.s[0].outs[0];
}

/* A published p beside an interval (analyses-2 section 6): the interval
 * is the figure, the p kept for the cross-check; without p, has_p = 0. */
START_TEST(interval_with_p)
{
    rec_outcome o = read_one_outcome(HR("estimate=\"0.8\" lower=\"0.6\" "
                                        "upper=\"1.07\" level=\"0.90\" p=\"0.13\""));
    ck_assert_int_eq(o.effect.kind, MP_INPUT_HR_CI);
    ck_assert_int_eq(o.effect.has_p, 1);
    ck_assert_double_eq_tol(o.effect.p.value, 0.13, TOL_EXACT);
    ck_assert_double_eq_tol(o.effect.p.half_unit, 0.005, TOL_EXACT);
    ck_assert_double_eq_tol(o.effect.level.value, 0.90, TOL_EXACT);
    o = read_one_outcome(MINIMAL);
    ck_assert_int_eq(o.effect.has_p, 0);
    ck_assert_int_eq(o.median_line, 0);
    ck_assert_int_eq(o.events_line, 0);
}
END_TEST

#define OUTCOME_WITH(child) DECL OPEN("s1") TITLE DESIGN PUB \
    "  <outcome name=\"OS\">\n" \
    "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n" \
    "    " child "\n" /* line 8 */ \
    "  </outcome>\n" CLOSE

START_TEST(median_survival_read)
{
    rec_outcome o = read_one_outcome(OUTCOME_WITH(
        "<median-survival experimental=\"54.8\" control=\"34.6\"/>"));
    ck_assert_int_eq(o.median_line, 8);
    ck_assert_double_eq_tol(o.median_exp.value, 54.8, TOL_EXACT);
    ck_assert_double_eq_tol(o.median_exp.half_unit, 0.05, TOL_EXACT);
    ck_assert_double_eq_tol(o.median_ctl.value, 34.6, TOL_EXACT);
    ck_assert_str_eq(o.median_unit, "months");
    o = read_one_outcome(OUTCOME_WITH(
        "<median-survival experimental=\"4\" control=\"3.5\" unit=\"years\"/>"));
    ck_assert_str_eq(o.median_unit, "years");
    ck_assert_double_eq_tol(o.median_exp.half_unit, 0.5, TOL_EXACT);
    o = read_one_outcome(OUTCOME_WITH("<events experimental=\"3\"/>"));
    ck_assert_int_eq(o.events_line, 8);
}
END_TEST

START_TEST(reject_median_survival)
{
    expect_only(OUTCOME_WITH("<median-survival experimental=\"0\" control=\"3\"/>"),
                8, "<median-survival> experimental must be > 0, not 0");
    expect_only(OUTCOME_WITH("<median-survival experimental=\"5\"/>"),
                8, "<median-survival> lacks the required attribute control");
    expect_only(OUTCOME_WITH("<median-survival experimental=\"5\" control=\"NR\"/>"),
                8, "<median-survival> control \"NR\" is not a decimal number");
    expect_only(OUTCOME_WITH("<median-survival experimental=\"5\" control=\"3\" unit=\"weeks\"/>"),
                8, "<median-survival> unit must be months or years, not \"weeks\"");
    expect_only(OUTCOME_WITH("<median-survival experimental=\"5\" control=\"3\" n=\"3\"/>"),
                8, "unknown attribute n on <median-survival>");
    expect_only(OUTCOME_WITH("<median-survival experimental=\"5\" control=\"3\"/>"
                             "<median-survival experimental=\"5\" control=\"3\"/>"),
                8, "<median-survival> appears more than once");
}
END_TEST

START_TEST(reject_hazard_ratio_forms)
{
    expect_only(HR("estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\" p=\"0.1x\""), 7,
                "<hazard-ratio> p \"0.1x\" is not a decimal number");
    expect_only(HR("estimate=\"0.8\""), 7,
                "<hazard-ratio> needs lower and upper, or p");
    expect_only(HR("estimate=\"0.8\" lower=\"0.6\""), 7,
                "<hazard-ratio> lacks the required attribute upper");
    expect_only(HR("estimate=\"0.8\" p=\"0.1\" level=\"0.9\""), 7,
                "<hazard-ratio> level goes with lower and upper, not with p");
    expect_only(HR("lower=\"0.6\" upper=\"1.07\""), 7,
                "<hazard-ratio> lacks the required attribute estimate");
    expect_only(HR("estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\" reference=\"both\""), 7,
                "<hazard-ratio> reference must be experimental or control, not \"both\"");
}
END_TEST

START_TEST(reject_two_effects)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"                                /* 6 */
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "    <log-hazard-ratio estimate=\"-0.2\" se=\"0.1\"/>\n"   /* 8 */
                "  </outcome>\n" CLOSE,
                8, "<outcome name=\"OS\"> has more than one effect element");
}
END_TEST

START_TEST(reject_duplicate_outcome)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                OS_CI                                                      /* 6 */
                "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.2\" se=\"0.1\"/></outcome>\n"
                OS_CI                                                      /* 8 */
                CLOSE,
                8, "outcome \"OS\" appears twice in study \"s1\" (first at line 6)");
}
END_TEST

START_TEST(reject_repeated_outcomes_in_order)
{
    /* Each repeat names the first occurrence; reported in document order. */
#define PFS_LHR "  <outcome name=\"PFS\"><log-hazard-ratio estimate=\"-0.2\" se=\"0.1\"/></outcome>\n"
    static const char doc[] = DECL OPEN("s1") TITLE DESIGN PUB
        OS_CI PFS_LHR OS_CI PFS_LHR OS_CI CLOSE;                    /* 6-10 */
#undef PFS_LHR
    static const long line[] = { 8, 9, 10 };
    static const char *const msg[] = {
        "outcome \"OS\" appears twice in study \"s1\" (first at line 6)",
        "outcome \"PFS\" appears twice in study \"s1\" (first at line 7)",
        "outcome \"OS\" appears twice in study \"s1\" (first at line 6)" };
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_msg(err.n == 3, "diagnostics:%s", mp_check_dump(&err));
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(err.items[i].line, line[i]);
        ck_assert_str_eq(err.items[i].message, msg[i]);
    }
    ck_assert_int_eq(c.n, 0);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(reject_once_only_elements)
{
    expect_only(DECL OPEN("s1") TITLE TITLE DESIGN PUB OS_CI CLOSE, 4,
                "<title> appears more than once");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "    <events experimental=\"1\"/>\n"
                "    <events control=\"2\"/>\n"                            /* 9 */
                "  </outcome>\n" CLOSE,
                9, "<events> appears more than once");
}
END_TEST

START_TEST(reject_publication_values)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"2020\" doi=\"doi:10.1000/x\">P.</publication>\n"
                OS_CI CLOSE,
                5, "<publication> doi \"doi:10.1000/x\" is not of the form 10.NNNN/...");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"15\">P.</publication>\n" OS_CI CLOSE,
                5, "<publication> year \"15\" is not a four-digit year");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"2020a\">P.</publication>\n" OS_CI CLOSE,
                5, "<publication> year \"2020a\" is not a four-digit year");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication>P.</publication>\n" OS_CI CLOSE,
                5, "<publication> lacks the required attribute year");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"2020\" pmid=\"PMC1\">P.</publication>\n"
                OS_CI CLOSE,
                5, "<publication> pmid \"PMC1\" is not a PubMed identifier");
    expect_only(DECL OPEN("s1") TITLE
                "  <design>cohort</design>\n" PUB OS_CI CLOSE,
                4, "<design> must be rct, prospective-registry or retrospective, "
                   "not \"cohort\"");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <accrual from=\"2012\" to=\"2010\"/>\n" OS_CI CLOSE,
                6, "<accrual> from 2012 is after to 2010");
}
END_TEST

START_TEST(reject_arm_values)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <arms>\n"                                               /* 6 */
                "    <arm role=\"experimental\" n=\"0\">A</arm>\n"         /* 7 */
                "  </arms>\n" OS_CI CLOSE,
                7, "<arm> n \"0\" is not a positive integer");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <arms>\n"
                "    <arm role=\"experimental\" n=\"-3\">A</arm>\n"
                "  </arms>\n" OS_CI CLOSE,
                7, "<arm> n \"-3\" is not a positive integer");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <arms>\n"
                "    <arm role=\"placebo\">A</arm>\n"
                "  </arms>\n" OS_CI CLOSE,
                7, "<arm> role must be experimental or control, not \"placebo\"");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <arms>\n"
                "    <arm role=\"control\">A</arm>\n"
                "    <arm role=\"control\">B</arm>\n"                      /* 8 */
                "  </arms>\n" OS_CI CLOSE,
                8, "a second <arm role=\"control\">");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <covariate name=\"region\" value=\" \"/>\n" OS_CI CLOSE,
                6, "<covariate> value is empty");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "    <followup median=\"0\"/>\n"                           /* 8 */
                "  </outcome>\n" CLOSE,
                8, "<followup> median must be > 0, not 0");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "    <followup median=\"3\" unit=\"weeks\"/>\n"            /* 8 */
                "  </outcome>\n" CLOSE,
                8, "<followup> unit must be months or years, not \"weeks\"");
}
END_TEST

START_TEST(reject_stray_text)
{
    expect_only(DECL OPEN("s1") TITLE
                "  oops\n"                                                 /* 4 */
                DESIGN PUB OS_CI CLOSE,
                4, "unexpected text in <study>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"                                /* 6 */
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "    HR 0.8\n"                                             /* 8 */
                "  </outcome>\n" CLOSE,
                8, "unexpected text in <outcome>");
    expect_only(DECL OPEN("s1") TITLE DESIGN
                "  <publication year=\"2020\">P. <i>J Clin Oncol</i></publication>\n"
                OS_CI CLOSE,
                5, "<publication> may hold text only, not <i>");
}
END_TEST

START_TEST(reject_namespace)
{
    expect_only(DECL "<study xmlns=\"urn:x\" id=\"s1\" format=\"1\">\n" TITLE DESIGN
                PUB OS_CI CLOSE,
                2, "<study> is in namespace urn:x; study descriptors use no namespace");
}
END_TEST

/* Read doc with a reader of options o; *studies is the number of studies
 * that reached the callback.  Returns the status; the diagnostics are in
 * *err. */
static mp_status read_with(const mp_read_options *o, const char *doc,
                           mp_errors *err, size_t *studies)
{
    mp_status st;
    mp_reader *r = mp_reader_new(o, &st);
    ck_assert_ptr_nonnull(r);
    collector c = { .n = 0 };
    st = mp_read_memory(r, doc, strlen(doc), NAME, collect, &c, err);
    mp_reader_free(r);
    *studies = c.n;
    return st;
}

/* Read doc with a reader whose limits are max_text, max_study and
 * max_bytes (0: the default), without the schema; no study may reach the
 * callback.  Returns the status; the diagnostics are in *err. */
static mp_status read_limited(const char *doc, size_t max_text, size_t max_study,
                              size_t max_bytes, mp_errors *err)
{
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = 0;
    if (max_text)
        o.max_text = max_text;
    if (max_study)
        o.max_study = max_study;
    if (max_bytes)
        o.max_bytes = max_bytes;
    size_t studies;
    mp_status st = read_with(&o, doc, err, &studies);
    ck_assert_uint_eq(studies, 0);
    return st;
}

START_TEST(reject_text_too_long)
{
    static const char doc[] = DECL OPEN("s1")
        "  <title>eleven char</title>\n" DESIGN PUB OS_CI CLOSE;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_limited(doc, 10, 0, 0, &err), MP_EINPUT);
    expect_diag(&err, 3, "<title> is longer than 10 bytes");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(reject_attribute_too_long)
{
    /* Values longer than max_text are reported once each and ignored: the
     * id is not "missing" as well, and a 10-byte value is accepted. */
    static const char doc[] = DECL "<study id=\"abcdefghijk\" format=\"1\">\n"
        "  <title>ten chars.</title>\n" DESIGN
        "  <publication year=\"2020\" doi=\"10.1000/12345\">P.</publication>\n"
        OS_CI CLOSE;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_limited(doc, 10, 0, 0, &err), MP_EINPUT);
    ck_assert_msg(err.n == 2, "diagnostics:%s", mp_check_dump(&err));
    expect_diag(&err, 2, "<study> attribute id is longer than 10 bytes");
    expect_diag(&err, 5, "<publication> attribute doi is longer than 10 bytes");
    mp_errors_clear(&err);
}
END_TEST

/* Reading doc with a study limit of 100 bytes ends in MP_ELIMIT with one
 * diagnostic, the limit's, at line. */
static void expect_study_limit(const char *doc, long line)
{
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_limited(doc, 0, 100, 0, &err), MP_ELIMIT);
    ck_assert_msg(err.n == 1, "diagnostics:%s", mp_check_dump(&err));
    expect_diag(&err, line, "<study> is longer than 100 bytes, the limit per study");
    mp_errors_clear(&err);
}

START_TEST(reject_study_too_long)
{
    /* A <study> of more than max_study bytes ends reading of its input at
     * once, reported at its start tag; a later study is not read. */
    static const char doc[] = DECL "<studies format=\"1\">\n"       /* 2 */
        OPEN("s1") "  <title>Padded</title>\n"                       /* 3-4 */
        "  <notes>" "0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789</notes>\n"
        DESIGN PUB OS_CI CLOSE
        OPEN("s2") "  <title>Never read</title>\n" CLOSE "</studies>\n";
    expect_study_limit(doc, 3);
}
END_TEST

START_TEST(study_limit_counts_the_start_tag)
{
    /* The attributes of <study> itself are copied into its tree: a start
     * tag longer than max_study is refused there, before its content. */
    static const char doc[] = DECL "<study id=\"s1\" format=\"1\" x=\""
        "0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789\">\n"
        "</study>\n";
    expect_study_limit(doc, 2);
}
END_TEST

START_TEST(limit_message_passes_the_diagnostics_limit)
{
    /* The list of diagnostics is full (limit 1) before the study that is
     * too long: the message that says why reading stopped is kept. */
    static const char doc[] = DECL "<studies format=\"1\">\n"       /* 2 */
        "<study id=\"Bad\" format=\"1\"/>\n"                         /* 3 */
        OPEN("s1") "  <title>Padded</title>\n"                       /* 4-5 */
        "  <notes>" "0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789</notes>\n"
        DESIGN PUB OS_CI CLOSE "</studies>\n";
    mp_errors err = MP_ERRORS_INIT;
    err.limit = 1;
    ck_assert_int_eq(read_limited(doc, 0, 100, 0, &err), MP_ELIMIT);
    ck_assert_msg(err.n == 2 && err.suppressed > 0, "diagnostics:%s",
                  mp_check_dump(&err));
    expect_item(&err, 1, 4, "<study> is longer than 100 bytes, the limit per study");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(reject_too_many_xml_ids)
{
    /* Past max_ids xml:id attributes reading stops at the one too many,
     * with that message last: the element that carries it is not looked
     * at (no "unknown element" for line 5). */
    static const char doc[] = DECL "<studies format=\"1\">\n"       /* 2 */
        "<junk xml:id=\"a1\"/>\n"                                    /* 3 */
        "<junk xml:id=\"a2\"/>\n"                                    /* 4 */
        "<junk xml:id=\"a3\"/>\n"                                    /* 5 */
        "<junk xml:id=\"a4\"/>\n"
        "</studies>\n";
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = 0;
    o.max_ids = 2;
    mp_errors err = MP_ERRORS_INIT;
    size_t studies;
    ck_assert_int_eq(read_with(&o, doc, &err, &studies), MP_ELIMIT);
    ck_assert_msg(err.n == 3, "diagnostics:%s", mp_check_dump(&err));
    expect_diag(&err, 3, "unknown element <junk> in <studies>");
    expect_diag(&err, 4, "unknown element <junk> in <studies>");
    expect_item(&err, 2, 5, "more than 2 xml:id attributes, the limit per input");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(zero_limits_mean_none)
{
    /* 0 in a size of mp_read_options: no limit of the reader's own. */
    static const char doc[] = DECL "<study id=\"s1\" format=\"1\">\n"
        "  <title xml:id=\"t\">Two xml:ids</title>\n"
        "  <design xml:id=\"d\">rct</design>\n" PUB OS_CI CLOSE;
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = 0;
    o.max_text = o.max_study = o.max_bytes = o.max_ids = 0;
    mp_errors err = MP_ERRORS_INIT;
    size_t studies;
    ck_assert_int_eq(read_with(&o, doc, &err, &studies), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_uint_eq(studies, 1);
}
END_TEST

START_TEST(fatal_parse_error_passes_the_diagnostics_limit)
{
    /* Malformed XML ends reading: its message is kept past the cap. */
    static const char doc[] = DECL "<studies format=\"1\">\n"       /* 2 */
        "<study id=\"Bad\" format=\"1\"/>\n"                         /* 3 */
        "<study id=\"s2\" format=\"1\"></studyy>\n"                  /* 4 */
        "</studies>\n";
    mp_errors err = MP_ERRORS_INIT;
    err.limit = 1;
    size_t studies;
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = 0;
    ck_assert_int_eq(read_with(&o, doc, &err, &studies), MP_EINPUT);
    ck_assert_msg(err.n == 2 && err.suppressed > 0, "diagnostics:%s",
                  mp_check_dump(&err));
    expect_item(&err, 1, 4, "malformed XML: end tag </studyy> does not "
                "match the start tag <study> of line 4");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(reject_input_too_large)
{
    static const char doc[] = MINIMAL;
    ck_assert_uint_gt(strlen(doc), 100);
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_limited(doc, 0, 0, 100, &err), MP_ELIMIT);
    expect_diag(&err, 0, "larger than 100 bytes, the limit per input");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(several_problems_all_reported)
{
    /* One bad study: every problem is reported, each at its own line. */
    static const char doc[] =
        DECL "<study id=\"Bad\" format=\"1\">\n"                           /* 2 */
        DESIGN                                                             /* 3 */
        "  <publication year=\"15\">P.</publication>\n"                    /* 4 */
        "  <outcome name=\"OS\"><hazard-ratio estimate=\"x\" lower=\"0.6\" upper=\"1.07\"/></outcome>\n"
        CLOSE;
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 0);
    expect_diag(&err, 2, "study id \"Bad\" must match [a-z0-9][a-z0-9-]*");
    expect_diag(&err, 4, "<publication> year \"15\" is not a four-digit year");
    expect_diag(&err, 5, "<hazard-ratio> estimate \"x\" is not a decimal number");
    expect_diag(&err, 2, "study \"Bad\" has no <title>");
    ck_assert_msg(err.n == 4, "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
}
END_TEST

/* ---- malformed XML -------------------------------------------------------------- */

START_TEST(malformed_tag_mismatch)
{
    expect_only_prefix(DECL OPEN("s1") TITLE DESIGN PUB
                       "  <outcome name=\"OS\">\n"                         /* 6 */
                       "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                       "  </outcom>\n"                                     /* 8 */
                       CLOSE,
                       8, "malformed XML: ");
}
END_TEST

START_TEST(malformed_various)
{
    /* unquoted attribute on line 4 */
    expect_only_prefix(DECL OPEN("s1") TITLE "  <design x=1>rct</design>\n"
                       PUB OS_CI CLOSE, 4, "malformed XML: ");
    /* undefined entity on line 3 */
    expect_only_prefix(DECL OPEN("s1") "  <title>&undefined;</title>\n"
                       DESIGN PUB OS_CI CLOSE, 3, "malformed XML: ");
    /* not XML at all: said so, for the whole file */
    expect_only_prefix("just some text\n", 0, "is not XML (it does not "
                       "begin with '<')");
    /* a second root element after the study (line 8) */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, MINIMAL "<study/>\n", &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_msg(err.n >= 1 && find_diag(&err, 8, "malformed XML: ", 1) >= 0,
                  "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
}
END_TEST

START_TEST(malformed_truncated)
{
    /* the document ends inside the study: the error is on the last line */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    static const char doc[] = DECL OPEN("s1") TITLE DESIGN PUB;   /* lines 1-5 */
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 0);
    ck_assert_msg(err.n >= 1 && strncmp(err.items[0].message, "malformed XML", 13) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    ck_assert_msg(err.items[0].line >= 5 && err.items[0].line <= 6,
                  "line %ld, expected the end of the document (5 or 6)",
                  err.items[0].line);
    mp_errors_clear(&err);
    /* an empty input */
    ck_assert_int_eq(read_doc(1, "", &c, &err), MP_EINPUT);
    ck_assert_msg(err.n >= 1, "an empty input gave no diagnostic");
    mp_errors_clear(&err);
}
END_TEST

/* ---- messages: libxml2's errors in plain words, inputs that are not XML ---------- */

/* The wordings are those of mp_xmlmsg.c, each the answer to a fault a
 * reviewer can make by hand (issue 16, "Messages"). */
#define DESCRIPTOR_HINT "a study descriptor is an XML document whose root " \
    "element is <study> or <studies> (see metapool-study(5))"
#define IMPORT_HINT "convert it to descriptors (metapool import, see metapool(1))"
#define LATIN1_STUDY(decl) decl OPEN("s1")                                 \
    "  <title>Sch\xf6n</title>\n" DESIGN PUB OS_CI CLOSE

START_TEST(message_not_utf8)
{
    /* byte 0xF6 (Latin-1 o-umlaut) on line 2, no declaration */
    expect_only(LATIN1_STUDY(""), 2, "byte 0xF6 is not UTF-8 (a file that "
                "declares no encoding is read as UTF-8): save the file as "
                "UTF-8 or declare its encoding in the XML declaration, such as "
                "encoding=\"ISO-8859-1\" for Latin-1");
    /* declared UTF-8: the byte is on line 3 */
    expect_only(LATIN1_STUDY(DECL), 3, "byte 0xF6 is not UTF-8, the encoding "
                "the XML declaration names: save the file as UTF-8 or declare "
                "its real encoding in the XML declaration, such as "
                "encoding=\"ISO-8859-1\" for Latin-1");
    /* declared as what it is: read, the title in UTF-8 */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, LATIN1_STUDY("<?xml version=\"1.0\" "
                                              "encoding=\"ISO-8859-1\"?>\n"),
                              &c, &err), MP_OK);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].title, "Sch\xc3\xb6n");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(message_not_xml)
{
    expect_only("", 0, "is empty; " DESCRIPTOR_HINT);
    expect_only(" \n\t\n", 0, "holds only white space; " DESCRIPTOR_HINT);
    expect_only("id,title,year,outcome,hr,lower,upper\ns1,T,2020,OS,0.8,0.6,1.07\n",
                0, "is a CSV table, not a study descriptor; " IMPORT_HINT);
    /* a semicolon table, as spreadsheets write it in some locales */
    expect_only("\xef\xbb\xbfid;title\n", 0,
                "is a CSV table, not a study descriptor; " IMPORT_HINT);
    expect_only("PK\3\4\24\0\0\0", 0, "is a zip archive, not a study "
                "descriptor; if it is a zipped RevMan 5 review, " IMPORT_HINT);
    expect_only(DECL "<COCHRANE_REVIEW DESCRIPTION=\"x\">\n<COVER_SHEET/>\n"
                "</COCHRANE_REVIEW>\n", 0, "is a RevMan 5 review, not a study "
                "descriptor; " IMPORT_HINT);
    expect_only("Hazard ratio 0.8\n", 0, "is not XML (it does not begin "
                "with '<'); " DESCRIPTOR_HINT "; a CSV table or a RevMan 5 "
                "review is converted with metapool import (see metapool(1))");
}
END_TEST

START_TEST(message_byte_order_marks)
{
    /* one byte order mark at the start is UTF-8's signature: read */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, "\xef\xbb\xbf" MINIMAL, &c, &err), MP_OK);
    ck_assert_int_eq(c.n, 1);
    mp_errors_clear(&err);
    /* a second one (a file saved twice with a signature) */
    expect_only("\xef\xbb\xbf\xef\xbb\xbf" MINIMAL, 0, "holds a byte order "
                "mark (bytes 0xEF 0xBB 0xBF) at byte 4; one may only be the "
                "file's first three bytes: remove it");
}
END_TEST

/* Faults of the syntax, each on line 3 of a study: the line, and the
 * wording of mp_xmlmsg.c. */
START_TEST(message_syntax)
{
#define MX "malformed XML: "
#define AMP_MSG MX "'&' that does not begin a reference such as &amp;: " \
    "write a literal & as &amp;"
    static const char *const cases[][2] = {
        { "  <title>A & B</title>\n", AMP_MSG },
        { "  <title>AT&T</title>\n", AMP_MSG },
        { "  <title>a < b</title>\n", MX "'<' that does not begin a tag: "
          "write a literal < as &lt;" },
        { "  <title>&nbsp;</title>\n", MX "unknown entity &nbsp;: XML has "
          "only &amp; &lt; &gt; &quot; &apos; and character references such "
          "as &#233;" },
        { "  <title x=1>T</title>\n", MX "an attribute value without quotes: "
          "write name=\"value\"" },
        { "  <title x=\"1\" x=\"2\">T</title>\n", MX "attribute x appears "
          "twice in one start tag" },
        { "  <title x>T</title>\n", MX "attribute x has no value: write "
          "x=\"...\"" },
        { "  <title x=\"a<b\">T</title>\n", MX "'<' in an attribute value: "
          "write it as &lt; (or is the value's closing quote missing?)" },
        { "  <title>T</titel>\n", MX "end tag </titel> does not match the "
          "start tag <title> of line 3" },
        { "  <title>\x01</title>\n", MX "character U+0001 is not allowed in "
          "XML" },
        { "  <!-- a -- b -->\n", MX "'--' inside a comment (<!-- ... -->)" },
        { "  <title>T</title x>\n", MX "an end tag does not end with '>' (an "
          "end tag holds the element's name only)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc, "%s%s%s", DECL OPEN("s1"), cases[i][0],
                 DESIGN PUB OS_CI CLOSE);
        expect_only(doc, 3, cases[i][1]);
    }
    expect_only("\n" MINIMAL, 2, MX "the XML declaration (<?xml ...?>) is not "
                "at the very start of the file: nothing, not even a blank "
                "line, may come before it");
#undef AMP_MSG
#undef MX
}
END_TEST

START_TEST(message_document_structure)
{
    /* the file ends inside the study: at its last line, naming the
     * innermost open element */
    expect_only(DECL OPEN("s1") TITLE "  <outcome name=\"OS\">\n", 4,
                "malformed XML: the file ends inside <outcome> of line 4: its "
                "end tag </outcome> is missing");
    /* a second study after the root: reported after the first is read */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, MINIMAL OPEN("s2") CLOSE, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_msg(err.n == 1, "diagnostics:%s", mp_check_dump(&err));
    expect_item(&err, 0, 8, "malformed XML: content after the end of the "
                "root element <study>: a document has one root element "
                "(several studies go in one <studies>)");
    mp_errors_clear(&err);
}
END_TEST

/* A copy of doc with every "\n" replaced by eol (malloc'd). */
static char *with_line_ends(const char *doc, const char *eol)
{
    size_t n = 0, k = strlen(eol);
    for (const char *p = doc; *p; p++)
        n += *p == '\n' ? k : 1;
    char *out = malloc(n + 1), *w = out;
    ck_assert_ptr_nonnull(out);
    for (const char *p = doc; *p; p++) {
        if (*p == '\n') {
            memcpy(w, eol, k);
            w += k;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return out;
}

/* Old Mac (CR) and Windows (CR LF) line ends count as LF does (XML 1.0,
 * section 2.11): the lines of several_problems_all_reported, of stray text,
 * and of a DOCTYPE (found by the byte scan, not the parser). */
START_TEST(line_ends_cr_and_crlf)
{
    static const char doc[] =
        DECL "<study id=\"Bad\" format=\"1\">\n"                           /* 2 */
        DESIGN                                                             /* 3 */
        "  <publication year=\"15\">P.</publication>\n"                    /* 4 */
        "  <outcome name=\"OS\">\n\n  x<hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/></outcome>\n"
        "  <title>T</title>\n" CLOSE;                                      /* 7, 8 */
    static const char *const eols[] = { "\r", "\r\n", "\n" };
    for (size_t i = 0; i < 3; i++) {
        char *d = with_line_ends(doc, eols[i]);
        collector c = { .n = 0 };
        mp_errors err = MP_ERRORS_INIT;
        ck_assert_int_eq(read_doc(1, d, &c, &err), MP_EINPUT);
        expect_diag(&err, 2, "study id \"Bad\" must match [a-z0-9][a-z0-9-]*");
        expect_diag(&err, 4, "<publication> year \"15\" is not a four-digit year");
        expect_diag(&err, 7, "unexpected text in <outcome>");
        ck_assert_msg(err.n == 3, "line ends %zu: diagnostics:%s", i,
                      mp_check_dump(&err));
        mp_errors_clear(&err);
        free(d);
        d = with_line_ends(DECL "\n<!DOCTYPE study>\n" MINIMAL, eols[i]);
        expect_only_prefix(d, 3, "DOCTYPE declarations are not allowed");
        free(d);
    }
}
END_TEST

/* A CR LF split by the end of the first chunk (bytes 65535 and 65536) is
 * one line end; so is each CR of a file of CRs past the first chunk. */
START_TEST(line_ends_across_chunks)
{
    enum { CHUNK = 65536 };
    static const char tail[] = "<study id=\"Bad\" format=\"1\">\r\n"  /* 3 */
        DESIGN                                                         /* 4 */
        "\r  <publication year=\"15\">P.</publication>\r\n" CLOSE;    /* LF CR: 6 */
    const char *head = DECL "<!--";
    size_t pad = CHUNK - 1 - strlen(head) - 3;
    char *doc = malloc(CHUNK + sizeof tail + 2);
    ck_assert_ptr_nonnull(doc);
    strcpy(doc, head);
    memset(doc + strlen(head), 'x', pad);
    strcpy(doc + strlen(head) + pad, "-->\r\n");
    ck_assert_int_eq(doc[CHUNK - 1], '\r');
    ck_assert_int_eq(doc[CHUNK], '\n');
    strcat(doc, tail);
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(0, doc, &c, &err), MP_EINPUT);
    expect_diag(&err, 3, "study id \"Bad\" must match [a-z0-9][a-z0-9-]*");
    expect_diag(&err, 6, "<publication> year \"15\" is not a four-digit year");
    mp_errors_clear(&err);
    free(doc);
}
END_TEST

/* ---- DOCTYPE, entities --------------------------------------------------------------- */

#define DOCTYPE_MSG "DOCTYPE declarations are not allowed in study descriptors"

START_TEST(doctype_refused)
{
    expect_only_prefix(DECL "<!DOCTYPE study>\n"                       /* 2 */
                       OPEN("s1") TITLE DESIGN PUB OS_CI CLOSE, 2, DOCTYPE_MSG);
    /* a DOCTYPE later in the prolog, after a comment */
    expect_only_prefix(DECL "<!-- c -->\n\n<!DOCTYPE study SYSTEM \"s.dtd\">\n"
                       OPEN("s1") TITLE DESIGN PUB OS_CI CLOSE, 4, DOCTYPE_MSG);
}
END_TEST

/* Ten levels of tenfold expansion: 10^9 copies of "lol" if expanded. */
static const char billion_laughs[] =
    DECL
    "<!DOCTYPE study [\n"                                                  /* 2 */
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<study id=\"bomb\" format=\"1\">\n"
    "  <title>&lol9;</title>\n" DESIGN PUB OS_CI CLOSE;

START_TEST(billion_laughs_refused_quickly)
{
    /* "Quickly": well within the test case's timeout (Check's default,
     * 4 s); a reader that expanded the entities would need gigabytes. */
    clock_t t0 = clock();
    expect_only_prefix(billion_laughs, 2, DOCTYPE_MSG);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 2.0, "took %.2f s of CPU", secs);
}
END_TEST

START_TEST(external_entity_refused)
{
    static const char doc[] =
        DECL
        "<!DOCTYPE study [\n"                                              /* 2 */
        "  <!ENTITY secret SYSTEM \"file:///etc/passwd\">\n"
        "]>\n"
        "<study id=\"xxe\" format=\"1\">\n"
        "  <title>&secret;</title>\n" DESIGN PUB OS_CI CLOSE;
    for (int schema = 0; schema <= 1; schema++) {
        collector c = { .n = 0 };
        mp_errors err = MP_ERRORS_INIT;
        ck_assert_int_eq(read_doc(schema, doc, &c, &err), MP_EINPUT);
        ck_assert_int_eq(c.n, 0);
        ck_assert_msg(find_diag(&err, 2, DOCTYPE_MSG, 1) >= 0, "diagnostics:%s",
                      mp_check_dump(&err));
        for (size_t i = 0; i < err.n; i++)
            ck_assert_msg(!strstr(err.items[i].message, "root:") &&
                              !strstr(err.items[i].message, "/bin/") &&
                              !strstr(err.items[i].message, "nologin"),
                          "file content in a diagnostic: %s", err.items[i].message);
        mp_errors_clear(&err);
    }
}
END_TEST

START_TEST(doctype_after_long_prolog_refused)
{
    /* "<!DOCTYPE" well past the first read buffer of the parser */
    size_t pad = 20000;
    const char *tail = "-->\n<!DOCTYPE study [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
                       "<study id=\"x\" format=\"1\"><title>&x;</title></study>\n";
    char *doc = malloc(strlen(DECL) + 4 + pad + strlen(tail) + 1);
    ck_assert_ptr_nonnull(doc);
    strcpy(doc, DECL "<!--");
    memset(doc + strlen(doc), 'c', pad);
    strcpy(doc + strlen(DECL) + 4 + pad, tail);
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_EINPUT);
    ck_assert_int_eq(c.n, 0);
    ck_assert_msg(find_diag(&err, 3, DOCTYPE_MSG, 1) >= 0, "diagnostics:%s",
                  mp_check_dump(&err));
    free(doc);
    mp_errors_clear(&err);
}
END_TEST

/* ---- the schema: a second line of defence ----------------------------------------- */

/* id="s1 " is squeezed to "s1" by the reader (valid for its own checks),
 * but the schema matches attribute values exactly. */
#define SCHEMA_ONLY DECL "<study id=\"s1 \" format=\"1\">\n" TITLE DESIGN PUB OS_CI CLOSE

START_TEST(schema_finding_when_own_checks_silent)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, SCHEMA_ONLY, &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_msg(err.n >= 1, "no schema diagnostic");
    for (size_t i = 0; i < err.n; i++)
        ck_assert_msg(strncmp(err.items[i].message, "does not match the schema", 25) == 0,
                      "unexpected diagnostic%s", mp_check_dump(&err));
    ck_assert_str_eq(err.items[0].file, NAME);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(schema_off_accepts)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(0, SCHEMA_ONLY, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].id, "s1");
    mp_errors_clear(&err);
}
END_TEST

START_TEST(schema_silent_when_own_checks_speak)
{
    /* the same schema problem plus a missing title: only our message */
    expect_only(DECL "<study id=\"s1 \" format=\"1\">\n" DESIGN PUB OS_CI CLOSE, 2,
                "study \"s1\" has no <title>");
    /* a valid document gives no schema diagnostic either */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, MINIMAL, &c, &err), MP_OK);
    ck_assert_int_eq(err.n, 0);
    mp_errors_clear(&err);
}
END_TEST

START_TEST(schema_off_same_own_checks)
{
    /* Our checks do not depend on the schema option. */
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(0, DECL OPEN("s1") DESIGN PUB OS_CI CLOSE, &c, &err),
                     MP_EINPUT);
    ck_assert_int_eq(c.n, 0);
    ck_assert_msg(err.n == 1, "diagnostics:%s", mp_check_dump(&err));
    expect_diag(&err, 2, "study \"s1\" has no <title>");
    mp_errors_clear(&err);
}
END_TEST

/* ---- files ------------------------------------------------------------------------------ */

START_TEST(file_errors)
{
    mp_reader *rd = mp_check_reader(0);
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    char path[1024];
    mp_check_data_path(path, sizeof path, "unit/no-such-file.xml");
    ck_assert_int_eq(mp_read_file(rd, path, collect, &c, &err), MP_EIO);
    ck_assert_int_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].file, path);
    expect_item(&err, 0, 0, "cannot open: No such file or directory");
    mp_errors_clear(&err);
    mp_check_data_path(path, sizeof path, "unit");
    ck_assert_int_eq(mp_read_file(rd, path, collect, &c, &err), MP_EIO);
    ck_assert_int_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].message, "is a directory");
    ck_assert_int_eq(c.n, 0);
    mp_errors_clear(&err);
    mp_reader_free(rd);
}
END_TEST

START_TEST(reader_reusable)
{
    /* one reader, several inputs; diagnostics accumulate in one list */
    mp_reader *rd = mp_check_reader(1);
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    static const char bad[] = DECL OPEN("s2") DESIGN PUB OS_CI CLOSE;
    ck_assert_int_eq(mp_read_memory(rd, MINIMAL, strlen(MINIMAL), "a.xml", collect,
                                    &c, &err), MP_OK);
    ck_assert_int_eq(mp_read_memory(rd, bad, strlen(bad), "b.xml", collect, &c, &err),
                     MP_EINPUT);
    ck_assert_int_eq(mp_read_memory(rd, MINIMAL, strlen(MINIMAL), "c.xml", collect,
                                    &c, &err), MP_OK);
    ck_assert_int_eq(c.n, 2);
    ck_assert_str_eq(c.s[0].file, "a.xml");
    ck_assert_str_eq(c.s[1].file, "c.xml");
    ck_assert_int_eq(err.n, 1);
    ck_assert_str_eq(err.items[0].file, "b.xml");
    mp_errors_clear(&err);
    mp_reader_free(rd);
}
END_TEST

/* ---- the SAX reader ------------------------------------------------------------ */

START_TEST(text_split_by_comments_and_references)
{
    static const char doc[] =
        DECL "<study id=\"s1\" format=\"1\">\n"
        "  <title>A<!-- c -->B <?pi x?> C&#38;D</title>\n" DESIGN PUB
        "  <covariate name=\"a &amp; b\" value=\"x&#38;#38;y\"/>\n"
        OS_CI CLOSE;
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_doc(1, doc, &c, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].title, "AB C&D");
    ck_assert_str_eq(c.s[0].cov_name[0], "a & b");
    ck_assert_str_eq(c.s[0].cov_value[0], "x&#38;y");
    mp_errors_clear(&err);
}
END_TEST

/* Stray text is reported at the line of its first non-blank character,
 * also when it spans lines or starts in a CDATA section. */
START_TEST(stray_text_first_nonblank_line)
{
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <outcome name=\"OS\">\n"                                /* 6 */
                "    HR 0.8\n"                                             /* 7 */
                "    (0.6 to 1.07)\n"                                      /* 8 */
                "    <hazard-ratio estimate=\"0.8\" lower=\"0.6\" upper=\"1.07\"/>\n"
                "  </outcome>\n" CLOSE,
                7, "unexpected text in <outcome>");
    expect_only(DECL OPEN("s1") TITLE DESIGN PUB
                "  <![CDATA[\n"                                            /* 6 */
                "  x ]]>\n"                                                /* 7 */
                OS_CI CLOSE,
                7, "unexpected text in <study>");
}
END_TEST

/* An undeclared prefix is an error libxml2 does not treat as fatal: it is
 * reported (the first parser error), and reading goes on. */
START_TEST(namespace_error_not_fatal)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(1, DECL OPEN("s1") TITLE DESIGN PUB
                            "  <outcome x:name=\"OS\"><hazard-ratio estimate=\"0.8\" "
                            "lower=\"0.6\" upper=\"1.07\"/></outcome>\n"     /* 6 */
                            CLOSE, &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_int_eq(c.n, 0);
    ck_assert_msg(err.n == 3 && find_diag(&err, 6, "malformed XML: Namespace prefix x", 1) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    expect_diag(&err, 6, "unknown attribute x:name on <outcome>");
    expect_diag(&err, 6, "<outcome> lacks the required attribute name");
    mp_errors_clear(&err);
}
END_TEST

/* libxml2's tree builder checked xml:id values (an error, not fatal). */
START_TEST(xml_id_checked)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(0, DECL "<studies format=\"1\">\n"
                            "<study id=\"a\" xml:id=\"1a\">\n" TITLE DESIGN PUB OS_CI CLOSE
                            "</studies>\n", &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_msg(err.n == 1 && find_diag(&err, 3, "malformed XML: xml:id : attribute "
                                          "value 1a is not an NCName", 0) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
    c.n = 0;
    st = read_doc(0, DECL "<studies format=\"1\">\n"
                  "<study id=\"a\" xml:id=\"x\">\n" TITLE DESIGN PUB OS_CI CLOSE   /* 3-8 */
                  "<study id=\"b\" xml:id=\"x\">\n" TITLE DESIGN PUB OS_CI CLOSE   /* 9 */
                  "</studies>\n", &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_int_eq(c.n, 2);
    ck_assert_msg(err.n == 1 && find_diag(&err, 9, "malformed XML: ID x already defined", 0) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
}
END_TEST

/* Diagnostics take effect in document order: a problem of ours that ends
 * the file (here the root) is reported, a parser error after it is not;
 * a parser error before anything of ours is reported alone. */
START_TEST(first_problem_in_document_order)
{
    expect_only(DECL "<trial>\n<?xml version=\"1.0\"?>\n</trial>\n", 2,
                "root element is <trial>; expected <study> or <studies>");
    expect_only(DECL "<trial>\n", 2,
                "root element is <trial>; expected <study> or <studies>");
    expect_only_prefix(DECL "<study id=\"s1\" format=\"1\"\n<title>\n", 3,
                       "malformed XML: ");
}
END_TEST

/* A study is checked and handed over at its end tag: a fatal error after
 * it does not take it back, and nothing after the error is read. */
START_TEST(study_handed_over_before_later_error)
{
    collector c = { .n = 0 };
    mp_errors err = MP_ERRORS_INIT;
    mp_status st = read_doc(0, MINIMAL "<junk/>\n", &c, &err);       /* 8 */
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_msg(err.n == 1 && find_diag(&err, 8, "malformed XML: ", 1) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
    c.n = 0;
    st = read_doc(0, DECL "<studies format=\"1\">\n"
                  OPEN("a") TITLE DESIGN PUB OS_CI CLOSE               /* 3-8 */
                  "<1/>\n"                                            /* 9 */
                  OPEN("b") TITLE DESIGN PUB OS_CI CLOSE
                  "</studies>\n", &c, &err);
    ck_assert_int_eq(st, MP_EINPUT);
    ck_assert_int_eq(c.n, 1);
    ck_assert_str_eq(c.s[0].id, "a");
    ck_assert_msg(err.n == 1 && find_diag(&err, 9, "malformed XML: ", 1) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    mp_errors_clear(&err);
}
END_TEST

/* A collection of ~120 KB: the parser gets it in chunks; every study
 * reaches the callback, with its lines. */
enum { BIG_N = 600 };
static char *big_collection(const char *insert_at_study, const char *insert)
{
    size_t cap = 256 * (BIG_N + 4) + 1024;
    char *doc = malloc(cap);
    ck_assert_ptr_nonnull(doc);
    size_t n = (size_t)snprintf(doc, cap, "%s<studies format=\"1\">\n", DECL);
    for (int i = 0; i < BIG_N; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%d", i);
        if (insert_at_study && strcmp(id, insert_at_study) == 0)
            n += (size_t)snprintf(doc + n, cap - n, "%s", insert);
        n += (size_t)snprintf(doc + n, cap - n,
                              "<study id=\"%s\"><title>Study %d</title><design>rct</design>"
                              "<publication year=\"2020\">Synthetic.</publication>"
                              "<outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" "
                              "lower=\"0.6\" upper=\"1.07\"/></outcome></study>\n", id, i);
    }
    snprintf(doc + n, cap - n, "</studies>\n");
    return doc;
}

/* Counts the studies; checks the line of each (line 3 + its number). */
static mp_status count_study(const mp_study *s, void *ctx)
{
    long *count = ctx;
    long i = strtol(s->id + 1, NULL, 10);
    ck_assert_int_eq(s->line, 3 + i);
    ck_assert_int_eq(s->outcomes[0].line, s->line);
    ck_assert_str_eq(s->outcomes[0].name, "OS");
    (*count)++;
    return MP_OK;
}

static mp_status read_big(const char *doc, int schema, long *count, mp_errors *err)
{
    mp_reader *r = mp_check_reader(schema);
    *count = 0;
    mp_status st = mp_read_memory(r, doc, strlen(doc), NAME, count_study, count, err);
    mp_reader_free(r);
    return st;
}

START_TEST(collection_in_chunks)
{
    char *doc = big_collection(NULL, NULL);
    ck_assert_uint_gt(strlen(doc), 100000);
    long count;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_big(doc, 1, &count, &err), MP_OK);
    ck_assert_msg(err.n == 0, "diagnostics:%s", mp_check_dump(&err));
    ck_assert_int_eq(count, BIG_N);
    free(doc);
}
END_TEST

/* A fatal error past the first chunk: the studies before it are read,
 * its diagnostic is the last, nothing after it is read. */
START_TEST(collection_error_past_first_chunk)
{
    char *doc = big_collection("s500", "<1/>");        /* on line 503 */
    long count;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_big(doc, 0, &count, &err), MP_EINPUT);
    ck_assert_msg(err.n == 1 && find_diag(&err, 503, "malformed XML: ", 1) == 0,
                  "diagnostics:%s", mp_check_dump(&err));
    ck_assert_msg(count == 500, "%ld studies read", count);
    free(doc);
    mp_errors_clear(&err);
}
END_TEST

/* A DOCTYPE hidden in a comment across the first chunk's end (byte
 * 65536) is refused as any other, at its line. */
START_TEST(doctype_across_chunks_refused)
{
    char *doc = big_collection(NULL, NULL);
    size_t len = strlen(doc);
    const size_t lt = 65536 - 5;            /* "<!DOC" before, "TYPE" after */
    /* the comment goes at the start of the line holding byte lt */
    size_t head = lt;
    while (head > 0 && doc[head - 1] != '\n')
        head--;
    size_t pad = lt - head - 4;
    char *d2 = malloc(len + pad + 64);
    ck_assert_ptr_nonnull(d2);
    memcpy(d2, doc, head);
    memcpy(d2 + head, "<!--", 4);
    memset(d2 + head + 4, 'x', pad);
    strcpy(d2 + lt, "<!DOCTYPE x>-->");
    strcat(d2, doc + head);
    ck_assert(memcmp(d2 + lt, "<!DOCTYPE", 9) == 0);
    long line = 1;
    for (const char *q = d2; q < d2 + lt; q++)
        line += *q == '\n';
    long count;
    mp_errors err = MP_ERRORS_INIT;
    ck_assert_int_eq(read_big(d2, 0, &count, &err), MP_EINPUT);
    ck_assert_msg(err.n == 1 && find_diag(&err, line, DOCTYPE_MSG, 1) == 0,
                  "expected line %ld; diagnostics:%s", line, mp_check_dump(&err));
    /* the studies before the comment's line are read */
    ck_assert_int_eq(count, line - 3);
    free(doc);
    free(d2);
    mp_errors_clear(&err);
}
END_TEST

static Suite *study_suite(void)
{
    Suite *s = suite_create("mp_study");
    TCase *tc = tcase_create("valid");
    tcase_add_test(tc, minimal_study);
    tcase_add_test(tc, full_study_from_file);
    tcase_add_test(tc, text_entities_and_cdata);
    tcase_add_test(tc, arm_without_label_and_n);
    tcase_add_test(tc, comments_and_whitespace_ignored);
    tcase_add_test(tc, line_numbers_beyond_65535);
    tcase_add_test(tc, study_line_beyond_65535);
    tcase_add_test(tc, collection_in_order);
    tcase_add_test(tc, collection_empty);
    tcase_add_test(tc, collection_bad_study_skipped);
    tcase_add_test(tc, callback_stops_reading);
    tcase_add_test(tc, reader_reusable);
    tcase_add_test(tc, file_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("rejections");
    tcase_add_test(tc, collection_rejections);
    tcase_add_test(tc, collection_stray_text_line);
    tcase_add_test(tc, collection_unsupported_format_not_read);
    tcase_add_test(tc, reject_missing_children);
    tcase_add_test(tc, reject_id_and_format);
    tcase_add_test(tc, reject_unknown_root);
    tcase_add_test(tc, reject_unknown_element);
    tcase_add_test(tc, reject_unknown_attribute);
    tcase_add_test(tc, reject_numbers);
    tcase_add_test(tc, reject_hazard_ratio_forms);
    tcase_add_test(tc, interval_with_p);
    tcase_add_test(tc, median_survival_read);
    tcase_add_test(tc, reject_median_survival);
    tcase_add_test(tc, reject_two_effects);
    tcase_add_test(tc, reject_duplicate_outcome);
    tcase_add_test(tc, reject_repeated_outcomes_in_order);
    tcase_add_test(tc, reject_once_only_elements);
    tcase_add_test(tc, reject_publication_values);
    tcase_add_test(tc, reject_arm_values);
    tcase_add_test(tc, reject_stray_text);
    tcase_add_test(tc, reject_namespace);
    tcase_add_test(tc, reject_text_too_long);
    tcase_add_test(tc, reject_attribute_too_long);
    tcase_add_test(tc, reject_study_too_long);
    tcase_add_test(tc, reject_input_too_large);
    tcase_add_test(tc, study_limit_counts_the_start_tag);
    tcase_add_test(tc, limit_message_passes_the_diagnostics_limit);
    tcase_add_test(tc, reject_too_many_xml_ids);
    tcase_add_test(tc, zero_limits_mean_none);
    tcase_add_test(tc, fatal_parse_error_passes_the_diagnostics_limit);
    tcase_add_test(tc, several_problems_all_reported);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_test(tc, malformed_tag_mismatch);
    tcase_add_test(tc, malformed_various);
    tcase_add_test(tc, malformed_truncated);
    tcase_add_test(tc, doctype_refused);
    tcase_add_test(tc, billion_laughs_refused_quickly);
    tcase_add_test(tc, external_entity_refused);
    tcase_add_test(tc, doctype_after_long_prolog_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("messages");
    tcase_add_test(tc, message_not_utf8);
    tcase_add_test(tc, message_not_xml);
    tcase_add_test(tc, message_byte_order_marks);
    tcase_add_test(tc, message_syntax);
    tcase_add_test(tc, message_document_structure);
    tcase_add_test(tc, line_ends_cr_and_crlf);
    tcase_add_test(tc, line_ends_across_chunks);
    suite_add_tcase(s, tc);

    tc = tcase_create("schema");
    tcase_add_test(tc, schema_finding_when_own_checks_silent);
    tcase_add_test(tc, schema_off_accepts);
    tcase_add_test(tc, schema_silent_when_own_checks_speak);
    tcase_add_test(tc, schema_off_same_own_checks);
    suite_add_tcase(s, tc);

    tc = tcase_create("sax");
    tcase_add_test(tc, text_split_by_comments_and_references);
    tcase_add_test(tc, stray_text_first_nonblank_line);
    tcase_add_test(tc, namespace_error_not_fatal);
    tcase_add_test(tc, xml_id_checked);
    tcase_add_test(tc, first_problem_in_document_order);
    tcase_add_test(tc, study_handed_over_before_later_error);
    tcase_add_test(tc, collection_in_chunks);
    tcase_add_test(tc, collection_error_past_first_chunk);
    tcase_add_test(tc, doctype_across_chunks_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(study_suite());
}
