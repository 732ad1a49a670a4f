/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_svg.c - unit tests of mp_svg: forest plots as SVG documents.
 *
 * Studies come through the real reader (mp_read_memory) into a dataset,
 * are fitted as src/metapool.c does, and each plot is written to memory
 * (open_memstream), parsed back with libxml2 and checked: a well-formed
 * SVG 1.1 root with width, height and viewBox; the number of study rows
 * (class "study", "step" or "omitted"), diamonds and arrows; the figures
 * shown, which are those of the text report (tests/data/expected and
 * the shipped analysis); escaping; and no coordinate that is not finite.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mp_analyses.h"
#include "mp_analysis.h"
#include "mp_conclusion.h"
#include "mp_dataset.h"
#include "mp_format.h"
#include "mp_report.h"
#include "mp_study.h"
#include "mp_svg.h"
#include "testutil.h"

#define SVG_NS "http://www.w3.org/2000/svg"

/* ---- studies ------------------------------------------------------------------ */

typedef struct {
    const char *id, *title;     /* title as XML text (escaped) */
    int year;
    const char *hr;             /* attributes of <hazard-ratio> */
    long n_exp, n_ctl;          /* -1: no <arms> */
    const char *arm_exp, *arm_ctl;
    const char *sequence;       /* covariate value, NULL for none */
    long ev_exp, ev_ctl;        /* -1: no <events> */
} study;

/* The descriptor of s (testutil.h's document, with s's children). */
static const char *study_doc(const study *s)
{
    char body[4096], arms[512] = "", cov[256] = "", ev[128] = "";
    if (s->n_exp >= 0)
        snprintf(arms, sizeof arms,
                 "<arms><arm role=\"experimental\" n=\"%ld\">%s</arm>"
                 "<arm role=\"control\" n=\"%ld\">%s</arm></arms>\n",
                 s->n_exp, s->arm_exp ? s->arm_exp : "E", s->n_ctl,
                 s->arm_ctl ? s->arm_ctl : "C");
    if (s->sequence)
        snprintf(cov, sizeof cov, "<covariate name=\"sequence\" value=\"%s\"/>\n",
                 s->sequence);
    if (s->ev_exp >= 0)
        snprintf(ev, sizeof ev, "<events experimental=\"%ld\" control=\"%ld\"/>",
                 s->ev_exp, s->ev_ctl);
    snprintf(body, sizeof body,
             "%s%s<outcome name=\"OS\"><hazard-ratio %s/>%s</outcome>\n",
             arms, cov, s->hr, ev);
    return mp_check_study_doc(s->id, s->year, s->title, body);
}

/* The shipped analysis (studies/ *.xml): the figures below are those of
 * `metapool studies/` (text report). */
static const study shipped[] = {
    { "abcsg", "ABCSG-28 POSYTIVE", 2019, "estimate=\"0.691\" lower=\"0.358\" upper=\"1.333\" "
      "reference=\"experimental\"",
      45, 45, "Surgery + systemic therapy", "Systemic therapy alone",
      "surgery-first", -1, -1 },
    { "e2108", "ECOG-ACRIN E2108", 2022,
      "estimate=\"1.11\" lower=\"0.82\" upper=\"1.52\" level=\"0.90\"",
      125, 131, NULL, NULL, "systemic-first", -1, -1 },
    { "jcog", "JCOG1017 PRIM-BC", 2023, "estimate=\"0.857\" lower=\"0.686\" upper=\"1.072\" level=\"0.90\"",
      202, 205, NULL, NULL, "systemic-first", -1, -1 },
    { "mf07", "MF07-01", 2018, "estimate=\"0.66\" lower=\"0.49\" upper=\"0.88\"",
      138, 136, NULL, NULL, "surgery-first", -1, -1 },
    { "tata", "Tata Memorial", 2015, "estimate=\"1.04\" lower=\"0.81\" upper=\"1.34\"",
      173, 177, NULL, NULL, "systemic-first", 118, 110 },
};
#define N_SHIPPED (sizeof shipped / sizeof shipped[0])

/* ---- analysis as the command line does it: through mp_analysis ----------- */

typedef struct {
    mp_analysis *an;
    const mp_dataset *ds;
    const mp_fit_options *opt;
    const mp_fit_result *fit;
    mp_fit_result *loo;         /* a copy, which a test may mark failed */
    const mp_subgroups *sub;
    mp_report rep;              /* what the plots read; loo is the copy */
} analysis;

typedef struct {
    const char *by;             /* --by sequence */
    int cumulative;
    double level;               /* 0: default */
    int hksj;
    int bayes;                  /* --bayes (issue 19) */
} how;

