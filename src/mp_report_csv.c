/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_csv.c - forest-plot data as CSV (RFC 4180): one row per study,
 * then the pooled rows.  Numbers read back exactly; an empty field is a
 * figure that does not exist.  Every row ends with the outcome, measure
 * and level, so that rows of several analyses can be stacked. */
#include <math.h>

#include "mp_format.h"
#include "mp_report.h"

static const char header[] =
    "row,id,label,year,n_experimental,n_control,estimate,lower,upper,"
    "log_estimate,se,weight_fixed,weight_random,outcome,measure,level,"
    "derived\n";

/* ",x": one write per field, as these are most of a long report; an
 * empty field when x is not finite. */
static void field_num(FILE *out, double x)
{
    char b[1 + MP_NUMBUF] = ",";
    if (isfinite(x))
        mp_format_json_number(b + 1, x);
    fputs(b, out);
}

static void field_int(FILE *out, long n)
{
    char b[1 + MP_NUMBUF] = ",";
    mp_format_int(b + 1, n);
    fputs(b, out);
}

/* A count, empty when unknown (-1). */
static void field_count(FILE *out, long n)
{
    if (n >= 0)
        field_int(out, n);
    else
        putc(',', out);
}

/* The last fields of every row: outcome, measure, level, the element a
 * study's effect was derived from (empty for a published figure and for
 * pooled rows); and the end. */
static void row_end(FILE *out, const mp_report *r, const char *derived)
{
    putc(',', out);
    mp_format_csv_field(out, mp_dataset_outcome(r->ds));
    fprintf(out, ",%s", mp_measure_name(mp_dataset_measure(r->ds)));
    field_num(out, r->opt->level);
    putc(',', out);
    if (derived)
        fputs(derived, out);
    putc('\n', out);
}

/* A pooled or prediction row: log-scale estimate and bounds. */
static void pooled(FILE *out, const mp_report *r, const char *row,
                   const char *label, double est, double se, double lo,
                   double hi, double wf, double wr)
{
    fputs(row, out);
    fputs(",,", out);
    mp_format_csv_field(out, label);
    fputs(",,,", out);
    field_num(out, exp(est));
    field_num(out, exp(lo));
    field_num(out, exp(hi));
    field_num(out, est);
    field_num(out, se);
    field_num(out, wf);
    field_num(out, wr);
    row_end(out, r, NULL);
}

/* A pooled row from a fit: random effects, or the fixed effect of one
 * study; nothing when the fit failed. */
static void fit_row(FILE *out, const mp_report *r, const char *row,
                    const char *id, const char *label, int year,
                    const mp_fit_result *f)
{
    if (f->status != MP_OK)
        return;
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    fputs(row, out);
    putc(',', out);
    mp_format_csv_field(out, id);
    putc(',', out);
    mp_format_csv_field(out, label);
    if (year > 0)
        field_int(out, year);
    else
        putc(',', out);
    fputs(",,", out);
    field_num(out, exp(pf.log_estimate));
    field_num(out, exp(pf.lower));
    field_num(out, exp(pf.upper));
    field_num(out, pf.log_estimate);
    field_num(out, pf.se);
    fputs(",,", out);
    row_end(out, r, NULL);
}

static void group_rows(FILE *out, const mp_report *r)
{
    for (size_t g = 0; r->sub && g < r->sub->n_groups; g++) {
        const mp_subgroup *sg = &r->sub->groups[g];
        fit_row(out, r, "subgroup", sg->value,
                sg->value ? sg->value : "unspecified", 0, &sg->fit);
    }
    for (size_t j = 0; r->cum && j < r->cum->k; j++) {
        size_t row = r->cum->order[j];
        fit_row(out, r, "cumulative", mp_dataset_id(r->ds, row),
                mp_dataset_title(r->ds, row), mp_dataset_year(r->ds, row),
                &r->cum->fits[j]);
    }
}

mp_status mp_report_csv(FILE *out, const mp_report *r)
{
    const mp_dataset *ds = r->ds;
    mp_weight_sums sums;
    mp_report_weight_sums(r, &sums);
    fputs(header, out);
    for (size_t i = 0; i < mp_dataset_k(ds); i++) {
        mp_study_figures f;
        mp_report_study(r, &sums, i, &f);
        fputs("study,", out);
        mp_format_csv_field(out, mp_dataset_id(ds, i));
        putc(',', out);
        mp_format_csv_field(out, mp_dataset_title(ds, i));
        field_int(out, mp_dataset_year(ds, i));
        field_count(out, mp_dataset_n(ds, i, 1));
        field_count(out, mp_dataset_n(ds, i, 0));
        field_num(out, exp(f.yi));
        field_num(out, exp(f.lower));
        field_num(out, exp(f.upper));
        field_num(out, f.yi);
        field_num(out, f.se);
        field_num(out, f.w_fixed);
        field_num(out, f.w_random);
        row_end(out, r, mp_dataset_derived(ds, i));
    }
    const mp_fixed_result *fx = &r->fit->fixed;
    pooled(out, r, "fixed", "Fixed effect", fx->log_estimate, fx->se, fx->lower,
           fx->upper, 100, NAN);
    if (r->fit->has_random) {
        const mp_random_result *re = &r->fit->random;
        pooled(out, r, "random", "Random effects", re->log_estimate, re->se,
               re->lower, re->upper, NAN, 100);
        char label[64];
        mp_report_pi_label(re, label, sizeof label);
        pooled(out, r, "prediction", label, re->log_estimate, NAN, re->pi_lower,
               re->pi_upper, NAN, NAN);
    }
    group_rows(out, r);
    return ferror(out) ? MP_EIO : MP_OK;
}
