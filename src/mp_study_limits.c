/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_limits.c - the limits of the XML reader: the defaults of its
 * options (mp_read_options_default) and the size of the study being read,
 * whose tree is held in memory until its end tag.  (The size of an input
 * is counted where its bytes are read, in mp_study.c; the number of
 * xml:id attributes where they are met, in mp_study_sax.c.)  See
 * mp_study.h for the options and mp_study_impl.h for the files of the
 * reader. */
#include "mp_study_limits.h"
#include "mp_study_sax.h"

void mp_read_options_default(mp_read_options *o)
{
    o->schema = 1;
    o->max_text = 65536;
    o->max_study = 1048576;
    o->max_bytes = (size_t)1 << 31;
    o->max_ids = 10000;
    /* below this, starting a thread and joining the halves costs more
     * than the second core saves (bench/RESULTS.md, issue 15) */
    o->split_min = (size_t)8 << 20;
}

/* Bytes of the document parsed so far (after decoding to UTF-8). */
size_t mp_study_parse_pos(const file_ctx *f)
{
    const xmlParserInputPtr in = f->px ? f->px->input : NULL;
    return in ? (size_t)in->consumed + (size_t)(in->cur - in->base) : 0;
}

/* A study's tree is held in memory until its end tag: one longer than
 * max_study (len bytes so far, started at line) ends reading (1 when it
 * did). */
int mp_study_over_limit(file_ctx *f, size_t len, long line)
{
    size_t max = f->r->opt.max_study;
    if (len <= max)
        return 0;
    mp_errors_add_always(f->err, f->name, line, "<study> is longer than %zu "
                         "bytes, the limit per study", max);
    mp_study_halt(f, MP_ELIMIT);
    return 1;
}

/* The same for the study being built. */
int mp_study_too_long(file_ctx *f)
{
    return f->study &&
           mp_study_over_limit(f, mp_study_parse_pos(f) - f->study_start,
                               f->study->line);
}
