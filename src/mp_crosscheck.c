/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_crosscheck.c - cross-checks of redundant figures; see mp_crosscheck.h.
 *
 * Every range below is taken over the printed numbers within rounding:
 * a number x printed with half unit h may be anything in [x - h, x + h]
 * (positive ratios stay positive: a printed positive number is at least
 * one unit of its last digit, i.e. 2h).
 */
#include "mp_crosscheck.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>

/* Relative slack for floating-point noise in comparisons of ranges. */
#define FP_SLACK 1e-12
/* The largest p that papers print as a bound ("p < 0.05" ... "p < 0.0001"). */
#define P_BOUND_MAX 0.05

static double lo_of(mp_number x) { return x.value - x.half_unit; }
static double hi_of(mp_number x) { return x.value + x.half_unit; }

/* z with P(|Z| > z) = p, two-sided; +inf for p <= 0. */
static double z_of_p(double p)
{
    if (p <= 0)
        return INFINITY;
    return gsl_cdf_ugaussian_Qinv(fmin(p, 1.0) / 2.0);
}

/* Two-sided p of z: 2 (1 - Phi(z)). */
static double p_of_z(double z)
{
    return 2.0 * gsl_cdf_ugaussian_Q(z);
}

/* Range of |ln x| for x within the rounding of a positive number. */
static void abs_log_range(mp_number x, double *lo, double *hi)
{
    double a = fabs(log(lo_of(x))), b = fabs(log(hi_of(x)));
    *hi = fmax(a, b);
    *lo = lo_of(x) <= 1.0 && hi_of(x) >= 1.0 ? 0.0 : fmin(a, b);
}

/* Range of ln upper - ln lower within rounding; the low end may be <= 0
 * (bounds that rounding may bring together), then 0. */
static void log_width_range(const mp_effect_input *e, double *lo, double *hi)
{
    *lo = fmax(0.0, log(lo_of(e->upper)) - log(hi_of(e->lower)));
    *hi = log(hi_of(e->upper)) - log(lo_of(e->lower));
}

/* Range of the z an interval implies at level: 2 z_level |ln est| / width
 * (the Wald statistic, se from the interval). */
static void implied_z_range(const mp_effect_input *e, double level,
                            double *lo, double *hi)
{
    double a_lo, a_hi, w_lo, w_hi, zl = z_of_p(1.0 - level);
    abs_log_range(e->estimate, &a_lo, &a_hi);
    log_width_range(e, &w_lo, &w_hi);
    *lo = 2.0 * zl * a_lo / w_hi;
    *hi = w_lo > 0 ? 2.0 * zl * a_hi / w_lo : INFINITY;
}

void mp_crosscheck_p_range(const mp_effect_input *e, double level,
                           double *p_lo, double *p_hi)
{
    double z_lo, z_hi;
    implied_z_range(e, level, &z_lo, &z_hi);
    *p_lo = p_of_z(z_hi);
    *p_hi = p_of_z(z_lo);
}

int mp_crosscheck_p_agrees(const mp_effect_input *e, double level, int sides)
{
    double z_lo, z_hi;
    implied_z_range(e, level, &z_lo, &z_hi);
    /* a larger p is a smaller z */
    double zp_lo = z_of_p(sides * hi_of(e->p));
    double zp_hi = z_of_p(sides * lo_of(e->p));
    double m = 1.0 + MP_XCHECK_Z_MARGIN;
    return z_lo / m <= zp_hi * (1 + FP_SLACK) &&
           zp_lo <= z_hi * m * (1 + FP_SLACK);
}

/* ---- p beside an interval --------------------------------------------------- */

/* What would make a p agree with its interval, into buf: another usual
 * level, a one-sided reading, or (a small p above all the interval
 * allows) a bound printed as "p < x" entered as the value x. */
static void p_hint(const mp_effect_input *e, double p_hi, char *buf,
                   size_t size)
{
    static const double levels[] = { 0.90, 0.95, 0.99 };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (fabs(levels[i] - e->level.value) < 1e-9 ||
            !mp_crosscheck_p_agrees(e, levels[i], 1))
            continue;
        /* a level that was not written reads 0.95 with no rounding */
        snprintf(buf, size, "it agrees only as a %g%% interval: is "
                 "level=\"%.2f\" %s?", 100 * levels[i], levels[i],
                 e->level.half_unit > 0 ? "meant" : "missing");
        return;
    }
    if (mp_crosscheck_p_agrees(e, e->level.value, 2))
        snprintf(buf, size, "it agrees only as a one-sided p: is it "
                 "one-sided? (p here is two-sided: p=\"%g\")",
                 2 * e->p.value);
    else if (p_hi < lo_of(e->p) && e->p.value <= P_BOUND_MAX)
        snprintf(buf, size, "was it printed as \"p < %g\"? Such a bound "
                 "is not a value: leave p out", e->p.value);
    else
        snprintf(buf, size, "check the p, the estimate, the bounds and the "
                 "level");
}

