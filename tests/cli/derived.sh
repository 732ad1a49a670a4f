#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Effects derived from incomplete reports (issue 21; metapool-study(5),
# DERIVED EFFECTS) through the command line:
#  - logrank-p and medians against the closed forms of the issue
#    (Tierney et al. 2007: O_e = 40, O_c = 60, p = 0.03 favouring the
#    experimental arm gives ln HR -0.442968, SE 0.204124; medians 14 vs 10
#    months with 80 and 95 events give -0.336472, 0.151744), and a total of
#    100 events in 150 + 150 patients (V = 25, so SE 0.2 and ln HR
#    -qnorm(0.985) / 5 = -0.434018075516912 in R);
#  - km-curves made (km_descriptor.awk) from the curves of simulated
#    individual data in tests/reference/km (make_km.R): with a point and a
#    number at risk at every event time, the Cox figures of the original
#    data (coxph, Efron) to 1e-6 and its events; with numbers at risk every
#    6 months, the log HR within 0.05; per cent scale as fractions;
#  - the derived mark in every format, --ipd, and one bad descriptor per
#    error of the issue (tests/data/derived/bad/, exact diagnostics beside).
. "${top_srcdir:-.}/tests/cli/lib.sh"
refdir="${MP_REFDIR:-$top_srcdir/tests/reference}"
awkgen="$srcdir/tests/cli/km_descriptor.awk"

# Tolerances: the issue's figures are printed to 6 decimals; the Cox fit
# of reconstructed data with complete risk sets equals coxph's to 1e-6;
# sparse numbers at risk move the log HR by at most about 0.05 (issue 21).
TOL_CLOSED=1e-6
TOL_DENSE=1e-6
TOL_SPARSE=0.05

# near GOT WANT TOL: |GOT - WANT| <= TOL.
near() {
    awk -v g="$1" -v w="$2" -v t="$3" \
        'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }'
}

# check_study ID LOG_HR SE TOL: the CSV report in $tmp/out has study ID
# with that log estimate and SE (SE unchecked when empty).
check_study() {
    line=$(awk -F, -v id="$1" '$1 == "study" && $2 == id { print $10, $11 }' "$tmp/out")
    set -- "$1" "$2" "$3" "$4" $line
    if near "${5:-}" "$2" "$4" && { [ -z "$3" ] || near "${6:-}" "$3" "$4"; }; then
        ok
    else
        fail "$1: log HR ${5:-none}, SE ${6:-none}; expected $2, ${3:-any} (within $4)"
    fi
}

# ---- the closed forms ----------------------------------------------------------
run 0 -f csv derived/logrank.xml derived/medians.xml derived/logrank-total.xml &&
    expect_no_err
what="logrank-p with events per arm"
check_study logrank -0.442968 0.204124 $TOL_CLOSED
what="medians with events"
check_study medians -0.336472 0.151744 $TOL_CLOSED
what="logrank-p with the total of events"
check_study logrank-total -0.434018075516912 0.2 $TOL_CLOSED

# ---- km-curves against the original data --------------------------------------
tail -n +2 "$refdir/km/km-expected.tsv" >"$tmp/expected"
while IFS="$(printf '\t')" read -r case dense log_hr se ev_e ev_c; do
    awk -v case="$case" -f "$awkgen" "$refdir/km/km.tsv" >"$tmp/km-$case.xml"
    what="km-curves $case"
    (cd "$data" && "$METAPOOL" -f csv --no-loo --ipd "$tmp/ipd-$case.csv" \
        "$tmp/km-$case.xml") >"$tmp/out" 2>"$tmp/err" || fail "exit status $?"
    if [ "$dense" = 1 ]; then
        check_study "km-$case" "$log_hr" "$se" $TOL_DENSE
        # the reconstructed data have the original events per arm
        got=$(awk -F, 'NR > 1 { e[$2] += $4 } END { print e[1] + 0, e[0] + 0 }' \
            "$tmp/ipd-$case.csv")
        what="--ipd events of $case"
        [ "$got" = "$ev_e $ev_c" ] && ok || fail "events $got, expected $ev_e $ev_c"
    else
        check_study "km-$case" "$log_hr" "" $TOL_SPARSE
    fi
done <"$tmp/expected"

# Survival in per cent (scale="percent") gives the figures of fractions.
awk -v case=sparse-300 -v percent=1 -f "$awkgen" "$refdir/km/km.tsv" >"$tmp/pct.xml"
what="scale=percent"
"$METAPOOL" -f csv "$tmp/pct.xml" >"$tmp/a" &&
    "$METAPOOL" -f csv "$tmp/km-sparse-300.xml" >"$tmp/b" && cmp -s "$tmp/a" "$tmp/b" &&
    ok || fail "per cent and fractions differ"
grep -q 'scale="percent"' "$tmp/pct.xml" || fail "no per cent in the test file"

# Numbers at risk printed past the curve's last point are accepted.
run 0 --no-loo derived/km-small.xml derived/km-small-percent.xml && expect_no_err

# ---- the derived mark in every format -----------------------------------------
run 0 --no-loo --forest "$tmp/f.svg" derived/logrank.xml derived/medians.xml \
    derived/km-small.xml good/hr-ci.xml && expect_no_err
contains out "(a) derived effect: log-rank p and events (Tierney et al. 2007)"
contains out "(b) derived effect: medians and events, exponential model (approximate)"
contains out "(c) derived effect: Kaplan-Meier curves (Guyot et al. 2012), Cox fit (Efron ties)"
what="text marks"
[ "$(grep -c '  ([abc])$' "$tmp/out")" = 3 ] && ok || fail "not 3 marked rows"
what="forest plot marks"
grep -q '(c) derived effect: Kaplan-Meier' "$tmp/f.svg" &&
    grep -q 'Small curves, a number at ris.*(c)<' "$tmp/f.svg" && ok ||
    fail "no mark or footnote in the plot"
run 0 -f csv --no-loo derived/logrank.xml derived/medians.xml good/hr-ci.xml
what="CSV derived column"
got=$(awk -F, '$1 == "study" { printf "%s=%s ", $2, $17 }' "$tmp/out")
[ "$got" = "logrank=logrank-p medians=medians hr-ci= " ] && ok || fail "got '$got'"
run 0 -f json --no-loo derived/logrank.xml good/hr-ci.xml
contains out '"events_experimental": 40, "events_control": 60, "derived": "logrank-p" }'
contains out '"events_experimental": null, "events_control": null, "derived": null }'

# ---- --ipd ----------------------------------------------------------------------
run 0 --ipd "$tmp/none.csv" good/hr-ci.xml
what="--ipd without km-curves"
[ "$(cat "$tmp/none.csv")" = "study,arm,time,event" ] && ok || fail "not the header alone"
run 1 --ipd "$tmp/no/such/dir/ipd.csv" derived/km-small.xml
contains err "metapool: cannot write $tmp/no/such/dir/ipd.csv: "
what="--ipd to an unwritable path"
[ ! -e "$tmp/no" ] && ok || fail "left a file"
run 2 --ipd '' derived/km-small.xml && expect_no_out && expect_err <<'ERR'
metapool: --ipd must name a file
Try 'metapool --help' for more information.
ERR

# ---- the errors -------------------------------------------------------------------
for xml in "$data"/derived/bad/*.xml; do
    name=derived/bad/$(basename "$xml")
    run 1 --validate "$name" && expect_no_out && expect_err <"${xml%.xml}.err"
    run 1 "$name" && expect_no_out && expect_err <"${xml%.xml}.err"
done
finish
