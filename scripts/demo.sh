#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: set-up, test kernel, module, then one guest boot that tells
# the story (tests/guest/demo.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
"$here/setup.sh"
kdir=$("$here/kdir.sh")
make -s -C "$kdir" M="$top" LLVM="$LLVM" RFN_TEST_LISTENERS=1 modules >/dev/null
out=${RFN_OUT:-$top/out/demo}
mkdir -p "$out"
echo "demo: booting the test kernel (TCG: about a minute) ..."
"$here/guest.sh" "$kdir" "$out" bash tests/guest/demo.sh "$top/rust_fib_notifier.ko"