static void check_p(const char *file, const mp_effect_input *e,
                    mp_errors *err)
{
    if (!e->has_p || mp_crosscheck_p_agrees(e, e->level.value, 1))
        return;
    double p_lo, p_hi;
    char hint[256];
    mp_crosscheck_p_range(e, e->level.value, &p_lo, &p_hi);
    p_hint(e, p_hi, hint, sizeof hint);
    mp_errors_warn(err, file, e->line, "<hazard-ratio> p = %g does not agree "
                   "with the interval, which as a %g%% interval implies p = "
                   "%.2g to %.2g (allowing for rounding): %s", e->p.value,
                   100 * e->level.value, p_lo, p_hi, hint);
}

/* ---- the estimate at the centre of its interval ------------------------------ */

/* A Wald interval is symmetric on the log scale: ln est = (ln lower + ln
 * upper) / 2, i.e. est = sqrt(lower x upper), within the rounding of the
 * three printed numbers. */
static void check_centre(const char *file, const mp_effect_input *e,
                         mp_errors *err)
{
    double m_lo = sqrt(lo_of(e->lower) * lo_of(e->upper));
    double m_hi = sqrt(hi_of(e->lower) * hi_of(e->upper));
    if (hi_of(e->estimate) >= m_lo * (1 - FP_SLACK) &&
        lo_of(e->estimate) <= m_hi * (1 + FP_SLACK))
        return;
    mp_errors_warn(err, file, e->line, "<hazard-ratio> estimate %g is not "
                   "the geometric mean of its bounds, sqrt(%g x %g) = %.3g "
                   "(%.3g to %.3g allowing for rounding), as the centre of a "
                   "log-symmetric interval is: a typo, or bounds of another "
                   "figure?", e->estimate.value, e->lower.value,
                   e->upper.value, sqrt(e->lower.value * e->upper.value),
                   m_lo, m_hi);
}

/* ---- events ------------------------------------------------------------------- */

int mp_crosscheck_se_range(const mp_effect_input *e, double *lo, double *hi)
{
    double a_lo, a_hi, w_lo, w_hi;
    switch (e->kind) {
    case MP_INPUT_HR_CI:
        /* se = (ln upper - ln lower) / (2 z_level) */
        log_width_range(e, &w_lo, &w_hi);
        *lo = w_lo / (2.0 * z_of_p(1.0 - e->level.value));
        *hi = w_hi / (2.0 * z_of_p(1.0 - e->level.value));
        return 1;
    case MP_INPUT_HR_P:
        /* se = |ln HR| / z_p (Altman and Bland 2011) */
        abs_log_range(e->estimate, &a_lo, &a_hi);
        *lo = a_lo / z_of_p(lo_of(e->p));
        *hi = a_hi / z_of_p(hi_of(e->p));
        return 1;
    case MP_INPUT_LOG_HR:
        *lo = lo_of(e->se);
        *hi = hi_of(e->se);
        return 1;
    case MP_INPUT_PETO:
        /* se = 1 / sqrt(V) (Yusuf et al. 1985) */
        *lo = 1.0 / sqrt(hi_of(e->variance));
        *hi = 1.0 / sqrt(lo_of(e->variance));
        return 1;
    default:            /* counts and derived effects */
        break;
    }
    return 0;
}

double mp_crosscheck_implied_events(double se, double f)
{
    /* Schoenfeld 1983, Biometrika 70:499-503: var(ln HR) = 1 / (D f (1-f)) */
    return 1.0 / (se * se * f * (1.0 - f));
}

static const char *effect_name(const mp_effect_input *e)
{
    switch (e->kind) {
    case MP_INPUT_HR_CI:
    case MP_INPUT_HR_P: return "hazard-ratio";
    case MP_INPUT_LOG_HR: return "log-hazard-ratio";
    case MP_INPUT_PETO: return "peto";
    case MP_INPUT_COUNTS: break;
    default: return mp_effect_derived(e);
    }
    return "counts";
}

/* Implied events: at least *lo, at most *hi (may be +inf). */
typedef struct {
    double lo, hi, f;
} implied_events;

static int implied_range(const mp_study *s, const mp_effect_input *e,
                         implied_events *d)
{
    double se_lo, se_hi;
    if (!mp_crosscheck_se_range(e, &se_lo, &se_hi))
        return 0;
    d->f = s->n_exp > 0 && s->n_ctl > 0
               ? (double)s->n_exp / (double)(s->n_exp + s->n_ctl) : 0.5;
    d->lo = mp_crosscheck_implied_events(se_hi, d->f);
    d->hi = se_lo > 0 ? mp_crosscheck_implied_events(se_lo, d->f) : INFINITY;
    return 1;
}

