#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module against KDIR with W=1 and CLIPPY=1; any warning is an
# error.  Prints nothing but the build log on failure; LOG, if given, gets
# the build log in any case.
#   scripts/build-module.sh KDIR [LOG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
kdir=$1 log=${2:-}
# The log is written to a file of our own, then copied to LOG: never
# `mv` onto a path that may be a device (/dev/null, as root, would become
# a regular file).
work=$(mktemp)
trap 'rm -f "$work"' EXIT
keep_log() { [ -z "$log" ] || cp "$work" "$log"; }
# First the product module (RFN_KUNIT=0, no RFN_TEST_LISTENERS): no KUnit
# suite, no test listener, no fault injection, no dependency on kunit.ko.
make -C "$kdir" M="$top" LLVM="$LLVM" clean >/dev/null 2>&1 || true
if ! make -C "$kdir" M="$top" LLVM="$LLVM" W=1 CLIPPY=1 RFN_KUNIT=0 -j"$(nproc)" >"$work" 2>&1; then
	cat "$work" >&2; keep_log
	echo "build-module: the product build (RFN_KUNIT=0) failed" >&2
	exit 1
fi
deps=$(modinfo -F depends "$top/rust_fib_notifier.ko")
if [[ ,$deps, == *,kunit,* ]] || nm "$top/rust_fib_notifier.ko" | grep -qiE 'kunit|chain_tests|c_api_tests'; then
	echo "build-module: the product build carries KUnit code (depends: $deps)" >&2
	exit 1
fi
if nm "$top/rust_fib_notifier.ko" | grep -E '9listeners|rfn_.*fault|rfn_set_hold'; then
	echo "build-module: the product build carries test listeners or fault injection" >&2
	exit 1
fi
if grep -nE 'warning|error:' "$work" >&2; then
	echo "build-module: warnings in the product build (RFN_KUNIT=0)" >&2
	exit 1
fi
echo "build-module: product build (RFN_KUNIT=0): no KUnit code, no test listener, depends: ${deps:-nothing}" >&2
# Then the test build, which the guest loads: the suites run at insmod.
make -C "$kdir" M="$top" LLVM="$LLVM" clean >/dev/null 2>&1 || true
if ! make -C "$kdir" M="$top" LLVM="$LLVM" W=1 CLIPPY=1 RFN_KUNIT=1 -j"$(nproc)" >"$work" 2>&1; then
	cat "$work" >&2; keep_log
	echo "build-module: build failed" >&2
	exit 1
fi
# C modules that link against the module's Module.symvers: the example
# listener, and the benchmark's measuring module (make bench loads it).
c_module() { # DIR WHAT
	make -C "$kdir" M="$1" LLVM="$LLVM" clean >/dev/null 2>&1 || true
	if ! make -C "$kdir" M="$1" LLVM="$LLVM" W=1 KBUILD_EXTRA_SYMBOLS="$top/Module.symvers" \
		RFN_INCLUDE="$top/include" >>"$work" 2>&1; then
		cat "$work" >&2; keep_log
		echo "build-module: $2 did not build" >&2
		exit 1
	fi
}
c_module "$top/examples/c_listener" "the example C listener"
c_module "$top/bench" "bench/rfn_bench.c"
c_module "$top/tests/kmod" "the guest tests' listener modules (tests/kmod)"
keep_log
if grep -nE 'warning|error:' "$work" >&2; then
	echo "build-module: warnings with W=1 CLIPPY=1 (treated as errors)" >&2
	exit 1
fi
echo "build-module: rust_fib_notifier.ko, examples/c_listener/rfn_c_example.ko, bench/rfn_bench.ko, tests/kmod/*.ko (W=1 CLIPPY=1, no warning)" >&2
