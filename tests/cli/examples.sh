#!/bin/sh
# Every example of metapool(1) (EXAMPLES section) run as printed in the page,
# in a scratch directory holding a copy of the shipped studies/*.xml with
# `metapool` first on PATH, plus the exit statuses the page documents.
set -u
srcdir=${top_srcdir:-.}
case $srcdir in /*) ;; *) srcdir=$(pwd)/$srcdir ;; esac
bin=${METAPOOL:?METAPOOL must name the metapool binary}
work=$(mktemp -d "${TMPDIR:-/tmp}/metapool-examples.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT HUP INT TERM
mkdir "$work/bin" "$work/studies"
ln -s "$bin" "$work/bin/metapool"
cp "$srcdir"/studies/*.xml "$work/studies/"
PATH=$work/bin:$PATH
export PATH
LC_ALL=C
export LC_ALL
cd "$work" || exit 2

failed=0
n=0

# run NAME EXPECTED-STATUS PATTERN COMMAND: run COMMAND with sh, check its
# exit status, and that stdout+stderr match the grep -E PATTERN (if any).
run() {
    name=$1 want=$2 pattern=$3 cmd=$4
    n=$((n + 1))
    sh -c "$cmd" >"$work/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $n ($name): \`$cmd' exited $got, expected $want"
        sed 's/^/    /' "$work/out" | head -20
        failed=1
    elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$work/out"; then
        echo "FAIL $n ($name): \`$cmd' output does not match /$pattern/"
        sed 's/^/    /' "$work/out" | head -20
        failed=1
    else
        echo "ok   $n ($name): $cmd"
    fi
}

# ---- the EXAMPLES section, in order ----------------------------------------

run "pool shipped trials" 0 '^Fixed effect .*Random effects|Random effects \(' \
    'metapool studies/*.xml'
run "directory, REML, HKSJ" 0 't = .* on [0-9]+ df' \
    'metapool -m REML --hksj studies/'
if command -v jq >/dev/null 2>&1; then
    # the pipeline of the page; metapool's own status is checked too
    run "JSON random block" 0 '"method": "DL"' \
        '{ metapool -f json studies/*.xml; echo "metapool exit $?" >&2; } 2>status |
         jq -e .random && grep -qx "metapool exit 0" status'
else
    echo "skip $((n + 1)) (JSON random block): jq not installed"
fi
run "other outcome, one study" 0 '1 study' \
    'metapool -o LRPFS studies/*.xml'

# A new descriptor, valid, with an identifier of its own.
sed 's/id="e2108"/id="new-trial"/' studies/e2108.xml >studies/new-trial.xml
run "validate a new descriptor" 0 '^1 study checked: no problems found$' \
    'metapool --validate studies/new-trial.xml'
run "validate it with the others" 0 'studies checked: no problems found$' \
    'metapool --validate studies/'
rm -f studies/new-trial.xml

run "90% intervals" 0 '90% confidence intervals' \
    'metapool -l 0.90 studies/*.xml'
run "standard input" 0 '1 study' \
    'cat studies/e2108.xml | metapool -'
run "CSV forest rows" 0 '' \
    'metapool -f csv --no-loo studies/*.xml > forest.csv &&
     head -n 1 forest.csv | grep -qx "row,id,label,year,n_experimental,n_control,estimate,lower,upper,log_estimate,se,weight_fixed,weight_random,outcome,measure,level" &&
     grep -q "^prediction," forest.csv'
run "subgroups by sequence" 0 '^Test for subgroup differences: Q = .* on 1 df' \
    'metapool --by sequence studies/*.xml'
run "cumulative with its forest plot" 0 '' \
    'rm -f cumulative.svg &&
     metapool --cumulative --forest cumulative.svg studies/*.xml > report.txt &&
     grep -q "^Cumulative meta-analysis by publication year" report.txt &&
     test -s cumulative.svg && head -c 5 cumulative.svg | grep -qx "<?xml" &&
     grep -q "<svg" cumulative.svg && grep -q "class=\"step\"" cumulative.svg'
run "forest and leave-one-out plots" 0 '' \
    'rm -f os.svg os-loo.svg &&
     metapool --forest os.svg --loo-forest os-loo.svg studies/*.xml > report.txt &&
     grep -q "^Leave-one-out" report.txt &&
     for f in os.svg os-loo.svg; do
         test -s "$f" && head -c 5 "$f" | grep -qx "<?xml" && grep -q "<svg" "$f" || exit 1
     done &&
     grep -q "class=\"omitted\"" os-loo.svg'

# ---- exit statuses and messages documented in the page ---------------------

run "exit 2: estimator names are upper case" 2 "^metapool: --method must be" \
    'metapool -m reml studies/'
run "exit 2: level is a fraction" 2 "^metapool: --level must be a number strictly between 0 and 1, not '95'" \
    'metapool -l 95 studies/'
run "exit 2: no operand" 2 '' \
    'metapool'
run "exit 1: outcome nobody has" 1 '^metapool: no input has outcome "NOPE"' \
    'metapool -o NOPE studies/'
run "exit 1: duplicate id" 1 'duplicate study id "e2108"' \
    'cp studies/e2108.xml copy.xml && metapool studies/ copy.xml'
run "exit 0: a file named twice is read once" 0 '^metapool: studies/e2108.xml: warning: named twice on the command line; read once' \
    'metapool studies/ studies/e2108.xml'
run "exit 3: a fit that is not finite" 3 '^metapool: DL estimator: the fit is not finite \(extreme sampling variances\?\)$' \
    'for i in 1 2; do printf "<study format=\"1\" id=\"x%s\"><title>X</title><design>rct</design><publication year=\"2020\">X.</publication><outcome name=\"OS\"><log-hazard-ratio estimate=\"0.%s\" se=\"1e-160\"/></outcome></study>\n" $i $i >x$i.xml; done
     metapool x1.xml x2.xml'
run "iterative estimators converge: the iteration limit bounds Fisher scoring only" 0 '' \
    'metapool -m REML --maxiter 1 studies/ >/dev/null && metapool -m PM --maxiter 1 studies/ >/dev/null'
run "exit 1: --by covariate nobody has" 1 '^metapool: no study with outcome OS has a covariate named "nope"$' \
    'metapool --by nope studies/'
run "exit 1: --loo-forest needs two studies" 1 '^metapool: --loo-forest needs at least two studies$' \
    'metapool -o LRPFS --loo-forest one.svg studies/; st=$?; test -e one.svg && st=9; exit $st'
run "exit 1: --validate checks an outcome given with -o" 1 '^metapool: no input has outcome "NOPE"' \
    'metapool --validate -o NOPE studies/'
run "JSON: null and no leave_one_out for k = 1" 0 '' \
    'metapool -f json -o LRPFS studies/ | grep -q "\"tau2\": null" &&
     ! metapool -f json -o LRPFS studies/ | grep -q leave_one_out'

[ "$failed" -eq 0 ] && echo "$n passed, 0 failed" || echo "some examples FAILED"
exit "$failed"
