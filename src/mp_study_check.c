/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_check.c - the element checks of the XML reader: a finished
 * <study> tree is checked element by element (attributes allowed and
 * required, numbers, counts, years, text, elements that appear once),
 * then as a whole, turned into an mp_study and handed to the caller's
 * callback.  See mp_study.h for the diagnostics' contract and
 * mp_study_impl.h for the files of the reader. */
#include "mp_study_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_derived.h"
#include "mp_text.h"

/* The line of a text node's first non-blank character.  libxml2 hands
 * text to the SAX handler after counting its line breaks, CDATA before. */
static long text_line(const xnode *t)
{
    if (t->cdata)
        return t->line + count_newlines(t->text + t->piece, t->nonblank_at - t->piece);
    return t->line - count_newlines(t->text + t->nonblank_at,
                                    t->piece_end - t->nonblank_at);
}

/* State of the <study> being built. */
typedef struct {
    file_ctx *f;
    mp_arena *ar;
    int bad;
    mp_study s;
    study_arrays *a;            /* the reader's */
    int seen_arm_exp, seen_arm_ctl;
    int oom;
} study_ctx;

/* ---- diagnostics ---------------------------------------------------------- */

static void problem(study_ctx *sc, xnode *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(study_ctx *sc, xnode *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(sc->f->err, sc->f->name, node ? node->line : 0, fmt, ap);
    va_end(ap);
    sc->bad = 1;
}

static const char *ename(const xnode *n)
{
    return n->name;
}

/* Elements of the format have no namespace: <x:title> is not <title>. */
static int is(const xnode *n, int key)
{
    return n->key == key && !n->ns;
}

static void unknown_element(study_ctx *sc, xnode *c, xnode *parent)
{
    int prefixed = c->ns && c->prefix;
    problem(sc, c, "unknown element <%s%s%s> in <%s>",
            prefixed ? c->prefix : "", prefixed ? ":" : "",
            ename(c), ename(parent));
}

/* ---- memory --------------------------------------------------------------- */

/* memset through a pointer the compiler cannot see through: a memset of
 * a constant size of a few hundred bytes, per study, compiles to a slow
 * "rep stos", the C library's memset is several times faster. */
static void *(*volatile clear_fn)(void *, int, size_t) = memset;
#define CLEAR(p) clear_fn((p), 0, sizeof *(p))

static int grow(void *pp, size_t *cap, size_t n, size_t size)
{
    void **p = pp;
    if (n < *cap)
        return 1;
    size_t nc = *cap ? 2 * *cap : 4;
    void *q = realloc(*p, nc * size);
    if (!q)
        return 0;
    *p = q;
    *cap = nc;
    return 1;
}

/* ---- attributes and text -------------------------------------------------- */

/* Report attributes of n not listed in allowed (K_NONE-terminated). */
static void check_attributes(study_ctx *sc, xnode *n, const int *allowed)
{
    for (size_t i = 0; i < n->n_attrs; i++) {
        const int *p = allowed;
        while (*p && *p != n->attrs[i].key)
            p++;
        if (!*p)
            problem(sc, n, "unknown attribute %s on <%s>", n->attrs[i].name,
                    ename(n));
    }
}

/* An attribute of that name, in a namespace or not (as xmlHasProp). */
static int has_attr(const xnode *n, int key)
{
    for (size_t i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].key == key)
            return 1;
    return 0;
}

/* The attribute of that name without namespace, or NULL. */
static xattr *find_attr(xnode *n, int key)
{
    for (size_t i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].key == key && !n->attrs[i].ns)
            return &n->attrs[i];
    return NULL;
}

/* Value of an attribute without namespace, whitespace-squeezed (in place,
 * which is idempotent), or NULL when absent or longer than max_text (that
 * is reported, once). */
static const char *attr(study_ctx *sc, xnode *n, int key)
{
    xattr *a = find_attr(n, key);
    if (!a || a->too_long)
        return NULL;
    if (a->spaced)
        a->len = strlen(mp_text_squeeze(a->value));
    a->spaced = 0;
    size_t max = sc->f->r->opt.max_text;
    if (a->len > max) {
        a->too_long = 1;
        problem(sc, n, "<%s> attribute %s is longer than %zu bytes", ename(n),
                a->name, max);
        return NULL;
    }
    return a->value;
}

