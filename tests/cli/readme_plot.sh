#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's forest plot (docs/forest-os.svg) is the one the shipped
# studies give now; `make readme-plot` regenerates it.
. "${top_srcdir:-.}/tests/cli/lib.sh"
top=$(cd "${top_srcdir:-.}" && pwd)
what="docs/forest-os.svg is up to date (make readme-plot)"
(cd "$top" && "$METAPOOL" --no-loo --forest "$tmp/forest.svg" studies/*.xml >/dev/null) &&
    cmp -s "$tmp/forest.svg" "$top/docs/forest-os.svg" && passed=$((passed + 1)) ||
    fail "differs from what metapool draws now"
finish
