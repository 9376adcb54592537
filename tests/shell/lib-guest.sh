# Guest data for the tests on tests/lib.sh (source after it; the t20NN
# guest-data tests have their own helpers in lib-guestgen.sh).

# guest_fixture: sets G (the mkguestdata tool), K and M (the guest-6.1
# fixture's kallsyms.gz and modules) and GO (the options that give report
# and top those files, host and guest rows); false without the fixture.
guest_fixture() {
	G=$TOOLS/mkguestdata
	K=$FIXTURES/guest-6.1/kallsyms.gz
	M=$FIXTURES/guest-6.1/modules
	GO="--guestkallsyms=$K --guestmodules=$M --host --guest"
	[ -f "$K" ]
}

# need_guest_fixture: guest_fixture, or skip without the fixture; fails
# where mkguestdata is not built.
need_guest_fixture() {
	need_fixtures
	guest_fixture
	[ -x "$G" ] || fail "$G is not built"
}

# guest_mix OUT: a file of the default guest on the fixture with host
# samples too: 3000 guest kernel, 1000 guest module, 300 guest user, 100
# host kernel and 100 host user samples (seed 7).
guest_mix() {
	$G -o "$1" --guest "0:$K:$M" --seed 7 --kernel-samples 3000 --module-samples 1000 \
		--user-samples 300 --host-kernel-samples 100 --host-user-samples 100 >/dev/null ||
		fail "mkguestdata failed"
}
