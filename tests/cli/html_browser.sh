#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The HTML report in a real browser (issue 23): headless Chromium (Debian's
# chromium) loads the report of the shipped trials and that of the hostile
# descriptors of tests/data/html, takes screenshots, and logs every console
# message to standard error (--enable-logging=stderr --v=0).  The report
# has no script, so any console message (an error, a blocked resource, a
# script of a descriptor that ran) fails the test; a control page whose
# script logs a marker shows that console messages do reach the log.  The
# forest plot must render, and in a run with --bias --influence --tsa 0.8
# --bayes the forest, TSA, Baujat and funnel plots: in a copy of the
# report that shows one plot alone at the top left (a style sheet added
# before </head>), the screenshot has ink (non-white pixels) in the plot's
# box (its width and height attributes) and none below it, while the same
# page with the forest plot hidden has none in the box (so the check can
# fail).  The PNG is decoded by python3 (zlib, standard library).  Without
# chromium or python3 the test is skipped (exit 77).
. "${top_srcdir:-.}/tests/cli/lib.sh"

browser=
for b in chromium chromium-browser; do
    command -v "$b" >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
    echo "SKIP: chromium is not installed (apt-get install chromium)"
    exit 77
fi
require python3

# shot PAGE PNG WIDTH HEIGHT: screenshot PAGE (a file); its log in PNG.log.
shot() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --no-first-run --hide-scrollbars --user-data-dir="$tmp/profile" \
        --enable-logging=stderr --v=0 --window-size="$3,$4" \
        --screenshot="$2" "file://$1" >"$2.log" 2>&1
}

# no_console PNG: the log of PNG's page has no console message.
no_console() {
    what="$1: no console message"
    if grep -q ':CONSOLE' "$1.log"; then
        fail "$(grep ':CONSOLE' "$1.log" | head -3)"
    else
        ok
    fi
}

# ink PNG X0 Y0 X1 Y1: the share of non-white pixels in the box, in
# thousandths (a pixel is ink when a channel is below 200).
ink() {
    python3 - "$@" <<'EOF'
import struct, sys, zlib
path, x0, y0, x1, y1 = sys.argv[1], *map(int, sys.argv[2:6])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
rows, prev, i = [], bytearray(stride), 0
for _ in range(h):   # PNG filters (PNG specification, section 9)
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for j in range(stride):
        a = line[j - bpp] if j >= bpp else 0
        b, c = prev[j], prev[j - bpp] if j >= bpp else 0
        if f == 1: line[j] = (line[j] + a) & 255
        elif f == 2: line[j] = (line[j] + b) & 255
        elif f == 3: line[j] = (line[j] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[j] = (line[j] + pr) & 255
    rows.append(line)
    prev = line
x1, y1 = min(x1, w), min(y1, h)
total = max(1, (x1 - x0) * (y1 - y0))
dark = sum(1 for y in range(y0, y1) for x in range(x0, x1)
           if min(rows[y][x * bpp:x * bpp + 3]) < 200)
print(1000 * dark // total)
EOF
}

# ---- the control: console messages reach the log ---------------------------
printf '%s\n' '<!DOCTYPE html><html lang="en"><head><title>control</title></head>' \
    '<body><p>control</p><script>console.error("control-marker")</script></body></html>' \
    >"$tmp/control.html"
shot "$tmp/control.html" "$tmp/control.png" 400 300
what="control page: its console message is in the log"
grep -q ':CONSOLE.*control-marker' "$tmp/control.png.log" && ok ||
    fail "no console message seen: $(tail -3 "$tmp/control.png.log")"

# ---- the report of the shipped trials ----------------------------------------
what="metapool -f html studies/*.xml"
(cd "$srcdir" && "$METAPOOL" -f html studies/*.xml) >"$tmp/report.html" 2>"$tmp/err" &&
    ok || fail "exit status $?"
shot "$tmp/report.html" "$tmp/report.png" 1100 2600
what="report: screenshot"
[ -s "$tmp/report.png" ] && ok || fail "no screenshot: $(tail -3 "$tmp/report.png.log")"
no_console "$tmp/report.png"

# renders PAGE SECTION: the plot of SECTION alone, at the top left, at its
# own size (a copy of PAGE in $tmp/plot.html, its screenshot
# $tmp/plot.png) has ink in its box and none below it.
renders() {
    sed "s|</head>|<style>header,footer,h2,pre,p,table,main>section:not(#$2){display:none}body{margin:0;padding:0;max-width:none}figure{margin:0}</style></head>|" \
        "$1" >"$tmp/plot.html"
    svg=$(sed -n "/<section id=\"$2\">/,\$p" "$1" | grep -m1 -o '<svg [^>]*')
    svg_w=$(echo "$svg" | sed 's/.* width="\([0-9]*\)".*/\1/')
    svg_h=$(echo "$svg" | sed 's/.* height="\([0-9]*\)".*/\1/')
    shot "$tmp/plot.html" "$tmp/plot.png" $((svg_w + 100)) $((svg_h + 200))
    no_console "$tmp/plot.png"
    what="$2: the plot (${svg_w}x${svg_h}) rendered: ink in its box"
    inside=$(ink "$tmp/plot.png" 0 0 "$svg_w" "$svg_h")
    # text, lines, dots and areas: well over 1% of the box, far from all
    [ "${inside:-0}" -ge 10 ] && [ "${inside:-0}" -le 500 ] && ok ||
        fail "ink in ${inside:-?} thousandths of the box"
    what="$2: nothing drawn below the plot"
    below=$(ink "$tmp/plot.png" 0 $((svg_h + 20)) $((svg_w + 100)) $((svg_h + 200)))
    [ "${below:-1}" -eq 0 ] && ok || fail "ink in ${below:-?} thousandths below it"
}
renders "$tmp/report.html" forest

# the control of the ink check: the same page with the plot hidden has none
sed 's|</head>|<style>figure{visibility:hidden}</style></head>|' "$tmp/plot.html" >"$tmp/hidden.html"
shot "$tmp/hidden.html" "$tmp/hidden.png" $((svg_w + 100)) $((svg_h + 200))
what="control: no ink in the box of a hidden plot"
hidden=$(ink "$tmp/hidden.png" 0 0 "$svg_w" "$svg_h")
[ "${hidden:-1}" -eq 0 ] && ok || fail "ink in ${hidden:-?} thousandths"

# ---- the second-wave plots in their sections, Bayesian rows in the forest --------
run 0 -f html --bias --influence --tsa 0.8 --bayes good/hr-ci.xml good/hr-p.xml \
    good/log-hr.xml good/peto.xml good/reversed.xml
cp "$tmp/out" "$tmp/all.html"
for s in forest tsa influence small-study-effects; do
    renders "$tmp/all.html" $s
done

# ---- hostile descriptors: nothing runs, nothing is fetched ------------------------
run 0 -f html --by sequence --cumulative --influence --bias html/hostile-a.xml html/hostile-b.xml
cp "$tmp/out" "$tmp/hostile.html"
shot "$tmp/hostile.html" "$tmp/hostile.png" 1100 2600
what="hostile: screenshot"
[ -s "$tmp/hostile.png" ] && ok || fail "no screenshot"
no_console "$tmp/hostile.png"
what="hostile: no script of a descriptor ran"
grep -q 'pwned' "$tmp/hostile.png.log" && fail "$(grep pwned "$tmp/hostile.png.log" | head -2)" || ok

finish