static const char *req_attr(study_ctx *sc, xnode *n, int key)
{
    const char *v = attr(sc, n, key);
    if (!v && !find_attr(n, key))
        problem(sc, n, "<%s> lacks the required attribute %s", ename(n),
                mp_study_names[key]);
    return v;
}

/* A numeric attribute: 1 when present and a finite decimal number. */
static int number_attr(study_ctx *sc, xnode *n, int key,
                       int required, mp_number *out)
{
    const char *name = mp_study_names[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
    if (!v)
        return 0;
    if (!mp_text_parse_decimal(v, &out->value, &out->half_unit)) {
        problem(sc, n, "<%s> %s \"%s\" is not a decimal number", ename(n),
                name, v);
        return 0;
    }
    if (!isfinite(out->value)) {
        problem(sc, n, "<%s> %s \"%s\" is not a finite number", ename(n),
                name, v);
        return 0;
    }
    return 1;
}

/* A count attribute: 1 when present and a whole number >= min. */
static int count_attr(study_ctx *sc, xnode *n, int key,
                      int required, long min, long *out)
{
    const char *name = mp_study_names[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
    if (!v)
        return 0;
    if (!mp_text_parse_count(v, out) || *out < min) {
        problem(sc, n, "<%s> %s \"%s\" is not a %s integer", ename(n), name,
                v, min > 0 ? "positive" : "non-negative");
        return 0;
    }
    return 1;
}

static int year_attr(study_ctx *sc, xnode *n, int key,
                     int required, int *out)
{
    const char *name = mp_study_names[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
    if (!v)
        return 0;
    if (!mp_text_parse_year(v, out)) {
        problem(sc, n, "<%s> %s \"%s\" is not a four-digit year", ename(n),
                name, v);
        return 0;
    }
    return 1;
}

/* Text content of an element that holds text only, whitespace squeezed:
 * the concatenation of its text children (comments and processing
 * instructions hold none), as xmlNodeGetContent gave it. */
static const char *text_of(study_ctx *sc, xnode *n, int nonempty)
{
    size_t total = 0, runs = 0;
    for (xnode *c = n->children; c; c = c->next) {
        if (c->elem) {
            problem(sc, c, "<%s> may hold text only, not <%s>", ename(n),
                    ename(c));
            return NULL;
        }
        total += c->len;
        runs++;
    }
    char *t;
    int spaced = 1;
    if (runs == 1) {
        t = n->children->text;
        spaced = n->children->spaced;
    } else {
        t = mp_arena_alloc(sc->ar, total + 1, 1);
        if (!t) {
            sc->oom = 1;
            return NULL;
        }
        char *w = t;
        for (xnode *c = n->children; c; c = c->next) {
            memcpy(w, c->text, c->len);
            w += c->len;
        }
        *w = '\0';
    }
    const char *s = spaced ? mp_text_squeeze(t) : t;
    /* squeezing only shortens */
    if (total > sc->f->r->opt.max_text && strlen(s) > sc->f->r->opt.max_text) {
        problem(sc, n, "<%s> is longer than %zu bytes", ename(n),
                sc->f->r->opt.max_text);
        return NULL;
    }
    if (nonempty && !*s) {
        problem(sc, n, "<%s> is empty", ename(n));
        return NULL;
    }
    return s;
}

/* Element-only containers: report text between their children. 1 when c
 * is such text (reported), 0 otherwise. */
static int stray_text(study_ctx *sc, xnode *parent, xnode *c)
{
    if (c->elem || !c->nonblank)
        return 0;
    mp_errors_add(sc->f->err, sc->f->name, text_line(c), "unexpected text in <%s>",
                  ename(parent));
    sc->bad = 1;
    return 1;
}

/* Report an element that may appear once but appears again. */
static int once(study_ctx *sc, xnode *n, const void *seen)
{
    if (seen) {
        problem(sc, n, "<%s> appears more than once", ename(n));
        return 0;
    }
    return 1;
}

/* ---- effect elements ------------------------------------------------------ */

static void reference_attr(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    const char *ref = attr(sc, n, K_reference);
    e->reference_experimental = 0;
    if (!ref)
        return;
    if (strcmp(ref, "experimental") == 0)
        e->reference_experimental = 1;
    else if (strcmp(ref, "control") != 0)
        problem(sc, n, "<%s> reference must be experimental or control, not \"%s\"",
                ename(n), ref);
}

static void read_hazard_ratio(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_estimate, K_lower, K_upper,
        K_level, K_p, K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    number_attr(sc, n, K_estimate, 1, &e->estimate);
    int has_p = has_attr(n, K_p);
    int has_ci = has_attr(n, K_lower) ||
                 has_attr(n, K_upper);
    if (has_p && !has_ci) {
        e->kind = MP_INPUT_HR_P;
        number_attr(sc, n, K_p, 1, &e->p);
        if (has_attr(n, K_level))
            problem(sc, n, "<hazard-ratio> level goes with lower and upper, not with p");
        return;
    }
    if (!has_ci) {
        problem(sc, n, "<hazard-ratio> needs lower and upper, or p");
        return;
    }
    /* An interval, and perhaps the published p beside it: the interval is
     * used, the p cross-checked (mp_crosscheck.h). */
    e->kind = MP_INPUT_HR_CI;
    number_attr(sc, n, K_lower, 1, &e->lower);
    number_attr(sc, n, K_upper, 1, &e->upper);
    e->has_p = has_p && number_attr(sc, n, K_p, 1, &e->p);
    if (!number_attr(sc, n, K_level, 0, &e->level))
        e->level = (mp_number){ 0.95, 0.0 };
}

static void read_log_hazard_ratio(study_ctx *sc, xnode *n,
                                  mp_effect_input *e)
{
    static const int allowed[] = { K_estimate, K_se, K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_LOG_HR;
    number_attr(sc, n, K_estimate, 1, &e->estimate);
    number_attr(sc, n, K_se, 1, &e->se);
}

static void read_peto(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_o_minus_e, K_variance,
        K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_PETO;
    number_attr(sc, n, K_o_minus_e, 1, &e->o_minus_e);
    number_attr(sc, n, K_variance, 1, &e->variance);
}

static void read_counts(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_events_experimental,
        K_total_experimental, K_events_control, K_total_control, K_NONE };
    check_attributes(sc, n, allowed);
    e->kind = MP_INPUT_COUNTS;
    count_attr(sc, n, K_events_experimental, 1, 0, &e->events_exp);
    count_attr(sc, n, K_total_experimental, 1, 0, &e->total_exp);
    count_attr(sc, n, K_events_control, 1, 0, &e->events_ctl);
    count_attr(sc, n, K_total_control, 1, 0, &e->total_ctl);
}

/* ---- derived effect elements (mp_derived.h) ------------------------------ */

/* experimental (1), control (0) or neither (-1, reported). */
static int role_attr(study_ctx *sc, xnode *n, int key)
{
    const char *v = req_attr(sc, n, key);
    if (!v)
        return -1;
    if (strcmp(v, "experimental") == 0 || strcmp(v, "control") == 0)
        return v[0] == 'e';
    problem(sc, n, "<%s> %s must be experimental or control, not \"%s\"",
            ename(n), mp_study_names[key], v);
    return -1;
}

static void read_logrank_p(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_p, K_favours, K_events_experimental,
        K_events_control, K_events, K_NONE };
    check_attributes(sc, n, allowed);
    e->kind = MP_INPUT_LOGRANK_P;
    number_attr(sc, n, K_p, 1, &e->p);
    e->favours_experimental = role_attr(sc, n, K_favours) == 1;
    int per_arm = has_attr(n, K_events_experimental) ||
                  has_attr(n, K_events_control);
    if (per_arm && has_attr(n, K_events))
        problem(sc, n, "<logrank-p> has events per arm and a total: give one");
    else if (per_arm) {
        count_attr(sc, n, K_events_experimental, 1, 0, &e->events_exp);
        count_attr(sc, n, K_events_control, 1, 0, &e->events_ctl);
    } else if (has_attr(n, K_events))
        count_attr(sc, n, K_events, 1, 0, &e->events_total);
    else
        problem(sc, n, "<logrank-p> needs events-experimental and "
                "events-control, or events (the total)");
}

static void unit_attr(study_ctx *sc, xnode *n, const char **unit);

static void read_medians(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_experimental, K_control,
        K_events_experimental, K_events_control, K_unit, K_NONE };
    check_attributes(sc, n, allowed);
    e->kind = MP_INPUT_MEDIANS;
    number_attr(sc, n, K_experimental, 1, &e->median_exp);
    number_attr(sc, n, K_control, 1, &e->median_ctl);
    count_attr(sc, n, K_events_experimental, 1, 0, &e->events_exp);
    count_attr(sc, n, K_events_control, 1, 0, &e->events_ctl);
    const char *unit = NULL;
    unit_attr(sc, n, &unit);
}

/* An array of n (at least 1) items of the arena; NULL when memory runs
 * out (noted). */
static void *arena_array(study_ctx *sc, size_t n, size_t size, size_t align)
{
    void *p = mp_arena_alloc(sc->ar, (n ? n : 1) * size, align);
    if (!p)
        sc->oom = 1;
    return p;
}

static void read_point(study_ctx *sc, xnode *c, mp_km_arm_input *a,
                       double *t, double *s, long *line)
{
    static const int allowed[] = { K_time, K_survival, K_NONE };
    check_attributes(sc, c, allowed);
    mp_number x = { NAN, 0 }, y = { NAN, 0 };
    number_attr(sc, c, K_time, 1, &x);
    number_attr(sc, c, K_survival, 1, &y);
    t[a->n_points] = x.value;
    s[a->n_points] = y.value;
    line[a->n_points++] = c->line;
}

static void read_at_risk(study_ctx *sc, xnode *c, mp_km_arm_input *a,
                         double *t, long *n, long *line)
{
    static const int allowed[] = { K_time, K_n, K_NONE };
    check_attributes(sc, c, allowed);
    mp_number x = { NAN, 0 };
    long count = 0;
    number_attr(sc, c, K_time, 1, &x);
    count_attr(sc, c, K_n, 1, 0, &count);
    t[a->n_risk] = x.value;
    n[a->n_risk] = count;
    line[a->n_risk++] = c->line;
}

/* <arm role= [scale="percent"] [events=]> of <km-curves>. */
static void read_km_arm(study_ctx *sc, xnode *n, mp_km_arm_input *a)
{
    size_t rows = 0;
    for (xnode *c = n->children; c; c = c->next)
        rows += c->elem;
    double *pt = arena_array(sc, rows, sizeof *pt, _Alignof(double));
    double *ps = arena_array(sc, rows, sizeof *ps, _Alignof(double));
    double *rt = arena_array(sc, rows, sizeof *rt, _Alignof(double));
    long *pl = arena_array(sc, rows, sizeof *pl, _Alignof(long));
    long *rn = arena_array(sc, rows, sizeof *rn, _Alignof(long));
    long *rl = arena_array(sc, rows, sizeof *rl, _Alignof(long));
    if (!pt || !ps || !rt || !pl || !rn || !rl)
        return;
    a->line = n->line;
    a->events = -1;
    const char *scale = attr(sc, n, K_scale);
    a->percent = scale && strcmp(scale, "percent") == 0;
    if (scale && !a->percent)
        problem(sc, n, "<arm> scale must be percent, not \"%s\"", scale);
    count_attr(sc, n, K_events, 0, 0, &a->events);
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (is(c, K_point))
            read_point(sc, c, a, pt, ps, pl);
        else if (is(c, K_at_risk))
            read_at_risk(sc, c, a, rt, rn, rl);
        else
            unknown_element(sc, c, n);
    }
    a->t = pt, a->s = ps, a->point_line = pl;
    a->risk_t = rt, a->risk_n = rn, a->risk_line = rl;
    if (a->n_points == 0)
        problem(sc, n, "<arm> of <km-curves> has no <point>");
    if (a->n_risk == 0)
        problem(sc, n, "<arm> of <km-curves> has no <at-risk>");
}

