#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kunit`: the module's KUnit suites through kunit.py's own flow, as a
# kernel developer runs them: the sources are placed in a kernel tree as
# net/rust_fib_notifier (CONFIG_RUST_FIB_NOTIFIER=y, built in) and
# `tools/testing/kunit/kunit.py run` builds and boots a UML kernel from
# tests/kunit/.kunitconfig.  UML needs no QEMU and no KVM, and it is
# kunit.py's default: nothing to set up, and the fastest here.
#
# The tree is a hard-linked copy of the unpacked source (files we change are
# rewritten, never edited in place), cached with its build output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
log() { printf 'kunit: %s\n' "$*" >&2; }

"$here/setup.sh"
src=$("$here/build-kernel.sh" --src)
srcver=$(basename "$(dirname "$src")")
tree=$RFN_CACHE/kunit-tree/$srcver
if [ ! -f "$tree/.rfn-tree" ]; then
	log "linking a kernel tree for in-tree builds: $tree"
	rm -rf "$tree"; mkdir -p "$(dirname "$tree")"
	cp -al "$src" "$tree"
	# sed -i writes new files: the hard-linked source stays untouched.
	sed -i '$a source "net/rust_fib_notifier/Kconfig"' "$tree/net/Kconfig"
	sed -i '$a obj-$(CONFIG_RUST_FIB_NOTIFIER) += rust_fib_notifier/' "$tree/net/Makefile"
	touch "$tree/.rfn-tree"
fi
# The module's files, as they are in this checkout.  The tree and its build
# directory are shared by every checkout (worktrees, clones): a file another
# checkout left there is removed, and a file whose content differs is
# written with the current time (rsync -c without -t), so that the build
# never takes an object built from other sources for up to date.
dst=$tree/net/rust_fib_notifier
mapfile -t files < <(cd "$top" &&
	git ls-files -co --exclude-standard -- '*.rs' '*.c' '*.h' Kbuild Kconfig)
mkdir -p "$dst"
(cd "$dst" && find . -type f -printf '%P\n' |
	{ grep -vxF -f <(printf '%s\n' "${files[@]}") || :; } |
	xargs -r -d '\n' rm -f --)
printf '%s\n' "${files[@]}" | rsync -rc --files-from=- "$top/" "$dst/"

key=$( {
	echo "$srcver"
	cat "$top/tests/kunit/.kunitconfig"
	clang$LLVM --version | head -1
	rustc --version
} | sha256sum | cut -c1-16)
build=$RFN_CACHE/kunit-build/$key
mkdir -p "$build"
cd "$tree"
log "kunit.py run (UML, build dir $build)"
exec python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$top/tests/kunit/.kunitconfig" \
	--build_dir="$build" \
	--make_options "LLVM=$LLVM" \
	--jobs "$(nproc)" \
	"rust_fib_notifier*"
