#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's funnel and Baujat plots (docs/funnel-os.svg,
# docs/baujat-os.svg) are the ones the shipped studies give now; `make
# readme-plot` regenerates them.
. "${top_srcdir:-.}/tests/cli/lib.sh"
top=$(cd "${top_srcdir:-.}" && pwd)
(cd "$top" && "$METAPOOL" --no-loo --bias --funnel "$tmp/funnel.svg" \
    --baujat "$tmp/baujat.svg" studies/*.xml >/dev/null)
for plot in funnel baujat; do
    what="docs/$plot-os.svg is up to date (make readme-plot)"
    cmp -s "$tmp/$plot.svg" "$top/docs/$plot-os.svg" && ok ||
        fail "differs from what metapool draws now"
done
finish