static void read_km_curves(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    check_attributes(sc, n, (const int[]){ K_NONE });
    e->kind = MP_INPUT_KM;
    mp_km_input *km = arena_array(sc, 1, sizeof *km, _Alignof(mp_km_input));
    if (!km)
        return;
    memset(km, 0, sizeof *km);
    e->km = km;
    int seen[2] = { 0, 0 };
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (!is(c, K_arm)) {
            unknown_element(sc, c, n);
            continue;
        }
        static const int allowed[] = { K_role, K_scale, K_events, K_NONE };
        check_attributes(sc, c, allowed);
        int r = role_attr(sc, c, K_role);
        if (r >= 0 && seen[r]++)
            problem(sc, c, "a second <arm role=\"%s\"> in <km-curves>",
                    r ? "experimental" : "control");
        else if (r >= 0)
            read_km_arm(sc, c, &km->arm[r]);
    }
    /* a second arm of one role was reported: it stands for the other */
    if (seen[0] + seen[1] < 2)
        problem(sc, n, "<km-curves> needs an <arm role=\"experimental\"> and "
                "an <arm role=\"control\">");
}

/* Dispatch an effect element; 0 when n is not one. */
static int read_effect(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    if (is(n, K_hazard_ratio))
        read_hazard_ratio(sc, n, e);
    else if (is(n, K_log_hazard_ratio))
        read_log_hazard_ratio(sc, n, e);
    else if (is(n, K_peto))
        read_peto(sc, n, e);
    else if (is(n, K_counts))
        read_counts(sc, n, e);
    else if (is(n, K_logrank_p))
        read_logrank_p(sc, n, e);
    else if (is(n, K_medians))
        read_medians(sc, n, e);
    else if (is(n, K_km_curves))
        read_km_curves(sc, n, e);
    else
        return 0;
    e->line = n->line;
    return 1;
}

