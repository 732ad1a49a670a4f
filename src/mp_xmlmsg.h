/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_xmlmsg.h - what the reader says about input that is not a well-formed
 * study descriptor: libxml2's parser errors in plain words, and inputs that
 * are not XML at all (empty, a CSV table, a zip archive, other text).
 *
 * Every message is one line (no newline, no caret or context lines of
 * libxml2's), with a hint where one helps.  Internal to the library: the
 * reader (mp_study.c) adds the messages to its diagnostics.
 */
#ifndef MP_XMLMSG_H
#define MP_XMLMSG_H

#include <stddef.h>

#include <libxml/xmlerror.h>

/* What the reader knows of the document when the parser errs. */
typedef struct {
    const char *open;           /* innermost open element ("p:name"), or NULL */
    long open_line;             /* the line of its start tag, 0 when unknown */
    const char *root;           /* the root element once it has ended, or NULL */
    int declared;               /* the XML declaration names an encoding */
} mp_xml_where;

/* e's message in plain words, into buf.  Returns 1 when it is about the
 * XML syntax (the reader prefixes "malformed XML: "), 0 when it is about
 * something else, such as the encoding. */
int mp_xml_message(const xmlError *e, const mp_xml_where *w, char *buf,
                   size_t size);

/* When the first n bytes of an input (all of it when eof) show that it is
 * not an XML document, write why into buf and return 1; else return 0.
 * The message follows the file name ("FILE: message"). */
int mp_xml_sniff(const char *b, size_t n, int eof, char *buf, size_t size);

/* 1 when the first bytes b[0..n) are those of an encoding in which every
 * byte below 0x80 is the ASCII character (not UTF-16 or UTF-32, which start
 * with a byte order mark or hold a NUL in their first four bytes, nor
 * EBCDIC): a byte 0x0D is then always a carriage return. */
int mp_xml_ascii_compatible(const char *b, size_t n);

/* The message for a RevMan 5 review (root element <COCHRANE_REVIEW>). */
extern const char mp_xml_revman_message[];

#endif
