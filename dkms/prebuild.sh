#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms/prebuild.sh KSRC: fail, saying what is missing, unless the kernel
# build tree KSRC can build an out-of-tree Rust module.
ksrc=$1
cfg=$ksrc/.config
die() {
	echo "rust-fib-notifier: cannot build against $ksrc: $*" >&2
	exit 1
}
[ -f "$cfg" ] || die "no .config (install the kernel's headers/build package)"
grep -q '^CONFIG_RUST=y' "$cfg" || die "the kernel has no Rust support (CONFIG_RUST)"
for f in rust/libkernel.rmeta rust/libcore.rmeta rust/libcompiler_builtins.rmeta rust/libpin_init.rmeta; do
	[ -f "$ksrc/$f" ] ||
		die "$f is missing: the build tree lacks the Rust metadata out-of-tree Rust modules need (build the kernel's rust/ target, or use a headers package that ships it)"
done
ls "$ksrc"/rust/libmacros.so >/dev/null 2>&1 || die "rust/libmacros.so (the kernel's procedural macros) is missing"
want=$(sed -n 's/^CONFIG_RUSTC_VERSION_TEXT="\(.*\)"$/\1/p' "$cfg")
have=$(rustc --version 2>/dev/null) || die "no rustc in PATH (need: $want)"
[ "$have" = "$want" ] ||
	die "rustc is \"$have\", the kernel was built with \"$want\": Rust metadata only links with the same compiler"
llvm=$(sh "$(dirname "$0")/llvm.sh" "$ksrc") || exit 1
if grep -q '^CONFIG_CC_IS_CLANG=y' "$cfg"; then
	cc=clang${llvm#1}
	[ "$llvm" = 1 ] && cc=clang
	command -v "$cc" >/dev/null 2>&1 || die "the kernel was built with clang; $cc is not installed"
fi
echo "rust-fib-notifier: $ksrc can build Rust modules (rustc: $have, LLVM=${llvm:-none})"
