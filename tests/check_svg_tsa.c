/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_svg_tsa.c - unit tests of mp_svg_tsa, the TSA plot (issue 20).
 *
 * Studies go through the library (mp_analysis with --tsa options), the
 * plot is written to memory and parsed back with libxml2, and its geometry
 * is read in data units through the axes it draws: the x scale from the
 * first and last tick of <g class="xaxis"> and their labels, the Z scale
 * likewise from <g class="yaxis">.  In those units the Z-curve's points
 * must be the looks (information, Z) of the analysis, the monitoring
 * boundaries the looks' boundaries at their information (and, while the
 * looks are short of it, the boundary of a look at the required
 * information, from mp_groupseq_bounds directly), the RIS line the
 * adjusted required information, the conventional lines +-z_{0.975}.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "metapool.h"
#include "mp_analysis.h"
#include "mp_groupseq.h"
#include "mp_report.h"
#include "mp_tsa.h"
#include "testutil.h"

/* Coordinates are written with two decimals: half a hundredth of a px,
 * in data units through the scale, plus the rounding of the ticks used to
 * read the scale (another hundredth over the axis length). */
#define PX_TOL 0.02
/* z_{0.975} (R: qnorm(0.975)) */
#define Z975 1.959963984540054

/* ---- inputs ------------------------------------------------------------------ */

/* n studies: log HR est[i] with SE se[i], published in 2000 + i. */
static char *studies(size_t n, const double *est, const double *se)
{
    size_t cap = 256 + n * 320, used = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    used += (size_t)snprintf(buf, cap, "<?xml version=\"1.0\"?>\n"
                             "<studies format=\"1\">\n");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, cap - used,
            "<study id=\"t%zu\"><title>Trial %zu</title><design>rct</design>"
            "<publication year=\"%zu\">T.</publication><outcome name=\"OS\">"
            "<log-hazard-ratio estimate=\"%.6f\" se=\"%.6f\"/></outcome>"
            "</study>\n", i + 1, i + 1, 2000 + i % 25, est[i], se[i]);
    snprintf(buf + used, cap - used, "</studies>\n");
    return buf;
}

/* A linear scale read off an axis: value = (coord - c0) / per. */
typedef struct {
    double c0, per;
} scale;

typedef struct {
    scale x, y;
    xmlNodePtr root;
} geometry;

typedef struct {
    mp_analysis *a;
    const mp_tsa_result *t;
    mp_tsa_options to;
    xmlDocPtr doc;
    char *svg;
    geometry g;                 /* read off the axes (geometry_of) */
} run;

static void geometry_of(const run *r, geometry *g);

/* The TSA of the studies with the anticipated HR, model and futility. */
static void run_tsa(run *r, size_t n, const double *est, const double *se,
                    double hr, int random, int futility)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.tsa_hr = hr;
    o.tsa_random = random;
    o.tsa_futility = futility;
    mp_status st = MP_ENOMEM;
    r->a = mp_analysis_new(&o, &st);
    ck_assert_int_eq(st, MP_OK);
    char *doc = studies(n, est, se);
    ck_assert_int_eq(mp_analysis_read_memory(r->a, doc, strlen(doc), "t.xml"), MP_OK);
    free(doc);
    ck_assert_int_eq(mp_analysis_run(r->a), MP_OK);
    r->t = mp_analysis_tsa(r->a);
    ck_assert_ptr_nonnull(r->t);
    mp_report rep;
    ck_assert_int_eq(mp_analysis_report(r->a, 0, &rep), MP_OK);
    r->to = rep.tsa_opt;
    size_t len = 0;
    ck_assert_int_eq(mp_analysis_write_memory(r->a, MP_OUTPUT_TSA_SVG, NULL,
                                              &r->svg, &len), MP_OK);
    ck_assert_ptr_null(strstr(r->svg, "NaN"));
    r->doc = xmlReadMemory(r->svg, (int)len, "tsa.svg", NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(r->doc);
    geometry_of(r, &r->g);
}

static void run_free(run *r)
{
    xmlFreeDoc(r->doc);
    free(r->svg);
    mp_analysis_free(r->a);
}

/* ---- reading the document ---------------------------------------------------- */

static int has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
    int yes = c && strcmp((const char *)c, cls) == 0;
    xmlFree(c);
    return yes;
}

