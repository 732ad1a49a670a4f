/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_svg_text.h - text in the plots: estimated widths, fitting to a width,
 * wrapping into lines.  Internal to libmetapool (not installed).
 *
 * No font is available when a plot is written, so widths are estimated in
 * hundredths of an em from Helvetica's advance widths (Arial, Liberation
 * Sans and Nimbus Sans share them), rounded up by a tenth so that a wider
 * substitute (DejaVu Sans) still fits; 105 for the wide East Asian
 * characters, 62 for any other character.  Text is UTF-8; nothing here
 * cuts inside a character.
 */
#ifndef MP_SVG_TEXT_H
#define MP_SVG_TEXT_H

#include <stddef.h>

/* Bytes of one line of text, terminator included. */
#define MP_SVG_LINE 256
/* The width of "...", hundredths of an em. */
#define MP_SVG_EM_DOTS 93

/* The width of s, hundredths of an em. */
unsigned mp_svg_em(const char *s);

/* The estimated width of s in px at a font size (bold: 1.1 times). */
double mp_svg_text_px(const char *s, double size, int bold);

/* Copy s into dst (cap bytes) with every run of white space made one
 * space and the ends trimmed; when that is wider than max hundredths of an
 * em (0: no limit) or does not fit in cap, cut it at a character boundary
 * and end it with "...". */
void mp_svg_fit(char *dst, size_t cap, const char *s, unsigned max);

/* Break s into at most max_lines lines no wider than w px at the font
 * size, preferring to break after a phrase (; , :) in the second half of
 * a line; a word too long for a line is cut with "...", and so is the
 * last line when the text does not fit.  Returns the number of lines (0
 * for an empty or NULL s). */
size_t mp_svg_wrap(const char *s, double w, double size,
                   char (*out)[MP_SVG_LINE], size_t max_lines);

#endif