static void analyse(analysis *a, const study *s, size_t n, const how *h)
{
    memset(a, 0, sizeof *a);
    mp_analysis_options ao;
    mp_analysis_options_default(&ao);
    if (h) {
        ao.by = h->by;
        ao.cumulative = h->cumulative;
        ao.fit.hksj = h->hksj;
        if (h->level > 0)
            ao.fit.level = h->level;
        ao.bayes = h->bayes;
    }
    mp_status st;
    a->an = mp_analysis_new(&ao, &st);
    ck_assert_int_eq(st, MP_OK);
    mp_errors *err = mp_analysis_errors(a->an, MP_STAGE_READ);
    for (size_t i = 0; i < n; i++) {
        const char *doc = study_doc(&s[i]);
        ck_assert_msg(mp_analysis_read_memory(a->an, doc, strlen(doc), "t.xml")
                      == MP_OK, "study %zu:%s", i, mp_check_dump(err));
    }
    ck_assert_int_eq(mp_analysis_run(a->an), MP_OK);
    a->ds = mp_analysis_dataset(a->an);
    size_t k = mp_dataset_k(a->ds);
    ck_assert_uint_eq(k, n);
    a->opt = &mp_analysis_get_options(a->an)->fit;
    a->fit = mp_analysis_fit(a->an);
    a->sub = mp_analysis_subgroups(a->an);
    ck_assert_int_eq(mp_analysis_report(a->an, 1, &a->rep), MP_OK);
    if (a->rep.loo) {
        a->loo = malloc(k * sizeof *a->loo);
        ck_assert_ptr_nonnull(a->loo);
        memcpy(a->loo, a->rep.loo, k * sizeof *a->loo);
        a->rep.loo = a->loo;
    }
}

static void analysis_free(analysis *a)
{
    free(a->loo);
    mp_analysis_free(a->an);
}

/* ---- the plot, parsed back ------------------------------------------------------ */

typedef mp_status (*plot_fn)(FILE *, const mp_report *, const mp_svg_options *);

typedef struct {
    char *raw;                  /* the document as written */
    size_t len;
    xmlDocPtr doc;
    double width, height;
    size_t rows;                /* groups of class study, step or omitted */
    size_t headings, diamonds, arrows, squares, dashed;
    char text[1 << 18];         /* every <text>, one per line */
    char row_text[256][512];    /* the first rows' texts, "|"-separated */
} svg_plot;

static int has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
    int r = c && strcmp((const char *)c, cls) == 0;
    xmlFree(c);
    return r;
}

static int is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static void append(char *dst, size_t cap, const char *s)
{
    size_t used = strlen(dst);
    snprintf(dst + used, cap - used, "%s", s);
}

/* Every number of a geometric attribute must be finite. */
static void check_numbers(xmlNodePtr n)
{
    static const char *const names[] = { "x", "y", "x1", "y1", "x2", "y2", "width",
                                         "height", "points", "viewBox", "font-size",
                                         "stroke-width" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)names[i]);
        if (!v)
            continue;
        const char *p = (const char *)v;
        if (strchr(p, '%')) {               /* the background: 100% */
            ck_assert_str_eq(p, "100%");
            xmlFree(v);
            continue;
        }
        while (*p) {
            while (*p == ' ' || *p == ',')
                p++;
            if (!*p)
                break;
            char *end;
            double x = strtod(p, &end);
            ck_assert_msg(end != p && isfinite(x) && fabs(x) < 1e6,
                          "<%s %s=\"%s\">: not a finite coordinate", n->name,
                          names[i], (const char *)v);
            ck_assert_msg(strncmp(p, "nan", 3) && strncmp(p, "NaN", 3) &&
                          strncmp(p, "inf", 3), "%s", p);
            p = end;
        }
        xmlFree(v);
    }
}

static void walk(svg_plot *s, xmlNodePtr n, size_t *row)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        check_numbers(n);
        ck_assert_msg(n->ns && strcmp((const char *)n->ns->href, SVG_NS) == 0,
                      "<%s> outside the SVG namespace", n->name);
        int is_row = is(n, "g") && (has_class(n, "study") || has_class(n, "step") ||
                                    has_class(n, "omitted"));
        if (is_row)
            s->rows++;
        if (is(n, "g") && has_class(n, "heading"))
            s->headings++;
        if (is(n, "polygon") && has_class(n, "diamond"))
            s->diamonds++;
        if (is(n, "polygon") && has_class(n, "arrow"))
            s->arrows++;
        if (is(n, "rect") && has_class(n, "square"))
            s->squares++;
        if (is(n, "line")) {
            xmlChar *d = xmlGetProp(n, (const xmlChar *)"stroke-dasharray");
            s->dashed += d != NULL;
            xmlFree(d);
            xmlChar *w = xmlGetProp(n, (const xmlChar *)"stroke-width");
            ck_assert_ptr_nonnull(w);
            ck_assert_msg(strtod((const char *)w, NULL) >= 1, "hairline");
            xmlFree(w);
        }
        if (is(n, "text")) {
            xmlChar *t = xmlNodeGetContent(n);
            ck_assert_ptr_nonnull(t);
            append(s->text, sizeof s->text, (const char *)t);
            append(s->text, sizeof s->text, "\n");
            if (*row < 256) {
                char *rt = s->row_text[*row];
                if (rt[0])
                    append(rt, sizeof s->row_text[0], "|");
                append(rt, sizeof s->row_text[0], (const char *)t);
            }
            xmlFree(t);
        }
        if (is_row) {
            size_t mine = s->rows - 1, none = 256;
            walk(s, n->children, mine < 256 ? &mine : &none);
        } else {
            walk(s, n->children, row);
        }
    }
}

