#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the test kernel: linux-source-7.3, configured
# as `make allnoconfig` with kernel/rfn.config forced on top
# (KCONFIG_ALLCONFIG): nothing the guest does not use is built.  Prints the build
# directory (a KDIR for out-of-tree modules, with arch/x86/boot/bzImage) on
# stdout; progress goes to stderr (a line every 20 s: objects built of
# about how many, time so far, time left), the build's own output to
# <build>/build.log.
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

# RFN_KCONFIG_EXTRA: a second fragment on top (the benchmark's kernel:
# kernel/rfn-bench.config); a later line for the same symbol wins.
frag=${RFN_KCONFIG:-$top/kernel/rfn.config}
extra=${RFN_KCONFIG_EXTRA:-}
base=allnoconfig
key=$( {
	echo "$srcver"
	echo "$base"
	# What configures: not the comments.
	grep -hE '^(CONFIG_|# CONFIG_.* is not set)' "$frag" ${extra:+"$extra"}
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
log "configuring $out ($base + $(basename "$frag")${extra:+ + $(basename "$extra")})"
rm -f "$out/.config"
cat "$frag" ${extra:+"$extra"} >"$out/rfn.config"
mk KCONFIG_ALLCONFIG="$out/rfn.config" $base >"$out/build.log" 2>&1 ||
	{ tail -20 "$out/build.log" >&2; die "make $base failed (the whole log: $out/build.log)"; }
# Every line of the fragments must have survived (a forced symbol whose
# dependencies are off is silently dropped by Kconfig); of two lines for
# one symbol, the later.  "Not set" also holds for a symbol that is gone.
bad=0
declare -A last=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*) sym=${line%%=*} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
	*) continue ;;
	esac
	last[$sym]=$line
done <"$out/rfn.config"
for sym in "${!last[@]}"; do
	line=${last[$sym]}
	case "$line" in
	*=n | "# "*) grep -qE "^$sym=[^n]" "$out/.config" || continue ;;
	*) grep -qxF "$line" "$out/.config" && continue ;;
	esac
	log "fragment line not in .config: $line"
	bad=1
done
[ $bad = 0 ] || die "the kernel fragment does not apply cleanly (see above)"
mk rustavailable >>"$out/build.log" 2>&1 || {
	tail -5 "$out/build.log" >&2
	die "Rust is not available to this kernel build (rustc/bindgen/libclang/rust-src)"
}

# The build's own output goes to $out/build.log; every RFN_PROGRESS_SECONDS
# (default 20) a line says how many objects are built of about how many
# (the count of the last build of the same fragments, else a typical one),
# the time so far and an estimate of the time left.
hint=$RFN_CACHE/build/objects.$(basename "$frag")${extra:++$(basename "$extra")}
total=$(cat "$hint" 2>/dev/null) || total=
[ -n "$total" ] || { [ -n "$extra" ] && total=1300 || total=1050; }
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
progress() {
	local done el left
	# find fails when a temporary file goes while it walks: not an error.
	set +e
	while sleep "${RFN_PROGRESS_SECONDS:-20}"; do
		done=$(find "$out" -name '*.o' 2>/dev/null | wc -l)
		el=$(($(date +%s) - start))
		left=
		if [ "$done" -gt 0 ] && [ "$done" -lt "$total" ]; then
			left=", about $(mmss $((el * (total - done) / done))) left"
		elif [ "$done" -ge "$total" ]; then
			left=", linking"
		fi
		log "$done of about $total objects, $(mmss "$el") so far$left"
	done
}
log "building bzImage, modules and the Rust metadata ($(nproc) jobs; output in $out/build.log; about $total objects)"
start=$(date +%s)
progress &
mon=$!
trap 'kill $mon 2>/dev/null' EXIT
if ! mk -j"$(nproc)" bzImage modules >>"$out/build.log" 2>&1; then
	kill $mon 2>/dev/null
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	tail -20 "$out/build.log" >&2
	die "the kernel build failed (the whole log: $out/build.log)"
fi
mk -j"$(nproc)" rust-analyzer >>"$out/build.log" 2>&1 || log "rust-project.json not generated (editors only)"
kill $mon 2>/dev/null
trap - EXIT
echo "$(( $(date +%s) - start ))" >"$out/.rfn-build-seconds"
find "$out" -name '*.o' | wc -l >"$hint"
touch "$out/.rfn-built"
log "built in $(cat "$out/.rfn-build-seconds") s: $out"
echo "$out"
