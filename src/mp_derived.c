/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_derived.c - effects derived from incomplete reports; see
 * mp_derived.h. */
#include "mp_derived.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mp_survival.h"

typedef struct {
    const char *file;
    mp_errors *err;
    int bad;
} checker;

static void bad(checker *c, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(checker *c, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(c->err, c->file, line, fmt, ap);
    va_end(ap);
    c->bad = 1;
}

/* ---- logrank-p and medians --------------------------------------------- */

/* Events of one arm: given, > 0 (a log-rank variance or an exponential
 * rate needs events in both arms), and no more than the arm's patients
 * when <arms> gives them. */
static void arm_events(checker *c, const mp_effect_input *e, const char *elem,
                       const char *attr, long events, long n)
{
    if (events < 0)
        bad(c, e->line, "<%s> lacks %s", elem, attr);
    else if (events == 0)
        bad(c, e->line, "<%s> %s must be > 0", elem, attr);
    else if (n >= 0 && events > n)
        bad(c, e->line, "<%s> %s (%ld) is more than the arm's %ld patients",
            elem, attr, events, n);
}

static void check_logrank(checker *c, const mp_effect_input *e)
{
    double p = e->p.value;
    if (!(p > 0 && p < 1))
        bad(c, e->line, "<logrank-p> p must lie strictly between 0 and 1, "
            "not %g", p);
    if (e->events_total < 0) {
        arm_events(c, e, "logrank-p", "events-experimental", e->events_exp,
                   e->total_exp);
        arm_events(c, e, "logrank-p", "events-control", e->events_ctl,
                   e->total_ctl);
        return;
    }
    if (e->total_exp < 1 || e->total_ctl < 1)
        bad(c, e->line, "<logrank-p> events (a total) needs the arm sizes: "
            "<arms> with n on both arms");
    else if (e->events_total > e->total_exp + e->total_ctl)
        bad(c, e->line, "<logrank-p> events (%ld) is more than the %ld "
            "patients", e->events_total, e->total_exp + e->total_ctl);
    if (e->events_total == 0)
        bad(c, e->line, "<logrank-p> events must be > 0");
}

static void check_medians(checker *c, const mp_effect_input *e)
{
    if (!(e->median_exp.value > 0))
        bad(c, e->line, "<medians> experimental must be > 0, not %g",
            e->median_exp.value);
    if (!(e->median_ctl.value > 0))
        bad(c, e->line, "<medians> control must be > 0, not %g",
            e->median_ctl.value);
    arm_events(c, e, "medians", "events-experimental", e->events_exp,
               e->total_exp);
    arm_events(c, e, "medians", "events-control", e->events_ctl,
               e->total_ctl);
}

/* ---- km-curves ----------------------------------------------------------- */

static void check_points(checker *c, const mp_km_arm_input *a)
{
    double top = a->percent ? 100 : 1;
    for (size_t k = 0; k < a->n_points; k++) {
        long line = a->point_line[k];
        if (!(a->t[k] >= 0))
            bad(c, line, "<point> time must be >= 0, not %g", a->t[k]);
        else if (k > 0 && a->t[k] < a->t[k - 1])
            bad(c, line, "<point> time %g comes before the previous point's "
                "%g: points go in order of time", a->t[k], a->t[k - 1]);
        if (!(a->s[k] >= 0 && a->s[k] <= top))
            bad(c, line, "<point> survival %g lies outside 0..%g%s", a->s[k],
                top, a->percent ? " (scale=\"percent\")" : "");
        else if (k > 0 && a->s[k] > a->s[k - 1])
            bad(c, line, "<point> survival %g rises above the previous "
                "point's %g: a survival curve never rises", a->s[k],
                a->s[k - 1]);
    }
    if (a->n_points < 2)
        bad(c, a->line, "<arm> needs at least two <point> elements");
    else if (!(a->s[0] > 0))
        bad(c, a->point_line[0], "<point> survival is 0 at the curve's "
            "first point");
}

static void check_at_risk(checker *c, const mp_km_arm_input *a)
{
    for (size_t i = 1; i < a->n_risk; i++) {
        long line = a->risk_line[i];
        if (!(a->risk_t[i] > a->risk_t[i - 1]))
            bad(c, line, "<at-risk> time %g does not come after the previous "
                "row's %g", a->risk_t[i], a->risk_t[i - 1]);
        if (a->risk_n[i] > a->risk_n[i - 1])
            bad(c, line, "<at-risk> n %ld rises above the previous row's %ld: "
                "numbers at risk never rise", a->risk_n[i], a->risk_n[i - 1]);
    }
    if (a->n_risk < 1 || a->n_points < 1)
        return;
    if (a->risk_t[0] != a->t[0])
        bad(c, a->risk_line[0], "<at-risk> the first row (time %g) must be "
            "at the curve's first point (time %g)", a->risk_t[0], a->t[0]);
    if (a->risk_n[0] < 1)
        bad(c, a->risk_line[0], "<at-risk> the first row needs patients at "
            "risk (n > 0)");
    else if (a->events > a->risk_n[0])
        bad(c, a->line, "<arm> events (%ld) is more than the %ld patients at "
            "risk at the start", a->events, a->risk_n[0]);
}

mp_status mp_derived_check(const mp_effect_input *e, const char *file,
                           mp_errors *err)
{
    checker c = { file, err, 0 };
    switch (e->kind) {
    case MP_INPUT_LOGRANK_P:
        check_logrank(&c, e);
        break;
    case MP_INPUT_MEDIANS:
        check_medians(&c, e);
        break;
    case MP_INPUT_KM:
        for (int a = 1; a >= 0; a--) {
            check_points(&c, &e->km->arm[a]);
            check_at_risk(&c, &e->km->arm[a]);
        }
        break;
    default:
        break;
    }
    return c.bad ? MP_EINPUT : MP_OK;
}

mp_status mp_derived_convert(const mp_effect_input *e, double *y, double *se)
{
    if (e->kind == MP_INPUT_MEDIANS)
        return mp_medians_effect(e->median_exp.value, e->median_ctl.value,
                                 (double)e->events_exp, (double)e->events_ctl,
                                 y, se) == MP_OK ? MP_OK : MP_ENUMERIC;
    /* Tierney et al. 2007: V from the events per arm, or from the total
     * and the arm sizes */
    double V = e->events_total >= 0
        ? mp_logrank_variance_total((double)e->events_total,
                                    (double)e->total_exp, (double)e->total_ctl)
        : mp_logrank_variance_arms((double)e->events_exp,
                                   (double)e->events_ctl);
    return mp_logrank_effect(e->p.value, e->favours_experimental, V, y, se)
           == MP_OK ? MP_OK : MP_ENUMERIC;
}

/* ---- the reconstruction and the Cox fit ----------------------------------- */

/* Arm a reconstructed into out; survival rescaled to [0, 1]. */
static mp_status reconstruct(const mp_km_arm_input *a, mp_km_ipd *out,
                             mp_errors *err)
{
    double *s = malloc((a->n_points ? a->n_points : 1) * sizeof *s);
    if (!s)
        return MP_ENOMEM;
    for (size_t k = 0; k < a->n_points; k++)
        s[k] = a->percent ? a->s[k] / 100 : a->s[k];
    mp_km_arm arm = { a->t, s, a->n_points, a->risk_t, a->risk_n, a->n_risk,
                      a->events };
    mp_status st = mp_guyot(&arm, out, err);
    free(s);
    return st;
}

/* The Cox fit of the two arms' data, put end to end. */
static mp_status cox(const mp_km_ipd ipd[2], mp_cox_result *r, mp_errors *err)
{
    size_t n = ipd[0].n + ipd[1].n;
    double *time = malloc((n ? n : 1) * sizeof *time);
    int *event = malloc((n ? n : 1) * sizeof *event);
    int *arm = malloc((n ? n : 1) * sizeof *arm);
    mp_status st = MP_ENOMEM;
    if (time && event && arm) {
        size_t j = 0;
        for (int a = 0; a < 2; a++)
            for (size_t i = 0; i < ipd[a].n; i++, j++) {
                time[j] = ipd[a].time[i];
                event[j] = ipd[a].event[i];
                arm[j] = a;
            }
        mp_ipd d = { time, event, arm, n };
        st = mp_cox_fit(&d, r, err);
    }
    free(time);
    free(event);
    free(arm);
    return st;
}

/* The messages of the reconstruction or the fit, which name no file, at
 * (file, line) with the arm they concern. */
static void relay(const mp_errors *from, const char *file, long line,
                  const char *arm, mp_errors *err)
{
    for (size_t i = 0; i < from->n; i++)
        mp_errors_add(err, file, line, "<km-curves>%s%s: %s", arm ? " " : "",
                      arm ? arm : "", mp_errors_get(from, i)->message);
}

mp_status mp_derived_km(const mp_effect_input *e, const char *file,
                        double *y, double *se, mp_km_ipd ipd[2],
                        mp_errors *err)
{
    static const char *const role[2] = { "control arm", "experimental arm" };
    mp_km_ipd mine[2] = { { 0 }, { 0 } };
    mp_errors local = MP_ERRORS_INIT;
    mp_status st = MP_OK;
    for (int a = 1; a >= 0 && st == MP_OK; a--) {
        st = reconstruct(&e->km->arm[a], &mine[a], &local);
        if (st == MP_EINPUT)
            relay(&local, file, e->km->arm[a].line, role[a], err);
    }
    mp_cox_result r;
    if (st == MP_OK) {
        st = cox(mine, &r, &local);
        if (st == MP_EINPUT || st == MP_ENUMERIC)
            relay(&local, file, e->line, NULL, err);
    }
    mp_errors_clear(&local);
    if (st == MP_OK) {
        *y = r.log_hr;
        *se = r.se;
    }
    for (int a = 0; a < 2; a++) {
        if (ipd && st == MP_OK)
            ipd[a] = mine[a];
        else
            mp_km_ipd_clear(&mine[a]);
    }
    return st;
}

/* ---- the marks of the reports --------------------------------------------- */

static const struct {
    const char *element, *mark, *method;
} methods[] = {
    { "logrank-p", "a", "log-rank p and events (Tierney et al. 2007)" },
    { "medians", "b", "medians and events, exponential model (approximate)" },
    { "km-curves", "c", "Kaplan-Meier curves (Guyot et al. 2012), Cox fit "
      "(Efron ties)" },
};

static int method_of(const char *element)
{
    for (int i = 0; element && i < (int)(sizeof methods / sizeof *methods); i++)
        if (strcmp(methods[i].element, element) == 0)
            return i;
    return -1;
}

const char *mp_derived_mark(const char *element)
{
    int i = method_of(element);
    return i < 0 ? NULL : methods[i].mark;
}

const char *mp_derived_method(const char *element)
{
    int i = method_of(element);
    return i < 0 ? NULL : methods[i].method;
}

const char *mp_derived_element(size_t j)
{
    return j < sizeof methods / sizeof *methods ? methods[j].element : NULL;
}
