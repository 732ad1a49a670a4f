/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import_csv.h - a CSV table of trials into imported studies
 * (analyses-2.md, section 5; internal).
 *
 * The tokenizer reads RFC 4180: fields separated by commas, records by
 * CRLF or LF, a field in double quotes may hold commas, line breaks and
 * doubled quotes ("").  A UTF-8 byte order mark at the start is skipped.
 *
 * The table: a header row naming at least id, title, year, outcome and the
 * columns of one effect form (hr,lower,upper[,level][,p]; hr,p;
 * log_hr,se; o_minus_e,variance; events_experimental,total_experimental,
 * events_control,total_control), optionally n_experimental, n_control,
 * doi, reference, notes and covariate:NAME.  Each further row is one
 * outcome of one study; rows of one id are one study (their title, year,
 * doi, reference and arm sizes must agree where given).  Numbers are
 * decimals with a point; a decimal comma is a problem naming the cell.
 *
 * Errors: every problem is "FILE:LINE: column NAME: message" (the line of
 * the record, or of the cell when a quoted field spans lines) in e.
 * Ownership: fields are the tokenizer's until the next call; studies
 * belong to the set.
 */
#ifndef MP_IMPORT_CSV_H
#define MP_IMPORT_CSV_H

#include <stddef.h>

#include "mp_import.h"

typedef struct {
    const char *p, *end;        /* what is left of the input */
    long line;                  /* the line at p, 1-based */
    char **field;               /* the record read last */
    long *field_line;           /* the line where each field starts */
    size_t n, cap;
    char *buf;                  /* the fields' text */
    size_t buf_len, buf_cap;
} mp_csv;

/* A tokenizer over len bytes at text (not copied: they must outlive it);
 * a leading UTF-8 BOM is skipped. */
void mp_csv_init(mp_csv *c, const char *text, size_t len);
void mp_csv_free(mp_csv *c);

/* The next record into c->field[0..c->n) (NUL-terminated copies without
 * the quotes) and c->field_line.  Returns 1 with a record, 0 at the end of
 * the input, -1 on a malformed record (why in msg, the line in *line;
 * reading cannot go on), -2 out of memory. */
int mp_csv_next(mp_csv *c, char *msg, size_t size, long *line);

/* Import the table of len bytes at text, named file in diagnostics, into
 * s.  MP_OK; MP_EINPUT (problems in e); MP_ENOMEM. */
mp_status mp_import_csv(mp_import_set *s, const char *file, const char *text,
                        size_t len, mp_errors *e);

#endif
