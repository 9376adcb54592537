#!/bin/bash
# pmukvm check: exit 0 only where guests can be profiled, else the reasons.
. tests/shell/lib-record.sh

"$PMUKVM" check >"$TMP/out" 2>&1
rc=$?
cat "$TMP/out"
for k in kvm: paranoid: pmus: "hw event:" record: result:; do
	grep -q "^$k" "$TMP/out" || fail "no '$k' line"
done
if [ -e /sys/bus/event_source/devices/cpu ] && [ -w /dev/kvm ]; then
	[ $rc -eq 0 ] || grep -q '^  - ' "$TMP/out" || fail "non-zero without a reason"
else
	[ $rc -ne 0 ] || fail "exit 0 without a PMU or /dev/kvm"
	grep -q '^  - ' "$TMP/out" || fail "no reasons listed"
fi
"$PMUKVM" check extra >/dev/null 2>&1 && fail "check took an argument"
exit 0
