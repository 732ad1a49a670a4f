#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shipped data set (studies/) as a regression test, and the Reinhorn et
# al. (The Breast 2021) reproduction (tests/data/reinhorn*/):
#   * studies/*.xml and studies/imni/*.xml validate;
#   * the pooled OS and DPFS of studies/*.xml (DL, and REML with --hksj),
#     and the OS of the two Reinhorn directories (DL), equal what R metafor
#     3.8 computes from the same descriptors
#     (tests/reference/studies/expected.tsv, written by
#     tests/reference/studies/make_reference.R), to the tolerances of
#     tests/testutil.h: relative 1e-8 for DL and the fixed effect, 1e-6 for
#     REML;
#   * tests/data/reinhorn/ reproduces the published random-effects figure
#     HR 0.97 (95% CI 0.72 to 1.29), p = 0.81, to the paper's two decimals.
# Needs jq to read the JSON report (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
ref="${MP_REFDIR:-$top_srcdir/tests/reference}/studies/expected.tsv"

require jq
if [ ! -r "$ref" ]; then
    echo "cannot read $ref"
    exit 99
fi
ref=$(cd "$(dirname "$ref")" && pwd)/expected.tsv

top=$(cd "${top_srcdir:-.}" && pwd)
# run() works in tests/data, so the shipped folder is ../../studies; expand
# the globs there too.
cd "$data" || exit 99

