#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/cli/import.sh - metapool import and metapool new (issue 22;
# analyses-2.md, section 5): RevMan 5 reviews and CSV tables into
# descriptors that validate, whose pooling reproduces the figures the
# review stores (tests/reference/import/make_reviews.R made the reviews
# and their figures with metafor) and the figures of the same numbers
# typed by hand; never an overwritten file; every bad input at its
# FILE:LINE; the template of `new` validates once filled.
. "${top_srcdir:-.}/tests/cli/lib.sh"
require jq

# Relative difference allowed between a stored figure (15 significant
# digits) and metapool's.
TOL=1e-12

# within WHAT GOT WANT: |got - want| <= TOL |want|
within() {
    what=$1
    if awk -v g="$2" -v w="$3" -v t="$TOL" \
        'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(d <= t * a) }'; then
        ok
    else
        fail "got $2, the review stores $3"
    fi
}

# stored FILE LINE ATTR: an attribute of the element on LINE of a review.
stored() {
    sed -n "$2p" "$data/$1" | sed -n "s/.* $3=\"\([^\"]*\)\".*/\1/p"
}

# pooled_as_stored REVIEW LINE BLOCK ARG...: the estimate and interval of
# BLOCK (.fixed, .random, or a subgroup's) of metapool -f json ARG... on
# the imported descriptors equal those of the element on LINE.
pooled_as_stored() {
    review=$1 line=$2 block=$3
    shift 3
    run 0 -f json --no-loo "$@" "$tmp/d" || return
    for pair in estimate:EFFECT_SIZE lower:CI_START upper:CI_END; do
        got=$(jq -r "$block.${pair%%:*}" "$tmp/out")
        within "$review:$line ${pair#*:} by metapool $*" "$got" \
            "$(stored "$review" "$line" "${pair#*:}")"
    done
}

# --- RevMan 5: dichotomous (Latin-1), hazard ratios with subgroups, O-E ----
mkdir "$tmp/d"
# hide_tmp: the temporary directory's name in stderr as TMP
hide_tmp() { sed "s|$tmp|TMP|g" "$tmp/err" >"$tmp/err.t" && mv "$tmp/err.t" "$tmp/err"; }

run 0 import import/chemo.rm5 import/survival.rm5 -d "$tmp/d" && expect_no_out &&
hide_tmp && expect_err <<'ERR'
metapool: import/chemo.rm5:89: warning: outcome "Quality of life" skipped: continuous data (MD): metapool pools ratios, not differences
metapool: import/chemo.rm5:67: outcome "Death at 5 years" of comparison "Chemotherapy versus observation" -> death-at-5-years (counts; RevMan's measure RR)
metapool: import/chemo.rm5:78: outcome "Recurrence" of comparison "Chemotherapy versus observation" -> recurrence (counts; RevMan's measure OR)
metapool: import/survival.rm5:75: outcome "Overall survival" of comparison "Adjuvant therapy versus none" -> overall-survival (log-hazard-ratio; RevMan's measure HR)
metapool: import/survival.rm5:94: outcome "Disease-free survival" of comparison "Adjuvant therapy versus none" -> disease-free-survival (peto; RevMan's measure Hazard Ratio)
metapool: wrote 9 study descriptors to TMP/d
ERR
what="the review's studies, one file each"
ls "$tmp/d" >"$tmp/out"
expect_out <<'OUT'
alpha.xml
beta-2.xml
delta.xml
epsilon.xml
gamma-trial.xml
mueller-1999.xml
orsted-2003.xml
smith-2005.xml
tan-2010.xml
OUT
run 0 --validate "$tmp/d" && expect_no_err && expect_out <<'OUT'
9 studies checked: no problems found
OUT
# the Latin-1 name, in UTF-8, and the reference escaped
run 0 --validate "$tmp/d/mueller-1999.xml"
what="Latin-1 names and the primary reference"
grep -F '<title>Müller 1999</title>' "$tmp/d/mueller-1999.xml" >/dev/null && ok ||
    fail "no UTF-8 title"
grep -F 'doi="10.1000/mueller.1999">Müller K, Schäfer B. Adjuvant chemotherapy &amp; observation. J Clin Oncol 1999;12:100-9.</publication>' \
    "$tmp/d/mueller-1999.xml" >/dev/null && ok || fail "no publication"

# the models the review names: RR and OR by inverse variance, fixed (line
# 67) and DerSimonian-Laird (line 78); HR random (75) and in its subgroups
# (82, 87); O-E and variance, fixed (94)
pooled_as_stored import/chemo.rm5 67 .fixed -o death-at-5-years --measure RR
pooled_as_stored import/chemo.rm5 78 .random -o recurrence --measure OR
pooled_as_stored import/survival.rm5 75 .random -o overall-survival
pooled_as_stored import/survival.rm5 82 '.subgroups[0].random' -o overall-survival \
    --by overall-survival-subgroup
pooled_as_stored import/survival.rm5 87 '.subgroups[1].random' -o overall-survival \
    --by overall-survival-subgroup
pooled_as_stored import/survival.rm5 94 .fixed -o disease-free-survival
what="the review's tau^2 (line 78)"
run 0 -f json --no-loo -o recurrence --measure OR "$tmp/d" &&
    within "$what" "$(jq -r .random.tau2 "$tmp/out")" "$(stored import/chemo.rm5 78 TAU2)"

# --- never overwrite: nothing written, every existing file named --------------
cp "$tmp/d/alpha.xml" "$tmp/alpha.before"
rm "$tmp/d/beta-2.xml"
run 1 import import/survival.rm5 -d "$tmp/d" && hide_tmp && expect_err <<'ERR'
metapool: TMP/d/alpha.xml: exists already; not overwritten (nothing was written)
metapool: TMP/d/gamma-trial.xml: exists already; not overwritten (nothing was written)
metapool: TMP/d/delta.xml: exists already; not overwritten (nothing was written)
metapool: TMP/d/epsilon.xml: exists already; not overwritten (nothing was written)
ERR
what="a refused import writes nothing"
[ ! -e "$tmp/d/beta-2.xml" ] && cmp -s "$tmp/alpha.before" "$tmp/d/alpha.xml" &&
    [ "$(ls "$tmp/d" | wc -l)" -eq 8 ] && ok || fail "$(ls "$tmp/d")"

# --- CSV: BOM, CRLF, quotes, a line break in a cell, rows merged by id -------
mkdir "$tmp/c"
run 0 import import/table.csv -d "$tmp/c" && hide_tmp && expect_err <<'ERR'
metapool: import/table.csv: 5 rows, each an outcome of a study
metapool: wrote 4 study descriptors to TMP/c
ERR
run 0 --validate "$tmp/c" && expect_out <<'OUT'
4 studies checked: no problems found
OUT
what="rows of one id are one study"
grep -c '<outcome name=' "$tmp/c/alpha-1.xml" | grep -qx 2 && ok || fail "not merged"
# the same figures as the numbers typed as descriptors
for model in DL REML; do
    run 0 -f json --no-loo -m $model import/typed.xml &&
        jq -S '{fixed, random, heterogeneity}' "$tmp/out" >"$tmp/typed.json"
    run 0 -f json --no-loo -m $model "$tmp/c" &&
        jq -S '{fixed, random, heterogeneity}' "$tmp/out" >"$tmp/out.t" &&
        mv "$tmp/out.t" "$tmp/out" && compare out <"$tmp/typed.json"
done

# --- bad inputs: FILE:LINE, exit 1, nothing written ---------------------------
mkdir "$tmp/e"
run 1 import import/bad-comma.csv -d "$tmp/e" && expect_no_out && expect_err <<'ERR'
metapool: import/bad-comma.csv:3: column hr: '0,8' has a decimal comma: write a decimal point (0.8)
ERR
run 1 import import/bad-range.csv -d "$tmp/e" && expect_err <<'ERR'
metapool: import/bad-range.csv:2: <hazard-ratio> lower (1.1) must be less than upper (0.6)
ERR
# zipped reviews (libzip): the .rm5 inside, cited as ARCHIVE(MEMBER) with
# its own lines; the descriptors are those of the review unzipped but for
# that citation in their notes
mkdir "$tmp/z" "$tmp/u"
run 0 import import/review-zipped.rm5 -d "$tmp/z" && hide_tmp && expect_err <<'ERR'
metapool: import/review-zipped.rm5(chemo.rm5):89: warning: outcome "Quality of life" skipped: continuous data (MD): metapool pools ratios, not differences
metapool: import/review-zipped.rm5(chemo.rm5):67: outcome "Death at 5 years" of comparison "Chemotherapy versus observation" -> death-at-5-years (counts; RevMan's measure RR)
metapool: import/review-zipped.rm5(chemo.rm5):78: outcome "Recurrence" of comparison "Chemotherapy versus observation" -> recurrence (counts; RevMan's measure OR)
metapool: wrote 4 study descriptors to TMP/z
ERR
run 0 import import/chemo.rm5 -d "$tmp/u"
what="a zipped review gives the descriptors of the review itself"
differs=$(ls "$tmp/u" | grep -c . || true)
[ "$differs" -eq 4 ] && differs=
for f in "$tmp"/u/*.xml; do
    sed 's|import/chemo.rm5|import/review-zipped.rm5(chemo.rm5)|' "$f" >"$tmp/expected.xml"
    cmp -s "$tmp/expected.xml" "$tmp/z/${f##*/}" || differs="$differs ${f##*/}"
done
[ -z "$differs" ] && ok || fail "differ: $differs"
run 1 import import/zip-two.rm5 -d "$tmp/e" && expect_no_out && expect_err <<'ERR'
metapool: import/zip-two.rm5: the zip archive holds 2 .rm5 files: unzip it and import them one by one
ERR
run 1 import import/zip-none.rm5 -d "$tmp/e" && expect_err <<'ERR'
metapool: import/zip-none.rm5: the zip archive holds no .rm5 file among its 2 files
ERR
run 1 import import/zip-crc.rm5 -d "$tmp/e" && expect_err <<'ERR'
metapool: import/zip-crc.rm5: cannot read chemo.rm5 in the zip archive: CRC error
ERR
run 1 import import/zip-truncated.rm5 -d "$tmp/e" && expect_err <<'ERR'
metapool: import/zip-truncated.rm5: not a readable zip archive: Not a zip archive
ERR
run 1 import import/review.rm5 -d "$tmp/e" && expect_err <<'ERR'
metapool: import/review.rm5:2: no study of the review has data in an outcome that metapool can pool
ERR
run 1 import bad/ampersand.xml -d "$tmp/e" && contains err "metapool: bad/ampersand.xml:"
contains err ": malformed XML: "
run 1 import good/hr-ci.xml -d "$tmp/e" && contains err \
    "the root element is <study>, not a RevMan 5 review's <COCHRANE_REVIEW>"
run 1 import import/no-such.csv -d "$tmp/e" && expect_err <<'ERR'
metapool: import/no-such.csv: cannot read: No such file or directory
ERR
# a good file beside a bad one: nothing of either is written
run 1 import import/table.csv import/bad-comma.csv -d "$tmp/e"
# the same studies twice: rows of one id merge, so each outcome comes twice
run 1 import import/table.csv import/table.csv -d "$tmp/e" && contains err \
    "metapool: import/table.csv:2: column outcome: study alpha-1 has outcome OS already"
run 1 import import/survival.rm5 import/survival.rm5 -d "$tmp/e" && contains err \
    "metapool: import/survival.rm5:84: study alpha has a second row in outcome overall-survival"
run 1 import import/table.csv -d "$tmp/no-such-dir" && hide_tmp && expect_err <<'ERR'
metapool: TMP/no-such-dir/alpha-1.xml: cannot write: No such file or directory (nothing was written)
ERR
what="no file written by a failed import"
[ -z "$(ls -A "$tmp/e")" ] && ok || fail "$(ls -A "$tmp/e")"

# --- the command line ---------------------------------------------------------
USAGE='Usage: metapool import FILE... [-d DIR]
       metapool new ID
Try '"'"'metapool --help'"'"' for more information.'
run 2 import && expect_err <<ERR
metapool: import: no file to import
$USAGE
ERR
run 2 import import/table.csv -d && expect_err <<ERR
metapool: option '-d' needs a directory
$USAGE
ERR
run 2 import -x import/table.csv && expect_err <<ERR
metapool: import: unknown option '-x'
$USAGE
ERR

# --- metapool new ---------------------------------------------------------------
run 0 new my-trial && expect_no_err
what="the template names the id"
grep -q '<study id="my-trial" format="1">' "$tmp/out" && ok || fail "no id"
sed -e 's/@TITLE@/My trial/' -e 's/@YEAR@/2020/' -e 's|@DOI@|10.1000/xyz|' \
    -e 's/@CITATION@/Roe A. Lancet 2020;1:2-3./' -e 's/@EXPERIMENTAL@/A/' \
    -e 's/@CONTROL@/B/' -e 's/@N_EXPERIMENTAL@/100/' -e 's/@N_CONTROL@/98/' \
    -e 's/@HR@/0.8/' -e 's/@LOWER@/0.6/' -e 's/@UPPER@/1.1/' \
    -e 's/@EVENTS_EXPERIMENTAL@/40/' -e 's/@EVENTS_CONTROL@/50/' \
    -e 's/@SOURCE@/Table 2/' "$tmp/out" >"$tmp/filled.xml"
run 0 --validate "$tmp/filled.xml" && expect_no_err && expect_out <<'OUT'
1 study checked: no problems found
OUT
# an unfilled template does not pass
cp "$tmp/out" "$tmp/unfilled.xml"
run 1 --validate "$tmp/unfilled.xml"
run 2 new Not-An-Id && expect_no_out && expect_err <<ERR
metapool: new: 'Not-An-Id' is not a study id (lower-case letters, digits and '-', such as smith-2001)
$USAGE
ERR
run 2 new && expect_err <<ERR
metapool: new: give one study id
$USAGE
ERR

finish
