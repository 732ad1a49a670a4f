#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile inputs: external entities, entity-expansion bombs, XInclude and
# oversized lines are refused at once, and no content of another file ever
# reaches the output.  `timeout` only guards against a hang.
. "${top_srcdir:-.}/tests/cli/lib.sh"

refused() {     # refused FILE: exit 1, no output, no secret in any stream
    what="metapool $1"
    (cd "$data" && timeout 10 "$METAPOOL" "$1") >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    if [ "$status" -ne 1 ]; then
        fail "exit status $status, expected 1 (124 means it hung)"
        return
    fi
    passed=$((passed + 1))
    expect_no_out
    if grep -q 'root:' "$tmp/out" "$tmp/err"; then
        fail "content of /etc/passwd reached the output"
    else
        passed=$((passed + 1))
    fi
}

refused bad/xxe.xml
refused bad/bomb.xml

# A bomb far larger than the shipped one (16^12 expansions) is refused just
# the same, before the parser reads its declarations.
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE study ['
    echo '<!ENTITY e0 "boom">'
    i=1
    while [ $i -le 12 ]; do
        p=$((i - 1))
        printf '<!ENTITY e%d "' $i
        j=0
        while [ $j -lt 16 ]; do printf '&e%d;' $p; j=$((j + 1)); done
        echo '">'
        i=$((i + 1))
    done
    echo ']>'
    echo '<study id="bomb" format="1"><title>&e12;</title></study>'
} >"$tmp/bigbomb.xml"
what="metapool bigbomb.xml"
timeout 10 "$METAPOOL" "$tmp/bigbomb.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && passed=$((passed + 1)) || fail "not refused"
contains err "DOCTYPE declarations are not allowed"

# A parameter-entity attack hidden after a comment is still a DOCTYPE.
printf '<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE s SYSTEM "http://127.0.0.1:9/x.dtd">\n<study/>\n' >"$tmp/remote.xml"
what="metapool remote.xml"
timeout 10 "$METAPOOL" "$tmp/remote.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && passed=$((passed + 1)) || fail "not refused"
contains err "remote.xml:3: DOCTYPE declarations are not allowed"

# XInclude is not processed: it is an unknown element.
cat >"$tmp/xinclude.xml" <<'XML'
<?xml version="1.0"?>
<study id="xi" format="1" xmlns:xi="http://www.w3.org/2001/XInclude">
  <title>XInclude</title>
  <xi:include href="/etc/passwd" parse="text"/>
</study>
XML
what="metapool xinclude.xml"
timeout 10 "$METAPOOL" "$tmp/xinclude.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && passed=$((passed + 1)) || fail "not refused"
if grep -q 'root:' "$tmp/out" "$tmp/err"; then fail "passwd leaked"; else passed=$((passed + 1)); fi
finish
