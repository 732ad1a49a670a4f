/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_draw.h - the drawing primitives of the plots: SVG elements and
 * attributes written through libxml2's xmlTextWriter (which escapes every
 * text), coordinates with at most two decimals written without the
 * locale.  Internal to libmetapool (not installed).
 *
 * A writer remembers its first failure: after one, every call does
 * nothing, and the caller checks failed once at the end.
 */
#ifndef MP_SVG_DRAW_H
#define MP_SVG_DRAW_H

#include <stddef.h>
#include <stdio.h>

#include <libxml/xmlwriter.h>

#include "mp_error.h"
#include "mp_format.h"

#define MP_SVG_FONT 12.0          /* body text, px */
#define MP_SVG_INK "#000000"
#define MP_SVG_FONT_STACK "Helvetica, Arial, 'Liberation Sans', " \
                          "'Nimbus Sans', 'DejaVu Sans', sans-serif"

typedef struct {
    xmlTextWriterPtr w;
    int failed;
} mp_svg_writer;

/* A writer into buf, indenting by one space (a failure to set the indent
 * is remembered in failed).  MP_OK, or MP_ENOMEM (nothing to free). */
mp_status mp_svg_writer_open(mp_svg_writer *s, xmlBufferPtr buf);

/* A coordinate: at most two decimals, trailing zeros dropped, "NaN" for a
 * value that is not finite (never by construction; tests look for it). */
void mp_svg_coord(char buf[MP_NUMBUF], double x);

void mp_svg_start(mp_svg_writer *s, const char *name);
void mp_svg_end(mp_svg_writer *s);
void mp_svg_attr(mp_svg_writer *s, const char *name, const char *value);
void mp_svg_attr_num(mp_svg_writer *s, const char *name, double x);
void mp_svg_content(mp_svg_writer *s, const char *text);
/* Text at (x, y); anchor "start" (or NULL), "middle" or "end"; nothing
 * for an empty t. */
void mp_svg_text(mp_svg_writer *s, double x, double y, const char *anchor,
                 int bold, double size, const char *t);
void mp_svg_line(mp_svg_writer *s, double x1, double y1, double x2, double y2,
                 double width, const char *dash);
/* A filled polygon of n (at most 16) points xy[2i], xy[2i+1]. */
void mp_svg_polygon(mp_svg_writer *s, const char *cls, const double *xy,
                    size_t n);

/* An open circle (white inside) or a filled one, of class cls, 1 px
 * outline. */
void mp_svg_circle(mp_svg_writer *s, const char *cls, double cx, double cy,
                   double r, int filled);

/* The start of a plot: the XML declaration, the <svg> root (width and
 * height rounded up to whole px, the viewBox, the plots' font and ink),
 * its <title>, its <desc> (none for a NULL desc) and a white background
 * <rect class="background">.  End it with mp_svg_close_doc. */
void mp_svg_open_doc(mp_svg_writer *s, double width, double height,
                     const char *title, const char *desc);
void mp_svg_close_doc(mp_svg_writer *s);

/* Draw a document into memory with draw(s, ctx), then write it to out
 * with one fwrite (out is not flushed).  MP_OK, MP_ENOMEM (a memory
 * writer fails only for memory) or MP_EIO. */
mp_status mp_svg_emit(FILE *out, void (*draw)(mp_svg_writer *, const void *),
                      const void *ctx);

#endif