/* ---- outcome -------------------------------------------------------------- */

static void read_events(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_experimental, K_control, K_NONE };
    check_attributes(sc, n, allowed);
    count_attr(sc, n, K_experimental, 0, 0, &o->events_exp);
    count_attr(sc, n, K_control, 0, 0, &o->events_ctl);
    o->events_line = n->line;
}

/* A duration attribute (<followup> median, <median-survival> per arm):
 * 1 when present, a number and > 0. */
static int duration_attr(study_ctx *sc, xnode *n, int key, mp_number *out)
{
    if (!number_attr(sc, n, key, 1, out))
        return 0;
    if (out->value > 0)
        return 1;
    problem(sc, n, "<%s> %s must be > 0, not %g", ename(n), mp_study_names[key],
            out->value);
    return 0;
}

/* The unit attribute of a duration: months (*unit unchanged when absent)
 * or years. */
static void unit_attr(study_ctx *sc, xnode *n, const char **unit)
{
    const char *u = attr(sc, n, K_unit);
    if (u && strcmp(u, "months") != 0 && strcmp(u, "years") != 0)
        problem(sc, n, "<%s> unit must be months or years, not \"%s\"",
                ename(n), u);
    else if (u)
        *unit = u;
}

static void read_followup(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_median, K_unit, K_NONE };
    check_attributes(sc, n, allowed);
    mp_number m;
    if (duration_attr(sc, n, K_median, &m))
        o->followup_median = m.value;
    unit_attr(sc, n, &o->followup_unit);
}

