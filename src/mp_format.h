/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_format.h - the one place where numbers and strings become text.
 *
 * Every report formats through these functions, so that a figure prints
 * the same way everywhere.  Output is locale-independent (metapool runs in
 * the C locale).  Functions taking a FILE return 0 on success and -1 on a
 * write error.
 */
#ifndef MP_FORMAT_H
#define MP_FORMAT_H

#include <stdio.h>

#include "mp_outbuf.h"

#define MP_NUMBUF 40    /* room for any number these functions print */

/* Shortest decimal that reads back as exactly x ("%.17g" at worst);
 * "null" for NaN or infinities (JSON has no such numbers). */
void mp_format_json_number(char buf[MP_NUMBUF], double x);

/* n in decimal ("%ld"). */
void mp_format_int(char buf[MP_NUMBUF], long n);

/* The same two, NUL-terminated, returning the end (the NUL): for writers
 * that place numbers straight into their buffer (mp_outbuf_room). */
char *mp_format_json_number_to(char buf[MP_NUMBUF], double x);
char *mp_format_int_to(char buf[MP_NUMBUF], long n);

/* x with d decimals; "NA" when not finite. */
void mp_format_fixed(char buf[MP_NUMBUF], double x, int d);

/* A ratio for people: 2 decimals between 0.01 and 100 (3 below 0.1 when
 * 2 would lose the figure), otherwise 3 significant digits with an
 * exponent; ">1e+308" and "<1e-308" where exp() of a bound overflowed
 * or underflowed; "NA" for NaN. */
void mp_format_ratio(char buf[MP_NUMBUF], double x);

/* A p-value for people: "< 0.0001", else 2 significant digits ("0.81",
 * "0.0034"); "NA" when not finite. */
void mp_format_p(char buf[MP_NUMBUF], double p);

/* "22.1%" (one decimal), or "" when not finite. */
void mp_format_percent(char buf[MP_NUMBUF], double x);

/* "p = 0.26" or "p < 0.0001" (mp_format_p with its relation), into buf
 * of n bytes. */
void mp_format_p_text(char *buf, size_t n, double p);

/* A JSON string literal with the escapes RFC 8259 requires. */
int mp_format_json_string(FILE *out, const char *s);

/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF;
 * nothing for NULL. */
int mp_format_csv_field(FILE *out, const char *s);

/* The same two appended to b (its errors are b's). */
void mp_format_json_string_to(mp_outbuf *b, const char *s);
void mp_format_csv_field_to(mp_outbuf *b, const char *s);

/* Columns a UTF-8 string occupies (one per code point). */
size_t mp_format_width(const char *s);

/* Append s to the string dst (capacity cap), left-aligned in a field of
 * w columns; a longer s is cut to w - 3 columns and ends with "..."
 * (to w columns when w < 3).  w = 0 means no field: s as it is.
 * dst stays NUL-terminated and is never overrun. */
void mp_format_pad(char *dst, size_t cap, const char *s, size_t w);

#endif
