#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays the fuzzer's findings (tests/fuzz/regressions/, one file per bug
# found by `make fuzz`, first byte = the harness's option byte) through the
# program with every analysis and output: each must end with a documented
# exit status (0, 1 or 3), never a crash.  In the sanitizer build (and
# under valgrind in CI) a memory error fails the run too.
. "${top_srcdir:-.}/tests/cli/lib.sh"
dir="${top_srcdir:-.}/tests/fuzz/regressions"
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    tail -c +2 "$f" >"$tmp/input.xml"
    for m in DL REML PM; do
        what="metapool -m $m (all outputs) $(basename "$f")"
        "$METAPOOL" -m "$m" --maxiter 200 --by sequence --cumulative --forest "$tmp/f.svg" \
            --loo-forest "$tmp/l.svg" -f json "$tmp/input.xml" >/dev/null 2>"$tmp/err"
        case $? in
        0 | 1 | 3) passed=$((passed + 1)) ;;
        *) fail "exit status $?: $(head -3 "$tmp/err")" ;;
        esac
    done
    what="metapool --validate $(basename "$f")"
    "$METAPOOL" --validate "$tmp/input.xml" >/dev/null 2>"$tmp/err"
    case $? in
    0 | 1) passed=$((passed + 1)) ;;
    *) fail "exit status $?" ;;
    esac
done
finish