/* <median-survival experimental= control= [unit=]>: display and
 * cross-check only (mp_crosscheck.h). */
static void read_median_survival(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_experimental, K_control, K_unit, K_NONE };
    check_attributes(sc, n, allowed);
    int ok = duration_attr(sc, n, K_experimental, &o->median_exp);
    ok &= duration_attr(sc, n, K_control, &o->median_ctl);
    unit_attr(sc, n, &o->median_unit);
    o->median_line = ok ? n->line : 0;
}

static void read_outcome(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_name, K_NONE };
    check_attributes(sc, n, allowed);
    CLEAR(o);
    o->line = n->line;
    o->events_exp = o->events_ctl = -1;
    o->followup_median = NAN;
    o->followup_unit = "months";
    o->median_unit = "months";
    o->effect.events_exp = o->effect.events_ctl = -1;
    o->effect.total_exp = o->effect.total_ctl = -1;
    o->effect.events_total = -1;
    o->name = req_attr(sc, n, K_name);
    if (o->name && !*o->name)
        problem(sc, n, "<outcome> name is empty");
    int effects = 0, unknown = 0;
    const void *events = NULL, *followup = NULL, *median = NULL;
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (read_effect(sc, c, &o->effect)) {
            if (++effects == 2)
                problem(sc, c, "<outcome name=\"%s\"> has more than one effect element",
                        o->name ? o->name : "");
        } else if (is(c, K_events)) {
            if (once(sc, c, events))
                read_events(sc, c, o);
            events = c;
        } else if (is(c, K_followup)) {
            if (once(sc, c, followup))
                read_followup(sc, c, o);
            followup = c;
        } else if (is(c, K_median_survival)) {
            if (once(sc, c, median))
                read_median_survival(sc, c, o);
            median = c;
        } else {
            unknown_element(sc, c, n);
            unknown = 1;
        }
    }
    if (effects == 0 && !unknown)
        problem(sc, n, "<outcome name=\"%s\"> has no effect element "
                "(hazard-ratio, log-hazard-ratio, peto, counts, "
                "logrank-p, medians or km-curves)",
                o->name ? o->name : "");
}

