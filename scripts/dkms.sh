#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of rust_fib_notifier (`make dkms-install`,
# `make dkms-uninstall`), and its test against the test kernel.
#   scripts/dkms.sh install [KVER KSRC]   sources to /usr/src, dkms add,
#                                         build and install for KVER
#                                         (default: the running kernel)
#   scripts/dkms.sh remove                dkms remove, sources gone
#   scripts/dkms.sh test KSRC             install for KSRC's kernel (the
#                                         test kernel) from a DKMS tree of
#                                         its own, then build the example C
#                                         listener against the installed
#                                         module; what the user installed
#                                         (make dkms-install) is not touched
#   scripts/dkms.sh test-remove KSRC      undo `test`, and only that
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
name=rust-fib-notifier
version=0.1.$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0)
src=/usr/src/$name-$version
# DKMS options: none (the system's trees), or `test`'s own trees.
dk=()
die() {
	echo "dkms: $*" >&2
	exit 1
}
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms)"

remove() {
	local v srctree=${dk_src:-/usr/src}
	for v in "$srctree/$name"-*; do
		[ -d "$v" ] || continue
		v=${v##*/$name-}
		dkms "${dk[@]}" remove -m $name -v "$v" --all >/dev/null 2>&1 || :
		rm -rf "${srctree:?}/$name-$v"
	done
}

# `test` and `test-remove`: a DKMS tree and source tree of their own (the
# test kernel's modules directory is the only system path they write).
test_trees() {
	local t=${RFN_CACHE:-/var/cache/rust-fib-notifier}/dkms-test
	dk_src=$t/src
	dk=(--dkmstree "$t/dkms" --sourcetree "$dk_src")
	src=$dk_src/$name-$version
	mkdir -p "$t/dkms" "$dk_src"
	dkms_tree=$t/dkms
}

install() {
	local kver=${1:-$(uname -r)} ksrc=${2:-}
	remove
	mkdir -p "$src"
	# The module's sources only: no tests, no scripts beyond dkms/.
	(cd "$top" && git ls-files -- '*.rs' '*.c' '*.h' Kbuild Kconfig 'dkms/*.sh' |
		grep -vE '^(tests|examples)/' | cpio -pdm --quiet "$src")
	sed "s/@VERSION@/$version/" "$top/dkms/dkms.conf.in" >"$src/dkms.conf"
	dkms "${dk[@]}" add -m $name -v "$version" >/dev/null
	local k=(-k "$kver")
	[ -n "$ksrc" ] && k+=(--kernelsourcedir "$ksrc")
	dkms "${dk[@]}" build -m $name -v "$version" "${k[@]}" ||
		{ cat "${dkms_tree:-/var/lib/dkms}/$name/$version/build/make.log" >&2 2>/dev/null; die "dkms build failed"; }
	dkms "${dk[@]}" install -m $name -v "$version" "${k[@]}" --force >/dev/null || die "dkms install failed"
	dkms "${dk[@]}" status -m $name -v "$version"
}

case ${1:-} in
install) shift; install "$@" ;;
remove) remove ;;
test)
	# With the test listeners: t99 attaches the probe to the reloaded module.
	export RFN_TEST_LISTENERS=1
	ksrc=$2
	test_trees
	kver=$(cat "$ksrc/include/config/kernel.release")
	# The test kernel is not installed on the host: give DKMS (and the
	# guest, which runs on the host's root) its modules directory.
	mkdir -p "/lib/modules/$kver"
	install "$kver" "$ksrc"
	ko=$(ls /lib/modules/"$kver"/updates/dkms/rust_fib_notifier.ko* 2>/dev/null) ||
		die "dkms installed no rust_fib_notifier.ko for $kver"
	deps=$(modinfo -F depends "$ko")
	[[ ,$deps, != *,kunit,* ]] || die "the DKMS build depends on kunit"
	echo "dkms: $ko (depends: ${deps:-nothing}), modules.dep updated"
	# The example C listener, against the installed module's symbols.
	ex=$(mktemp -d)
	cp "$top"/examples/c_listener/{Kbuild,rfn_c_example.c} "$ex"
	make -s -C "$ksrc" M="$ex" LLVM="$(sh "$top/dkms/llvm.sh" "$ksrc")" \
		KBUILD_EXTRA_SYMBOLS="$dkms_tree/$name/$version/$kver/Module.symvers" \
		RFN_INCLUDE="$src/include" modules >/dev/null ||
		die "the example C listener did not build against the DKMS module"
	rm -rf "$ex"
	echo "dkms: the example C listener builds against $dkms_tree/$name/$version/$kver/Module.symvers"
	;;
test-remove)
	test_trees
	remove
	rm -rf "${dkms_tree:?}"
	;;
*) die "usage: scripts/dkms.sh install [KVER KSRC] | remove | test KSRC | test-remove KSRC" ;;
esac