/* The first element (depth first) of class cls, or NULL. */
static xmlNodePtr find(xmlNodePtr n, const char *cls)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (has_class(n, cls))
            return n;
        xmlNodePtr c = find(n->children, cls);
        if (c)
            return c;
    }
    return NULL;
}

static size_t count(xmlNodePtr n, const char *cls)
{
    size_t k = 0;
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            k += has_class(n, cls) + count(n->children, cls);
    return k;
}

static double prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    ck_assert_msg(v != NULL, "no %s", name);
    double x = strtod((const char *)v, NULL);
    xmlFree(v);
    return x;
}

static int named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The ticks of an axis group: each <line> followed by its <text>; coord
 * attribute ca of the line ("x1" or "y1").  The scale through the first
 * and the last. */
static scale axis_scale(xmlNodePtr g, const char *ca)
{
    double c[2] = { NAN, NAN }, v[2] = { NAN, NAN }, last = NAN;
    int first = 1;
    for (xmlNodePtr n = g->children; n; n = n->next) {
        if (named(n, "line")) {
            last = prop(n, ca);
        } else if (named(n, "text") && isfinite(last)) {
            xmlChar *t = xmlNodeGetContent(n);
            char *end;
            double x = strtod((const char *)t, &end);
            int number = *end == '\0';
            xmlFree(t);
            if (!number)
                continue;
            int i = first ? 0 : 1;
            c[i] = last;
            v[i] = x;
            if (first)
                c[1] = last, v[1] = x;
            first = 0;
            last = NAN;
        }
    }
    ck_assert(isfinite(c[0]) && v[1] != v[0]);
    scale s = { 0, (c[1] - c[0]) / (v[1] - v[0]) };
    s.c0 = c[0] - v[0] * s.per;
    return s;
}

static double value(const scale *s, double c)
{
    return (c - s->c0) / s->per;
}

/* The points of a polyline, in data units; returns their number. */
static size_t points(xmlNodePtr pl, const scale *sx, const scale *sy,
                     double *x, double *y, size_t max)
{
    xmlChar *p = xmlGetProp(pl, (const xmlChar *)"points");
    ck_assert_ptr_nonnull(p);
    const char *s = (const char *)p;
    size_t n = 0;
    char *end;
    while (*s && n < max) {
        double a = strtod(s, &end);
        ck_assert(*end == ',');
        double b = strtod(end + 1, &end);
        x[n] = value(sx, a);
        y[n] = value(sy, b);
        n++;
        s = end;
        while (*s == ' ')
            s++;
    }
    xmlFree(p);
    return n;
}

static void geometry_of(const run *r, geometry *g)
{
    g->root = xmlDocGetRootElement(r->doc);
    g->x = axis_scale(find(g->root, "xaxis"), "x1");
    g->y = axis_scale(find(g->root, "yaxis"), "y1");
}

/* The tolerance in data units of a scale. */
static double tol(const scale *s)
{
    return PX_TOL / fabs(s->per);
}

/* ---- the tests ---------------------------------------------------------------- */

/* Five trials short of the required information (HR 0.8, fixed model). */
static const double five_est[] = { -0.37, 0.10, -0.15, -0.42, 0.02 };
static const double five_se[] = { 0.34, 0.19, 0.24, 0.25, 0.28 };

/* The boundary a look at fraction 1 would have after the new looks of t. */
static double boundary_at_ris(const mp_tsa_result *t, const mp_tsa_options *o)
{
    double f[64];
    mp_groupseq_look g[64];
    size_t n = 0;
    for (size_t j = 0; j < t->n_looks && n < 63; j++)
        f[n++] = t->looks[j].fraction;
    f[n++] = 1;
    ck_assert_int_eq(mp_groupseq_bounds(f, n, &o->spending, o->alpha, g, NULL),
                     MP_OK);
    return g[n - 1].bound;
}