/* ---- study children -------------------------------------------------------- */

static void read_publication(study_ctx *sc, xnode *n, mp_publication *p)
{
    static const int allowed[] = { K_year, K_doi, K_pmid, K_NONE };
    check_attributes(sc, n, allowed);
    p->line = n->line;
    p->year = 0;
    year_attr(sc, n, K_year, 1, &p->year);
    p->doi = attr(sc, n, K_doi);
    if (p->doi && !mp_text_is_doi(p->doi))
        problem(sc, n, "<publication> doi \"%s\" is not of the form 10.NNNN/...",
                p->doi);
    const char *pmid = attr(sc, n, K_pmid);
    long dummy;
    if (pmid && (!mp_text_parse_count(pmid, &dummy) || dummy < 1))
        problem(sc, n, "<publication> pmid \"%s\" is not a PubMed identifier", pmid);
    p->citation = text_of(sc, n, 1);
}

static void read_arm(study_ctx *sc, xnode *n)
{
    static const int allowed[] = { K_role, K_n, K_NONE };
    check_attributes(sc, n, allowed);
    const char *role = req_attr(sc, n, K_role);
    long count = -1;
    count_attr(sc, n, K_n, 0, 1, &count);
    const char *label = text_of(sc, n, 0);
    if (!role)
        return;
    int exp = strcmp(role, "experimental") == 0;
    if (!exp && strcmp(role, "control") != 0) {
        problem(sc, n, "<arm> role must be experimental or control, not \"%s\"", role);
        return;
    }
    int *seen = exp ? &sc->seen_arm_exp : &sc->seen_arm_ctl;
    if ((*seen)++) {
        problem(sc, n, "a second <arm role=\"%s\">", role);
        return;
    }
    *(exp ? &sc->s.arm_exp : &sc->s.arm_ctl) = label && *label ? label : NULL;
    *(exp ? &sc->s.n_exp : &sc->s.n_ctl) = count;
}

static void read_arms(study_ctx *sc, xnode *n)
{
    check_attributes(sc, n, (const int[]){ K_NONE });
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (is(c, K_arm))
            read_arm(sc, c);
        else
            unknown_element(sc, c, n);
    }
}

static void read_covariate(study_ctx *sc, xnode *n, mp_covariate *cv)
{
    static const int allowed[] = { K_name, K_value, K_NONE };
    check_attributes(sc, n, allowed);
    cv->line = n->line;
    cv->name = req_attr(sc, n, K_name);
    cv->value = req_attr(sc, n, K_value);
    if (cv->name && !*cv->name)
        problem(sc, n, "<covariate> name is empty");
    if (cv->value && !*cv->value)
        problem(sc, n, "<covariate> value is empty");
}

static void read_accrual(study_ctx *sc, xnode *n)
{
    static const int allowed[] = { K_from, K_to, K_NONE };
    check_attributes(sc, n, allowed);
    year_attr(sc, n, K_from, 0, &sc->s.accrual_from);
    year_attr(sc, n, K_to, 0, &sc->s.accrual_to);
    if (sc->s.accrual_from && sc->s.accrual_to &&
        sc->s.accrual_from > sc->s.accrual_to)
        problem(sc, n, "<accrual> from %d is after to %d", sc->s.accrual_from,
                sc->s.accrual_to);
}

