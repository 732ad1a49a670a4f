# tests/cli/lib.sh - helpers for the end-to-end tests of the metapool binary.
# Sourced by tests/cli/*.sh, which `make check` runs with METAPOOL set to the
# built program and top_srcdir to the source tree.  Each test runs metapool
# in tests/data, so file names in messages are short and stable.
set -u
: "${METAPOOL:?METAPOOL must name the metapool binary}"
data=$(cd "${top_srcdir:-.}/tests/data" && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
passed=0
failed=0
what=

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

# compare_figures NKEYS OURS EXPECTED: every row of the metafor table
# EXPECTED (a header line, NKEYS key columns whose second is the estimator,
# then the value) must be in OURS (same key columns, then our value) within
# 1e-8 relative for the closed-form estimators DL, HE, SJ and 1e-6 for the
# iterative ones (absolute floors 1e-12 and 1e-9 for figures that are zero
# in one program and a rounding residue in the other).
compare_figures() {
    awk -F'\t' -v nk="$1" '
    function abs(x) { return x < 0 ? -x : x }
    function key(   i, s) { s = $1; for (i = 2; i <= nk; i++) s = s SUBSEP $i; return s }
    function row(   i, s) { s = $1; for (i = 2; i <= nk; i++) s = s " " $i; return s }
    FNR == NR { ours[key()] = $(nk + 1); next }
    FNR == 1 { next }
    {
        k = key(); want = $(nk + 1)
        closed = ($2 == "DL" || $2 == "HE" || $2 == "SJ")
        rel = closed ? 1e-8 : 1e-6
        floor = closed ? 1e-12 : 1e-9
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

# finish: print the tally and exit non-zero on any failure.
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
