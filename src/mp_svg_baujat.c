/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_baujat.c - the Baujat plot; see mp_svg_baujat.h. */
#include "mp_svg_baujat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mp_format.h"
#include "mp_svg_chart.h"
#include "mp_svg_text.h"

#define FONT MP_SVG_FONT
#define LINE MP_SVG_LINE
#define MARGIN 16.0
#define PLOT_W 420.0
#define PLOT_H 300.0
#define DOT_R 4.0
#define LABEL_GAP 7.0
#define LABEL_MAX_EM (24 * 55)      /* a label: about 24 characters */
#define FOOT_ROW 18.0
#define MAXFOOT 4
/* Up to this many studies, labels are moved off each other (quadratic). */
#define PLACE_MAX 300

/* A label's place: its anchor point and side. */
typedef struct {
    double x, y;                /* baseline start (left) or end (right) */
    int left;                   /* 1: text-anchor end, left of its dot */
    double bx0, by0, bx1, by1;  /* its box, px */
} place;

typedef struct {
    const mp_report *r;
    mp_svg_frame f;
    char title[LINE], desc[2 * LINE];
    char foot[MAXFOOT][MP_SVG_FOOT_LINE];
    size_t nfoot;
    double width, height, foot_y;
    place *at;                  /* k label places */
} baujat;

static int drawn(const mp_influence_row *w)
{
    return isfinite(w->baujat_x) && isfinite(w->baujat_y);
}

/* The footer: the model, and the studies not drawn. */
static void set_footer(baujat *p)
{
    const mp_report *r = p->r;
    char model[128];
    mp_report_model_words(model, sizeof model, r->fit);
    snprintf(p->foot[p->nfoot++], sizeof p->foot[0], "%zu studies; model: %s", mp_dataset_k(r->ds),
             model);
    char miss[LINE] = "";
    for (size_t i = 0; i < mp_dataset_k(r->ds); i++) {
        if (drawn(&r->infl[i]))
            continue;
        size_t n = strlen(miss);
        snprintf(miss + n, sizeof miss - n, "%s%s", n ? ", " : "",
                 mp_dataset_title(r->ds, i));
    }
    if (miss[0]) {
        char t[2 * LINE];
        snprintf(t, sizeof t, "Not drawn (the fit without the study failed): %s", miss);
        mp_svg_fit(p->foot[p->nfoot++], sizeof p->foot[0], t, 0);
    }
}

static void layout(baujat *p)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < mp_dataset_k(p->r->ds); i++)
        if (drawn(&p->r->infl[i])) {
            mx = fmax(mx, p->r->infl[i].baujat_x);
            my = fmax(my, p->r->infl[i].baujat_y);
        }
    mp_svg_linear_ticks(0, mx > 0 ? mx : 1, 6, &p->f.xt);
    mp_svg_linear_ticks(0, my > 0 ? my : 1, 6, &p->f.yt);
    p->f.x = MARGIN + mp_svg_frame_left(&p->f.yt);
    p->f.y = MARGIN;
    p->f.w = PLOT_W;
    p->f.h = PLOT_H;
    double fw = 0;
    for (size_t i = 0; i < p->nfoot; i++)
        fw = fmax(fw, mp_svg_text_px(p->foot[i], FONT, 0));
    /* room on the right for the labels of the dots at the edge */
    p->width = fmax(p->f.x + p->f.w + MARGIN + 8, MARGIN + fw + MARGIN);
    p->foot_y = p->f.y + p->f.h + MP_SVG_FRAME_BOTTOM + FOOT_ROW;
    p->height = p->foot_y + (double)(p->nfoot - 1) * FOOT_ROW + MARGIN;
}

static void dot_xy(const baujat *p, size_t i, double *cx, double *cy)
{
    *cx = mp_svg_frame_x(&p->f, p->r->infl[i].baujat_x);
    *cy = mp_svg_frame_y(&p->f, p->r->infl[i].baujat_y);
}

/* Candidate c (0 .. N_CANDIDATE - 1) for a label tw px wide by a dot:
 * right, left, then right and left ever farther below and above. */
#define N_CANDIDATE 14
static void candidate(place *q, double cx, double cy, double tw, int c)
{
    static const double dy[] = { 0, 0, 1, 1, -1, -1, 2, 2, -2, -2, 3, 3, -3, -3 };
    q->left = c % 2;
    q->x = q->left ? cx - LABEL_GAP : cx + LABEL_GAP;
    q->y = cy + FONT * 0.35 + dy[c] * (FONT * 0.8);
    q->bx0 = q->left ? q->x - tw : q->x;
    q->bx1 = q->bx0 + tw;
    q->by0 = q->y - FONT * 0.8;
    q->by1 = q->y + FONT * 0.25;
}

static int overlaps(const place *a, const place *b)
{
    return a->bx0 < b->bx1 && b->bx0 < a->bx1 && a->by0 < b->by1 && b->by0 < a->by1;
}

