/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.h - helpers shared by the Check suites in tests/check_*.c.
 *
 * Built once into the convenience archive tests/libtestutil.a (see
 * Makefile.am) and linked into every check program.  Nothing here is part
 * of libmetapool.
 *
 * Failures inside these helpers are reported with ck_assert*, so the
 * helpers that can fail must be called from within a test (or a checked
 * fixture), where a failed assertion ends the test.
 */
#ifndef MP_TESTUTIL_H
#define MP_TESTUTIL_H

#include <stddef.h>

#include <check.h>

#include "mp_error.h"
#include "mp_fit.h"
#include "mp_study.h"

/* ---- running a suite ---------------------------------------------------- */

/* The body of every check program's main(): runs all tests of s with
 * CK_ENV (so $CK_VERBOSITY chooses the output; CK_NORMAL when unset) and
 * frees the runner, which also frees s.  Returns EXIT_SUCCESS when no test
 * failed, else EXIT_FAILURE. */
int mp_check_run(Suite *s);

/* ---- finding test files ------------------------------------------------- */

/* Write into buf (of len bytes) the path of rel below a test directory and
 * return buf.  The directory is $env when that is set and not empty, else
 * $srcdir/subdir when $srcdir is set and not empty, else subdir (relative
 * to the current directory).  rel NULL or "" gives the directory itself.
 * A path longer than len is truncated, as snprintf does. */
const char *mp_check_path(char *buf, size_t len, const char *env,
                          const char *subdir, const char *rel);

/* mp_check_path for the reference tables: $MP_REFDIR, tests/reference. */
const char *mp_check_ref_path(char *buf, size_t len, const char *rel);

/* mp_check_path for the input documents: $MP_DATADIR, tests/data. */
const char *mp_check_data_path(char *buf, size_t len, const char *rel);

/* ---- reference tables (the .tsv files of tests/reference) ---------- */

/* A row of a tab-separated table: at most TSV_MAXF fields, each truncated
 * to TSV_FLEN - 1 bytes; fields from nf on are empty strings. */
enum { TSV_MAXF = 12, TSV_FLEN = 48 };

typedef struct {
    char f[TSV_MAXF][TSV_FLEN];
    int nf;
} tsv_row;

/* The rows of a table, without its header line and without empty lines. */
typedef struct {
    tsv_row *rows;
    size_t n;
} tsv_table;

/* Read the table at rel below the reference directory (mp_check_ref_path),
 * skipping its first (header) line; lines are at most 1023 bytes.  Fails
 * the test when the file cannot be opened or memory runs out.  The rows
 * belong to the caller: release them with mp_check_tsv_free. */
tsv_table mp_check_read_tsv(const char *rel);

/* Free the rows of t and leave it empty; t may already be empty. */
void mp_check_tsv_free(tsv_table *t);

/* The studies of one case of a cases table: every row whose first field
 * is name, in table order, with y from field yc and v from field vc
 * (strtod).  Sets *y and *v to newly allocated arrays of the returned
 * count, or to NULL when there is none; the caller frees both. */
size_t mp_check_case_data(const tsv_table *cases, const char *name, int yc,
                          int vc, double **y, double **v);

/* Columns of the expected tables (metafor-3.8/expected.tsv,
 * edge/edge_expected.tsv): case method knha block omitted key value. */
enum { E_CASE, E_METHOD, E_KNHA, E_BLOCK, E_OMIT, E_KEY, E_VALUE };

/* Tolerances of the JSON contract for comparing a figure with metafor:
 * relative, 8 significant digits for the closed-form estimators, 6 for the
 * iterative ones; absolute, for figures that can be (near) zero, where a
 * relative comparison is meaningless: tau2 = 0 (truncation) against a tau2
 * of 1e-17, I2 (percent) of such a tau2, an estimate or statistic near 0.
 * Iterative: metafor stops at |change| <= 1e-13 on tau2. */
#define MP_REF_TOL_CLOSED 1e-8
#define MP_REF_TOL_ITERATIVE 1e-6
#define MP_REF_ABS_CLOSED 1e-12
#define MP_REF_ABS_ITERATIVE 1e-9

/* 1 for the iterative estimators (REML, ML, PM, EB), else 0. */
int mp_check_iterative(mp_method m);

/* The relative and absolute tolerances above for estimator m. */
void mp_check_ref_tol(mp_method m, double *rel, double *abs_tol);

/* ---- comparing fits with an expected table ----------------------------- */

/* The figure of r named by an expected row's block and key, on the scale of
 * expected.tsv (ratio-scale keys exponentiated; "random"/"df", "fixed"/"k"
 * and "random"/"has" as numbers).  Sets *found to 0 and returns NAN for an
 * unknown name. */
double mp_check_figure(const mp_fit_result *r, const char *block,
                       const char *key, int *found);

/* Below this |expected| a relative difference is not recorded in a tally
 * (the absolute tolerance rules there). */
#define MP_REF_REL_FLOOR 1e-6

/* The largest relative difference seen per estimator and block (fixed,
 * random, heterogeneity), and where, for the log of a reference test.
 * Zero it before use (static storage, or = { 0 }). */
typedef struct {
    double maxrel[MP_METHOD_COUNT][3];
    char where[MP_METHOD_COUNT][3][4 * TSV_FLEN + 16];
} mp_check_tally;

/* Compare the expected row e (columns E_*) with the fit r of estimator m
 * to the tolerances of mp_check_ref_tol; "NA" and infinities must match
 * exactly.  A failed fit (r->status) or an unknown key is a mismatch.
 * Records the relative difference in t when t is not NULL.  Prints a line
 * naming what, the row and both numbers for a mismatch.  Returns 1 for a
 * mismatch, else 0. */
int mp_check_row(const tsv_row *e, const mp_fit_result *r, mp_method m,
                 const char *what, mp_check_tally *t);

/* Print the tally of what (one line per estimator and block) and zero it. */
void mp_check_tally_print(mp_check_tally *t, const char *what);

/* ---- the study reader --------------------------------------------------- */

/* A new reader with the default options, validating against the schema
 * when schema is nonzero; fails the test when it cannot be created.  The
 * caller frees it with mp_reader_free. */
mp_reader *mp_check_reader(int schema);

/* A number as the reader would give it (mp_text_parse_decimal): value and
 * half unit of the last printed digit, from its text; fails the test when
 * s is not a decimal. */
mp_number mp_check_number(const char *s);

/* All diagnostics of err as "\n    file:line: message" lines, or " (none)",
 * for failure messages.  Returns a static buffer (truncated at 4 KiB) that
 * the next call overwrites; do not free it. */
const char *mp_check_dump(const mp_errors *err);

/* A study document with one <study> element, for the reader: the XML
 * declaration on line 1, <study id="ID" format="1"> on line 2, its title
 * (title, or "Title of ID" when title is NULL), design and publication
 * (year) on lines 3 to 5, then body (the rest of its children, any
 * length) from line 6.  Returns a buffer that the next call replaces; do
 * not free it.  Fails the test when memory runs out. */
const char *mp_check_study_doc(const char *id, int year, const char *title,
                               const char *body);

/* ---- shared data -------------------------------------------------------- */

/* Six studies (log effects, sampling variances) on which REML Fisher
 * scoring oscillates for ever (issue 15; tests/reference/convergence). */
extern const double mp_check_oscillating_y[6], mp_check_oscillating_v[6];

#endif
