#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --validate and bad input: every rule of the study format's "What bad input
# gets" has a file in tests/data/bad/ and its exact diagnostics beside it
# (NAME.err).  Each bad file must fail with exit 1 and those diagnostics,
# with --validate and in a normal run, and nothing may be pooled.
. "${top_srcdir:-.}/tests/cli/lib.sh"

for xml in "$data"/bad/*.xml; do
    name=bad/$(basename "$xml")
    err=${xml%.xml}.err
    if [ ! -f "$err" ]; then
        what=$name
        fail "no expected diagnostics ${err#$data/}"
        continue
    fi
    run 1 --validate "$name" && expect_no_out && expect_err <"$err"
    run 1 "$name" && expect_no_out && expect_err <"$err"
done

# The good inputs, one per effect form, validate and pool.
run 0 --validate good/ && expect_no_err && expect_out <<'OUT'
6 studies checked: no problems found
OUT
run 0 --validate good/hr-ci.xml && expect_out <<'OUT'
1 study checked: no problems found
OUT

# A bad file among good ones: every problem is reported, nothing pooled.
run 1 good/ bad/estimate-outside.xml bad/se-zero.xml && expect_no_out
expect_err <<'ERR'
metapool: bad/estimate-outside.xml:12: <hazard-ratio> estimate 1.2 lies outside its interval 0.6 to 1.07
metapool: bad/se-zero.xml:12: <log-hazard-ratio> se must be > 0, not 0
ERR

# Duplicate ids across files (one file named twice is read once:
# messages.sh).
cp "$data/good/hr-ci.xml" "$tmp/copy.xml"
run 1 good/hr-ci.xml "$tmp/copy.xml" && expect_no_out && expect_err <<ERR
metapool: $tmp/copy.xml:2: duplicate study id "hr-ci" (first defined at good/hr-ci.xml:2)
ERR

# An outcome that no input has.
run 1 -o PFS good/ && expect_no_out && expect_err <<'ERR'
metapool: no input has outcome "PFS" (outcomes present: OS)
ERR

# Mixed measures: hazard ratios with a risk ratio from counts.
run 1 good/hr-ci.xml counts/counts-rr.xml && expect_no_out && expect_err <<'ERR'
metapool: counts/counts-rr.xml:6: outcome OS of study "counts-rr" gives RR, but earlier studies give HR; one analysis pools one measure
ERR

# Files and directories that cannot be read.
run 1 no-such-file.xml && expect_no_out && expect_err <<'ERR'
metapool: no-such-file.xml: cannot open: No such file or directory
ERR
run 1 cli-empty-dir && expect_err <<'ERR'
metapool: cli-empty-dir: directory holds no *.xml file
ERR

# Standard input.
run_stdin 0 good/hr-p.xml --validate - && expect_out <<'OUT'
1 study checked: no problems found
OUT
run_stdin 1 bad/se-zero.xml - && expect_err <<'ERR'
metapool: -:12: <log-hazard-ratio> se must be > 0, not 0
ERR
finish
