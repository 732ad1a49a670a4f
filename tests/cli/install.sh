#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Install proof: `make install DESTDIR=...` installs a library that a
# program outside the tree compiles and links against with nothing but
# `pkg-config --cflags --libs metapool`, and that runs from there; the
# shared library exports the public header's functions and no others; and
# `make uninstall` removes every file it installed.
#
# The program is tests/example/pool.c (the manual's example) when it
# exists: for the shipped trials its output must be byte-identical to
# `metapool -f json studies/*.xml`.  Otherwise a small program of this
# test's own prints mp_version(), which must be the package's version.
# Needs make, a C compiler ($CC, else cc) and pkg-config; else skipped.
. "${top_srcdir:-.}/tests/cli/lib.sh"
: "${MAKE:=make}"
: "${CC:=cc}"
require "$MAKE" "$CC" pkg-config nm ldd
builddir=$(cd "${top_builddir:-.}" && pwd)
dest=$tmp/dest

# The Makefile's own variables, so that the paths below are those of this
# build whatever configure was given.
makevar() {
    printf 'print-var:\n\t@echo $(%s)\n' "$1" |
        $MAKE -s -C "$builddir" -f Makefile -f - print-var
}
unset MAKEFLAGS MFLAGS
libdir=$(makevar libdir)
includedir=$(makevar includedir)
version=$(makevar PACKAGE_VERSION)
soname_major=$(makevar MP_SONAME_MAJOR)

what="make install DESTDIR=..."
if $MAKE -s -C "$builddir" install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
    ok
else
    fail "failed:"
    sed 's/^/  /' "$tmp/install.log" | tail -20
    finish
fi

# Every file the installation should hold.
for f in "$includedir/metapool.h" "$libdir/pkgconfig/metapool.pc" \
    "$libdir/libmetapool.a" "$libdir/libmetapool.so" \
    "$libdir/libmetapool.so.$soname_major"; do
    what="installed $f"
    [ -e "$dest$f" ] && ok || fail "missing"
done
what="no internal header installed"
ls "$dest$includedir" >"$tmp/headers"
echo metapool.h | cmp -s - "$tmp/headers" && ok || fail "$(tr '\n' ' ' <"$tmp/headers")"

# pkg-config finds the installed metapool.pc under DESTDIR: the sysroot
# prefixes its -I and -L paths with DESTDIR.
PKG_CONFIG_PATH=$dest$libdir/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
what="pkg-config --modversion metapool"
[ "$(pkg-config --modversion metapool)" = "$version" ] && ok || fail "not $version"

# Exports: exactly the functions of the installed header (the names
# followed by "(" once it is preprocessed, so not those in comments).
what="nm -D: the shared library exports the public functions only"
nm -D --defined-only "$dest$libdir/libmetapool.so.$soname_major" |
    awk '$2 ~ /^[TDBRW]$/ { print $3 }' | sed 's/@.*//' | LC_ALL=C sort -u >"$tmp/exported"
# shellcheck disable=SC2046  # the flags are words
$CC -E $(pkg-config --cflags metapool) "$dest$includedir/metapool.h" |
    grep -o '\<mp_[A-Za-z0-9_]*[[:space:]]*(' |
    sed 's/[[:space:]]*($//' | LC_ALL=C sort -u >"$tmp/declared"
if [ -s "$tmp/exported" ] && cmp -s "$tmp/declared" "$tmp/exported"; then
    ok
else
    fail "exported and declared differ (- declared, + exported):"
    diff "$tmp/declared" "$tmp/exported" | grep '^[<>]' | sed 's/^</  -/; s/^>/  +/' | head -20
fi

mkdir "$tmp/outside" || exit 99
if [ -f "$srcdir/tests/example/pool.c" ]; then
    cp "$srcdir/tests/example/pool.c" "$tmp/outside/prog.c"
else
    cat >"$tmp/outside/prog.c" <<'EOF'
#include <stdio.h>
#include <metapool.h>

int main(void)
{
    return printf("libmetapool %s\n", mp_version()) < 0;
}
EOF
fi

# A sanitized build's library needs a sanitized program ($MP_SAN_CFLAGS is
# configure --enable-sanitizers' flags, empty otherwise).
what="cc prog.c \$(pkg-config --cflags --libs metapool), outside the tree"
flags=$(pkg-config --cflags --libs metapool) || fail "pkg-config failed"
# shellcheck disable=SC2086  # the flags are words
if (cd "$tmp/outside" && $CC ${MP_SAN_CFLAGS:-} prog.c -o prog $flags) >"$tmp/cc.log" 2>&1; then
    ok
else
    fail "does not build:"
    sed 's/^/  /' "$tmp/cc.log" | head -20
fi

what="the program runs on the installed shared library"
LD_LIBRARY_PATH=$dest$libdir ldd "$tmp/outside/prog" 2>/dev/null |
    grep -q "libmetapool.so.$soname_major => $dest$libdir/" && ok ||
    fail "ldd does not resolve libmetapool.so.$soname_major under DESTDIR"

if [ -f "$srcdir/tests/example/pool.c" ]; then
    what="tests/example/pool.c studies/*.xml = metapool -f json studies/*.xml"
    (cd "$srcdir" && LD_LIBRARY_PATH=$dest$libdir "$tmp/outside/prog" studies/*.xml) \
        >"$tmp/pool.json" 2>"$tmp/pool.err"
    st=$?
    (cd "$srcdir" && "$METAPOOL" -f json studies/*.xml) >"$tmp/metapool.json"
    if [ "$st" -eq 0 ] && [ ! -s "$tmp/pool.err" ] && [ -s "$tmp/pool.json" ] &&
        cmp -s "$tmp/metapool.json" "$tmp/pool.json"; then
        ok
    else
        fail "exit $st, or output differs:"
        diff "$tmp/metapool.json" "$tmp/pool.json" | head -10
        head -5 "$tmp/pool.err"
    fi
else
    what="mp_version() through the installed library"
    LD_LIBRARY_PATH=$dest$libdir "$tmp/outside/prog" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ "$st" -eq 0 ] && ok || fail "exit status $st"
    expect_no_err
    echo "libmetapool $version" | expect_out
fi

what="make uninstall DESTDIR=... leaves no file"
if $MAKE -s -C "$builddir" uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1; then
    find "$dest" ! -type d >"$tmp/left"
    [ ! -s "$tmp/left" ] && ok || fail "left: $(head -10 "$tmp/left" | tr '\n' ' ')"
else
    fail "failed: $(tail -5 "$tmp/uninstall.log")"
fi
finish
