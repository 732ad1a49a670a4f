#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Trial sequential analysis (--tsa, issue 20) through the command line:
# the JSON block "tsa" of the ten cases of tests/reference/tsa (make_tsa.R:
# metafor's cumulative fits, D^2, and boundaries by mvtnorm brute force;
# the first cases are the shipped trials), the collections tests/data/tsa/
# made from its cases.tsv; the keys and null rules of the contract
# (shared spec analyses-2.md, section 3); the text section against
# expected files; and bad option values (exit 2 and the message).  The
# tolerances are those of tests/check_tsa.c, read from it.  The JSON
# checks need jq (else skipped).
. "${top_srcdir:-.}/tests/cli/lib.sh"
refdir="${MP_REFDIR:-$top_srcdir/tests/reference}"

# REF_TOL, BOUND_TOL, ABS_FLOOR and INTERVAL_ABS, as check_tsa.c defines
# them (numbers only, so eval sees nothing else).
eval "$(sed -n 's/^#define \(REF_TOL\|BOUND_TOL\|ABS_FLOOR\|INTERVAL_ABS\) \([0-9.e+-]*\)$/\1=\2/p' \
    "$srcdir/tests/check_tsa.c")"
if [ -z "${REF_TOL:-}" ] || [ -z "${BOUND_TOL:-}" ] || [ -z "${ABS_FLOOR:-}" ] ||
    [ -z "${INTERVAL_ABS:-}" ]; then
    echo "ERROR: cannot read the tolerances of tests/check_tsa.c"
    exit 99
fi

# The options of each case of cases.tsv (its first row), one line each:
# case, then the metapool arguments.
awk -F'\t' 'NR > 1 && $1 != cur {
    cur = $1
    printf "%s --tsa %s --alpha %s --power %s --spending %s --tsa-model %s%s\n",
        $1, $2, $3, $4, $5, $6, $7 == "futility" ? " --futility" : ""
}' "$refdir/tsa/cases.tsv" >"$tmp/cases"

# Every figure of the JSON block that expected.tsv has, as
# case, look ("-" for the case), key, value.
json_figures() {
    jq -r --arg c "$1" '.tsa |
        ((["required_information", "D2", "adjusted_required_information"][]
          as $k | [$c, "-", $k, (.[$k] | tostring)]),
         (.looks | to_entries[] | (.key | tostring) as $j | .value |
          (["added", "information", "fraction", "z", "boundary", "futility",
            "crossed", "log_estimate", "lower", "upper"][] as $k |
           [$c, $j, $k, (.[$k] | tostring)]))) | @tsv'
}

# against_reference N: the figures of $tmp/ours.tsv (json_figures) against
# expected.tsv, where the N figures of the cases in ours must be found
# within the tolerances: the row index of the study added against its id
# r<row>; crossed 0..3 against null, benefit, harm, futility; nan and +-inf
# (no boundary yet) against null; the interval's ends on the log scale,
# absolutely (they may be near 1, where a relative tolerance of the log
# means nothing).
against_reference() {
    awk -F'\t' -v rt="$REF_TOL" -v bt="$BOUND_TOL" -v af="$ABS_FLOOR" \
        -v ia="$INTERVAL_ABS" '
    function abs(x) { return x < 0 ? -x : x }
    function max(a, b) { return a > b ? a : b }
    NR == FNR { ours[$1 SUBSEP $2 SUBSEP $3] = $4; cases[$1]; next }
    FNR == 1 || $3 == "new_look" || $3 == "se" || !($1 in cases) { next }
    {
        k = $1 SUBSEP $2 SUBSEP $3; want = $4
        if (!(k in ours)) { print "missing: " $1 " " $2 " " $3; bad++; next }
        got = ours[k]; n++
        if ($3 == "added") { good = got == "r" want }
        else if ($3 == "crossed") {
            split("null benefit harm futility", name, " ")
            good = got == name[want + 1]
        } else if (want == "nan" || want ~ /^-?inf$/) { good = got == "null" }
        else if (got == "null") { good = 0 }
        else if ($3 == "lower" || $3 == "upper") {
            good = abs(log(got) - want) <= max(bt * abs(want), ia)
        } else {
            tol = $3 == "boundary" || $3 == "futility" ? bt : rt
            good = abs(got - want) <= max(tol * abs(want), af)
        }
        if (!good) { print $1 " look " $2 " " $3 ": " got ", expected " want; bad++ }
    }
    END { print n " compared"; exit bad > 0 }' "$tmp/ours.tsv" \
        "$refdir/tsa/expected.tsv" >"$tmp/cmp"
    if [ $? -eq 0 ] && grep -qx "$1 compared" "$tmp/cmp"; then
        ok
    else
        fail "figures differ"
        sed 's/^/  /' "$tmp/cmp" | head -20
    fi
}

if have jq "the JSON figures, keys and nulls"; then
    : >"$tmp/ours.tsv"
    while read -r case args; do
        what="metapool -f json --no-loo $args tsa/$case.xml"
        # shellcheck disable=SC2086
        if (cd "$data" && "$METAPOOL" -f json --no-loo $args "tsa/$case.xml" </dev/null) \
            >"$tmp/out.json" 2>"$tmp/err"; then
            ok
            json_figures "$case" <"$tmp/out.json" >>"$tmp/ours.tsv"
        else
            fail "exit status $?"
        fi
    done <"$tmp/cases"
    what="TSA figures against tests/reference/tsa/expected.tsv"
    against_reference 600

    # The block's keys, exactly the contract's, and its order.
    what="tsa keys"
    run 0 -f json --no-loo --tsa 0.85 --alpha 0.01 tsa/tiny-look-and-past-one.xml
    jq -c '.tsa | keys_unsorted' "$tmp/out" >"$tmp/keys"
    jq -c '.tsa.looks[0] | keys_unsorted' "$tmp/out" >>"$tmp/keys"
    compare keys <<'EOF'
