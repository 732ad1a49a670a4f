/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_text.h - lexical helpers shared by the reader and the command line.
 *
 * Strict parsers of the textual forms metapool accepts: they succeed only
 * when the whole string (after trimming surrounding whitespace where said)
 * has the form.  Numbers are read with strtod in the C locale, which
 * metapool never changes (it does not call setlocale).
 */
#ifndef MP_TEXT_H
#define MP_TEXT_H

#include <stddef.h>

/* Collapse every run of whitespace in s to one space and trim both ends,
 * in place.  Returns s. */
char *mp_text_squeeze(char *s);

/* Remove trailing newlines and spaces, in place. */
void mp_text_chomp(char *s);

/* Length of the longest prefix of the UTF-8 string s that has at most max
 * bytes and does not end inside a character: where to cut s to fit. */
size_t mp_text_utf8_prefix(const char *s, size_t max);

/* A decimal number: [+-]?(D+(.D*)?|.D+)([eE][+-]?D+)?  (no hex, no inf, no
 * nan).  Sets *value and *half_unit (half a unit of the last printed digit,
 * e.g. 0.005 for "0.81", 0.5 for "12", 5e-4 for "1.2e-2").  Returns 1 on
 * success, 0 when s is not of that form. */
int mp_text_parse_decimal(const char *s, double *value, double *half_unit);

/* Same form, the value only; for command-line arguments. */
int mp_text_parse_double(const char *s, double *value);

/* A whole number of at most 15 digits, no sign.  Returns 1 on success. */
int mp_text_parse_count(const char *s, long *value);

/* Exactly four digits.  Returns 1 on success. */
int mp_text_parse_year(const char *s, int *year);

/* A study id: [a-z0-9][a-z0-9-]*. */
int mp_text_is_id(const char *s);

/* A DOI: 10.NNNN/suffix, 4 to 9 digits, a non-empty suffix, no whitespace. */
int mp_text_is_doi(const char *s);

#endif
