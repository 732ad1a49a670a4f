#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Cross-checks of redundant figures (metapool-study(5), CROSS-CHECKS;
# metapool(1), DIAGNOSTICS): a p beside an interval, the estimate against
# its bounds, the events the standard error implies, the median survival
# per arm.  Each disagreement is a warning at the element's FILE:LINE: the
# run exits 0 and pools the figures unchanged; --strict makes it an error
# (exit 1, nothing pooled); --validate reports it.  Faithful entries of the
# same trials stay quiet (warn/xcheck-clean/).  Each file of warn/xcheck/
# holds one entry error; its notes name the trial it imitates.
. "${top_srcdir:-.}/tests/cli/lib.sh"

# warns FILE: the one warning of FILE is standard input, exactly: under
# --validate (exit 0), in a run that pools (exit 0, the warning and a
# report), and under --strict (exit 1, nothing pooled).
warns() {
    cat >"$tmp/want"
    run 0 --validate "$1" && expect_out <<'OUT' && expect_err <"$tmp/want"
1 study checked: no problems found, 1 warning
OUT
    run 0 --no-loo "$1" && expect_err <"$tmp/want"
    contains out 'Overall survival (OS): 1 study'
    run 1 --strict "$1" && expect_no_out
    contains err 'metapool: 1 warning, which --strict makes errors: nothing pooled'
}

warns warn/xcheck/events-mismatch.xml <<'ERR'
metapool: warn/xcheck/events-mismatch.xml:12: warning: <events> 60 events are published (30 + 30), but the <hazard-ratio> at line 11 implies 233 to 252 (Schoenfeld: 1 / (se^2 f (1 - f)), f = 0.49), more than 2 times as many: events of another outcome or arm, or a wrong interval?
ERR
warns warn/xcheck/level-missing.xml <<'ERR'
metapool: warn/xcheck/level-missing.xml:11: warning: <hazard-ratio> p = 0.57 does not agree with the interval, which as a 95% interval implies p = 0.48 to 0.53 (allowing for rounding): it agrees only as a 90% interval: is level="0.90" missing?
ERR
warns warn/xcheck/no-reference.xml <<'ERR'
metapool: warn/xcheck/no-reference.xml:12: warning: <median-survival> the median is shorter in the experimental arm (34.6 vs 54.8 months), yet the hazard ratio, experimental/control, is 0.691 (line 11): hazards can cross; check the direction (reference="experimental"?)
ERR
warns warn/xcheck/off-centre.xml <<'ERR'
metapool: warn/xcheck/off-centre.xml:11: warning: <hazard-ratio> estimate 0.76 is not the geometric mean of its bounds, sqrt(0.49 x 0.88) = 0.657 (0.651 to 0.662 allowing for rounding), as the centre of a log-symmetric interval is: a typo, or bounds of another figure?
ERR
warns warn/xcheck/one-sided.xml <<'ERR'
metapool: warn/xcheck/one-sided.xml:11: warning: <hazard-ratio> p = 0.1283 does not agree with the interval, which as a 90% interval implies p = 0.25 to 0.26 (allowing for rounding): it agrees only as a one-sided p: is it one-sided? (p here is two-sided: p="0.2566")
ERR
warns warn/xcheck/other-outcome.xml <<'ERR'
metapool: warn/xcheck/other-outcome.xml:11: warning: <median-survival> the median is shorter in the experimental arm (13.9 vs 29 months), yet the hazard ratio, experimental/control, is 0.598 (line 10): hazards can cross; check the direction (reference="experimental"?)
ERR
warns warn/xcheck/p-bound.xml <<'ERR'
metapool: warn/xcheck/p-bound.xml:11: warning: <hazard-ratio> p = 0.0001 does not agree with the interval, which as a 95% interval implies p = 3.6e-13 to 7.1e-13 (allowing for rounding): was it printed as "p < 0.0001"? Such a bound is not a value: leave p out
ERR
warns warn/xcheck/p-wrong.xml <<'ERR'
metapool: warn/xcheck/p-wrong.xml:11: warning: <hazard-ratio> p = 0.5 does not agree with the interval, which as a 95% interval implies p = 0.11 to 0.15 (allowing for rounding): check the p, the estimate, the bounds and the level
ERR
warns warn/xcheck/too-many-events.xml <<'ERR'
metapool: warn/xcheck/too-many-events.xml:11: warning: <hazard-ratio> implies at least 402 events (Schoenfeld: 1 / (se^2 f (1 - f)), f = 0.50), more than the 274 patients randomized: the standard error is too small for this trial (a wrong level, bound or figure?)
ERR
warns warn/xcheck/wrong-reference.xml <<'ERR'
metapool: warn/xcheck/wrong-reference.xml:12: warning: <median-survival> the median is longer in the experimental arm (46 vs 35 months), yet the hazard ratio, experimental/control, is 1.52 (line 11): hazards can cross; check the direction (is reference="experimental" wrong?)
ERR

# The figures are pooled as entered: a warning changes none (the interval
# of level-missing is still read as a 95% one: se 0.15744, not 0.18760).
run 0 --no-loo -f csv warn/xcheck/level-missing.xml warn/xcheck-clean/
contains out 'study,level-missing,level-missing,2020,125,131,1.11,0.8152824825272462,1.5112553334651395,0.10436001532424286,0.15744199343715315,'
run 1 --validate --strict warn/xcheck/ && expect_no_out
contains err 'metapool: 10 warnings, which --strict makes errors: nothing pooled'

# Every outcome is cross-checked, not only the pooled one (other-outcome's
# warning is on its DPFS, above, when OS is pooled).

# The faithful entries: no warning, pooled or validated.
run 0 --validate warn/xcheck-clean/ && expect_no_err && expect_out <<'OUT'
3 studies checked: no problems found
OUT
run 0 --strict --no-loo warn/xcheck-clean/ && expect_no_err
run 0 --strict --no-loo -o DPFS warn/xcheck-clean/abcsg-like.xml && expect_no_err

# The shipped trials: no cross-check warning for any of their outcomes.
for o in OS DPFS LRPFS; do
    run 0 --no-loo -o "$o" ../../studies/
    what="studies/ -o $o: no warning but those of studies without $o"
    if grep -v "is not pooled: it has no outcome \"$o\"" "$tmp/err" | grep -q .; then
        fail "$(cat "$tmp/err")"
    else
        passed=$((passed + 1))
    fi
done
run 0 --validate --strict ../../studies/ ../../studies/imni/ && expect_no_err
finish
