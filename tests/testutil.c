/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.c - helpers shared by the Check suites; see testutil.h. */
#include "testutil.h"
#include "mp_text.h"

#include <math.h>
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

/* ---- comparing fits with an expected table ----------------------------- */

double mp_check_figure(const mp_fit_result *r, const char *block,
                       const char *key, int *found)
{
    const mp_fixed_result *f = &r->fixed;
    const mp_random_result *m = &r->random;
    const mp_heterogeneity *h = &r->het;
    const struct { const char *b, *k; double x; } t[] = {
        { "fixed", "log_estimate", f->log_estimate }, { "fixed", "se", f->se },
        { "fixed", "p", f->p }, { "fixed", "z", f->z },
        { "fixed", "lower", exp(f->lower) }, { "fixed", "upper", exp(f->upper) },
        { "fixed", "k", (double)r->k },
        { "random", "tau2", m->tau2 }, { "random", "tau", m->tau },
        { "random", "log_estimate", m->log_estimate }, { "random", "se", m->se },
        { "random", "lower", exp(m->lower) }, { "random", "upper", exp(m->upper) },
        { "random", "statistic", m->statistic }, { "random", "p", m->p },
        { "random", "df", m->df }, { "random", "has", r->has_random },
        { "random", "pi_lower", exp(m->pi_lower) },
        { "random", "pi_upper", exp(m->pi_upper) },
        { "random", "tau2_lower", m->tau2_lower },
        { "random", "tau2_upper", m->tau2_upper },
        { "random", "I2_lower", m->I2_lower }, { "random", "I2_upper", m->I2_upper },
        { "random", "H2_lower", m->H2_lower }, { "random", "H2_upper", m->H2_upper },
        { "heterogeneity", "Q", h->Q }, { "heterogeneity", "df", h->df },
        { "heterogeneity", "p", h->p }, { "heterogeneity", "I2", h->I2 },
        { "heterogeneity", "H2", h->H2 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (strcmp(t[i].b, block) == 0 && strcmp(t[i].k, key) == 0) {
            *found = 1;
            return t[i].x;
        }
    }
    *found = 0;
    return NAN;
}

static int block_index(const char *b)
{
    return b[0] == 'f' ? 0 : b[0] == 'r' ? 1 : 2;
}

static void note_rel(mp_check_tally *t, const tsv_row *e, mp_method m,
                     double rd)
{
    int b = block_index(e->f[E_BLOCK]);
    if (!t || !(rd > t->maxrel[m][b]))
        return;
    t->maxrel[m][b] = rd;
    snprintf(t->where[m][b], sizeof t->where[m][b], "%.40s knha=%.4s %.40s %.40s",
             e->f[E_CASE], e->f[E_KNHA], e->f[E_OMIT], e->f[E_KEY]);
}

static void print_mismatch(const char *what, const tsv_row *e, double got,
                           const char *detail)
{
    printf("MISMATCH %s %s %s knha=%s omitted=%s %s/%s: expected %s got "
           "%.17g%s\n", what, e->f[E_CASE], e->f[E_METHOD], e->f[E_KNHA],
           e->f[E_OMIT], e->f[E_BLOCK], e->f[E_KEY], e->f[E_VALUE], got,
           detail);
}

int mp_check_row(const tsv_row *e, const mp_fit_result *r, mp_method m,
                 const char *what, mp_check_tally *t)
{
    int found;
    double got = mp_check_figure(r, e->f[E_BLOCK], e->f[E_KEY], &found);
    double want = strtod(e->f[E_VALUE], NULL);
    if (!found || r->status != MP_OK) {
        print_mismatch(what, e, got, found ? " [fit failed]" : " [unknown key]");
        return 1;
    }
    if (strcmp(e->f[E_VALUE], "NA") == 0 || isinf(want)) {
        if ((isnan(want) && isnan(got)) || got == want)
            return 0;
        print_mismatch(what, e, got, "");
        return 1;
    }
    double rel, abs_tol;
    mp_check_ref_tol(m, &rel, &abs_tol);
    double diff = fabs(got - want);
    double rd = want != 0 ? diff / fabs(want) : diff;
    if (fabs(want) >= MP_REF_REL_FLOOR || isnan(diff))
        note_rel(t, e, m, isnan(diff) ? INFINITY : rd);
    if (diff <= abs_tol || diff <= rel * fabs(want))
        return 0;
    char detail[128];
    snprintf(detail, sizeof detail, " (abs diff %.3g, rel diff %.3g, tol %.0e)",
             diff, rd, rel);
    print_mismatch(what, e, got, detail);
    return 1;
}

void mp_check_tally_print(mp_check_tally *t, const char *what)
{
    static const char *blocks[3] = { "fixed", "random", "heterogeneity" };
    printf("%s: max relative difference per estimator and block "
           "(|expected| >= %g):\n", what, MP_REF_REL_FLOOR);
    for (int m = 0; m < MP_METHOD_COUNT; m++)
        for (int b = 0; b < 3; b++)
            printf("  %-4s %-13s %.3g  (%s)\n", mp_method_name((mp_method)m),
                   blocks[b], t->maxrel[m][b], t->where[m][b]);
    memset(t, 0, sizeof *t);
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

const char *mp_check_study_doc(const char *id, int year, const char *title,
                               const char *body)
{
#define STUDY_DOC_FMT                                                   \
    "<?xml version=\"1.0\"?>\n"                                          \
    "<study id=\"%s\" format=\"1\">\n"                                   \
    "  <title>%s%s</title>\n"                                              \
    "  <design>rct</design>\n"                                             \
    "  <publication year=\"%d\">P.</publication>\n"                       \
    "%s"                                                                  \
    "</study>\n"
    static char *buf;
    const char *pre = title ? "" : "Title of ";
    const char *t = title ? title : id;
    int n = snprintf(NULL, 0, STUDY_DOC_FMT, id, pre, t, year, body);
    ck_assert(n >= 0);
    free(buf);
    buf = malloc((size_t)n + 1);
    ck_assert(buf != NULL);
    snprintf(buf, (size_t)n + 1, STUDY_DOC_FMT, id, pre, t, year, body);
    return buf;
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
