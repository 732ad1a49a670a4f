#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The text report and the forest plot say the same thing in the same
# words where they share a phrase (mp_report.h, "phrases"): here the test
# for subgroup differences, whose three cases were decided twice and
# disagreed (issue 17: with a subgroup whose fit failed the plot said
# "needs at least two subgroups" of two subgroups).
. "${top_srcdir:-.}/tests/cli/lib.sh"

# collection FILE GROUPS ESTIMATES SES: one study per word of GROUPS
# (covariate g, "-" for none), log hazard ratios and standard errors.
collection() {
    awk -v g="$2" -v e="$3" -v s="$4" 'BEGIN {
        n = split(g, gs, " "); split(e, es, " "); split(s, ss, " ")
        print "<?xml version=\"1.0\"?>"; print "<studies format=\"1\">"
        for (i = 1; i <= n; i++) {
            cov = gs[i] == "-" ? "" : "<covariate name=\"g\" value=\"" gs[i] "\"/>"
            printf "<study id=\"s%d\"><title>S%d</title><design>rct</design>" \
                "<publication year=\"%d\">T.</publication>%s<outcome name=\"OS\">" \
                "<log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome></study>\n",
                i, i, 2000 + i, cov, es[i], ss[i]
        }
        print "</studies>" }' >"$tmp/$1"
}

# same_test WANT ARGS...: metapool ARGS --forest plot.svg exits 0, and the
# text report and the plot both end the test for subgroup differences
# with WANT (the text's own words, which the plot shares when no figure
# is shown).
same_test() {
    want=$1
    shift
    what="metapool $*"
    rm -f "$tmp/plot.svg"
    if ! "$METAPOOL" "$@" --forest "$tmp/plot.svg" >"$tmp/out" 2>"$tmp/err"; then
        fail "exit status $?: $(head -1 "$tmp/err")"
        return
    fi
    text=$(sed -n 's/^Test for subgroup differences: //p' "$tmp/out")
    plot=$(grep -o 'Test for subgroup differences: [^<]*' "$tmp/plot.svg" |
        sed 's/^Test for subgroup differences: //')
    if [ "$text" = "$want" ] && [ "$plot" = "$want" ]; then
        passed=$((passed + 1))
    else
        fail "text '$text', plot '$plot', expected '$want'"
    fi
}

# Two subgroups, one whose REML fit fails: s1's weight (SE 1e-100) is
# not finite in any set of studies of its estimate alone (as in
# limits.sh); the study apart, s10, keeps the pooled fit finite.
collection failed.xml "a a a a a b b b b b" \
    "0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 0.3 1.5" \
    "1e-100 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2"
same_test "not available (a subgroup's fit failed)" -m REML --no-loo --by g "$tmp/failed.xml"
contains err "metapool: warning: subgroup a: REML estimator: the fit is not finite"

# One subgroup and studies without the covariate, which are not in the
# test: fewer than two subgroups to compare, no fit failed.
collection one.xml "a a - -" "0.1 -0.2 0.3 0.0" "0.2 0.3 0.25 0.2"
same_test "needs at least two subgroups" --no-loo --by g "$tmp/one.xml"

# The same with them as a subgroup of the test: a Q test, in the plot's
# form and the text's.
what="metapool --by-missing include"
"$METAPOOL" --no-loo --by g --by-missing include --forest "$tmp/plot.svg" \
    "$tmp/one.xml" >"$tmp/out" 2>"$tmp/err" && passed=$((passed + 1)) ||
    fail "exit status $?"
contains out "Test for subgroup differences: Q = "
grep -q 'Test for subgroup differences: Q = [0-9.]*, df = 1 (p = ' "$tmp/plot.svg" &&
    passed=$((passed + 1)) || fail "the plot lacks the Q test"

finish
