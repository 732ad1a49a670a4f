#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Determinism: the same studies in another order give the same pooled
# figures to the bit (metapool(1), DETERMINISM).  Every permutation of the
# files on the command line, and of the studies inside a collection, must
# give byte-identical JSON for the pooled blocks (fixed, random,
# heterogeneity, the subgroups matched by value and their test; a
# subgroup's list of studies keeps the input order), for every
# leave-one-out row matched by its study, for every study row matched by
# its id (weights included), and for the last cumulative step (which pools
# them all); the tables themselves keep the input order.  jq prints every
# number with 17 significant digits, so equal texts mean equal doubles.
. "${top_srcdir:-.}/tests/cli/lib.sh"

require jq

# The order-free part of a JSON report, one canonical text.
pooled() {
    jq -S -c '{fixed, random, heterogeneity, subgroup_test,
               subgroups: ((.subgroups // []) | map(.studies |= sort) | sort_by(.value)),
               leave_one_out: ((.leave_one_out // []) | sort_by(.omitted)),
               studies: (.studies | sort_by(.id)),
               last_step: ((.cumulative // [])[-1] | del(.added, .year))}' "$1"
}

# same_for_orders NAME ARGS -- FILE...: metapool -f json ARGS on the files
# in the given order and in $perms (default 5) shuffles of it gives the
# same pooled text.
same_for_orders() {
    name=$1
    shift
    args=
    while [ "$1" != "--" ]; do args="$args $1"; shift; done
    shift
    "$METAPOOL" -f json $args "$@" >"$tmp/ref.json" 2>"$tmp/err" || {
        what="$name"; fail "exit status $?: $(head -1 "$tmp/err")"; return; }
    pooled "$tmp/ref.json" >"$tmp/ref.txt"
    for seed in $(seq 1 "${perms:-5}"); do
        what="$name, permutation $seed"
        shuffled=$(printf '%s\n' "$@" | awk -v s=$seed 'BEGIN { srand(s) } { print rand() "\t" $0 }' | sort | cut -f2)
        "$METAPOOL" -f json $args $shuffled >"$tmp/perm.json" 2>"$tmp/err" || {
            fail "exit status $?"; continue; }
        pooled "$tmp/perm.json" >"$tmp/perm.txt"
        if cmp -s "$tmp/ref.txt" "$tmp/perm.txt"; then
            passed=$((passed + 1))
        else
            fail "figures differ: $(diff "$tmp/ref.txt" "$tmp/perm.txt" | head -3 | cut -c1-200)"
        fi
        # the study table keeps the order given
        what="$name, permutation $seed: study rows in input order"
        want=$(grep -ho '<study id="[^"]*"' $shuffled | cut -d'"' -f2 | tr '\n' ' ')
        got=$(jq -r '[.studies[].id] | join(" ")' "$tmp/perm.json")
        [ "$got " = "$want" ] && passed=$((passed + 1)) || fail "order $got"
    done
}

# make_studies DIR K SEED: K single-study files of random log hazard ratios
# (a few of them exact duplicates, some sharing an estimate, years with
# ties, a covariate of three values), one file each.
make_studies() {
    mkdir -p "$1"
    awk -v dir="$1" -v k="$2" -v seed="$3" 'BEGIN {
        srand(seed)
        for (i = 1; i <= k; i++) {
            if (i % 9 != 0) {
                y = sprintf("%.4f", -0.1 + (rand() - 0.5) * 0.8)
                se = sprintf("%.4f", exp(-3 + 4 * rand()))
            } else if (i % 2) {
                se = sprintf("%.4f", exp(-3 + 4 * rand()))
            }
            f = sprintf("%s/s%05d.xml", dir, i)
            printf "<study id=\"s%05d\" format=\"1\"><title>S%d</title><design>rct</design>", i, i >f
            printf "<publication year=\"%d\">X.</publication>", 1990 + int(rand() * 30) >f
            printf "<covariate name=\"arm\" value=\"%s\"/>", substr("abc", 1 + int(rand() * 3), 1) >f
            printf "<outcome name=\"OS\"><log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome></study>\n", y, se >f
            close(f)
        }
    }'
}

same_for_orders "shipped trials" --by sequence --cumulative -- "${top_srcdir:-.}"/studies/*.xml
same_for_orders "test studies, REML" -m REML --by sequence --cumulative -- "$data"/good/*.xml
for k in 2 3 10 100; do
    make_studies "$tmp/k$k" $k $k
    for m in DL REML PM; do
        same_for_orders "k = $k, $m" -m $m --by arm --cumulative -- "$tmp/k$k"/*.xml
    done
done
# Leave-one-out of the iterative estimators by series from k = 64 on.
make_studies "$tmp/k2000" 2000 7
for m in DL PM ML; do
    perms=2 same_for_orders "k = 2000, $m" -m $m --by arm -- "$tmp/k2000"/*.xml
done

# Inside one collection the same holds: the studies of a collection in
# reverse order.
what="a collection in reverse order"
{
    echo '<?xml version="1.0"?><studies format="1">'
    cat "$tmp/k100"/*.xml
    echo '</studies>'
} >"$tmp/fwd.xml"
{
    echo '<?xml version="1.0"?><studies format="1">'
    ls "$tmp/k100"/*.xml | sort -r | xargs cat
    echo '</studies>'
} >"$tmp/rev.xml"
"$METAPOOL" -f json -m EB "$tmp/fwd.xml" >"$tmp/a.json" &&
    "$METAPOOL" -f json -m EB "$tmp/rev.xml" >"$tmp/b.json" &&
    pooled "$tmp/a.json" >"$tmp/a.txt" && pooled "$tmp/b.json" >"$tmp/b.txt" &&
    cmp -s "$tmp/a.txt" "$tmp/b.txt" && passed=$((passed + 1)) || fail "figures differ"
finish