static double num_prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    ck_assert_msg(v != NULL, "<svg> lacks %s", name);
    char *end;
    double x = strtod((const char *)v, &end);
    ck_assert_msg(*end == '\0' && isfinite(x) && x > 0, "%s=\"%s\"", name, v);
    xmlFree(v);
    return x;
}

/* Write the plot to memory, check it is a well-formed SVG 1.1 document
 * and take it apart. */
static svg_plot *render(plot_fn fn, const analysis *a, const mp_svg_options *o)
{
    svg_plot *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    FILE *f = open_memstream(&s->raw, &s->len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fn(f, &a->rep, o), MP_OK);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(strncmp(s->raw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0,
                  "no XML declaration");
    s->doc = xmlReadMemory(s->raw, (int)s->len, "plot.svg", NULL, XML_PARSE_NONET);
    ck_assert_msg(s->doc != NULL, "not well-formed");
    xmlNodePtr root = xmlDocGetRootElement(s->doc);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq((const char *)root->name, "svg");
    ck_assert_ptr_nonnull(root->ns);
    ck_assert_str_eq((const char *)root->ns->href, SVG_NS);
    xmlChar *version = xmlGetProp(root, (const xmlChar *)"version");
    ck_assert_ptr_nonnull(version);
    ck_assert_str_eq((const char *)version, "1.1");
    xmlFree(version);
    s->width = num_prop(root, "width");
    s->height = num_prop(root, "height");
    xmlChar *vb = xmlGetProp(root, (const xmlChar *)"viewBox");
    ck_assert_ptr_nonnull(vb);
    double v[4];
    ck_assert_int_eq(sscanf((const char *)vb, "%lf %lf %lf %lf", &v[0], &v[1],
                            &v[2], &v[3]), 4);
    ck_assert(v[0] == 0 && v[1] == 0 && v[2] == s->width && v[3] == s->height);
    xmlFree(vb);
    xmlChar *font = xmlGetProp(root, (const xmlChar *)"font-family");
    ck_assert_ptr_nonnull(font);
    ck_assert_ptr_nonnull(strstr((const char *)font, "Helvetica"));
    ck_assert_ptr_nonnull(strstr((const char *)font, "sans-serif"));
    xmlFree(font);
    ck_assert_msg(strstr(s->raw, "nan") == NULL && strstr(s->raw, "NaN") == NULL &&
                  strstr(s->raw, "inf\"") == NULL, "a number is not finite");
    size_t none = 256;
    walk(s, root, &none);
    return s;
}

static void plot_free(svg_plot *s)
{
    xmlFreeDoc(s->doc);
    free(s->raw);
    free(s);
}

static void has_text(const svg_plot *s, const char *t)
{
    ck_assert_msg(strstr(s->text, t) != NULL, "no text \"%s\" in:\n%s", t, s->text);
}

static void row_is(const svg_plot *s, size_t i, const char *want)
{
    ck_assert_msg(strcmp(s->row_text[i], want) == 0, "row %zu is \"%s\", expected \"%s\"",
                  i, s->row_text[i], want);
}

static void row_starts(const svg_plot *s, size_t i, const char *want)
{
    ck_assert_msg(strncmp(s->row_text[i], want, strlen(want)) == 0,
                  "row %zu is \"%s\", expected \"%s...\"", i, s->row_text[i], want);
}

/* ---- tests ---------------------------------------------------------------------- */

/* The shipped analysis: figures as the text report prints them. */
START_TEST(test_forest_shipped)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, 5);
    ck_assert_uint_eq(s->squares, 5);
    ck_assert_uint_eq(s->diamonds, 2);
    ck_assert_uint_eq(s->arrows, 0);
    row_is(s, 0, "ABCSG-28 POSYTIVE|2019|45/45|1.45 [0.75, 2.79]|4.5%|8.7%");
    row_is(s, 1, "ECOG-ACRIN E2108|2022|125/131|1.11 [0.77, 1.60]|14.4%|18.5%");
    row_is(s, 4, "Tata Memorial|2015|173/177|118/110|1.04 [0.81, 1.34]|30.8%|25.5%");
    has_text(s, "HR [95% CI]");
    has_text(s, "Weight\n");
    has_text(s, "Fixed effect (inverse variance)\n0.91 [0.79, 1.05]\n100.0%\n");
    has_text(s, "Random effects (DL)\n0.93 [0.75, 1.16]\n100.0%\n");
    has_text(s, "Prediction interval (z)\n[0.61, 1.42]\n");
    has_text(s, "Heterogeneity: tau\xc2\xb2 = 0.0332; I\xc2\xb2 = 55.2%; Q = 8.94, "
                "df = 4 (p = 0.063)\n");
    has_text(s, "Test for overall effect (fixed effect): z = -1.31 (p = 0.19)\n");
    has_text(s, "Test for overall effect (random effects): z = -0.63 (p = 0.53)\n");
    /* favours: the first study naming its arms */
    has_text(s, "Favours Surgery + systemic therapy\n");
    has_text(s, "Favours Systemic therapy alone\n");
    /* ticks from the data: round numbers around 0.49 .. 2.79 */
    has_text(s, "\n0.5\n");
    has_text(s, "\n1\n");
    has_text(s, "\n2\n");
    ck_assert_uint_eq(s->dashed, 0);
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* "label\nHR [lo, hi]\n" of a log-scale median and interval as the plot
 * prints it (mp_format_ratio); without a label, "[lo, hi]\n". */
