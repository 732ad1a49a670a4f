#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every figure of the metafor 3.8 reference results (tests/reference/
# metafor-3.8: 12 generated data sets, 7 estimators, with and without
# Hartung-Knapp, full fits and leave-one-out) recomputed through the real
# command line from study descriptors holding the published figures.
# Tolerances: those of tests/testutil.h, through compare_figures (relative,
# with an absolute floor for figures that are zero in one program and a
# rounding residue in the other; 1e-8 for the closed-form estimators DL, HE,
# SJ, 1e-6 for the iterative REML, ML, PM, EB).  Needs jq (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
ref="${MP_REFDIR:-$top_srcdir/tests/reference}/metafor-3.8"

require jq

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
