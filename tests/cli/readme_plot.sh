#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's plots are the ones the shipped studies give now: the forest
# plot (docs/forest-os.svg), the TSA plot for an anticipated HR of 0.80
# (docs/tsa-os.svg, issue 20) and the forest plot with the Bayesian
# posterior (docs/forest-bayes-os.svg, issue 19); `make readme-plot`
# regenerates them.  The README must show each.
. "${top_srcdir:-.}/tests/cli/lib.sh"
top=$(cd "${top_srcdir:-.}" && pwd)

# plot NAME ARG...: docs/NAME is what metapool --no-loo ARG... studies/*.xml
# writes to the file given as @OUT@, and README.md shows it.
plot() {
    name=$1
    shift
    what="docs/$name is up to date (make readme-plot)"
    args=
    for a in "$@"; do
        [ "$a" = @OUT@ ] && a=$tmp/$name
        args="$args '$a'"
    done
    (cd "$top" && eval "\"\$METAPOOL\" --no-loo $args studies/*.xml" >/dev/null) &&
        cmp -s "$tmp/$name" "$top/docs/$name" && passed=$((passed + 1)) ||
        fail "differs from what metapool draws now"
    what="README.md shows docs/$name"
    grep -q "](docs/$name)" "$top/README.md" && passed=$((passed + 1)) ||
        fail "no image"
}
plot forest-os.svg --forest @OUT@
plot tsa-os.svg --tsa 0.8 --futility --tsa-plot @OUT@
plot forest-bayes-os.svg --bayes --forest @OUT@
finish
