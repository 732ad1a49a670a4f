/* mp_report.c - figures shared by the report writers; see mp_report.h. */
#include "mp_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

double mp_report_z(const mp_report *r)
{
    return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - r->opt->level) / 2.0);
}

void mp_report_main_figures(const mp_fit_result *f, double *est, double *lo,
                            double *hi)
{
    int re = f->has_random;
    *est = re ? f->random.log_estimate : f->fixed.log_estimate;
    *lo = re ? f->random.lower : f->fixed.lower;
    *hi = re ? f->random.upper : f->fixed.upper;
}

void mp_report_pi_label(const mp_random_result *re, char *buf, size_t size)
{
    if (isnan(re->pi_df))
        snprintf(buf, size, "Prediction interval (z)");
    else
        snprintf(buf, size, "Prediction interval (t, %g df)", re->pi_df);
}

/* The weight sums of the fit (summed in canonical order, so a study's
 * weight does not depend on the order of the others). */
void mp_report_weight_sums(const mp_report *r, mp_weight_sums *sums)
{
    sums->fixed = r->fit->fixed.weight_sum;
    sums->random = r->fit->has_random ? r->fit->random.weight_sum : NAN;
    sums->z = mp_report_z(r);
}

void mp_report_study(const mp_report *r, const mp_weight_sums *sums, size_t i,
                     mp_study_figures *f)
{
    double v = mp_dataset_v(r->ds)[i];
    double z = sums->z;
    f->yi = mp_dataset_y(r->ds)[i];
    f->se = sqrt(v);
    f->lower = f->yi - z * f->se;
    f->upper = f->yi + z * f->se;
    f->w_fixed = 100.0 * (1.0 / v) / sums->fixed;
    f->w_random = r->fit->has_random
                      ? 100.0 * (1.0 / (v + r->fit->random.tau2)) / sums->random
                      : NAN;
}

const char *mp_report_outcome_name(const char *outcome)
{
    return mp_outcome_long_name(outcome);
}

const char *mp_report_measure_name(mp_measure m)
{
    switch (m) {
    case MP_MEASURE_HR: return "hazard ratio";
    case MP_MEASURE_RR: return "risk ratio";
    case MP_MEASURE_OR: return "odds ratio";
    }
    return "ratio";
}

const char *mp_report_method_name(mp_method m)
{
    static const char *const names[MP_METHOD_COUNT] = {
        [MP_METHOD_DL] = "DerSimonian-Laird",
        [MP_METHOD_REML] = "restricted maximum likelihood",
        [MP_METHOD_PM] = "Paule-Mandel",
        [MP_METHOD_SJ] = "Sidik-Jonkman",
        [MP_METHOD_HE] = "Hedges",
        [MP_METHOD_ML] = "maximum likelihood",
        [MP_METHOD_EB] = "empirical Bayes",
    };
    return (unsigned)m < MP_METHOD_COUNT ? names[m] : "?";
}