/* Whether q covers the dot of a study other than i. */
static int covers_dot(const baujat *p, const place *q, size_t i)
{
    for (size_t j = 0; j < mp_dataset_k(p->r->ds); j++) {
        if (j == i || !drawn(&p->r->infl[j]))
            continue;
        place d;
        dot_xy(p, j, &d.bx0, &d.by0);
        d.bx1 = d.bx0 + DOT_R;
        d.by1 = d.by0 + DOT_R;
        d.bx0 -= DOT_R;
        d.by0 -= DOT_R;
        if (overlaps(q, &d))
            return 1;
    }
    return 0;
}

/* The first candidate inside the area that overlaps no label placed
 * before and no other dot (with many studies: the first inside the
 * area). */
static void place_label(baujat *p, size_t i, size_t placed, const size_t *done)
{
    char label[LINE];
    mp_svg_fit(label, sizeof label, mp_dataset_title(p->r->ds, i), LABEL_MAX_EM);
    double cx, cy, tw = mp_svg_text_px(label, FONT, 0);
    dot_xy(p, i, &cx, &cy);
    place q, inside = { 0 };
    int have_inside = 0;
    for (int c = 0; c < N_CANDIDATE; c++) {
        candidate(&q, cx, cy, tw, c);
        if (q.bx0 < p->f.x || q.bx1 > p->f.x + p->f.w || q.by0 < p->f.y ||
            q.by1 > p->f.y + p->f.h)
            continue;
        if (!have_inside++)
            inside = q;
        if (mp_dataset_k(p->r->ds) > PLACE_MAX)
            break;
        int clash = covers_dot(p, &q, i);
        for (size_t j = 0; j < placed && !clash; j++)
            clash = overlaps(&q, &p->at[done[j]]);
        if (!clash) {
            p->at[i] = q;
            return;
        }
    }
    if (have_inside)
        p->at[i] = inside;
    else
        candidate(&p->at[i], cx, cy, tw, cx > p->f.x + p->f.w / 2);
}

/* Labels are placed from the most influential study down. */
static const baujat *sort_p;
static int by_influence(const void *a, const void *b)
{
    double x = sort_p->r->infl[*(const size_t *)a].baujat_y;
    double y = sort_p->r->infl[*(const size_t *)b].baujat_y;
    return (x < y) - (x > y);
}

static mp_status place_labels(baujat *p)
{
    size_t k = mp_dataset_k(p->r->ds), n = 0;
    size_t *order = malloc(k * sizeof *order);
    p->at = calloc(k, sizeof *p->at);
    if (!order || !p->at) {
        free(order);
        return MP_ENOMEM;
    }
    for (size_t i = 0; i < k; i++)
        if (drawn(&p->r->infl[i]))
            order[n++] = i;
    sort_p = p;
    qsort(order, n, sizeof *order, by_influence);
    for (size_t j = 0; j < n; j++)
        place_label(p, order[j], j, order);
    free(order);
    return MP_OK;
}

static void study(mp_svg_writer *s, const baujat *p, size_t i)
{
    const mp_influence_row *w = &p->r->infl[i];
    char label[LINE], tip[2 * LINE], x[MP_NUMBUF], y[MP_NUMBUF];
    mp_svg_fit(label, sizeof label, mp_dataset_title(p->r->ds, i), LABEL_MAX_EM);
    mp_format_fixed(x, w->baujat_x, 3);
    mp_format_fixed(y, w->baujat_y, 3);
    snprintf(tip, sizeof tip, "%s: contribution to Q %s, influence %s", label, x, y);
    double cx, cy;
    dot_xy(p, i, &cx, &cy);
    mp_svg_start(s, "g");
    mp_svg_attr(s, "class", "study");
    mp_svg_marker(s, "study", cx, cy, DOT_R, 0, tip);
    const place *q = &p->at[i];
    mp_svg_text(s, q->x, q->y, q->left ? "end" : NULL, 0, FONT, label);
    mp_svg_end(s);
}

static void draw(mp_svg_writer *s, const void *ctx)
{
    const baujat *p = ctx;
    mp_svg_root(s, p->width, p->height, p->title, p->desc);
    mp_svg_frame_axes(s, &p->f, "Contribution to overall heterogeneity (Q)",
                      "Influence on the pooled result");
    for (size_t i = 0; i < mp_dataset_k(p->r->ds); i++)
        if (drawn(&p->r->infl[i]))
            study(s, p, i);
    mp_svg_footer(s, MARGIN, p->foot_y, FOOT_ROW, p->foot, p->nfoot);
    mp_svg_end(s);     /* svg */
}

mp_status mp_svg_baujat(FILE *out, const mp_report *r)
{
    if (!r->infl)
        return MP_EINPUT;
    baujat p;
    memset(&p, 0, sizeof p);
    p.r = r;
    mp_svg_chart_title(p.title, sizeof p.title, "Baujat plot", r);
    size_t k = mp_dataset_k(r->ds);
    snprintf(p.desc, sizeof p.desc, "Baujat plot of %zu studies: each study's "
             "contribution to the heterogeneity statistic Q (x) against its influence on "
             "the pooled estimate, the squared change when it is left out in units of the "
             "variance (y). Studies at the top right add much heterogeneity and move the "
             "result.", k);
    set_footer(&p);
    layout(&p);
    mp_status st = place_labels(&p);
    if (st == MP_OK)
        st = mp_svg_document(out, draw, &p);
    free(p.at);
    return st;
}
