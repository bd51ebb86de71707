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
# What rustc reads for an out-of-tree module (scripts/Makefile.build's
# rust_common_cmd: --extern kernel, pin_init, zerocopy, zerocopy_derive, and
# what those crates were built against, -L $(objtree)/rust).  The kernel's
# own headers packaging (scripts/package/install-extmod-build) ships none of
# it.
missing=
for f in libcore.rmeta libcompiler_builtins.rmeta libffi.rmeta libbuild_error.rmeta \
	libbindings.rmeta libuapi.rmeta libpin_init.rmeta libzerocopy.rmeta libkernel.rmeta \
	libmacros.so libpin_init_internal.so libzerocopy_derive.so; do
	[ -f "$ksrc/rust/$f" ] || missing="$missing rust/$f"
done
if grep -q '^CONFIG_RUST_INLINE_HELPERS=y' "$cfg"; then
	[ -f "$ksrc/rust/helpers/helpers_module.bc" ] || missing="$missing rust/helpers/helpers_module.bc"
fi
[ -z "$missing" ] ||
	die "missing:$missing: the build tree lacks the Rust metadata out-of-tree Rust modules need (build the kernel's rust/ target, or use a headers package that ships it)"
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