START_TEST(test_geometry_short)
{
    run r;
    run_tsa(&r, 5, five_est, five_se, 0.8, 0, 0);
    geometry g = r.g;
    const mp_tsa_result *t = r.t;
    ck_assert_double_lt(t->looks[4].fraction, 1);
    double x[64], y[64];
    /* the Z-curve: one point per look at (information, Z) */
    size_t n = points(find(g.root, "zcurve"), &g.x, &g.y, x, y, 64);
    ck_assert_uint_eq(n, t->n_looks);
    for (size_t j = 0; j < n; j++) {
        ck_assert_double_eq_tol(x[j], t->looks[j].information, tol(&g.x));
        ck_assert_double_eq_tol(y[j], t->looks[j].z, tol(&g.y));
    }
    ck_assert_uint_eq(count(g.root, "look") + count(g.root, "look crossed"),
                      t->n_looks);
    /* the boundaries: the new looks' (finite) ones, then the one at RIS */
    size_t m = 0;
    for (size_t j = 0; j < t->n_looks; j++)
        m += t->looks[j].new_look && isfinite(t->looks[j].boundary);
    for (int side = -1; side <= 1; side += 2) {
        n = points(find(g.root, side > 0 ? "boundary upper" : "boundary lower"),
                   &g.x, &g.y, x, y, 64);
        ck_assert_uint_eq(n, m + 1);
        size_t i = 0;
        for (size_t j = 0; j < t->n_looks; j++) {
            const mp_tsa_look *L = &t->looks[j];
            if (!L->new_look || !isfinite(L->boundary))
                continue;
            ck_assert_double_eq_tol(x[i], L->information, tol(&g.x));
            ck_assert_double_eq_tol(y[i], side * L->boundary, tol(&g.y));
            i++;
        }
        ck_assert_double_eq_tol(x[m], t->adjusted_required_information, tol(&g.x));
        ck_assert_double_eq_tol(y[m], side * boundary_at_ris(t, &r.to), tol(&g.y));
    }
    /* the RIS line and the conventional boundaries */
    xmlNodePtr ris = find(g.root, "ris");
    for (xmlNodePtr c = ris->children; c; c = c->next)
        if (named(c, "line"))
            ck_assert_double_eq_tol(value(&g.x, prop(c, "x1")),
                                    t->adjusted_required_information, tol(&g.x));
    size_t lines = 0;
    for (xmlNodePtr c = find(g.root, "conventional")->children; c; c = c->next)
        if (named(c, "line")) {
            double z = value(&g.y, prop(c, "y1"));
            ck_assert_double_eq_tol(fabs(z), Z975, tol(&g.y));
            lines++;
        }
    ck_assert_uint_eq(lines, 2);
    /* no crossing, no futility without --futility */
    ck_assert_uint_eq(count(g.root, "look crossed"), 0);
    ck_assert_ptr_null(find(g.root, "futility"));
    run_free(&r);
}
END_TEST

/* Futility under the random model: the wedge on the side of the
 * anticipated effect, closing at the required information. */
START_TEST(test_futility)
{
    run r;
    run_tsa(&r, 5, five_est, five_se, 0.8, 1, 1);
    geometry g = r.g;
    const mp_tsa_result *t = r.t;
    double x[64], y[64];
    size_t n = points(find(g.root, "futility"), &g.x, &g.y, x, y, 64);
    size_t i = 0;
    for (size_t j = 0; j < t->n_looks; j++) {
        const mp_tsa_look *L = &t->looks[j];
        if (!L->new_look || !isfinite(L->futility))
            continue;
        ck_assert_uint_lt(i, n);
        ck_assert_double_eq_tol(x[i], L->information, tol(&g.x));
        ck_assert_double_eq_tol(y[i], L->futility, tol(&g.y));
        i++;
    }
    ck_assert_uint_eq(n, i + 1);
    /* at the required information it meets the lower (benefit) boundary */
    ck_assert_double_eq_tol(x[i], t->adjusted_required_information, tol(&g.x));
    ck_assert_double_eq_tol(y[i], -boundary_at_ris(t, &r.to), tol(&g.y));
    run_free(&r);
}
END_TEST

/* Strong trials past the required information: the curve crosses the
 * benefit boundary; no point is added at fraction 1, the final boundary
 * is drawn level to the last look; the x axis reaches the last look. */
