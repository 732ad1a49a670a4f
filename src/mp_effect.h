/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_effect.h - published effect figures and their conversion to a log
 * effect and its standard error.
 *
 * Knows the published forms (an interval at a level, a p-value, a log
 * ratio with its SE, Peto's O-E and V, 2x2 counts) and the direction of a
 * ratio; knows nothing about XML.  Formulas: metapool-study(5), after the
 * study-format contract; sources cited at each function.
 */
#ifndef MP_EFFECT_H
#define MP_EFFECT_H

#include "mp_error.h"

/* A number as printed in the file: its value and half a unit of its last
 * printed digit (0.005 for "0.81"), i.e. how far rounding may have moved it. */
typedef struct {
    double value;
    double half_unit;
} mp_number;

typedef enum {
    MP_INPUT_HR_CI,     /* hazard-ratio estimate, lower, upper, level */
    MP_INPUT_HR_P,      /* hazard-ratio estimate, two-sided p */
    MP_INPUT_LOG_HR,    /* log-hazard-ratio estimate, se */
    MP_INPUT_PETO,      /* peto o-minus-e, variance */
    MP_INPUT_COUNTS,    /* counts: events and totals per arm */
    /* derived from incomplete reports (mp_derived.h) */
    MP_INPUT_LOGRANK_P, /* logrank-p: p, favours, events */
    MP_INPUT_MEDIANS,   /* medians: median times, events per arm */
    MP_INPUT_KM         /* km-curves: digitised curves, numbers at risk */
} mp_input_kind;

typedef struct mp_km_input mp_km_input;         /* mp_derived.h */

/* One published effect figure, as entered.  Only the fields of its kind
 * are meaningful. */
typedef struct {
    mp_input_kind kind;
    int reference_experimental; /* 1: the figure is control / experimental */
    mp_number estimate, lower, upper, level, p, se, o_minus_e, variance;
    int has_p;                  /* MP_INPUT_HR_CI: 1 when a published p
                                   accompanies the interval (a cross-check
                                   only, see mp_crosscheck.h; the interval
                                   is what is used) */
    long events_exp, total_exp, events_ctl, total_ctl;   /* counts; also
                                   the events per arm of logrank-p and
                                   medians, and for logrank-p with a total
                                   of events, the arm sizes of <arms> (-1
                                   when not given) */
    long events_total;          /* logrank-p events=, -1 when not given */
    int favours_experimental;   /* logrank-p favours="experimental" */
    mp_number median_exp, median_ctl;   /* medians */
    const mp_km_input *km;      /* km-curves (owned by the reader) */
    long line;                  /* where it was written, for diagnostics */
} mp_effect_input;

/* mp_measure, mp_measure_name(): metapool.h. */

/* The measure an input yields; counts_measure is RR or OR, chosen by the
 * user for count inputs. */
mp_measure mp_effect_measure(const mp_effect_input *e, mp_measure counts_measure);

/* The element name of a derived input ("logrank-p", "medians",
 * "km-curves"), NULL for a published figure. */
const char *mp_effect_derived(const mp_effect_input *e);

/* Check the values of a figure: ratios and bounds > 0, lower < upper, the
 * estimate inside its interval (allowing for the rounding of the printed
 * digits), level and p (also a p beside an interval) strictly between 0
 * and 1, se and variance > 0,
 * events <= totals.  Adds one diagnostic per problem at (file, e->line).
 * Returns MP_OK or MP_EINPUT. */
mp_status mp_effect_check(const mp_effect_input *e, const char *file,
                          mp_errors *err);

/* Convert a checked figure into the log effect y (experimental versus
 * control) and its standard error se > 0.  counts_measure as above.
 * Returns MP_OK, or MP_ENUMERIC when the result is not finite (then
 * *y and *se are unspecified). */
/* Derived inputs: mp_derived.h (km-curves reconstructs individual
 * data, and its diagnostics then name only the reconstruction). */
mp_status mp_effect_convert(const mp_effect_input *e, mp_measure counts_measure,
                            double *y, double *se);

#endif
