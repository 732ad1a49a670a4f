/* mp_svg.c - forest plots as SVG; see mp_svg.h.
 *
 * A plot is built in two passes.  The first turns the report into a table
 * of rows (label, text cells, an interval on the log scale, a marker) and
 * footer lines, with every number formatted by mp_format as the text
 * report prints it.  The second lays the table out (column widths from the
 * text lengths at an assumed 0.6 em per character, an axis whose ticks are
 * chosen from the data) and writes the document through libxml2's
 * xmlTextWriter into a memory buffer, which is then written to the stream.
 *
 * Units are CSS pixels (one user unit); fonts are 12 px, lines at least
 * 1 px, black on white, so the figure reads at its natural size and prints.
 */
#include "mp_svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "mp_conclusion.h"
#include "mp_format.h"

/* ---- geometry ---------------------------------------------------------------- */

#define FONT 12.0           /* body text, px */
#define FONT_SMALL 11.0     /* subgroup heterogeneity lines */
#define ROW_H 20.0          /* a table row */
#define HEAD_H 17.0         /* a header line */
#define NOTE_LINE_H 14.0    /* a line of small text inside the table */
#define GAP_H 8.0           /* a blank separator row */
#define MARGIN 16.0         /* around the figure */
#define COL_GAP 14.0        /* between columns */
#define PLOT_W 320.0        /* the axis */
#define SQUARE_MAX 14.0     /* side of the square of the heaviest study */
#define SQUARE_MIN 4.0      /* smallest square drawn, so that none vanishes */
#define POINT_SIDE 8.0      /* the equal squares of cumulative/leave-one-out */
#define DIAMOND_HALF 6.0    /* half height of a diamond */
#define CI_STROKE 1.5       /* interval lines */
#define ARROW_LEN 7.0       /* arrowhead where an interval leaves the axis */
#define ARROW_HALF 4.0
#define FAVOURS_W 230.0     /* widest line of a favours label, px */

/* Text widths are estimated in hundredths of an em from Helvetica's
 * advance widths (Arial, Liberation Sans and Nimbus Sans share them),
 * rounded up by a tenth so that a wider substitute (DejaVu Sans) still
 * fits; 100 for the wide East Asian characters.  An unknown character
 * counts 0.6 em. */
#define EM_DOTS 93                          /* "..." */
#define LABEL_MAX_EM (40 * 55)              /* a study label: ~40 characters */
#define BOLD_FACTOR 1.1

/* Axis limits: intervals beyond them are clipped with an arrow. */
#define AXIS_MIN_LOG (-3 * M_LN10)
#define AXIS_MAX_LOG (3 * M_LN10)

#define FONT_STACK "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', " \
                   "'DejaVu Sans', sans-serif"
#define INK "#000000"
#define SQ "\xc2\xb2"        /* superscript two */

#ifndef M_LN10
#define M_LN10 2.30258509299404568402
#endif

/* ---- text measuring and fitting ------------------------------------------------ */

/* Length in bytes of the UTF-8 character at s (1 for a stray byte) and its
 * code point. */
