#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Resource limits (metapool(1), LIMITS): studies per run (--max-studies),
# diagnostics shown, text length, bytes per input.  Past a limit metapool
# stops with a message naming the file and line, exit 1, no report.
. "${top_srcdir:-.}/tests/cli/lib.sh"

# collection N UPPER: N studies, each HR 0.80 (0.60 to UPPER); an UPPER
# below 0.60 makes every study invalid, one problem each.
collection() {
    awk -v n="$1" -v up="$2" 'BEGIN {
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        print "<studies format=\"1\">"
        for (i = 1; i <= n; i++)
            printf "<study id=\"s%d\"><title>S%d</title><design>rct</design>" \
                "<publication year=\"2020\">Test.</publication><arms>" \
                "<arm role=\"experimental\" n=\"100\">A</arm>" \
                "<arm role=\"control\" n=\"100\">B</arm></arms><outcome name=\"OS\">" \
                "<hazard-ratio estimate=\"0.80\" lower=\"0.60\" upper=\"%s\"/>" \
                "</outcome></study>\n", i, i, up
        print "</studies>"
    }'
}
mkdir -p "$tmp/in"
collection 12 1.07 >"$tmp/in/a.xml"
collection 3 1.07 | sed 's/id="s/id="t/' >"$tmp/in/b.xml"
printf '<study id="broken"' >"$tmp/in/c.xml"
cd "$tmp/in" || exit 1

# here STATUS ARG...: run metapool in $tmp/in (where the generated inputs
# are), as run does in tests/data.
here() {
    expected=$1
    shift
    what="metapool $*"
    "$METAPOOL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    [ "$status" -eq "$expected" ] && passed=$((passed + 1)) ||
        fail "exit status $status, expected $expected"
}

# --max-studies: the first study past the limit is named; reading stops
# there, so the later broken file is never reported.
here 1 --max-studies 10 a.xml b.xml c.xml
expect_no_out
expect_err <<'MSG'
metapool: a.xml:13: more than 10 studies in this run, the limit (--max-studies raises it)
MSG
here 1 --validate --max-studies 14 a.xml b.xml
expect_no_out
expect_err <<'MSG'
metapool: b.xml:5: more than 14 studies in this run, the limit (--max-studies raises it)
MSG
# at the limit exactly, all is well
here 0 --max-studies 15 --no-loo a.xml b.xml
contains out "15 studies"
expect_no_err

# Diagnostics: the first 1000 are shown, the rest counted.
collection 1234 0.5 >bad.xml
for mode in --validate --no-loo; do
    here 1 $mode bad.xml
    expect_no_out
    n=$(wc -l <"$tmp/err")
    [ "$n" -eq 1001 ] && passed=$((passed + 1)) || fail "$n lines on stderr, expected 1001"
    contains err "metapool: bad.xml:3: <hazard-ratio> lower (0.6) must be less than upper (0.5)"
    contains err "metapool: bad.xml:1002: <hazard-ratio> lower (0.6) must be less than upper (0.5)"
    [ "$(tail -n 1 "$tmp/err")" = "metapool: 234 further problems not shown (the first 1000 are)" ] &&
        passed=$((passed + 1)) || fail "last line: $(tail -n 1 "$tmp/err")"
done

# A limit that stops reading is named even when the diagnostics before
# it fill the 1000 shown: 1100 problems, then the 1101st study.
here 1 --max-studies 1100 bad.xml
expect_no_out
n=$(wc -l <"$tmp/err")
[ "$n" -eq 1002 ] && passed=$((passed + 1)) || fail "$n lines on stderr, expected 1002"
[ "$(tail -n 2 "$tmp/err")" = "metapool: bad.xml:1103: more than 1100 studies in this run, the limit (--max-studies raises it)
metapool: 100 further problems not shown (the first 1000 are)" ] &&
    passed=$((passed + 1)) || fail "last lines: $(tail -n 2 "$tmp/err")"

# Every failed leave-one-out refit and cumulative step is named in a
# warning, one list per kind.  Since REML, ML, EB and PM always converge
# (issue 15), what is left to fail is overflow: ten studies, s1 with SE
# 1e-100, s1 to s9 with the same estimate, s10 apart.  REML's estimating
# function at tau2 = 0 needs the square of s1's weight 1e200, which is not
# finite, so every fit of s1 with others of its estimate only fails (the
# refit without s10, cumulative steps 2 to 9); with s10 tau2 > 0 and the
# weights stay finite (the pooled fit; exit 0).
awk 'BEGIN { print "<?xml version=\"1.0\"?>"; print "<studies format=\"1\">"
    for (i = 1; i <= 10; i++)
        printf "<study id=\"s%d\"><title>S</title><design>rct</design>" \
            "<publication year=\"%d\">T.</publication><outcome name=\"OS\">" \
            "<log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome>" \
            "</study>\n", i, 2000 + i, i == 10 ? "1.5" : "0.3",
            i == 1 ? "1e-100" : "0.2"
    print "</studies>" }' >ten.xml
here 0 --method REML --cumulative ten.xml
contains out "2008    8 numerical failure"
expect_err <<'MSG'
metapool: warning: leave-one-out without "s10": REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 2: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 3: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 4: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 5: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 6: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 7: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 8: REML estimator: the fit is not finite (extreme sampling variances?)
metapool: warning: cumulative step 9: REML estimator: the fit is not finite (extreme sampling variances?)
MSG

