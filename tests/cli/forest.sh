#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Forest plots: --forest (with --by and --cumulative), --loo-forest and the
# favours options on tests/data/good and the plot edge cases of
# tests/data/forest (an enormous interval, one study, markup and UTF-8 in
# titles, long arm labels) and 150 generated studies.  Each file must be
# well-formed SVG 1.1 with the expected rows, and must render: rsvg-convert
# (librsvg2-bin) turns it into a PNG whose signature and IHDR size (read with
# od) match the SVG's width and height, and which is not blank (its size is
# several times that of a blank page of the same size, as rendered by the
# same tool; a page of text and lines compresses far less than an empty one).
# Well-formedness and the root element are checked with xmllint
# (libxml2-utils).  Without rsvg-convert or xmllint the rest still runs and
# the test then exits 77 (skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"

. "$srcdir/tests/cli/svglib.sh"

# text_is FILE START TEXT: the <text> element starting with START reads
# TEXT once parsed (the writer may escape quotes or not); needs xmllint.
text_is() {
    what="$1: text $3"
    [ "$have_xmllint" = 1 ] || return 0
    got=$(xmllint --nonet --xpath "string(//*[local-name()='text'][starts-with(., '$2')])" "$1")
    [ "$got" = "$3" ] && ok || fail "reads '$got'"
}

# ---- the forest plot ------------------------------------------------------------
out=$tmp/good.svg
echo "stale" >"$out"                # replaced, not appended to
run 0 --forest "$out" good/ && expect_no_err
svg_ok "$out" && {
    count "$out" '<g class="study"' 6
    count "$out" 'class="diamond"' 2
    count "$out" '<g class="prediction"' 1
    has "$out" '>HR [95% CI]</text>'
    has "$out" '>0.80 [0.60, 1.07]</text>'
    has "$out" '>Random effects (DL)</text>'
    has "$out" '>0.89 [0.73, 1.09]</text>'
    has "$out" '>Favours Surgery</text>'
    has "$out" '>Favours Systemic therapy</text>'
    has "$out" '>Heterogeneity: tau² = 0.0284; I² = 48.4%; Q = 9.68, df = 5 (p = 0.085)</text>'
    has "$out" '>Test for overall effect (random effects): z = -1.13 (p = 0.26)</text>'
    png_ok "$out"
}
what="--forest: stdout still has the report"
grep -q '^Random effects (DL)' "$tmp/out" && ok || fail "no text report"

# the chosen level and test
out=$tmp/reml.svg
run 0 -m REML --hksj -l 0.9 --forest "$out" good/ && svg_ok "$out" && {
    has "$out" '>HR [90% CI]</text>'
    has "$out" '>Random effects (REML, HKSJ)</text>'
    has "$out" 'Test for overall effect (random effects): t = '
}

# subgroups
out=$tmp/by.svg
run 0 --by sequence --forest "$out" good/ && svg_ok "$out" && {
    count "$out" '<g class="study"' 6
    count "$out" '<g class="heading"' 2
    count "$out" 'class="diamond"' 4
    has "$out" '>surgery-first</text>'
    has "$out" 'Test for subgroup differences: Q = '
    png_ok "$out"
}
# a subgroup's heterogeneity note too long for the label column breaks
# after a phrase, not inside "df = 1" (shipped trials, surgery-first pair)
shipped=$(cd "${top_srcdir:-.}/studies" && pwd)
run 0 --by sequence --forest "$out" "$shipped" && {
    has "$out" '>Heterogeneity: tau² = 0.2408; I² = 78.1%; Q = 4.57,</text>'
    has "$out" '>df = 1 (p = 0.032)</text>'
}

# cumulative: --forest draws the cumulative analysis
out=$tmp/cum.svg
run 0 --cumulative --forest "$out" good/ && svg_ok "$out" && {
    count "$out" '<g class="step"' 6
    count "$out" '<g class="study"' 0
    has "$out" '>Study added</text>'
    png_ok "$out"
}

# leave-one-out
out=$tmp/loo.svg
run 0 --no-loo --loo-forest "$out" good/ && svg_ok "$out" && {
    count "$out" '<g class="omitted"' 6
    count "$out" 'class="diamond"' 1
    count "$out" 'stroke-dasharray' 1
    has "$out" '>Omitting HR with 95% CI</text>'
    has "$out" '>0.92 [0.72, 1.18]</text>'
    png_ok "$out"
}

# both files at once
run 0 --forest "$tmp/both.svg" --loo-forest "$tmp/both-loo.svg" good/ &&
    svg_ok "$tmp/both.svg" && svg_ok "$tmp/both-loo.svg"

