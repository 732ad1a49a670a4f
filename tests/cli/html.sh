#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The HTML report (issue 23): -f html and --html FILE on tests/data/good,
# the shipped trials and the hostile descriptors of tests/data/html (markup,
# scripts, quotes and ampersands in every text field); a plot may refer
# to its own clip paths (url(#id)), to nothing outside.  Each page must be
# well-formed (xmllint, strict XML: the page is written in the XML syntax
# of HTML5, so an unescaped < or & of a descriptor breaks it) and pass
# tidy's HTML5 checks with no error and no warning but the one tidy 5.6
# gives wrongly for inline SVG (the presentation attributes font-family,
# font-size and fill on <svg>, which SVG 1.1 defines); hold no script, no
# external resource; show the SHA-256 of its inputs as sha256sum computes
# it; and be the same bytes on every run.  The hostile texts must show as
# text: the element text read back by xmllint equals the descriptor's.
# Without xmllint or tidy the rest runs and the test exits 77.
. "${top_srcdir:-.}/tests/cli/lib.sh"

have_xmllint=0
have_tidy=0
have xmllint "well-formedness of the pages" && have_xmllint=1
have tidy "HTML5 conformance of the pages" && have_tidy=1

# page_ok FILE: well-formed, conformant, self-contained, script-free.
page_ok() {
    what="$1: a valid page"
    if [ ! -s "$1" ]; then
        fail "missing or empty"
        return
    fi
    if [ "$have_xmllint" = 1 ] && ! xmllint --noout --nonet "$1" 2>"$tmp/xmllint"; then
        fail "not well-formed: $(head -1 "$tmp/xmllint")"
        return
    fi
    if [ "$have_tidy" = 1 ]; then
        tidy -q -e "$1" >/dev/null 2>"$tmp/tidy"
        tidy_status=$?
        grep -v 'Warning: <svg> proprietary attribute "\(font-family\|font-size\|fill\)"' \
            "$tmp/tidy" >"$tmp/tidy-rest"
        if [ "$tidy_status" -gt 1 ] || [ -s "$tmp/tidy-rest" ]; then
            fail "tidy (status $tidy_status): $(head -3 "$tmp/tidy-rest")"
            return
        fi
    fi
    # markup only: a descriptor's < and " are escaped in the text
    if grep -qi -E '<script|<iframe|<link|<img|<object|<embed| src="|url\([^#]|@import' "$1"; then
        fail "a script or an external resource: $(grep -i -o -E '.{0,30}(<script|<iframe|<link|<img|<object|<embed| src="|url\([^#]|@import).{0,30}' "$1" | head -1)"
        return
    fi
    if grep -o 'href="[^"]*"' "$1" | grep -v '^href="https://doi.org/' | grep -q .; then
        fail "a link that is not a DOI: $(grep -o 'href="[^"]*"' "$1" | grep -v doi.org | head -1)"
        return
    fi
    ok
}

# has FILE TEXT: the file contains TEXT (fixed string).
has() {
    what="$1: $2"
    grep -q -F -- "$2" "$1" && ok || fail "missing"
}

# lacks FILE TEXT: the file does not contain TEXT.
lacks() {
    what="$1: no $2"
    grep -q -F -- "$2" "$1" && fail "present" || ok
}

# count FILE PATTERN N: PATTERN (fixed string) occurs N times.
count() {
    what="$1: $2 (x$3)"
    n=$(grep -o -F -- "$2" "$1" | wc -l)
    [ "$n" -eq "$3" ] && ok || fail "$n times"
}

# xpath FILE EXPR EXPECTED: the string value of EXPR equals EXPECTED.
xpath() {
    [ "$have_xmllint" = 1 ] || return 0
    what="$1: $2"
    got=$(xmllint --nonet --xpath "$2" "$1" 2>&1)
    [ "$got" = "$3" ] && ok || fail "got '$got', expected '$3'"
}

# ---- the good studies: every section of a full run --------------------------
run 0 -f html good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
expect_no_err
cp "$tmp/out" "$tmp/good.html"
page_ok "$tmp/good.html"
for s in inputs studies forest pooled heterogeneity conclusion leave-one-out; do
    has "$tmp/good.html" "<section id=\"$s\">"
done
for s in subgroups cumulative tsa bayes influence small-study-effects; do
    lacks "$tmp/good.html" "<section id=\"$s\">"
done
has "$tmp/good.html" '<!DOCTYPE html>'
has "$tmp/good.html" '<html lang="en">'
has "$tmp/good.html" '<meta charset="utf-8" />'
has "$tmp/good.html" 'prefers-color-scheme:dark'
has "$tmp/good.html" '@media print'
has "$tmp/good.html" 'break-inside:avoid'
has "$tmp/good.html" '<th scope="col">Study</th>'
count "$tmp/good.html" '<th scope="row">' 18
count "$tmp/good.html" '<svg ' 2
count "$tmp/good.html" '<desc>' 2
has "$tmp/good.html" '<a href="https://doi.org/10.1000/test.hr-ci">doi:10.1000/test.hr-ci</a>'
# the conclusion sentence, as the text report words it (unwrapped)
(cd "$data" && "$METAPOOL" good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml) |
    sed -n '/^In words:/,/^$/p' | tr '\n' ' ' | sed 's/^In words: //; s/  *$//; s/  */ /g' >"$tmp/words"
has "$tmp/good.html" "<p class=\"conclusion\">$(cat "$tmp/words")</p>"
# the date: the newest publication year of the inputs, not the clock
year=$(cat "$data"/good/hr-ci.xml "$data"/good/hr-p.xml "$data"/good/log-hr.xml \
    "$data"/good/peto.xml "$data"/good/reversed.xml | grep -o 'year="[0-9]*"' | tr -dc '0-9\n' | sort -n | tail -1)
has "$tmp/good.html" "<dt>Date</dt><dd>$year (the newest publication)</dd>"
# every input with its SHA-256, as coreutils computes it
for f in hr-ci hr-p log-hr peto reversed; do
    sum=$(sha256sum <"$data/good/$f.xml" | cut -c1-64)
    has "$tmp/good.html" "<tr><th scope=\"row\">good/$f.xml</th><td><code class=\"hash\">$sum</code></td></tr>"
done

# the same bytes on every run, and in --html FILE as on standard output
run 0 -f html good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
what="a second run: the same bytes"
cmp -s "$tmp/out" "$tmp/good.html" && ok || fail "the pages differ"
run 0 --html "$tmp/file.html" good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
what="--html FILE: the same bytes as -f html"
cmp -s "$tmp/file.html" "$tmp/good.html" && ok || fail "the pages differ"
has "$tmp/out" 'Random effects (DL)'     # the text report still on stdout

# --timestamp: the clock's date instead
run 0 -f html --timestamp good/hr-ci.xml good/hr-p.xml
what="--timestamp: a date and time in UTC"
grep -q -E '<dt>Date</dt><dd>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC</dd>' "$tmp/out" &&
    ok || fail "$(grep -o '<dt>Date</dt><dd>[^<]*' "$tmp/out")"

# ---- every optional section ------------------------------------------------
run 0 -f html --by sequence --cumulative --tsa 0.8 --bayes --influence --bias \
    good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
cp "$tmp/out" "$tmp/all.html"
page_ok "$tmp/all.html"
for s in subgroups cumulative tsa bayes influence small-study-effects leave-one-out; do
    has "$tmp/all.html" "<section id=\"$s\">"
done
# the plots: forest (with the Bayesian rows), leave-one-out, cumulative,
# and in their sections the TSA, Baujat and funnel plots, each with its
# title and description
count "$tmp/all.html" '<svg ' 6
for s in forest leave-one-out cumulative tsa influence small-study-effects; do
    xpath "$tmp/all.html" "count(//section[@id=\"$s\"]/figure/*[local-name()=\"svg\"])" 1
done
xpath "$tmp/all.html" 'count(//*[local-name()="svg"][*[1][local-name()="title"]][*[2][local-name()="desc"]])' 6
xpath "$tmp/all.html" 'count(//section[@id="forest"]//*[@class="bayes"])' 1
xpath "$tmp/all.html" 'count(//section[@id="forest"]//*[@class="bayes-prediction"])' 1
xpath "$tmp/all.html" 'count(//section[@id="bayes"]//*[local-name()="svg"])' 0
# the inline plots are those of --funnel, --baujat and --tsa-plot
run 0 --by sequence --cumulative --tsa 0.8 --bayes --influence --bias \
    --funnel "$tmp/funnel.svg" --baujat "$tmp/baujat.svg" --tsa-plot "$tmp/tsa.svg" \
    good/hr-ci.xml good/hr-p.xml good/log-hr.xml good/peto.xml good/reversed.xml
tr -d '\n' <"$tmp/all.html" >"$tmp/all.line"
for p in funnel baujat tsa; do
    what="the inline $p plot: the bytes of its file"
    sed -n '/<svg/,$p' "$tmp/$p.svg" | tr -d '\n' >"$tmp/$p.line"
    [ -s "$tmp/$p.line" ] && grep -q -F -f "$tmp/$p.line" "$tmp/all.line" && ok ||
        fail "not in the page"
done
# the analyses in the text report's words
(cd "$data" && "$METAPOOL" --tsa 0.8 --bayes good/hr-ci.xml good/hr-p.xml good/log-hr.xml \
    good/peto.xml good/reversed.xml) | grep -m1 '^Posterior median' >"$tmp/posterior"
has "$tmp/all.html" "$(cat "$tmp/posterior")"
has "$tmp/all.html" "Test for subgroup differences: "
run 0 -f html --no-loo good/hr-ci.xml good/hr-p.xml
lacks "$tmp/out" '<section id="leave-one-out">'
count "$tmp/out" '<svg ' 1

# the Baujat plot only with --influence and two studies, the funnel plot
# and the Baujat plot only in their sections
run 0 -f html --baujat "$tmp/b.svg" --funnel "$tmp/f.svg" good/hr-ci.xml good/hr-p.xml
count "$tmp/out" '<svg ' 2
run 0 -f html --influence --bias --no-loo good/hr-ci.xml
page_ok "$tmp/out"
has "$tmp/out" '<section id="influence">'
xpath "$tmp/out" 'count(//section[@id="small-study-effects"]//*[local-name()="svg"])' 1
count "$tmp/out" '<svg ' 2

# derived effects: the text report's marks and footnotes
run 0 --no-loo derived/logrank.xml derived/medians.xml derived/km-small.xml good/hr-ci.xml
grep '^(.) derived effect: ' "$tmp/out" >"$tmp/notes"
grep -o '  ([abc])$' "$tmp/out" | tr -d ' ()' | tr '\n' ' ' >"$tmp/marks"
run 0 -f html --no-loo derived/logrank.xml derived/medians.xml derived/km-small.xml good/hr-ci.xml
page_ok "$tmp/out"
what="derived: three notes in the text report"
[ "$(wc -l <"$tmp/notes")" -eq 3 ] && ok || fail "$(cat "$tmp/notes")"
while read -r note; do
    has "$tmp/out" "<p class=\"note\">$note</p>"
done <"$tmp/notes"
xpath "$tmp/out" 'string(//section[@id="studies"]//tbody/tr[3]/th)' \
    'Small curves, a number at risk past the last point (c)'
what="derived: the marks of the text report, row by row"
got=$(xmllint --nonet --xpath '//section[@id="studies"]//tbody/tr/th/span[@class="mark"]/text()' "$tmp/out" 2>/dev/null |
    tr -d '()\n' | sed 's/./& /g')
[ "$have_xmllint" = 0 ] || { [ -n "$got" ] && [ "$got" = "$(cat "$tmp/marks")" ] && ok || fail "'$got', text '$(cat "$tmp/marks")'"; }
xpath "$tmp/out" 'count(//section[@id="studies"]//tbody/tr[4]/th/span)' 0

# one study: no heterogeneity, no leave-one-out
run 0 -f html good/hr-ci.xml
page_ok "$tmp/out"
lacks "$tmp/out" '<section id="heterogeneity">'
lacks "$tmp/out" '<section id="leave-one-out">'
has "$tmp/out" 'Only one study: no random-effects model'

# standard input has no file to digest
run_stdin 0 good/hr-ci.xml -f html -
has "$tmp/out" '<tr><th scope="row">standard input</th><td>not available (read from standard input)</td></tr>'

# ---- the shipped trials ----------------------------------------------------
what="metapool -f html studies/*.xml"
if (cd "$srcdir" && "$METAPOOL" -f html studies/*.xml) >"$tmp/trials.html" 2>"$tmp/err"; then
    ok
    page_ok "$tmp/trials.html"
    has "$tmp/trials.html" '<a href="https://doi.org/10.1016/S1470-2045(15)00135-7">'
else
    fail "exit status $?"
fi

# ---- hostile descriptors: text shown, nothing run -----------------------------
run 0 -f html --by sequence --cumulative --influence --bias --tsa 0.8 --bayes html/hostile-a.xml html/hostile-b.xml
cp "$tmp/out" "$tmp/hostile.html"
page_ok "$tmp/hostile.html"
xpath "$tmp/hostile.html" 'count(//script | //iframe | //img | //b | //@onmouseover | //@onerror)' 0
xpath "$tmp/hostile.html" 'string(//section[@id="studies"]//tbody/tr[1]/th)' \
    '<script>console.error("pwned-title")</script> & "A" <b>'
xpath "$tmp/hostile.html" 'string(//section[@id="studies"]//tbody/tr[2]/th)' \
    '</svg></figure><script>console.error("pwned-b")</script><!--'
xpath "$tmp/hostile.html" 'string(//p[@class="question"])' \
    "How does <script>console.error(\"pwned-arm\")</script> & 'E' compare with </td><iframe src=\"x\"> \"C\" for overall survival?"
xpath "$tmp/hostile.html" 'string(//section[@id="subgroups"]//tbody/tr[1]/th)' \
    "<script>console.error('pwned-group')</script>"
xpath "$tmp/hostile.html" 'string(//section[@id="subgroups"]//tbody/tr[2]/th)' \
    '" onmouseover="console.error(1)'
xpath "$tmp/hostile.html" 'string(//section[@id="studies"]//tbody/tr[1]/td/a/@href)' \
    'https://doi.org/10.1000/%22%3E%3Cscript%3Econsole.error(%27pwned-doi%27)%3C/script%3E'
# the plots' texts are escaped by libxml2's writer: the title is text there too
xpath "$tmp/hostile.html" 'count(//*[local-name()="svg"]//*[local-name()="text"][contains(., "<script>")]) > 0' true
has "$tmp/hostile.html" '&lt;script&gt;console.error(&quot;pwned-title&quot;)&lt;/script&gt; &amp; &quot;A&quot; &lt;b&gt;'

# ---- bad uses --------------------------------------------------------------
usage_hint="Try 'metapool --help' for more information."
run 2 --html '' good/hr-ci.xml && expect_no_out &&
    printf '%s\n%s\n' "metapool: --html must name a file" "$usage_hint" | expect_err
run 2 --timestamp good/hr-ci.xml && expect_no_out &&
    printf '%s\n%s\n' "metapool: --timestamp needs -f html or --html" "$usage_hint" | expect_err
# an unwritable path: exit 1, a message, no file, no temporary left
run 1 --html "$tmp/no/such/dir/r.html" good/hr-ci.xml
echo "metapool: cannot write $tmp/no/such/dir/r.html: No such file or directory" | expect_err
# a failed run leaves an existing page as it was (written only when complete)
echo "old page" >"$tmp/keep.html"
run 1 --html "$tmp/keep.html" bad/empty.xml
what="--html on a failed run: the old page stays"
[ "$(cat "$tmp/keep.html")" = "old page" ] && ok || fail "overwritten"
what="--html: no temporary file left"
ls "$tmp" | grep -q 'tmp[A-Za-z0-9]\{6\}$' && fail "$(ls "$tmp" | grep tmp)" || ok

finish