static void ratio_text(char *buf, size_t n, const char *label, double med,
                       double lo, double hi)
{
    char m[MP_NUMBUF], l[MP_NUMBUF], h[MP_NUMBUF];
    mp_format_ratio(m, exp(med));
    mp_format_ratio(l, exp(lo));
    mp_format_ratio(h, exp(hi));
    if (label)
        snprintf(buf, n, "%s\n%s [%s, %s]\n", label, m, l, h);
    else
        snprintf(buf, n, "[%s, %s]\n", l, h);
}

/* --forest with --bayes (issue 19): under each study its shrunken
 * estimate (an open circle), then the posterior diamond and the
 * posterior predictive interval, with the figures of the analysis's
 * posterior (tests/cli/bayes.sh checks those against R); the priors and
 * tau in the footer.  Without --bayes none of it. */
START_TEST(test_forest_bayes)
{
    analysis a;
    how h = { NULL, 0, 0, 0, 1 };
    analyse(&a, shipped, N_SHIPPED, &h);
    const mp_bayes_result *b = mp_analysis_bayes(a.an);
    ck_assert_ptr_nonnull(b);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, N_SHIPPED);
    ck_assert_uint_eq(s->diamonds, 3);
    char want[256], pi[128];
    for (size_t i = 0; i < N_SHIPPED; i++) {
        ratio_text(want, sizeof want, "Shrunken estimate", b->shrinkage[i].median,
                   b->shrinkage[i].lower, b->shrinkage[i].upper);
        has_text(s, want);
    }
    size_t circles = 0;
    for (const char *c = s->raw; (c = strstr(c, "<circle class=\"shrunken\"")); c++)
        circles++;
    ck_assert_uint_eq(circles, N_SHIPPED);
    ratio_text(want, sizeof want, "Bayesian random effects", b->mu.median,
               b->mu.lower, b->mu.upper);
    has_text(s, want);
    /* the README's figures (metapool --bayes studies/ *.xml) */
    has_text(s, "Bayesian random effects\n0.93 [0.70, 1.31]\n");
    ratio_text(pi, sizeof pi, NULL, NAN, b->prediction.lower, b->prediction.upper);
    snprintf(want, sizeof want, "Bayesian prediction interval\n%s", pi);
    has_text(s, want);
    has_text(s, "Bayesian prediction interval\n[0.48, 1.92]\n");
    has_text(s, "Bayesian (tau prior halfnormal:0.5, mu prior uniform): posterior "
                "medians, 95% central credible intervals;\n");
    has_text(s, "tau = 0.214 [0.017, 0.646]; P(HR < 1) = 0.71\n");
    plot_free(s);
    analysis_free(&a);
    analyse(&a, shipped, N_SHIPPED, NULL);
    s = render(mp_svg_forest, &a, NULL);
    ck_assert_ptr_null(strstr(s->raw, "Bayesian"));
    ck_assert_ptr_null(strstr(s->raw, "shrunken"));
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* A chosen level and the HKSJ test show in the head and the tests. */
START_TEST(test_forest_level_hksj)
{
    analysis a;
    how h = { NULL, 0, 0.90, 1, 0 };
    analyse(&a, shipped, N_SHIPPED, &h);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    has_text(s, "HR [90% CI]");
    has_text(s, "Random effects (DL, HKSJ)");
    ck_assert_msg(strstr(s->text, "Test for overall effect (random effects): t = ") &&
                  strstr(s->text, ", df = 4 (p = "), "%s", s->text);
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* One study: the fixed effect only, no random column, no heterogeneity. */
START_TEST(test_forest_one_study)
{
    analysis a;
    analyse(&a, shipped + 4, 1, NULL);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, 1);
    ck_assert_uint_eq(s->squares, 1);
    ck_assert_uint_eq(s->diamonds, 1);
    row_is(s, 0, "Tata Memorial|2015|173/177|118/110|1.04 [0.81, 1.34]|100.0%");
    ck_assert_ptr_null(strstr(s->text, "random"));
    ck_assert_ptr_null(strstr(s->text, "Prediction interval"));
    has_text(s, "Heterogeneity: not applicable (one study)\n");
    has_text(s, "Test for overall effect: z = ");
    /* no arm labels: the generic favours labels */
    has_text(s, "Favours E\n");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* Intervals of 1e-6 .. 1e6 are clipped with arrows; the axis keeps the
 * ordinary studies readable. */
START_TEST(test_forest_extreme)
{
    static const study st[] = {
        { "a", "A", 2011, "estimate=\"0.80\" lower=\"0.62\" upper=\"1.03\"", -1, -1,
          NULL, NULL, NULL, -1, -1 },
        { "b", "B", 2013, "estimate=\"0.72\" lower=\"0.55\" upper=\"0.94\"", -1, -1,
          NULL, NULL, NULL, -1, -1 },
        { "c", "C", 2016, "estimate=\"1.05\" lower=\"0.80\" upper=\"1.38\"", -1, -1,
          NULL, NULL, NULL, -1, -1 },
        { "d", "Enormous", 2018, "estimate=\"1\" lower=\"0.000001\" upper=\"1000000\"",
          -1, -1, NULL, NULL, NULL, -1, -1 },
        { "e", "Tiny", 2020, "estimate=\"0.01\" lower=\"0.0001\" upper=\"1\"", -1, -1,
          NULL, NULL, NULL, -1, -1 },
    };
    analysis a;
    analyse(&a, st, 5, NULL);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, 5);
    ck_assert_uint_eq(s->arrows, 3);        /* both ends of d, the left of e */
    ck_assert_uint_eq(s->squares, 4);       /* e's estimate is off the axis */
    row_is(s, 3, "Enormous|2018|1.00 [1.00e-06, 1.00e+06]|0.0%|0.0%");
    /* the axis spans at most a few decades, not twelve */
    ck_assert_ptr_null(strstr(s->text, "\n0.001\n"));
    ck_assert_ptr_null(strstr(s->text, "\n1000\n"));
    plot_free(s);
    /* the same as the only study: its interval is the pooled one */
    analysis one;
    analyse(&one, st + 3, 1, NULL);
    s = render(mp_svg_forest, &one, NULL);
    ck_assert_uint_eq(s->rows, 1);
    ck_assert_uint_eq(s->diamonds, 1);
    ck_assert_uint_eq(s->arrows, 2);
    has_text(s, "\n0.001\n");
    has_text(s, "\n1000\n");
    plot_free(s);
    analysis_free(&one);
    analysis_free(&a);
}
END_TEST

