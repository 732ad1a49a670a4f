/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_effect.c - published figures to log effects; see mp_effect.h. */
#include "mp_effect.h"

#include <math.h>
#include <stdarg.h>

#include <gsl/gsl_cdf.h>

#include "mp_derived.h"

const char *mp_measure_name(mp_measure m)
{
    switch (m) {
    case MP_MEASURE_HR: return "HR";
    case MP_MEASURE_RR: return "RR";
    case MP_MEASURE_OR: return "OR";
    }
    return "?";
}

mp_measure mp_effect_measure(const mp_effect_input *e, mp_measure counts_measure)
{
    return e->kind == MP_INPUT_COUNTS ? counts_measure : MP_MEASURE_HR;
}

const char *mp_effect_derived(const mp_effect_input *e)
{
    switch (e->kind) {
    case MP_INPUT_LOGRANK_P: return "logrank-p";
    case MP_INPUT_MEDIANS: return "medians";
    case MP_INPUT_KM: return "km-curves";
    default: return NULL;
    }
}

/* ---- checks ------------------------------------------------------------------ */

typedef struct {
    const char *file;
    long line;
    mp_errors *err;
    int bad;
} checker;

static void bad(checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void bad(checker *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(c->err, c->file, c->line, fmt, ap);
    va_end(ap);
    c->bad = 1;
}

static int positive(checker *c, const char *elem, const char *attr, double x)
{
    if (x > 0)
        return 1;
    bad(c, "<%s> %s must be > 0, not %g", elem, attr, x);
    return 0;
}

static void open_unit(checker *c, const char *attr, double x, const char *hint)
{
    if (!(x > 0 && x < 1))
        bad(c, "<hazard-ratio> %s must lie strictly between 0 and 1, not %g%s",
            attr, x, hint);
}

static void check_hr_ci(checker *c, const mp_effect_input *e)
{
    int ok = positive(c, "hazard-ratio", "estimate", e->estimate.value);
    ok &= positive(c, "hazard-ratio", "lower", e->lower.value);
    ok &= positive(c, "hazard-ratio", "upper", e->upper.value);
    open_unit(c, "level", e->level.value,
              e->level.value > 1 && e->level.value < 100
                  ? " (write 0.95 for a 95% interval)" : "");
    if (e->has_p)
        open_unit(c, "p", e->p.value, "");
    if (!ok)
        return;
    if (e->lower.value >= e->upper.value) {
        bad(c, "<hazard-ratio> lower (%g) must be less than upper (%g)",
            e->lower.value, e->upper.value);
        return;
    }
    /* The printed estimate and bounds are each rounded; only a gap larger
     * than their combined rounding is an error. */
    double slack_lo = e->estimate.half_unit + e->lower.half_unit;
    double slack_hi = e->estimate.half_unit + e->upper.half_unit;
    if (e->estimate.value < e->lower.value - slack_lo ||
        e->estimate.value > e->upper.value + slack_hi)
        bad(c, "<hazard-ratio> estimate %g lies outside its interval %g to %g",
            e->estimate.value, e->lower.value, e->upper.value);
}

static void check_hr_p(checker *c, const mp_effect_input *e)
{
    int ok = positive(c, "hazard-ratio", "estimate", e->estimate.value);
    open_unit(c, "p", e->p.value, "");
    if (ok && e->estimate.value == 1.0)
        bad(c, "<hazard-ratio> an estimate of exactly 1 with a p-value gives "
            "no standard error; enter the interval instead");
}

static void check_counts(checker *c, const mp_effect_input *e)
{
    if (e->total_exp < 1)
        bad(c, "<counts> total-experimental must be > 0");
    if (e->total_ctl < 1)
        bad(c, "<counts> total-control must be > 0");
    if (e->events_exp > e->total_exp)
        bad(c, "<counts> events-experimental (%ld) exceeds total-experimental (%ld)",
            e->events_exp, e->total_exp);
    if (e->events_ctl > e->total_ctl)
        bad(c, "<counts> events-control (%ld) exceeds total-control (%ld)",
            e->events_ctl, e->total_ctl);
}

mp_status mp_effect_check(const mp_effect_input *e, const char *file,
                          mp_errors *err)
{
    checker c = { file, e->line, err, 0 };
    switch (e->kind) {
    case MP_INPUT_HR_CI:
        check_hr_ci(&c, e);
        break;
    case MP_INPUT_HR_P:
        check_hr_p(&c, e);
        break;
    case MP_INPUT_LOG_HR:
        positive(&c, "log-hazard-ratio", "se", e->se.value);
        break;
    case MP_INPUT_PETO:
        positive(&c, "peto", "variance", e->variance.value);
        break;
    case MP_INPUT_COUNTS:
        check_counts(&c, e);
        break;
    default:
        return mp_derived_check(e, file, err);
    }
    return c.bad ? MP_EINPUT : MP_OK;
}

/* ---- conversion -------------------------------------------------------------- */

/* Two-sided normal quantile: z with P(|Z| > z) = alpha. */
static double z_two_sided(double alpha)
{
    return gsl_cdf_ugaussian_Qinv(alpha / 2.0);
}

/* Log risk ratio or log odds ratio of a 2x2 table with 0.5 added to every
 * cell when any cell is zero (the standard continuity correction; metafor
 * escalc(add = 1/2, to = "only0")).  Variances: Greenland and Robins 1985
 * for the RR, Woolf 1955 for the OR. */
static void from_counts(const mp_effect_input *e, mp_measure m, double *y,
                        double *v)
{
    double a = (double)e->events_exp, b = (double)(e->total_exp - e->events_exp);
    double c = (double)e->events_ctl, d = (double)(e->total_ctl - e->events_ctl);
    if (a == 0 || b == 0 || c == 0 || d == 0) {
        a += 0.5;
        b += 0.5;
        c += 0.5;
        d += 0.5;
    }
    if (m == MP_MEASURE_OR) {
        *y = log(a * d / (b * c));
        *v = 1 / a + 1 / b + 1 / c + 1 / d;
    } else {
        *y = log((a / (a + b)) / (c / (c + d)));
        *v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d);
    }
}

