#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: rustfmt (the kernel's .rustfmt.toml), clippy (a CLIPPY=1
# build, when a kernel build tree is at hand), checkpatch on the C files.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
rc=0

src=
if kdir=$("$here/kdir.sh" --cached 2>/dev/null); then
	src=$(readlink -f "$kdir/source" 2>/dev/null || echo "$kdir")
else
	src=$(ls -d "$RFN_CACHE"/src/*/linux-source-"$KVER" 2>/dev/null | head -1)
	kdir=
fi
[ -n "$src" ] && [ -f "$src/.rustfmt.toml" ] || {
	echo "check: no kernel source yet (run make test or make kernel first)" >&2
	exit 1
}

mapfile -t rs < <(git ls-files '*.rs')
if rustfmt --edition 2021 --config-path "$src/.rustfmt.toml" --check "${rs[@]}"; then
	echo "check: rustfmt clean (${#rs[@]} files)"
else
	echo "check: rustfmt: run rustfmt --edition 2021 --config-path $src/.rustfmt.toml" >&2
	rc=1
fi

if [ -n "$kdir" ]; then
	log=$(mktemp)
	if "$here/build-module.sh" "$kdir" "$log" 2>/dev/null; then
		echo "check: clippy and W=1 clean"
	else
		grep -E 'warning|error' -A6 "$log" | head -40 >&2
		rc=1
	fi
	rm -f "$log"
else
	echo "check: clippy skipped: no kernel build yet (make kernel)" >&2
fi

mapfile -t cfiles < <(git ls-files '*.c' '*.h')
if "$src/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "${cfiles[@]}"; then
	echo "check: checkpatch clean (${#cfiles[@]} C files)"
else
	rc=1
fi
exit $rc
