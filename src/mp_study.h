/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study.h - study records and the XML reader that yields them.
 *
 * The reader knows XML and nothing about statistics.  It parses study
 * descriptors (format 1, see metapool-study(5)) with libxml2's SAX2 push
 * parser, building one study at a time, so memory grows with a study, not
 * with the document; it checks their structure and the lexical form of
 * every number, and hands each well-formed study to a callback.  Every
 * problem becomes one diagnostic "FILE:LINE: message" in an mp_errors
 * list, the line being that of the offending element (for stray text, of
 * its first non-blank character); reading goes on after a bad study so
 * that all problems of a file are reported.  Everything takes effect as
 * it is parsed, in document order: a diagnostic when its cause is met, a
 * study (checked, then handed to the callback) at its end tag.  Of
 * malformed XML, the first parser error is reported, in plain words on
 * one line (mp_xmlmsg.h); nothing after a fatal one is read, and what came
 * before it stands.  An input that is not XML at all (empty, a CSV table,
 * a zip archive, a RevMan 5 review, other text) is one diagnostic for the
 * whole file, line 0, saying what it is.  Lines end at LF, CR LF or a lone
 * CR (XML 1.0, section 2.11), and line numbers count them so.
 *
 * Safety: no network access, no DTD loading, no entity substitution; a
 * document with a DOCTYPE declaration is refused outright.
 */
#ifndef MP_STUDY_H
#define MP_STUDY_H

#include <stddef.h>

#include "mp_effect.h"
#include "mp_error.h"

typedef struct {
    const char *name;           /* OS, PFS, ... */
    mp_effect_input effect;
    long events_exp, events_ctl; /* <events>, -1 when not given */
    long events_line;           /* line of <events>, 0 when not given */
    mp_number median_exp, median_ctl;   /* <median-survival> per arm, when
                                           median_line > 0 */
    const char *median_unit;    /* "months" (the default) or "years" */
    long median_line;           /* line of <median-survival>, 0 when not given */
    double followup_median;     /* NAN when not given */
    const char *followup_unit;  /* "months" or "years" */
    long line;
} mp_outcome;

typedef struct {
    const char *name, *value;
    long line;
} mp_covariate;

typedef struct {
    int year;
    const char *doi;            /* NULL when absent */
    const char *citation;
    long line;
} mp_publication;

/* One study, valid for the duration of the callback only. */
typedef struct {
    const char *file;           /* as named on the command line, "-" for stdin */
    long line;                  /* line of <study> */
    const char *id, *title, *design, *country, *notes;  /* country, notes may be NULL */
    int accrual_from, accrual_to;        /* 0 when not given */
    int year;                   /* newest publication year */
    long n_exp, n_ctl;          /* randomized per arm, -1 when not given */
    const char *arm_exp, *arm_ctl;       /* arm labels, NULL when not given */
    size_t n_registrations;
    const char **registrations;
    size_t n_publications;
    const mp_publication *publications;
    size_t n_covariates;
    const mp_covariate *covariates;
    size_t n_outcomes;
    const mp_outcome *outcomes;
} mp_study;

/* Called once per structurally valid study, in document order.  Return 0
 * to go on, non-zero to stop reading (mp_read_file then returns that value
 * cast to mp_status, so return an mp_status). */
typedef mp_status (*mp_study_fn)(const mp_study *s, void *ctx);

typedef struct mp_reader mp_reader;

/* Limits a reader enforces; exceeding one is a diagnostic, not a crash.
 * 0 in a size means no limit of the reader's own (libxml2's own limits,
 * such as 10 MB per text node, still apply). */
typedef struct {
    int schema;                 /* 1: also validate against the RELAX NG schema
                                   (a second pass over an input in which our
                                   own checks found nothing; an input that
                                   cannot be read twice, such as standard
                                   input, is kept in memory for it) */
    size_t max_text;            /* longest text or attribute value, bytes */
    size_t max_study;           /* longest <study> element, bytes: bounds the
                                   memory one study's tree may take */
    size_t max_bytes;           /* largest input, bytes */
    size_t max_ids;             /* most xml:id attributes per input (libxml2
                                   slows down past some thousands) */
    size_t split_min;           /* mp_read_file_split reads a collection
                                   file at least this large in two halves
                                   at once; 0: never */
} mp_read_options;

void mp_read_options_default(mp_read_options *o);

/* Create a reader (compiles the embedded schema when o->schema).
 * Returns NULL only when memory runs out or the schema does not compile
 * (a build defect); *status tells which. */
mp_reader *mp_reader_new(const mp_read_options *o, mp_status *status);
void mp_reader_free(mp_reader *r);

/* Read one input: a file path, or "-" for standard input.  Calls fn for
 * every valid study.  Returns MP_OK when the file had no problem,
 * MP_EINPUT when diagnostics were added, MP_EIO when the file cannot be
 * read, MP_ELIMIT when it exceeds o->max_bytes, one of its studies
 * o->max_study, or it holds more than o->max_ids xml:id attributes (in each
 * case reading stops there, and the diagnostic that says so is added with
 * mp_errors_add_always, so that err's limit cannot hide it; so is that of
 * malformed XML that ends reading, under MP_EINPUT), MP_ENOMEM, or what fn
 * returned (reading stops there too).  Text and attribute values
 * longer than o->max_text are MP_EINPUT problems: reported, and reading
 * goes on. */
mp_status mp_read_file(mp_reader *r, const char *path, mp_study_fn fn,
                       void *ctx, mp_errors *err);

/* A second consumer of studies, for reading one file in two halves at
 * once (mp_read_file_split).  open gives the sink of the second half
 * (*fn, *ctx and the list *err of its diagnostics); MP_OK, or MP_ENOMEM
 * (the file is then read by one thread).  join, called only when the
 * second half was read without a problem (warnings, all recorded, are
 * allowed: the reader then adds them to the first half's list) and the
 * first half ends exactly where the second begins, appends what the
 * second sink took to what the first took.  It returns MP_OK (appended),
 * MP_EINPUT when the two cannot be joined as one reading would have them
 * (a study id in both, say: the first sink must then be unchanged, and
 * the reader reads the second half itself, after the first), or
 * MP_ENOMEM.  close frees the second sink; it is called after every
 * successful open. */
typedef struct {
    mp_status (*open)(void *arg, mp_study_fn *fn, void **ctx, mp_errors **err);
    mp_status (*join)(void *arg);
    void (*close)(void *arg);
    void *arg;
} mp_read_split;

/* mp_read_file, with the same studies handed over (first the first
 * sink's, in document order, then the second's), the same diagnostics and
 * the same result, but for a regular file of at least o->split_min bytes
 * holding a <studies> collection (and no schema pass) read by two threads:
 * this one parses the first half into fn, a second one the rest into
 * split's sink, with the file's line numbers.  When the second half had a
 * problem to report (or more warnings than err may record), or the
 * halves cannot be joined, its work is dropped and this thread reads on
 * from where the first half ended: the result is always that of one
 * reading, only slower. */
mp_status mp_read_file_split(mp_reader *r, const char *path, mp_study_fn fn,
                             void *ctx, mp_errors *err,
                             const mp_read_split *split);

/* Same, from a buffer in memory; name is used in diagnostics. */
mp_status mp_read_memory(mp_reader *r, const char *buf, size_t len,
                         const char *name, mp_study_fn fn, void *ctx,
                         mp_errors *err);

/* The RELAX NG schema compiled into the library (NUL-terminated). */
extern const char mp_schema_rng[];

#endif
