/* testutil.c - helpers shared by the Check suites; see testutil.h. */
#include "testutil.h"
#include "mp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- running a suite ---------------------------------------------------- */

int mp_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- finding test files ------------------------------------------------- */

const char *mp_check_path(char *buf, size_t len, const char *env,
                          const char *subdir, const char *rel)
{
    const char *d = getenv(env);
    const char *s = getenv("srcdir");
    const char *sep = rel && *rel ? "/" : "";
    if (!rel)
        rel = "";
    if (d && *d)
        snprintf(buf, len, "%s%s%s", d, sep, rel);
    else if (s && *s)
        snprintf(buf, len, "%s/%s%s%s", s, subdir, sep, rel);
    else
        snprintf(buf, len, "%s%s%s", subdir, sep, rel);
    return buf;
}

const char *mp_check_ref_path(char *buf, size_t len, const char *rel)
{
    return mp_check_path(buf, len, "MP_REFDIR", "tests/reference", rel);
}

const char *mp_check_data_path(char *buf, size_t len, const char *rel)
{
    return mp_check_path(buf, len, "MP_DATADIR", "tests/data", rel);
}

/* ---- reference tables --------------------------------------------------- */

static void split_line(char *line, tsv_row *r)
{
    memset(r, 0, sizeof *r);
    char *save = NULL;
    for (char *t = strtok_r(line, "\t\r\n", &save); t && r->nf < TSV_MAXF;
         t = strtok_r(NULL, "\t\r\n", &save))
        snprintf(r->f[r->nf++], TSV_FLEN, "%s", t);
}

tsv_table mp_check_read_tsv(const char *rel)
{
    char path[1024], line[1024];
    mp_check_ref_path(path, sizeof path, rel);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open reference file %s", path);
    tsv_table t = { NULL, 0 };
    size_t cap = 0;
    for (int header = 1; fgets(line, sizeof line, fp); header = 0) {
        if (header)
            continue;
        if (t.n == cap) {
            cap = cap ? 2 * cap : 4096;
            t.rows = realloc(t.rows, cap * sizeof *t.rows);
            ck_assert(t.rows != NULL);
        }
        split_line(line, &t.rows[t.n]);
        if (t.rows[t.n].nf > 0)
            t.n++;
    }
    fclose(fp);
    return t;
}

void mp_check_tsv_free(tsv_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = 0;
}

size_t mp_check_case_data(const tsv_table *cases, const char *name, int yc,
                          int vc, double **y, double **v)
{
    size_t k = 0;
    *y = *v = NULL;
    for (size_t i = 0; i < cases->n; i++) {
        if (strcmp(cases->rows[i].f[0], name) != 0)
            continue;
        *y = realloc(*y, (k + 1) * sizeof **y);
        *v = realloc(*v, (k + 1) * sizeof **v);
        ck_assert(*y && *v);
        (*y)[k] = strtod(cases->rows[i].f[yc], NULL);
        (*v)[k] = strtod(cases->rows[i].f[vc], NULL);
        k++;
    }
    return k;
}

int mp_check_iterative(mp_method m)
{
    return m == MP_METHOD_REML || m == MP_METHOD_ML || m == MP_METHOD_PM
           || m == MP_METHOD_EB;
}

void mp_check_ref_tol(mp_method m, double *rel, double *abs_tol)
{
    int it = mp_check_iterative(m);
    *rel = it ? MP_REF_TOL_ITERATIVE : MP_REF_TOL_CLOSED;
    *abs_tol = it ? MP_REF_ABS_ITERATIVE : MP_REF_ABS_CLOSED;
}

/* ---- the study reader --------------------------------------------------- */

mp_reader *mp_check_reader(int schema)
{
    mp_read_options o;
    mp_read_options_default(&o);
    o.schema = schema;
    mp_status st;
    mp_reader *r = mp_reader_new(&o, &st);
    ck_assert_msg(r != NULL, "mp_reader_new failed: %s", mp_status_string(st));
    ck_assert_int_eq(st, MP_OK);
    return r;
}

const char *mp_check_dump(const mp_errors *err)
{
    static char buf[4096];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < err->n && used < sizeof buf - 1; i++) {
        int n = snprintf(buf + used, sizeof buf - used, "\n    %s:%ld: %s",
                         err->items[i].file ? err->items[i].file : "(null)",
                         err->items[i].line, err->items[i].message);
        if (n > 0)
            used += (size_t)n;
    }
    return err->n ? buf : " (none)";
}

const double mp_check_oscillating_y[6] = { -0.65912, -0.607028980372706,
    -1.1907275775759154, -1.1749725425590334, -0.931186, -1.03818 };
const double mp_check_oscillating_v[6] = { 0.016059225625,
    0.35428328491461775, 0.086330565149208241, 0.343218012081274,
    0.279765887041, 0.161960368249 };

mp_number mp_check_number(const char *s)
{
    mp_number n;
    ck_assert_msg(mp_text_parse_decimal(s, &n.value, &n.half_unit),
                  "test bug: \"%s\" is not a decimal", s);
    return n;
}
