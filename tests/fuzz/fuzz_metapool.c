/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/fuzz/fuzz_metapool.c - libFuzzer harness: arbitrary bytes through
 * the whole path of metapool, as the command line drives it: read and
 * check (with the schema, as --validate), dataset, fit, leave-one-out,
 * subgroups, cumulative, and every report and plot, written to memory.
 *
 * The first input byte chooses the options (estimator, HKSJ, measure for
 * counts, a limit of 3 studies, a limit of 4 diagnostics, and a reader
 * whose limits are small enough for a fuzzed input to reach: 40 bytes of
 * text, 600 bytes per study, 3 xml:id attributes, 6000 bytes per input),
 * the rest is the document, pooled through the analysis object
 * (mp_analysis) with subgroups by "sequence" (without, when no study has
 * it) and the cumulative analysis.  Build and run with `make fuzz`; a
 * crash found becomes a file in tests/fuzz/regressions/, which `make
 * check` replays through the program (tests/cli/fuzz_replay.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "metapool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every report and plot, written to memory and thrown away. */
static void write_all(const mp_analysis *a)
{
    static const mp_output outputs[] = {
        MP_OUTPUT_TEXT, MP_OUTPUT_JSON, MP_OUTPUT_CSV, MP_OUTPUT_FOREST_SVG,
        MP_OUTPUT_CUMULATIVE_SVG, MP_OUTPUT_LOO_SVG
    };
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *buf;
        size_t len;
        if (mp_analysis_write_memory(a, outputs[i], NULL, &buf, &len) == MP_OK)
            free(buf);
    }
}

/* Read doc, run the analysis and write everything; the stage that
 * failed (MP_STAGE_COUNT for none). */
static mp_stage pool(const char *doc, size_t len, const mp_analysis_options *o)
{
    mp_analysis *a = mp_analysis_new(o, NULL);
    if (!a)
        return MP_STAGE_READ;
    mp_stage failed = MP_STAGE_READ;
    if (mp_analysis_read_memory(a, doc, len, "fuzz") == MP_OK) {
        if (mp_analysis_run(a) == MP_OK)
            write_all(a);
        failed = mp_analysis_failed_stage(a);
    }
    mp_analysis_free(a);
    return failed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t knobs = data[0];
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.fit.method = (mp_method)(knobs % MP_METHOD_COUNT);
    o.fit.hksj = (knobs >> 3) & 1;
    o.fit.maxiter = 200;
    o.counts_measure = (knobs >> 4) & 1 ? MP_MEASURE_OR : MP_MEASURE_RR;
    o.by = "sequence";
    o.cumulative = 1;
    o.schema = 1;
    o.max_studies = (knobs >> 5) & 1 ? 3 : 0;
    o.max_diagnostics = (knobs >> 6) & 1 ? 4 : 0;
    if ((knobs >> 7) & 1) {
        o.max_text = 40;
        o.max_study = 600;
        o.max_ids = 3;
        o.max_bytes = 6000;
    }
    /* without a study of that covariate the run stops before the
     * analyses: then once more without subgroups */
    if (pool((const char *)data + 1, size - 1, &o) == MP_STAGE_SUBGROUPS) {
        o.by = NULL;
        pool((const char *)data + 1, size - 1, &o);
    }
    return 0;
}