# ---- edge cases ---------------------------------------------------------------------
# one study: the fixed effect only
out=$tmp/one.svg
run 0 --forest "$out" good/hr-ci.xml && svg_ok "$out" && {
    count "$out" '<g class="study"' 1
    count "$out" 'class="diamond"' 1
    has "$out" '>Heterogeneity: not applicable (one study)</text>'
    png_ok "$out"
}

# an interval of 1e-6 .. 1e6 and one far off the axis: arrows
out=$tmp/extreme.svg
run 0 --forest "$out" --loo-forest "$tmp/extreme-loo.svg" forest/extreme/ &&
    svg_ok "$out" && svg_ok "$tmp/extreme-loo.svg" && {
    count "$out" '<g class="study"' 5
    count "$out" 'class="arrow"' 3
    has "$out" '>1.00 [1.00e-06, 1.00e+06]</text>'
    png_ok "$out"
    png_ok "$tmp/extreme-loo.svg"
}
out=$tmp/one-extreme.svg
run 0 --forest "$out" forest/one-extreme.xml && svg_ok "$out" && {
    has "$out" '>Favours experimental</text>'
    has "$out" '>Favours control</text>'
    png_ok "$out"
}

# markup, UTF-8 and long titles; long arm labels; favours options
out=$tmp/titles.svg
run 0 --by sequence --forest "$out" forest/titles/ && svg_ok "$out" && {
    count "$out" '<g class="study"' 4
    has "$out" '>Trial &lt;A&gt; &amp; '
    text_is "$out" 'Trial' 'Trial <A> & "B" '"'C'"
    has "$out" '>surgery-first &amp; &lt;other&gt;</text>'
    has "$out" '>Unspecified</text>'
    has "$out" 'Étude française — Göttingen'
    has "$out" '>A randomised phase III trial of early'
    png_ok "$out"
}
what="long title cut with ..."
grep -q '>A randomised phase III trial of early [^<]*\.\.\.</text>' "$out" && ok || fail "not cut"
out=$tmp/favours.svg
run 0 --forest "$out" --favours-left 'Favours <early> surgery' --favours-right 'Favours "systemic" & co' good/ &&
    svg_ok "$out" && {
    has "$out" '>Favours &lt;early&gt; surgery</text>'
    text_is "$out" 'Favours "' 'Favours "systemic" & co'
}

# 150 studies: the height grows with the rows
many=$tmp/many.xml
awk 'BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<studies format=\"1\">"
    for (i = 1; i <= 150; i++) {
        y = 0.3 * sin(i * 1.7); se = 0.1 + 0.4 * (i % 7) / 7
        printf "<study id=\"s%d\"><title>Study %03d</title><design>rct</design>", i, i
        printf "<publication year=\"%d\">T.</publication><outcome name=\"OS\">", 1990 + i % 30
        printf "<log-hazard-ratio estimate=\"%.4f\" se=\"%.4f\"/></outcome></study>\n", y, se
    }
    print "</studies>"
}' >"$many"
out=$tmp/many.svg
run 0 --forest "$out" "$many" && svg_ok "$out" && {
    count "$out" '<g class="study"' 150
    what="$out: height"
    height=$(sed -n 's/^<svg .* height="\([0-9]*\)" viewBox=.*/\1/p' "$out")
    [ "${height:-0}" -gt 3000 ] && ok || fail "height $height for 150 rows"
    png_ok "$out"
}

# ---- errors ---------------------------------------------------------------------------
# a file that cannot be written: exit 1, nothing left behind
run 1 --forest "$tmp/no/such/dir/plot.svg" good/ && contains err "plot.svg"
what="no partial file"
[ ! -e "$tmp/no" ] && ok || fail "left $tmp/no"
# invalid input: no plot is written and an existing file stays as it was
echo "keep" >"$tmp/keep.svg"
run 1 --forest "$tmp/keep.svg" bad/
what="failed run keeps the old file"
[ "$(cat "$tmp/keep.svg")" = keep ] && ok || fail "file changed"
what="no temporary files left"
n=$(ls "$tmp" | grep -c -v -e '\.svg$' -e '\.png$' -e '^out$' -e '^err$' -e '^many\.xml$' -e '^xmllint$' -e '^rsvg$' -e '^diff$')
[ "$n" -eq 0 ] && ok || fail "$(ls "$tmp")"
# leave-one-out needs two studies
run 1 --loo-forest "$tmp/loo1.svg" good/hr-ci.xml && contains err "at least two studies"
# an option without its file
run 2 --forest

finish
