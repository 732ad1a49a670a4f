/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_html.h - the two primitives of the HTML report (mp_report_html.c):
 * an escaper for text and attribute values, and SHA-256 for the digests
 * of the input files.  Internal to libmetapool (not installed).
 */
#ifndef MP_HTML_H
#define MP_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mp_error.h"
#include "mp_report.h"
#include "mp_svg.h"

/* Write s to out with & < > " ' replaced by their character references
 * (&amp; &lt; &gt; &quot; &#39;), so that the result is safe as element
 * text and as a quoted attribute value; every other byte as it is (the
 * text is UTF-8, checked by the reader).  A NULL s writes nothing.
 * Returns 0, or EOF when a write failed. */
int mp_html_escape(FILE *out, const char *s);

/* Write s to out as part of a URI's path (RFC 3986, section 2.1): every
 * byte other than the unreserved characters (letters, digits, - . _ ~)
 * and / : ; ( ) , + = @ ! $ * percent-encoded as %XX (upper-case hex), so
 * that the result is a valid URI and safe in a quoted attribute without
 * further escaping.  For the DOI links: "10.1000/a<b" writes
 * "10.1000/a%3Cb".  Returns 0, or EOF when a write failed. */
int mp_html_uri(FILE *out, const char *s);

/* SHA-256 (FIPS 180-4, section 6.2), incrementally: init, update with
 * any number of chunks, final into 32 bytes. */
typedef struct {
    uint32_t h[8];
    uint64_t bytes;             /* message length so far */
    unsigned char block[64];
    size_t used;                /* bytes waiting in block */
} mp_sha256_ctx;

#define MP_SHA256_HEX 65        /* 64 hex digits and the NUL */

void mp_sha256_init(mp_sha256_ctx *c);
void mp_sha256_update(mp_sha256_ctx *c, const void *data, size_t n);
void mp_sha256_final(mp_sha256_ctx *c, unsigned char digest[32]);

/* The digest of n bytes at data as 64 lower-case hex digits. */
void mp_sha256_hex(const void *data, size_t n, char hex[MP_SHA256_HEX]);

/* The digest of the file at path, as hex.  MP_OK; MP_EIO when it cannot
 * be opened or read (hex is then ""). */
mp_status mp_sha256_file(const char *path, char hex[MP_SHA256_HEX]);

/* The HTML report (metapool(1), HTML): one self-contained HTML5 page
 * (inline CSS and SVG; no script, no external resource) with the question,
 * the input files and their SHA-256 digests (read again from disk; "-" has
 * none), the study table, the forest plot, the pooled estimates,
 * heterogeneity, the conclusion, leave-one-out (table and plot) and the
 * sections of the analyses that ran (subgroups, cumulative, trial
 * sequential analysis, Bayesian, influence, small-study effects).  Every
 * text of a descriptor goes through mp_html_escape; the plots come from
 * mp_svg_* (written through libxml2's writer).  date is shown as the
 * report's date; NULL shows the newest publication year of the studies,
 * so that the same inputs give the same bytes.  so is passed to the plots
 * (may be NULL).  MP_OK, MP_EIO (a write failed) or MP_ENOMEM. */
mp_status mp_report_html(FILE *out, const mp_report *r,
                         const mp_svg_options *so, const char *date);

#endif
