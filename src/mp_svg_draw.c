/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_draw.c - SVG elements through libxml2's writer; see
 * mp_svg_draw.h. */
#include "mp_svg_draw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A coordinate: at most two decimals, trailing zeros dropped, written with
 * integer arithmetic so that no locale can change it.  "NaN" for a value
 * that is not finite (never by construction; the tests look for it). */
void mp_svg_coord(char buf[MP_NUMBUF], double x)
{
    if (!isfinite(x) || fabs(x) > 1e12) {
        strcpy(buf, "NaN");
        return;
    }
    long long c = llround(x * 100.0);
    unsigned long long a = c < 0 ? (unsigned long long)-c : (unsigned long long)c;
    const char *sign = c < 0 ? "-" : "";
    unsigned long long ip = a / 100, fp = a % 100;
    if (fp == 0)
        snprintf(buf, MP_NUMBUF, "%s%llu", sign, ip);
    else if (fp % 10 == 0)
        snprintf(buf, MP_NUMBUF, "%s%llu.%llu", sign, ip, fp / 10);
    else
        snprintf(buf, MP_NUMBUF, "%s%llu.%02llu", sign, ip, fp);
}

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

mp_status mp_svg_writer_open(mp_svg_writer *s, xmlBufferPtr buf)
{
    s->failed = 0;
    if (!(s->w = xmlNewTextWriterMemory(buf, 0)))
        return MP_ENOMEM;
    if (xmlTextWriterSetIndent(s->w, 1) < 0 ||
        xmlTextWriterSetIndentString(s->w, X(" ")) < 0)
        s->failed = 1;
    return MP_OK;
}

void mp_svg_start(mp_svg_writer *s, const char *name)
{
    if (!s->failed && xmlTextWriterStartElement(s->w, X(name)) < 0)
        s->failed = 1;
}

void mp_svg_end(mp_svg_writer *s)
{
    if (!s->failed && xmlTextWriterEndElement(s->w) < 0)
        s->failed = 1;
}

void mp_svg_attr(mp_svg_writer *s, const char *name, const char *value)
{
    if (!s->failed && xmlTextWriterWriteAttribute(s->w, X(name), X(value)) < 0)
        s->failed = 1;
}

void mp_svg_attr_num(mp_svg_writer *s, const char *name, double x)
{
    char b[MP_NUMBUF];
    mp_svg_coord(b, x);
    mp_svg_attr(s, name, b);
}

void mp_svg_content(mp_svg_writer *s, const char *text)
{
    if (!s->failed && xmlTextWriterWriteString(s->w, X(text)) < 0)
        s->failed = 1;
}

/* anchor: "start" (the default), "middle" or "end". */
void mp_svg_text(mp_svg_writer *s, double x, double y, const char *anchor, int bold,
                 double size, const char *t)
{
    if (!t[0])
        return;
    mp_svg_start(s, "text");
    mp_svg_attr_num(s, "x", x);
    mp_svg_attr_num(s, "y", y);
    if (anchor && strcmp(anchor, "start") != 0)
        mp_svg_attr(s, "text-anchor", anchor);
    if (bold)
        mp_svg_attr(s, "font-weight", "bold");
    if (size != MP_SVG_FONT)
        mp_svg_attr_num(s, "font-size", size);
    mp_svg_content(s, t);
    mp_svg_end(s);
}

void mp_svg_line(mp_svg_writer *s, double x1, double y1, double x2, double y2, double width,
                 const char *dash)
{
    mp_svg_start(s, "line");
    mp_svg_attr_num(s, "x1", x1);
    mp_svg_attr_num(s, "y1", y1);
    mp_svg_attr_num(s, "x2", x2);
    mp_svg_attr_num(s, "y2", y2);
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr_num(s, "stroke-width", width);
    if (dash)
        mp_svg_attr(s, "stroke-dasharray", dash);
    mp_svg_end(s);
}

