/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_descriptor_write.h - one imported study as a study descriptor
 * (metapool-study(5), format 1), through libxml2's xmlTextWriter so that
 * the document is well-formed and every string escaped (internal).
 *
 * Inputs: an mp_import_study (mp_import.h) whose required fields are set.
 * Output: the UTF-8 document in *buf (NUL-terminated, *len bytes without
 * the NUL), the caller's to free().  Returns MP_OK or MP_ENOMEM (*buf NULL).
 * The design is written as rct: both sources of an import (a Cochrane
 * review, a trial table) list trials, and the notes say so.
 */
#ifndef MP_DESCRIPTOR_WRITE_H
#define MP_DESCRIPTOR_WRITE_H

#include <stddef.h>

#include "mp_import.h"

mp_status mp_descriptor_write(const mp_import_study *st, char **buf,
                              size_t *len);

#endif
