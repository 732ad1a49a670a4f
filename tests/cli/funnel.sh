#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --funnel and --baujat (issue 18; spec/analyses-2.md section 1) through
# the command line: the plots of the shipped trials (one dot per study,
# hollow dots = trim-and-fill's k0 under --bias and none without it, a
# labelled dot per study in the Baujat plot, <title> and <desc>), a study
# whose fit without it fails left out of the Baujat plot and named, the
# report unchanged by --baujat alone, one study (a funnel plot of its one
# dot; no Baujat plot: exit 1, no file), and bad uses: an unwritable path
# (exit 1, a message, no file left), an empty file name (exit 2).
# Well-formedness needs xmllint and the k0 check jq (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
studies="$srcdir/studies/abcsg-28.xml $srcdir/studies/e2108.xml
 $srcdir/studies/jcog1017.xml $srcdir/studies/mf07-01.xml
 $srcdir/studies/tata-memorial.xml"
have_xmllint=0
have xmllint "well-formedness of the plots" && have_xmllint=1
have_jq=0
have jq "trim-and-fill's k0" && have_jq=1

# svg_ok FILE: well-formed SVG with a <title> and a <desc>.
svg_ok() {
    what="$1: SVG"
    [ -s "$1" ] || { fail "missing or empty"; return; }
    if [ "$have_xmllint" = 1 ]; then
        got=$(xmllint --nonet --xpath 'concat(local-name(/*), " ",
            count(/*/*[local-name()="title"]), count(/*/*[local-name()="desc"]))' "$1") ||
            { fail "not well-formed"; return; }
        [ "$got" = "svg 11" ] || { fail "root, title, desc: $got"; return; }
    fi
    if grep -q -E '="[^"]*([Nn]a[Nn]|inf)' "$1"; then
        fail "a number is not finite"
        return
    fi
    ok
}

# ---- good runs -------------------------------------------------------------------
# shellcheck disable=SC2086
run 0 --funnel "$tmp/funnel.svg" --baujat "$tmp/baujat.svg" -f json $studies &&
    expect_no_err
svg_ok "$tmp/funnel.svg"
svg_ok "$tmp/baujat.svg"
count "$tmp/funnel.svg" '<circle class="study"' 5
count "$tmp/funnel.svg" '<circle class="filled"' 0
count "$tmp/funnel.svg" '<polygon class="contour p0' 4
count "$tmp/baujat.svg" '<g class="study"' 5
count "$tmp/baujat.svg" '>MF07-01</text>' 1
what="--baujat alone adds no influence block to the report"
grep -q '"influence"' "$tmp/out" && fail "it does" || ok
# shellcheck disable=SC2086
run 0 --influence --baujat "$tmp/baujat2.svg" -f json $studies &&
    contains out '"influence": ['
what="--baujat draws the same with --influence"
cmp -s "$tmp/baujat.svg" "$tmp/baujat2.svg" && ok || fail "differs"

# shellcheck disable=SC2086
run 0 --bias --funnel "$tmp/bias.svg" -f json $studies && expect_no_err
svg_ok "$tmp/bias.svg"
if [ "$have_jq" = 1 ]; then
    k0=$(jq '.small_study.trimfill.k0' "$tmp/out")
    what="k0 of the shipped trials"
    [ "$k0" -ge 1 ] && ok || fail "k0 = $k0: the hollow-dot check cannot fail"
    count "$tmp/bias.svg" '<circle class="filled"' "$k0"
fi
count "$tmp/bias.svg" '<circle class="study"' 5
count "$tmp/bias.svg" '<g class="trimfill"' 1

# the same elements whatever the order of the inputs (drawn in input order)
# shellcheck disable=SC2086,SC2046
run 0 --bias --funnel "$tmp/bias2.svg" $(printf '%s\n' $studies | sort -r) &&
    { what="funnel plot independent of input order"
      sort "$tmp/bias.svg" >"$tmp/sorted1"; sort "$tmp/bias2.svg" >"$tmp/sorted2"
      cmp -s "$tmp/sorted1" "$tmp/sorted2" && ok || fail "differs"; }

# a study whose fit without it fails has no Baujat y: not drawn, named
run 0 -m REML --no-loo --baujat "$tmp/failed.svg" bias/failed-refit.xml &&
    contains err "leave-one-out without study 6"
svg_ok "$tmp/failed.svg"
count "$tmp/failed.svg" '<g class="study"' 5
count "$tmp/failed.svg" '>Not drawn (the fit without the study failed): S6</text>' 1

# ---- one study ---------------------------------------------------------------------
run 0 --funnel "$tmp/one.svg" good/log-hr.xml && expect_no_err
svg_ok "$tmp/one.svg"
count "$tmp/one.svg" '<circle class="study"' 1
run 1 --baujat "$tmp/one-baujat.svg" good/log-hr.xml &&
    expect_err <<'EOF2'
metapool: --baujat needs at least two studies
EOF2
what="no Baujat plot of one study"
[ -e "$tmp/one-baujat.svg" ] && fail "written" || ok

# ---- bad uses ------------------------------------------------------------------------
# shellcheck disable=SC2086
run 1 --funnel "$tmp/no/such/dir/f.svg" $studies &&
    expect_err <<EOF2
metapool: cannot write $tmp/no/such/dir/f.svg: No such file or directory
EOF2
# a directory in the way: the temporary file is written, the rename fails,
# and the temporary file must go
mkdir "$tmp/adir"
# shellcheck disable=SC2086
run 1 --funnel "$tmp/adir" $studies &&
    expect_err <<EOF2
metapool: cannot write $tmp/adir: Is a directory
EOF2
what="nothing left by a failed --funnel"
left=$(ls -d "$tmp"/adir?* 2>/dev/null)
[ -z "$left" ] && [ -z "$(ls "$tmp/adir")" ] && ok || fail "left $left"
# shellcheck disable=SC2086
run 1 --baujat "$tmp/no/such/dir/b.svg" $studies &&
    contains err "metapool: cannot write $tmp/no/such/dir/b.svg"
run 2 --funnel "" good/log-hr.xml &&
    contains err "metapool: --funnel must name a file"
run 2 --baujat "" good/log-hr.xml &&
    contains err "metapool: --baujat must name a file"
run 2 good/log-hr.xml --funnel &&
    contains err "option '--funnel' requires an argument"
finish
