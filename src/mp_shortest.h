/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_shortest.h - the shortest decimal that reads back as a double.
 *
 * Internal to mp_format: the digits behind mp_format_json_number, found
 * with exact integer arithmetic instead of printf and strtod round trips.
 */
#ifndef MP_SHORTEST_H
#define MP_SHORTEST_H

#include <stdint.h>

/* For a finite, nonzero x: the fewest significant digits d (at most 17,
 * no trailing zeros) with d * 10^*e10 reading back as |x| under
 * round-to-nearest-even, the nearest to |x| among them.  Returns 1 when
 * that decimal is also |x| correctly rounded to its number of digits,
 * which is what printf's "%.*g" prints at that precision; returns 0 (the
 * rare case where the shortest decimal is not the rounded one, so that
 * "%.*g" needs more digits) and leaves *d and *e10 undefined otherwise. */
int mp_shortest(double x, uint64_t *d, int *e10);

#endif
