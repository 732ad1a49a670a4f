/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import.h - the studies an importer found, before they are descriptors
 * (internal; not installed).  `metapool import` (analyses-2.md, section 5)
 * reads a RevMan 5 review (mp_import_rm5.h) or a CSV table
 * (mp_import_csv.h) into one mp_import_set, then writes it out here: one
 * descriptor per study (mp_descriptor_write.h), every one checked by the
 * library's own reader before anything is written.
 *
 * Inputs: strings as the source gave them (numbers stay text, so a
 * descriptor carries the digits of its source).  Outputs: files in a
 * directory.  Errors: problems are mp_diag records (FILE:LINE: message) in
 * the caller's mp_errors; functions return MP_OK, MP_EINPUT, MP_EIO or
 * MP_ENOMEM.  Ownership: the set owns every string and record (an arena);
 * mp_import_set_free releases them.  A string the set could not copy for
 * want of memory is "" and sets the set's oom flag, which
 * mp_import_set_status turns into MP_ENOMEM: callers need not check each
 * copy.
 */
#ifndef MP_IMPORT_H
#define MP_IMPORT_H

#include <stddef.h>

#include "metapool.h"
#include "mp_arena.h"

/* The effect forms of study-format.md, each with its attributes in order. */
typedef enum {
    MP_IMPORT_HR_CI,    /* hazard-ratio estimate lower upper [level] [p] */
    MP_IMPORT_HR_P,     /* hazard-ratio estimate p */
    MP_IMPORT_LOG_HR,   /* log-hazard-ratio estimate se */
    MP_IMPORT_PETO,     /* peto o-minus-e variance */
    MP_IMPORT_COUNTS    /* counts events/total experimental, control */
} mp_import_form;

enum { MP_IMPORT_VALUES = 5 };

typedef struct mp_import_outcome {
    struct mp_import_outcome *next;
    const char *name;                       /* a safe identifier */
    mp_import_form form;
    const char *value[MP_IMPORT_VALUES];    /* the form's attributes in the
                                               order above; NULL: absent */
    const char *file;                       /* the source, for diagnostics */
    long line;                              /* where the source gave it */
} mp_import_outcome;

typedef struct mp_import_covariate {
    struct mp_import_covariate *next;
    const char *name, *value;
} mp_import_covariate;

typedef struct mp_import_study {
    struct mp_import_study *next;
    const char *id, *title, *year;          /* required */
    const char *citation, *doi;             /* "" / NULL when unknown */
    const char *arm_label[2], *arm_n[2];    /* experimental, control; NULL:
                                               none */
    mp_import_covariate *covariates;        /* in the order added */
    mp_import_outcome *outcomes;            /* in the order added */
    char *notes;                            /* provenance, grown by
                                               mp_import_note */
    size_t notes_len;
    long line;                              /* where the source gave it */
} mp_import_study;

typedef struct {
    mp_arena arena;
    mp_import_study *studies, *last;        /* in the order added */
    size_t n;
    char *summary;                          /* lines for the user: what
                                               became what, what was
                                               skipped (mp_import_summary) */
    size_t summary_len;
    int oom;
} mp_import_set;

void mp_import_set_init(mp_import_set *s);
void mp_import_set_free(mp_import_set *s);
/* MP_ENOMEM when a copy failed, else MP_OK. */
mp_status mp_import_set_status(const mp_import_set *s);

/* A copy of s (n bytes, or all of it for (size_t)-1) owned by the set. */
const char *mp_import_strndup(mp_import_set *s, const char *str, size_t n);
const char *mp_import_strdup(mp_import_set *s, const char *str);

/* A new study with this id (copied) at the end of the set, or the one that
 * has it already (*created says which; may be NULL). */
mp_import_study *mp_import_study_get(mp_import_set *s, const char *id,
                                     int *created);
/* Append an outcome (zeroed, name copied) or a covariate (copied). */
mp_import_outcome *mp_import_outcome_add(mp_import_set *s,
                                         mp_import_study *st,
                                         const char *name);
void mp_import_covariate_add(mp_import_set *s, mp_import_study *st,
                             const char *name, const char *value);
/* The study's outcome of that name, or NULL. */
mp_import_outcome *mp_import_outcome_find(mp_import_study *st,
                                          const char *name);
/* Append a printf-formatted line to the study's notes. */
void mp_import_note(mp_import_set *s, mp_import_study *st, const char *fmt,
                    ...) MP_PRINTF(3, 4);

/* Append a printf-formatted line to the set's summary. */
void mp_import_summary(mp_import_set *s, const char *fmt, ...) MP_PRINTF(2, 3);

/* A safe identifier made of text (UTF-8): ASCII letters and digits kept
 * (lower case when lower), the Latin-1 letters spelt in ASCII (u for u
 * umlaut, ss for sharp s), every other run of characters one '-', no '-'
 * at either end; at most max - 1 bytes into buf, the words that do not
 * fit left out whole (a single word longer than that is cut).  Returns buf ("" when
 * text has no letter or digit). */
char *mp_import_identifier(const char *text, int lower, char *buf,
                           size_t max);

/* Check every outcome of every study as the library's reader would (a
 * descriptor of the study with that outcome alone, read back): each
 * problem or warning is a diagnostic of the outcome's source file and line
 * (o->file, o->line).  MP_OK, MP_EINPUT (problems in e) or MP_ENOMEM. */
mp_status mp_import_check(const mp_import_set *s, mp_errors *e);

/* Write every study of s as DIR/ID.xml.  First each descriptor is made and
 * read back by the library's reader (as `metapool --validate` would): a
 * problem there is a diagnostic of that file and nothing is written.  Then
 * no file may exist yet (a diagnostic naming each that does; nothing
 * written).  Then each is written to a temporary file in dir and linked to
 * its name, which fails rather than replace a file made meanwhile; on any
 * failure the files already written are removed.  MP_OK, MP_EINPUT
 * (problems in e), MP_EIO (in e, with the reason) or MP_ENOMEM.
 * Warnings of the reader are left out: mp_import_check gives them, at
 * the source's lines. */
mp_status mp_import_write_all(const mp_import_set *s, const char *dir,
                              mp_errors *e);

#endif
