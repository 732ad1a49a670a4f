#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bayesian random effects (--bayes, --tau-prior, --mu-prior, --threshold;
# issue 19, analyses-2.md section 2) through the command line:
#   - the JSON block "bayes" of the 14 data sets of
#     tests/reference/bayes/cases.tsv (k from 1 to 40, every prior, levels
#     0.80 to 0.99) against the brute-force quadrature of
#     tests/reference/bayes/make_bayes.R (expected.tsv); the Crins et al.
#     case is the issue's, whose figures tests/check_bayes.c checks too;
#   - the shipped trials (studies/) with the half-normal(0.5) prior, which
#     is the reference's case k5-stage4-halfnormal, and the text section
#     against tests/data/expected/bayes-studies.txt;
#   - the defaults, the block's absence without --bayes, and every bad
#     option value (exit status 2 and the message), an improper posterior
#     (exit status 1).
# Tolerances: those of tests/check_bayes.c (REF_TOL relative, ABS_FLOOR
# absolute; OPTIMIZE_TOL and OPTIMIZE_ABS for the modes and shortest
# intervals, which R's optimize() finds only to about 1e-8 in its
# argument), read from that file.  Needs jq (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
refdir="${MP_REFDIR:-$top_srcdir/tests/reference}/bayes"

require jq

suite="$srcdir/tests/check_bayes.c"
REL=$(ref_tol REF_TOL "$suite")
ABS=$(ref_tol ABS_FLOOR "$suite")
OPT_REL=$(ref_tol OPTIMIZE_TOL "$suite")
OPT_ABS=$(ref_tol OPTIMIZE_ABS "$suite")
if [ -z "$REL" ] || [ -z "$ABS" ] || [ -z "$OPT_REL" ] || [ -z "$OPT_ABS" ]; then
    echo "ERROR: cannot read the tolerances of tests/check_bayes.c"
    exit 99
fi

# The cases as study collections, $tmp/CASE.xml (log HR and its SE, in the
# order of the case; lib.sh's cases_to_collections on the cases in its
# columns), and each case's options, $tmp/CASE.args.
awk -F'\t' -v OFS='\t' 'NR == 1 { print "case", "study", "form", "level", "a", "b"; next }
    { print $1, "s" $6, "logse", "", sprintf("%.17g", $7), sprintf("%.17g", sqrt($8)) }' \
    "$refdir/cases.tsv" >"$tmp/cases.tsv"
cases_to_collections "$tmp/cases.tsv" "$tmp"
awk -F'\t' -v dir="$tmp" 'NR > 1 && !seen[$1]++ {
    args = sprintf("--tau-prior %s --mu-prior %s -l %s", $2, $3, $4)
    n = split($5, th, ",")
    for (i = 1; i <= n; i++) args = args " --threshold " th[i]
    print args > (dir "/" $1 ".args"); close(dir "/" $1 ".args")
}' "$refdir/cases.tsv"

# figures CASE JSON: the "bayes" block as rows CASE KEY VALUE, keyed as
# expected.tsv keys them (shrinkage by the study's position).
figures() {
    jq -r --arg c "$1" '.bayes |
        ( (["tau", "mu"][] as $b | .[$b] | to_entries[]
           | select(.key | startswith("estimate") | not)
           | [$c, "\($b).\(.key)", .value]),
          (.prediction | to_entries[] | [$c, "prediction.\(.key)", .value]),
          (.probabilities[] | [$c, "p_below.\(.threshold)", .p_below]),
          (.shrinkage | to_entries[] | .key as $i | .value | to_entries[]
           | select(.key != "id") | [$c, "shrinkage.\($i).\(.key)", .value]),
          [$c, "marginal_likelihood", .marginal_likelihood] )
        | map(tostring) | @tsv' "$2"
}

# compare_bayes OURS EXPECTED: every figure of EXPECTED (but P(tau > 1)
# and P(mu > 0), which the JSON block does not have) within the
# tolerances; NA must be null.
compare_bayes() {
    awk -F'\t' -v rel="$REL" -v abs="$ABS" -v orel="$OPT_REL" -v oabs="$OPT_ABS" '
    function absv(x) { return x < 0 ? -x : x }
    # thresholds as numbers: 0.9 and 0.90000000000000002 are one key
    function canon(k) {
        if (k ~ /^p_below\./) return "p_below." sprintf("%.15g", substr(k, 9) + 0)
        return k
    }
    FNR == NR { ours[$1 SUBSEP canon($2)] = $3; next }
    FNR == 1 || $2 ~ /p_above/ { next }
    {
        k = $1 SUBSEP canon($2); n++
        if (!(k in ours)) { if (bad++ < 20) printf "  missing: %s %s\n", $1, $2; next }
        got = ours[k]
        if ($3 == "NA" || got == "null") {
            if (!($3 == "NA" && got == "null") && bad++ < 20)
                printf "  differs: %s %s: metapool %s, reference %s\n", $1, $2, got, $3
            next
        }
        loose = $2 ~ /mode|shortest/
        r = loose ? orel : rel; a = loose ? oabs : abs
        d = absv(got - $3); m = absv($3)
        if (m > 0 && d / m > worst) worst = d / m
        if (d > r * m && d > a && bad++ < 20)
            printf "  differs: %s %s: metapool %s, reference %s\n", $1, $2, got, $3
    }
    END {
        printf "%d figures compared, %d outside tolerance (largest relative difference %.3g)\n", n, bad, worst
        exit (bad > 0 || n == 0)
    }' "$1" "$2"
}

