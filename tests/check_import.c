/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_import.c - unit tests of the importers (issue 22): the CSV
 * tokenizer (RFC 4180: quotes, doubled quotes, embedded line breaks, CRLF,
 * a byte order mark), the table's mapping and its bad cells, the RevMan 5
 * mapping (tests/data/import/chemo.rm5 and survival.rm5, made by
 * tests/reference/import/make_reviews.R), safe identifiers, the
 * descriptor writer and the template.  Expected values are those of the
 * input files, read off by hand. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metapool.h"
#include "mp_descriptor_write.h"
#include "mp_error.h"
#include "mp_import.h"
#include "mp_import_csv.h"
#include "mp_import_rm5.h"
#include "mp_template.h"
#include "testutil.h"

/* A log hazard ratio written with 17 significant digits reads back within
 * an ulp or two. */
#define TOL_LOG 1e-15

/* ---- the tokenizer ------------------------------------------------------------- */

/* Tokenize text; the records as "a|b|c" lines joined by '\n' into out. */
static int tokens(const char *text, char *out, size_t size, long *err_line)
{
    mp_csv c;
    mp_csv_init(&c, text, strlen(text));
    char msg[256];
    int rc;
    out[0] = '\0';
    while ((rc = mp_csv_next(&c, msg, sizeof msg, err_line)) == 1) {
        for (size_t i = 0; i < c.n; i++) {
            strncat(out, c.field[i], size - strlen(out) - 1);
            strncat(out, i + 1 < c.n ? "|" : "\n", size - strlen(out) - 1);
        }
    }
    mp_csv_free(&c);
    return rc;
}

