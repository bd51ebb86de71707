#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the test kernel: linux-source-7.3, configured
# as `make allnoconfig` with kernel/rfn.config forced on top
# (KCONFIG_ALLCONFIG): nothing the guest does not use is built.  Prints the build
# directory (a KDIR for out-of-tree modules, with arch/x86/boot/bzImage) on
# stdout; progress goes to stderr.
#   --cached   only print it if it is built already, else fail
#   --src      only unpack the source and print its directory
#
# Cache layout (outside the repo, $RFN_CACHE):
#   src/<package version>/linux-source-7.3   unpacked once per source version
#   build/<key>/                             O= build output, where <key> hashes
#                                            the source version, the fragment
#                                            and the toolchain versions
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
log() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { printf 'build-kernel: ERROR: %s\n' "$*" >&2; exit 1; }

tarball=/usr/src/linux-source-$KVER.tar.xz
[ -f "$tarball" ] || [ "${1:-}" = --cached ] || die "$tarball missing: run scripts/setup.sh, or set KDIR= to a Rust-enabled $KVER build tree"
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null || stat -c %s-%Y "$tarball")
srcdir=$RFN_CACHE/src/$srcver/linux-source-$KVER
if [ ! -f "$srcdir/.rfn-unpacked" ]; then
	log "unpacking $tarball ($srcver) into $srcdir"
	rm -rf "$srcdir"; mkdir -p "$(dirname "$srcdir")"
	tar -C "$(dirname "$srcdir")" -xf "$tarball"
	touch "$srcdir/.rfn-unpacked"
fi

if [ "${1:-}" = --src ]; then
	echo "$srcdir"
	exit 0
fi

frag=${RFN_KCONFIG:-$top/kernel/rfn.config}
base=allnoconfig
key=$( {
	echo "$srcver"
	echo "$base"
	cat "$frag"
	clang$LLVM --version | head -1
	rustc --version
	bindgen --version
} | sha256sum | cut -c1-16)
out=$RFN_CACHE/build/$key
if [ -f "$out/.rfn-built" ]; then
	log "cached: $out"
	echo "$out"
	exit 0
fi
if [ "${1:-}" = --cached ]; then
	log "not built yet: $out"
	exit 1
fi

mk() { make -C "$srcdir" O="$out" LLVM="$LLVM" ARCH=x86_64 "$@"; }
mkdir -p "$out"
log "configuring $out ($base + $(basename "$frag"))"
rm -f "$out/.config"
mk KCONFIG_ALLCONFIG="$frag" $base >&2
# Every line of the fragment must have survived (a forced symbol whose
# dependencies are off is silently dropped by Kconfig).
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) sym=${line%%=*}; want="# $sym is not set" ;;
	CONFIG_*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	if ! grep -qxF "$want" "$out/.config"; then
		log "fragment line not in .config: $line"
		bad=1
	fi
done <"$frag"
[ $bad = 0 ] || die "kernel/rfn.config does not apply cleanly (see above)"
mk rustavailable >&2 || die "Rust is not available to this kernel build (rustc/bindgen/libclang/rust-src)"

log "building bzImage, modules and the Rust metadata ($(nproc) jobs)"
start=$(date +%s)
mk -j"$(nproc)" bzImage modules >&2
mk -j"$(nproc)" rust-analyzer >&2 || log "rust-project.json not generated (editors only)"
echo "$(( $(date +%s) - start ))" >"$out/.rfn-build-seconds"
touch "$out/.rfn-built"
log "built in $(cat "$out/.rfn-build-seconds") s: $out"
echo "$out"
