# SPDX-License-Identifier: GPL-3.0-or-later
# tests/cli/svglib.sh - checks of the SVG plots shared by tests/cli/forest.sh
# and tests/cli/tsa_plot.sh; sourced after lib.sh.  svg_ok FILE: a
# well-formed SVG 1.1 document (xmllint, libxml2-utils) with its size and
# no number that is not finite; png_ok SVG: it renders (rsvg-convert,
# librsvg2-bin) to a PNG of its size that is not blank.  Without a tool its
# checks are skipped (the test then exits 77).
have_rsvg=0
have_xmllint=0
have rsvg-convert "rendering the plots" && have_rsvg=1
have xmllint "well-formedness of the plots" && have_xmllint=1

# svg_ok FILE: a non-empty, well-formed SVG 1.1 document with its size.
svg_ok() {
    what="$1: SVG"
    if [ ! -s "$1" ]; then
        fail "missing or empty"
        return 1
    fi
    if [ "$have_xmllint" = 1 ]; then
        if ! xmllint --noout --nonet "$1" 2>"$tmp/xmllint"; then
            fail "not well-formed: $(head -1 "$tmp/xmllint")"
            return 1
        fi
        root=$(xmllint --nonet --xpath 'concat(local-name(/*), " ", namespace-uri(/*), " ", /*/@version, " ", count(/*/@width), count(/*/@height), count(/*/@viewBox))' "$1")
        if [ "$root" != "svg http://www.w3.org/2000/svg 1.1 111" ]; then
            fail "root element: $root"
            return 1
        fi
    fi
    if grep -q -E '="[^"]*([Nn]a[Nn]|inf)' "$1"; then
        fail "a number is not finite"
        return 1
    fi
    ok
}

# png_ok SVG: render it to PNG and check the image.
png_ok() {
    svg=$1
    png=${svg%.svg}.png
    what="rsvg-convert $svg"
    [ "$have_rsvg" = 1 ] || return 0
    if ! rsvg-convert -o "$png" "$svg" 2>"$tmp/rsvg"; then
        fail "cannot render: $(head -1 "$tmp/rsvg")"
        return 1
    fi
    sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
    if [ "$sig" != 89504e470d0a1a0a ]; then
        fail "not a PNG (signature $sig)"
        return 1
    fi
    # bytes 12..23: "IHDR", width and height, big-endian
    set -- $(od -An -tu1 -j12 -N12 "$png")
    if [ "$1 $2 $3 $4" != "73 72 68 82" ]; then
        fail "no IHDR chunk first"
        return 1
    fi
    w=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
    h=$(( ($9 << 24) + (${10} << 16) + (${11} << 8) + ${12} ))
    size=$(sed -n 's/^<svg .* width="\([0-9]*\)" height="\([0-9]*\)" viewBox=.*/\1 \2/p' "$svg")
    if [ "$w $h" != "$size" ]; then
        fail "PNG is ${w}x$h, the SVG says $size"
        return 1
    fi
    if [ "$w" -lt 400 ] || [ "$h" -lt 150 ]; then
        fail "PNG is only ${w}x$h"
        return 1
    fi
    printf '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s"><rect width="100%%" height="100%%" fill="#ffffff"/></svg>\n' \
        "$w" "$h" >"$tmp/blank.svg"
    rsvg-convert -o "$tmp/blank.png" "$tmp/blank.svg"
    bytes=$(wc -c <"$png")
    blank=$(wc -c <"$tmp/blank.png")
    if [ "$bytes" -le $((3 * blank)) ]; then
        fail "PNG of $bytes bytes looks blank (an empty page: $blank bytes)"
        return 1
    fi
    ok
}

# has FILE TEXT: the file contains TEXT (fixed string).
has() {
    what="$1: $2"
    grep -q -F -- "$2" "$1" && ok || fail "missing"
}
