#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Messages (metapool(1), DIAGNOSTICS; issue 16): an input that is not a
# study descriptor is said to be what it is, in one line, pointing to
# metapool import where that converts it; a file named twice (by the same
# path, another path, or through a named directory) is read once, with a
# warning, never a "duplicate study id" against itself.  The faults of the
# XML itself, each in one plain line, have their files in tests/data/bad/
# (validate.sh checks them).
. "${top_srcdir:-.}/tests/cli/lib.sh"

IMPORT="convert it to descriptors (metapool import, see metapool(1))"
DESCRIPTOR="a study descriptor is an XML document whose root element is <study> or <studies> (see metapool-study(5))"

# --- Inputs that are not descriptors -----------------------------------------
run 1 import/trials.csv && expect_no_out && expect_err <<ERR
metapool: import/trials.csv: is a CSV table, not a study descriptor; $IMPORT
ERR
run 1 import/review.rm5 && expect_no_out && expect_err <<ERR
metapool: import/review.rm5: is a RevMan 5 review, not a study descriptor; $IMPORT
ERR
run 1 import/review-zipped.rm5 && expect_no_out && expect_err <<ERR
metapool: import/review-zipped.rm5: is a zip archive, not a study descriptor; if it is a zipped RevMan 5 review, $IMPORT
ERR
run 1 --validate import/notes.txt && expect_no_out && expect_err <<ERR
metapool: import/notes.txt: is not XML (it does not begin with '<'); $DESCRIPTOR; a CSV table or a RevMan 5 review is converted with metapool import (see metapool(1))
ERR
# among good inputs: each said, nothing pooled
run 1 good/hr-ci.xml import/trials.csv bad/empty.xml && expect_no_out && expect_err <<ERR
metapool: import/trials.csv: is a CSV table, not a study descriptor; $IMPORT
metapool: bad/empty.xml: is empty; $DESCRIPTOR
ERR
# the same from standard input
run_stdin 1 import/trials.csv - && expect_err <<ERR
metapool: -: is a CSV table, not a study descriptor; $IMPORT
ERR
run_stdin 1 bad/latin1.xml - && expect_err <<'ERR'
metapool: -:5: byte 0xFC is not UTF-8 (a file that declares no encoding is read as UTF-8): save the file as UTF-8 or declare its encoding in the XML declaration, such as encoding="ISO-8859-1" for Latin-1
ERR

# --- Every message is one line of the GNU form --------------------------------
what="every diagnostic of tests/data/bad and import is one 'metapool: FILE[:LINE]: ' line"
(cd "$data" && "$METAPOOL" --validate bad/*.xml import/*) >/dev/null 2>"$tmp/err"
if grep -qv '^metapool: [^ :][^:]*\(:[0-9][0-9]*\)\{0,1\}: ' "$tmp/err"; then
    fail "$(grep -v '^metapool: [^ :][^:]*\(:[0-9][0-9]*\)\{0,1\}: ' "$tmp/err" | head -3)"
else
    passed=$((passed + 1))
fi

# --- The same file named twice ------------------------------------------------
TWICE='metapool: good/hr-ci.xml: warning: named twice on the command line; read once'
run 0 --validate good/hr-ci.xml good/hr-ci.xml && expect_err <<ERR && expect_out <<'OUT'
$TWICE
ERR
1 study checked: no problems found, 1 warning
OUT
# pooled once: the same report as the file alone
run 0 -f json --no-loo good/hr-ci.xml && cp "$tmp/out" "$tmp/once.json"
run 0 -f json --no-loo good/hr-ci.xml good/hr-ci.xml && expect_err <<ERR
$TWICE
ERR
what="a file named twice is pooled once"
cmp -s "$tmp/out" "$tmp/once.json" && passed=$((passed + 1)) || fail "the reports differ"
# another path to it, and a directory that holds it
run 0 --validate good/ ./good/hr-ci.xml good/../good/log-hr.xml && expect_err <<'ERR' && expect_out <<'OUT'
metapool: ./good/hr-ci.xml: warning: the same file as good/hr-ci.xml; read once
metapool: good/../good/log-hr.xml: warning: the same file as good/log-hr.xml; read once
ERR
6 studies checked: no problems found, 2 warnings
OUT
# standard input that is a file already named
run_stdin 0 good/hr-ci.xml --validate good/hr-ci.xml - && expect_err <<'ERR'
metapool: -: warning: the same file as good/hr-ci.xml; read once
ERR
# --strict: a warning like any other
run 1 --strict good/hr-ci.xml good/hr-ci.xml && expect_no_out && expect_err <<ERR
$TWICE
metapool: 1 warning, which --strict makes errors: nothing pooled
ERR
finish
