# SPDX-License-Identifier: GPL-3.0-or-later
# tests/cli/lib.sh - helpers for the end-to-end tests of the metapool binary.
# Sourced by every tests/cli/*.sh, which `make check` runs with METAPOOL set
# to the built program and top_srcdir to the source tree (Makefile.am,
# AM_TESTS_ENVIRONMENT).  Each test runs metapool in tests/data, so file
# names in messages are short and stable.
#
# A test counts its checks with passed and failed (or the helpers below)
# and ends with finish, which prints "N passed, N failed" and sets the exit
# status automake reads: 0 pass, 1 fail, 77 skip.  A test that cannot run
# at all without a tool says so with require (exit 77 at once); a test that
# can run only some of its checks without one asks have, and finish then
# exits 77 rather than 0, so no missing tool passes unseen.
set -u
: "${METAPOOL:?METAPOOL must name the metapool binary}"
srcdir=$(cd "${top_srcdir:-.}" && pwd)
data=$srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/metapool-test.XXXXXX") || exit 99
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
passed=0
failed=0
skipped=0
what=

# The tolerances of every comparison with metafor, in the one place that
# names them for the Check suites too: tests/testutil.h (MP_REF_TOL_*,
# relative, and MP_REF_ABS_*, absolute, for the closed-form estimators DL,
# HE, SJ and the iterative ones).
# ref_tol NAME [FILE]: the value of #define NAME in FILE (default
# tests/testutil.h; a suite's own tolerances are read from its source).
ref_tol() {
    sed -n "s/^#define $1 \([0-9.e+-]*\)\$/\1/p" "${2:-$srcdir/tests/testutil.h}"
}
TOL_CLOSED=$(ref_tol MP_REF_TOL_CLOSED)
TOL_ITERATIVE=$(ref_tol MP_REF_TOL_ITERATIVE)
ABS_CLOSED=$(ref_tol MP_REF_ABS_CLOSED)
ABS_ITERATIVE=$(ref_tol MP_REF_ABS_ITERATIVE)
if [ -z "$TOL_CLOSED" ] || [ -z "$TOL_ITERATIVE" ] || [ -z "$ABS_CLOSED" ] ||
    [ -z "$ABS_ITERATIVE" ]; then
    echo "ERROR: cannot read the tolerances of tests/testutil.h"
    exit 99
fi

# require TOOL...: skip this test (exit 77) unless every TOOL is on PATH.
require() {
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "SKIP: $tool is not installed"
            exit 77
        fi
    done
}

# skip WHY: note that some checks did not run (finish will exit 77).
skip() {
    echo "SKIP: $*"
    skipped=$((skipped + 1))
}

# have TOOL CHECKS: true when TOOL is on PATH; else skip CHECKS, saying why.
have() {
    command -v "$1" >/dev/null 2>&1 && return 0
    skip "$2: $1 is not installed"
    return 1
}

# ok: count one passed check (the current $what).
ok() { passed=$((passed + 1)); }

fail() {
    echo "FAIL: $what: $*"
    failed=$((failed + 1))
}