/* 150 studies: one row each, the height grows with them. */
START_TEST(test_forest_150)
{
    enum { K = 150 };
    static study st[K];
    static char ids[K][16], titles[K][32], hr[K][96];
    for (int i = 0; i < K; i++) {
        double y = 0.3 * sin(i * 1.7), se = 0.1 + 0.4 * (i % 7) / 7.0;
        snprintf(ids[i], sizeof ids[i], "s%d", i);
        snprintf(titles[i], sizeof titles[i], "Study %03d", i + 1);
        snprintf(hr[i], sizeof hr[i], "estimate=\"%.4f\" lower=\"%.4f\" upper=\"%.4f\"",
                 exp(y), exp(y - 1.959964 * se), exp(y + 1.959964 * se));
        st[i] = (study){ ids[i], titles[i], 1990 + i % 30, hr[i], 100 + i, 100 + i,
                         NULL, NULL, NULL, -1, -1 };
    }
    analysis a;
    analyse(&a, st, K, NULL);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, K);
    ck_assert_uint_eq(s->squares, K);
    ck_assert_uint_eq(s->diamonds, 2);
    ck_assert(s->height > K * 18.0);
    ck_assert(s->width < 1400);
    row_starts(s, 149, "Study 150|2019|249/249|");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* Subgroups: a heading, the studies and a subtotal per subgroup, then the
 * overall diamonds and the test for subgroup differences. */
