/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_check.h - the element checks of the XML reader (internal; not
 * installed; mp_study_impl.h lists the reader's files).
 *
 * Inputs: the tree of a finished <study> (or the <studies> root).
 * Outputs: an mp_study handed to the caller's callback (f->fn) when the
 * tree is valid; otherwise diagnostics in f->err, one per problem, at the
 * line of the element concerned.  Ownership: the mp_study points into the
 * tree and the reader's arrays, valid during the callback only.
 */
#ifndef MP_STUDY_CHECK_H
#define MP_STUDY_CHECK_H

#include "mp_study_impl.h"

/* Check a finished <study> tree n and hand it to f's callback when valid
 * (in_collection: the root is <studies>).  Returns MP_OK (after a valid
 * or a reported invalid study), MP_ENOMEM, or what the callback returned
 * (also kept in f->cb_status). */
mp_status mp_study_check_study(file_ctx *f, xnode *n, int in_collection);

/* Check a <studies> root's attributes.  MP_OK, MP_EINPUT (reported: the
 * collection is not read) or MP_ENOMEM. */
mp_status mp_study_check_root(file_ctx *f, xnode *n);

#endif
