#!/bin/bash
# make install with PREFIX and DESTDIR: the binary, a man page per
# Documentation/pmukvm*.txt (asciidoctor) and the bash completion, where
# man and bash find them.
. tests/lib.sh
command -v asciidoctor >/dev/null || skip "asciidoctor is not installed (make deps)"
command -v man >/dev/null || skip "man is not installed (make deps)"
D=$TMP/stage
P=/opt/pmukvm-test

make -s install DESTDIR="$D" PREFIX="$P" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "make install failed"; }
[ -x "$D$P/bin/pmukvm" ] || fail "no $P/bin/pmukvm"
"$D$P/bin/pmukvm" --version | grep -q "^pmukvm version " || fail "the installed binary does not run"
comp=$D$P/share/bash-completion/completions/pmukvm
cmp -s "$comp" contrib/pmukvm-completion.bash || fail "no completion at $P/share/bash-completion/completions/pmukvm"
n=0
for txt in Documentation/pmukvm*.txt; do
	page=$(basename "$txt" .txt)
	f=$D$P/share/man/man1/$page.1
	[ -f "$f" ] || fail "no man page $page.1"
	# Rendered, the page has its name and its options.
	MANWIDTH=200 man -l "$f" 2>"$TMP/man.err" >"$TMP/man.out" || { cat "$TMP/man.err"; fail "man -l $page.1"; }
	grep -q "^NAME" "$TMP/man.out" && grep -q "^ *$page - " "$TMP/man.out" || fail "$page.1: no NAME line for $page"
	[ ! -s "$TMP/man.err" ] || { cat "$TMP/man.err"; fail "$page.1: man complains"; }
	n=$((n + 1))
done
# man finds pmukvm-report by name under the prefix.
MANPATH=$D$P/share/man MANPAGER=cat MANWIDTH=200 man pmukvm-report >"$TMP/report.man" 2>&1 ||
	{ cat "$TMP/report.man"; fail "man pmukvm-report under MANPATH failed"; }
grep -q -- "--sort" "$TMP/report.man" && grep -q "^EXAMPLES" "$TMP/report.man" ||
	fail "man pmukvm-report: no --sort or no EXAMPLES"
echo "ok: $n man pages; man pmukvm-report works"

# The installed completion completes the installed binary, found on PATH.
got=$(PATH="$D$P/bin:$PATH" bash -c ". '$comp'; COMP_WORDS=(pmukvm report --so); COMP_CWORD=2; _pmukvm;
	echo \"\${COMPREPLY[*]}\"")
[ "$got" = "--sort=" ] || fail "installed completion of 'pmukvm report --so': '$got'"
echo "ok: the installed completion completes the installed binary"

# The default prefix is /usr/local.
make -s -n install DESTDIR="$D" | grep -q "$D/usr/local/bin/pmukvm" || fail "default PREFIX is not /usr/local"
make -s uninstall DESTDIR="$D" PREFIX="$P" || fail "make uninstall"
[ -z "$(find "$D" -type f)" ] || fail "uninstall left: $(find "$D" -type f)"
echo "ok: default prefix /usr/local; uninstall removes what install put"
