/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_dataset.h - the rows one analysis pools.
 *
 * A dataset is built study by study from the reader's records: every
 * outcome's figures are checked (mp_effect_check) and, when valid,
 * cross-checked (mp_crosscheck_outcome: warnings), study ids must be unique
 * across all inputs, and the selected outcome of each study that has it is
 * converted to (y, v) and kept with the few labels the reports need.  It is
 * the only thing the statistics see: plain arrays y[], v[] of length k.
 *
 * Ownership: the dataset owns its arrays and strings; pointers returned by
 * the accessors live as long as the dataset.
 */
#ifndef MP_DATASET_H
#define MP_DATASET_H

#include <stddef.h>

#include "mp_effect.h"
#include "mp_error.h"
#include "mp_study.h"

typedef struct {
    const char *outcome;        /* outcome to pool, e.g. "OS" (copied) */
    mp_measure counts_measure;  /* RR or OR for count inputs */
    const char *by;             /* covariate whose value is kept, or NULL */
    size_t max_studies;         /* most studies accepted; 0: no limit */
} mp_dataset_options;

/* Outcome "OS", counts as risk ratios, no covariate, no study limit. */
void mp_dataset_options_default(mp_dataset_options *o);

typedef struct mp_dataset mp_dataset;     /* opaque: metapool.h */

/* NULL when memory runs out. */
mp_dataset *mp_dataset_new(const mp_dataset_options *o);
void mp_dataset_free(mp_dataset *ds);

/* Add one study (an mp_study_fn for mp_read_file: pass the dataset as ctx
 * and use mp_dataset_reader_fn).  Problems become diagnostics in err; the
 * study is then not added.  Returns MP_OK, MP_EINPUT, MP_ENOMEM, or
 * MP_ELIMIT for the first study past o->max_studies and every one after
 * it (the first gets a diagnostic at its line, added with
 * mp_errors_add_always so that err's limit cannot hide it); the dataset is
 * then full
 * (mp_dataset_full) and the reader should stop. */
mp_status mp_dataset_add(mp_dataset *ds, const mp_study *s, mp_errors *err);

/* Adapter for mp_read_file; ctx must be an mp_dataset_sink.  Returns
 * MP_OK after an invalid study (reading goes on), MP_ENOMEM or MP_ELIMIT
 * (which stop the reader). */
typedef struct {
    mp_dataset *ds;
    mp_errors *err;
} mp_dataset_sink;
mp_status mp_dataset_reader_fn(const mp_study *s, void *ctx);

/* An empty dataset with ds's options (for the second half of a file read
 * by two threads: mp_dataset_join).  NULL when memory runs out. */
mp_dataset *mp_dataset_new_like(const mp_dataset *ds);

/* Append what `from` took (the studies that follow ds's in one input,
 * read by another thread), as if ds had been given them itself: MP_OK,
 * `from` emptied (free it); MP_EINPUT when one reading would not have
 * taken them so (a study id of from is in ds, the two give different
 * measures, or the study limit falls among them): ds and from unchanged;
 * MP_ENOMEM. */
mp_status mp_dataset_join(mp_dataset *ds, mp_dataset *from);

/* The second half of an input read by two threads, as a sink of
 * mp_read_file_split: a dataset like `first` and a list of diagnostics
 * with err_limit, joined to `first` (mp_dataset_join).  Fill first and
 * err_limit, then pass mp_dataset_split(&half); joins counts the joins
 * made. */
typedef struct {
    mp_dataset *first;
    size_t err_limit;
    mp_dataset_sink sink;
    mp_errors err;
    int joins;
} mp_dataset_half;

mp_read_split mp_dataset_split(mp_dataset_half *h);

/* 1 once a study was refused for max_studies: read no further input. */
int mp_dataset_full(const mp_dataset *ds);

/* After the last input: MP_EINPUT with a diagnostic when no study has the
 * outcome (naming the outcomes that exist); otherwise MP_OK, with a
 * warning for each study that lacks the outcome
 * (mp_dataset_warn_not_pooled with all = 1). */
mp_status mp_dataset_finish(mp_dataset *ds, mp_errors *err);

/* A warning (mp_errors_warn, at the study's file and line) for each valid
 * study that lacks the chosen outcome, naming the outcomes it has, with a
 * hint when one of them is the chosen outcome in other words ("os",
 * "Overall survival" for OS).  all = 0: only for the studies with such a
 * name (for checking descriptors of other outcomes alone). */
void mp_dataset_warn_not_pooled(const mp_dataset *ds, int all,
                                mp_errors *err);

/* The DOI of row i's publication, or NULL (for the HTML report, issue
 * 23). */
const char *mp_dataset_doi(const mp_dataset *ds, size_t i);

/* The accessors (mp_dataset_k, mp_dataset_y, ..., mp_dataset_arm_label)
 * and mp_outcome_long_name() are public: metapool.h. */

#endif
