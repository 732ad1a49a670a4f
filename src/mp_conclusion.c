/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_conclusion.c - the conclusion in plain words; see mp_conclusion.h. */
#include "mp_conclusion.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mp_format.h"
#include "mp_report.h"

/* ---- the output buffer ------------------------------------------------------ */

typedef struct {
    char *s;
    size_t n, used;
    int cut;                    /* 1: something did not fit */
} sink;

static void put(sink *o, const char *fmt, ...) MP_PRINTF(2, 3);

static void put(sink *o, const char *fmt, ...)
{
    if (o->n == 0) {
        o->cut = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->s + o->used, o->n - o->used, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= o->n - o->used) {
        o->cut = 1;
        o->used = o->n - 1;
    } else {
        o->used += (size_t)w;
    }
}

/* ---- words ---------------------------------------------------------------------- */

/* The noun of a measure, and whether it takes an article (odds do not). */
typedef struct {
    const char *noun;
    int plural;
} noun;

static noun noun_of(mp_measure m)
{
    noun w = { "hazard", 0 };
    if (m == MP_MEASURE_RR)
        w.noun = "risk";
    else if (m == MP_MEASURE_OR)
        w = (noun){ "odds", 1 };
    return w;
}

/* "a", "an" (before 8, 11, 18, 80...: said with a vowel) or nothing
 * (plural noun), with a blank, before the word `next`. */
static const char *article(const noun *w, const char *next)
{
    if (w->plural)
        return "";
    int eleven = (strncmp(next, "11", 2) == 0 || strncmp(next, "18", 2) == 0) &&
                 !(next[2] >= '0' && next[2] <= '9');
    return next[0] == '8' || eleven ? "an " : "a ";
}

/* A ratio as the report prints it, in words where exp() of a bound
 * overflowed or underflowed. */
static void ratio_words(char buf[MP_NUMBUF], double x)
{
    if (x == INFINITY)
        strcpy(buf, "more than 1e+308");
    else if (x == 0)
        strcpy(buf, "less than 1e-308");
    else
        mp_format_ratio(buf, x);
}

/* ---- one bound of an interval as a change of the hazard ----------------------- */

typedef enum { LOWER, HIGHER, TIMES } change;
static const char *const change_word[] = { "lower", "higher", "" };

typedef struct {
    change kind;
    int plain;                  /* a percent: 1 when num is a bare figure ("25%") */
    char num[MP_NUMBUF];        /* "25%", "less than 1%", "2.79" */
} bound;

/* A change of pct percent: whole percent, one decimal where that would
 * read 100%, "less than 1%" and "more than 99.9%" at the ends. */
static void percent_words(bound *b, double pct)
{
    double whole = round(pct), tenth = round(10 * pct) / 10;
    b->plain = 1;
    if (whole < 1) {
        strcpy(b->num, "less than 1%");
        b->plain = 0;
    } else if (whole < 100) {
        snprintf(b->num, sizeof b->num, "%.0f%%", whole);
    } else if (tenth < 100) {
        snprintf(b->num, sizeof b->num, "%.1f%%", tenth);
    } else {
        strcpy(b->num, "more than 99.9%");
        b->plain = 0;
    }
}

/* The bound log_x as words.  The change is that of the ratio as printed,
 * so that "0.75" reads "25% lower"; a bound of exactly 1 reads "lower" as a
 * lower bound and "higher" as an upper one, as in an interval across 1
 * (which an interval touching 1 counts as). */
static void describe_bound(double log_x, int upper, bound *b)
{
    double x = exp(log_x);
    char shown[MP_NUMBUF];
    mp_format_ratio(shown, x);
    double s = isfinite(x) && x > 0 ? strtod(shown, NULL) : x;
    if (s >= 2) {
        b->kind = TIMES;
        b->plain = 0;           /* (read for percents only) */
        ratio_words(b->num, x);
        return;
    }
    b->kind = log_x < 0 || (log_x == 0 && !upper) ? LOWER : HIGHER;
    percent_words(b, 100 * (b->kind == LOWER ? 1 - s : s - 1));
}

/* "a 25% lower hazard", "a hazard 2.79 times as high" */
static void bound_phrase(sink *o, const noun *w, const bound *b)
{
    if (b->kind == TIMES)
        put(o, "%s%s %s times as high", article(w, w->noun), w->noun, b->num);
    else
        put(o, "%s%s %s %s", article(w, b->num), b->num, change_word[b->kind],
            w->noun);
}

/* The range from bound a to bound b, shortened where both change the
 * same way: "a 12% to 51% lower hazard", "a hazard 2.10 to 4.00 times as
 * high", "anything from a 25% lower to a 16% higher hazard"; one phrase
 * when both read the same. */