# run STATUS ARG...: run metapool in tests/data with no standard input;
# stdout goes to $tmp/out, stderr to $tmp/err; the exit status must be STATUS.
run() {
    expected=$1
    shift
    what="metapool $*"
    (cd "$data" && "$METAPOOL" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "exit status $status, expected $expected"
        sed 's/^/  stderr: /' "$tmp/err" | head -5
        return 1
    fi
    passed=$((passed + 1))
}

# run_stdin STATUS FILE ARG...: the same with FILE (in tests/data) on stdin.
run_stdin() {
    expected=$1
    input=$2
    shift 2
    what="metapool $* < $input"
    (cd "$data" && "$METAPOOL" "$@") >"$tmp/out" 2>"$tmp/err" <"$data/$input"
    status=$?
    if [ "$status" -ne "$expected" ]; then
        fail "exit status $status, expected $expected"
        return 1
    fi
    passed=$((passed + 1))
}

# compare WHICH: the captured WHICH (out or err) must equal standard input.
compare() {
    if diff -u - "$tmp/$1" >"$tmp/diff"; then
        passed=$((passed + 1))
    else
        fail "std$1 differs (- expected, + got)"
        sed 's/^/  /' "$tmp/diff" | head -40
    fi
}
expect_out() { compare out; }
expect_err() { compare err; }
expect_no_out() { : | compare out; }
expect_no_err() { : | compare err; }

# expect_out_file FILE: stdout must equal tests/data/FILE.
expect_out_file() { compare out <"$data/$1"; }

# contains WHICH TEXT: the captured stream must contain TEXT (fixed string).
contains() {
    if grep -qF -- "$2" "$tmp/$1"; then
        passed=$((passed + 1))
    else
        fail "std$1 lacks '$2'"
    fi
}

# run_estimators OURS EXTRACT CASE XML ARGS...: run metapool -f json ARGS
# on XML for every estimator, with and without HKSJ, and append the jq
# EXTRACT of each report to OURS as "CASE METHOD KNHA <extract columns>".
run_estimators() {
    ours=$1 extract=$2 case_id=$3 xml=$4
    shift 4
    for method in DL REML PM SJ HE ML EB; do
        for knha in 0 1; do
            flag=
            [ "$knha" = 1 ] && flag=--hksj
            what="metapool -f json $* -m $method $flag $case_id"
            if "$METAPOOL" -f json "$@" -m "$method" $flag "$xml" >"$tmp/out" 2>"$tmp/err"; then
                jq -r "$extract" "$tmp/out" |
                    awk -v c="$case_id" -v m="$method" -v k="$knha" \
                        'BEGIN { OFS = "\t" } { print c, m, k, $0 }' >>"$ours"
            else
                fail "exit status $?: $(head -1 "$tmp/err")"
            fi
        done
    done
}

# cases_to_collections CASES DIR: the data sets of a reference cases.tsv
# (tests/reference/README.md) as one study collection each, DIR/CASE.xml,
# each study in the form the reference drew for it (log HR + SE, HR + CI
# at a level, HR + p, Peto).
cases_to_collections() {
    awk -F'\t' -v dir="$2" '
    NR == 1 { next }
    function close_case() {
        if (file != "") { print "</studies>" > file; close(file) }
    }
    $1 != cur {
        close_case(); cur = $1; file = dir "/" cur ".xml"
        print "<?xml version=\"1.0\"?>\n<studies format=\"1\">" > file
        n = 0
    }
    {
        n++
        if ($3 == "logse")
            eff = sprintf("<log-hazard-ratio estimate=\"%s\" se=\"%s\"/>", $5, $6)
        else if ($3 == "ci")
            eff = sprintf("<hazard-ratio estimate=\"%s\" lower=\"%s\" upper=\"%s\" level=\"%s\"/>", $5, $6, $7, $4)
        else if ($3 == "p")
            eff = sprintf("<hazard-ratio estimate=\"%s\" p=\"%s\"/>", $5, $6)
        else
            eff = sprintf("<peto o-minus-e=\"%s\" variance=\"%s\"/>", $5, $6)
        printf "<study id=\"%s\"><title>%s %s</title><design>rct</design>", $2, $1, $2 > file
        printf "<publication year=\"%d\">Generated by make_cases.R.</publication>", 1990 + n > file
        printf "<outcome name=\"OS\">%s</outcome></study>\n", eff > file
    }
    END { close_case() }' "$1"
}

# compare_figures NKEYS OURS EXPECTED: every row of the metafor table
# EXPECTED (a header line, NKEYS key columns whose second is the estimator,
# then the value) must be in OURS (same key columns, then our value) within
# the tolerances above: relative TOL_CLOSED for the closed-form estimators
# DL, HE, SJ and TOL_ITERATIVE for the others, with the absolute floors
# ABS_* for figures that are zero in one program and a rounding residue in
# the other.
compare_figures() {
    awk -F'\t' -v nk="$1" -v tc="$TOL_CLOSED" -v ti="$TOL_ITERATIVE" \
        -v ac="$ABS_CLOSED" -v ai="$ABS_ITERATIVE" '
    function abs(x) { return x < 0 ? -x : x }
    function key(   i, s) { s = $1; for (i = 2; i <= nk; i++) s = s SUBSEP $i; return s }
    function row(   i, s) { s = $1; for (i = 2; i <= nk; i++) s = s " " $i; return s }
    FNR == NR { ours[key()] = $(nk + 1); next }
    FNR == 1 { next }
    {
        k = key(); want = $(nk + 1)
        closed = ($2 == "DL" || $2 == "HE" || $2 == "SJ")
        rel = closed ? tc : ti
        floor = closed ? ac : ai
        n++
        if (!(k in ours) || ours[k] == "null") {
            if (missing++ < 10) printf "  missing: %s (metafor %s)\n", row(), want
            next
        }
        got = ours[k] + 0; want += 0
        d = abs(got - want); m = abs(want) > abs(got) ? abs(want) : abs(got)
        if (m > 0 && d / m > worst[closed]) worst[closed] = d / m
        if (d > rel * m && d > floor && bad++ < 20)
            printf "  differs: %s: metapool %s, metafor %s (rel %.3g)\n", row(), ours[k], $(nk + 1), d / m
    }
    END {
        printf "%d figures compared; %d missing, %d outside tolerance\n", n, missing, bad
        printf "largest relative difference: closed-form %.3g, iterative %.3g\n", worst[1], worst[0]
        exit (missing + bad > 0)
    }' "$2" "$3"
}

# count FILE PATTERN N: PATTERN (fixed string) is on exactly N lines (the
# writer puts each element on its own line).
count() {
    what="$1: $2"
    n=$(grep -c -F -- "$2" "$1")
    [ "$n" -eq "$3" ] && ok || fail "$n times, expected $3"
}

# finish: print the tally; exit 1 on any failure, else 77 when some checks
# were skipped, else 0.
finish() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ] || exit 1
    [ "$skipped" -eq 0 ] || exit 77
    exit 0
}