mp_status mp_effect_convert(const mp_effect_input *e, mp_measure counts_measure,
                            double *y, double *se)
{
    double v;
    switch (e->kind) {
    case MP_INPUT_HR_CI:
        /* se = (ln upper - ln lower) / (2 z_level) */
        *y = log(e->estimate.value);
        *se = (log(e->upper.value) - log(e->lower.value)) /
              (2.0 * z_two_sided(1.0 - e->level.value));
        break;
    case MP_INPUT_HR_P:
        /* se = |ln HR| / z, z the normal quantile for 1 - p/2 (Altman and
         * Bland 2011, "How to obtain the confidence interval from a P value") */
        *y = log(e->estimate.value);
        *se = fabs(*y) / z_two_sided(e->p.value);
        break;
    case MP_INPUT_LOG_HR:
        *y = e->estimate.value;
        *se = e->se.value;
        break;
    case MP_INPUT_PETO:
        /* Yusuf et al. 1985: ln HR = (O - E) / V, var = 1 / V */
        *y = e->o_minus_e.value / e->variance.value;
        *se = 1.0 / sqrt(e->variance.value);
        break;
    case MP_INPUT_COUNTS:
        from_counts(e, counts_measure, y, &v);
        *se = sqrt(v);
        break;
    case MP_INPUT_LOGRANK_P:
    case MP_INPUT_MEDIANS:
        return mp_derived_convert(e, y, se);
    case MP_INPUT_KM:
        return mp_derived_km(e, NULL, y, se, NULL, NULL);
    }
    if (e->reference_experimental)
        *y = -*y;
    if (!isfinite(*y) || !isfinite(*se) || !(*se > 0))
        return MP_ENUMERIC;
    return MP_OK;
}
