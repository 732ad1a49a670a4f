#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Command-line parsing: --help, --version, and every bad argument is a usage
# error (exit 2) with a message naming the option.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run 0 --help && contains out "Usage: metapool [OPTION]... FILE|DIR..." && expect_no_err
run 0 -h && contains out "--validate"
run 0 --version && contains out "metapool " && expect_no_err

usage_hint="Try 'metapool --help' for more information."

run 2
expect_no_out
expect_err <<MSG
metapool: no input: name study files, directories or -
$usage_hint
MSG

bad_value() {   # bad_value MESSAGE OPTION VALUE
    msg=$1
    shift
    run 2 "$@" good/hr-ci.xml && expect_no_out && printf '%s\n%s\n' "metapool: $msg" "$usage_hint" | expect_err
}
for v in 0 1 1.5 -0.5 abc 0.95x '' nan inf 0x1p-1 95; do
    bad_value "--level must be a number strictly between 0 and 1, not '$v'" --level "$v"
done
bad_value "--level must be a number strictly between 0 and 1, not '2'" -l 2
bad_value "--method must be DL, REML, PM, SJ, HE, ML or EB, not 'dl'" -m dl
bad_value "--method must be DL, REML, PM, SJ, HE, ML or EB, not 'FE'" --method FE
bad_value "--format must be text, json, csv or html, not 'xml'" -f xml
bad_value "--measure must be RR or OR, not 'HR'" --measure HR
for v in 0 -1 1e3 10x 99999999999; do
    bad_value "--maxiter must be a positive integer, not '$v'" --maxiter "$v"
done
for v in 0 -5 1.5 1e6 '' 99999999999999999999; do
    bad_value "--max-studies must be a positive integer, not '$v'" --max-studies "$v"
done
bad_value "--tol must be a number strictly between 0 and 1, not '0'" --tol 0
bad_value "--tol must be a number strictly between 0 and 1, not 'small'" --tol small
bad_value "--outcome must not be empty" -o ''

run 2 --frobnicate good/hr-ci.xml && expect_no_out
contains err "unrecognized or ambiguous option '--frobnicate'"
contains err "$usage_hint"
run 2 good/hr-ci.xml --level && contains err "option '--level' requires an argument"
run 2 - - && expect_err <<MSG
metapool: standard input (-) may be named only once
$usage_hint
MSG

# valid values are accepted
run 0 --level 0.9 --method REML --hksj --format json --no-loo --maxiter 50 --tol 1e-10 --max-studies 1 good/hr-ci.xml
run 0 -l .99 -m PM -f csv good/
finish
