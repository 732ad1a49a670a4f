/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_template.h - the descriptor template of `metapool new ID`
 * (analyses-2.md, section 5; internal).
 *
 * Input: a study id ([a-z0-9][a-z0-9-]*).  Output: a commented descriptor
 * (metapool-study(5)) with that id, every element a reviewer may need, the
 * optional and alternative ones in comments, and each value to fill in a
 * placeholder @NAME@: @TITLE@, @YEAR@, @CITATION@, @DOI@, @EXPERIMENTAL@,
 * @N_EXPERIMENTAL@, @CONTROL@, @N_CONTROL@, @HR@, @LOWER@, @UPPER@,
 * @EVENTS_EXPERIMENTAL@, @EVENTS_CONTROL@, @SOURCE@.  Once they are
 * replaced by real values the document validates.  Written to out (not
 * flushed).  MP_OK; MP_EINPUT when id is not an id; MP_EIO when writing
 * failed.
 */
#ifndef MP_TEMPLATE_H
#define MP_TEMPLATE_H

#include <stdio.h>

#include "metapool.h"

mp_status mp_template_write(const char *id, FILE *out);

#endif
