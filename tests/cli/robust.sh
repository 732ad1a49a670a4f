#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Numerical robustness: extreme but valid inputs give finite figures (no
# NaN or Inf anywhere in the report; null only where the contract says a
# figure does not exist), or a clear error.
. "${top_srcdir:-.}/tests/cli/lib.sh"

require jq

# collection FILE EFFECT...: one study per effect element given.
collection() {
    out=$1
    shift
    {
        echo '<?xml version="1.0"?><studies format="1">'
        i=0
        for eff in "$@"; do
            i=$((i + 1))
            echo "<study id=\"s$i\"><title>S$i</title><design>rct</design><publication year=\"$((2000 + i))\">X.</publication><outcome name=\"OS\">$eff</outcome></study>"
        done
        echo '</studies>'
    } >"$out"
}

# finite NAME FILE [ARGS]: metapool exits 0; every figure of the full fit
# that exists for k >= 2 is a finite number; the text report has no nan/inf.
finite() {
    name=$1 file=$2
    shift 2
    what="$name: JSON figures finite"
    if ! "$METAPOOL" -f json "$@" "$file" >"$tmp/out.json" 2>"$tmp/err"; then
        fail "exit status $?: $(head -2 "$tmp/err")"
        return
    fi
    nulls=$(jq -c '[(.fixed | to_entries[]), (.random | to_entries[] | select(.key != "df" and .key != "method" and .key != "test" and .key != "pi_method" and .key != "pi_df" and (.key | startswith("tau2_") | not))), (.heterogeneity | to_entries[] | select(.key | test("^(Q|df|p|I2|H2)$")))] | map(select((.value | type) != "number")) | map(.key)' "$tmp/out.json")
    [ "$nulls" = "[]" ] && passed=$((passed + 1)) || fail "not finite: $nulls"
    what="$name: text report"
    "$METAPOOL" "$@" "$file" >"$tmp/out.txt" 2>"$tmp/err" || fail "exit status $?"
    if grep -qiE '(^|[^a-z])(nan|inf)([^a-z]|$)|[^a-zA-Z]NA[^a-zA-Z]' "$tmp/out.txt"; then
        fail "nan, inf or NA in: $(grep -iE '(^|[^a-z])(nan|inf)([^a-z]|$)|[^a-zA-Z]NA[^a-zA-Z]' "$tmp/out.txt" | head -2)"
    else
        passed=$((passed + 1))
    fi
}

collection "$tmp/se.xml" \
    '<log-hazard-ratio estimate="0.1" se="1e-8"/>' \
    '<log-hazard-ratio estimate="-0.2" se="1e8"/>' \
    '<log-hazard-ratio estimate="0.05" se="0.2"/>'
for m in DL REML PM SJ HE ML EB; do finite "SE 1e-8 to 1e8, $m" "$tmp/se.xml" -m "$m"; done
finite "SE 1e-8 to 1e8, HKSJ" "$tmp/se.xml" --hksj

collection "$tmp/ratio.xml" \
    '<hazard-ratio estimate="1e-12" lower="1e-13" upper="1e-11"/>' \
    '<hazard-ratio estimate="1e12" lower="1e11" upper="1e13"/>' \
    '<hazard-ratio estimate="1" lower="0.5" upper="2"/>'
for m in DL REML PM SJ HE ML EB; do finite "ratios 1e-12 to 1e12, $m" "$tmp/ratio.xml" -m "$m"; done

collection "$tmp/dominant.xml" \
    '<log-hazard-ratio estimate="0.1" se="0.001"/>' \
    '<log-hazard-ratio estimate="0.3" se="0.1"/>' \
    '<log-hazard-ratio estimate="-0.3" se="0.1"/>'
for m in DL REML; do finite "one study with 99.99% of the weight, $m" "$tmp/dominant.xml" -m "$m"; done
what="the dominant study's weight"
"$METAPOOL" -f json -m DL "$tmp/dominant.xml" | jq -e '.studies[0].weight_fixed > 99.9' >/dev/null &&
    passed=$((passed + 1)) || fail "not above 99.9%"

# Q far beyond any chi-square table: p underflows to 0, reported as such.
collection "$tmp/q.xml" \
    '<log-hazard-ratio estimate="-3" se="0.01"/>' \
    '<log-hazard-ratio estimate="3" se="0.01"/>' \
    '<log-hazard-ratio estimate="0" se="0.01"/>'
finite "Q of 1e5 on 2 df" "$tmp/q.xml"
contains out.txt "p < 0.0001"

# 10^5 identical studies: tau^2 = 0, I^2 = 0, finite everywhere.
awk 'BEGIN { print "<?xml version=\"1.0\"?><studies format=\"1\">"
    for (i = 1; i <= 100000; i++)
        printf "<study id=\"s%d\"><title>S</title><design>rct</design><publication year=\"2000\">X.</publication><outcome name=\"OS\"><log-hazard-ratio estimate=\"0.1\" se=\"0.2\"/></outcome></study>\n", i
    print "</studies>" }' >"$tmp/same.xml"
finite "10^5 identical studies" "$tmp/same.xml" --no-loo
what="10^5 identical studies: tau^2 and I^2"
[ "$(jq -c '[.random.tau2, .heterogeneity.I2]' "$tmp/out.json")" = "[0,0]" ] &&
    passed=$((passed + 1)) || fail "$(jq -c '[.random.tau2, .heterogeneity.I2]' "$tmp/out.json")"

# Input order: tests/cli/determinism.sh (the same figures to the bit).
finish
