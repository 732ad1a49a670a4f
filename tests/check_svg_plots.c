/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_svg_plots.c - unit tests of the scatter plots: mp_svg_chart
 * (linear ticks), mp_svg_funnel and mp_svg_baujat.
 *
 * Studies go through the real reader and mp_analysis (--bias,
 * --influence), each plot is written to memory and parsed back with
 * libxml2.  Positions are checked against the plot's own axes: the
 * px of two labelled ticks of an axis give its scale, so a dot must sit
 * where its figures put it on the scale the reader sees:
 *  - a study's dot at (log effect, SE) and a filled study's hollow dot at
 *    trim-and-fill's (yi, se), as many hollow dots as k0 (and none
 *    without --bias);
 *  - the contours at |log effect| = z_{1-p/2} SE, apex at ratio 1 and
 *    SE 0 (Peters et al. 2008; the normal quantiles 1.644854, 1.959964,
 *    2.575829 of Abramowitz and Stegun table 26.5);
 *  - the pseudo-confidence region at est +/- 1.959964 SE (level 0.95);
 *  - a Baujat dot at (baujat_x, baujat_y) of mp_influence.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mp_analysis.h"
#include "mp_svg_baujat.h"
#include "mp_svg_chart.h"
#include "testutil.h"

/* Coordinates carry two decimals: a position read back is within half a
 * hundredth of a px of the true one, a scale from ticks ~300 px apart. */
#define PX_TOL 0.02
/* A slope read from px (two points ~100 px apart). */
#define SLOPE_TOL 1e-3

/* Asymmetric: the small studies favour the experimental arm, so
 * trim-and-fill fills 2 on the right (metafor trimfill(), DL). */
static const double asym_y[] = { -0.5, -0.4, -0.35, -0.2, -0.1, -0.6, -0.9, 0.05 };
static const double asym_se[] = { 0.1, 0.15, 0.2, 0.25, 0.12, 0.3, 0.4, 0.08 };
#define N_ASYM (sizeof asym_y / sizeof asym_y[0])

static mp_analysis *analyse(const double *y, const double *se, size_t k, int bias)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.bias = bias;
    o.influence = 1;
    mp_status st;
    mp_analysis *a = mp_analysis_new(&o, &st);
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < k; i++) {
        char id[16], body[256];
        snprintf(id, sizeof id, "s%zu", i + 1);
        snprintf(body, sizeof body, "<outcome name=\"OS\"><log-hazard-ratio "
                 "estimate=\"%.17g\" se=\"%.17g\"/></outcome>\n", y[i], se[i]);
        const char *doc = mp_check_study_doc(id, 2000 + (int)i, NULL, body);
        ck_assert_int_eq(mp_analysis_read_memory(a, doc, strlen(doc), "t.xml"), MP_OK);
    }
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    return a;
}

/* ---- the plot, parsed back -------------------------------------------------- */

#define MAXN 64

typedef struct {
    double x, y;
} pt;

typedef struct {
    xmlDocPtr doc;
    /* axis scales from the ticks: value = a + b px */
    double xa, xb, ya, yb;
    int log_x;
    pt study[MAXN], filled[MAXN];
    size_t n_study, n_filled;
    pt contour[3][3];           /* p010, p005, p001: apex, two bottom points */
    int have_contour[3];
    pt ci[2][2];                /* the pseudo-ci lines' ends */
    size_t n_ci;
    int title, desc;
} parsed;

static int has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
    int r = c && strcmp((const char *)c, cls) == 0;
    xmlFree(c);
    return r;
}

static double num(xmlNodePtr n, const char *attr)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    ck_assert_msg(v != NULL, "<%s> without %s", n->name, attr);
    double x = strtod((const char *)v, NULL);
    xmlFree(v);
    return x;
}

static int is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The scale of an axis from its first and last ticks: px and label. */
static void axis_scale(xmlNodePtr g, int horizontal, int log_scale, double *a, double *b)
{
    double px[2] = { 0 }, val[2] = { 0 };
    size_t n = 0;
    for (xmlNodePtr t = g->children; t; t = t->next) {
        if (!is(t, "g") || !has_class(t, "tick"))
            continue;
        size_t slot = n == 0 ? 0 : 1;
        for (xmlNodePtr c = t->children; c; c = c->next) {
            if (is(c, "line"))
                px[slot] = num(c, horizontal ? "x1" : "y1");
            if (is(c, "text")) {
                xmlChar *s = xmlNodeGetContent(c);
                val[slot] = strtod((const char *)s, NULL);
                xmlFree(s);
            }
        }
        n++;
    }
    ck_assert_uint_ge(n, 2);
    if (log_scale) {
        val[0] = log(val[0]);
        val[1] = log(val[1]);
    }
    *b = (val[1] - val[0]) / (px[1] - px[0]);
    *a = val[0] - *b * px[0];
}

static void points(xmlNodePtr n, pt *out, size_t max)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"points");
    const char *p = (const char *)v;
    for (size_t i = 0; i < max; i++) {
        char *end;
        out[i].x = strtod(p, &end);
        out[i].y = strtod(end + 1, &end);
        p = end;
    }
    xmlFree(v);
}

