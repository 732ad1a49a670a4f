/* mp_analyses.h - analyses that refit the model on subsets of the studies.
 *
 * Inputs are the plain arrays of a dataset (y log effects, v variances).
 * Outputs are arrays of mp_fit_result provided by the caller.  No I/O.
 */
#ifndef MP_ANALYSES_H
#define MP_ANALYSES_H

#include <stddef.h>

#include "mp_error.h"
#include "mp_fit.h"

/* Leave-one-out (metafor's leave1out): out[i] is the whole model refitted,
 * with the same options, on the k - 1 studies other than study i, for
 * i = 0 .. k-1.  out must hold k results.  k >= 2.
 * The k fits take O(k) time in total (running sums and power series for
 * the random-effects weights, see mp_analyses.c): closed forms (DL, HE,
 * SJ) directly, iterative estimators (REML, ML, EB, PM) by running
 * mp_fit's own procedure with every sum taken from the series, so each
 * out[i] equals mp_fit on the k - 1 studies up to rounding (and, where
 * the procedure itself is that sensitive, up to its tolerance).  A fit
 * that fails (non-convergence) has out[i].status != MP_OK and the
 * diagnostic mp_fit gives, prefixed; the others are still filled.
 * Returns MP_OK, MP_EINPUT (k < 2 or invalid data), or MP_ENOMEM. */
mp_status mp_leave_one_out(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *out,
                           mp_errors *err);

/* ---- subgroups ---------------------------------------------------------------- */

/* One subgroup: the studies sharing a value of the covariate. */
typedef struct {
    const char *value;          /* the covariate value; NULL for the studies
                                   lacking the covariate ("unspecified") */
    size_t k;
    size_t *rows;               /* their row indices, in input order */
    mp_fit_result fit;          /* tau^2 estimated within the subgroup */
} mp_subgroup;

typedef struct {
    size_t n_groups;
    mp_subgroup *groups;        /* in order of first appearance */
    /* Test for subgroup differences: Cochran's Q across the subgroups'
     * random-effects estimates (fixed-effect estimates where a subgroup
     * has one study), df = groups - 1 (as RevMan and R's meta); a
     * subgroup whose fit failed is left out of the test, and so is the
     * "unspecified" group unless missing_in_test. */
    double Q, df, p;
    int missing_in_test;        /* 1: the unspecified group is in the test */
} mp_subgroups;

/* Group rows 0..k-1 by group[i] (NULL = unspecified) and fit each group.
 * A group whose fit fails keeps fit.status != MP_OK.  The test for
 * differences (mp_subgroups_test, without the unspecified group) needs
 * >= 2 groups (else Q, df, p are NAN).
 * Returns MP_OK or MP_ENOMEM.  Free with mp_subgroups_free(). */
mp_status mp_subgroups_fit(const double *y, const double *v,
                           const char *const *group, size_t k,
                           const mp_fit_options *o, mp_subgroups *out,
                           mp_errors *err);
void mp_subgroups_free(mp_subgroups *s);

/* (Re)compute the test for subgroup differences of s, with the studies
 * that lack the covariate (the unspecified group) as a group of their own
 * in it when include_missing, else without them (the default of
 * mp_subgroups_fit: they have no value to compare, as metafor, which
 * drops rows with a missing moderator; RevMan has no unassigned studies).
 * Returns MP_OK or MP_ENOMEM. */
mp_status mp_subgroups_test(mp_subgroups *s, int include_missing);

/* The studies of the unspecified group (0 when every study has the
 * covariate). */
size_t mp_subgroups_unspecified(const mp_subgroups *s);

/* ---- cumulative meta-analysis ----------------------------------------------- */

typedef struct {
    size_t k;
    size_t *order;              /* row indices by year (ties in input order) */
    mp_fit_result *fits;        /* fits[j] pools rows order[0..j] (metafor cumul) */
} mp_cumulative;

/* Cumulative meta-analysis by year[i].  Returns MP_OK or MP_ENOMEM; a step
 * whose fit fails keeps its status.  Free with mp_cumulative_free(). */
mp_status mp_cumulative_fit(const double *y, const double *v, const int *year,
                            size_t k, const mp_fit_options *o,
                            mp_cumulative *out, mp_errors *err);
void mp_cumulative_free(mp_cumulative *c);

#endif
