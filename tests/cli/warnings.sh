#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Warnings (metapool(1), DIAGNOSTICS): a study is never left out silently.
# A study without the chosen outcome is named in a located warning with the
# outcomes it has (and a hint when one of them is the outcome in other
# words), listed in JSON not_pooled and under the text report's table; the
# run still exits 0.  --strict makes every warning an error (exit 1,
# nothing pooled); --validate reports warnings too.
. "${top_srcdir:-.}/tests/cli/lib.sh"

W_LRT='metapool: warn/misnamed/new-lrt.xml:2: warning: study "new-lrt" is not pooled: it has no outcome "OS", only "Overall survival", "PFS" (outcome names are exact: write name="OS" for "Overall survival")'
W_PFS='metapool: warn/misnamed/pfs-only.xml:2: warning: study "pfs-only" is not pooled: it has no outcome "OS", only "PFS"'

run 0 --no-loo warn/misnamed/ && expect_err <<ERR
$W_LRT
$W_PFS
ERR
contains out 'Not pooled: new-lrt (has "Overall survival", "PFS")'
contains out 'Not pooled: pfs-only (has "PFS")'
contains out 'Overall survival (OS): 3 studies'

run 0 -f json --no-loo warn/misnamed/
if have jq "the JSON report's not_pooled"; then
    what="JSON not_pooled"
    got=$(jq -c '[.k, .not_pooled]' "$tmp/out")
    [ "$got" = '[3,[{"id":"new-lrt","outcomes":["Overall survival","PFS"]},{"id":"pfs-only","outcomes":["PFS"]}]]' ] &&
        passed=$((passed + 1)) || fail "$got"
    run 0 -f json --no-loo good/
    what="JSON not_pooled when every study is pooled"
    [ "$(jq -c .not_pooled "$tmp/out")" = '[]' ] && passed=$((passed + 1)) || fail "not an empty list"
fi

# Another outcome: then the studies without it are the ones warned about.
run 0 --no-loo -o PFS warn/misnamed/
contains err 'metapool: warn/misnamed/hr-ci.xml:2: warning: study "hr-ci" is not pooled: it has no outcome "PFS", only "OS"'
contains out 'Not pooled: log-hr (has "OS")'

# --strict: every warning is an error; nothing is pooled.
run 1 --strict warn/misnamed/ && expect_no_out && expect_err <<ERR
$W_LRT
$W_PFS
metapool: 2 warnings, which --strict makes errors: nothing pooled
ERR
run 0 --strict --no-loo good/ && expect_no_err

# --validate warns too, and says how many warnings there were.
run 0 --validate warn/misnamed/ && expect_out <<'OUT' && expect_err <<ERR
5 studies checked: no problems found, 2 warnings
OUT
$W_LRT
$W_PFS
ERR
run 1 --validate --strict warn/misnamed/ && expect_no_out
contains err 'metapool: 2 warnings, which --strict makes errors: nothing pooled'
# A descriptor checked alone: a misnamed outcome is still caught, one of
# another outcome is not a warning.
run 0 --validate warn/misnamed/new-lrt.xml && expect_out <<'OUT' && expect_err <<ERR
1 study checked: no problems found, 1 warning
OUT
$W_LRT
ERR
run 0 --validate warn/misnamed/pfs-only.xml && expect_no_err
finish
