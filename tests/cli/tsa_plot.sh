#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The TSA plot (--tsa-plot FILE, issue 20) on the collections of
# tests/data/tsa: a well-formed SVG 1.1 document that renders (svglib.sh),
# with one look per trial, both monitoring boundaries, the futility
# boundary only with --futility, the first crossing marked; the report on
# stdout the same as without the plot; the same bytes twice.  Errors: a
# file that cannot be written (exit 1, nothing left behind), a failed run
# (the old file kept), --tsa-plot without --tsa or without a file (exit 2).
# Its geometry is checked in tests/check_svg_tsa.c.
. "${top_srcdir:-.}/tests/cli/lib.sh"
. "$srcdir/tests/cli/svglib.sh"

out=$tmp/tsa.svg
stage4=tsa/stage4-random-obf.xml
echo "stale" >"$out"                # replaced, not appended to
run 0 --tsa 0.8 --tsa-plot "$out" "$stage4" && expect_no_err && svg_ok "$out" && {
    cp "$tmp/out" "$tmp/with-plot.txt"
    has "$out" "<title>Trial sequential analysis: overall survival (OS), hazard ratio (HR)</title>"
    has "$out" "<desc>Trial sequential analysis (anticipated hazard ratio 0.80"
    count "$out" '<g class="look"' 5
    count "$out" 'class="boundary upper"' 1
    count "$out" 'class="boundary lower"' 1
    count "$out" 'class="zcurve"' 1
    count "$out" 'class="futility"' 0
    count "$out" '<g class="ris">' 1
    has "$out" "(D²-adjusted)"
    png_ok "$out"
}
# the plot changes nothing on stdout
run 0 --tsa 0.8 "$stage4" && compare out <"$tmp/with-plot.txt"
# the same bytes every time
run 0 --tsa 0.8 --tsa-plot "$tmp/again.svg" "$stage4" && {
    what="the same plot twice"
    cmp -s "$out" "$tmp/again.svg" && ok || fail "differs"
}
# futility, fixed model (no D^2 adjustment)
run 0 --tsa 0.8 --futility --tsa-model fixed --tsa-plot "$out" "$stage4" &&
    svg_ok "$out" && {
    count "$out" 'class="futility"' 1
    count "$out" "(D²-adjusted)" 0
    has "$out" "Futility boundary (non-binding, beta spending)"
    png_ok "$out"
}
# a crossing of the benefit boundary: its look is marked
run 0 --tsa 0.75 --spending pocock --tsa-model fixed --tsa-plot "$out" \
    tsa/benefit-fixed-pocock.xml && svg_ok "$out" && {
    count "$out" '<g class="look crossed"' 1
    has "$out" "crossed the monitoring boundary for benefit"
    png_ok "$out"
}
# with the forest plot in the same run
run 0 --tsa 0.8 --forest "$tmp/forest.svg" --tsa-plot "$out" "$stage4" &&
    svg_ok "$tmp/forest.svg" && svg_ok "$out"

# ---- errors ---------------------------------------------------------------------------
run 1 --tsa 0.8 --tsa-plot "$tmp/no/such/dir/tsa.svg" "$stage4" &&
    contains err "metapool: cannot write $tmp/no/such/dir/tsa.svg: No such file or directory"
what="no partial file"
[ ! -e "$tmp/no" ] && ok || fail "left $tmp/no"
echo "keep" >"$tmp/keep.svg"
run 1 --tsa 0.8 --tsa-plot "$tmp/keep.svg" bad/
what="failed run keeps the old file"
[ "$(cat "$tmp/keep.svg")" = keep ] && ok || fail "file changed"
what="no temporary files left"
n=$(ls "$tmp" | grep -c -v -e '\.svg$' -e '\.png$' -e '^out$' -e '^err$' -e '^xmllint$' -e '^rsvg$' -e '^diff$' -e '^with-plot\.txt$')
[ "$n" -eq 0 ] && ok || fail "$(ls "$tmp")"
run 2 --tsa-plot "$tmp/x.svg" "$stage4" && expect_err <<'END'
metapool: --tsa-plot needs --tsa
Try 'metapool --help' for more information.
END
what="no plot without --tsa"
[ ! -e "$tmp/x.svg" ] && ok || fail "written"
run 2 --tsa 0.8 --tsa-plot "" "$stage4" && expect_err <<'END'
metapool: --tsa-plot must name a file
Try 'metapool --help' for more information.
END
run 2 --tsa 0.8 --tsa-plot

finish
