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
#   scripts/dkms.sh files                 the files DKMS gets, one a line
# Works the same in a git checkout and in an unpacked `make dist` tarball.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
name=rust-fib-notifier
version=$(cat "$top/VERSION")
src=/usr/src/$name-$version
# DKMS options: none (the system's trees), or `test`'s own trees.
dk=()
die() {
	echo "dkms: $*" >&2
	exit 1
}
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms)"

# files: the module's sources and what DKMS runs, relative to the top: no
# tests, examples, benchmark or build products (no git needed).
files() {
	(cd "$top" && {
		printf '%s\n' dkms.conf VERSION COPYING Kbuild Kconfig
		find . \( -path ./tests -o -path ./examples -o -path ./bench -o \
			-path ./out -o -path ./.git -o -path ./scripts \) -prune -o \
			-type f \( -name '*.rs' -o -name '*.c' -o -name '*.h' \) \
			! -name '*.mod.c' -print | sed 's|^\./||'
		printf '%s\n' dkms/*.sh LICENSES/preferred/GPL-2.0
	} | sort -u)
}

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
	(cd "$top" && files | cpio -pdm --quiet "$src")
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
	# A module the system's DKMS installed for this very kernel would be
	# overwritten (and then removed): leave it, and say so.
	if dkms status -m $name -k "$kver" 2>/dev/null | grep -q installed; then
		die "the system's DKMS has $name installed for $kver (make dkms-install): not touching it; make dkms-uninstall first to run this test"
	fi
	# The test kernel is not installed on the host: give DKMS (and the
	# guest, which runs on the host's root) its modules directory, and
	# remember that it was made here (test-remove takes it away again).
	if [ ! -d "/lib/modules/$kver" ]; then
		mkdir -p "/lib/modules/$kver"
		echo "/lib/modules/$kver" >"$dkms_tree/../made-moddir"
	fi
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
	made=$(cat "$dkms_tree/../made-moddir" 2>/dev/null) || made=
	[[ $made == /lib/modules/?* ]] && rm -rf "$made"
	rm -rf "${dkms_tree:?}" "$dkms_tree/../made-moddir"
	;;
files) files ;;
*) die "usage: scripts/dkms.sh install [KVER KSRC] | remove | test KSRC | test-remove KSRC | files" ;;
esac
