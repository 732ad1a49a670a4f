/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_split.c - unit tests of reading one collection in two halves at
 * once (mp_read_file_split in mp_study.c, mp_dataset_join in
 * mp_dataset.c; issue 15).
 *
 * The contract is that splitting changes nothing but the time: every
 * test reads the same file twice, by mp_read_file (one reading) and by
 * mp_read_file_split with a split_min of one byte, each into a dataset of
 * its own, and requires the same rows (y and v bit for bit, every label),
 * the same diagnostics (file, line, message, severity, in order), the same
 * status, and the same warnings from mp_dataset_finish.  The documents
 * are made to put the split point where one reading would differ from a
 * naive split: in a comment or a CDATA section, among invalid studies,
 * duplicate ids across the halves, CR LF line ends, a study limit, a
 * change of measure, a missing end tag.  Clean collections must really
 * be read in two halves (the join is counted).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp_dataset.h"
#include "mp_error.h"
#include "mp_study.h"
#include "testutil.h"

/* ---- documents ------------------------------------------------------------------ */

typedef struct {
    char *b;
    size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...) MP_PRINTF(2, 3);
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    while (t->n + (size_t)n + 1 > t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->b = realloc(t->b, t->cap);
        ck_assert_ptr_nonnull(t->b);
    }
    va_start(ap, fmt);
    vsnprintf(t->b + t->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->n += (size_t)n;
}

/* What a study of the generated documents is. */
enum {
    PLAIN,          /* HR with a 95% interval, on two lines */
    BAD,            /* an estimate that is not a number */
    PFS_ONLY,       /* valid, without the pooled outcome (not pooled) */
    DUP_FIRST,      /* the id of study 0 again */
    COMMENTED,      /* preceded by a comment holding "</study>" */
    CDATA_NOTES,    /* notes with "</study>" in a CDATA section */
    COUNTS,         /* counts (a risk ratio: another measure) */
    KINDS
};

static void study(text *t, int i, int kind, const char *nl)
{
    if (kind == COMMENTED)
        put(t, "<!-- not a study: </study> <study id=\"c%d\"> -->%s", i, nl);
    put(t, "<study id=\"s%d\">%s<title>Study %d</title><design>rct</design>%s"
        "<publication year=\"%d\">Synthetic.</publication>%s",
        kind == DUP_FIRST ? 0 : i, nl, i, nl, 2000 + i % 20, nl);
    if (kind == CDATA_NOTES)
        put(t, "<notes><![CDATA[</study>%s</study> <study>]]></notes>%s", nl, nl);
    put(t, "<covariate name=\"sequence\" value=\"%s\"/>%s",
        i % 3 ? "systemic-first" : "surgery-first", nl);
    const char *name = kind == PFS_ONLY ? "PFS" : "OS";
    if (kind == COUNTS)
        put(t, "<outcome name=\"OS\"><counts events-experimental=\"%d\" "
            "total-experimental=\"100\" events-control=\"%d\" "
            "total-control=\"100\"/></outcome>%s", 10 + i % 7, 12 + i % 5, nl);
    else
        put(t, "<outcome name=\"%s\">%s<hazard-ratio estimate=\"%s\" "
            "lower=\"0.%d\" upper=\"1.%02d\"/></outcome>%s", name, nl,
            kind == BAD ? "zero" : "0.8", 40 + i % 40, 5 + i % 60, nl);
    put(t, "</study>%s", nl);
}

/* A collection of n studies of kind[i] (NULL: all PLAIN), line ends nl. */
static char *collection(int n, const int *kind, const char *nl,
                        const char *prolog)
{
    text t = { 0 };
    put(&t, "%s<studies format=\"1\">%s", prolog ? prolog : "", nl);
    for (int i = 0; i < n; i++)
        study(&t, i, kind ? kind[i] : PLAIN, nl);
    put(&t, "</studies>%s", nl);
    return t.b;
}

/* Write doc to a new temporary file; its path (free it). */
static char *temp_file(const char *doc)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/check_split.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(doc);
    ck_assert_int_eq(write(fd, doc, n), (ssize_t)n);
    close(fd);
    return path;
}

/* ---- reading both ways ------------------------------------------------------- */

