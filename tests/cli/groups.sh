#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Subgroup (--by) and cumulative (--cumulative) analyses against metafor
# (tests/reference/groups: separate rma() fits per subgroup, the test for
# subgroup differences as an FE rma() across the subgroup estimates, without
# the studies that lack the covariate or, with --by-missing=include, with
# them as a group, and cumul() ordered by year), for every estimator with
# and without HKSJ, through the command line.  Tolerances as
# tests/cli/metafor.sh.
. "${top_srcdir:-.}/tests/cli/lib.sh"
ref="${MP_REFDIR:-$top_srcdir/tests/reference}/groups"

require jq

# cases.tsv -> one collection per case; a study in group "-" has no covariate.
awk -F'\t' -v dir="$tmp" '
NR == 1 { next }
$1 != cur {
    if (file != "") { print "</studies>" > file; close(file) }
    cur = $1; file = dir "/" cur ".xml"
    print "<?xml version=\"1.0\"?>\n<studies format=\"1\">" > file
}
{
    printf "<study id=\"%s\"><title>%s</title><design>rct</design>", $2, $2 > file
    printf "<publication year=\"%d\">Generated.</publication>", $4 > file
    if ($3 != "-")
        printf "<covariate name=\"g\" value=\"%s\"/>", $3 > file
    printf "<outcome name=\"OS\"><log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome></study>\n", $5, $6 > file
}
END { if (file != "") print "</studies>" > file }' "$ref/cases.tsv"

extract='def blocks($part; $which): ["fixed", "random", "heterogeneity"][] as $b
           | .[$b] // empty | to_entries[] | [$part, $which, $b, .key, (.value | tostring)];
         (.subgroups[] | blocks("sub"; (.value // "-"))),
         (.subgroup_test | to_entries[] | ["subtest", "-", "test", .key, (.value | tostring)]),
         (.cumulative[] | blocks("cum"; (.k | tostring)))
         | @tsv'
: >"$tmp/ours.tsv"
for xml in "$tmp"/g*.xml; do
    run_estimators "$tmp/ours.tsv" "$extract" "$(basename "$xml" .xml)" "$xml" \
        --no-loo --by g --cumulative
done

# --by-missing=include: the studies without the covariate enter the test.
extract_all='.subgroup_test | to_entries[] | ["subtest-all", "-", "test", .key, (.value | tostring)] | @tsv'
for xml in "$tmp"/g*.xml; do
    run_estimators "$tmp/ours.tsv" "$extract_all" "$(basename "$xml" .xml)" "$xml" \
        --no-loo --by g --by-missing include
done

what="subgroups and cumulative against metafor 3.8"
compare_figures 7 "$tmp/ours.tsv" "$ref/expected.tsv"
if [ $? -eq 0 ]; then passed=$((passed + 1)); else fail "figures differ from metafor"; fi

# Studies without the covariate form their own group, named in the report.
what="metapool --by g g002.xml"
"$METAPOOL" --no-loo --by g "$tmp/g002.xml" >"$tmp/out" 2>"$tmp/err" && passed=$((passed + 1)) || fail "exit status $?"
contains out "(unspecified: 1 study without a g covariate, not in the test below)"
"$METAPOOL" --no-loo --by g --by-missing include "$tmp/g002.xml" >"$tmp/out"
contains out "(unspecified: 1 study without a g covariate, in the test below as a subgroup)"
for how in exclude include; do
    what="JSON subgroup_test.unspecified, --by-missing $how"
    "$METAPOOL" -f json --no-loo --by g --by-missing $how "$tmp/g002.xml" >"$tmp/out"
    [ "$(jq -r .subgroup_test.unspecified "$tmp/out")" = "${how}d" ] &&
        passed=$((passed + 1)) || fail "$(jq -c .subgroup_test "$tmp/out")"
done
run 2 --by-missing include good/ && contains err "metapool: --by-missing needs --by"
run 2 --by sequence --by-missing some good/ && contains err "metapool: --by-missing must be include or exclude, not 'some'"
"$METAPOOL" -f json --no-loo --by g "$tmp/g002.xml" >"$tmp/out"
what="JSON value of the unspecified subgroup"
[ "$(jq -c '[.subgroups[] | select(.value == null) | .k]' "$tmp/out")" = "[1]" ] &&
    passed=$((passed + 1)) || fail "not null with k = 1"
run 0 --by sequence ../../studies/ && contains out "Subgroups by sequence"
run 1 --by nosuch good/ && expect_no_out && expect_err <<'ERR'
metapool: no study with outcome OS has a covariate named "nosuch"
ERR
run 2 --by '' good/ && contains err "--by must name a covariate"
finish