START_TEST(test_crossing_past_ris)
{
    static const double est[] = { -0.40, -0.35, -0.45, -0.30 };
    static const double se[] = { 0.10, 0.09, 0.08, 0.07 };
    run r;
    run_tsa(&r, 4, est, se, 0.8, 0, 0);
    geometry g = r.g;
    const mp_tsa_result *t = r.t;
    ck_assert_double_gt(t->looks[3].fraction, 1);
    ck_assert_uint_lt(t->first_crossing, t->n_looks);
    ck_assert_uint_eq(count(g.root, "look crossed"), 1);
    double x[64], y[64];
    size_t n = points(find(g.root, "boundary lower"), &g.x, &g.y, x, y, 64);
    size_t m = 0;
    for (size_t j = 0; j < t->n_looks; j++)
        m += t->looks[j].new_look && isfinite(t->looks[j].boundary);
    ck_assert_uint_eq(n, m + 1);
    ck_assert_double_eq_tol(x[m], t->looks[3].information, tol(&g.x));
    ck_assert_double_eq_tol(y[m], -t->looks[3].boundary, tol(&g.y));
    ck_assert_double_eq_tol(y[m], y[m - 1], tol(&g.y));
    xmlNodePtr area = find(g.root, "plotarea");
    double right = value(&g.x, prop(area, "x") + prop(area, "width"));
    ck_assert_double_ge(right, t->looks[3].information);
    run_free(&r);
}
END_TEST

/* The document: title, desc (the text report's sentence), the numbered
 * list of looks naming each trial. */
START_TEST(test_texts)
{
    run r;
    run_tsa(&r, 5, five_est, five_se, 0.8, 1, 0);
    mp_report rep;
    ck_assert_int_eq(mp_analysis_report(r.a, 0, &rep), MP_OK);
    char c[MP_TSA_CONCLUSION_MAX];
    mp_report_tsa_conclusion(&rep, c, sizeof c);
    ck_assert_ptr_nonnull(strstr(r.svg, "<title>Trial sequential analysis: "));
    char desc[MP_TSA_CONCLUSION_MAX + 16];
    snprintf(desc, sizeof desc, "<desc>%s</desc>", c);
    /* the sentence has an apostrophe (O'Brien): escaped or not, the same */
    xmlNodePtr root = xmlDocGetRootElement(r.doc);
    int found = 0;
    for (xmlNodePtr n = root->children; n; n = n->next)
        if (named(n, "desc")) {
            xmlChar *t = xmlNodeGetContent(n);
            found = strcmp((const char *)t, c) == 0;
            xmlFree(t);
        }
    ck_assert_msg(found, "no <desc> with %s", c);
    ck_assert_ptr_nonnull(strstr(r.svg, "1  Trial 1 (2000)"));
    ck_assert_ptr_nonnull(strstr(r.svg, "5  Trial 5 (2004)"));
    ck_assert_ptr_nonnull(strstr(r.svg, "(D\xc2\xb2-adjusted)"));
    run_free(&r);
}
END_TEST

/* More looks than are labelled: circles without numbers, no list; no
 * coordinate that is not finite. */
START_TEST(test_many_looks)
{
    enum { K = 60 };
    double est[K], se[K];
    for (size_t i = 0; i < K; i++) {
        est[i] = -0.2 + 0.3 * sin((double)i);
        se[i] = 0.3 + 0.1 * cos((double)i);
    }
    run r;
    run_tsa(&r, K, est, se, 0.8, 1, 1);
    xmlNodePtr root = xmlDocGetRootElement(r.doc);
    ck_assert_uint_eq(count(root, "look") + count(root, "look crossed"), K);
    ck_assert_ptr_null(find(root, "looks"));
    run_free(&r);
}
END_TEST

/* Without --tsa there is no TSA plot. */
START_TEST(test_no_tsa)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    mp_status st;
    mp_analysis *a = mp_analysis_new(&o, &st);
    char *doc = studies(5, five_est, five_se);
    ck_assert_int_eq(mp_analysis_read_memory(a, doc, strlen(doc), "t.xml"), MP_OK);
    free(doc);
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(mp_analysis_write_memory(a, MP_OUTPUT_TSA_SVG, NULL, &buf,
                                              &len), MP_EINPUT);
    ck_assert_ptr_null(buf);
    mp_analysis_free(a);
}
END_TEST

static Suite *svg_tsa_suite(void)
{
    Suite *s = suite_create("svg_tsa");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_geometry_short);
    tcase_add_test(tc, test_futility);
    tcase_add_test(tc, test_crossing_past_ris);
    tcase_add_test(tc, test_texts);
    tcase_add_test(tc, test_many_looks);
    tcase_add_test(tc, test_no_tsa);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(svg_tsa_suite());
}
