#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every example of metapool(1) (EXAMPLES section) run as printed in the page,
# in a scratch directory holding a copy of the shipped studies/*.xml with
# `metapool` first on PATH, plus the exit statuses the page documents.
. "${top_srcdir:-.}/tests/cli/lib.sh"
work=$tmp/work
mkdir "$work" "$work/bin" "$work/studies" || exit 99
ln -s "$METAPOOL" "$work/bin/metapool"
cp "$srcdir"/studies/*.xml "$work/studies/"
PATH=$work/bin:$PATH
export PATH
LC_ALL=C
export LC_ALL
cd "$work" || exit 99
n=0

# example NAME EXPECTED-STATUS PATTERN COMMAND: run COMMAND with sh, check
# its exit status, and that stdout+stderr match the grep -E PATTERN (if any).
example() {
    name=$1 want=$2 pattern=$3 cmd=$4
    n=$((n + 1))
    what="$n ($name): \`$cmd'"
    sh -c "$cmd" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exited $got, expected $want"
        sed 's/^/    /' "$tmp/out" | head -20
    elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$tmp/out"; then
        fail "output does not match /$pattern/"
        sed 's/^/    /' "$tmp/out" | head -20
    else
        echo "ok   $n ($name): $cmd"
        ok
    fi
}

# ---- the EXAMPLES section, in order ----------------------------------------

example "pool shipped trials" 0 '^Fixed effect .*Random effects|Random effects \(' \
    'metapool studies/*.xml'
example "directory, REML, HKSJ" 0 't = .* on [0-9]+ df' \
    'metapool -m REML --hksj studies/'
if have jq "example $((n + 1)) (JSON random block)"; then
    # the pipeline of the page; metapool's own status is checked too
    run "JSON random block" 0 '"method": "DL"' \
        '{ metapool -f json studies/*.xml; echo "metapool exit $?" >&2; } 2>status |
         jq -e .random && grep -qx "metapool exit 0" status'
else
    n=$((n + 1))
fi
example "other outcome, one study" 0 '1 study' \
    'metapool -o LRPFS studies/*.xml'

# A new descriptor, valid, with an identifier of its own.
sed 's/id="e2108"/id="new-trial"/' studies/e2108.xml >studies/new-trial.xml
example "validate a new descriptor" 0 '^1 study checked: no problems found$' \
    'metapool --validate studies/new-trial.xml'
example "validate it with the others" 0 'studies checked: no problems found$' \
    'metapool --validate studies/'
rm -f studies/new-trial.xml

example "90% intervals" 0 '90% confidence intervals' \
    'metapool -l 0.90 studies/*.xml'
example "standard input" 0 '1 study' \
    'cat studies/e2108.xml | metapool -'
example "CSV forest rows" 0 '' \
    'metapool -f csv --no-loo studies/*.xml > forest.csv &&
     head -n 1 forest.csv | grep -qx "row,id,label,year,n_experimental,n_control,estimate,lower,upper,log_estimate,se,weight_fixed,weight_random,outcome,measure,level,derived" &&
     grep -q "^prediction," forest.csv'
example "subgroups by sequence" 0 '^Test for subgroup differences: Q = .* on 1 df' \
    'metapool --by sequence studies/*.xml'
example "cumulative with its forest plot" 0 '' \
    'rm -f cumulative.svg &&
     metapool --cumulative --forest cumulative.svg studies/*.xml > report.txt &&
     grep -q "^Cumulative meta-analysis by publication year" report.txt &&
     test -s cumulative.svg && head -c 5 cumulative.svg | grep -qx "<?xml" &&
     grep -q "<svg" cumulative.svg && grep -q "class=\"step\"" cumulative.svg'
example "forest and leave-one-out plots" 0 '' \
    'rm -f os.svg os-loo.svg &&
     metapool --forest os.svg --loo-forest os-loo.svg studies/*.xml > report.txt &&
     grep -q "^Leave-one-out" report.txt &&
     for f in os.svg os-loo.svg; do
         test -s "$f" && head -c 5 "$f" | grep -qx "<?xml" && grep -q "<svg" "$f" || exit 1
     done &&
     grep -q "class=\"omitted\"" os-loo.svg'

# ---- exit statuses and messages documented in the page ---------------------

example "exit 2: estimator names are upper case" 2 "^metapool: --method must be" \
    'metapool -m reml studies/'
example "exit 2: level is a fraction" 2 "^metapool: --level must be a number strictly between 0 and 1, not '95'" \
    'metapool -l 95 studies/'
example "exit 2: no operand" 2 '' \
    'metapool'
example "exit 1: outcome nobody has" 1 '^metapool: no input has outcome "NOPE"' \
    'metapool -o NOPE studies/'
example "exit 1: duplicate id" 1 'duplicate study id "e2108"' \
    'cp studies/e2108.xml copy.xml && metapool studies/ copy.xml'
example "exit 0: a file named twice is read once" 0 '^metapool: studies/e2108.xml: warning: named twice on the command line; read once' \
    'metapool studies/ studies/e2108.xml'
example "exit 3: a fit that is not finite" 3 '^metapool: DL estimator: the fit is not finite \(extreme sampling variances\?\)$' \
    'for i in 1 2; do printf "<study format=\"1\" id=\"x%s\"><title>X</title><design>rct</design><publication year=\"2020\">X.</publication><outcome name=\"OS\"><log-hazard-ratio estimate=\"0.%s\" se=\"1e-160\"/></outcome></study>\n" $i $i >x$i.xml; done
     metapool x1.xml x2.xml'
example "iterative estimators converge: the iteration limit bounds Fisher scoring only" 0 '' \
    'metapool -m REML --maxiter 1 studies/ >/dev/null && metapool -m PM --maxiter 1 studies/ >/dev/null'
example "exit 1: --by covariate nobody has" 1 '^metapool: no study with outcome OS has a covariate named "nope"$' \
    'metapool --by nope studies/'
example "exit 1: --loo-forest needs two studies" 1 '^metapool: --loo-forest needs at least two studies$' \
    'metapool -o LRPFS --loo-forest one.svg studies/; st=$?; test -e one.svg && st=9; exit $st'
example "exit 1: --validate checks an outcome given with -o" 1 '^metapool: no input has outcome "NOPE"' \
    'metapool --validate -o NOPE studies/'
example "JSON: null and no leave_one_out for k = 1" 0 '' \
    'metapool -f json -o LRPFS studies/ | grep -q "\"tau2\": null" &&
     ! metapool -f json -o LRPFS studies/ | grep -q leave_one_out'

finish
