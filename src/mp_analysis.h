/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_analysis.h - the analysis object: one pipeline for every caller.
 *
 * mp_analysis (public: metapool.h) owns the reader, the dataset, the fit,
 * leave-one-out, subgroups and the cumulative analysis, runs them from one
 * options struct, keeps the diagnostics of each stage in a list of its
 * own, and hands the reports what they read.  The command line
 * (metapool.c), the tests (tests/check_svg.c) and the fuzz harness all
 * drive it; the analyses to come (influence, small-study tests, Bayesian
 * pooling, sequential monitoring) are stages of it.
 *
 * A new analysis is a new stage: an mp_stage before MP_STAGE_COUNT (its
 * own diagnostics, with mp_diag.index saying which study or step a
 * warning is about), a switch in mp_analysis_options (with its default in
 * mp_analysis_options_default), a run_<stage> function called in order by
 * run_stages in mp_analysis.c, its results freed by drop_results, handed
 * out by an accessor, and read by the reports through mp_report.
 *
 * This header adds what only the library and its tests use.
 */
#ifndef MP_ANALYSIS_H
#define MP_ANALYSIS_H

#include "metapool.h"
#include "mp_bayes.h"
#include "mp_influence.h"
#include "mp_report.h"
#include "mp_tsa.h"
#include "mp_smallstudy.h"

/* The report of a run analysis, as the writers read it (pointers into a,
 * valid as long as a and unchanged): the leave-one-out fits only when
 * with_loo (and it ran).  MP_OK, or MP_EINPUT when a did not run. */
mp_status mp_analysis_report(const mp_analysis *a, int with_loo, mp_report *rep);

/* The trial sequential analysis (issue 20) of a successful run with
 * tsa_hr set, or NULL.  Internal: its type is mp_tsa.h's; the public
 * interface hands it out through the reports (text and JSON "tsa"). */
const mp_tsa_result *mp_analysis_tsa(const mp_analysis *a);

/* Bayesian random effects (issue 19): the posterior of a run with
 * options.bayes (owned by a, valid until the next run or mp_analysis_free),
 * or NULL when it did not run.  Here rather than in metapool.h because
 * mp_bayes_result is not part of the installed interface. */
const mp_bayes_result *mp_analysis_bayes(const mp_analysis *a);

/* influence and small-study effects (issue 18).  Their types are not in
 * metapool.h, so these accessors are internal.  After a successful run:
 * the k rows of the influence diagnostics (NULL when not asked for or
 * k < 2: MP_STAGE_INFLUENCE has a warning saying why), and the
 * small-study tests (NULL when not asked for). */
const mp_influence_row *mp_analysis_influence(const mp_analysis *a);
const mp_small_study *mp_analysis_small_study(const mp_analysis *a);

#endif