static void range_words(sink *o, const noun *w, const bound *a, const bound *b)
{
    if (a->kind == b->kind && strcmp(a->num, b->num) == 0) {
        bound_phrase(o, w, a);
    } else if (a->kind == TIMES && b->kind == TIMES) {
        put(o, "%s%s %s to %s times as high", article(w, w->noun), w->noun,
            a->num, b->num);
    } else if (a->kind == b->kind && a->plain && b->plain) {
        put(o, "%s%s to %s %s %s", article(w, a->num), a->num, b->num,
            change_word[a->kind], w->noun);
    } else if (a->kind != TIMES && b->kind != TIMES) {
        put(o, "anything from %s%s %s to %s%s %s %s", article(w, a->num), a->num,
            change_word[a->kind], article(w, b->num), b->num,
            change_word[b->kind], w->noun);
    } else {
        put(o, "anything from ");
        bound_phrase(o, w, a);
        put(o, " to ");
        bound_phrase(o, w, b);
    }
}

/* ---- the two sentences ------------------------------------------------------------ */

/* Where an interval lies: -1 below 1, +1 above, 0 across (or touching). */
static int side(double lo, double hi)
{
    return hi < 0 ? -1 : lo > 0 ? 1 : 0;
}

static void estimate_sentence(sink *o, mp_measure m, double level,
                              const mp_fit_result *f)
{
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    double est = pf.log_estimate, lo = pf.lower, hi = pf.upper;
    noun w = noun_of(m);
    char e[MP_NUMBUF], a[MP_NUMBUF], b[MP_NUMBUF];
    ratio_words(e, exp(est));
    ratio_words(a, exp(lo));
    ratio_words(b, exp(hi));
    put(o, "The %s %s%s is %s (%g%% CI %s to %s): the data are compatible with ",
        pf.random ? "pooled" : "single study's", mp_report_measure_name(m),
        pf.random ? " (random effects)" : "", e, 100 * level, a, b);
    bound first, second;
    int where = side(lo, hi);
    describe_bound(where < 0 ? hi : lo, where < 0, &first);
    describe_bound(where < 0 ? lo : hi, where >= 0, &second);
    range_words(o, &w, &first, &second);
    static const char *const verdict[] = {
        "so they favour the experimental arm",
        "so they neither show nor rule out a benefit or a harm",
        "so they favour the control arm",
    };
    put(o, " in the experimental arm, %s.", verdict[where + 1]);
}

static void prediction_sentence(sink *o, mp_measure m, double level,
                                const mp_random_result *re)
{
    char t2[MP_NUMBUF], a[MP_NUMBUF], b[MP_NUMBUF];
    if (isnan(re->pi_lower) || isnan(re->pi_upper)) {
        /* t with k - 2 df (--pi t-k2) and two trials */
        put(o, " With two trials there is no %g%% prediction interval of t "
            "with k - 2 degrees of freedom, so nothing is said here of the "
            "effect in a new trial.", 100 * level);
        return;
    }
    ratio_words(a, exp(re->pi_lower));
    ratio_words(b, exp(re->pi_upper));
    if (!(re->tau2 > 0)) {
        put(o, " The between-trial variance is estimated at 0 (tau^2 = 0)");
        if (re->pi_lower == re->lower && re->pi_upper == re->upper)
            put(o, ", so the %g%% prediction interval for a new trial is the "
                "confidence interval", 100 * level);
        else
            put(o, "; the %g%% prediction interval for a new trial is %s to "
                "%s", 100 * level, a, b);
        put(o, "; an estimate of 0 does not show that the trials' effects "
            "are equal.");
        return;
    }
    mp_format_fixed(t2, re->tau2, 4);
    static const char *const verdict[] = {
        "would be expected to be a benefit",
        "could be either a benefit or a harm",
        "would be expected to be a harm",
    };
    put(o, " Allowing for the differences between trials (tau^2 %s %s), the %s "
        "in a new trial could lie between %s and %s (%g%% prediction "
        "interval): its effect %s.", strcmp(t2, "0.0000") ? "=" : "<",
        strcmp(t2, "0.0000") ? t2 : "0.0001", mp_report_measure_name(m), a, b,
        100 * level, verdict[side(re->pi_lower, re->pi_upper) + 1]);
}

mp_status mp_conclusion(char *buf, size_t n, mp_measure m, double level,
                        const mp_fit_result *f)
{
    sink o = { buf, n, 0, 0 };
    if (n > 0)
        buf[0] = '\0';
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    if (f->status != MP_OK || isnan(pf.log_estimate) || isnan(pf.lower)
        || isnan(pf.upper))
        return MP_EINPUT;
    estimate_sentence(&o, m, level, f);
    if (f->has_random)
        prediction_sentence(&o, m, level, &f->random);
    else
        put(&o, " A single study cannot show how much the effect varies "
            "between trials.");
    return o.cut ? MP_ELIMIT : MP_OK;
}
