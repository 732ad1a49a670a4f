/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_report_csv.c - forest-plot data as CSV (RFC 4180): one row per study,
 * then the pooled rows.  Numbers read back exactly; an empty field is a
 * figure that does not exist.  Every row ends with the outcome, measure
 * and level, so that rows of several analyses can be stacked. */
#include <math.h>

#include "mp_format.h"
#include "mp_outbuf.h"
#include "mp_report.h"

static const char header[] =
    "row,id,label,year,n_experimental,n_control,estimate,lower,upper,"
    "log_estimate,se,weight_fixed,weight_random,outcome,measure,level,"
    "derived\n";

/* ",x", formatted in place, as these are most of a long report; an
 * empty field when x is not finite. */
static void field_num(mp_outbuf *out, double x)
{
    char *p = mp_outbuf_room(out);
    *p++ = ',';
    mp_outbuf_advance(out, isfinite(x) ? mp_format_json_number_to(p, x) : p);
}

static void field_int(mp_outbuf *out, long n)
{
    char *p = mp_outbuf_room(out);
    *p++ = ',';
    mp_outbuf_advance(out, mp_format_int_to(p, n));
}

/* A count, empty when unknown (-1). */
static void field_count(mp_outbuf *out, long n)
{
    if (n >= 0)
        field_int(out, n);
    else
        mp_outbuf_putc(out, ',');
}

/* The last fields of every row: outcome, measure, level, the element a
 * study's effect was derived from (empty for a published figure and for
 * pooled rows); and the end. */
static void row_tail(mp_outbuf *out, const mp_report *r)
{
    mp_outbuf_putc(out, ',');
    mp_format_csv_field_to(out, mp_dataset_outcome(r->ds));
    mp_outbuf_putc(out, ',');
    mp_outbuf_puts(out, mp_measure_name(mp_dataset_measure(r->ds)));
    field_num(out, r->opt->level);
    mp_outbuf_putc(out, ',');
}

static void row_derived(mp_outbuf *out, const char *derived)
{
    if (derived)
        mp_outbuf_puts(out, derived);
    mp_outbuf_putc(out, '\n');
}

static void row_end(mp_outbuf *out, const mp_report *r, const char *derived)
{
    row_tail(out, r);
    row_derived(out, derived);
}

/* A pooled or prediction row: log-scale estimate and bounds. */
static void pooled(mp_outbuf *out, const mp_report *r, const char *row,
                   const char *label, double est, double se, double lo,
                   double hi, double wf, double wr)
{
    mp_outbuf_puts(out, row);
    mp_outbuf_lit(out, ",,");
    mp_format_csv_field_to(out, label);
    mp_outbuf_lit(out, ",,,");
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
static void fit_row(mp_outbuf *out, const mp_report *r, const char *row,
                    const char *id, const char *label, int year,
                    const mp_fit_result *f)
{
    if (f->status != MP_OK)
        return;
    mp_pooled pf;
    mp_fit_pooled(f, &pf);
    mp_outbuf_puts(out, row);
    mp_outbuf_putc(out, ',');
    mp_format_csv_field_to(out, id);
    mp_outbuf_putc(out, ',');
    mp_format_csv_field_to(out, label);
    if (year > 0)
        field_int(out, year);
    else
        mp_outbuf_putc(out, ',');
    mp_outbuf_lit(out, ",,");
    field_num(out, exp(pf.log_estimate));
    field_num(out, exp(pf.lower));
    field_num(out, exp(pf.upper));
    field_num(out, pf.log_estimate);
    field_num(out, pf.se);
    mp_outbuf_lit(out, ",,");
    row_end(out, r, NULL);
}

static void cumulative_row(mp_outbuf *out, const void *ctx, size_t j)
{
    const mp_report *r = ctx;
    size_t row = r->cum->order[j];
    fit_row(out, r, "cumulative", mp_dataset_id(r->ds, row),
            mp_dataset_title(r->ds, row), mp_dataset_year(r->ds, row),
            &r->cum->fits[j]);
}

static void group_rows(mp_outbuf *out, const mp_report *r)
{
    for (size_t g = 0; r->sub && g < r->sub->n_groups; g++) {
        const mp_subgroup *sg = &r->sub->groups[g];
        fit_row(out, r, "subgroup", sg->value,
                sg->value ? sg->value : "unspecified", 0, &sg->fit);
    }
    if (r->cum)
        mp_outbuf_rows(out, r->cum->k, cumulative_row, r);
}

/* The study rows' context: the tail (row_tail) is the same in every
 * row, so it is formatted once; NULL when there was no memory for it. */
typedef struct {
    mp_study_rows rows;
    const mp_outbuf *tail;
} csv_rows;

static void study_row(mp_outbuf *out, const void *ctx, size_t i)
{
    const csv_rows *cr = ctx;
    const mp_study_rows *c = &cr->rows;
    const mp_dataset *ds = c->r->ds;
    mp_study_figures f;
    mp_report_study(c->r, &c->sums, i, &f);
    mp_outbuf_lit(out, "study,");
    mp_format_csv_field_to(out, mp_dataset_id(ds, i));
    mp_outbuf_putc(out, ',');
    mp_format_csv_field_to(out, mp_dataset_title(ds, i));
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
    if (cr->tail)
        mp_outbuf_write(out, cr->tail->buf, cr->tail->len);
    else
        row_tail(out, c->r);
    row_derived(out, mp_dataset_derived(ds, i));
}

static void report(mp_outbuf *out, const mp_report *r)
{
    csv_rows sc = { .rows.r = r };
    mp_report_weight_sums(r, &sc.rows.sums);
    mp_outbuf tail;
    mp_outbuf_init(&tail, NULL);
    row_tail(&tail, r);
    sc.tail = tail.failed ? NULL : &tail;
    mp_outbuf_write(out, header, sizeof header - 1);
    mp_outbuf_rows(out, mp_dataset_k(r->ds), study_row, &sc);
    mp_outbuf_free(&tail);
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
}

mp_status mp_report_csv(FILE *out, const mp_report *r)
{
    mp_outbuf b;
    mp_outbuf_init(&b, out);
    report(&b, r);
    return mp_outbuf_finish(&b);
}