static void walk(parsed *s, xmlNodePtr n)
{
    static const char *const contour[] = { "contour p010", "contour p005",
                                           "contour p001" };
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "title") && n->parent && is(n->parent, "svg"))
            s->title = 1;
        if (is(n, "desc"))
            s->desc = 1;
        if (is(n, "g") && has_class(n, "x-axis"))
            axis_scale(n, 1, s->log_x, &s->xa, &s->xb);
        if (is(n, "g") && has_class(n, "y-axis"))
            axis_scale(n, 0, 0, &s->ya, &s->yb);
        if (is(n, "circle") && has_class(n, "study") && s->n_study < MAXN)
            s->study[s->n_study++] = (pt){ num(n, "cx"), num(n, "cy") };
        if (is(n, "circle") && has_class(n, "filled") && s->n_filled < MAXN)
            s->filled[s->n_filled++] = (pt){ num(n, "cx"), num(n, "cy") };
        for (int c = 0; c < 3; c++)
            if (is(n, "polygon") && has_class(n, contour[c])) {
                points(n, s->contour[c], 3);
                s->have_contour[c] = 1;
            }
        if (is(n, "g") && has_class(n, "pseudo-ci") && s->n_ci < 2)
            for (xmlNodePtr l = n->children; l; l = l->next)
                if (is(l, "line")) {
                    s->ci[s->n_ci][0] = (pt){ num(l, "x1"), num(l, "y1") };
                    s->ci[s->n_ci][1] = (pt){ num(l, "x2"), num(l, "y2") };
                    s->n_ci++;
                }
        walk(s, n->children);
    }
}

static void parse(mp_analysis *a, mp_output what, parsed *s)
{
    memset(s, 0, sizeof *s);
    s->log_x = what == MP_OUTPUT_FUNNEL_SVG;
    char *buf;
    size_t len;
    ck_assert_int_eq(mp_analysis_write_memory(a, what, NULL, &buf, &len), MP_OK);
    s->doc = xmlReadMemory(buf, (int)len, "plot.svg", NULL, XML_PARSE_NONET);
    free(buf);
    ck_assert_ptr_nonnull(s->doc);
    walk(s, xmlDocGetRootElement(s->doc));
    ck_assert_msg(s->title && s->desc, "no <title> or <desc>");
}

static double data_x(const parsed *s, double px) { return s->xa + s->xb * px; }
static double data_y(const parsed *s, double px) { return s->ya + s->yb * px; }

/* Whether a dot of dots sits at (x, y) in data units. */
static int dot_at(const parsed *s, const pt *dots, size_t n, double x, double y)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(data_x(s, dots[i].x) - x) < PX_TOL * fabs(s->xb) &&
            fabs(data_y(s, dots[i].y) - y) < PX_TOL * fabs(s->yb))
            return 1;
    return 0;
}

/* ---- funnel -------------------------------------------------------------------- */

START_TEST(test_funnel_dots)
{
    mp_analysis *a = analyse(asym_y, asym_se, N_ASYM, 1);
    parsed s;
    parse(a, MP_OUTPUT_FUNNEL_SVG, &s);
    ck_assert_double_gt(s.yb, 0);      /* SE grows downwards: 0 at the top */
    ck_assert_uint_eq(s.n_study, N_ASYM);
    for (size_t i = 0; i < N_ASYM; i++)
        ck_assert_msg(dot_at(&s, s.study, s.n_study, asym_y[i], asym_se[i]),
                      "no dot at study %zu", i);
    const mp_small_study *b = mp_analysis_small_study(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->trimfill.k0, 2);       /* metafor: 2, right */
    ck_assert_uint_eq(s.n_filled, b->trimfill.k0);
    for (size_t i = 0; i < b->trimfill.k0; i++)
        ck_assert(dot_at(&s, s.filled, s.n_filled, b->trimfill.filled_y[i],
                         b->trimfill.filled_se[i]));
    xmlFreeDoc(s.doc);
    mp_analysis_free(a);
}
END_TEST

START_TEST(test_funnel_no_bias_no_hollow)
{
    mp_analysis *a = analyse(asym_y, asym_se, N_ASYM, 0);
    parsed s;
    parse(a, MP_OUTPUT_FUNNEL_SVG, &s);
    ck_assert_uint_eq(s.n_study, N_ASYM);
    ck_assert_uint_eq(s.n_filled, 0);
    xmlFreeDoc(s.doc);
    mp_analysis_free(a);
}
END_TEST

