/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import_rm5.h - a RevMan 5 review (.rm5, the XML RevMan writes, in the
 * encoding its declaration names) into imported studies (analyses-2.md,
 * section 5; internal).
 *
 * Each included STUDY that has data in an analysed outcome becomes one
 * study: NAME the title (and, spelt as a safe identifier, the id), YEAR
 * (or the primary REFERENCE's YR) the year, the primary REFERENCE (AU, TI,
 * SO, YR, VL, NO, PG; IDENTIFIER TYPE="DOI") the publication.  Each
 * outcome of a COMPARISON becomes an <outcome> named by a safe identifier
 * of its NAME:
 *   DICH_DATA    -> counts (EVENTS_1, TOTAL_1, EVENTS_2, TOTAL_2)
 *   IV_DATA      -> log-hazard-ratio (ln EFFECT_SIZE, SE) when the outcome's
 *                   measure is a hazard ratio; other measures are skipped
 *   IPD_DATA     -> peto (O_E, VAR)
 *   CONT_OUTCOME and OTHER_OUTCOME -> skipped (metapool pools ratios)
 * A study inside a *_SUBGROUP gets the covariate "<outcome>-subgroup"
 * with the subgroup's NAME.  Group 1 is the experimental arm, group 2 the
 * control, as RevMan draws them.  Every skip is a warning of the line of
 * the outcome; what became what is in the set's summary and each study's
 * notes.
 *
 * A zipped review (a zip archive holding one .rm5 file, or only one
 * file) is read from the inside: file is then cited as ARCHIVE(MEMBER),
 * with the member's line numbers (mp_unzip.h).  Errors: FILE:LINE: message in e (libxml2's
 * parser errors in plain words; a missing or malformed attribute named
 * with its element).  External entities, DTDs and the network are never
 * touched.  Returns MP_OK, MP_EINPUT or MP_ENOMEM.
 */
#ifndef MP_IMPORT_RM5_H
#define MP_IMPORT_RM5_H

#include <stddef.h>

#include "mp_import.h"

mp_status mp_import_rm5(mp_import_set *s, const char *file, const char *buf,
                        size_t len, mp_errors *e);

#endif