static size_t utf8_char(const char *s, unsigned long *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3
             : p[0] >= 0xC0 ? 2 : 1;
    unsigned long c = n == 1 ? p[0] : p[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {    /* truncated sequence */
            *cp = p[0];
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* Helvetica's widths of the printable ASCII characters, 1/1000 em. */
static const unsigned short helvetica[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
};

/* Width of a character, 1/100 em, with the margin described above. */
static unsigned char_em(unsigned long c)
{
    if (c >= 32 && c < 127)
        return (helvetica[c - 32] * 11 + 99) / 100;
    int wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
               (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
               (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
               (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
    return wide ? 105 : 62;
}

static unsigned em(const char *s)
{
    unsigned w = 0;
    unsigned long c;
    while (*s) {
        s += utf8_char(s, &c);
        w += char_em(c);
    }
    return w;
}

/* Estimated width in px of s at a font size. */
static double text_px(const char *s, double size, int bold)
{
    return em(s) * size / 100.0 * (bold ? BOLD_FACTOR : 1.0);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy s into dst (cap bytes) with every run of white space made one
 * space and the ends trimmed.  When that is wider than max hundredths of an em
 * (0: no limit) or does not fit in cap, cut it at a character boundary and
 * end it with "..." (as mp_format_pad does for the text report). */
static void fit(char *dst, size_t cap, const char *s, unsigned max)
{
    if (cap == 0)
        return;
    dst[0] = '\0';
    if (!s)
        return;
    while (is_blank(*s))
        s++;
    /* the collapsed text, measured */
    unsigned width = 0;
    size_t bytes = 0;
    unsigned long c;
    for (const char *p = s; *p;) {
        if (is_blank(*p)) {
            while (is_blank(*p))
                p++;
            if (*p) {
                width += char_em(' ');
                bytes++;
            }
            continue;
        }
        size_t n = utf8_char(p, &c);
        width += char_em(c);
        bytes += n;
        p += n;
    }
    int cut = (max > 0 && width > max) || bytes + 1 > cap;
    unsigned room = cut ? (max > EM_DOTS ? max - EM_DOTS : 0) : width;
    size_t byte_room = cut ? (cap > 4 ? cap - 4 : 0) : cap - 1;
    if (cut && max == 0)
        room = width;
    size_t used = 0;
    width = 0;
    for (const char *p = s; *p;) {
        if (is_blank(*p)) {
            while (is_blank(*p))
                p++;
            if (!*p || width + char_em(' ') > room || used + 1 > byte_room)
                break;
            dst[used++] = ' ';
            width += char_em(' ');
            continue;
        }
        size_t n = utf8_char(p, &c);
        unsigned w = char_em(c);
        if (width + w > room || used + n > byte_room)
            break;
        memcpy(dst + used, p, n);
        used += n;
        width += w;
        p += n;
    }
    if (cut) {
        while (used > 0 && dst[used - 1] == ' ')
            used--;
        if (cap >= 4) {
            memcpy(dst + used, "...", 3);
            used += 3;
        }
    }
    dst[used] = '\0';
}

#define LINE 256            /* bytes of one line of text */

/* Break s into at most max_lines lines (of LINE bytes) no wider than w px
 * at the given font size; a word too long for a line is cut with "...",
 * and so is the last line when the text does not fit.  Returns the number
 * of lines (0 for an empty s). */
static size_t wrap(const char *s, double w, double size, char (*out)[LINE],
                   size_t max_lines)
{
    unsigned max = w > 0 ? (unsigned)(w * 100.0 / size) : 0;
    if (max < 2 * EM_DOTS)
        max = 2 * EM_DOTS;
    size_t n = 0;
    const char *p = s ? s : "";
    while (is_blank(*p))
        p++;
    while (*p && n < max_lines) {
        if (n == max_lines - 1) {
            fit(out[n++], LINE, p, max);      /* the rest, cut if need be */
            break;
        }
        /* take words while they fit; remember the last word that ends a
         * phrase (with ; , or :) so that "Q = 4.57, df = 1" breaks after
         * the comma rather than inside "df = 1", but only in the second
         * half of the line: a line of one short word ("A:") wastes one of
         * the few lines there are */
        const char *end = p, *q = p, *phrase = NULL;
        unsigned width = 0;
        while (*q) {
            const char *word = q;
            unsigned ww = 0;
            unsigned long c;
            while (*q && !is_blank(*q)) {
                q += utf8_char(q, &c);
                ww += char_em(c);
            }
            unsigned add = (end == p ? 0 : char_em(' ')) + ww;
            if (width + add > max) {
                q = word;
                break;
            }
            width += add;
            end = q;
            if (strchr(";,:", q[-1]) && 2 * width >= max)
                phrase = q;
            while (is_blank(*q))
                q++;
        }
        if (*q && phrase && phrase != end)
            end = phrase;
        if (end == p) {             /* one word longer than the line */
            const char *e = p;
            while (*e && !is_blank(*e))
                e++;
            char word[LINE];
            size_t len = (size_t)(e - p) < LINE - 1 ? (size_t)(e - p) : LINE - 1;
            memcpy(word, p, len);
            word[len] = '\0';
            fit(out[n++], LINE, word, max);
            p = e;
        } else {
            char part[4 * LINE];
            size_t len = (size_t)(end - p) < sizeof part - 1 ? (size_t)(end - p)
                                                             : sizeof part - 1;
            memcpy(part, p, len);
            part[len] = '\0';
            fit(out[n++], LINE, part, max);
            p = end;
        }
        while (is_blank(*p))
            p++;
    }
    return n;
}

/* ---- numbers --------------------------------------------------------------------- */

/* A coordinate: at most two decimals, trailing zeros dropped, written with
 * integer arithmetic so that no locale can change it.  "NaN" for a value
 * that is not finite (never by construction; the tests look for it). */
static void coord(char buf[MP_NUMBUF], double x)
{
    if (!isfinite(x) || fabs(x) > 1e12) {
        strcpy(buf, "NaN");
        return;
    }
    long long c = llround(x * 100.0);
    unsigned long long a = c < 0 ? (unsigned long long)-c : (unsigned long long)c;
    const char *sign = c < 0 ? "-" : "";
    unsigned long long ip = a / 100, fp = a % 100;
    if (fp == 0)
        snprintf(buf, MP_NUMBUF, "%s%llu", sign, ip);
    else if (fp % 10 == 0)
        snprintf(buf, MP_NUMBUF, "%s%llu.%llu", sign, ip, fp / 10);
    else
        snprintf(buf, MP_NUMBUF, "%s%llu.%02llu", sign, ip, fp);
}

/* "0.80 [0.60, 1.07]" from a log estimate and log bounds. */
static void ratio_ci(char *buf, size_t n, double est, double lo, double hi)
{
    char e[MP_NUMBUF], l[MP_NUMBUF], h[MP_NUMBUF];
    mp_format_ratio(l, exp(lo));
    mp_format_ratio(h, exp(hi));
    if (isfinite(est)) {
        mp_format_ratio(e, exp(est));
        snprintf(buf, n, "%s [%s, %s]", e, l, h);
    } else {
        snprintf(buf, n, "[%s, %s]", l, h);
    }
}



/* The confidence level in percent as the text report prints it: "95",
 * "90", "99.5". */
static void level_text(char buf[MP_NUMBUF], double level)
{
    double x = 100.0 * level;
    int d = 0;
    while (d < 4 && fabs(x - round(x * pow(10, d)) / pow(10, d)) > 1e-9)
        d++;
    mp_format_fixed(buf, x, d);
}

/* ---- the table ------------------------------------------------------------------- */

typedef enum {
    R_STUDY,        /* a study: square sized by weight, interval */
    R_POINT,        /* a pooled estimate drawn as an equal square */
    R_DIAMOND,      /* a pooled estimate drawn as a diamond */
    R_PI,           /* a prediction interval */
    R_HEADING,      /* a subgroup heading */
    R_NOTE,         /* small text in the left part of the table */
    R_GAP           /* blank space */
} row_kind;

#define MAXCOL 7
#define CELL 64

typedef struct {
    row_kind kind;
    const char *cls;            /* class attribute of the row's group */
    char label[LINE];
    char cell[MAXCOL][CELL];
    double est, lo, hi;         /* log scale; NAN when not drawn */
    double side;                /* square side, px */
    int bold;
    int anchor;                 /* 1: its interval must show, as a pooled one */
    char (*lines)[LINE];        /* R_NOTE: wrapped lines (layout) */
    size_t n_lines;
    double y, h;                /* top and height (layout) */
} row;

typedef struct {
    const char *head;           /* header text */
    const char *group;          /* text over neighbours with the same group */
    int left;                   /* 1: left of the plot */
    double w, x;                /* width and left edge (layout) */
} column;

#define MAXFOOT 16
#define MAXTICK 32

typedef struct {
    const mp_report *r;
    char title[LINE];           /* the document's <title> */
    char label_head[CELL];
    column col[MAXCOL];
    size_t ncol;
    row *rows;
    size_t nrows, cap;
    char foot[MAXFOOT][LINE];
    size_t nfoot;
    char conclusion[MP_CONCLUSION_MAX];    /* last in the footer, wrapped */
    char favours[2][LINE];      /* left, right of 1 */
    double dashed;              /* log value of a dashed line, NAN for none */
    /* layout */
    double axlo, axhi;          /* axis limits, log scale */
    double tick[MAXTICK];
    char tick_label[MAXTICK][MP_NUMBUF];
    size_t ntick;
    double label_w, plot_x, width, height;
    double table_top, table_bottom, axis_y;
    char fav_lines[2][3][LINE];
    size_t n_fav[2];
    double fav_y, foot_y;
} plot;

static mp_status plot_init(plot *p, const mp_report *r, size_t rows_hint)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    p->dashed = NAN;
    p->cap = rows_hint + 8;
    p->rows = calloc(p->cap, sizeof *p->rows);
    return p->rows ? MP_OK : MP_ENOMEM;
}

static void plot_free(plot *p)
{
    for (size_t i = 0; p->rows && i < p->nrows; i++)
        free(p->rows[i].lines);
    free(p->rows);
    p->rows = NULL;
}

static size_t add_col(plot *p, const char *head, const char *group, int left)
{
    column *c = &p->col[p->ncol];
    c->head = head;
    c->group = group;
    c->left = left;
    return p->ncol++;
}

/* A new row (zeroed, no interval), or NULL when memory runs out. */
static row *add_row(plot *p, row_kind kind, const char *cls, const char *label)
{
    if (p->nrows == p->cap) {
        size_t cap = 2 * p->cap;
        row *t = realloc(p->rows, cap * sizeof *t);
        if (!t)
            return NULL;
        p->rows = t;
        p->cap = cap;
    }
    row *w = &p->rows[p->nrows++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->cls = cls;
    w->est = w->lo = w->hi = NAN;
    fit(w->label, sizeof w->label, label,
        kind == R_NOTE ? 0 : LABEL_MAX_EM);
    return w;
}

static void set_cell(row *w, size_t col, const char *text)
{
    fit(w->cell[col], CELL, text, 0);
}

static void add_foot(plot *p, const char *text)
{
    if (p->nfoot < MAXFOOT)
        fit(p->foot[p->nfoot++], LINE, text, 0);
}

static const char *measure_of(const mp_report *r)
{
    return mp_measure_name(mp_dataset_measure(r->ds));
}

/* "Overall survival (OS), hazard ratio" for the document's title. */
static void set_title(plot *p, const char *what)
{
    const char *outcome = mp_dataset_outcome(p->r->ds);
    const char *name = mp_report_outcome_name(outcome);
    snprintf(p->title, sizeof p->title, "%s: %s (%s), %s (%s)", what, name,
             outcome, mp_report_measure_name(mp_dataset_measure(p->r->ds)),
             measure_of(p->r));
}

/* "HR [95% CI]" */
static void ci_head(const plot *p, char *buf, size_t n)
{
    char lv[MP_NUMBUF];
    level_text(lv, p->r->opt->level);
    snprintf(buf, n, "%s [%s%% CI]", measure_of(p->r), lv);
}

/* Favours labels: the options, else the arm labels, else generic. */
static void set_favours(plot *p, const mp_svg_options *o)
{
    for (int side = 0; side < 2; side++) {
        const char *given = o ? (side == 0 ? o->favours_left : o->favours_right)
                              : NULL;
        if (given) {
            fit(p->favours[side], LINE, given, 0);
            continue;
        }
        const char *arm = mp_dataset_arm_label(p->r->ds, side == 0);
        char buf[LINE];
        snprintf(buf, sizeof buf, "Favours %s",
                 arm ? arm : side == 0 ? "experimental" : "control");
        fit(p->favours[side], LINE, buf, 0);
    }
}

/* "Heterogeneity: tau² = 0.0284; I² = 48.4%; Q = 9.68, df = 5 (p = 0.085)",
 * with the precision of the text report. */
static void het_text(char *buf, size_t n, const mp_fit_result *f)
{
    char t2[MP_NUMBUF], i2[MP_NUMBUF];
    mp_format_fixed(t2, f->random.tau2, 4);
    mp_format_fixed(i2, f->het.I2, 1);
    int used = snprintf(buf, n, "Heterogeneity: tau" SQ " = %s; I" SQ " = %s%%; ",
                        t2, i2);
    if (used >= 0 && (size_t)used < n)
        mp_report_q_phrase(buf + used, n - (size_t)used, MP_STYLE_PLOT,
                           f->het.Q, f->het.df, f->het.p);
}

/* ---- the forest plot ---------------------------------------------------------------- */

typedef struct {
    size_t year, n, events, ci, wf, wr;
    int has_n, has_events;
} forest_cols;

static mp_status study_row(plot *p, const forest_cols *fc,
                           const mp_weight_sums *sums, double wmax, size_t i,
                           double *wf_sum, double *wr_sum)
{
    const mp_dataset *ds = p->r->ds;
    row *w = add_row(p, R_STUDY, "study", mp_dataset_title(ds, i));
    if (!w)
        return MP_ENOMEM;
    mp_study_figures f;
    mp_report_study(p->r, sums, i, &f);
    char buf[LINE], a[MP_NUMBUF];
    if (mp_dataset_year(ds, i) > 0) {
        snprintf(buf, sizeof buf, "%d", mp_dataset_year(ds, i));
        set_cell(w, fc->year, buf);
    }
    if (fc->has_n) {
        long ne = mp_dataset_n(ds, i, 1), nc = mp_dataset_n(ds, i, 0);
        if (ne >= 0 && nc >= 0) {
            snprintf(buf, sizeof buf, "%ld/%ld", ne, nc);
            set_cell(w, fc->n, buf);
        }
    }
    if (fc->has_events) {
        long ee = mp_dataset_events(ds, i, 1), ec = mp_dataset_events(ds, i, 0);
        if (ee >= 0 && ec >= 0) {
            snprintf(buf, sizeof buf, "%ld/%ld", ee, ec);
            set_cell(w, fc->events, buf);
        }
    }
    ratio_ci(buf, sizeof buf, f.yi, f.lower, f.upper);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, f.w_fixed);
    set_cell(w, fc->wf, a);
    if (p->r->fit->has_random) {
        mp_format_percent(a, f.w_random);
        set_cell(w, fc->wr, a);
    }
    w->est = f.yi;
    w->lo = f.lower;
    w->hi = f.upper;
    double wt = p->r->fit->has_random ? f.w_random : f.w_fixed;
    w->side = wmax > 0 && isfinite(wt) ? SQUARE_MAX * sqrt(wt / wmax) : SQUARE_MIN;
    if (!(w->side >= SQUARE_MIN))
        w->side = SQUARE_MIN;
    *wf_sum += f.w_fixed;
    *wr_sum += isfinite(f.w_random) ? f.w_random : 0;
    return MP_OK;
}

/* A bold diamond row: the pooled estimate with its interval, and its
 * weight (percent) in column wcol.  NULL when memory runs out. */
static row *diamond_row(plot *p, const forest_cols *fc, const char *cls,
                        const char *label, double est, double lo, double hi,
                        size_t wcol, double weight)
{
    char buf[LINE], a[MP_NUMBUF];
    row *w = add_row(p, R_DIAMOND, cls, label);
    if (!w)
        return NULL;
    w->bold = 1;
    w->est = est;
    w->lo = lo;
    w->hi = hi;
    ratio_ci(buf, sizeof buf, est, lo, hi);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, weight);
    set_cell(w, wcol, a);
    return w;
}

/* Place row w at the pooled figures of f (mp_fit_pooled); their p. */
static double pooled_figures(row *w, const mp_fit_result *f)
{
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    w->est = pf.log_estimate;
    w->lo = pf.lower;
    w->hi = pf.upper;
    return pf.p;
}

/* The pooled rows of a fit: fixed and random diamonds (weights wf, wr in
 * percent, NAN for none) and the prediction interval. */
static mp_status pooled_rows(plot *p, const forest_cols *fc,
                             const mp_fit_result *f, int fixed, double wf,
                             double wr, const char *cls)
{
    char buf[LINE];
    row *w;
    if (fixed && !diamond_row(p, fc, cls, "Fixed effect (inverse variance)",
                              f->fixed.log_estimate, f->fixed.lower,
                              f->fixed.upper, fc->wf, wf))
        return MP_ENOMEM;
    if (!f->has_random)
        return MP_OK;
    mp_report_random_name(buf, sizeof buf, "Random effects", &f->random);
    if (!diamond_row(p, fc, cls, buf, f->random.log_estimate, f->random.lower,
                     f->random.upper, fc->wr, wr))
        return MP_ENOMEM;
    if (isfinite(f->random.pi_lower) && isfinite(f->random.pi_upper)) {
        mp_report_pi_label(&f->random, buf, sizeof buf);
        if (!(w = add_row(p, R_PI, "prediction", buf)))
            return MP_ENOMEM;
        w->lo = f->random.pi_lower;
        w->hi = f->random.pi_upper;
        ratio_ci(buf, sizeof buf, NAN, w->lo, w->hi);
        set_cell(w, fc->ci, buf);
    }
    return MP_OK;
}

/* A subgroup's subtotal: one diamond (random effects, or the fixed effect
 * of a single study) and its heterogeneity line. */
static mp_status subtotal_rows(plot *p, const forest_cols *fc,
                               const mp_subgroup *g, double wf, double wr)
{
    char buf[LINE], a[MP_NUMBUF];
    row *w;
    const mp_fit_result *f = &g->fit;
    if (f->status != MP_OK) {
        snprintf(buf, sizeof buf, "Subtotal: not estimable (%s)",
                 mp_status_string(f->status));
        return add_row(p, R_NOTE, "note", buf) ? MP_OK : MP_ENOMEM;
    }
    if (f->has_random) {
        char name[LINE];
        mp_report_random_name(name, sizeof name, "Subtotal", &f->random);
        w = add_row(p, R_DIAMOND, "subtotal", name);
    } else {
        w = add_row(p, R_DIAMOND, "subtotal", "Subtotal (fixed effect, 1 study)");
    }
    if (!w)
        return MP_ENOMEM;
    w->bold = 1;
    pooled_figures(w, f);
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    mp_format_percent(a, wf);
    set_cell(w, fc->wf, a);
    if (p->r->fit->has_random) {
        mp_format_percent(a, wr);
        set_cell(w, fc->wr, a);
    }
    if (f->has_random) {
        het_text(buf, sizeof buf, f);
        if (!add_row(p, R_NOTE, "note", buf))
            return MP_ENOMEM;
    }
    return MP_OK;
}

static mp_status forest_rows(plot *p, forest_cols *fc)
{
    const mp_report *r = p->r;
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    double wmax = 0;
    for (size_t i = 0; i < k; i++) {
        mp_study_figures f;
        mp_report_study(r, &sums, i, &f);
        double wt = r->fit->has_random ? f.w_random : f.w_fixed;
        if (isfinite(wt) && wt > wmax)
            wmax = wt;
    }
    mp_status st;
    double wf = 0, wr = 0;
    if (r->sub) {
        for (size_t g = 0; g < r->sub->n_groups; g++) {
            const mp_subgroup *sg = &r->sub->groups[g];
            row *h = add_row(p, R_HEADING, "heading",
                             sg->value ? sg->value : "Unspecified");
            if (!h)
                return MP_ENOMEM;
            h->bold = 1;
            double gwf = 0, gwr = 0;
            for (size_t j = 0; j < sg->k; j++)
                if ((st = study_row(p, fc, &sums, wmax, sg->rows[j], &gwf, &gwr)))
                    return st;
            if ((st = subtotal_rows(p, fc, sg, gwf, gwr)))
                return st;
            if (!add_row(p, R_GAP, "gap", ""))
                return MP_ENOMEM;
            wf += gwf;
            wr += gwr;
        }
    } else {
        for (size_t i = 0; i < k; i++)
            if ((st = study_row(p, fc, &sums, wmax, i, &wf, &wr)))
                return st;
        if (!add_row(p, R_GAP, "gap", ""))
            return MP_ENOMEM;
    }
    return pooled_rows(p, fc, r->fit, 1, 100.0, r->fit->has_random ? 100.0 : NAN,
                       "pooled");
}

static void forest_footer(plot *p)
{
    const mp_fit_result *f = p->r->fit;
    char buf[LINE], t[160];
    if (f->has_random) {
        het_text(buf, sizeof buf, f);
        add_foot(p, buf);
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, 0, f->fixed.z, NAN,
                              f->fixed.p);
        snprintf(buf, sizeof buf, "Test for overall effect (fixed effect): %s", t);
        add_foot(p, buf);
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, f->random.t_test,
                              f->random.statistic, f->random.df, f->random.p);
        snprintf(buf, sizeof buf, "Test for overall effect (random effects): %s", t);
        add_foot(p, buf);
    } else {
        add_foot(p, "Heterogeneity: not applicable (one study)");
        mp_report_test_phrase(t, sizeof t, MP_STYLE_PLOT, 0, f->fixed.z, NAN,
                              f->fixed.p);
        snprintf(buf, sizeof buf, "Test for overall effect: %s", t);
        add_foot(p, buf);
    }
    if (p->r->sub) {
        mp_report_subgroup_test(t, sizeof t, MP_STYLE_PLOT, p->r->sub);
        snprintf(buf, sizeof buf, "Test for subgroup differences: %s", t);
        add_foot(p, buf);
    }
    mp_conclusion(p->conclusion, sizeof p->conclusion,
                  mp_dataset_measure(p->r->ds), p->r->opt->level, f);
}

/* ---- pooled-fit rows: cumulative and leave-one-out ---------------------------------- */

typedef struct {
    size_t ci, p, i2, tau2;
} fit_cols;

static void fit_cols_add(plot *p, fit_cols *fc, char *ci_buf, size_t n)
{
    ci_head(p, ci_buf, n);
    fc->ci = add_col(p, ci_buf, NULL, 0);
    fc->p = add_col(p, "p", NULL, 0);
    fc->i2 = add_col(p, "I" SQ, NULL, 0);
    fc->tau2 = add_col(p, "tau" SQ, NULL, 0);
}

/* Cells and interval of one pooled fit; a failed fit gets its reason. */
static void fit_cells(row *w, const fit_cols *fc, const mp_fit_result *f)
{
    char buf[LINE], a[MP_NUMBUF];
    if (f->status != MP_OK) {
        snprintf(buf, sizeof buf, "not estimable: %s", mp_status_string(f->status));
        set_cell(w, fc->ci, buf);
        return;
    }
    mp_format_p(a, pooled_figures(w, f));
    ratio_ci(buf, sizeof buf, w->est, w->lo, w->hi);
    set_cell(w, fc->ci, buf);
    set_cell(w, fc->p, a);
    if (f->has_random) {
        mp_format_percent(a, f->het.I2);
        set_cell(w, fc->i2, a);
        mp_format_fixed(a, f->random.tau2, 4);
        set_cell(w, fc->tau2, a);
    }
}

/* ---- layout ------------------------------------------------------------------------- */

/* Tick ladders: the mantissas of each decade, coarse to fine. */
static const double ladder0[] = { 1 };
static const double ladder1[] = { 1, 2, 5 };
static const double ladder2[] = { 1, 1.5, 2, 3, 5, 7 };
static const double ladder3[] = { 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 };
static const double ladder4[] = { 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.2,
                                  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9 };
static const struct {
    const double *m;
    size_t n;
} ladders[] = {
    { ladder0, 1 }, { ladder1, 3 }, { ladder2, 6 }, { ladder3, 10 }, { ladder4, 20 },
};

static int mantissa_decimals(double m)
{
    return fabs(m * 10 - round(m * 10)) > 1e-9 ? 2 : fabs(m - round(m)) > 1e-9;
}

typedef struct {
    double v[MAXTICK];
    char label[MAXTICK][MP_NUMBUF];
    size_t n;
    double lo, hi;              /* log of the first and last */
} tick_set;

/* The ticks of ladder l covering [lo, hi] (log scale): from the largest
 * value <= lo to the smallest >= hi.  0 when there would be too many. */
static int ladder_ticks(size_t l, double lo, double hi, tick_set *t)
{
    int d0 = (int)floor(lo / M_LN10) - 1, d1 = (int)ceil(hi / M_LN10) + 1;
    double first = NAN, last = NAN;
    int fd = 0, ld = 0;
    size_t fm = 0, lm = 0;
    for (int d = d0; d <= d1; d++)
        for (size_t i = 0; i < ladders[l].n; i++) {
            double x = log(ladders[l].m[i]) + d * M_LN10;
            if (x <= lo + 1e-9) {
                first = x;
                fd = d;
                fm = i;
            }
            if (x >= hi - 1e-9 && isnan(last)) {
                last = x;
                ld = d;
                lm = i;
            }
        }
    if (isnan(first) || isnan(last))
        return 0;
    t->n = 0;
    for (int d = fd; d <= ld; d++)
        for (size_t i = d == fd ? fm : 0; i < ladders[l].n && (d < ld || i <= lm); i++) {
            if (t->n == MAXTICK)
                return 0;
            double m = ladders[l].m[i];
            t->v[t->n] = log(m) + d * M_LN10;
            int dec = mantissa_decimals(m) - d;
            mp_format_fixed(t->label[t->n], m * pow(10, d), dec > 0 ? dec : 0);
            t->n++;
        }
    t->lo = first;
    t->hi = last;
    return 1;
}

/* Choose the axis: the data range [lo, hi] (log) is covered by the ticks
 * of the ladder that uses the axis best, among those whose labels do not
 * crowd: the score is the share of the axis the data span, less 0.12 per
 * step to a finer ladder and 0.04 per tick beyond 8, plus 0.15 for at
 * least 4 ticks (so a finer ladder must earn its place). */
static void choose_axis(plot *p, double lo, double hi)
{
    tick_set best, t;
    double best_score = -1e300;
    int have = 0;
    for (size_t l = 0; l < sizeof ladders / sizeof ladders[0]; l++) {
        if (!ladder_ticks(l, lo, hi, &t) || t.n > 11 || t.n < 2)
            continue;
        double span = t.hi - t.lo, label_w = 0, gap = 1e300;
        for (size_t i = 0; i < t.n; i++) {
            double w = text_px(t.label[i], FONT, 0);
            if (w > label_w)
                label_w = w;
            if (i > 0 && (t.v[i] - t.v[i - 1]) / span * PLOT_W < gap)
                gap = (t.v[i] - t.v[i - 1]) / span * PLOT_W;
        }
        if (gap < label_w + 8)
            continue;
        double score = (hi - lo) / span - 0.12 * (double)l + (t.n >= 4 ? 0.15 : 0) -
                       (t.n > 8 ? 0.04 * (double)(t.n - 8) : 0);
        if (score > best_score) {
            best_score = score;
            best = t;
            have = 1;
        }
    }
    if (!have) {        /* cannot happen within the axis limits; decades */
        ladder_ticks(0, lo, hi, &best);
    }
    p->axlo = best.lo;
    p->axhi = best.hi;
    p->ntick = best.n;
    for (size_t i = 0; i < best.n; i++) {
        p->tick[i] = best.v[i];
        memcpy(p->tick_label[i], best.label[i], MP_NUMBUF);
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The data range.  The pooled estimates and intervals must show (within
 * the axis limits), and so must 1 and the interval of an anchor row (the
 * last step of a cumulative plot: all studies).  Study estimates and
 * intervals are shown as far as they stay within a reach of that (a
 * factor 4, or half the pooled range); of the intervals, the most extreme
 * twentieth on each side may be left out.  So one enormous interval, or a
 * study of negligible weight far away, is clipped with an arrow instead of
 * squashing the plot.  Returns MP_OK or MP_ENOMEM. */
static mp_status data_range(const plot *p, double *lo, double *hi)
{
    double a = 0, b = 0;            /* log 1 */
    int pooled = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        const row *w = &p->rows[i];
        if (!isfinite(w->lo) || !isfinite(w->hi))
            continue;
        if (w->kind == R_DIAMOND || w->kind == R_PI || w->anchor) {
            a = fmin(a, w->lo);
            b = fmax(b, w->hi);
            pooled = 1;
        }
        if ((w->kind == R_STUDY || w->kind == R_POINT) && !w->anchor)
            n++;
    }
    a = fmax(a, AXIS_MIN_LOG);
    b = fmin(b, AXIS_MAX_LOG);
    /* without a pooled row (a plot of failed fits) everything is wanted */
    double reach = pooled ? fmax(log(4.0), 0.5 * (b - a)) : AXIS_MAX_LOG;
    double ea = a, eb = b, ia = a, ib = b;
    if (n > 0) {
        double *los = malloc(2 * n * sizeof *los);
        if (!los)
            return MP_ENOMEM;
        double *his = los + n;
        size_t m = 0;
        for (size_t i = 0; i < p->nrows; i++) {
            const row *w = &p->rows[i];
            if ((w->kind != R_STUDY && w->kind != R_POINT) || w->anchor ||
                !isfinite(w->lo) || !isfinite(w->hi))
                continue;
            if (isfinite(w->est)) {
                ea = fmin(ea, w->est);
                eb = fmax(eb, w->est);
            }
            los[m] = w->lo;
            his[m] = w->hi;
            m++;
        }
        qsort(los, n, sizeof *los, by_value);
        qsort(his, n, sizeof *his, by_value);
        size_t skip = n / 20;
        ia = fmin(ia, los[skip]);
        ib = fmax(ib, his[n - 1 - skip]);
        free(los);
    }
    *lo = fmax(fmin(ea, ia), a - reach);
    *hi = fmin(fmax(eb, ib), b + reach);
    *lo = fmax(*lo, AXIS_MIN_LOG);
    *hi = fmin(*hi, AXIS_MAX_LOG);
    if (*hi - *lo < 2 * log(1.1)) {
        *lo -= log(1.1);
        *hi += log(1.1);
    }
    return MP_OK;
}

static double x_of(const plot *p, double v)
{
    if (v < p->axlo)
        v = p->axlo;
    if (v > p->axhi)
        v = p->axhi;
    return p->plot_x + (v - p->axlo) / (p->axhi - p->axlo) * PLOT_W;
}

static mp_status layout(plot *p)
{
    /* label column */
    p->label_w = text_px(p->label_head, FONT, 1);
    for (size_t i = 0; i < p->nrows; i++) {
        const row *w = &p->rows[i];
        if (w->kind != R_NOTE)
            p->label_w = fmax(p->label_w, text_px(w->label, FONT, w->bold));
    }
    /* other columns: header and cells */
    for (size_t c = 0; c < p->ncol; c++) {
        column *col = &p->col[c];
        col->w = text_px(col->head, FONT, 1);
        for (size_t i = 0; i < p->nrows; i++)
            col->w = fmax(col->w, text_px(p->rows[i].cell[c], FONT, p->rows[i].bold));
    }
    /* a group heading wider than its columns widens the last of them */
    for (size_t c = 0; c < p->ncol; c++) {
        if (!p->col[c].group)
            continue;
        size_t e = c;
        while (e + 1 < p->ncol && p->col[e + 1].group &&
               strcmp(p->col[e + 1].group, p->col[c].group) == 0)
            e++;
        double span = -COL_GAP;
        for (size_t j = c; j <= e; j++)
            span += p->col[j].w + COL_GAP;
        double need = text_px(p->col[c].group, FONT, 1);
        if (need > span)
            p->col[e].w += need - span;
        c = e;
    }
    double x = MARGIN + p->label_w + COL_GAP;
    for (size_t c = 0; c < p->ncol; c++)
        if (p->col[c].left) {
            p->col[c].x = x;
            x += p->col[c].w + COL_GAP;
        }
    p->plot_x = x;
    x += PLOT_W + COL_GAP;
    for (size_t c = 0; c < p->ncol; c++)
        if (!p->col[c].left) {
            p->col[c].x = x;
            x += p->col[c].w + COL_GAP;
        }
    p->width = x - COL_GAP + MARGIN;
    for (size_t i = 0; i < p->nfoot; i++)
        p->width = fmax(p->width, 2 * MARGIN + text_px(p->foot[i], FONT, 0));
    p->nfoot += wrap(p->conclusion, p->width - 2 * MARGIN, FONT,
                     p->foot + p->nfoot, MAXFOOT - p->nfoot);

    /* axis */
    double lo, hi;
    if (data_range(p, &lo, &hi) != MP_OK)
        return MP_ENOMEM;
    choose_axis(p, lo, hi);

    /* rows, top down */
    int groups = 0;
    for (size_t c = 0; c < p->ncol; c++)
        groups |= p->col[c].group != NULL;
    double y = MARGIN + (groups ? HEAD_H : 0) + HEAD_H + 6;
    p->table_top = y;
    double note_w = p->plot_x - COL_GAP - MARGIN;
    for (size_t i = 0; i < p->nrows; i++) {
        row *w = &p->rows[i];
        if (w->kind == R_NOTE) {
            w->lines = malloc(4 * sizeof *w->lines);
            if (!w->lines)
                return MP_ENOMEM;
            w->n_lines = wrap(w->label, note_w, FONT_SMALL, w->lines, 4);
            w->h = w->n_lines * NOTE_LINE_H + 4;
        } else {
            w->h = w->kind == R_GAP ? GAP_H : ROW_H;
        }
        w->y = y;
        y += w->h;
    }
    p->table_bottom = y;
    p->axis_y = y + 6;

    /* favours labels under the axis, each side of 1 */
    double x1 = x_of(p, 0);
    double room[2] = { fmin(x1 - 10 - MARGIN, FAVOURS_W),
                       fmin(p->width - MARGIN - (x1 + 10), FAVOURS_W) };
    for (int s = 0; s < 2; s++)
        p->n_fav[s] = wrap(p->favours[s], fmax(room[s], 60), FONT,
                           p->fav_lines[s], 3);
    p->fav_y = p->axis_y + 6 + FONT + 8 + FONT;
    size_t nf = p->n_fav[0] > p->n_fav[1] ? p->n_fav[0] : p->n_fav[1];
    p->foot_y = p->fav_y + (nf > 0 ? (double)(nf - 1) * (FONT + 3) : 0) + 12 + FONT;
    p->height = p->foot_y + (p->nfoot > 0 ? (double)(p->nfoot - 1) * (FONT + 6) : 0) +
                MARGIN;
    return MP_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct {
    xmlTextWriterPtr w;
    int failed;
} svg;

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

static void start(svg *s, const char *name)
{
    if (!s->failed && xmlTextWriterStartElement(s->w, X(name)) < 0)
        s->failed = 1;
}

static void end(svg *s)
{
    if (!s->failed && xmlTextWriterEndElement(s->w) < 0)
        s->failed = 1;
}

static void attr(svg *s, const char *name, const char *value)
{
    if (!s->failed && xmlTextWriterWriteAttribute(s->w, X(name), X(value)) < 0)
        s->failed = 1;
}

static void attr_num(svg *s, const char *name, double x)
{
    char b[MP_NUMBUF];
    coord(b, x);
    attr(s, name, b);
}

static void content(svg *s, const char *text)
{
    if (!s->failed && xmlTextWriterWriteString(s->w, X(text)) < 0)
        s->failed = 1;
}

/* anchor: "start" (the default), "middle" or "end". */
static void text(svg *s, double x, double y, const char *anchor, int bold,
                 double size, const char *t)
{
    if (!t[0])
        return;
    start(s, "text");
    attr_num(s, "x", x);
    attr_num(s, "y", y);
    if (anchor && strcmp(anchor, "start") != 0)
        attr(s, "text-anchor", anchor);
    if (bold)
        attr(s, "font-weight", "bold");
    if (size != FONT)
        attr_num(s, "font-size", size);
    content(s, t);
    end(s);
}

static void line(svg *s, double x1, double y1, double x2, double y2, double width,
                 const char *dash)
{
    start(s, "line");
    attr_num(s, "x1", x1);
    attr_num(s, "y1", y1);
    attr_num(s, "x2", x2);
    attr_num(s, "y2", y2);
    attr(s, "stroke", INK);
    attr_num(s, "stroke-width", width);
    if (dash)
        attr(s, "stroke-dasharray", dash);
    end(s);
}

static void polygon(svg *s, const char *cls, const double *xy, size_t n)
{
    char pts[16 * 2 * MP_NUMBUF] = "";
    for (size_t i = 0; i < n && i < 16; i++) {
        char a[MP_NUMBUF], b[MP_NUMBUF];
        coord(a, xy[2 * i]);
        coord(b, xy[2 * i + 1]);
        size_t used = strlen(pts);
        snprintf(pts + used, sizeof pts - used, "%s%s,%s", i ? " " : "", a, b);
    }
    start(s, "polygon");
    attr(s, "class", cls);
    attr(s, "points", pts);
    attr(s, "fill", INK);
    attr(s, "stroke", INK);
    attr(s, "stroke-width", "1");
    attr(s, "stroke-linejoin", "miter");
    end(s);
}

/* Baseline of text centred on a row. */
static double baseline(const row *w)
{
    return w->y + w->h / 2 + FONT * 0.35;
}

static double cell_x(const column *c)
{
    return c->x + c->w;         /* right-aligned */
}

/* An interval from lo to hi at height y, with an arrow at each end that
 * runs off the axis. */
static void interval(svg *s, const plot *p, double y, double lo, double hi,
                     double width)
{
    double x0 = x_of(p, lo), x1 = x_of(p, hi);
    int left = lo < p->axlo, right = hi > p->axhi;
    double a = left ? x0 + ARROW_LEN : x0, b = right ? x1 - ARROW_LEN : x1;
    if (b > a)
        line(s, a, y, b, y, width, NULL);
    if (left) {
        double xy[] = { x0, y, x0 + ARROW_LEN, y - ARROW_HALF, x0 + ARROW_LEN,
                        y + ARROW_HALF };
        polygon(s, "arrow", xy, 3);
    }
    if (right) {
        double xy[] = { x1, y, x1 - ARROW_LEN, y - ARROW_HALF, x1 - ARROW_LEN,
                        y + ARROW_HALF };
        polygon(s, "arrow", xy, 3);
    }
}

static void square(svg *s, const plot *p, double cy, double est, double side)
{
    if (est < p->axlo || est > p->axhi)
        return;                 /* off the axis: the arrow shows where */
    double cx = x_of(p, est);
    start(s, "rect");
    attr(s, "class", "square");
    attr_num(s, "x", cx - side / 2);
    attr_num(s, "y", cy - side / 2);
    attr_num(s, "width", side);
    attr_num(s, "height", side);
    attr(s, "fill", INK);
    end(s);
}

/* Keep the part of polygon xy (n points, log x) with x >= c (sign 1) or
 * x <= c (sign -1); Sutherland-Hodgman against one edge.  out holds 2n. */
static size_t clip_edge(const double *xy, size_t n, double c, int sign,
                        double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *a = xy + 2 * i, *b = xy + 2 * ((i + 1) % n);
        int ina = sign * (a[0] - c) >= 0, inb = sign * (b[0] - c) >= 0;
        if (ina) {
            out[2 * m] = a[0];
            out[2 * m + 1] = a[1];
            m++;
        }
        if (ina != inb) {
            double t = (c - a[0]) / (b[0] - a[0]);
            out[2 * m] = c;
            out[2 * m + 1] = a[1] + t * (b[1] - a[1]);
            m++;
        }
    }
    return m;
}

/* A diamond from lo to hi with its widest point at est, cut where it
 * leaves the axis (the cut edge is vertical). */
static void diamond(svg *s, const plot *p, double cy, double est, double lo,
                    double hi)
{
    double d[] = { lo, cy, est, cy - DIAMOND_HALF, hi, cy, est, cy + DIAMOND_HALF };
    double c1[16], c2[16];
    size_t n = clip_edge(d, 4, p->axlo, 1, c1);
    n = clip_edge(c1, n, p->axhi, -1, c2);
    if (n < 3)
        return;
    for (size_t i = 0; i < n; i++)
        c2[2 * i] = x_of(p, c2[2 * i]);
    polygon(s, "diamond", c2, n);
}

static void write_row(svg *s, const plot *p, size_t idx)
{
    const row *w = &p->rows[idx];
    if (w->kind == R_GAP)
        return;
    double by = baseline(w), cy = w->y + w->h / 2;
    start(s, "g");
    attr(s, "class", w->cls);
    if (w->kind == R_NOTE) {
        for (size_t i = 0; i < w->n_lines; i++)
            text(s, MARGIN, w->y + 2 + (double)(i + 1) * NOTE_LINE_H - 3.5, NULL, 0,
                 FONT_SMALL, w->lines[i]);
        end(s);
        return;
    }
    text(s, MARGIN, by, NULL, w->bold, FONT, w->label);
    for (size_t c = 0; c < p->ncol; c++)
        text(s, cell_x(&p->col[c]), by, "end", w->bold, FONT, w->cell[c]);
    if (isfinite(w->lo) && isfinite(w->hi)) {
        switch (w->kind) {
        case R_STUDY:
        case R_POINT:
            interval(s, p, cy, w->lo, w->hi, CI_STROKE);
            if (isfinite(w->est))
                square(s, p, cy, w->est, w->kind == R_STUDY ? w->side : POINT_SIDE);
            break;
        case R_DIAMOND:
            diamond(s, p, cy, w->est, w->lo, w->hi);
            break;
        case R_PI:
            interval(s, p, cy, w->lo, w->hi, 2.0);
            if (w->lo >= p->axlo)
                line(s, x_of(p, w->lo), cy - 4, x_of(p, w->lo), cy + 4, 1.5, NULL);
            if (w->hi <= p->axhi)
                line(s, x_of(p, w->hi), cy - 4, x_of(p, w->hi), cy + 4, 1.5, NULL);
            break;
        default:
            break;
        }
    }
    end(s);
}

static void write_header(svg *s, const plot *p)
{
    int groups = 0;
    for (size_t c = 0; c < p->ncol; c++)
        groups |= p->col[c].group != NULL;
    double y2 = MARGIN + (groups ? HEAD_H : 0) + FONT;
    start(s, "g");
    attr(s, "class", "header");
    attr(s, "font-weight", "bold");
    text(s, MARGIN, y2, NULL, 0, FONT, p->label_head);
    for (size_t c = 0; c < p->ncol; c++) {
        const column *col = &p->col[c];
        text(s, cell_x(col), y2, "end", 0, FONT, col->head);
        if (col->group && (c == 0 || !p->col[c - 1].group ||
                           strcmp(p->col[c - 1].group, col->group) != 0)) {
            size_t e = c;
            while (e + 1 < p->ncol && p->col[e + 1].group &&
                   strcmp(p->col[e + 1].group, col->group) == 0)
                e++;
            double mid = (col->x + p->col[e].x + p->col[e].w) / 2;
            text(s, mid, y2 - HEAD_H, "middle", 0, FONT, col->group);
        }
    }
    end(s);
    line(s, MARGIN, p->table_top - 3, p->width - MARGIN, p->table_top - 3, 1, NULL);
}

static void write_axis(svg *s, const plot *p)
{
    double y = p->axis_y;
    start(s, "g");
    attr(s, "class", "axis");
    line(s, p->plot_x, y, p->plot_x + PLOT_W, y, 1, NULL);
    for (size_t i = 0; i < p->ntick; i++) {
        double x = x_of(p, p->tick[i]);
        line(s, x, y, x, y + 5, 1, NULL);
        text(s, x, y + 6 + FONT, "middle", 0, FONT, p->tick_label[i]);
    }
    double x1 = x_of(p, 0);
    for (size_t i = 0; i < p->n_fav[0]; i++)
        text(s, x1 - 10, p->fav_y + (double)i * (FONT + 3), "end", 0, FONT,
             p->fav_lines[0][i]);
    for (size_t i = 0; i < p->n_fav[1]; i++)
        text(s, x1 + 10, p->fav_y + (double)i * (FONT + 3), NULL, 0, FONT,
             p->fav_lines[1][i]);
    end(s);
    start(s, "g");
    attr(s, "class", "footer");
    for (size_t i = 0; i < p->nfoot; i++)
        text(s, MARGIN, p->foot_y + (double)i * (FONT + 6), NULL, 0, FONT, p->foot[i]);
    end(s);
}

static void write_doc(svg *s, const plot *p)
{
    if (!s->failed && xmlTextWriterStartDocument(s->w, "1.0", "UTF-8", NULL) < 0)
        s->failed = 1;
    start(s, "svg");
    attr(s, "xmlns", "http://www.w3.org/2000/svg");
    attr(s, "version", "1.1");
    attr_num(s, "width", ceil(p->width));
    attr_num(s, "height", ceil(p->height));
    char vb[4 * MP_NUMBUF], a[MP_NUMBUF], b[MP_NUMBUF];
    coord(a, ceil(p->width));
    coord(b, ceil(p->height));
    snprintf(vb, sizeof vb, "0 0 %s %s", a, b);
    attr(s, "viewBox", vb);
    attr(s, "font-family", FONT_STACK);
    attr_num(s, "font-size", FONT);
    attr(s, "fill", INK);
    start(s, "title");
    content(s, p->title);
    end(s);
    start(s, "rect");
    attr(s, "class", "background");
    attr(s, "width", "100%");
    attr(s, "height", "100%");
    attr(s, "fill", "#ffffff");
    end(s);
    write_header(s, p);
    /* reference lines under the markers */
    start(s, "g");
    attr(s, "class", "reference");
    double x1 = x_of(p, 0);
    line(s, x1, p->table_top, x1, p->axis_y, 1, NULL);
    if (isfinite(p->dashed) && p->dashed >= p->axlo && p->dashed <= p->axhi) {
        double xd = x_of(p, p->dashed);
        line(s, xd, p->table_top, xd, p->axis_y, 1, "4,3");
    }
    end(s);
    for (size_t i = 0; i < p->nrows; i++)
        write_row(s, p, i);
    write_axis(s, p);
    end(s);     /* svg */
    if (!s->failed && xmlTextWriterEndDocument(s->w) < 0)
        s->failed = 1;
}

/* Lay out, write to memory, then to out. */
static mp_status emit(FILE *out, plot *p)
{
    mp_status st = layout(p);
    if (st != MP_OK)
        return st;
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return MP_ENOMEM;
    svg s = { xmlNewTextWriterMemory(buf, 0), 0 };
    if (!s.w) {
        xmlBufferFree(buf);
        return MP_ENOMEM;
    }
    if (xmlTextWriterSetIndent(s.w, 1) < 0 ||
        xmlTextWriterSetIndentString(s.w, X(" ")) < 0)
        s.failed = 1;
    write_doc(&s, p);
    if (!s.failed && xmlTextWriterFlush(s.w) < 0)
        s.failed = 1;
    xmlFreeTextWriter(s.w);
    if (s.failed) {
        xmlBufferFree(buf);
        return MP_ENOMEM;       /* a memory writer fails only for memory */
    }
    size_t len = (size_t)xmlBufferLength(buf);
    st = fwrite(xmlBufferContent(buf), 1, len, out) == len && !ferror(out)
             ? MP_OK : MP_EIO;
    xmlBufferFree(buf);
    return st;
}

/* ---- entry points --------------------------------------------------------------------- */

mp_status mp_svg_forest(FILE *out, const mp_report *r, const mp_svg_options *o)
{
    const mp_dataset *ds = r->ds;
    size_t k = mp_dataset_k(ds);
    plot p;
    if (plot_init(&p, r, k + (r->sub ? 4 * r->sub->n_groups : 0) + 8) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, r->sub ? "Forest plot by subgroup" : "Forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study");
    forest_cols fc = { 0 };
    for (size_t i = 0; i < k; i++) {
        fc.has_n |= mp_dataset_n(ds, i, 1) >= 0 && mp_dataset_n(ds, i, 0) >= 0;
        fc.has_events |= mp_dataset_events(ds, i, 1) >= 0 &&
                         mp_dataset_events(ds, i, 0) >= 0;
    }
    char ci[CELL];
    ci_head(&p, ci, sizeof ci);
    fc.year = add_col(&p, "Year", NULL, 1);
    if (fc.has_n)
        fc.n = add_col(&p, "n (E/C)", NULL, 1);
    if (fc.has_events)
        fc.events = add_col(&p, "Events (E/C)", NULL, 1);
    fc.ci = add_col(&p, ci, NULL, 0);
    fc.wf = add_col(&p, "fixed", "Weight", 0);
    if (r->fit->has_random)
        fc.wr = add_col(&p, "random", "Weight", 0);
    set_favours(&p, o);
    mp_status st = forest_rows(&p, &fc);
    if (st == MP_OK) {
        forest_footer(&p);
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}

mp_status mp_svg_cumulative(FILE *out, const mp_report *r, const mp_svg_options *o)
{
    const mp_cumulative *c = r->cum;
    if (!c)
        return MP_EINPUT;
    plot p;
    if (plot_init(&p, r, c->k) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, "Cumulative forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study added");
    size_t cy = add_col(&p, "Year", NULL, 1);
    size_t ck = add_col(&p, "k", NULL, 1);
    fit_cols fc;
    char ci[CELL];
    fit_cols_add(&p, &fc, ci, sizeof ci);
    set_favours(&p, o);
    mp_status st = MP_OK;
    for (size_t j = 0; j < c->k && st == MP_OK; j++) {
        size_t i = c->order[j];
        row *w = add_row(&p, R_POINT, "step", mp_dataset_title(r->ds, i));
        if (!w) {
            st = MP_ENOMEM;
            break;
        }
        char buf[CELL];
        if (mp_dataset_year(r->ds, i) > 0) {
            snprintf(buf, sizeof buf, "%d", mp_dataset_year(r->ds, i));
            set_cell(w, cy, buf);
        }
        snprintf(buf, sizeof buf, "%zu", j + 1);
        set_cell(w, ck, buf);
        fit_cells(w, &fc, &c->fits[j]);
        w->anchor = j + 1 == c->k;      /* all studies: must show */
    }
    if (st == MP_OK) {
        char m[96], buf[LINE];
        mp_report_model_words(m, sizeof m, r->fit);
        snprintf(buf, sizeof buf, "Each row pools the studies up to and including "
                 "it, in order of publication year (%s;", m);
        add_foot(&p, buf);
        add_foot(&p, "fixed effect while only one study is pooled).");
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}

mp_status mp_svg_leave_one_out(FILE *out, const mp_report *r,
                               const mp_svg_options *o)
{
    if (!r->loo)
        return MP_EINPUT;
    size_t k = mp_dataset_k(r->ds);
    plot p;
    if (plot_init(&p, r, k + 2) != MP_OK)
        return MP_ENOMEM;
    set_title(&p, "Leave-one-out forest plot");
    snprintf(p.label_head, sizeof p.label_head, "Study omitted");
    fit_cols fc;
    char ci[CELL];
    fit_cols_add(&p, &fc, ci, sizeof ci);
    set_favours(&p, o);
    mp_status st = MP_OK;
    for (size_t i = 0; i < k; i++) {
        char title[LINE - 16];
        fit(title, sizeof title, mp_dataset_title(r->ds, i), LABEL_MAX_EM);
        row *w = add_row(&p, R_POINT, "omitted", NULL);
        if (!w) {
            st = MP_ENOMEM;
            break;
        }
        snprintf(w->label, sizeof w->label, "Omitting %s", title);
        fit_cells(w, &fc, &r->loo[i]);
    }
    char m[96], buf[LINE];
    mp_report_model_words(m, sizeof m, r->fit);
    row *w = NULL;
    if (st == MP_OK && (!add_row(&p, R_GAP, "gap", "") ||
                        !(w = add_row(&p, R_DIAMOND, "pooled", "All studies"))))
        st = MP_ENOMEM;
    if (st == MP_OK) {
        w->bold = 1;
        fit_cells(w, &fc, r->fit);
        p.dashed = w->est;
        snprintf(buf, sizeof buf, "Each row pools all studies but the one named "
                 "(%s); dashed line: all studies.", m);
        add_foot(&p, buf);
        st = emit(out, &p);
    }
    plot_free(&p);
    return st;
}
