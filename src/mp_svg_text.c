/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_text.c - text in the plots: widths, fitting, wrapping; see
 * mp_svg_text.h. */
#include "mp_svg_text.h"

#include <string.h>

/* Bold text is estimated this much wider. */
#define BOLD_FACTOR 1.1

/* Length in bytes of the UTF-8 character at s (1 for a stray byte) and its
 * code point. */
static size_t utf8_char(const char *s, unsigned long *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3
             : p[0] >= 0xC0 ? 2 : 1;
    unsigned long c = n == 1 ? p[0] : p[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {    /* truncated sequence */
            *cp = p[0];
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* Helvetica's widths of the printable ASCII characters, 1/1000 em. */
static const unsigned short helvetica[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
};

/* Width of a character, 1/100 em, with the margin described above. */
static unsigned char_em(unsigned long c)
{
    if (c >= 32 && c < 127)
        return (helvetica[c - 32] * 11 + 99) / 100;
    int wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
               (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
               (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
               (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
    return wide ? 105 : 62;
}

unsigned mp_svg_em(const char *s)
{
    unsigned w = 0;
    unsigned long c;
    while (*s) {
        s += utf8_char(s, &c);
        w += char_em(c);
    }
    return w;
}

/* Estimated width in px of s at a font size. */
double mp_svg_text_px(const char *s, double size, int bold)
{
    return mp_svg_em(s) * size / 100.0 * (bold ? BOLD_FACTOR : 1.0);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy s into dst (cap bytes) with every run of white space made one
 * space and the ends trimmed.  When that is wider than max hundredths of an em
 * (0: no limit) or does not fit in cap, cut it at a character boundary and
 * end it with "..." (as mp_format_pad does for the text report). */
void mp_svg_fit(char *dst, size_t cap, const char *s, unsigned max)
{
    if (cap == 0)
        return;
    dst[0] = '\0';
    if (!s)
        return;
    while (is_blank(*s))
        s++;
    /* the collapsed text, measured */
    unsigned width = 0;
    size_t bytes = 0;
    unsigned long c;
    for (const char *p = s; *p;) {
        if (is_blank(*p)) {
            while (is_blank(*p))
                p++;
            if (*p) {
                width += char_em(' ');
                bytes++;
            }
            continue;
        }
        size_t n = utf8_char(p, &c);
        width += char_em(c);
        bytes += n;
        p += n;
    }
    int cut = (max > 0 && width > max) || bytes + 1 > cap;
    unsigned room = cut ? (max > MP_SVG_EM_DOTS ? max - MP_SVG_EM_DOTS : 0) : width;
    size_t byte_room = cut ? (cap > 4 ? cap - 4 : 0) : cap - 1;
    if (cut && max == 0)
        room = width;
    size_t used = 0;
    width = 0;
    for (const char *p = s; *p;) {
        if (is_blank(*p)) {
            while (is_blank(*p))
                p++;
            if (!*p || width + char_em(' ') > room || used + 1 > byte_room)
                break;
            dst[used++] = ' ';
            width += char_em(' ');
            continue;
        }
        size_t n = utf8_char(p, &c);
        unsigned w = char_em(c);
        if (width + w > room || used + n > byte_room)
            break;
        memcpy(dst + used, p, n);
        used += n;
        width += w;
        p += n;
    }
    if (cut) {
        while (used > 0 && dst[used - 1] == ' ')
            used--;
        if (cap >= 4) {
            memcpy(dst + used, "...", 3);
            used += 3;
        }
    }
    dst[used] = '\0';
}

/* Break s into at most max_lines lines (of MP_SVG_LINE bytes) no wider than w px
 * at the given font size; a word too long for a line is cut with "...",
 * and so is the last line when the text does not fit.  Returns the number
 * of lines (0 for an empty s). */
size_t mp_svg_wrap(const char *s, double w, double size, char (*out)[MP_SVG_LINE],
                   size_t max_lines)
{
    unsigned max = w > 0 ? (unsigned)(w * 100.0 / size) : 0;
    if (max < 2 * MP_SVG_EM_DOTS)
        max = 2 * MP_SVG_EM_DOTS;
    size_t n = 0;
    const char *p = s ? s : "";
    while (is_blank(*p))
        p++;
    while (*p && n < max_lines) {
        if (n == max_lines - 1) {
            mp_svg_fit(out[n++], MP_SVG_LINE, p, max);      /* the rest, cut if need be */
            break;
        }
        /* take words while they fit; remember the last word that ends a
         * phrase (with ; , or :) so that "Q = 4.57, df = 1" breaks after
         * the comma rather than inside "df = 1", but only in the second
         * half of the line: a line of one short word ("A:") wastes one of
         * the few lines there are */
        const char *end = p, *q = p, *phrase = NULL;
        unsigned width = 0;
        while (*q) {
            const char *word = q;
            unsigned ww = 0;
            unsigned long c;
            while (*q && !is_blank(*q)) {
                q += utf8_char(q, &c);
                ww += char_em(c);
            }
            unsigned add = (end == p ? 0 : char_em(' ')) + ww;
            if (width + add > max) {
                q = word;
                break;
            }
            width += add;
            end = q;
            if (strchr(";,:", q[-1]) && 2 * width >= max)
                phrase = q;
            while (is_blank(*q))
                q++;
        }
        if (*q && phrase && phrase != end)
            end = phrase;
        if (end == p) {             /* one word longer than the line */
            const char *e = p;
            while (*e && !is_blank(*e))
                e++;
            char word[MP_SVG_LINE];
            size_t len = (size_t)(e - p) < MP_SVG_LINE - 1 ? (size_t)(e - p) : MP_SVG_LINE - 1;
            memcpy(word, p, len);
            word[len] = '\0';
            mp_svg_fit(out[n++], MP_SVG_LINE, word, max);
            p = e;
        } else {
            char part[4 * MP_SVG_LINE];
            size_t len = (size_t)(end - p) < sizeof part - 1 ? (size_t)(end - p)
                                                             : sizeof part - 1;
            memcpy(part, p, len);
            part[len] = '\0';
            mp_svg_fit(out[n++], MP_SVG_LINE, part, max);
            p = end;
        }
        while (is_blank(*p))
            p++;
    }
    return n;
}
