#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Does the suite catch a broken module?  Applies a deliberate bug (a patch
# under tests/mutants/) to a clone of the committed tree, runs `make test`
# there, and succeeds only if that run fails; prints which results failed.
#
#   scripts/mutant.sh tests/mutants/replay-skips-last-netns.patch
#   RFN_TESTS='t20*' scripts/mutant.sh PATCH     (only some test files)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
patch=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=${RFN_MUTANT_DIR:-/tmp/rfn-mutant}
rm -rf "$dir"
# A clone of the committed tree: the patch applies to what is committed.
git clone -q "$top" "$dir"
(cd "$dir" && git apply "$patch")
echo "mutant: $(basename "$patch") applied in $dir; running make test there"
rc=0
(cd "$dir" && make test) >"$dir/mutant.log" 2>&1 || rc=$?
grep -E '^(# )?(ok|not ok) |^# t[0-9]|^test: [0-9]+ passed|passed, [0-9]+ failed' "$dir/mutant.log" | tail -60
if [ "$rc" = 0 ]; then
	echo "mutant: SURVIVED: make test passed with $(basename "$patch") applied"
	exit 1
fi
echo "mutant: killed: make test failed (log: $dir/mutant.log); the failing results:"
grep -E 'not ok|\[FAILED\]' "$dir/mutant.log" || true
