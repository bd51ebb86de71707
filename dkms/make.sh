#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms/make.sh KSRC [ignored...]: DKMS's build command.  DKMS appends
# CC=clang LD=ld.lld for a clang-built kernel, which picks whatever plain
# `clang` is installed; this builds with the clang the kernel was built
# with instead (LLVM=, see llvm.sh), and the product module (no KUnit; the
# test listeners only if RFN_TEST_LISTENERS=1 is in the environment).
ksrc=$1
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
make -C "$ksrc" M="$build" LLVM="$(sh "$here/llvm.sh" "$ksrc")" RFN_KUNIT=0 \
	RFN_TEST_LISTENERS="${RFN_TEST_LISTENERS:-0}" -j"$(nproc)" modules || exit
# DKMS empties the build directory afterwards: keep the symbols C modules
# link against (KBUILD_EXTRA_SYMBOLS) with the kernel's build of ours.
kver=$(cat "$ksrc/include/config/kernel.release")
mkdir -p "$build/../$kver"
cp "$build/Module.symvers" "$build/../$kver/Module.symvers"