# --- Validation of the shipped descriptors ---------------------------------
nstudies=$(ls ../../studies/*.xml ../../studies/imni/*.xml | wc -l | tr -d ' ')
run 0 --validate ../../studies/*.xml ../../studies/imni/*.xml &&
    contains out "$nstudies studies checked: no problems found"

# --- Every figure against metafor -------------------------------------------
# check ANALYSIS JSONFILE: each expected.tsv row of ANALYSIS (key block.key)
# must match the JSON report within the tolerance for that analysis.
check() {
    analysis=$1
    json=$2
    what="$analysis: figures against metafor 3.8"
    jq -r '["fixed", "random", "heterogeneity"][] as $b | .[$b] | to_entries[]
           | [$b + "." + .key, (.value | tostring)] | @tsv' "$json" >"$tmp/ours.tsv"
    case $analysis in
        *REML*) rel=$TOL_ITERATIVE floor=$ABS_ITERATIVE ;;
        *) rel=$TOL_CLOSED floor=$ABS_CLOSED ;;
    esac
    awk -F'\t' -v a="$analysis" -v rel="$rel" -v floor="$floor" '
    function abs(x) { return x < 0 ? -x : x }
    FNR == NR { ours[$1] = $2; next }
    $1 != a { next }
    {
        n++
        if (!($2 in ours) || ours[$2] == "null") {
            printf "  missing: %s %s (metafor %s)\n", a, $2, $3; bad++; next
        }
        got = ours[$2] + 0; want = $3 + 0
        d = abs(got - want); m = abs(want) > abs(got) ? abs(want) : abs(got)
        if (d > rel * m && d > floor) {
            printf "  differs: %s %s: metapool %s, metafor %s (rel %.3g)\n", a, $2, ours[$2], $3, d / m
            bad++
        }
    }
    END {
        if (n == 0) { printf "  no expected figures for %s\n", a; exit 1 }
        exit (bad > 0)
    }' "$tmp/ours.tsv" "$ref"
    if [ $? -eq 0 ]; then passed=$((passed + 1)); else fail "figures differ from metafor"; fi
}

run 0 -f json --no-loo ../../studies/*.xml && cp "$tmp/out" "$tmp/studies-dl.json" &&
    check studies-DL "$tmp/studies-dl.json"
what="studies/*.xml: 5 studies pooled"
[ "$(jq .k "$tmp/studies-dl.json" 2>/dev/null)" = 5 ] && passed=$((passed + 1)) || fail "k is not 5"

run 0 -f json --no-loo -m REML --hksj ../../studies/*.xml && cp "$tmp/out" "$tmp/studies-reml.json" &&
    check studies-REML-hksj "$tmp/studies-reml.json"

# DPFS: the studies without it are left out with a warning each (checked in
# crosscheck.sh); the two that have it (ABCSG-28, Tata Memorial) are pooled.
run 0 -f json --no-loo -o DPFS ../../studies/*.xml && cp "$tmp/out" "$tmp/studies-dpfs.json" &&
    check studies-DPFS-DL "$tmp/studies-dpfs.json"
run 0 -f json --no-loo -m REML --hksj -o DPFS ../../studies/*.xml && cp "$tmp/out" "$tmp/studies-dpfs-reml.json" &&
    check studies-DPFS-REML-hksj "$tmp/studies-dpfs-reml.json"
what="studies/*.xml -o DPFS: abcsg-28 and tata-memorial pooled"
[ "$(jq -c '[.studies[].id]' "$tmp/studies-dpfs.json" 2>/dev/null)" = '["abcsg-28","tata-memorial"]' ] &&
    passed=$((passed + 1)) || fail "pooled: $(jq -c '[.studies[].id]' "$tmp/studies-dpfs.json" 2>&1)"

run 0 -f json --no-loo reinhorn/ && cp "$tmp/out" "$tmp/reinhorn.json" &&
    check reinhorn-DL "$tmp/reinhorn.json"

run 0 -f json --no-loo reinhorn-corrected/ && cp "$tmp/out" "$tmp/reinhorn-corrected.json" &&
    check reinhorn-corrected-DL "$tmp/reinhorn-corrected.json"

# --- The published Reinhorn figure ------------------------------------------
# Reinhorn et al. 2021 (abstract): random-effects OS HR 0.97, 95% CI
# 0.72-1.29, p = 0.81.  The HR and its interval are compared rounded to two
# decimals (printf %.2f).  The p-value is compared TRUNCATED to two decimals:
# the pool gives p = 0.8158, which rounds to 0.82; the published 0.81 is
# matched only by truncation (see studies/README.md).
what="reinhorn/: published HR 0.97 (0.72 to 1.29), p 0.81"
got=$(jq -r '[.random.estimate, .random.lower, .random.upper, .random.p] | @tsv' "$tmp/reinhorn.json" |
    awk -F'\t' '{ printf "%.2f (%.2f to %.2f), p %.2f", $1, $2, $3, int($4 * 100) / 100 }')
if [ "$got" = "0.97 (0.72 to 1.29), p 0.81" ]; then
    passed=$((passed + 1))
else
    fail "got $got"
fi

# The corrected variant does NOT reproduce the published HR and interval.
what="reinhorn-corrected/: differs from the published figure"
got=$(jq -r '[.random.estimate, .random.lower, .random.upper] | @tsv' "$tmp/reinhorn-corrected.json" |
    awk -F'\t' '{ printf "%.2f (%.2f to %.2f)", $1, $2, $3 }')
if [ "$got" = "0.96 (0.71 to 1.30)" ]; then
    passed=$((passed + 1))
else
    fail "got $got"
fi
# Every shipped descriptor is installed, and nothing else: Makefile.am
# names each (a stray file in studies/ must not be installed unseen).
what="Makefile.am lists exactly the shipped descriptors"
listed=$(sed -n '/^dist_studies_DATA/,/[^\\]$/p; /^dist_imni_DATA/,/[^\\]$/p' "$top/Makefile.am" |
    grep -o 'studies/[a-z0-9/-]*\.xml' | sort | tr '\n' ' ')
present=$(cd "$top" && ls studies/*.xml studies/imni/*.xml | sort | tr '\n' ' ')
[ -n "$listed" ] && [ "$listed" = "$present" ] && passed=$((passed + 1)) ||
    fail "listed: $listed; present: $present"
finish
