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

# finish: print the tally and exit non-zero on any failure.
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