static void read_design(study_ctx *sc, xnode *n)
{
    const char *d = text_of(sc, n, 1);
    if (!d)
        return;
    if (strcmp(d, "rct") != 0 && strcmp(d, "prospective-registry") != 0 &&
        strcmp(d, "retrospective") != 0)
        problem(sc, n, "<design> must be rct, prospective-registry or "
                "retrospective, not \"%s\"", d);
    sc->s.design = d;
}

/* Append to one of the study's growable arrays; NULL when memory runs out. */
#define PUSH(sc, arr, count, cap) \
    (grow(&(sc)->a->arr, &(sc)->a->cap, (sc)->s.count, sizeof *(sc)->a->arr) \
         ? &(sc)->a->arr[(sc)->s.count++] : ((sc)->oom = 1, NULL))

/* Text elements that appear once: where each one's value goes. */
static const char **single_text(study_ctx *sc, xnode *c)
{
    if (is(c, K_title))
        return &sc->s.title;
    if (is(c, K_country))
        return &sc->s.country;
    if (is(c, K_notes))
        return &sc->s.notes;
    return NULL;
}

static void read_child(study_ctx *sc, xnode *n, xnode *c,
                       const void **seen_accrual, const void **seen_arms)
{
    const char **slot = single_text(sc, c);
    if (slot) {
        if (once(sc, c, *slot))
            *slot = text_of(sc, c, 1);
        if (!*slot)
            *slot = "";
    } else if (is(c, K_design)) {
        if (once(sc, c, sc->s.design))
            read_design(sc, c);
        if (!sc->s.design)
            sc->s.design = "";
    } else if (is(c, K_registration)) {
        const char *t = text_of(sc, c, 1);
        const char **r = PUSH(sc, regs, n_registrations, cap_regs);
        if (r)
            *r = t ? t : "";
    } else if (is(c, K_accrual)) {
        if (once(sc, c, *seen_accrual))
            read_accrual(sc, c);
        *seen_accrual = c;
    } else if (is(c, K_publication)) {
        mp_publication *p = PUSH(sc, pubs, n_publications, cap_pubs);
        if (p)
            read_publication(sc, c, p);
    } else if (is(c, K_arms)) {
        if (once(sc, c, *seen_arms))
            read_arms(sc, c);
        *seen_arms = c;
    } else if (is(c, K_covariate)) {
        mp_covariate *cv = PUSH(sc, covs, n_covariates, cap_covs);
        if (cv)
            read_covariate(sc, c, cv);
    } else if (is(c, K_outcome)) {
        mp_outcome *o = PUSH(sc, outs, n_outcomes, cap_outs);
        if (o)
            read_outcome(sc, c, o);
    } else {
        unknown_element(sc, c, n);
    }
}

typedef struct {
    const char *name;
    size_t i;
} named;

