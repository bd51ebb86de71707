#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build tree to build against: $KDIR if set, else the
# project's test kernel (built now if needed; with --cached, only if it is
# already built, else fail).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${KDIR:-}" ]; then
	[ -f "$KDIR/Makefile" ] || { echo "kdir: KDIR=$KDIR is not a kernel build tree" >&2; exit 1; }
	echo "$KDIR"
	exit 0
fi
exec "$here/build-kernel.sh" "$@"
