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

/* ---- shared data -------------------------------------------------------- */

/* Six studies (log effects, sampling variances) on which REML Fisher
 * scoring oscillates for ever (issue 15; tests/reference/convergence). */
extern const double mp_check_oscillating_y[6], mp_check_oscillating_v[6];

#endif