START_TEST(test_forest_subgroups)
{
    study st[N_SHIPPED + 1];
    memcpy(st, shipped, sizeof shipped);
    st[N_SHIPPED] = (study){ "x", "No covariate", 2010,
                             "estimate=\"0.9\" lower=\"0.7\" upper=\"1.2\"", -1, -1,
                             NULL, NULL, NULL, -1, -1 };
    analysis a;
    how h = { "sequence", 0, 0, 0, 0 };
    analyse(&a, st, N_SHIPPED + 1, &h);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, N_SHIPPED + 1);
    ck_assert_uint_eq(s->headings, 3);
    ck_assert_uint_eq(s->diamonds, 3 + 2);
    has_text(s, "surgery-first\n");
    has_text(s, "systemic-first\n");
    has_text(s, "Unspecified\n");
    has_text(s, "Subtotal (DL)\n");
    has_text(s, "Subtotal (fixed effect, 1 study)\n");
    /* the surgery-first subtotal: ABCSG-28 and MF07-01 */
    char want[256], q[MP_NUMBUF], df[MP_NUMBUF], p[MP_NUMBUF];
    mp_format_fixed(q, a.sub->Q, 2);
    mp_format_fixed(df, a.sub->df, 0);
    mp_format_p(p, a.sub->p);
    snprintf(want, sizeof want, "Test for subgroup differences: Q = %s, df = %s (p = %s)",
             q, df, p);
    has_text(s, want);
    /* two groups with the covariate; the unspecified one is not tested */
    ck_assert_str_eq(df, "1");
    ck_assert(strstr(s->text, "Heterogeneity: tau\xc2\xb2 = ") != NULL);
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* The plot and the text report state the test for subgroup differences
 * in the same words when it cannot be made: here two subgroups, one of
 * whose fits failed (issue 17: the plot said "needs at least two
 * subgroups").  tests/cli/phrases.sh makes a fit fail for real. */
START_TEST(test_subgroup_test_failed)
{
    analysis a;
    how h = { "sequence", 0, 0, 0, 0 };
    analyse(&a, shipped, N_SHIPPED, &h);
    ck_assert_uint_eq(a.sub->n_groups, 2);
    mp_subgroups failed = *a.sub;
    mp_subgroup groups[2] = { a.sub->groups[0], a.sub->groups[1] };
    groups[0].fit.status = MP_ENUMERIC;
    failed.groups = groups;
    ck_assert_int_eq(mp_subgroups_test(&failed, 0), MP_OK);
    ck_assert(isnan(failed.Q));
    a.rep.sub = &failed;
    const char *want = "Test for subgroup differences: not available (a "
                       "subgroup's fit failed)";
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    has_text(s, want);
    ck_assert(strstr(s->text, "needs at least two") == NULL);
    plot_free(s);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(mp_report_text(f, &a.rep), MP_OK);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(strstr(text, want) != NULL, "text report:\n%s", text);
    free(text);
    analysis_free(&a);
}
END_TEST

/* Cumulative: one row per step in year order, k so far. */
START_TEST(test_cumulative)
{
    analysis a;
    how h = { NULL, 1, 0, 0, 0 };
    analyse(&a, shipped, N_SHIPPED, &h);
    svg_plot *s = render(mp_svg_cumulative, &a, NULL);
    ck_assert_uint_eq(s->rows, N_SHIPPED);
    ck_assert_uint_eq(s->squares, N_SHIPPED);
    /* Tata 2015 first (one study: fixed effect), E2108 and JCOG last */
    row_starts(s, 0, "Tata Memorial|2015|1|1.04 [0.81, 1.34]|");
    row_is(s, 4, "JCOG1017 PRIM-BC|2023|5|0.93 [0.75, 1.16]|0.53|55.2%|0.0332");
    has_text(s, "Study added");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* Leave-one-out: one row per omitted study, the full analysis as a
 * diamond, a dashed line at its estimate. */
START_TEST(test_leave_one_out)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    svg_plot *s = render(mp_svg_leave_one_out, &a, NULL);
    ck_assert_uint_eq(s->rows, N_SHIPPED);
    ck_assert_uint_eq(s->diamonds, 1);
    ck_assert_uint_eq(s->dashed, 1);
    row_starts(s, 0, "Omitting ABCSG-28 POSYTIVE|");
    has_text(s, "All studies\n0.93 [0.75, 1.16]\n0.53\n55.2%\n0.0332\n");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* Failed refits are named, not drawn, and the document stays valid.  A
 * refit fails only by overflow since issue 15 (check_analyses.c,
 * test_failed_subfit); here every row is marked as mp_leave_one_out
 * marks such a row. */
START_TEST(test_failed_fits)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    for (size_t i = 0; i < N_SHIPPED; i++)
        a.loo[i].status = MP_ENUMERIC;
    svg_plot *s = render(mp_svg_leave_one_out, &a, NULL);
    ck_assert_uint_eq(s->rows, N_SHIPPED);
    ck_assert_uint_eq(s->squares, 0);
    has_text(s, "not estimable: ");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* Markup in titles, covariate values and arm labels is escaped by the
 * writer and reads back unchanged; UTF-8 survives; long titles are cut. */
START_TEST(test_escaping_utf8)
{
    static const study st[] = {
        { "esc", "Trial &lt;A&gt; &amp; \"B\" 'C'", 2014,
          "estimate=\"0.85\" lower=\"0.66\" upper=\"1.09\"", 150, 149,
          "Arm &lt;E&gt; &amp; co", "Arm \"C\"", "a &amp; &lt;b&gt;", 98, 104 },
        { "utf", "\xc3\x89tude fran\xc3\xa7" "aise \xe2\x80\x94 \xce\x95\xce\xbb\xce\xbb",
          2017, "estimate=\"1.12\" lower=\"0.78\" upper=\"1.61\"", -1, -1, NULL, NULL,
          "a &amp; &lt;b&gt;", -1, -1 },
        { "long", "A randomised phase III trial of early locoregional treatment of the "
          "intact primary tumour in women with de novo metastatic breast cancer", 2019,
          "estimate=\"0.70\" lower=\"0.52\" upper=\"0.94\"", -1, -1, NULL, NULL, NULL,
          -1, -1 },
        { "cjk", "\xe6\x97\xa5\xe6\x9c\xac\xe8\x87\xa8\xe5\xba\x8a\xe8\x85\xab\xe7\x98"
          "\x8d\xe7\xa0\x94\xe7\xa9\xb6\xe3\x82\xb0\xe3\x83\xab\xe3\x83\xbc\xe3\x83\x97"
          "\xe7\xac\xac\xe4\xb8\x89\xe7\x9b\xb8\xe8\xa9\xa6\xe9\xa8\x93\xe5\x8e\x9f\xe7"
          "\x99\xba\xe5\xb7\xa3\xe5\x88\x87\xe9\x99\xa4\xe3\x81\xae\xe6\x84\x8f\xe7\xbe"
          "\xa9", 2021, "estimate=\"0.95\" lower=\"0.71\" upper=\"1.27\"", -1, -1, NULL,
          NULL, NULL, -1, -1 },
    };
    analysis a;
    how h = { "sequence", 0, 0, 0, 0 };
    analyse(&a, st, 4, &h);
    svg_plot *s = render(mp_svg_forest, &a, NULL);
    ck_assert_uint_eq(s->rows, 4);
    row_starts(s, 0, "Trial <A> & \"B\" 'C'|2014|150/149|98/104|0.85 [0.66, 1.09]|");
    has_text(s, "a & <b>\n");
    has_text(s, "Favours Arm <E> & co\n");
    has_text(s, "Favours Arm \"C\"\n");
    ck_assert_ptr_nonnull(strstr(s->raw, "Trial &lt;A&gt; &amp;"));
    ck_assert_ptr_null(strstr(s->raw, "<A>"));
    has_text(s, "\xc3\x89tude fran\xc3\xa7" "aise \xe2\x80\x94 \xce\x95\xce\xbb\xce\xbb\n");
    /* cut to the label column with "...", never across a column */
    const char *cut = strstr(s->text, "A randomised phase III trial of early");
    ck_assert_ptr_nonnull(cut);
    const char *eol = strchr(cut, '\n');
    ck_assert(eol - cut < 60 && strncmp(eol - 3, "...", 3) == 0);
    ck_assert_ptr_null(strstr(s->text, "breast cancer"));
    ck_assert_ptr_nonnull(strstr(s->text, "\xe6\x97\xa5\xe6\x9c\xac"));
    ck_assert_ptr_null(strstr(s->text, "\xe6\x84\x8f\xe7\xbe\xa9"));   /* cut */
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* The favours labels given as options win over the arm labels. */
START_TEST(test_favours_options)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    mp_svg_options o = { "Favours <early> surgery", "Favours & systemic" };
    svg_plot *s = render(mp_svg_forest, &a, &o);
    has_text(s, "Favours <early> surgery\n");
    has_text(s, "Favours & systemic\n");
    ck_assert_ptr_null(strstr(s->text, "Favours Surgery"));
    plot_free(s);
    s = render(mp_svg_leave_one_out, &a, &o);
    has_text(s, "Favours <early> surgery\n");
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* A long favours label wraps on up to three lines, breaking after a
 * phrase (":") only in the second half of a line: a first line of just
 * "A:" would waste a line, and the label would be cut. */
START_TEST(test_favours_wrap)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    mp_svg_options o = { "A: patients randomised to locoregional surgery of "
                         "the primary tumour followed by radiotherapy", NULL };
    svg_plot *s = render(mp_svg_forest, &a, &o);
    has_text(s, "A: patients randomised to locoregional\n");
    has_text(s, "surgery of the primary tumour followed\n");
    has_text(s, "by radiotherapy\n");
    ck_assert_ptr_null(strstr(s->text, "A:\n"));
    ck_assert_ptr_null(strstr(s->text, "..."));
    plot_free(s);
    analysis_free(&a);
}
END_TEST

/* The conclusion of mp_conclusion ends the footer, wrapped into lines
 * that keep the plot's width and lose no word: joined, they give it back. */
static void conclusion_is_footer(const analysis *a, const char *first_words)
{
    svg_plot *s = render(mp_svg_forest, a, NULL);
    char want[MP_CONCLUSION_MAX];
    ck_assert_int_eq(mp_conclusion(want, sizeof want, mp_dataset_measure(a->ds),
                                   a->opt->level, a->fit), MP_OK);
    const char *start = strstr(s->text, first_words);
    ck_assert_msg(start != NULL, "no conclusion in:\n%s", s->text);
    char got[2 * MP_CONCLUSION_MAX];
    snprintf(got, sizeof got, "%s", start);
    size_t lines = 0, longest = 0;
    for (char *c = got, *line = got; *c; c++)
        if (*c == '\n') {
            *c = ' ';
            lines++;
            longest = (size_t)(c - line) > longest ? (size_t)(c - line) : longest;
            line = c + 1;
        }
    got[strlen(got) - 1] = '\0';           /* the last line's newline */
    ck_assert_str_eq(got, want);
    ck_assert_uint_ge(lines, 2);
    ck_assert_uint_le(longest, 180);
    plot_free(s);
}

START_TEST(test_forest_conclusion)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    conclusion_is_footer(&a, "The pooled hazard ratio (random effects) is 0.93 "
                             "(95% CI 0.75 to 1.16): the data are compatible with "
                             "anything from a 25% lower to a 16% higher");
    analysis_free(&a);
    analyse(&a, shipped + 3, 1, NULL);
    conclusion_is_footer(&a, "The single study's hazard ratio is 0.66 (95% CI "
                             "0.49 to 0.88): the data are compatible with a 12% "
                             "to 51% lower hazard");
    analysis_free(&a);
}
END_TEST

/* A write error is MP_EIO; a plot without its analysis is MP_EINPUT. */
START_TEST(test_errors)
{
    analysis a;
    analyse(&a, shipped, N_SHIPPED, NULL);
    FILE *f = fopen("/dev/full", "w");
    if (f) {
        setvbuf(f, NULL, _IONBF, 0);
        ck_assert_int_eq(mp_svg_forest(f, &a.rep, NULL), MP_EIO);
        fclose(f);
    }
    char *buf = NULL;
    size_t len = 0;
    f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(mp_svg_cumulative(f, &a.rep, NULL), MP_EINPUT);
    mp_report no_loo = a.rep;
    no_loo.loo = NULL;
    ck_assert_int_eq(mp_svg_leave_one_out(f, &no_loo, NULL), MP_EINPUT);
    fclose(f);
    ck_assert_uint_eq(len, 0);
    free(buf);
    analysis_free(&a);
}
END_TEST

static Suite *svg_suite(void)
{
    Suite *s = suite_create("svg");
    TCase *t = tcase_create("plots");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_forest_shipped);
    tcase_add_test(t, test_forest_level_hksj);
    tcase_add_test(t, test_forest_bayes);
    tcase_add_test(t, test_forest_one_study);
    tcase_add_test(t, test_forest_extreme);
    tcase_add_test(t, test_forest_150);
    tcase_add_test(t, test_forest_subgroups);
    tcase_add_test(t, test_subgroup_test_failed);
    tcase_add_test(t, test_cumulative);
    tcase_add_test(t, test_leave_one_out);
    tcase_add_test(t, test_failed_fits);
    tcase_add_test(t, test_escaping_utf8);
    tcase_add_test(t, test_favours_options);
    tcase_add_test(t, test_favours_wrap);
    tcase_add_test(t, test_forest_conclusion);
    tcase_add_test(t, test_errors);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    gsl_set_error_handler_off();
    return mp_check_run(svg_suite());
}
