#!/bin/bash
# No data file of a run is tracked in the repository's root, and the ones
# that runs leave behind (perf.data, rotated *.data.old, --switch-output's
# timestamped copies) are ignored. Test inputs live under tests/data/.
. tests/lib.sh
command -v git >/dev/null || skip "git is not installed"
git rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"

tracked=$(git ls-files | grep -v '^tests/' | grep -E '\.data($|\.)' || true)
[ -z "$tracked" ] || fail "data files are tracked: $tracked"
for f in perf.data perf.data.old p.data.old demo.data.old x.data perf.data.2026120112345678 \
	 sub/dir/perf.data.old; do
	git check-ignore -q --no-index "$f" || fail "'$f' is not ignored"
done
echo "ok: no tracked data files; run outputs are ignored"