START_TEST(test_funnel_contours)
{
    static const double z[] = { 1.644854, 1.959964, 2.575829 };
    mp_analysis *a = analyse(asym_y, asym_se, N_ASYM, 0);
    parsed s;
    parse(a, MP_OUTPUT_FUNNEL_SVG, &s);
    for (int c = 0; c < 3; c++) {
        ck_assert(s.have_contour[c]);
        const pt *p = s.contour[c];
        /* the apex at ratio 1, SE 0 */
        ck_assert_double_lt(fabs(data_x(&s, p[0].x)), PX_TOL * fabs(s.xb));
        ck_assert_double_lt(fabs(data_y(&s, p[0].y)), PX_TOL * s.yb);
        for (int j = 1; j <= 2; j++) {
            double se = data_y(&s, p[j].y), x = data_x(&s, p[j].x);
            ck_assert_double_gt(se, 0);
            ck_assert_msg(fabs(fabs(x) / se - z[c]) < SLOPE_TOL,
                          "contour %d: |x| / se = %g, expected %g", c, fabs(x) / se, z[c]);
        }
    }
    /* the pseudo-confidence region about the pooled estimate */
    double est = mp_analysis_fit(a)->random.log_estimate;
    ck_assert_uint_eq(s.n_ci, 2);
    for (int j = 0; j < 2; j++) {
        ck_assert_double_lt(fabs(data_x(&s, s.ci[j][0].x) - est), PX_TOL * fabs(s.xb));
        double se = data_y(&s, s.ci[j][1].y), x = data_x(&s, s.ci[j][1].x) - est;
        ck_assert(fabs(fabs(x) / se - z[1]) < SLOPE_TOL);
    }
    xmlFreeDoc(s.doc);
    mp_analysis_free(a);
}
END_TEST

/* One study: drawn, at its figures, with the fixed effect (itself). */
START_TEST(test_funnel_one_study)
{
    const double y[] = { -0.3 }, se[] = { 0.2 };
    mp_analysis *a = analyse(y, se, 1, 0);
    parsed s;
    parse(a, MP_OUTPUT_FUNNEL_SVG, &s);
    ck_assert_uint_eq(s.n_study, 1);
    ck_assert(dot_at(&s, s.study, 1, y[0], se[0]));
    xmlFreeDoc(s.doc);
    mp_analysis_free(a);
}
END_TEST

/* ---- Baujat ---------------------------------------------------------------------- */

START_TEST(test_baujat_dots)
{
    mp_analysis *a = analyse(asym_y, asym_se, N_ASYM, 0);
    parsed s;
    parse(a, MP_OUTPUT_BAUJAT_SVG, &s);
    ck_assert_double_lt(s.yb, 0);      /* influence grows upwards */
    const mp_influence_row *infl = mp_analysis_influence(a);
    ck_assert_ptr_nonnull(infl);
    ck_assert_uint_eq(s.n_study, N_ASYM);
    for (size_t i = 0; i < N_ASYM; i++)
        ck_assert_msg(dot_at(&s, s.study, s.n_study, infl[i].baujat_x, infl[i].baujat_y),
                      "no dot at study %zu", i);
    xmlFreeDoc(s.doc);
    mp_analysis_free(a);
}
END_TEST

/* Without influence diagnostics there is nothing to draw. */
START_TEST(test_baujat_needs_influence)
{
    mp_analysis *a = analyse(asym_y, asym_se, N_ASYM, 0);
    mp_report rep;
    ck_assert_int_eq(mp_analysis_report(a, 0, &rep), MP_OK);
    rep.infl = NULL;
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(mp_svg_baujat(f, &rep), MP_EINPUT);
    fclose(f);
    ck_assert_uint_eq(len, 0);
    free(buf);
    mp_analysis_free(a);
}
END_TEST

/* ---- linear ticks ----------------------------------------------------------------- */

START_TEST(test_linear_ticks)
{
    mp_svg_ticks t;
    mp_svg_linear_ticks(0, 0.4, 6, &t);
    ck_assert_uint_eq(t.n, 5);
    ck_assert_str_eq(t.label[0], "0.0");
    ck_assert_str_eq(t.label[4], "0.4");
    mp_svg_linear_ticks(0, 2.14, 6, &t);        /* steps of 0.5 */
    ck_assert_double_eq(t.hi, 2.5);
    ck_assert_str_eq(t.label[1], "0.5");
    mp_svg_linear_ticks(0, 0.81, 6, &t);
    ck_assert_double_eq_tol(t.hi, 1.0, 1e-12);
    ck_assert_uint_le(t.n, 6);
    mp_svg_linear_ticks(0, 0, 6, &t);           /* widened, never empty */
    ck_assert_uint_ge(t.n, 2);
    ck_assert_double_lt(t.lo, t.hi);
    for (double hi = 1e-6; hi < 1e6; hi *= 3.7) {
        mp_svg_linear_ticks(0, hi, 6, &t);
        ck_assert_uint_le(t.n, 6);
        ck_assert_double_ge(t.hi, hi * (1 - 1e-12));
        ck_assert_double_le(t.lo, 0);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("svg_plots");
    TCase *tc = tcase_create("plots");
    tcase_add_test(tc, test_funnel_dots);
    tcase_add_test(tc, test_funnel_no_bias_no_hollow);
    tcase_add_test(tc, test_funnel_contours);
    tcase_add_test(tc, test_funnel_one_study);
    tcase_add_test(tc, test_baujat_dots);
    tcase_add_test(tc, test_baujat_needs_influence);
    tcase_add_test(tc, test_linear_ticks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return mp_check_run(suite());
}