# ---- every reference case --------------------------------------------------------
: >"$tmp/ours.tsv"
for xml in "$tmp"/*.xml; do
    case=$(basename "$xml" .xml)
    what="reference case $case"
    # shellcheck disable=SC2046
    if "$METAPOOL" -f json --no-loo --bayes $(cat "$tmp/$case.args") "$xml" \
        >"$tmp/out.json" 2>"$tmp/err"; then
        figures "$case" "$tmp/out.json" >>"$tmp/ours.tsv"
        ok
    else
        fail "exit status $?: $(head -1 "$tmp/err")"
    fi
done
what="the reference cases against tests/reference/bayes/expected.tsv"
compare_bayes "$tmp/ours.tsv" "$refdir/expected.tsv" && ok || fail "figures differ"

# Only the thresholds given, in their order (the default 1 is replaced).
what="--threshold replaces the default"
"$METAPOOL" -f json --no-loo --bayes --threshold 0.9 --threshold 1.1 \
    "$tmp/k4-uniform-tight.xml" | jq -c '[.bayes.probabilities[].threshold]' >"$tmp/th"
[ "$(cat "$tmp/th")" = "[0.9,1.1]" ] && ok || fail "thresholds $(cat "$tmp/th")"

# ---- the shipped trials -------------------------------------------------------------
# --bayes alone: the contract's defaults, with P(HR < 1).
what="defaults on studies/"
run 0 -f json --no-loo --bayes "$srcdir/studies/" &&
    jq -c '.bayes | [.tau_prior, .mu_prior, [.probabilities[].threshold]]' "$tmp/out" >"$tmp/def" &&
    [ "$(cat "$tmp/def")" = '["halfnormal:0.5","uniform",[1]]' ] && ok ||
    fail "defaults $(cat "$tmp/def" 2>/dev/null)"
# the figures of case k5-stage4-halfnormal, which holds the shipped
# trials' log HRs and variances
what="studies/ against case k5-stage4-halfnormal"
run 0 -f json --no-loo --bayes --threshold 1 --threshold 0.9 "$srcdir/studies/" &&
    figures k5-stage4-halfnormal "$tmp/out" >"$tmp/studies.tsv" &&
    grep '^k5-stage4-halfnormal	\|^case' "$refdir/expected.tsv" >"$tmp/want.tsv" &&
    compare_bayes "$tmp/studies.tsv" "$tmp/want.tsv" && ok || fail "figures differ"
what="shrinkage named by study"
[ "$(jq -c '[.bayes.shrinkage[].id]' "$tmp/out")" = \
  '["abcsg-28","e2108","jcog1017","mf07-01","tata-memorial"]' ] && ok || fail "ids"
# The ratio-scale keys are exp() of mu's median and central interval.
what="mu.estimate = exp(mu.median)"
jq -e '.bayes.mu | (.estimate - (.median | exp) | fabs) < 1e-15 * .estimate
       and (.estimate_lower - (.lower | exp) | fabs) < 1e-15 * .estimate_lower
       and (.estimate_upper - (.upper | exp) | fabs) < 1e-15 * .estimate_upper' \
    "$tmp/out" >/dev/null && ok || fail "not exp() of the log scale"

# The text section, after the rest of the report.
run 0 --no-loo --bayes --threshold 1 --threshold 0.9 "$srcdir/studies/" &&
    sed -n '/^Bayesian random effects/,$p' "$tmp/out" >"$tmp/section" &&
    what="text section on studies/" &&
    diff -u "$data/expected/bayes-studies.txt" "$tmp/section" >"$tmp/diff" && ok ||
    { fail "differs (- expected, + got)"; sed 's/^/  /' "$tmp/diff" | head -30; }

# The probabilities name the arms as the conclusion does ("in the
# experimental arm"), never one trial's arm label: the shipped trials
# label their arms differently (the first read says "Surgery + systemic
# therapy"); on counts (risk ratio) the same words.
run 0 --no-loo --bayes --threshold 1 --threshold 0.9 --threshold 1.1 "$srcdir/studies/" &&
    grep '^Probability that' "$tmp/out" >"$tmp/prob" &&
    compare prob <<'END'
Probability that the hazard is lower in the experimental arm: 0.71
Probability that the hazard is at least 10% lower in the experimental arm (HR < 0.9): 0.39
Probability that the hazard is less than 10% higher in the experimental arm (HR < 1.1): 0.88
END
what="the conclusion names the same arm"
grep -q 'hazard in the experimental arm' "$tmp/out" && ok || fail "conclusion words changed"
what="no arm label in the probabilities"
grep -q -i 'surgery\|systemic' "$tmp/prob" && fail "an arm label" || ok
run 0 --no-loo --bayes counts/counts-rr.xml &&
    grep '^Probability that' "$tmp/out" >"$tmp/prob" && compare prob <<'END'
Probability that the risk is lower in the experimental arm: 0.90
END

# metapool(1) EXAMPLES quotes that section for the same command.
what="metapool(1) EXAMPLES quotes the Bayesian section"
sed -n '/^ends its report with$/,/^\.EE$/p' "$srcdir/man/metapool.1" |
    sed -e '1,/^\.EX$/d' -e '/^\.EE$/d' -e 's/\\-/-/g' >"$tmp/quoted"
if [ -s "$tmp/quoted" ] && cmp -s "$tmp/quoted" "$data/expected/bayes-studies.txt"; then
    ok
else
    fail "differs from tests/data/expected/bayes-studies.txt"
    diff -u "$data/expected/bayes-studies.txt" "$tmp/quoted" | sed 's/^/  /' | head -20
fi

# ... and so does the README's section.
what="README.md quotes the Bayesian section"
awk '/^## / { in_section = ($0 == "## Bayesian random effects") }
     in_section && /^ends its report with$/ { after = 1; next }
     after && /^```$/ { if (block) exit; block = 1; next }
     block' "$srcdir/README.md" >"$tmp/quoted"
if [ -s "$tmp/quoted" ] && cmp -s "$tmp/quoted" "$data/expected/bayes-studies.txt"; then
    ok
else
    fail "differs from tests/data/expected/bayes-studies.txt"
    diff -u "$data/expected/bayes-studies.txt" "$tmp/quoted" | sed 's/^/  /' | head -20
fi

# No block, no section without --bayes.
what="no bayes without --bayes"
run 0 -f json --no-loo "$srcdir/studies/" &&
    jq -e 'has("bayes") | not' "$tmp/out" >/dev/null && ok || fail "a bayes key"
run 0 --no-loo "$srcdir/studies/" && ! grep -q Bayesian "$tmp/out" && ok ||
    fail "a Bayesian section"

# ---- bad values -----------------------------------------------------------------------
tau_expected="expected halfnormal:S, halfcauchy:S, halft:S:NU, lognormal:M:S, uniform:A or jeffreys (S, NU, A > 0)"
for p in uniform halfnormal:-1 halfnormal:0 halfnormal:x halft:0.5 \
    lognormal:-2 jeffreys:1 cauchy:1 ""; do
    run 2 --bayes --tau-prior "$p" good/ && expect_no_out && expect_err <<ERR
metapool: --tau-prior: '$p' is not a prior: $tau_expected
Try 'metapool --help' for more information.
ERR
done
for p in normal normal:0 normal:0:0 normal:0:-1 normal:x:1 flat ""; do
    run 2 --bayes --mu-prior "$p" good/ && expect_no_out && expect_err <<ERR
metapool: --mu-prior: '$p' is not a prior: expected uniform or normal:M:S (S > 0)
Try 'metapool --help' for more information.
ERR
done
for r in 0 -1 x 1x inf nan ""; do
    run 2 --bayes --threshold "$r" good/ && expect_no_out && expect_err <<ERR
metapool: --threshold must be a ratio greater than 0, not '$r'
Try 'metapool --help' for more information.
ERR
done
for opt in "--tau-prior halfcauchy:1" "--mu-prior normal:0:1" "--threshold 0.9"; do
    # shellcheck disable=SC2086
    run 2 $opt good/ && expect_no_out && expect_err <<'ERR'
metapool: --tau-prior, --mu-prior and --threshold need --bayes
Try 'metapool --help' for more information.
ERR
done
# One study, a flat mu and the improper Jeffreys prior: no posterior.
run 1 --bayes --tau-prior jeffreys good/hr-ci.xml && expect_no_out && expect_err <<'ERR'
metapool: Bayesian analysis: the posterior is improper with 1 study, a flat prior on mu and the Jeffreys prior on tau; give a proper prior for tau or a normal prior for mu
ERR
# ... which a proper mu prior makes proper.
run 0 --bayes --tau-prior jeffreys --mu-prior normal:0:1 good/hr-ci.xml &&
    contains out "Posterior median HR"
finish
