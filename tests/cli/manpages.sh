#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual pages render without a single groff warning, and metapool(1)
# documents every option that --help lists.
. "${top_srcdir:-.}/tests/cli/lib.sh"
man="${top_srcdir:-.}/man"

require groff
for page in "$man/metapool.1" "$man/metapool-study.5" "$man/libmetapool.3" \
    "$man/metapool-import.1"; do
    what="groff -man -ww $(basename "$page")"
    if groff -man -ww -z -rCHECKSTYLE=3 "$page" >"$tmp/groff" 2>&1 && [ ! -s "$tmp/groff" ]; then
        passed=$((passed + 1))
    else
        fail "warnings:"
        sed 's/^/  /' "$tmp/groff" | head -20
    fi
done

"$METAPOOL" --help >"$tmp/help"
for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u); do
    what="metapool(1) documents $opt"
    escaped=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    if grep -q -e "$escaped" -e "$opt" "$man/metapool.1"; then
        passed=$((passed + 1))
    else
        fail "not found"
    fi
done

# The conclusion that CONCLUSION quotes is the one of the shipped trials.
if have jq "metapool(1) CONCLUSION against the JSON report"; then
    what="metapool(1) CONCLUSION quotes metapool studies/*.xml"
    sed -n '/^\.SH CONCLUSION/,/^\.SH FOREST/p' "$man/metapool.1" |
        sed -n '/^\.RS/,/^\.RE/p' | grep -v '^\.' | tr '\n' ' ' |
        sed 's/ $//' >"$tmp/quoted"
    echo >>"$tmp/quoted"
    "$METAPOOL" -f json --no-loo "${top_srcdir:-.}"/studies/*.xml |
        jq -r .conclusion >"$tmp/actual"
    if [ -s "$tmp/actual" ] && cmp -s "$tmp/quoted" "$tmp/actual"; then
        passed=$((passed + 1))
    else
        fail "quoted '$(cat "$tmp/quoted")', metapool says '$(cat "$tmp/actual")'"
    fi
fi
finish
