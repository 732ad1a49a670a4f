/* tests/fuzz/fuzz_metapool.c - libFuzzer harness: arbitrary bytes through
 * the whole path of metapool, as the command line drives it: read and
 * check (with the schema, as --validate), dataset, fit, leave-one-out,
 * subgroups, cumulative, and every report and plot, written to memory.
 *
 * The first input byte chooses the options (estimator, HKSJ, measure for
 * counts, a limit of 3 studies, a limit of 4 diagnostics, and a reader
 * whose limits are small enough for a fuzzed input to reach: 40 bytes of
 * text, 600 bytes per study, 3 xml:id attributes, 6000 bytes per input),
 * the rest is the document.  Build and run with `make fuzz`; a
 * crash found becomes a file in tests/fuzz/regressions/, which `make
 * check` replays through the program (tests/cli/fuzz_replay.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "mp_analyses.h"
#include "mp_dataset.h"
#include "mp_fit.h"
#include "mp_report.h"
#include "mp_study.h"
#include "mp_svg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run a report or plot into a memory stream and throw the bytes away. */
static void to_memory(const mp_report *r, int which)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    mp_svg_options so = { NULL, NULL };
    switch (which) {
    case 0: mp_report_text(f, r); break;
    case 1: mp_report_json(f, r); break;
    case 2: mp_report_csv(f, r); break;
    case 3: mp_svg_forest(f, r, &so); break;
    case 4: if (r->cum) mp_svg_cumulative(f, r, &so); break;
    case 5: if (r->loo) mp_svg_leave_one_out(f, r, &so); break;
    }
    fclose(f);
    free(buf);
}

static void analyse(const mp_dataset *ds, const mp_fit_options *fo)
{
    size_t k = mp_dataset_k(ds);
    const double *y = mp_dataset_y(ds), *v = mp_dataset_v(ds);
    mp_fit_result fit;
    mp_errors err = MP_ERRORS_INIT;
    if (mp_fit(y, v, k, fo, &fit, &err) != MP_OK) {
        mp_errors_free(&err);
        return;
    }
    mp_report rep = { .ds = ds, .opt = fo, .fit = &fit, .covariate = "sequence",
                      .version = "fuzz" };
    mp_fit_result *loo = k >= 2 ? malloc(k * sizeof *loo) : NULL;
    if (loo && mp_leave_one_out(y, v, k, fo, loo, &err) == MP_OK)
        rep.loo = loo;
    const char **group = malloc(k * sizeof *group);
    int *year = malloc(k * sizeof *year);
    mp_subgroups sub;
    mp_cumulative cum;
    int have_sub = 0, have_cum = 0;
    if (group && year) {
        for (size_t i = 0; i < k; i++) {
            group[i] = mp_dataset_group(ds, i);
            year[i] = mp_dataset_year(ds, i);
        }
        have_sub = mp_subgroups_fit(y, v, group, k, fo, &sub, &err) == MP_OK;
        have_cum = mp_cumulative_fit(y, v, year, k, fo, &cum, &err) == MP_OK;
    }
    rep.sub = have_sub ? &sub : NULL;
    rep.cum = have_cum ? &cum : NULL;
    for (int which = 0; which < 6; which++)
        to_memory(&rep, which);
    if (have_sub)
        mp_subgroups_free(&sub);
    if (have_cum)
        mp_cumulative_free(&cum);
    free(group);
    free(year);
    free(loo);
    mp_errors_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mp_reader *reader, *small;
    if (!reader) {
        gsl_set_error_handler_off();
        mp_read_options ro;
        mp_read_options_default(&ro);
        mp_status st;
        reader = mp_reader_new(&ro, &st);
        ro.max_text = 40;
        ro.max_study = 600;
        ro.max_ids = 3;
        ro.max_bytes = 6000;
        small = mp_reader_new(&ro, &st);
        if (!reader || !small)
            abort();
    }
    if (size < 1)
        return 0;
    uint8_t knobs = data[0];
    mp_fit_options fo;
    mp_fit_options_default(&fo);
    fo.method = (mp_method)(knobs % MP_METHOD_COUNT);
    fo.hksj = (knobs >> 3) & 1;
    fo.maxiter = 200;
    mp_dataset_options dso = { "OS", (knobs >> 4) & 1 ? MP_MEASURE_OR : MP_MEASURE_RR,
                               "sequence", (knobs >> 5) & 1 ? 3 : 0 };
    mp_dataset *ds = mp_dataset_new(&dso);
    if (!ds)
        return 0;
    mp_errors err = MP_ERRORS_INIT;
    err.limit = (knobs >> 6) & 1 ? 4 : 0;
    mp_dataset_sink sink = { ds, &err };
    mp_status st = mp_read_memory((knobs >> 7) & 1 ? small : reader,
                                  (const char *)data + 1, size - 1,
                                  "fuzz", mp_dataset_reader_fn, &sink, &err);
    if (st == MP_OK && mp_errors_count(&err) == 0 &&
        mp_dataset_finish(ds, &err) == MP_OK)
        analyse(ds, &fo);
    mp_errors_free(&err);
    mp_dataset_free(ds);
    return 0;
}
