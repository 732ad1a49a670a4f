/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_limits.h - the per-study size limit of the XML reader
 * (internal; not installed; mp_study_impl.h lists the reader's files).
 *
 * A study's tree is held in memory until its end tag, so a study longer
 * than the max_study option ends the reading of its input: a diagnostic
 * that passes err's cap (mp_errors_add_always) at the study's line, and
 * the parser stopped with MP_ELIMIT.  The defaults of every limit are
 * mp_read_options_default's (mp_study.h), in mp_study_limits.c.
 */
#ifndef MP_STUDY_LIMITS_H
#define MP_STUDY_LIMITS_H

#include "mp_study_impl.h"

/* Bytes of the document parsed so far (after decoding to UTF-8). */
size_t mp_study_parse_pos(const file_ctx *f);

/* A study of len bytes so far, started at line, longer than max_study
 * ends reading, as above: 1 when it did. */
int mp_study_over_limit(file_ctx *f, size_t len, long line);

/* The same for the study being built (0 when none is). */
int mp_study_too_long(file_ctx *f);

#endif