["anticipated","alpha","power","spending","model","required_information","required_events","D2","adjusted_required_information","looks","conclusion"]
["added","year","k","information","fraction","z","boundary","futility","crossed","log_estimate","estimate","lower","upper"]
EOF
    # A first look under 1% of the information has no boundary, hence no
    # adjusted interval; no futility boundary without --futility; nothing
    # crossed; the options as given and the defaults.
    what="tsa nulls and options"
    jq -c '.tsa | [.anticipated, .alpha, .power, .spending, .model,
        .required_events == 4 * .required_information,
        (.looks[0] | [.added, .year, .k, .boundary, .futility, .crossed,
                      .lower, .upper]),
        (.looks[3] | [.crossed, .lower < .estimate, .estimate < .upper])]' \
        "$tmp/out" >"$tmp/nulls"
    compare nulls <<'EOF'
[0.85,0.01,0.8,"obf","random",true,["r0",1999,1,null,null,null,null,null],["benefit",true,true]]
EOF
    what="no tsa block without --tsa"
    run 0 -f json --no-loo tsa/stage4-random-obf.xml
    [ "$(jq 'has("tsa")' "$tmp/out")" = false ] && ok || fail "a tsa block"

    # The shipped trials: the first case of the reference is studies/,
    # its rows the files in name order.
    what="the shipped trials against stage4-random-obf"
    run 0 -f json --no-loo --tsa 0.8 "$srcdir"/studies/*.xml
    json_figures stage4-random-obf <"$tmp/out" | sed -e 's/\tabcsg-28$/\tr0/' \
        -e 's/\te2108$/\tr1/' -e 's/\tjcog1017$/\tr2/' -e 's/\tmf07-01$/\tr3/' \
        -e 's/\ttata-memorial$/\tr4/' >"$tmp/ours.tsv"
    against_reference 53
    [ "$(jq -r '[.tsa.looks[].added] | join(" ")' "$tmp/out")" = \
        "tata-memorial mf07-01 abcsg-28 e2108 jcog1017" ] && ok ||
        fail "looks not in publication order"
fi

# The text section, shipped trials and a crossing with futility.
what="text section, studies/"
run 0 --no-loo --tsa 0.8 --futility "$srcdir"/studies/*.xml &&
    sed -n '/^Trial sequential analysis/,$p' "$tmp/out" >"$tmp/section" &&
    compare section <"$data/expected/tsa-studies.txt"
what="text section, a crossing"
run 0 --no-loo --tsa 0.85 --alpha 0.01 --spending hsd:-2 tsa/tiny-look-and-past-one.xml &&
    sed -n '/^Trial sequential analysis/,$p' "$tmp/out" >"$tmp/section" &&
    compare section <"$data/expected/tsa-crossing.txt"
what="text section, futility"
run 0 --no-loo --tsa 0.8 --power 0.9 --spending pocock --tsa-model fixed --futility tsa/null-fixed-pocock-futility.xml &&
    sed -n '/^Trial sequential analysis/,$p' "$tmp/out" >"$tmp/section" &&
    compare section <"$data/expected/tsa-futility.txt"

# The README shows this very section, verbatim.
what="README.md shows the TSA of the shipped trials"
awk 'NR == FNR { want = want $0 "\n"; next }
     { got = got $0 "\n" }
     END { exit index(got, "```\n" want "```\n") == 0 }' \
    "$data/expected/tsa-studies.txt" "$srcdir/README.md" && ok ||
    fail "README.md differs from tests/data/expected/tsa-studies.txt"

# Bad values: usage errors (exit 2), nothing on standard output.
bad() {
    message=$1
    shift
    run 2 "$@" good/ && expect_no_out && expect_err <<ERR
metapool: $message
Try 'metapool --help' for more information.
ERR
}
for hr in 1 0 -0.8 1.0e0 abc nan inf 0.8x ""; do
    bad "--tsa must be a hazard ratio above 0 other than 1, not '$hr'" --tsa "$hr"
done
for a in 0 1 -0.05 1.5 0.05% ""; do
    bad "--alpha must be a number strictly between 0 and 1, not '$a'" --tsa 0.8 --alpha "$a"
    bad "--power must be a number strictly between 0 and 1, not '$a'" --tsa 0.8 --power "$a"
done
for sp in OBF hsd:50 hsd: hsd:x pocock:1; do
    bad "--spending: '$sp' is not a spending function: expected obf, pocock or hsd:GAMMA (GAMMA from -40 to 40)" --tsa 0.8 --spending "$sp"
done
bad "--tsa-model must be random or fixed, not 'DL'" --tsa 0.8 --tsa-model DL
for opt in "--alpha 0.1" "--power 0.9" "--spending pocock" "--tsa-model fixed" --futility; do
    # shellcheck disable=SC2086
    bad "--alpha, --power, --spending, --tsa-model and --futility need --tsa" $opt
done
finish