typedef struct {
    mp_dataset *ds;
    mp_errors err;
    mp_status st;
} reading;

static mp_reader *reader(size_t split_min)
{
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = 0;
    o.split_min = split_min;
    mp_status st;
    mp_reader *r = mp_reader_new(&o, &st);
    ck_assert_ptr_nonnull(r);
    return r;
}

static void reading_init(reading *g, size_t max_studies)
{
    mp_dataset_options o;
    mp_dataset_options_default(&o);
    o.by = "sequence";
    o.max_studies = max_studies;
    g->ds = mp_dataset_new(&o);
    ck_assert_ptr_nonnull(g->ds);
    mp_errors_init(&g->err);
}

/* Read each path in turn into g, the first one split (split: 1) or not;
 * the number of joins made. */
static int read_all(reading *g, const char *const *paths, int n, int split)
{
    mp_reader *r = reader(1);
    mp_dataset_sink sink = { g->ds, &g->err };
    mp_dataset_half h = { .first = g->ds };
    mp_read_split sp = mp_dataset_split(&h);
    g->st = MP_OK;
    for (int i = 0; i < n; i++) {
        mp_status st = split && i == 0
            ? mp_read_file_split(r, paths[i], mp_dataset_reader_fn, &sink,
                                 &g->err, &sp)
            : mp_read_file(r, paths[i], mp_dataset_reader_fn, &sink, &g->err);
        if (g->st == MP_OK)
            g->st = st;
    }
    mp_dataset_finish(g->ds, &g->err);
    mp_reader_free(r);
    return h.joins;
}

