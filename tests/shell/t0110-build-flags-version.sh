#!/bin/bash
# The Makefile: `make CFLAGS=-O1` keeps the flags the build needs (they are
# not in CFLAGS), and `pmukvm --version` follows the commit the binary was
# built from, also when nothing but HEAD changed. Runs in a copy of the
# tree, a git repository of its own, with this build's objects copied in so
# that only what the change touches is rebuilt.
. tests/lib.sh
command -v git >/dev/null || skip "git is not installed"
[ -d build ] || skip "no build/ to start from (run make first)"

c=$TMP/tree
mkdir -p "$c"
git ls-files -co --exclude-standard -z 2>/dev/null | grep -z -v '^build' |
	xargs -0 cp -a --parents -t "$c" 2>/dev/null
[ -f "$c/Makefile" ] || skip "not a git checkout: cannot list the tree's files"
cp -a build "$c/"
g() { git -C "$c" -c user.name=t -c user.email=t@example.org "$@"; }
g init -q && g add -A && g commit -q -m one || fail "git commit in the copy"

make -C "$c" -s pmukvm >"$TMP/make.log" 2>&1 || { tail "$TMP/make.log"; fail "make in the copy"; }
v1=$("$c/pmukvm" --version)
h1=$(g rev-parse --short HEAD)
[[ $v1 == *"$h1"* ]] || fail "--version '$v1' does not name the commit $h1"
g commit -q --allow-empty -m two
make -C "$c" -s pmukvm >"$TMP/make.log" 2>&1 || { tail "$TMP/make.log"; fail "make after a commit"; }
v2=$("$c/pmukvm" --version)
h2=$(g rev-parse --short HEAD)
[[ $v2 == *"$h2"* ]] || fail "after a commit, --version '$v2' does not name $h2 (was '$v1')"
echo "ok: --version follows HEAD: '$v1' -> '$v2'"
# Nothing changed: nothing is rebuilt.
make -C "$c" pmukvm 2>&1 | grep -E "^  (CC|LD)" && fail "a second make rebuilt something"
echo "ok: an unchanged tree rebuilds nothing"

# A CFLAGS of the user's own replaces -O2 -g and nothing else.
touch "$c/util/util.c"
make -C "$c" CFLAGS=-O1 V=1 pmukvm >"$TMP/make.log" 2>&1 ||
	{ tail "$TMP/make.log"; fail "make CFLAGS=-O1 fails"; }
grep -E -- "-c -o build/util/util.o" "$TMP/make.log" >"$TMP/cc" || fail "util.o was not rebuilt"
for f in -O1 -Werror -std=gnu11 -I.; do
	grep -q -- " $f " "$TMP/cc" || fail "make CFLAGS=-O1: no $f in: $(cat "$TMP/cc")"
done
grep -q -- " -O2 " "$TMP/cc" && fail "make CFLAGS=-O1 still passes -O2"
"$c/pmukvm" --version >/dev/null || fail "the -O1 binary does not run"
echo "ok: make CFLAGS=-O1 keeps the build's own flags"