# Warnings of the analyses are held to 1000 of each kind: the pattern above
# with 1101 studies of one estimate (s1 first, SE 1e-100; the others SE
# 0.01) and the study apart last, so that cumulative steps 2 to 1101 fail.
# (A weight above 1e154 overflows a product of two weights in any set of
# studies, so only one such study can be pooled: no longer enough failing
# subgroups for this test since issue 15.)
awk 'BEGIN { print "<?xml version=\"1.0\"?>"; print "<studies format=\"1\">"
    for (i = 1; i <= 1102; i++)
        printf "<study id=\"s%d\"><title>S</title><design>rct</design>" \
            "<publication year=\"%d\">T.</publication><outcome name=\"OS\">" \
            "<log-hazard-ratio estimate=\"%s\" se=\"%s\"/></outcome>" \
            "</study>\n", i, i == 1 ? 1990 : i == 1102 ? 2020 : 2000,
            i == 1102 ? "1.5" : "0.3", i == 1 ? "1e-100" : "0.01"
    print "</studies>" }' >cumul.xml
here 0 --method REML --no-loo --cumulative cumul.xml
contains out "numerical failure"
n=$(grep -c '^metapool: warning: cumulative step [0-9]*: REML estimator: the fit is not finite (extreme sampling variances?)$' "$tmp/err")
[ "$n" -eq 1000 ] && passed=$((passed + 1)) || fail "$n warnings, expected 1000"
[ "$(tail -n 1 "$tmp/err")" = "metapool: 100 further warnings not shown" ] &&
    passed=$((passed + 1)) || fail "last line: $(tail -n 1 "$tmp/err")"

# Text longer than 64 KiB in any element or attribute: a document of
# BEFORE, 65537 x's and AFTER is refused at LINE.
too_long() {    # too_long FILE LINE MESSAGE BEFORE AFTER
    { printf '<?xml version="1.0"?>\n%s' "$4"
      head -c 65537 /dev/zero | tr '\0' x
      printf '%s\n</study>\n' "$5"; } >"$1"
    here 1 "$1"
    expect_no_out
    contains err "metapool: $1:$2: $3 is longer than 65536 bytes"
}
too_long long.xml 3 "<title>" '<study id="long" format="1">
<title>' '</title>'
too_long longattr.xml 2 "<study> attribute id" '<study id="' '" format="1">'

# libxml2's own limit of 10 MB per piece of text ends reading, even in an
# ignored element; said past the 1000 diagnostics of 1001 bad studies.
{ collection 1001 0.5 | sed '$d'
  printf '<junk>'
  head -c 10000001 /dev/zero | tr '\0' x
  printf '</junk>\n</studies>\n'; } >huge.xml
here 1 huge.xml
expect_no_out
n=$(wc -l <"$tmp/err")
[ "$n" -eq 1002 ] && passed=$((passed + 1)) || fail "$n lines on stderr, expected 1002"
[ "$(tail -n 2 "$tmp/err")" = "metapool: huge.xml:1004: malformed XML: xmlSAX2Characters: huge text node
metapool: 2 further problems not shown (the first 1000 are)" ] &&
    passed=$((passed + 1)) || fail "last lines: $(tail -n 2 "$tmp/err")"

# A <study> longer than 1 MiB (its tree is held in memory until its end
# tag): reading of that input stops, the next input is read.
{ printf '<?xml version="1.0"?>\n<study id="big" format="1">\n'
  awk 'BEGIN { for (i = 0; i < 30000; i++)
      printf "<covariate name=\"c%d\" value=\"v\"/>\n", i }'
  printf '</study>\n'; } >big.xml
here 1 big.xml c.xml
expect_no_out
contains err "metapool: big.xml:2: <study> is longer than 1048576 bytes, the limit per study"
contains err "metapool: c.xml:1: malformed XML: "

# The attributes of the <study> start tag count: 20 of 60000 bytes each
# are refused at that tag.
awk 'BEGIN { printf "<?xml version=\"1.0\"?>\n<study id=\"wide\" format=\"1\""
    for (i = 0; i < 20; i++) {
        printf " a%d=\"", i
        for (j = 0; j < 6000; j++) printf "0123456789"
        printf "\""
    }
    print ">"; print "</study>" }' >wide.xml
here 1 wide.xml
expect_no_out
expect_err <<'MSG'
metapool: wide.xml:2: <study> is longer than 1048576 bytes, the limit per study
MSG

# xml:id attributes (checked as libxml2 checks them, in a table that
# slows down past a few thousand): at most 10000 per input.
awk 'BEGIN { print "<?xml version=\"1.0\"?>"; print "<studies format=\"1\"><junk>"
    for (i = 0; i <= 10000; i++) printf "<x xml:id=\"i%d\"/>\n", i
    print "</junk></studies>" }' >ids.xml
here 1 ids.xml
expect_no_out
expect_err <<'MSG'
metapool: ids.xml:2: unknown element <junk> in <studies>
metapool: ids.xml:10003: more than 10000 xml:id attributes, the limit per input
MSG

# More than 2 GiB on one input: refused at the limit, without holding it.
# (Four seconds of parsing; skipped under valgrind, where it takes minutes.)
if [ -z "${MP_REAL:-}" ]; then
    what="2 GiB + on standard input"
    { printf '<?xml version="1.0"?>\n<studies format="1">\n'
      yes '<!-- a comment that repeats until the input is too large ... -->'; } |
        "$METAPOOL" - >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 1 ] && passed=$((passed + 1)) || fail "exit status, expected 1"
    expect_no_out
    expect_err <<'MSG'
metapool: -: larger than 2147483648 bytes, the limit per input
MSG
else
    skip "the 2 GiB input: minutes under valgrind"
fi
finish