START_TEST(csv_fields_and_quotes)
{
    static const struct { const char *in, *out; } c[] = {
        { "a,b,c\n", "a|b|c\n" },
        { "a,b,c", "a|b|c\n" },                         /* no final break */
        { "a,,c\r\nd,e,\r\n", "a||c\nd|e|\n" },         /* CRLF, empty fields */
        { "\"x,y\",\"say \"\"hi\"\"\"\n", "x,y|say \"hi\"\n" },
        { "\"two\nlines\",z\n", "two\nlines|z\n" },     /* embedded newline */
        { "\xEF\xBB\xBFid,title\n", "id|title\n" },     /* BOM skipped */
        { "\"\",x\n", "|x\n" },
        { "", "" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char out[256];
        long line = 0;
        ck_assert_int_ge(tokens(c[i].in, out, sizeof out, &line), 0);
        ck_assert_str_eq(out, c[i].out);
    }
}
END_TEST

START_TEST(csv_lines_of_fields)
{
    const char *text = "h1,h2\n\"a\nb\nc\",d\ne,f\n";
    mp_csv c;
    mp_csv_init(&c, text, strlen(text));
    char msg[128];
    long line;
    ck_assert_int_eq(mp_csv_next(&c, msg, sizeof msg, &line), 1);
    ck_assert_int_eq(mp_csv_next(&c, msg, sizeof msg, &line), 1);
    ck_assert_int_eq(c.field_line[0], 2);
    ck_assert_int_eq(c.field_line[1], 4);   /* after two embedded breaks */
    ck_assert_int_eq(mp_csv_next(&c, msg, sizeof msg, &line), 1);
    ck_assert_int_eq(c.field_line[0], 5);
    ck_assert_int_eq(mp_csv_next(&c, msg, sizeof msg, &line), 0);
    mp_csv_free(&c);
}
END_TEST

START_TEST(csv_malformed)
{
    static const struct { const char *in; long line; const char *says; } c[] = {
        { "a,b\n\"open,c\nd\n", 2, "never closed" },
        { "a,\"b\"x\n", 1, "after the closing quote" },
        { "a,b\nc,d\"e\n", 2, "does not begin with one" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mp_csv t;
        mp_csv_init(&t, c[i].in, strlen(c[i].in));
        char msg[256];
        long line = 0;
        int rc;
        while ((rc = mp_csv_next(&t, msg, sizeof msg, &line)) == 1)
            ;
        ck_assert_int_eq(rc, -1);
        ck_assert_int_eq(line, c[i].line);
        ck_assert_msg(strstr(msg, c[i].says), "%s: %s", c[i].in, msg);
        mp_csv_free(&t);
    }
}
END_TEST

/* ---- the table ------------------------------------------------------------------- */

static mp_status import_table(mp_import_set *s, const char *text, mp_errors *e)
{
    mp_import_set_init(s);
    return mp_import_csv(s, "t.csv", text, strlen(text), e);
}

START_TEST(table_rows_merge_by_id)
{
    const char *text =
        "id,title,year,outcome,hr,lower,upper,p,events_experimental,total_experimental,"
        "events_control,total_control,covariate:node\r\n"
        "a-1,Trial A,2001,OS,0.8,0.6,1.1,,,,,,neg\r\n"
        "b-2,Trial B,2002,OS,0.9,,,0.04,,,,,\r\n"
        "a-1,Trial A,2001,RESP,,,,,10,100,20,100,neg\r\n";
    mp_import_set s;
    mp_errors *e = mp_errors_new(0);
    ck_assert_int_eq(import_table(&s, text, e), MP_OK);
    ck_assert_msg(mp_errors_count(e) == 0, "%s", mp_check_dump(e));
    ck_assert_uint_eq(s.n, 2);
    const mp_import_study *a = s.studies, *b = a->next;
    ck_assert_str_eq(a->id, "a-1");
    ck_assert_str_eq(a->covariates->value, "neg");
    ck_assert_ptr_null(a->covariates->next);
    const mp_import_outcome *os = a->outcomes, *resp = os->next;
    ck_assert_int_eq(os->form, MP_IMPORT_HR_CI);
    ck_assert_str_eq(os->value[2], "1.1");
    ck_assert_int_eq(os->line, 2);
    ck_assert_int_eq(resp->form, MP_IMPORT_COUNTS);
    ck_assert_str_eq(resp->value[3], "100");
    ck_assert_int_eq(resp->line, 4);
    ck_assert_int_eq(b->outcomes->form, MP_IMPORT_HR_P);
    ck_assert_str_eq(b->outcomes->value[1], "0.04");
    ck_assert_ptr_null(b->covariates);
    mp_import_set_free(&s);
    mp_errors_free(e);
}
END_TEST

/* Each bad table gives exactly this first diagnostic. */
START_TEST(table_bad_cells)
{
    static const struct { const char *text, *says; long line; } c[] = {
        { "id,title,year,outcome,hr,lower,upper\na,A,2001,OS,\"0,8\",0.6,1.1\n",
          "column hr: '0,8' has a decimal comma: write a decimal point (0.8)", 2 },
        { "id,title,year,outcome,hr,lower,upper\na,A,2001,OS,x,0.6,1.1\n",
          "column hr: 'x' is not a number", 2 },
        { "id,title,year,outcome,log_hr,se\nA b,A,2001,OS,0.1,0.2\n",
          "column id: 'A b' is not a study id", 2 },
        { "id,title,year,outcome,log_hr,se\na,A,01,OS,0.1,0.2\n",
          "column year: '01' is not a four-digit year", 2 },
        { "id,title,year,outcome,o_minus_e,variance\na,A,2001,OS,1,\n",
          "no complete effect in this row", 2 },
        { "id,title,year,outcome,log_hr,se,o_minus_e,variance\na,A,2001,OS,1,1,1,1\n",
          "more than one effect in one row", 2 },
        { "id,title,year,outcome,log_hr,se\na,A,2001,OS,0.1,0.2\na,B,2001,PFS,0.1,0.2\n",
          "column title: 'B' differs from the same study's row on line 2", 3 },
        { "id,title,year,outcome,log_hr,se\na,A,2001,OS,0.1,0.2\na,A,2001,OS,0.1,0.2\n",
          "column outcome: study a has outcome OS already", 3 },
        { "id,title,year,outcome,events_experimental,total_experimental,events_control,"
          "total_control\na,A,2001,OS,1.5,10,2,10\n",
          "column events_experimental: '1.5' is not a whole number", 2 },
        { "id,title,year,outcome,log_hr,se\na,A,2001,OS,0.1\n",
          "5 fields where the header has 6", 2 },
        { "id,title,year,result,log_hr,se\n", "'result' is not a column", 1 },
        { "id,title,outcome,log_hr,se\n", "the header has no column 'year'", 1 },
        { "id,title,year,outcome,hr\n", "the header has no effect columns", 1 },
        { "id,title,year,outcome,log_hr,se\na,\"A\nB\",2001,OS,\"0,1\",0.2\n",
          "column log_hr: '0,1' has a decimal comma", 3 },
        { "id,title,year,outcome,log_hr,se\na,\xff,2001,OS,0.1,0.2\n", "not UTF-8", 2 },
        { "", "no header row", 1 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mp_import_set s;
        mp_errors *e = mp_errors_new(0);
        ck_assert_int_eq(import_table(&s, c[i].text, e), MP_EINPUT);
        ck_assert_uint_ge(mp_errors_size(e), 1);
        const mp_diag *d = mp_errors_get(e, 0);
        ck_assert_msg(strstr(d->message, c[i].says), "case %zu: %s", i, d->message);
        ck_assert_int_eq(d->line, c[i].line);
        ck_assert_str_eq(d->file, "t.csv");
        mp_import_set_free(&s);
        mp_errors_free(e);
    }
}
END_TEST

/* A value out of range is found by the reader's checks, at the row. */
START_TEST(table_check_finds_ranges)
{
    const char *text = "id,title,year,outcome,hr,lower,upper\na,A,2001,OS,0.8,1.1,0.6\n";
    mp_import_set s;
    mp_errors *e = mp_errors_new(0);
    ck_assert_int_eq(import_table(&s, text, e), MP_OK);
    ck_assert_int_eq(mp_import_check(&s, e), MP_EINPUT);
    const mp_diag *d = mp_errors_get(e, 0);
    ck_assert_str_eq(d->file, "t.csv");
    ck_assert_int_eq(d->line, 2);
    mp_import_set_free(&s);
    mp_errors_free(e);
}
END_TEST

/* ---- RevMan 5 ---------------------------------------------------------------------- */

static mp_status import_review(mp_import_set *s, const char *name, mp_errors *e)
{
    char path[4096];
    mp_check_data_path(path, sizeof path, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    mp_import_set_init(s);
    return mp_import_rm5(s, name, buf, n, e);
}

static const mp_import_study *study(const mp_import_set *s, const char *id)
{
    for (const mp_import_study *st = s->studies; st; st = st->next)
        if (strcmp(st->id, id) == 0)
            return st;
    ck_abort_msg("no study %s", id);
    return NULL;
}

START_TEST(rm5_dichotomous_latin1)
{
    mp_import_set s;
    mp_errors *e = mp_errors_new(0);
    ck_assert_int_eq(import_review(&s, "import/chemo.rm5", e), MP_OK);
    /* the continuous outcome: a warning at its line, not a silent drop */
    ck_assert_int_eq(mp_errors_count(e), 0);
    ck_assert_int_eq(mp_errors_warnings(e), 1);
    ck_assert_int_eq(mp_errors_get(e, 0)->line, 89);
    ck_assert_ptr_nonnull(strstr(mp_errors_get(e, 0)->message, "\"Quality of life\" skipped"));
    ck_assert_uint_eq(s.n, 4);
    const mp_import_study *m = study(&s, "mueller-1999");
    ck_assert_str_eq(m->title, "M\xc3\xbcller 1999");     /* Latin-1 read as such */
    ck_assert_str_eq(m->year, "1999");
    ck_assert_str_eq(m->doi, "10.1000/mueller.1999");
    ck_assert_str_eq(m->citation, "M\xc3\xbcller K, Sch\xc3\xa4" "fer B. Adjuvant "
                     "chemotherapy & observation. J Clin Oncol 1999;12:100-9.");
    ck_assert_str_eq(m->arm_label[0], "Chemotherapy");
    const mp_import_outcome *o = m->outcomes;
    ck_assert_str_eq(o->name, "death-at-5-years");
    ck_assert_int_eq(o->form, MP_IMPORT_COUNTS);
    ck_assert_str_eq(o->value[0], "15");
    ck_assert_str_eq(o->value[1], "120");
    ck_assert_str_eq(o->value[2], "25");
    ck_assert_str_eq(o->value[3], "118");
    ck_assert_str_eq(o->next->name, "recurrence");
    ck_assert_ptr_null(study(&s, "orsted-2003")->doi);
    mp_import_set_free(&s);
    mp_errors_free(e);
}
END_TEST

START_TEST(rm5_hazard_ratios_subgroups_peto)
{
    mp_import_set s;
    mp_errors *e = mp_errors_new(0);
    ck_assert_int_eq(import_review(&s, "import/survival.rm5", e), MP_OK);
    ck_assert_msg(mp_errors_size(e) == 0, "%s", mp_check_dump(e));
    ck_assert_uint_eq(s.n, 5);
    const mp_import_study *g = study(&s, "gamma-trial");
    const mp_import_outcome *os = g->outcomes, *dfs = os->next;
    ck_assert_str_eq(os->name, "overall-survival");
    ck_assert_int_eq(os->form, MP_IMPORT_LOG_HR);
    ck_assert_double_eq_tol(strtod(os->value[0], NULL), log(0.61), TOL_LOG);
    ck_assert_str_eq(os->value[1], "0.28");
    ck_assert_str_eq(g->covariates->name, "overall-survival-subgroup");
    ck_assert_str_eq(g->covariates->value, "Node positive");
    ck_assert_str_eq(study(&s, "alpha")->covariates->value, "Node negative");
    ck_assert_str_eq(dfs->name, "disease-free-survival");
    ck_assert_int_eq(dfs->form, MP_IMPORT_PETO);
    ck_assert_str_eq(dfs->value[0], "-9.8");
    ck_assert_str_eq(dfs->value[1], "18.1");
    ck_assert_ptr_nonnull(strstr(s.summary, "\"Overall survival\" of comparison "
                                 "\"Adjuvant therapy versus none\" -> overall-survival"));
    mp_import_set_free(&s);
    mp_errors_free(e);
}
END_TEST

START_TEST(rm5_bad_documents)
{
    static const struct { const char *doc, *says; long line; } c[] = {
        { "PK\3\4xxxx", "not a readable zip archive", 0 },
        { "<?xml version=\"1.0\"?>\n<COCHRANE_REVIEW>\n<X>\n</COCHRANE_REVIEW>\n",
          "malformed XML", 4 },
        { "<?xml version=\"1.0\"?>\n<study/>\n", "the root element is <study>", 2 },
        { "<COCHRANE_REVIEW>\n<ANALYSES_AND_DATA><COMPARISON>\n<DICH_OUTCOME>\n"
          "<DICH_DATA STUDY_ID=\"S\"/>\n</DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA>"
          "</COCHRANE_REVIEW>", "STUDY_ID 'S' is not an included study", 4 },
        { "<COCHRANE_REVIEW><STUDIES><INCLUDED_STUDIES>\n<STUDY ID=\"S\" NAME=\"S\" "
          "YEAR=\"2001\"/></INCLUDED_STUDIES></STUDIES>\n<ANALYSES_AND_DATA><COMPARISON>"
          "\n<DICH_OUTCOME>\n<DICH_DATA STUDY_ID=\"S\" EVENTS_1=\"x\" TOTAL_1=\"1\" "
          "EVENTS_2=\"1\" TOTAL_2=\"1\"/>\n</DICH_OUTCOME></COMPARISON>"
          "</ANALYSES_AND_DATA></COCHRANE_REVIEW>", "DICH_DATA: EVENTS_1 is not a number", 5 },
        { "<COCHRANE_REVIEW><STUDIES><INCLUDED_STUDIES>\n<STUDY ID=\"S\" NAME=\"S\"/>"
          "</INCLUDED_STUDIES></STUDIES>\n<ANALYSES_AND_DATA><COMPARISON>\n<IPD_OUTCOME>"
          "\n<IPD_DATA STUDY_ID=\"S\" O_E=\"1\" VAR=\"2\"/>\n</IPD_OUTCOME></COMPARISON>"
          "</ANALYSES_AND_DATA></COCHRANE_REVIEW>", "study S has no four-digit year", 2 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mp_import_set s;
        mp_import_set_init(&s);
        mp_errors *e = mp_errors_new(0);
        ck_assert_int_eq(mp_import_rm5(&s, "r.rm5", c[i].doc, strlen(c[i].doc), e),
                         MP_EINPUT);
        const mp_diag *d = mp_errors_get(e, 0);
        ck_assert_msg(strstr(d->message, c[i].says), "case %zu: %s", i, d->message);
        ck_assert_int_eq(d->line, c[i].line);
        mp_import_set_free(&s);
        mp_errors_free(e);
    }
}
END_TEST

/* ---- identifiers, the writer, the template ------------------------------------- */

START_TEST(identifiers)
{
    static const struct { const char *in, *out; } c[] = {
        { "Overall survival", "overall-survival" },
        { "  M\xc3\xbcller, 1999 (a) ", "mueller-1999-a" },
        { "\xc3\x98rsted \xc3\x9f", "orsted-ss" },
        { "\xe6\x97\xa5 x", "x" },
        { "---", "" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[64];
        ck_assert_str_eq(mp_import_identifier(c[i].in, 1, buf, sizeof buf), c[i].out);
    }
    char small[6];
    ck_assert_str_eq(mp_import_identifier("abc def", 1, small, sizeof small), "abc");
    ck_assert_str_eq(mp_import_identifier("abcdefgh", 1, small, sizeof small), "abcde");
}
END_TEST

/* The document read back by the library: valid, its strings escaped. */
static void expect_valid(const char *doc, size_t len)
{
    mp_analysis *a = mp_analysis_new(NULL, NULL);
    ck_assert_ptr_nonnull(a);
    mp_analysis_read_memory(a, doc, len, "doc.xml");
    mp_status st = mp_analysis_check(a, 0);
    ck_assert_msg(st == MP_OK, "%s\n%s", doc,
                  mp_check_dump(mp_analysis_errors(a, MP_STAGE_READ)));
    mp_analysis_free(a);
}

START_TEST(writer_escapes_and_validates)
{
    mp_import_set s;
    mp_import_set_init(&s);
    mp_import_study *st = mp_import_study_get(&s, "x-1", NULL);
    st->title = "A <b> & \"c\"";
    st->year = "2001";
    st->citation = "Smith & Jones <2001>";
    mp_import_covariate_add(&s, st, "site", "a&b");
    mp_import_outcome *o = mp_import_outcome_add(&s, st, "OS");
    o->form = MP_IMPORT_PETO;
    o->value[0] = "-1.5";
    o->value[1] = "10";
    mp_import_note(&s, st, "line %d", 1);
    mp_import_note(&s, st, "]]> %s", "<end>");
    char *doc;
    size_t len;
    ck_assert_int_eq(mp_descriptor_write(st, &doc, &len), MP_OK);
    ck_assert_ptr_nonnull(strstr(doc, "<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"));
    ck_assert_ptr_nonnull(strstr(doc, "<peto o-minus-e=\"-1.5\" variance=\"10\"/>"));
    ck_assert_ptr_nonnull(strstr(doc, "value=\"a&amp;b\""));
    expect_valid(doc, len);
    free(doc);
    mp_import_set_free(&s);
}
END_TEST

START_TEST(template_filled_validates)
{
    static const char *const fill[][2] = {
        { "@TITLE@", "T" }, { "@YEAR@", "2020" }, { "@DOI@", "10.1000/x" },
        { "@CITATION@", "C" }, { "@EXPERIMENTAL@", "E" }, { "@N_EXPERIMENTAL@", "10" },
        { "@CONTROL@", "K" }, { "@N_CONTROL@", "12" }, { "@HR@", "0.8" },
        { "@LOWER@", "0.6" }, { "@UPPER@", "1.1" }, { "@EVENTS_EXPERIMENTAL@", "3" },
        { "@EVENTS_CONTROL@", "4" }, { "@SOURCE@", "Table 2" },
    };
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    ck_assert_int_eq(mp_template_write("new-1", f), MP_OK);
    fclose(f);
    for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++) {
        char *at = strstr(doc, fill[i][0]);
        ck_assert_msg(at != NULL, "no %s", fill[i][0]);
        size_t k = strlen(fill[i][0]), v = strlen(fill[i][1]);
        memmove(at + v, at + k, strlen(at + k) + 1);
        memcpy(at, fill[i][1], v);
    }
    ck_assert_ptr_null(strstr(doc, "\"@"));    /* no placeholder left */
    ck_assert_ptr_null(strstr(doc, ">@"));
    expect_valid(doc, strlen(doc));
    free(doc);
    f = fopen("/dev/null", "w");
    ck_assert_int_eq(mp_template_write("Not an id", f), MP_EINPUT);
    fclose(f);
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("mp_import");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, csv_fields_and_quotes);
    tcase_add_test(tc, csv_lines_of_fields);
    tcase_add_test(tc, csv_malformed);
    tcase_add_test(tc, table_rows_merge_by_id);
    tcase_add_test(tc, table_bad_cells);
    tcase_add_test(tc, table_check_finds_ranges);
    suite_add_tcase(s, tc);
    tc = tcase_create("revman");
    tcase_add_test(tc, rm5_dichotomous_latin1);
    tcase_add_test(tc, rm5_hazard_ratios_subgroups_peto);
    tcase_add_test(tc, rm5_bad_documents);
    suite_add_tcase(s, tc);
    tc = tcase_create("writing");
    tcase_add_test(tc, identifiers);
    tcase_add_test(tc, writer_escapes_and_validates);
    tcase_add_test(tc, template_filled_validates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(import_suite());
}
