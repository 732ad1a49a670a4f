#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# libmetapool(3): its example program is tests/example/pool.c, the same
# text (escaped for roff); built against the library, it writes for the
# shipped trials the JSON that metapool writes; the page names every
# function of the public header (manpages.sh checks that it renders).
# MP_POOL may name another build of the example (the installed library's).
. "${top_srcdir:-.}/tests/cli/lib.sh"
src="${top_srcdir:-.}"
page="$src/man/libmetapool.3"
pool="${MP_POOL:-${top_builddir:-.}/tests/example/pool}"

what="libmetapool(3) EXAMPLE is tests/example/pool.c"
sed -n '/^\.\\" example begins/,/^\.\\" example ends/p' "$page" |
    sed -e '1,2d' -e '$d' | sed '$d' |
    sed -e 's/^\\&//' -e 's/\\(aq/'"'"'/g' -e 's/\\(ga/`/g' -e 's/\\-/-/g' \
        -e 's/\\e/\\/g' >"$tmp/example.c"
if [ -s "$tmp/example.c" ] && diff -u "$src/tests/example/pool.c" "$tmp/example.c" >"$tmp/diff"; then
    passed=$((passed + 1))
else
    fail "they differ (- pool.c, + the page):"
    sed 's/^/  /' "$tmp/diff" | head -20
fi

what="libmetapool(3) names every function of metapool.h"
for fn in $(sed -n 's/^[a-z].*[ *]\(mp_[a-z0-9_]*\)(.*/\1/p' "$src/src/metapool.h" | sort -u); do
    if grep -q "$fn" "$page"; then
        passed=$((passed + 1))
    else
        fail "$fn is not in the page"
    fi
done

# metapool.h stands alone, the one header installed: it includes no
# internal header and compiles as strict C99 and as C++ (extern "C").
printf '#include <metapool.h>\nint main(void) { mp_analysis_free(mp_analysis_new(NULL, NULL)); return 0; }\n' >"$tmp/alone.c"
cp "$src/src/metapool.h" "$tmp/metapool.h"
for compiler in "${CC:-cc} -std=c99 -pedantic -x c" "${CXX:-c++} -x c++"; do
    what="metapool.h alone: $compiler"
    if ! command -v ${compiler%% *} >/dev/null 2>&1; then
        echo "SKIP: $what: no such compiler"
    elif $compiler -Wall -Wextra -Werror -fsyntax-only -I"$tmp" "$tmp/alone.c" 2>"$tmp/cc.err"; then
        passed=$((passed + 1))
    else
        fail "$(head -3 "$tmp/cc.err")"
    fi
done

# mp_errors_free destroys a list of mp_errors_new; a list on the stack is
# emptied with mp_errors_clear (until issue 17 mp_errors_free did that,
# and code written before then still compiles, to free a stack address).
what="no mp_errors_free(&list) in src/ or tests/"
if grep -rn 'mp_errors_free(&' "$src/src" "$src/tests" --include='*.c' >"$tmp/grep"; then
    fail "use mp_errors_clear:"
    sed 's/^/  /' "$tmp/grep" | head -10
else
    passed=$((passed + 1))
fi

# pool_as_metapool STATUS ARG...: pool ARG... and metapool -f json ARG...
# exit with STATUS and write the same standard output.
pool_as_metapool() {
    expected=$1
    shift
    what="pool $*"
    "$pool" "$@" >"$tmp/pool.out" 2>"$tmp/pool.err"
    status=$?
    "$METAPOOL" -f json "$@" >"$tmp/metapool.out" 2>/dev/null
    mstatus=$?
    if [ "$status" -ne "$expected" ] || [ "$mstatus" -ne "$expected" ]; then
        fail "exit status $status (metapool $mstatus), expected $expected"
        sed 's/^/  stderr: /' "$tmp/pool.err" | head -5
    elif cmp -s "$tmp/pool.out" "$tmp/metapool.out"; then
        passed=$((passed + 1))
    else
        fail "standard output differs from metapool -f json"
        diff "$tmp/metapool.out" "$tmp/pool.out" | head -10 | sed 's/^/  /'
    fi
}

pool_as_metapool 0 "$src"/studies/*.xml
[ -s "$tmp/pool.out" ] && passed=$((passed + 1)) || fail "no output"
pool_as_metapool 0 "$src"/tests/data/good/*.xml
pool_as_metapool 0 "$src"/studies/imni/*.xml
pool_as_metapool 1 "$src/tests/data/bad/ampersand.xml"
what="pool with no argument"
"$pool" >/dev/null 2>&1
[ $? -eq 2 ] && passed=$((passed + 1)) || fail "exit status not 2"

finish