static int by_name_then_index(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Every outcome whose name an earlier one has, reported in document order
 * with the line of the first; by sorting, so that a study of thousands of
 * outcomes costs n log n comparisons, not n^2. */
static void check_outcome_names(study_ctx *sc, const char *id)
{
    const mp_outcome *outs = sc->a->outs;
    size_t n = sc->s.n_outcomes, m = 0;
    if (n < 2)
        return;
    named *v = mp_arena_alloc(sc->ar, n * sizeof *v, sizeof(void *));
    size_t *first = mp_arena_alloc(sc->ar, n * sizeof *first, sizeof(void *));
    if (!v || !first) {
        sc->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        first[i] = SIZE_MAX;
        if (outs[i].name)
            v[m++] = (named){ outs[i].name, i };
    }
    qsort(v, m, sizeof *v, by_name_then_index);
    /* in a run of equal names the first in the run came first */
    for (size_t r = 1, run = 0; r < m; r++) {
        if (strcmp(v[r].name, v[run].name) != 0)
            run = r;
        else
            first[v[r].i] = v[run].i;
    }
    for (size_t i = 0; i < n; i++)
        if (first[i] != SIZE_MAX) {
            mp_errors_add(sc->f->err, sc->f->name, outs[i].line,
                          "outcome \"%s\" appears twice in study \"%s\" "
                          "(first at line %ld)", outs[i].name, id,
                          outs[first[i]].line);
            sc->bad = 1;
        }
}

/* Checks that need the whole study. */
static void check_study(study_ctx *sc, xnode *n)
{
    mp_study *s = &sc->s;
    const char *id = s->id ? s->id : "";
    char who[96] = "";
    if (!s->title || !s->design || s->n_publications == 0 || s->n_outcomes == 0) {
        if (s->id)
            snprintf(who, sizeof who, "study \"%.80s\"", s->id);
        else
            strcpy(who, "the study");
    }
    if (!s->title)
        problem(sc, n, "%s has no <title>", who);
    if (!s->design)
        problem(sc, n, "%s has no <design>", who);
    if (s->n_publications == 0)
        problem(sc, n, "%s has no <publication>", who);
    if (s->n_outcomes == 0)
        problem(sc, n, "%s has no <outcome>", who);
    for (size_t i = 0; i < s->n_publications; i++)
        if (sc->a->pubs[i].year > s->year)
            s->year = sc->a->pubs[i].year;
    check_outcome_names(sc, id);
    /* logrank-p and medians check their events against the arm sizes,
     * which <arms> gives wherever it stands in the study */
    for (size_t i = 0; i < s->n_outcomes; i++) {
        mp_effect_input *e = &sc->a->outs[i].effect;
        if (e->kind == MP_INPUT_LOGRANK_P || e->kind == MP_INPUT_MEDIANS) {
            e->total_exp = s->n_exp;
            e->total_ctl = s->n_ctl;
        }
    }
}

static void check_format(study_ctx *sc, xnode *n, int required)
{
    const char *fmt = required ? req_attr(sc, n, K_format) : attr(sc, n, K_format);
    if (fmt && strcmp(fmt, "1") != 0)
        problem(sc, n, "unsupported format \"%s\" (this metapool reads format 1)", fmt);
}

/* Check one <study> subtree and hand it to the callback when valid. */
mp_status mp_study_check_study(file_ctx *f, xnode *n, int in_collection)
{
    static const int allowed[] = { K_id, K_format, K_NONE };
    mp_reader *r = f->r;
    study_ctx sc;
    CLEAR(&sc);
    sc.f = f;
    sc.ar = &r->arena;
    sc.a = &r->arrays;
    sc.s.file = f->name;
    sc.s.line = n->line;
    sc.s.n_exp = sc.s.n_ctl = -1;
    check_attributes(&sc, n, allowed);
    check_format(&sc, n, !in_collection);
    sc.s.id = req_attr(&sc, n, K_id);
    if (sc.s.id && !mp_text_is_id(sc.s.id))
        problem(&sc, n, "study id \"%s\" must match [a-z0-9][a-z0-9-]*", sc.s.id);
    const void *seen_accrual = NULL, *seen_arms = NULL;
    for (xnode *c = n->children; c && !sc.oom; c = c->next) {
        if (c->elem)
            read_child(&sc, n, c, &seen_accrual, &seen_arms);
        else
            stray_text(&sc, n, c);
    }
    check_study(&sc, n);
    mp_status st = MP_OK;
    if (sc.oom) {
        st = MP_ENOMEM;
    } else if (!sc.bad) {
        sc.s.registrations = sc.a->regs;
        sc.s.publications = sc.a->pubs;
        sc.s.covariates = sc.a->covs;
        sc.s.outcomes = sc.a->outs;
        st = f->fn(&sc.s, f->ctx);
        if (st != MP_OK)
            f->cb_status = st;
    }
    return st;
}

/* Handle a <studies> root's attributes. */
mp_status mp_study_check_root(file_ctx *f, xnode *n)
{
    study_ctx sc;
    CLEAR(&sc);
    sc.f = f;
    sc.ar = &f->r->arena;
    check_attributes(&sc, n, (const int[]){ K_format, K_NONE });
    check_format(&sc, n, 1);
    /* A collection in an unknown format is not read at all. */
    return sc.oom ? MP_ENOMEM : sc.bad ? MP_EINPUT : MP_OK;
}
