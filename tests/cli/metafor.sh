#!/bin/sh
# Every figure of the metafor 3.8 reference results (tests/reference/
# metafor-3.8: 12 generated data sets, 7 estimators, with and without
# Hartung-Knapp, full fits and leave-one-out) recomputed through the real
# command line from study descriptors holding the published figures.
# Tolerances (relative, with an absolute floor for figures that are zero in
# one program and a rounding residue in the other):
#   closed-form estimators DL, HE, SJ: 1e-8;  iterative REML, ML, PM, EB: 1e-6.
# Needs jq to read the JSON report.
. "${top_srcdir:-.}/tests/cli/lib.sh"
ref="${MP_REFDIR:-$top_srcdir/tests/reference}/metafor-3.8"

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is not installed: cannot read the JSON report"
    exit 99     # a hard error for the test driver
fi

cases_to_collections "$ref/cases.tsv" "$tmp"

# Run every case, estimator and test; collect our figures as
# case method knha block omitted key value.
extract='def blocks($om): ["fixed", "random", "heterogeneity"][] as $b
           | .[$b] | to_entries[] | [$b, $om, .key, (.value | tostring)];
         (blocks("-")), (.leave_one_out[]? as $l | $l | blocks($l.omitted)) | @tsv'
: >"$tmp/ours.tsv"
for xml in "$tmp"/c*.xml; do
    run_estimators "$tmp/ours.tsv" "$extract" "$(basename "$xml" .xml)" "$xml"
done

what="comparison with metafor 3.8"
compare_figures 6 "$tmp/ours.tsv" "$ref/expected.tsv"
if [ $? -eq 0 ]; then passed=$((passed + 1)); else fail "figures differ from metafor"; fi
finish
