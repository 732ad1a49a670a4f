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
 * For FE, DL and HE the k fits take O(k) time in total (running sums);
 * iterative estimators refit.  A fit that fails (non-convergence) has
 * out[i].status != MP_OK; the others are still filled.
 * Returns MP_OK, MP_EINPUT (k < 2 or invalid data), or MP_ENOMEM. */
mp_status mp_leave_one_out(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *out,
                           mp_errors *err);

#endif