/* No more events than patients randomized (each has one first event). */
static void check_events_vs_patients(const mp_study *s,
                                     const mp_effect_input *e,
                                     const implied_events *d, mp_errors *err)
{
    if (s->n_exp < 1 || s->n_ctl < 1)
        return;
    long n = s->n_exp + s->n_ctl;
    if (d->lo <= (double)n)
        return;
    mp_errors_warn(err, s->file, e->line, "<%s> implies at least %.0f events "
                   "(Schoenfeld: 1 / (se^2 f (1 - f)), f = %.2f), more than "
                   "the %ld patients randomized: the standard error is too "
                   "small for this trial (a wrong level, bound or figure?)",
                   effect_name(e), d->lo, d->f, n);
}

static void check_events_vs_published(const mp_study *s, const mp_outcome *o,
                                      const implied_events *d, mp_errors *err)
{
    if (o->events_exp < 0 || o->events_ctl < 0)
        return;
    long pub = o->events_exp + o->events_ctl;
    double k = MP_XCHECK_EVENTS_FACTOR;
    if (pub < 1 || (d->hi * k >= (double)pub && d->lo <= k * (double)pub))
        return;
    mp_errors_warn(err, s->file, o->events_line, "<events> %ld events are "
                   "published (%ld + %ld), but the <%s> at line %ld implies "
                   "%.0f to %.0f (Schoenfeld: 1 / (se^2 f (1 - f)), f = %.2f), "
                   "%s %g times as many: events of another outcome or arm, "
                   "or a wrong interval?", pub, o->events_exp, o->events_ctl,
                   effect_name(&o->effect), o->effect.line, d->lo, d->hi,
                   d->f, d->lo > k * (double)pub ? "more than" : "less than 1 /",
                   k);
}

/* ---- median survival against the direction ------------------------------------ */

/* Sign of the log effect beyond rounding (-1, 0 within rounding of no
 * effect, +1), experimental versus control (reference inverted). */
static int effect_sign(const mp_effect_input *e)
{
    double lo, hi;
    switch (e->kind) {
    case MP_INPUT_HR_CI:
    case MP_INPUT_HR_P:
        lo = log(lo_of(e->estimate));
        hi = log(hi_of(e->estimate));
        break;
    case MP_INPUT_LOG_HR:
        lo = lo_of(e->estimate);
        hi = hi_of(e->estimate);
        break;
    case MP_INPUT_PETO:
        lo = lo_of(e->o_minus_e);
        hi = hi_of(e->o_minus_e);
        break;
    default:
        return 0;
    }
    int sign = lo > 0 ? 1 : hi < 0 ? -1 : 0;
    return e->reference_experimental ? -sign : sign;
}

/* +1 when the experimental median is longer beyond rounding, -1 when
 * shorter, 0 otherwise. */
static int median_sign(const mp_outcome *o)
{
    if (lo_of(o->median_exp) > hi_of(o->median_ctl))
        return 1;
    if (hi_of(o->median_exp) < lo_of(o->median_ctl))
        return -1;
    return 0;
}

/* The longer median should go with the lower hazard: HR < 1 when the
 * experimental median is longer.  Under proportional hazards with roughly
 * exponential survival, ln(median_exp / median_ctl) = -ln HR, with about
 * the standard error of ln HR (both ~ 4 / D); two figures pointing in
 * opposite directions beyond rounding are an entry error only when they
 * disagree by more than that standard error: |ln HR| + |ln median ratio|
 * > se (hazards can cross, and a median difference of a few per cent
 * against an HR near 1 is noise). */
static void check_medians(const mp_study *s, const mp_outcome *o,
                          mp_errors *err)
{
    const mp_effect_input *e = &o->effect;
    int hs = effect_sign(e), ms = median_sign(o);
    double y, se;
    if (!o->median_line || hs == 0 || ms == 0 || hs != ms ||
        mp_effect_convert(e, MP_MEASURE_HR, &y, &se) != MP_OK)
        return;
    double r = log(o->median_exp.value / o->median_ctl.value);
    if (fabs(r) + fabs(y) <= se)
        return;
    mp_errors_warn(err, s->file, o->median_line, "<median-survival> the median "
                   "is %s in the experimental arm (%g vs %g %s), yet the "
                   "hazard ratio, experimental/control, is %.3g (line %ld): "
                   "hazards can cross; check the direction (%s)",
                   ms > 0 ? "longer" : "shorter", o->median_exp.value,
                   o->median_ctl.value, o->median_unit, exp(y), e->line,
                   e->reference_experimental
                       ? "is reference=\"experimental\" wrong?"
                       : "reference=\"experimental\"?");
}

/* ---- all of them ------------------------------------------------------------ */

void mp_crosscheck_outcome(const mp_study *s, const mp_outcome *o,
                           mp_errors *err)
{
    const mp_effect_input *e = &o->effect;
    implied_events d;
    if (e->kind == MP_INPUT_COUNTS)
        return;
    if (e->kind == MP_INPUT_HR_CI) {
        check_p(s->file, e, err);
        check_centre(s->file, e, err);
    }
    if (implied_range(s, e, &d)) {
        check_events_vs_patients(s, e, &d, err);
        check_events_vs_published(s, o, &d, err);
    }
    check_medians(s, o, err);
}