static void reading_clear(reading *g)
{
    mp_dataset_free(g->ds);
    mp_errors_clear(&g->err);
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The two readings are the same. */
static void expect_same(const reading *a, const reading *b)
{
    ck_assert_int_eq(a->st, b->st);
    ck_assert_msg(a->err.n == b->err.n && mp_errors_count(&a->err) ==
                  mp_errors_count(&b->err), "%zu diagnostics in one reading "
                  "(first: %s), %zu in the split one (first: %s)", a->err.n,
                  a->err.n ? a->err.items[0].message : "-", b->err.n,
                  b->err.n ? b->err.items[0].message : "-");
    for (size_t i = 0; i < a->err.n; i++) {
        const mp_diag *x = &a->err.items[i], *y = &b->err.items[i];
        ck_assert_msg(same_str(x->file, y->file) && x->line == y->line &&
                      x->warning == y->warning &&
                      strcmp(x->message, y->message) == 0,
                      "diagnostic %zu: %s:%ld: %s\n  split: %s:%ld: %s", i,
                      x->file, x->line, x->message, y->file, y->line, y->message);
    }
    size_t k = mp_dataset_k(a->ds);
    ck_assert_uint_eq(k, mp_dataset_k(b->ds));
    ck_assert_uint_eq(mp_dataset_studies_read(a->ds), mp_dataset_studies_read(b->ds));
    ck_assert_uint_eq(mp_dataset_not_pooled(a->ds), mp_dataset_not_pooled(b->ds));
    ck_assert_int_eq(mp_dataset_measure(a->ds), mp_dataset_measure(b->ds));
    /* (no rows: the arrays may be NULL, which memcmp must not get) */
    ck_assert(k == 0 || memcmp(mp_dataset_y(a->ds), mp_dataset_y(b->ds),
                               k * sizeof(double)) == 0);
    ck_assert(k == 0 || memcmp(mp_dataset_v(a->ds), mp_dataset_v(b->ds),
                               k * sizeof(double)) == 0);
    for (size_t i = 0; i < k; i++) {
        ck_assert_str_eq(mp_dataset_id(a->ds, i), mp_dataset_id(b->ds, i));
        ck_assert(same_str(mp_dataset_title(a->ds, i), mp_dataset_title(b->ds, i)));
        ck_assert(same_str(mp_dataset_file(a->ds, i), mp_dataset_file(b->ds, i)));
        ck_assert(same_str(mp_dataset_group(a->ds, i), mp_dataset_group(b->ds, i)));
        ck_assert_int_eq(mp_dataset_year(a->ds, i), mp_dataset_year(b->ds, i));
        ck_assert_int_eq(mp_dataset_n(a->ds, i, 1), mp_dataset_n(b->ds, i, 1));
    }
    for (int e = 0; e < 2; e++)
        ck_assert(same_str(mp_dataset_arm_label(a->ds, e),
                           mp_dataset_arm_label(b->ds, e)));
}

/* Read doc (then the documents of more, if any) both ways, expect the
 * same, and return the joins of the split reading. */
static int compare_docs(const char *doc, const char *const *more, int n_more,
                        size_t max_studies)
{
    const char *paths[8];
    char *own[8];
    ck_assert_int_le(n_more, 7);
    own[0] = temp_file(doc);
    paths[0] = own[0];
    for (int i = 0; i < n_more; i++)
        paths[i + 1] = own[i + 1] = temp_file(more[i]);
    reading one, split;
    reading_init(&one, max_studies);
    reading_init(&split, max_studies);
    ck_assert_int_eq(read_all(&one, paths, n_more + 1, 0), 0);
    int joins = read_all(&split, paths, n_more + 1, 1);
    expect_same(&one, &split);
    reading_clear(&one);
    reading_clear(&split);
    for (int i = 0; i <= n_more; i++) {
        unlink(own[i]);
        free(own[i]);
    }
    return joins;
}

static int compare(const char *doc)
{
    return compare_docs(doc, NULL, 0, 0);
}

/* ---- tests ------------------------------------------------------------------------ */

START_TEST(clean_collection_is_joined)
{
    char *doc = collection(400, NULL, "\n", "<?xml version=\"1.0\"?>\n");
    ck_assert_int_eq(compare(doc), 1);
    free(doc);
}
END_TEST

START_TEST(prologs_that_split)
{
    /* comments, a processing instruction, attributes with '>' and quotes,
     * a declared single-byte encoding with a non-ASCII title byte */
    static const char *const prologs[] = {
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a > b -->\n",
        "<?xml version='1.0' encoding='iso-8859-1'?><?pi x?>\n",
        "",
    };
    for (size_t p = 0; p < sizeof prologs / sizeof *prologs; p++) {
        char *doc = collection(300, NULL, "\n", prologs[p]);
        ck_assert_int_eq(compare(doc), 1);
        free(doc);
    }
    /* a root with more attributes: quoted either way, a namespace, and
     * (refused, then read as one reading) a '>' in a value */
    static const char *const roots[] = {
        "<studies xmlns:x=\"urn:x\" format='1' >", "<studies format=\"1\" x='a>b'>"
    };
    char *doc = collection(300, NULL, "\n", NULL);
    const char *rest = strstr(doc, "<studies format=\"1\">") +
                       strlen("<studies format=\"1\">");
    for (int i = 0; i < 2; i++) {
        text t = { 0 };
        put(&t, "%s%s", roots[i], rest);
        ck_assert_int_eq(compare(t.b), i == 0);
        free(t.b);
    }
    free(doc);
}
END_TEST

START_TEST(prologs_that_do_not_split)
{
    /* another encoding, a root that is one study, a DOCTYPE: one reading */
    char *doc = collection(300, NULL, "\n", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n");
    ck_assert_int_eq(compare(doc), 0);
    free(doc);
    doc = collection(300, NULL, "\n", "<!DOCTYPE studies>\n");
    ck_assert_int_eq(compare(doc), 0);
    free(doc);
    text t = { 0 };
    study(&t, 1, PLAIN, "\n");
    for (int i = 0; i < 200; i++)
        put(&t, "<!-- %d -->\n", i);
    ck_assert_int_eq(compare(t.b), 0);
    free(t.b);
}
END_TEST

START_TEST(crlf_lines_of_the_second_half)
{
    /* not-pooled warnings and a later file's duplicate name lines of the
     * second half: its line numbers must be the file's */
    int kind[300] = { 0 };
    kind[250] = kind[280] = PFS_ONLY;
    for (int e = 0; e < 2; e++) {
        char *doc = collection(300, kind, e ? "\r\n" : "\n", NULL);
        text later = { 0 };
        put(&later, "<studies format=\"1\">\n");
        study(&later, 270, PLAIN, "\n");
        put(&later, "</studies>\n");
        const char *more = later.b;
        ck_assert_int_eq(compare_docs(doc, &more, 1, 0), 1);
        free(later.b);
        free(doc);
    }
}
END_TEST

/* The split point (the first "</study>" after the middle) in a comment,
 * or in a CDATA section, of a large element across the middle. */
START_TEST(split_point_in_comment_or_cdata)
{
    for (int c = 0; c < 2; c++) {
        text t = { 0 };
        put(&t, "<studies format=\"1\">\n");
        for (int i = 0; i < 20; i++)
            study(&t, i, PLAIN, "\n");
        put(&t, c ? "<study id=\"big\"><title>Big</title><notes><![CDATA[" : "<!--");
        for (int i = 0; i < 2000; i++)
            put(&t, " </study> %d", i);
        put(&t, c ? "]]></notes><outcome name=\"OS\"><hazard-ratio estimate=\"0.8\" "
                    "lower=\"0.6\" upper=\"1.07\"/></outcome></study>\n" : "-->\n");
        for (int i = 20; i < 40; i++)
            study(&t, i, PLAIN, "\n");
        put(&t, "</studies>\n");
        ck_assert_int_eq(compare(t.b), 0);
        free(t.b);
    }
}
END_TEST

START_TEST(problems_in_either_half)
{
    static const int kinds[] = { BAD, DUP_FIRST, COMMENTED, CDATA_NOTES, COUNTS };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (int where = 0; where < 3; where++) {
            int kind[200] = { 0 };
            kind[where == 0 ? 30 : where == 1 ? 150 : 101] = kinds[k];
            char *doc = collection(200, kind, "\n", NULL);
            compare(doc);
            free(doc);
        }
}
END_TEST

START_TEST(second_half_of_another_measure)
{
    int kind[200] = { 0 };
    for (int i = 110; i < 200; i++)
        kind[i] = COUNTS;
    char *doc = collection(200, kind, "\n", NULL);
    ck_assert_int_eq(compare(doc), 0);
    free(doc);
}
END_TEST

START_TEST(study_limit_across_the_halves)
{
    char *doc = collection(200, NULL, "\n", NULL);
    ck_assert_int_eq(compare_docs(doc, NULL, 0, 150), 0);
    ck_assert_int_eq(compare_docs(doc, NULL, 0, 200), 1);
    free(doc);
}
END_TEST

START_TEST(malformed_ends)
{
    char *doc = collection(200, NULL, "\n", NULL);
    doc[strlen(doc) - 3] = '\0';    /* "</studie" */
    ck_assert_int_eq(compare(doc), 0);
    char *mid = strstr(doc + strlen(doc) * 3 / 4, "<title>");
    mid[1] = '!';                   /* "<!itle>" */
    compare(doc);
    free(doc);
}
END_TEST

/* Random documents (seeded): any mix of the kinds, either line end. */
START_TEST(random_documents)
{
    unsigned seed = 15;
    for (int d = 0; d < 40; d++) {
        int n = 20 + (int)(rand_r(&seed) % 200);
        int kind[220];
        for (int i = 0; i < n; i++) {
            int r = (int)(rand_r(&seed) % (4 * KINDS));
            kind[i] = r < KINDS ? r : PLAIN;
        }
        char *doc = collection(n, kind, rand_r(&seed) % 3 ? "\n" : "\r\n", NULL);
        compare(doc);
        free(doc);
    }
}
END_TEST

static Suite *split_suite(void)
{
    Suite *s = suite_create("reading in two halves");
    TCase *tc = tcase_create("split");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, clean_collection_is_joined);
    tcase_add_test(tc, prologs_that_split);
    tcase_add_test(tc, prologs_that_do_not_split);
    tcase_add_test(tc, crlf_lines_of_the_second_half);
    tcase_add_test(tc, split_point_in_comment_or_cdata);
    tcase_add_test(tc, problems_in_either_half);
    tcase_add_test(tc, second_half_of_another_measure);
    tcase_add_test(tc, study_limit_across_the_halves);
    tcase_add_test(tc, malformed_ends);
    tcase_add_test(tc, random_documents);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(split_suite());
}
