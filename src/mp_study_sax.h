/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_sax.h - the SAX callbacks of the XML reader (internal; not
 * installed; mp_study_impl.h lists the reader's files).
 *
 * Inputs: the events of libxml2's push parser, whose user data is the
 * file_ctx of the input being read.  Outputs: the tree of the study being
 * read (xnode, in the reader's arena), handed to mp_study_check_study at
 * its end tag; diagnostics in f->err for the parser's errors and for what
 * is wrong around the studies (the root, text in <studies>, ...).  Errors:
 * no return values; a fatal problem, the limits and memory running out
 * stop the parser (mp_study_halt) with f->st saying why.  Ownership: the
 * tree belongs to the arena; names are the parser's dictionary's.
 */
#ifndef MP_STUDY_SAX_H
#define MP_STUDY_SAX_H

#include "mp_study_impl.h"

/* The handler of the parser's events. */
void mp_study_sax_handler(xmlSAXHandler *h);

/* Look up the names of the format in the parser's dictionary; 0 when
 * memory runs out. */
int mp_study_keys_init(key_table *t, xmlDictPtr dict);

/* Nothing more is read (or reported) from this file; st says why (the
 * first call's st stays). */
void mp_study_halt(file_ctx *f, mp_status st);

/* The parser's line, as libxml2's tree builder dates its nodes (1 before
 * the parser exists). */
long mp_study_parser_line(const file_ctx *f);

#endif
