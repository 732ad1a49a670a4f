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
#define MP_SVG_FONT_STACK "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', " \
                          "'DejaVu Sans', sans-serif"

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
/* The same filled with fill and outlined with stroke (NULL: no outline). */
void mp_svg_polygon_fill(mp_svg_writer *s, const char *cls, const double *xy,
                         size_t n, const char *fill, const char *stroke);

/* Open the root <svg> element of a plot width x height px (closed by the
 * caller's last mp_svg_end): the fonts, its <title>, its <desc> (none
 * when desc is NULL) and a white background. */
void mp_svg_root(mp_svg_writer *s, double width, double height,
                 const char *title, const char *desc);

/* A whole document: draw(s, ctx) writes its elements (from mp_svg_root
 * on) into memory, then the document goes to out with one fwrite (out is
 * not flushed or closed).  MP_OK, MP_ENOMEM, or MP_EIO when the write to
 * out failed. */
mp_status mp_svg_document(FILE *out, void (*draw)(mp_svg_writer *, const void *),
                          const void *ctx);

/* An open circle (white inside) or a filled one, of class cls, 1 px
 * outline. */
void mp_svg_circle(mp_svg_writer *s, const char *cls, double cx, double cy,
                   double r, int filled);



#endif
