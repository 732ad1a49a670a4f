#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The reports: text, JSON and CSV of the good inputs compared with reviewed
# outputs in tests/data/expected/, JSON checked for well-formedness and the
# contract's keys, and write errors detected.  Without jq or /dev/full the
# checks that need them are skipped and the test says so (exit 77).
. "${top_srcdir:-.}/tests/cli/lib.sh"

run 0 good/ && expect_no_err && expect_out_file expected/good.txt
run 0 -f json good/ && expect_out_file expected/good.json
run 0 -f csv good/ && expect_out_file expected/good.csv
run 0 -m REML --hksj -l 0.9 good/ && expect_out_file expected/good-reml-hksj-90.txt
run 0 good/hr-ci.xml && expect_out_file expected/k1.txt
run 0 -f json good/hr-ci.xml && expect_out_file expected/k1.json
run 0 good/hr-ci.xml good/hr-p.xml && expect_out_file expected/k2.txt
run 0 --measure OR -f json counts/ && expect_out_file expected/counts-or.json
run 0 --by sequence --cumulative good/ && expect_out_file expected/good-by-cumulative.txt
run 0 -f csv --by sequence --cumulative good/ && expect_out_file expected/good-by-cumulative.csv
run 0 -f json --by sequence --cumulative good/ && expect_out_file expected/good-by-cumulative.json

# Input order: a directory is read in name order, so these two agree.
run 0 -f csv good/hr-ci.xml good/hr-ci90.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
expect_out_file expected/good.csv

# --no-loo drops the leave-one-out block and nothing else.
run 0 -f json --no-loo good/
if have jq "the JSON report's keys and nulls"; then
    what="JSON report keys"
    keys=$(jq -c '[keys_unsorted, (.fixed | keys_unsorted), (.random | keys_unsorted), (.heterogeneity | keys_unsorted), (.studies[0] | keys_unsorted)]' "$data/expected/good.json")
    want='[["outcome","measure","level","k","studies","not_pooled","fixed","random","heterogeneity","conclusion","leave_one_out"],["log_estimate","se","estimate","lower","upper","z","p"],["method","tau2","tau","log_estimate","se","estimate","lower","upper","test","statistic","df","p","pi_lower","pi_upper","pi_method","pi_df","tau2_lower","tau2_upper"],["Q","df","p","I2","H2","I2_lower","I2_upper","H2_lower","H2_upper"],["id","title","year","yi","se","estimate","lower","upper","weight_fixed","weight_random","n_experimental","n_control","events_experimental","events_control","derived"]]'
    [ "$keys" = "$want" ] && passed=$((passed + 1)) || fail "keys are $keys"
    what="--no-loo"
    [ "$(jq 'has("leave_one_out")' "$tmp/out")" = false ] && passed=$((passed + 1)) || fail "leave_one_out present"
    what="k = 1: random and heterogeneity figures are null"
    [ "$(jq -c '[.random.tau2, .random.estimate, .heterogeneity.Q]' "$data/expected/k1.json")" = '[null,null,null]' ] &&
        passed=$((passed + 1)) || fail "not null"
fi

# The conclusion: the JSON's "conclusion" is the text report's paragraph
# after "In words:" (its lines joined), in each case of the reports
# (across 1 with a prediction interval, below 1 with tau^2 = 0, one
# study, odds); no report says "no difference".
in_words() {
    awk '/^In words: /{on=1; sub(/^In words: /, "")} on && /^$/{exit}
         on{printf "%s%s", sep, $0; sep=" "} END{print ""}' "$1"
}
same_conclusion() {
    run 0 "$@" && cp "$tmp/out" "$tmp/text"
    run 0 -f json "$@" && jq -r .conclusion "$tmp/out" >"$tmp/concl"
    what="metapool $*: JSON conclusion = text report's In words"
    in_words "$tmp/text" >"$tmp/words"
    if grep -q '^The ' "$tmp/words" && cmp -s "$tmp/words" "$tmp/concl"; then
        passed=$((passed + 1))
    else
        fail "differ: '$(cat "$tmp/concl")' / '$(cat "$tmp/words")'"
    fi
}
if have jq "the JSON conclusion against the text report"; then
    same_conclusion good/
    same_conclusion good/hr-ci.xml good/hr-p.xml
    same_conclusion good/hr-ci.xml
    same_conclusion --measure OR counts/
fi
what="no expected report says 'no difference'"
grep -ril "no difference" "$data/expected" >"$tmp/found"
[ ! -s "$tmp/found" ] && passed=$((passed + 1)) || fail "$(cat "$tmp/found")"

# A report that cannot be written is an error, never a silent success.
if [ -w /dev/full ]; then
    what="metapool good/ > /dev/full"
    (cd "$data" && "$METAPOOL" good/ >/dev/full 2>"$tmp/err")
    [ $? -eq 1 ] && passed=$((passed + 1)) || fail "exit status not 1"
    contains err "metapool: cannot write the report: No space left on device"
else
    skip "a report that cannot be written: /dev/full is not writable here"
fi
finish
