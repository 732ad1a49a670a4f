#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Prediction intervals (--pi) against their references
# (tests/reference/pi: metafor 3.8 predict() for z and t-k1, the formula of
# Higgins, Thompson and Spiegelhalter 2009 for t-k2), on the 12 data sets
# of tests/reference/metafor-3.8 with every estimator, through the command
# line; t-k2 has no interval with two studies; the default is metafor's.
# Tolerances of compare_figures (tests/testutil.h: 1e-8 closed-form, 1e-6
# iterative).  Needs jq (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
refdir="${MP_REFDIR:-$top_srcdir/tests/reference}"

require jq

cases_to_collections "$refdir/metafor-3.8/cases.tsv" "$tmp"
: >"$tmp/ours.tsv"
for xml in "$tmp"/c*.xml; do
    case=$(basename "$xml" .xml)
    for m in DL REML PM SJ HE ML EB; do
        for pi in z t-k1 t-k2; do
            "$METAPOOL" -f json --no-loo -m $m --pi $pi "$xml" >"$tmp/out.json" 2>/dev/null || continue
            jq -r --arg c "$case" --arg m $m --arg p $pi \
                '.random | ["pi_lower", "pi_upper"][] as $k | [$c, $m, $p, $k, (.[$k] | tostring)] | @tsv' \
                "$tmp/out.json" >>"$tmp/ours.tsv"
        done
    done
done
what="prediction intervals against the references"
compare_figures 4 "$tmp/ours.tsv" "$refdir/pi/expected.tsv"
if [ $? -eq 0 ]; then passed=$((passed + 1)); else fail "figures differ"; fi

# Two studies: no t-k2 interval (null), the other methods have one.
what="t-k2 with k = 2"
"$METAPOOL" -f json --no-loo --pi t-k2 "$tmp/c012.xml" >"$tmp/out.json"
[ "$(jq -c '[.random.pi_lower, .random.pi_upper]' "$tmp/out.json")" = "[null,null]" ] &&
    passed=$((passed + 1)) || fail "not null"
# The default is metafor's: z, and t with k - 1 df under --hksj.
for args in "" "--hksj"; do
    what="default prediction interval $args"
    want=$([ -n "$args" ] && echo t-k1 || echo z)
    "$METAPOOL" -f json --no-loo $args "$tmp/c002.xml" | jq -c '[.random.pi_lower, .random.pi_upper]' >"$tmp/a"
    "$METAPOOL" -f json --no-loo $args --pi $want "$tmp/c002.xml" | jq -c '[.random.pi_lower, .random.pi_upper]' >"$tmp/b"
    cmp -s "$tmp/a" "$tmp/b" && passed=$((passed + 1)) || fail "differs from --pi $want"
done
run 2 --pi t good/ && expect_no_out && expect_err <<'ERR'
metapool: --pi must be z, t-k1 or t-k2, not 't'
Try 'metapool --help' for more information.
ERR
finish