void mp_svg_polygon_fill(mp_svg_writer *s, const char *cls, const double *xy,
                         size_t n, const char *fill, const char *stroke)
{
    char pts[16 * 2 * MP_NUMBUF] = "";
    for (size_t i = 0; i < n && i < 16; i++) {
        char a[MP_NUMBUF], b[MP_NUMBUF];
        mp_svg_coord(a, xy[2 * i]);
        mp_svg_coord(b, xy[2 * i + 1]);
        size_t used = strlen(pts);
        snprintf(pts + used, sizeof pts - used, "%s%s,%s", i ? " " : "", a, b);
    }
    mp_svg_start(s, "polygon");
    mp_svg_attr(s, "class", cls);
    mp_svg_attr(s, "points", pts);
    mp_svg_attr(s, "fill", fill);
    mp_svg_attr(s, "stroke", stroke ? stroke : "none");
    if (stroke) {
        mp_svg_attr(s, "stroke-width", "1");
        mp_svg_attr(s, "stroke-linejoin", "miter");
    }
    mp_svg_end(s);
}

void mp_svg_polygon(mp_svg_writer *s, const char *cls, const double *xy, size_t n)
{
    mp_svg_polygon_fill(s, cls, xy, n, MP_SVG_INK, MP_SVG_INK);
}

void mp_svg_root(mp_svg_writer *s, double width, double height,
                 const char *title, const char *desc)
{
    mp_svg_start(s, "svg");
    mp_svg_attr(s, "xmlns", "http://www.w3.org/2000/svg");
    mp_svg_attr(s, "version", "1.1");
    mp_svg_attr_num(s, "width", ceil(width));
    mp_svg_attr_num(s, "height", ceil(height));
    char vb[4 * MP_NUMBUF], a[MP_NUMBUF], b[MP_NUMBUF];
    mp_svg_coord(a, ceil(width));
    mp_svg_coord(b, ceil(height));
    snprintf(vb, sizeof vb, "0 0 %s %s", a, b);
    mp_svg_attr(s, "viewBox", vb);
    mp_svg_attr(s, "font-family", MP_SVG_FONT_STACK);
    mp_svg_attr_num(s, "font-size", MP_SVG_FONT);
    mp_svg_attr(s, "fill", MP_SVG_INK);
    mp_svg_start(s, "title");
    mp_svg_content(s, title);
    mp_svg_end(s);
    if (desc) {
        mp_svg_start(s, "desc");
        mp_svg_content(s, desc);
        mp_svg_end(s);
    }
    mp_svg_start(s, "rect");
    mp_svg_attr(s, "class", "background");
    mp_svg_attr(s, "width", "100%");
    mp_svg_attr(s, "height", "100%");
    mp_svg_attr(s, "fill", "#ffffff");
    mp_svg_end(s);
}

mp_status mp_svg_document(FILE *out, void (*draw)(mp_svg_writer *, const void *),
                          const void *ctx)
{
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return MP_ENOMEM;
    mp_svg_writer s;
    if (mp_svg_writer_open(&s, buf) != MP_OK) {
        xmlBufferFree(buf);
        return MP_ENOMEM;
    }
    if (xmlTextWriterStartDocument(s.w, "1.0", "UTF-8", NULL) < 0)
        s.failed = 1;
    draw(&s, ctx);
    if (!s.failed && (xmlTextWriterEndDocument(s.w) < 0 || xmlTextWriterFlush(s.w) < 0))
        s.failed = 1;
    xmlFreeTextWriter(s.w);
    if (s.failed) {
        xmlBufferFree(buf);
        return MP_ENOMEM;       /* a memory writer fails only for memory */
    }
    size_t len = (size_t)xmlBufferLength(buf);
    mp_status st = fwrite(xmlBufferContent(buf), 1, len, out) == len && !ferror(out)
                       ? MP_OK : MP_EIO;
    xmlBufferFree(buf);
    return st;
}

void mp_svg_circle(mp_svg_writer *s, const char *cls, double cx, double cy,
                   double r, int filled)
{
    mp_svg_start(s, "circle");
    mp_svg_attr(s, "class", cls);
    mp_svg_attr_num(s, "cx", cx);
    mp_svg_attr_num(s, "cy", cy);
    mp_svg_attr_num(s, "r", r);
    mp_svg_attr(s, "fill", filled ? MP_SVG_INK : "#ffffff");
    mp_svg_attr(s, "stroke", MP_SVG_INK);
    mp_svg_attr(s, "stroke-width", "1");
    mp_svg_end(s);
}
