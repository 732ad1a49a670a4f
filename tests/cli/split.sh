#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/cli/split.sh - a collection of more than 8 MiB is read by two
# threads (issue 15; mp_read_file_split): whatever it holds, every report
# and every diagnostic must be those of one reading.  One reading is what
# standard input gets (it is never split), so each case compares
# `metapool ... FILE` with `metapool ... - < FILE`, the file's name put
# for "-" in the second: the JSON, CSV and text reports, stderr and the
# exit status.  The cases put in the second half what a split must not
# change: warnings and studies without the outcome (their line numbers),
# an invalid study, a study id already used in the first half, CR LF line
# ends, a comment holding "</study>" across the middle, a study limit.
. "${top_srcdir:-.}/tests/cli/lib.sh"

n=45000     # about 9.5 MB: above the 8 MiB at which files are split

# collection FILE [CASE]: n studies, each on three lines; CASE adds, at
# study 20000 (in the second half), a problem of that kind.
collection() {
    awk -v n="$n" -v c="${2:-}" 'BEGIN {
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        print "<studies format=\"1\">"
        for (i = 0; i < n; i++) {
            if (c == "comment" && i == int(n / 2) - 10) {
                printf "<!--"
                for (j = 0; j < 2000; j++) printf " </study> %d", j
                print " -->"
            }
            id = (c == "duplicate" && i == 35000) ? "s7" : "s" i
            est = (c == "invalid" && i == 35000) ? "none" : sprintf("0.%02d", 50 + i % 45)
            # the bounds of 1 study in 97 do not centre on the estimate: a warning
            lo = i % 97 == 5 ? "0.10" : sprintf("%.2f", (50 + i % 45) / 100 * 0.7)
            hi = i % 97 == 5 ? "0.99" : sprintf("%.2f", (50 + i % 45) / 100 / 0.7)
            out = (c == "pfs" && i % 1000 == 999) ? "PFS" : "OS"
            printf "<study id=\"%s\"><title>Study %d</title><design>rct</design>\n", id, i
            printf "<publication year=\"%d\">Synthetic.</publication>\n", 1990 + i % 30
            printf "<outcome name=\"%s\"><hazard-ratio estimate=\"%s\" lower=\"%s\" upper=\"%s\"/></outcome></study>\n", out, est, lo, hi
        }
        print "</studies>"
    }' >"$1"
}

# same NAME FILE ARG...: metapool ARG... on FILE and on its copy on stdin
# give the same output, stderr and status.
same() {
    name=$1 file=$2
    shift 2
    what="$name: metapool $* (a file, and standard input)"
    "$METAPOOL" "$@" "$file" >"$tmp/a.out" 2>"$tmp/a.err"
    sa=$?
    "$METAPOOL" "$@" - <"$file" >"$tmp/b.raw" 2>"$tmp/b.rawerr"
    sb=$?
    # standard input is "-" where the file is named
    sed "s|\"-\"|\"$file\"|g; s|^-,|$file,|; s|,-,|,$file,|g" "$tmp/b.raw" >"$tmp/b.out"
    sed "s|^metapool: -:|metapool: $file:|; s|defined at -:|defined at $file:|" "$tmp/b.rawerr" >"$tmp/b.err"
    if [ "$sa" -ne "$sb" ]; then
        fail "exit status $sa for the file, $sb for standard input"
    elif ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
        fail "stdout differs"
        diff "$tmp/b.out" "$tmp/a.out" | head -6 | sed 's/^/  /'
    elif ! cmp -s "$tmp/a.err" "$tmp/b.err"; then
        fail "stderr differs"
        diff "$tmp/b.err" "$tmp/a.err" | head -6 | sed 's/^/  /'
    else
        ok
    fi
}

for c in plain pfs invalid duplicate comment; do
    f=$tmp/$c.xml
    collection "$f" "$c"
    what="$c: the collection is larger than 8 MiB"
    if [ "$(wc -c <"$f")" -gt 8388608 ]; then ok; else fail "$(wc -c <"$f") bytes"; fi
    same "$c" "$f" -f json
    same "$c" "$f" -f csv --no-loo
    same "$c" "$f" -f text --no-loo -m REML
done

# CR LF line ends: the second half's line numbers count them so
f=$tmp/crlf.xml
collection "$tmp/lf.xml" pfs
sed 's/$/\r/' "$tmp/lf.xml" >"$f"
same crlf "$f" -f json --no-loo

# a study limit among the second half's studies
same limit "$tmp/plain.xml" -f json --no-loo --max-studies 35000

# the warnings of the second half are there, at their lines: study 5 +
# 97 j has its own three lines from line 3 on
what="warnings of the second half at their lines"
"$METAPOOL" -f json --no-loo "$tmp/plain.xml" >/dev/null 2>"$tmp/err"
last=$(awk -v n="$n" 'BEGIN { i = 5; while (i + 97 < n) i += 97; print 3 + 3 * i + 2 }')
if grep -q "^metapool: $tmp/plain.xml:$last: warning: " "$tmp/err"; then
    ok
else
    fail "no warning at line $last (the last study with off-centre bounds)"
    head -3 "$tmp/err" | sed 's/^/  /'
fi

finish
