#!/bin/bash
# Guest symbol files are input a hostile guest shapes. Under --guestmount
# only regular files are read, nothing leads out of a guest's tree
# (symbolic links included), and nothing blocks or is read without bound;
# a FIFO, device, directory or non-kernel ELF given to a symbol option is
# refused with a message that says what it is.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
PID=1234
T=20	# seconds: none of this may come near it

# A guest tree, and a recording of that guest.
$G --make-guestmount "$TMP/gm" --pid $PID --shift 0 --kallsyms "$K" --modules "$M" >/dev/null ||
	fail "mkguestdata --make-guestmount"
R=$TMP/gm/$PID
$G -o "$TMP/g.data" --expect "$TMP/g.exp" --seed 51 \
	--guest "$PID:$R/proc/kallsyms:$R/proc/modules" >/dev/null || fail "mkguestdata"
# the header's "guest kernel samples" count core kernel and module samples
kernel=$(awk -F'\t' '$1 == "#total" && ($2 == "guest-kernel" || $2 == "guest-module") { n += $3 }
	END { print n }' "$TMP/g.exp")

# report_ok NAME MOUNT: the report ends in time with exit 0; output in out/err.
report_ok() {
	/usr/bin/time -f '%M' -o "$TMP/rss" timeout $T $PMUKVM --guestmount="$2" report \
		-i "$TMP/g.data" --stdio >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	[ $rc -ne 124 ] || fail "$1: report still running after $T s"
	[ $rc -eq 0 ] || { cat "$TMP/err"; fail "$1: exit $rc"; }
	! grep -q -E "Sanitizer|runtime error" "$TMP/err" || { cat "$TMP/err"; fail "$1: sanitizer"; }
}
# unresolved: the guest's kernel samples all stay unresolved.
all_unresolved() {
	grep -q "^# guest $PID: $kernel guest kernel samples, $kernel unresolved" "$TMP/out" ||
		{ grep '^#' "$TMP/out"; fail "$1: the guest's samples were resolved from somewhere"; }
}

# Modules the kallsyms copy has no symbols for send the report to look for
# their .ko files: a FIFO and a device node sit where they would be.
cp -r "$TMP/gm" "$TMP/ko"
R=$TMP/ko/$PID
printf 'evilfifo 16384 0 - Live 0xffffffffc8000000\nevildev 16384 0 - Live 0xffffffffc8010000\n' \
	>>"$R/proc/modules"
mkdir -p "$R/lib/modules/6.1.0/kernel"
mkfifo "$R/lib/modules/6.1.0/kernel/evilfifo.ko" || fail "mkfifo"
if mknod "$R/lib/modules/6.1.0/kernel/evildev.ko" c 1 5 2>/dev/null; then
	dev="and a device node (/dev/zero) "
else
	dev=""	# not root: the FIFO alone
fi
report_ok "a FIFO ${dev}as .ko files" "$TMP/ko"
rss=$(tail -n1 "$TMP/rss")
[ "$rss" -lt 150000 ] || fail "a device node as a .ko: $rss kB used"
grep -q "WARNING: guest $PID: module evilfifo .*nor a .ko file" "$TMP/out" ||
	{ grep '^#' "$TMP/out"; fail "the module behind the FIFO is not reported"; }
echo "ok: a FIFO ${dev}named like .ko files: skipped, $rss kB"

# A FIFO as the guest's proc/kallsyms: an error naming it, not a hang.
cp -r "$TMP/gm" "$TMP/kf"
rm "$TMP/kf/$PID/proc/kallsyms"
mkfifo "$TMP/kf/$PID/proc/kallsyms"
expect_clean_error "a FIFO as proc/kallsyms" timeout $T $PMUKVM --guestmount="$TMP/kf" report \
	-i "$TMP/g.data" --stdio
grep -q "proc/kallsyms': not a regular file" "$TMP/err" || fail "the FIFO kallsyms is not named"

# A guest directory that links to / would make the host's own /proc/kallsyms
# and /proc/modules the guest's symbols.
mkdir -p "$TMP/root"
ln -s / "$TMP/root/$PID"
report_ok "a guest directory linking to /" "$TMP/root"
grep -q "WARNING: guest $PID: '$TMP/root/$PID' is a symbolic link: refused" "$TMP/out" ||
	{ grep '^#' "$TMP/out"; fail "a guest directory linking to / is not refused"; }
all_unresolved "a guest directory linking to /"
echo "ok: a guest directory linking to / is refused"
expect_clean_error "record --guestmount with a link to /" timeout $T \
	$PMUKVM --guestmount="$TMP/root" record -o "$TMP/r.data" -- true
grep -q "cannot read '$TMP/root/$PID': a symbolic link" "$TMP/err" || fail "record: the link is not named"

# Links inside the tree lead nowhere out of it: an absolute link to
# /proc/kallsyms means the guest's own, here itself.
cp -r "$TMP/gm" "$TMP/abs"
R=$TMP/abs/$PID
ln -sfn /proc/kallsyms "$R/proc/kallsyms"
ln -sfn /proc/modules "$R/proc/modules"
report_ok "proc/kallsyms linking to /proc/kallsyms" "$TMP/abs"
grep -q "WARNING: guest $PID: $R/proc/kallsyms: .*symbolic link" "$TMP/out" ||
	{ grep '^#' "$TMP/out"; fail "a link to the host's /proc/kallsyms is not refused"; }
all_unresolved "proc/kallsyms linking to /proc/kallsyms"
echo "ok: links to the host's /proc files are not followed out of the tree"

# ... while links that stay inside the tree work, absolute ones too.
cp -r "$TMP/gm" "$TMP/in"
R=$TMP/in/$PID
mkdir -p "$R/copy"
mv "$R/proc/kallsyms" "$R/copy/kallsyms"
mv "$R/proc/modules" "$R/copy/modules"
ln -s ../copy/kallsyms "$R/proc/kallsyms"
ln -s /copy/modules "$R/proc/modules"
report_ok "links inside the tree" "$TMP/in"
grep -q "^# guest $PID: $kernel guest kernel samples, 0 unresolved" "$TMP/out" ||
	{ grep '^#' "$TMP/out"; fail "links inside the guest tree are not followed"; }
echo "ok: links inside the tree are followed within it"

# Symbol files given by option: a FIFO blocks nothing, each is named.
mkfifo "$TMP/fifo"
mkdir "$TMP/dir"
for opt in --guestkallsyms --guestmodules --guestvmlinux; do
	extra=()
	[ $opt = --guestmodules ] && extra=(--guestkallsyms="$K")
	expect_clean_error "$opt FIFO" timeout $T $PMUKVM "${extra[@]}" $opt="$TMP/fifo" report \
		-i "$TMP/g.data" --stdio
	grep -q "'$TMP/fifo': not a regular file" "$TMP/err" || fail "$opt FIFO: not said"
done
expect_clean_error "-k FIFO" timeout $T $PMUKVM report -k "$TMP/fifo" -i "$TMP/g.data" --stdio
grep -q "'$TMP/fifo': not a regular file" "$TMP/err" || fail "-k FIFO: not said"
expect_clean_error "record --guestkallsyms FIFO" timeout $T $PMUKVM --guestkallsyms="$TMP/fifo" \
	record -o "$TMP/r.data" -- true
grep -q "'$TMP/fifo': not a regular file" "$TMP/err" || fail "record --guestkallsyms FIFO: not said"
expect_clean_error "--guestkallsyms /dev/zero" timeout $T $PMUKVM --guestkallsyms=/dev/zero report \
	-i "$TMP/g.data" --stdio
grep -q "not a regular file" "$TMP/err" || fail "/dev/zero: not said"
for opt in --guestkallsyms --guestmodules; do
	extra=()
	[ $opt = --guestmodules ] && extra=(--guestkallsyms="$K")
	expect_clean_error "$opt directory" $PMUKVM "${extra[@]}" $opt="$TMP/dir" report \
		-i "$TMP/g.data" --stdio
	grep -q "'$TMP/dir': is a directory" "$TMP/err" || fail "$opt directory: not said"
done
expect_clean_error "-i directory" $PMUKVM report -i "$TMP/dir" --stdio
grep -q "is a directory" "$TMP/err" || fail "-i directory: not said"
expect_clean_error "--guestvmlinux=/bin/ls" $PMUKVM --guestvmlinux=/bin/ls report -i "$TMP/g.data" --stdio
grep -q "'/bin/ls' is not a kernel image" "$TMP/err" || fail "/bin/ls taken as a kernel"
echo "hostile guest files refused"
