#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms/llvm.sh KSRC: the LLVM= value that names the clang the kernel in
# KSRC was built with: "1" if plain `clang` is that version, "-N" for
# clang-N (Debian's versioned clang), nothing for a GCC-built kernel.
cfg=$1/.config
grep -q '^CONFIG_CC_IS_CLANG=y' "$cfg" 2>/dev/null || exit 0
want=$(sed -n 's/^CONFIG_CLANG_VERSION=\([0-9]*\)$/\1/p' "$cfg")
major=$((want / 10000))
for cc in clang "clang-$major"; do
	command -v "$cc" >/dev/null 2>&1 || continue
	have=$("$cc" -dumpversion 2>/dev/null)
	[ "${have%%.*}" = "$major" ] || continue
	[ "$cc" = clang ] && echo 1 || echo "-$major"
	exit 0
done
echo "dkms/llvm.sh: the kernel was built with clang $major; install clang-$major (and lld-$major)" >&2
echo "-$major"
